/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-graph-math"

#include "config.h"

#include <math.h>
#include <string.h>

#include "seye-graph-math.h"

double
seye_graph_nice_max (double value,
                     double minimum)
{
  static const double steps[] = { 1.0, 2.0, 2.5, 5.0, 10.0 };
  double magnitude;

  if (!isfinite (value) || value < minimum)
    value = minimum;
  if (value <= 0.0)
    return 1.0;

  magnitude = pow (10.0, floor (log10 (value)));
  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      double candidate = steps[i] * magnitude;

      /* A relative tolerance so that 100 stays 100 and is not bumped to 200. */
      if (candidate >= value * (1.0 - 1e-9))
        return candidate;
    }

  return 10.0 * magnitude;
}

double
seye_graph_time_to_x (gint64 t_ms,
                      gint64 end_ms,
                      gint64 window_ms,
                      double width)
{
  if (window_ms <= 0)
    return width;

  return width - (double) (end_ms - t_ms) / (double) window_ms * width;
}

gint64
seye_graph_x_to_time (double x,
                      gint64 end_ms,
                      gint64 window_ms,
                      double width)
{
  if (width <= 0.0)
    return end_ms;

  x = CLAMP (x, 0.0, width);

  return end_ms - (gint64) llround ((width - x) / width * (double) window_ms);
}

double
seye_graph_value_to_y (double value,
                       double max,
                       double height)
{
  double fraction;

  if (!(max > 0.0) || !isfinite (value))
    return height;

  fraction = CLAMP (value / max, 0.0, 1.0);

  return height - fraction * height;
}

guint
seye_graph_stride (guint  n_points,
                   double width)
{
  guint pixels = width >= 1.0 ? (guint) width : 1;

  if (n_points <= pixels)
    return 1;

  return (n_points + pixels - 1) / pixels;
}

gint64
seye_graph_time_grid_step (gint64 window_ms)
{
  /* Few lines whatever the window: 1 min -> 10 s, 5 min -> 1 min, 10 min -> 2 min,
   * 1 h -> 10 min, 24 h -> 6 h, 7 days -> 2 days. */
  static const gint64 steps[] = { 1000, 2000, 5000, 10000, 15000, 30000, 60000, 120000,
                                  300000, 600000, 1800000, 3600000, 3 * 3600000, 6 * 3600000,
                                  12 * 3600000, 24 * 3600000, 48 * 3600000 };

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    if (window_ms / steps[i] <= 6)
      return steps[i];

  return window_ms / 6 > 0 ? window_ms / 6 : 1;
}

void
seye_core_layout_compute (SeyeCoreLayout *layout,
                          guint           n_cores,
                          double          width)
{
  double spacing = SEYE_CORE_SPACING;
  guint columns;
  guint rows;

  g_return_if_fail (layout != NULL);

  layout->spacing = spacing;

  if (n_cores == 0 || width <= 0.0)
    {
      layout->columns = layout->rows = 0;
      layout->cell_width = layout->cell_height = 0.0;
      return;
    }

  /* As many columns as fit at the minimum width, never more than there are cores... */
  columns = (guint) MAX (1.0, floor ((width + spacing) / (SEYE_CORE_MIN_CELL_WIDTH + spacing)));
  columns = MIN (columns, n_cores);

  /* ...and a few more when cells would be very wide, so 2 cores do not fill 2 metres. */
  while ((width - (columns - 1) * spacing) / columns > SEYE_CORE_MAX_CELL_WIDTH && columns < n_cores)
    columns++;

  /* Balance the rows: 10 cores on 8 columns become 2 rows of 5, not 8 + 2. */
  rows = (n_cores + columns - 1) / columns;
  columns = (n_cores + rows - 1) / rows;

  layout->columns = columns;
  layout->rows = rows;
  /* Cells share the width; the maximum only decides how many go on a row. */
  layout->cell_width = MAX ((width - (columns - 1) * spacing) / columns, 1.0);
  /* Flat cells: a core graph is a trend, 48 px tall reads well from 1 to 256 cores. */
  layout->cell_height = CLAMP (layout->cell_width * 0.45, 36.0, 72.0);
}

double
seye_core_layout_height (const SeyeCoreLayout *layout)
{
  if (layout->rows == 0)
    return 0.0;

  return layout->rows * layout->cell_height + (layout->rows - 1) * layout->spacing;
}

void
seye_core_layout_cell (const SeyeCoreLayout *layout,
                       guint                 index,
                       double               *x,
                       double               *y)
{
  guint column = layout->columns > 0 ? index % layout->columns : 0;
  guint row = layout->columns > 0 ? index / layout->columns : 0;

  *x = column * (layout->cell_width + layout->spacing);
  *y = row * (layout->cell_height + layout->spacing);
}

int
seye_core_layout_hit (const SeyeCoreLayout *layout,
                      guint                 n_cores,
                      double                x,
                      double                y)
{
  guint column;
  guint row;
  guint index;

  if (layout->columns == 0 || x < 0.0 || y < 0.0)
    return -1;

  column = (guint) (x / (layout->cell_width + layout->spacing));
  row = (guint) (y / (layout->cell_height + layout->spacing));
  if (column >= layout->columns || row >= layout->rows)
    return -1;

  /* In the gap between two cells. */
  if (x - column * (layout->cell_width + layout->spacing) > layout->cell_width ||
      y - row * (layout->cell_height + layout->spacing) > layout->cell_height)
    return -1;

  index = row * layout->columns + column;

  return index < n_cores ? (int) index : -1;
}

double
seye_core_heatmap_row_height (guint n_cores)
{
  if (n_cores == 0)
    return 0.0;

  /* Whole pixels while they fit, so that rows stay sharp; shared pixels past 256 cores. */
  if (n_cores <= SEYE_CORE_HEATMAP_MAX_HEIGHT)
    return MIN (SEYE_CORE_HEATMAP_MAX_ROW, floor (SEYE_CORE_HEATMAP_MAX_HEIGHT / n_cores));

  return SEYE_CORE_HEATMAP_MAX_HEIGHT / n_cores;
}

double
seye_core_heatmap_height (guint n_cores)
{
  return n_cores * seye_core_heatmap_row_height (n_cores);
}

int
seye_core_heatmap_hit (guint  n_cores,
                       double y)
{
  double row = seye_core_heatmap_row_height (n_cores);
  int core;

  if (n_cores == 0 || y < 0.0 || row <= 0.0)
    return -1;

  core = (int) floor (y / row);

  return core < (int) n_cores ? core : -1;
}

SeyeGraphSeries *
seye_graph_series_new (guint n_values)
{
  SeyeGraphSeries *self = g_new0 (SeyeGraphSeries, 1);

  self->times = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->values = g_array_new (FALSE, FALSE, sizeof (float));
  self->gaps = g_array_new (FALSE, FALSE, sizeof (guint8));
  self->n_values = n_values;

  return self;
}

void
seye_graph_series_free (SeyeGraphSeries *self)
{
  if (self == NULL)
    return;

  g_array_unref (self->times);
  g_array_unref (self->values);
  g_array_unref (self->gaps);
  g_free (self);
}

void
seye_graph_series_clear (SeyeGraphSeries *self,
                         guint            n_values)
{
  g_array_set_size (self->times, 0);
  g_array_set_size (self->values, 0);
  g_array_set_size (self->gaps, 0);
  self->n_values = n_values;
}

guint
seye_graph_series_get_length (const SeyeGraphSeries *self)
{
  return self->times->len;
}

gboolean
seye_graph_series_append (SeyeGraphSeries *self,
                          gint64           time_ms,
                          const float     *values)
{
  return seye_graph_series_append_full (self, time_ms, values, FALSE);
}

gboolean
seye_graph_series_append_full (SeyeGraphSeries *self,
                               gint64           time_ms,
                               const float     *values,
                               gboolean         gap_before)
{
  guint8 gap = gap_before ? 1 : 0;

  if (self->times->len > 0 &&
      time_ms <= g_array_index (self->times, gint64, self->times->len - 1))
    return FALSE;

  g_array_append_val (self->times, time_ms);
  g_array_append_val (self->gaps, gap);
  if (self->n_values > 0)
    g_array_append_vals (self->values, values, self->n_values);

  return TRUE;
}

gboolean
seye_graph_series_get_gap_before (const SeyeGraphSeries *self,
                                  guint                  index)
{
  g_return_val_if_fail (index < self->gaps->len, FALSE);

  return g_array_index (self->gaps, guint8, index) != 0;
}

gboolean
seye_graph_series_breaks_between (const SeyeGraphSeries *self,
                                  guint                  from,
                                  guint                  to,
                                  gint64                 max_gap_ms)
{
  g_return_val_if_fail (from < to, FALSE);
  g_return_val_if_fail (to < self->times->len, FALSE);

  if (g_array_index (self->times, gint64, to) - g_array_index (self->times, gint64, from) > max_gap_ms)
    return TRUE;

  /* A gap among the points a stride skips still breaks the line. */
  for (guint i = from + 1; i <= to; i++)
    if (g_array_index (self->gaps, guint8, i) != 0)
      return TRUE;

  return FALSE;
}

void
seye_graph_series_trim (SeyeGraphSeries *self,
                        gint64           before_ms)
{
  guint n = seye_graph_series_find_after (self, before_ms);

  /* Keep one point before the cut so the line enters the window from its left edge. */
  if (n > 0)
    n--;
  if (n == 0)
    return;

  g_array_remove_range (self->times, 0, n);
  g_array_remove_range (self->gaps, 0, n);
  if (self->n_values > 0)
    g_array_remove_range (self->values, 0, n * self->n_values);
}

gint64
seye_graph_series_get_time (const SeyeGraphSeries *self,
                            guint                  index)
{
  g_return_val_if_fail (index < self->times->len, 0);

  return g_array_index (self->times, gint64, index);
}

float
seye_graph_series_get_value (const SeyeGraphSeries *self,
                             guint                  index,
                             guint                  value)
{
  g_return_val_if_fail (index < self->times->len, NAN);
  g_return_val_if_fail (value < self->n_values, NAN);

  return g_array_index (self->values, float, index * self->n_values + value);
}

guint
seye_graph_series_find_after (const SeyeGraphSeries *self,
                              gint64                 time_ms)
{
  guint lo = 0;
  guint hi = self->times->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (g_array_index (self->times, gint64, mid) < time_ms)
        lo = mid + 1;
      else
        hi = mid;
    }

  return lo;
}

int
seye_graph_series_find_nearest (const SeyeGraphSeries *self,
                                gint64                 time_ms)
{
  guint after;

  if (self->times->len == 0)
    return -1;

  after = seye_graph_series_find_after (self, time_ms);
  if (after == self->times->len)
    return (int) after - 1;
  if (after == 0)
    return 0;

  if (time_ms - g_array_index (self->times, gint64, after - 1) <
      g_array_index (self->times, gint64, after) - time_ms)
    return (int) after - 1;

  return (int) after;
}

double
seye_graph_series_get_max (const SeyeGraphSeries *self,
                           gint64                 since_ms,
                           guint                  first,
                           guint                  count)
{
  double max = 0.0;

  g_return_val_if_fail (first + count <= self->n_values, 0.0);

  for (guint i = seye_graph_series_find_after (self, since_ms); i < self->times->len; i++)
    {
      const float *row = &g_array_index (self->values, float, i * self->n_values);

      for (guint j = first; j < first + count; j++)
        if (isfinite (row[j]) && row[j] > max)
          max = row[j];
    }

  return max;
}

/* Sparklines ------------------------------------------------------------------ */

/* The value at @x (device pixels) on the polyline through the points. */
static double
sparkline_y_at (const float *values,
                guint        n_values,
                double       first_x,
                double       step,
                double       x,
                double       top,
                double       span)
{
  double position = (x - first_x) / step;
  guint i;
  double t;
  double v;

  if (position <= 0)
    v = values[0];
  else if (position >= n_values - 1)
    v = values[n_values - 1];
  else
    {
      i = (guint) position;
      t = position - i;
      v = values[i] * (1 - t) + values[i + 1] * t;
    }

  return top + span * (1.0 - CLAMP (v, 0.0, 1.0));
}

/* How much of the pixel rows [@row, @row + 1) lies within [@from, @to]. */
static inline double
coverage (int    row,
          double from,
          double to)
{
  return CLAMP (MIN (to, row + 1.0) - MAX (from, (double) row), 0.0, 1.0);
}

static inline guint32
pack (double a,
      double r,
      double g,
      double b)
{
  return ((guint32) (a * 255 + 0.5) << 24) | ((guint32) (r * 255 + 0.5) << 16) |
         ((guint32) (g * 255 + 0.5) << 8) | (guint32) (b * 255 + 0.5);
}

void
seye_sparkline_rasterize (const float  *values,
                          guint         n_values,
                          guint         n_slots,
                          guint32      *pixels,
                          int           width,
                          int           height,
                          int           stride,
                          double        scale,
                          const double  line[4],
                          const double  fill[4])
{
  double step, first_x, top, span, half;

  g_return_if_fail (pixels != NULL);
  g_return_if_fail (n_slots >= 2);

  for (int r = 0; r < height; r++)
    memset (pixels + (gsize) r * stride, 0, sizeof (guint32) * width);

  if (values == NULL || n_values < 2 || width <= 0 || height <= 0)
    return;

  n_values = MIN (n_values, n_slots);
  step = (double) width / (n_slots - 1);
  first_x = (n_slots - n_values) * step;
  /* A pixel of room at the top and the bottom, as the line is that thick. */
  top = scale;
  span = MAX (0.0, height - 2 * scale);
  half = 1.25 * scale / 2;

  for (int c = (int) floor (first_x); c < width; c++)
    {
      double left = MAX ((double) c, first_x);
      double y_left = sparkline_y_at (values, n_values, first_x, step, left, top, span);
      double y_mid = sparkline_y_at (values, n_values, first_x, step, c + 0.5, top, span);
      double y_right = sparkline_y_at (values, n_values, first_x, step, c + 1.0, top, span);
      /* The part of the column the area covers; all of it but at the left end. */
      double width_part = CLAMP (c + 1.0 - first_x, 0.0, 1.0);
      double line_from = MIN (y_left, y_right) - half;
      double line_to = MAX (y_left, y_right) + half;

      for (int r = MAX (0, (int) floor (line_from)); r < height; r++)
        {
          double area = coverage (r, y_mid, height) * width_part;
          double stroke = coverage (r, line_from, line_to) * width_part;
          double a, red, green, blue;

          /* The fill under the line, then the line over it (premultiplied). */
          a = fill[3] * area;
          red = fill[0] * a;
          green = fill[1] * a;
          blue = fill[2] * a;

          if (stroke > 0)
            {
              double la = line[3] * stroke;

              red = line[0] * la + red * (1 - la);
              green = line[1] * la + green * (1 - la);
              blue = line[2] * la + blue * (1 - la);
              a = la + a * (1 - la);
            }

          pixels[(gsize) r * stride + c] = pack (a, red, green, blue);
        }
    }
}
