/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * seye-fleet-sim: N simulated agents from one process, for the app, the CLI
 * and the monitor to be measured and tested against a fleet that does not fit
 * on one machine.
 *
 *   seye-fleet-sim [-n N] [--interval S] [--seed S] [--busy F] [--hot F]
 *                  [--offline F] [--offline-every S] [--offline-for S]
 *                  [--bind ADDRESS] [--base-port P | --port 0] [--list FILE]
 *                  [--prefix NAME] [--history S] [--announce] [--no-tags]
 *                  [--stats FILE]
 *
 * Each node is a port of its own (consecutive from --base-port, or free ones
 * with --port 0) with its own node id, name ("sim-0001"…) and machine, and
 * speaks the agent's API (docs/api.md) through the core's own writers
 * (seye-fleet-host.c). Its numbers come from the seed (seye-fleet-model.c):
 * idle and busy nodes, hot ones (CPU pegged, memory or swap nearly full, a
 * filesystem 90 % full), some going offline now and then; each tagged with a
 * role and a rack ("web", "r3") unless --no-tags. --announce announces every
 * node over mDNS (seye-fleet-mdns.c), its tags in its TXT record.
 *
 * Prints "node NAME http://ADDRESS:PORT" for every node on standard output
 * (or into --list FILE, written whole once every node listens); messages go to
 * standard error. SIGTERM or SIGINT: every stream ends with the goodbye line,
 * the announcements are withdrawn, and it exits with 0.
 *
 * --stats FILE: every second, FILE is replaced by one line "served S online O
 * streams T nodes N": S of the O nodes online had a sample go out to a client
 * (a stream line, or an answer to /v1/metrics or /metrics) in the last
 * STATS_WINDOW_S seconds. A bench reads it to check that the program under
 * test really follows every node, not only that it runs.
 */
#define G_LOG_DOMAIN "seye-fleet-sim"

#include "config.h"

#include <glib-unix.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "seye-fleet-host.h"
#include "seye-fleet-mdns.h"
#include "seye-fleet-model.h"
#include "seye-txt.h"

#define MAX_NODES     20000
#define WAKE_MS       100          /* the clock looks for nodes whose sample is due this often */
#define GOODBYE_MS    250
#define STATS_WINDOW_S 3

static int opt_nodes = 100;
static double opt_interval = 1.0;
static gint64 opt_seed = 1;
static double opt_busy = 0.25;
static double opt_hot = 0.02;
static double opt_offline = 0.01;
static double opt_offline_every = 600;
static double opt_offline_for = 30;
static char *opt_bind = (char *) "127.0.0.1";
static int opt_base_port = -1;
static int opt_port = -1;
static char *opt_list;
static char *opt_prefix = (char *) "sim";
static double opt_history = 900;
static gboolean opt_announce;
static gboolean opt_no_tags;
static char *opt_stats;

static const GOptionEntry entries[] = {
  { "nodes", 'n', 0, G_OPTION_ARG_INT, &opt_nodes, "How many nodes (default 100)", "N" },
  { "interval", 0, 0, G_OPTION_ARG_DOUBLE, &opt_interval,
    "Seconds between samples (default 1)", "S" },
  { "seed", 0, 0, G_OPTION_ARG_INT64, &opt_seed,
    "What the fleet is made from (default 1)", "SEED" },
  { "busy", 0, 0, G_OPTION_ARG_DOUBLE, &opt_busy, "Share of busy nodes (default 0.25)", "F" },
  { "hot", 0, 0, G_OPTION_ARG_DOUBLE, &opt_hot,
    "Share of hot nodes: CPU pegged, memory or swap nearly full, a disk 90 % full "
    "(default 0.02)", "F" },
  { "offline", 0, 0, G_OPTION_ARG_DOUBLE, &opt_offline,
    "Share of nodes that go offline now and then (default 0.01)", "F" },
  { "offline-every", 0, 0, G_OPTION_ARG_DOUBLE, &opt_offline_every,
    "Seconds between two outages of such a node, about (default 600)", "S" },
  { "offline-for", 0, 0, G_OPTION_ARG_DOUBLE, &opt_offline_for,
    "Seconds an outage lasts, about (default 30)", "S" },
  { "bind", 0, 0, G_OPTION_ARG_STRING, &opt_bind,
    "Address to listen on (default 127.0.0.1)", "ADDRESS" },
  { "base-port", 0, 0, G_OPTION_ARG_INT, &opt_base_port,
    "The first node's port; the others follow", "P" },
  { "port", 0, 0, G_OPTION_ARG_INT, &opt_port, "0: any free ports (the default)", "0" },
  { "list", 0, 0, G_OPTION_ARG_FILENAME, &opt_list,
    "Write the nodes' addresses here, not to stdout", "FILE" },
  { "prefix", 0, 0, G_OPTION_ARG_STRING, &opt_prefix, "Of the nodes' names (default sim)", "NAME" },
  { "history", 0, 0, G_OPTION_ARG_DOUBLE, &opt_history,
    "Seconds of /v1/history, as the agent's (default 900)", "S" },
  { "announce", 0, 0, G_OPTION_ARG_NONE, &opt_announce, "Announce every node over mDNS", NULL },
  { "no-tags", 0, 0, G_OPTION_ARG_NONE, &opt_no_tags,
    "Give the nodes no tags (by default a role, web, db, build, gpu or storage, and a rack, "
    "r1 to r8)", NULL },
  { "stats", 0, 0, G_OPTION_ARG_FILENAME, &opt_stats,
    "Every second, write into FILE how many online nodes had a sample go out to a client in the "
    "last 3 s", "FILE" },
  { NULL }
};

typedef struct
{
  GPtrArray     *nodes;       /* SeyeFleetNode */
  GPtrArray     *hosts;       /* SeyeFleetHost */
  SeyeFleetMdns *mdns;
  GMainLoop     *loop;
  gint64         start_ms;    /* Unix time of tick 0 */
  gint64         start_us;    /* the same on the monotonic clock */
  guint          clock;
  guint          stats;
  guint          stopping;
} Fleet;

static int
fail (const char *format,
      ...) G_GNUC_PRINTF (1, 2);

static int
fail (const char *format,
      ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_printerr ("seye-fleet-sim: %s\n", message);

  return 2;
}

static gboolean
check_options (GError **error)
{
  const struct { const char *name; double value; } shares[] = {
    { "--busy", opt_busy }, { "--hot", opt_hot }, { "--offline", opt_offline },
  };

  for (guint i = 0; i < G_N_ELEMENTS (shares); i++)
    if (!(shares[i].value >= 0 && shares[i].value <= 1))
      {
        g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                     "%s must be a share from 0 to 1", shares[i].name);
        return FALSE;
      }

  if (opt_nodes < 1 || opt_nodes > MAX_NODES)
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                 "-n must be from 1 to %d", MAX_NODES);
  else if (!(opt_interval >= 0.05 && opt_interval <= 3600))
    g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                         "--interval must be seconds from 0.05 to 3600");
  else if (!(opt_offline_every > 0 && opt_offline_for > 0 && opt_history > 0))
    g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                         "--offline-every, --offline-for and --history must be seconds above 0");
  else if (opt_port > 0 || (opt_port == 0 && opt_base_port >= 0))
    g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                         "give --base-port P for consecutive ports, or --port 0 for free ones");
  else if (opt_prefix[0] == '\0' || strlen (opt_prefix) > 50)
    g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                         "--prefix must be 1 to 50 bytes: a node's name is at most 63");
  else if (opt_base_port >= 0 && (opt_base_port < 1 || opt_base_port + opt_nodes - 1 > 65535))
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                 "--base-port must leave room for %d ports below 65536", opt_nodes);
  else
    return TRUE;

  return FALSE;
}

/* Each node is a listening socket and a few connections. */
static void
raise_file_limit (guint n_nodes)
{
  struct rlimit limit;
  rlim_t wanted = (rlim_t) n_nodes * 4 + 64;

  if (getrlimit (RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= wanted)
    return;

  limit.rlim_cur = MIN (wanted, limit.rlim_max);
  if (setrlimit (RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur < wanted)
    g_warning ("only %lu file descriptors: some nodes may refuse connections (ulimit -n)",
               (unsigned long) limit.rlim_cur);
}

/* Every node whose next sample is due takes it (a node late by more than one
 * interval skips to the current one, as the agent's clock does). */
static gboolean
clock_cb (gpointer data)
{
  Fleet *fleet = data;
  double elapsed_ms = (g_get_monotonic_time () - fleet->start_us) / 1000.0;

  for (guint i = 0; i < fleet->hosts->len; i++)
    {
      SeyeFleetHost *host = fleet->hosts->pdata[i];
      SeyeFleetNode *node = seye_fleet_host_get_node (host);
      gint64 offset_ms = seye_fleet_node_tick_time (node, 0) - fleet->start_ms;
      double since_first = elapsed_ms - (double) offset_ms;

      if (since_first >= 0)
        seye_fleet_host_tick (host, (gint64) floor (since_first / (opt_interval * 1000)));
    }

  return G_SOURCE_CONTINUE;
}

/* --stats: "served S online O streams T nodes N", rewritten whole each second. */
static gboolean
stats_cb (gpointer data)
{
  Fleet *fleet = data;
  gint64 since = g_get_monotonic_time () - STATS_WINDOW_S * G_USEC_PER_SEC;
  guint served = 0, online = 0, streams = 0;
  g_autofree char *line = NULL;
  g_autoptr (GError) error = NULL;

  for (guint i = 0; i < fleet->hosts->len; i++)
    {
      SeyeFleetHost *host = fleet->hosts->pdata[i];

      if (seye_fleet_host_is_offline (host))
        continue;
      online++;
      served += seye_fleet_host_get_served_time (host) >= since;
      streams += seye_fleet_host_get_n_streams (host);
    }

  line = g_strdup_printf ("served %u online %u streams %u nodes %u\n",
                          served, online, streams, fleet->hosts->len);
  if (!g_file_set_contents (opt_stats, line, -1, &error))
    {
      g_warning ("--stats: %s; no more statistics", error->message);
      fleet->stats = 0;
      return G_SOURCE_REMOVE;
    }

  return G_SOURCE_CONTINUE;
}

static gboolean
stop_cb (gpointer data)
{
  Fleet *fleet = data;

  g_main_loop_quit (fleet->loop);

  return G_SOURCE_REMOVE;
}

static gboolean
quit_cb (gpointer data)
{
  Fleet *fleet = data;

  /* A second signal: do not wait for the goodbyes. */
  if (fleet->stopping != 0)
    {
      g_main_loop_quit (fleet->loop);
      return G_SOURCE_CONTINUE;
    }

  g_message ("Stopping (signal)");
  g_clear_handle_id (&fleet->clock, g_source_remove);
  g_clear_pointer (&fleet->mdns, seye_fleet_mdns_free);
  for (guint i = 0; i < fleet->hosts->len; i++)
    seye_fleet_host_say_goodbye (fleet->hosts->pdata[i]);
  fleet->stopping = g_timeout_add (GOODBYE_MS, stop_cb, fleet);

  return G_SOURCE_CONTINUE;
}

static gboolean
listen_all (Fleet   *fleet,
            GError **error)
{
  g_autoptr (GInetAddress) address = g_inet_address_new_from_string (opt_bind);

  if (address == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "--bind %s is not an IP address", opt_bind);
      return FALSE;
    }

  for (guint i = 0; i < fleet->nodes->len; i++)
    {
      SeyeFleetHost *host = seye_fleet_host_new (fleet->nodes->pdata[i], opt_history);
      guint16 port = opt_base_port > 0 ? (guint16) (opt_base_port + i) : 0;

      g_ptr_array_add (fleet->hosts, host);
      if (!seye_fleet_host_listen (host, address, port, error))
        {
          g_prefix_error (error, "node %u, port %u: ", i + 1, port);
          return FALSE;
        }
    }

  return TRUE;
}

/* "node NAME http://ADDRESS:PORT" a line, to stdout or into --list FILE whole. */
static gboolean
write_list (Fleet   *fleet,
            GError **error)
{
  g_autoptr (GString) str = g_string_new (NULL);
  gboolean v6 = strchr (opt_bind, ':') != NULL;

  for (guint i = 0; i < fleet->hosts->len; i++)
    {
      SeyeFleetHost *host = fleet->hosts->pdata[i];

      const SeyeNodeInfo *info = seye_fleet_node_get_info (seye_fleet_host_get_node (host));

      guint port = seye_fleet_host_get_port (host);

      g_string_append_printf (str, "node %s http://%s%s%s:%u\n", info->name,
                              v6 ? "[" : "", opt_bind, v6 ? "]" : "", port);
    }

  if (opt_list != NULL)
    return g_file_set_contents (opt_list, str->str, (gssize) str->len, error);

  fputs (str->str, stdout);
  fflush (stdout);

  return TRUE;
}

static void
announce_all (Fleet *fleet)
{
  fleet->mdns = seye_fleet_mdns_new ();
  for (guint i = 0; i < fleet->hosts->len; i++)
    {
      SeyeFleetHost *host = fleet->hosts->pdata[i];
      const SeyeNodeInfo *info = seye_fleet_node_get_info (seye_fleet_host_get_node (host));
      SeyeTxtRecord txt = {
        .txtvers = SEYE_TXT_VERSION,
        .node_id = info->node_id,
        .api_version = SEYE_API_VERSION,
        .agent_version = info->agent_version,
        .tags = info->tags,
      };
      g_auto (GStrv) strv = seye_txt_record_to_strv (&txt);

      seye_fleet_mdns_add (fleet->mdns, info->name, seye_fleet_host_get_port (host),
                           (const char * const *) strv);
    }
  seye_fleet_mdns_start (fleet->mdns);
}

static void
say_what (Fleet *fleet)
{
  guint n_busy = 0, n_hot = 0, n_flaky = 0, n_cores = 0;

  for (guint i = 0; i < fleet->nodes->len; i++)
    {
      SeyeFleetNode *node = fleet->nodes->pdata[i];

      n_hot += seye_fleet_node_get_hot (node) != 0;
      n_busy += seye_fleet_node_is_busy (node) && seye_fleet_node_get_hot (node) == 0;
      n_flaky += seye_fleet_node_is_flaky (node);
      n_cores += seye_fleet_node_get_info (node)->n_cores;
    }

  g_message ("%u nodes on %s (%u busy, %u hot, %u going offline now and then; "
             "%.1f cores on average), a sample every %g s, seed %" G_GINT64_FORMAT,
             fleet->nodes->len, opt_bind, n_busy, n_hot, n_flaky,
             (double) n_cores / fleet->nodes->len, opt_interval, opt_seed);
}

/* Read by LeakSanitizer in a sanitized build: libsoup 3.2 (Debian 12) leaks the
 * GSocket of every connection its listener accepts (fixed upstream in 3.3,
 * libsoup commit d20c6601), 344 bytes each; tests/test-monitor.c says the same.
 * The agent accepts connections itself and does not leak them. */
const char *__lsan_default_suppressions (void);
const char *__asan_default_options (void);

/* GLib has no frame pointers: unwind slowly, or the stacks end in g_malloc and
 * the suppression below never matches. */
const char *
__asan_default_options (void)
{
  return "fast_unwind_on_malloc=0";
}

const char *
__lsan_default_suppressions (void)
{
  return "leak:g_socket_accept\n";
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (GOptionContext) context = g_option_context_new ("- serve a simulated fleet of agents");
  g_autoptr (GError) error = NULL;
  g_autoptr (GMainLoop) loop = NULL;
  SeyeFleetShares shares;
  Fleet fleet = { 0 };
  guint sigterm, sigint;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || !check_options (&error))
    return fail ("%s", error->message);

  raise_file_limit ((guint) opt_nodes);

  shares = (SeyeFleetShares) {
    opt_busy, opt_hot, opt_offline, opt_offline_every, opt_offline_for, !opt_no_tags
  };
  /* Tick 0 is an interval ago, so that every node has a sample of the past to serve at once. */
  fleet.start_us = g_get_monotonic_time () - (gint64) (opt_interval * G_USEC_PER_SEC);
  fleet.start_ms = g_get_real_time () / 1000 - (gint64) (opt_interval * 1000);
  fleet.nodes = seye_fleet_model_new ((guint) opt_nodes, (guint64) opt_seed, &shares, opt_prefix,
                                      opt_interval, fleet.start_ms);
  fleet.hosts = g_ptr_array_new_with_free_func ((GDestroyNotify) seye_fleet_host_free);

  if (!listen_all (&fleet, &error) || !write_list (&fleet, &error))
    return fail ("%s", error->message);

  say_what (&fleet);
  if (opt_announce)
    announce_all (&fleet);

  loop = g_main_loop_new (NULL, FALSE);
  fleet.loop = loop;
  fleet.clock = g_timeout_add_full (G_PRIORITY_HIGH, WAKE_MS, clock_cb, &fleet, NULL);
  if (opt_stats != NULL)
    fleet.stats = g_timeout_add_seconds (1, stats_cb, &fleet);
  sigterm = g_unix_signal_add (SIGTERM, quit_cb, &fleet);
  sigint = g_unix_signal_add (SIGINT, quit_cb, &fleet);

  g_main_loop_run (loop);

  g_source_remove (sigterm);
  g_source_remove (sigint);
  g_clear_handle_id (&fleet.clock, g_source_remove);
  g_clear_handle_id (&fleet.stats, g_source_remove);
  g_clear_pointer (&fleet.mdns, seye_fleet_mdns_free);
  g_ptr_array_unref (fleet.hosts);
  g_ptr_array_unref (fleet.nodes);

  return 0;
}
