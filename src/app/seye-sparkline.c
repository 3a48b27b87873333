/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-sparkline"

#include "config.h"

#include <adwaita.h>
#include <math.h>

#include "seye-graph-math.h"
#include "seye-sparkline.h"
#include "seye-ticker.h"

#define N_POINTS 60

/* The last minute of a node's CPU usage in a row of the node list. Values are kept
 * normalised (0..1) in a small ring as samples arrive; drawing only scales them.
 *
 * Drawn straight into pixels (seye_sparkline_rasterize()) that the frame paints as
 * they are: stroking and filling a 60-point path with Cairo into so few pixels cost
 * some 320,000 instructions a sparkline and frame (callgrind), played back from a
 * recording at every frame; the pixels cost a few thousand. */
struct _SeyeSparkline
{
  GtkWidget  parent_instance;

  SeyeNode  *node;

  float      values[N_POINTS];
  guint      head;          /* next slot to write */
  guint      length;

  GdkRGBA    color;
  guint      color_valid : 1;
  guint      dirty : 1;
};

enum {
  PROP_0,
  PROP_NODE,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (SeyeSparkline, seye_sparkline, GTK_TYPE_WIDGET)

static GParamSpec *properties[N_PROPS];

/* @busy: CPU busy percent, NAN when unknown (drawn as 0). */
static void
push_value (SeyeSparkline *self,
            double         busy)
{
  float value = isnan (busy) ? 0.0f : CLAMP (busy / 100.0, 0.0, 1.0);

  self->values[self->head] = value;
  self->head = (self->head + 1) % N_POINTS;
  self->length = MIN (self->length + 1, N_POINTS);
}

static void
sample_added_cb (SeyeSparkline *self,
                 SeyeSample    *sample,
                 SeyeNode      *node)
{
  push_value (self, (sample->parts & SEYE_SAMPLE_CPU) ? sample->cpu.busy : NAN);

  /* Drawn at the next tick together with the rest of the list, and only when visible. */
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      self->dirty = TRUE;
      seye_ticker_request (seye_ticker_get_default ());
    }
}

static void
tick_cb (SeyeSparkline *self)
{
  if (self->dirty)
    {
      self->dirty = FALSE;
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

static void
style_changed_cb (SeyeSparkline *self)
{
  self->color_valid = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
seye_sparkline_snapshot (GtkWidget   *widget,
                         GtkSnapshot *snapshot)
{
  SeyeSparkline *self = SEYE_SPARKLINE (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  int scale = gtk_widget_get_scale_factor (widget);
  cairo_surface_t *surface;
  float ordered[N_POINTS];
  double line[4], fill[4];
  cairo_t *cr;

  if (self->length < 2 || width <= 0 || height <= 0)
    return;

  if (!self->color_valid)
    {
      GtkStyleContext *context = gtk_widget_get_style_context (widget);

      if (!gtk_style_context_lookup_color (context, "seye_cpu_user", &self->color))
        gtk_style_context_get_color (context, &self->color);
      self->color_valid = TRUE;
    }

  /* Oldest first. */
  for (guint i = 0; i < self->length; i++)
    ordered[i] = self->values[(self->head + N_POINTS - self->length + i) % N_POINTS];

  line[0] = fill[0] = self->color.red;
  line[1] = fill[1] = self->color.green;
  line[2] = fill[2] = self->color.blue;
  line[3] = self->color.alpha;
  fill[3] = self->color.alpha * 0.3;

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width * scale, height * scale);
  cairo_surface_flush (surface);
  seye_sparkline_rasterize (ordered, self->length, N_POINTS,
                            (guint32 *) cairo_image_surface_get_data (surface),
                            width * scale, height * scale,
                            cairo_image_surface_get_stride (surface) / sizeof (guint32), scale,
                            line, fill);
  cairo_surface_mark_dirty (surface);
  cairo_surface_set_device_scale (surface, scale, scale);

  /* Painted from the pixels as they are: a texture would be converted pixel by
   * pixel into a Cairo surface again at each frame by GTK 4.8's Cairo renderer. */
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  cairo_set_source_surface (cr, surface, 0, 0);
  cairo_paint (cr);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

static void
seye_sparkline_measure (GtkWidget      *widget,
                        GtkOrientation  orientation,
                        int             for_size,
                        int            *minimum,
                        int            *natural,
                        int            *minimum_baseline,
                        int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 48;
      *natural = 80;
    }
  else
    {
      *minimum = *natural = 20;
    }
}

static void
seye_sparkline_dispose (GObject *object)
{
  seye_sparkline_set_node (SEYE_SPARKLINE (object), NULL);

  G_OBJECT_CLASS (seye_sparkline_parent_class)->dispose (object);
}

static void
seye_sparkline_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  SeyeSparkline *self = SEYE_SPARKLINE (object);

  switch (prop_id)
    {
    case PROP_NODE:
      g_value_set_object (value, self->node);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
seye_sparkline_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  SeyeSparkline *self = SEYE_SPARKLINE (object);

  switch (prop_id)
    {
    case PROP_NODE:
      seye_sparkline_set_node (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
seye_sparkline_class_init (SeyeSparklineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = seye_sparkline_dispose;
  object_class->get_property = seye_sparkline_get_property;
  object_class->set_property = seye_sparkline_set_property;

  widget_class->snapshot = seye_sparkline_snapshot;
  widget_class->measure = seye_sparkline_measure;

  properties[PROP_NODE] =
    g_param_spec_object ("node", NULL, NULL,
                         SEYE_TYPE_NODE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "sparkline");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
seye_sparkline_init (SeyeSparkline *self)
{
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (style_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (seye_ticker_get_default (), "tick",
                           G_CALLBACK (tick_cb), self, G_CONNECT_SWAPPED);
}

GtkWidget *
seye_sparkline_new (void)
{
  return g_object_new (SEYE_TYPE_SPARKLINE, NULL);
}

SeyeNode *
seye_sparkline_get_node (SeyeSparkline *self)
{
  g_return_val_if_fail (SEYE_IS_SPARKLINE (self), NULL);

  return self->node;
}

/* The last minute of a node that sends nothing now: kept, stopped, and dimmed. */
static void
state_cb (SeyeSparkline *self)
{
  if (self->node != NULL && !seye_node_has_current_values (self->node))
    gtk_widget_add_css_class (GTK_WIDGET (self), "dim-label");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "dim-label");
}

/* The last points of the node's history, as they are now. */
static void
load_history (SeyeSparkline *self)
{
  SeyeHistory *history = self->node != NULL ? seye_node_get_history (self->node) : NULL;
  guint length = history != NULL ? seye_history_get_length (history) : 0;

  self->head = self->length = 0;
  for (guint i = length > N_POINTS ? length - N_POINTS : 0; i < length; i++)
    push_value (self, seye_history_get_value (history, i, SEYE_SERIES_CPU_BUSY));

  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
seye_sparkline_set_node (SeyeSparkline *self,
                         SeyeNode      *node)
{
  g_return_if_fail (SEYE_IS_SPARKLINE (self));
  g_return_if_fail (node == NULL || SEYE_IS_NODE (node));

  if (self->node == node)
    return;

  if (self->node != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->node, sample_added_cb, self);
      g_signal_handlers_disconnect_by_func (self->node, state_cb, self);
      g_signal_handlers_disconnect_by_func (self->node, load_history, self);
    }

  g_set_object (&self->node, node);
  state_cb (self);

  if (node != NULL)
    {
      g_signal_connect_object (node, "sample-added", G_CALLBACK (sample_added_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (node, "notify::state", G_CALLBACK (state_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (node, "history-filled", G_CALLBACK (load_history), self,
                               G_CONNECT_SWAPPED);
    }

  load_history (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NODE]);
}
