/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "seye-browser.h"
#include "seye-cli-common.h"
#include "seye-cli-fetch-private.h"
#include "seye-cli-processes.h"
#include "seye-clock.h"
#include "seye-node-column.h"
#include "seye-error.h"
#include "seye-format.h"
#include "seye-json.h"
#include "seye-monitor.h"
#include "seye-sanitize.h"

#define BOLD  "\033[1m"
#define RED   "\033[31m"
#define GREEN "\033[32m"
#define DIM   "\033[2m"
#define RESET "\033[0m"

static char **opt_hosts;
static double opt_discovery_time = 1.5;
static double opt_timeout = 5.0;
static gboolean opt_no_discovery;
static gboolean opt_table;
static gboolean opt_json;
static char *opt_sort;
static char *opt_filter;
static char *opt_pin;
static char *opt_token_file;
static int opt_processes;
static char *opt_process_sort;
static SeyeCliPrometheusOptions opt_prometheus;

static const GOptionEntry entries[] = {
  { "host", 'H', 0, G_OPTION_ARG_STRING_ARRAY, &opt_hosts,
    N_("Fetch this node as well (repeat for more; default port 7373)"), N_("HOST[:PORT]") },
  { "discovery-time", 't', 0, G_OPTION_ARG_DOUBLE, &opt_discovery_time,
    N_("Look for nodes over mDNS for at most this long (default 1.5; ends early when answers stop)"),
    N_("SECONDS") },
  { "no-discovery", 'n', 0, G_OPTION_ARG_NONE, &opt_no_discovery,
    N_("Do not look for nodes over mDNS; fetch only --host"), NULL },
  { "timeout", 'T', 0, G_OPTION_ARG_DOUBLE, &opt_timeout,
    N_("Give a node this long to answer (default 5)"), N_("SECONDS") },
  { "table", 0, 0, G_OPTION_ARG_NONE, &opt_table, N_("One row per node, in aligned columns"), NULL },
  { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json, N_("A JSON array, for scripts (see docs/api.md)"), NULL },
  { "sort", 's', 0, G_OPTION_ARG_STRING, &opt_sort,
    N_("Sort by cpu, memory, load, name, uptime or processes (default name)"), N_("KEY") },
  { "filter", 'f', 0, G_OPTION_ARG_STRING, &opt_filter,
    N_("Show only nodes whose name, address, id or a tag contains TEXT; "
       "“tag:web”: only those tagged web"), N_("TEXT") },
  { "processes", 'p', 0, G_OPTION_ARG_INT, &opt_processes,
    N_("Show the top N processes of every node that answered (1 to 200)"), N_("N") },
  { "process-sort", 0, 0, G_OPTION_ARG_STRING, &opt_process_sort,
    N_("The top processes by cpu, memory or io (default cpu)"), N_("KEY") },
  { "pin", 0, 0, G_OPTION_ARG_STRING, &opt_pin,
    N_("The certificate fingerprint of the --host https:// nodes, as “sorcerers-eye-agent --pairing-info” prints it"),
    N_("SHA256:AB:CD:…") },
  { "token-file", 0, 0, G_OPTION_ARG_FILENAME, &opt_token_file,
    N_("Send the token in FILE to the --host https:// nodes, only when they present the --pin certificate"),
    N_("FILE") },
  { NULL }
};

/* What a command run holds: the nodes, and their processes as they come. */
typedef struct
{
  SeyeCliGather    gather;
  SeyeProcessSort  process_sort;
  GHashTable      *processes;    /* SeyeNode → SeyeCliFetchProcesses; NULL without --processes */
  GCancellable    *cancellable;
  char            *filter;       /* folded */
  guint            pending;
} Fetch;

static void
fetch_processes_free (SeyeCliFetchProcesses *answer)
{
  g_clear_pointer (&answer->list, seye_process_list_free);
  g_free (answer->error);
  g_free (answer);
}

static void
fetch_clear (Fetch *fetch)
{
  seye_cli_gather_clear (&fetch->gather);
  g_clear_pointer (&fetch->processes, g_hash_table_unref);
  g_clear_object (&fetch->cancellable);
  g_clear_pointer (&fetch->filter, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Fetch, fetch_clear)

/* Processes ---------------------------------------------------------------- */

typedef struct
{
  Fetch                 *fetch;
  SeyeNode              *node;
  SeyeCliFetchProcesses *answer;
} Asked;

static void
processes_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  g_autofree Asked *asked = data;
  g_autoptr (SeyeNode) node = asked->node;
  g_autoptr (GError) error = NULL;

  asked->answer->list = seye_source_fetch_processes_finish (SEYE_SOURCE (source), result, &error);
  if (asked->answer->list == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    asked->answer->error = g_strdup (_("its processes did not come in time"));
  else if (asked->answer->list == NULL)
    asked->answer->error = seye_cli_describe_ask_error (asked->node, error);

  asked->fetch->pending--;
}

/**
 * _seye_cli_fetch_processes_error:
 *
 * Returns: why @node has no process list (not sanitised): what its answer
 *   said, or why it was not asked
 */
const char *
_seye_cli_fetch_processes_error (GHashTable *processes,
                                 SeyeNode   *node)
{
  SeyeCliFetchProcesses *answer = g_hash_table_lookup (processes, node);
  const char *problem = seye_cli_node_problem (node, TRUE);

  if (answer != NULL && answer->error != NULL)
    return answer->error;

  /* Its sample came as the time was up. */
  return problem != NULL ? problem : _("its processes did not come in time");
}

/* Asks every node that sent a sample (and is shown) for its processes, once. */
static void
ask_processes (Fetch *fetch)
{
  SeyeMonitor *monitor = fetch->gather.monitor;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (monitor));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (SeyeNode) node = g_list_model_get_item (G_LIST_MODEL (monitor), i);
      SeyeSource *source = seye_monitor_get_node_source (monitor, node);
      Asked *asked;

      if (seye_node_get_sample (node) == NULL || source == NULL ||
          g_hash_table_contains (fetch->processes, node) ||
          !seye_node_column_matches (node, fetch->filter))
        continue;

      asked = g_new0 (Asked, 1);
      asked->fetch = fetch;
      asked->node = g_object_ref (node);
      asked->answer = g_new0 (SeyeCliFetchProcesses, 1);
      g_hash_table_insert (fetch->processes, g_object_ref (node), asked->answer);
      fetch->pending++;
      seye_source_fetch_processes (source, node, fetch->process_sort, (guint) opt_processes,
                                   fetch->cancellable, processes_cb, asked);
    }
}

/* Done when every node said what it had to say, and those that answered gave
 * their processes (or why not). */
static gboolean
done_cb (SeyeCliGather *gather,
         gpointer       data)
{
  Fetch *fetch = data;

  if (fetch->processes != NULL)
    ask_processes (fetch);

  return seye_cli_gather_settled (gather, NULL) && fetch->pending == 0;
}

static void
run (Fetch *fetch)
{
  seye_cli_gather_wait (&fetch->gather, done_cb, fetch);

  /* What has not come by the deadline will not be shown. */
  g_cancellable_cancel (fetch->cancellable);
  while (fetch->pending > 0)
    g_main_context_iteration (NULL, TRUE);
}

/* Text output -------------------------------------------------------------- */

static const char *
paint (gboolean    color,
       const char *code)
{
  return color ? code : "";
}

static char *
memory_text (SeyeSample *sample)
{
  g_autofree char *used = seye_format_bytes (sample->memory.used);
  g_autofree char *total = seye_format_bytes (sample->memory.total);
  g_autofree char *percent = seye_format_percent (seye_sample_get_memory_percent (sample));

  /* TRANSLATORS: memory used, e.g. "512 MB of 8 GB (6 %)" */
  return g_strdup_printf (_("%s of %s (%s)"), used, total, percent);
}

/* The node's processes under its block, or why there are none. */
static void
print_block_processes (Fetch    *fetch,
                       SeyeNode *node,
                       gboolean  color)
{
  SeyeCliFetchProcesses *answer = g_hash_table_lookup (fetch->processes, node);
  const char *title = seye_cli_process_sort_title (fetch->process_sort);
  g_autoptr (GString) out = g_string_new (NULL);

  if (answer == NULL || answer->list == NULL)
    {
      const char *why = _seye_cli_fetch_processes_error (fetch->processes, node);
      g_autofree char *problem = seye_sanitize_display (why);

      /* TRANSLATORS: "Top Processes (by CPU): not available — why" */
      g_string_append_printf (out, _("Top Processes (by %s): %snot available — %s%s\n"), title,
                              paint (color, RED), problem, paint (color, RESET));
    }
  else
    {
      g_autofree char *totals = seye_cli_process_totals (answer->list);

      /* TRANSLATORS: "Top Processes (by CPU): 312 processes, 3 not readable" */
      g_string_append_printf (out, _("Top Processes (by %s): %s\n"), title, totals);
      seye_cli_append_processes (out, answer->list, fetch->process_sort, "  ", color);
    }

  fputs (out->str, stdout);
}

static void
print_block (Fetch                *fetch,
             SeyeNode             *node,
             gboolean              color,
             const SeyeAlertRules *rules)
{
  SeyeSample *sample = seye_node_get_sample (node);
  g_autofree char *address = seye_cli_display_address (node);
  g_autofree char *name = seye_sanitize_display (seye_node_get_name (node));
  g_autofree char *problem = seye_sanitize_display (seye_cli_node_problem (node, TRUE));
  g_autofree char *status = seye_node_column_format_status (node, seye_clock_get_real_ms ());

  g_print ("%s%s%s%s (%s)\n", _("Node: "), paint (color, BOLD), name, paint (color, RESET), address);
  if (seye_node_get_tags (node) != NULL)
    {
      g_autofree char *tags = g_strjoinv (", ", (GStrv) seye_node_get_tags (node));

      g_print ("%s%s\n", _("Tags: "), tags);
    }

  /* Another machine answers under its id: its data is shown apart, at its address. */
  if (seye_node_get_conflict (node) != NULL)
    g_print ("%s%s%s%s\n", _("Warning: "), paint (color, RED), seye_node_get_conflict (node),
             paint (color, RESET));

  if (problem != NULL && (sample == NULL || seye_node_get_state (node) != SEYE_NODE_STATE_ONLINE))
    {
      g_print ("%s%s%s — %s%s\n", _("Status: "), paint (color, RED), status, problem, paint (color, RESET));

      /* What to compare with --pairing-info on the node. */
      if (seye_node_get_tls_fingerprint (node) != NULL &&
          (seye_node_get_state (node) == SEYE_NODE_STATE_NEEDS_PAIRING ||
           seye_node_get_state (node) == SEYE_NODE_STATE_UNTRUSTED))
        {
          g_autofree char *presented = seye_fingerprint_format (seye_node_get_tls_fingerprint (node));

          g_print ("%s%s\n", _("Certificate: "), presented);
        }

      if (sample == NULL)
        return;
    }
  else
    {
      gboolean alerting = seye_node_get_alerting (node);

      g_print ("%s%s%s%s\n", _("Status: "), paint (color && alerting, RED), status,
               paint (color && alerting, RESET));
    }

  if (sample->parts & SEYE_SAMPLE_MEMORY)
    {
      g_autofree char *memory = memory_text (sample);
      gboolean high = seye_sample_get_memory_percent (sample) >= rules->memory_threshold;

      g_print ("%s%s%s%s\n", _("Memory Usage: "), paint (color && high, RED), memory,
               paint (color && high, RESET));
    }

  if (sample->parts & (SEYE_SAMPLE_CPU | SEYE_SAMPLE_LOAD))
    {
      g_autofree char *cpu = seye_format_percent (sample->parts & SEYE_SAMPLE_CPU ? sample->cpu.busy : -1);
      g_autofree char *load = sample->parts & SEYE_SAMPLE_LOAD ? seye_format_load (sample->load) : g_strdup ("–");
      gboolean high = (sample->parts & SEYE_SAMPLE_CPU) && sample->cpu.busy >= rules->cpu_threshold;
      guint cores = seye_cli_node_n_cores (node);

      g_print ("%s%s%s%s ", _("CPU Load: "), paint (color && high, RED), cpu, paint (color && high, RESET));
      g_print (g_dngettext (NULL, "(%u core)", "(%u cores)", cores), cores);
      g_print ("   %s%s\n", _("Load: "), load);
    }

  if (sample->parts & SEYE_SAMPLE_PROCESSES)
    g_print ("%s%u\n", _("Process Count: "), sample->procs_total);

  if (sample->parts & SEYE_SAMPLE_UPTIME)
    {
      g_autofree char *uptime = seye_format_duration (sample->uptime);

      g_print ("%s%s\n", _("Uptime: "), uptime);
    }

  if (fetch->processes != NULL)
    print_block_processes (fetch, node, color);
}

/* Table output ------------------------------------------------------------- */

enum {
  COL_NAME,
  COL_ADDRESS,
  COL_STATUS,
  COL_CPU,
  COL_CORES,
  COL_MEMORY,
  COL_MEM_PERCENT,
  COL_LOAD,
  COL_PROCS,
  COL_UPTIME,
  COL_ERROR,
  N_COLS
};

static gboolean
col_right_aligned (guint col)
{
  return col == COL_CPU || col == COL_CORES || col == COL_MEMORY ||
         col == COL_MEM_PERCENT || col == COL_PROCS;
}

static GStrv
table_row (SeyeNode *node)
{
  SeyeSample *sample = seye_node_get_sample (node);
  GStrv row = g_new0 (char *, N_COLS + 1);
  g_autofree char *problem = seye_sanitize_display (seye_cli_node_problem (node, TRUE));

  row[COL_NAME] = seye_sanitize_display (seye_node_get_name (node));
  row[COL_ADDRESS] = seye_cli_display_address (node);
  row[COL_STATUS] = seye_node_column_format_status (node, seye_clock_get_real_ms ());
  row[COL_CORES] = seye_cli_node_n_cores (node) > 0 ? g_strdup_printf ("%u", seye_cli_node_n_cores (node)) : g_strdup ("–");
  if (problem != NULL && seye_node_get_state (node) != SEYE_NODE_STATE_ONLINE)
    row[COL_ERROR] = g_strdup (problem);
  else
    row[COL_ERROR] = g_strdup (seye_node_get_conflict (node) ? seye_node_get_conflict (node) : "");

  row[COL_CPU] = seye_node_column_format (node, SEYE_NODE_COLUMN_CPU);

  if (sample != NULL && (sample->parts & SEYE_SAMPLE_MEMORY))
    {
      g_autofree char *used = seye_format_bytes (sample->memory.used);
      g_autofree char *total = seye_format_bytes (sample->memory.total);

      row[COL_MEMORY] = g_strdup_printf ("%s / %s", used, total);
      row[COL_MEM_PERCENT] = seye_format_percent (seye_sample_get_memory_percent (sample));
    }
  else
    {
      row[COL_MEMORY] = g_strdup ("–");
      row[COL_MEM_PERCENT] = g_strdup ("–");
    }

  row[COL_LOAD] = sample && (sample->parts & SEYE_SAMPLE_LOAD) ? seye_format_load (sample->load)
                                                               : g_strdup ("–");
  row[COL_PROCS] = seye_node_column_format (node, SEYE_NODE_COLUMN_PROCESSES);
  row[COL_UPTIME] = seye_format_duration (sample && (sample->parts & SEYE_SAMPLE_UPTIME) ? sample->uptime : -1);

  return row;
}

/* The node's processes under its row, indented, or why there are none. */
static void
print_table_processes (Fetch    *fetch,
                       SeyeNode *node,
                       gboolean  color)
{
  SeyeCliFetchProcesses *answer = g_hash_table_lookup (fetch->processes, node);
  const char *title = seye_cli_process_sort_title (fetch->process_sort);
  g_autoptr (GString) out = g_string_new (NULL);

  /* A node without a sample says why in its row. */
  if (seye_node_get_sample (node) == NULL)
    return;

  if (answer == NULL || answer->list == NULL)
    {
      const char *why = _seye_cli_fetch_processes_error (fetch->processes, node);
      g_autofree char *problem = seye_sanitize_display (why);

      g_string_append_printf (out, "    %s%s%s\n", paint (color, RED), problem, paint (color, RESET));
      g_string_prepend (out, "\n");
      g_string_prepend (out, _("Top processes: not available"));
      g_string_prepend (out, "    ");
    }
  else
    {
      g_autofree char *totals = seye_cli_process_totals (answer->list);

      /* TRANSLATORS: "Top processes (by CPU): 312 processes, 3 not readable" */
      g_string_append (out, "    ");
      g_string_append_printf (out, _("Top processes (by %s): %s"), title, totals);
      g_string_append_c (out, '\n');
      seye_cli_append_processes (out, answer->list, fetch->process_sort, "    ", color);
    }

  fputs (out->str, stdout);
}

static void
print_table (Fetch     *fetch,
             GPtrArray *nodes,
             gboolean   color)
{
  const char *headers[N_COLS] = {
    _("NAME"), _("ADDRESS"), _("STATUS"), _("CPU"), _("CORES"), _("MEMORY"), _("MEM"),
    _("LOAD"), _("PROCS"), _("UPTIME"), _("ERROR"),
  };
  g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  guint widths[N_COLS];
  gboolean any_error = FALSE;

  for (guint i = 0; i < nodes->len; i++)
    {
      GStrv row = table_row (nodes->pdata[i]);

      any_error |= row[COL_ERROR][0] != '\0';
      g_ptr_array_add (rows, row);
    }
  seye_cli_table_widths (headers, rows, N_COLS, widths);

  for (guint r = 0; r <= rows->len; r++)
    {
      const char * const *row = r == 0 ? headers : rows->pdata[r - 1];
      guint last = any_error ? COL_ERROR : COL_UPTIME;
      gboolean bad = r > 0 && row[COL_ERROR][0] != '\0';
      g_autoptr (GString) line = g_string_new (NULL);

      for (guint c = 0; c <= last; c++)
        {
          if (c > 0)
            g_string_append (line, "  ");
          if (bad && (c == COL_STATUS || c == COL_ERROR))
            g_string_append (line, paint (color, RED));
          seye_cli_append_padded (line, row[c], c == last ? 0 : widths[c], col_right_aligned (c));
          if (bad && (c == COL_STATUS || c == COL_ERROR))
            g_string_append (line, paint (color, RESET));
        }

      /* No trailing blanks when the last column is empty. */
      while (line->len > 0 && line->str[line->len - 1] == ' ')
        g_string_truncate (line, line->len - 1);

      if (r == 0 && color)
        g_print ("%s%s%s\n", BOLD, line->str, RESET);
      else
        g_print ("%s\n", line->str);

      if (r > 0 && fetch->processes != NULL)
        print_table_processes (fetch, nodes->pdata[r - 1], color);
    }
}

/* Command ------------------------------------------------------------------ */

static GOptionContext *
new_option_context (void)
{
  const char *summary = _("Finds Sorcerer's Eye agents over mDNS (and any --host), fetches every\n"
                          "node in parallel, prints what each said and exits. Nodes that cannot be\n"
                          "reached are listed with their error.");
  GOptionContext *context = NULL;
  g_autofree char *description = NULL;

  g_autofree GOptionEntry *prometheus_entries = seye_cli_prometheus_option_entries (&opt_prometheus);

  context = seye_cli_option_context_new (_("- print the metrics of every node once"), entries, summary);
  g_option_context_add_main_entries (context, prometheus_entries, GETTEXT_PACKAGE);
  description = g_strdup_printf (_("Exit status:\n"
                                   "  0  every node answered\n"
                                   "  1  some nodes did not answer (they are listed with their error)\n"
                                   "  2  no node was found, or the arguments were wrong\n"
                                   "\n"
                                   "Sizes are decimal (1 GB = 1000000000 bytes). Colour is used on a terminal\n"
                                   "only, and never when NO_COLOR is set.\n"
                                   "\n"
                                   "Examples:\n"
                                   "  seye fetch\n"
                                   "  seye fetch --table --sort cpu\n"
                                   "  seye fetch --processes 5 --process-sort memory\n"
                                   "  seye fetch --no-discovery --host 192.168.1.20 --host build:%d --json\n"
                                   "  seye fetch --host https://192.168.1.20:%d --pin SHA256:AB:CD:… --token-file token\n"
                                   "  seye fetch --prometheus http://prometheus:9090 --json\n"
                                   "\n%s"),
                                 SEYE_DEFAULT_PORT, SEYE_DEFAULT_PORT, seye_cli_prometheus_help ());
  g_option_context_set_description (context, description);

  return context;
}

/* The options, checked: FALSE (and the reason printed) when they are wrong. */
static gboolean
parse_options (int             *argc,
               char          ***argv,
               SeyeNodeColumn  *sort,
               SeyeProcessSort *process_sort)
{
  g_autoptr (GOptionContext) context = new_option_context ();
  g_autoptr (GError) error = NULL;

  if (!seye_cli_parse_options (context, "fetch", _("Try “seye fetch --help”."), argc, argv))
    return FALSE;

  if (*argc > 1)
    {
      g_printerr ("seye fetch: %s “%s”\n%s\n", _("unexpected argument"), (*argv)[1],
                  _("Try “seye fetch --help”."));
      return FALSE;
    }

  if (opt_table && opt_json)
    {
      g_printerr ("seye fetch: %s\n", _("--table and --json cannot be used together"));
      return FALSE;
    }

  if (!(opt_discovery_time >= 0 && opt_discovery_time <= 600) || !(opt_timeout > 0 && opt_timeout <= 600))
    {
      g_printerr ("seye fetch: %s\n", _("--discovery-time and --timeout take seconds from 0 to 600"));
      return FALSE;
    }

  if (opt_sort != NULL && !seye_cli_parse_sort (opt_sort, sort, &error))
    {
      g_printerr ("seye fetch: %s\n", error->message);
      return FALSE;
    }

  if (opt_processes < 0 || opt_processes > SEYE_PROCESS_MAX_LIMIT)
    {
      g_printerr ("seye fetch: %s\n", _("--processes takes a number of processes from 1 to 200"));
      return FALSE;
    }

  if (opt_process_sort != NULL && !seye_process_sort_from_string (opt_process_sort, process_sort))
    {
      g_printerr ("seye fetch: %s\n", _("--process-sort takes cpu, memory or io"));
      return FALSE;
    }

  if (opt_process_sort != NULL && opt_processes == 0)
    {
      g_printerr ("seye fetch: %s\n", _("--process-sort goes with --processes N"));
      return FALSE;
    }

  return TRUE;
}

/* Starts fetching the --host nodes and, unless told not to, looking for others. */
static gboolean
start (Fetch   *fetch,
       GError **error)
{
  SeyeCliGatherOptions options = {
    .hosts = opt_hosts,
    .pin = opt_pin,
    .token_file = opt_token_file,
    .discovery_time = opt_discovery_time,
    .timeout = opt_timeout,
    .no_discovery = opt_no_discovery || opt_prometheus.url != NULL,
    .pin_needs_host = TRUE,
    .once = TRUE,
    .prometheus = &opt_prometheus,
  };

  if (opt_processes > 0)
    {
      fetch->processes = g_hash_table_new_full (NULL, NULL, g_object_unref,
                                                (GDestroyNotify) fetch_processes_free);
      fetch->cancellable = g_cancellable_new ();
      fetch->filter = seye_node_column_fold_search (opt_filter);
    }

  return seye_cli_gather_start (&fetch->gather, "fetch", &options, error);
}

/* Why there is nothing to print. */
static void
print_none (Fetch *fetch)
{
  if (g_list_model_get_n_items (G_LIST_MODEL (fetch->gather.monitor)) > 0)
    g_printerr ("seye fetch: %s “%s”\n", _("no node matches"), opt_filter);
  else if (fetch->gather.prometheus != NULL)
    {
      g_autofree char *url = seye_sanitize_display (seye_prometheus_source_get_url (fetch->gather.prometheus));

      /* Translators: %s is the server's URL */
      g_printerr ("seye fetch: ");
      g_printerr (_("no node from Prometheus at %s: it has no target with node_exporter’s metrics"), url);
      g_printerr ("\n");
    }
  else if (fetch->gather.browser == NULL)
    g_printerr ("seye fetch: %s\n", _("no node to fetch: give one with --host HOST[:PORT]"));
  else
    g_printerr ("seye fetch: %s\n",
                _("no node found over mDNS; start sorcerers-eye-agent on a node, or give --host HOST[:PORT]"));

  if (opt_json)
    fputs ("[]\n", stdout);
}

static void
print_nodes (Fetch     *fetch,
             GPtrArray *nodes)
{
  gboolean color = seye_cli_use_color (STDOUT_FILENO);
  SeyeAlertRules rules;

  seye_alert_rules_init_defaults (&rules);

  if (opt_json)
    {
      _seye_cli_fetch_print_json (nodes, fetch->processes, fetch->process_sort);
    }
  else if (opt_table)
    {
      print_table (fetch, nodes, color);
    }
  else
    {
      for (guint i = 0; i < nodes->len; i++)
        {
          if (i > 0)
            g_print ("\n");
          print_block (fetch, nodes->pdata[i], color, &rules);
        }
    }

  fflush (stdout);
}

int
seye_cli_fetch (int    argc,
                char **argv)
{
  g_auto (Fetch) fetch = { 0 };
  g_autoptr (GPtrArray) nodes = NULL;
  g_autoptr (GError) error = NULL;
  SeyeNodeColumn sort = SEYE_NODE_COLUMN_NAME;
  guint answered = 0;

  if (!parse_options (&argc, &argv, &sort, &fetch.process_sort))
    return SEYE_EXIT_USAGE;

  if (!start (&fetch, &error))
    {
      g_printerr ("seye fetch: %s\n", error->message);
      return SEYE_EXIT_USAGE;
    }

  run (&fetch);

  /* How the server is, when not well (sanitised by the source). */
  if (fetch.gather.prometheus != NULL &&
      seye_prometheus_source_get_status_message (fetch.gather.prometheus) != NULL)
    g_printerr ("seye fetch: %s\n", seye_prometheus_source_get_status_message (fetch.gather.prometheus));

  nodes = seye_cli_collect_nodes (fetch.gather.monitor, opt_filter, sort);

  if (nodes->len == 0)
    {
      print_none (&fetch);
      return SEYE_EXIT_USAGE;
    }

  for (guint i = 0; i < nodes->len; i++)
    if (seye_node_get_sample (nodes->pdata[i]) != NULL)
      answered++;

  print_nodes (&fetch, nodes);

  return answered == nodes->len ? SEYE_EXIT_OK : SEYE_EXIT_PARTIAL;
}
