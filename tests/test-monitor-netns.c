/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The core monitor, without GTK, against agents on separate hosts (tests/netns-stack.sh):
 * a cut link, avahi-daemon restarting under the browser, and nodes that answer late,
 * never, or with garbage. The same faults as test-app-netns, in a program that the
 * sanitized build (-Dapp=false) runs too.
 */
#include "config.h"

#include <unistd.h>

#include "seye-monitor.h"
#include "seye-test-util.h"

#define APPEAR_MS   20000
#define OFFLINE_MS  15000
#define BACK_MS     20000
#define MAX_LAG_US  (500 * 1000)

typedef struct
{
  SeyeTestNetns *net;
  SeyeMonitor   *monitor;
  SeyeTestAgent *agents[2];   /* on hosts n1, n2 */
  char          *names[2];
} Fixture;

static const char * const hosts[] = { "n1", "n2" };

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

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  static guint run;

  f->net = seye_test_require_netns (3);
  if (f->net == NULL)
    return;

  run++;
  for (guint i = 0; i < G_N_ELEMENTS (f->agents); i++)
    {
      g_autofree char *id = g_strdup_printf ("f%07x%016u%08u", (guint) getpid () & 0xfffffff,
                                             run, i + 1);

      /* Unique per test: records of the previous test's agents may still be cached. */
      f->names[i] = g_strdup_printf ("seye-monitor-netns-%d-%u-%s", (int) getpid (), run, hosts[i]);
      f->agents[i] = seye_test_netns_agent_start (f->net, hosts[i], "--name", f->names[i],
                                                  "--node-id", id, "--interval", "0.5", NULL);
    }

  f->monitor = seye_monitor_new ();
  seye_monitor_set_interval (f->monitor, 0.5);
  seye_monitor_set_discovery (f->monitor, TRUE);
  seye_monitor_start (f->monitor);

  for (guint i = 0; i < G_N_ELEMENTS (f->agents); i++)
    {
      SeyeNode *node = seye_test_wait_for_node (G_LIST_MODEL (f->monitor), f->names[i], APPEAR_MS);

      seye_test_wait_node_state (node, SEYE_NODE_STATE_ONLINE, f->agents[i]->port, APPEAR_MS);
      g_assert_false (seye_node_get_manual (node));
    }
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  if (f->net == NULL)
    return;

  for (guint i = 0; i < G_N_ELEMENTS (hosts); i++)
    seye_test_netns_set_link (f->net, hosts[i], TRUE);

  seye_monitor_stop (f->monitor);
  g_clear_object (&f->monitor);
  for (guint i = 0; i < G_N_ELEMENTS (f->agents); i++)
    {
      g_clear_pointer (&f->agents[i], seye_test_agent_free);
      g_clear_pointer (&f->names[i], g_free);
    }

  /* Let what the monitor cancelled finish before the next test. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
test_link_cut (Fixture       *f,
               gconstpointer  data)
{
  SeyeTestWatch other = { 0 };
  SeyeTestWatch cut = { 0 };
  SeyeNode *node;
  double seconds;

  if (f->net == NULL)
    return;

  node = node_named (f, f->names[1]);
  seye_test_watch_start (&other, node_named (f, f->names[0]));

  seye_test_netns_set_link (f->net, "n2", FALSE);
  seconds = seye_test_wait_node_state (node, SEYE_NODE_STATE_OFFLINE, 0, OFFLINE_MS);
  g_test_message ("offline %.2f s after its link was cut (%s)", seconds,
                  seye_node_get_error (node));
  g_assert_nonnull (seye_node_get_error (node));
  g_assert_cmpint (seye_node_get_last_seen (node), >, 0);

  g_assert_cmpuint (other.left_online, ==, 0);
  g_assert_cmpuint (other.samples, >=, (guint) seconds);
  seye_test_watch_stop (&other);

  seye_test_watch_start (&cut, node);
  seye_test_netns_set_link (f->net, "n2", TRUE);
  seconds = seye_test_wait_node_state (node, SEYE_NODE_STATE_ONLINE, f->agents[1]->port, BACK_MS);
  g_test_message ("online again %.2f s after its link came back", seconds);
  seye_test_wait_until (never_cb, NULL, 1500);
  g_assert_cmpuint (cut.samples, >=, 1);
  g_assert_null (seye_node_get_error (node));
  g_assert_cmpuint (seye_test_count_nodes (G_LIST_MODEL (f->monitor), f->names[1]), ==, 1);
  seye_test_watch_stop (&cut);
}

static void
test_avahi_restart (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr (SeyeTestAgent) late = NULL;
  g_autofree char *late_name = g_strdup_printf ("%s-late", f->names[0]);
  SeyeTestWatch watch = { 0 };
  SeyeNode *node;

  if (f->net == NULL)
    return;

  /* The browser's daemon restarts: what it knew stays online, and it finds what is new. */
  seye_test_watch_start (&watch, node_named (f, f->names[0]));
  seye_test_netns_restart_avahi (f->net, "lan");
  late = seye_test_netns_agent_start (f->net, "n2", "--name", late_name,
                                      "--node-id", "c0000000000000000000000000000002",
                                      "--interval", "0.5", NULL);
  node = seye_test_wait_for_node (G_LIST_MODEL (f->monitor), late_name, APPEAR_MS);
  seye_test_wait_node_state (node, SEYE_NODE_STATE_ONLINE, late->port, APPEAR_MS);
  g_assert_cmpuint (watch.left_online, ==, 0);
  g_assert_cmpuint (watch.samples, >=, 2);
  seye_test_watch_stop (&watch);
}

static void
test_slow_and_garbage (Fixture       *f,
                       gconstpointer  data)
{
  static const struct
  {
    const char       *suffix;
    SeyeTestFakeKind  kind;
    guint             delay_ms;
    SeyeNodeState     state;
  } kinds[] = {
    { "slow", SEYE_TEST_FAKE_RELAY, 2000, SEYE_NODE_STATE_ONLINE },
    { "mute", SEYE_TEST_FAKE_MUTE, 0, SEYE_NODE_STATE_OFFLINE },
    { "syntax", SEYE_TEST_FAKE_SYNTAX, 0, SEYE_NODE_STATE_OFFLINE },
    { "huge", SEYE_TEST_FAKE_HUGE, 0, SEYE_NODE_STATE_OFFLINE },
  };
  g_autofree char *slow_id = g_strdup_printf ("d%031x", (guint) getpid () + 1);
  g_autoptr (SeyeTestAgent) backend = NULL;
  SeyeTestFake *fakes[G_N_ELEMENTS (kinds)];
  GSubprocess *publishers[G_N_ELEMENTS (kinds)];
  SeyeNode *nodes[G_N_ELEMENTS (kinds)];
  SeyeTestHeartbeat beat = { 0 };
  SeyeTestWatch watch = { 0 };

  if (f->net == NULL)
    return;

  backend = seye_test_agent_start ("--no-mdns", "--name", "backend", "--node-id", slow_id,
                                   "--interval", "0.5", NULL);
  seye_test_heartbeat_start (&beat);
  seye_test_watch_start (&watch, node_named (f, f->names[0]));

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autoptr (GSocket) socket = seye_test_netns_listen (f->net, "n3");
      g_autofree char *name = g_strdup_printf ("%s-%s", f->names[0], kinds[i].suffix);
      g_autofree char *id = NULL;

      if (kinds[i].kind == SEYE_TEST_FAKE_RELAY)
        id = g_strdup (slow_id);
      else
        id = g_strdup_printf ("e%07x%024u", (guint) getpid () & 0xfffffff, i);
      fakes[i] = seye_test_fake_new (kinds[i].kind, socket, backend->base_uri, kinds[i].delay_ms);
      publishers[i] = seye_test_netns_publish (f->net, "n3", name, seye_test_fake_get_port (fakes[i]), id);
    }

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autofree char *name = g_strdup_printf ("%s-%s", f->names[0], kinds[i].suffix);

      nodes[i] = seye_test_wait_for_node (G_LIST_MODEL (f->monitor), name, APPEAR_MS);
      seye_test_wait_node_state (nodes[i], kinds[i].state, 0, OFFLINE_MS);
    }

  /* Some more seconds of it. */
  seye_test_wait_until (never_cb, NULL, 4000);
  seye_test_heartbeat_stop (&beat);
  g_test_message ("main loop ticked %u times, worst lag %.0f ms", beat.ticks,
                  beat.worst_lag / 1000.0);
  g_assert_cmpint (beat.worst_lag, <, MAX_LAG_US);

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_test_message ("%s: %s, %s", kinds[i].suffix,
                      seye_node_state_to_string (seye_node_get_state (nodes[i])),
                      seye_node_get_error (nodes[i]) ? seye_node_get_error (nodes[i]) : "no error");
      g_assert_cmpuint (seye_node_get_state (nodes[i]), ==, kinds[i].state);
      if (kinds[i].state == SEYE_NODE_STATE_ONLINE)
        {
          g_assert_nonnull (seye_node_get_sample (nodes[i]));
        }
      else
        {
          g_assert_nonnull (seye_node_get_error (nodes[i]));
          g_assert_null (seye_node_get_sample (nodes[i]));
        }
    }

  g_assert_cmpuint (watch.left_online, ==, 0);
  g_assert_cmpuint (watch.samples, >=, 4);
  seye_test_watch_stop (&watch);

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_subprocess_force_exit (publishers[i]);
      g_subprocess_wait (publishers[i], NULL, NULL);
      g_object_unref (publishers[i]);
      seye_monitor_remove (f->monitor, nodes[i]);
      seye_test_fake_free (fakes[i]);
    }
}

/* Read by LeakSanitizer in the sanitized pass, for this program only: libsoup 3.2
 * (Debian 12) leaks a SoupServer's connections when they are closed while idle (fixed
 * upstream in 3.3); only the fake nodes of this test are such servers. */
const char *__lsan_default_suppressions (void);
const char *__asan_default_options (void);

/* GLib has no frame pointers: unwind slowly, or the suppressions never match. */
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
  g_autofree char *lan_bus = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  /* The monitor browses through the lan host's avahi-daemon. */
  lan_bus = seye_test_netns_dup_bus (NULL, "lan");
  g_setenv ("DBUS_SYSTEM_BUS_ADDRESS", lan_bus, TRUE);

#define ADD(path, func) \
  g_test_add ("/seye/monitor/netns/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("link-cut", test_link_cut);
  ADD ("avahi-restart", test_avahi_restart);
  ADD ("slow-and-garbage", test_slow_and_garbage);
#undef ADD

  status = g_test_run ();
  seye_test_netns_release ();

  return status;
}
