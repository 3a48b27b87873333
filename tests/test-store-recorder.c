/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SeyeRecorder: a real agent, polled by a monitor, recorded by the store, also
 * while the disk fills up. */

#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>
#include <string.h>
#include <unistd.h>

#include "seye-error.h"
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
  g_test_add_func ("/seye/store/cannot-open/disk-full-while-recording",
                   test_disk_full_while_recording);
#undef ADD

  return g_test_run ();
}
