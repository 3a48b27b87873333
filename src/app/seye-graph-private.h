/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "seye-graph.h"
#include "seye-graph-math.h"

G_BEGIN_DECLS

#define MAX_SERIES 4

/*
 * A live graph drawn the Sysprof way: points are appended as samples arrive (never
 * recomputed while drawing), the static part (grid, frame, labels) is rendered once
 * into a GskRenderNode and reused until the size, the scale or the style changes, and
 * nothing is drawn while the widget is not mapped.
 *
 * Longer ranges come from the history store: seye_graph_set_history() hands over the
 * points of a query and the graph shows them instead of the live series until
 * seye_graph_clear_history(); a point whose gap_before is set is not joined to the one
 * before it.
 *
 * One type across files: seye-graph.c holds the widget, its properties and its series;
 * seye-graph-draw.c the snapshot, the cached background and the colours;
 * seye-graph-hover.c the read-out under the pointer.
 */
struct _SeyeGraph
{
  GtkWidget        parent_instance;

  /* Owned */
  SeyeNode        *node;
  SeyeGraphSeries *series;          /* live, from the node's samples */
  SeyeGraphSeries *history;         /* from the store; shown instead of @series when set */
  SeyeGraphSeries *history_min;     /* the smallest and largest values of each of its points */
  SeyeGraphSeries *history_max;
  GskRenderNode   *static_node;
  PangoLayout     *layout;

  SeyeGraphKind    kind;
  guint            window;          /* seconds */
  gint64           history_from_ms;
  gint64           history_to_ms;
  double           max;             /* top of the value axis */
  int              static_width;
  int              static_height;
  double           hover_x;
  double           hover_y;
  gint64           cursor_ms;       /* the keyboard's cursor: a point's time, 0 when none */
  int              cursor_core;
  char            *description;     /* what is at the cursor, as the accessible description says */
  guint64          n_samples;
  guint64          n_draws;

  /* Looked up once per style change */
  GdkRGBA          fg;
  GdkRGBA          grid;
  GdkRGBA          colors[MAX_SERIES];
  guint            colors_valid : 1;
  guint            needs_draw : 1;
  guint            pending_draw : 1;
};

static inline SeyeGraphSeries *
_seye_graph_shown_series (SeyeGraph *self)
{
  return self->history != NULL ? self->history : self->series;
}

/* The span shown, in ms: the live window or the history range. */
static inline gint64
_seye_graph_window_ms (SeyeGraph *self)
{
  if (self->history != NULL)
    return MAX (1, self->history_to_ms - self->history_from_ms);

  return (gint64) self->window * 1000;
}

/* The time at the right edge: the newest live sample or the end of the history range. */
static inline gint64
_seye_graph_end_time (SeyeGraph *self)
{
  guint n;

  if (self->history != NULL)
    return self->history_to_ms;

  n = seye_graph_series_get_length (self->series);

  return n > 0 ? seye_graph_series_get_time (self->series, n - 1) : 0;
}

/* seye-graph.c */
void         _seye_graph_queue_draw        (SeyeGraph   *self);

/* seye-graph-draw.c */
void         _seye_graph_draw_init         (SeyeGraph   *self);
void         _seye_graph_invalidate_static (SeyeGraph   *self);
PangoLayout *_seye_graph_get_layout        (SeyeGraph   *self);
void         _seye_graph_snapshot          (GtkWidget   *widget,
                                            GtkSnapshot *snapshot);

/* seye-graph-cores.c */
void         _seye_graph_draw_heatmap      (SeyeGraph   *self,
                                            cairo_t     *cr,
                                            int          width,
                                            int          height);
void         _seye_graph_draw_core_values  (SeyeGraph   *self,
                                            cairo_t     *cr,
                                            int          width);

/* seye-graph-hover.c */
void         _seye_graph_hover_init        (SeyeGraph   *self);
void         _seye_graph_hover_class_init  (GtkWidgetClass *widget_class);
void         _seye_graph_draw_hover        (SeyeGraph   *self,
                                            cairo_t     *cr,
                                            int          width,
                                            int          height);

G_END_DECLS
