/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * History survives a restart of the app: a first run of the real sorcerers-eye binary
 * records a real agent's samples in its store ($XDG_DATA_HOME private to the test) and
 * writes the last of them when it is told to quit; a second run, in this process, shows
 * them in the detail pane's 1 hour range, and the live range still comes from the agent.
 */
#include "config.h"

#include <adwaita.h>
#include <signal.h>
#include <string.h>

#include "seye-application.h"
#include "seye-graph.h"
#include "seye-store.h"
#include "seye-test-mounts.h"
#include "seye-test-util.h"
#include "seye-window-private.h"

/* This run's: other runs may have agents of their own on this machine. Its agent is
 * given to the app by address and not announced: the avahi-daemon is shared, and a
 * test that floods it counts what is announced there. */
static char *node_id;
static char *node_name;

typedef struct
{
  SeyeApplication *app;
  gint64           restart_ms;
  gint64           first_ms;        /* oldest point the 1 h range showed */
  guint            n_points;
  gboolean         live_again;
  gboolean         done;
} SecondRun;

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

/* Points the store holds for the test's node, read the way `seye history` does; -1 when
 * the file cannot be read yet. */
static int
count_stored_points (void)
{
  g_autoptr (SeyeStore) store = NULL;
  g_autoptr (GPtrArray) points = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *path = seye_store_get_default_path ();

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return -1;

  store = seye_store_open_full (path, SEYE_STORE_OPEN_READ_ONLY, &error);
  if (store == NULL)
    {
      g_test_message ("cannot open %s yet: %s", path, error->message);
      return -1;
    }

  points = seye_store_query (store, node_id, 0, g_get_real_time () / 1000 + 60000, 0, &error);
  if (points == NULL)
    {
      g_test_message ("cannot read %s yet: %s", path, error->message);
      return -1;
    }

  return (int) points->len;
}

/* A run's windows keep its application (and its store) alive past g_application_run():
 * end them, so the next run in this process has the data folder to itself. */
static void
destroy_app (SeyeApplication **app)
{
  GList *windows;

  while ((windows = gtk_application_get_windows (GTK_APPLICATION (*app))) != NULL)
    gtk_window_destroy (windows->data);
  g_clear_object (app);
}

static gboolean
recorded_cb (gpointer data)
{
  return count_stored_points () >= 3;
}

/* seye_test_wait_until() looks again whenever the main loop wakes up: make it wake up. */
static gboolean
wake_up_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static SeyeNode *
find_node (SeyeMonitor *monitor)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (monitor));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (SeyeNode) node = g_list_model_get_item (G_LIST_MODEL (monitor), i);
      const SeyeNodeInfo *info = seye_node_get_info (node);

      if (info != NULL && g_strcmp0 (info->node_id, node_id) == 0)
        return node;
    }

  return NULL;
}

/* Drives the second run step by step, each step once what it needs is there. */
static gboolean
drive_cb (gpointer data)
{
  SecondRun *run = data;
  GtkWindow *active = gtk_application_get_active_window (GTK_APPLICATION (run->app));
  SeyeDetailPane *pane;
  SeyeGraph *graph;
  SeyeNode *node;
  gint64 first_ms;

  if (active == NULL || !SEYE_IS_WINDOW (active) || seye_application_get_store (run->app) == NULL)
    return G_SOURCE_CONTINUE;

  node = find_node (seye_application_get_monitor (run->app));
  if (node == NULL)
    return G_SOURCE_CONTINUE;

  pane = _seye_window_get_detail_pane (SEYE_WINDOW (active));
  graph = seye_detail_pane_get_graph (pane, SEYE_GRAPH_CPU);

  if (seye_detail_pane_get_node (pane) != node)
    {
      seye_window_show_node (SEYE_WINDOW (active), node);
      return G_SOURCE_CONTINUE;
    }

  if (run->n_points == 0)
    {
      seye_detail_pane_set_window (pane, 3600);
      if (!seye_graph_get_showing_history (graph) ||
          !seye_graph_get_time_range (graph, &first_ms, NULL))
        return G_SOURCE_CONTINUE;

      run->first_ms = first_ms;
      run->n_points = seye_graph_get_n_points (graph);

      /* Over the past hour the line above the graph is the hour's, not the moment's. */
      {
        g_autofree char *values = _seye_detail_pane_dup_cpu_values (pane);

        g_test_message ("over the hour: %s", values);
        g_assert_true (g_str_has_prefix (values, "avg "));
        g_assert_nonnull (strstr (values, " · max "));
      }
    }

  /* Back to the live minute: the agent's samples, not the store's. */
  seye_detail_pane_set_window (pane, 60);
  if (seye_graph_get_showing_history (graph) || seye_graph_get_n_points (graph) == 0)
    return G_SOURCE_CONTINUE;

  /* Live again: the values are the newest sample's. */
  {
    g_autofree char *values = _seye_detail_pane_dup_cpu_values (pane);

    g_assert_false (g_str_has_prefix (values, "avg "));
  }
  run->live_again = TRUE;
  run->done = TRUE;
  g_application_quit (G_APPLICATION (run->app));

  return G_SOURCE_REMOVE;
}

static gboolean
give_up_cb (gpointer data)
{
  SecondRun *run = data;

  g_application_quit (G_APPLICATION (run->app));

  return G_SOURCE_REMOVE;
}

static void
test_restart (void)
{
  g_autoptr (SeyeTestAgent) agent = NULL;
  g_autoptr (GSubprocess) first = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *node_arg = NULL;
  const char *app_path = g_getenv ("SEYE_APP");
  SecondRun run = { 0 };
  int n_before, n_after;
  guint drive_id, give_up_id, wake_id;

  if (app_path == NULL)
    {
      g_test_skip ("SEYE_APP is not set");
      return;
    }

  agent = seye_test_agent_start ("--name", node_name, "--node-id", node_id,
                                 "--interval", "0.5", "--no-mdns", NULL);
  node_arg = g_strdup_printf ("127.0.0.1:%u", agent->port);

  /* First run: the real binary records until the store holds a few samples... */
  first = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, app_path, "--node", node_arg, NULL);
  g_assert_no_error (error);
  wake_id = g_timeout_add (200, wake_up_cb, NULL);
  g_assert_true (seye_test_wait_until (recorded_cb, NULL, 60000));
  g_source_remove (wake_id);
  n_before = count_stored_points ();

  /* ...and quits the normal way on SIGTERM, writing its last round. */
  g_subprocess_send_signal (first, SIGTERM);
  g_subprocess_wait_check (first, NULL, &error);
  g_assert_no_error (error);
  n_after = count_stored_points ();
  g_assert_cmpint (n_after, >=, n_before);
  g_test_message ("first run stored %d points", n_after);

  /* Second run, in this process, with the same data folder. */
  run.restart_ms = g_get_real_time () / 1000;
  run.app = seye_application_new ();
  drive_id = g_timeout_add (100, drive_cb, &run);
  give_up_id = g_timeout_add_seconds (90, give_up_cb, &run);
  {
    char *argv[] = { (char *) "sorcerers-eye", (char *) "--node", node_arg, NULL };

    g_assert_cmpint (g_application_run (G_APPLICATION (run.app), 3, argv), ==, 0);
  }
  if (!run.done)
    g_source_remove (drive_id);
  g_source_remove (give_up_id);

  g_assert_true (run.done);
  g_assert_cmpuint (run.n_points, >, 0);
  /* The 1 h range reaches back into the first run. */
  g_assert_cmpint (run.first_ms, <, run.restart_ms);
  g_assert_true (run.live_again);

  destroy_app (&run.app);

  /* The second run wrote what it received too. */
  g_assert_cmpint (count_stored_points (), >=, n_after);
}

/* A read-only history ---------------------------------------------------- */

typedef struct
{
  SeyeApplication *app;
  gint64           start_ms;
  char            *toast;          /* the text of the toast that says why, once shown */
  guint            n_points;
  gboolean         done;
} ReadOnlyRun;

/* The text of a label under @widget that contains @needle, as the user sees it. */
static char *
find_label_text (GtkWidget  *widget,
                 const char *needle)
{
  if (GTK_IS_LABEL (widget) && strstr (gtk_label_get_text (GTK_LABEL (widget)), needle) != NULL)
    return g_strdup (gtk_label_get_text (GTK_LABEL (widget)));

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      char *text = find_label_text (child, needle);

      if (text != NULL)
        return text;
    }

  return NULL;
}

static gboolean
drive_read_only_cb (gpointer data)
{
  ReadOnlyRun *run = data;
  GtkWindow *active = gtk_application_get_active_window (GTK_APPLICATION (run->app));
  SeyeDetailPane *pane;
  SeyeGraph *graph;
  SeyeNode *node;
  gint64 first_ms;

  if (active == NULL || !SEYE_IS_WINDOW (active) || seye_application_get_store (run->app) == NULL)
    return G_SOURCE_CONTINUE;

  if (run->toast == NULL)
    run->toast = find_label_text (GTK_WIDGET (active), "history is not recorded");
  if (run->toast == NULL)
    return G_SOURCE_CONTINUE;

  node = find_node (seye_application_get_monitor (run->app));
  if (node == NULL)
    return G_SOURCE_CONTINUE;

  pane = _seye_window_get_detail_pane (SEYE_WINDOW (active));
  graph = seye_detail_pane_get_graph (pane, SEYE_GRAPH_CPU);
  if (seye_detail_pane_get_node (pane) != node)
    {
      seye_window_show_node (SEYE_WINDOW (active), node);
      return G_SOURCE_CONTINUE;
    }

  /* The hour before this run, from the read-only file. */
  seye_detail_pane_set_window (pane, 3600);
  if (!seye_graph_get_showing_history (graph) ||
      !seye_graph_get_time_range (graph, &first_ms, NULL) || first_ms >= run->start_ms)
    return G_SOURCE_CONTINUE;

  run->n_points = seye_graph_get_n_points (graph);
  run->done = TRUE;
  g_application_quit (G_APPLICATION (run->app));

  return G_SOURCE_REMOVE;
}

static gboolean
give_up_read_only_cb (gpointer data)
{
  ReadOnlyRun *run = data;

  g_application_quit (G_APPLICATION (run->app));

  return G_SOURCE_REMOVE;
}

/* Twenty minutes of the test's node, ending a minute ago, in the app's history file. */
static GBytes *
write_history (const char *path)
{
  g_autoptr (GMappedFile) mapped = NULL;
  g_autoptr (GError) error = NULL;
  gint64 now_ms = g_get_real_time () / 1000;

  {
    g_autoptr (SeyeStore) store = seye_store_open (path, &error);

    g_assert_no_error (error);
    for (gint64 t = now_ms - 20 * 60000; t < now_ms - 60000; t += 5000)
      {
        g_autoptr (SeyeSample) sample = seye_sample_new ();

        sample->time_ms = t;
        sample->interval = 5;
        sample->parts = SEYE_SAMPLE_CPU;
        sample->cpu.busy = 40;
        sample->cpu.user = 30;
        sample->cpu.system = 10;
        seye_store_add (store, node_id, node_name, "127.0.0.1:1", sample);
      }
    seye_store_commit (store, &error);
    g_assert_no_error (error);
  }

  mapped = g_mapped_file_new (path, FALSE, &error);
  g_assert_no_error (error);

  return g_mapped_file_get_bytes (mapped);
}

static void
test_read_only (void)
{
  g_autoptr (SeyeTestAgent) agent = NULL;
  g_autoptr (GBytes) before = NULL;
  g_autoptr (GBytes) after = NULL;
  g_autoptr (GMappedFile) mapped = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *node_arg = NULL;
  g_autofree char *path = seye_store_get_default_path ();
  g_autofree char *folder = g_path_get_dirname (path);
  g_autofree char *expected = NULL;
  g_autofree char *mount = NULL;
  ReadOnlyRun run = { 0 };
  guint drive_id, give_up_id;

  if (g_getenv ("SEYE_AGENT") == NULL)
    {
      g_test_skip ("SEYE_AGENT is not set");
      return;
    }

  /* The app's data folder on a file system of the test's own, read-only once it holds a history. */
  mount = seye_test_tmpfs_new (folder, 2048);
  if (mount == NULL)
    return;
  before = write_history (path);
  seye_test_tmpfs_set_read_only (mount, TRUE);

  agent = seye_test_agent_start ("--name", node_name, "--node-id", node_id,
                                 "--interval", "0.5", "--no-mdns", NULL);
  node_arg = g_strdup_printf ("127.0.0.1:%u", agent->port);

  run.start_ms = g_get_real_time () / 1000;
  run.app = seye_application_new ();
  drive_id = g_timeout_add (100, drive_read_only_cb, &run);
  give_up_id = g_timeout_add_seconds (60, give_up_read_only_cb, &run);
  {
    char *argv[] = { (char *) "sorcerers-eye", (char *) "--node", node_arg, NULL };

    g_assert_cmpint (g_application_run (G_APPLICATION (run.app), 3, argv), ==, 0);
  }
  if (!run.done)
    g_source_remove (drive_id);
  g_source_remove (give_up_id);

  /* The user read why, in words that keep the file safe. */
  g_test_message ("toast: %s", run.toast ? run.toast : "(none)");
  g_assert_nonnull (run.toast);
  expected = g_strdup_printf ("%s is read-only: history is not recorded", path);
  g_assert_true (g_str_has_prefix (run.toast, expected));
  g_assert_null (strstr (run.toast, "damaged"));
  g_assert_null (strstr (run.toast, "delete"));

  /* The app kept running and showed the history it could read. */
  g_assert_true (run.done);
  g_assert_cmpuint (run.n_points, >, 0);
  g_assert_true (seye_store_get_read_only (seye_application_get_store (run.app)));
  g_assert_error ((GError *) seye_store_get_write_error (seye_application_get_store (run.app)),
                  SEYE_STORE_ERROR, SEYE_STORE_ERROR_READ_ONLY);
  destroy_app (&run.app);
  g_free (run.toast);

  /* The file is where it was, byte for byte, and nothing was set aside. */
  mapped = g_mapped_file_new (path, FALSE, &error);
  g_assert_no_error (error);
  after = g_mapped_file_get_bytes (mapped);
  g_assert_true (g_bytes_equal (before, after));
  {
    g_autoptr (GDir) listing = g_dir_open (folder, 0, NULL);
    const char *name;

    while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
      g_assert_null (strstr (name, ".damaged-"));
  }

  seye_test_tmpfs_free (g_steal_pointer (&mount));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (GFile) data_home = NULL;
  g_autofree char *dir = NULL;
  int status;

  seye_test_mounts_init ();

  /* Before anything asks GLib for the user data folder: the store is the test's own. */
  dir = g_dir_make_tmp ("seye-history-XXXXXX", NULL);
  g_assert_nonnull (dir);
  g_setenv ("XDG_DATA_HOME", dir, TRUE);

  g_test_init (&argc, &argv, NULL);
  node_id = seye_test_node_id (1);
  node_name = g_strdup_printf ("seye-history-test-%u", (guint) getpid ());

  /* These tests are about history. A CPU alert on a busy machine would send a desktop
   * notification, and with no notification service on the test's bus GIO's warning
   * about it is fatal here: keep the in-process runs quiet (GSETTINGS_BACKEND=memory). */
  {
    g_autoptr (GSettings) settings = g_settings_new (APP_ID);

    g_settings_set_boolean (settings, "notifications", FALSE);
  }

  g_test_add_func ("/seye/app/history/restart", test_restart);
  g_test_add_func ("/seye/app/history/read-only", test_read_only);

  status = g_test_run ();

  data_home = g_file_new_for_path (dir);
  remove_tree (data_home);
  g_free (node_id);
  g_free (node_name);

  return status;
}
