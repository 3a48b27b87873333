/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-detail-pane"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include <math.h>
#include <string.h>

#include "seye-detail-pane-private.h"
#include "seye-format.h"
#include "seye-sanitize.h"

#define MAX_QUERY_POINTS   1440              /* at most one a minute over a day: rollups */
#define MIN_REFRESH_MS     5000

/*
 * Ranges longer than the graphs' live series (1 hour, 24 hours, 7 days), read from the
 * history store (or from the node's source when it keeps them: a Prometheus server's
 * query_range) when the pane is on screen and handed to the graphs; and the export of
 * a node's history to a CSV or JSON file.
 */

static const char *
get_node_id (SeyeDetailPane *self)
{
  const SeyeNodeInfo *info = self->node ? seye_node_get_info (self->node) : NULL;

  return info != NULL ? info->node_id : NULL;
}

static void
foreach_graph_set_history (SeyeDetailPane *self,
                           GPtrArray      *points,
                           gint64          from_ms,
                           gint64          to_ms)
{
  SeyeGraph *graphs[] = { self->cpu_graph, self->cores_graph, self->memory_graph,
                          self->load_graph, self->network_graph, self->disk_graph };

  for (guint i = 0; i < G_N_ELEMENTS (graphs); i++)
    {
      if (points != NULL)
        seye_graph_set_history (graphs[i], points, from_ms, to_ms);
      else
        seye_graph_clear_history (graphs[i]);
    }
}

/* Averages (weighted by the samples in each point) and maxima over a stored range. */
typedef struct
{
  double weight;
  double avg[7];
  double max[7];
} RangeStats;

enum { STAT_CPU, STAT_MEMORY, STAT_LOAD, STAT_RX, STAT_TX, STAT_READ, STAT_WRITE };

static gboolean
sample_stats (const SeyeSample *sample,
              double           *values)
{
  if (sample == NULL)
    return FALSE;

  values[STAT_CPU] = sample->parts & SEYE_SAMPLE_CPU ? sample->cpu.busy : NAN;
  values[STAT_MEMORY] = sample->parts & SEYE_SAMPLE_MEMORY ? seye_sample_get_memory_percent (sample) : NAN;
  values[STAT_LOAD] = sample->parts & SEYE_SAMPLE_LOAD ? sample->load[0] : NAN;
  values[STAT_RX] = sample->parts & SEYE_SAMPLE_NETWORK ? sample->net_rx_bytes_per_sec : NAN;
  values[STAT_TX] = sample->parts & SEYE_SAMPLE_NETWORK ? sample->net_tx_bytes_per_sec : NAN;
  values[STAT_READ] = sample->parts & SEYE_SAMPLE_DISK ? sample->disk_read_bytes_per_sec : NAN;
  values[STAT_WRITE] = sample->parts & SEYE_SAMPLE_DISK ? sample->disk_write_bytes_per_sec : NAN;

  return TRUE;
}

static void
range_stats_compute (RangeStats *stats,
                     GPtrArray  *points)
{
  double weights[7] = { 0 };

  memset (stats, 0, sizeof *stats);
  for (guint k = 0; k < 7; k++)
    stats->max[k] = NAN;

  for (guint i = 0; i < points->len; i++)
    {
      const SeyeStorePoint *point = g_ptr_array_index (points, i);
      double w = MAX (1, point->n_samples);
      double avg[7], max[7];

      if (!sample_stats (point->avg, avg))
        continue;
      if (!sample_stats (point->max != NULL ? point->max : point->avg, max))
        continue;

      for (guint k = 0; k < 7; k++)
        {
          if (isfinite (avg[k]))
            {
              stats->avg[k] += avg[k] * w;
              weights[k] += w;
            }
          if (isfinite (max[k]) && !(max[k] <= stats->max[k]))
            stats->max[k] = max[k];
        }
    }

  for (guint k = 0; k < 7; k++)
    stats->avg[k] = weights[k] > 0 ? stats->avg[k] / weights[k] : NAN;
  stats->weight = weights[STAT_CPU];
}

static char *
dup_percent_stats (const RangeStats *stats,
                   guint             k)
{
  g_autofree char *avg = NULL;
  g_autofree char *max = NULL;

  if (!isfinite (stats->avg[k]))
    return NULL;

  avg = seye_format_percent (stats->avg[k]);
  max = seye_format_percent (stats->max[k]);
  /* Translators: over a past range, e.g. "avg 34 % · max 97 %" */
  return g_strdup_printf (_("avg %s · max %s"), avg, max);
}

static char *
dup_rate_stats (const RangeStats *stats,
                guint             first,
                const char       *format)
{
  g_autofree char *avg0 = NULL, *avg1 = NULL, *max0 = NULL, *max1 = NULL;

  if (!isfinite (stats->avg[first]) || !isfinite (stats->avg[first + 1]))
    return NULL;

  avg0 = seye_format_rate (stats->avg[first]);
  avg1 = seye_format_rate (stats->avg[first + 1]);
  max0 = seye_format_rate (stats->max[first]);
  max1 = seye_format_rate (stats->max[first + 1]);

  return g_strdup_printf (format, avg0, avg1, max0, max1);
}

static void
set_value (GtkInscription *inscription,
           char           *text)   /* (transfer full) */
{
  gtk_inscription_set_text (inscription, text != NULL ? text : "–");
  g_free (text);
}

/* Over a past range the numbers above the graphs are that range's averages and maxima. */
static void
show_range_values (SeyeDetailPane *self,
                   GPtrArray      *points)
{
  RangeStats stats;

  range_stats_compute (&stats, points);

  set_value (self->cpu_value_label, dup_percent_stats (&stats, STAT_CPU));
  set_value (self->memory_value_label, dup_percent_stats (&stats, STAT_MEMORY));
  set_value (self->load_value_label,
             isfinite (stats.avg[STAT_LOAD])
             /* Translators: load over a past range, e.g. "avg 0.42 · max 1.20" */
             ? g_strdup_printf (_("avg %.2f · max %.2f"), stats.avg[STAT_LOAD], stats.max[STAT_LOAD])
             : NULL);
  /* Translators: network over a past range: averages received and sent, then maxima */
  set_value (self->network_value_label, dup_rate_stats (&stats, STAT_RX, _("avg ↓ %s ↑ %s · max ↓ %s ↑ %s")));
  /* Translators: disk I/O over a past range: averages read and written, then maxima */
  set_value (self->disk_value_label, dup_rate_stats (&stats, STAT_READ,
                                                     _("avg read %s, written %s · max read %s, written %s")));
}

/* For tests: what the CPU graph's value line says. */
char *
_seye_detail_pane_dup_cpu_values (SeyeDetailPane *self)
{
  return g_strdup (gtk_inscription_get_text (self->cpu_value_label));
}

static void
cancel_query (SeyeDetailPane *self)
{
  g_cancellable_cancel (self->query_cancellable);
  g_clear_object (&self->query_cancellable);
}

/* The points of a range came, or why not. */
static void
show_points (SeyeDetailPane *self,
             GPtrArray      *points,
             const GError   *error)
{
  g_autoptr (GPtrArray) none = NULL;

  g_clear_object (&self->query_cancellable);

  if (points == NULL)
    {
      g_autofree char *name = self->node ? seye_sanitize_display (seye_node_get_name (self->node)) : NULL;
      g_autofree char *why = seye_sanitize_display (error->message);

      g_warning ("Cannot read the history of %s: %s", name ? name : "?", why);
      points = none = g_ptr_array_new ();
    }

  if (_seye_detail_pane_is_history_window (self->window))
    {
      foreach_graph_set_history (self, points, self->query_to_ms - (gint64) self->window * 1000,
                                 self->query_to_ms);
      show_range_values (self, points);
    }
}

static void
query_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr (GPtrArray) points = NULL;
  g_autoptr (GError) error = NULL;

  points = seye_store_query_finish (SEYE_STORE (object), result, &error);

  /* Cancelled: the node or the range changed, or the pane is gone; @user_data may be too. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  show_points (SEYE_DETAIL_PANE (user_data), points, error);
}

/* The same from a source that keeps the history itself (a Prometheus server). */
static void
range_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr (GPtrArray) points = NULL;
  g_autoptr (GError) error = NULL;

  points = seye_source_fetch_range_finish (SEYE_SOURCE (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  show_points (SEYE_DETAIL_PANE (user_data), points, error);
}

/* The node's source when it gives ranges itself, else NULL: the store's. */
static SeyeSource *
range_source (SeyeDetailPane *self)
{
  SeyeSource *source = self->node != NULL ? _seye_detail_pane_get_source (self, self->node) : NULL;

  return source != NULL && seye_source_has_range (source) ? source : NULL;
}

/* Reads the shown range from the store, now if the pane is on screen, else when it is mapped. */
void
_seye_detail_pane_reload_history (SeyeDetailPane *self)
{
  const char *node_id = get_node_id (self);
  gint64 to_ms = g_get_real_time () / 1000;
  gint64 from_ms = to_ms - (gint64) self->window * 1000;
  SeyeSource *source;
  int width;
  guint max_points;

  cancel_query (self);
  self->history_dirty = FALSE;

  if (self->node == NULL || !_seye_detail_pane_is_history_window (self->window))
    return;

  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      self->history_dirty = TRUE;
      return;
    }

  self->query_to_ms = to_ms;
  source = range_source (self);

  /* Without a store or before the node said who it is, the range is shown empty. */
  if (source == NULL && (self->store == NULL || node_id == NULL))
    {
      g_autoptr (GPtrArray) none = g_ptr_array_new ();

      foreach_graph_set_history (self, none, from_ms, to_ms);
      show_range_values (self, none);
      return;
    }

  /* About one point per pixel, never finer than a minute over a day or more. */
  width = gtk_widget_get_width (GTK_WIDGET (self->cpu_graph));
  max_points = CLAMP (width > 0 ? width : 600, 60, MAX_QUERY_POINTS);
  self->refresh_ms = MAX (MIN_REFRESH_MS, ((gint64) self->window * 1000) / max_points);

  self->query_cancellable = g_cancellable_new ();
  if (source != NULL)
    seye_source_fetch_range (source, self->node, from_ms, to_ms, max_points,
                             self->query_cancellable, range_cb, self);
  else
    seye_store_query_async (self->store, node_id, from_ms, to_ms, max_points,
                            self->query_cancellable, query_cb, self);
}

/* A long range moves on when there is a point's worth of new data, and only on screen. */
void
_seye_detail_pane_history_sample_added (SeyeDetailPane *self,
                                        SeyeSample     *sample)
{
  if (!_seye_detail_pane_is_history_window (self->window))
    return;

  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    self->history_dirty = TRUE;
  else if (self->query_cancellable == NULL && (self->store != NULL || range_source (self) != NULL) &&
           sample->time_ms - self->query_to_ms >= self->refresh_ms)
    _seye_detail_pane_reload_history (self);
}

/* Back to the live samples, which kept coming in meanwhile. */
void
_seye_detail_pane_show_live (SeyeDetailPane *self)
{
  cancel_query (self);
  self->history_dirty = FALSE;
  foreach_graph_set_history (self, NULL, 0, 0);
}

static void
export_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr (SeyeDetailPane) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (AdwToast) toast = NULL;
  g_autofree char *title = NULL;
  g_autofree char *escaped = NULL;
  GtkWidget *overlay;

  if (seye_store_export_finish (SEYE_STORE (object), result, &error))
    {
      g_autofree char *where = g_file_get_parse_name (self->export_file);

      /* Translators: %s is the file the history was written to */
      title = g_strdup_printf (_("History saved to %s"), where);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  else
    /* Translators: %s says why, e.g. "Permission denied" */
    title = g_strdup_printf (_("Could not export the history: %s"), error->message);

  overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);
  if (overlay == NULL)
    return;

  escaped = g_markup_escape_text (title, -1);
  toast = adw_toast_new (escaped);
  adw_toast_set_timeout (toast, error != NULL ? 0 : 5);
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), g_steal_pointer (&toast));
}

static void
export_response_cb (SeyeDetailPane       *self,
                    int                   response,
                    GtkFileChooserNative *dialog)
{
  GtkFileChooser *chooser = GTK_FILE_CHOOSER (dialog);
  g_autoptr (GFile) file = NULL;
  GtkFileFilter *filter;   /* transfer none */
  g_autofree char *basename = NULL;
  const char *range;
  const char *node_id = get_node_id (self);
  SeyeStoreFormat format;
  gint64 to_ms = g_get_real_time () / 1000;
  gint64 seconds;

  if (response != GTK_RESPONSE_ACCEPT || self->store == NULL || node_id == NULL)
    goto out;

  file = gtk_file_chooser_get_file (chooser);
  if (file == NULL)
    goto out;

  /* The name's extension wins; without one, the chosen filter says. */
  basename = g_file_get_basename (file);
  filter = gtk_file_chooser_get_filter (chooser);
  if (g_str_has_suffix (basename, ".json"))
    format = SEYE_STORE_FORMAT_JSON;
  else if (g_str_has_suffix (basename, ".csv"))
    format = SEYE_STORE_FORMAT_CSV;
  else
    format = filter == self->json_filter ? SEYE_STORE_FORMAT_JSON : SEYE_STORE_FORMAT_CSV;

  range = gtk_file_chooser_get_choice (chooser, "range");
  if (g_strcmp0 (range, "day") == 0)
    seconds = 24 * 3600;
  else if (g_strcmp0 (range, "week") == 0)
    seconds = 7 * 24 * 3600;
  else if (g_strcmp0 (range, "month") == 0)
    seconds = 30 * 24 * 3600;
  else
    seconds = self->window;

  g_cancellable_cancel (self->export_cancellable);
  g_clear_object (&self->export_cancellable);
  self->export_cancellable = g_cancellable_new ();
  g_set_object (&self->export_file, file);

  seye_store_export_async (self->store, node_id, to_ms - seconds * 1000, to_ms, format, file,
                           self->export_cancellable, export_done_cb, g_object_ref (self));

out:
  gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (dialog));
  g_clear_object (&self->export_dialog);
}

void
_seye_detail_pane_export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  SeyeDetailPane *self = SEYE_DETAIL_PANE (widget);
  static const char *range_ids[] = { "shown", "day", "week", "month", NULL };
  const char *range_labels[] = { N_("The range shown"), N_("Last 24 hours"),
                                 N_("Last 7 days"), N_("Last 30 days"), NULL };
  g_autoptr (GtkFileFilter) csv = NULL;
  g_autoptr (GDateTime) now = NULL;
  g_autofree char *date = NULL;
  g_autofree char *node_name = NULL;
  g_autofree char *name = NULL;
  GtkFileChooser *chooser;

  if (self->node == NULL || self->store == NULL || self->export_dialog != NULL)
    return;

  for (guint i = 0; range_labels[i] != NULL; i++)
    range_labels[i] = _(range_labels[i]);

  self->export_dialog = gtk_file_chooser_native_new (_("Export History"),
                                                     GTK_WINDOW (gtk_widget_get_root (widget)),
                                                     GTK_FILE_CHOOSER_ACTION_SAVE,
                                                     _("_Export"),
                                                     _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->export_dialog), TRUE);
  chooser = GTK_FILE_CHOOSER (self->export_dialog);

  csv = gtk_file_filter_new ();
  gtk_file_filter_set_name (csv, _("CSV (spreadsheets)"));
  gtk_file_filter_add_pattern (csv, "*.csv");
  gtk_file_filter_add_mime_type (csv, "text/csv");
  gtk_file_chooser_add_filter (chooser, csv);

  if (self->json_filter == NULL)
    {
      self->json_filter = gtk_file_filter_new ();
      gtk_file_filter_set_name (self->json_filter, _("JSON"));
      gtk_file_filter_add_pattern (self->json_filter, "*.json");
      gtk_file_filter_add_mime_type (self->json_filter, "application/json");
    }
  gtk_file_chooser_add_filter (chooser, self->json_filter);
  gtk_file_chooser_set_filter (chooser, csv);

  gtk_file_chooser_add_choice (chooser, "range", _("Time range"), range_ids, range_labels);
  gtk_file_chooser_set_choice (chooser, "range", "shown");

  now = g_date_time_new_now_local ();
  date = g_date_time_format (now, "%Y-%m-%d");
  /* Translators: the suggested file name: node name and date */
  node_name = seye_sanitize_display (seye_node_get_name (self->node));
  name = g_strdup_printf (_("%s history %s.csv"), node_name, date);
  g_strdelimit (name, "/", '-');
  gtk_file_chooser_set_current_name (chooser, name);

  g_signal_connect_object (self->export_dialog, "response", G_CALLBACK (export_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->export_dialog));
}

/* For tests: the open Export History dialog, NULL when none. */
GtkFileChooser *
_seye_detail_pane_get_export_dialog (SeyeDetailPane *self)
{
  return self->export_dialog != NULL ? GTK_FILE_CHOOSER (self->export_dialog) : NULL;
}

void
_seye_detail_pane_update_export_action (SeyeDetailPane *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "detail.export",
                                 self->node != NULL && self->store != NULL);
}

void
_seye_detail_pane_history_dispose (SeyeDetailPane *self)
{
  cancel_query (self);
  g_cancellable_cancel (self->export_cancellable);
  g_clear_object (&self->export_cancellable);
  if (self->export_dialog != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->export_dialog));
  g_clear_object (&self->export_dialog);
  g_clear_object (&self->json_filter);
  g_clear_object (&self->export_file);
}
