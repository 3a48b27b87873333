/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "seye-monitor.h"
#include "seye-node-column.h"

G_BEGIN_DECLS

typedef enum
{
  SEYE_STATUS_FILTER_ALL,
  SEYE_STATUS_FILTER_ONLINE,
  SEYE_STATUS_FILTER_ALERTING,
  SEYE_STATUS_FILTER_OFFLINE,
} SeyeStatusFilter;

#define SEYE_TYPE_STATUS_FILTER (seye_status_filter_get_type ())
GType seye_status_filter_get_type (void) G_GNUC_CONST;

/* How the nodes are shown: rows with columns, or the fleet map's tiles. */
typedef enum
{
  SEYE_NODE_VIEW_LIST,
  SEYE_NODE_VIEW_MAP,
} SeyeNodeView;

#define SEYE_TYPE_NODE_VIEW (seye_node_view_get_type ())
GType seye_node_view_get_type (void) G_GNUC_CONST;

#define SEYE_TYPE_NODE_LIST (seye_node_list_get_type ())
G_DECLARE_FINAL_TYPE (SeyeNodeList, seye_node_list, SEYE, NODE_LIST, GtkWidget)

SeyeMonitor      *seye_node_list_get_monitor        (SeyeNodeList     *self);
void              seye_node_list_set_monitor        (SeyeNodeList     *self,
                                                     SeyeMonitor      *monitor);
SeyeNode         *seye_node_list_get_selected_node  (SeyeNodeList     *self);
void              seye_node_list_select_node        (SeyeNodeList     *self,
                                                     SeyeNode         *node);
const char       *seye_node_list_get_search_text    (SeyeNodeList     *self);
void              seye_node_list_set_search_text    (SeyeNodeList     *self,
                                                     const char       *text);
SeyeStatusFilter  seye_node_list_get_status_filter  (SeyeNodeList     *self);
void              seye_node_list_set_status_filter  (SeyeNodeList     *self,
                                                     SeyeStatusFilter  filter);
guint             seye_node_list_get_n_alerting     (SeyeNodeList     *self);
void              seye_node_list_focus_search       (SeyeNodeList     *self);
SeyeNodeView      seye_node_list_get_view           (SeyeNodeList     *self);
void              seye_node_list_set_view           (SeyeNodeList     *self,
                                                     SeyeNodeView      view);

/* What the list shows, in its order (filtered and sorted). */
GListModel       *seye_node_list_get_model          (SeyeNodeList     *self);
void              seye_node_list_sort_by            (SeyeNodeList     *self,
                                                     SeyeNodeColumn    column,
                                                     GtkSortType       order);
void              seye_node_list_refresh            (SeyeNodeList     *self);
GtkColumnViewColumn *seye_node_list_get_column      (SeyeNodeList     *self,
                                                     SeyeNodeColumn    column);
guint             seye_node_list_get_count          (SeyeNodeList     *self,
                                                     SeyeStatusFilter  filter);
GActionGroup     *seye_node_list_get_column_actions (SeyeNodeList     *self);
void              seye_node_list_set_node_hidden    (SeyeNodeList     *self,
                                                     SeyeNode         *node,
                                                     gboolean          hidden);
SeyeNode         *seye_node_list_select_next_problem (SeyeNodeList    *self);

G_END_DECLS
