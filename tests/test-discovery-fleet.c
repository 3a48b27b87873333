/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Discovery past 1,000 services, through the real avahi-daemon with its stock
 * limits (objects-per-client-max=1024): the fleet simulator announces 1,100
 * nodes on loopback, and the core's browser (no GTK), the core's monitor (what
 * the app lists) and `seye fetch --json` find every one of them. The browser
 * holds at most SEYE_BROWSER_MAX_RESOLVERS resolvers at any moment and none once
 * all are resolved; asked for more than avahi-daemon allows, it says so once with
 * the setting to raise and still finds them all. And an agent restarted on another port under the same name
 * (Avahi may still hand out its old SRV record) is followed to its new port.
 */
#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>
#include <unistd.h>

#include "seye-browser-private.h"
#include "seye-monitor.h"
#include "seye-test-util.h"

#define N_FLEET 1100

/* Built with AddressSanitizer, the simulator itself cannot serve 1,100 nodes in
 * time (the client, built the same way, can: 4.7 s against a plain simulator).
 * There `seye fetch` is held to finding them all and saying why any has no figures. */
#if defined(__SANITIZE_ADDRESS__)
# define SIMULATOR_SLOW TRUE
#elif defined(__has_feature)
# if __has_feature(address_sanitizer)
#  define SIMULATOR_SLOW TRUE
# endif
#endif
#ifndef SIMULATOR_SLOW
# define SIMULATOR_SLOW FALSE
#endif

static SeyeTestSim *fleet;
static char *fleet_prefix;

static void wait_announced (void);

/* The simulator announcing N_FLEET nodes, started once for the tests that need it. */
static gboolean
require_fleet (void)
{
  g_autofree char *n = g_strdup_printf ("%u", N_FLEET);

  /* Alone: a thousand services would flood another run's mDNS tests. */
  if (!seye_test_require_avahi_alone ())
    return FALSE;

  if (fleet != NULL)
    return TRUE;

  fleet_prefix = g_strdup_printf ("fleet%d", (int) getpid ());
  fleet = seye_test_sim_start ("-n", n, "--interval", "1", "--offline", "0", "--announce",
                               "--prefix", fleet_prefix, NULL);
  g_assert_false (fleet->exited);
  g_assert_cmpuint (fleet->names->len, ==, N_FLEET);
  /* Each test starts once all are announced (a few seconds: Avahi probes each name). */
  wait_announced ();

  return TRUE;
}

static gboolean
is_fleet_name (const char *name)
{
  return name != NULL && g_str_has_prefix (name, fleet_prefix) && name[strlen (fleet_prefix)] == '-';
}

/* The port the simulator serves @name on; 0 if it has no such node. */
static guint16
fleet_port (const char *name)
{
  for (guint i = 0; i < fleet->names->len; i++)
    if (g_str_equal (fleet->names->pdata[i], name))
      return seye_test_sim_port (fleet, i);

  return 0;
}

/* The core's browser ----------------------------------------------------------- */

typedef struct
{
  SeyeBrowser *browser;
  GHashTable  *found;        /* service name -> port */
  guint        wrong;        /* services resolved to a port the simulator does not serve them on */
  guint        most_open;    /* resolvers open, the most seen at an answer */
} Found;

static void
fleet_resolved_cb (SeyeBrowser     *browser,
                   SeyeServiceInfo *info,
                   Found           *found)
{
  found->most_open = MAX (found->most_open, _seye_browser_get_n_resolving (browser));

  if (!is_fleet_name (info->name))
    return;

  if (fleet_port (info->name) != info->port || info->txt.node_id == NULL)
    found->wrong++;
  g_hash_table_insert (found->found, g_strdup (info->name), GUINT_TO_POINTER (info->port));
}

static gboolean
all_found_cb (gpointer data)
{
  Found *found = data;

  return g_hash_table_size (found->found) == N_FLEET;
}

static gboolean
all_resolved_cb (gpointer data)
{
  Found *found = data;

  return seye_browser_get_n_pending (found->browser) == 0;
}

static void
wait_announced (void)
{
  g_autoptr (SeyeBrowser) browser = seye_browser_new ();
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  Found found = { .browser = browser, .found = seen };

  g_signal_connect (browser, "service-resolved", G_CALLBACK (fleet_resolved_cb), &found);
  seye_browser_start (browser);
  g_assert_true (seye_test_wait_until (all_found_cb, &found, 120000));
  g_signal_handlers_disconnect_by_data (browser, &found);
}

static gint64 resolved_us;

static gboolean
resolved_again_cb (gpointer data)
{
  SeyeBrowserEntry *entry = data;

  return entry->resolved_us > resolved_us;
}

static void
test_browser (void)
{
  g_autoptr (SeyeBrowser) browser = NULL;
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  Found found = { .found = seen };
  gint64 start = g_get_monotonic_time ();

  if (!require_fleet ())
    return;

  browser = seye_browser_new ();
  found.browser = browser;
  g_signal_connect (browser, "service-resolved", G_CALLBACK (fleet_resolved_cb), &found);
  seye_browser_start (browser);

  g_assert_true (seye_test_wait_until (all_found_cb, &found, 120000));
  g_test_message ("%u services resolved in %.1f s, at most %u resolvers open at once", N_FLEET,
                  (g_get_monotonic_time () - start) / 1e6, _seye_browser_get_peak_resolving (browser));
  g_assert_cmpuint (found.wrong, ==, 0);

  /* Never more resolvers than the bound, and none left once all are resolved:
   * what they said is kept, and avahi-daemon holds nothing for them. */
  g_assert_cmpuint (_seye_browser_get_peak_resolving (browser), <=, SEYE_BROWSER_MAX_RESOLVERS);
  g_assert_cmpuint (found.most_open, <=, SEYE_BROWSER_MAX_RESOLVERS);
  g_assert_true (seye_test_wait_until (all_resolved_cb, &found, 60000));
  g_assert_cmpuint (_seye_browser_get_n_resolving (browser), ==, 0);

  /* With avahi-daemon's stock limits, none was reached. */
  g_assert_null (seye_browser_get_limit_message (browser));
  g_assert_true (seye_browser_get_available (browser));

  /* Asked again (its node did not answer): resolved once more, with a resolver
   * of its own that is freed again; nothing new is said of a service that did not change. */
  {
    SeyeBrowserEntry *entry = NULL;
    GHashTableIter iter;
    gpointer value;

    g_hash_table_iter_init (&iter, browser->entries);
    while (g_hash_table_iter_next (&iter, NULL, &value))
      {
        SeyeBrowserEntry *each = value;

        if (!is_fleet_name (each->name))
          continue;
        g_assert_nonnull (each->info);
        g_assert_null (each->resolver);
        entry = each;
      }
    g_assert_nonnull (entry);

    resolved_us = entry->resolved_us;
    seye_browser_resolve_again (browser, entry->key);
    g_assert_true (seye_test_wait_until (resolved_again_cb, entry, 30000));
    g_assert_true (seye_test_wait_until (all_resolved_cb, &found, 30000));
    g_assert_cmpuint (_seye_browser_get_n_resolving (browser), ==, 0);
    g_assert_cmpuint (g_hash_table_size (seen), ==, N_FLEET);
    g_assert_cmpuint (found.wrong, ==, 0);
  }

  g_signal_handlers_disconnect_by_data (browser, &found);
}

/* Asked to open more resolvers than avahi-daemon allows a client (its stock
 * objects-per-client-max, 1,024 with the service browser): it says so once, with
 * the setting to raise, resolves with as many as there is room for, and still
 * finds every service. */
static void
limit_said_cb (SeyeBrowser *browser,
               GParamSpec  *pspec,
               guint       *n_said)
{
  (*n_said)++;
}

static void
test_objects_limit (void)
{
  g_autoptr (SeyeBrowser) browser = NULL;
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  Found found = { .found = seen };
  const char *message;
  guint n_said = 0;

  if (!require_fleet ())
    return;

  browser = seye_browser_new ();
  found.browser = browser;
  _seye_browser_set_max_resolving (browser, 4 * N_FLEET);
  g_signal_connect (browser, "service-resolved", G_CALLBACK (fleet_resolved_cb), &found);
  g_signal_connect (browser, "notify::limit-message", G_CALLBACK (limit_said_cb), &n_said);
  seye_browser_start (browser);

  g_assert_true (seye_test_wait_until (all_found_cb, &found, 120000));
  g_assert_true (seye_test_wait_until (all_resolved_cb, &found, 60000));
  g_assert_cmpuint (found.wrong, ==, 0);
  message = seye_browser_get_limit_message (browser);
  g_test_message ("%s (at most %u resolvers were open)", message, _seye_browser_get_peak_resolving (browser));
  g_assert_nonnull (message);
  g_assert_nonnull (strstr (message, "objects-per-client-max"));
  g_assert_nonnull (strstr (message, "/etc/avahi/avahi-daemon.conf"));
  g_assert_cmpuint (n_said, ==, 1);
  g_assert_cmpuint (_seye_browser_get_peak_resolving (browser), <, 1024);
  g_assert_cmpuint (_seye_browser_get_n_resolving (browser), ==, 0);
  /* Still browsing: a limit is no reason to stop. */
  g_assert_true (seye_browser_get_available (browser));
  g_assert_null (seye_browser_get_status_message (browser));

  g_signal_handlers_disconnect_by_data (browser, &found);
  g_signal_handlers_disconnect_by_data (browser, &n_said);
}

/* The core's monitor: what the app lists --------------------------------------- */

static guint
count_fleet_nodes (SeyeMonitor *monitor)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (monitor));
  guint count = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (SeyeNode) node = g_list_model_get_item (G_LIST_MODEL (monitor), i);

      count += is_fleet_name (seye_node_get_name (node));
    }

  return count;
}

static gboolean
monitor_all_cb (gpointer data)
{
  return count_fleet_nodes (data) == N_FLEET;
}

static void
test_monitor (void)
{
  g_autoptr (SeyeMonitor) monitor = NULL;
  gint64 start = g_get_monotonic_time ();

  if (!require_fleet ())
    return;

  /* Discovery is what is tested: the nodes are asked little meanwhile. */
  monitor = seye_monitor_new ();
  seye_monitor_set_interval (monitor, 30);
  seye_monitor_set_stream (monitor, FALSE);
  seye_monitor_set_fetch_history (monitor, FALSE);
  seye_monitor_set_discovery (monitor, TRUE);
  seye_monitor_start (monitor);

  g_assert_true (seye_test_wait_until (monitor_all_cb, monitor, 120000));
  g_test_message ("%u nodes listed in %.1f s", N_FLEET, (g_get_monotonic_time () - start) / 1e6);
  g_assert_true (seye_monitor_get_discovery_available (monitor));
  g_assert_null (seye_monitor_get_discovery_notice (monitor));

  /* Each once: the list is not padded with duplicates. */
  seye_test_spin (1000);
  g_assert_cmpuint (count_fleet_nodes (monitor), ==, N_FLEET);

  seye_monitor_stop (monitor);
}

/* seye fetch --json -------------------------------------------------------------- */

/* Why it did not exit 0: the nodes without a sample, by state and error. */
static void
say_unreachable (JsonArray  *array,
                 const char *err)
{
  g_autoptr (GHashTable) why = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GHashTableIter iter;
  gpointer key;
  gpointer value;

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *node = json_array_get_object_element (array, i);
      g_autofree char *reason = NULL;

      if (json_object_get_boolean_member (node, "reachable"))
        continue;
      reason = g_strdup_printf ("%s: %s", json_object_get_string_member (node, "state"),
                                json_object_get_string_member_with_default (node, "error", "-"));
      value = g_hash_table_lookup (why, reason);
      g_hash_table_insert (why, g_steal_pointer (&reason), GUINT_TO_POINTER (GPOINTER_TO_UINT (value) + 1));
    }

  g_test_message ("seye fetch said: %s", err);
  g_hash_table_iter_init (&iter, why);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_test_message ("%u nodes %s", GPOINTER_TO_UINT (value), (char *) key);
}

static void
test_fetch (void)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  JsonArray *array;
  gint64 start = g_get_monotonic_time ();
  guint late = 0;
  int status;

  if (!require_fleet ())
    return;

  /* Long bounds for a loaded machine: it ends once every node answered. */
  status = seye_test_run_cli (&out, &err, "fetch", "--json", "--discovery-time", "60", "--timeout", "60",
                              "--filter", fleet_prefix, NULL);
  g_test_message ("seye fetch took %.1f s", (g_get_monotonic_time () - start) / 1e6);
  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  array = json_node_get_array (json_parser_get_root (parser));
  if (status != 0)
    say_unreachable (array, err);
  g_assert_cmpint (status, ==, SIMULATOR_SLOW && status == 1 ? 1 : 0);
  g_assert_null (strstr (err, "avahi-daemon"));
  g_assert_cmpuint (json_array_get_length (array), ==, N_FLEET);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *node = json_array_get_object_element (array, i);
      const char *name = json_object_get_string_member (node, "name");
      const char *state;
      g_autofree char *address = NULL;

      /* Every node, once, at its own port, with its figures. */
      g_assert_true (is_fleet_name (name));
      g_assert_false (g_hash_table_contains (names, name));
      g_hash_table_add (names, (gpointer) name);
      address = g_strdup_printf ("127.0.0.1:%u", fleet_port (name));
      g_assert_cmpstr (json_object_get_string_member (node, "address"), ==, address);
      if (SIMULATOR_SLOW && !json_object_get_boolean_member (node, "reachable"))
        {
          g_assert_nonnull (json_object_get_string_member (node, "error"));
          continue;
        }
      g_assert_true (json_object_get_boolean_member (node, "reachable"));
      /* Stale is a node whose last figures are a little old (a machine too busy for the
       * simulator to keep time, as under AddressSanitizer): they are still shown. The
       * simulator built with AddressSanitizer on a loaded machine (in CI) can be later
       * still, its figures older than what reads "not responding" or "offline": there
       * a few such nodes are told, not failed; most must be online or stale. */
      state = json_object_get_string_member (node, "state");
      if (!g_str_equal (state, "online"))
        g_test_message ("%s: %s", name, state);
      if (!g_str_equal (state, "online") && !g_str_equal (state, "stale"))
        {
          g_assert_true (SIMULATOR_SLOW);
          late++;
          continue;
        }
      g_assert_true (JSON_NODE_HOLDS_VALUE (json_object_get_member (node, "cpu_percent")));
      g_assert_true (JSON_NODE_HOLDS_VALUE (json_object_get_member (node, "uptime")));
      g_assert_true (JSON_NODE_HOLDS_ARRAY (json_object_get_member (node, "load")));
      g_assert_true (json_object_get_int_member (node, "processes") > 0);
    }

  g_test_message ("%u nodes neither online nor stale", late);
  g_assert_cmpuint (late, <, N_FLEET / 10);
}

/* An agent restarted elsewhere --------------------------------------------------- */

static void
test_restarted_elsewhere (void)
{
  g_autofree char *name = g_strdup_printf ("moved%d", (int) getpid ());
  g_autofree char *id = seye_test_node_id (1);
  g_autoptr (SeyeTestAgent) first = NULL;
  g_autoptr (SeyeTestAgent) again = NULL;
  g_autoptr (SeyeMonitor) monitor = NULL;
  SeyeNode *node;

  if (!seye_test_require_avahi_alone ())
    return;

  monitor = seye_monitor_new ();
  seye_monitor_set_interval (monitor, 0.5);
  seye_monitor_set_discovery (monitor, TRUE);
  seye_monitor_start (monitor);

  first = seye_test_agent_start ("--name", name, "--node-id", id, "--interval", "0.5", NULL);
  node = seye_test_wait_for_node (G_LIST_MODEL (monitor), name, 30000);
  seye_test_wait_node_state (node, SEYE_NODE_STATE_ONLINE, first->port, 30000);

  /* Stopped and started again at once under the same name, on another port:
   * for a second or two Avahi still has the old SRV record. The node is
   * followed to the new port, by a new answer or by asking again after a
   * failed connection. */
  seye_test_agent_stop (first);
  again = seye_test_agent_start ("--name", name, "--node-id", id, "--interval", "0.5", NULL);
  g_assert_cmpuint (again->port, !=, first->port);
  seye_test_wait_node_state (node, SEYE_NODE_STATE_ONLINE, again->port, 60000);
  g_assert_cmpuint (seye_test_count_nodes (G_LIST_MODEL (monitor), name), ==, 1);

  seye_monitor_stop (monitor);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/seye/discovery/fleet/browser", test_browser);
  g_test_add_func ("/seye/discovery/fleet/objects-limit", test_objects_limit);
  g_test_add_func ("/seye/discovery/fleet/monitor", test_monitor);
  g_test_add_func ("/seye/discovery/fleet/fetch", test_fetch);
  g_test_add_func ("/seye/discovery/restarted-elsewhere", test_restarted_elsewhere);

  status = g_test_run ();

  if (fleet != NULL)
    {
      g_assert_cmpint (seye_test_sim_stop (fleet), ==, 0);
      g_clear_pointer (&fleet, seye_test_sim_free);
    }
  g_free (fleet_prefix);

  return status;
}
