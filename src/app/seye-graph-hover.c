/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-graph"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "seye-format.h"
#include "seye-graph-private.h"

/* The read-out under the pointer: a line at the nearest point and a box with its time
 * and values, drawn over the series; the pointer is followed by a motion controller. */

/* The point under the pointer: the area it is in (a core's cell, or the whole graph),
 * the index of the nearest point and its time; FALSE when there is none on screen. */
static gboolean
find_hovered_point (SeyeGraph *self,
                    int        width,
                    double    *area_x,
                    double    *area_w,
                    int       *core,
                    int       *index,
                    gint64    *t)
{
  SeyeGraphSeries *series = _seye_graph_shown_series (self);
  gint64 span_ms = _seye_graph_window_ms (self);
  gint64 end = _seye_graph_end_time (self);

  *area_x = 0;
  *area_w = width;
  *core = -1;

  if (self->kind == SEYE_GRAPH_CORES && seye_core_use_heatmap (series->n_values))
    {
      *core = seye_core_heatmap_hit (series->n_values, self->hover_y);
      if (*core < 0)
        return FALSE;
    }
  else if (self->kind == SEYE_GRAPH_CORES)
    {
      SeyeCoreLayout cores;
      double cy;

      seye_core_layout_compute (&cores, series->n_values, width);
      *core = seye_core_layout_hit (&cores, series->n_values, self->hover_x, self->hover_y);
      if (*core < 0)
        return FALSE;
      seye_core_layout_cell (&cores, *core, area_x, &cy);
      *area_w = cores.cell_width;
    }

  *t = seye_graph_x_to_time (self->hover_x - *area_x, end, span_ms, *area_w);
  *index = seye_graph_series_find_nearest (series, *t);
  if (*index < 0)
    return FALSE;
  *t = seye_graph_series_get_time (series, *index);

  return *t >= end - span_ms;
}

/* The read-out's text: the point's time, then its values by name. */
static char *
dup_hover_text (SeyeGraph *self,
                int        index,
                int        core,
                gint64     t)
{
  g_autoptr (GString) text = g_string_new (NULL);
  g_autoptr (GDateTime) when = NULL;
  g_autofree char *clock = NULL;
  SeyeGraphSeries *series = _seye_graph_shown_series (self);
  gint64 span_ms = _seye_graph_window_ms (self);

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

    case SEYE_GRAPH_DISK:
      {
        g_autofree char *read = seye_format_rate (VALUE (0));
        g_autofree char *written = seye_format_rate (VALUE (1));

        g_string_append_printf (text, "\n%s %s\n%s %s", _("Read"), read, _("Written"), written);
      }
      break;

    default:
      break;
    }
#undef VALUE

  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* A line at @x and, beside it, a box with @text in the window colours. */
static void
draw_hover_box (SeyeGraph  *self,
                cairo_t    *cr,
                double      x,
                const char *text,
                int         width,
                int         height)
{
  PangoLayout *layout = _seye_graph_get_layout (self);
  PangoRectangle extents;
  double box_x, box_y;
  GdkRGBA bg;

  cairo_set_line_width (cr, 1.0);
  gdk_cairo_set_source_rgba (cr, &self->fg);
  cairo_move_to (cr, round (x) + 0.5, 0);
  cairo_line_to (cr, round (x) + 0.5, height);
  cairo_stroke (cr);

  pango_layout_set_text (layout, text, -1);
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

/* Where the keyboard's cursor is drawn: its point's place, in its core's cell or row. */
static void
sync_cursor (SeyeGraph *self,
             int        width,
             int        height)
{
  SeyeGraphSeries *series = _seye_graph_shown_series (self);
  gint64 span_ms = _seye_graph_window_ms (self);
  gint64 end = _seye_graph_end_time (self);
  double x0 = 0, y0 = 0, w = width, h = height;

  if (self->cursor_ms == 0)
    return;

  /* Kept on screen as time goes by. */
  self->cursor_ms = MAX (self->cursor_ms, end - span_ms);

  if (self->kind == SEYE_GRAPH_CORES && seye_core_use_heatmap (series->n_values))
    {
      h = seye_core_heatmap_row_height (series->n_values);
      y0 = self->cursor_core * h;
    }
  else if (self->kind == SEYE_GRAPH_CORES)
    {
      SeyeCoreLayout cores;

      seye_core_layout_compute (&cores, series->n_values, width);
      seye_core_layout_cell (&cores, self->cursor_core, &x0, &y0);
      w = cores.cell_width;
      h = cores.cell_height;
    }

  self->hover_x = x0 + seye_graph_time_to_x (self->cursor_ms, end, span_ms, w);
  self->hover_y = y0 + h / 2.0;
}

void
_seye_graph_draw_hover (SeyeGraph *self,
                        cairo_t   *cr,
                        int        width,
                        int        height)
{
  g_autofree char *text = NULL;
  double area_x, area_w;
  int core, index;
  gint64 t;
  double x;

  sync_cursor (self, width, height);
  if (!find_hovered_point (self, width, &area_x, &area_w, &core, &index, &t))
    return;

  text = dup_hover_text (self, index, core, t);
  x = area_x + seye_graph_time_to_x (t, _seye_graph_end_time (self), _seye_graph_window_ms (self),
                                     area_w);
  draw_hover_box (self, cr, x, text, width, height);
}

static void
motion_cb (SeyeGraph                *self,
           double                    x,
           double                    y,
           GtkEventControllerMotion *motion)
{
  self->cursor_ms = 0;
  self->hover_x = x;
  self->hover_y = y;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
leave_cb (SeyeGraph                *self,
          GtkEventControllerMotion *motion)
{
  /* The keyboard's cursor stays where it was. */
  if (self->cursor_ms == 0)
    self->hover_x = self->hover_y = -1;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* The accessible description: the read-out at the cursor on one line. */
static void
update_description (SeyeGraph *self,
                    int        index,
                    int        core)
{
  g_autofree char *text = NULL;

  if (index >= 0)
    {
      g_autofree char *lines = dup_hover_text (self, index, core,
                                               seye_graph_series_get_time (_seye_graph_shown_series (self),
                                                                           index));
      g_auto (GStrv) parts = g_strsplit (lines, "\n", -1);

      /* "14:02:11, User 12 %, System 3 %": the read-out's lines on one. */
      text = g_strjoinv (", ", parts);
    }

  if (g_strcmp0 (text, self->description) == 0)
    return;

  g_free (self->description);
  self->description = g_steal_pointer (&text);
  if (self->description != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                    self->description, -1);
  else
    gtk_accessible_reset_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
}

/* graph.move-cursor (ii): @points along time (negative: older), @cores across cores.
 * The first move puts the cursor on the newest point. */
static void
move_cursor_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  SeyeGraph *self = SEYE_GRAPH (widget);
  SeyeGraphSeries *series = _seye_graph_shown_series (self);
  gint64 end = _seye_graph_end_time (self);
  guint n = seye_graph_series_get_length (series);
  guint first = seye_graph_series_find_after (series, end - _seye_graph_window_ms (self));
  int points, cores, index;

  g_variant_get (param, "(ii)", &points, &cores);
  if (n == 0 || first >= n)
    return;

  if (self->cursor_ms == 0)
    index = n - 1;
  else
    {
      index = seye_graph_series_find_nearest (series, self->cursor_ms);
      index = CLAMP (index + points, (int) first, (int) n - 1);
    }

  if (self->kind == SEYE_GRAPH_CORES && series->n_values > 0)
    self->cursor_core = CLAMP (self->cursor_core + cores, 0, (int) series->n_values - 1);

  self->cursor_ms = seye_graph_series_get_time (series, index);
  update_description (self, index, self->kind == SEYE_GRAPH_CORES ? self->cursor_core : -1);
  gtk_widget_queue_draw (widget);
}

/* graph.clear-cursor: the read-out goes away. */
static void
clear_cursor_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  SeyeGraph *self = SEYE_GRAPH (widget);

  self->cursor_ms = 0;
  self->hover_x = self->hover_y = -1;
  update_description (self, -1, -1);
  gtk_widget_queue_draw (widget);
}

void
_seye_graph_hover_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "graph.move-cursor", "(ii)", move_cursor_action);
  gtk_widget_class_install_action (widget_class, "graph.clear-cursor", NULL, clear_cursor_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, 0, "graph.move-cursor", "(ii)", -1, 0);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Right, 0, "graph.move-cursor", "(ii)", 1, 0);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Up, 0, "graph.move-cursor", "(ii)", 0, -1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Down, 0, "graph.move-cursor", "(ii)", 0, 1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "graph.clear-cursor", NULL);
}

/**
 * seye_graph_get_cursor_description:
 *
 * Returns: (nullable): what the accessible description says: the time and values at
 *   the keyboard's cursor, NULL while there is none.
 */
const char *
seye_graph_get_cursor_description (SeyeGraph *self)
{
  g_return_val_if_fail (SEYE_IS_GRAPH (self), NULL);

  return self->description;
}

void
_seye_graph_hover_init (SeyeGraph *self)
{
  GtkEventController *motion = gtk_event_controller_motion_new ();

  self->hover_x = self->hover_y = -1;
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);

  g_signal_connect_object (motion, "motion", G_CALLBACK (motion_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (motion, "leave", G_CALLBACK (leave_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
}
