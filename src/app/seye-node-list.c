/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-node-list"

#include "config.h"

#include <glib/gi18n.h>

#include "seye-node-cell.h"
#include "seye-node-list.h"
#include "seye-window-private.h"
#include "seye-sparkline.h"
#include "seye-ticker.h"

struct _SeyeNodeList
{
  GtkWidget           parent_instance;

  /* Template widgets */
  GtkWidget          *box;
  GtkStack           *stack;
  GtkWidget          *scrolled_window;
  GtkColumnView      *column_view;
  GtkSearchEntry     *search_entry;
  GtkDropDown        *status_dropdown;
  GtkSingleSelection *selection;
  GtkSortListModel   *sort_model;
  GtkFilterListModel *filter_model;

  /* Owned */
  SeyeMonitor        *monitor;
  GtkFilter          *filter;
  GSettings          *settings;
  GSimpleActionGroup *column_actions;
  char               *search_casefold;
  GtkColumnViewColumn *columns[SEYE_NODE_N_COLUMNS];

  SeyeStatusFilter    status_filter;
  gboolean            initial_selection_done;
  gboolean            user_moved;   /* scrolled, clicked or typed in the list */
  guint               n_alerting;
  gboolean            needs_refresh;
  guint               navigate_source;
  guint               keep_top_source;
};

enum {
  PROP_0,
  PROP_MONITOR,
  PROP_SELECTED_NODE,
  PROP_SEARCH_TEXT,
  PROP_STATUS_FILTER,
  PROP_N_ALERTING,
  N_PROPS
};

enum {
  NODE_ACTIVATED,
  N_SIGNALS
};

G_DEFINE_FINAL_TYPE (SeyeNodeList, seye_node_list, GTK_TYPE_WIDGET)

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

GType
seye_status_filter_get_type (void)
{
  static gsize type_id = 0;

  if (g_once_init_enter (&type_id))
    {
      static const GEnumValue values[] = {
        { SEYE_STATUS_FILTER_ALL, "SEYE_STATUS_FILTER_ALL", "all" },
        { SEYE_STATUS_FILTER_ONLINE, "SEYE_STATUS_FILTER_ONLINE", "online" },
        { SEYE_STATUS_FILTER_ALERTING, "SEYE_STATUS_FILTER_ALERTING", "alerting" },
        { SEYE_STATUS_FILTER_OFFLINE, "SEYE_STATUS_FILTER_OFFLINE", "offline" },
        { 0, NULL, NULL },
      };
      GType type = g_enum_register_static ("SeyeStatusFilter", values);

      g_once_init_leave (&type_id, type);
    }

  return type_id;
}

static gboolean
matches_status (SeyeNodeList *self,
                SeyeNode     *node)
{
  SeyeNodeState state = seye_node_get_state (node);

  switch (self->status_filter)
    {
    case SEYE_STATUS_FILTER_ONLINE:
      return state == SEYE_NODE_STATE_ONLINE || state == SEYE_NODE_STATE_STALE;
    case SEYE_STATUS_FILTER_ALERTING:
      return seye_node_get_alerting (node);
    case SEYE_STATUS_FILTER_OFFLINE:
      /* Every node whose data does not come in. */
      return state == SEYE_NODE_STATE_OFFLINE || state == SEYE_NODE_STATE_INCOMPATIBLE ||
             state == SEYE_NODE_STATE_NEEDS_PAIRING || state == SEYE_NODE_STATE_UNTRUSTED ||
             state == SEYE_NODE_STATE_NOT_RESPONDING;
    case SEYE_STATUS_FILTER_ALL:
    default:
      return TRUE;
    }
}

static gboolean
filter_func (gpointer item,
             gpointer user_data)
{
  SeyeNodeList *self = user_data;

  return matches_status (self, item) && seye_node_column_matches (item, self->search_casefold);
}

static int
sort_func (gconstpointer a,
           gconstpointer b,
           gpointer      user_data)
{
  return seye_node_column_compare ((SeyeNode *) a, (SeyeNode *) b, GPOINTER_TO_INT (user_data));
}

static void
update_page (SeyeNodeList *self)
{
  const char *page = "list";

  if (self->monitor == NULL || g_list_model_get_n_items (G_LIST_MODEL (self->monitor)) == 0)
    page = "empty";
  else if (g_list_model_get_n_items (G_LIST_MODEL (self->selection)) == 0)
    page = "no-results";

  gtk_stack_set_visible_child_name (self->stack, page);
}

static void
update_n_alerting (SeyeNodeList *self)
{
  guint n_alerting = 0;

  if (self->monitor != NULL)
    {
      guint n = g_list_model_get_n_items (G_LIST_MODEL (self->monitor));

      for (guint i = 0; i < n; i++)
        {
          g_autoptr (SeyeNode) node = g_list_model_get_item (G_LIST_MODEL (self->monitor), i);

          if (seye_node_get_alerting (node))
            n_alerting++;
        }
    }

  if (n_alerting != self->n_alerting)
    {
      self->n_alerting = n_alerting;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ALERTING]);
    }
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

  sorter = gtk_column_view_get_sorter (self->column_view);
  if (sorter != NULL && gtk_sorter_get_order (sorter) != GTK_SORTER_ORDER_NONE)
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

  update_n_alerting (self);
  update_page (self);
  keep_top (self);
}

static void
tick_cb (SeyeNodeList *self)
{
  if (self->needs_refresh)
    seye_node_list_refresh (self);
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
      g_signal_connect_object (node, "notify::name", G_CALLBACK (schedule_refresh), self,
                               G_CONNECT_SWAPPED);
    }

  update_n_alerting (self);
  update_page (self);
  keep_top (self);
}

static void
setup_cell_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  user_data)
{
  SeyeNodeColumn column = GPOINTER_TO_INT (user_data);

  if (column == SEYE_NODE_COLUMN_HISTORY)
    gtk_list_item_set_child (item, seye_sparkline_new ());
  else
    gtk_list_item_set_child (item, seye_node_cell_new (column));
}

static void
bind_cell_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  user_data)
{
  GtkWidget *child = gtk_list_item_get_child (item);
  SeyeNode *node = gtk_list_item_get_item (item);

  if (SEYE_IS_SPARKLINE (child))
    seye_sparkline_set_node (SEYE_SPARKLINE (child), node);
  else
    seye_node_cell_set_node (SEYE_NODE_CELL (child), node);
}

static void
unbind_cell_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                gpointer                  user_data)
{
  GtkWidget *child = gtk_list_item_get_child (item);

  if (SEYE_IS_SPARKLINE (child))
    seye_sparkline_set_node (SEYE_SPARKLINE (child), NULL);
  else
    seye_node_cell_set_node (SEYE_NODE_CELL (child), NULL);
}

static void
selected_item_changed_cb (SeyeNodeList *self)
{
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
  gtk_widget_grab_focus (GTK_WIDGET (self->column_view));
}

static void
status_selected_cb (SeyeNodeList *self,
                    GParamSpec   *pspec,
                    GtkDropDown  *dropdown)
{
  seye_node_list_set_status_filter (self, gtk_drop_down_get_selected (dropdown));
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

/* Column visibility, remembered in the "hidden-columns" setting. */
static void
apply_hidden_columns (SeyeNodeList *self)
{
  g_auto (GStrv) hidden = g_settings_get_strv (self->settings, "hidden-columns");

  for (guint i = 0; i < SEYE_NODE_N_COLUMNS; i++)
    {
      const char *id = seye_node_column_get_id (i);
      gboolean visible = !g_strv_contains ((const char * const *) hidden, id);
      GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self->column_actions), id);

      /* The name always shows: a list of nodes without names is no use. */
      if (i == SEYE_NODE_COLUMN_NAME)
        visible = TRUE;

      gtk_column_view_column_set_visible (self->columns[i], visible);
      if (action != NULL)
        g_simple_action_set_state (G_SIMPLE_ACTION (action), g_variant_new_boolean (visible));
    }
}

static void
column_change_state_cb (GSimpleAction *action,
                        GVariant      *state,
                        gpointer       user_data)
{
  SeyeNodeList *self = user_data;
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) hidden = NULL;
  g_auto (GStrv) old = g_settings_get_strv (self->settings, "hidden-columns");
  const char *id = g_action_get_name (G_ACTION (action));

  for (guint i = 0; old[i] != NULL; i++)
    if (g_strcmp0 (old[i], id) != 0)
      g_strv_builder_add (builder, old[i]);
  if (!g_variant_get_boolean (state))
    g_strv_builder_add (builder, id);

  hidden = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "hidden-columns", (const char * const *) hidden);
}

static void
seye_node_list_dispose (GObject *object)
{
  SeyeNodeList *self = SEYE_NODE_LIST (object);

  g_clear_handle_id (&self->navigate_source, g_source_remove);
  g_clear_handle_id (&self->keep_top_source, g_source_remove);

  gtk_widget_dispose_template (GTK_WIDGET (self), SEYE_TYPE_NODE_LIST);

  g_clear_object (&self->monitor);
  g_clear_object (&self->filter);
  g_clear_object (&self->settings);
  g_clear_object (&self->column_actions);

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
      g_value_set_uint (value, self->n_alerting);
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

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * SeyeNodeList::node-activated:
   *
   * The user opened a node: a click, Enter or a double click on its row.
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
  gtk_widget_class_bind_template_child (widget_class, SeyeNodeList, status_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SeyeNodeList, selection);
  gtk_widget_class_bind_template_child (widget_class, SeyeNodeList, sort_model);
  gtk_widget_class_bind_template_child (widget_class, SeyeNodeList, filter_model);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, stop_search_cb);
  gtk_widget_class_bind_template_callback (widget_class, status_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, released_cb);
  gtk_widget_class_bind_template_callback (widget_class, selected_item_changed_cb);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "nodelist");
}

static void
seye_node_list_init (SeyeNodeList *self)
{
  GtkEventController *controller;
  GListModel *columns;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);
  g_signal_connect_object (seye_ticker_get_default (), "tick", G_CALLBACK (tick_cb), self,
                           G_CONNECT_SWAPPED);

  self->filter = GTK_FILTER (gtk_custom_filter_new (filter_func, self, NULL));
  gtk_filter_list_model_set_filter (self->filter_model, self->filter);
  gtk_sort_list_model_set_sorter (self->sort_model, gtk_column_view_get_sorter (self->column_view));

  /* Cells and sorters need C: the cells follow their node, the sorters compare numbers. */
  self->column_actions = g_simple_action_group_new ();
  columns = gtk_column_view_get_columns (self->column_view);
  g_assert (g_list_model_get_n_items (columns) == SEYE_NODE_N_COLUMNS);

  for (guint i = 0; i < SEYE_NODE_N_COLUMNS; i++)
    {
      g_autoptr (GtkColumnViewColumn) column = g_list_model_get_item (columns, i);
      g_autoptr (GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
      g_autoptr (GSimpleAction) action = NULL;

      self->columns[i] = column;

      g_signal_connect (factory, "setup", G_CALLBACK (setup_cell_cb), GINT_TO_POINTER (i));
      g_signal_connect (factory, "bind", G_CALLBACK (bind_cell_cb), GINT_TO_POINTER (i));
      g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cell_cb), GINT_TO_POINTER (i));
      gtk_column_view_column_set_factory (column, factory);

      if (i != SEYE_NODE_COLUMN_HISTORY)
        {
          g_autoptr (GtkSorter) sorter =
            GTK_SORTER (gtk_custom_sorter_new (sort_func, GINT_TO_POINTER (i), NULL));

          gtk_column_view_column_set_sorter (column, sorter);
        }

      if (i != SEYE_NODE_COLUMN_NAME)
        {
          action = g_simple_action_new_stateful (seye_node_column_get_id (i), NULL,
                                                 g_variant_new_boolean (TRUE));
          g_signal_connect (action, "change-state", G_CALLBACK (column_change_state_cb), self);
          g_action_map_add_action (G_ACTION_MAP (self->column_actions), G_ACTION (action));
        }
    }

  gtk_widget_insert_action_group (GTK_WIDGET (self), "columns", G_ACTION_GROUP (self->column_actions));
  g_signal_connect_object (self->settings, "changed::hidden-columns",
                           G_CALLBACK (apply_hidden_columns), self, G_CONNECT_SWAPPED);
  apply_hidden_columns (self);

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
  g_signal_connect_object (controller, "key-pressed", G_CALLBACK (user_scrolled_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (self->scrolled_window, controller);
  controller = gtk_event_controller_focus_new ();
  g_signal_connect_object (controller, "enter", G_CALLBACK (user_moved_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (self->scrolled_window, controller);
  g_signal_connect_object (gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->column_view)),
                           "value-changed", G_CALLBACK (vadjustment_value_changed_cb), self,
                           G_CONNECT_SWAPPED);

  /* Sorted by name until the user picks a column. */
  gtk_column_view_sort_by_column (self->column_view, self->columns[SEYE_NODE_COLUMN_NAME],
                                  GTK_SORT_ASCENDING);

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
  if (gtk_drop_down_get_selected (self->status_dropdown) != filter)
    gtk_drop_down_set_selected (self->status_dropdown, filter);
  gtk_filter_changed (self->filter, GTK_FILTER_CHANGE_DIFFERENT);
  update_page (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS_FILTER]);
}

guint
seye_node_list_get_n_alerting (SeyeNodeList *self)
{
  g_return_val_if_fail (SEYE_IS_NODE_LIST (self), 0);

  return self->n_alerting;
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
