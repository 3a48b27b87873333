/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-graph"

#include "config.h"

#include <math.h>

#include <adwaita.h>
#include <glib/gi18n.h>

#include "seye-format.h"
#include "seye-graph.h"
#include "seye-graph-math.h"
#include "seye-store.h"
#include "seye-ticker.h"

#define MAX_SERIES 4
#define GAP_MS     5000   /* a longer silence between two samples breaks the line */

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

enum {
  PROP_0,
  PROP_KIND,
  PROP_NODE,
  PROP_WINDOW,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (SeyeGraph, seye_graph, GTK_TYPE_WIDGET)

static GParamSpec *properties[N_PROPS];

GType
seye_graph_kind_get_type (void)
{
  static gsize type_id = 0;

  if (g_once_init_enter (&type_id))
    {
      static const GEnumValue values[] = {
        { SEYE_GRAPH_CPU, "SEYE_GRAPH_CPU", "cpu" },
        { SEYE_GRAPH_CORES, "SEYE_GRAPH_CORES", "cores" },
        { SEYE_GRAPH_MEMORY, "SEYE_GRAPH_MEMORY", "memory" },
        { SEYE_GRAPH_LOAD, "SEYE_GRAPH_LOAD", "load" },
        { SEYE_GRAPH_NETWORK, "SEYE_GRAPH_NETWORK", "network" },
        { 0, NULL, NULL },
      };
      GType type = g_enum_register_static ("SeyeGraphKind", values);

      g_once_init_leave (&type_id, type);
    }

  return type_id;
}

/* Names of the colours in style.css / style-dark.css, per kind. */
static const char * const color_names[][MAX_SERIES] = {
  [SEYE_GRAPH_CPU]     = { "seye_cpu_user", "seye_cpu_system", "seye_cpu_iowait", NULL },
  [SEYE_GRAPH_CORES]   = { "seye_cpu_user", NULL, NULL, NULL },
  [SEYE_GRAPH_MEMORY]  = { "seye_memory", "seye_swap", NULL, NULL },
  [SEYE_GRAPH_LOAD]    = { "seye_load_1", "seye_load_5", "seye_load_15", NULL },
  [SEYE_GRAPH_NETWORK] = { "seye_net_rx", "seye_net_tx", NULL, NULL },
};

static guint
n_values_for (SeyeGraph *self)
{
  switch (self->kind)
    {
    case SEYE_GRAPH_CPU:     return 3;
    case SEYE_GRAPH_MEMORY:  return 2;
    case SEYE_GRAPH_LOAD:    return 3;
    case SEYE_GRAPH_NETWORK: return 2;
    case SEYE_GRAPH_CORES:
      {
        SeyeSample *sample = self->node ? seye_node_get_sample (self->node) : NULL;

        if (sample != NULL && sample->cores != NULL && sample->cores->len > 0)
          return MIN (sample->cores->len, 4096);
        if (self->node != NULL && seye_node_get_info (self->node) != NULL)
          return MIN (seye_node_get_info (self->node)->n_cores, 4096);
        return 0;
      }
    default:
      g_return_val_if_reached (0);
    }
}

static gboolean
is_autoscaled (SeyeGraph *self)
{
  return self->kind == SEYE_GRAPH_LOAD || self->kind == SEYE_GRAPH_NETWORK;
}

/* Turns a sample into the values a graph draws; FALSE when it has none of them. */
static gboolean
sample_to_values (SeyeGraph        *self,
                  const SeyeSample *sample,
                  float            *values)
{
  switch (self->kind)
    {
    case SEYE_GRAPH_CPU:
      if (!(sample->parts & SEYE_SAMPLE_CPU))
        return FALSE;
      values[0] = sample->cpu.user;
      values[1] = values[0] + sample->cpu.system;
      values[2] = values[1] + sample->cpu.iowait;
      return TRUE;

    case SEYE_GRAPH_CORES:
      if (!(sample->parts & SEYE_SAMPLE_CPU) || sample->cores == NULL)
        return FALSE;
      for (guint i = 0; i < self->series->n_values; i++)
        values[i] = i < sample->cores->len ? g_array_index (sample->cores, SeyeCpuStat, i).busy : NAN;
      return TRUE;

    case SEYE_GRAPH_MEMORY:
      if (!(sample->parts & SEYE_SAMPLE_MEMORY))
        return FALSE;
      values[0] = seye_sample_get_memory_percent (sample);
      values[1] = sample->memory.swap_total > 0 ? seye_sample_get_swap_percent (sample) : NAN;
      return TRUE;

    case SEYE_GRAPH_LOAD:
      if (!(sample->parts & SEYE_SAMPLE_LOAD))
        return FALSE;
      values[0] = sample->load[0];
      values[1] = sample->load[1];
      values[2] = sample->load[2];
      return TRUE;

    case SEYE_GRAPH_NETWORK:
      if (!(sample->parts & SEYE_SAMPLE_NETWORK))
        return FALSE;
      values[0] = sample->net_rx_bytes_per_sec;
      values[1] = sample->net_tx_bytes_per_sec;
      return TRUE;

    default:
      return FALSE;
    }
}

static inline SeyeGraphSeries *
shown_series (SeyeGraph *self)
{
  return self->history != NULL ? self->history : self->series;
}

static void
clear_history_series (SeyeGraph *self)
{
  g_clear_pointer (&self->history, seye_graph_series_free);
  g_clear_pointer (&self->history_min, seye_graph_series_free);
  g_clear_pointer (&self->history_max, seye_graph_series_free);
}

static gint64
window_ms (SeyeGraph *self)
{
  if (self->history != NULL)
    return MAX (1, self->history_to_ms - self->history_from_ms);

  return (gint64) self->window * 1000;
}

static void
invalidate_static (SeyeGraph *self)
{
  g_clear_pointer (&self->static_node, gsk_render_node_unref);
}

static void
seye_graph_queue_draw (SeyeGraph *self)
{
  /* A graph that is not on screen costs nothing; it catches up when mapped. */
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    gtk_widget_queue_draw (GTK_WIDGET (self));
  else
    self->needs_draw = TRUE;
}

static gint64
end_time (SeyeGraph *self)
{
  guint n;

  if (self->history != NULL)
    return self->history_to_ms;

  n = seye_graph_series_get_length (self->series);

  return n > 0 ? seye_graph_series_get_time (self->series, n - 1) : 0;
}

static void
update_scale (SeyeGraph *self)
{
  double max;

  if (!is_autoscaled (self))
    max = 100.0;
  else
    {
      SeyeGraphSeries *series = self->history_max != NULL ? self->history_max : shown_series (self);
      gint64 since = end_time (self) - window_ms (self);
      double peak = seye_graph_series_get_max (series, since, 0, series->n_values);

      max = seye_graph_nice_max (peak, self->kind == SEYE_GRAPH_LOAD ? 1.0 : 1000.0);
    }

  if (max != self->max)
    {
      self->max = max;
      invalidate_static (self);
    }
}

static void
append_sample (SeyeGraph        *self,
               const SeyeSample *sample)
{
  float values[MAX_SERIES];
  g_autofree float *many = NULL;
  float *row = values;

  if (self->series->n_values > MAX_SERIES)
    row = many = g_new (float, self->series->n_values);

  if (self->series->n_values > 0 && sample_to_values (self, sample, row))
    seye_graph_series_append (self->series, sample->time_ms, row);
}

static void
rebuild_series (SeyeGraph *self)
{
  SeyeHistory *history;
  guint n_values;
  guint length;
  guint first;

  n_values = n_values_for (self);
  seye_graph_series_clear (self->series, n_values);

  if (self->node != NULL && (history = seye_node_get_history (self->node)) != NULL)
    {
      SeyeSample *latest = seye_history_get_latest (history);

      length = seye_history_get_length (history);
      first = 0;
      if (latest != NULL)
        first = seye_history_find_after (history, latest->time_ms - SEYE_GRAPH_MAX_WINDOW * 1000 - 2000);
      for (guint i = first; i < length; i++)
        append_sample (self, seye_history_get (history, i));
    }

  update_scale (self);
  invalidate_static (self);

  if (self->kind == SEYE_GRAPH_CORES)
    gtk_widget_queue_resize (GTK_WIDGET (self));
  seye_graph_queue_draw (self);
}

static void
sample_added_cb (SeyeGraph  *self,
                 SeyeSample *sample,
                 SeyeNode   *node)
{
  self->n_samples++;

  /* The number of cores changed (first sample, or a hot-plugged CPU): start again. */
  if (self->kind == SEYE_GRAPH_CORES && n_values_for (self) != self->series->n_values)
    {
      rebuild_series (self);
      return;
    }

  append_sample (self, sample);
  seye_graph_series_trim (self->series, sample->time_ms - SEYE_GRAPH_MAX_WINDOW * 1000);

  /* A history range changes when its owner hands over new points, not per sample. */
  if (self->history != NULL)
    return;

  update_scale (self);

  /* Drawn at the next tick, in the same frame as the list's updates. */
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      self->pending_draw = TRUE;
      seye_ticker_request (seye_ticker_get_default ());
    }
  else
    self->needs_draw = TRUE;
}

static void
tick_cb (SeyeGraph *self)
{
  if (self->pending_draw)
    {
      self->pending_draw = FALSE;
      seye_graph_queue_draw (self);
    }
}

static void
style_changed_cb (SeyeGraph *self)
{
  self->colors_valid = FALSE;
  invalidate_static (self);
  g_clear_object (&self->layout);
  seye_graph_queue_draw (self);
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

static PangoLayout *
get_layout (SeyeGraph *self)
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

static void
draw_frame (SeyeGraph *self,
            cairo_t   *cr,
            double     x,
            double     y,
            double     width,
            double     height,
            gboolean   time_lines)
{
  gint64 span_ms = window_ms (self);

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

  /* Time lines counted from the right edge, so they do not move as time goes. */
  if (time_lines)
    {
      gint64 step = seye_graph_time_grid_step (span_ms);

      for (gint64 t = step; t < span_ms; t += step)
        {
          double gx = round (seye_graph_time_to_x (-t, 0, span_ms, width)) + 0.5;

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
  PangoLayout *layout = get_layout (self);
  GdkRGBA label = self->fg;

  label.alpha = 0.55;

  if (self->kind == SEYE_GRAPH_CORES)
    {
      SeyeCoreLayout cores;

      seye_core_layout_compute (&cores, shown_series (self)->n_values, width);
      for (guint i = 0; i < shown_series (self)->n_values; i++)
        {
          g_autofree char *text = g_strdup_printf ("%u", i);
          double x, y;

          seye_core_layout_cell (&cores, i, &x, &y);
          draw_frame (self, cr, x, y, cores.cell_width, cores.cell_height, FALSE);

          pango_layout_set_text (layout, text, -1);
          gdk_cairo_set_source_rgba (cr, &label);
          cairo_move_to (cr, x + 4, y + 2);
          pango_cairo_show_layout (cr, layout);
        }
    }
  else
    {
      g_autofree char *top = format_axis_value (self, self->max);
      g_autofree char *span = NULL;

      draw_frame (self, cr, 0, 0, width, height, TRUE);

      /* The scale at the top left, the time span at the bottom left. */
      gdk_cairo_set_source_rgba (cr, &label);
      pango_layout_set_text (layout, top, -1);
      cairo_move_to (cr, 6, 3);
      pango_cairo_show_layout (cr, layout);

      span = seye_format_duration (window_ms (self) / 1000);
      pango_layout_set_text (layout, span, -1);
      cairo_move_to (cr, 6, height - 3 - pango_units_to_double (pango_layout_get_baseline (layout)) - 4);
      pango_cairo_show_layout (cr, layout);
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
  if (value < 0)
    return y0 + height;

  return y0 + seye_graph_value_to_y (seye_graph_series_get_value (shown_series (self), index, value),
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
  gint64 span_ms = window_ms (self);
  gint64 end = end_time (self);

  if (run->len == 0)
    return;

  if (fill)
    {
      GdkRGBA fill_color = *color;

      for (int j = (int) run->len - 1; j >= 0; j--)
        {
          guint index = g_array_index (run, guint, j);
          double x = x0 + seye_graph_time_to_x (seye_graph_series_get_time (shown_series (self), index),
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
  SeyeGraphSeries *series = shown_series (self);
  gint64 span_ms = window_ms (self);
  gint64 end = end_time (self);
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
  gint64 span_ms = window_ms (self);
  gint64 end = end_time (self);
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
        {
          /* Along the largest values, back along the smallest. */
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

static void
draw_hover (SeyeGraph *self,
            cairo_t   *cr,
            int        width,
            int        height)
{
  g_autoptr (GString) text = g_string_new (NULL);
  g_autoptr (GDateTime) when = NULL;
  g_autofree char *clock = NULL;
  SeyeGraphSeries *series = shown_series (self);
  gint64 span_ms = window_ms (self);
  gint64 end = end_time (self);
  PangoLayout *layout = get_layout (self);
  PangoRectangle extents;
  double area_x = 0, area_w = width;
  double x, box_x, box_y;
  int core = -1;
  int index;
  gint64 t;
  GdkRGBA bg;

  if (self->kind == SEYE_GRAPH_CORES)
    {
      SeyeCoreLayout cores;
      double cy;

      seye_core_layout_compute (&cores, series->n_values, width);
      core = seye_core_layout_hit (&cores, series->n_values, self->hover_x, self->hover_y);
      if (core < 0)
        return;
      seye_core_layout_cell (&cores, core, &area_x, &cy);
      area_w = cores.cell_width;
    }

  t = seye_graph_x_to_time (self->hover_x - area_x, end, span_ms, area_w);
  index = seye_graph_series_find_nearest (series, t);
  if (index < 0)
    return;
  t = seye_graph_series_get_time (series, index);
  if (t < end - span_ms)
    return;

  when = g_date_time_new_from_unix_local (t / 1000);
  /* Over more than a day the time alone is ambiguous: "Mon 14:02:11". */
  clock = g_date_time_format (when, span_ms > 24 * 3600 * 1000 ? "%a %X" : "%X");
  g_string_append (text, clock);

#define VALUE(i) seye_graph_series_get_value (series, index, (i))
  switch (self->kind)
    {
    case SEYE_GRAPH_CPU:
      {
        g_autofree char *user = seye_format_percent (VALUE (0));
        g_autofree char *system = seye_format_percent (VALUE (1) - VALUE (0));
        g_autofree char *iowait = seye_format_percent (VALUE (2) - VALUE (1));

        g_string_append_printf (text, "\n%s %s\n%s %s\n%s %s",
                                _("User"), user, _("System"), system, _("I/O wait"), iowait);
      }
      break;

    case SEYE_GRAPH_CORES:
      {
        g_autofree char *busy = seye_format_percent (VALUE (core));

        /* Translators: CPU core number and its usage, e.g. "Core 3: 45 %" */
        g_string_append_printf (text, "\n");
        g_string_append_printf (text, _("Core %d: %s"), core, busy);
      }
      break;

    case SEYE_GRAPH_MEMORY:
      {
        g_autofree char *memory = seye_format_percent (VALUE (0));

        g_string_append_printf (text, "\n%s %s", _("Memory"), memory);
        if (isfinite (VALUE (1)))
          {
            g_autofree char *swap = seye_format_percent (VALUE (1));
            g_string_append_printf (text, "\n%s %s", _("Swap"), swap);
          }
      }
      break;

    case SEYE_GRAPH_LOAD:
      g_string_append_printf (text, "\n%s %.2f\n%s %.2f\n%s %.2f",
                              _("1 min"), VALUE (0), _("5 min"), VALUE (1), _("15 min"), VALUE (2));
      break;

    case SEYE_GRAPH_NETWORK:
      {
        g_autofree char *rx = seye_format_rate (VALUE (0));
        g_autofree char *tx = seye_format_rate (VALUE (1));

        g_string_append_printf (text, "\n%s %s\n%s %s", _("Received"), rx, _("Sent"), tx);
      }
      break;

    default:
      break;
    }
#undef VALUE

  x = area_x + seye_graph_time_to_x (t, end, span_ms, area_w);

  cairo_set_line_width (cr, 1.0);
  gdk_cairo_set_source_rgba (cr, &self->fg);
  cairo_move_to (cr, round (x) + 0.5, 0);
  cairo_line_to (cr, round (x) + 0.5, height);
  cairo_stroke (cr);

  pango_layout_set_text (layout, text->str, -1);
  pango_layout_get_pixel_extents (layout, NULL, &extents);

  box_x = x + 8;
  if (box_x + extents.width + 12 > width)
    box_x = x - 8 - extents.width - 12;
  box_x = MAX (box_x, 0);
  box_y = CLAMP (self->hover_y - extents.height / 2.0 - 6, 0, MAX (0, height - extents.height - 12));

  /* A box in the window colours: the text colour on its inverse, a little transparent. */
  bg.red = 1.0 - self->fg.red;
  bg.green = 1.0 - self->fg.green;
  bg.blue = 1.0 - self->fg.blue;
  bg.alpha = 0.92;
  gdk_cairo_set_source_rgba (cr, &bg);
  cairo_rectangle (cr, box_x, box_y, extents.width + 12, extents.height + 12);
  cairo_fill_preserve (cr);
  gdk_cairo_set_source_rgba (cr, &self->grid);
  cairo_stroke (cr);

  gdk_cairo_set_source_rgba (cr, &self->fg);
  cairo_move_to (cr, box_x + 6, box_y + 6);
  pango_cairo_show_layout (cr, layout);
}

static void
seye_graph_snapshot (GtkWidget   *widget,
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

  if (self->static_node == NULL || self->static_width != width || self->static_height != height)
    {
      invalidate_static (self);
      self->static_node = build_static_node (self, width, height);
      self->static_width = width;
      self->static_height = height;
    }
  gtk_snapshot_append_node (snapshot, self->static_node);

  if (seye_graph_series_get_length (shown_series (self)) == 0)
    return;

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  /* Cairo's fast antialiasing: a 60-point line costs 2.4 million instructions to
   * stroke with the default and 1 million with it (a whole graph's area, 900,000
   * and 530,000), at every frame, for edges that look the same at this size. */
  cairo_set_antialias (cr, CAIRO_ANTIALIAS_FAST);

  /* Under the averages of stored points: how far each point's values spread. */
  if (self->history != NULL)
    {
      switch (self->kind)
        {
        case SEYE_GRAPH_CPU:
          draw_band (self, cr, 2, 0, 0, width, height, &self->colors[0]);
          break;

        case SEYE_GRAPH_CORES:
          {
            SeyeCoreLayout cores;

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

        seye_core_layout_compute (&cores, shown_series (self)->n_values, width);
        for (guint i = 0; i < shown_series (self)->n_values; i++)
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
      draw_filled (self, cr, 0, -1, 0, 0, width, height, &self->colors[0]);
      draw_series (self, cr, 1, -1, 0, 0, width, height, &self->colors[1], FALSE);
      break;

    default:
      break;
    }

  if (self->hover_x >= 0)
    draw_hover (self, cr, width, height);

  cairo_destroy (cr);
}

static GtkSizeRequestMode
seye_graph_get_request_mode (GtkWidget *widget)
{
  SeyeGraph *self = SEYE_GRAPH (widget);

  return self->kind == SEYE_GRAPH_CORES ? GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH
                                        : GTK_SIZE_REQUEST_CONSTANT_SIZE;
}

static void
seye_graph_measure (GtkWidget      *widget,
                    GtkOrientation  orientation,
                    int             for_size,
                    int            *minimum,
                    int            *natural,
                    int            *minimum_baseline,
                    int            *natural_baseline)
{
  SeyeGraph *self = SEYE_GRAPH (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = self->kind == SEYE_GRAPH_CORES ? (int) SEYE_CORE_MIN_CELL_WIDTH : 120;
      *natural = 400;
    }
  else if (self->kind == SEYE_GRAPH_CORES)
    {
      SeyeCoreLayout cores;

      seye_core_layout_compute (&cores, shown_series (self)->n_values, for_size < 0 ? 400 : for_size);
      *minimum = *natural = MAX (36, (int) ceil (seye_core_layout_height (&cores)));
    }
  else
    {
      *minimum = 80;
      *natural = 120;
    }
}

static void
seye_graph_map (GtkWidget *widget)
{
  SeyeGraph *self = SEYE_GRAPH (widget);

  GTK_WIDGET_CLASS (seye_graph_parent_class)->map (widget);

  if (self->needs_draw)
    gtk_widget_queue_draw (widget);
}

static void
motion_cb (SeyeGraph                *self,
           double                    x,
           double                    y,
           GtkEventControllerMotion *motion)
{
  self->hover_x = x;
  self->hover_y = y;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
leave_cb (SeyeGraph                *self,
          GtkEventControllerMotion *motion)
{
  self->hover_x = self->hover_y = -1;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
seye_graph_dispose (GObject *object)
{
  SeyeGraph *self = SEYE_GRAPH (object);

  seye_graph_set_node (self, NULL);
  invalidate_static (self);
  g_clear_object (&self->layout);

  G_OBJECT_CLASS (seye_graph_parent_class)->dispose (object);
}

static void
seye_graph_finalize (GObject *object)
{
  SeyeGraph *self = SEYE_GRAPH (object);

  g_clear_pointer (&self->series, seye_graph_series_free);
  clear_history_series (self);

  G_OBJECT_CLASS (seye_graph_parent_class)->finalize (object);
}

static void
seye_graph_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  SeyeGraph *self = SEYE_GRAPH (object);

  switch (prop_id)
    {
    case PROP_KIND:
      g_value_set_enum (value, self->kind);
      break;

    case PROP_NODE:
      g_value_set_object (value, self->node);
      break;

    case PROP_WINDOW:
      g_value_set_uint (value, self->window);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
seye_graph_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  SeyeGraph *self = SEYE_GRAPH (object);

  switch (prop_id)
    {
    case PROP_KIND:
      self->kind = g_value_get_enum (value);
      break;

    case PROP_NODE:
      seye_graph_set_node (self, g_value_get_object (value));
      break;

    case PROP_WINDOW:
      seye_graph_set_window (self, g_value_get_uint (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
seye_graph_class_init (SeyeGraphClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = seye_graph_dispose;
  object_class->finalize = seye_graph_finalize;
  object_class->get_property = seye_graph_get_property;
  object_class->set_property = seye_graph_set_property;

  widget_class->snapshot = seye_graph_snapshot;
  widget_class->measure = seye_graph_measure;
  widget_class->get_request_mode = seye_graph_get_request_mode;
  widget_class->map = seye_graph_map;

  properties[PROP_KIND] =
    g_param_spec_enum ("kind", NULL, NULL,
                       SEYE_TYPE_GRAPH_KIND,
                       SEYE_GRAPH_CPU,
                       (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  properties[PROP_NODE] =
    g_param_spec_object ("node", NULL, NULL,
                         SEYE_TYPE_NODE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_WINDOW] =
    g_param_spec_uint ("window", NULL, NULL,
                       10, SEYE_GRAPH_MAX_WINDOW, 60,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "graph");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
seye_graph_init (SeyeGraph *self)
{
  GtkEventController *motion;

  self->series = seye_graph_series_new (0);
  self->window = 60;
  self->max = 100.0;
  self->hover_x = self->hover_y = -1;

  motion = gtk_event_controller_motion_new ();
  g_signal_connect_object (motion, "motion", G_CALLBACK (motion_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (motion, "leave", G_CALLBACK (leave_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);

  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (style_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (adw_style_manager_get_default (), "notify::high-contrast",
                           G_CALLBACK (style_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (seye_ticker_get_default (), "tick",
                           G_CALLBACK (tick_cb), self, G_CONNECT_SWAPPED);
}

GtkWidget *
seye_graph_new (SeyeGraphKind kind)
{
  return g_object_new (SEYE_TYPE_GRAPH,
                       "kind", kind,
                       NULL);
}

SeyeGraphKind
seye_graph_get_kind (SeyeGraph *self)
{
  g_return_val_if_fail (SEYE_IS_GRAPH (self), 0);

  return self->kind;
}

SeyeNode *
seye_graph_get_node (SeyeGraph *self)
{
  g_return_val_if_fail (SEYE_IS_GRAPH (self), NULL);

  return self->node;
}

void
seye_graph_set_node (SeyeGraph *self,
                     SeyeNode  *node)
{
  g_return_if_fail (SEYE_IS_GRAPH (self));
  g_return_if_fail (node == NULL || SEYE_IS_NODE (node));

  if (self->node == node)
    return;

  if (self->node != NULL)
    g_signal_handlers_disconnect_by_func (self->node, sample_added_cb, self);

  g_set_object (&self->node, node);

  if (node != NULL)
    g_signal_connect_object (node, "sample-added", G_CALLBACK (sample_added_cb), self,
                             G_CONNECT_SWAPPED);

  /* Another node's history is not this one's: its owner queries again. */
  clear_history_series (self);
  rebuild_series (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NODE]);
}

guint
seye_graph_get_window (SeyeGraph *self)
{
  g_return_val_if_fail (SEYE_IS_GRAPH (self), 0);

  return self->window;
}

void
seye_graph_set_window (SeyeGraph *self,
                       guint      seconds)
{
  g_return_if_fail (SEYE_IS_GRAPH (self));

  seconds = CLAMP (seconds, 10, SEYE_GRAPH_MAX_WINDOW);
  if (self->window == seconds)
    return;

  self->window = seconds;
  update_scale (self);
  invalidate_static (self);
  seye_graph_queue_draw (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WINDOW]);
}

guint
seye_graph_get_n_points (SeyeGraph *self)
{
  g_return_val_if_fail (SEYE_IS_GRAPH (self), 0);

  return seye_graph_series_get_length (shown_series (self));
}

guint64
seye_graph_get_n_samples_received (SeyeGraph *self)
{
  g_return_val_if_fail (SEYE_IS_GRAPH (self), 0);

  return self->n_samples;
}

guint64
seye_graph_get_n_draws (SeyeGraph *self)
{
  g_return_val_if_fail (SEYE_IS_GRAPH (self), 0);

  return self->n_draws;
}

/**
 * seye_graph_set_history:
 * @points: (element-type SeyeStorePoint): a query's answer, oldest first
 * @from_ms: the left edge of the range (Unix ms)
 * @to_ms: the right edge
 *
 * Shows @points from the history store instead of the live samples, their averages as
 * lines, a point with gap_before not joined to the one before it.
 */
void
seye_graph_set_history (SeyeGraph *self,
                        GPtrArray *points,
                        gint64     from_ms,
                        gint64     to_ms)
{
  g_autofree float *row = NULL;
  guint n_values;

  g_return_if_fail (SEYE_IS_GRAPH (self));
  g_return_if_fail (points != NULL);
  g_return_if_fail (from_ms < to_ms);

  n_values = self->series->n_values;
  if (self->history == NULL)
    {
      self->history = seye_graph_series_new (n_values);
      self->history_min = seye_graph_series_new (n_values);
      self->history_max = seye_graph_series_new (n_values);
    }
  else
    {
      seye_graph_series_clear (self->history, n_values);
      seye_graph_series_clear (self->history_min, n_values);
      seye_graph_series_clear (self->history_max, n_values);
    }

  self->history_from_ms = from_ms;
  self->history_to_ms = to_ms;

  /* sample_to_values () sizes its rows by the live series: the same number of values. */
  row = g_new (float, MAX (n_values, MAX_SERIES));
  for (guint i = 0; i < points->len; i++)
    {
      const SeyeStorePoint *point = g_ptr_array_index (points, i);

      if (point->avg == NULL || n_values == 0 || !sample_to_values (self, point->avg, row) ||
          !seye_graph_series_append_full (self->history, point->time_ms, row, point->gap_before))
        continue;

      /* The band: the same times, unknown where a point carries no spread. */
      if (point->min == NULL || !sample_to_values (self, point->min, row))
        for (guint j = 0; j < n_values; j++)
          row[j] = NAN;
      seye_graph_series_append (self->history_min, point->time_ms, row);
      if (point->max == NULL || !sample_to_values (self, point->max, row))
        for (guint j = 0; j < n_values; j++)
          row[j] = NAN;
      seye_graph_series_append (self->history_max, point->time_ms, row);
    }

  update_scale (self);
  invalidate_static (self);
  if (self->kind == SEYE_GRAPH_CORES)
    gtk_widget_queue_resize (GTK_WIDGET (self));
  seye_graph_queue_draw (self);
}

/**
 * seye_graph_clear_history:
 *
 * Goes back to the live samples.
 */
void
seye_graph_clear_history (SeyeGraph *self)
{
  g_return_if_fail (SEYE_IS_GRAPH (self));

  if (self->history == NULL)
    return;

  clear_history_series (self);
  update_scale (self);
  invalidate_static (self);
  if (self->kind == SEYE_GRAPH_CORES)
    gtk_widget_queue_resize (GTK_WIDGET (self));
  seye_graph_queue_draw (self);
}

gboolean
seye_graph_get_showing_history (SeyeGraph *self)
{
  g_return_val_if_fail (SEYE_IS_GRAPH (self), FALSE);

  return self->history != NULL;
}

/* Times of the oldest and newest point shown; FALSE when there is none. */
gboolean
seye_graph_get_time_range (SeyeGraph *self,
                           gint64    *first_ms,
                           gint64    *last_ms)
{
  SeyeGraphSeries *series;
  guint n;

  g_return_val_if_fail (SEYE_IS_GRAPH (self), FALSE);

  series = shown_series (self);
  n = seye_graph_series_get_length (series);
  if (n == 0)
    return FALSE;

  if (first_ms != NULL)
    *first_ms = seye_graph_series_get_time (series, 0);
  if (last_ms != NULL)
    *last_ms = seye_graph_series_get_time (series, n - 1);

  return TRUE;
}
