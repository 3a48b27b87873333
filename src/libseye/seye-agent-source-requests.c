/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-agent-source"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "seye-agent-source-private.h"
#include "seye-error.h"
#include "seye-json.h"

/* Requests ----------------------------------------------------------------- */

void
_seye_agent_request_free (SeyeAgentRequest *request)
{
  if (request->admitted)
    {
      g_autoptr (SeyeAgentSource) self = g_weak_ref_get (&request->source);

      /* Its connection is free for the next one. */
      request->admitted = FALSE;
      if (self != NULL)
        _seye_agent_source_release (self, request);
    }

  g_clear_pointer (&request->tls_check, _seye_tls_check_free);
  g_clear_handle_id (&request->deadline_id, g_source_remove);
  g_weak_ref_clear (&request->source);
  g_clear_object (&request->peer);
  g_clear_object (&request->message);
  g_clear_object (&request->cancellable);
  g_clear_object (&request->stream);
  g_clear_pointer (&request->body, g_byte_array_unref);
  g_free (request);
}

char *
_seye_agent_source_describe_http_status (SoupMessage *message)
{
  guint status = soup_message_get_status (message);
  const char *reason = soup_message_get_reason_phrase (message);

  if (reason == NULL || reason[0] == '\0')
    reason = soup_status_get_phrase (status);

  return g_strdup_printf (_("the node answered HTTP %u %s"), status, reason ? reason : "");
}

char *
_seye_agent_source_describe_transport_error (const GError *error,
                                             gboolean      timed_out)
{
  if (timed_out || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    return g_strdup_printf (_("no answer within %d seconds"), timed_out ? REQUEST_DEADLINE : IO_TIMEOUT);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    return g_strdup (_("connection refused (is sorcerers-eye-agent running there?)"));

  if (error->domain == G_TLS_ERROR)
    return g_strdup_printf (_("no HTTPS there (%s): is the agent started with --tls?"), error->message);

  if (error->domain == G_IO_ERROR || error->domain == G_RESOLVER_ERROR)
    return g_strdup_printf (_("cannot reach the node: %s"), error->message);

  return g_strdup_printf (_("the node did not answer in HTTP: %s"), error->message);
}

/* What the TLS handshake of @request showed. Returns FALSE when it settled the
 * node's state (another certificate than the pinned one). */
static gboolean
tls_outcome (SeyeAgentSource  *self,
             SeyeAgentRequest *request)
{
  const char *fingerprint = _seye_tls_check_get_fingerprint (request->tls_check);
  SeyeAgentPeer *peer = request->peer;
  SeyeNode *node = peer->node;

  if (_seye_tls_check_get_mismatch (request->tls_check))
    {
      /* Not the paired node: another endpoint of its id may be. */
      if (!_seye_agent_source_refuse_endpoint (self, peer))
        {
          if (fingerprint != NULL)
            _seye_node_set_tls_fingerprint (node, fingerprint);
          _seye_agent_source_untrusted (self, peer, fingerprint);
        }
      return FALSE;
    }

  if (fingerprint != NULL)
    {
      _seye_node_set_tls_fingerprint (node, fingerprint);

      /* It presented the pin: this is where the paired node is. */
      if (seye_node_get_paired (node) && g_strcmp0 (peer->proven_uri, peer->base_uri) != 0)
        {
          g_free (peer->proven_uri);
          peer->proven_uri = g_strdup (peer->base_uri);
        }
    }

  return TRUE;
}

/* Returns FALSE when the answer's status and handshake settled the node's state. */
static gboolean
auth_outcome (SeyeAgentSource  *self,
              SeyeAgentRequest *request,
              guint             status)
{
  if (request->tls_check != NULL && !tls_outcome (self, request))
    return FALSE;

  if (status == SOUP_STATUS_UNAUTHORIZED)
    {
      _seye_agent_source_needs_pairing (self, request->peer,
                          request->tls_check != NULL && _seye_tls_check_get_token_sent (request->tls_check));
      return FALSE;
    }

  /* It answers, but not to other machines: no token would change that. */
  if (status == SOUP_STATUS_FORBIDDEN)
    {
      _seye_agent_source_incompatible (self, request->peer,
                         _("it serves its data to its own machine only (HTTP 403): see its --api-access"));
      return FALSE;
    }

  return TRUE;
}

/* /v1/node answered: who answers there, and what becomes of the node. */
static void
take_info (SeyeAgentSource    *self,
           SeyeAgentPeer      *peer,
           const SeyeNodeInfo *info)
{
  SeyeNode *node = peer->node;
  const SeyeNodeInfo *had = seye_node_get_info (node);
  SeyeAgentPeer *other;

  peer->need_info = FALSE;
  /* Maybe another agent, or a newer one: see again whether it streams. */
  peer->stream_unsupported = FALSE;

  /* Another agent now answers at this address: start its history afresh
   * (the node is not online until that one's first sample). */
  if (had != NULL && !_seye_agent_source_same_machine (had, info))
    g_hash_table_remove_all (peer->vetted);

  if (had != NULL && g_strcmp0 (had->node_id, info->node_id) != 0)
    {
      _seye_node_clear_samples (node);
      peer->need_history = TRUE;
    }

  _seye_agent_source_reached (self, peer);

  _seye_node_set_info (node, info);

  if (g_strcmp0 (seye_node_get_key (node), info->node_id) != 0)
    {
      other = g_hash_table_lookup (self->by_key, info->node_id);
      if (other != NULL && other != peer && seye_node_get_info (other->node) != NULL &&
          !_seye_agent_source_same_machine (seye_node_get_info (other->node), info))
        {
          /* Another machine answers under that id: both stay, and say so. */
          _seye_agent_source_update_conflicts (self, info->node_id);
          _seye_agent_source_poll (self, peer);
          return;
        }
      if (other != NULL && other != peer)
        {
          _seye_agent_source_merge (self, other, peer);
          return;
        }
      _seye_agent_source_rekey (self, peer, info->node_id);
    }

  _seye_agent_source_poll (self, peer);
  _seye_agent_source_vet_endpoints (self, peer);
}

static void
handle_body (SeyeAgentSource  *self,
             SeyeAgentRequest *request)
{
  SeyeAgentPeer *peer = request->peer;
  SeyeNode *node = peer->node;
  const char *data = (const char *) request->body->data;
  gssize length = request->body->len;
  g_autoptr (GError) error = NULL;

  switch (request->kind)
    {
    case REQUEST_INFO:
      {
        g_autoptr (SeyeNodeInfo) info = seye_node_info_from_json (data, length, &error);

        if (info == NULL)
          break;

        take_info (self, peer, info);
        return;
      }

    case REQUEST_HISTORY:
      {
        g_autoptr (GPtrArray) samples = seye_history_samples_from_json (data, length, &error);

        if (samples == NULL)
          break;

        peer->need_history = FALSE;
        _seye_agent_source_reached (self, peer);
        for (guint i = 0; i < samples->len; i++)
          _seye_node_add_sample (node, samples->pdata[i]);

        if (seye_node_get_sample (node) == NULL)
          _seye_agent_source_poll (self, peer);
        else
          _seye_agent_source_schedule_poll (self, peer, self->interval);
        return;
      }

    case REQUEST_METRICS:
    default:
      {
        g_autoptr (SeyeSample) sample = seye_sample_from_json (data, length, &error);

        if (sample == NULL)
          break;

        _seye_node_add_sample (node, sample);
        _seye_agent_source_sampled (self, peer);
        _seye_agent_source_schedule_poll (self, peer, _seye_agent_source_poll_delay (self, peer));
        return;
      }
    }

  if (g_error_matches (error, SEYE_ERROR, SEYE_ERROR_INCOMPATIBLE))
    {
      _seye_agent_source_incompatible (self, peer, error->message);
    }
  else
    {
      g_autofree char *message = g_strdup_printf (_("the node sent bad data: %s"), error->message);

      _seye_agent_source_failed (self, peer, message);
    }
}


static void read_more (SeyeAgentRequest *request);

void
_seye_agent_request_finish (SeyeAgentRequest *request,
                            const GError     *error)
{
  g_autoptr (SeyeAgentRequest) owned = request;
  g_autoptr (SeyeAgentSource) self = g_weak_ref_get (&request->source);
  SeyeAgentPeer *peer = request->peer;
  SeyeNode *node = peer->node;

  /* Cancelled by us (node removed, source gone, endpoint changed): say nothing. */
  if (self == NULL ||
      (!request->timed_out && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) ||
      peer->cancellable != request->cancellable)
    return;

  peer->in_flight = FALSE;
  g_clear_object (&peer->cancellable);

  if (request->tls_check != NULL && !tls_outcome (self, request))
    return;

  if (error != NULL)
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, SEYE_ERROR, SEYE_ERROR_INVALID) && request->kind == REQUEST_HISTORY)
        {
          /* Too much history to fetch: go on without it. */
          g_debug ("node “%s”: skipping its history: %s", seye_node_get_key (node), error->message);
          peer->need_history = FALSE;
          _seye_agent_source_poll (self, peer);
          return;
        }

      if (g_error_matches (error, SEYE_ERROR, SEYE_ERROR_INCOMPATIBLE))
        {
          _seye_agent_source_incompatible (self, peer, error->message);
          return;
        }

      if (error->domain == SEYE_ERROR)
        message = g_strdup (error->message);
      else
        message = _seye_agent_source_describe_transport_error (error, request->timed_out);

      /* A paired node at an endpoint that never presented its pin (no TLS there,
       * nothing there): another endpoint of its id is tried before it is called down. */
      if (seye_node_get_paired (node) && g_strcmp0 (peer->proven_uri, peer->base_uri) != 0 && _seye_agent_source_refuse_endpoint (self, peer))
        return;

      /* Refused or unreachable: whatever answered before is not there now. */
      if (error->domain != SEYE_ERROR && !request->timed_out &&
          !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
        peer->waiting_since = 0;

      /* Not there at all: its service may say another place by now. */
      if (error->domain != SEYE_ERROR)
        _seye_agent_source_resolve_again (self, peer);

      /* A request that hung until it timed out missed every poll of that time: a cut
       * link answers nothing, not even a refusal, and must not take three timeouts. */
      if (request->timed_out || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
        {
          double waited = request->timed_out ? REQUEST_DEADLINE : IO_TIMEOUT;
          guint missed = (guint) MIN (waited / self->interval, STALE_POLLS);

          peer->failures = MAX (peer->failures, MAX (missed, 1u) - 1);
        }

      _seye_agent_source_failed (self, peer, message);
      return;
    }

  handle_body (self, request);
}

static void
read_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  SeyeAgentRequest *request = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = NULL;
  gsize size;

  bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  if (bytes == NULL)
    {
      _seye_agent_request_finish (request, error);
      return;
    }

  size = g_bytes_get_size (bytes);
  if (size == 0)
    {
      _seye_agent_request_finish (request, NULL);
      return;
    }

  if (request->body->len + size > request->limit)
    {
      g_set_error (&error, SEYE_ERROR, SEYE_ERROR_INVALID,
                   _("the node sent an answer larger than %u KiB"),
                   (guint) (request->limit / 1024));
      _seye_agent_request_finish (request, error);
      return;
    }

  g_byte_array_append (request->body, g_bytes_get_data (bytes, NULL), size);
  read_more (request);
}

static void
read_more (SeyeAgentRequest *request)
{
  g_input_stream_read_bytes_async (request->stream,
                                   64 * 1024,
                                   G_PRIORITY_DEFAULT,
                                   request->cancellable,
                                   read_cb,
                                   request);
}

static void
send_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  SeyeAgentRequest *request = data;
  g_autoptr (GError) error = NULL;
  SoupMessageHeaders *headers;
  goffset content_length;
  guint status;

  request->stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (request->stream == NULL)
    {
      _seye_agent_request_finish (request, error);
      return;
    }

  status = soup_message_get_status (request->message);
  if (status == SOUP_STATUS_UNAUTHORIZED || status == SOUP_STATUS_FORBIDDEN || request->tls_check != NULL)
    {
      g_autoptr (SeyeAgentSource) self = g_weak_ref_get (&request->source);

      if (self != NULL && request->peer->cancellable == request->cancellable &&
          !auth_outcome (self, request, status))
        {
          request->peer->in_flight = FALSE;
          g_clear_object (&request->peer->cancellable);
          _seye_agent_request_free (request);
          return;
        }
    }

  if (request->kind == REQUEST_STREAM && status != SOUP_STATUS_OK && _seye_agent_source_stream_refused (request, status))
    return;

  if (status != SOUP_STATUS_OK)
    {
      g_autofree char *message = _seye_agent_source_describe_http_status (request->message);

      if (status == SOUP_STATUS_SERVICE_UNAVAILABLE && request->kind == REQUEST_METRICS)
        {
          g_autoptr (SeyeAgentSource) self = g_weak_ref_get (&request->source);

          /* A fresh agent with no sample yet: it is there, ask again soon. */
          if (self != NULL && request->peer->cancellable == request->cancellable)
            {
              SeyeAgentPeer *peer = request->peer;

              peer->in_flight = FALSE;
              g_clear_object (&peer->cancellable);
              _seye_agent_source_reached (self, peer);
              _seye_agent_source_schedule_poll (self, peer, MIN (self->interval, 0.5));
            }
          _seye_agent_request_free (request);
          return;
        }

      g_set_error_literal (&error, SEYE_ERROR, SEYE_ERROR_UNAVAILABLE, message);
      _seye_agent_request_finish (request, error);
      return;
    }

  headers = soup_message_get_response_headers (request->message);
  content_length = soup_message_headers_get_content_length (headers);
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      content_length > (goffset) request->limit)
    {
      g_set_error (&error, SEYE_ERROR, SEYE_ERROR_INVALID,
                   _("the node sent an answer larger than %u KiB"),
                   (guint) (request->limit / 1024));
      _seye_agent_request_finish (request, error);
      return;
    }

  if (request->kind == REQUEST_STREAM)
    _seye_agent_source_stream_start (request);
  else
    read_more (request);
}

static gboolean
deadline_cb (gpointer data)
{
  SeyeAgentRequest *request = data;

  request->deadline_id = 0;
  request->timed_out = TRUE;
  g_cancellable_cancel (request->cancellable);

  return G_SOURCE_REMOVE;
}

void
_seye_agent_source_poll (SeyeAgentSource *self,
                         SeyeAgentPeer   *peer)
{
  SeyeNode *node = peer->node;
  g_autofree char *uri = NULL;
  SeyeAgentRequest *request;

  g_clear_handle_id (&peer->poll_id, g_source_remove);

  if (peer->in_flight || peer->base_uri == NULL)
    return;

  _seye_node_set_paired (node, _seye_agent_source_find_pairing (self, node) != NULL);

  request = g_new0 (SeyeAgentRequest, 1);
  g_weak_ref_init (&request->source, self);
  request->peer = g_object_ref (peer);
  request->body = g_byte_array_new ();
  request->limit = BODY_LIMIT;

  if (peer->need_info)
    {
      request->kind = REQUEST_INFO;
      uri = g_strconcat (peer->base_uri, "/v1/node", NULL);
    }
  else if (peer->need_history && self->fetch_history)
    {
      gint64 since = seye_node_get_sample (node) ? seye_node_get_sample (node)->time_ms : 0;

      request->kind = REQUEST_HISTORY;
      request->limit = HISTORY_LIMIT;
      uri = g_strdup_printf ("%s/v1/history?since=%" G_GINT64_FORMAT, peer->base_uri, since);
    }
  else if (_seye_agent_source_stream_wanted (self, peer))
    {
      char interval[G_ASCII_DTOSTR_BUF_SIZE];

      request->kind = REQUEST_STREAM;
      request->limit = LINE_LIMIT;
      g_ascii_dtostr (interval, sizeof interval, self->interval);
      /* The compact form: the totals, which is all any client of the monitor
       * shows, as an array that decodes in a quarter of the time of a whole sample. */
      uri = g_strconcat (peer->base_uri, "/v1/stream?view=compact&full_every=" G_STRINGIFY (STREAM_FULL_EVERY)
                         "&interval=", interval, NULL);
    }
  else
    {
      request->kind = REQUEST_METRICS;
      uri = g_strconcat (peer->base_uri, "/v1/metrics", NULL);
    }

  request->message = soup_message_new (SOUP_METHOD_GET, uri);
  if (request->message == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("“%s” is not an address one can connect to"),
                                                  seye_node_get_address (node) ? seye_node_get_address (node) : peer->base_uri);

      _seye_agent_request_free (request);
      _seye_agent_source_failed (self, peer, message);
      return;
    }

  soup_message_headers_replace (soup_message_get_request_headers (request->message), "Accept",
                                request->kind == REQUEST_STREAM ? "application/x-ndjson"
                                                                : "application/json");

  if (seye_node_get_tls (node))
    request->tls_check = _seye_tls_check_new (request->message, _seye_agent_source_find_pairing (self, node),
                                              self->credentials);
  else if (seye_node_get_paired (node))
    {
      /* Announced without TLS now: the paired node would never do that. */
      _seye_agent_request_free (request);
      if (!_seye_agent_source_refuse_endpoint (self, peer))
        _seye_agent_source_untrusted (self, peer, NULL);
      return;
    }

  request->cancellable = g_cancellable_new ();
  g_set_object (&peer->cancellable, request->cancellable);
  peer->in_flight = TRUE;
  peer->asking_stream = request->kind == REQUEST_STREAM;
  if (request->kind == REQUEST_STREAM || request->kind == REQUEST_METRICS)
    peer->polled = request->kind == REQUEST_METRICS;
  /* Streams have connections of their own; other requests may wait for one. */
  if (request->kind == REQUEST_STREAM)
    _seye_agent_request_send (self, request);
  else
    _seye_agent_source_admit (self, request);
}

/* Sends @request now: its deadline runs from here. */
void
_seye_agent_request_send (SeyeAgentSource  *self,
                          SeyeAgentRequest *request)
{
  request->deadline_id = g_timeout_add_seconds (REQUEST_DEADLINE, deadline_cb, request);

  soup_session_send_async (request->kind == REQUEST_STREAM ? self->stream_session : self->session,
                           request->message,
                           G_PRIORITY_DEFAULT,
                           request->cancellable,
                           send_cb,
                           request);
}

static gboolean
poll_timeout_cb (gpointer data)
{
  SeyeAgentPeer *peer = data;

  peer->poll_id = 0;
  if (peer->source != NULL)
    _seye_agent_source_poll (SEYE_AGENT_SOURCE (peer->source), peer);

  return G_SOURCE_REMOVE;
}

void
_seye_agent_source_schedule_poll (SeyeAgentSource *self,
                                  SeyeAgentPeer   *peer,
                                  double           delay)
{
  g_clear_handle_id (&peer->poll_id, g_source_remove);

  if (!self->started)
    return;

  peer->poll_id = g_timeout_add_full (G_PRIORITY_DEFAULT,
                                      (guint) MAX (0, delay * 1000),
                                      poll_timeout_cb,
                                      peer,
                                      NULL);
}
