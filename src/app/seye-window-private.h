/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "seye-detail-pane.h"
#include "seye-node-list.h"
#include "seye-window.h"

G_BEGIN_DECLS

/* For tests: the window's parts. */
SeyeNodeList   *_seye_window_get_node_list   (SeyeWindow *self);
SeyeDetailPane *_seye_window_get_detail_pane (SeyeWindow *self);
const char     *_seye_window_get_subtitle    (SeyeWindow *self);
gboolean        _seye_window_get_discovery_notice_shown (SeyeWindow *self);
const char     *_seye_window_get_sources_notice (SeyeWindow *self);
GtkColumnView  *_seye_node_list_get_column_view (SeyeNodeList *self);
void            _seye_node_list_set_width_follows_columns (SeyeNodeList *self,
                                                           gboolean      follows);
AdwToast       *_seye_window_get_removal_toast (SeyeWindow *self);

/* seye-window-removal.c: nodes removed with Undo. */
AdwToast       *_seye_window_remove_nodes     (SeyeWindow *self,
                                               GPtrArray  *nodes);
GPtrArray      *_seye_window_collect_offline  (SeyeWindow *self);

/* seye-window-divider.c: the list's width, dragged and remembered. */
void            _seye_window_divider_init     (GtkWidget  *window,
                                               GtkWidget  *handle,
                                               GtkWidget  *list_page,
                                               GSettings  *settings);
int             _seye_window_divider_clamp    (int         width,
                                               int         window_width);

G_END_DECLS
