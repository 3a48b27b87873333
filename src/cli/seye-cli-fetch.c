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
#include "seye-clock.h"
#include "seye-node-column.h"
#include "seye-error.h"
#include "seye-format.h"
#include "seye-json.h"
#include "seye-monitor.h"
#include "seye-sanitize.h"

#define QUIET_MS 300   /* discovery ends this long after the last answer, once Avahi says "all for now" */

#define BOLD  "\033[1m"
#define RED   "\033[31m"
#define GREEN "\033[32m"
#define DIM   "\033[2m"
#define RESET "\033[0m"

typedef struct
{
  SeyeMonitor *monitor;
  SeyeBrowser *browser;
  gint64       last_answer;     /* monotonic µs of the last discovery event */
  gboolean     all_for_now;
} Fetch;

static void
fetch_clear (Fetch *fetch)
{
  g_clear_object (&fetch->browser);
  g_clear_object (&fetch->monitor);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Fetch, fetch_clear)

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
    N_("Show only nodes whose name, address or id contains TEXT"), N_("TEXT") },
  { "pin", 0, 0, G_OPTION_ARG_STRING, &opt_pin,
    N_("The certificate fingerprint of the --host https:// nodes, as “sorcerers-eye-agent --pairing-info” prints it"),
    N_("SHA256:AB:CD:…") },
  { "token-file", 0, 0, G_OPTION_ARG_FILENAME, &opt_token_file,
    N_("Send the token in FILE to the --host https:// nodes, only when they present the --pin certificate"),
    N_("FILE") },
  { NULL }
};

/* Waiting ------------------------------------------------------------------ */

static void
service_resolved_cb (Fetch           *fetch,
                     SeyeServiceInfo *info)
{
  fetch->last_answer = g_get_monotonic_time ();
  seye_monitor_add_service (fetch->monitor, info);
}

static void
all_for_now_cb (Fetch *fetch)
{
  fetch->all_for_now = TRUE;
  fetch->last_answer = MAX (fetch->last_answer, g_get_monotonic_time ());
}

static gboolean
node_settled (SeyeNode *node)
{
  switch (seye_node_get_state (node))
    {
    case SEYE_NODE_STATE_OFFLINE:
    case SEYE_NODE_STATE_INCOMPATIBLE:
    case SEYE_NODE_STATE_NEEDS_PAIRING:
    case SEYE_NODE_STATE_UNTRUSTED:
    case SEYE_NODE_STATE_NOT_RESPONDING:
      return TRUE;
    case SEYE_NODE_STATE_STALE:
      return seye_node_get_sample (node) != NULL || seye_node_get_error (node) != NULL;
    case SEYE_NODE_STATE_CONNECTING:
    case SEYE_NODE_STATE_ONLINE:
    default:
      return seye_node_get_sample (node) != NULL;
    }
}

static gboolean
all_settled (SeyeMonitor *monitor)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (monitor));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (SeyeNode) node = g_list_model_get_item (G_LIST_MODEL (monitor), i);

      if (!node_settled (node))
        return FALSE;
    }

  return TRUE;
}

static gboolean
wakeup_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static void
run (Fetch *fetch)
{
  gint64 start = g_get_monotonic_time ();
  gint64 discovery_end = start + (gint64) (opt_discovery_time * G_USEC_PER_SEC);
  gint64 deadline = discovery_end + (gint64) (opt_timeout * G_USEC_PER_SEC);
  guint tick = g_timeout_add (50, wakeup_cb, NULL);

  for (;;)
    {
      gint64 now = g_get_monotonic_time ();
      gboolean discovering = fetch->browser != NULL &&
                             seye_browser_get_available (fetch->browser) &&
                             now < discovery_end &&
                             !(fetch->all_for_now && now - fetch->last_answer >= QUIET_MS * 1000);

      /* An id announced at two addresses may be two machines: wait for the answer. */
      if (!discovering && all_settled (fetch->monitor) && !seye_monitor_get_vetting (fetch->monitor))
        break;

      if (now >= deadline)
        break;

      g_main_context_iteration (NULL, TRUE);
    }

  g_source_remove (tick);
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

guint
_seye_cli_fetch_n_cores (SeyeNode *node)
{
  const SeyeNodeInfo *info = seye_node_get_info (node);
  SeyeSample *sample = seye_node_get_sample (node);

  if (info != NULL && info->n_cores > 0)
    return info->n_cores;

  return sample != NULL ? sample->cores->len : 0;
}

const char *
_seye_cli_fetch_problem_text (SeyeNode *node)
{
  const char *error = seye_node_get_error (node);

  /* The core's words are the app's; here the way out is two options. */
  if (seye_node_get_state (node) == SEYE_NODE_STATE_NEEDS_PAIRING)
    {
      if (seye_node_get_paired (node))
        return _("the node refused the token of --token-file");
      if (!seye_node_get_tls (node))
        return _("it wants a token, but it does not use HTTPS: start its agent with --tls");
      return _("give --host https://HOST:PORT --pin SHA256:… --token-file FILE "
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

static void
print_block (SeyeNode *node,
             gboolean  color,
             const SeyeAlertRules *rules)
{
  SeyeSample *sample = seye_node_get_sample (node);
  g_autofree char *address = seye_cli_display_address (node);
  g_autofree char *name = seye_sanitize_display (seye_node_get_name (node));
  g_autofree char *problem = seye_sanitize_display (_seye_cli_fetch_problem_text (node));
  g_autofree char *status = seye_node_column_format_status (node, seye_clock_get_real_ms ());

  g_print ("%s%s%s%s (%s)\n", _("Node: "), paint (color, BOLD), name, paint (color, RESET), address);

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
      guint cores = _seye_cli_fetch_n_cores (node);

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
  g_autofree char *problem = seye_sanitize_display (_seye_cli_fetch_problem_text (node));

  row[COL_NAME] = seye_sanitize_display (seye_node_get_name (node));
  row[COL_ADDRESS] = seye_cli_display_address (node);
  row[COL_STATUS] = seye_node_column_format_status (node, seye_clock_get_real_ms ());
  row[COL_CORES] = _seye_cli_fetch_n_cores (node) > 0 ? g_strdup_printf ("%u", _seye_cli_fetch_n_cores (node)) : g_strdup ("–");
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

static void
append_padded (GString    *line,
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

static void
print_table (GPtrArray *nodes,
             gboolean   color)
{
  const char *headers[N_COLS] = {
    _("NAME"), _("ADDRESS"), _("STATUS"), _("CPU"), _("CORES"), _("MEMORY"), _("MEM"),
    _("LOAD"), _("PROCS"), _("UPTIME"), _("ERROR"),
  };
  g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  guint widths[N_COLS];
  gboolean any_error = FALSE;

  for (guint c = 0; c < N_COLS; c++)
    widths[c] = g_utf8_strlen (headers[c], -1);

  for (guint i = 0; i < nodes->len; i++)
    {
      GStrv row = table_row (nodes->pdata[i]);

      for (guint c = 0; c < N_COLS; c++)
        widths[c] = MAX (widths[c], (guint) g_utf8_strlen (row[c], -1));
      any_error |= row[COL_ERROR][0] != '\0';
      g_ptr_array_add (rows, row);
    }

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
          append_padded (line, row[c], c == last ? 0 : widths[c], col_right_aligned (c));
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
    }
}

/* Command ------------------------------------------------------------------ */

/* --pin and --token-file: a pairing for each --host https:// node, by its address. */
static gboolean
add_pairings (SeyeMonitor  *monitor,
              GError      **error)
{
  g_autofree char *fingerprint = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *token = NULL;
  g_autoptr (GError) local_error = NULL;
  guint n_https = 0;
  gsize length;
  guint n;

  if (opt_pin == NULL && opt_token_file == NULL)
    return TRUE;

  if (opt_pin == NULL || opt_token_file == NULL)
    {
      g_set_error_literal (error, SEYE_ERROR, SEYE_ERROR_CONFIG,
                           _("--pin and --token-file go together: a token is only sent to the pinned certificate"));
      return FALSE;
    }

  fingerprint = seye_fingerprint_parse (opt_pin, error);
  if (fingerprint == NULL)
    return FALSE;

  if (!g_file_get_contents (opt_token_file, &contents, &length, &local_error))
    {
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG, _("Cannot read the token: %s"), local_error->message);
      return FALSE;
    }

  token = seye_token_parse (contents, &local_error);
  memset (contents, 0, length);
  if (token == NULL)
    {
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG, "%s: %s", opt_token_file, local_error->message);
      return FALSE;
    }

  n = g_list_model_get_n_items (G_LIST_MODEL (monitor));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (SeyeNode) node = g_list_model_get_item (G_LIST_MODEL (monitor), i);
      g_autoptr (SeyePairing) pairing = NULL;

      if (!seye_node_get_tls (node))
        continue;

      pairing = seye_pairing_new (seye_node_get_address (node), NULL, fingerprint, token);
      seye_credentials_add (seye_monitor_get_credentials (monitor), pairing);
      n_https++;
    }

  memset (token, 0, strlen (token));

  if (n_https == 0)
    {
      g_set_error_literal (error, SEYE_ERROR, SEYE_ERROR_CONFIG,
                           _("--pin and --token-file apply to --host https://HOST:PORT; no such --host was given"));
      return FALSE;
    }

  return TRUE;
}

static GOptionContext *
new_option_context (void)
{
  const char *summary = _("Finds Sorcerer's Eye agents over mDNS (and any --host), fetches every\n"
                          "node in parallel, prints what each said and exits. Nodes that cannot be\n"
                          "reached are listed with their error.");
  GOptionContext *context = NULL;
  g_autofree char *description = NULL;

  context = seye_cli_option_context_new (_("- print the metrics of every node once"), entries, summary);
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
                                   "  seye fetch --no-discovery --host 192.168.1.20 --host build:%d --json\n"
                                   "  seye fetch --host https://192.168.1.20:%d --pin SHA256:AB:CD:… --token-file token\n"),
                                 SEYE_DEFAULT_PORT, SEYE_DEFAULT_PORT);
  g_option_context_set_description (context, description);

  return context;
}

/* The options, checked: FALSE (and the reason printed) when they are wrong. */
static gboolean
parse_options (int             *argc,
               char          ***argv,
               SeyeNodeColumn  *sort)
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

  return TRUE;
}

/* Starts fetching the --host nodes and, unless told not to, looking for others. */
static gboolean
start (Fetch   *fetch,
       GError **error)
{
  fetch->monitor = seye_monitor_new ();
  seye_monitor_set_fetch_history (fetch->monitor, FALSE);
  seye_monitor_set_interval (fetch->monitor, 0.5);

  if (!seye_cli_add_hosts (fetch->monitor, opt_hosts, error) ||
      !add_pairings (fetch->monitor, error))
    return FALSE;

  seye_monitor_start (fetch->monitor);

  if (!opt_no_discovery && opt_discovery_time > 0)
    {
      fetch->browser = seye_browser_new ();
      g_signal_connect_swapped (fetch->browser, "service-resolved",
                                G_CALLBACK (service_resolved_cb), fetch);
      g_signal_connect_swapped (fetch->browser, "all-for-now",
                                G_CALLBACK (all_for_now_cb), fetch);
      seye_browser_start (fetch->browser);

      if (!seye_browser_get_available (fetch->browser) &&
          seye_browser_get_status_message (fetch->browser) != NULL)
        g_printerr ("seye fetch: %s\n", seye_browser_get_status_message (fetch->browser));
    }

  return TRUE;
}

/* Why there is nothing to print. */
static void
print_none (Fetch *fetch)
{
  if (g_list_model_get_n_items (G_LIST_MODEL (fetch->monitor)) > 0)
    g_printerr ("seye fetch: %s “%s”\n", _("no node matches"), opt_filter);
  else if (fetch->browser == NULL)
    g_printerr ("seye fetch: %s\n", _("no node to fetch: give one with --host HOST[:PORT]"));
  else
    g_printerr ("seye fetch: %s\n",
                _("no node found over mDNS; start sorcerers-eye-agent on a node, or give --host HOST[:PORT]"));

  if (opt_json)
    fputs ("[]\n", stdout);
}

static void
print_nodes (GPtrArray *nodes)
{
  gboolean color = seye_cli_use_color (STDOUT_FILENO);
  SeyeAlertRules rules;

  seye_alert_rules_init_defaults (&rules);

  if (opt_json)
    {
      _seye_cli_fetch_print_json (nodes);
    }
  else if (opt_table)
    {
      print_table (nodes, color);
    }
  else
    {
      for (guint i = 0; i < nodes->len; i++)
        {
          if (i > 0)
            g_print ("\n");
          print_block (nodes->pdata[i], color, &rules);
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

  if (!parse_options (&argc, &argv, &sort))
    return SEYE_EXIT_USAGE;

  if (!start (&fetch, &error))
    {
      g_printerr ("seye fetch: %s\n", error->message);
      return SEYE_EXIT_USAGE;
    }

  run (&fetch);

  if (fetch.browser != NULL)
    g_signal_handlers_disconnect_by_data (fetch.browser, &fetch);

  nodes = seye_cli_collect_nodes (fetch.monitor, opt_filter, sort);

  if (nodes->len == 0)
    {
      print_none (&fetch);
      return SEYE_EXIT_USAGE;
    }

  for (guint i = 0; i < nodes->len; i++)
    if (seye_node_get_sample (nodes->pdata[i]) != NULL)
      answered++;

  print_nodes (nodes);

  return answered == nodes->len ? SEYE_EXIT_OK : SEYE_EXIT_PARTIAL;
}
