/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-graph"

#include "config.h"

#include <math.h>

#include "seye-format.h"
#include "seye-graph-private.h"

/*
 * What only the cores graph draws: over each small graph of the grid, the core's number
 * and current value; above SEYE_CORE_GRID_MAX cores, the heat map instead: one row per
 * core, one column per point shown, the colour saying how busy the core was, so that a
 * single pegged core among 256 is a line of its own.
 */

/* Busy @percent as a colour: from a pale @low to a saturated @high, faint when idle. */
static guint32
heat_pixel (double         percent,
            const GdkRGBA *low,
            const GdkRGBA *high)
{
  double f, r, g, b, a;

  if (!isfinite (percent))
    return 0;   /* no data: transparent */

  f = CLAMP (percent / 100.0, 0.0, 1.0);
  /* The hue turns late, so that only the really busy cores look hot. */
  r = low->red + (high->red - low->red) * f * f;
  g = low->green + (high->green - low->green) * f * f;
  b = low->blue + (high->blue - low->blue) * f * f;
  a = 0.08 + 0.92 * f;

  /* Premultiplied ARGB32, as Cairo wants it. */
  return ((guint32) (a * 255.0 + 0.5) << 24) |
         ((guint32) (r * a * 255.0 + 0.5) << 16) |
         ((guint32) (g * a * 255.0 + 0.5) << 8) |
         (guint32) (b * a * 255.0 + 0.5);
}

/* The heat map over the whole widget: an image of one pixel per point and core, scaled
 * without smoothing to the points' places in time. */
void
_seye_graph_draw_heatmap (SeyeGraph *self,
                          cairo_t   *cr,
                          int        width,
                          int        height)
{
  SeyeGraphSeries *series = _seye_graph_shown_series (self);
  gint64 span_ms = _seye_graph_window_ms (self);
  gint64 end = _seye_graph_end_time (self);
  guint n = seye_graph_series_get_length (series);
  guint n_cores = series->n_values;
  guint first = seye_graph_series_find_after (series, end - span_ms);
  double row = seye_core_heatmap_row_height (n_cores);
  cairo_surface_t *image;
  guint32 *pixels;
  guint stride, n_columns, words;
  double x_first, x_last, column_width;

  if (n_cores == 0 || first >= n)
    return;

  stride = seye_graph_stride (n - first, width);
  n_columns = (n - first + stride - 1) / stride;
  image = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, n_columns, n_cores);
  pixels = (guint32 *) cairo_image_surface_get_data (image);
  words = cairo_image_surface_get_stride (image) / 4;

  for (guint c = 0; c < n_columns; c++)
    for (guint core = 0; core < n_cores; core++)
      pixels[core * words + c] = heat_pixel (seye_graph_series_get_value (series, first + c * stride, core),
                                             &self->colors[0], &self->colors[1]);
  cairo_surface_mark_dirty (image);

  /* Column c starts at its point's time and lasts until the next one's. */
  x_first = seye_graph_time_to_x (seye_graph_series_get_time (series, first), end, span_ms, width);
  x_last = seye_graph_time_to_x (seye_graph_series_get_time (series, first + (n_columns - 1) * stride),
                                 end, span_ms, width);
  column_width = n_columns > 1 ? (x_last - x_first) / (n_columns - 1) : MAX (1.0, width - x_first);

  cairo_save (cr);
  cairo_rectangle (cr, 0, 0, width, MIN (height, row * n_cores));
  cairo_clip (cr);
  cairo_translate (cr, x_first - column_width, 0);
  cairo_scale (cr, column_width, row);
  cairo_set_source_surface (cr, image, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_NEAREST);
  cairo_paint (cr);
  cairo_restore (cr);

  cairo_surface_destroy (image);
}

/* Over each cell of the grid: "3 · 45 %", the core's number and its newest value. */
void
_seye_graph_draw_core_values (SeyeGraph *self,
                              cairo_t   *cr,
                              int        width)
{
  SeyeGraphSeries *series = _seye_graph_shown_series (self);
  PangoLayout *layout = _seye_graph_get_layout (self);
  guint n = seye_graph_series_get_length (series);
  SeyeCoreLayout cores;
  GdkRGBA label = self->fg;

  label.alpha = 0.7;
  seye_core_layout_compute (&cores, series->n_values, width);

  for (guint i = 0; i < series->n_values; i++)
    {
      g_autofree char *text = NULL;
      float value = n > 0 ? seye_graph_series_get_value (series, n - 1, i) : NAN;
      double x, y;

      if (isfinite (value))
        {
          g_autofree char *percent = seye_format_percent (value);

          text = g_strdup_printf ("%u · %s", i, percent);
        }
      else
        text = g_strdup_printf ("%u", i);

      seye_core_layout_cell (&cores, i, &x, &y);
      pango_layout_set_text (layout, text, -1);
      gdk_cairo_set_source_rgba (cr, &label);
      cairo_move_to (cr, x + 4, y + 2);
      pango_cairo_show_layout (cr, layout);
    }
}
