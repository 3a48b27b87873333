/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * The data-to-drawing math of the graphs, free of GTK so that it can be unit tested.
 * Coordinates follow Cairo: x grows to the right, y grows downwards.
 */

/* Smallest "nice" axis maximum (1, 2, 2.5, 5 × 10^n) that is >= value and >= floor. */
double   seye_graph_nice_max        (double   value,
                                     double   floor);

/* Position of time @t_ms in a window of @window_ms that ends at @end_ms on a @width wide area. */
double   seye_graph_time_to_x       (gint64   t_ms,
                                     gint64   end_ms,
                                     gint64   window_ms,
                                     double   width);
gint64   seye_graph_x_to_time       (double   x,
                                     gint64   end_ms,
                                     gint64   window_ms,
                                     double   width);

/* Position of @value on an axis from 0 to @max on a @height tall area; clamped to it. */
double   seye_graph_value_to_y      (double   value,
                                     double   max,
                                     double   height);

/* Every how many points to draw so that no more than about one lands on each pixel. */
guint    seye_graph_stride          (guint    n_points,
                                     double   width);

/* Distance between vertical grid lines for a time window, in milliseconds. */
gint64   seye_graph_time_grid_step  (gint64   window_ms);

/* Grid of small per-core graphs. */
#define SEYE_CORE_MIN_CELL_WIDTH  72.0
#define SEYE_CORE_MAX_CELL_WIDTH  240.0   /* beyond this, another column is added */
#define SEYE_CORE_SPACING         6.0

typedef struct
{
  guint  columns;
  guint  rows;
  double cell_width;
  double cell_height;
  double spacing;
} SeyeCoreLayout;

void     seye_core_layout_compute   (SeyeCoreLayout *layout,
                                     guint           n_cores,
                                     double          width);
double   seye_core_layout_height    (const SeyeCoreLayout *layout);
void     seye_core_layout_cell      (const SeyeCoreLayout *layout,
                                     guint                 index,
                                     double               *x,
                                     double               *y);
int      seye_core_layout_hit       (const SeyeCoreLayout *layout,
                                     guint                 n_cores,
                                     double                x,
                                     double                y);

/*
 * Above SEYE_CORE_GRID_MAX cores, one row per core (a heat map: x is time, the colour
 * the core's usage) instead of a grid of small graphs: rows of 1 to 8 px, all of them in
 * at most SEYE_CORE_HEATMAP_MAX_HEIGHT px.
 */
#define SEYE_CORE_GRID_MAX            16
#define SEYE_CORE_HEATMAP_MAX_HEIGHT  256.0
#define SEYE_CORE_HEATMAP_MAX_ROW     8.0

static inline gboolean
seye_core_use_heatmap (guint n_cores)
{
  return n_cores > SEYE_CORE_GRID_MAX;
}

double   seye_core_heatmap_row_height (guint    n_cores);
double   seye_core_heatmap_height     (guint    n_cores);
/* The core whose row is at @y, or -1 outside the map. */
int      seye_core_heatmap_hit        (guint    n_cores,
                                       double   y);

/*
 * The points a graph draws: a time and a fixed number of values per point, appended as
 * samples arrive and trimmed to the longest window. Drawing reads it and multiplies.
 */
typedef struct
{
  GArray *times;      /* gint64, Unix ms, ascending */
  GArray *values;     /* float, n_values per point; NAN where unknown */
  GArray *gaps;       /* guint8 per point: TRUE when no line may join it to the point before */
  guint   n_values;
} SeyeGraphSeries;

SeyeGraphSeries *seye_graph_series_new         (guint            n_values);
void             seye_graph_series_free        (SeyeGraphSeries *self);
void             seye_graph_series_clear       (SeyeGraphSeries *self,
                                                guint            n_values);
guint            seye_graph_series_get_length  (const SeyeGraphSeries *self);
gboolean         seye_graph_series_append      (SeyeGraphSeries *self,
                                                gint64           time_ms,
                                                const float     *values);
/* As seye_graph_series_append(), for a point after a stretch with no data. */
gboolean         seye_graph_series_append_full (SeyeGraphSeries *self,
                                                gint64           time_ms,
                                                const float     *values,
                                                gboolean         gap_before);
gboolean         seye_graph_series_get_gap_before (const SeyeGraphSeries *self,
                                                   guint            index);
/* Whether a line drawn from point @from to point @to (@from < @to, points between them
 * skipped) would cross a stretch with no data: a point in (@from, @to] has its gap flag,
 * or the two are more than @max_gap_ms apart. */
gboolean         seye_graph_series_breaks_between (const SeyeGraphSeries *self,
                                                   guint            from,
                                                   guint            to,
                                                   gint64           max_gap_ms);
void             seye_graph_series_trim        (SeyeGraphSeries *self,
                                                gint64           before_ms);
gint64           seye_graph_series_get_time    (const SeyeGraphSeries *self,
                                                guint            index);
float            seye_graph_series_get_value   (const SeyeGraphSeries *self,
                                                guint            index,
                                                guint            value);
/* Index of the first point at or after @time_ms, or the length when none. */
guint            seye_graph_series_find_after  (const SeyeGraphSeries *self,
                                                gint64           time_ms);
/* Index of the point nearest to @time_ms; -1 when empty. */
int              seye_graph_series_find_nearest (const SeyeGraphSeries *self,
                                                 gint64           time_ms);
/* Largest value of values [first, first + count) over points at or after @since_ms; 0 when none. */
double           seye_graph_series_get_max     (const SeyeGraphSeries *self,
                                                gint64           since_ms,
                                                guint            first,
                                                guint            count);

/*
 * A sparkline straight into pixels: @values (0..1, oldest first) spread over the
 * width as the last @n_slots points would be, the newest at the right edge; the
 * area under them filled with @fill, the line on top in @line (each straight RGBA,
 * 0..1). @pixels are @width × @height premultiplied ARGB32 words in the machine's
 * order (Cairo's and GDK's default), @stride words a row; @scale device pixels a
 * logical one. A column's coverage is computed, not sampled: edges are smooth.
 */
void             seye_sparkline_rasterize      (const float     *values,
                                                guint            n_values,
                                                guint            n_slots,
                                                guint32         *pixels,
                                                int              width,
                                                int              height,
                                                int              stride,
                                                double           scale,
                                                const double     line[4],
                                                const double     fill[4]);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SeyeGraphSeries, seye_graph_series_free)

G_END_DECLS
