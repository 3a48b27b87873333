/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "seye-fleet-map.h"
#include "seye-node-list.h"
#include "seye-node-sorter.h"
#include "seye-resort-hold.h"

G_BEGIN_DECLS

struct _SeyeNodeList
{
  GtkWidget            parent_instance;

  /* Template widgets */
  GtkWidget           *box;
  GtkStack            *stack;
  GtkWidget           *scrolled_window;
  GtkColumnView       *column_view;
  SeyeFleetMap        *fleet_map;
  GtkSearchEntry      *search_entry;
  GtkSingleSelection  *selection;
  GtkSortListModel    *sort_model;
  GtkFilterListModel  *filter_model;
  GtkToggleButton     *summary_buttons[SEYE_STATUS_FILTER_OFFLINE + 1];

  /* Owned */
  SeyeMonitor         *monitor;
  GtkFilter           *filter;
  GtkSorter           *sorter;          /* SeyeNodeSorter around the column view's */
  GSettings           *settings;
  GSimpleActionGroup  *column_actions;
  GHashTable          *hidden_nodes;    /* SeyeNode → owned, removed pending undo */
  GObject             *probes[2];       /* compared to learn the primary sort column */
  char                *search_casefold;
  GtkColumnViewColumn *columns[SEYE_NODE_N_COLUMNS];

  SeyeStatusFilter     status_filter;
  SeyeNodeView         view;
  guint                counts[SEYE_STATUS_FILTER_OFFLINE + 1];
  SeyeResortHold       hold;
  int                  probed_column;   /* the first column asked while probing, or -1 */
  int                  sort_column;     /* the primary sort column, or -1 */
  gboolean             sort_descending;
  gboolean             initial_selection_done;
  gboolean             user_moved;      /* scrolled, clicked or typed in the list */
  gboolean             needs_refresh;
  gboolean             all_online_logged; /* the diagnostic below said it once */
  gint64               created_us;      /* monotonic */
  gboolean             sort_pending;    /* sorted while the map was shown: the list sorts when shown */
  guint                navigate_source;
  guint                keep_top_source;
  guint                hold_source;
};

/* seye-node-list-columns.c: cells, sorters, visibility and the saved sort order. */
void     _seye_node_list_columns_init     (SeyeNodeList *self);
void     _seye_node_list_columns_dispose  (SeyeNodeList *self);
void     _seye_node_list_restore_sort     (SeyeNodeList *self);

/* seye-node-list-summary.c: the counts strip under the header and what it filters. */
void     _seye_node_list_summary_class_init (GtkWidgetClass *widget_class);
void     _seye_node_list_summary_init     (SeyeNodeList *self);
void     _seye_node_list_update_counts    (SeyeNodeList *self);
gboolean _seye_node_list_matches_status   (SeyeNode         *node,
                                           SeyeStatusFilter  filter);

/* seye-node-list-views.c: the list or the fleet map, one selection for both. */
void     _seye_node_list_views_class_init (GtkWidgetClass *widget_class);
void     _seye_node_list_views_init       (SeyeNodeList *self);
void     _seye_node_list_update_page      (SeyeNodeList *self);
void     _seye_node_list_emit_activated   (SeyeNodeList *self,
                                           SeyeNode     *node);
SeyeFleetMap *_seye_node_list_get_fleet_map (SeyeNodeList *self);

/* For tests: the re-sort hold, driven as the pointer and the keyboard would. */
SeyeResortHold *_seye_node_list_get_hold  (SeyeNodeList *self);
gboolean        _seye_node_list_tick      (SeyeNodeList *self,
                                           gint64        now);

G_END_DECLS
