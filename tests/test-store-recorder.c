/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SeyeRecorder: a real agent, polled by a monitor, recorded by the store, also
 * while the disk fills up; its alerts in the alert log. */

#include "config.h"

#include <math.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>
#include <string.h>
#include <unistd.h>

#include "seye-error.h"
#include "seye-format.h"
#include "seye-monitor.h"
#include "seye-recorder.h"
#include "seye-store.h"
#include "seye-test-mounts.h"
#include "seye-test-util.h"
#include "test-store-fixture.h"

/* A real agent, polled by a monitor, recorded by the store. */
typedef struct
{
  const char *path;
  gint64      want;
} CountWait;

static gboolean
enough_rows_cb (gpointer data)
{
  CountWait *wait = data;

  return count_rows (wait->path, RAW_COUNT) >= wait->want;
}

static void
test_attach_monitor (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr (SeyeTestAgent) agent = NULL;
  g_autoptr (SeyeMonitor) monitor = NULL;
  g_autoptr (SeyeStore) store = NULL;
  g_autoptr (SeyeRecorder) recorder = NULL;
  g_autoptr (GPtrArray) nodes = NULL;
  g_autoptr (GPtrArray) points = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *host_port = NULL;
  CountWait wait = { fixture->path, 8 };
  gint64 now;

  if (g_getenv ("SEYE_AGENT") == NULL)
    {
      g_test_skip ("SEYE_AGENT is not set (built without the agent)");
      return;
    }

  agent = seye_test_agent_start ("--name", "store-rec", "--node-id", ID_A, "--interval", "0.25",
                                 "--no-mdns", NULL);
  g_assert_nonnull (agent);
  host_port = g_strdup_printf ("127.0.0.1:%u", agent->port);

  store = open_store (fixture);
  monitor = seye_monitor_new ();
  seye_monitor_set_interval (monitor, 0.25);
  recorder = seye_recorder_new (store, monitor);
  seye_monitor_add_manual (monitor, host_port, &error);
  g_assert_no_error (error);
  seye_monitor_start (monitor);

  g_assert_true (seye_test_wait_until (enough_rows_cb, &wait, 15000));

  nodes = seye_store_list_nodes (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (nodes->len, >=, 1);
  g_assert_cmpstr (((SeyeStoreNode *) nodes->pdata[0])->node_id, ==, ID_A);
  g_assert_cmpstr (((SeyeStoreNode *) nodes->pdata[0])->name, ==, "store-rec");
  g_assert_cmpstr (((SeyeStoreNode *) nodes->pdata[0])->address, ==, host_port);

  now = g_get_real_time () / 1000;
  points = query (store, ID_A, now - HOUR, now + MINUTE, 0);
  g_assert_cmpuint (points->len, >=, 8);
  g_assert_cmpuint (((SeyeStorePoint *) points->pdata[0])->avg->parts & SEYE_SAMPLE_CPU, !=, 0);

  /* What is queued when the store goes is written. */
  seye_monitor_stop (monitor);
  g_clear_object (&recorder);
  g_clear_object (&store);
  g_assert_cmpint (count_rows (fixture->path, RAW_COUNT), >=, (gint64) points->len);
}

typedef struct
{
  SeyeStore *store;
  guint      want;
} EventWait;

static gboolean
enough_events_cb (gpointer data)
{
  EventWait *wait = data;
  g_autoptr (GPtrArray) events = seye_store_list_alert_events (wait->store, 0, NULL, 0, NULL);

  return events != NULL && events->len >= wait->want;
}

/* Only the memory rule, so the host's own disks, swap or load add nothing. */
static void
memory_rule_only (SeyeMonitor *monitor,
                  double       threshold)
{
  g_auto (SeyeAlertRules) rules = { 0 };

  seye_alert_rules_init_defaults (&rules);
  rules.offline = FALSE;
  for (guint bit = 1; bit <= SEYE_ALERT_ALL; bit <<= 1)
    if (bit != SEYE_ALERT_MEMORY && bit != SEYE_ALERT_OFFLINE)
      seye_alert_rules_set_threshold (&rules, bit, SEYE_ALERT_RULE_OFF);
  seye_alert_rules_set_threshold (&rules, SEYE_ALERT_MEMORY, threshold);
  seye_monitor_set_alert_rules (monitor, &rules);
}

/* An alert that starts, is acknowledged and clears: three lines in the log, in order, with
 * the node's id and name, the rule, its value and the reason. */
static void
test_alert_log (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr (SeyeTestAgent) agent = NULL;
  g_autoptr (SeyeMonitor) monitor = NULL;
  g_autoptr (SeyeStore) store = NULL;
  g_autoptr (SeyeRecorder) recorder = NULL;
  g_autoptr (GPtrArray) events = NULL;
  g_autoptr (SeyeNode) node = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *host_port = NULL;
  EventWait wait = { NULL, 1 };
  gint64 before = g_get_real_time () / 1000;
  const SeyeAlertEvent *start, *ack, *clear;

  if (g_getenv ("SEYE_AGENT") == NULL)
    {
      g_test_skip ("SEYE_AGENT is not set (built without the agent)");
      return;
    }

  agent = seye_test_agent_start ("--name", "alert-rec", "--node-id", ID_A, "--interval", "0.25",
                                 "--no-mdns", NULL);
  g_assert_nonnull (agent);
  host_port = g_strdup_printf ("127.0.0.1:%u", agent->port);

  store = open_store (fixture);
  wait.store = store;
  monitor = seye_monitor_new ();
  seye_monitor_set_interval (monitor, 0.25);
  memory_rule_only (monitor, 1);
  recorder = seye_recorder_new (store, monitor);
  seye_monitor_add_manual (monitor, host_port, &error);
  g_assert_no_error (error);
  seye_monitor_start (monitor);

  /* Memory above 1 %: the alert starts. */
  g_assert_true (seye_test_wait_until (enough_events_cb, &wait, 15000));
  node = g_list_model_get_item (G_LIST_MODEL (monitor), 0);
  g_assert_cmpuint (seye_node_get_active_alerts (node), ==, SEYE_ALERT_MEMORY);

  /* Acknowledged, then cleared with the threshold out of reach. */
  seye_monitor_acknowledge_alerts (monitor, node, SEYE_ALERT_MEMORY);
  memory_rule_only (monitor, 100);
  g_assert_cmpuint (seye_node_get_active_alerts (node), ==, 0);
  wait.want = 3;
  g_assert_true (seye_test_wait_until (enough_events_cb, &wait, 15000));

  events = seye_store_list_alert_events (store, before, NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (events->len, ==, 3);
  clear = events->pdata[0];
  ack = events->pdata[1];
  start = events->pdata[2];
  g_assert_cmpint (start->event, ==, SEYE_ALERT_EVENT_START);
  g_assert_cmpint (ack->event, ==, SEYE_ALERT_EVENT_ACKNOWLEDGE);
  g_assert_cmpint (clear->event, ==, SEYE_ALERT_EVENT_CLEAR);
  g_assert_cmpint (start->time_ms, >=, before);
  g_assert_cmpint (start->time_ms, <=, ack->time_ms);
  g_assert_cmpint (ack->time_ms, <=, clear->time_ms);
  for (guint i = 0; i < events->len; i++)
    {
      const SeyeAlertEvent *event = events->pdata[i];
      g_autofree char *percent = seye_format_percent (event->value);
      g_autofree char *reason = g_strdup_printf ("Memory %s", percent);

      g_assert_cmpstr (event->node_id, ==, ID_A);
      g_assert_cmpstr (event->name, ==, "alert-rec");
      g_assert_cmpstr (event->rule, ==, "memory");
      g_assert_true (event->value > 1 && event->value <= 100);

      /* The reason in words says the value recorded beside it. */
      g_assert_cmpstr (event->reason, ==, reason);
    }

  seye_monitor_stop (monitor);
}

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 guint      *count)
{
  (*count)++;
}

static gboolean
recording_error_set_cb (gpointer data)
{
  return seye_store_get_recording_error (data) != NULL;
}

static gboolean
recording_error_clear_cb (gpointer data)
{
  return seye_store_get_recording_error (data) == NULL;
}

/* The disk fills up while a monitor is recorded: the store says so, once, in words the
 * window shows (SeyeStore:recording-error), keeps the samples and writes them when there
 * is room again, and then says it is over. */
static void
test_disk_full_while_recording (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *filler = NULL;
  g_autofree char *host_port = NULL;
  g_autoptr (SeyeTestAgent) agent = NULL;
  g_autoptr (SeyeMonitor) monitor = NULL;
  g_autoptr (SeyeStore) store = NULL;
  g_autoptr (SeyeRecorder) recorder = NULL;
  g_autoptr (GError) error = NULL;
  CountWait wait = { NULL, 0 };
  gint64 before;
  guint notified = 0;

  if (g_getenv ("SEYE_AGENT") == NULL)
    {
      g_test_skip ("SEYE_AGENT is not set (built without the agent)");
      return;
    }

  dir = seye_test_tmpfs_new (NULL, 512);
  if (dir == NULL)
    return;
  path = g_build_filename (dir, "history.db", NULL);

  agent = seye_test_agent_start ("--name", "store-full", "--node-id", ID_A, "--interval", "0.25",
                                 "--no-mdns", NULL);
  g_assert_nonnull (agent);
  host_port = g_strdup_printf ("127.0.0.1:%u", agent->port);

  store = seye_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_false (seye_store_get_read_only (store));
  g_signal_connect (store, "notify::recording-error", G_CALLBACK (count_notify_cb), &notified);
  monitor = seye_monitor_new ();
  seye_monitor_set_interval (monitor, 0.25);
  recorder = seye_recorder_new (store, monitor);
  seye_monitor_add_manual (monitor, host_port, &error);
  g_assert_no_error (error);
  seye_monitor_start (monitor);

  wait.path = path;
  wait.want = 4;
  g_assert_true (seye_test_wait_until (enough_rows_cb, &wait, 15000));
  g_assert_null (seye_store_get_recording_error (store));
  g_assert_cmpuint (notified, ==, 0);

  /* Full: said once, and the samples wait. */
  disk_full_warnings = 0;
  filler = seye_test_tmpfs_fill (dir);
  g_assert_true (seye_test_wait_until (recording_error_set_cb, store, 15000));
  g_assert_true (g_str_has_prefix (seye_store_get_recording_error (store),
                                   "The disk is full: new samples wait in memory"));
  assert_not_called_damaged (seye_store_get_recording_error (store));
  /* More rounds fail the same way without saying it again. */
  before = seye_store_get_n_pending (store);
  wait.want = before + 8;
  while (seye_store_get_n_pending (store) < (guint) wait.want)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (disk_full_warnings, ==, 1);
  g_assert_cmpuint (notified, ==, 1);

  /* Room again: written, and the notice goes. */
  g_assert_cmpint (g_unlink (filler), ==, 0);
  g_assert_true (seye_test_wait_until (recording_error_clear_cb, store, 15000));
  g_assert_cmpuint (notified, ==, 2);
  wait.want = count_rows (path, RAW_COUNT) + before;
  g_assert_true (seye_test_wait_until (enough_rows_cb, &wait, 15000));

  seye_monitor_stop (monitor);
  g_clear_object (&recorder);
  g_clear_object (&store);
  g_clear_object (&monitor);
  seye_test_tmpfs_free (g_steal_pointer (&dir));
}


int
main (int   argc,
      char *argv[])
{
  store_test_init (&argc, &argv);

#define ADD(path, func) g_test_add ("/seye/store/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("attach-monitor", test_attach_monitor);
  ADD ("alert-log", test_alert_log);
  g_test_add_func ("/seye/store/cannot-open/disk-full-while-recording",
                   test_disk_full_while_recording);
#undef ADD

  return g_test_run ();
}
