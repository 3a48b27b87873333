/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "seye-node.h"
#include "seye-source.h"

G_BEGIN_DECLS

#define SEYE_PROCESS_VIEW_REFRESH_MS 2000   /* between an answer and the next request */
#define SEYE_PROCESS_VIEW_LIMIT      100    /* processes asked for: material to search and sort */

/**
 * SeyeProcessView:
 *
 * A node's busiest processes, asked of its source (seye_source_fetch_processes())
 * every 2 s while the view is on screen: mapped (its window shown and not minimized,
 * its expander open), inside the visible part of the scrolled window it sits in, and
 * the node online. Otherwise nothing is asked: no timer runs and the request in flight
 * is cancelled. Rows are kept from one answer to the next and only the cells whose
 * text changed are set again.
 *
 * Properties: "node" (SeyeNode, read-only: see seye_process_view_set_node()),
 * "sort" (string: "cpu", "memory" or "io", what the node sorts by; action
 * "processes.sort").
 */
#define SEYE_TYPE_PROCESS_VIEW (seye_process_view_get_type ())
G_DECLARE_FINAL_TYPE (SeyeProcessView, seye_process_view, SEYE, PROCESS_VIEW, GtkWidget)

GtkWidget  *seye_process_view_new      (void) G_GNUC_WARN_UNUSED_RESULT;
void        seye_process_view_set_node (SeyeProcessView *self,
                                        SeyeSource      *source,
                                        SeyeNode        *node);
SeyeNode   *seye_process_view_get_node (SeyeProcessView *self);
const char *seye_process_view_get_sort (SeyeProcessView *self);
void        seye_process_view_set_sort (SeyeProcessView *self,
                                        const char      *sort);

/* For tests: requests sent so far, the rows as shown (SeyeProcessItem, sorted and
 * filtered), the search entry, the footer, and the message shown instead of the rows
 * ("title\nbody", NULL while the rows show). */
guint        _seye_process_view_get_n_requests  (SeyeProcessView *self);
GListModel  *_seye_process_view_get_rows        (SeyeProcessView *self);
GtkEditable *_seye_process_view_get_search      (SeyeProcessView *self);
const char  *_seye_process_view_get_footer      (SeyeProcessView *self);
char        *_seye_process_view_dup_message     (SeyeProcessView *self) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
