/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-agent"

#include "config.h"

#include <sys/socket.h>

#include "seye-agent-server-private.h"
#include "seye-error.h"
#include "seye-json.h"
#include "seye-prometheus.h"

/* What each path answers, from what the last tick produced. */

typedef void (*RouteFunc) (SeyeAgentServer   *self,
                           SoupServerMessage *msg,
                           GHashTable        *query);

/* Responses --------------------------------------------------------------- */

const char *
_seye_agent_server_status_phrase (guint status)
{
  if (status == STATUS_TOO_MANY_REQUESTS)
    return "Too Many Requests";
  if (status == STATUS_REQUEST_HEADER_FIELDS_TOO_LARGE)
    return "Request Header Fields Too Large";

  return soup_status_get_phrase (status);
}

void
_seye_agent_server_respond_bytes (SoupServerMessage *msg,
                                  guint              status,
                                  const char        *content_type,
                                  GBytes            *bytes)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  soup_server_message_set_status (msg, status, _seye_agent_server_status_phrase (status));
  soup_message_headers_set_content_type (headers, content_type, NULL);
  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  soup_message_body_append_bytes (soup_server_message_get_response_body (msg), bytes);
}

void
_seye_agent_server_respond_error (SoupServerMessage *msg,
                                  guint              status,
                                  const char        *message)
{
  g_autofree char *body = seye_json_error_body (status, message);
  gsize length = strlen (body);
  /* The length first: the order in which arguments are evaluated is unspecified. */
  g_autoptr (GBytes) bytes = g_bytes_new_take (g_steal_pointer (&body), length);

  _seye_agent_server_respond_bytes (msg, status, JSON_TYPE, bytes);
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
      _seye_agent_server_respond_error (msg, SOUP_STATUS_SERVICE_UNAVAILABLE,
                                        "no sample has been taken yet; try again");
    }

  return sample;
}

static void
route_node (SeyeAgentServer   *self,
            SoupServerMessage *msg,
            GHashTable        *query)
{
  _seye_agent_server_respond_bytes (msg, SOUP_STATUS_OK, JSON_TYPE, self->info_json);
}

static void
route_metrics (SeyeAgentServer   *self,
               SoupServerMessage *msg,
               GHashTable        *query)
{
  SeyeSample *sample = latest_or_unavailable (self, msg);

  if (sample != NULL)
    _seye_agent_server_respond_bytes (msg, SOUP_STATUS_OK, JSON_TYPE, seye_sample_get_json (sample));
}

/* A /v1/history answer being written (see SeyeAgentHistoryBody), and the
 * server it came from, which may go first. */
typedef struct
{
  GWeakRef              server;
  SeyeAgentHistoryBody *body;
} HistoryAnswer;

static void
history_answer_free (HistoryAnswer *answer)
{
  g_weak_ref_clear (&answer->server);
  seye_agent_history_body_free (answer->body);
  g_free (answer);
}

static void
history_wrote_chunk_cb (SoupServerMessage *msg,
                        HistoryAnswer     *answer)
{
  gboolean damaged = FALSE;
  g_autoptr (GBytes) next = seye_agent_history_body_next (answer->body, &damaged);

  if (next != NULL)
    {
      soup_message_body_append_bytes (soup_server_message_get_response_body (msg), next);
      return;
    }

  if (damaged)
    {
      g_autoptr (SeyeAgentServer) self = g_weak_ref_get (&answer->server);
      Connection *connection = NULL;

      if (self != NULL)
        connection = _seye_agent_server_lookup_connection (self, msg);

      /* Its length is out already: the answer can only be cut short. */
      g_warning ("history: a block of samples does not inflate; starting the history afresh");
      if (self != NULL)
        seye_agent_history_clear (self->history);
      if (connection != NULL)
        _seye_agent_server_close_connection (connection, "its history answer cannot be completed");
    }
}

static void
route_history (SeyeAgentServer   *self,
               SoupServerMessage *msg,
               GHashTable        *query)
{
  const char *since_text = query ? g_hash_table_lookup (query, "since") : NULL;
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  SoupMessageBody *response_body = soup_server_message_get_response_body (msg);
  g_autoptr (GBytes) start = NULL;
  HistoryAnswer *answer;
  GString *str;
  gint64 since = 0;

  if (since_text != NULL &&
      (strspn (since_text, "0123456789") != strlen (since_text) ||
       !g_ascii_string_to_signed (since_text, 10, 0, G_MAXINT64, &since, NULL)))
    {
      _seye_agent_server_respond_error (msg, SOUP_STATUS_BAD_REQUEST,
                                        "“since” must be a Unix time in milliseconds, "
                                        "e.g. /v1/history?since=1700000000000");
      return;
    }

  answer = g_new0 (HistoryAnswer, 1);
  g_weak_ref_init (&answer->server, self);
  answer->body = seye_agent_history_body_new (self->history, since);

  str = g_string_new ("{\"schema\":");
  g_string_append_printf (str, "%d,\"node_id\":", SEYE_SCHEMA_VERSION);
  seye_json_write_string (str, self->info->node_id);
  g_string_append (str, ",\"interval\":");
  seye_json_write_double (str, self->interval);
  g_string_append (str, ",\"samples\":[");
  start = g_string_free_to_bytes (str);

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_message_headers_set_content_type (headers, JSON_TYPE, NULL);
  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  soup_message_headers_set_content_length (headers,
                                           g_bytes_get_size (start) +
                                           seye_agent_history_body_length (answer->body));

  /* What has been written is let go at once; the next piece is made when the
   * one before has gone out. */
  soup_message_body_set_accumulate (response_body, FALSE);
  soup_message_body_append_bytes (response_body, start);
  g_signal_connect (msg, "wrote-chunk", G_CALLBACK (history_wrote_chunk_cb), answer);
  g_signal_connect_swapped (msg, "finished", G_CALLBACK (history_answer_free), answer);
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

  _seye_agent_server_respond_bytes (msg, SOUP_STATUS_OK, SEYE_PROMETHEUS_CONTENT_TYPE,
                                    self->prometheus);
}

static void
route_stream (SeyeAgentServer   *self,
              SoupServerMessage *msg,
              GHashTable        *query)
{
  Connection *connection = _seye_agent_server_lookup_connection (self, msg);
  g_autoptr (GError) error = NULL;
  /* Streams never end by themselves: leave room for other requests, and write
   * often enough that no stream looks idle to the idle timeout. */
  guint max_streams = MIN (SEYE_AGENT_STREAM_MAX_SUBSCRIBERS, MAX (1, self->max_connections / 2));
  double heartbeat = self->idle_timeout > 0 ? MIN (SEYE_AGENT_STREAM_HEARTBEAT, self->idle_timeout / 2.0)
                                            : SEYE_AGENT_STREAM_HEARTBEAT;

  seye_agent_stream_set_limits (self->stream, max_streams, heartbeat);
  if (seye_agent_stream_subscribe (self->stream, msg, query, self->latest, &error))
    {
      /* What a reader that stops reading leaves in the kernel is bounded too
       * (the kernel doubles it): past it the lines wait in the stream, and
       * past SEYE_AGENT_STREAM_MAX_BEHIND of them the reader is dropped. */
      if (connection != NULL)
        g_socket_set_option (connection->socket, SOL_SOCKET, SO_SNDBUF, SEYE_AGENT_STREAM_SNDBUF, NULL);
    }
  else
    {
      if (g_error_matches (error, SEYE_ERROR, SEYE_ERROR_UNAVAILABLE))
        {
          soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                        "Retry-After", "60");
          _seye_agent_server_respond_error (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, error->message);
        }
      else
        {
          _seye_agent_server_respond_error (msg, SOUP_STATUS_BAD_REQUEST, error->message);
        }
    }
}

/* A query value that is a whole number in decimal digits, in [min, max]. */
static gboolean
parse_whole (const char *text,
             guint64     min,
             guint64     max,
             guint64    *value)
{
  return text[0] != '\0' && strspn (text, "0123456789") == strlen (text) &&
         g_ascii_string_to_unsigned (text, 10, min, max, value, NULL);
}

static void
route_processes (SeyeAgentServer   *self,
                 SoupServerMessage *msg,
                 GHashTable        *query)
{
  const char *sort_text = query ? g_hash_table_lookup (query, "sort") : NULL;
  const char *limit_text = query ? g_hash_table_lookup (query, "limit") : NULL;
  SeyeProcessSort sort = SEYE_PROCESS_SORT_CPU;
  guint64 limit = SEYE_PROCESS_DEFAULT_LIMIT;
  /* check_access let this client in: with token access it holds the token,
   * with loopback access it is on this node. Open access never shows argv. */
  gboolean with_argv = self->process_args && (self->api_access == SEYE_AGENT_ACCESS_TOKEN ||
                                              self->api_access == SEYE_AGENT_ACCESS_LOOPBACK);

  if (sort_text != NULL && !seye_process_sort_from_string (sort_text, &sort))
    {
      _seye_agent_server_respond_error (msg, SOUP_STATUS_BAD_REQUEST,
                                        "“sort” must be cpu, memory or io, "
                                        "e.g. /v1/processes?sort=memory");
      return;
    }
  if (limit_text != NULL && !parse_whole (limit_text, 1, SEYE_PROCESS_MAX_LIMIT, &limit))
    {
      _seye_agent_server_respond_error (msg, SOUP_STATUS_BAD_REQUEST,
                                        "“limit” must be a whole number from 1 to "
                                        G_STRINGIFY (SEYE_PROCESS_MAX_LIMIT)
                                        ", e.g. /v1/processes?limit=20");
      return;
    }

  seye_agent_processes_answer (self->processes, msg, sort, (guint) limit, with_argv);
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
  g_string_append (str, ",\"endpoints\":[\"/v1/node\",\"/v1/metrics\",\"/v1/history\",\"/v1/stream\","
                       "\"/v1/processes\"");
  if (self->actions != NULL)
    g_string_append (str, ",\"/v1/actions\"");
  if (self->metrics_access != SEYE_AGENT_ACCESS_OFF)
    g_string_append (str, ",\"/metrics\"");
  g_string_append (str, "]}");
  bytes = g_string_free_to_bytes (str);
  _seye_agent_server_respond_bytes (msg, SOUP_STATUS_OK, JSON_TYPE, bytes);
}

static const struct {
  const char *path;
  RouteFunc   func;
} routes[] = {
  { "/",           route_index },
  { "/v1/node",    route_node },
  { "/v1/metrics", route_metrics },
  { "/v1/history", route_history },
  { "/v1/stream",  route_stream },
  { "/v1/processes", route_processes },
  { "/metrics",    route_prometheus },
};

void
_seye_agent_server_handle_cb (SoupServer        *server,
                              SoupServerMessage *msg,
                              const char        *path,
                              GHashTable        *query,
                              gpointer           data)
{
  SeyeAgentServer *self = data;
  const char *method = soup_server_message_get_method (msg);

  if (_seye_agent_server_route_actions (self, msg, path))
    return;

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
          _seye_agent_server_respond_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, message);
          return;
        }

      routes[i].func (self, msg, query);
      return;
    }

  {
    g_autofree char *message = g_strdup_printf ("no such endpoint: %s; try /v1/node, /v1/metrics, "
                                                "/v1/history, /v1/stream, /v1/processes or /metrics",
                                                path);

    _seye_agent_server_respond_error (msg, SOUP_STATUS_NOT_FOUND, message);
  }
}
