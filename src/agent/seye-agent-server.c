/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-agent"

#include "config.h"

#include <gio/gunixsocketaddress.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <malloc.h>
#include <math.h>
#include <sys/ioctl.h>
#include <zlib.h>

#include "seye-agent-auth.h"
#include "seye-agent-config.h"
#include "seye-agent-conn-stream.h"
#include "seye-agent-server.h"
#include "seye-agent-stream.h"
#include "seye-error.h"
#include "seye-json.h"
#include "seye-prometheus.h"

/*
 * Samples the machine on a fixed clock and serves what it sampled. Every
 * response comes from what the last tick produced (the sample's JSON is
 * encoded once, when it is taken); nothing is read from /proc per request.
 *
 * Limits: libsoup 3.2's SoupServer neither caps its connections nor closes
 * idle ones, so the agent accepts connections itself (a GSocketService) and
 * hands each to the SoupServer with soup_server_accept_iostream(), keeping a
 * record per connection in least-recently-active order. Past the cap the
 * connection of the address that holds the most is closed to admit the new
 * one (an idle one first, else one in the middle of a request): a client that
 * holds sockets open, or requests it never finishes, cannot lock others out.
 * One address holds at most a share of the connections (SEYE_AGENT_PEER_SHARE):
 * past it, its own least recently active connection goes, never another
 * address's. A sweep closes connections idle for longer than the idle timeout
 * and forgets rate buckets that are full again.
 *
 * What a client leaves unread is bounded per connection: the kernel keeps at
 * most SEYE_AGENT_SNDBUF (doubled) for it, libsoup writes one answer at a time
 * and reads the next pipelined request only once the answer before is written;
 * a connection whose next request comes while more than SEYE_AGENT_MAX_UNREAD
 * bytes of earlier answers wait in the kernel is closed without an answer.
 */

#define HISTORY_SECONDS 900.0     /* keep 15 minutes, whatever the interval */
#define TRIM_SECONDS    60        /* hand freed heap back to the system this often */
#define SWEEP_MS        250       /* how often idle connections and buckets are looked at */
#define LISTEN_BACKLOG  1024
#define JSON_TYPE       "application/json"
#define ANSWERED_KEY    "seye-agent-answered"   /* on a message answered past libsoup */

/* RFC 6585; libsoup 3.2 has no names for them. */
#define STATUS_TOO_MANY_REQUESTS                429
#define STATUS_REQUEST_HEADER_FIELDS_TOO_LARGE  431

struct _SeyeAgentServer
{
  GObject          parent_instance;

  SoupServer      *server;
  SeyeProcReader  *reader;
  SeyeNodeInfo    *info;
  SeyeSample      *latest;
  GQueue           history;        /* Encoded, oldest first: the newest samples */
  GQueue           blocks;         /* Block, oldest first: the older ones, deflated */
  guint            history_length; /* how many samples to keep, at least */
  gint64           last_time_ms;   /* of the newest sample in the history */

  GBytes          *info_json;
  GBytes          *prometheus;     /* of the latest sample, made on the first scrape */
  GStrv            problems;       /* what the reader could not read, last tick */
  SeyeAgentStream *stream;         /* GET /v1/stream: each sample as it is taken */

  double           interval;
  gint64           next_tick_us;   /* monotonic deadline of the next sample */
  gint64           last_trim_us;
  guint            tick_source;
  guint16          port;

  /* Connections */
  GSocketService  *service;
  GHashTable      *connections;    /* remote GSocketAddress -> Connection, until the stream is finalized */
  GQueue           by_activity;    /* open Connections, least recently active first */
  GHashTable      *peers;          /* remote address as text -> Peer with an open connection */
  guint            sweep_source;

  /* Rate limiting */
  GHashTable      *buckets;        /* remote address -> Bucket */

  /* Limits (properties) */
  guint            max_connections;
  guint            idle_timeout;   /* seconds; 0: never */
  guint            max_header_size;
  double           rate_limit;     /* requests a second per address; 0: none */
  guint            rate_burst;

  /* Who may read what (properties) */
  char            *token;          /* NULL: no token access */
  SeyeAgentAccess  api_access;
  SeyeAgentAccess  metrics_access;
  GTlsCertificate *tls_certificate; /* NULL: plain HTTP */
};

G_DEFINE_FINAL_TYPE (SeyeAgentServer, seye_agent_server, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_MAX_CONNECTIONS,
  PROP_IDLE_TIMEOUT,
  PROP_MAX_HEADER_SIZE,
  PROP_RATE_LIMIT,
  PROP_RATE_BURST,
  PROP_TOKEN,
  PROP_API_ACCESS,
  PROP_METRICS_ACCESS,
  PROP_TLS_CERTIFICATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* One accepted connection. The stream belongs to the SoupServer; a weak
 * reference tells when libsoup is done with it. libsoup gives each of its
 * messages the very address object it was handed with the stream: that is
 * how a message finds its connection (soup_server_message_get_socket() is
 * NULL for streams handed over with soup_server_accept_iostream()). */
typedef struct
{
  SeyeAgentServer     *self;
  SeyeAgentConnStream *stream;
  GSocket             *socket;
  GSocketAddress      *remote;
  GList                link;         /* in by_activity while open */
  struct _Peer        *peer;         /* while open */
  GList                peer_link;    /* in its peer's connections while open */
  gint64               active_us;    /* accepted, or last progress of a request */
  gboolean             busy;         /* between its request's headers and the response's end */
  gboolean             closing;      /* shut down by us; no longer counted */
} Connection;

/* The open connections of one remote address. */
typedef struct _Peer
{
  char   *address;
  GQueue  connections;   /* least recently active first */
} Peer;

static void
peer_free (Peer *peer)
{
  g_free (peer->address);
  g_free (peer);
}

static void
connection_free (Connection *connection)
{
  g_object_unref (connection->remote);
  g_free (connection);
}

/* A token bucket per client address. */
typedef struct
{
  double tokens;
  gint64 updated_us;
} Bucket;

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

/* HISTORY_BLOCK samples of the history, deflated together. A machine's samples
 * differ little from one second to the next: a block takes some 25 to 150 bytes a
 * sample instead of about 900 bytes of JSON and 100 of bookkeeping, which keeps
 * 15 minutes of history in some 100 KB instead of 900 KB. /v1/history (a client's
 * first contact) inflates the blocks it serves again. */
#define HISTORY_BLOCK 60

typedef struct
{
  gint64   time_ms[HISTORY_BLOCK];
  guint32  end[HISTORY_BLOCK];   /* where each sample's JSON ends in the inflated block */
  GBytes  *deflated;
} Block;

/* Blocks are shared with the /v1/history answers still being written. */
static void
block_clear (Block *block)
{
  g_bytes_unref (block->deflated);
}

static void
block_free (Block *block)
{
  g_rc_box_release_full (block, (GDestroyNotify) block_clear);
}

static void
history_clear (SeyeAgentServer *self)
{
  g_queue_clear_full (&self->history, (GDestroyNotify) encoded_free);
  g_queue_clear_full (&self->blocks, (GDestroyNotify) block_free);
}

/* Deflates the oldest HISTORY_BLOCK samples of the newest ones into a block. */
static void
history_close_block (SeyeAgentServer *self)
{
  g_autoptr (GString) raw = g_string_sized_new (HISTORY_BLOCK * 1024);
  Block *block = g_rc_box_new0 (Block);
  uLongf size;
  Bytef *out;
  int status;

  for (guint i = 0; i < HISTORY_BLOCK; i++)
    {
      Encoded *encoded = g_queue_pop_head (&self->history);
      gsize length;
      const char *data = g_bytes_get_data (encoded->json, &length);

      g_string_append_len (raw, data, length);
      block->time_ms[i] = encoded->time_ms;
      block->end[i] = raw->len;
      encoded_free (encoded);
    }

  size = compressBound (raw->len);
  out = g_malloc (size);
  status = compress2 (out, &size, (const Bytef *) raw->str, raw->len, Z_DEFAULT_COMPRESSION);
  if (status != Z_OK)
    {
      /* Only out of memory: the samples are dropped, the agent goes on. */
      g_warning ("history: could not compress %u samples (zlib error %d); they are dropped",
                 HISTORY_BLOCK, status);
      g_free (out);
      g_rc_box_release (block);
      return;
    }
  block->deflated = g_bytes_new_take (g_realloc (out, size), size);
  g_queue_push_tail (&self->blocks, block);
}

/* Keeps at least history_length samples: the newest ones as they are, whole blocks
 * of older ones deflated, and drops a block once the rest is enough without it. A
 * short history (a long interval) is not worth deflating. */
static void
history_add (SeyeAgentServer *self,
             gint64           time_ms,
             GBytes          *json)
{
  Encoded *encoded = g_new (Encoded, 1);

  encoded->time_ms = time_ms;
  encoded->json = g_bytes_ref (json);
  g_queue_push_tail (&self->history, encoded);
  self->last_time_ms = time_ms;

  if (self->history_length < 2 * HISTORY_BLOCK)
    {
      while (self->history.length > self->history_length)
        encoded_free (g_queue_pop_head (&self->history));
      return;
    }

  if (self->history.length >= 2 * HISTORY_BLOCK)
    history_close_block (self);

  while (self->blocks.length > 0 &&
         (self->blocks.length - 1) * HISTORY_BLOCK + self->history.length >= self->history_length)
    block_free (g_queue_pop_head (&self->blocks));
}

/* Appends to @str the samples of @block taken after @since, ","-separated. */
static gboolean
history_append_block (Block   *block,
                      gint64   since,
                      GString *str,
                      guint   *count)
{
  g_autofree Bytef *raw = NULL;
  uLongf size = block->end[HISTORY_BLOCK - 1];
  gsize deflated_size;
  const Bytef *deflated = g_bytes_get_data (block->deflated, &deflated_size);
  int status;

  if (block->time_ms[HISTORY_BLOCK - 1] <= since)
    return TRUE;

  raw = g_malloc (size);
  status = uncompress (raw, &size, deflated, deflated_size);
  if (status != Z_OK || size != block->end[HISTORY_BLOCK - 1])
    return FALSE;

  for (guint i = 0; i < HISTORY_BLOCK; i++)
    {
      guint32 start = i > 0 ? block->end[i - 1] : 0;

      if (block->time_ms[i] <= since)
        continue;
      if ((*count)++ > 0)
        g_string_append_c (str, ',');
      g_string_append_len (str, (const char *) raw + start, block->end[i] - start);
    }

  return TRUE;
}

typedef void (*RouteFunc) (SeyeAgentServer   *self,
                           SoupServerMessage *msg,
                           GHashTable        *query);

static Connection *lookup_connection (SeyeAgentServer   *self,
                                      SoupServerMessage *msg);
static void connection_finalized_cb (gpointer  data,
                                     GObject  *where_the_object_was);
static void close_connection (Connection *connection,
                              const char *why);

static void
stop_listening (SeyeAgentServer *self)
{
  if (self->service != NULL)
    {
      g_socket_service_stop (self->service);
      g_socket_listener_close (G_SOCKET_LISTENER (self->service));
      g_signal_handlers_disconnect_by_data (self->service, self);
      g_clear_object (&self->service);
    }
  g_clear_handle_id (&self->sweep_source, g_source_remove);
}

static void
seye_agent_server_dispose (GObject *object)
{
  SeyeAgentServer *self = SEYE_AGENT_SERVER (object);
  GHashTableIter iter;
  Connection *connection;

  g_clear_handle_id (&self->tick_source, g_source_remove);
  stop_listening (self);
  if (self->stream != NULL)
    seye_agent_stream_close (self->stream);
  g_clear_object (&self->stream);
  if (self->server != NULL)
    soup_server_disconnect (self->server);
  g_clear_object (&self->server);

  /* Streams libsoup still holds (a message in flight) no longer report to us. */
  g_hash_table_iter_init (&iter, self->connections);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &connection))
    {
      g_object_weak_unref (G_OBJECT (connection->stream), connection_finalized_cb, connection);
      g_hash_table_iter_remove (&iter);
    }
  g_queue_init (&self->by_activity);
  g_hash_table_remove_all (self->peers);

  G_OBJECT_CLASS (seye_agent_server_parent_class)->dispose (object);
}

static void
seye_agent_server_finalize (GObject *object)
{
  SeyeAgentServer *self = SEYE_AGENT_SERVER (object);

  g_clear_pointer (&self->reader, seye_proc_reader_free);
  g_clear_pointer (&self->info, seye_node_info_free);
  g_clear_pointer (&self->latest, seye_sample_unref);
  history_clear (self);
  g_clear_pointer (&self->info_json, g_bytes_unref);
  g_clear_pointer (&self->prometheus, g_bytes_unref);
  g_clear_pointer (&self->problems, g_strfreev);
  g_clear_pointer (&self->connections, g_hash_table_unref);
  g_clear_pointer (&self->peers, g_hash_table_unref);
  g_clear_pointer (&self->buckets, g_hash_table_unref);
  if (self->token != NULL)
    explicit_bzero (self->token, strlen (self->token));
  g_clear_pointer (&self->token, g_free);
  g_clear_object (&self->tls_certificate);

  G_OBJECT_CLASS (seye_agent_server_parent_class)->finalize (object);
}

static void
seye_agent_server_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  SeyeAgentServer *self = SEYE_AGENT_SERVER (object);

  switch (prop_id)
    {
    case PROP_MAX_CONNECTIONS:
      g_value_set_uint (value, self->max_connections);
      break;

    case PROP_IDLE_TIMEOUT:
      g_value_set_uint (value, self->idle_timeout);
      break;

    case PROP_MAX_HEADER_SIZE:
      g_value_set_uint (value, self->max_header_size);
      break;

    case PROP_RATE_LIMIT:
      g_value_set_double (value, self->rate_limit);
      break;

    case PROP_RATE_BURST:
      g_value_set_uint (value, self->rate_burst);
      break;

    case PROP_TOKEN:
      g_value_set_string (value, self->token);
      break;

    case PROP_API_ACCESS:
      g_value_set_enum (value, self->api_access);
      break;

    case PROP_METRICS_ACCESS:
      g_value_set_enum (value, self->metrics_access);
      break;

    case PROP_TLS_CERTIFICATE:
      g_value_set_object (value, self->tls_certificate);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
seye_agent_server_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  SeyeAgentServer *self = SEYE_AGENT_SERVER (object);

  switch (prop_id)
    {
    case PROP_MAX_CONNECTIONS:
      if (self->max_connections != g_value_get_uint (value))
        {
          self->max_connections = g_value_get_uint (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;

    case PROP_IDLE_TIMEOUT:
      if (self->idle_timeout != g_value_get_uint (value))
        {
          self->idle_timeout = g_value_get_uint (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;

    case PROP_MAX_HEADER_SIZE:
      if (self->max_header_size != g_value_get_uint (value))
        {
          self->max_header_size = g_value_get_uint (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;

    case PROP_RATE_LIMIT:
      if (self->rate_limit != g_value_get_double (value))
        {
          self->rate_limit = g_value_get_double (value);
          g_hash_table_remove_all (self->buckets);
          g_object_notify_by_pspec (object, pspec);
        }
      break;

    case PROP_RATE_BURST:
      if (self->rate_burst != g_value_get_uint (value))
        {
          self->rate_burst = g_value_get_uint (value);
          g_hash_table_remove_all (self->buckets);
          g_object_notify_by_pspec (object, pspec);
        }
      break;

    case PROP_TOKEN:
      if (g_strcmp0 (self->token, g_value_get_string (value)) != 0)
        {
          g_return_if_fail (g_value_get_string (value) == NULL ||
                            seye_agent_token_is_valid (g_value_get_string (value)));
          g_free (self->token);
          self->token = g_value_dup_string (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;

    case PROP_API_ACCESS:
      if (self->api_access != (SeyeAgentAccess) g_value_get_enum (value))
        {
          self->api_access = g_value_get_enum (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;

    case PROP_METRICS_ACCESS:
      if (self->metrics_access != (SeyeAgentAccess) g_value_get_enum (value))
        {
          self->metrics_access = g_value_get_enum (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;

    case PROP_TLS_CERTIFICATE:
      if (g_set_object (&self->tls_certificate, g_value_get_object (value)))
        g_object_notify_by_pspec (object, pspec);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
seye_agent_server_class_init (SeyeAgentServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = seye_agent_server_dispose;
  object_class->finalize = seye_agent_server_finalize;
  object_class->get_property = seye_agent_server_get_property;
  object_class->set_property = seye_agent_server_set_property;

  properties[PROP_MAX_CONNECTIONS] =
    g_param_spec_uint ("max-connections", NULL, NULL,
                       SEYE_AGENT_MIN_CONNECTIONS, SEYE_AGENT_MAX_CONNECTIONS,
                       SEYE_AGENT_DEFAULT_MAX_CONNECTIONS,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_IDLE_TIMEOUT] =
    g_param_spec_uint ("idle-timeout", NULL, NULL,
                       0, SEYE_AGENT_MAX_IDLE_TIMEOUT, SEYE_AGENT_DEFAULT_IDLE_TIMEOUT,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_MAX_HEADER_SIZE] =
    g_param_spec_uint ("max-header-size", NULL, NULL,
                       SEYE_AGENT_MIN_HEADER_SIZE, SEYE_AGENT_MAX_HEADER_SIZE,
                       SEYE_AGENT_DEFAULT_MAX_HEADER_SIZE,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_RATE_LIMIT] =
    g_param_spec_double ("rate-limit", NULL, NULL,
                         0.0, SEYE_AGENT_MAX_RATE_LIMIT, SEYE_AGENT_DEFAULT_RATE_LIMIT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_RATE_BURST] =
    g_param_spec_uint ("rate-burst", NULL, NULL,
                       1, SEYE_AGENT_MAX_RATE_BURST, SEYE_AGENT_DEFAULT_RATE_BURST,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /* The bearer token that "token" access wants (64 lower-case hex digits). */
  properties[PROP_TOKEN] =
    g_param_spec_string ("token", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /* Who may read the JSON API: every path but "/" and "/metrics". */
  properties[PROP_API_ACCESS] =
    g_param_spec_enum ("api-access", NULL, NULL,
                       SEYE_TYPE_AGENT_ACCESS, SEYE_AGENT_ACCESS_OPEN,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_METRICS_ACCESS] =
    g_param_spec_enum ("metrics-access", NULL, NULL,
                       SEYE_TYPE_AGENT_ACCESS, SEYE_AGENT_ACCESS_OPEN,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /* With a certificate (and its key) every connection accepted is HTTPS. */
  properties[PROP_TLS_CERTIFICATE] =
    g_param_spec_object ("tls-certificate", NULL, NULL,
                         G_TYPE_TLS_CERTIFICATE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
seye_agent_server_init (SeyeAgentServer *self)
{
  self->connections = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) connection_free);
  self->buckets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->peers = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) peer_free);
  self->max_connections = SEYE_AGENT_DEFAULT_MAX_CONNECTIONS;
  self->idle_timeout = SEYE_AGENT_DEFAULT_IDLE_TIMEOUT;
  self->max_header_size = SEYE_AGENT_DEFAULT_MAX_HEADER_SIZE;
  self->rate_limit = SEYE_AGENT_DEFAULT_RATE_LIMIT;
  self->rate_burst = SEYE_AGENT_DEFAULT_RATE_BURST;
  self->api_access = SEYE_AGENT_ACCESS_OPEN;
  self->metrics_access = SEYE_AGENT_ACCESS_OPEN;
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

  sample = seye_proc_reader_sample (self->reader, g_get_real_time () / 1000);
  report_problems (self);

  /* Encode now, once: every request for this sample is served from these bytes. */
  seye_sample_get_json (sample);

  if (self->last_time_ms != 0 && sample->time_ms <= self->last_time_ms)
    {
      g_warning ("sampling: the system clock went back; starting the history afresh");
      history_clear (self);
    }

  history_add (self, sample->time_ms, seye_sample_get_json (sample));

  g_clear_pointer (&self->latest, seye_sample_unref);
  self->latest = g_steal_pointer (&sample);
  seye_agent_stream_publish (self->stream, self->latest);

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

static const char *
status_phrase (guint status)
{
  if (status == STATUS_TOO_MANY_REQUESTS)
    return "Too Many Requests";
  if (status == STATUS_REQUEST_HEADER_FIELDS_TOO_LARGE)
    return "Request Header Fields Too Large";

  return soup_status_get_phrase (status);
}

static void
respond_bytes (SoupServerMessage *msg,
               guint              status,
               const char        *content_type,
               GBytes            *bytes)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  soup_server_message_set_status (msg, status, status_phrase (status));
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
  /* The length first: the order in which arguments are evaluated is unspecified. */
  g_autoptr (GBytes) bytes = g_bytes_new_take (g_steal_pointer (&body), length);

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

/* A /v1/history answer as it is written: the samples it serves, referenced
 * (blocks still deflated), and made into text a block (or HISTORY_BLOCK of the
 * newest samples) at a time as the client takes it in. However many clients
 * ask, and however slowly they read, each answer holds at most one block's
 * text (some 60 KB) beyond what the history itself holds. */
typedef struct
{
  GWeakRef   server;
  GPtrArray *blocks;       /* Block, oldest first, with samples after since */
  GPtrArray *recent;       /* GBytes: the newest samples after since */
  gint64     since;
  guint      next_block;
  guint      next_recent;
  guint      count;        /* samples written so far */
  gboolean   ended;        /* "]}" has gone out */
} HistoryBody;

static void
history_body_free (HistoryBody *body)
{
  g_weak_ref_clear (&body->server);
  g_ptr_array_unref (body->blocks);
  g_ptr_array_unref (body->recent);
  g_free (body);
}

/* The length of what @body will write, samples and separators. */
static gsize
history_body_length (HistoryBody *body)
{
  gsize length = 0;
  guint count = 0;

  for (guint b = 0; b < body->blocks->len; b++)
    {
      Block *block = g_ptr_array_index (body->blocks, b);

      for (guint i = 0; i < HISTORY_BLOCK; i++)
        if (block->time_ms[i] > body->since)
          length += (count++ > 0 ? 1 : 0) + block->end[i] - (i > 0 ? block->end[i - 1] : 0);
    }

  for (guint i = 0; i < body->recent->len; i++)
    length += (count++ > 0 ? 1 : 0) + g_bytes_get_size (g_ptr_array_index (body->recent, i));

  return length + strlen ("]}");
}

/* The next piece of @body's text; NULL at its end or when a block does not inflate. */
static GBytes *
history_body_next (HistoryBody *body,
                   gboolean    *damaged)
{
  GString *str;

  if (body->next_block < body->blocks->len)
    {
      Block *block = g_ptr_array_index (body->blocks, body->next_block++);

      str = g_string_sized_new (block->end[HISTORY_BLOCK - 1] + HISTORY_BLOCK);
      if (!history_append_block (block, body->since, str, &body->count))
        {
          g_string_free (str, TRUE);
          *damaged = TRUE;
          return NULL;
        }
      return g_string_free_to_bytes (str);
    }

  if (body->next_recent < body->recent->len)
    {
      str = g_string_sized_new (HISTORY_BLOCK * 1024);
      for (guint n = 0; n < HISTORY_BLOCK && body->next_recent < body->recent->len; n++)
        {
          gsize size;
          const char *data = g_bytes_get_data (g_ptr_array_index (body->recent, body->next_recent++),
                                               &size);

          if (body->count++ > 0)
            g_string_append_c (str, ',');
          g_string_append_len (str, data, size);
        }
      return g_string_free_to_bytes (str);
    }

  if (!body->ended)
    {
      body->ended = TRUE;
      return g_bytes_new_static ("]}", 2);
    }

  return NULL;
}

static void
history_wrote_chunk_cb (SoupServerMessage *msg,
                        HistoryBody       *body)
{
  gboolean damaged = FALSE;
  g_autoptr (GBytes) next = history_body_next (body, &damaged);

  if (next != NULL)
    {
      soup_message_body_append_bytes (soup_server_message_get_response_body (msg), next);
      return;
    }

  if (damaged)
    {
      g_autoptr (SeyeAgentServer) self = g_weak_ref_get (&body->server);
      Connection *connection = self != NULL ? lookup_connection (self, msg) : NULL;

      /* Its length is out already: the answer can only be cut short. */
      g_warning ("history: a block of samples does not inflate; starting the history afresh");
      if (self != NULL)
        history_clear (self);
      if (connection != NULL)
        close_connection (connection, "its history answer cannot be completed");
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
  HistoryBody *body;
  GString *str;
  gint64 since = 0;

  if (since_text != NULL &&
      (strspn (since_text, "0123456789") != strlen (since_text) ||
       !g_ascii_string_to_signed (since_text, 10, 0, G_MAXINT64, &since, NULL)))
    {
      respond_error (msg, SOUP_STATUS_BAD_REQUEST,
                     "“since” must be a Unix time in milliseconds, e.g. /v1/history?since=1700000000000");
      return;
    }

  body = g_new0 (HistoryBody, 1);
  g_weak_ref_init (&body->server, self);
  body->since = since;
  body->blocks = g_ptr_array_new_with_free_func ((GDestroyNotify) block_free);
  body->recent = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

  /* Older samples, from the deflated blocks, when "since" goes back that far. */
  for (GList *l = self->blocks.head; l != NULL; l = l->next)
    {
      Block *block = l->data;

      if (block->time_ms[HISTORY_BLOCK - 1] > since)
        g_ptr_array_add (body->blocks, g_rc_box_acquire (block));
    }
  for (GList *l = self->history.head; l != NULL; l = l->next)
    {
      Encoded *encoded = l->data;

      if (encoded->time_ms > since)
        g_ptr_array_add (body->recent, g_bytes_ref (encoded->json));
    }

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
                                           g_bytes_get_size (start) + history_body_length (body));

  /* What has been written is let go at once; the next piece is made when the
   * one before has gone out. */
  soup_message_body_set_accumulate (response_body, FALSE);
  soup_message_body_append_bytes (response_body, start);
  g_signal_connect (msg, "wrote-chunk", G_CALLBACK (history_wrote_chunk_cb), body);
  g_signal_connect_swapped (msg, "finished", G_CALLBACK (history_body_free), body);
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
route_stream (SeyeAgentServer   *self,
              SoupServerMessage *msg,
              GHashTable        *query)
{
  Connection *connection = lookup_connection (self, msg);
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
          respond_error (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, error->message);
        }
      else
        {
          respond_error (msg, SOUP_STATUS_BAD_REQUEST, error->message);
        }
    }
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
  g_string_append (str, ",\"endpoints\":[\"/v1/node\",\"/v1/metrics\",\"/v1/history\",\"/v1/stream\"");
  if (self->metrics_access != SEYE_AGENT_ACCESS_OFF)
    g_string_append (str, ",\"/metrics\"");
  g_string_append (str, "]}");
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
                                                "/v1/history, /v1/stream or /metrics", path);

    respond_error (msg, SOUP_STATUS_NOT_FOUND, message);
  }
}

/* Connections ------------------------------------------------------------- */

static Connection *
lookup_connection (SeyeAgentServer   *self,
                   SoupServerMessage *msg)
{
  GSocketAddress *remote = soup_server_message_get_remote_address (msg);

  return remote != NULL ? g_hash_table_lookup (self->connections, remote) : NULL;
}

/* Progress: the connection moves to the most recently active end. */
static void
touch_connection (Connection *connection)
{
  SeyeAgentServer *self = connection->self;

  connection->active_us = g_get_monotonic_time ();
  if (!connection->closing)
    {
      g_queue_unlink (&self->by_activity, &connection->link);
      g_queue_push_tail_link (&self->by_activity, &connection->link);
      g_queue_unlink (&connection->peer->connections, &connection->peer_link);
      g_queue_push_tail_link (&connection->peer->connections, &connection->peer_link);
    }
}

/* The connection is on its way out: it no longer counts. */
static void
forget_connection (Connection *connection)
{
  SeyeAgentServer *self = connection->self;

  if (connection->closing)
    return;

  connection->closing = TRUE;
  g_queue_unlink (&self->by_activity, &connection->link);
  g_queue_unlink (&connection->peer->connections, &connection->peer_link);
  if (connection->peer->connections.length == 0)
    g_hash_table_remove (self->peers, connection->peer->address);
  connection->peer = NULL;
}

/* Shutting the socket down makes libsoup's pending read or write fail; it
 * then closes the stream and drops it, which frees the record. */
static void
close_connection (Connection *connection,
                  const char *why)
{
  if (connection->closing)
    return;

  g_debug ("closing a connection: %s", why);
  forget_connection (connection);
  g_socket_shutdown (connection->socket, TRUE, TRUE, NULL);
}

/* A stream's reader fell too far behind. */
static void
drop_stream_cb (SoupServerMessage *msg,
                const char        *why,
                gpointer           data)
{
  Connection *connection = lookup_connection (data, msg);

  if (connection != NULL)
    close_connection (connection, why);
}

static void
connection_finalized_cb (gpointer  data,
                         GObject  *where_the_object_was)
{
  Connection *connection = data;
  SeyeAgentServer *self = connection->self;

  forget_connection (connection);
  g_hash_table_remove (self->connections, connection->remote);
}

/* How many connections one address may hold. */
static guint
peer_share (SeyeAgentServer *self)
{
  return MIN (self->max_connections,
              MAX (SEYE_AGENT_MIN_PEER_SHARE, self->max_connections / SEYE_AGENT_PEER_SHARE));
}

/* Makes room in @peer: its least recently active connection that is not
 * serving a request goes, else its least recently active one. */
static void
evict_from (Peer       *peer,
            const char *why)
{
  Connection *victim = NULL;

  for (GList *l = peer->connections.head; l != NULL && victim == NULL; l = l->next)
    if (!((Connection *) l->data)->busy)
      victim = l->data;
  if (victim == NULL)
    victim = peer->connections.head->data;

  close_connection (victim, why);
}

/* Makes room for one more: the address that holds the most connections gives
 * one up (of two that hold as many, the one with the least recently active
 * connection). */
static gboolean
evict_one (SeyeAgentServer *self)
{
  GHashTableIter iter;
  Peer *peer, *heaviest = NULL;

  g_hash_table_iter_init (&iter, self->peers);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &peer))
    {
      if (heaviest == NULL ||
          peer->connections.length > heaviest->connections.length ||
          (peer->connections.length == heaviest->connections.length &&
           ((Connection *) peer->connections.head->data)->active_us <
           ((Connection *) heaviest->connections.head->data)->active_us))
        heaviest = peer;
    }

  if (heaviest == NULL)
    return FALSE;

  evict_from (heaviest, "the connection limit is reached and its address holds the most");

  return TRUE;
}

/* A whole error response, written past libsoup, after which the connection closes. */
static char *
closing_response (guint       status,
                  const char *extra_headers,
                  const char *message)
{
  g_autofree char *body = seye_json_error_body (status, message);

  return g_strdup_printf ("HTTP/1.1 %u %s\r\n"
                          "Content-Type: " JSON_TYPE "\r\n"
                          "Content-Length: %zu\r\n"
                          "Cache-Control: no-store\r\n"
                          "%s"
                          "Connection: close\r\n"
                          "\r\n%s", status, status_phrase (status), strlen (body),
                          extra_headers, body);
}

/* Every connection is in the middle of a request: say so and hang up. */
static void
refuse_connection (GSocketConnection *stream)
{
  g_autofree char *response = closing_response (SOUP_STATUS_SERVICE_UNAVAILABLE, "Retry-After: 1\r\n",
                                                "too many connections; try again");
  GSocket *socket = g_socket_connection_get_socket (stream);

  /* A fresh socket's send buffer takes these few hundred bytes at once. */
  g_socket_send_with_blocking (socket, response, strlen (response), FALSE, NULL, NULL);
  g_socket_shutdown (socket, FALSE, TRUE, NULL);
  g_io_stream_close (G_IO_STREAM (stream), NULL, NULL);
}

/* What libsoup reads and writes: the socket's stream, or with a certificate
 * a TLS server connection over it. Its handshake runs with libsoup's first
 * read; one that fails (a plain-HTTP client, garbage, a client that gives
 * up) fails that read like a closed connection: libsoup drops it, the
 * idle timeout covers one that stalls, and nothing is logged above debug. */
static GIOStream *
server_stream (SeyeAgentServer    *self,
               GSocketConnection  *stream,
               GError            **error)
{
  static const char * const protocols[] = { "http/1.1", NULL };
  GIOStream *tls;

  if (self->tls_certificate == NULL)
    return g_object_ref (G_IO_STREAM (stream));

  /* No database: client certificates are not asked for, and the system's
   * trust store would cost megabytes a connection. */
  tls = g_initable_new (g_tls_backend_get_server_connection_type (g_tls_backend_get_default ()),
                        NULL, error,
                        "base-io-stream", stream,
                        "certificate", self->tls_certificate,
                        "database", NULL,
                        NULL);
  if (tls == NULL)
    return NULL;

  /* As libsoup does: a client may just close, as over plain TCP. */
  g_tls_connection_set_require_close_notify (G_TLS_CONNECTION (tls), FALSE);
  g_tls_connection_set_advertised_protocols (G_TLS_CONNECTION (tls), protocols);

  return tls;
}

static gboolean
incoming_cb (GSocketService    *service,
             GSocketConnection *stream,
             GObject           *source_object,
             gpointer           data)
{
  SeyeAgentServer *self = data;
  g_autoptr (GSocketAddress) local = NULL;
  g_autoptr (GSocketAddress) remote = NULL;
  g_autoptr (GIOStream) base = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *address = NULL;
  Connection *connection;
  Peer *peer;

  remote = g_socket_connection_get_remote_address (stream, NULL);
  if (G_IS_INET_SOCKET_ADDRESS (remote))
    address = g_inet_address_to_string (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote)));
  peer = address != NULL ? g_hash_table_lookup (self->peers, address) : NULL;

  if (peer != NULL && peer->connections.length >= peer_share (self))
    evict_from (peer, "its address holds its share of the connections and it is the least recently active");
  else if (self->by_activity.length >= self->max_connections && !evict_one (self))
    {
      g_debug ("refusing a connection: all %u are serving a request", self->max_connections);
      /* A client of the TLS port could not read a plain answer. */
      if (self->tls_certificate != NULL)
        g_io_stream_close (G_IO_STREAM (stream), NULL, NULL);
      else
        refuse_connection (stream);
      return TRUE;
    }

  local = g_socket_connection_get_local_address (stream, NULL);
  if (local == NULL || address == NULL)
    {
      /* The client has already gone. */
      g_io_stream_close (G_IO_STREAM (stream), NULL, NULL);
      return TRUE;
    }

  /* Headers and body go out in separate writes: without TCP_NODELAY, Nagle's
   * algorithm holds the body for the client's delayed ACK, some 40 ms a request.
   * (libsoup sets this on the connections it accepts itself.) */
  if (G_IS_TCP_CONNECTION (stream))
    g_socket_set_option (g_socket_connection_get_socket (stream), IPPROTO_TCP, TCP_NODELAY, 1, NULL);

  /* What a client that does not read leaves in the kernel is bounded (the
   * kernel doubles it); past it, answers wait in libsoup, one at a time. */
  g_socket_set_option (g_socket_connection_get_socket (stream), SOL_SOCKET, SO_SNDBUF,
                       SEYE_AGENT_SNDBUF, NULL);

  base = server_stream (self, stream, &error);
  if (base == NULL)
    {
      g_debug ("cannot serve a connection: %s", error->message);
      g_io_stream_close (G_IO_STREAM (stream), NULL, NULL);
      return TRUE;
    }

  connection = g_new0 (Connection, 1);
  connection->self = self;
  connection->stream = seye_agent_conn_stream_new (base);
  connection->socket = g_socket_connection_get_socket (stream);
  connection->remote = g_object_ref (remote);
  connection->link.data = connection;
  connection->peer_link.data = connection;
  connection->active_us = g_get_monotonic_time ();
  g_hash_table_insert (self->connections, connection->remote, connection);
  g_queue_push_tail_link (&self->by_activity, &connection->link);
  if (peer == NULL)
    {
      peer = g_new0 (Peer, 1);
      peer->address = g_steal_pointer (&address);
      g_hash_table_insert (self->peers, peer->address, peer);
    }
  connection->peer = peer;
  g_queue_push_tail_link (&peer->connections, &connection->peer_link);
  g_object_weak_ref (G_OBJECT (connection->stream), connection_finalized_cb, connection);

  /* libsoup takes its own reference; the record goes with the stream. */
  if (!soup_server_accept_iostream (self->server, G_IO_STREAM (connection->stream), local, remote, &error))
    {
      g_debug ("cannot serve a connection: %s", error->message);
      close_connection (connection, "libsoup did not take it");
    }
  g_object_unref (connection->stream);

  return TRUE;
}

/* Forgets buckets that have filled up again: they are as good as new. */
static void
sweep_buckets (SeyeAgentServer *self,
               gint64           now)
{
  GHashTableIter iter;
  Bucket *bucket;

  g_hash_table_iter_init (&iter, self->buckets);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &bucket))
    if (bucket->tokens + (now - bucket->updated_us) / (double) G_USEC_PER_SEC * self->rate_limit >=
        self->rate_burst)
      g_hash_table_iter_remove (&iter);
}

static gboolean
sweep_cb (gpointer data)
{
  SeyeAgentServer *self = data;
  gint64 now = g_get_monotonic_time ();

  if (self->idle_timeout > 0)
    {
      gint64 oldest = now - (gint64) self->idle_timeout * G_USEC_PER_SEC;

      /* Least recently active first: stop at the first one still in time. */
      while (self->by_activity.head != NULL)
        {
          Connection *connection = self->by_activity.head->data;

          if (connection->active_us > oldest)
            break;
          close_connection (connection, connection->busy ? "no progress for the idle timeout"
                                                         : "idle for the idle timeout");
        }
    }

  sweep_buckets (self, now);

  return G_SOURCE_CONTINUE;
}

/* Bytes of answers written to @connection that its client has not taken in
 * yet: what waits in the kernel's send queue. */
static gsize
unread_bytes (Connection *connection)
{
  int queued = 0;

  if (ioctl (g_socket_get_fd (connection->socket), SIOCOUTQ, &queued) != 0 || queued < 0)
    return 0;

  return queued;
}

/* Whether a request has a body, from its framing headers as they came. libsoup
 * never sees them (SeyeAgentConnStream renames them): it would read a body it
 * cannot delimit until the connection ends ("Content-Length: -1" is 2^64 - 1
 * bytes to it, of two lengths the last one wins), and it leaks the path of a
 * request whose framing it cannot read. Returns 0 for "no body" (no framing
 * header, or a single "Content-Length: 0"), else the status to refuse it with. */
static guint
body_framing_status (SoupMessageHeaders  *headers,
                     const char         **why)
{
  SoupMessageHeadersIter iter;
  const char *name, *value;
  const char *length = NULL;
  guint n_lengths = 0;
  guint n_codings = 0;
  gboolean chunked = FALSE;

  soup_message_headers_iter_init (&iter, headers);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    {
      if (g_ascii_strcasecmp (name, SEYE_AGENT_CONN_STREAM_CONTENT_LENGTH) == 0)
        {
          length = value;
          n_lengths++;
        }
      else if (g_ascii_strcasecmp (name, SEYE_AGENT_CONN_STREAM_TRANSFER_ENCODING) == 0)
        {
          chunked = g_ascii_strcasecmp (value, "chunked") == 0;
          n_codings++;
        }
    }

  if (n_codings == 0 && n_lengths == 0)
    return 0;

  if (n_codings == 1 && chunked && n_lengths == 0)
    {
      *why = "request bodies are not accepted";
      return SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE;
    }

  if (n_codings > 0)
    {
      *why = "the request's body framing is not understood (Transfer-Encoding); "
             "requests to this node have no body";
      return SOUP_STATUS_BAD_REQUEST;
    }

  if (n_lengths == 1 && length[0] != '\0' && strspn (length, "0123456789") == strlen (length))
    {
      if (strspn (length, "0") == strlen (length))
        return 0;

      *why = "request bodies are not accepted";
      return SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE;
    }

  *why = "the request's Content-Length is not one length in decimal digits; "
         "requests to this node have no body";
  return SOUP_STATUS_BAD_REQUEST;
}

/* Answers @msg at once, past libsoup, and closes its connection. libsoup reads
 * a request's whole body before it writes any answer, and a body it cannot
 * delimit it reads until the connection ends: so the connection is taken from
 * it. The answer is written if the socket takes it now (@status 0: none). The
 * connection no longer counts against any limit. */
static void
answer_and_close (SeyeAgentServer   *self,
                  SoupServerMessage *msg,
                  guint              status,
                  const char        *message)
{
  Connection *connection = lookup_connection (self, msg);
  g_autoptr (GIOStream) stream = NULL;
  GSocket *socket;

  /* Once: a second steal would have libsoup drop its connection twice. */
  if (g_object_get_data (G_OBJECT (msg), ANSWERED_KEY) != NULL)
    return;
  g_object_set_data (G_OBJECT (msg), ANSWERED_KEY, GINT_TO_POINTER (TRUE));

  if (connection == NULL)
    {
      /* Not one of ours (cannot happen): libsoup answers after the body, and closes. */
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Connection", "close");
      respond_error (msg, status != 0 ? status : SOUP_STATUS_BAD_REQUEST, message);
      return;
    }

  forget_connection (connection);
  socket = g_object_ref (connection->socket);
  stream = soup_server_message_steal_connection (msg);

  if (stream != NULL && status != 0)
    {
      g_autofree char *response = closing_response (status, "", message);
      GOutputStream *output = g_io_stream_get_output_stream (stream);

      g_pollable_output_stream_write_nonblocking (G_POLLABLE_OUTPUT_STREAM (output), response,
                                                  strlen (response), NULL, NULL);
    }

  /* The end of the answer, then what the client already sent is read and
   * dropped (some of it, at once), so that closing sends no reset that could
   * discard the answer on its way. */
  g_socket_shutdown (socket, FALSE, TRUE, NULL);
  for (guint i = 0; i < 16; i++)
    {
      char buffer[4096];

      if (g_socket_receive_with_blocking (socket, buffer, sizeof buffer, FALSE, NULL, NULL) <= 0)
        break;
    }
  g_socket_shutdown (socket, TRUE, FALSE, NULL);
  g_object_unref (socket);
  /* Dropping the stream closes it, and the connection's record goes with it. */
}

/* Runs as soon as a request's headers are parsed, on every path (whatever the
 * access, the status libsoup or early_cb may have set, with or without TLS),
 * after libsoup's own handler and before any byte of the answer is written. */
static void
got_headers_cb (SoupServerMessage *msg,
                gpointer           data)
{
  SeyeAgentServer *self = data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  Connection *connection = lookup_connection (self, msg);
  const char *why = NULL;
  guint status;

  /* early_cb has answered it already, past libsoup. */
  if (g_object_get_data (G_OBJECT (msg), ANSWERED_KEY) != NULL)
    return;

  /* The headers parsed: libsoup did not refuse them itself (see request_started_cb). */
  soup_message_headers_remove (soup_server_message_get_response_headers (msg), "Connection");

  /* A client that pipelines requests and leaves the answers unread: its
   * earlier answers fill the kernel's buffer. */
  if (connection != NULL && unread_bytes (connection) > SEYE_AGENT_MAX_UNREAD)
    {
      answer_and_close (self, msg, 0, NULL);
      return;
    }

  /* No endpoint takes a body. */
  status = body_framing_status (headers, &why);
  if (status != 0)
    {
      answer_and_close (self, msg, status, why);
      return;
    }

  /* No endpoint serves part of a resource. libsoup 3.2 honours Range on any
   * 200 GET when it writes the headers (a multipart body of every range, built
   * in memory: a thousand ranges multiply the body a thousandfold); without
   * the header it has nothing to act on. If-Range only qualifies a Range. */
  soup_message_headers_remove (headers, "Range");
  soup_message_headers_remove (headers, "If-Range");
}

static void
request_started_cb (SoupServer        *server,
                    SoupServerMessage *msg,
                    gpointer           data)
{
  SeyeAgentServer *self = data;
  Connection *connection = lookup_connection (self, msg);

  /* libsoup connected its own "got-headers" handler before it told us: ours runs after it. */
  g_signal_connect (msg, "got-headers", G_CALLBACK (got_headers_cb), self);

  /* Headers that libsoup cannot parse (among them a Content-Length that is not
   * a number, or a transfer coding it does not know) it answers itself, at once,
   * before "got-headers", and then closes: let the answer say so. */
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");

  /* A response that the client reads slowly but steadily is progress. */
  if (connection != NULL)
    g_signal_connect_swapped (msg, "wrote-body-data", G_CALLBACK (touch_connection), connection);
}

static void
request_done_cb (SoupServer        *server,
                 SoupServerMessage *msg,
                 gpointer           data)
{
  SeyeAgentServer *self = data;
  Connection *connection = lookup_connection (self, msg);

  g_signal_handlers_disconnect_matched (msg, G_SIGNAL_MATCH_FUNC, 0, 0, NULL,
                                        touch_connection, NULL);
  if (connection != NULL)
    {
      connection->busy = FALSE;
      touch_connection (connection);
      seye_agent_conn_stream_mark_idle (connection->stream);
    }
}

/* Requests ---------------------------------------------------------------- */

/* Takes a token from the client's bucket; FALSE with the seconds to wait when empty. */
static gboolean
take_token (SeyeAgentServer *self,
            const char      *address,
            guint           *retry_after)
{
  gint64 now = g_get_monotonic_time ();
  Bucket *bucket = g_hash_table_lookup (self->buckets, address);

  if (bucket == NULL)
    {
      bucket = g_new (Bucket, 1);
      bucket->tokens = self->rate_burst;
      bucket->updated_us = now;
      g_hash_table_insert (self->buckets, g_strdup (address), bucket);
    }

  bucket->tokens = MIN ((double) self->rate_burst,
                        bucket->tokens + (now - bucket->updated_us) / (double) G_USEC_PER_SEC * self->rate_limit);
  bucket->updated_us = now;

  if (bucket->tokens >= 1.0)
    {
      bucket->tokens -= 1.0;
      return TRUE;
    }

  *retry_after = (guint) MAX (1.0, ceil ((1.0 - bucket->tokens) / self->rate_limit));

  return FALSE;
}

/* The request line and header lines as they came, give or take whitespace. */
static gsize
request_header_size (SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  GUri *uri = soup_server_message_get_uri (msg);
  const char *query = g_uri_get_query (uri);
  SoupMessageHeadersIter iter;
  const char *name, *value;
  gsize size;

  size = strlen (soup_server_message_get_method (msg)) + strlen (g_uri_get_path (uri)) +
         (query != NULL ? strlen (query) + 1 : 0) + strlen (" HTTP/1.1\r\n") + 2;

  soup_message_headers_iter_init (&iter, headers);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    size += strlen (name) + strlen (value) + 4;

  return size;
}

/* Who may read @path: the one place where it is decided, for every path
 * (the routes above and any handler added to the SoupServer), before any
 * handler runs. "/" says no more than the mDNS record and is always open;
 * "/metrics" has the metrics access; every other path, known or not, the
 * JSON API's. Returns FALSE after answering 401, 403 or 404. */
static gboolean
check_access (SeyeAgentServer   *self,
              SoupServerMessage *msg,
              const char        *path)
{
  gboolean metrics = g_strcmp0 (path, "/metrics") == 0;
  SeyeAgentAccess access = metrics ? self->metrics_access : self->api_access;

  if (g_strcmp0 (path, "/") == 0)
    return TRUE;

  switch (access)
    {
    case SEYE_AGENT_ACCESS_DEFAULT:
    case SEYE_AGENT_ACCESS_OPEN:
      return TRUE;

    case SEYE_AGENT_ACCESS_OFF:
      respond_error (msg, SOUP_STATUS_NOT_FOUND,
                     "/metrics is turned off on this node (metrics-access=off)");
      return FALSE;

    case SEYE_AGENT_ACCESS_LOOPBACK:
      {
        GSocketAddress *remote = soup_server_message_get_remote_address (msg);
        GInetAddress *address = G_IS_INET_SOCKET_ADDRESS (remote)
                                ? g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote))
                                : NULL;
        g_autofree char *message = NULL;

        if (seye_agent_address_is_loopback (address))
          return TRUE;

        message = g_strdup_printf ("%s answers only clients on this node's loopback address "
                                   "(127.0.0.1 or ::1; %s=loopback)",
                                   metrics ? "/metrics" : "the JSON API",
                                   metrics ? "metrics-access" : "api-access");
        respond_error (msg, SOUP_STATUS_FORBIDDEN, message);
        return FALSE;
      }

    case SEYE_AGENT_ACCESS_TOKEN:
      {
        SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
        const char *authorization = soup_message_headers_get_one (headers, "Authorization");
        const char *token = seye_agent_bearer_token (authorization);

        if (self->token != NULL && seye_agent_token_matches (self->token, token))
          return TRUE;

        g_debug ("refusing %s to %s: %s", path, soup_server_message_get_remote_host (msg),
                 token == NULL ? "no bearer token" : "a wrong token");
        soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                      "WWW-Authenticate", "Bearer realm=\"" SEYE_AGENT_AUTH_REALM "\"");
        respond_error (msg, SOUP_STATUS_UNAUTHORIZED,
                       token == NULL
                       ? "this node wants a token: send “Authorization: Bearer TOKEN” "
                         "(“sorcerers-eye-agent --pairing-info” on the node prints it)"
                       : "the token is not this node's token");
        return FALSE;
      }
    }

  g_return_val_if_reached (FALSE);
}

/* A name that the query of @uri gives more than once (libsoup would keep the
 * last one), decoded as libsoup decodes it; NULL when there is none. */
static char *
repeated_query_name (GUri *uri)
{
  const char *query = g_uri_get_query (uri);
  g_autoptr (GHashTable) seen = NULL;
  g_auto (GStrv) pairs = NULL;

  if (query == NULL)
    return NULL;

  seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  pairs = g_strsplit (query, "&", -1);
  for (guint i = 0; pairs[i] != NULL; i++)
    {
      char *equals = strchr (pairs[i], '=');
      g_autofree char *name = NULL;

      if (equals == NULL)
        continue;
      *equals = '\0';
      g_strdelimit (pairs[i], "+", ' ');
      name = g_uri_unescape_string (pairs[i], NULL);
      if (name == NULL)
        continue;
      if (g_hash_table_contains (seen, name))
        return g_steal_pointer (&name);
      g_hash_table_add (seen, g_steal_pointer (&name));
    }

  return NULL;
}

/* Runs once a request's headers are in, before any handler: refuses what is
 * too big or too frequent before any work is done for it, then what this
 * client may not read. */
static void
early_cb (SoupServer        *server,
          SoupServerMessage *msg,
          const char        *path,
          GHashTable        *query,
          gpointer           data)
{
  SeyeAgentServer *self = data;
  SoupMessageHeaders *response_headers = soup_server_message_get_response_headers (msg);
  Connection *connection = lookup_connection (self, msg);
  const char *remote_host = soup_server_message_get_remote_host (msg);
  guint retry_after = 0;

  if (connection != NULL)
    {
      connection->busy = TRUE;
      touch_connection (connection);
    }

  if (request_header_size (msg) > self->max_header_size)
    {
      g_autofree char *message = g_strdup_printf ("the request's headers are larger than %u bytes",
                                                  self->max_header_size);

      answer_and_close (self, msg, STATUS_REQUEST_HEADER_FIELDS_TOO_LARGE, message);
      return;
    }

  if (self->rate_limit > 0 &&
      !take_token (self, remote_host != NULL ? remote_host : "", &retry_after))
    {
      g_autofree char *seconds = g_strdup_printf ("%u", retry_after);
      g_autofree char *message = g_strdup_printf ("more than %g requests a second from this address; "
                                                  "try again in %u s", self->rate_limit, retry_after);

      soup_message_headers_replace (response_headers, "Retry-After", seconds);
      respond_error (msg, STATUS_TOO_MANY_REQUESTS, message);
      return;
    }

  if (!check_access (self, msg, path))
    return;

  /* One value a name: a second one is a mistake, not an override. */
  {
    g_autofree char *repeated = repeated_query_name (soup_server_message_get_uri (msg));

    if (repeated != NULL)
      {
        g_autofree char *message = g_strdup_printf ("“%s” is given more than once in the query",
                                                    repeated);

        respond_error (msg, SOUP_STATUS_BAD_REQUEST, message);
      }
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

  self->stream = seye_agent_stream_new (interval, drop_stream_cb, self);
  self->server = soup_server_new ("server-header", "sorcerers-eye-agent/" PACKAGE_VERSION " ", NULL);
  soup_server_add_early_handler (self->server, NULL, early_cb, self, NULL);
  soup_server_add_handler (self->server, NULL, handle_cb, self, NULL);
  g_signal_connect (self->server, "request-started", G_CALLBACK (request_started_cb), self);
  g_signal_connect (self->server, "request-finished", G_CALLBACK (request_done_cb), self);
  g_signal_connect (self->server, "request-aborted", G_CALLBACK (request_done_cb), self);

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
/* libsoup 3.2 keeps a connection alive after a response only while the
 * SoupServer has a listener of its own. Give it one that nobody can reach: a
 * Unix socket whose path is removed as soon as it listens. */
static void
give_soup_a_listener (SeyeAgentServer *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSocket) socket = NULL;
  g_autoptr (GSocketAddress) address = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;

  dir = g_dir_make_tmp ("sorcerers-eye-agent-XXXXXX", &error);
  if (dir != NULL)
    {
      path = g_build_filename (dir, "unreachable", NULL);
      address = g_unix_socket_address_new (path);
      socket = g_socket_new (G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_DEFAULT,
                             &error);
    }

  if (socket != NULL &&
      g_socket_bind (socket, address, FALSE, &error) &&
      g_socket_listen (socket, &error))
    soup_server_listen_socket (self->server, socket, 0, &error);

  if (path != NULL)
    g_unlink (path);
  if (dir != NULL)
    g_rmdir (dir);

  if (error != NULL)
    g_warning ("HTTP keep-alive is off: %s", error->message);
}

/* One listening socket; an IPv6 one only for IPv6, as libsoup does. */
static gboolean
listen_on (SeyeAgentServer  *self,
           GInetAddress     *address,
           guint            *port,
           GError          **error)
{
  g_autoptr (GSocketAddress) socket_address = g_inet_socket_address_new (address, *port);
  g_autoptr (GSocketAddress) bound = NULL;
  g_autoptr (GSocket) socket = NULL;
  GSocketFamily family = g_inet_address_get_family (address);

  socket = g_socket_new (family, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, error);
  if (socket == NULL)
    return FALSE;

  if (family == G_SOCKET_FAMILY_IPV6 &&
      !g_socket_set_option (socket, IPPROTO_IPV6, IPV6_V6ONLY, TRUE, error))
    return FALSE;

  g_socket_set_listen_backlog (socket, LISTEN_BACKLOG);
  if (!g_socket_bind (socket, socket_address, TRUE, error) ||
      !g_socket_listen (socket, error) ||
      !g_socket_listener_add_socket (G_SOCKET_LISTENER (self->service), socket, NULL, error))
    return FALSE;

  bound = g_socket_get_local_address (socket, error);
  if (bound == NULL)
    return FALSE;

  /* With port 0 every further address takes the port the first one got. */
  *port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  self->port = (guint16) *port;

  {
    g_autofree char *text = g_inet_address_to_string (address);
    const char *scheme = self->tls_certificate != NULL ? "https" : "http";

    g_message (family == G_SOCKET_FAMILY_IPV6 ? "Listening on %s://[%s]:%u"
                                               : "Listening on %s://%s:%u", scheme, text, *port);
  }

  return TRUE;
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

  g_return_val_if_fail (SEYE_IS_AGENT_SERVER (self), FALSE);

  if (self->service == NULL)
    {
      give_soup_a_listener (self);
      self->service = g_socket_service_new ();
      /* A new service is active at once, and each socket added restarts its
       * accept: a client accepted in that instant is dropped (reset). Accept
       * only once every address listens. */
      g_socket_service_stop (self->service);
      g_signal_connect (self->service, "incoming", G_CALLBACK (incoming_cb), self);
    }

  if (bind == NULL || bind[0] == NULL)
    {
      g_autoptr (GInetAddress) any4 = g_inet_address_new_any (G_SOCKET_FAMILY_IPV4);
      g_autoptr (GInetAddress) any6 = g_inet_address_new_any (G_SOCKET_FAMILY_IPV6);

      if (!listen_on (self, any4, &port, &local_error))
        {
          g_set_error (error, SEYE_ERROR, SEYE_ERROR_IO,
                       "cannot listen on port %u: %s (is another agent running? choose another "
                       "port with --port)", port, local_error->message);
          return FALSE;
        }

      /* A machine without IPv6 is served over IPv4 alone. */
      if (!listen_on (self, any6, &port, &local_error))
        {
          if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED) &&
              !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_FAILED))
            {
              g_set_error (error, SEYE_ERROR, SEYE_ERROR_IO,
                           "cannot listen on port %u over IPv6: %s (is another agent running? "
                           "choose another port with --port)", port, local_error->message);
              return FALSE;
            }
          g_debug ("not listening over IPv6: %s", local_error->message);
        }
    }
  else
    {
      for (guint i = 0; bind[i] != NULL; i++)
        {
          g_autoptr (GInetAddress) address = g_inet_address_new_from_string (bind[i]);

          if (address == NULL)
            {
              g_set_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG,
                           "bind address “%s” is not an IP address", bind[i]);
              return FALSE;
            }

          if (!listen_on (self, address, &port, &local_error))
            {
              g_set_error (error, SEYE_ERROR, SEYE_ERROR_IO,
                           "cannot listen on %s port %u: %s (is another agent running? choose "
                           "another port with --port, or an address of this machine with --bind)",
                           bind[i], port, local_error->message);
              return FALSE;
            }
        }
    }

  g_socket_service_start (self->service);
  if (self->sweep_source == 0)
    self->sweep_source = g_timeout_add (SWEEP_MS, sweep_cb, self);

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
  stop_listening (self);
  seye_agent_stream_close (self->stream);
  soup_server_disconnect (self->server);
}
