/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-agent"

#include "config.h"

#include <libsoup/soup.h>
#include <malloc.h>
#include <math.h>

#include "seye-agent-server.h"
#include "seye-error.h"
#include "seye-json.h"
#include "seye-prometheus.h"

/*
 * Samples the machine on a fixed clock and serves what it sampled. Every
 * response comes from what the last tick produced (the sample's JSON is
 * encoded once, when it is taken); nothing is read from /proc per request.
 */

#define HISTORY_SECONDS 900.0     /* keep 15 minutes, whatever the interval */
#define TRIM_SECONDS    60        /* hand freed heap back to the system this often */
#define JSON_TYPE       "application/json"

struct _SeyeAgentServer
{
  GObject          parent_instance;

  SoupServer      *server;
  SeyeProcReader  *reader;
  SeyeNodeInfo    *info;
  SeyeSample      *latest;
  GQueue           history;        /* Encoded, oldest first: all /v1/history needs */
  guint            history_length; /* how many encoded samples to keep */

  GBytes          *info_json;
  GBytes          *prometheus;     /* of the latest sample, made on the first scrape */
  GStrv            problems;       /* what the reader could not read, last tick */

  double           interval;
  gint64           next_tick_us;   /* monotonic deadline of the next sample */
  gint64           last_trim_us;
  guint            tick_source;
  guint16          port;
};

G_DEFINE_FINAL_TYPE (SeyeAgentServer, seye_agent_server, G_TYPE_OBJECT)

/* A sample of the history as it is served: its time and its JSON. The decoded
 * sample is kept only for the latest one (for /metrics), which saves the
 * agent some 4 KB per sample of history. */
typedef struct
{
  gint64  time_ms;
  GBytes *json;
} Encoded;

static void
encoded_free (Encoded *encoded)
{
  g_bytes_unref (encoded->json);
  g_free (encoded);
}

typedef void (*RouteFunc) (SeyeAgentServer   *self,
                           SoupServerMessage *msg,
                           GHashTable        *query);

static void
seye_agent_server_dispose (GObject *object)
{
  SeyeAgentServer *self = SEYE_AGENT_SERVER (object);

  g_clear_handle_id (&self->tick_source, g_source_remove);
  if (self->server != NULL)
    soup_server_disconnect (self->server);
  g_clear_object (&self->server);

  G_OBJECT_CLASS (seye_agent_server_parent_class)->dispose (object);
}

static void
seye_agent_server_finalize (GObject *object)
{
  SeyeAgentServer *self = SEYE_AGENT_SERVER (object);

  g_clear_pointer (&self->reader, seye_proc_reader_free);
  g_clear_pointer (&self->info, seye_node_info_free);
  g_clear_pointer (&self->latest, seye_sample_unref);
  g_queue_clear_full (&self->history, (GDestroyNotify) encoded_free);
  g_clear_pointer (&self->info_json, g_bytes_unref);
  g_clear_pointer (&self->prometheus, g_bytes_unref);
  g_clear_pointer (&self->problems, g_strfreev);

  G_OBJECT_CLASS (seye_agent_server_parent_class)->finalize (object);
}

static void
seye_agent_server_class_init (SeyeAgentServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = seye_agent_server_dispose;
  object_class->finalize = seye_agent_server_finalize;
}

static void
seye_agent_server_init (SeyeAgentServer *self)
{
}

/* Sampling ---------------------------------------------------------------- */

/* Log each problem once when it starts and once when it goes away, not every tick. */
static void
report_problems (SeyeAgentServer *self)
{
  const char * const *now = seye_proc_reader_get_problems (self->reader);

  for (guint i = 0; now != NULL && now[i] != NULL; i++)
    if (self->problems == NULL || !g_strv_contains ((const char * const *) self->problems, now[i]))
      g_warning ("sampling: %s; that part is left out of the metrics until it can be read again", now[i]);

  for (guint i = 0; self->problems != NULL && self->problems[i] != NULL; i++)
    if (now == NULL || !g_strv_contains (now, self->problems[i]))
      g_message ("sampling: recovered from: %s", self->problems[i]);

  g_strfreev (self->problems);
  self->problems = g_strdupv ((GStrv) now);
}

static void
take_sample (SeyeAgentServer *self)
{
  g_autoptr (SeyeSample) sample = NULL;
  Encoded *encoded;
  Encoded *latest;

  sample = seye_proc_reader_sample (self->reader, g_get_real_time () / 1000);
  report_problems (self);

  /* Encode now, once: every request for this sample is served from these bytes. */
  seye_sample_get_json (sample);

  latest = g_queue_peek_tail (&self->history);
  if (latest != NULL && sample->time_ms <= latest->time_ms)
    {
      g_warning ("sampling: the system clock went back; starting the history afresh");
      g_queue_clear_full (&self->history, (GDestroyNotify) encoded_free);
    }

  encoded = g_new (Encoded, 1);
  encoded->time_ms = sample->time_ms;
  encoded->json = g_bytes_ref (seye_sample_get_json (sample));
  g_queue_push_tail (&self->history, encoded);
  while (self->history.length > self->history_length)
    encoded_free (g_queue_pop_head (&self->history));

  g_clear_pointer (&self->latest, seye_sample_unref);
  self->latest = g_steal_pointer (&sample);

  /* A burst of clients leaves freed buffers in malloc's pools; a daemon that
   * runs for months should not keep them. */
  if (g_get_monotonic_time () - self->last_trim_us > TRIM_SECONDS * G_USEC_PER_SEC)
    {
      malloc_trim (0);
      self->last_trim_us = g_get_monotonic_time ();
    }
  g_clear_pointer (&self->prometheus, g_bytes_unref);
}

static gboolean tick_cb (gpointer data);

/* A fixed clock: each deadline is the previous one plus the interval, so a
 * slow tick does not push every later sample back. */
static void
schedule_tick (SeyeAgentServer *self)
{
  gint64 interval_us = (gint64) (self->interval * G_USEC_PER_SEC);
  gint64 now = g_get_monotonic_time ();
  gint64 delay_ms;

  self->next_tick_us += interval_us;
  if (self->next_tick_us <= now)
    {
      /* Fell more than one interval behind (suspend, stall): skip, do not catch up. */
      self->next_tick_us = now + interval_us;
    }

  delay_ms = (self->next_tick_us - now + 999) / 1000;
  self->tick_source = g_timeout_add_full (G_PRIORITY_HIGH, (guint) delay_ms, tick_cb, self, NULL);
}

static gboolean
tick_cb (gpointer data)
{
  SeyeAgentServer *self = data;

  self->tick_source = 0;
  take_sample (self);
  schedule_tick (self);

  return G_SOURCE_REMOVE;
}

/* Responses --------------------------------------------------------------- */

static void
respond_bytes (SoupServerMessage *msg,
               guint              status,
               const char        *content_type,
               GBytes            *bytes)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  soup_server_message_set_status (msg, status, NULL);
  soup_message_headers_set_content_type (headers, content_type, NULL);
  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  soup_message_body_append_bytes (soup_server_message_get_response_body (msg), bytes);
}

static void
respond_error (SoupServerMessage *msg,
               guint              status,
               const char        *message)
{
  g_autofree char *body = seye_json_error_body (status, message);
  g_autoptr (GBytes) bytes = g_bytes_new_take (g_steal_pointer (&body), strlen (body));

  respond_bytes (msg, status, JSON_TYPE, bytes);
}

static SeyeSample *
latest_or_unavailable (SeyeAgentServer   *self,
                       SoupServerMessage *msg)
{
  SeyeSample *sample = self->latest;

  if (sample == NULL)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Retry-After", "1");
      respond_error (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "no sample has been taken yet; try again");
    }

  return sample;
}

static void
route_node (SeyeAgentServer   *self,
            SoupServerMessage *msg,
            GHashTable        *query)
{
  respond_bytes (msg, SOUP_STATUS_OK, JSON_TYPE, self->info_json);
}

static void
route_metrics (SeyeAgentServer   *self,
               SoupServerMessage *msg,
               GHashTable        *query)
{
  SeyeSample *sample = latest_or_unavailable (self, msg);

  if (sample != NULL)
    respond_bytes (msg, SOUP_STATUS_OK, JSON_TYPE, seye_sample_get_json (sample));
}

static void
route_history (SeyeAgentServer   *self,
               SoupServerMessage *msg,
               GHashTable        *query)
{
  const char *since_text = query ? g_hash_table_lookup (query, "since") : NULL;
  g_autoptr (GBytes) bytes = NULL;
  gint64 since = 0;
  guint count = 0;
  GList *first;
  GString *str;

  if (since_text != NULL &&
      !g_ascii_string_to_signed (since_text, 10, 0, G_MAXINT64, &since, NULL))
    {
      respond_error (msg, SOUP_STATUS_BAD_REQUEST,
                     "“since” must be a Unix time in milliseconds, e.g. /v1/history?since=1700000000000");
      return;
    }

  /* The newest samples are what a poller asks for: find the first one after
   * "since" from the tail. */
  first = self->history.tail;
  while (first != NULL && ((Encoded *) first->data)->time_ms > since)
    {
      first = first->prev;
      count++;
    }
  first = first ? first->next : self->history.head;

  str = g_string_sized_new (128 + 1024 * count);
  g_string_append (str, "{\"schema\":");
  g_string_append_printf (str, "%d,\"node_id\":", SEYE_SCHEMA_VERSION);
  seye_json_write_string (str, self->info->node_id);
  g_string_append (str, ",\"interval\":");
  seye_json_write_double (str, self->interval);
  g_string_append (str, ",\"samples\":[");

  for (GList *l = first; l != NULL; l = l->next)
    {
      Encoded *encoded = l->data;
      gsize size;
      const char *data = g_bytes_get_data (encoded->json, &size);

      if (l != first)
        g_string_append_c (str, ',');
      g_string_append_len (str, data, size);
    }

  g_string_append (str, "]}");
  bytes = g_string_free_to_bytes (str);
  respond_bytes (msg, SOUP_STATUS_OK, JSON_TYPE, bytes);
}

static void
route_prometheus (SeyeAgentServer   *self,
                  SoupServerMessage *msg,
                  GHashTable        *query)
{
  SeyeSample *sample = latest_or_unavailable (self, msg);

  if (sample == NULL)
    return;

  if (self->prometheus == NULL)
    {
      GString *str = g_string_sized_new (8192);

      seye_prometheus_write (str, self->info, sample);
      self->prometheus = g_string_free_to_bytes (str);
    }

  respond_bytes (msg, SOUP_STATUS_OK, SEYE_PROMETHEUS_CONTENT_TYPE, self->prometheus);
}

static void
route_index (SeyeAgentServer   *self,
             SoupServerMessage *msg,
             GHashTable        *query)
{
  GString *str = g_string_new ("{\"schema\":");
  g_autoptr (GBytes) bytes = NULL;

  g_string_append_printf (str, "%d,\"service\":\"sorcerers-eye-agent\",\"name\":", SEYE_SCHEMA_VERSION);
  seye_json_write_string (str, self->info->name);
  g_string_append (str, ",\"endpoints\":[\"/v1/node\",\"/v1/metrics\",\"/v1/history\",\"/metrics\"]}");
  bytes = g_string_free_to_bytes (str);
  respond_bytes (msg, SOUP_STATUS_OK, JSON_TYPE, bytes);
}

static const struct {
  const char *path;
  RouteFunc   func;
} routes[] = {
  { "/",           route_index },
  { "/v1/node",    route_node },
  { "/v1/metrics", route_metrics },
  { "/v1/history", route_history },
  { "/metrics",    route_prometheus },
};

static void
handle_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           data)
{
  SeyeAgentServer *self = data;
  const char *method = soup_server_message_get_method (msg);

  for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
    {
      if (g_strcmp0 (path, routes[i].path) != 0)
        continue;

      if (method != SOUP_METHOD_GET && method != SOUP_METHOD_HEAD)
        {
          g_autofree char *message = g_strdup_printf ("method %s is not allowed on %s; use GET",
                                                      method, path);

          soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                        "Allow", "GET, HEAD");
          respond_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, message);
          return;
        }

      routes[i].func (self, msg, query);
      return;
    }

  {
    g_autofree char *message = g_strdup_printf ("no such endpoint: %s; try /v1/node, /v1/metrics, "
                                                "/v1/history or /metrics", path);

    respond_error (msg, SOUP_STATUS_NOT_FOUND, message);
  }
}

/* Refuse request bodies before libsoup reads them: no endpoint takes one. */
static void
early_cb (SoupServer        *server,
          SoupServerMessage *msg,
          const char        *path,
          GHashTable        *query,
          gpointer           data)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  SoupEncoding encoding = soup_message_headers_get_encoding (headers);

  if ((encoding == SOUP_ENCODING_CONTENT_LENGTH && soup_message_headers_get_content_length (headers) > 0) ||
      encoding == SOUP_ENCODING_CHUNKED || encoding == SOUP_ENCODING_EOF)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
      respond_error (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "request bodies are not accepted");
    }
}

/* Public API -------------------------------------------------------------- */

/**
 * seye_agent_server_new:
 * @reader: (transfer full): where samples come from
 * @info: the node's identity (copied)
 * @interval: seconds between samples
 */
SeyeAgentServer *
seye_agent_server_new (SeyeProcReader     *reader,
                       const SeyeNodeInfo *info,
                       double              interval)
{
  SeyeAgentServer *self;
  GString *str;

  g_return_val_if_fail (reader != NULL, NULL);
  g_return_val_if_fail (info != NULL, NULL);
  g_return_val_if_fail (interval > 0, NULL);

  self = g_object_new (SEYE_TYPE_AGENT_SERVER, NULL);
  self->reader = reader;
  self->interval = interval;
  self->info = seye_node_info_copy (info);
  self->info->interval = interval;
  self->history_length = (guint) ceil (HISTORY_SECONDS / interval);

  str = g_string_new (NULL);
  seye_json_write_node_info (str, self->info);
  self->info_json = g_string_free_to_bytes (str);

  self->server = soup_server_new ("server-header", "sorcerers-eye-agent/" PACKAGE_VERSION " ", NULL);
  soup_server_add_early_handler (self->server, NULL, early_cb, self, NULL);
  soup_server_add_handler (self->server, NULL, handle_cb, self, NULL);

  return self;
}

/**
 * seye_agent_server_listen:
 * @port: the port, 0 for any free one
 * @bind: (nullable): addresses to listen on; %NULL for every address
 *
 * Returns: %FALSE with a user-actionable @error when a port is in use or an
 *   address is not one of this machine's.
 */
gboolean
seye_agent_server_listen (SeyeAgentServer     *self,
                          guint                port,
                          const char * const  *bind,
                          GError             **error)
{
  g_autoptr (GError) local_error = NULL;
  GSList *uris;

  g_return_val_if_fail (SEYE_IS_AGENT_SERVER (self), FALSE);

  if (bind == NULL || bind[0] == NULL)
    {
      if (!soup_server_listen_all (self->server, port, 0, &local_error))
        {
          g_set_error (error, SEYE_ERROR, SEYE_ERROR_IO,
                       "cannot listen on port %u: %s (is another agent running? choose another "
                       "port with --port)", port, local_error->message);
          return FALSE;
        }
    }
  else
    {
      for (guint i = 0; bind[i] != NULL; i++)
        {
          g_autoptr (GSocketAddress) address = g_inet_socket_address_new_from_string (bind[i], port);

          if (address == NULL)
            {
              g_set_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG,
                           "bind address “%s” is not an IP address", bind[i]);
              return FALSE;
            }

          if (!soup_server_listen (self->server, address, 0, &local_error))
            {
              g_set_error (error, SEYE_ERROR, SEYE_ERROR_IO,
                           "cannot listen on %s port %u: %s (is another agent running? choose "
                           "another port with --port, or an address of this machine with --bind)",
                           bind[i], port, local_error->message);
              return FALSE;
            }

          /* With port 0 every further address takes the port the first one got. */
          if (port == 0)
            {
              GSList *list = soup_server_get_uris (self->server);

              port = g_uri_get_port (list->data);
              g_slist_free_full (list, (GDestroyNotify) g_uri_unref);
            }
        }
    }

  uris = soup_server_get_uris (self->server);
  for (GSList *l = uris; l != NULL; l = l->next)
    {
      g_autofree char *text = g_uri_to_string_partial (l->data, G_URI_HIDE_PASSWORD);

      if (g_str_has_suffix (text, "/"))
        text[strlen (text) - 1] = '\0';
      g_message ("Listening on %s", text);
      self->port = (guint16) g_uri_get_port (l->data);
    }
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  return TRUE;
}

guint16
seye_agent_server_get_port (SeyeAgentServer *self)
{
  g_return_val_if_fail (SEYE_IS_AGENT_SERVER (self), 0);

  return self->port;
}

/**
 * seye_agent_server_start:
 *
 * Takes the first sample now and then one every interval.
 */
void
seye_agent_server_start (SeyeAgentServer *self)
{
  g_return_if_fail (SEYE_IS_AGENT_SERVER (self));

  if (self->tick_source != 0)
    return;

  self->next_tick_us = g_get_monotonic_time ();
  take_sample (self);
  schedule_tick (self);
}

void
seye_agent_server_stop (SeyeAgentServer *self)
{
  g_return_if_fail (SEYE_IS_AGENT_SERVER (self));

  g_clear_handle_id (&self->tick_source, g_source_remove);
  soup_server_disconnect (self->server);
}
