/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-fleet-sim"

#include "config.h"

#include <libsoup/soup.h>
#include <math.h>
#include <string.h>
#include <sys/socket.h>

#include "seye-agent-stream.h"
#include "seye-error.h"
#include "seye-fleet-host.h"
#include "seye-json.h"
#include "seye-prometheus.h"

/*
 * One simulated agent's HTTP side. What it serves is written by the same code
 * as the agent's answers: seye_json_write_node_info() for /v1/node, the
 * sample's own JSON (seye_sample_get_json(), encoded once per sample) for
 * /v1/metrics and /v1/history, the agent's own SeyeAgentStream for /v1/stream
 * (every view, interval, full_every, heartbeat and goodbye; each form encoded
 * once per sample for all its streams) and seye_prometheus_write() for
 * /metrics. Only /v1/history is made differently: the agent keeps its samples,
 * this host makes them again from the model (they are a function of the tick),
 * a block at a time as the answer goes out, so a thousand nodes keep no history
 * in memory. The answer is chunked for that, where the agent's has a length.
 *
 * Going offline closes the listening socket and every connection (streams end
 * without the goodbye line, as when a machine drops off the network); coming
 * back listens on the same port again. The node keeps taking its samples
 * meanwhile, so its history has no gap.
 */

#define JSON_TYPE        "application/json"
#define HISTORY_BLOCK    60         /* samples made and written at a time */
#define LISTEN_BACKLOG   128
#define NO_HEARTBEAT     3600.0     /* a heartbeat that never comes: see route_stream() */

struct _SeyeFleetHost
{
  SeyeFleetNode   *node;            /* borrowed from the fleet */
  SoupServer      *server;
  SeyeAgentStream *stream;
  GInetAddress    *address;
  guint16          port;
  gint64           history_ticks;

  GBytes          *info_json;
  GBytes          *index_json;
  SeyeSample      *latest;
  gint64           first_tick;      /* of the samples taken: where the history starts */
  gint64           latest_tick;
  GBytes          *prometheus;      /* of the latest sample, made on the first scrape */
  GPtrArray       *streams;         /* SoupServerMessage: the /v1/stream answers under way */
  gboolean         heartbeat;       /* a stream of this node may be quiet for the heartbeat */
  gboolean         offline;
  gint64           served_us;       /* monotonic: when a sample last went out (stream or poll) */
};

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
  gsize length = strlen (body);
  g_autoptr (GBytes) bytes = g_bytes_new_take (g_steal_pointer (&body), length);

  respond_bytes (msg, status, JSON_TYPE, bytes);
}

/* A stream whose reader fell too far behind: its connection goes. */
static void
drop_stream_cb (SoupServerMessage *msg,
                const char        *why,
                gpointer           data)
{
  GSocket *socket = soup_server_message_get_socket (msg);

  g_debug ("closing a stream: %s", why);
  if (socket != NULL)
    g_socket_shutdown (socket, TRUE, TRUE, NULL);
}

/* Routes ------------------------------------------------------------------- */

typedef void (*RouteFunc) (SeyeFleetHost     *self,
                           SoupServerMessage *msg,
                           GHashTable        *query);

static void
route_index (SeyeFleetHost     *self,
             SoupServerMessage *msg,
             GHashTable        *query)
{
  respond_bytes (msg, SOUP_STATUS_OK, JSON_TYPE, self->index_json);
}

static void
route_node (SeyeFleetHost     *self,
            SoupServerMessage *msg,
            GHashTable        *query)
{
  respond_bytes (msg, SOUP_STATUS_OK, JSON_TYPE, self->info_json);
}

static void
route_metrics (SeyeFleetHost     *self,
               SoupServerMessage *msg,
               GHashTable        *query)
{
  respond_bytes (msg, SOUP_STATUS_OK, JSON_TYPE, seye_sample_get_json (self->latest));
  self->served_us = g_get_monotonic_time ();
}

static void
route_prometheus (SeyeFleetHost     *self,
                  SoupServerMessage *msg,
                  GHashTable        *query)
{
  if (self->prometheus == NULL)
    {
      GString *str = g_string_sized_new (8192);

      seye_prometheus_write (str, seye_fleet_node_get_info (self->node), self->latest);
      self->prometheus = g_string_free_to_bytes (str);
    }

  respond_bytes (msg, SOUP_STATUS_OK, SEYE_PROMETHEUS_CONTENT_TYPE, self->prometheus);
  self->served_us = g_get_monotonic_time ();
}

static void
stream_finished_cb (SoupServerMessage *msg,
                    SeyeFleetHost     *self)
{
  g_signal_handlers_disconnect_by_data (msg, self);
  g_ptr_array_remove_fast (self->streams, msg);
}

/* Whether a stream asked with @query may go without a line for the
 * heartbeat: the longest gap between its lines (SeyeAgentStream sends a sample
 * once ?interval= has passed, give or take half a sampling interval), and half
 * an interval of lateness. */
static gboolean
may_be_quiet (SeyeFleetHost *self,
              GHashTable    *query)
{
  const char *text = query != NULL ? g_hash_table_lookup (query, "interval") : NULL;
  double every = seye_fleet_node_get_info (self->node)->interval;
  double wanted = text != NULL ? g_ascii_strtod (text, NULL) : 0;
  double gap = every * MAX (1, ceil ((wanted - every / 2) / every));

  return !(gap + every / 2 < SEYE_AGENT_STREAM_HEARTBEAT);
}

/* The heartbeat is a timer per SeyeAgentStream, checking twice a heartbeat:
 * a thousand of them woke the simulator a thousand times a second and cost a
 * third of its CPU, though a stream that gets a line every second never needs
 * one. So a node's streams have it from the first one that may be quiet that
 * long (?interval=5, or --interval 2), and keep it. */
static void
route_stream (SeyeFleetHost     *self,
              SoupServerMessage *msg,
              GHashTable        *query)
{
  g_autoptr (GError) error = NULL;

  if (!self->heartbeat && may_be_quiet (self, query))
    {
      seye_agent_stream_set_limits (self->stream, SEYE_AGENT_STREAM_MAX_SUBSCRIBERS,
                                    SEYE_AGENT_STREAM_HEARTBEAT);
      self->heartbeat = TRUE;
    }

  if (seye_agent_stream_subscribe (self->stream, msg, query, self->latest, &error))
    {
      GSocket *socket = soup_server_message_get_socket (msg);

      /* As the agent bounds what a reader that stops reading leaves in the kernel. */
      if (socket != NULL)
        g_socket_set_option (socket, SOL_SOCKET, SO_SNDBUF, SEYE_AGENT_STREAM_SNDBUF, NULL);
      if (soup_server_message_get_method (msg) != SOUP_METHOD_HEAD)
        {
          g_ptr_array_add (self->streams, g_object_ref (msg));
          g_signal_connect (msg, "finished", G_CALLBACK (stream_finished_cb), self);
        }
    }
  else if (g_error_matches (error, SEYE_ERROR, SEYE_ERROR_UNAVAILABLE))
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Retry-After", "60");
      respond_error (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, error->message);
    }
  else
    {
      respond_error (msg, SOUP_STATUS_BAD_REQUEST, error->message);
    }
}


/* A /v1/history answer as it goes out: the samples of ticks next … last. */
typedef struct
{
  SeyeFleetNode *node;
  gint64         first;
  gint64         next;
  gint64         last;
  gboolean       done;
} HistoryAnswer;

/* The next block of samples, made again from the model; the end of the
 * document once they are all out. */
static void
history_wrote_chunk_cb (SoupServerMessage *msg,
                        HistoryAnswer     *answer)
{
  SoupMessageBody *body = soup_server_message_get_response_body (msg);
  GString *str;
  GBytes *bytes;
  gint64 end;

  if (answer->done)
    return;

  if (answer->next > answer->last)
    {
      answer->done = TRUE;
      soup_message_body_append (body, SOUP_MEMORY_STATIC, "]}", 2);
      soup_message_body_complete (body);
      return;
    }

  str = g_string_sized_new (64 * 1024);
  end = MIN (answer->last, answer->next + HISTORY_BLOCK - 1);
  for (; answer->next <= end; answer->next++)
    {
      g_autoptr (SeyeSample) sample = seye_fleet_node_sample (answer->node, answer->next, NULL);
      gsize size;
      const char *data = g_bytes_get_data (seye_sample_get_json (sample), &size);

      if (answer->next > answer->first)
        g_string_append_c (str, ',');
      g_string_append_len (str, data, size);
    }
  bytes = g_string_free_to_bytes (str);
  soup_message_body_append_bytes (body, bytes);
  g_bytes_unref (bytes);
}

/* The first tick after @lo whose sample is newer than @since (times rise with the tick). */
static gint64
first_tick_after (SeyeFleetHost *self,
                  gint64         lo,
                  gint64         since)
{
  gint64 hi = self->latest_tick + 1;

  while (lo < hi)
    {
      gint64 mid = lo + (hi - lo) / 2;

      if (seye_fleet_node_tick_time (self->node, mid) <= since)
        lo = mid + 1;
      else
        hi = mid;
    }

  return lo;
}

static void
route_history (SeyeFleetHost     *self,
               SoupServerMessage *msg,
               GHashTable        *query)
{
  const char *since_text = query ? g_hash_table_lookup (query, "since") : NULL;
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  SoupMessageBody *body = soup_server_message_get_response_body (msg);
  HistoryAnswer *answer;
  gint64 since = 0;
  GString *str;

  if (since_text != NULL &&
      (strspn (since_text, "0123456789") != strlen (since_text) ||
       !g_ascii_string_to_signed (since_text, 10, 0, G_MAXINT64, &since, NULL)))
    {
      respond_error (msg, SOUP_STATUS_BAD_REQUEST,
                     "“since” must be a Unix time in milliseconds, "
                     "e.g. /v1/history?since=1700000000000");
      return;
    }

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_message_headers_set_content_type (headers, JSON_TYPE, NULL);
  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
  if (soup_server_message_get_method (msg) == SOUP_METHOD_HEAD)
    return;

  answer = g_new0 (HistoryAnswer, 1);
  answer->node = self->node;
  answer->last = self->latest_tick;
  /* The samples of the last history_ticks, taken since the start, newer than since. */
  answer->first = first_tick_after (self, MAX (self->first_tick,
                                               self->latest_tick - self->history_ticks + 1), since);
  answer->next = answer->first;

  str = g_string_new ("{\"schema\":");
  g_string_append_printf (str, "%d,\"node_id\":", SEYE_SCHEMA_VERSION);
  seye_json_write_string (str, seye_fleet_node_get_info (self->node)->node_id);
  g_string_append (str, ",\"interval\":");
  seye_json_write_double (str, seye_fleet_node_get_info (self->node)->interval);
  g_string_append (str, ",\"samples\":[");

  /* What has been written is let go at once; the next block is made when the
   * one before has gone out. */
  soup_message_body_set_accumulate (body, FALSE);
  soup_message_body_append_take (body, (guchar *) str->str, str->len);
  g_string_free (str, FALSE);
  g_signal_connect (msg, "wrote-chunk", G_CALLBACK (history_wrote_chunk_cb), answer);
  g_signal_connect_swapped (msg, "finished", G_CALLBACK (g_free), answer);
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
  { "/metrics",    route_prometheus },
};

static void
handle_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           data)
{
  SeyeFleetHost *self = data;
  const char *method = soup_server_message_get_method (msg);
  g_autofree char *message = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
    {
      if (g_strcmp0 (path, routes[i].path) != 0)
        continue;

      if (method != SOUP_METHOD_GET && method != SOUP_METHOD_HEAD)
        {
          message = g_strdup_printf ("method %s is not allowed on %s; use GET", method, path);
          soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                        "Allow", "GET, HEAD");
          respond_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, message);
          return;
        }

      routes[i].func (self, msg, query);
      return;
    }

  message = g_strdup_printf ("no such endpoint: %s; try /v1/node, /v1/metrics, /v1/history, "
                             "/v1/stream or /metrics", path);
  respond_error (msg, SOUP_STATUS_NOT_FOUND, message);
}

/* No endpoint serves part of a resource: libsoup would build a multipart
 * answer of every range asked for (docs/api.md), so the agent drops them. */
static void
early_cb (SoupServer        *server,
          SoupServerMessage *msg,
          const char        *path,
          GHashTable        *query,
          gpointer           data)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);

  soup_message_headers_remove (headers, "Range");
  soup_message_headers_remove (headers, "If-Range");
}

/* Life ------------------------------------------------------------------- */

/**
 * seye_fleet_host_new:
 * @node: (transfer none): what it serves; must outlive the host
 * @history_seconds: how far back /v1/history goes, as the agent's 15 minutes
 */
SeyeFleetHost *
seye_fleet_host_new (SeyeFleetNode *node,
                     double         history_seconds)
{
  SeyeFleetHost *self = g_new0 (SeyeFleetHost, 1);
  const SeyeNodeInfo *info = seye_fleet_node_get_info (node);
  GString *str;

  self->node = node;
  self->history_ticks = MAX (1, (gint64) ceil (history_seconds / info->interval));
  self->first_tick = -1;
  self->latest_tick = -1;

  str = g_string_new (NULL);
  seye_json_write_node_info (str, info);
  self->info_json = g_string_free_to_bytes (str);

  str = g_string_new ("{\"schema\":");
  g_string_append_printf (str, "%d,\"service\":\"sorcerers-eye-agent\",\"name\":",
                          SEYE_SCHEMA_VERSION);
  seye_json_write_string (str, info->name);
  /* As the agent's, but for /v1/processes and /v1/actions, which are not simulated. */
  g_string_append (str, ",\"endpoints\":[\"/v1/node\",\"/v1/metrics\",\"/v1/history\","
                        "\"/v1/stream\",\"/metrics\"]}");
  self->index_json = g_string_free_to_bytes (str);

  self->stream = seye_agent_stream_new (info->interval, drop_stream_cb, self);
  seye_agent_stream_set_limits (self->stream, SEYE_AGENT_STREAM_MAX_SUBSCRIBERS, NO_HEARTBEAT);
  self->streams = g_ptr_array_new_with_free_func (g_object_unref);
  self->server = soup_server_new ("server-header", "seye-fleet-sim/" PACKAGE_VERSION " ", NULL);
  soup_server_add_early_handler (self->server, NULL, early_cb, self, NULL);
  soup_server_add_handler (self->server, NULL, handle_cb, self, NULL);

  return self;
}

/* Every stream ends; with @cut, no goodbye line gets out (their sockets are
 * shut first), as when a machine drops off the network. */
static void
end_streams (SeyeFleetHost *self,
             gboolean       cut)
{
  for (guint i = 0; i < self->streams->len; i++)
    {
      SoupServerMessage *msg = self->streams->pdata[i];
      GSocket *socket = soup_server_message_get_socket (msg);

      g_signal_handlers_disconnect_by_data (msg, self);
      if (cut && socket != NULL)
        g_socket_shutdown (socket, TRUE, TRUE, NULL);
    }
  g_ptr_array_set_size (self->streams, 0);
  seye_agent_stream_close (self->stream);
}

void
seye_fleet_host_free (SeyeFleetHost *self)
{
  if (self == NULL)
    return;

  end_streams (self, FALSE);
  soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  g_clear_object (&self->stream);
  g_clear_object (&self->address);
  g_clear_pointer (&self->info_json, g_bytes_unref);
  g_clear_pointer (&self->index_json, g_bytes_unref);
  g_clear_pointer (&self->prometheus, g_bytes_unref);
  g_clear_pointer (&self->latest, seye_sample_unref);
  g_clear_pointer (&self->streams, g_ptr_array_unref);
  g_free (self);
}

/* Listens on the host's address and port (a free one the first time when 0). */
static gboolean
start_listening (SeyeFleetHost  *self,
                 GError        **error)
{
  g_autoptr (GSocketAddress) address = g_inet_socket_address_new (self->address, self->port);
  g_autoptr (GSocket) socket = g_socket_new (g_inet_address_get_family (self->address),
                                             G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, error);

  if (socket == NULL)
    return FALSE;

  g_socket_set_listen_backlog (socket, LISTEN_BACKLOG);
  if (!g_socket_bind (socket, address, TRUE, error) || !g_socket_listen (socket, error))
    return FALSE;

  if (self->port == 0)
    {
      g_autoptr (GSocketAddress) local = g_socket_get_local_address (socket, error);

      if (local == NULL)
        return FALSE;
      self->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));
    }

  return soup_server_listen_socket (self->server, socket, 0, error);
}

/**
 * seye_fleet_host_listen:
 * @port: 0 for a free one
 *
 * Takes the first sample (tick 0) and starts serving it.
 */
gboolean
seye_fleet_host_listen (SeyeFleetHost  *self,
                        GInetAddress   *address,
                        guint16         port,
                        GError        **error)
{
  g_set_object (&self->address, address);
  self->port = port;
  if (self->latest == NULL)
    seye_fleet_host_tick (self, 0);

  return start_listening (self, error);
}

guint16
seye_fleet_host_get_port (SeyeFleetHost *self)
{
  return self->port;
}

SeyeFleetNode *
seye_fleet_host_get_node (SeyeFleetHost *self)
{
  return self->node;
}

gboolean
seye_fleet_host_is_offline (SeyeFleetHost *self)
{
  return self->offline;
}

guint
seye_fleet_host_get_n_streams (SeyeFleetHost *self)
{
  return seye_agent_stream_get_n_subscribers (self->stream);
}

/* Offline: nothing listens and every connection is cut, streams without a
 * goodbye. Back: the same port again. The streams are ended before
 * soup_server_disconnect(): libsoup 3.2 does not finish a message whose
 * connection it closes, and SeyeAgentStream would write to it again. */
static void
set_offline (SeyeFleetHost *self,
             gboolean       offline)
{
  g_autoptr (GError) error = NULL;

  if (offline)
    {
      g_debug ("%s goes offline", seye_fleet_node_get_info (self->node)->name);
      end_streams (self, TRUE);
      soup_server_disconnect (self->server);
      self->offline = TRUE;
    }
  else if (self->address != NULL && !start_listening (self, &error))
    {
      /* Tried again at the next tick. */
      g_warning ("%s cannot listen on port %u again: %s",
                 seye_fleet_node_get_info (self->node)->name, self->port, error->message);
    }
  else
    {
      g_debug ("%s is back", seye_fleet_node_get_info (self->node)->name);
      self->offline = FALSE;
    }
}

/**
 * seye_fleet_host_tick:
 *
 * Takes the node's sample at @tick and sends it to every stream; the node
 * goes offline or comes back as its pattern says.
 */
void
seye_fleet_host_tick (SeyeFleetHost *self,
                      gint64         tick)
{
  gboolean offline = seye_fleet_node_is_offline (self->node, tick);
  SeyeSample *sample;

  if (tick <= self->latest_tick)
    return;

  if (offline != self->offline)
    set_offline (self, offline);

  sample = seye_fleet_node_sample (self->node, tick, self->latest);
  g_clear_pointer (&self->latest, seye_sample_unref);
  g_clear_pointer (&self->prometheus, g_bytes_unref);
  self->latest = sample;
  self->latest_tick = tick;
  if (self->first_tick < 0)
    self->first_tick = tick;

  if (!self->offline && seye_agent_stream_get_n_subscribers (self->stream) > 0)
    {
      seye_agent_stream_publish (self->stream, sample);
      self->served_us = g_get_monotonic_time ();
    }
}

/**
 * seye_fleet_host_get_served_time:
 *
 * When (monotonic µs) a sample of this node last went out to a client, in a
 * stream or as an answer to /v1/metrics or /metrics; 0 if never. The bench
 * uses it to check that a client under test really follows every node.
 */
gint64
seye_fleet_host_get_served_time (SeyeFleetHost *self)
{
  return self->served_us;
}

/**
 * seye_fleet_host_say_goodbye:
 *
 * Before stopping: every stream ends with the goodbye line.
 */
void
seye_fleet_host_say_goodbye (SeyeFleetHost *self)
{
  end_streams (self, FALSE);
}
