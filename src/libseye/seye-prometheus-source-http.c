/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-prometheus-source"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "seye-error.h"
#include "seye-json-private.h"
#include "seye-prometheus-source-private.h"
#include "seye-read.h"

/*
 * One request to a Prometheus HTTP API: the source's credentials in the
 * Authorization header, its pinned certificate (or the system's CAs), a
 * deadline, and a cap on the answer (SEYE_PROMETHEUS_MAX_ANSWER), which is
 * read in chunks and refused as soon as it is larger. What comes back is the
 * "data" of {"status":"success","data":…}; anything else is an error in words
 * with the status the server is in (unreachable, credentials, certificate, error).
 */

struct _PromRequest
{
  SoupMessage          *message;
  GInputStream         *stream;
  GTlsCertificate      *pinned;
  GCancellable         *cancellable;    /* the caller's, chained to the deadline */
  GCancellable         *caller;
  gulong                cancelled_id;
  guint                 deadline_id;
  gboolean              timed_out;
  gboolean              mismatch;
  SeyePrometheusStatus  status;         /* what a failure means for the server */
};

static void
request_free (PromRequest *request)
{
  g_clear_handle_id (&request->deadline_id, g_source_remove);
  if (request->caller != NULL)
    g_cancellable_disconnect (request->caller, request->cancelled_id);
  g_clear_object (&request->caller);
  g_clear_object (&request->cancellable);
  g_clear_object (&request->stream);
  g_clear_object (&request->message);
  g_clear_object (&request->pinned);
  g_free (request);
}

static void
fail (GTask                *task,
      SeyePrometheusStatus  status,
      GError               *error)
{
  PromRequest *request = g_task_get_task_data (task);

  request->status = status;
  g_task_return_error (task, error);
}

static gboolean
deadline_cb (gpointer data)
{
  PromRequest *request = data;

  request->deadline_id = 0;
  request->timed_out = TRUE;
  g_cancellable_cancel (request->cancellable);

  return G_SOURCE_REMOVE;
}

static void
caller_cancelled_cb (GCancellable *caller,
                     gpointer      data)
{
  g_cancellable_cancel (G_CANCELLABLE (data));
}

/* Only the pinned certificate is accepted when there is one; without, libsoup's
 * check against the system's CAs stands. */
static gboolean
accept_certificate_cb (SoupMessage          *message,
                       GTlsCertificate      *certificate,
                       GTlsCertificateFlags  errors,
                       gpointer              data)
{
  PromRequest *request = data;

  if (request->pinned == NULL)
    return FALSE;

  request->mismatch = !g_tls_certificate_is_same (request->pinned, certificate);

  return !request->mismatch;
}

static void
fail_transport (GTask        *task,
                const GError *error)
{
  PromRequest *request = g_task_get_task_data (task);

  if (request->mismatch)
    fail (task, SEYE_PROMETHEUS_STATUS_CERTIFICATE,
          g_error_new (SEYE_ERROR, SEYE_ERROR_CERTIFICATE,
                       _("it presented another certificate than the pinned one")));
  else if (request->timed_out)
    fail (task, SEYE_PROMETHEUS_STATUS_UNREACHABLE,
          g_error_new (SEYE_ERROR, SEYE_ERROR_UNAVAILABLE, _("no answer in time")));
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    fail (task, SEYE_PROMETHEUS_STATUS_UNREACHABLE, g_error_copy (error));
  else if (error->domain == G_TLS_ERROR)
    fail (task, SEYE_PROMETHEUS_STATUS_CERTIFICATE,
          g_error_new (SEYE_ERROR, SEYE_ERROR_CERTIFICATE,
                       _("its certificate is not trusted (%s); pin it to trust it"), error->message));
  else
    fail (task, SEYE_PROMETHEUS_STATUS_UNREACHABLE,
          g_error_new_literal (SEYE_ERROR, SEYE_ERROR_UNAVAILABLE, error->message));
}

/* An answer of the API, successful or not, or something else altogether. */
static void
decode (GTask  *task,
        GBytes *body)
{
  PromRequest *request = g_task_get_task_data (task);
  guint http_status = soup_message_get_status (request->message);
  g_autoptr (JsonNode) document = NULL;
  JsonObject *root;
  const char *status;
  const char *reason;

  /* Through the same checks as a node's answers: json-glib is not given what
   * is known to hurt it. */
  document = _seye_json_parse (g_bytes_get_data (body, NULL), g_bytes_get_size (body), NULL);
  if (document == NULL || !JSON_NODE_HOLDS_OBJECT (document))
    {
      if (http_status != SOUP_STATUS_OK)
        fail (task, SEYE_PROMETHEUS_STATUS_ERROR,
              g_error_new (SEYE_ERROR, SEYE_ERROR_UNAVAILABLE, _("HTTP %u %s"), http_status,
                           soup_message_get_reason_phrase (request->message)));
      else
        fail (task, SEYE_PROMETHEUS_STATUS_ERROR,
              g_error_new_literal (SEYE_ERROR, SEYE_ERROR_PARSE,
                                   _("its answer is not the Prometheus HTTP API (not JSON)")));
      return;
    }

  root = json_node_get_object (document);
  status = _seye_prom_string_member (root, "status");
  if (g_strcmp0 (status, "success") == 0 && http_status == SOUP_STATUS_OK &&
      json_object_has_member (root, "data"))
    {
      g_task_return_pointer (task, json_node_copy (json_object_get_member (root, "data")),
                             (GDestroyNotify) json_node_unref);
      return;
    }

  if (status == NULL)
    {
      fail (task, SEYE_PROMETHEUS_STATUS_ERROR,
            g_error_new (SEYE_ERROR, SEYE_ERROR_PARSE,
                         _("its answer (HTTP %u) is not the Prometheus HTTP API"), http_status));
      return;
    }

  reason = _seye_prom_string_member (root, "error");
  fail (task, SEYE_PROMETHEUS_STATUS_ERROR,
        g_error_new (SEYE_ERROR, SEYE_ERROR_INVALID, _("it answered with an error (HTTP %u): %s"),
                     http_status, reason != NULL ? reason : _("no reason given")));
}

static void
read_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      data)
{
  g_autoptr (GTask) task = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) body = seye_read_capped_finish (G_INPUT_STREAM (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE))
    fail (task, SEYE_PROMETHEUS_STATUS_ERROR,
          g_error_new (SEYE_ERROR, SEYE_ERROR_INVALID,
                       _("its answer is larger than %u MiB: too many series; scrape fewer targets"),
                       SEYE_PROMETHEUS_MAX_ANSWER / (1024 * 1024)));
  else if (body == NULL)
    fail_transport (task, error);
  else
    decode (task, body);
}

static void
sent_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      data)
{
  g_autoptr (GTask) task = data;
  PromRequest *request = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  GTlsCertificate *peer;
  guint status;

  request->stream = soup_session_send_finish (SOUP_SESSION (object), result, &error);
  if (request->stream == NULL)
    {
      fail_transport (task, error);
      return;
    }

  /* A pin holds even for a certificate the system trusts. */
  peer = soup_message_get_tls_peer_certificate (request->message);
  if (request->pinned != NULL && peer != NULL && !g_tls_certificate_is_same (request->pinned, peer))
    {
      request->mismatch = TRUE;
      fail_transport (task, NULL);
      return;
    }

  status = soup_message_get_status (request->message);
  if (status == SOUP_STATUS_UNAUTHORIZED || status == SOUP_STATUS_FORBIDDEN)
    {
      fail (task, SEYE_PROMETHEUS_STATUS_AUTH,
            g_error_new (SEYE_ERROR, SEYE_ERROR_AUTH,
                         _("it refused the credentials (HTTP %u): give a user and password or a token"),
                         status));
      return;
    }

  seye_read_capped_async (request->stream, SEYE_PROMETHEUS_MAX_ANSWER, request->cancellable, read_cb,
                          g_steal_pointer (&task));
}

/**
 * _seye_prometheus_source_request:
 * @path: under the server's URL, e.g. "/api/v1/query"
 * @params: (nullable): form fields (char * -> char *), sent as a POST body
 *
 * GETs @path (or POSTs @params to it).
 */
void
_seye_prometheus_source_request (SeyePrometheusSource *self,
                                 const char           *path,
                                 GHashTable           *params,
                                 GCancellable         *cancellable,
                                 GAsyncReadyCallback   callback,
                                 gpointer              user_data)
{
  g_autoptr (GTask) task = g_task_new (self, NULL, callback, user_data);
  g_autofree char *uri = g_strconcat (self->url, path, NULL);
  PromRequest *request = g_new0 (PromRequest, 1);
  SoupMessageHeaders *headers;

  g_task_set_source_tag (task, _seye_prometheus_source_request);
  g_task_set_task_data (task, request, (GDestroyNotify) request_free);
  request->pinned = self->pinned != NULL ? g_object_ref (self->pinned) : NULL;

  if (params != NULL)
    request->message = soup_message_new_from_encoded_form (SOUP_METHOD_POST, uri,
                                                           soup_form_encode_hash (params));
  else
    request->message = soup_message_new (SOUP_METHOD_GET, uri);

  if (request->message == NULL)
    {
      fail (task, SEYE_PROMETHEUS_STATUS_ERROR,
            g_error_new_literal (SEYE_ERROR, SEYE_ERROR_CONFIG, _("it is not an address one can connect to")));
      return;
    }

  headers = soup_message_get_request_headers (request->message);
  soup_message_headers_replace (headers, "Accept", "application/json");
  if (self->authorization != NULL)
    soup_message_headers_replace (headers, "Authorization", self->authorization);
  g_signal_connect (request->message, "accept-certificate", G_CALLBACK (accept_certificate_cb), request);

  request->cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    {
      request->caller = g_object_ref (cancellable);
      request->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (caller_cancelled_cb),
                                                     g_object_ref (request->cancellable), g_object_unref);
    }
  request->deadline_id = g_timeout_add ((guint) (self->timeout * 1000), deadline_cb, request);

  self->requests_sent++;
  soup_session_send_async (self->session, request->message, G_PRIORITY_DEFAULT,
                           request->cancellable, sent_cb, g_steal_pointer (&task));
}

/**
 * _seye_prometheus_source_request_finish:
 * @status: (out): on error, what it means for the server
 *
 * Returns: (transfer full) (nullable): the answer's "data"; %NULL with @error
 *   in words (not sanitised: it may quote the server).
 */
JsonNode *
_seye_prometheus_source_request_finish (SeyePrometheusSource  *self,
                                        GAsyncResult          *result,
                                        SeyePrometheusStatus  *status,
                                        GError               **error)
{
  PromRequest *request = g_task_get_task_data (G_TASK (result));
  JsonNode *data = g_task_propagate_pointer (G_TASK (result), error);

  if (status != NULL)
    *status = data != NULL ? SEYE_PROMETHEUS_STATUS_OK : request->status;

  return data;
}
