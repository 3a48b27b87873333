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

/* @text in a column @width characters wide, aligned left or @right. */
void
seye_cli_append_padded (GString    *line,
                        const char *text,
                        guint       width,
                        gboolean    right)
{
  glong len = g_utf8_strlen (text, -1);
  guint pad = len < (glong) width ? width - (guint) len : 0;

  if (right)
    g_string_append_printf (line, "%*s%s", pad, "", text);
  else
    g_string_append_printf (line, "%s%*s", text, pad, "");
}

/* Each column's width in characters: the widest of its header and its cells.
 * @rows: (element-type GStrv) rows of @n_cols cells. */
void
seye_cli_table_widths (const char * const *headers,
                       GPtrArray          *rows,
                       guint               n_cols,
                       guint              *widths)
{
  for (guint c = 0; c < n_cols; c++)
    widths[c] = g_utf8_strlen (headers[c], -1);

  for (guint i = 0; i < rows->len; i++)
    {
      const char * const *row = rows->pdata[i];

      for (guint c = 0; c < n_cols; c++)
        widths[c] = MAX (widths[c], (guint) g_utf8_strlen (row[c], -1));
    }
}
