/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-graph"

#include "config.h"

#include <math.h>

#include <adwaita.h>
#include <glib/gi18n.h>

#include "seye-format.h"
#include "seye-graph-private.h"
#include "seye-graph-time.h"

#define GAP_MS 5000   /* a longer silence between two samples breaks the line */

/* The snapshot: the static part (grid, frame, labels) rendered once into a GskRenderNode
 * and kept until the size, the scale or the style changes, the series drawn over it. */

/* Names of the colours in style.css / style-dark.css, per kind. */
static const char * const color_names[][MAX_SERIES] = {
  [SEYE_GRAPH_CPU]     = { "seye_cpu_user", "seye_cpu_system", "seye_cpu_iowait", NULL },
  [SEYE_GRAPH_CORES]   = { "seye_cpu_user", "seye_cpu_system", NULL, NULL },
  [SEYE_GRAPH_MEMORY]  = { "seye_memory", "seye_swap", NULL, NULL },
  [SEYE_GRAPH_LOAD]    = { "seye_load_1", "seye_load_5", "seye_load_15", NULL },
  [SEYE_GRAPH_NETWORK] = { "seye_net_rx", "seye_net_tx", NULL, NULL },
  [SEYE_GRAPH_DISK]    = { "seye_disk_read", "seye_disk_write", NULL, NULL },
};

void
_seye_graph_invalidate_static (SeyeGraph *self)
{
  g_clear_pointer (&self->static_node, gsk_render_node_unref);
}

static void
style_changed_cb (SeyeGraph *self)
{
  self->colors_valid = FALSE;
  _seye_graph_invalidate_static (self);
  g_clear_object (&self->layout);
  _seye_graph_queue_draw (self);
}

/* Colours, the cached background and the layout follow the light and dark styles. */
void
_seye_graph_draw_init (SeyeGraph *self)
{
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (style_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (adw_style_manager_get_default (), "notify::high-contrast",
                           G_CALLBACK (style_changed_cb), self, G_CONNECT_SWAPPED);
}

static void
ensure_colors (SeyeGraph *self)
{
  GtkStyleContext *context = gtk_widget_get_style_context (GTK_WIDGET (self));

  if (self->colors_valid)
    return;

  gtk_style_context_get_color (context, &self->fg);
  self->grid = self->fg;
  self->grid.alpha = 0.12;

  for (guint i = 0; i < MAX_SERIES; i++)
    {
      const char *name = color_names[self->kind][i];

      if (name == NULL || !gtk_style_context_lookup_color (context, name, &self->colors[i]))
        self->colors[i] = self->fg;
    }

  self->colors_valid = TRUE;
}

static char *
format_axis_value (SeyeGraph *self,
                   double     value)
{
  switch (self->kind)
    {
    case SEYE_GRAPH_NETWORK:
    case SEYE_GRAPH_DISK:
      return seye_format_rate (value);
    case SEYE_GRAPH_LOAD:
      return g_strdup_printf ("%.3g", value);
    case SEYE_GRAPH_CPU:
    case SEYE_GRAPH_CORES:
    case SEYE_GRAPH_MEMORY:
    default:
      return seye_format_percent (value);
    }
}

PangoLayout *
_seye_graph_get_layout (SeyeGraph *self)
{
  if (self->layout == NULL)
    {
      PangoAttrList *attrs = pango_attr_list_new ();

      self->layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
      pango_attr_list_insert (attrs, pango_attr_scale_new (0.8));
      pango_attr_list_insert (attrs, pango_attr_font_features_new ("tnum=1"));
      pango_layout_set_attributes (self->layout, attrs);
      pango_attr_list_unref (attrs);
    }

  return self->layout;
}

/* The time axis' ticks: relative to a right edge at 0 for live samples, at the range's
 * times for stored ones. */
static GArray *
dup_ticks (SeyeGraph *self)
{
  g_autoptr (GTimeZone) tz = g_time_zone_new_local ();

  if (self->history != NULL)
    return seye_graph_time_ticks (self->history_to_ms, _seye_graph_window_ms (self), FALSE, tz);

  return seye_graph_time_ticks (0, _seye_graph_window_ms (self), TRUE, tz);
}

static double
tick_x (SeyeGraph          *self,
        const SeyeTimeTick *tick,
        double              width)
{
  gint64 end = self->history != NULL ? self->history_to_ms : 0;

  return seye_graph_time_to_x (tick->time_ms, end, _seye_graph_window_ms (self), width);
}

/* The ticks' labels along the bottom edge, each right of its line ("now" left of the
 * right edge); laid out from the newest, those that would run into it left out. */
static void
draw_time_labels (SeyeGraph *self,
                  cairo_t   *cr,
                  int        width,
                  int        height)
{
  PangoLayout *layout = _seye_graph_get_layout (self);
  g_autoptr (GArray) ticks = dup_ticks (self);
  double free_until = width - 4;

  for (guint i = ticks->len; i > 0; i--)
    {
      const SeyeTimeTick *tick = &g_array_index (ticks, SeyeTimeTick, i - 1);
      PangoRectangle extents;
      double x;

      pango_layout_set_text (layout, tick->label, -1);
      pango_layout_get_pixel_extents (layout, NULL, &extents);
      x = MIN (tick_x (self, tick, width) + 4, width - 4 - extents.width);
      if (x + extents.width > free_until || x < 0)
        continue;

      cairo_move_to (cr, x, height - 3 - extents.height);
      pango_cairo_show_layout (cr, layout);
      free_until = x - 8;
    }
}

/* Over a stored range that reaches back before the first point: "Recorded since 14:02"
 * in the empty part, or "Nothing recorded" over an empty range. */
static void
draw_recorded_since (SeyeGraph *self,
                     cairo_t   *cr,
                     int        width,
                     int        height)
{
  PangoLayout *layout = _seye_graph_get_layout (self);
  g_autoptr (GTimeZone) tz = g_time_zone_new_local ();
  g_autofree char *text = NULL;
  gint64 span_ms = _seye_graph_window_ms (self);
  PangoRectangle extents;
  double empty_w = width;
  gint64 first_ms;

  if (self->history == NULL)
    return;

  if (seye_graph_get_time_range (self, &first_ms, NULL))
    {
      text = seye_graph_recorded_since (first_ms, self->history_to_ms, span_ms, tz);
      empty_w = seye_graph_time_to_x (first_ms, self->history_to_ms, span_ms, width);
    }
  else
    text = g_strdup (_("Nothing recorded in this range"));

  if (text == NULL)
    return;

  pango_layout_set_text (layout, text, -1);
  pango_layout_get_pixel_extents (layout, NULL, &extents);
  /* In the middle of the empty part when it fits there, else right of the scale. */
  if (extents.width + 16 <= empty_w)
    cairo_move_to (cr, (empty_w - extents.width) / 2, (height - extents.height) / 2.0);
  else
    cairo_move_to (cr, 56, 3);
  pango_cairo_show_layout (cr, layout);
}

static void
draw_frame (SeyeGraph *self,
            cairo_t   *cr,
            double     x,
            double     y,
            double     width,
            double     height,
            gboolean   time_lines)
{
  cairo_save (cr);
  cairo_translate (cr, x, y);

  if (self->kind == SEYE_GRAPH_CORES)
    {
      GdkRGBA bg = self->fg;

      bg.alpha = 0.03;
      gdk_cairo_set_source_rgba (cr, &bg);
      cairo_rectangle (cr, 0, 0, width, height);
      cairo_fill (cr);
    }

  gdk_cairo_set_source_rgba (cr, &self->grid);
  cairo_set_line_width (cr, 1.0);

  /* Value lines at a quarter, half and three quarters. */
  for (guint i = 1; i < 4; i++)
    {
      double gy = round (height * i / 4.0) + 0.5;

      cairo_move_to (cr, 0, gy);
      cairo_line_to (cr, width, gy);
    }

  /* Time lines at the axis' ticks; live ones counted from the right edge, so that they
   * do not move as time goes. */
  if (time_lines)
    {
      g_autoptr (GArray) ticks = dup_ticks (self);

      for (guint i = 0; i < ticks->len; i++)
        {
          double gx = round (tick_x (self, &g_array_index (ticks, SeyeTimeTick, i), width)) + 0.5;

          if (gx < 2 || gx > width - 2)
            continue;
          cairo_move_to (cr, gx, 0);
          cairo_line_to (cr, gx, height);
        }
    }
  cairo_stroke (cr);

  cairo_rectangle (cr, 0.5, 0.5, width - 1, height - 1);
  self->grid.alpha *= 2;
  gdk_cairo_set_source_rgba (cr, &self->grid);
  self->grid.alpha /= 2;
  cairo_stroke (cr);

  cairo_restore (cr);
}

static GskRenderNode *
build_static_node (SeyeGraph *self,
                   int        width,
                   int        height)
{
  GskRenderNode *node = gsk_cairo_node_new (&GRAPHENE_RECT_INIT (0, 0, width, height));
  cairo_t *cr = gsk_cairo_node_get_draw_context (node);
  PangoLayout *layout = _seye_graph_get_layout (self);
  GdkRGBA label = self->fg;

  label.alpha = 0.55;

  if (self->kind == SEYE_GRAPH_CORES && seye_core_use_heatmap (_seye_graph_shown_series (self)->n_values))
    draw_frame (self, cr, 0, 0, width, height, TRUE);
  else if (self->kind == SEYE_GRAPH_CORES)
    {
      SeyeCoreLayout cores;

      /* The cells' labels carry the current values: drawn with the series. */
      seye_core_layout_compute (&cores, _seye_graph_shown_series (self)->n_values, width);
      for (guint i = 0; i < _seye_graph_shown_series (self)->n_values; i++)
        {
          double x, y;

          seye_core_layout_cell (&cores, i, &x, &y);
          draw_frame (self, cr, x, y, cores.cell_width, cores.cell_height, FALSE);
        }
    }
  else
    {
      g_autofree char *top = format_axis_value (self, self->max);

      draw_frame (self, cr, 0, 0, width, height, TRUE);

      /* The scale at the top left, the time span at the bottom left. */
      gdk_cairo_set_source_rgba (cr, &label);
      pango_layout_set_text (layout, top, -1);
      cairo_move_to (cr, 6, 3);
      pango_cairo_show_layout (cr, layout);

      draw_time_labels (self, cr, width, height);
      draw_recorded_since (self, cr, width, height);
    }

  cairo_destroy (cr);

  return node;
}

static double
point_y (SeyeGraph *self,
         guint      index,
         int        value,
         double     y0,
         double     height)
{
  SeyeGraphSeries *series = _seye_graph_shown_series (self);

  if (value < 0)
    return y0 + height;

  return y0 + seye_graph_value_to_y (seye_graph_series_get_value (series, index, value),
                                     self->max, height);
}

/* Ends a run of points: strokes it, or fills it down to value @base (-1: the axis)
 * by walking the visited points back. */
static void
finish_run (SeyeGraph     *self,
            cairo_t       *cr,
            GArray        *run,
            int            base,
            double         x0,
            double         y0,
            double         width,
            double         height,
            const GdkRGBA *color,
            gboolean       fill)
{
  SeyeGraphSeries *series = _seye_graph_shown_series (self);
  gint64 span_ms = _seye_graph_window_ms (self);
  gint64 end = _seye_graph_end_time (self);

  if (run->len == 0)
    return;

  if (fill)
    {
      GdkRGBA fill_color = *color;

      for (int j = (int) run->len - 1; j >= 0; j--)
        {
          guint index = g_array_index (run, guint, j);
          double x = x0 + seye_graph_time_to_x (seye_graph_series_get_time (series, index),
                                                end, span_ms, width);

          cairo_line_to (cr, x, point_y (self, index, base, y0, height));
        }
      cairo_close_path (cr);
      fill_color.alpha *= 0.35;
      gdk_cairo_set_source_rgba (cr, &fill_color);
      cairo_fill (cr);
    }
  else
    {
      gdk_cairo_set_source_rgba (cr, color);
      cairo_stroke (cr);
    }

  g_array_set_size (run, 0);
}

/* Draws value @value of the series as a line, or as an area down to value @base,
 * in the box @x0, @y0, @width, @height. At most about one point per pixel. */
static void
draw_series (SeyeGraph     *self,
             cairo_t       *cr,
             guint          value,
             int            base,
             double         x0,
             double         y0,
             double         width,
             double         height,
             const GdkRGBA *color,
             gboolean       fill)
{
  SeyeGraphSeries *series = _seye_graph_shown_series (self);
  gint64 span_ms = _seye_graph_window_ms (self);
  gint64 end = _seye_graph_end_time (self);
  guint n = seye_graph_series_get_length (series);
  guint first = seye_graph_series_find_after (series, end - span_ms);
  g_autoptr (GArray) run = NULL;
  guint prev = 0;
  gint64 max_gap;
  guint stride;

  if (first > 0)
    first--;
  if (first >= n)
    return;

  stride = seye_graph_stride (n - first, width);
  /* Stored history says where its gaps are; live samples are judged by their distance. */
  max_gap = self->history != NULL ? G_MAXINT64 : MAX (GAP_MS, (gint64) stride * 3000);
  run = g_array_sized_new (FALSE, FALSE, sizeof (guint), MIN (n - first, (guint) width + 2));

  cairo_save (cr);
  cairo_rectangle (cr, x0, y0, width, height);
  cairo_clip (cr);
  cairo_set_line_width (cr, 1.5);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);

  for (guint i = first; i < n; i = (i + stride < n || i == n - 1) ? i + stride : n - 1)
    {
      gint64 t = seye_graph_series_get_time (series, i);
      float v = seye_graph_series_get_value (series, i, value);

      /* An unknown value or a silence (an offline node, a gap in the store) breaks the line. */
      if (run->len > 0 && (!isfinite (v) || seye_graph_series_breaks_between (series, prev, i, max_gap)))
        finish_run (self, cr, run, base, x0, y0, width, height, color, fill);

      if (isfinite (v))
        {
          double x = x0 + seye_graph_time_to_x (t, end, span_ms, width);

          if (run->len == 0)
            cairo_move_to (cr, x, point_y (self, i, value, y0, height));
          else
            cairo_line_to (cr, x, point_y (self, i, value, y0, height));
          g_array_append_val (run, i);
        }

      prev = i;
    }

  finish_run (self, cr, run, base, x0, y0, width, height, color, fill);

  cairo_restore (cr);
}

/* Fills one run of the band: along the largest values, back along the smallest. */
static void
fill_band_run (SeyeGraph *self,
               cairo_t   *cr,
               GArray    *run,
               guint      value,
               double     x0,
               double     y0,
               double     width,
               double     height)
{
  SeyeGraphSeries *series = self->history;
  gint64 span_ms = _seye_graph_window_ms (self);
  gint64 end = _seye_graph_end_time (self);

  for (guint j = 0; j < run->len; j++)
    {
      guint k = g_array_index (run, guint, j);
      double x = x0 + seye_graph_time_to_x (seye_graph_series_get_time (series, k),
                                            end, span_ms, width);
      double y = y0 + seye_graph_value_to_y (seye_graph_series_get_value (self->history_max, k, value),
                                             self->max, height);

      if (j == 0)
        cairo_move_to (cr, x, y);
      else
        cairo_line_to (cr, x, y);
    }
  for (int j = (int) run->len - 1; j >= 0; j--)
    {
      guint k = g_array_index (run, guint, j);
      double x = x0 + seye_graph_time_to_x (seye_graph_series_get_time (series, k),
                                            end, span_ms, width);
      double y = y0 + seye_graph_value_to_y (seye_graph_series_get_value (self->history_min, k, value),
                                             self->max, height);

      cairo_line_to (cr, x, y);
    }
  cairo_close_path (cr);
  cairo_fill (cr);
  g_array_set_size (run, 0);
}

/* The light band between the smallest and the largest values of stored points (one-minute
 * rollups or wider buckets), broken where the line is. */
static void
draw_band (SeyeGraph     *self,
           cairo_t       *cr,
           guint          value,
           double         x0,
           double         y0,
           double         width,
           double         height,
           const GdkRGBA *color)
{
  SeyeGraphSeries *series = self->history;
  gint64 span_ms = _seye_graph_window_ms (self);
  gint64 end = _seye_graph_end_time (self);
  g_autoptr (GArray) run = NULL;
  GdkRGBA band = *color;
  guint n, first, stride;
  guint prev = 0;

  if (series == NULL || self->history_min == NULL || self->history_max == NULL)
    return;

  n = seye_graph_series_get_length (series);
  first = seye_graph_series_find_after (series, end - span_ms);
  if (first > 0)
    first--;
  if (first >= n)
    return;

  stride = seye_graph_stride (n - first, width);
  run = g_array_new (FALSE, FALSE, sizeof (guint));
  band.alpha *= 0.18;

  cairo_save (cr);
  cairo_rectangle (cr, x0, y0, width, height);
  cairo_clip (cr);
  gdk_cairo_set_source_rgba (cr, &band);

  /* Every stride-th point and the last one; one step past it (i == n) flushes the last run. */
  for (guint i = first; i <= n; i = (i + stride < n) ? i + stride : (i + 1 < n ? n - 1 : n))
    {
      gboolean known = i < n &&
                       isfinite (seye_graph_series_get_value (self->history_min, i, value)) &&
                       isfinite (seye_graph_series_get_value (self->history_max, i, value));

      if (run->len > 0 &&
          (!known || seye_graph_series_breaks_between (series, prev, i, G_MAXINT64)))
        fill_band_run (self, cr, run, value, x0, y0, width, height);

      if (i == n)
        break;

      if (known)
        g_array_append_val (run, i);
      prev = i;
    }

  cairo_restore (cr);
}

/* Stroke of the top edge of a filled series. */
static void
draw_filled (SeyeGraph     *self,
             cairo_t       *cr,
             guint          value,
             int            base,
             double         x0,
             double         y0,
             double         width,
             double         height,
             const GdkRGBA *color)
{
  draw_series (self, cr, value, base, x0, y0, width, height, color, TRUE);
  draw_series (self, cr, value, base, x0, y0, width, height, color, FALSE);
}

/* The grid, frame and labels, built again only when the size, the scale or the style changed. */
static GskRenderNode *
ensure_static_node (SeyeGraph *self,
                    int        width,
                    int        height)
{
  if (self->static_node == NULL || self->static_width != width || self->static_height != height)
    {
      _seye_graph_invalidate_static (self);
      self->static_node = build_static_node (self, width, height);
      self->static_width = width;
      self->static_height = height;
    }

  return self->static_node;
}

/* Under the averages of stored points: how far each point's values spread. */
static void
draw_history_bands (SeyeGraph *self,
                    cairo_t   *cr,
                    int        width,
                    int        height)
{
  switch (self->kind)
    {
    case SEYE_GRAPH_CPU:
      draw_band (self, cr, 2, 0, 0, width, height, &self->colors[0]);
      break;

    case SEYE_GRAPH_CORES:
      {
        SeyeCoreLayout cores;

        if (seye_core_use_heatmap (self->history->n_values))
          break;
        seye_core_layout_compute (&cores, self->history->n_values, width);
        for (guint i = 0; i < self->history->n_values; i++)
          {
            double x, y;

            seye_core_layout_cell (&cores, i, &x, &y);
            draw_band (self, cr, i, x, y, cores.cell_width, cores.cell_height, &self->colors[0]);
          }
      }
      break;

    case SEYE_GRAPH_NETWORK:
    case SEYE_GRAPH_DISK:
      draw_band (self, cr, 1, 0, 0, width, height, &self->colors[1]);
      draw_band (self, cr, 0, 0, 0, width, height, &self->colors[0]);
      break;

    case SEYE_GRAPH_MEMORY:
    case SEYE_GRAPH_LOAD:
    default:
      draw_band (self, cr, 0, 0, 0, width, height, &self->colors[0]);
      break;
    }
}

/* The series shown, live or stored, as areas and lines in each kind's colours. */
static void
draw_lines (SeyeGraph *self,
            cairo_t   *cr,
            int        width,
            int        height)
{
  switch (self->kind)
    {
    case SEYE_GRAPH_CPU:
      /* Stacked bands, each from the one below it. */
      draw_filled (self, cr, 2, 1, 0, 0, width, height, &self->colors[2]);
      draw_filled (self, cr, 1, 0, 0, 0, width, height, &self->colors[1]);
      draw_filled (self, cr, 0, -1, 0, 0, width, height, &self->colors[0]);
      break;

    case SEYE_GRAPH_CORES:
      {
        SeyeCoreLayout cores;

        if (seye_core_use_heatmap (_seye_graph_shown_series (self)->n_values))
          {
            _seye_graph_draw_heatmap (self, cr, width, height);
            break;
          }
        seye_core_layout_compute (&cores, _seye_graph_shown_series (self)->n_values, width);
        for (guint i = 0; i < _seye_graph_shown_series (self)->n_values; i++)
          {
            double x, y;

            seye_core_layout_cell (&cores, i, &x, &y);
            draw_filled (self, cr, i, -1, x, y, cores.cell_width, cores.cell_height, &self->colors[0]);
          }
      }
      break;

    case SEYE_GRAPH_MEMORY:
      draw_filled (self, cr, 0, -1, 0, 0, width, height, &self->colors[0]);
      draw_series (self, cr, 1, -1, 0, 0, width, height, &self->colors[1], FALSE);
      break;

    case SEYE_GRAPH_LOAD:
      for (int i = 2; i >= 0; i--)
        draw_series (self, cr, i, -1, 0, 0, width, height, &self->colors[i], FALSE);
      break;

    case SEYE_GRAPH_NETWORK:
    case SEYE_GRAPH_DISK:
      draw_filled (self, cr, 0, -1, 0, 0, width, height, &self->colors[0]);
      draw_series (self, cr, 1, -1, 0, 0, width, height, &self->colors[1], FALSE);
      break;

    default:
      break;
    }
}

void
_seye_graph_snapshot (GtkWidget   *widget,
                      GtkSnapshot *snapshot)
{
  SeyeGraph *self = SEYE_GRAPH (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  cairo_t *cr;

  if (width <= 0 || height <= 0)
    return;

  self->needs_draw = FALSE;
  self->n_draws++;

  ensure_colors (self);
  gtk_snapshot_append_node (snapshot, ensure_static_node (self, width, height));

  if (seye_graph_series_get_length (_seye_graph_shown_series (self)) == 0 &&
      self->kind != SEYE_GRAPH_CORES)
    return;

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  /* Cairo's fast antialiasing: a 60-point line costs 2.4 million instructions to
   * stroke with the default and 1 million with it (a whole graph's area, 900,000
   * and 530,000), at every frame, for edges that look the same at this size. */
  cairo_set_antialias (cr, CAIRO_ANTIALIAS_FAST);

  if (self->history != NULL)
    draw_history_bands (self, cr, width, height);
  draw_lines (self, cr, width, height);
  if (self->kind == SEYE_GRAPH_CORES && !seye_core_use_heatmap (_seye_graph_shown_series (self)->n_values))
    _seye_graph_draw_core_values (self, cr, width);

  if (self->hover_x >= 0 || self->cursor_ms != 0)
    _seye_graph_draw_hover (self, cr, width, height);

  cairo_destroy (cr);
}
