/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-agent"

#include "config.h"

#include <gio/gio.h>
#include <math.h>

#include "seye-agent-actions.h"
#include "seye-agent-config.h"
#include "seye-agent-config-private.h"
#include "seye-error.h"
#include "seye-node-id.h"

#define DEFAULT_CONFIG_PATH SYSCONFDIR "/sorcerers-eye/agent.conf"
#define GROUP               "agent"
#define NO_FIELD            G_MAXSIZE
#define WRAP                80     /* columns of the --help description */

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

/* Every setting, once: the key file reader, the command-line options, --help
 * and the checks are all made from this table. */

typedef enum
{
  SETTING_WHOLE,    /* guint; errors say it as a whole number */
  SETTING_NUMBER,   /* double */
  SETTING_FLAG,     /* gboolean; an option without a value */
  SETTING_TEXT,     /* char *, UTF-8 */
  SETTING_PATH,     /* char *, a file name; an empty one in the key file is an error */
  SETTING_LIST,     /* GStrv; "a,b" and repeated options both give a list */
  SETTING_CHOICE,   /* an enum, from one of the names parse() knows */
} SettingType;

typedef enum
{
  SETTING_CHECK_LAST = 1 << 0,  /* checked once both sources are read: an option may mend the key */
  SETTING_PLAIN      = 1 << 1,  /* out of range in the key file, the error does not name the file */
  SETTING_NEGATED    = 1 << 2,  /* the option turns off what the key turns on (--no-mdns, mdns=) */
  SETTING_LOWER      = 1 << 3,  /* kept in lower case */
} SettingFlags;

typedef struct
{
  const char    *key;          /* in the [agent] group; NULL: command line only */
  const char    *option;       /* the long option */
  char           short_name;
  SettingType    type;
  SettingFlags   flags;
  gsize          offset;       /* in SeyeAgentConfig; NO_FIELD: parse_args reads it itself */

  /* Numbers: the range, and how an error says it: "KEY VALUE UNIT is out of
   * range: use LOW to MAX HINT"; "KEY “TEXT” is not NOT_A" for an option's
   * value that is no number. */
  double         min, max;
  const char    *low;          /* the lower bound as errors say it; NULL: min */
  const char    *unit;
  const char    *hint;
  const char    *not_a;
  double         def;          /* the default of a number or a flag */
  const char    *def_text;     /* the default of a text or a path */

  gboolean     (*parse) (const char *text,
                         int        *value);   /* choices */
  const char    *known;                        /* the choices as errors list them */
  gboolean     (*check) (gconstpointer   field,
                         GError        **error);  /* texts and lists */

  const char    *help;
  const char    *arg;
} Setting;

#define FIELD(s) G_STRUCT_OFFSET (SeyeAgentConfig, s)

static const Setting settings[] = {
  { "port", "port", 'p', SETTING_WHOLE, SETTING_PLAIN, FIELD (port),
    .min = 0, .max = 65535, .low = "1", .unit = "", .hint = " (0 picks a free port)",
    .not_a = "a number: use 1 to 65535", .def = SEYE_DEFAULT_PORT,
    .help = "TCP port to serve on (default " G_STRINGIFY (SEYE_DEFAULT_PORT) "; 0 picks a free one)",
    .arg = "PORT" },
  { "bind", "bind", 'b', SETTING_LIST, SETTING_CHECK_LAST, FIELD (bind),
    .check = _seye_agent_config_check_bind,
    .help = "Listen only on this address (repeat or separate with commas; default: all)",
    .arg = "ADDRESS" },
  { "interval", "interval", 'i', SETTING_NUMBER, SETTING_CHECK_LAST, FIELD (interval),
    .min = SEYE_AGENT_MIN_INTERVAL, .max = SEYE_AGENT_MAX_INTERVAL, .unit = " s",
    .hint = " seconds", .not_a = "a number of seconds", .def = 1.0,
    .help = "Seconds between samples, 0.25 to 60 (default 1)", .arg = "SECONDS" },
  { "name", "name", 'n', SETTING_TEXT, SETTING_CHECK_LAST, FIELD (name),
    .check = _seye_agent_config_check_name,
    .help = "Name to announce (default: the hostname)", .arg = "NAME" },
  { "tags", "tags", 't', SETTING_LIST, SETTING_CHECK_LAST, FIELD (tags),
    .check = _seye_agent_config_check_tags,
    .help = "Tags to announce, for clients to group and filter by (repeat or separate with "
            "commas, e.g. web,eu-1; each 1 to 32 of a-z, 0-9, -, _ and .)",
    .arg = "TAGS" },
  { "node-id", "node-id", 0, SETTING_TEXT, SETTING_CHECK_LAST | SETTING_LOWER, FIELD (node_id),
    .check = _seye_agent_config_check_node_id,
    .help = "Node id, 32 hex digits (default: derived from /etc/machine-id)", .arg = "ID" },
  { "mdns", "no-mdns", 0, SETTING_FLAG, SETTING_NEGATED, FIELD (mdns),
    .def = TRUE,
    .help = "Do not announce the agent over mDNS" },
  { NULL, "config", 'c', SETTING_PATH, 0, NO_FIELD,
    .help = "Read settings from this key file (default " DEFAULT_CONFIG_PATH " if it exists)",
    .arg = "FILE" },
  { NULL, "root", 0, SETTING_PATH, 0, FIELD (root),
    .def_text = "/",
    .help = "Read /proc, /sys and /etc under this directory (default /)", .arg = "DIR" },
  { "max-connections", "max-connections", 0, SETTING_WHOLE, 0, FIELD (max_connections),
    .min = SEYE_AGENT_MIN_CONNECTIONS, .max = SEYE_AGENT_MAX_CONNECTIONS, .unit = "",
    .hint = " connections", .not_a = "a whole number (see --help)",
    .def = SEYE_AGENT_DEFAULT_MAX_CONNECTIONS,
    .help = "Connections served at once (default " G_STRINGIFY (SEYE_AGENT_DEFAULT_MAX_CONNECTIONS)
            "); past it the address holding the most loses its least recently active one",
    .arg = "N" },
  { "idle-timeout", "idle-timeout", 0, SETTING_WHOLE, 0, FIELD (idle_timeout),
    .min = 0, .max = SEYE_AGENT_MAX_IDLE_TIMEOUT, .unit = "", .hint = " seconds (0: never)",
    .not_a = "a whole number (see --help)", .def = SEYE_AGENT_DEFAULT_IDLE_TIMEOUT,
    .help = "Close a connection after this many seconds without a request (default "
            G_STRINGIFY (SEYE_AGENT_DEFAULT_IDLE_TIMEOUT) "; 0: never)",
    .arg = "SECONDS" },
  { "max-header-size", "max-header-size", 0, SETTING_WHOLE, 0, FIELD (max_header_size),
    .min = SEYE_AGENT_MIN_HEADER_SIZE, .max = SEYE_AGENT_MAX_HEADER_SIZE, .unit = "",
    .hint = " bytes", .not_a = "a whole number (see --help)",
    .def = SEYE_AGENT_DEFAULT_MAX_HEADER_SIZE,
    .help = "Largest request line and headers, 1024 to 65536 bytes (default "
            G_STRINGIFY (SEYE_AGENT_DEFAULT_MAX_HEADER_SIZE) ")",
    .arg = "BYTES" },
  { "rate-limit", "rate-limit", 0, SETTING_NUMBER, 0, FIELD (rate_limit),
    .min = 0, .max = SEYE_AGENT_MAX_RATE_LIMIT, .low = "0 (no limit)", .unit = "",
    .hint = " requests a second", .not_a = "a number of requests a second",
    .def = SEYE_AGENT_DEFAULT_RATE_LIMIT,
    .help = "Requests a second from one client address before it gets 429 (default 50; 0: no limit)",
    .arg = "N" },
  { "rate-burst", "rate-burst", 0, SETTING_WHOLE, 0, FIELD (rate_burst),
    .min = 1, .max = SEYE_AGENT_MAX_RATE_BURST, .unit = "", .hint = " requests",
    .not_a = "a whole number (see --help)", .def = SEYE_AGENT_DEFAULT_RATE_BURST,
    .help = "Requests one client address may make at once above the rate (default "
            G_STRINGIFY (SEYE_AGENT_DEFAULT_RATE_BURST) ")",
    .arg = "N" },
  { "auth", "auth", 0, SETTING_CHOICE, 0, FIELD (auth),
    .parse = _seye_agent_config_parse_auth, .known = "none or token",
    .help = "none: anyone who can connect may read this node (default); token: clients must send "
            "the token made on first start in the state directory",
    .arg = "none|token" },
  { "api-access", "api-access", 0, SETTING_CHOICE, 0, FIELD (api_access),
    .parse = _seye_agent_config_parse_api_access, .known = "open, token or loopback",
    .help = "Who may read the JSON API (/v1/...): open, token or loopback (default: token with "
            "--auth=token, else open)",
    .arg = "ACCESS" },
  { "metrics-access", "metrics-access", 0, SETTING_CHOICE, 0, FIELD (metrics_access),
    .parse = _seye_agent_config_parse_metrics_access, .known = "open, token or loopback (or off)",
    .help = "Who may read /metrics: open, token, loopback or off (default: as the JSON API)",
    .arg = "ACCESS" },
  { "state-dir", "state-dir", 0, SETTING_PATH, 0, FIELD (state_dir),
    .help = "Where the token and a generated certificate are kept (default: $STATE_DIRECTORY, else "
            "/var/lib/sorcerers-eye-agent as root, else ~/.local/state/sorcerers-eye-agent)",
    .arg = "DIR" },
  { "tls", "tls", 0, SETTING_FLAG, 0, FIELD (tls),
    .help = "Serve HTTPS only, with a certificate made on first start unless one is given" },
  { "tls-certificate", "tls-certificate", 0, SETTING_PATH, 0, FIELD (tls_certificate),
    .help = "The certificate (PEM) to serve HTTPS with, instead of a generated one", .arg = "FILE" },
  { "tls-key", "tls-key", 0, SETTING_PATH, 0, FIELD (tls_key),
    .help = "The private key (PEM) of --tls-certificate", .arg = "FILE" },
  { "process-args", "process-args", 0, SETTING_FLAG, 0, FIELD (process_args),
    .help = "Show each process's command line in /v1/processes, to token or loopback clients only" },
  { NULL, "pairing-info", 0, SETTING_FLAG, 0, FIELD (pairing_info),
    .help = "Print what the app needs to pair with this agent (address, token, certificate "
            "fingerprint) and exit" },
};

#undef FIELD

#define N_SETTINGS G_N_ELEMENTS (settings)

/* What errors call a setting. */
static const char *
setting_name (const Setting *s)
{
  return s->key != NULL ? s->key : s->option;
}

static gpointer
setting_field (SeyeAgentConfig *self,
               const Setting   *s)
{
  return G_STRUCT_MEMBER_P (self, s->offset);
}

SeyeAgentConfig *
seye_agent_config_new (void)
{
  SeyeAgentConfig *self = g_new0 (SeyeAgentConfig, 1);

  for (guint i = 0; i < N_SETTINGS; i++)
    {
      const Setting *s = &settings[i];

      if (s->offset == NO_FIELD)
        continue;
      if (s->type == SETTING_WHOLE)
        *(guint *) setting_field (self, s) = (guint) s->def;
      else if (s->type == SETTING_NUMBER)
        *(double *) setting_field (self, s) = s->def;
      else if (s->type == SETTING_FLAG)
        *(gboolean *) setting_field (self, s) = s->def != 0;
      else if (s->def_text != NULL)
        *(char **) setting_field (self, s) = g_strdup (s->def_text);
    }

  return self;
}

void
seye_agent_config_free (SeyeAgentConfig *self)
{
  if (self == NULL)
    return;

  g_strfreev (self->bind);
  g_strfreev (self->tags);
  g_free (self->name);
  g_free (self->node_id);
  g_free (self->root);
  g_free (self->config_path);
  g_free (self->state_dir);
  g_free (self->tls_certificate);
  g_free (self->tls_key);
  g_clear_pointer (&self->actions, g_ptr_array_unref);
  g_free (self);
}

/* Checks -------------------------------------------------------------------- */

static gboolean
out_of_range (const Setting  *s,
              const char     *value,
              const char     *max,
              GError        **error)
{
  g_autofree char *min = s->low != NULL ? g_strdup (s->low) : NULL;

  if (min == NULL)
    min = s->type == SETTING_WHOLE ? g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) s->min)
                                   : g_strdup_printf ("%g", s->min);
  g_set_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG, "%s %s%s is out of range: use %s to %s%s",
               setting_name (s), value, s->unit, min, max, s->hint);

  return FALSE;
}

static gboolean
check_whole (const Setting  *s,
             gint64          value,
             GError        **error)
{
  g_autofree char *text = NULL;
  g_autofree char *max = NULL;

  if (value >= (gint64) s->min && value <= (gint64) s->max)
    return TRUE;

  text = g_strdup_printf ("%" G_GINT64_FORMAT, value);
  max = g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) s->max);

  return out_of_range (s, text, max, error);
}

static gboolean
check_number (const Setting  *s,
              double          value,
              GError        **error)
{
  g_autofree char *text = NULL;
  g_autofree char *max = NULL;

  if (isfinite (value) && value >= s->min && value <= s->max)
    return TRUE;

  text = g_strdup_printf ("%g", value);
  max = g_strdup_printf ("%g", s->max);

  return out_of_range (s, text, max, error);
}

/* The checks of the settings checked last, once both sources are read. */
static gboolean
check_last (SeyeAgentConfig  *self,
            GError          **error)
{
  for (guint i = 0; i < N_SETTINGS; i++)
    {
      const Setting *s = &settings[i];

      if (!(s->flags & SETTING_CHECK_LAST))
        continue;
      if (s->type == SETTING_NUMBER &&
          !check_number (s, *(double *) setting_field (self, s), error))
        return FALSE;
      if (s->check != NULL && !s->check (setting_field (self, s), error))
        return FALSE;
    }

  return TRUE;
}

/* Setting a value, from either source --------------------------------------- */

/* A whole number is checked as it is set; a number, unless it is checked last. */
static gboolean
set_whole (SeyeAgentConfig  *self,
           const Setting    *s,
           gint64            value,
           GError          **error)
{
  if (!check_whole (s, value, error))
    return FALSE;

  *(guint *) setting_field (self, s) = (guint) value;

  return TRUE;
}

static gboolean
set_number (SeyeAgentConfig  *self,
            const Setting    *s,
            double            value,
            GError          **error)
{
  if (!(s->flags & SETTING_CHECK_LAST) && !check_number (s, value, error))
    return FALSE;

  *(double *) setting_field (self, s) = value;

  return TRUE;
}

static gboolean
set_choice (SeyeAgentConfig  *self,
            const Setting    *s,
            const char       *text,
            GError          **error)
{
  int value;

  if (!s->parse (text, &value))
    {
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG, "%s “%s” is not known: use %s",
                   setting_name (s), text, s->known);
      return FALSE;
    }

  *(int *) setting_field (self, s) = value;

  return TRUE;
}

static void
set_text (SeyeAgentConfig *self,
          const Setting   *s,
          char            *text)
{
  char **field = setting_field (self, s);

  g_free (*field);
  *field = text;
  if (text != NULL && (s->flags & SETTING_LOWER))
    {
      *field = g_ascii_strdown (text, -1);
      g_free (text);
    }
}

static void
set_list (SeyeAgentConfig *self,
          const Setting   *s,
          GStrv            values)
{
  GStrv *field = setting_field (self, s);

  g_strfreev (*field);
  *field = split_list (values);
}

/* The key file -------------------------------------------------------------- */

/* One key, when the file has it. */
static gboolean
read_key (SeyeAgentConfig  *self,
          const Setting    *s,
          GKeyFile         *key_file,
          const char       *path,
          GError          **error)
{
  g_autoptr (GError) local_error = NULL;
  /* An out-of-range value names the file (through local_error), but for
   * SETTING_PLAIN: then the error is set as it is, and returned at once. */
  GError **check_error = (s->flags & SETTING_PLAIN) ? error : &local_error;

  switch (s->type)
    {
    case SETTING_WHOLE:
      {
        gint64 value = g_key_file_get_int64 (key_file, GROUP, s->key, &local_error);

        if (local_error == NULL && !set_whole (self, s, value, check_error) && check_error == error)
          return FALSE;
      }
      break;

    case SETTING_NUMBER:
      {
        double value = g_key_file_get_double (key_file, GROUP, s->key, &local_error);

        if (local_error == NULL && !set_number (self, s, value, check_error) && check_error == error)
          return FALSE;
      }
      break;

    case SETTING_FLAG:
      {
        gboolean value = g_key_file_get_boolean (key_file, GROUP, s->key, &local_error);

        if (local_error == NULL)
          *(gboolean *) setting_field (self, s) = value;
      }
      break;

    case SETTING_LIST:
      {
        g_auto (GStrv) values = g_key_file_get_string_list (key_file, GROUP, s->key, NULL,
                                                            &local_error);

        if (local_error == NULL)
          set_list (self, s, values);
      }
      break;

    case SETTING_TEXT:
    case SETTING_PATH:
      {
        g_autofree char *value = g_key_file_get_string (key_file, GROUP, s->key, &local_error);

        if (local_error == NULL && s->type == SETTING_PATH && value[0] == '\0')
          {
            g_set_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG,
                         "%s: [" GROUP "] %s is empty: give a path, or leave the key out",
                         path, s->key);
            return FALSE;
          }
        if (local_error == NULL)
          set_text (self, s, g_steal_pointer (&value));
      }
      break;

    case SETTING_CHOICE:
      {
        g_autofree char *value = g_key_file_get_string (key_file, GROUP, s->key, &local_error);

        if (local_error == NULL)
          set_choice (self, s, value, &local_error);
      }
      break;
    }

  if (local_error != NULL)
    {
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG, "%s: [" GROUP "] %s: %s",
                   path, s->key, local_error->message);
      return FALSE;
    }

  return TRUE;
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

  for (guint i = 0; i < N_SETTINGS; i++)
    {
      const Setting *s = &settings[i];

      if (s->key != NULL && g_key_file_has_key (key_file, GROUP, s->key, NULL) &&
          !read_key (self, s, key_file, path, error))
        return FALSE;
    }

  return seye_agent_actions_load (key_file, path, &self->actions, error);
}

/* The command line ---------------------------------------------------------- */

/* What the command line gave for each setting, as GOption stores it. */
typedef union
{
  char     *text;   /* G_OPTION_ARG_STRING, G_OPTION_ARG_FILENAME */
  GStrv     list;   /* G_OPTION_ARG_STRING_ARRAY */
  gboolean  flag;   /* G_OPTION_ARG_NONE */
} Given;

typedef struct
{
  Given value[N_SETTINGS];
} CommandLine;

static void
command_line_clear (CommandLine *given)
{
  for (guint i = 0; i < N_SETTINGS; i++)
    {
      if (settings[i].type == SETTING_LIST)
        g_strfreev (given->value[i].list);
      else if (settings[i].type != SETTING_FLAG)
        g_free (given->value[i].text);
    }
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CommandLine, command_line_clear)

/* The options, in the table's order, then --version. */
static GOptionEntry *
option_entries (CommandLine *given,
                gboolean    *show_version)
{
  GOptionEntry *entries = g_new0 (GOptionEntry, N_SETTINGS + 2);

  for (guint i = 0; i < N_SETTINGS; i++)
    {
      const Setting *s = &settings[i];
      GOptionArg arg = G_OPTION_ARG_STRING;

      if (s->type == SETTING_FLAG)
        arg = G_OPTION_ARG_NONE;
      else if (s->type == SETTING_PATH)
        arg = G_OPTION_ARG_FILENAME;
      else if (s->type == SETTING_LIST)
        arg = G_OPTION_ARG_STRING_ARRAY;

      entries[i] = (GOptionEntry) { s->option, s->short_name, 0, arg, &given->value[i],
                                    s->help, s->arg };
    }
  entries[N_SETTINGS] = (GOptionEntry) { "version", 'V', 0, G_OPTION_ARG_NONE, show_version,
                                         "Print the version and exit", NULL };

  return entries;
}

/* "Command-line values override …": the keys, from the table, as a paragraph. */
static char *
description (void)
{
  g_autoptr (GPtrArray) words = g_ptr_array_new_with_free_func (g_free);
  GString *str = g_string_new ("Command-line values override those of the configuration file, "
                               "whose keys are\n");
  const char *tail[] = { "in", "the", "[" GROUP "]", "group." };
  gsize line_start = str->len;
  guint n_keys = 0, k = 0;

  for (guint i = 0; i < N_SETTINGS; i++)
    n_keys += settings[i].key != NULL;
  for (guint i = 0; i < N_SETTINGS; i++)
    {
      if (settings[i].key == NULL)
        continue;
      k++;
      g_ptr_array_add (words, g_strconcat (settings[i].key, k + 1 < n_keys ? "," : "", NULL));
      if (k + 1 == n_keys)
        g_ptr_array_add (words, g_strdup ("and"));
    }
  for (guint i = 0; i < G_N_ELEMENTS (tail); i++)
    g_ptr_array_add (words, g_strdup (tail[i]));

  for (guint i = 0; i < words->len; i++)
    {
      const char *word = g_ptr_array_index (words, i);

      if (str->len > line_start && str->len - line_start + 1 + strlen (word) > WRAP)
        {
          g_string_append_c (str, '\n');
          line_start = str->len;
        }
      else if (str->len > line_start)
        g_string_append_c (str, ' ');
      g_string_append (str, word);
    }

  g_string_append (str,
    "\nA client without the right token gets 401, one off loopback 403 (loopback).\n"
    "Past a limit a client is answered 429 (rate), 431 (headers), 413 (a body) or\n"
    "503 (every connection busy), or its connection is closed; sampling goes on.\n"
    "Send SIGTERM or SIGINT to withdraw the mDNS record and stop.");

  return g_string_free (str, FALSE);
}

/* One option's value, when the command line gave it. */
static gboolean
apply_option (SeyeAgentConfig  *self,
              const Setting    *s,
              Given            *given,
              GError          **error)
{
  switch (s->type)
    {
    case SETTING_WHOLE:
      {
        gint64 value;

        if (!g_ascii_string_to_signed (given->text, 10, G_MININT64, G_MAXINT64, &value, NULL))
          break;
        return set_whole (self, s, value, error);
      }

    case SETTING_NUMBER:
      {
        char *end = NULL;
        double value = g_ascii_strtod (given->text, &end);

        if (end == given->text || *end != '\0')
          break;
        return set_number (self, s, value, error);
      }

    case SETTING_FLAG:
      *(gboolean *) setting_field (self, s) = !(s->flags & SETTING_NEGATED);
      return TRUE;

    case SETTING_LIST:
      set_list (self, s, given->list);
      return TRUE;

    case SETTING_TEXT:
    case SETTING_PATH:
      set_text (self, s, g_steal_pointer (&given->text));
      return TRUE;

    case SETTING_CHOICE:
      return set_choice (self, s, given->text, error);
    }

  g_set_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG, "%s “%s” is not %s",
               setting_name (s), given->text, s->not_a);

  return FALSE;
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
  g_auto (CommandLine) given = { 0 };
  g_autofree GOptionEntry *entries = option_entries (&given, show_version);
  g_autofree char *text = description ();
  const char *config = NULL;

  context = g_option_context_new ("- serve this machine's metrics to Sorcerer's Eye");
  g_option_context_set_summary (context,
    "Samples CPU, memory, load, processes, network and disk from /proc and serves them\n"
    "as JSON (/v1/node, /v1/metrics, /v1/history) and Prometheus text (/metrics).\n"
    "Announces itself over mDNS as " "_sorcerers-eye._tcp" ".");
  g_option_context_set_description (context, text);
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

  for (guint i = 0; i < N_SETTINGS; i++)
    if (settings[i].offset == NO_FIELD)
      config = given.value[i].text;

  if (!load_key_file (self, config ? config : DEFAULT_CONFIG_PATH, config != NULL, error))
    return FALSE;

  for (guint i = 0; i < N_SETTINGS; i++)
    {
      const Setting *s = &settings[i];
      Given *value = &given.value[i];
      gboolean is_given = s->type == SETTING_FLAG ? value->flag : value->text != NULL;

      if (s->offset != NO_FIELD && is_given && !apply_option (self, s, value, error))
        return FALSE;
    }

  return check_last (self, error) &&
         resolve_access (self, error) &&
         seye_agent_actions_check_config (self, error);
}
