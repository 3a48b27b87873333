/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-cli"

#include "config.h"

#include <gio/gunixoutputstream.h>
#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "seye-cli-common.h"
#include "seye-cli-history.h"
#include "seye-error.h"
#include "seye-format.h"
#include "seye-sanitize.h"
#include "seye-store.h"

static char *opt_since;
static char *opt_until;
static char *opt_db;
static gboolean opt_csv;
static gboolean opt_json;
static int opt_points;

static const GOptionEntry entries[] = {
  { "since", 's', 0, G_OPTION_ARG_STRING, &opt_since,
    N_("Start of the range: 30m, 2h, 7d ago, or a date such as 2026-11-20 or 2026-11-20T14:30 (default 1h)"),
    N_("TIME") },
  { "until", 'u', 0, G_OPTION_ARG_STRING, &opt_until,
    N_("End of the range, in the same forms (default now)"), N_("TIME") },
  { "csv", 0, 0, G_OPTION_ARG_NONE, &opt_csv, N_("Comma-separated values with a header line"), NULL },
  { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json, N_("JSON, for scripts (see docs/api.md)"), NULL },
  { "points", 'p', 0, G_OPTION_ARG_INT, &opt_points,
    N_("Text output only: merge into about N points (default: every stored row)"), N_("N") },
  { "db", 0, 0, G_OPTION_ARG_FILENAME, &opt_db,
    N_("Read this history database (default: the app's, in the user data folder)"), N_("PATH") },
  { NULL }
};

static char *
describe_nodes (GPtrArray *nodes)
{
  GString *str = g_string_new (NULL);

  for (guint i = 0; i < nodes->len; i++)
    {
      SeyeStoreNode *node = nodes->pdata[i];
      g_autofree char *node_id = seye_sanitize_display (node->node_id);
      g_autofree char *name = seye_sanitize_display (node->name ? node->name : "");

      g_string_append_printf (str, "\n  %s  %s", node_id, name);
    }

  return g_string_free (str, FALSE);
}

/* A node as it is printed: its name (or id) as the node announced it, sanitised. */
static char *
display_name (SeyeStoreNode *node)
{
  return seye_sanitize_display (node->name ? node->name : node->node_id);
}

/* Node id; else exact name; else node id prefix; else part of a name (case ignored). */
static SeyeStoreNode *
find_node (GPtrArray   *nodes,
           const char  *text,
           GError     **error)
{
  g_autoptr (GPtrArray) matches = g_ptr_array_new ();
  g_autofree char *folded = g_utf8_casefold (text, -1);
  g_autofree char *list = NULL;

  for (guint tier = 0; tier < 4 && matches->len == 0; tier++)
    {
      for (guint i = 0; i < nodes->len; i++)
        {
          SeyeStoreNode *node = nodes->pdata[i];
          g_autofree char *name = node->name ? g_utf8_casefold (node->name, -1) : g_strdup ("");
          gboolean match = FALSE;

          switch (tier)
            {
            case 0:
              match = g_ascii_strcasecmp (node->node_id, text) == 0;
              break;
            case 1:
              match = g_str_equal (name, folded);
              break;
            case 2:
              match = strlen (text) >= 4 && g_ascii_strncasecmp (node->node_id, text, strlen (text)) == 0;
              break;
            default:
              match = strstr (name, folded) != NULL;
              break;
            }

          if (match)
            g_ptr_array_add (matches, node);
        }
    }

  if (matches->len == 1)
    return matches->pdata[0];

  if (matches->len > 1)
    {
      list = describe_nodes (matches);
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG,
                   _("“%s” matches more than one node; give its name in full or its node id:%s"), text, list);
      return NULL;
    }

  if (nodes->len == 0)
    {
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_UNAVAILABLE,
                   _("The history database holds no node yet: the app records nodes while it runs"));
      return NULL;
    }

  list = describe_nodes (nodes);
  g_set_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG,
               _("No history for a node “%s”; the database knows:%s"), text, list);

  return NULL;
}

static char *
local_time (gint64 ms)
{
  g_autoptr (GDateTime) utc = g_date_time_new_from_unix_utc (ms / 1000);
  g_autoptr (GDateTime) local = utc ? g_date_time_to_local (utc) : NULL;

  return local ? g_date_time_format (local, "%Y-%m-%d %H:%M:%S") : g_strdup ("?");
}

static void
print_text (SeyeStoreNode *node,
            GPtrArray     *points)
{
  g_autofree char *name = display_name (node);
  g_autofree char *node_id = seye_sanitize_display (node->node_id);

  g_print ("%s (%s)\n", name, node_id);
  g_print ("%-19s  %7s  %7s  %6s  %11s  %11s  %6s\n", _("TIME"), _("CPU"), _("MEM"), _("LOAD"), _("RX"),
           _("TX"), _("PROCS"));

  for (guint i = 0; i < points->len; i++)
    {
      SeyeStorePoint *p = points->pdata[i];
      SeyeSample *s = p->avg;
      g_autofree char *time = local_time (p->time_ms);
      g_autofree char *cpu = seye_format_percent (s->parts & SEYE_SAMPLE_CPU ? s->cpu.busy : -1);
      g_autofree char *mem = seye_format_percent (s->parts & SEYE_SAMPLE_MEMORY ?
                                                  seye_sample_get_memory_percent (s) : -1);
      g_autofree char *load = s->parts & SEYE_SAMPLE_LOAD ? g_strdup_printf ("%.2f", s->load[0])
                                                          : g_strdup ("–");
      g_autofree char *rx = s->parts & SEYE_SAMPLE_NETWORK ? seye_format_rate (s->net_rx_bytes_per_sec)
                                                           : g_strdup ("–");
      g_autofree char *tx = s->parts & SEYE_SAMPLE_NETWORK ? seye_format_rate (s->net_tx_bytes_per_sec)
                                                           : g_strdup ("–");
      g_autofree char *procs = s->parts & SEYE_SAMPLE_PROCESSES ? g_strdup_printf ("%u", s->procs_total)
                                                                : g_strdup ("–");

      if (p->gap_before)
        g_print ("%s\n", _("   (no data)"));

      g_print ("%-19s  %7s  %7s  %6s  %11s  %11s  %6s\n", time, cpu, mem, load, rx, tx, procs);
    }
}

static GOptionContext *
new_option_context (const char *default_path)
{
  const char *summary = _("Reads the history the Sorcerer's Eye app records: every sample of the last\n"
                          "day, then one-minute averages with minimum and maximum, then hourly ones.\n"
                          "NODE is a node id, its beginning, or a node's name or part of it.");
  GOptionContext *context = NULL;
  g_autofree char *description = NULL;

  context = seye_cli_option_context_new (_("NODE - print a node's recorded history"), entries, summary);
  description = g_strdup_printf (_("Exit status:\n"
                                   "  0  the history was printed\n"
                                   "  1  the node has no samples in the range\n"
                                   "  2  no database, unknown node, or wrong arguments\n"
                                   "\n"
                                   "Default database: %s\n"
                                   "\n"
                                   "Examples:\n"
                                   "  seye history build-server --since 2h\n"
                                   "  seye history build-server --since 7d --csv > build-server.csv\n"
                                   "  seye history 3f2a --since 2026-11-20 --until 2026-11-21 --json\n"),
                                 default_path);
  g_option_context_set_description (context, description);

  return context;
}

/* The options and the range they give, checked: FALSE (and the reason printed)
 * when they are wrong. */
static gboolean
parse_options (int          *argc,
               char       ***argv,
               const char   *default_path,
               gint64       *from_ms,
               gint64       *to_ms)
{
  g_autoptr (GOptionContext) context = new_option_context (default_path);
  g_autoptr (GError) error = NULL;
  gint64 now_ms = g_get_real_time () / 1000;

  if (!seye_cli_parse_options (context, "history", _("Try “seye history --help”."), argc, argv))
    return FALSE;

  if (*argc != 2)
    {
      g_printerr ("seye history: %s\n%s\n",
                  *argc < 2 ? _("which node? Give its name or node id") : _("give one node only"),
                  _("Try “seye history --help”."));
      return FALSE;
    }

  if (opt_csv && opt_json)
    {
      g_printerr ("seye history: %s\n", _("--csv and --json cannot be used together"));
      return FALSE;
    }

  if (opt_points < 0)
    {
      g_printerr ("seye history: %s\n", _("--points takes a number of points, 0 for every row"));
      return FALSE;
    }

  if (!seye_cli_parse_time (opt_since ? opt_since : "1h", now_ms, from_ms, &error) ||
      !seye_cli_parse_time (opt_until ? opt_until : "now", now_ms, to_ms, &error))
    {
      g_printerr ("seye history: %s\n", error->message);
      return FALSE;
    }

  if (*to_ms < *from_ms)
    {
      g_printerr ("seye history: %s\n", _("--until is before --since"));
      return FALSE;
    }

  return TRUE;
}

/* --csv and --json: what the store exports. */
static int
export_history (SeyeStore     *store,
                SeyeStoreNode *node,
                gint64         from_ms,
                gint64         to_ms)
{
  g_autoptr (GOutputStream) out = g_unix_output_stream_new (STDOUT_FILENO, FALSE);
  g_autoptr (GError) error = NULL;
  gboolean empty = node->last_ms < from_ms || node->first_ms > to_ms || node->first_ms == 0;

  if (!seye_store_export (store, node->node_id, from_ms, to_ms,
                          opt_csv ? SEYE_STORE_FORMAT_CSV : SEYE_STORE_FORMAT_JSON, out, NULL, &error))
    {
      g_printerr ("seye history: %s\n", error->message);
      return SEYE_EXIT_USAGE;
    }

  return empty ? SEYE_EXIT_PARTIAL : SEYE_EXIT_OK;
}

/* Text: a row a point. */
static int
print_history (SeyeStore     *store,
               SeyeStoreNode *node,
               gint64         from_ms,
               gint64         to_ms)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) points = seye_store_query (store, node->node_id, from_ms, to_ms,
                                                   (guint) opt_points, &error);

  if (points == NULL)
    {
      g_printerr ("seye history: %s\n", error->message);
      return SEYE_EXIT_USAGE;
    }

  if (points->len == 0)
    {
      g_autofree char *from = local_time (from_ms);
      g_autofree char *to = local_time (to_ms);
      g_autofree char *name = display_name (node);

      g_printerr (_("seye history: %s has no samples between %s and %s\n"), name, from, to);
      return SEYE_EXIT_PARTIAL;
    }

  print_text (node, points);
  fflush (stdout);

  return SEYE_EXIT_OK;
}

int
seye_cli_history (int    argc,
                  char **argv)
{
  g_autoptr (SeyeStore) store = NULL;
  g_autoptr (GPtrArray) nodes = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *default_path = seye_store_get_default_path ();
  gint64 from_ms, to_ms;
  SeyeStoreNode *node;

  if (!parse_options (&argc, &argv, default_path, &from_ms, &to_ms))
    return SEYE_EXIT_USAGE;

  store = seye_store_open_full (opt_db ? opt_db : default_path, SEYE_STORE_OPEN_READ_ONLY, &error);
  if (store == NULL)
    {
      g_printerr ("seye history: %s\n", error->message);
      return SEYE_EXIT_USAGE;
    }

  nodes = seye_store_list_nodes (store, &error);
  node = nodes != NULL ? find_node (nodes, argv[1], &error) : NULL;
  if (node == NULL)
    {
      g_printerr ("seye history: %s\n", error->message);
      return SEYE_EXIT_USAGE;
    }

  if (opt_csv || opt_json)
    return export_history (store, node, from_ms, to_ms);

  return print_history (store, node, from_ms, to_ms);
}
