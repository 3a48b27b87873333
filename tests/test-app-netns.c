/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The app's window under Xvfb against agents on separate hosts: network namespaces joined
 * by veth pairs to one bridge, each host with its own avahi-daemon (tests/netns-stack.sh).
 * The app finds them over real mDNS that crosses the virtual wire, through the avahi-daemon
 * of the "lan" host. Then the faults: a node's link is cut and plugged in again, an agent
 * restarts, avahi-daemon restarts on either side, and nodes answer slowly, never, or with
 * garbage. The app stays responsive and shows each node as it is.
 */
#include "config.h"

#include <adwaita.h>
#include <string.h>
#include <unistd.h>

#include "seye-test-util.h"
#include "seye-window-private.h"

#define N_AGENTS 3

/* Generous bounds for correctness, not timing goals (those are in bench/). */
#define APPEAR_MS   20000
#define OFFLINE_MS  15000
#define BACK_MS     20000
#define MAX_LAG_US  (500 * 1000)

typedef struct
{
  SeyeTestNetns *net;
  char          *prefix;              /* unique per run */
  SeyeMonitor   *monitor;
  SeyeWindow    *window;
  SeyeNodeList  *list;
  SeyeTestAgent *agents[N_AGENTS];    /* on hosts n1, n2, n3 */
  char          *names[N_AGENTS];
  char          *ids[N_AGENTS];
} Fixture;

static const char * const hosts[N_AGENTS] = { "n1", "n2", "n3" };

static gboolean
never_cb (gpointer data)
{
  return FALSE;
}

static SeyeNode *
node_named (Fixture    *f,
            const char *name)
{
  return seye_test_find_node (G_LIST_MODEL (f->monitor), name);
}

static SeyeTestAgent *
start_agent (Fixture *f,
             guint    i)
{
  return seye_test_netns_agent_start (f->net, hosts[i], "--name", f->names[i],
                                      "--node-id", f->ids[i], "--interval", "0.5", NULL);
}

static gboolean
all_online_cb (gpointer data)
{
  Fixture *f = data;

  for (guint i = 0; i < N_AGENTS; i++)
    {
      SeyeNode *node = node_named (f, f->names[i]);

      if (node == NULL || seye_node_get_state (node) != SEYE_NODE_STATE_ONLINE ||
          seye_node_get_sample (node) == NULL)
        return FALSE;
    }

  return g_list_model_get_n_items (seye_node_list_get_model (f->list)) == N_AGENTS;
}

static void
wait_all_online (Fixture *f)
{
  gint64 start = g_get_monotonic_time ();

  if (!seye_test_wait_until (all_online_cb, f, APPEAR_MS))
    {
      for (guint i = 0; i < N_AGENTS; i++)
        {
          SeyeNode *node = node_named (f, f->names[i]);

          g_test_message ("%s: %s", f->names[i], node == NULL ? "not found"
                          : seye_node_state_to_string (seye_node_get_state (node)));
        }
      g_error ("the agents on their hosts were not all online within %u s", APPEAR_MS / 1000);
    }
  g_test_message ("%u agents on their hosts online after %.2f s", N_AGENTS,
                  (g_get_monotonic_time () - start) / 1e6);

  /* Found over mDNS from across the bridge, at their hosts' addresses. */
  for (guint i = 0; i < N_AGENTS; i++)
    {
      SeyeNode *node = node_named (f, f->names[i]);
      g_autofree char *address = seye_test_netns_dup_address (f->net, hosts[i]);
      g_autofree char *expected = g_strdup_printf ("%s:%u", address, f->agents[i]->port);

      g_assert_false (seye_node_get_manual (node));
      g_assert_cmpstr (seye_node_get_address (node), ==, expected);
    }
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  static guint run;

  f->net = seye_test_require_netns (4);
  if (f->net == NULL)
    return;

  /* Records of the previous test's agents may still be cached across the network. */
  f->prefix = g_strdup_printf ("seye-netns-%d-%u", (int) getpid (), ++run);
  for (guint i = 0; i < N_AGENTS; i++)
    {
      f->names[i] = g_strdup_printf ("%s-%s", f->prefix, hosts[i]);
      f->ids[i] = seye_test_node_id (run << 8 | (i + 1));
      f->agents[i] = start_agent (f, i);
    }

  f->monitor = seye_monitor_new ();
  seye_monitor_set_interval (f->monitor, 0.5);
  seye_monitor_set_discovery (f->monitor, TRUE);
  seye_monitor_start (f->monitor);

  f->window = seye_window_new (NULL, f->monitor);
  f->list = _seye_window_get_node_list (f->window);
  gtk_window_present (GTK_WINDOW (f->window));
  seye_node_list_set_search_text (f->list, f->prefix);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  if (f->net == NULL)
    return;

  for (guint i = 0; i < N_AGENTS; i++)
    seye_test_netns_set_link (f->net, hosts[i], TRUE);

  if (f->window != NULL)
    gtk_window_destroy (GTK_WINDOW (f->window));
  if (f->monitor != NULL)
    {
      seye_monitor_stop (f->monitor);
      g_clear_object (&f->monitor);
    }
  for (guint i = 0; i < N_AGENTS; i++)
    {
      g_clear_pointer (&f->agents[i], seye_test_agent_free);
      g_clear_pointer (&f->names[i], g_free);
      g_clear_pointer (&f->ids[i], g_free);
    }
  g_clear_pointer (&f->prefix, g_free);
}

static const char *
name_at (Fixture *f,
         guint    position)
{
  g_autoptr (SeyeNode) node = g_list_model_get_item (seye_node_list_get_model (f->list), position);

  return seye_node_get_name (node);
}

static void
test_link_cut (Fixture       *f,
               gconstpointer  data)
{
  SeyeTestWatch others[2] = { 0 };
  SeyeTestWatch cut = { 0 };
  SeyeNode *node;
  double seconds;

  if (f->net == NULL)
    return;

  wait_all_online (f);
  node = node_named (f, f->names[1]);
  seye_test_watch_start (&others[0], node_named (f, f->names[0]));
  seye_test_watch_start (&others[1], node_named (f, f->names[2]));

  /* The cable of n2 is pulled: no RST, no ICMP, just silence. */
  seye_test_netns_set_link (f->net, "n2", FALSE);
  seconds = seye_test_wait_node_state (node, SEYE_NODE_STATE_OFFLINE, 0, OFFLINE_MS);
  g_test_message ("offline %.2f s after its link was cut (%s)", seconds,
                  seye_node_get_error (node));
  g_assert_nonnull (seye_node_get_error (node));

  /* Its row says so; the other two rows do not. */
  seye_node_list_refresh (f->list);
  seye_node_list_set_status_filter (f->list, SEYE_STATUS_FILTER_OFFLINE);
  g_assert_cmpuint (g_list_model_get_n_items (seye_node_list_get_model (f->list)), ==, 1);
  g_assert_cmpstr (name_at (f, 0), ==, f->names[1]);
  seye_node_list_set_status_filter (f->list, SEYE_STATUS_FILTER_ONLINE);
  g_assert_cmpuint (g_list_model_get_n_items (seye_node_list_get_model (f->list)), ==, 2);
  seye_node_list_set_status_filter (f->list, SEYE_STATUS_FILTER_ALL);

  /* Meanwhile the others stayed online and kept sending samples (two a second). */
  for (guint i = 0; i < G_N_ELEMENTS (others); i++)
    {
      g_test_message ("%s: %u samples while n2 was cut off", seye_node_get_name (others[i].node),
                      others[i].samples);
      g_assert_cmpuint (others[i].left_online, ==, 0);
      g_assert_cmpuint (others[i].samples, >=, (guint) (seconds));
      seye_test_watch_stop (&others[i]);
    }

  /* Plugged in again: the same row comes back online by itself, and samples flow. */
  seye_test_watch_start (&cut, node);
  seye_test_netns_set_link (f->net, "n2", TRUE);
  seconds = seye_test_wait_node_state (node, SEYE_NODE_STATE_ONLINE, f->agents[1]->port, BACK_MS);
  g_test_message ("online again %.2f s after its link came back", seconds);
  g_assert_true (seye_test_wait_until (all_online_cb, f, 5000));
  seye_test_wait_until (never_cb, NULL, 1500);
  g_assert_cmpuint (cut.samples, >=, 1);
  g_assert_cmpuint (seye_node_get_state (node), ==, SEYE_NODE_STATE_ONLINE);
  g_assert_cmpuint (seye_test_count_nodes (G_LIST_MODEL (f->monitor), f->names[1]), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (seye_node_list_get_model (f->list)), ==, N_AGENTS);
  seye_test_watch_stop (&cut);
}

static void
test_agent_restart (Fixture       *f,
                    gconstpointer  data)
{
  SeyeNode *node;
  guint16 old_port;
  double seconds;

  if (f->net == NULL)
    return;

  wait_all_online (f);
  node = node_named (f, f->names[1]);
  old_port = f->agents[1]->port;

  /* Killed on its host: it cannot withdraw its record, which stays cached for a while. */
  seye_test_agent_kill (f->agents[1]);
  seconds = seye_test_wait_node_state (node, SEYE_NODE_STATE_OFFLINE, 0, OFFLINE_MS);
  g_test_message ("offline %.2f s after SIGKILL (%s)", seconds, seye_node_get_error (node));

  /* Started again with the same name and node id, on a new port. */
  g_clear_pointer (&f->agents[1], seye_test_agent_free);
  f->agents[1] = start_agent (f, 1);
  g_assert_cmpuint (f->agents[1]->port, !=, old_port);
  seconds = seye_test_wait_node_state (node, SEYE_NODE_STATE_ONLINE, f->agents[1]->port, BACK_MS);
  g_test_message ("online again on port %u %.2f s after the restart", f->agents[1]->port, seconds);

  /* One row, the same one. */
  g_assert_true (node_named (f, f->names[1]) == node);
  g_assert_cmpuint (seye_test_count_nodes (G_LIST_MODEL (f->monitor), f->names[1]), ==, 1);
  g_assert_true (seye_test_wait_until (all_online_cb, f, 5000));
  g_assert_cmpuint (g_list_model_get_n_items (seye_node_list_get_model (f->list)), ==, N_AGENTS);
}

static guint
count_lines (const char *text,
             const char *needle)
{
  guint count = 0;

  for (const char *p = strstr (text, needle); p != NULL; p = strstr (p + 1, needle))
    count++;

  return count;
}

static void
test_avahi_restart (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr (SeyeTestAgent) late = NULL;
  g_autofree char *late_name = NULL;
  g_autofree char *late_id = seye_test_node_id (0xc0000001);
  SeyeTestWatch watches[N_AGENTS] = { 0 };
  SeyeNode *node;
  gint64 start;

  if (f->net == NULL)
    return;

  wait_all_online (f);
  for (guint i = 0; i < N_AGENTS; i++)
    seye_test_watch_start (&watches[i], node_named (f, f->names[i]));

  /* The app's side: its avahi-daemon goes away and comes back. The nodes it knows stay
   * online (they are polled, not browsed), and once the daemon is back the app finds a
   * node that appeared after the restart. */
  seye_test_netns_restart_avahi (f->net, "lan");
  late_name = g_strdup_printf ("%s-late", f->prefix);
  late = seye_test_netns_agent_start (f->net, "n1", "--name", late_name,
                                      "--node-id", late_id,
                                      "--interval", "0.5", NULL);
  start = g_get_monotonic_time ();
  node = seye_test_wait_for_node (G_LIST_MODEL (f->monitor), late_name, APPEAR_MS);
  seye_test_wait_node_state (node, SEYE_NODE_STATE_ONLINE, late->port, APPEAR_MS);
  g_assert_false (seye_node_get_manual (node));
  g_test_message ("a node started after the app's avahi-daemon restarted was online %.2f s later",
                  (g_get_monotonic_time () - start) / 1e6);

  /* A node's side: n3's daemon restarts; its agent announces itself again and its row
   * stays one row, online. */
  g_assert_cmpuint (count_lines (f->agents[2]->log->str, "mDNS: announced"), ==, 1);
  seye_test_netns_restart_avahi (f->net, "n3");
  start = g_get_monotonic_time ();
  while (count_lines (f->agents[2]->log->str, "mDNS: announced") < 2 &&
         g_get_monotonic_time () - start < APPEAR_MS * (gint64) 1000)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (count_lines (f->agents[2]->log->str, "mDNS: announced"), ==, 2);
  seye_test_wait_until (never_cb, NULL, 2000);

  node = node_named (f, f->names[2]);
  g_assert_cmpuint (seye_node_get_state (node), ==, SEYE_NODE_STATE_ONLINE);
  g_assert_cmpuint (seye_test_count_nodes (G_LIST_MODEL (f->monitor), f->names[2]), ==, 1);

  /* Through both restarts every node stayed online and kept updating. */
  for (guint i = 0; i < N_AGENTS; i++)
    {
      g_test_message ("%s: %u samples through the restarts", f->names[i], watches[i].samples);
      g_assert_cmpuint (watches[i].left_online, ==, 0);
      g_assert_cmpuint (watches[i].samples, >=, 4);
      seye_test_watch_stop (&watches[i]);
    }
  g_assert_cmpuint (seye_node_get_state (node_named (f, late_name)), ==, SEYE_NODE_STATE_ONLINE);
  g_assert_cmpuint (g_list_model_get_n_items (seye_node_list_get_model (f->list)), ==,
                    N_AGENTS + 1);
}

typedef struct
{
  const char       *suffix;
  SeyeTestFakeKind  kind;
  guint             delay_ms;
  SeyeTestFake     *fake;
  GSubprocess      *publisher;
  SeyeNode         *node;
} FakeNode;

/* All of them on host n4, announced over mDNS like agents; the relay claims @slow_id. */
static void
start_fakes (Fixture    *f,
             FakeNode   *fakes,
             const char *backend_uri,
             const char *slow_id)
{
  for (guint i = 0; fakes[i].suffix != NULL; i++)
    {
      g_autoptr (GSocket) socket = seye_test_netns_listen (f->net, "n4");
      g_autofree char *name = g_strdup_printf ("%s-%s", f->prefix, fakes[i].suffix);
      g_autofree char *id = NULL;
      guint16 port;

      fakes[i].fake = seye_test_fake_new (fakes[i].kind, socket, backend_uri,
                                          fakes[i].delay_ms);
      port = seye_test_fake_get_port (fakes[i].fake);
      if (fakes[i].kind == SEYE_TEST_FAKE_RELAY)
        id = g_strdup (slow_id);
      else
        id = seye_test_node_id (0xe0000000 + i);
      fakes[i].publisher = seye_test_netns_publish (f->net, "n4", name, port, id);
    }
}

/* Every fake but the first (the slow relay): offline, saying why, never a sample. */
static void
assert_garbage_offline (FakeNode *fakes)
{
  for (guint i = 1; fakes[i].suffix != NULL; i++)
    {
      g_test_message ("%s: %s, %s", fakes[i].suffix,
                      seye_node_state_to_string (seye_node_get_state (fakes[i].node)),
                      seye_node_get_error (fakes[i].node));
      g_assert_cmpuint (seye_node_get_state (fakes[i].node), ==, SEYE_NODE_STATE_OFFLINE);
      g_assert_nonnull (seye_node_get_error (fakes[i].node));
      g_assert_null (seye_node_get_sample (fakes[i].node));
      g_assert_cmpuint (seye_test_fake_get_n_requests (fakes[i].fake), >=, 1);
    }
}

static void
stop_fakes (Fixture  *f,
            FakeNode *fakes)
{
  for (guint i = 0; fakes[i].suffix != NULL; i++)
    {
      g_subprocess_force_exit (fakes[i].publisher);
      g_subprocess_wait (fakes[i].publisher, NULL, NULL);
      g_clear_object (&fakes[i].publisher);
      seye_monitor_remove (f->monitor, fakes[i].node);
      g_clear_pointer (&fakes[i].fake, seye_test_fake_free);
    }
}

static void
test_slow_and_garbage (Fixture       *f,
                       gconstpointer  data)
{
  FakeNode fakes[] = {
    { "slow", SEYE_TEST_FAKE_RELAY, 2000 },    /* within the app's 5 s read limit */
    { "mute", SEYE_TEST_FAKE_MUTE, 0 },
    { "syntax", SEYE_TEST_FAKE_SYNTAX, 0 },
    { "huge", SEYE_TEST_FAKE_HUGE, 0 },
    { NULL },
  };
  g_autoptr (SeyeTestAgent) backend = NULL;
  g_autofree char *slow_id = seye_test_node_id (0xd0000000);
  SeyeTestWatch watches[N_AGENTS] = { 0 };
  SeyeTestWatch slow = { 0 };
  SeyeTestHeartbeat beat = { 0 };
  gint64 start;

  if (f->net == NULL)
    return;

  wait_all_online (f);
  seye_node_list_set_search_text (f->list, "");

  /* The slow node relays a real agent that nobody else sees (loopback, no mDNS). */
  backend = seye_test_agent_start ("--no-mdns", "--name", "backend", "--node-id", slow_id,
                                   "--interval", "0.5", NULL);

  /* Beats every 50 ms from before the first fake appears to the end. */
  seye_test_heartbeat_start (&beat);
  for (guint i = 0; i < N_AGENTS; i++)
    seye_test_watch_start (&watches[i], node_named (f, f->names[i]));

  start_fakes (f, fakes, backend->base_uri, slow_id);

  start = g_get_monotonic_time ();
  for (guint i = 0; fakes[i].suffix != NULL; i++)
    {
      g_autofree char *name = g_strdup_printf ("%s-%s", f->prefix, fakes[i].suffix);

      fakes[i].node = seye_test_wait_for_node (G_LIST_MODEL (f->monitor), name, APPEAR_MS);
    }
  g_test_message ("the fake nodes were found over mDNS after %.2f s",
                  (g_get_monotonic_time () - start) / 1e6);

  /* The slow node answers, late: online, with samples. Shown in the detail pane. */
  seye_window_show_node (f->window, fakes[0].node);
  seye_test_wait_node_state (fakes[0].node, SEYE_NODE_STATE_ONLINE, 0, APPEAR_MS);
  seye_test_watch_start (&slow, fakes[0].node);

  /* The mute one: offline, saying why. The garbage ones: an error, never a sample. */
  seye_test_wait_node_state (fakes[1].node, SEYE_NODE_STATE_OFFLINE, 0, OFFLINE_MS);
  seye_window_show_node (f->window, fakes[2].node);
  for (guint i = 2; fakes[i].suffix != NULL; i++)
    seye_test_wait_node_state (fakes[i].node, SEYE_NODE_STATE_OFFLINE, 0, OFFLINE_MS);

  /* Some more seconds of all that going on. */
  seye_window_show_node (f->window, fakes[0].node);
  seye_test_wait_until (never_cb, NULL, 6000);
  seye_test_heartbeat_stop (&beat);

  g_test_message ("main loop ticked %u times, worst lag %.0f ms", beat.ticks,
                  beat.worst_lag / 1000.0);
  g_assert_cmpint (beat.worst_lag, <, MAX_LAG_US);

  g_test_message ("slow: %s, %u samples in 6 s, %u requests",
                  seye_node_state_to_string (seye_node_get_state (fakes[0].node)),
                  slow.samples, seye_test_fake_get_n_requests (fakes[0].fake));
  g_assert_cmpuint (seye_node_get_state (fakes[0].node), ==, SEYE_NODE_STATE_ONLINE);
  g_assert_cmpuint (slow.left_online, ==, 0);
  g_assert_cmpuint (slow.samples, >=, 2);
  g_assert_nonnull (seye_node_get_sample (fakes[0].node));
  seye_test_watch_stop (&slow);

  assert_garbage_offline (fakes);

  /* The real agents did not suffer. */
  for (guint i = 0; i < N_AGENTS; i++)
    {
      g_test_message ("%s: %u samples meanwhile", f->names[i], watches[i].samples);
      g_assert_cmpuint (watches[i].left_online, ==, 0);
      g_assert_cmpuint (watches[i].samples, >=, 6);
      seye_test_watch_stop (&watches[i]);
    }

  stop_fakes (f, fakes);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *lan_bus = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  /* The app browses through the lan host's avahi-daemon (set before any thread starts). */
  lan_bus = seye_test_netns_dup_bus (NULL, "lan");
  g_setenv ("DBUS_SYSTEM_BUS_ADDRESS", lan_bus, TRUE);

  gtk_init ();
  adw_init ();

#define ADD(path, func) \
  g_test_add ("/seye/app/netns/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("link-cut", test_link_cut);
  ADD ("agent-restart", test_agent_restart);
  ADD ("avahi-restart", test_avahi_restart);
  ADD ("slow-and-garbage", test_slow_and_garbage);
#undef ADD

  status = g_test_run ();
  seye_test_netns_release ();

  return status;
}
