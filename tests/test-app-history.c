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

#include "seye-application.h"
#include "seye-graph.h"
#include "seye-store.h"
#include "seye-test-util.h"
#include "seye-window-private.h"

#define NODE_ID "a00000000000000000000000000000b1"

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

  points = seye_store_query (store, NODE_ID, 0, g_get_real_time () / 1000 + 60000, 0, &error);
  if (points == NULL)
    {
      g_test_message ("cannot read %s yet: %s", path, error->message);
      return -1;
    }

  return (int) points->len;
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

      if (info != NULL && g_strcmp0 (info->node_id, NODE_ID) == 0)
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
    }

  /* Back to the live minute: the agent's samples, not the store's. */
  seye_detail_pane_set_window (pane, 60);
  if (seye_graph_get_showing_history (graph) || seye_graph_get_n_points (graph) == 0)
    return G_SOURCE_CONTINUE;

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

  agent = seye_test_agent_start ("--name", "seye-history-test", "--node-id", NODE_ID,
                                 "--interval", "0.5", NULL);
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

  g_clear_object (&run.app);

  /* The second run wrote what it received too. */
  g_assert_cmpint (count_stored_points (), >=, n_after);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (GFile) data_home = NULL;
  g_autofree char *dir = NULL;
  int status;

  /* Before anything asks GLib for the user data folder: the store is the test's own. */
  dir = g_dir_make_tmp ("seye-history-XXXXXX", NULL);
  g_assert_nonnull (dir);
  g_setenv ("XDG_DATA_HOME", dir, TRUE);

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/seye/app/history/restart", test_restart);

  status = g_test_run ();

  data_home = g_file_new_for_path (dir);
  remove_tree (data_home);

  return status;
}
