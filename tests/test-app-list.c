/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The node list and its window against real agents added by address, under Xvfb: the
 * Columns menu hides a column and a new window keeps it hidden; the sort order is saved,
 * a metric sorts highest first, and a node without a current value (its agent killed)
 * sorts last both ways; the re-sort waits while the pointer is over the list, five
 * seconds at most; the summary counts and filters; the next-problem shortcut; removing
 * nodes, with Undo.
 */
#include "config.h"

#include <adwaita.h>

#include "seye-node-cell.h"
#include "seye-node-list-private.h"
#include "seye-test-util.h"
#include "seye-window-private.h"

#define N_AGENTS 3

typedef struct
{
  SeyeMonitor   *monitor;
  SeyeWindow    *window;
  SeyeNodeList  *list;
  GSettings     *settings;
  SeyeTestAgent *agents[N_AGENTS];
  SeyeNode      *nodes[N_AGENTS];
} Fixture;

/* Names in this order: "a" first by name. */
static const char * const names[N_AGENTS] = { "list-a", "list-b", "list-c" };

static void
open_window (Fixture *f)
{
  f->window = seye_window_new (NULL, f->monitor);
  f->list = _seye_window_get_node_list (f->window);
  gtk_window_present (GTK_WINDOW (f->window));
}

static void
close_window (Fixture *f)
{
  g_clear_pointer ((GtkWindow **) &f->window, gtk_window_destroy);
  f->list = NULL;
  seye_test_spin (50);
}

static gboolean
all_online_cb (gpointer data)
{
  Fixture *f = data;

  for (guint i = 0; i < N_AGENTS; i++)
    if (seye_node_get_state (f->nodes[i]) != SEYE_NODE_STATE_ONLINE ||
        seye_node_get_sample (f->nodes[i]) == NULL || seye_node_get_info (f->nodes[i]) == NULL)
      return FALSE;

  seye_node_list_refresh (f->list);

  return g_list_model_get_n_items (seye_node_list_get_model (f->list)) == N_AGENTS;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->settings = g_settings_new (APP_ID);
  g_settings_reset (f->settings, "hidden-columns");
  g_settings_reset (f->settings, "sort-column");
  g_settings_reset (f->settings, "sort-descending");

  f->monitor = seye_monitor_new ();
  seye_monitor_set_interval (f->monitor, 0.5);
  seye_monitor_set_discovery (f->monitor, FALSE);

  for (guint i = 0; i < N_AGENTS; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *host_port = NULL;

      f->agents[i] = seye_test_agent_start ("--name", names[i], "--no-mdns", "--interval", "0.5", NULL);
      host_port = g_strdup_printf ("127.0.0.1:%u", f->agents[i]->port);
      f->nodes[i] = seye_monitor_add_manual (f->monitor, host_port, &error);
      g_assert_no_error (error);
    }

  seye_monitor_start (f->monitor);
  open_window (f);
  g_assert_true (seye_test_wait_until (all_online_cb, f, 10000));
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  close_window (f);
  seye_monitor_stop (f->monitor);
  g_clear_object (&f->monitor);
  for (guint i = 0; i < N_AGENTS; i++)
    g_clear_pointer (&f->agents[i], seye_test_agent_free);
  g_clear_object (&f->settings);
}

static SeyeNode *
node_at (Fixture *f,
         guint    position)
{
  g_autoptr (SeyeNode) node = g_list_model_get_item (seye_node_list_get_model (f->list), position);

  return node;
}

static gboolean
list_contains (Fixture  *f,
               SeyeNode *node)
{
  GListModel *model = seye_node_list_get_model (f->list);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    if (node_at (f, i) == node)
      return TRUE;

  return FALSE;
}

static gboolean
monitor_contains (Fixture  *f,
                  SeyeNode *node)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (f->monitor)); i++)
    {
      g_autoptr (SeyeNode) item = g_list_model_get_item (G_LIST_MODEL (f->monitor), i);

      if (item == node)
        return TRUE;
    }

  return FALSE;
}

static void
kill_agent (Fixture *f,
            guint    i)
{
  seye_test_agent_kill (f->agents[i]);
  seye_test_wait_node_state (f->nodes[i], SEYE_NODE_STATE_OFFLINE, 0, 10000);
  seye_node_list_refresh (f->list);
}

/* The GtkMenuButton of the header bar: where the main menu's actions are looked up. */
static GtkWidget *
find_menu_button (GtkWidget *widget)
{
  if (GTK_IS_MENU_BUTTON (widget) && gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (widget)) != NULL)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_menu_button (child);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* The action of the menu item labelled @label, in @menu or its submenus. */
static char *
find_menu_action (GMenuModel *menu,
                  const char *label)
{
  for (int i = 0; i < g_menu_model_get_n_items (menu); i++)
    {
      g_autofree char *item_label = NULL;
      g_autofree char *action = NULL;
      const char *links[] = { G_MENU_LINK_SECTION, G_MENU_LINK_SUBMENU };

      if (g_menu_model_get_item_attribute (menu, i, G_MENU_ATTRIBUTE_LABEL, "s", &item_label) &&
          g_strcmp0 (item_label, label) == 0 &&
          g_menu_model_get_item_attribute (menu, i, G_MENU_ATTRIBUTE_ACTION, "s", &action))
        return g_steal_pointer (&action);

      for (guint j = 0; j < G_N_ELEMENTS (links); j++)
        {
          g_autoptr (GMenuModel) link = g_menu_model_get_item_link (menu, i, links[j]);
          char *found = link ? find_menu_action (link, label) : NULL;

          if (found != NULL)
            return found;
        }
    }

  return NULL;
}

static gboolean
column_visible (Fixture        *f,
                SeyeNodeColumn  column)
{
  return gtk_column_view_column_get_visible (seye_node_list_get_column (f->list, column));
}

/* Main menu → Columns → CPU hides the column, from where the menu is; a new window
 * (as after a restart) keeps it hidden and its item unchecked; Disk starts hidden. */
static void
test_columns_menu (Fixture       *f,
                   gconstpointer  data)
{
  GtkWidget *button = find_menu_button (GTK_WIDGET (f->window));
  g_autofree char *action = NULL;
  g_autoptr (GVariant) state = NULL;
  g_auto (GStrv) hidden = NULL;

  g_assert_nonnull (button);
  action = find_menu_action (gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (button)), "CPU");
  g_assert_cmpstr (action, ==, "columns.cpu");

  g_assert_false (column_visible (f, SEYE_NODE_COLUMN_DISK));
  g_assert_true (column_visible (f, SEYE_NODE_COLUMN_CPU));

  /* Found and enabled where the menu button is: the bug was that it was not. */
  g_assert_true (gtk_widget_activate_action (button, action, NULL));
  g_assert_false (column_visible (f, SEYE_NODE_COLUMN_CPU));
  hidden = g_settings_get_strv (f->settings, "hidden-columns");
  g_assert_true (g_strv_contains ((const char * const *) hidden, "cpu"));
  g_assert_true (g_strv_contains ((const char * const *) hidden, "disk"));

  close_window (f);
  open_window (f);
  g_assert_false (column_visible (f, SEYE_NODE_COLUMN_CPU));
  g_assert_false (column_visible (f, SEYE_NODE_COLUMN_DISK));
  g_assert_true (column_visible (f, SEYE_NODE_COLUMN_MEMORY));
  state = g_action_group_get_action_state (seye_node_list_get_column_actions (f->list), "cpu");
  g_assert_false (g_variant_get_boolean (state));

  /* And back: Disk shown, CPU shown. */
  button = find_menu_button (GTK_WIDGET (f->window));
  g_assert_true (gtk_widget_activate_action (button, "columns.disk", NULL));
  g_assert_true (gtk_widget_activate_action (button, "columns.cpu", NULL));
  g_assert_true (column_visible (f, SEYE_NODE_COLUMN_DISK));
  g_assert_true (column_visible (f, SEYE_NODE_COLUMN_CPU));
}

static void
check_sorted (Fixture        *f,
              SeyeNodeColumn  column,
              gboolean        descending)
{
  GListModel *model = seye_node_list_get_model (f->list);

  seye_node_list_refresh (f->list);
  for (guint i = 1; i < g_list_model_get_n_items (model); i++)
    {
      int cmp = seye_node_column_compare (node_at (f, i - 1), node_at (f, i), column);

      g_assert_cmpint (descending ? -cmp : cmp, <, 0);
    }
}

/* A click on a metric's header sorts it highest first; a second click lowest first;
 * the order is saved and a new window sorts the same way. */
static void
test_sort_saved (Fixture       *f,
                 gconstpointer  data)
{
  GtkColumnView *view = _seye_node_list_get_column_view (f->list);
  g_autofree char *id = NULL;

  /* What a first click on a header does: this column first, lowest first... */
  gtk_column_view_sort_by_column (view, seye_node_list_get_column (f->list, SEYE_NODE_COLUMN_CPU),
                                  GTK_SORT_ASCENDING);
  /* ... turned highest first. */
  check_sorted (f, SEYE_NODE_COLUMN_CPU, TRUE);
  id = g_settings_get_string (f->settings, "sort-column");
  g_assert_cmpstr (id, ==, "cpu");
  g_assert_true (g_settings_get_boolean (f->settings, "sort-descending"));

  /* A second click on it: lowest first, as asked. */
  gtk_column_view_sort_by_column (view, seye_node_list_get_column (f->list, SEYE_NODE_COLUMN_CPU),
                                  GTK_SORT_ASCENDING);
  check_sorted (f, SEYE_NODE_COLUMN_CPU, FALSE);
  g_assert_false (g_settings_get_boolean (f->settings, "sort-descending"));

  /* Names are not metrics: a first click sorts them A to Z. */
  gtk_column_view_sort_by_column (view, seye_node_list_get_column (f->list, SEYE_NODE_COLUMN_NAME),
                                  GTK_SORT_ASCENDING);
  check_sorted (f, SEYE_NODE_COLUMN_NAME, FALSE);

  gtk_column_view_sort_by_column (view, seye_node_list_get_column (f->list, SEYE_NODE_COLUMN_PROCESSES),
                                  GTK_SORT_ASCENDING);
  close_window (f);
  open_window (f);
  g_assert_true (seye_test_wait_until (all_online_cb, f, 5000));
  check_sorted (f, SEYE_NODE_COLUMN_PROCESSES, TRUE);
}

/* The killed agent's node keeps its last values but has no current one: after all
 * the others, lowest first and highest first alike. */
static void
test_sort_offline_last (Fixture       *f,
                        gconstpointer  data)
{
  static const SeyeNodeColumn columns[] = { SEYE_NODE_COLUMN_CPU, SEYE_NODE_COLUMN_MEMORY };
  SeyeNode *dead = f->nodes[0];

  kill_agent (f, 0);
  g_assert_nonnull (seye_node_get_sample (dead));

  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    {
      seye_node_list_sort_by (f->list, columns[i], GTK_SORT_ASCENDING);
      seye_node_list_refresh (f->list);
      g_assert_true (node_at (f, N_AGENTS - 1) == dead);

      seye_node_list_sort_by (f->list, columns[i], GTK_SORT_DESCENDING);
      seye_node_list_refresh (f->list);
      g_assert_true (node_at (f, N_AGENTS - 1) == dead);
    }

  /* Sorted by name it is one name among the others: "list-a" first. */
  seye_node_list_sort_by (f->list, SEYE_NODE_COLUMN_NAME, GTK_SORT_ASCENDING);
  g_assert_true (node_at (f, 0) == dead);
}

/* The hold on its own, with a clock the test drives. */
static void
test_hold_clock (Fixture       *f,
                 gconstpointer  data)
{
  SeyeResortHold hold = { 0 };
  gint64 t = 1000 * G_USEC_PER_SEC;

  g_assert_false (seye_resort_hold_must_wait (&hold, t));

  /* The pointer over the list: waits, but 5 s at most. */
  seye_resort_hold_set_pointer (&hold, TRUE);
  g_assert_true (seye_resort_hold_must_wait (&hold, t));
  g_assert_true (seye_resort_hold_must_wait (&hold, t + 4 * G_USEC_PER_SEC));
  g_assert_false (seye_resort_hold_must_wait (&hold, t + 5 * G_USEC_PER_SEC));
  seye_resort_hold_sorted (&hold);
  g_assert_true (seye_resort_hold_must_wait (&hold, t + 6 * G_USEC_PER_SEC));

  /* The pointer gone: sorts at once. */
  seye_resort_hold_set_pointer (&hold, FALSE);
  g_assert_false (seye_resort_hold_must_wait (&hold, t + 6 * G_USEC_PER_SEC));
  seye_resort_hold_sorted (&hold);

  /* A key: holds 3 s. */
  t += 10 * G_USEC_PER_SEC;
  seye_resort_hold_key_pressed (&hold, t);
  g_assert_true (seye_resort_hold_must_wait (&hold, t + 2 * G_USEC_PER_SEC));
  g_assert_false (seye_resort_hold_must_wait (&hold, t + 3 * G_USEC_PER_SEC));
}

/* In the list: with the pointer over it, new samples do not re-sort it, until the wait
 * reaches its bound; with the pointer gone, the next tick sorts. */
static void
test_hold_list (Fixture       *f,
                gconstpointer  data)
{
  SeyeResortHold *hold = _seye_node_list_get_hold (f->list);
  gint64 now = g_get_monotonic_time ();
  gint64 first_wait;

  seye_resort_hold_set_pointer (hold, TRUE);
  seye_test_spin (1500);   /* samples came: a re-sort is due and waits */
  g_assert_cmpint (hold->waiting_since, !=, 0);
  g_assert_false (_seye_node_list_tick (f->list, now + 2 * G_USEC_PER_SEC));

  /* Never later than the bound. */
  first_wait = hold->waiting_since;
  g_assert_true (_seye_node_list_tick (f->list, first_wait + SEYE_RESORT_HOLD_MAX_USEC));
  g_assert_cmpint (hold->waiting_since, ==, 0);

  /* The pointer leaves: no wait. */
  seye_resort_hold_set_pointer (hold, FALSE);
  seye_test_spin (1500);
  g_assert_cmpint (hold->waiting_since, ==, 0);
}

/* "3 nodes · 2 online · 1 alerting · 1 offline"; each count filters; the shortcut
 * goes to the node that is down. */
static void
test_summary (Fixture       *f,
              gconstpointer  data)
{
  GListModel *model = seye_node_list_get_model (f->list);
  SeyeNode *dead = f->nodes[1];

  kill_agent (f, 1);
  g_assert_cmpuint (seye_node_list_get_count (f->list, SEYE_STATUS_FILTER_ALL), ==, 3);
  g_assert_cmpuint (seye_node_list_get_count (f->list, SEYE_STATUS_FILTER_ONLINE), ==, 2);
  /* Alerting: whatever the nodes say (the offline one may alert for being offline). */
  g_assert_cmpuint (seye_node_list_get_count (f->list, SEYE_STATUS_FILTER_ALERTING), ==,
                    seye_node_get_alerting (f->nodes[0]) + seye_node_get_alerting (f->nodes[1]) +
                    seye_node_get_alerting (f->nodes[2]));
  g_assert_cmpuint (seye_node_list_get_count (f->list, SEYE_STATUS_FILTER_OFFLINE), ==, 1);
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (f->list->summary_buttons[SEYE_STATUS_FILTER_OFFLINE])),
                   ==, "1 offline");
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (f->list->summary_buttons[SEYE_STATUS_FILTER_ALL])),
                   ==, "3 nodes");

  /* A click on "1 offline". */
  g_signal_emit_by_name (f->list->summary_buttons[SEYE_STATUS_FILTER_OFFLINE], "clicked");
  g_assert_cmpint (seye_node_list_get_status_filter (f->list), ==, SEYE_STATUS_FILTER_OFFLINE);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
  g_assert_true (node_at (f, 0) == dead);

  g_signal_emit_by_name (f->list->summary_buttons[SEYE_STATUS_FILTER_ONLINE], "clicked");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 2);
  g_assert_false (list_contains (f, dead));

  g_signal_emit_by_name (f->list->summary_buttons[SEYE_STATUS_FILTER_ALL], "clicked");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 3);

  /* The shortcut, from a healthy node: the dead one, and it stays there. */
  seye_node_list_sort_by (f->list, SEYE_NODE_COLUMN_NAME, GTK_SORT_ASCENDING);
  seye_node_list_select_node (f->list, f->nodes[0]);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.next-problem", NULL));
  g_assert_true (seye_node_list_get_selected_node (f->list) == dead);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.next-problem", NULL));
  g_assert_true (seye_node_list_get_selected_node (f->list) == dead);
}

/* Remove Offline Nodes: gone from the list at once, back with Undo; gone from the
 * monitor once the toast goes without Undo. The same for one node (Ctrl+Delete). */
static void
test_remove_undo (Fixture       *f,
                  gconstpointer  data)
{
  SeyeNode *dead = f->nodes[2];
  AdwToast *toast;

  kill_agent (f, 2);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.remove-offline", NULL));
  toast = _seye_window_get_removal_toast (f->window);
  g_assert_nonnull (toast);
  g_assert_false (list_contains (f, dead));
  g_assert_true (monitor_contains (f, dead));
  g_assert_cmpuint (seye_node_list_get_count (f->list, SEYE_STATUS_FILTER_ALL), ==, 2);
  g_assert_cmpuint (seye_node_list_get_count (f->list, SEYE_STATUS_FILTER_OFFLINE), ==, 0);

  /* Undo. */
  g_signal_emit_by_name (toast, "button-clicked");
  adw_toast_dismiss (toast);
  g_assert_true (list_contains (f, dead));
  g_assert_true (monitor_contains (f, dead));
  g_assert_cmpuint (seye_node_list_get_count (f->list, SEYE_STATUS_FILTER_OFFLINE), ==, 1);

  /* Again, and the toast goes. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.remove-offline", NULL));
  toast = _seye_window_get_removal_toast (f->window);
  g_assert_false (list_contains (f, dead));
  adw_toast_dismiss (toast);
  g_assert_false (monitor_contains (f, dead));
  g_assert_false (list_contains (f, dead));

  /* One node, the selected one: the same. */
  seye_window_show_node (f->window, f->nodes[0]);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.remove-node", NULL));
  toast = _seye_window_get_removal_toast (f->window);
  g_assert_false (list_contains (f, f->nodes[0]));
  g_assert_true (monitor_contains (f, f->nodes[0]));
  g_assert_true (seye_node_list_get_selected_node (f->list) != f->nodes[0]);
  adw_toast_dismiss (toast);
  g_assert_false (monitor_contains (f, f->nodes[0]));
  g_assert_cmpuint (seye_node_list_get_count (f->list, SEYE_STATUS_FILTER_ALL), ==, 1);
}

/* The node of the row that has the keyboard focus, or NULL. */
static SeyeNode *
focused_node (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      SeyeNode *node;

      if (SEYE_IS_NODE_CELL (child))
        return seye_node_cell_get_node (SEYE_NODE_CELL (child));
      if ((node = focused_node (child)) != NULL)
        return node;
    }

  return NULL;
}

static gboolean
focus_on_row_cb (gpointer data)
{
  Fixture *f = data;
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (f->window));

  return focus != NULL && focused_node (focus) != NULL;
}

static gboolean
focus_on_first_cb (gpointer data)
{
  Fixture *f = data;
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (f->window));

  return focus != NULL && focused_node (focus) == f->nodes[0];
}

/* The focus ring is on the selected row: when a shortcut selects another node, the
 * focus goes with it. */
static void
test_focus_follows (Fixture       *f,
                    gconstpointer  data)
{
  GtkColumnView *view = _seye_node_list_get_column_view (f->list);
  GtkWidget *focus;

  kill_agent (f, 2);
  seye_node_list_sort_by (f->list, SEYE_NODE_COLUMN_NAME, GTK_SORT_ASCENDING);
  seye_node_list_select_node (f->list, f->nodes[0]);
  gtk_widget_grab_focus (GTK_WIDGET (view));
  g_assert_true (seye_test_wait_until (focus_on_row_cb, f, 3000));
  /* Coming into the list, the focus lands on the selected row. */
  g_assert_true (seye_test_wait_until (focus_on_first_cb, f, 3000));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.next-problem", NULL));
  g_assert_true (seye_node_list_get_selected_node (f->list) == f->nodes[2]);
  focus = gtk_root_get_focus (GTK_ROOT (f->window));
  g_assert_nonnull (focus);
  g_assert_true (focused_node (focus) == f->nodes[2]);
}

typedef struct
{
  GtkWidget *page;
  int        width;
} WidthWait;

static gboolean
width_is_cb (gpointer data)
{
  WidthWait *wait = data;

  return gtk_widget_get_width (wait->page) == wait->width;
}

/* The divider's position, as a drag leaves it in "pane-position": the list takes that
 * width, within the window, and a new window opens with it. */
static void
test_divider (Fixture       *f,
              gconstpointer  data)
{
  WidthWait wait = { gtk_widget_get_parent (GTK_WIDGET (f->list)), 520 };
  int window_width;

  g_settings_set_int (f->settings, "pane-position", 520);
  g_assert_true (seye_test_wait_until (width_is_cb, &wait, 3000));

  close_window (f);
  open_window (f);
  wait.page = gtk_widget_get_parent (GTK_WIDGET (f->list));
  g_assert_true (seye_test_wait_until (width_is_cb, &wait, 3000));

  /* Never so wide that the detail pane has less than its minimum. */
  window_width = gtk_widget_get_width (GTK_WIDGET (f->window));
  g_assert_cmpint (_seye_window_divider_clamp (100000, window_width), ==, window_width - 365);
  g_assert_cmpint (_seye_window_divider_clamp (10, window_width), ==, 360);
  g_settings_set_int (f->settings, "pane-position", 100000);
  wait.width = window_width - 365;
  g_assert_true (seye_test_wait_until (width_is_cb, &wait, 3000));

  g_settings_reset (f->settings, "pane-position");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  adw_init ();

#define ADD(path, func) \
  g_test_add ("/seye/app/list/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("columns-menu", test_columns_menu);
  ADD ("sort-saved", test_sort_saved);
  ADD ("sort-offline-last", test_sort_offline_last);
  ADD ("hold-clock", test_hold_clock);
  ADD ("hold-list", test_hold_list);
  ADD ("summary", test_summary);
  ADD ("remove-undo", test_remove_undo);
  ADD ("divider", test_divider);
  ADD ("focus-follows", test_focus_follows);
#undef ADD

  return g_test_run ();
}
