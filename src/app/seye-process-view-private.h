/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "seye-process-item.h"
#include "seye-process-view.h"

G_BEGIN_DECLS

/*
 * One type across files: seye-process-view.c holds the widget, when it asks the node
 * and what it does with the answer; seye-process-view-states.c the message shown
 * instead of rows and the footer; seye-process-view-columns.c the cells, the column
 * sorters and the order the rows keep when no column is chosen (the node's).
 */
struct _SeyeProcessView
{
  GtkWidget            parent_instance;

  /* Template widgets */
  GtkWidget           *box;
  GtkWidget           *controls;
  GtkStack            *stack;
  GtkScrolledWindow   *scrolled_window;
  GtkColumnView       *column_view;
  GtkSingleSelection  *selection;
  GtkSortListModel    *sort_model;
  GtkFilterListModel  *filter_model;
  GtkSearchEntry      *search_entry;
  GtkInscription      *footer_label;
  GtkSpinner          *spinner;
  GtkImage            *message_icon;
  GtkLabel            *message_title;
  GtkLabel            *message_body;
  GtkButton           *pair_button;

  /* Owned */
  SeyeSource          *source;
  SeyeNode            *node;
  GListStore          *store;          /* of SeyeProcessItem, in no order */
  GHashTable          *items;          /* pid -> SeyeProcessItem in store */
  GtkFilter           *filter;
  GtkSorter           *rank_sorter;    /* the node's order, under the column's */
  char                *search;         /* casefolded; NULL when none */
  GCancellable        *cancellable;    /* the request in flight */
  GError              *error;          /* the last request's failure, until one succeeds */
  GObject             *probes[2];      /* to ask the column view's sorter which column leads */

  /* Borrowed while mapped: what tells whether the view is on screen. */
  GtkWidget           *outer_scrolled; /* the scrolled window the view sits in */
  GtkAdjustment       *outer_adjustment;
  GdkSurface          *surface;
  GdkFrameClock       *paint_clock;    /* while a check after the next frame is queued */
  gulong               after_paint_id;

  GtkColumnViewColumn *columns[SEYE_PROCESS_N_COLUMNS];
  SeyeProcessSort      sort;
  guint                timer_id;
  guint                keep_top_id;
  gint64               last_answer_us; /* monotonic; 0: ask at once when shown */
  guint                n_requests;
  guint                asked_limit;
  gboolean             running;        /* asking every 2 s (or waiting for an answer) */
  gboolean             gave_up;        /* the node cannot give them: ask no more until it changes */
  gboolean             user_moved;     /* the user scrolled or clicked: the rows' top is theirs */
  int                  probed_column;
  int                  sort_column;    /* the column the rows are sorted by, -1: the node's order */

  /* The last answer. */
  double               interval;
  guint                total;
  guint                not_readable;
  guint                received;
};

/* Processes come from a node that answers. */
static inline gboolean
_seye_process_view_node_is_up (SeyeNode *node)
{
  SeyeNodeState state = seye_node_get_state (node);

  return state == SEYE_NODE_STATE_ONLINE || state == SEYE_NODE_STATE_STALE;
}

/* seye-process-view-states.c */
void _seye_process_view_update_page     (SeyeProcessView *self);
void _seye_process_view_update_footer   (SeyeProcessView *self);

/* seye-process-view-columns.c */
void _seye_process_view_columns_init    (SeyeProcessView *self);
void _seye_process_view_columns_dispose (SeyeProcessView *self);
void _seye_process_view_unsort          (SeyeProcessView *self);

G_END_DECLS
