/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The detail pane against a real agent reading a recorded /proc tree (--root), under
 * Xvfb: a 256-core machine's cores fit in a heat map at most 260 px tall; the disks and
 * network interfaces are listed, the filesystems coloured against the alert threshold;
 * a graph's keyboard cursor moves with the arrows and its accessible description says
 * what is under it; the node's own alert rules are written to node-alert-overrides;
 * Export History writes its file through its dialog.
 */
#include "config.h"

#include <adwaita.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "seye-alert-rule-row.h"
#include "seye-alerts.h"
#include "seye-detail-pane.h"
#include "seye-graph.h"
#include "seye-test-util.h"
#include "seye-usage-row.h"
#include "seye-window-private.h"
#include "test-proc-tree.h"

#define PEGGED_CORE 37

typedef struct
{
  TmpRoot        *tree;
  guint           n_cores;
  guint64         tick;
  guint           writer;
  SeyeTestAgent  *agent;
  SeyeMonitor    *monitor;
  SeyeWindow     *window;
  SeyeDetailPane *pane;
  SeyeNode       *node;
} Fixture;

/* /proc/stat of @n_cores cores after @tick steps: one core always busy, the others
 * mostly idle, each a little differently. */
static char *
make_stat (guint   n_cores,
           guint64 tick)
{
  g_autoptr (GString) text = g_string_new (NULL);
  g_autoptr (GString) cores = g_string_new (NULL);
  guint64 total_user = 0, total_idle = 0;

  for (guint i = 0; i < n_cores; i++)
    {
      guint64 user = i == PEGGED_CORE ? 100 * tick : (i % 7) * tick;
      guint64 idle = 100 * tick - user;

      g_string_append_printf (cores, "cpu%u %" G_GUINT64_FORMAT " 0 0 %" G_GUINT64_FORMAT " 0 0 0 0 0 0\n",
                              i, user + 1000, idle + 1000);
      total_user += user + 1000;
      total_idle += idle + 1000;
    }

  g_string_append_printf (text, "cpu  %" G_GUINT64_FORMAT " 0 0 %" G_GUINT64_FORMAT " 0 0 0 0 0 0\n",
                          total_user, total_idle);
  g_string_append (text, cores->str);
  g_string_append (text, "intr 1 0\nctxt 4812\nbtime 1732100000\nprocesses 123\n"
                         "procs_running 2\nprocs_blocked 0\n");

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static gboolean
write_stat_cb (gpointer data)
{
  Fixture *f = data;
  g_autofree char *stat = make_stat (f->n_cores, ++f->tick);

  tmp_root_write (f->tree, "proc/stat", stat, -1);

  return G_SOURCE_CONTINUE;
}

static gboolean
node_has_samples_cb (gpointer data)
{
  Fixture *f = data;
  SeyeGraph *cpu = seye_detail_pane_get_graph (f->pane, SEYE_GRAPH_CPU);

  return seye_graph_get_n_points (cpu) >= 3;
}

/* A machine of @n_cores (the recorded two-core tree with another /proc/stat, changing
 * every 250 ms) watched by the app, its node shown in a 1366×768 window. */
static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *stat = NULL;
  g_autofree char *address = NULL;
  g_autofree char *name = g_strdup_printf ("seye-detail-%d", (int) getpid ());
  int width, height;

  f->n_cores = GPOINTER_TO_UINT (data);
  f->tree = tmp_root_new ();
  tmp_root_copy (f->tree, "basic-2core");
  stat = make_stat (f->n_cores, 0);
  tmp_root_write (f->tree, "proc/stat", stat, -1);
  f->writer = g_timeout_add (250, write_stat_cb, f);

  f->agent = seye_test_agent_start ("--root", f->tree->root, "--name", name, "--no-mdns",
                                    "--interval", "0.5", NULL);

  f->monitor = seye_monitor_new ();
  seye_monitor_set_interval (f->monitor, 0.5);
  /* Polled, not streamed: the compact stream carries no filesystem or interface lists,
   * and the filesystem rule and lists here follow them as they change. */
  seye_monitor_set_stream (f->monitor, FALSE);
  seye_monitor_start (f->monitor);
  address = g_strdup_printf ("127.0.0.1:%u", f->agent->port);
  f->node = seye_monitor_add_manual (f->monitor, address, &error);
  g_assert_no_error (error);

  f->window = seye_window_new (NULL, f->monitor);
  /* A laptop's screen unless told otherwise (screenshots at other sizes). */
  if (g_getenv ("SEYE_TEST_WINDOW_SIZE") == NULL ||
      sscanf (g_getenv ("SEYE_TEST_WINDOW_SIZE"), "%dx%d", &width, &height) != 2)
    width = 1366, height = 768;
  gtk_window_set_default_size (GTK_WINDOW (f->window), width, height);
  gtk_window_present (GTK_WINDOW (f->window));
  f->pane = _seye_window_get_detail_pane (f->window);

  g_assert_true (seye_test_wait_until (seye_test_node_has_sample, f->node, 10000));
  seye_window_show_node (f->window, f->node);
  g_assert_true (seye_test_wait_until (node_has_samples_cb, f, 10000));
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  seye_monitor_stop (f->monitor);
  g_clear_object (&f->monitor);
  g_clear_handle_id (&f->writer, g_source_remove);
  g_clear_pointer (&f->agent, seye_test_agent_free);
  g_clear_pointer (&f->tree, tmp_root_free);
}

static gboolean
never_cb (gpointer data)
{
  return FALSE;
}

static void
screenshot (const char *name)
{
  const char *dir = g_getenv ("SEYE_TEST_SCREENSHOTS");
  g_autofree char *path = NULL;

  if (dir == NULL)
    return;

  seye_test_wait_until (never_cb, NULL, 1500);
  path = g_strdup_printf ("%s/%s.png", dir, name);
  {
    const char *argv[] = { "import", "-window", "root", path, NULL };

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
  }
}

typedef struct
{
  SeyeGraph *graph;
  guint      n_cores;
} CoresWait;

static gboolean
cores_laid_out_cb (gpointer data)
{
  CoresWait *wait = data;

  return seye_graph_get_n_points (wait->graph) >= 3 && gtk_widget_get_mapped (GTK_WIDGET (wait->graph)) &&
         gtk_widget_get_height (GTK_WIDGET (wait->graph)) >= (int) wait->n_cores;
}

static void
test_cores_heatmap (Fixture       *f,
                    gconstpointer  data)
{
  CoresWait wait = { seye_detail_pane_get_graph (f->pane, SEYE_GRAPH_CORES), f->n_cores };
  SeyeSample *sample = seye_node_get_sample (f->node);
  const char *description;
  g_autofree char *pegged = g_strdup_printf ("Core %u: 100 %%", PEGGED_CORE);
  int height;

  g_assert_nonnull (sample->cores);
  g_assert_cmpuint (sample->cores->len, ==, f->n_cores);

  g_assert_true (seye_test_wait_until (cores_laid_out_cb, &wait, 10000));
  seye_test_wait_until (never_cb, NULL, 500);
  height = gtk_widget_get_height (GTK_WIDGET (wait.graph));
  g_test_message ("%u cores: the cores view is %d px tall", f->n_cores, height);
  g_assert_cmpint (height, <=, 260);
  /* One row per core, each at least a pixel. */
  g_assert_cmpint (height, >=, (int) f->n_cores);

  /* The keyboard's cursor goes down to the pegged core and names it with its value. */
  gtk_widget_grab_focus (GTK_WIDGET (wait.graph));
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (wait.graph)));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (wait.graph), "graph.move-cursor", "(ii)",
                                             0, PEGGED_CORE));
  description = seye_graph_get_cursor_description (wait.graph);
  g_test_message ("at the cursor: %s", description);
  g_assert_nonnull (description);
  g_assert_nonnull (strstr (description, pegged));

  screenshot ("detail-256-cores");
}

static SeyeUsageRow *
find_row (GtkWidget  *box,
          const char *title)
{
  for (GtkWidget *child = gtk_widget_get_first_child (box); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (g_strcmp0 (seye_usage_row_get_title (SEYE_USAGE_ROW (child)), title) == 0)
      return SEYE_USAGE_ROW (child);

  return NULL;
}

typedef struct
{
  SeyeUsageRow   *row;
  SeyeUsageLevel  level;
} LevelWait;

static gboolean
level_cb (gpointer data)
{
  LevelWait *wait = data;

  return seye_usage_row_get_level (wait->row) == wait->level;
}

static void
set_filesystem_threshold (Fixture *f,
                          double   threshold)
{
  g_auto (SeyeAlertRules) rules = { 0 };

  seye_alert_rules_init_defaults (&rules);
  rules.filesystem_threshold = threshold;
  seye_monitor_set_alert_rules (f->monitor, &rules);
}

static gboolean
alert_cb (gpointer data)
{
  Fixture *f = data;

  return (seye_node_get_active_alerts (f->node) & SEYE_ALERT_FILESYSTEM) != 0;
}

static gboolean
acknowledged_cb (gpointer data)
{
  Fixture *f = data;

  return (seye_node_get_acknowledged_alerts (f->node) & SEYE_ALERT_FILESYSTEM) != 0;
}

/* The state line names the alert and its value; Acknowledge marks it so and goes away. */
static void
check_alert_acknowledged (Fixture *f)
{
  GtkWidget *button = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (f->pane), SEYE_TYPE_DETAIL_PANE,
                                                                 "acknowledge_button"));
  g_autofree char *summary = NULL;

  g_assert_true (seye_test_wait_until (alert_cb, f, 5000));
  summary = seye_detail_pane_dup_summary (f->pane);
  g_test_message ("alerting:\n%s", summary);
  g_assert_nonnull (strstr (summary, "Online · Disk / "));
  g_assert_true (gtk_widget_get_visible (button));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->pane), "detail.acknowledge", NULL));
  g_assert_true (seye_test_wait_until (acknowledged_cb, f, 5000));
  g_free (summary);
  summary = seye_detail_pane_dup_summary (f->pane);
  g_test_message ("acknowledged:\n%s", summary);
  g_assert_nonnull (strstr (summary, "(acknowledged)"));
  g_assert_false (gtk_widget_get_visible (button));
}

static void
test_disks (Fixture       *f,
            gconstpointer  data)
{
  GtkWidget *filesystems = _seye_detail_pane_get_filesystems_box (f->pane);
  GtkWidget *interfaces = _seye_detail_pane_get_interfaces_box (f->pane);
  SeyeGraph *disk = seye_detail_pane_get_graph (f->pane, SEYE_GRAPH_DISK);
  LevelWait wait = { NULL, 0 };
  SeyeUsageRow *root, *eth0;

  /* The title is the name the node announces, the host name opens the line under it. */
  {
    g_autofree char *summary = seye_detail_pane_dup_summary (f->pane);
    g_auto (GStrv) lines = g_strsplit (summary, "\n", -1);

    g_assert_cmpstr (lines[0], ==, seye_node_get_name (f->node));
    g_assert_true (g_str_has_prefix (lines[1], seye_node_get_info (f->node)->hostname));
    g_assert_cmpstr (seye_node_get_name (f->node), !=, seye_node_get_info (f->node)->hostname);
  }

  /* The tree's one real filesystem, its pseudo ones (proc, sysfs, tmpfs...) left out. */
  g_assert_true (gtk_widget_get_visible (filesystems));
  root = find_row (filesystems, "/");
  g_assert_nonnull (root);
  g_assert_null (find_row (filesystems, "/proc"));
  g_assert_null (find_row (filesystems, "/dev/shm"));
  g_test_message ("/: %s, %.0f %% of the bar", seye_usage_row_get_value (root),
                  100 * seye_usage_row_get_fraction (root));
  g_assert_cmpfloat (seye_usage_row_get_fraction (root), >, 0.0);
  g_assert_cmpfloat (seye_usage_row_get_fraction (root), <=, 1.0);

  /* The node's filesystem rule colours it: under the threshold nothing, over it the
   * error colour, and the alert says why; acknowledged, it stays said. */
  wait.row = root;
  set_filesystem_threshold (f, 101);
  wait.level = SEYE_USAGE_LEVEL_NORMAL;
  g_assert_true (seye_test_wait_until (level_cb, &wait, 5000));
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (root), "error"));
  set_filesystem_threshold (f, 1);
  wait.level = SEYE_USAGE_LEVEL_ERROR;
  g_assert_true (seye_test_wait_until (level_cb, &wait, 5000));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (root), "error"));
  check_alert_acknowledged (f);
  set_filesystem_threshold (f, 90);

  /* The interfaces but loopback, each with its rates. */
  eth0 = find_row (interfaces, "eth0");
  g_assert_nonnull (eth0);
  g_assert_null (find_row (interfaces, "lo"));
  g_assert_nonnull (strstr (seye_usage_row_get_value (eth0), "↓"));

  /* The disk I/O graph follows the node as the others do. */
  g_assert_true (seye_graph_get_node (disk) == f->node);
  g_assert_cmpuint (seye_graph_get_n_points (disk), >, 0);

  screenshot ("detail-disks");

  /* A day without a history store: an empty range, said so, with clock times under it. */
  seye_detail_pane_set_window (f->pane, 24 * 3600);
  screenshot ("detail-24h");
  seye_detail_pane_set_window (f->pane, 60);
}

/* Left and Right move the cursor a point at a time, and the description follows. */
static void
test_graph_cursor (Fixture       *f,
                   gconstpointer  data)
{
  SeyeGraph *cpu = seye_detail_pane_get_graph (f->pane, SEYE_GRAPH_CPU);
  g_autofree char *newest = NULL;
  g_autofree char *older = NULL;

  g_assert_true (gtk_widget_get_focusable (GTK_WIDGET (cpu)));
  g_assert_null (seye_graph_get_cursor_description (cpu));

  /* The first move lands on the newest point; Left goes one older, Right back. */
  gtk_widget_grab_focus (GTK_WIDGET (cpu));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (cpu), "graph.move-cursor", "(ii)", 1, 0));
  newest = g_strdup (seye_graph_get_cursor_description (cpu));
  g_test_message ("newest: %s", newest);
  g_assert_nonnull (newest);
  g_assert_nonnull (strstr (newest, "User"));
  g_assert_nonnull (strstr (newest, "%"));

  /* Two points of 0.5 s: a second older, another time read out. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (cpu), "graph.move-cursor", "(ii)", -1, 0));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (cpu), "graph.move-cursor", "(ii)", -1, 0));
  older = g_strdup (seye_graph_get_cursor_description (cpu));
  g_test_message ("two older: %s", older);
  g_assert_cmpstr (older, !=, newest);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (cpu), "graph.move-cursor", "(ii)", 1, 0));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (cpu), "graph.move-cursor", "(ii)", 1, 0));
  g_assert_cmpstr (seye_graph_get_cursor_description (cpu), ==, newest);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (cpu), "graph.clear-cursor", NULL));
  g_assert_null (seye_graph_get_cursor_description (cpu));
}

static double
lookup_override (GSettings  *settings,
                 const char *node_id,
                 const char *rule)
{
  g_autoptr (GVariant) overrides = g_settings_get_value (settings, "node-alert-overrides");
  g_autoptr (GVariant) rules = g_variant_lookup_value (overrides, node_id, G_VARIANT_TYPE ("a{sd}"));
  double threshold;

  if (rules == NULL || !g_variant_lookup (rules, rule, "d", &threshold))
    return NAN;

  return threshold;
}

/* The node's own alert rules go to node-alert-overrides by its id, and back. */
static void
test_alert_overrides (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr (GSettings) settings = g_settings_new (APP_ID);
  const char *node_id = seye_node_get_info (f->node)->node_id;
  SeyeAlertRuleRow *memory = SEYE_ALERT_RULE_ROW (_seye_detail_pane_get_alert_rule_row (f->pane, "memory"));
  SeyeAlertRuleRow *cpu = SEYE_ALERT_RULE_ROW (_seye_detail_pane_get_alert_rule_row (f->pane, "cpu"));
  SeyeAlertRuleRow *swap = SEYE_ALERT_RULE_ROW (_seye_detail_pane_get_alert_rule_row (f->pane, "swap"));

  /* Another node's overrides are left alone throughout. */
  g_settings_set_value (settings, "node-alert-overrides",
                        g_variant_new_parsed ("{'another-node': {'cpu': 10.0}}"));

  g_assert_nonnull (node_id);
  g_assert_cmpstr (seye_alert_rule_row_get_node_id (memory), ==, node_id);
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (memory)));
  g_assert_cmpint (seye_alert_rule_row_get_choice (memory), ==, SEYE_ALERT_CHOICE_DEFAULT);

  /* A threshold of its own for memory; CPU off. */
  seye_alert_rule_row_set_choice (memory, SEYE_ALERT_CHOICE_CUSTOM, 97);
  g_assert_cmpfloat (lookup_override (settings, node_id, "memory"), ==, 97);
  seye_alert_rule_row_set_choice (cpu, SEYE_ALERT_CHOICE_OFF, 0);
  g_assert_cmpfloat (lookup_override (settings, node_id, "cpu"), <, 0);
  g_assert_cmpfloat (lookup_override (settings, node_id, "memory"), ==, 97);

  /* Back to the default: that rule's entry goes, the others stay. */
  seye_alert_rule_row_set_choice (memory, SEYE_ALERT_CHOICE_DEFAULT, 0);
  g_assert_true (isnan (lookup_override (settings, node_id, "memory")));
  g_assert_cmpfloat (lookup_override (settings, node_id, "cpu"), <, 0);
  g_assert_cmpfloat (lookup_override (settings, "another-node", "cpu"), ==, 10);

  /* The rows show what the key says, whoever wrote it. */
  g_settings_set_value (settings, "node-alert-overrides",
                        g_variant_new_parsed ("{%s: {'swap': 50.0}}", node_id));
  g_assert_cmpint (seye_alert_rule_row_get_choice (swap), ==, SEYE_ALERT_CHOICE_CUSTOM);
  g_assert_cmpfloat (seye_alert_rule_row_get_threshold (swap), ==, 50);
  g_assert_cmpint (seye_alert_rule_row_get_choice (cpu), ==, SEYE_ALERT_CHOICE_DEFAULT);

  gtk_expander_set_expanded (GTK_EXPANDER (gtk_widget_get_template_child (GTK_WIDGET (f->pane),
                                                                         SEYE_TYPE_DETAIL_PANE,
                                                                         "alert_rules_expander")),
                             TRUE);
  screenshot ("detail-alert-rules");

  g_settings_reset (settings, "node-alert-overrides");
  g_assert_cmpint (seye_alert_rule_row_get_choice (swap), ==, SEYE_ALERT_CHOICE_DEFAULT);
}

static gboolean
file_written_cb (gpointer data)
{
  g_autoptr (GFileInfo) info = g_file_query_info (G_FILE (data), G_FILE_ATTRIBUTE_STANDARD_SIZE,
                                                  G_FILE_QUERY_INFO_NONE, NULL, NULL);

  return info != NULL && g_file_info_get_size (info) > 0;
}

static gboolean
fallback_shown_cb (gpointer data)
{
  GListModel *toplevels = gtk_window_get_toplevels ();   /* transfer none */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (GTK_IS_FILE_CHOOSER_DIALOG (window) && gtk_widget_get_visible (window))
        return TRUE;
    }

  return FALSE;
}

/* The dialog reads its folder before it says which file is chosen. */
static gboolean
file_chosen_cb (gpointer data)
{
  g_autoptr (GFile) chosen = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (data));

  return chosen != NULL && g_str_has_suffix (g_file_peek_path (chosen), "/out.csv");
}

/* Export History through its dialog, answered as a user would: the file is written and
 * nothing is unreferenced that was not ours (the tests are fatal on criticals). */
static void
test_export (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("seye-export-XXXXXX", &error);
  g_autofree char *db = g_build_filename (dir, "history.db", NULL);
  g_autofree char *csv_path = g_build_filename (dir, "out.csv", NULL);
  g_autoptr (GFile) csv = g_file_new_for_path (csv_path);
  g_autoptr (GFile) folder = g_file_new_for_path (dir);
  g_autoptr (SeyeStore) store = NULL;
  GtkFileChooser *chooser;

  g_assert_no_error (error);
  store = seye_store_open (db, &error);
  g_assert_no_error (error);
  /* A little history of the node to export. */
  seye_store_add (store, seye_node_get_info (f->node)->node_id, seye_node_get_name (f->node),
                  seye_node_get_address (f->node), seye_node_get_sample (f->node));
  g_assert_true (seye_store_commit (store, &error));
  g_assert_no_error (error);
  seye_detail_pane_set_store (f->pane, store);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->pane), "detail.export", NULL));
  chooser = _seye_detail_pane_get_export_dialog (f->pane);
  g_assert_nonnull (chooser);
  /* Without a portal the dialog falls back to GTK's own once the portal did not answer:
   * the file is chosen in that one. */
  g_assert_true (seye_test_wait_until (fallback_shown_cb, NULL, 10000));
  g_assert_true (gtk_file_chooser_set_current_folder (chooser, folder, &error));
  g_assert_no_error (error);
  gtk_file_chooser_set_current_name (chooser, "out.csv");
  g_assert_true (seye_test_wait_until (file_chosen_cb, chooser, 10000));
  g_signal_emit_by_name (chooser, "response", GTK_RESPONSE_ACCEPT);
  g_assert_null (_seye_detail_pane_get_export_dialog (f->pane));

  g_assert_true (seye_test_wait_until (file_written_cb, csv, 10000));

  seye_detail_pane_set_store (f->pane, NULL);
  g_remove (csv_path);
  g_remove (db);
  {
    g_autoptr (GDir) left = g_dir_open (dir, 0, NULL);
    const char *name;

    /* The store's journal and such. */
    while (left != NULL && (name = g_dir_read_name (left)) != NULL)
      {
        g_autofree char *path = g_build_filename (dir, name, NULL);

        g_remove (path);
      }
  }
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (GtkCssProvider) css = gtk_css_provider_new ();

  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  adw_init ();

  /* The app's style sheet, as AdwApplication loads it: the window looks as it does. */
  gtk_css_provider_load_from_resource (css, RESOURCE_BASE "/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);

  if (g_getenv ("SEYE_AGENT") == NULL)
    {
      g_test_skip ("SEYE_AGENT is not set");
      return g_test_run ();
    }

  g_test_add ("/seye/app/detail/cores-heatmap", Fixture, GUINT_TO_POINTER (256),
              fixture_setup, test_cores_heatmap, fixture_teardown);
  g_test_add ("/seye/app/detail/disks", Fixture, GUINT_TO_POINTER (2),
              fixture_setup, test_disks, fixture_teardown);
  g_test_add ("/seye/app/detail/alert-overrides", Fixture, GUINT_TO_POINTER (2),
              fixture_setup, test_alert_overrides, fixture_teardown);
  g_test_add ("/seye/app/detail/export", Fixture, GUINT_TO_POINTER (2),
              fixture_setup, test_export, fixture_teardown);
  g_test_add ("/seye/app/detail/graph-cursor", Fixture, GUINT_TO_POINTER (2),
              fixture_setup, test_graph_cursor, fixture_teardown);

  return g_test_run ();
}
