/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-node-list"

#include "config.h"

#include "seye-node-list-private.h"

/* The two views of the node list: the rows of the column view, or the tiles of the fleet
 * map. Both show the same filtered nodes (the search and the status strip apply to
 * both) and share one selection: the one the detail pane follows. The hidden view does
 * no work: the map draws nothing while the list is shown, and the list does not sort its
 * rows while the map is. */

GType
seye_node_view_get_type (void)
{
  static gsize type_id = 0;

  if (g_once_init_enter (&type_id))
    {
      static const GEnumValue values[] = {
        { SEYE_NODE_VIEW_LIST, "SEYE_NODE_VIEW_LIST", "list" },
        { SEYE_NODE_VIEW_MAP, "SEYE_NODE_VIEW_MAP", "map" },
        { 0, NULL, NULL },
      };
      GType type = g_enum_register_static ("SeyeNodeView", values);

      g_once_init_leave (&type_id, type);
    }

  return type_id;
}

/* A tile selected by a click or the arrow keys: the list's selection follows, and with
 * it the detail pane. */
static void
map_selected_cb (SeyeNodeList *self,
                 GParamSpec   *pspec,
                 SeyeFleetMap *fleet_map)
{
  SeyeNode *node = seye_fleet_map_get_selected_node (fleet_map);

  if (node != NULL && node != seye_node_list_get_selected_node (self))
    seye_node_list_select_node (self, node);
}

static void
map_activated_cb (SeyeNodeList *self,
                  SeyeNode     *node,
                  SeyeFleetMap *fleet_map)
{
  seye_node_list_select_node (self, node);
  _seye_node_list_emit_activated (self, node);
}

void
_seye_node_list_views_class_init (GtkWidgetClass *widget_class)
{
  g_type_ensure (SEYE_TYPE_FLEET_MAP);

  gtk_widget_class_bind_template_child (widget_class, SeyeNodeList, fleet_map);
  gtk_widget_class_bind_template_callback (widget_class, map_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, map_activated_cb);
}

void
_seye_node_list_views_init (SeyeNodeList *self)
{
  seye_fleet_map_set_model (self->fleet_map, G_LIST_MODEL (self->filter_model));
}

SeyeFleetMap *
_seye_node_list_get_fleet_map (SeyeNodeList *self)
{
  return self->fleet_map;
}

SeyeNodeView
seye_node_list_get_view (SeyeNodeList *self)
{
  g_return_val_if_fail (SEYE_IS_NODE_LIST (self), SEYE_NODE_VIEW_LIST);

  return self->view;
}

void
seye_node_list_set_view (SeyeNodeList *self,
                         SeyeNodeView  view)
{
  GtkRoot *root;
  GtkWidget *focus;
  gboolean had_focus;

  g_return_if_fail (SEYE_IS_NODE_LIST (self));
  g_return_if_fail (view <= SEYE_NODE_VIEW_MAP);

  if (self->view == view)
    return;

  root = gtk_widget_get_root (GTK_WIDGET (self));
  focus = root != NULL ? gtk_root_get_focus (root) : NULL;
  had_focus = focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (self->stack));

  self->view = view;
  if (view == SEYE_NODE_VIEW_LIST && self->sort_pending)
    seye_node_list_refresh (self);
  _seye_node_list_update_page (self);

  /* The keyboard stays in the nodes: on the selected row, or tile. */
  if (had_focus && view == SEYE_NODE_VIEW_MAP)
    seye_fleet_map_focus_selected (self->fleet_map);
  else if (had_focus)
    gtk_widget_grab_focus (GTK_WIDGET (self->column_view));

  g_object_notify (G_OBJECT (self), "view");
}
