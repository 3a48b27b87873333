/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The Alert Log window: the events of the history database, newest first, a search
 * entry that keeps one node's, new events as soon as the store writes them, and its
 * empty and unavailable states; opened by app.alert-log in the running app, once.
 */
#include "config.h"

#include <adwaita.h>
#include <math.h>
#include <string.h>

#include "seye-alert-log.h"
#include "seye-application.h"
#include "seye-store.h"
#include "seye-test-hostile.h"
#include "seye-test-util.h"
#include "seye-window.h"

#define ID_A "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1"
#define ID_B "b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2"
#define ID_C "c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3"
#define MINUTE G_GINT64_CONSTANT (60000)
#define HOUR (60 * MINUTE)
#define DAY (24 * HOUR)

static char *data_dir;

static void
add_event (SeyeStore          *store,
           gint64              time_ms,
           const char         *node_id,
           const char         *name,
           SeyeAlertEventType  type,
           double              value,
           const char         *reason)
{
  g_autoptr (SeyeAlertEvent) event = seye_alert_event_new (time_ms, node_id, name, isnan (value) ? "offline"
                                                                                               : "memory",
                                                           type, value, reason);

  seye_store_add_alert_event (store, event);
}

/* alpha: memory started, acknowledged, cleared; beta offline 3 days ago; a hostile name;
 * and one past the 90 days kept (pruning has not run yet: not shown all the same). */
static void
write_events (SeyeStore *store,
              gint64     now)
{
  g_autoptr (GError) error = NULL;

  add_event (store, now - 100 * DAY, ID_B, "beta", SEYE_ALERT_EVENT_CLEAR, NAN, "Offline");
  add_event (store, now - 3 * DAY, ID_B, "beta", SEYE_ALERT_EVENT_START, NAN, "Offline");
  add_event (store, now - 2 * HOUR, ID_A, "alpha", SEYE_ALERT_EVENT_START, 96.4, "Memory 96 %");
  add_event (store, now - 90 * MINUTE, ID_A, "alpha", SEYE_ALERT_EVENT_ACKNOWLEDGE, 96.1, "Memory 96 %");
  add_event (store, now - HOUR, ID_A, "alpha", SEYE_ALERT_EVENT_CLEAR, 40, "Memory 40 %");
  add_event (store, now - 10 * MINUTE, ID_C, "evil " SEYE_TEST_HOSTILE_ALL, SEYE_ALERT_EVENT_START, 97,
             "Memory 97 %");
  seye_store_commit (store, &error);
  g_assert_no_error (error);
}

static SeyeStore *
new_store (const char *name)
{
  g_autofree char *path = g_build_filename (data_dir, name, NULL);
  g_autoptr (GError) error = NULL;
  SeyeStore *store = seye_store_open (path, &error);

  g_assert_no_error (error);

  return store;
}

static void
iterate (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
assert_row (SeyeAlertLog *log,
            guint         index,
            const char   *node,
            const char   *reason,
            const char   *event)
{
  g_autofree char *text = _seye_alert_log_get_row_text (log, index);
  g_auto (GStrv) fields = NULL;

  g_assert_nonnull (text);
  fields = g_strsplit (text, "\t", -1);
  g_assert_cmpuint (g_strv_length (fields), ==, 4);
  g_assert_cmpstr (fields[0], ==, node);
  g_assert_cmpstr (fields[1], ==, reason);
  g_assert_cmpstr (fields[2], ==, event);
}

static void
test_rows_and_filter (void)
{
  g_autoptr (SeyeStore) store = new_store ("rows.db");
  g_autofree char *hostile = g_strdup_printf ("evil %s", SEYE_TEST_HOSTILE_ALL_SHOWN);
  gint64 now = g_get_real_time () / 1000;
  SeyeAlertLog *log;

  write_events (store, now);
  log = seye_alert_log_new (NULL, store);
  gtk_window_present (GTK_WINDOW (log));
  iterate ();

  /* Newest first, the last 90 days; names sanitised. */
  g_assert_cmpstr (_seye_alert_log_get_page (log), ==, "list");
  g_assert_cmpuint (_seye_alert_log_get_n_shown (log), ==, 5);
  assert_row (log, 0, hostile, "Memory 97 %", "Started");
  assert_row (log, 1, "alpha", "Memory 40 %", "Cleared");
  assert_row (log, 2, "alpha", "Memory 96 %", "Acknowledged");
  assert_row (log, 3, "alpha", "Memory 96 %", "Started");
  assert_row (log, 4, "beta", "Offline", "Started");
  g_assert_null (_seye_alert_log_get_row_text (log, 5));

  /* One node, by part of its name in any case. */
  _seye_alert_log_set_search (log, "ALP");
  g_assert_cmpuint (_seye_alert_log_get_n_shown (log), ==, 3);
  assert_row (log, 0, "alpha", "Memory 40 %", "Cleared");
  assert_row (log, 2, "alpha", "Memory 96 %", "Started");
  g_assert_null (_seye_alert_log_get_row_text (log, 3));

  /* A new event while open: shown at once, under the filter. */
  add_event (store, now, ID_A, "alpha", SEYE_ALERT_EVENT_START, 95, "Memory 95 %");
  add_event (store, now, ID_B, "beta", SEYE_ALERT_EVENT_CLEAR, NAN, "Offline");
  g_assert_true (seye_store_commit (store, NULL));
  iterate ();
  g_assert_cmpuint (_seye_alert_log_get_n_shown (log), ==, 4);
  assert_row (log, 0, "alpha", "Memory 95 %", "Started");

  /* Nothing for that search: said so. */
  _seye_alert_log_set_search (log, "gamma");
  g_assert_cmpuint (_seye_alert_log_get_n_shown (log), ==, 0);
  g_assert_cmpstr (_seye_alert_log_get_page (log), ==, "no-match");

  _seye_alert_log_set_search (log, "");
  g_assert_cmpuint (_seye_alert_log_get_n_shown (log), ==, 7);
  g_assert_cmpstr (_seye_alert_log_get_page (log), ==, "list");
  assert_row (log, 0, "beta", "Offline", "Cleared");

  gtk_window_destroy (GTK_WINDOW (log));
  iterate ();
}

static void
test_empty_and_unavailable (void)
{
  g_autoptr (SeyeStore) store = new_store ("empty.db");
  SeyeAlertLog *log;

  log = seye_alert_log_new (NULL, store);
  iterate ();
  g_assert_cmpstr (_seye_alert_log_get_page (log), ==, "empty");
  g_assert_cmpuint (_seye_alert_log_get_n_shown (log), ==, 0);
  gtk_window_destroy (GTK_WINDOW (log));

  log = seye_alert_log_new (NULL, NULL);
  iterate ();
  g_assert_cmpstr (_seye_alert_log_get_page (log), ==, "unavailable");
  gtk_window_destroy (GTK_WINDOW (log));
  iterate ();
}

/* The running app ----------------------------------------------------------- */

typedef struct
{
  SeyeApplication *app;
  guint            n_shown;
  guint            n_logs;
  gboolean         done;
} Run;

static guint
count_logs (SeyeApplication *app,
            SeyeAlertLog   **log)
{
  guint n = 0;

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    if (SEYE_IS_ALERT_LOG (l->data))
      {
        *log = l->data;
        n++;
      }

  return n;
}

static gboolean
drive_cb (gpointer data)
{
  Run *run = data;
  GtkWindow *active = gtk_application_get_active_window (GTK_APPLICATION (run->app));
  SeyeAlertLog *log = NULL;

  if (active == NULL || seye_application_get_store (run->app) == NULL)
    return G_SOURCE_CONTINUE;

  /* Twice: the second time brings the open log to the front. */
  g_action_group_activate_action (G_ACTION_GROUP (run->app), "alert-log", NULL);
  g_action_group_activate_action (G_ACTION_GROUP (run->app), "alert-log", NULL);
  run->n_logs = count_logs (run->app, &log);
  if (log != NULL)
    run->n_shown = _seye_alert_log_get_n_shown (log);
  run->done = TRUE;
  g_application_quit (G_APPLICATION (run->app));

  return G_SOURCE_REMOVE;
}

static gboolean
give_up_cb (gpointer data)
{
  Run *run = data;

  g_application_quit (G_APPLICATION (run->app));

  return G_SOURCE_REMOVE;
}

static void
test_app_action (void)
{
  g_autofree char *path = seye_store_get_default_path ();
  g_autofree char *folder = g_path_get_dirname (path);
  g_autoptr (GError) error = NULL;
  Run run = { 0 };
  guint drive_id, give_up_id;
  GList *windows;

  g_mkdir_with_parents (folder, 0700);
  {
    g_autoptr (SeyeStore) store = seye_store_open (path, &error);

    g_assert_no_error (error);
    write_events (store, g_get_real_time () / 1000);
  }

  run.app = seye_application_new ();
  drive_id = g_timeout_add (100, drive_cb, &run);
  give_up_id = g_timeout_add_seconds (60, give_up_cb, &run);
  {
    char *argv[] = { (char *) "sorcerers-eye", NULL };

    g_assert_cmpint (g_application_run (G_APPLICATION (run.app), 1, argv), ==, 0);
  }
  if (!run.done)
    g_source_remove (drive_id);
  g_source_remove (give_up_id);

  g_assert_true (run.done);
  g_assert_cmpuint (run.n_logs, ==, 1);
  g_assert_cmpuint (run.n_shown, ==, 5);

  while ((windows = gtk_application_get_windows (GTK_APPLICATION (run.app))) != NULL)
    gtk_window_destroy (windows->data);
  g_clear_object (&run.app);
}

static void
remove_tree (GFile *file)
{
  g_autoptr (GFileEnumerator) children = NULL;

  children = g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  if (children != NULL)
    {
      GFileInfo *info;
      GFile *child;

      while (g_file_enumerator_iterate (children, &info, &child, NULL, NULL) && info != NULL)
        remove_tree (child);
    }

  g_file_delete (file, NULL, NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (GFile) data_home = NULL;
  int status;

  /* Before anything asks GLib for the user data folder: the store is the test's own. */
  data_dir = g_dir_make_tmp ("seye-alert-log-XXXXXX", NULL);
  g_assert_nonnull (data_dir);
  g_setenv ("XDG_DATA_HOME", data_dir, TRUE);

  g_test_init (&argc, &argv, NULL);
  adw_init ();

  {
    g_autoptr (GSettings) settings = g_settings_new (APP_ID);

    g_settings_set_boolean (settings, "notifications", FALSE);
  }

  g_test_add_func ("/seye/app/alert-log/rows-and-filter", test_rows_and_filter);
  g_test_add_func ("/seye/app/alert-log/empty-and-unavailable", test_empty_and_unavailable);
  g_test_add_func ("/seye/app/alert-log/app-action", test_app_action);

  status = g_test_run ();

  data_home = g_file_new_for_path (data_dir);
  remove_tree (data_home);
  g_free (data_dir);

  return status;
}
