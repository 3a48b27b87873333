/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-fleet-map"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "seye-fleet-map-private.h"
#include "seye-resort-hold.h"
#include "seye-ticker.h"

/* The fleet map: the node list's nodes (its filtered model, so the same search and
 * status filters) as one small tile each, grouped by their first tag, worst first in
 * each group. Tiles are made when a node comes into the model and kept while it is
 * there; once a second (the ticker's tick, while the map is on screen) each tile reads
 * its node again and draws again only if its look changed, and a group is sorted
 * again only if that changed its order. */

enum {
  PROP_0,
  PROP_MODEL,
  PROP_METRIC,
  PROP_SELECTED_NODE,
  N_PROPS
};

enum {
  NODE_ACTIVATED,
  N_SIGNALS
};

G_DEFINE_FINAL_TYPE (SeyeFleetMap, seye_fleet_map, GTK_TYPE_WIDGET)

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];


static SeyeFleetGroup *
group_of_tile (SeyeFleetTile *tile)
{
  GtkWidget *group = gtk_widget_get_ancestor (GTK_WIDGET (tile), SEYE_TYPE_FLEET_GROUP);

  return group != NULL ? SEYE_FLEET_GROUP (group) : NULL;
}

static void
add_dirty_group (SeyeFleetMap   *self,
                 SeyeFleetGroup *group)
{
  if (group != NULL && !g_ptr_array_find (self->dirty_groups, group, NULL))
    g_ptr_array_add (self->dirty_groups, group);
}

/* A group's tiles came or went: sorted and counted at the next tick. */
static void
mark_dirty (SeyeFleetMap   *self,
            SeyeFleetGroup *group)
{
  add_dirty_group (self, group);
  seye_ticker_request (seye_ticker_get_default ());
}

/* A tile's sort key changed: its group is sorted again (in this tick, or the next). */
static void
mark_tile_dirty (SeyeFleetMap  *self,
                 SeyeFleetTile *tile)
{
  SeyeFleetGroup *group = group_of_tile (tile);

  if (group == NULL)
    return;
  seye_fleet_group_tile_changed (group, tile);
  add_dirty_group (self, group);
}

static void
seye_fleet_map_size_allocate (GtkWidget *widget,
                              int        width,
                              int        height,
                              int        baseline)
{
  SeyeFleetMap *self = SEYE_FLEET_MAP (widget);

  GTK_WIDGET_CLASS (seye_fleet_map_parent_class)->size_allocate (widget, width, height, baseline);

  /* Never resized while being allocated: after. */
  if (width != self->last_width || height != self->last_height)
    {
      self->last_width = width;
      self->last_height = height;
      _seye_fleet_map_queue_tile_size (self);
    }
}

/* Groups and tiles -------------------------------------------------------------- */

static void
child_activated_cb (SeyeFleetMap    *self,
                    GtkFlowBoxChild *child,
                    GtkFlowBox      *flow_box)
{
  g_signal_emit (self, signals[NODE_ACTIVATED], 0, seye_fleet_tile_get_node (SEYE_FLEET_TILE (child)));
}

static void
select_tile (SeyeFleetMap  *self,
             SeyeFleetTile *tile)
{
  self->syncing = TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->groups_box)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkFlowBox *flow_box = seye_fleet_group_get_flow_box (SEYE_FLEET_GROUP (child));

      if (tile != NULL && gtk_widget_get_parent (GTK_WIDGET (tile)) == GTK_WIDGET (flow_box))
        gtk_flow_box_select_child (flow_box, GTK_FLOW_BOX_CHILD (tile));
      else
        gtk_flow_box_unselect_all (flow_box);
    }
  self->syncing = FALSE;
}

static void
selected_children_changed_cb (SeyeFleetMap *self,
                              GtkFlowBox   *flow_box)
{
  g_autoptr (GList) selected = NULL;
  SeyeNode *node;

  if (self->syncing)
    return;

  selected = gtk_flow_box_get_selected_children (flow_box);
  if (selected == NULL)
    return;

  node = seye_fleet_tile_get_node (selected->data);
  /* One selection over every group. */
  select_tile (self, selected->data);
  if (g_set_object (&self->selected, node))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_NODE]);
}

/* Up from a group's first row, down from its last: into the next group, at the same
 * place in the row. */
static gboolean
keynav_failed_cb (SeyeFleetMap     *self,
                  GtkDirectionType  direction,
                  GtkFlowBox       *flow_box)
{
  GtkWidget *group = gtk_widget_get_parent (GTK_WIDGET (flow_box));
  GtkWidget *next;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;
  graphene_rect_t bounds;
  SeyeFleetTile *tile;
  double x = 0;

  if (direction != GTK_DIR_DOWN && direction != GTK_DIR_UP)
    return FALSE;

  next = direction == GTK_DIR_DOWN ? gtk_widget_get_next_sibling (group)
                                   : gtk_widget_get_prev_sibling (group);
  if (next == NULL)
    return FALSE;

  if (focus != NULL && gtk_widget_compute_bounds (focus, GTK_WIDGET (flow_box), &bounds))
    x = bounds.origin.x + bounds.size.width / 2;

  tile = seye_fleet_group_get_tile_at_edge (SEYE_FLEET_GROUP (next), direction == GTK_DIR_DOWN, x);
  if (tile == NULL)
    return FALSE;

  /* Focused as the keyboard does (not grabbed): the flow box's cursor, that Enter and
   * the next arrows start from, is set too. */
  gtk_widget_child_focus (GTK_WIDGET (tile), direction);
  gtk_flow_box_select_child (seye_fleet_group_get_flow_box (SEYE_FLEET_GROUP (next)),
                             GTK_FLOW_BOX_CHILD (tile));

  return TRUE;
}

static SeyeFleetGroup *
ensure_group (SeyeFleetMap *self,
              const char   *tag)
{
  SeyeFleetGroup *group = g_hash_table_lookup (self->groups, tag != NULL ? tag : "");
  GtkFlowBox *flow_box;
  GtkWidget *after = NULL;

  if (group != NULL)
    return group;

  group = seye_fleet_group_new (tag);
  flow_box = seye_fleet_group_get_flow_box (group);
  g_signal_connect_object (flow_box, "child-activated", G_CALLBACK (child_activated_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (flow_box, "selected-children-changed",
                           G_CALLBACK (selected_children_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (flow_box, "keynav-failed", G_CALLBACK (keynav_failed_cb), self,
                           G_CONNECT_SWAPPED);

  /* In the order of their tags, the untagged last. */
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->groups_box)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (seye_fleet_group_compare_tags (seye_fleet_group_get_tag (SEYE_FLEET_GROUP (child)), tag) > 0)
        break;
      after = child;
    }
  gtk_box_insert_child_after (self->groups_box, GTK_WIDGET (group), after);
  g_hash_table_insert (self->groups, g_strdup (tag != NULL ? tag : ""), group);
  _seye_fleet_map_queue_tile_size (self);

  return group;
}

static void
remove_from_group (SeyeFleetMap  *self,
                   SeyeFleetTile *tile)
{
  SeyeFleetGroup *group = group_of_tile (tile);

  if (group == NULL)
    return;

  seye_fleet_group_remove (group, tile);
  if (seye_fleet_group_get_n_tiles (group) == 0)
    {
      const char *tag = seye_fleet_group_get_tag (group);

      g_ptr_array_remove (self->dirty_groups, group);
      g_hash_table_remove (self->groups, tag != NULL ? tag : "");
      gtk_box_remove (self->groups_box, GTK_WIDGET (group));
    }
  else
    {
      mark_dirty (self, group);
    }
}

static void
add_to_group (SeyeFleetMap  *self,
              SeyeFleetTile *tile)
{
  SeyeFleetGroup *group = ensure_group (self, seye_fleet_tile_get_group (tile));

  seye_fleet_tile_set_size (tile, self->tile_size);
  seye_fleet_group_add (group, tile);
  mark_dirty (self, group);
  if (seye_fleet_tile_get_node (tile) == self->selected)
    select_tile (self, tile);
}

/* Its first tag changed: to another group. */
static void
node_info_cb (SeyeFleetMap *self,
              GParamSpec   *pspec,
              SeyeNode     *node)
{
  SeyeFleetTile *tile = g_hash_table_lookup (self->tiles, node);

  if (tile == NULL || !seye_fleet_tile_update_group (tile))
    return;

  g_object_ref (tile);
  remove_from_group (self, tile);
  add_to_group (self, tile);
  g_object_unref (tile);
  _seye_fleet_map_queue_tile_size (self);
}

static void
node_name_cb (SeyeFleetMap *self,
              GParamSpec   *pspec,
              SeyeNode     *node)
{
  SeyeFleetTile *tile = g_hash_table_lookup (self->tiles, node);

  if (tile != NULL)
    {
      SeyeFleetGroup *group = group_of_tile (tile);

      seye_fleet_tile_update_name (tile);
      if (group != NULL)
        seye_fleet_group_tile_renamed (group);
      mark_dirty (self, group);
    }
}

static void
add_tile (SeyeFleetMap *self,
          SeyeNode     *node)
{
  SeyeFleetTile *tile = seye_fleet_tile_new (node, &self->palette);

  g_hash_table_insert (self->tiles, node, tile);
  seye_fleet_tile_update (tile, self->metric);
  seye_fleet_tile_update_accessible (tile, self->metric);
  add_to_group (self, tile);

  g_signal_connect_object (node, "notify::info", G_CALLBACK (node_info_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (node, "notify::name", G_CALLBACK (node_name_cb), self, G_CONNECT_SWAPPED);
}

static void
remove_tile (SeyeFleetMap  *self,
             SeyeNode      *node,
             SeyeFleetTile *tile)
{
  g_signal_handlers_disconnect_by_data (node, self);
  remove_from_group (self, tile);
}

/* The model ------------------------------------------------------------------- */

/* A search or a filter may take every node out and put most back in one change: the
 * tiles of nodes that come back are kept, not made again. */
static void
model_items_changed_cb (SeyeFleetMap *self,
                        guint         position,
                        guint         removed,
                        guint         added,
                        GListModel   *model)
{
  g_autoptr (GHashTable) leaving = g_hash_table_new (NULL, NULL);
  GHashTableIter iter;
  gpointer node, tile;

  for (guint i = position; i < position + removed && i < self->nodes->len; i++)
    {
      node = self->nodes->pdata[i];
      if (g_hash_table_steal_extended (self->tiles, node, NULL, &tile))
        g_hash_table_insert (leaving, node, tile);
    }

  for (guint i = 0; i < added; i++)
    {
      SeyeNode *item = g_list_model_get_item (model, position + i);

      if (g_hash_table_steal_extended (leaving, item, NULL, &tile))
        g_hash_table_insert (self->tiles, item, tile);
      else
        add_tile (self, item);
      /* Owned by the array from here: the tiles' keys stay valid while it holds them. */
      g_ptr_array_insert (self->nodes, (int) (position + removed + i), item);
    }

  g_hash_table_iter_init (&iter, leaving);
  while (g_hash_table_iter_next (&iter, &node, &tile))
    remove_tile (self, node, tile);
  g_ptr_array_remove_range (self->nodes, position, MIN (removed, self->nodes->len - position));

  _seye_fleet_map_queue_tile_size (self);
}

/* Reading the nodes --------------------------------------------------------------- */

/* A tile whose state changes moves at once (in the next tick); one whose CPU or memory
 * crosses a step of ten percent changes colour at once but moves at most this often,
 * all such moves of a group together: the map stays readable, and a group is laid out
 * again every few seconds instead of every second. */
#define LEVEL_SORT_USEC (5 * G_USEC_PER_SEC)

static void sort_dirty_groups (SeyeFleetMap *self,
                               gint64        now);

/* Only the map's own sort: a tick of the ticker would make every view read its nodes. */
static gboolean
sort_timeout_cb (gpointer data)
{
  SeyeFleetMap *self = data;

  self->sort_source = 0;
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    sort_dirty_groups (self, g_get_monotonic_time ());

  return G_SOURCE_REMOVE;
}

/* The groups sorted again in @delay µs at the latest: after a hold, or for the levels. */
static void
sort_later (SeyeFleetMap *self,
            gint64        now,
            gint64        delay)
{
  if (self->sort_source != 0 && self->sort_at <= now + delay)
    return;

  g_clear_handle_id (&self->sort_source, g_source_remove);
  self->sort_at = now + delay;
  self->sort_source = g_timeout_add ((guint) (delay / 1000) + 1, sort_timeout_cb, self);
  g_source_set_name_by_id (self->sort_source, "[seye] sort the fleet map");
}

/* Groups whose tiles changed: their headers now, their order unless the user is about to
 * click a tile (then shortly after, as the list does). */
static void
sort_dirty_groups (SeyeFleetMap *self,
                   gint64        now)
{
  gboolean wait, levels;
  guint kept = 0;

  if (self->dirty_groups->len == 0)
    return;

  for (guint i = 0; i < self->dirty_groups->len; i++)
    seye_fleet_group_update_header (self->dirty_groups->pdata[i]);

  wait = seye_resort_hold_must_wait (&self->hold, now);
  if (wait)
    {
      sort_later (self, now, 250 * G_TIME_SPAN_MILLISECOND);
      return;
    }

  levels = now >= self->next_level_sort;
  for (guint i = 0; i < self->dirty_groups->len; i++)
    {
      SeyeFleetGroup *group = self->dirty_groups->pdata[i];

      seye_fleet_group_sort (group, levels);
      if (seye_fleet_group_get_sort_pending (group))
        self->dirty_groups->pdata[kept++] = group;
    }
  g_ptr_array_set_size (self->dirty_groups, kept);
  seye_resort_hold_sorted (&self->hold);

  if (levels)
    self->next_level_sort = now + LEVEL_SORT_USEC;
  if (kept > 0)
    sort_later (self, now, self->next_level_sort - now);
}

/* Every tile reads its node; those whose look changed draw again and mark their group.
 * The accessible description follows the look, and the focused tile's its value too. */
static void
update_tiles (SeyeFleetMap *self,
              gboolean      every_description)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  _seye_fleet_map_ensure_palette (self);

  for (guint i = 0; i < self->nodes->len; i++)
    {
      SeyeFleetTile *tile = g_hash_table_lookup (self->tiles, self->nodes->pdata[i]);
      gboolean changed;

      if (tile == NULL)
        continue;

      changed = seye_fleet_tile_update (tile, self->metric);
      if (changed || every_description || GTK_WIDGET (tile) == focus)
        seye_fleet_tile_update_accessible (tile, self->metric);
      if (changed)
        mark_tile_dirty (self, tile);
    }

  sort_dirty_groups (self, g_get_monotonic_time ());
  self->stale = FALSE;
}

static void
tick_cb (SeyeFleetMap *self)
{
  /* Off screen (the list is shown): nothing to draw; caught up when shown. */
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      self->stale = TRUE;
      return;
    }

  update_tiles (self, FALSE);
}

void
seye_fleet_map_refresh (SeyeFleetMap *self)
{
  g_return_if_fail (SEYE_IS_FLEET_MAP (self));

  seye_resort_hold_sorted (&self->hold);
  self->next_level_sort = 0;
  self->hold.pointer_inside = FALSE;
  self->hold.last_key = 0;
  update_tiles (self, FALSE);
  if (self->size_source != 0)
    {
      g_clear_handle_id (&self->size_source, g_source_remove);
      _seye_fleet_map_update_tile_size_cb (self);
    }
}

static void
seye_fleet_map_map (GtkWidget *widget)
{
  SeyeFleetMap *self = SEYE_FLEET_MAP (widget);

  GTK_WIDGET_CLASS (seye_fleet_map_parent_class)->map (widget);

  /* Its colours, before its tiles are first drawn. */
  _seye_fleet_map_ensure_palette (self);
  if (self->stale)
    {
      self->next_level_sort = 0;
      update_tiles (self, TRUE);
    }
}

static void
pointer_enter_cb (SeyeFleetMap *self)
{
  seye_resort_hold_set_pointer (&self->hold, TRUE);
}

static void
pointer_leave_cb (SeyeFleetMap *self)
{
  seye_resort_hold_set_pointer (&self->hold, FALSE);
}

static gboolean
key_pressed_cb (SeyeFleetMap *self)
{
  seye_resort_hold_key_pressed (&self->hold, g_get_monotonic_time ());

  return GDK_EVENT_PROPAGATE;
}

/* GObject --------------------------------------------------------------------- */

static void
seye_fleet_map_dispose (GObject *object)
{
  SeyeFleetMap *self = SEYE_FLEET_MAP (object);
  GtkWidget *child;

  /* Its tiles go first: that queues a new size, removed below. */
  seye_fleet_map_set_model (self, NULL);
  g_clear_handle_id (&self->sort_source, g_source_remove);
  g_clear_handle_id (&self->size_source, g_source_remove);

  gtk_widget_dispose_template (GTK_WIDGET (self), SEYE_TYPE_FLEET_MAP);
  /* The separator and the legend, not bound by name. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  g_clear_pointer (&self->tiles, g_hash_table_unref);
  g_clear_pointer (&self->groups, g_hash_table_unref);
  g_clear_pointer (&self->nodes, g_ptr_array_unref);
  g_clear_pointer (&self->dirty_groups, g_ptr_array_unref);
  g_clear_object (&self->selected);
  if (self->actions != NULL)
    g_action_map_remove_action (G_ACTION_MAP (self->actions), "map-metric");
  g_clear_object (&self->actions);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (seye_fleet_map_parent_class)->dispose (object);
}

static void
seye_fleet_map_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  SeyeFleetMap *self = SEYE_FLEET_MAP (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      g_value_set_object (value, self->model);
      break;

    case PROP_METRIC:
      g_value_set_enum (value, self->metric);
      break;

    case PROP_SELECTED_NODE:
      g_value_set_object (value, self->selected);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
seye_fleet_map_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  SeyeFleetMap *self = SEYE_FLEET_MAP (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      seye_fleet_map_set_model (self, g_value_get_object (value));
      break;

    case PROP_METRIC:
      seye_fleet_map_set_metric (self, g_value_get_enum (value));
      break;

    case PROP_SELECTED_NODE:
      seye_fleet_map_set_selected_node (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
seye_fleet_map_class_init (SeyeFleetMapClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = seye_fleet_map_dispose;
  object_class->get_property = seye_fleet_map_get_property;
  object_class->set_property = seye_fleet_map_set_property;
  widget_class->size_allocate = seye_fleet_map_size_allocate;
  widget_class->map = seye_fleet_map_map;

  properties[PROP_MODEL] =
    g_param_spec_object ("model", NULL, NULL,
                         G_TYPE_LIST_MODEL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /* What colours an online tile and sorts it: SEYE_NODE_COLUMN_CPU or _MEMORY. */
  properties[PROP_METRIC] =
    g_param_spec_enum ("metric", NULL, NULL,
                       SEYE_TYPE_NODE_COLUMN,
                       SEYE_NODE_COLUMN_CPU,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_SELECTED_NODE] =
    g_param_spec_object ("selected-node", NULL, NULL,
                         SEYE_TYPE_NODE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * SeyeFleetMap::node-activated:
   *
   * The user opened a node: a click on its tile, or Enter.
   */
  signals[NODE_ACTIVATED] =
    g_signal_new ("node-activated",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, SEYE_TYPE_NODE);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/seye-fleet-map.ui");
  gtk_widget_class_bind_template_child (widget_class, SeyeFleetMap, scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, SeyeFleetMap, groups_box);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "fleetmap");
}

static void
seye_fleet_map_init (SeyeFleetMap *self)
{
  GtkEventController *controller;

  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_orientable_set_orientation (GTK_ORIENTABLE (gtk_widget_get_layout_manager (GTK_WIDGET (self))),
                                  GTK_ORIENTATION_VERTICAL);

  self->nodes = g_ptr_array_new_with_free_func (g_object_unref);
  self->tiles = g_hash_table_new (NULL, NULL);
  self->groups = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->dirty_groups = g_ptr_array_new ();
  self->metric = SEYE_NODE_COLUMN_CPU;
  self->tile_size = _SEYE_FLEET_MAP_LARGEST_TILE;

  /* The metric, remembered, and picked with the legend's buttons ("map.metric"). */
  self->settings = g_settings_new (APP_ID);
  g_settings_bind (self->settings, "map-metric", self, "metric", G_SETTINGS_BIND_DEFAULT);
  {
    g_autoptr (GAction) action = g_settings_create_action (self->settings, "map-metric");

    self->actions = g_simple_action_group_new ();
    g_action_map_add_action (G_ACTION_MAP (self->actions), action);
    gtk_widget_insert_action_group (GTK_WIDGET (self), "map", G_ACTION_GROUP (self->actions));
  }

  g_signal_connect_object (seye_ticker_get_default (), "tick", G_CALLBACK (tick_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (_seye_fleet_map_style_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (adw_style_manager_get_default (), "notify::high-contrast",
                           G_CALLBACK (_seye_fleet_map_style_changed), self, G_CONNECT_SWAPPED);

  /* Tiles do not move under the pointer, nor just after a key (as the list's rows). */
  controller = gtk_event_controller_motion_new ();
  g_signal_connect_object (controller, "enter", G_CALLBACK (pointer_enter_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (controller, "leave", G_CALLBACK (pointer_leave_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (self->scrolled_window, controller);
  controller = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect_object (controller, "key-pressed", G_CALLBACK (key_pressed_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (self->scrolled_window, controller);
}

/* Public API ------------------------------------------------------------------- */

GListModel *
seye_fleet_map_get_model (SeyeFleetMap *self)
{
  g_return_val_if_fail (SEYE_IS_FLEET_MAP (self), NULL);

  return self->model;
}

void
seye_fleet_map_set_model (SeyeFleetMap *self,
                          GListModel   *model)
{
  g_return_if_fail (SEYE_IS_FLEET_MAP (self));
  g_return_if_fail (model == NULL || G_IS_LIST_MODEL (model));

  if (self->model == model)
    return;

  if (self->model != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->model, model_items_changed_cb, self);
      model_items_changed_cb (self, 0, self->nodes->len, 0, self->model);
    }

  g_set_object (&self->model, model);

  if (model != NULL)
    {
      g_signal_connect_object (model, "items-changed", G_CALLBACK (model_items_changed_cb), self,
                               G_CONNECT_SWAPPED);
      model_items_changed_cb (self, 0, 0, g_list_model_get_n_items (model), model);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);
}

SeyeNodeColumn
seye_fleet_map_get_metric (SeyeFleetMap *self)
{
  g_return_val_if_fail (SEYE_IS_FLEET_MAP (self), SEYE_NODE_COLUMN_CPU);

  return self->metric;
}

void
seye_fleet_map_set_metric (SeyeFleetMap   *self,
                           SeyeNodeColumn  metric)
{
  g_return_if_fail (SEYE_IS_FLEET_MAP (self));
  g_return_if_fail (metric == SEYE_NODE_COLUMN_CPU || metric == SEYE_NODE_COLUMN_MEMORY);

  if (self->metric == metric)
    return;

  self->metric = metric;
  self->next_level_sort = 0;
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    update_tiles (self, TRUE);
  else
    self->stale = TRUE;

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_METRIC]);
}

SeyeNode *
seye_fleet_map_get_selected_node (SeyeFleetMap *self)
{
  g_return_val_if_fail (SEYE_IS_FLEET_MAP (self), NULL);

  return self->selected;
}

/* Selects @node's tile, as the list's selection moves: not the user's doing. */
void
seye_fleet_map_set_selected_node (SeyeFleetMap *self,
                                  SeyeNode     *node)
{
  g_return_if_fail (SEYE_IS_FLEET_MAP (self));
  g_return_if_fail (node == NULL || SEYE_IS_NODE (node));

  if (!g_set_object (&self->selected, node))
    return;

  select_tile (self, node != NULL ? g_hash_table_lookup (self->tiles, node) : NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_NODE]);
}

gboolean
seye_fleet_map_focus_selected (SeyeFleetMap *self)
{
  SeyeFleetTile *tile;

  g_return_val_if_fail (SEYE_IS_FLEET_MAP (self), FALSE);

  tile = self->selected != NULL ? g_hash_table_lookup (self->tiles, self->selected) : NULL;
  if (tile != NULL)
    return gtk_widget_child_focus (GTK_WIDGET (tile), GTK_DIR_TAB_FORWARD);

  return gtk_widget_child_focus (GTK_WIDGET (self->groups_box), GTK_DIR_TAB_FORWARD);
}

guint
_seye_fleet_map_get_n_groups (SeyeFleetMap *self)
{
  return g_hash_table_size (self->groups);
}

SeyeFleetGroup *
_seye_fleet_map_get_group (SeyeFleetMap *self,
                           guint         position)
{
  GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->groups_box));

  for (guint i = 0; child != NULL && i < position; i++)
    child = gtk_widget_get_next_sibling (child);

  return child != NULL ? SEYE_FLEET_GROUP (child) : NULL;
}

SeyeFleetTile *
_seye_fleet_map_get_tile (SeyeFleetMap *self,
                          SeyeNode     *node)
{
  return g_hash_table_lookup (self->tiles, node);
}

int
_seye_fleet_map_get_tile_size (SeyeFleetMap *self)
{
  return self->tile_size;
}
