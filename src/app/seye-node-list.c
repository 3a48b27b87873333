/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-node-list"

#include "config.h"

#include <glib/gi18n.h>

#include "seye-node-cell.h"
#include "seye-node-list-private.h"
#include "seye-ticker.h"
#include "seye-window-private.h"


enum {
  PROP_0,
  PROP_MONITOR,
  PROP_SELECTED_NODE,
  PROP_SEARCH_TEXT,
  PROP_STATUS_FILTER,
  PROP_N_ALERTING,
  PROP_VIEW,
  N_PROPS
};

enum {
  NODE_ACTIVATED,
  N_SIGNALS
};

G_DEFINE_FINAL_TYPE (SeyeNodeList, seye_node_list, GTK_TYPE_WIDGET)

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static gboolean
filter_func (gpointer item,
             gpointer user_data)
{
  SeyeNodeList *self = user_data;

  return !g_hash_table_contains (self->hidden_nodes, item) &&
         _seye_node_list_matches_status (item, self->status_filter) &&
         seye_node_column_matches (item, self->search_casefold);
}

static void
update_page (SeyeNodeList *self)
{
  const char *page = self->view == SEYE_NODE_VIEW_MAP ? "map" : "list";

  if (self->monitor == NULL || g_list_model_get_n_items (G_LIST_MODEL (self->monitor)) == 0)
    page = "empty";
  else if (g_list_model_get_n_items (G_LIST_MODEL (self->selection)) == 0)
    page = "no-results";

  gtk_stack_set_visible_child_name (self->stack, page);
}

/* Until the user moves in the list, it shows its top. Nodes arrive one by one and
 * are sorted in as they come, and as their names become known; GtkListView keeps the
 * row it has at the top where it is while others are inserted above it, so a list
 * left alone would end up scrolled to wherever its first row went. */
static void
keep_top (SeyeNodeList *self)
{
  GtkAdjustment *vadjustment;

  if (self->user_moved)
    return;

  vadjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->column_view));
  if (vadjustment != NULL && gtk_adjustment_get_value (vadjustment) != gtk_adjustment_get_lower (vadjustment))
    gtk_adjustment_set_value (vadjustment, gtk_adjustment_get_lower (vadjustment));
}

static gboolean
keep_top_cb (gpointer data)
{
  SeyeNodeList *self = data;

  self->keep_top_source = 0;
  keep_top (self);

  return G_SOURCE_REMOVE;
}

/* The list also scrolls by itself, to its keyboard cursor when it gets the focus (the
 * cursor stays on the first row that came, wherever sorting took it), or to keep its
 * top row in place when its size changes: brought back after, until the user moves. */
static void
vadjustment_value_changed_cb (SeyeNodeList  *self,
                              GtkAdjustment *vadjustment)
{
  if (!self->user_moved && self->keep_top_source == 0 &&
      gtk_adjustment_get_value (vadjustment) != gtk_adjustment_get_lower (vadjustment))
    {
      self->keep_top_source = g_idle_add (keep_top_cb, self);
      g_source_set_name_by_id (self->keep_top_source, "[seye] keep the list's top");
    }
}

static void
user_moved_cb (SeyeNodeList *self)
{
  self->user_moved = TRUE;
}

static gboolean
user_scrolled_cb (SeyeNodeList *self)
{
  self->user_moved = TRUE;

  return GDK_EVENT_PROPAGATE;
}

/**
 * seye_node_list_refresh:
 *
 * Sorts and filters again with the current values. Rows are moved, never rebuilt:
 * the sort model only reports the range whose order changed.
 */
void
seye_node_list_refresh (SeyeNodeList *self)
{
  GtkSorter *sorter;

  g_return_if_fail (SEYE_IS_NODE_LIST (self));

  self->needs_refresh = FALSE;
  seye_resort_hold_sorted (&self->hold);
  g_clear_handle_id (&self->hold_source, g_source_remove);

  /* The map sorts its tiles itself: the list's rows, hidden, wait until it is shown. */
  sorter = gtk_column_view_get_sorter (self->column_view);
  self->sort_pending = self->view == SEYE_NODE_VIEW_MAP;
  if (!self->sort_pending && sorter != NULL && gtk_sorter_get_order (sorter) != GTK_SORTER_ORDER_NONE)
    gtk_sorter_changed (sorter, GTK_SORTER_CHANGE_DIFFERENT);

  if (self->status_filter != SEYE_STATUS_FILTER_ALL)
    gtk_filter_changed (self->filter, GTK_FILTER_CHANGE_DIFFERENT);

  /* Nodes arrive one by one and autoselect keeps the first that came: once the first
   * batch is sorted, start from the top of the list instead. */
  if (!self->initial_selection_done && g_list_model_get_n_items (G_LIST_MODEL (self->selection)) > 0)
    {
      self->initial_selection_done = TRUE;
      gtk_single_selection_set_selected (self->selection, 0);
    }

  _seye_node_list_update_counts (self);
  update_page (self);
  keep_top (self);
}

static gboolean
hold_timeout_cb (gpointer data)
{
  SeyeNodeList *self = data;

  self->hold_source = 0;
  seye_ticker_request (seye_ticker_get_default ());

  return G_SOURCE_REMOVE;
}

/* A tick at @now (monotonic µs): sorts again if values changed, unless the user is
 * about to click a row; then tries again shortly. TRUE when it sorted. */
gboolean
_seye_node_list_tick (SeyeNodeList *self,
                      gint64        now)
{
  if (!self->needs_refresh)
    return FALSE;

  if (seye_resort_hold_must_wait (&self->hold, now))
    {
      if (self->hold_source == 0)
        {
          self->hold_source = g_timeout_add (250, hold_timeout_cb, self);
          g_source_set_name_by_id (self->hold_source, "[seye] re-sort the node list after a hold");
        }
      return FALSE;
    }

  seye_node_list_refresh (self);

  return TRUE;
}

static void
tick_cb (SeyeNodeList *self)
{
  if (self->column_view == NULL)
    return;
  _seye_node_list_tick (self, g_get_monotonic_time ());
}

void
_seye_node_list_update_page (SeyeNodeList *self)
{
  update_page (self);
}

SeyeResortHold *
_seye_node_list_get_hold (SeyeNodeList *self)
{
  return &self->hold;
}

static void
pointer_enter_cb (SeyeNodeList *self)
{
  seye_resort_hold_set_pointer (&self->hold, TRUE);
}

static void
pointer_leave_cb (SeyeNodeList *self)
{
  seye_resort_hold_set_pointer (&self->hold, FALSE);
}

static gboolean
key_pressed_cb (SeyeNodeList *self)
{
  self->user_moved = TRUE;
  seye_resort_hold_key_pressed (&self->hold, g_get_monotonic_time ());

  return GDK_EVENT_PROPAGATE;
}

static void
schedule_refresh (SeyeNodeList *self)
{
  /* Many nodes answer within one interval: sort once for all of them, at the tick
   * that also updates their rows. */
  self->needs_refresh = TRUE;
  seye_ticker_request (seye_ticker_get_default ());
}

static void
monitor_items_changed_cb (SeyeNodeList *self,
                          guint         position,
                          guint         removed,
                          guint         added,
                          GListModel   *model)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr (SeyeNode) node = g_list_model_get_item (model, i);

      g_signal_connect_object (node, "sample-added", G_CALLBACK (schedule_refresh), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (node, "notify::state", G_CALLBACK (schedule_refresh), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (node, "notify::alerting", G_CALLBACK (schedule_refresh), self,
                               G_CONNECT_SWAPPED);
      /* The counts say it at once, even while re-sorting waits for the pointer to leave. */
      g_signal_connect_object (node, "notify::state", G_CALLBACK (_seye_node_list_update_counts), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (node, "notify::alerting", G_CALLBACK (_seye_node_list_update_counts), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (node, "notify::name", G_CALLBACK (schedule_refresh), self,
                               G_CONNECT_SWAPPED);
    }

  _seye_node_list_update_counts (self);
  update_page (self);
  keep_top (self);
}

/* The row widget that shows @node, if it is realized. */
static GtkWidget *
find_row (GtkWidget *widget,
          SeyeNode  *node)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (SEYE_IS_NODE_CELL (child))
        {
          GtkWidget *cell = gtk_widget_get_parent (child);

          if (seye_node_cell_get_node (SEYE_NODE_CELL (child)) == node && cell != NULL)
            return gtk_widget_get_parent (cell);
          continue;
        }

      if ((found = find_row (child, node)) != NULL)
        return found;
    }

  return NULL;
}

/* The keyboard focus ring sits on the selected row, never on another one: when the
 * selection moves by other means than the keyboard (a shortcut, a node removed),
 * the focus follows it, if the list had it. */
static void
focus_selected (SeyeNodeList *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root ? gtk_root_get_focus (root) : NULL;
  SeyeNode *node = seye_node_list_get_selected_node (self);
  GtkWidget *row;

  if (node == NULL || focus == NULL || !gtk_widget_is_ancestor (focus, GTK_WIDGET (self->column_view)))
    return;

  row = find_row (GTK_WIDGET (self->column_view), node);
  if (row != NULL && row != focus && !gtk_widget_is_ancestor (focus, row))
    gtk_widget_grab_focus (row);
}

static void
seye_node_list_root (GtkWidget *widget)
{
  SeyeNodeList *self = SEYE_NODE_LIST (widget);

  GTK_WIDGET_CLASS (seye_node_list_parent_class)->root (widget);

  /* Wherever the focus comes from (Tab, a click on the header, the list laid out
   * under a focus it had), it lands on the selected row. */
  g_signal_connect_object (gtk_widget_get_root (widget), "notify::focus-widget",
                           G_CALLBACK (focus_selected), self, G_CONNECT_SWAPPED);
}

static void
seye_node_list_unroot (GtkWidget *widget)
{
  g_signal_handlers_disconnect_by_func (gtk_widget_get_root (widget), focus_selected, widget);

  GTK_WIDGET_CLASS (seye_node_list_parent_class)->unroot (widget);
}

static void
selected_item_changed_cb (SeyeNodeList *self)
{
  seye_fleet_map_set_selected_node (self->fleet_map, seye_node_list_get_selected_node (self));
  focus_selected (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_NODE]);
}

static void
search_changed_cb (SeyeNodeList   *self,
                   GtkSearchEntry *entry)
{
  seye_node_list_set_search_text (self, gtk_editable_get_text (GTK_EDITABLE (entry)));
}

static void
stop_search_cb (SeyeNodeList   *self,
                GtkSearchEntry *entry)
{
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
  if (self->view == SEYE_NODE_VIEW_MAP)
    seye_fleet_map_focus_selected (self->fleet_map);
  else
    gtk_widget_grab_focus (GTK_WIDGET (self->column_view));
}

void
_seye_node_list_emit_activated (SeyeNodeList *self,
                                SeyeNode     *node)
{
  g_signal_emit (self, signals[NODE_ACTIVATED], 0, node);
}

static void
activate_cb (SeyeNodeList  *self,
             guint          position,
             GtkColumnView *column_view)
{
  g_autoptr (SeyeNode) node = g_list_model_get_item (G_LIST_MODEL (self->selection), position);

  if (node != NULL)
    g_signal_emit (self, signals[NODE_ACTIVATED], 0, node);
}

static gboolean
navigate_cb (gpointer data)
{
  SeyeNodeList *self = data;
  SeyeNode *node = seye_node_list_get_selected_node (self);

  self->navigate_source = 0;
  if (node != NULL)
    g_signal_emit (self, signals[NODE_ACTIVATED], 0, node);

  return G_SOURCE_REMOVE;
}

static void
released_cb (SeyeNodeList    *self,
             int              n_press,
             double           x,
             double           y,
             GtkGestureClick *gesture)
{
  /* A click selects the row first; open it once the selection has been made. */
  self->initial_selection_done = TRUE;
  if (self->navigate_source == 0)
    self->navigate_source = g_idle_add (navigate_cb, self);
}

static void
seye_node_list_dispose (GObject *object)
{
  SeyeNodeList *self = SEYE_NODE_LIST (object);

  g_clear_handle_id (&self->navigate_source, g_source_remove);
  g_clear_handle_id (&self->keep_top_source, g_source_remove);
  g_clear_handle_id (&self->hold_source, g_source_remove);

  gtk_widget_dispose_template (GTK_WIDGET (self), SEYE_TYPE_NODE_LIST);
  _seye_node_list_columns_dispose (self);

  g_clear_object (&self->monitor);
  g_clear_object (&self->filter);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->hidden_nodes, g_hash_table_unref);

  G_OBJECT_CLASS (seye_node_list_parent_class)->dispose (object);
}

static void
seye_node_list_finalize (GObject *object)
{
  SeyeNodeList *self = SEYE_NODE_LIST (object);

  g_clear_pointer (&self->search_casefold, g_free);

  G_OBJECT_CLASS (seye_node_list_parent_class)->finalize (object);
}

static void
seye_node_list_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  SeyeNodeList *self = SEYE_NODE_LIST (object);

  switch (prop_id)
    {
    case PROP_MONITOR:
      g_value_set_object (value, self->monitor);
      break;

    case PROP_SELECTED_NODE:
      g_value_set_object (value, seye_node_list_get_selected_node (self));
      break;

    case PROP_SEARCH_TEXT:
      g_value_set_string (value, seye_node_list_get_search_text (self));
      break;

    case PROP_STATUS_FILTER:
      g_value_set_enum (value, self->status_filter);
      break;

    case PROP_N_ALERTING:
      g_value_set_uint (value, self->counts[SEYE_STATUS_FILTER_ALERTING]);
      break;

    case PROP_VIEW:
      g_value_set_enum (value, self->view);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
seye_node_list_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  SeyeNodeList *self = SEYE_NODE_LIST (object);

  switch (prop_id)
    {
    case PROP_MONITOR:
      seye_node_list_set_monitor (self, g_value_get_object (value));
      break;

    case PROP_SEARCH_TEXT:
      seye_node_list_set_search_text (self, g_value_get_string (value));
      break;

    case PROP_STATUS_FILTER:
      seye_node_list_set_status_filter (self, g_value_get_enum (value));
      break;

    case PROP_VIEW:
      seye_node_list_set_view (self, g_value_get_enum (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
seye_node_list_class_init (SeyeNodeListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = seye_node_list_dispose;
  object_class->finalize = seye_node_list_finalize;
  object_class->get_property = seye_node_list_get_property;
  object_class->set_property = seye_node_list_set_property;
  widget_class->root = seye_node_list_root;
  widget_class->unroot = seye_node_list_unroot;

  properties[PROP_MONITOR] =
    g_param_spec_object ("monitor", NULL, NULL,
                         SEYE_TYPE_MONITOR,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_SELECTED_NODE] =
    g_param_spec_object ("selected-node", NULL, NULL,
                         SEYE_TYPE_NODE,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  properties[PROP_SEARCH_TEXT] =
    g_param_spec_string ("search-text", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_STATUS_FILTER] =
    g_param_spec_enum ("status-filter", NULL, NULL,
                       SEYE_TYPE_STATUS_FILTER,
                       SEYE_STATUS_FILTER_ALL,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_N_ALERTING] =
    g_param_spec_uint ("n-alerting", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  properties[PROP_VIEW] =
    g_param_spec_enum ("view", NULL, NULL,
                       SEYE_TYPE_NODE_VIEW,
                       SEYE_NODE_VIEW_LIST,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * SeyeNodeList::node-activated:
   *
   * The user opened a node: a click, Enter or a double click on its row or its tile.
   */
  signals[NODE_ACTIVATED] =
    g_signal_new ("node-activated",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, SEYE_TYPE_NODE);

  g_type_ensure (SEYE_TYPE_NODE);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/seye-node-list.ui");
  gtk_widget_class_bind_template_child (widget_class, SeyeNodeList, box);
  gtk_widget_class_bind_template_child (widget_class, SeyeNodeList, stack);
  gtk_widget_class_bind_template_child (widget_class, SeyeNodeList, scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, SeyeNodeList, column_view);
  gtk_widget_class_bind_template_child (widget_class, SeyeNodeList, search_entry);
  gtk_widget_class_bind_template_child (widget_class, SeyeNodeList, selection);
  gtk_widget_class_bind_template_child (widget_class, SeyeNodeList, sort_model);
  gtk_widget_class_bind_template_child (widget_class, SeyeNodeList, filter_model);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, stop_search_cb);
  gtk_widget_class_bind_template_callback (widget_class, activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, released_cb);
  gtk_widget_class_bind_template_callback (widget_class, selected_item_changed_cb);
  _seye_node_list_summary_class_init (widget_class);
  _seye_node_list_views_class_init (widget_class);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "nodelist");
}

static void
seye_node_list_init (SeyeNodeList *self)
{
  GtkEventController *controller;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->created_us = g_get_monotonic_time ();

  self->settings = g_settings_new (APP_ID);
  g_signal_connect_object (seye_ticker_get_default (), "tick", G_CALLBACK (tick_cb), self,
                           G_CONNECT_SWAPPED);

  self->filter = GTK_FILTER (gtk_custom_filter_new (filter_func, self, NULL));
  gtk_filter_list_model_set_filter (self->filter_model, self->filter);
  self->hidden_nodes = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
  _seye_node_list_columns_init (self);
  _seye_node_list_summary_init (self);
  _seye_node_list_views_init (self);

  /* Whatever the user does to move in the list ends keep_top(): a scroll, a click
   * (on a row, a header or the scrollbar), a key, the focus coming in (Tab). Seen
   * before the list acts on it. */
  controller = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect_object (controller, "scroll", G_CALLBACK (user_scrolled_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (self->scrolled_window, controller);
  controller = GTK_EVENT_CONTROLLER (gtk_gesture_click_new ());
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (controller), 0);
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect_object (controller, "pressed", G_CALLBACK (user_moved_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (self->scrolled_window, controller);
  controller = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect_object (controller, "key-pressed", G_CALLBACK (key_pressed_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (self->scrolled_window, controller);
  controller = gtk_event_controller_motion_new ();
  g_signal_connect_object (controller, "enter", G_CALLBACK (pointer_enter_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (controller, "leave", G_CALLBACK (pointer_leave_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (self->scrolled_window, controller);
  controller = gtk_event_controller_focus_new ();
  g_signal_connect_object (controller, "enter", G_CALLBACK (user_moved_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (self->scrolled_window, controller);
  g_signal_connect_object (gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->column_view)),
                           "value-changed", G_CALLBACK (vadjustment_value_changed_cb), self,
                           G_CONNECT_SWAPPED);

  update_page (self);
}

SeyeMonitor *
seye_node_list_get_monitor (SeyeNodeList *self)
{
  g_return_val_if_fail (SEYE_IS_NODE_LIST (self), NULL);

  return self->monitor;
}

void
seye_node_list_set_monitor (SeyeNodeList *self,
                            SeyeMonitor  *monitor)
{
  g_return_if_fail (SEYE_IS_NODE_LIST (self));
  g_return_if_fail (monitor == NULL || SEYE_IS_MONITOR (monitor));

  if (self->monitor == monitor)
    return;

  if (self->monitor != NULL)
    g_signal_handlers_disconnect_by_func (self->monitor, monitor_items_changed_cb, self);

  g_set_object (&self->monitor, monitor);

  if (monitor != NULL)
    {
      g_signal_connect_object (monitor, "items-changed", G_CALLBACK (monitor_items_changed_cb),
                               self, G_CONNECT_SWAPPED);
      monitor_items_changed_cb (self, 0, 0, g_list_model_get_n_items (G_LIST_MODEL (monitor)),
                                G_LIST_MODEL (monitor));
    }

  gtk_filter_list_model_set_model (self->filter_model, G_LIST_MODEL (monitor));
  update_page (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MONITOR]);
}

SeyeNode *
seye_node_list_get_selected_node (SeyeNodeList *self)
{
  g_return_val_if_fail (SEYE_IS_NODE_LIST (self), NULL);

  return gtk_single_selection_get_selected_item (self->selection);
}

void
seye_node_list_select_node (SeyeNodeList *self,
                            SeyeNode     *node)
{
  guint n;

  g_return_if_fail (SEYE_IS_NODE_LIST (self));

  n = g_list_model_get_n_items (G_LIST_MODEL (self->selection));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (SeyeNode) item = g_list_model_get_item (G_LIST_MODEL (self->selection), i);

      if (item == node)
        {
          self->initial_selection_done = TRUE;
          gtk_single_selection_set_selected (self->selection, i);
          return;
        }
    }
}

const char *
seye_node_list_get_search_text (SeyeNodeList *self)
{
  g_return_val_if_fail (SEYE_IS_NODE_LIST (self), NULL);

  return gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
}

void
seye_node_list_set_search_text (SeyeNodeList *self,
                                const char   *text)
{
  g_autofree char *stripped = NULL;
  g_autofree char *casefold = NULL;

  g_return_if_fail (SEYE_IS_NODE_LIST (self));

  /* Blanks around the text do not count. */
  stripped = g_strstrip (g_strdup (text != NULL ? text : ""));
  casefold = seye_node_column_fold_search (stripped);

  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->search_entry)), text ? text : "") != 0)
    gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text ? text : "");

  if (g_strcmp0 (casefold, self->search_casefold) == 0)
    return;

  g_free (self->search_casefold);
  self->search_casefold = g_steal_pointer (&casefold);
  gtk_filter_changed (self->filter, GTK_FILTER_CHANGE_DIFFERENT);
  update_page (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEARCH_TEXT]);
}

SeyeStatusFilter
seye_node_list_get_status_filter (SeyeNodeList *self)
{
  g_return_val_if_fail (SEYE_IS_NODE_LIST (self), 0);

  return self->status_filter;
}

void
seye_node_list_set_status_filter (SeyeNodeList     *self,
                                  SeyeStatusFilter  filter)
{
  g_return_if_fail (SEYE_IS_NODE_LIST (self));
  g_return_if_fail (filter <= SEYE_STATUS_FILTER_OFFLINE);

  if (self->status_filter == filter)
    return;

  self->status_filter = filter;
  gtk_filter_changed (self->filter, GTK_FILTER_CHANGE_DIFFERENT);
  update_page (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS_FILTER]);
}

guint
seye_node_list_get_n_alerting (SeyeNodeList *self)
{
  g_return_val_if_fail (SEYE_IS_NODE_LIST (self), 0);

  return self->counts[SEYE_STATUS_FILTER_ALERTING];
}

void
seye_node_list_focus_search (SeyeNodeList *self)
{
  g_return_if_fail (SEYE_IS_NODE_LIST (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

GListModel *
seye_node_list_get_model (SeyeNodeList *self)
{
  g_return_val_if_fail (SEYE_IS_NODE_LIST (self), NULL);

  return G_LIST_MODEL (self->selection);
}

void
seye_node_list_sort_by (SeyeNodeList   *self,
                        SeyeNodeColumn  column,
                        GtkSortType     order)
{
  g_return_if_fail (SEYE_IS_NODE_LIST (self));
  g_return_if_fail (column < SEYE_NODE_N_COLUMNS);

  /* As asked: not turned highest first as a click on a new column would be. */
  self->sort_column = column;
  gtk_column_view_sort_by_column (self->column_view, self->columns[column], order);
}

GtkColumnViewColumn *
seye_node_list_get_column (SeyeNodeList   *self,
                           SeyeNodeColumn  column)
{
  g_return_val_if_fail (SEYE_IS_NODE_LIST (self), NULL);
  g_return_val_if_fail (column < SEYE_NODE_N_COLUMNS, NULL);

  return self->columns[column];
}

/* For tests. */
GtkColumnView *
_seye_node_list_get_column_view (SeyeNodeList *self)
{
  g_return_val_if_fail (SEYE_IS_NODE_LIST (self), NULL);

  return self->column_view;
}

/**
 * seye_node_list_get_count:
 *
 * Returns: how many nodes the list has of @filter's kind, every other filter off
 *   (nodes removed pending an undo do not count)
 */
guint
seye_node_list_get_count (SeyeNodeList     *self,
                          SeyeStatusFilter  filter)
{
  g_return_val_if_fail (SEYE_IS_NODE_LIST (self), 0);
  g_return_val_if_fail (filter <= SEYE_STATUS_FILTER_OFFLINE, 0);

  return self->counts[filter];
}

/**
 * seye_node_list_get_column_actions:
 *
 * Returns: (transfer none): one stateful action a column, named by its id, that
 *   shows or hides it; for whoever holds the menu (the window inserts it as "columns")
 */
GActionGroup *
seye_node_list_get_column_actions (SeyeNodeList *self)
{
  g_return_val_if_fail (SEYE_IS_NODE_LIST (self), NULL);

  return G_ACTION_GROUP (self->column_actions);
}

/**
 * seye_node_list_set_node_hidden:
 *
 * Hides @node from the list and its counts while its removal can still be undone,
 * or shows it again.
 */
void
seye_node_list_set_node_hidden (SeyeNodeList *self,
                                SeyeNode     *node,
                                gboolean      hidden)
{
  gboolean changed;

  g_return_if_fail (SEYE_IS_NODE_LIST (self));
  g_return_if_fail (SEYE_IS_NODE (node));

  if (hidden)
    changed = g_hash_table_add (self->hidden_nodes, g_object_ref (node));
  else
    changed = g_hash_table_remove (self->hidden_nodes, node);

  if (!changed)
    return;

  gtk_filter_changed (self->filter, hidden ? GTK_FILTER_CHANGE_MORE_STRICT
                                           : GTK_FILTER_CHANGE_LESS_STRICT);
  _seye_node_list_update_counts (self);
  update_page (self);
}

/* The list's width is set from outside (the window's divider): its columns do not
 * ask for more, they scroll. */
void
_seye_node_list_set_width_follows_columns (SeyeNodeList *self,
                                           gboolean      follows)
{
  gtk_scrolled_window_set_propagate_natural_width (GTK_SCROLLED_WINDOW (self->scrolled_window), follows);
}
