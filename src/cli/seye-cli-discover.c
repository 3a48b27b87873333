/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `seye discover`: the agents found over mDNS (and given with --host), as a
 * table or as Prometheus file_sd targets; once, or kept current in a file. */
#define G_LOG_DOMAIN "seye-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "seye-cli-discover.h"
#include "seye-cli-discover-private.h"
#include "seye-sanitize.h"

static char **opt_hosts;
static double opt_discovery_time = 1.5;
static double opt_timeout = 5.0;
static gboolean opt_no_discovery;
static char *opt_format;
static char *opt_output;
static gboolean opt_watch;
static double opt_grace = -1;
static char *opt_pin;
static char *opt_token_file;

static const GOptionEntry entries[] = {
  { "format", 'f', 0, G_OPTION_ARG_STRING, &opt_format,
    N_("table (default: one row per agent) or prometheus (file_sd JSON)"), N_("FORMAT") },
  { "output", 'o', 0, G_OPTION_ARG_FILENAME, &opt_output,
    N_("Write the file_sd JSON to FILE (atomically) instead of standard output"), N_("FILE") },
  { "watch", 'w', 0, G_OPTION_ARG_NONE, &opt_watch,
    N_("Keep --output FILE current as agents come and go, until SIGTERM or SIGINT"), NULL },
  { "grace", 'g', 0, G_OPTION_ARG_DOUBLE, &opt_grace,
    N_("With --watch: an agent gone from mDNS leaves FILE after this long (default 300)"), N_("SECONDS") },
  { "host", 'H', 0, G_OPTION_ARG_STRING_ARRAY, &opt_hosts,
    N_("A target by hand as well (repeat for more; default port 7373; https:// for TLS)"), N_("HOST[:PORT]") },
  { "discovery-time", 't', 0, G_OPTION_ARG_DOUBLE, &opt_discovery_time,
    N_("Look for agents over mDNS for at most this long (default 1.5; ends early when answers "
       "stop); with --watch, before FILE is first written"), N_("SECONDS") },
  { "no-discovery", 'n', 0, G_OPTION_ARG_NONE, &opt_no_discovery,
    N_("Do not look for agents over mDNS; only --host"), NULL },
  { "timeout", 'T', 0, G_OPTION_ARG_DOUBLE, &opt_timeout,
    N_("Give a --host node this long to say who it is (default 5)"), N_("SECONDS") },
  { "pin", 0, 0, G_OPTION_ARG_STRING, &opt_pin,
    N_("The certificate fingerprint of the --host https:// nodes, as “sorcerers-eye-agent --pairing-info” prints it"),
    N_("SHA256:AB:CD:…") },
  { "token-file", 0, 0, G_OPTION_ARG_FILENAME, &opt_token_file,
    N_("Send the token in FILE to the --host https:// nodes, only when they present the --pin certificate"),
    N_("FILE") },
  { NULL }
};

/* Options ------------------------------------------------------------------ */

static GOptionContext *
new_option_context (void)
{
  const char *summary = _("Lists the Sorcerer's Eye agents found over mDNS (and any --host): as a table,\n"
                          "or as targets for Prometheus' file-based service discovery (file_sd), once\n"
                          "or kept current in a file that Prometheus reads.");
  GOptionContext *context = seye_cli_option_context_new (_("- list the agents, or feed them to Prometheus"),
                                                         entries, summary);
  g_autofree char *description = NULL;

  description = g_strdup_printf (_("Labels of each target: node (its name), node_id, agent_version, tags\n"
                                   "(\",web,eu-1,\": match one with =~\".*,web,.*\"), scheme (http or https),\n"
                                   "auth (\"token\" when the agent wants its token), and __scheme__ and\n"
                                   "__metrics_path__, which Prometheus uses to scrape. Values come from the\n"
                                   "network and are written sanitised.\n"
                                   "\n"
                                   "With --watch, FILE is rewritten (temporary file, fsync, rename) only when\n"
                                   "it changes. An agent gone from mDNS stays in it for --grace seconds; while\n"
                                   "avahi-daemon is away nothing leaves it. What FILE held before is kept for\n"
                                   "the grace time too. Changes are said on standard error.\n"
                                   "\n"
                                   "Exit status: 0 agents were found (or --watch was stopped), 2 none was\n"
                                   "found (FILE is then left as it is) or the arguments were wrong.\n"
                                   "\n"
                                   "Examples:\n"
                                   "  seye discover\n"
                                   "  seye discover --format prometheus\n"
                                   "  seye discover --format prometheus --watch --output /var/lib/seye-discover/targets.json\n"
                                   "  seye discover --format prometheus --host 192.168.1.20 --host https://build:%d\n"),
                                 SEYE_DEFAULT_PORT);
  g_option_context_set_description (context, description);

  return context;
}

static gboolean
fail_usage (const char *message)
{
  g_printerr ("seye discover: %s\n%s\n", message, _("Try “seye discover --help”."));

  return FALSE;
}

/* The options, checked: FALSE (and the reason printed) when they are wrong. */
static gboolean
parse_options (int        *argc,
               char     ***argv,
               gboolean   *prometheus)
{
  g_autoptr (GOptionContext) context = new_option_context ();

  if (!seye_cli_parse_options (context, "discover", _("Try “seye discover --help”."), argc, argv))
    return FALSE;

  if (*argc > 1)
    {
      g_autofree char *message = g_strdup_printf ("%s “%s”", _("unexpected argument"), (*argv)[1]);

      return fail_usage (message);
    }

  if (opt_format != NULL && !g_str_equal (opt_format, "table") && !g_str_equal (opt_format, "prometheus"))
    return fail_usage (_("--format takes table or prometheus"));
  *prometheus = opt_format != NULL && g_str_equal (opt_format, "prometheus");

  if (opt_output != NULL && !*prometheus)
    return fail_usage (_("--output writes Prometheus targets: add --format prometheus"));
  if (opt_watch && (!*prometheus || opt_output == NULL))
    return fail_usage (_("--watch keeps a file current: give --format prometheus and --output FILE"));
  if (opt_grace >= 0 && !opt_watch)
    return fail_usage (_("--grace goes with --watch"));
  if (opt_grace < 0)
    opt_grace = SEYE_CLI_DISCOVER_DEFAULT_GRACE;
  if (!(opt_grace <= 7 * 24 * 3600))
    return fail_usage (_("--grace takes seconds from 0 to 604800 (a week)"));
  if (!(opt_discovery_time >= 0 && opt_discovery_time <= 600) || !(opt_timeout > 0 && opt_timeout <= 600))
    return fail_usage (_("--discovery-time and --timeout take seconds from 0 to 600"));
  if (opt_no_discovery && (opt_hosts == NULL || opt_hosts[0] == NULL))
    return fail_usage (_("nothing to discover: give --host HOST[:PORT], or drop --no-discovery"));

  return TRUE;
}

/* Table -------------------------------------------------------------------- */

enum {
  COL_NAME,
  COL_ADDRESS,
  COL_SCHEME,
  COL_AUTH,
  COL_NODE_ID,
  COL_VERSION,
  COL_TAGS,
  N_COLS
};

static GStrv
table_row (const SeyePrometheusTarget *target)
{
  GStrv row = g_new0 (char *, N_COLS + 1);
  g_autofree char *tags = target->tags != NULL ? g_strjoinv (",", target->tags) : NULL;

  row[COL_NAME] = seye_sanitize_display (target->name);
  row[COL_ADDRESS] = seye_sanitize_display (target->address);
  row[COL_SCHEME] = g_strdup (target->tls ? "https" : "http");
  row[COL_AUTH] = g_strdup (target->auth_token ? "token" : "–");
  row[COL_NODE_ID] = seye_sanitize_display (target->node_id != NULL ? target->node_id : "–");
  row[COL_VERSION] = seye_sanitize_display (target->agent_version != NULL ? target->agent_version : "–");
  row[COL_TAGS] = seye_sanitize_display (tags != NULL ? tags : "–");

  return row;
}

static void
print_table (GPtrArray *targets)
{
  const char *headers[N_COLS] = {
    _("NAME"), _("ADDRESS"), _("SCHEME"), _("AUTH"), _("NODE ID"), _("VERSION"), _("TAGS"),
  };
  g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  guint widths[N_COLS];

  for (guint i = 0; i < targets->len; i++)
    g_ptr_array_add (rows, table_row (targets->pdata[i]));
  seye_cli_table_widths (headers, rows, N_COLS, widths);

  for (guint r = 0; r <= rows->len; r++)
    {
      const char * const *row = r == 0 ? headers : rows->pdata[r - 1];
      g_autoptr (GString) line = g_string_new (NULL);

      for (guint c = 0; c < N_COLS; c++)
        {
          if (c > 0)
            g_string_append (line, "  ");
          seye_cli_append_padded (line, row[c], c == N_COLS - 1 ? 0 : widths[c], FALSE);
        }
      g_print ("%s\n", line->str);
    }
}

/* Once --------------------------------------------------------------------- */

static void
service_resolved_cb (SeyeCliDiscoverTargets *targets,
                     SeyeServiceInfo        *info)
{
  _seye_cli_discover_targets_resolved (targets, info);
}

static void
service_removed_cb (SeyeCliDiscoverTargets *targets,
                    const char             *key)
{
  _seye_cli_discover_targets_removed (targets, key);
}

/* Why there is nothing to list. */
static void
print_none (SeyeCliGather *gather)
{
  if (gather->browser == NULL)
    g_printerr ("seye discover: %s\n", _("no target: give one with --host HOST[:PORT]"));
  else if (!seye_browser_get_available (gather->browser))
    g_printerr ("seye discover: %s\n", _("no agent found: agents cannot be found over mDNS here (above: why)"));
  else
    g_printerr ("seye discover: %s\n",
                _("no agent found over mDNS; start sorcerers-eye-agent on a node, or give --host HOST[:PORT]"));

  if (opt_output != NULL)
    {
      g_autofree char *shown = seye_sanitize_display (opt_output);

      g_printerr ("seye discover: ");
      g_printerr (_("%s is left as it is"), shown);
      g_printerr ("\n");
    }
}

static int
print_once (SeyeCliGather *gather,
            gboolean       prometheus)
{
  SeyeCliDiscoverTargets targets;
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *contents = NULL;

  _seye_cli_discover_targets_init (&targets, 0, NULL);
  if (gather->browser != NULL)
    {
      g_signal_connect_swapped (gather->browser, "service-resolved", G_CALLBACK (service_resolved_cb), &targets);
      g_signal_connect_swapped (gather->browser, "service-removed", G_CALLBACK (service_removed_cb), &targets);
    }

  seye_cli_gather_wait (gather, seye_cli_gather_settled, NULL);

  if (gather->browser != NULL)
    g_signal_handlers_disconnect_by_data (gather->browser, &targets);
  _seye_cli_discover_targets_update (&targets, gather->monitor, g_get_monotonic_time (), TRUE, FALSE);
  list = _seye_cli_discover_targets_list (&targets);

  if (list->len == 0)
    {
      print_none (gather);
      if (prometheus && opt_output == NULL)
        fputs ("[]\n", stdout);
      _seye_cli_discover_targets_clear (&targets);
      return SEYE_EXIT_USAGE;
    }

  if (!prometheus)
    print_table (list);
  else if (opt_output == NULL)
    fputs ((contents = seye_prometheus_sd_write (list)), stdout);
  else if (!_seye_cli_discover_write_file (opt_output, (contents = seye_prometheus_sd_write (list)), &error))
    g_printerr ("seye discover: %s\n", error->message);

  fflush (stdout);
  _seye_cli_discover_targets_clear (&targets);

  return error == NULL ? SEYE_EXIT_OK : SEYE_EXIT_USAGE;
}

int
seye_cli_discover (int    argc,
                   char **argv)
{
  g_auto (SeyeCliGather) gather = { 0 };
  g_autoptr (GError) error = NULL;
  gboolean prometheus = FALSE;
  SeyeCliGatherOptions options = { 0 };

  if (!parse_options (&argc, &argv, &prometheus))
    return SEYE_EXIT_USAGE;

  options.hosts = opt_hosts;
  options.pin = opt_pin;
  options.token_file = opt_token_file;
  options.discovery_time = opt_discovery_time;
  options.timeout = opt_timeout;
  options.no_discovery = opt_no_discovery;
  options.pin_needs_host = TRUE;
  options.once = TRUE;
  options.browse_only = TRUE;

  if (!seye_cli_gather_start (&gather, "discover", &options, &error))
    {
      g_printerr ("seye discover: %s\n", error->message);
      return SEYE_EXIT_USAGE;
    }

  if (opt_watch)
    {
      SeyeCliDiscoverWatchOptions watch = { .output = opt_output, .grace = opt_grace };

      return _seye_cli_discover_watch (&gather, &watch);
    }

  return print_once (&gather, prometheus);
}
