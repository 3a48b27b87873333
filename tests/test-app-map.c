/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The fleet map under Xvfb, against 300 simulated nodes (bench/seye-fleet-sim, seed 3:
 * one hot node, sim-0112, its CPU pegged; none goes offline) added by address: a tile
 * per node in groups by first tag whose counts add up to 300, the hot node first in its
 * group and the rest worst first, a tile activated opens its node in the detail pane,
 * the arrow keys go on into the next group, "tag:web" leaves only the web tiles, each
 * tile has its node's name and state for a screen reader, the metric and the view are
 * remembered settings.
 */
#include "config.h"

#include <adwaita.h>

#include "seye-detail-pane.h"
#include "seye-fleet-map-private.h"
#include "seye-node-list-private.h"
#include "seye-test-sim.h"
#include "seye-test-util.h"
#include "seye-window-private.h"

#define N_NODES 300

typedef struct
{
  SeyeTestSim  *sim;
  GSettings    *settings;
  SeyeMonitor  *monitor;
  SeyeWindow   *window;
  SeyeNodeList *list;
  SeyeFleetMap *map;
} Fixture;

/* The node whose CPU alerts. */
static SeyeNode *
find_hot (Fixture *f)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (f->monitor));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (SeyeNode) node = g_list_model_get_item (G_LIST_MODEL (f->monitor), i);

      if (seye_node_get_active_alerts (node) & SEYE_ALERT_CPU)
        return node;
    }

  return NULL;
}

/* Every node said who it is (its tags), and the hot one is online and alerts. */
static gboolean
ready_cb (gpointer data)
{
  Fixture *f = data;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (f->monitor));
  SeyeNode *hot;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (SeyeNode) node = g_list_model_get_item (G_LIST_MODEL (f->monitor), i);

      if (seye_node_get_info (node) == NULL)
        return FALSE;
    }

  hot = find_hot (f);

  return n == N_NODES && hot != NULL && seye_node_get_state (hot) == SEYE_NODE_STATE_ONLINE;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  SeyeAlertRules rules;

  f->sim = seye_test_sim_start ("-n", "300", "--seed", "3", "--hot", "0.004", "--offline", "0",
                                "--interval", "1", NULL);
  g_assert_false (f->sim->exited);
  g_assert_cmpuint (f->sim->ports->len, ==, N_NODES);

  f->settings = g_settings_new (APP_ID);
  g_settings_set_string (f->settings, "view", "map");
  g_settings_reset (f->settings, "map-metric");

  /* The CPU alert at once: the hot node alerts without the default 30 s hold; and none
   * for a node late on a slow machine (an offline node alerts by default). */
  f->monitor = seye_monitor_new ();
  seye_monitor_set_interval (f->monitor, 1);
  seye_monitor_set_discovery (f->monitor, FALSE);
  seye_alert_rules_init_defaults (&rules);
  rules.cpu_hold = 0;
  rules.offline = FALSE;
  seye_monitor_set_alert_rules (f->monitor, &rules);
  seye_alert_rules_clear (&rules);
  for (guint i = 0; i < f->sim->ports->len; i++)
    {
      g_autofree char *address = g_strdup_printf ("127.0.0.1:%u", seye_test_sim_port (f->sim, i));
      g_autoptr (GError) error = NULL;

      g_assert_nonnull (seye_monitor_add_manual (f->monitor, address, &error));
      g_assert_no_error (error);
    }
  seye_monitor_start (f->monitor);

  f->window = seye_window_new (NULL, f->monitor);
  f->list = _seye_window_get_node_list (f->window);
  f->map = _seye_node_list_get_fleet_map (f->list);
  gtk_window_present (GTK_WINDOW (f->window));

  g_assert_true (seye_test_wait_until (ready_cb, f, 60000));
  seye_test_spin (1500);   /* a sample or two more, and the window laid out */
  /* Read at once when it holds (a slow build may miss a poll meanwhile): nothing changes
   * until the main loop runs again. */
  g_assert_true (seye_test_wait_until (ready_cb, f, 60000));
  seye_fleet_map_refresh (f->map);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_pointer ((GtkWindow **) &f->window, gtk_window_destroy);
  seye_test_spin (50);
  if (f->monitor != NULL)
    seye_monitor_stop (f->monitor);
  g_clear_object (&f->monitor);
  g_settings_reset (f->settings, "view");
  g_settings_reset (f->settings, "map-metric");
  g_clear_object (&f->settings);
  if (f->sim != NULL)
    g_assert_cmpint (seye_test_sim_stop (f->sim), ==, 0);
  g_clear_pointer (&f->sim, seye_test_sim_free);
}

/* The tile widgets a group's flow box holds, counted as widgets. */
static guint
count_tiles (SeyeFleetGroup *group)
{
  GtkWidget *flow_box = GTK_WIDGET (seye_fleet_group_get_flow_box (group));
  guint n = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (flow_box); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (SEYE_IS_FLEET_TILE (child) && gtk_widget_get_visible (child) && gtk_widget_get_mapped (child))
      n++;

  return n;
}

/* Whether a label under @widget says @text, or begins with it (@prefix). */
static gboolean
has_label_full (GtkWidget  *widget,
                const char *text,
                gboolean    prefix)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget) &&
      (prefix ? g_str_has_prefix (gtk_label_get_text (GTK_LABEL (widget)), text)
              : g_str_equal (gtk_label_get_text (GTK_LABEL (widget)), text)))
    return TRUE;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (has_label_full (child, text, prefix))
      return TRUE;

  return FALSE;
}

static gboolean
has_label (GtkWidget  *widget,
           const char *text)
{
  return has_label_full (widget, text, FALSE);
}

static const char *
first_tag (SeyeNode *node)
{
  const SeyeNodeInfo *info = seye_node_get_info (node);

  return info != NULL && info->tags != NULL ? info->tags[0] : NULL;
}

static int
level_of (SeyeNode *node)
{
  double value = seye_node_column_get_value (node, SEYE_NODE_COLUMN_CPU);

  return value < 0 ? -1 : MIN ((int) (value / 10), 9);
}

/* Worst first in each group: the status rank, then the CPU by tens of percent, highest first. */
static void
assert_worst_first (SeyeFleetGroup *group)
{
  for (guint i = 1; i < seye_fleet_group_get_n_tiles (group); i++)
    {
      SeyeNode *a = seye_fleet_tile_get_node (seye_fleet_group_get_tile (group, i - 1));
      SeyeNode *b = seye_fleet_tile_get_node (seye_fleet_group_get_tile (group, i));

      g_assert_cmpint (seye_node_status_rank (a), <=, seye_node_status_rank (b));
      if (seye_node_status_rank (a) == seye_node_status_rank (b))
        g_assert_cmpint (level_of (a), >=, level_of (b));
    }
}

/* 300 tiles in the five role groups, counts that add up, the hot node first in its
 * group, every tile named for a screen reader. */
static void
test_groups (Fixture       *f,
             gconstpointer  data)
{
  static const char * const roles[] = { "build", "db", "gpu", "storage", "web" };
  SeyeNode *hot = find_hot (f);
  SeyeFleetTile *hot_tile = _seye_fleet_map_get_tile (f->map, hot);
  guint total = 0;

  g_assert_cmpint (seye_node_list_get_view (f->list), ==, SEYE_NODE_VIEW_MAP);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (f->map)));
  g_assert_cmpstr (seye_node_get_name (hot), ==, "sim-0112");

  /* Groups in the order of their tags; the simulator tags every node, so none untagged. */
  g_assert_cmpuint (_seye_fleet_map_get_n_groups (f->map), ==, G_N_ELEMENTS (roles));
  for (guint g = 0; g < G_N_ELEMENTS (roles); g++)
    {
      SeyeFleetGroup *group = _seye_fleet_map_get_group (f->map, g);
      guint n = count_tiles (group);
      g_autofree char *count = g_strdup_printf ("%u nodes", n);

      g_assert_cmpstr (seye_fleet_group_get_tag (group), ==, roles[g]);
      g_assert_cmpuint (n, ==, seye_fleet_group_get_n_tiles (group));
      g_assert_true (has_label (GTK_WIDGET (group), roles[g]));
      g_assert_true (has_label (GTK_WIDGET (group), count));
      for (guint i = 0; i < n; i++)
        g_assert_cmpstr (first_tag (seye_fleet_tile_get_node (seye_fleet_group_get_tile (group, i))), ==,
                         roles[g]);
      assert_worst_first (group);
      total += n;
    }
  g_assert_cmpuint (total, ==, N_NODES);

  /* The hot node: first in its group, whose header says it alerts. */
  g_assert_nonnull (hot_tile);
  g_assert_true (seye_fleet_group_get_tile (SEYE_FLEET_GROUP (gtk_widget_get_ancestor (GTK_WIDGET (hot_tile),
                                                                                      SEYE_TYPE_FLEET_GROUP)),
                                            0) == hot_tile);
  g_assert_cmpint (seye_fleet_tile_get_shade (hot_tile), ==, SEYE_FLEET_SHADE_ALERTING);
  /* The worst state first ("1 alerting", or "1 alerting · 2 not responding" while the
   * monitor cannot follow every node at once). */
  g_assert_true (has_label_full (gtk_widget_get_ancestor (GTK_WIDGET (hot_tile), SEYE_TYPE_FLEET_GROUP),
                                 "1 alerting", TRUE));

  /* A screen reader says its name, then its state and CPU. */
  g_assert_null (gtk_test_accessible_check_property (GTK_ACCESSIBLE (hot_tile), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                                     "sim-0112"));
  g_assert_true (gtk_test_accessible_has_property (GTK_ACCESSIBLE (hot_tile),
                                                   GTK_ACCESSIBLE_PROPERTY_DESCRIPTION));
  g_test_message ("sim-0112: %s", seye_fleet_tile_get_description (hot_tile));
  g_assert_true (g_str_has_prefix (seye_fleet_tile_get_description (hot_tile), "Online · "));
  g_assert_nonnull (strstr (seye_fleet_tile_get_description (hot_tile), "CPU 9"));
  g_assert_true (gtk_test_accessible_has_role (GTK_ACCESSIBLE (hot_tile), GTK_ACCESSIBLE_ROLE_GRID_CELL));
  for (guint i = 0; i < f->sim->names->len; i++)
    {
      SeyeNode *node = seye_test_find_node (G_LIST_MODEL (f->monitor), f->sim->names->pdata[i]);
      SeyeFleetTile *tile = _seye_fleet_map_get_tile (f->map, node);

      g_assert_nonnull (tile);
      g_assert_null (gtk_test_accessible_check_property (GTK_ACCESSIBLE (tile), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                                         f->sim->names->pdata[i]));
      g_assert_nonnull (strstr (seye_fleet_tile_get_description (tile), "CPU "));
    }
}

/* A tile activated (a click, or Enter on it) opens its node as a row does; a row
 * selected in the list selects its tile. */
static void
test_activate (Fixture       *f,
               gconstpointer  data)
{
  SeyeDetailPane *pane = _seye_window_get_detail_pane (f->window);
  SeyeFleetGroup *last = _seye_fleet_map_get_group (f->map, _seye_fleet_map_get_n_groups (f->map) - 1);
  SeyeFleetTile *tile = seye_fleet_group_get_tile (last, seye_fleet_group_get_n_tiles (last) - 1);
  SeyeNode *node = seye_fleet_tile_get_node (tile);
  SeyeNode *hot = find_hot (f);

  g_assert_true (seye_detail_pane_get_node (pane) != node);
  gtk_widget_activate (GTK_WIDGET (tile));
  g_assert_true (seye_node_list_get_selected_node (f->list) == node);
  g_assert_true (seye_detail_pane_get_node (pane) == node);
  g_assert_true (gtk_flow_box_child_is_selected (GTK_FLOW_BOX_CHILD (tile)));

  /* The other way: one selection for both views, a tile selected in one group only. */
  seye_node_list_select_node (f->list, hot);
  g_assert_true (seye_detail_pane_get_node (pane) == hot);
  g_assert_true (gtk_flow_box_child_is_selected (GTK_FLOW_BOX_CHILD (_seye_fleet_map_get_tile (f->map, hot))));
  g_assert_false (gtk_flow_box_child_is_selected (GTK_FLOW_BOX_CHILD (tile)));
}

static void
remember_node_cb (SeyeNode **activated,
                  SeyeNode  *node)
{
  *activated = node;
}

/* Down from a group's last row goes on into the next group, and selects there. */
static void
test_keyboard (Fixture       *f,
               gconstpointer  data)
{
  SeyeNode *activated = NULL;
  SeyeFleetGroup *first = _seye_fleet_map_get_group (f->map, 0);
  SeyeFleetGroup *second = _seye_fleet_map_get_group (f->map, 1);
  SeyeFleetTile *bottom = seye_fleet_group_get_tile_at_edge (first, FALSE, 0);
  GtkWidget *focus;
  gboolean handled = FALSE;

  g_assert_true (seye_fleet_map_focus_selected (f->map));
  g_assert_true (gtk_widget_grab_focus (GTK_WIDGET (bottom)));
  g_signal_emit_by_name (seye_fleet_group_get_flow_box (first), "keynav-failed", GTK_DIR_DOWN, &handled);
  g_assert_true (handled);

  focus = gtk_root_get_focus (GTK_ROOT (f->window));
  g_assert_true (SEYE_IS_FLEET_TILE (focus));
  g_assert_true (gtk_widget_get_ancestor (focus, SEYE_TYPE_FLEET_GROUP) == GTK_WIDGET (second));
  g_assert_true (seye_fleet_group_get_tile_at_edge (second, TRUE, 0) == SEYE_FLEET_TILE (focus));
  g_assert_true (seye_node_list_get_selected_node (f->list) == seye_fleet_tile_get_node (SEYE_FLEET_TILE (focus)));

  /* Enter there (the flow box's binding) opens that tile's node. */
  g_signal_connect_swapped (f->list, "node-activated", G_CALLBACK (remember_node_cb), &activated);
  g_signal_emit_by_name (seye_fleet_group_get_flow_box (second), "activate-cursor-child");
  g_signal_handlers_disconnect_by_func (f->list, remember_node_cb, &activated);
  g_assert_true (activated == seye_fleet_tile_get_node (SEYE_FLEET_TILE (focus)));
}

/* The list's search: "tag:web" leaves the web group alone, every one of its tiles. */
static void
test_search (Fixture       *f,
             gconstpointer  data)
{
  guint n_web = 0;
  SeyeFleetGroup *group;

  for (guint i = 0; i < f->sim->names->len; i++)
    {
      SeyeNode *node = seye_test_find_node (G_LIST_MODEL (f->monitor), f->sim->names->pdata[i]);

      n_web += g_strcmp0 (first_tag (node), "web") == 0;
    }
  g_assert_cmpuint (n_web, >, 0);

  seye_node_list_set_search_text (f->list, "tag:web");
  seye_test_spin (100);
  seye_fleet_map_refresh (f->map);
  g_assert_cmpuint (_seye_fleet_map_get_n_groups (f->map), ==, 1);
  group = _seye_fleet_map_get_group (f->map, 0);
  g_assert_cmpstr (seye_fleet_group_get_tag (group), ==, "web");
  g_assert_cmpuint (count_tiles (group), ==, n_web);
  for (guint i = 0; i < n_web; i++)
    g_assert_cmpstr (first_tag (seye_fleet_tile_get_node (seye_fleet_group_get_tile (group, i))), ==, "web");

  /* Cleared: every group back. */
  seye_node_list_set_search_text (f->list, "");
  seye_test_spin (100);
  seye_fleet_map_refresh (f->map);
  g_assert_cmpuint (_seye_fleet_map_get_n_groups (f->map), ==, 5);
}

/* The metric and the view are settings: memory colours the tiles and says so; Ctrl+1
 * (win.view 'list') shows the list again. */
static void
test_settings (Fixture       *f,
               gconstpointer  data)
{
  SeyeNode *hot = find_hot (f);
  SeyeFleetTile *tile = _seye_fleet_map_get_tile (f->map, hot);

  g_settings_set_string (f->settings, "map-metric", "memory");
  g_assert_cmpint (seye_fleet_map_get_metric (f->map), ==, SEYE_NODE_COLUMN_MEMORY);
  g_assert_nonnull (strstr (seye_fleet_tile_get_description (tile), ", Memory "));

  /* The map never widens the list's pane: the divider sets its width, 360 at least. */
  {
    int minimum, natural;

    gtk_widget_measure (GTK_WIDGET (f->map), GTK_ORIENTATION_HORIZONTAL, -1, &minimum, &natural, NULL, NULL);
    g_assert_cmpint (minimum, <=, 360);
    g_assert_cmpint (natural, <=, 360);
  }

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.view", "s", "list"));
  g_assert_cmpstr (g_settings_get_string (f->settings, "view"), ==, "list");
  g_assert_cmpint (seye_node_list_get_view (f->list), ==, SEYE_NODE_VIEW_LIST);
  seye_test_spin (100);
  g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (f->map)));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (_seye_node_list_get_column_view (f->list))));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.view", "s", "map"));
  seye_test_spin (100);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (f->map)));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  adw_init ();

#define ADD(path, func) \
  g_test_add ("/seye/app/map/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("groups", test_groups);
  ADD ("activate", test_activate);
  ADD ("keyboard", test_keyboard);
  ADD ("search", test_search);
  ADD ("settings", test_settings);
#undef ADD

  return g_test_run ();
}
