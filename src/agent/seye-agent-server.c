/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-agent"

#include "config.h"

#include <gio/gunixsocketaddress.h>
#include <glib/gstdio.h>
#include <netinet/in.h>
#include <malloc.h>
#include <math.h>

#include "seye-agent-config.h"
#include "seye-agent-server-private.h"
#include "seye-error.h"
#include "seye-json.h"

/*
 * Samples the machine on a fixed clock and serves what it sampled. Every
 * response comes from what the last tick produced (the sample's JSON is
 * encoded once, when it is taken); nothing is read from /proc per request.
 * The history it serves is a SeyeAgentHistory; the connections and their
 * limits are in seye-agent-server-connections.c.
 */

#define HISTORY_SECONDS 900.0     /* keep 15 minutes, whatever the interval */
#define TRIM_SECONDS    60        /* hand freed heap back to the system this often */
#define LISTEN_BACKLOG  1024

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
  PROP_PROCESS_ARGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

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
  g_clear_handle_id (&self->tick_source, g_source_remove);
  stop_listening (self);
  if (self->stream != NULL)
    seye_agent_stream_close (self->stream);
  g_clear_object (&self->stream);
  g_clear_pointer (&self->processes, seye_agent_processes_free);
  if (self->server != NULL)
    soup_server_disconnect (self->server);
  g_clear_object (&self->server);

  _seye_agent_server_connections_forget (self);

  G_OBJECT_CLASS (seye_agent_server_parent_class)->dispose (object);
}

static void
seye_agent_server_finalize (GObject *object)
{
  SeyeAgentServer *self = SEYE_AGENT_SERVER (object);

  g_clear_pointer (&self->reader, seye_proc_reader_free);
  g_clear_pointer (&self->info, seye_node_info_free);
  g_clear_pointer (&self->latest, seye_sample_unref);
  g_clear_pointer (&self->history, seye_agent_history_free);
  g_clear_pointer (&self->info_json, g_bytes_unref);
  g_clear_pointer (&self->prometheus, g_bytes_unref);
  g_clear_pointer (&self->problems, g_strfreev);
  _seye_agent_server_connections_finalize (self);
  g_clear_pointer (&self->rate_limit, seye_agent_rate_limit_free);
  if (self->token != NULL)
    explicit_bzero (self->token, strlen (self->token));
  g_clear_pointer (&self->token, g_free);
  g_clear_object (&self->tls_certificate);
  g_clear_pointer (&self->actions, g_ptr_array_unref);
  g_clear_pointer (&self->running, g_hash_table_unref);

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
      g_value_set_double (value, seye_agent_rate_limit_get_rate (self->rate_limit));
      break;

    case PROP_RATE_BURST:
      g_value_set_uint (value, seye_agent_rate_limit_get_burst (self->rate_limit));
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

    case PROP_PROCESS_ARGS:
      g_value_set_boolean (value, self->process_args);
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
      if (seye_agent_rate_limit_set_rate (self->rate_limit, g_value_get_double (value)))
        g_object_notify_by_pspec (object, pspec);
      break;

    case PROP_RATE_BURST:
      if (seye_agent_rate_limit_set_burst (self->rate_limit, g_value_get_uint (value)))
        g_object_notify_by_pspec (object, pspec);
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

    case PROP_PROCESS_ARGS:
      if (self->process_args != g_value_get_boolean (value))
        {
          self->process_args = g_value_get_boolean (value);
          g_object_notify_by_pspec (object, pspec);
        }
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

  /* /v1/processes gives each process's argv, to token and loopback clients only. */
  properties[PROP_PROCESS_ARGS] =
    g_param_spec_boolean ("process-args", NULL, NULL,
                          FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
seye_agent_server_init (SeyeAgentServer *self)
{
  _seye_agent_server_connections_init (self);
  self->rate_limit = seye_agent_rate_limit_new (SEYE_AGENT_DEFAULT_RATE_LIMIT,
                                                SEYE_AGENT_DEFAULT_RATE_BURST);
  self->max_connections = SEYE_AGENT_DEFAULT_MAX_CONNECTIONS;
  self->idle_timeout = SEYE_AGENT_DEFAULT_IDLE_TIMEOUT;
  self->max_header_size = SEYE_AGENT_DEFAULT_MAX_HEADER_SIZE;
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
  gint64 last_time_ms;

  sample = seye_proc_reader_sample (self->reader, g_get_real_time () / 1000);
  report_problems (self);

  /* Encode now, once: every request for this sample is served from these bytes. */
  seye_sample_get_json (sample);

  last_time_ms = seye_agent_history_get_last_time_ms (self->history);
  if (last_time_ms != 0 && sample->time_ms <= last_time_ms)
    {
      g_warning ("sampling: the system clock went back; starting the history afresh");
      seye_agent_history_clear (self->history);
    }

  seye_agent_history_add (self->history, sample->time_ms, seye_sample_get_json (sample));

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
  self->history = seye_agent_history_new ((guint) ceil (HISTORY_SECONDS / interval));
  self->processes = seye_agent_processes_new (seye_proc_reader_get_root (reader));

  str = g_string_new (NULL);
  seye_json_write_node_info (str, self->info);
  self->info_json = g_string_free_to_bytes (str);

  self->stream = seye_agent_stream_new (interval, _seye_agent_server_drop_stream_cb, self);
  seye_agent_stream_set_processes (self->stream, self->processes);
  self->server = soup_server_new ("server-header", "sorcerers-eye-agent/" PACKAGE_VERSION " ", NULL);
  soup_server_add_early_handler (self->server, NULL, _seye_agent_server_early_cb, self, NULL);
  soup_server_add_handler (self->server, NULL, _seye_agent_server_handle_cb, self, NULL);
  _seye_agent_server_connections_attach (self);

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
      g_signal_connect (self->service, "incoming",
                        G_CALLBACK (_seye_agent_server_incoming_cb), self);
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
    self->sweep_source = g_timeout_add (SWEEP_MS, _seye_agent_server_sweep_cb, self);

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

/**
 * seye_agent_server_say_goodbye:
 *
 * Before stopping: no new connection is taken, and every stream ends with the
 * goodbye line. seye_agent_server_stop() closes what is left.
 */
void
seye_agent_server_say_goodbye (SeyeAgentServer *self)
{
  g_return_if_fail (SEYE_IS_AGENT_SERVER (self));

  stop_listening (self);
  seye_agent_stream_close (self->stream);
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
