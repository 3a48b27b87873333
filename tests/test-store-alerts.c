/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SeyeStore's alert log: a version-1 database gains it and keeps its samples; events go in
 * with the next commit, even after the database was busy; listing by time, node and limit;
 * retention with the rollups. Recording a monitor's alerts is test-store-recorder.c. */

#include "config.h"

#include <math.h>
#include <sqlite3.h>

#include "seye-error.h"
#include "seye-store.h"
#include "seye-test-util.h"
#include "test-store-fixture.h"

static void
add_event (SeyeStore          *store,
           gint64              time_ms,
           const char         *node_id,
           const char         *name,
           SeyeAlertEventType  type,
           double              value)
{
  g_autoptr (SeyeAlertEvent) event = NULL;
  g_autofree char *reason = isnan (value) ? g_strdup ("Offline") : g_strdup_printf ("Memory %.0f %%", value);

  event = seye_alert_event_new (time_ms, node_id, name, isnan (value) ? "offline" : "memory", type, value,
                                reason);
  seye_store_add_alert_event (store, event);
}

static GPtrArray *
list (SeyeStore  *store,
      gint64      since_ms,
      const char *filter,
      guint       limit)
{
  g_autoptr (GError) error = NULL;
  GPtrArray *events = seye_store_list_alert_events (store, since_ms, filter, limit, &error);

  g_assert_no_error (error);
  g_assert_nonnull (events);

  return events;
}

#define EVENT(events, i) ((SeyeAlertEvent *) (events)->pdata[i])

static void
test_migrate_v1 (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr (GPtrArray) events = NULL;
  g_autoptr (GPtrArray) points = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_cmpint (SEYE_STORE_SCHEMA_VERSION, >=, 2);

  /* A version-1 database, as the build before the alert log left it: its tables, no alerts. */
  {
    g_autoptr (SeyeStore) store = open_store (fixture);

    add (store, ID_A, T0, 10);
    add (store, ID_A, T0 + 1000, 20);
    commit (store);
  }
  exec_sql (fixture->path, "DROP TABLE alerts; PRAGMA user_version = 1;");
  g_assert_cmpint (count_rows (fixture->path,
                               "SELECT count(*) FROM sqlite_master WHERE name = 'alerts'"), ==, 0);

  /* A reader does not migrate: it says what to do. */
  {
    g_autoptr (SeyeStore) reader = seye_store_open_full (fixture->path, SEYE_STORE_OPEN_READ_ONLY, &error);

    g_assert_null (reader);
    g_assert_error (error, SEYE_ERROR, SEYE_ERROR_INCOMPATIBLE);
    g_clear_error (&error);
  }

  {
    g_autoptr (SeyeStore) store = open_store (fixture);

    g_assert_null (seye_store_get_set_aside_path (store));
    points = query (store, ID_A, T0, T0 + 1000, 0);
    g_assert_cmpuint (points->len, ==, 2);
    events = list (store, 0, NULL, 0);
    g_assert_cmpuint (events->len, ==, 0);
    add_event (store, T0 + 2000, ID_A, "alpha", SEYE_ALERT_EVENT_START, 96);
    commit (store);
  }

  g_assert_cmpint (count_rows (fixture->path, "PRAGMA user_version"), ==, SEYE_STORE_SCHEMA_VERSION);
  g_assert_cmpint (count_rows (fixture->path, RAW_COUNT), ==, 2);
  g_assert_cmpint (count_rows (fixture->path, "SELECT count(*) FROM alerts"), ==, 1);
  g_assert_cmpint (count_rows (fixture->path,
                               "SELECT count(*) FROM sqlite_master WHERE name = 'alerts_time'"), ==, 1);
}

static void
written_cb (SeyeStore *store,
            guint     *n_written)
{
  (*n_written)++;
}

static void
test_add_list (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr (SeyeStore) store = open_store (fixture);
  g_autoptr (GPtrArray) events = NULL;
  guint n_written = 0;

  g_signal_connect (store, "alert-events-written", G_CALLBACK (written_cb), &n_written);

  add_event (store, T0, ID_A, "alpha", SEYE_ALERT_EVENT_START, 96.5);
  add_event (store, T0 + MINUTE, ID_B, "Beta\x1b[31m", SEYE_ALERT_EVENT_START, NAN);
  add_event (store, T0 + 2 * MINUTE, ID_A, "alpha", SEYE_ALERT_EVENT_ACKNOWLEDGE, 97);
  add_event (store, T0 + 3 * MINUTE, ID_A, "alpha", SEYE_ALERT_EVENT_CLEAR, 40);
  add_event (store, T0 + 3 * MINUTE, ID_B, "Beta\x1b[31m", SEYE_ALERT_EVENT_CLEAR, NAN);

  /* Queued, not written: nothing to list yet. */
  events = list (store, 0, NULL, 0);
  g_assert_cmpuint (events->len, ==, 0);
  g_clear_pointer (&events, g_ptr_array_unref);

  /* A commit without samples writes them. */
  commit (store);
  g_assert_cmpuint (n_written, ==, 1);
  commit (store);
  g_assert_cmpuint (n_written, ==, 1);

  /* Newest first; a tie in time comes back in reverse order of arrival. */
  events = list (store, 0, NULL, 0);
  g_assert_cmpuint (events->len, ==, 5);
  g_assert_cmpstr (EVENT (events, 0)->node_id, ==, ID_B);
  g_assert_cmpstr (EVENT (events, 1)->node_id, ==, ID_A);
  g_assert_cmpint (EVENT (events, 1)->event, ==, SEYE_ALERT_EVENT_CLEAR);
  g_assert_cmpint (EVENT (events, 2)->event, ==, SEYE_ALERT_EVENT_ACKNOWLEDGE);
  g_assert_cmpint (EVENT (events, 4)->time_ms, ==, T0);
  g_assert_cmpint (EVENT (events, 4)->event, ==, SEYE_ALERT_EVENT_START);
  g_assert_cmpfloat (EVENT (events, 4)->value, ==, 96.5);
  g_assert_cmpstr (EVENT (events, 4)->rule, ==, "memory");
  g_assert_cmpstr (EVENT (events, 4)->reason, ==, "Memory 96 %");
  g_assert_cmpstr (EVENT (events, 4)->name, ==, "alpha");
  /* The name as announced: sanitised only where it is shown. */
  g_assert_cmpstr (EVENT (events, 0)->name, ==, "Beta\x1b[31m");
  /* No value (offline) is NULL in the database and NAN here. */
  g_assert_true (isnan (EVENT (events, 0)->value));
  g_assert_cmpint (count_rows (fixture->path, "SELECT count(*) FROM alerts WHERE value IS NULL"), ==, 2);
  g_clear_pointer (&events, g_ptr_array_unref);

  /* Since: inclusive. */
  events = list (store, T0 + 2 * MINUTE, NULL, 0);
  g_assert_cmpuint (events->len, ==, 3);
  g_clear_pointer (&events, g_ptr_array_unref);

  /* By node id, or by name in any case; nothing for another node. */
  events = list (store, 0, ID_A, 0);
  g_assert_cmpuint (events->len, ==, 3);
  g_clear_pointer (&events, g_ptr_array_unref);
  events = list (store, 0, "ALPHA", 0);
  g_assert_cmpuint (events->len, ==, 3);
  for (guint i = 0; i < events->len; i++)
    g_assert_cmpstr (EVENT (events, i)->node_id, ==, ID_A);
  g_clear_pointer (&events, g_ptr_array_unref);
  events = list (store, 0, "gamma", 0);
  g_assert_cmpuint (events->len, ==, 0);
  g_clear_pointer (&events, g_ptr_array_unref);

  /* Limit: the newest. */
  events = list (store, 0, NULL, 2);
  g_assert_cmpuint (events->len, ==, 2);
  g_assert_cmpint (EVENT (events, 1)->time_ms, ==, T0 + 3 * MINUTE);
}

static void
test_event_types (void)
{
  SeyeAlertEventType type;

  g_assert_cmpstr (seye_alert_event_type_to_string (SEYE_ALERT_EVENT_START), ==, "start");
  g_assert_cmpstr (seye_alert_event_type_to_string (SEYE_ALERT_EVENT_CLEAR), ==, "clear");
  g_assert_cmpstr (seye_alert_event_type_to_string (SEYE_ALERT_EVENT_ACKNOWLEDGE), ==, "acknowledge");
  g_assert_true (seye_alert_event_type_from_string ("acknowledge", &type));
  g_assert_cmpint (type, ==, SEYE_ALERT_EVENT_ACKNOWLEDGE);
  g_assert_false (seye_alert_event_type_from_string ("ack", &type));
  g_assert_false (seye_alert_event_type_from_string (NULL, &type));
}

static void
test_busy (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr (SeyeStore) store = open_store (fixture);
  g_autoptr (GPtrArray) events = NULL;
  g_autoptr (GError) error = NULL;
  sqlite3 *other = NULL;

  /* Another writer holds the database: the events stay queued for the next commit. */
  g_assert_cmpint (sqlite3_open_v2 (fixture->path, &other, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (other, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==, SQLITE_OK);

  add_event (store, T0, ID_A, "alpha", SEYE_ALERT_EVENT_START, 96);
  g_assert_false (seye_store_commit (store, &error));
  g_assert_error (error, SEYE_ERROR, SEYE_ERROR_UNAVAILABLE);
  g_clear_error (&error);

  g_assert_cmpint (sqlite3_exec (other, "COMMIT", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (other);

  add_event (store, T0 + 1000, ID_A, "alpha", SEYE_ALERT_EVENT_CLEAR, 50);
  add (store, ID_A, T0 + 1000, 3);
  commit (store);
  events = list (store, 0, NULL, 0);
  g_assert_cmpuint (events->len, ==, 2);
  g_assert_cmpint (EVENT (events, 1)->event, ==, SEYE_ALERT_EVENT_START);
  g_assert_cmpint (count_rows (fixture->path, RAW_COUNT), ==, 1);

  /* Written once: a later commit adds nothing. */
  commit (store);
  g_assert_cmpint (count_rows (fixture->path, "SELECT count(*) FROM alerts"), ==, 2);
}

static void
test_dispose_writes (Fixture       *fixture,
                     gconstpointer  data)
{
  {
    g_autoptr (SeyeStore) store = open_store (fixture);

    add_event (store, T0, ID_A, "alpha", SEYE_ALERT_EVENT_START, 96);
  }

  g_assert_cmpint (count_rows (fixture->path, "SELECT count(*) FROM alerts"), ==, 1);
}

static void
test_retention (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr (SeyeStore) store = open_store (fixture);
  g_autoptr (GPtrArray) events = NULL;
  gint64 now = T0 + 3 * HOUR;

  g_object_set (store, "rollup-retention", (gint64) 7200, "hourly-retention", (gint64) 3600, NULL);
  add_event (store, T0, ID_A, "alpha", SEYE_ALERT_EVENT_START, 96);
  add_event (store, now - 2 * HOUR - MINUTE, ID_A, "alpha", SEYE_ALERT_EVENT_CLEAR, 50);
  add_event (store, now - 2 * HOUR, ID_B, "beta", SEYE_ALERT_EVENT_START, NAN);
  add_event (store, now - MINUTE, ID_B, "beta", SEYE_ALERT_EVENT_CLEAR, NAN);
  commit (store);

  /* What is older than the longest tier kept goes with it. */
  maintain (store, now);
  events = list (store, 0, NULL, 0);
  g_assert_cmpuint (events->len, ==, 2);
  g_assert_cmpint (EVENT (events, 1)->time_ms, ==, now - 2 * HOUR);
  g_clear_pointer (&events, g_ptr_array_unref);

  maintain (store, now + 10 * HOUR);
  events = list (store, 0, NULL, 0);
  g_assert_cmpuint (events->len, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  store_test_init (&argc, &argv);

#define ADD(path, func) g_test_add ("/seye/store/alerts/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("migrate-v1", test_migrate_v1);
  ADD ("add-list", test_add_list);
  ADD ("busy", test_busy);
  ADD ("dispose-writes", test_dispose_writes);
  ADD ("retention", test_retention);
#undef ADD
  g_test_add_func ("/seye/store/alerts/event-types", test_event_types);

  return g_test_run ();
}
