/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * One SeyeMonitor (the app's and the CLI's core, no GTK) following a whole
 * simulated fleet by address (bench/seye-fleet-sim.c): every one of 1,000
 * nodes gets fresh samples and keeps getting them, and none reads "Online"
 * without a sample; with an open-file limit too low for a connection per
 * node, the monitor says so once and polls the rest in turns, and those rows
 * say how seldom; `seye fetch` and `seye observe` show 300 nodes with their
 * figures. How fast is bench/'s business (fleet-sim-cost.sh): the
 * bounds here are generous, the machine is shared.
 */
#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/resource.h>

#include "seye-monitor.h"
#include "seye-node-column.h"
#include "seye-test-sim.h"
#include "seye-test-util.h"

#define FRESH_MS        3000   /* a sample at most this old is fresh */
#define CHECK_EVERY_US  (250 * G_USEC_PER_SEC / 1000)

typedef struct
{
  SeyeMonitor *monitor;
  GArray      *since_ms;        /* gint64 per node: a sample newer than this is wanted */
  guint        n_fresh;
  guint        n_online_empty;  /* times a node read "Online" with no sample */
  gint64       checked_us;
} Fleet;

static void
state_cb (SeyeNode   *node,
          GParamSpec *pspec,
          Fleet      *fleet)
{
  if (seye_node_get_state (node) == SEYE_NODE_STATE_ONLINE && seye_node_get_sample (node) == NULL)
    fleet->n_online_empty++;
}

/* Follows every node of @sim by address, each watched for "Online" without a sample. */
static void
fleet_init (Fleet       *fleet,
            SeyeTestSim *sim)
{
  fleet->monitor = seye_monitor_new ();
  fleet->since_ms = g_array_new (FALSE, TRUE, sizeof (gint64));
  g_array_set_size (fleet->since_ms, sim->ports->len);

  seye_monitor_set_interval (fleet->monitor, 1);
  seye_monitor_set_discovery (fleet->monitor, FALSE);
  for (guint i = 0; i < sim->ports->len; i++)
    {
      g_autofree char *address = g_strdup_printf ("127.0.0.1:%u", seye_test_sim_port (sim, i));
      g_autoptr (GError) error = NULL;
      SeyeNode *node = seye_monitor_add_manual (fleet->monitor, address, &error);

      g_assert_no_error (error);
      g_signal_connect (node, "notify::state", G_CALLBACK (state_cb), fleet);
    }
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fleet->monitor)), ==, sim->ports->len);
}

static void
fleet_clear (Fleet *fleet)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (fleet->monitor));

  seye_monitor_stop (fleet->monitor);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (SeyeNode) node = g_list_model_get_item (G_LIST_MODEL (fleet->monitor), i);

      g_signal_handlers_disconnect_by_data (node, fleet);
    }
  g_clear_object (&fleet->monitor);
  g_clear_pointer (&fleet->since_ms, g_array_unref);
}

/* Whether node @i has a fresh sample newer than its since_ms: fresh for a
 * node polled in turns is within two of its turns. */
static gboolean
node_fresh (Fleet    *fleet,
            SeyeNode *node,
            guint     i,
            gint64    now_ms)
{
  SeyeSample *sample = seye_node_get_sample (node);
  gint64 fresh_ms = FRESH_MS + (gint64) (2000 * seye_node_get_polled_every (node));

  return sample != NULL && sample->time_ms > g_array_index (fleet->since_ms, gint64, i) &&
         now_ms - sample->time_ms <= fresh_ms && seye_node_get_state (node) == SEYE_NODE_STATE_ONLINE;
}

/* For seye_test_wait_until(): every node fresh. Looked at four times a second,
 * not at every event of a thousand nodes. */
static gboolean
all_fresh_cb (gpointer data)
{
  Fleet *fleet = data;
  GListModel *model = G_LIST_MODEL (fleet->monitor);
  gint64 now_ms = g_get_real_time () / 1000;
  guint n = g_list_model_get_n_items (model);

  if (g_get_monotonic_time () - fleet->checked_us < CHECK_EVERY_US)
    return fleet->n_fresh == n;
  fleet->checked_us = g_get_monotonic_time ();

  fleet->n_fresh = 0;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (SeyeNode) node = g_list_model_get_item (model, i);

      fleet->n_fresh += node_fresh (fleet, node, i, now_ms);
    }

  return fleet->n_fresh == n;
}

/* From now on, only samples newer than each node's latest count. */
static void
fleet_want_newer (Fleet *fleet)
{
  GListModel *model = G_LIST_MODEL (fleet->monitor);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (SeyeNode) node = g_list_model_get_item (model, i);
      SeyeSample *sample = seye_node_get_sample (node);

      g_array_index (fleet->since_ms, gint64, i) = sample != NULL ? sample->time_ms : 0;
    }
  fleet->checked_us = 0;
  fleet->n_fresh = 0;
}

/* Waits (at most @timeout_s) until every node is fresh; fails with the first stale one. */
static void
fleet_wait_fresh (Fleet      *fleet,
                  guint       timeout_s,
                  const char *when)
{
  gint64 start = g_get_monotonic_time ();
  GListModel *model = G_LIST_MODEL (fleet->monitor);
  gint64 now_ms;

  fleet->checked_us = 0;
  fleet->n_fresh = 0;
  if (seye_test_wait_until (all_fresh_cb, fleet, timeout_s * 1000))
    {
      g_test_message ("%s: all %u nodes fresh after %.1f s", when, fleet->n_fresh,
                      (g_get_monotonic_time () - start) / 1e6);
      return;
    }

  now_ms = g_get_real_time () / 1000;
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (SeyeNode) node = g_list_model_get_item (model, i);
      g_autofree char *status = seye_node_column_format_status (node, now_ms);
      SeyeSample *sample = seye_node_get_sample (node);

      if (!node_fresh (fleet, node, i, now_ms))
        g_error ("%s: %u of %u nodes fresh within %u s; %s at %s is “%s” (%s), its sample %s",
                 when, fleet->n_fresh, g_list_model_get_n_items (model), timeout_s,
                 seye_node_get_name (node), seye_node_get_address (node), status,
                 seye_node_get_error (node) ? seye_node_get_error (node) : "no error",
                 sample != NULL ? "old" : "missing");
    }
  g_error ("%s: %u of %u nodes fresh within %u s", when, fleet->n_fresh,
           g_list_model_get_n_items (model), timeout_s);
}

/* How many nodes are polled in turns, and that each of those says so. */
static guint
count_polled_in_turns (Fleet *fleet)
{
  GListModel *model = G_LIST_MODEL (fleet->monitor);
  gint64 now_ms = g_get_real_time () / 1000;
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (SeyeNode) node = g_list_model_get_item (model, i);
      g_autofree char *status = seye_node_column_format_status (node, now_ms);

      if (seye_node_get_polled_every (node) > 0)
        {
          g_autofree char *every = g_strdup_printf ("Online · every %u s",
                                                    (guint) seye_node_get_polled_every (node));

          g_assert_true (g_str_has_prefix (status, every));
          n++;
        }
      else
        {
          g_assert_null (strstr (status, "every"));
        }
    }

  return n;
}

static gboolean
streams_limited (Fleet *fleet)
{
  gboolean limited = FALSE;

  g_object_get (fleet->monitor, "streams-limited", &limited, NULL);

  return limited;
}

/* The fleet of test_fleet(): 1,000 nodes, or $SEYE_TEST_FLEET_NODES (the
 * sanitized build's simulator cannot serve 1,000 a second: tests/meson.build). */
static guint
fleet_size (void)
{
  const char *nodes = g_getenv ("SEYE_TEST_FLEET_NODES");

  return nodes != NULL ? (guint) g_ascii_strtoull (nodes, NULL, 10) : 1000;
}

/* 1,000 nodes, one monitor: every one fresh, again 10 s later, never
 * "Online" without a sample; and, where the hard limit on open files leaves
 * room for a connection each, every one followed live (streamed). */
static void
test_fleet (void)
{
  g_autofree char *n = g_strdup_printf ("%u", fleet_size ());
  g_autoptr (SeyeTestSim) sim = seye_test_sim_start ("-n", n, "--offline", "0", NULL);
  Fleet fleet = { 0 };
  struct rlimit limit;
  guint polled;

  g_assert_false (sim->exited);
  g_assert_cmpuint (sim->ports->len, ==, fleet_size ());
  fleet_init (&fleet, sim);

  seye_monitor_start (fleet.monitor);
  fleet_wait_fresh (&fleet, 60, "start");

  seye_test_spin (10000);
  fleet_want_newer (&fleet);
  fleet_wait_fresh (&fleet, 30, "10 s later");

  polled = count_polled_in_turns (&fleet);
  g_assert_cmpint (getrlimit (RLIMIT_NOFILE, &limit), ==, 0);
  g_test_message ("open-file limit %lu (hard %lu); %u of %u nodes polled in turns",
                  (unsigned long) limit.rlim_cur, (unsigned long) limit.rlim_max, polled,
                  fleet_size ());
  if (limit.rlim_max == RLIM_INFINITY || limit.rlim_max >= 4096)
    {
      g_assert_cmpuint (polled, ==, 0);
      g_assert_false (streams_limited (&fleet));
    }
  g_assert_cmpuint (fleet.n_online_empty, ==, 0);

  fleet_clear (&fleet);
  g_assert_cmpint (seye_test_sim_stop (sim), ==, 0);
}

/* The subprocess: 300 nodes under an open-file limit of 400, which leaves
 * room for fewer streams than that (seye-agent-source-connections.c). */
static void
file_limit_child (void)
{
  g_autoptr (SeyeTestSim) sim = seye_test_sim_start ("-n", "300", "--offline", "0", NULL);
  struct rlimit limit = { 400, 400 };
  Fleet fleet = { 0 };
  guint polled;

  g_assert_false (sim->exited);
  /* The simulator is started: only this process is held to it. */
  g_assert_cmpint (setrlimit (RLIMIT_NOFILE, &limit), ==, 0);
  fleet_init (&fleet, sim);

  seye_monitor_start (fleet.monitor);
  fleet_wait_fresh (&fleet, 90, "start");

  polled = count_polled_in_turns (&fleet);
  g_test_message ("%u of 300 nodes polled in turns", polled);
  g_assert_true (streams_limited (&fleet));
  g_assert_cmpuint (polled, >, 0);
  g_assert_cmpuint (polled, <, 300);

  /* They keep coming, to the polled ones as well, once their turns are set. */
  seye_test_spin (10000);
  fleet_want_newer (&fleet);
  fleet_wait_fresh (&fleet, 90, "again");
  g_assert_cmpuint (fleet.n_online_empty, ==, 0);

  fleet_clear (&fleet);
  g_assert_cmpint (seye_test_sim_stop (sim), ==, 0);
}

static void
test_file_limit (void)
{
  if (g_test_subprocess ())
    {
      file_limit_child ();
      return;
    }

  g_test_trap_subprocess (NULL, 240 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  /* Said once. */
  g_test_trap_assert_stderr ("*Only 400 files may be open at once*the others are polled in turns*");
  g_test_trap_assert_stderr_unmatched ("*Only 400 files*Only 400 files*");
}

/* "seye COMMAND -n -H ADDRESS … (every node of @sim) ARGS…". */
static GPtrArray *
cli_args (SeyeTestSim *sim,
          const char  *command,
          const char  *first_arg,
          ...)
{
  GPtrArray *args = g_ptr_array_new_with_free_func (g_free);
  va_list ap;

  g_ptr_array_add (args, g_strdup (command));
  g_ptr_array_add (args, g_strdup ("--no-discovery"));
  for (guint i = 0; i < sim->ports->len; i++)
    {
      g_ptr_array_add (args, g_strdup ("--host"));
      g_ptr_array_add (args, g_strdup_printf ("127.0.0.1:%u", seye_test_sim_port (sim, i)));
    }
  va_start (ap, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, g_strdup (arg));
  va_end (ap);
  g_ptr_array_add (args, NULL);

  return args;
}

/* `seye fetch` and `seye observe` (the same core) against 300 nodes: every
 * one with its figures, none "Online" without them (the issue saw 44 of 300
 * "Online" with none). */
static void
test_cli (void)
{
  g_autoptr (SeyeTestSim) sim = NULL;
  g_autoptr (GPtrArray) fetch = NULL;
  g_autoptr (GPtrArray) observe = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *lines_out = NULL;
  g_auto (GStrv) lines = NULL;
  JsonArray *nodes;
  guint n_online = 0;
  guint n_lines = 0;

  if (g_getenv ("SEYE_CLI") == NULL)
    {
      g_test_skip ("built without the CLI (-Dcli=false)");
      return;
    }

  sim = seye_test_sim_start ("-n", "300", "--offline", "0", NULL);
  g_assert_false (sim->exited);

  fetch = cli_args (sim, "fetch", "--json", NULL);
  g_assert_cmpint (seye_test_run_cliv (&out, NULL, (const char * const *) fetch->pdata), ==, 0);
  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  nodes = json_node_get_array (json_parser_get_root (parser));
  g_assert_cmpuint (json_array_get_length (nodes), ==, 300);
  for (guint i = 0; i < 300; i++)
    {
      JsonObject *node = json_array_get_object_element (nodes, i);

      const char *state = json_object_get_string_member (node, "state");

      /* Its figures; "stale" (a poll missed, the last figures shown) only on a
       * machine too busy for the simulator (the sanitized build). */
      g_assert_true (json_object_has_member (node, "cpu_percent"));
      g_assert_false (json_node_is_null (json_object_get_member (node, "cpu_percent")));
      if (!g_str_equal (state, "online"))
        g_assert_cmpstr (state, ==, "stale");
      n_online += g_str_equal (state, "online");
    }
  g_test_message ("seye fetch: %u of 300 nodes online, every one with its figures", n_online);

  /* Not on a terminal: a line per node per update. */
  observe = cli_args (sim, "observe", "--count", "3", NULL);
  g_assert_cmpint (seye_test_run_cliv (&lines_out, NULL, (const char * const *) observe->pdata), ==, 0);
  lines = g_strsplit (lines_out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (lines[i][0] == '\0')
        continue;
      n_lines++;
      if (strstr (lines[i], " Online") != NULL)
        g_assert_nonnull (strstr (lines[i], " cpu "));
    }
  g_assert_cmpuint (n_lines, ==, 3 * 300);
  /* The last update: every node with its figures. */
  for (guint i = 0, seen = 0; lines[i] != NULL; i++)
    if (lines[i][0] != '\0' && ++seen > 2 * 300)
      g_assert_nonnull (strstr (lines[i], " cpu "));

  g_assert_cmpint (seye_test_sim_stop (sim), ==, 0);
}

static void
drop_log_cb (const char     *domain,
             GLogLevelFlags  level,
             const char     *message,
             gpointer        data)
{
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  /* GIO tells of every connection it makes in a debug message, which a test
   * prints: thousands of lines here. */
  g_log_set_handler ("GLib-GIO", G_LOG_LEVEL_DEBUG, drop_log_cb, NULL);

  g_test_add_func ("/seye/fleet-follow/fleet", test_fleet);
  g_test_add_func ("/seye/fleet-follow/file-limit", test_file_limit);
  g_test_add_func ("/seye/fleet-follow/cli", test_cli);

  return g_test_run ();
}
