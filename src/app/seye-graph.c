/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-graph"

#include "config.h"

#include <math.h>

#include "seye-graph-private.h"
#include "seye-store.h"
#include "seye-ticker.h"

/* The widget: its properties, its size, and the series it keeps, appended to as samples
 * arrive or replaced by a range from the history store. Drawing is in seye-graph-draw.c,
 * the read-out under the pointer in seye-graph-hover.c. */

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
        { SEYE_GRAPH_DISK, "SEYE_GRAPH_DISK", "disk" },
        { 0, NULL, NULL },
      };
      GType type = g_enum_register_static ("SeyeGraphKind", values);

      g_once_init_leave (&type_id, type);
    }

  return type_id;
}

static guint
n_values_for (SeyeGraph *self)
{
  switch (self->kind)
    {
    case SEYE_GRAPH_CPU:     return 3;
    case SEYE_GRAPH_MEMORY:  return 2;
    case SEYE_GRAPH_LOAD:    return 3;
    case SEYE_GRAPH_NETWORK: return 2;
    case SEYE_GRAPH_DISK:    return 2;
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
  return self->kind == SEYE_GRAPH_LOAD || self->kind == SEYE_GRAPH_NETWORK ||
         self->kind == SEYE_GRAPH_DISK;
}

/* Turns a row of series (seye-history.h) into the values a graph other than the cores'
 * draws; FALSE when it has none of them. */
static gboolean
row_to_values (SeyeGraph    *self,
               const double *row,
               float        *values)
{
  switch (self->kind)
    {
    case SEYE_GRAPH_CPU:
      if (isnan (row[SEYE_SERIES_CPU_USER]))
        return FALSE;
      values[0] = row[SEYE_SERIES_CPU_USER];
      values[1] = values[0] + row[SEYE_SERIES_CPU_SYSTEM];
      values[2] = values[1] + row[SEYE_SERIES_CPU_IOWAIT];
      return TRUE;

    case SEYE_GRAPH_MEMORY:
      if (isnan (row[SEYE_SERIES_MEMORY]))
        return FALSE;
      values[0] = row[SEYE_SERIES_MEMORY];
      values[1] = row[SEYE_SERIES_SWAP];
      return TRUE;

    case SEYE_GRAPH_LOAD:
      if (isnan (row[SEYE_SERIES_LOAD1]))
        return FALSE;
      values[0] = row[SEYE_SERIES_LOAD1];
      values[1] = row[SEYE_SERIES_LOAD5];
      values[2] = row[SEYE_SERIES_LOAD15];
      return TRUE;

    case SEYE_GRAPH_NETWORK:
      if (isnan (row[SEYE_SERIES_NET_RX]))
        return FALSE;
      values[0] = row[SEYE_SERIES_NET_RX];
      values[1] = row[SEYE_SERIES_NET_TX];
      return TRUE;

    case SEYE_GRAPH_DISK:
      if (isnan (row[SEYE_SERIES_DISK_READ]))
        return FALSE;
      values[0] = row[SEYE_SERIES_DISK_READ];
      values[1] = row[SEYE_SERIES_DISK_WRITE];
      return TRUE;

    case SEYE_GRAPH_CORES:
    default:
      return FALSE;
    }
}

/* Turns a sample (a new one, or a point of the history store) into the values a graph
 * draws; FALSE when it has none of them. */
static gboolean
sample_to_values (SeyeGraph        *self,
                  const SeyeSample *sample,
                  float            *values)
{
  double row[SEYE_N_SERIES];

  if (self->kind == SEYE_GRAPH_CORES)
    {
      if (!(sample->parts & SEYE_SAMPLE_CPU) || sample->cores == NULL)
        return FALSE;
      for (guint i = 0; i < self->series->n_values; i++)
        values[i] = i < sample->cores->len ? g_array_index (sample->cores, SeyeCpuStat, i).busy : NAN;
      return TRUE;
    }

  seye_series_from_sample (sample, row);

  return row_to_values (self, row, values);
}

/* The same from the @index-th sample of a node's history. */
static gboolean
history_to_values (SeyeGraph   *self,
                   SeyeHistory *history,
                   guint        index,
                   float       *values)
{
  double row[SEYE_N_SERIES];
  gboolean known = FALSE;

  if (self->kind == SEYE_GRAPH_CORES)
    {
      for (guint i = 0; i < self->series->n_values; i++)
        {
          values[i] = seye_history_get_core (history, index, i);
          known |= !isnan (values[i]);
        }
      return known;
    }

  seye_history_get_row (history, index, row);

  return row_to_values (self, row, values);
}

static void
clear_history_series (SeyeGraph *self)
{
  g_clear_pointer (&self->history, seye_graph_series_free);
  g_clear_pointer (&self->history_min, seye_graph_series_free);
  g_clear_pointer (&self->history_max, seye_graph_series_free);
}

void
_seye_graph_queue_draw (SeyeGraph *self)
{
  /* A graph that is not on screen costs nothing; it catches up when mapped. */
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    gtk_widget_queue_draw (GTK_WIDGET (self));
  else
    self->needs_draw = TRUE;
}

static void
update_scale (SeyeGraph *self)
{
  double max;

  if (!is_autoscaled (self))
    max = 100.0;
  else
    {
      SeyeGraphSeries *series = self->history_max != NULL ? self->history_max
                                                          : _seye_graph_shown_series (self);
      gint64 since = _seye_graph_end_time (self) - _seye_graph_window_ms (self);
      double peak = seye_graph_series_get_max (series, since, 0, series->n_values);

      max = seye_graph_nice_max (peak, self->kind == SEYE_GRAPH_LOAD ? 1.0 : 1000.0);
    }

  if (max != self->max)
    {
      self->max = max;
      _seye_graph_invalidate_static (self);
    }
}

/* Appends the values of @sample, or else of the @index-th sample of @history. */
static void
append_values (SeyeGraph        *self,
               const SeyeSample *sample,
               SeyeHistory      *history,
               guint             index)
{
  float values[MAX_SERIES];
  g_autofree float *many = NULL;
  float *row = values;
  gboolean known;

  if (self->series->n_values == 0)
    return;
  if (self->series->n_values > MAX_SERIES)
    row = many = g_new (float, self->series->n_values);

  known = sample != NULL ? sample_to_values (self, sample, row)
                         : history_to_values (self, history, index, row);
  if (known)
    seye_graph_series_append (self->series,
                              sample != NULL ? sample->time_ms : seye_history_get_time (history, index),
                              row);
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
      gint64 latest_ms = seye_history_get_latest_time (history);

      length = seye_history_get_length (history);
      first = 0;
      if (length > 0)
        first = seye_history_find_after (history, latest_ms - SEYE_GRAPH_MAX_WINDOW * 1000 - 2000);
      for (guint i = first; i < length; i++)
        append_values (self, NULL, history, i);
    }

  update_scale (self);
  _seye_graph_invalidate_static (self);

  if (self->kind == SEYE_GRAPH_CORES)
    gtk_widget_queue_resize (GTK_WIDGET (self));
  _seye_graph_queue_draw (self);
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

  append_values (self, sample, NULL, 0);
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
      _seye_graph_queue_draw (self);
    }
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
      *natural = 240;   /* two sections side by side fit a pane of 600 px */
    }
  else if (self->kind == SEYE_GRAPH_CORES &&
           seye_core_use_heatmap (_seye_graph_shown_series (self)->n_values))
    *minimum = *natural = (int) ceil (seye_core_heatmap_height (_seye_graph_shown_series (self)->n_values));
  else if (self->kind == SEYE_GRAPH_CORES)
    {
      SeyeCoreLayout cores;

      seye_core_layout_compute (&cores, _seye_graph_shown_series (self)->n_values,
                                for_size < 0 ? 400 : for_size);
      *minimum = *natural = MAX (36, (int) ceil (seye_core_layout_height (&cores)));
    }
  else
    {
      *minimum = 60;
      *natural = 60;
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
seye_graph_dispose (GObject *object)
{
  SeyeGraph *self = SEYE_GRAPH (object);

  seye_graph_set_node (self, NULL);
  _seye_graph_invalidate_static (self);
  g_clear_object (&self->layout);

  G_OBJECT_CLASS (seye_graph_parent_class)->dispose (object);
}

static void
seye_graph_finalize (GObject *object)
{
  SeyeGraph *self = SEYE_GRAPH (object);

  g_clear_pointer (&self->series, seye_graph_series_free);
  clear_history_series (self);
  g_clear_pointer (&self->description, g_free);

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

  widget_class->snapshot = _seye_graph_snapshot;
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

  _seye_graph_hover_class_init (widget_class);
}

static void
seye_graph_init (SeyeGraph *self)
{
  self->series = seye_graph_series_new (0);
  self->window = 60;
  self->max = 100.0;

  _seye_graph_hover_init (self);
  _seye_graph_draw_init (self);

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
    {
      g_signal_handlers_disconnect_by_func (self->node, sample_added_cb, self);
      g_signal_handlers_disconnect_by_func (self->node, rebuild_series, self);
    }

  g_set_object (&self->node, node);

  if (node != NULL)
    {
      g_signal_connect_object (node, "sample-added", G_CALLBACK (sample_added_cb), self,
                               G_CONNECT_SWAPPED);
      /* Older samples from its source (a Prometheus server): drawn whole at once. */
      g_signal_connect_object (node, "history-filled", G_CALLBACK (rebuild_series), self,
                               G_CONNECT_SWAPPED);
    }

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
  _seye_graph_invalidate_static (self);
  _seye_graph_queue_draw (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WINDOW]);
}

guint
seye_graph_get_n_points (SeyeGraph *self)
{
  g_return_val_if_fail (SEYE_IS_GRAPH (self), 0);

  return seye_graph_series_get_length (_seye_graph_shown_series (self));
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
  _seye_graph_invalidate_static (self);
  if (self->kind == SEYE_GRAPH_CORES)
    gtk_widget_queue_resize (GTK_WIDGET (self));
  _seye_graph_queue_draw (self);
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
  _seye_graph_invalidate_static (self);
  if (self->kind == SEYE_GRAPH_CORES)
    gtk_widget_queue_resize (GTK_WIDGET (self));
  _seye_graph_queue_draw (self);
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

  series = _seye_graph_shown_series (self);
  n = seye_graph_series_get_length (series);
  if (n == 0)
    return FALSE;

  if (first_ms != NULL)
    *first_ms = seye_graph_series_get_time (series, 0);
  if (last_ms != NULL)
    *last_ms = seye_graph_series_get_time (series, n - 1);

  return TRUE;
}
