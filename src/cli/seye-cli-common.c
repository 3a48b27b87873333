/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "seye-cli-common.h"
#include "seye-error.h"
#include "seye-sanitize.h"

/**
 * seye_cli_option_context_new:
 * @parameter: (translated) what follows the options in `--help`
 * @summary: (translated) what the command does
 *
 * Returns: (transfer full): the options of a command, in the CLI's domain.
 */
GOptionContext *
seye_cli_option_context_new (const char         *parameter,
                             const GOptionEntry *entries,
                             const char         *summary)
{
  GOptionContext *context = g_option_context_new (parameter);

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, summary);

  return context;
}

/**
 * seye_cli_parse_options:
 * @command: "fetch", "observe", …: for the messages
 * @try_help: (translated) where to look, "Try “seye fetch --help”."
 *
 * Parses the options of `seye COMMAND`; on a wrong option, says so and where
 * to look.
 *
 * Returns: whether the options were right; @argv keeps the other arguments
 */
gboolean
seye_cli_parse_options (GOptionContext   *context,
                        const char       *command,
                        const char       *try_help,
                        int              *argc,
                        char           ***argv)
{
  g_autoptr (GError) error = NULL;

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      g_printerr ("seye %s: %s\n%s\n", command, error->message, try_help);
      return FALSE;
    }

  return TRUE;
}

/* What `--sort` takes, in the order `s` cycles through in `seye observe`. */
static const SeyeNodeColumn sorts[] = {
  SEYE_NODE_COLUMN_NAME,
  SEYE_NODE_COLUMN_CPU,
  SEYE_NODE_COLUMN_MEMORY,
  SEYE_NODE_COLUMN_LOAD,
  SEYE_NODE_COLUMN_PROCESSES,
  SEYE_NODE_COLUMN_UPTIME,
};

static int
sort_index (SeyeNodeColumn column)
{
  for (guint i = 0; i < G_N_ELEMENTS (sorts); i++)
    if (sorts[i] == column)
      return (int) i;

  return -1;
}

gboolean
seye_cli_parse_sort (const char      *text,
                     SeyeNodeColumn  *sort,
                     GError         **error)
{
  SeyeNodeColumn column;

  if (seye_node_column_from_id (text, &column) && sort_index (column) >= 0)
    {
      *sort = column;
      return TRUE;
    }

  g_set_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG,
               _("Cannot sort by “%s”: use cpu, memory, load, name, uptime or processes"), text);

  return FALSE;
}

/* The sort @step places after @sort in the cycle (backwards when negative). */
SeyeNodeColumn
seye_cli_next_sort (SeyeNodeColumn sort,
                    int            step)
{
  int n = G_N_ELEMENTS (sorts);
  int i = MAX (sort_index (sort), 0);

  return sorts[((i + step) % n + n) % n];
}

/* Larger first, unknown last: an offline node's last values are unknown. */
static double
sort_value (SeyeNode       *node,
            SeyeNodeColumn  sort)
{
  if (seye_node_get_state (node) == SEYE_NODE_STATE_OFFLINE)
    return -1;

  return seye_node_column_get_value (node, sort);
}

static int
compare_nodes (gconstpointer pa,
               gconstpointer pb,
               gpointer      data)
{
  SeyeNode *a = *(SeyeNode **) pa;
  SeyeNode *b = *(SeyeNode **) pb;
  SeyeNodeColumn sort = GPOINTER_TO_UINT (data);

  if (sort != SEYE_NODE_COLUMN_NAME)
    {
      double va = sort_value (a, sort);
      double vb = sort_value (b, sort);

      if (va != vb)
        return va > vb ? -1 : 1;
    }

  return seye_node_column_compare_names (a, b);
}

void
seye_cli_sort_nodes (GPtrArray      *nodes,
                     SeyeNodeColumn  sort)
{
  g_ptr_array_sort_with_data (nodes, compare_nodes, GUINT_TO_POINTER (sort));
}

/**
 * seye_cli_collect_nodes:
 *
 * Returns: (transfer full) (element-type SeyeNode): the monitor's nodes that
 *   match @filter (seye_node_column_matches()), sorted.
 */
GPtrArray *
seye_cli_collect_nodes (SeyeMonitor    *monitor,
                        const char     *filter,
                        SeyeNodeColumn  sort)
{
  GPtrArray *nodes = g_ptr_array_new_with_free_func (g_object_unref);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (monitor));
  g_autofree char *folded = seye_node_column_fold_search (filter);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (SeyeNode) node = g_list_model_get_item (G_LIST_MODEL (monitor), i);

      if (seye_node_column_matches (node, folded))
        g_ptr_array_add (nodes, g_steal_pointer (&node));
    }

  seye_cli_sort_nodes (nodes, sort);

  return nodes;
}

/**
 * seye_cli_display_address:
 *
 * Returns: (transfer full): where the node is polled, without the port when it
 *   is the default one: "192.168.1.20", "127.0.0.1:41234", "[fe80::1%eth0]:7373";
 *   sanitised for display (seye_sanitize_display()).
 */
char *
seye_cli_display_address (SeyeNode *node)
{
  const char *address = seye_node_get_address (node);
  g_autofree char *suffix = g_strdup_printf (":%d", SEYE_DEFAULT_PORT);

  g_autofree char *shown = NULL;

  if (address == NULL)
    return seye_sanitize_display (seye_node_get_key (node));

  if (address[0] != '[' && g_str_has_suffix (address, suffix))
    shown = g_strndup (address, strlen (address) - strlen (suffix));

  return seye_sanitize_display (shown != NULL ? shown : address);
}

/**
 * seye_cli_state_nick:
 *
 * Returns: the untranslated state for machine-readable output: "online", …
 */
const char *
seye_cli_state_nick (SeyeNodeState state)
{
  GEnumClass *klass = g_type_class_ref (SEYE_TYPE_NODE_STATE);
  GEnumValue *value = g_enum_get_value (klass, state);
  const char *nick = value ? value->value_nick : "unknown";

  g_type_class_unref (klass);

  return nick;
}

/**
 * seye_cli_use_color:
 *
 * Returns: whether to colour output on @fd: only a terminal, never with
 *   NO_COLOR set (https://no-color.org) or TERM=dumb.
 */
gboolean
seye_cli_use_color (int fd)
{
  const char *no_color = g_getenv ("NO_COLOR");
  const char *term = g_getenv ("TERM");

  if (no_color != NULL && no_color[0] != '\0')
    return FALSE;

  if (term != NULL && g_str_equal (term, "dumb"))
    return FALSE;

  return isatty (fd);
}

gboolean
seye_cli_add_hosts (SeyeMonitor  *monitor,
                    char        **hosts,
                    GError      **error)
{
  for (guint i = 0; hosts != NULL && hosts[i] != NULL; i++)
    {
      /* "--host a,b" works as well as "--host a --host b". */
      g_auto (GStrv) parts = g_strsplit (hosts[i], ",", -1);

      for (guint j = 0; parts[j] != NULL; j++)
        {
          if (g_strstrip (parts[j])[0] == '\0')
            continue;
          if (seye_monitor_add_manual (monitor, parts[j], error) == NULL)
            return FALSE;
        }
    }

  return TRUE;
}

/* "30m", "2h", "7d", "90s", "1w" ago; "now"; or an ISO 8601 date or date and time
 * (local time unless it names a zone). */
gboolean
seye_cli_parse_time (const char  *text,
                     gint64       now_ms,
                     gint64      *time_ms,
                     GError     **error)
{
  g_autoptr (GDateTime) parsed = NULL;
  g_autoptr (GTimeZone) local = g_time_zone_new_local ();
  char *end = NULL;
  double amount;
  int year, month, day;
  char rest;

  if (g_ascii_strcasecmp (text, "now") == 0)
    {
      *time_ms = now_ms;
      return TRUE;
    }

  amount = g_ascii_strtod (text, &end);
  if (end != text && end != NULL && amount >= 0 && end[0] != '\0' && end[1] == '\0' &&
      strchr ("smhdw", end[0]) != NULL)
    {
      static const struct { char unit; double seconds; } units[] = {
        { 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 }, { 'w', 7 * 86400 },
      };

      for (guint i = 0; i < G_N_ELEMENTS (units); i++)
        if (units[i].unit == end[0])
          *time_ms = now_ms - (gint64) (amount * units[i].seconds * 1000);
      return TRUE;
    }

  if (sscanf (text, "%4d-%2d-%2d%c", &year, &month, &day, &rest) == 3)
    parsed = g_date_time_new (local, year, month, day, 0, 0, 0);
  else
    {
      g_autofree char *iso = g_strdelimit (g_strdup (text), " ", 'T');

      /* GLib wants seconds: "2026-11-20T14:30" -> "2026-11-20T14:30:00" */
      if (strlen (iso) == 16 && iso[10] == 'T')
        {
          char *full = g_strconcat (iso, ":00", NULL);

          g_free (iso);
          iso = full;
        }
      parsed = g_date_time_new_from_iso8601 (iso, local);
    }

  if (parsed == NULL)
    {
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG,
                   _("Cannot read the time “%s”: use 30m, 2h or 7d (ago), or a date such as 2026-11-20 "
                     "or 2026-11-20T14:30"),
                   text);
      return FALSE;
    }

  *time_ms = g_date_time_to_unix (parsed) * 1000 + g_date_time_get_microsecond (parsed) / 1000;

  return TRUE;
}

/* Nodes -------------------------------------------------------------------- */

/**
 * seye_cli_node_problem:
 *
 * Returns: why @node has no current sample, in words (the way out is an option
 *   of the command); %NULL when it has one. Not sanitised.
 */
const char *
seye_cli_node_problem (SeyeNode *node,
                       gboolean  by_host)
{
  const char *error = seye_node_get_error (node);

  if (seye_node_get_state (node) == SEYE_NODE_STATE_NEEDS_PAIRING)
    {
      if (seye_node_get_paired (node))
        return _("the node refused the token of --token-file");
      if (!seye_node_get_tls (node))
        return _("it wants a token, but it does not use HTTPS: start its agent with --tls");
      if (by_host)
        return _("give --host https://HOST:PORT --pin SHA256:… --token-file FILE "
                 "(“sorcerers-eye-agent --pairing-info” on the node prints them)");
      return _("it wants a token: give --pin SHA256:… --token-file FILE "
               "(“sorcerers-eye-agent --pairing-info” on the node prints them)");
    }

  if (seye_node_get_state (node) == SEYE_NODE_STATE_UNTRUSTED)
    return seye_node_get_tls (node) ? _("its certificate is not the one of --pin: the token was not sent")
                                    : _("it does not use HTTPS: the token was not sent");

  if (error != NULL)
    return error;

  if (seye_node_get_sample (node) == NULL)
    return _("no sample came in time");

  return NULL;
}

/* Whether @node said what it had to say: a sample, or why there is none. */
gboolean
seye_cli_node_settled (SeyeNode *node)
{
  switch (seye_node_get_state (node))
    {
    case SEYE_NODE_STATE_OFFLINE:
    case SEYE_NODE_STATE_INCOMPATIBLE:
    case SEYE_NODE_STATE_NEEDS_PAIRING:
    case SEYE_NODE_STATE_UNTRUSTED:
    case SEYE_NODE_STATE_NOT_RESPONDING:
    case SEYE_NODE_STATE_LEFT:
      return TRUE;
    case SEYE_NODE_STATE_STALE:
      return seye_node_get_sample (node) != NULL || seye_node_get_error (node) != NULL;
    case SEYE_NODE_STATE_CONNECTING:
    case SEYE_NODE_STATE_ONLINE:
    default:
      return seye_node_get_sample (node) != NULL;
    }
}

/* The cores of @node: as it said in /v1/node, else as many as its sample has; 0 unknown. */
guint
seye_cli_node_n_cores (SeyeNode *node)
{
  const SeyeNodeInfo *info = seye_node_get_info (node);
  SeyeSample *sample = seye_node_get_sample (node);

  if (info != NULL && info->n_cores > 0)
    return info->n_cores;

  return sample != NULL ? sample->cores->len : 0;
}

/**
 * seye_cli_describe_ask_error:
 *
 * Returns: (transfer full): what went wrong asking @node for its processes or
 *   actions, sanitised. A node that wants a token it was not given says which
 *   options give it (the core's words name the app).
 */
char *
seye_cli_describe_ask_error (SeyeNode     *node,
                             const GError *error)
{
  if (g_error_matches (error, SEYE_ERROR, SEYE_ERROR_AUTH) && !seye_node_get_paired (node))
    {
      g_autofree char *name = seye_sanitize_display (seye_node_get_name (node));

      return g_strdup_printf (_("%s wants its token: give --pin SHA256:… --token-file FILE "
                                "(“sorcerers-eye-agent --pairing-info” on the node prints them)"), name);
    }

  return seye_sanitize_display (error->message);
}

/* Gathering ---------------------------------------------------------------- */

#define QUIET_MS 300   /* discovery ends this long after the last answer, once Avahi says "all for now" */

/* --pin and --token-file, read and checked. */
static gboolean
read_pairing (SeyeCliGather               *self,
              const SeyeCliGatherOptions  *options,
              GError                     **error)
{
  g_autofree char *contents = NULL;
  g_autoptr (GError) local_error = NULL;
  gsize length;

  if (options->pin == NULL && options->token_file == NULL)
    return TRUE;

  if (options->pin == NULL || options->token_file == NULL)
    {
      g_set_error_literal (error, SEYE_ERROR, SEYE_ERROR_CONFIG,
                           _("--pin and --token-file go together: a token is only sent to the pinned certificate"));
      return FALSE;
    }

  self->fingerprint = seye_fingerprint_parse (options->pin, error);
  if (self->fingerprint == NULL)
    return FALSE;

  if (!g_file_get_contents (options->token_file, &contents, &length, &local_error))
    {
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG, _("Cannot read the token: %s"), local_error->message);
      return FALSE;
    }

  self->token = seye_token_parse (contents, &local_error);
  memset (contents, 0, length);
  if (self->token == NULL)
    {
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG, "%s: %s", options->token_file, local_error->message);
      return FALSE;
    }

  return TRUE;
}

/* The pin and the token for @key (a node id, or the address of a --host node). */
static void
pair (SeyeCliGather *self,
      const char    *key)
{
  SeyeCredentials *credentials = seye_monitor_get_credentials (self->monitor);
  g_autoptr (SeyePairing) pairing = NULL;

  if (self->token == NULL || seye_credentials_lookup (credentials, key) != NULL)
    return;

  pairing = seye_pairing_new (key, NULL, self->fingerprint, self->token);
  seye_credentials_add (credentials, pairing);
}

/* A pairing for each --host https:// node, by its address. */
static gboolean
pair_hosts (SeyeCliGather               *self,
            const SeyeCliGatherOptions  *options,
            GError                     **error)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->monitor));
  guint n_https = 0;

  if (self->token == NULL)
    return TRUE;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (SeyeNode) node = g_list_model_get_item (G_LIST_MODEL (self->monitor), i);

      if (!seye_node_get_tls (node))
        continue;

      pair (self, seye_node_get_address (node));
      n_https++;
    }

  if (n_https == 0 && options->pin_needs_host)
    {
      g_set_error_literal (error, SEYE_ERROR, SEYE_ERROR_CONFIG,
                           _("--pin and --token-file apply to --host https://HOST:PORT; no such --host was given"));
      return FALSE;
    }

  return TRUE;
}

static void
service_resolved_cb (SeyeCliGather   *self,
                     SeyeServiceInfo *info)
{
  self->last_answer = g_get_monotonic_time ();

  if (self->only_id != NULL && g_strcmp0 (info->txt.node_id, self->only_id) != 0)
    return;

  /* A node that announces the pinned certificate gets the token (it goes to
   * that certificate only, whoever announces it). */
  if (self->fingerprint != NULL && info->txt.node_id != NULL &&
      seye_fingerprint_equal (info->txt.tls_fingerprint, self->fingerprint))
    pair (self, info->txt.node_id);

  seye_monitor_add_service (self->monitor, info);
}

static void
all_for_now_cb (SeyeCliGather *self)
{
  self->all_for_now = TRUE;
  self->last_answer = MAX (self->last_answer, g_get_monotonic_time ());
}

/**
 * seye_cli_gather_start:
 * @command: "fetch", "top", …: for the messages
 *
 * Starts following the --host nodes and, unless told not to, looking for
 * others over mDNS, with the pin and token of --pin and --token-file.
 *
 * Returns: whether the options were right (@error says why not)
 */
gboolean
seye_cli_gather_start (SeyeCliGather               *self,
                       const char                  *command,
                       const SeyeCliGatherOptions  *options,
                       GError                     **error)
{
  gint64 now = g_get_monotonic_time ();
  gboolean discovery = !options->no_discovery && options->discovery_time > 0;

  self->command = command;
  self->monitor = seye_monitor_new ();
  seye_monitor_set_fetch_history (self->monitor, FALSE);
  seye_monitor_set_interval (self->monitor, 0.5);
  self->discovery_end = now + (discovery ? (gint64) (options->discovery_time * G_USEC_PER_SEC) : 0);
  self->deadline = self->discovery_end + (gint64) (options->timeout * G_USEC_PER_SEC);

  if (!read_pairing (self, options, error) ||
      !seye_cli_add_hosts (self->monitor, options->hosts, error) ||
      !pair_hosts (self, options, error))
    return FALSE;

  seye_monitor_start (self->monitor);

  if (discovery)
    {
      self->browser = seye_browser_new ();
      g_signal_connect_swapped (self->browser, "service-resolved", G_CALLBACK (service_resolved_cb), self);
      g_signal_connect_swapped (self->browser, "all-for-now", G_CALLBACK (all_for_now_cb), self);
      seye_browser_start (self->browser);

      if (!seye_browser_get_available (self->browser) &&
          seye_browser_get_status_message (self->browser) != NULL)
        g_printerr ("seye %s: %s\n", command, seye_browser_get_status_message (self->browser));
    }

  return TRUE;
}

void
seye_cli_gather_clear (SeyeCliGather *self)
{
  if (self->browser != NULL)
    g_signal_handlers_disconnect_by_data (self->browser, self);
  g_clear_object (&self->browser);
  if (self->monitor != NULL)
    seye_monitor_stop (self->monitor);
  g_clear_object (&self->monitor);
  if (self->token != NULL)
    memset (self->token, 0, strlen (self->token));
  g_clear_pointer (&self->token, g_free);
  g_clear_pointer (&self->fingerprint, g_free);
  g_clear_pointer (&self->only_id, g_free);
}

/* Whether answers may still come over mDNS. */
gboolean
seye_cli_gather_discovering (SeyeCliGather *self)
{
  gint64 now = g_get_monotonic_time ();

  return self->browser != NULL &&
         seye_browser_get_available (self->browser) &&
         now < self->discovery_end &&
         !(self->all_for_now && now - self->last_answer >= QUIET_MS * 1000);
}

/* Done once discovery is over and every node said what it had to say. */
gboolean
seye_cli_gather_settled (SeyeCliGather *self,
                         gpointer       unused)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->monitor));

  /* An id announced at two addresses may be two machines: wait for the answer. */
  if (seye_cli_gather_discovering (self) || seye_monitor_get_vetting (self->monitor))
    return FALSE;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (SeyeNode) node = g_list_model_get_item (G_LIST_MODEL (self->monitor), i);

      if (!seye_cli_node_settled (node))
        return FALSE;
    }

  return TRUE;
}

static gboolean
wakeup_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/**
 * seye_cli_gather_wait:
 *
 * Runs the main context until @done says so, or the deadline.
 *
 * Returns: whether @done said so in time
 */
gboolean
seye_cli_gather_wait (SeyeCliGather     *self,
                      SeyeCliGatherDone  done,
                      gpointer           data)
{
  guint tick = g_timeout_add (50, wakeup_cb, NULL);
  gboolean finished;

  while (!(finished = done (self, data)) && g_get_monotonic_time () < self->deadline)
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (tick);

  return finished;
}

/* Finding one node --------------------------------------------------------- */

/**
 * seye_cli_looks_like_address:
 *
 * Returns: whether @text is an address ("host:port", an IP address, "[v6]:port",
 *   "https://…") rather than a node's name or id.
 */
gboolean
seye_cli_looks_like_address (const char *text)
{
  return g_str_has_prefix (text, "http://") || g_str_has_prefix (text, "https://") ||
         strchr (text, ':') != NULL || text[0] == '[' || g_hostname_is_ip_address (text);
}

/* Node id; else exact name (any case); else the beginning of a node id. */
static GPtrArray *
matching_nodes (SeyeMonitor *monitor,
                const char  *text)
{
  GPtrArray *matches = g_ptr_array_new_with_free_func (g_object_unref);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (monitor));
  g_autofree char *folded = g_utf8_casefold (text, -1);

  for (guint tier = 0; tier < 3 && matches->len == 0; tier++)
    {
      for (guint i = 0; i < n; i++)
        {
          g_autoptr (SeyeNode) node = g_list_model_get_item (G_LIST_MODEL (monitor), i);
          const SeyeNodeInfo *info = seye_node_get_info (node);
          const char *id = info != NULL ? info->node_id : seye_node_get_key (node);
          g_autofree char *name = g_utf8_casefold (seye_node_get_name (node), -1);
          gboolean match;

          if (tier == 0)
            match = g_ascii_strcasecmp (id, text) == 0;
          else if (tier == 1)
            match = g_str_equal (name, folded);
          else
            match = strlen (text) >= 4 && g_ascii_strncasecmp (id, text, strlen (text)) == 0;

          if (match)
            g_ptr_array_add (matches, g_steal_pointer (&node));
        }
    }

  return matches;
}

/* Done once discovery is over and the nodes that may be @text have answered:
 * those that match, and those added by address (their names come with them). */
static gboolean
candidates_settled (SeyeCliGather *self,
                    gpointer       text)
{
  g_autoptr (GPtrArray) matches = NULL;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->monitor));

  if (seye_cli_gather_discovering (self) || seye_monitor_get_vetting (self->monitor))
    return FALSE;

  matches = matching_nodes (self->monitor, text);
  for (guint i = 0; i < matches->len; i++)
    if (!seye_cli_node_settled (matches->pdata[i]))
      return FALSE;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (SeyeNode) node = g_list_model_get_item (G_LIST_MODEL (self->monitor), i);

      if (seye_node_get_manual (node) && !seye_cli_node_settled (node))
        return FALSE;
    }

  return TRUE;
}

static gboolean
node_settled (SeyeCliGather *self,
              gpointer       node)
{
  return !seye_monitor_get_vetting (self->monitor) && seye_cli_node_settled (node);
}

/* "\n  name  address  node id" for each node, sanitised. */
static char *
describe_nodes (GPtrArray *nodes)
{
  GString *str = g_string_new (NULL);

  for (guint i = 0; i < nodes->len; i++)
    {
      const SeyeNodeInfo *info = seye_node_get_info (nodes->pdata[i]);
      g_autofree char *name = seye_sanitize_display (seye_node_get_name (nodes->pdata[i]));
      g_autofree char *address = seye_cli_display_address (nodes->pdata[i]);
      g_autofree char *id = seye_sanitize_display (info != NULL ? info->node_id
                                                                : seye_node_get_key (nodes->pdata[i]));

      g_string_append_printf (str, "\n  %s  %s  %s", name, address, id);
    }

  return g_string_free (str, FALSE);
}

static void
set_not_found (SeyeCliGather  *self,
               const char     *text,
               GError        **error)
{
  g_autoptr (GPtrArray) nodes = seye_cli_collect_nodes (self->monitor, NULL, SEYE_NODE_COLUMN_NAME);
  g_autofree char *clean = seye_sanitize_display (text);
  g_autofree char *list = NULL;

  if (nodes->len > 0)
    {
      list = describe_nodes (nodes);
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG,
                   _("no node is named “%s”; give a name, node id or HOST:PORT of one of these:%s"),
                   clean, list);
    }
  else if (self->browser == NULL)
    g_set_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG,
                 _("no node “%s”: without discovery, give its address, HOST[:PORT]"), clean);
  else if (!seye_browser_get_available (self->browser))
    g_set_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG,
                 _("no node “%s”: nodes cannot be found over mDNS here; give its address, HOST[:PORT]"), clean);
  else
    g_set_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG,
                 _("no node “%s” was found over mDNS; start sorcerers-eye-agent on it, or give its address, HOST[:PORT]"),
                 clean);
}

/**
 * seye_cli_gather_find:
 * @text: a node's name (any case), node id, the beginning of one, or its address
 *
 * Waits for the node @text names: at its address, or once discovery is over and
 * the nodes that may be it answered.
 *
 * Returns: (transfer full) (nullable): the node, settled or at the deadline;
 *   %NULL when none or several are @text (SEYE_ERROR_CONFIG, with the nodes to
 *   choose from)
 */
SeyeNode *
seye_cli_gather_find (SeyeCliGather  *self,
                      const char     *text,
                      GError        **error)
{
  g_autoptr (GPtrArray) matches = NULL;

  if (seye_cli_looks_like_address (text))
    {
      SeyeNode *node = seye_monitor_add_manual (self->monitor, text, error);

      if (node == NULL)
        return NULL;

      g_object_ref (node);
      seye_cli_gather_wait (self, node_settled, node);

      return node;
    }

  seye_cli_gather_wait (self, candidates_settled, (gpointer) text);
  matches = matching_nodes (self->monitor, text);

  if (matches->len == 1)
    return g_object_ref (matches->pdata[0]);

  if (matches->len > 1)
    {
      g_autofree char *clean = seye_sanitize_display (text);
      g_autofree char *list = describe_nodes (matches);

      g_set_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG,
                   _("“%s” is more than one node; give its node id or HOST:PORT:%s"), clean, list);
      return NULL;
    }

  set_not_found (self, text, error);

  return NULL;
}

/* Follows @node only: the others are forgotten, and mDNS answers for them ignored. */
void
seye_cli_gather_keep_only (SeyeCliGather *self,
                           SeyeNode      *node)
{
  g_autoptr (GPtrArray) nodes = seye_cli_collect_nodes (self->monitor, NULL, SEYE_NODE_COLUMN_NAME);
  const SeyeNodeInfo *info = seye_node_get_info (node);

  g_free (self->only_id);
  self->only_id = g_strdup (info != NULL ? info->node_id : seye_node_get_key (node));

  for (guint i = 0; i < nodes->len; i++)
    if (nodes->pdata[i] != node)
      seye_monitor_remove (self->monitor, nodes->pdata[i]);
}

/* `seye top NODE`, `seye run NODE` ------------------------------------------ */

static const GOptionEntry node_entries[] = {
  { "no-discovery", 'n', 0, G_OPTION_ARG_NONE, NULL,
    N_("Do not look for NODE over mDNS (NODE is an address then)"), NULL },
  { "discovery-time", 't', 0, G_OPTION_ARG_DOUBLE, NULL,
    N_("Look for NODE over mDNS for at most this long (default 1.5; ends early when answers stop)"),
    N_("SECONDS") },
  { "timeout", 'T', 0, G_OPTION_ARG_DOUBLE, NULL,
    N_("Give NODE this long to answer (default 5)"), N_("SECONDS") },
  { "pin", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("NODE’s certificate fingerprint, as “sorcerers-eye-agent --pairing-info” prints it"),
    N_("SHA256:AB:CD:…") },
  { "token-file", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Send the token in FILE to NODE, only when it presents the --pin certificate"), N_("FILE") },
};

/**
 * seye_cli_node_option_entries:
 *
 * Returns: (transfer full): the options that say how NODE is found, storing
 *   into @options, followed by the end of an entry list; free with g_free().
 */
GOptionEntry *
seye_cli_node_option_entries (SeyeCliGatherOptions *options)
{
  gpointer data[] = {
    &options->no_discovery, &options->discovery_time, &options->timeout, &options->pin, &options->token_file,
  };
  GOptionEntry *entries = g_new0 (GOptionEntry, G_N_ELEMENTS (node_entries) + 1);

  G_STATIC_ASSERT (G_N_ELEMENTS (data) == G_N_ELEMENTS (node_entries));
  for (guint i = 0; i < G_N_ELEMENTS (node_entries); i++)
    {
      entries[i] = node_entries[i];
      entries[i].arg_data = data[i];
    }

  return entries;
}

void
seye_cli_node_options_init (SeyeCliGatherOptions *options)
{
  memset (options, 0, sizeof *options);
  options->discovery_time = 1.5;
  options->timeout = 5.0;
}

void
seye_cli_node_options_clear (SeyeCliGatherOptions *options)
{
  g_clear_pointer (&options->hosts, g_strfreev);
  g_clear_pointer (&options->pin, g_free);
  g_clear_pointer (&options->token_file, g_free);
}

/* Whether the options are right; if not, says why. */
gboolean
seye_cli_node_options_check (SeyeCliGatherOptions *options,
                             const char           *command,
                             const char           *node)
{
  if (!(options->discovery_time >= 0 && options->discovery_time <= 600) ||
      !(options->timeout > 0 && options->timeout <= 600))
    {
      g_printerr ("seye %s: %s\n", command, _("--discovery-time and --timeout take seconds from 0 to 600"));
      return FALSE;
    }

  /* An address is asked directly: nothing to look for. */
  if (seye_cli_looks_like_address (node))
    {
      const char *hosts[] = { node, NULL };

      options->no_discovery = TRUE;
      options->hosts = g_strdupv ((char **) hosts);
    }

  return TRUE;
}

/**
 * seye_cli_find_one_node:
 * @exit_status: (out): SEYE_EXIT_USAGE when there is no node to return
 *
 * Starts @gather and finds the node @text names (seye_cli_gather_find()); the
 * others are then forgotten. Says why there is none.
 *
 * Returns: (transfer full) (nullable): the node, settled or at the deadline
 */
SeyeNode *
seye_cli_find_one_node (SeyeCliGather        *gather,
                        const char           *command,
                        SeyeCliGatherOptions *options,
                        const char           *text,
                        int                  *exit_status)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SeyeNode) node = NULL;

  *exit_status = SEYE_EXIT_USAGE;

  if (!seye_cli_gather_start (gather, command, options, &error) ||
      (node = seye_cli_gather_find (gather, text, &error)) == NULL)
    {
      g_printerr ("seye %s: %s\n", command, error->message);
      return NULL;
    }

  seye_cli_gather_keep_only (gather, node);
  *exit_status = SEYE_EXIT_OK;

  return g_steal_pointer (&node);
}
