/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-agent"

#include "config.h"

#include <gio/gio.h>
#include <math.h>

#include "seye-agent-config.h"
#include "seye-error.h"
#include "seye-node-id.h"

#define DEFAULT_CONFIG_PATH SYSCONFDIR "/sorcerers-eye/agent.conf"
#define GROUP               "agent"
#define MAX_NAME            63     /* a DNS-SD instance name is one DNS label */

SeyeAgentConfig *
seye_agent_config_new (void)
{
  SeyeAgentConfig *self = g_new0 (SeyeAgentConfig, 1);

  self->port = SEYE_DEFAULT_PORT;
  self->interval = 1.0;
  self->mdns = TRUE;
  self->root = g_strdup ("/");
  self->max_connections = SEYE_AGENT_DEFAULT_MAX_CONNECTIONS;
  self->idle_timeout = SEYE_AGENT_DEFAULT_IDLE_TIMEOUT;
  self->max_header_size = SEYE_AGENT_DEFAULT_MAX_HEADER_SIZE;
  self->rate_limit = SEYE_AGENT_DEFAULT_RATE_LIMIT;
  self->rate_burst = SEYE_AGENT_DEFAULT_RATE_BURST;

  return self;
}

void
seye_agent_config_free (SeyeAgentConfig *self)
{
  if (self == NULL)
    return;

  g_strfreev (self->bind);
  g_free (self->name);
  g_free (self->node_id);
  g_free (self->root);
  g_free (self->config_path);
  g_free (self->state_dir);
  g_free (self->tls_certificate);
  g_free (self->tls_key);
  g_free (self);
}

static gboolean
check_port (gint64   port,
            GError **error)
{
  if (port < 0 || port > 65535)
    {
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG,
                   "port %" G_GINT64_FORMAT " is out of range: use 1 to 65535 (0 picks a free port)",
                   port);
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_interval (double   interval,
                GError **error)
{
  if (!isfinite (interval) ||
      interval < SEYE_AGENT_MIN_INTERVAL || interval > SEYE_AGENT_MAX_INTERVAL)
    {
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG,
                   "interval %g s is out of range: use %g to %g seconds",
                   interval, SEYE_AGENT_MIN_INTERVAL, SEYE_AGENT_MAX_INTERVAL);
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_name (const char  *name,
            GError     **error)
{
  if (name == NULL)
    return TRUE;

  if (name[0] == '\0' || !g_utf8_validate (name, -1, NULL) || strlen (name) > MAX_NAME)
    {
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG,
                   "name “%s” is not usable: use 1 to %d bytes of UTF-8 text", name, MAX_NAME);
      return FALSE;
    }

  for (const char *p = name; *p; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      {
        g_set_error_literal (error, SEYE_ERROR, SEYE_ERROR_CONFIG,
                             "name contains control characters");
        return FALSE;
      }

  return TRUE;
}

static gboolean
check_node_id (const char  *node_id,
               GError     **error)
{
  if (node_id != NULL && !seye_node_id_is_valid (node_id))
    {
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG,
                   "node id “%s” is not 32 hex digits (for example the output of "
                   "“head -c16 /dev/urandom | od -An -tx1 | tr -d ' \\n'”)", node_id);
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_bind (GStrv    bind,
            GError **error)
{
  for (guint i = 0; bind != NULL && bind[i] != NULL; i++)
    {
      if (!g_hostname_is_ip_address (bind[i]))
        {
          g_set_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG,
                       "bind address “%s” is not an IP address (for example 127.0.0.1 or ::1)",
                       bind[i]);
          return FALSE;
        }
    }

  return TRUE;
}

/* A whole number in [min, max], from the command line or the key file. */
static gboolean
check_count (const char  *what,
             gint64       value,
             gint64       min,
             gint64       max,
             const char  *hint,
             GError     **error)
{
  if (value < min || value > max)
    {
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG,
                   "%s %" G_GINT64_FORMAT " is out of range: use %" G_GINT64_FORMAT " to %"
                   G_GINT64_FORMAT "%s", what, value, min, max, hint);
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_rate_limit (double   rate_limit,
                  GError **error)
{
  if (!isfinite (rate_limit) || rate_limit < 0 || rate_limit > SEYE_AGENT_MAX_RATE_LIMIT)
    {
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG,
                   "rate-limit %g is out of range: use 0 (no limit) to %g requests a second",
                   rate_limit, SEYE_AGENT_MAX_RATE_LIMIT);
      return FALSE;
    }

  return TRUE;
}

static gboolean
parse_auth (const char     *text,
            SeyeAgentAuth  *auth,
            GError        **error)
{
  if (g_strcmp0 (text, "none") == 0)
    *auth = SEYE_AGENT_AUTH_NONE;
  else if (g_strcmp0 (text, "token") == 0)
    *auth = SEYE_AGENT_AUTH_TOKEN;
  else
    {
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG,
                   "auth “%s” is not known: use none or token", text);
      return FALSE;
    }

  return TRUE;
}

static gboolean
parse_access (const char       *key,
              const char       *text,
              gboolean          allow_off,
              SeyeAgentAccess  *access,
              GError          **error)
{
  if (!seye_agent_access_from_string (text, allow_off, access))
    {
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG,
                   "%s “%s” is not known: use open, token or loopback%s",
                   key, text, allow_off ? " (or off)" : "");
      return FALSE;
    }

  return TRUE;
}

/* Defaults that follow other settings, and settings that need one another. */
static gboolean
resolve_access (SeyeAgentConfig  *self,
                GError          **error)
{
  SeyeAgentAccess follow = self->auth == SEYE_AGENT_AUTH_TOKEN ? SEYE_AGENT_ACCESS_TOKEN
                                                               : SEYE_AGENT_ACCESS_OPEN;

  if (self->api_access == SEYE_AGENT_ACCESS_DEFAULT)
    self->api_access = follow;
  if (self->metrics_access == SEYE_AGENT_ACCESS_DEFAULT)
    self->metrics_access = follow;

  if (self->auth != SEYE_AGENT_AUTH_TOKEN &&
      (self->api_access == SEYE_AGENT_ACCESS_TOKEN || self->metrics_access == SEYE_AGENT_ACCESS_TOKEN))
    {
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG,
                   "%s=token needs a token: turn it on with --auth=token (auth=token)",
                   self->api_access == SEYE_AGENT_ACCESS_TOKEN ? "api-access" : "metrics-access");
      return FALSE;
    }

  if ((self->tls_certificate == NULL) != (self->tls_key == NULL))
    {
      g_set_error_literal (error, SEYE_ERROR, SEYE_ERROR_CONFIG,
                           "tls-certificate and tls-key go together: give both, or neither for a "
                           "certificate made by the agent");
      return FALSE;
    }

  if (self->tls_certificate != NULL && !self->tls)
    {
      g_set_error_literal (error, SEYE_ERROR, SEYE_ERROR_CONFIG,
                           "a TLS certificate is given but TLS is off: add --tls (tls=true)");
      return FALSE;
    }

  if (self->state_dir == NULL)
    self->state_dir = seye_agent_default_state_dir ();
  if (self->state_dir[0] == '\0' ||
      (self->tls_certificate != NULL && self->tls_certificate[0] == '\0') ||
      (self->tls_key != NULL && self->tls_key[0] == '\0'))
    {
      g_set_error_literal (error, SEYE_ERROR, SEYE_ERROR_CONFIG,
                           "an empty path was given for state-dir, tls-certificate or tls-key");
      return FALSE;
    }

  return TRUE;
}

/* The limits as guint fields, so the key file and the options share one table. */
static const struct {
  const char *key;
  gsize       offset;
  gint64      min;
  gint64      max;
  const char *hint;
} counts[] = {
  { "max-connections", G_STRUCT_OFFSET (SeyeAgentConfig, max_connections),
    SEYE_AGENT_MIN_CONNECTIONS, SEYE_AGENT_MAX_CONNECTIONS, " connections" },
  { "idle-timeout", G_STRUCT_OFFSET (SeyeAgentConfig, idle_timeout),
    0, SEYE_AGENT_MAX_IDLE_TIMEOUT, " seconds (0: never)" },
  { "max-header-size", G_STRUCT_OFFSET (SeyeAgentConfig, max_header_size),
    SEYE_AGENT_MIN_HEADER_SIZE, SEYE_AGENT_MAX_HEADER_SIZE, " bytes" },
  { "rate-burst", G_STRUCT_OFFSET (SeyeAgentConfig, rate_burst),
    1, SEYE_AGENT_MAX_RATE_BURST, " requests" },
};

static gboolean
set_count (SeyeAgentConfig  *self,
           guint             i,
           gint64            value,
           GError          **error)
{
  if (!check_count (counts[i].key, value, counts[i].min, counts[i].max, counts[i].hint, error))
    return FALSE;

  G_STRUCT_MEMBER (guint, self, counts[i].offset) = (guint) value;

  return TRUE;
}

/* "a,b" and repeated options both give a list. */
static GStrv
split_list (GStrv values)
{
  g_autoptr (GPtrArray) out = g_ptr_array_new ();

  for (guint i = 0; values != NULL && values[i] != NULL; i++)
    {
      g_auto (GStrv) parts = g_strsplit (values[i], ",", -1);

      for (guint j = 0; parts[j] != NULL; j++)
        {
          char *part = g_strstrip (parts[j]);

          if (part[0] != '\0')
            g_ptr_array_add (out, g_strdup (part));
        }
    }

  if (out->len == 0)
    return NULL;

  g_ptr_array_add (out, NULL);

  return (GStrv) g_ptr_array_free (g_steal_pointer (&out), FALSE);
}

static gboolean
load_key_file (SeyeAgentConfig  *self,
               const char       *path,
               gboolean          must_exist,
               GError          **error)
{
  g_autoptr (GKeyFile) key_file = g_key_file_new ();
  g_autoptr (GError) local_error = NULL;

  if (!g_key_file_load_from_file (key_file, path, G_KEY_FILE_NONE, &local_error))
    {
      if (!must_exist && g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return TRUE;

      g_set_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG,
                   "cannot read the configuration file %s: %s", path, local_error->message);
      return FALSE;
    }

  g_free (self->config_path);
  self->config_path = g_strdup (path);

#define KEY_ERROR(key) \
  G_STMT_START { \
    g_set_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG, "%s: [" GROUP "] %s: %s", \
                 path, key, local_error->message); \
    return FALSE; \
  } G_STMT_END

  if (g_key_file_has_key (key_file, GROUP, "port", NULL))
    {
      gint64 port = g_key_file_get_int64 (key_file, GROUP, "port", &local_error);

      if (local_error != NULL)
        KEY_ERROR ("port");
      if (!check_port (port, error))
        return FALSE;
      self->port = (guint) port;
    }

  if (g_key_file_has_key (key_file, GROUP, "interval", NULL))
    {
      double interval = g_key_file_get_double (key_file, GROUP, "interval", &local_error);

      if (local_error != NULL)
        KEY_ERROR ("interval");
      self->interval = interval;
    }

  if (g_key_file_has_key (key_file, GROUP, "mdns", NULL))
    {
      gboolean mdns = g_key_file_get_boolean (key_file, GROUP, "mdns", &local_error);

      if (local_error != NULL)
        KEY_ERROR ("mdns");
      self->mdns = mdns;
    }

  if (g_key_file_has_key (key_file, GROUP, "bind", NULL))
    {
      g_auto (GStrv) bind = g_key_file_get_string_list (key_file, GROUP, "bind", NULL, &local_error);

      if (local_error != NULL)
        KEY_ERROR ("bind");
      g_strfreev (self->bind);
      self->bind = split_list (bind);
    }

  if (g_key_file_has_key (key_file, GROUP, "name", NULL))
    {
      g_free (self->name);
      self->name = g_key_file_get_string (key_file, GROUP, "name", &local_error);
      if (local_error != NULL)
        KEY_ERROR ("name");
    }

  if (g_key_file_has_key (key_file, GROUP, "node-id", NULL))
    {
      g_free (self->node_id);
      self->node_id = g_key_file_get_string (key_file, GROUP, "node-id", &local_error);
      if (local_error != NULL)
        KEY_ERROR ("node-id");
    }

  for (guint i = 0; i < G_N_ELEMENTS (counts); i++)
    {
      if (g_key_file_has_key (key_file, GROUP, counts[i].key, NULL))
        {
          gint64 value = g_key_file_get_int64 (key_file, GROUP, counts[i].key, &local_error);

          if (local_error != NULL)
            KEY_ERROR (counts[i].key);
          if (!set_count (self, i, value, &local_error))
            KEY_ERROR (counts[i].key);
        }
    }

  if (g_key_file_has_key (key_file, GROUP, "rate-limit", NULL))
    {
      double rate_limit = g_key_file_get_double (key_file, GROUP, "rate-limit", &local_error);

      if (local_error != NULL)
        KEY_ERROR ("rate-limit");
      if (!check_rate_limit (rate_limit, &local_error))
        KEY_ERROR ("rate-limit");
      self->rate_limit = rate_limit;
    }

  if (g_key_file_has_key (key_file, GROUP, "auth", NULL))
    {
      g_autofree char *auth = g_key_file_get_string (key_file, GROUP, "auth", &local_error);

      if (local_error != NULL || !parse_auth (auth, &self->auth, &local_error))
        KEY_ERROR ("auth");
    }

  if (g_key_file_has_key (key_file, GROUP, "api-access", NULL))
    {
      g_autofree char *access = g_key_file_get_string (key_file, GROUP, "api-access", &local_error);

      if (local_error != NULL ||
          !parse_access ("api-access", access, FALSE, &self->api_access, &local_error))
        KEY_ERROR ("api-access");
    }

  if (g_key_file_has_key (key_file, GROUP, "metrics-access", NULL))
    {
      g_autofree char *access = g_key_file_get_string (key_file, GROUP, "metrics-access", &local_error);

      if (local_error != NULL ||
          !parse_access ("metrics-access", access, TRUE, &self->metrics_access, &local_error))
        KEY_ERROR ("metrics-access");
    }

  if (g_key_file_has_key (key_file, GROUP, "tls", NULL))
    {
      gboolean tls = g_key_file_get_boolean (key_file, GROUP, "tls", &local_error);

      if (local_error != NULL)
        KEY_ERROR ("tls");
      self->tls = tls;
    }

  {
    static const struct {
      const char *key;
      gsize       offset;
    } paths[] = {
      { "state-dir", G_STRUCT_OFFSET (SeyeAgentConfig, state_dir) },
      { "tls-certificate", G_STRUCT_OFFSET (SeyeAgentConfig, tls_certificate) },
      { "tls-key", G_STRUCT_OFFSET (SeyeAgentConfig, tls_key) },
    };

    for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
      {
        char **field = &G_STRUCT_MEMBER (char *, self, paths[i].offset);
        g_autofree char *value = NULL;

        if (!g_key_file_has_key (key_file, GROUP, paths[i].key, NULL))
          continue;
        value = g_key_file_get_string (key_file, GROUP, paths[i].key, &local_error);
        if (local_error != NULL)
          KEY_ERROR (paths[i].key);
        if (value[0] == '\0')
          {
            g_set_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG,
                         "%s: [" GROUP "] %s is empty: give a path, or leave the key out",
                         path, paths[i].key);
            return FALSE;
          }
        g_free (*field);
        *field = g_steal_pointer (&value);
      }
  }

#undef KEY_ERROR

  return TRUE;
}

/**
 * seye_agent_config_parse_args:
 *
 * Reads the key file (--config, else the default one when it exists), then
 * lets the command line override it, then checks every value.
 */
gboolean
seye_agent_config_parse_args (SeyeAgentConfig   *self,
                              int               *argc,
                              char            ***argv,
                              gboolean          *show_version,
                              GError           **error)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autofree char *config = NULL;
  g_autofree char *name = NULL;
  g_autofree char *node_id = NULL;
  g_autofree char *root = NULL;
  g_auto (GStrv) bind = NULL;
  gint64 port = -1;
  double interval = -1.0;
  gboolean no_mdns = FALSE;
  g_autofree char *port_text = NULL;
  g_autofree char *interval_text = NULL;
  g_autofree char *rate_limit_text = NULL;
  g_autofree char *max_connections_text = NULL;
  g_autofree char *idle_timeout_text = NULL;
  g_autofree char *max_header_size_text = NULL;
  g_autofree char *rate_burst_text = NULL;
  g_autofree char *auth_text = NULL;
  g_autofree char *api_access_text = NULL;
  g_autofree char *metrics_access_text = NULL;
  g_autofree char *state_dir = NULL;
  g_autofree char *tls_certificate = NULL;
  g_autofree char *tls_key = NULL;
  gboolean tls = FALSE;
  const GOptionEntry entries[] = {
    { "port", 'p', 0, G_OPTION_ARG_STRING, &port_text,
      "TCP port to serve on (default " G_STRINGIFY (SEYE_DEFAULT_PORT) "; 0 picks a free one)", "PORT" },
    { "bind", 'b', 0, G_OPTION_ARG_STRING_ARRAY, &bind,
      "Listen only on this address (repeat or separate with commas; default: all)", "ADDRESS" },
    { "interval", 'i', 0, G_OPTION_ARG_STRING, &interval_text,
      "Seconds between samples, 0.25 to 60 (default 1)", "SECONDS" },
    { "name", 'n', 0, G_OPTION_ARG_STRING, &name,
      "Name to announce (default: the hostname)", "NAME" },
    { "node-id", 0, 0, G_OPTION_ARG_STRING, &node_id,
      "Node id, 32 hex digits (default: derived from /etc/machine-id)", "ID" },
    { "no-mdns", 0, 0, G_OPTION_ARG_NONE, &no_mdns,
      "Do not announce the agent over mDNS", NULL },
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &config,
      "Read settings from this key file (default " DEFAULT_CONFIG_PATH " if it exists)", "FILE" },
    { "root", 0, 0, G_OPTION_ARG_FILENAME, &root,
      "Read /proc, /sys and /etc under this directory (default /)", "DIR" },
    { "max-connections", 0, 0, G_OPTION_ARG_STRING, &max_connections_text,
      "Connections served at once (default " G_STRINGIFY (SEYE_AGENT_DEFAULT_MAX_CONNECTIONS)
      "); past it the address holding the most loses its least recently active one", "N" },
    { "idle-timeout", 0, 0, G_OPTION_ARG_STRING, &idle_timeout_text,
      "Close a connection after this many seconds without a request (default "
      G_STRINGIFY (SEYE_AGENT_DEFAULT_IDLE_TIMEOUT) "; 0: never)", "SECONDS" },
    { "max-header-size", 0, 0, G_OPTION_ARG_STRING, &max_header_size_text,
      "Largest request line and headers, 1024 to 65536 bytes (default "
      G_STRINGIFY (SEYE_AGENT_DEFAULT_MAX_HEADER_SIZE) ")", "BYTES" },
    { "rate-limit", 0, 0, G_OPTION_ARG_STRING, &rate_limit_text,
      "Requests a second from one client address before it gets 429 (default 50; 0: no limit)",
      "N" },
    { "rate-burst", 0, 0, G_OPTION_ARG_STRING, &rate_burst_text,
      "Requests one client address may make at once above the rate (default "
      G_STRINGIFY (SEYE_AGENT_DEFAULT_RATE_BURST) ")", "N" },
    { "auth", 0, 0, G_OPTION_ARG_STRING, &auth_text,
      "none: anyone who can connect may read this node (default); token: clients must send "
      "the token made on first start in the state directory", "none|token" },
    { "api-access", 0, 0, G_OPTION_ARG_STRING, &api_access_text,
      "Who may read the JSON API (/v1/...): open, token or loopback (default: token with "
      "--auth=token, else open)", "ACCESS" },
    { "metrics-access", 0, 0, G_OPTION_ARG_STRING, &metrics_access_text,
      "Who may read /metrics: open, token, loopback or off (default: as the JSON API)", "ACCESS" },
    { "state-dir", 0, 0, G_OPTION_ARG_FILENAME, &state_dir,
      "Where the token and a generated certificate are kept (default: $STATE_DIRECTORY, else "
      "/var/lib/sorcerers-eye-agent as root, else ~/.local/state/sorcerers-eye-agent)", "DIR" },
    { "tls", 0, 0, G_OPTION_ARG_NONE, &tls,
      "Serve HTTPS only, with a certificate made on first start unless one is given", NULL },
    { "tls-certificate", 0, 0, G_OPTION_ARG_FILENAME, &tls_certificate,
      "The certificate (PEM) to serve HTTPS with, instead of a generated one", "FILE" },
    { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &tls_key,
      "The private key (PEM) of --tls-certificate", "FILE" },
    { "pairing-info", 0, 0, G_OPTION_ARG_NONE, &self->pairing_info,
      "Print what the app needs to pair with this agent (address, token, certificate "
      "fingerprint) and exit", NULL },
    { "version", 'V', 0, G_OPTION_ARG_NONE, show_version,
      "Print the version and exit", NULL },
    { NULL }
  };
  const char *count_texts[G_N_ELEMENTS (counts)];

  context = g_option_context_new ("- serve this machine's metrics to Sorcerer's Eye");
  g_option_context_set_summary (context,
    "Samples CPU, memory, load, processes, network and disk from /proc and serves them\n"
    "as JSON (/v1/node, /v1/metrics, /v1/history) and Prometheus text (/metrics).\n"
    "Announces itself over mDNS as " "_sorcerers-eye._tcp" ".");
  g_option_context_set_description (context,
    "Command-line values override those of the configuration file, whose keys are\n"
    "port, bind, interval, name, node-id, mdns, max-connections, idle-timeout,\n"
    "max-header-size, rate-limit, rate-burst, auth, api-access, metrics-access,\n"
    "state-dir, tls, tls-certificate and tls-key in the [agent] group.\n"
    "A client without the right token gets 401, one off loopback 403 (loopback).\n"
    "Past a limit a client is answered 429 (rate), 431 (headers), 413 (a body) or\n"
    "503 (every connection busy), or its connection is closed; sampling goes on.\n"
    "Send SIGTERM or SIGINT to withdraw the mDNS record and stop.");
  g_option_context_add_main_entries (context, entries, NULL);

  if (!g_option_context_parse (context, argc, argv, &local_error))
    {
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG, "%s (see --help)", local_error->message);
      return FALSE;
    }

  if (*argc > 1)
    {
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG,
                   "unexpected argument “%s” (see --help)", (*argv)[1]);
      return FALSE;
    }

  if (*show_version)
    return TRUE;

  if (!load_key_file (self, config ? config : DEFAULT_CONFIG_PATH, config != NULL, error))
    return FALSE;

  if (port_text != NULL)
    {
      if (!g_ascii_string_to_signed (port_text, 10, G_MININT64, G_MAXINT64, &port, NULL))
        {
          g_set_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG,
                       "port “%s” is not a number: use 1 to 65535", port_text);
          return FALSE;
        }
      if (!check_port (port, error))
        return FALSE;
      self->port = (guint) port;
    }

  if (interval_text != NULL)
    {
      char *end = NULL;

      interval = g_ascii_strtod (interval_text, &end);
      if (end == interval_text || *end != '\0')
        {
          g_set_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG,
                       "interval “%s” is not a number of seconds", interval_text);
          return FALSE;
        }
      self->interval = interval;
    }

  /* In the order of counts[]. */
  count_texts[0] = max_connections_text;
  count_texts[1] = idle_timeout_text;
  count_texts[2] = max_header_size_text;
  count_texts[3] = rate_burst_text;
  for (guint i = 0; i < G_N_ELEMENTS (counts); i++)
    {
      gint64 value;

      if (count_texts[i] == NULL)
        continue;
      if (!g_ascii_string_to_signed (count_texts[i], 10, G_MININT64, G_MAXINT64, &value, NULL))
        {
          g_set_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG,
                       "%s “%s” is not a whole number (see --help)", counts[i].key, count_texts[i]);
          return FALSE;
        }
      if (!set_count (self, i, value, error))
        return FALSE;
    }

  if (rate_limit_text != NULL)
    {
      char *end = NULL;
      double rate_limit = g_ascii_strtod (rate_limit_text, &end);

      if (end == rate_limit_text || *end != '\0')
        {
          g_set_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG,
                       "rate-limit “%s” is not a number of requests a second", rate_limit_text);
          return FALSE;
        }
      if (!check_rate_limit (rate_limit, error))
        return FALSE;
      self->rate_limit = rate_limit;
    }

  if (bind != NULL)
    {
      g_strfreev (self->bind);
      self->bind = split_list (bind);
    }
  if (name != NULL)
    {
      g_free (self->name);
      self->name = g_steal_pointer (&name);
    }
  if (node_id != NULL)
    {
      g_free (self->node_id);
      self->node_id = g_steal_pointer (&node_id);
    }
  if (root != NULL)
    {
      g_free (self->root);
      self->root = g_steal_pointer (&root);
    }
  if (no_mdns)
    self->mdns = FALSE;

  if (auth_text != NULL && !parse_auth (auth_text, &self->auth, error))
    return FALSE;
  if (api_access_text != NULL &&
      !parse_access ("api-access", api_access_text, FALSE, &self->api_access, error))
    return FALSE;
  if (metrics_access_text != NULL &&
      !parse_access ("metrics-access", metrics_access_text, TRUE, &self->metrics_access, error))
    return FALSE;
  if (tls)
    self->tls = TRUE;
  if (state_dir != NULL)
    {
      g_free (self->state_dir);
      self->state_dir = g_steal_pointer (&state_dir);
    }
  if (tls_certificate != NULL)
    {
      g_free (self->tls_certificate);
      self->tls_certificate = g_steal_pointer (&tls_certificate);
    }
  if (tls_key != NULL)
    {
      g_free (self->tls_key);
      self->tls_key = g_steal_pointer (&tls_key);
    }

  if (self->node_id != NULL)
    {
      char *lower = g_ascii_strdown (self->node_id, -1);

      g_free (self->node_id);
      self->node_id = lower;
    }

  return check_interval (self->interval, error) &&
         check_name (self->name, error) &&
         check_node_id (self->node_id, error) &&
         check_bind (self->bind, error) &&
         resolve_access (self, error);
}
