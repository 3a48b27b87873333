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
GtkColumnView  *_seye_node_list_get_column_view (SeyeNodeList *self);
AdwToast       *_seye_window_get_removal_toast (SeyeWindow *self);

/* seye-window-removal.c: nodes removed with Undo. */
AdwToast       *_seye_window_remove_nodes     (SeyeWindow *self,
                                               GPtrArray  *nodes);
GPtrArray      *_seye_window_collect_offline  (SeyeWindow *self);

G_END_DECLS
