/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-prometheus-source"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "seye-error.h"
#include "seye-prometheus-source-private.h"
#include "seye-sanitize.h"
#include "seye-store.h"

/*
 * A node's history over a range, from the server: one query_range for the
 * series a graph draws (CPU and its parts, memory, swap, load, network, disk),
 * told apart by a "seye" label, for that node's instance only, with a step
 * that gives about as many points as asked (never finer than the scrape
 * interval, never more than Prometheus' 11,000 points a series). The answer
 * becomes SeyeStorePoints, as the local store's queries give them.
 */

#define MAX_STEPS 11000

/* The values a graph draws, for one instance ($M: its matcher, $W: the rate window,
 * "30s"); the others are not asked for. Named as in the instant queries. */
static const char *range_promql[PROM_N_VALUES] = {
  [PROM_CPU_BUSY] = "100 * (1 - sum(rate(node_cpu_seconds_total{mode=\"idle\",$M}[$W])) / sum(rate(node_cpu_seconds_total{$M}[$W])))",
  [PROM_CPU_USER] = "100 * sum(rate(node_cpu_seconds_total{mode=~\"user|nice\",$M}[$W])) / sum(rate(node_cpu_seconds_total{$M}[$W]))",
  [PROM_CPU_SYSTEM] = "100 * sum(rate(node_cpu_seconds_total{mode=~\"system|irq|softirq\",$M}[$W])) / sum(rate(node_cpu_seconds_total{$M}[$W]))",
  [PROM_CPU_IOWAIT] = "100 * sum(rate(node_cpu_seconds_total{mode=\"iowait\",$M}[$W])) / sum(rate(node_cpu_seconds_total{$M}[$W]))",
  [PROM_MEM_TOTAL] = "max(node_memory_MemTotal_bytes{$M})",
  [PROM_MEM_AVAILABLE] = "max(node_memory_MemAvailable_bytes{$M})",
  [PROM_SWAP_TOTAL] = "max(node_memory_SwapTotal_bytes{$M})",
  [PROM_SWAP_FREE] = "max(node_memory_SwapFree_bytes{$M})",
  [PROM_LOAD1] = "max(node_load1{$M})",
  [PROM_LOAD5] = "max(node_load5{$M})",
  [PROM_LOAD15] = "max(node_load15{$M})",
  [PROM_NET_RX] = "sum(rate(node_network_receive_bytes_total{device!=\"lo\",$M}[$W]))",
  [PROM_NET_TX] = "sum(rate(node_network_transmit_bytes_total{device!=\"lo\",$M}[$W]))",
  [PROM_DISK_READ] = "sum(rate(node_disk_read_bytes_total{$M}[$W]))",
  [PROM_DISK_WRITE] = "sum(rate(node_disk_written_bytes_total{$M}[$W]))",
};

/* instance="…", with the PromQL string escaped. */
static char *
instance_matcher (const char *instance)
{
  GString *matcher = g_string_new ("instance=\"");

  for (const char *p = instance; *p != '\0'; p++)
    {
      if (*p == '\\' || *p == '"')
        g_string_append_c (matcher, '\\');
      if (*p == '\n')
        g_string_append (matcher, "\\n");
      else
        g_string_append_c (matcher, *p);
    }
  g_string_append_c (matcher, '"');

  return g_string_free (matcher, FALSE);
}

static char *
expand (const char *template,
        const char *matcher,
        const char *window)
{
  GString *out = g_string_new (NULL);

  for (const char *p = template; *p != '\0'; p++)
    {
      if (p[0] == '$' && p[1] == 'M')
        g_string_append (out, matcher), p++;
      else if (p[0] == '$' && p[1] == 'W')
        g_string_append (out, window), p++;
      else
        g_string_append_c (out, *p);
    }

  return g_string_free (out, FALSE);
}

static char *
range_query (const char *instance,
             guint       window_s)
{
  g_autofree char *matcher = instance_matcher (instance);
  g_autofree char *window = g_strdup_printf ("%us", window_s);
  GString *query = g_string_new (NULL);

  for (guint i = 0; i < PROM_N_VALUES; i++)
    {
      g_autofree char *one = NULL;

      if (range_promql[i] == NULL)
        continue;

      one = expand (range_promql[i], matcher, window);
      if (query->len > 0)
        g_string_append (query, " or ");
      g_string_append_printf (query, "label_replace(%s, \"seye\", \"%s\", \"\", \"\")", one,
                              _seye_prom_value_name (i));
    }

  return g_string_free (query, FALSE);
}

/* The answer ---------------------------------------------------------------- */

typedef struct
{
  gint64 time_ms;
  double values[PROM_N_VALUES];
} Row;

static int
series_of (JsonObject *metric)
{
  const char *name = _seye_prom_string_member (metric, "seye");

  for (int i = 0; name != NULL && i < PROM_N_VALUES; i++)
    if (range_promql[i] != NULL && strcmp (name, _seye_prom_value_name (i)) == 0)
      return i;

  return -1;
}

/* [[time, "value"], …] of one series into @rows (time ms -> Row). */
static void
take_values (GHashTable *rows,
             int         series,
             JsonArray  *values)
{
  for (guint i = 0; i < json_array_get_length (values) && i <= MAX_STEPS; i++)
    {
      JsonNode *element = json_array_get_element (values, i);
      JsonArray *pair;
      const char *text;
      char *end = NULL;
      double value;
      gint64 time_ms;
      Row *row;

      if (!JSON_NODE_HOLDS_ARRAY (element) || json_array_get_length (pair = json_node_get_array (element)) != 2 ||
          !JSON_NODE_HOLDS_VALUE (json_array_get_element (pair, 0)) ||
          (json_node_get_value_type (json_array_get_element (pair, 0)) != G_TYPE_DOUBLE &&
           json_node_get_value_type (json_array_get_element (pair, 0)) != G_TYPE_INT64))
        continue;
      if (!JSON_NODE_HOLDS_VALUE (json_array_get_element (pair, 1)) ||
          json_node_get_value_type (json_array_get_element (pair, 1)) != G_TYPE_STRING)
        continue;

      text = json_array_get_string_element (pair, 1);
      value = g_ascii_strtod (text, &end);
      if (end == text || *end != '\0' || !isfinite (value))
        continue;

      time_ms = (gint64) (json_array_get_double_element (pair, 0) * 1000);
      row = g_hash_table_lookup (rows, &time_ms);
      if (row == NULL)
        {
          row = g_new (Row, 1);
          row->time_ms = time_ms;
          for (guint s = 0; s < PROM_N_VALUES; s++)
            row->values[s] = NAN;
          g_hash_table_insert (rows, &row->time_ms, row);
        }
      row->values[series] = value;
    }
}

/* A row is what an instant query gives of a target, without its cores and filesystems. */
static SeyeSample *
row_sample (const Row *row,
            double     step_s)
{
  g_autoptr (GArray) cores = g_array_new (FALSE, TRUE, sizeof (SeyeCpuStat));
  g_autoptr (GArray) filesystems = g_array_new (FALSE, TRUE, sizeof (SeyeFilesystem));
  PromTarget target = { .cores = cores, .filesystems = filesystems };

  memcpy (target.values, row->values, sizeof target.values);

  return _seye_prom_target_sample (&target, row->time_ms, step_s);
}

static int
compare_rows (gconstpointer a,
              gconstpointer b)
{
  const Row *x = *(const Row * const *) a;
  const Row *y = *(const Row * const *) b;

  return (x->time_ms > y->time_ms) - (x->time_ms < y->time_ms);
}

/* The matrix of a query_range answer as points, oldest first. */
static GPtrArray *
decode_points (JsonNode  *data,
               double     step_s,
               GError   **error)
{
  g_autoptr (GHashTable) rows = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, g_free);
  g_autoptr (GPtrArray) sorted = g_ptr_array_new ();
  GPtrArray *points = g_ptr_array_new_with_free_func ((GDestroyNotify) seye_store_point_free);
  JsonNode *result;
  JsonArray *array;
  GHashTableIter iter;
  gpointer value;
  gint64 step_ms = (gint64) (step_s * 1000);

  if (data == NULL || !JSON_NODE_HOLDS_OBJECT (data) ||
      g_strcmp0 (_seye_prom_string_member (json_node_get_object (data), "resultType"), "matrix") != 0 ||
      (result = json_object_get_member (json_node_get_object (data), "result")) == NULL ||
      !JSON_NODE_HOLDS_ARRAY (result))
    {
      g_ptr_array_unref (points);
      g_set_error_literal (error, SEYE_ERROR, SEYE_ERROR_INVALID, _("its answer to a range query is not a matrix"));
      return NULL;
    }

  array = json_node_get_array (result);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonObject *series;
      JsonNode *metric;
      JsonNode *values;
      int which;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      series = json_node_get_object (element);
      metric = json_object_get_member (series, "metric");
      values = json_object_get_member (series, "values");
      if (metric == NULL || !JSON_NODE_HOLDS_OBJECT (metric) || values == NULL || !JSON_NODE_HOLDS_ARRAY (values) ||
          (which = series_of (json_node_get_object (metric))) < 0)
        continue;

      take_values (rows, which, json_node_get_array (values));
    }

  g_hash_table_iter_init (&iter, rows);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (sorted, value);
  g_ptr_array_sort (sorted, compare_rows);

  for (guint i = 0; i < sorted->len; i++)
    {
      const Row *row = sorted->pdata[i];
      SeyeSample *sample = row_sample (row, step_s);
      SeyeStorePoint *point;

      if (sample == NULL)
        continue;

      point = g_new0 (SeyeStorePoint, 1);
      point->time_ms = row->time_ms;
      point->span_ms = step_ms;
      point->n_samples = 1;
      point->gap_before = i > 0 && row->time_ms - ((const Row *) sorted->pdata[i - 1])->time_ms > 2 * step_ms;
      point->avg = sample;
      point->min = seye_sample_ref (point->avg);
      point->max = seye_sample_ref (point->avg);
      g_ptr_array_add (points, point);
    }

  return points;
}

/* The request -------------------------------------------------------------- */

static void
range_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      data)
{
  g_autoptr (GTask) task = data;
  SeyePrometheusSource *self = SEYE_PROMETHEUS_SOURCE (object);
  double step_s = *(double *) g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) answer = _seye_prometheus_source_request_finish (self, result, NULL, &error);
  GPtrArray *points;

  if (answer == NULL || (points = decode_points (answer, step_s, &error)) == NULL)
    {
      g_autofree char *message = NULL;
      g_autofree char *shown = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }

      /* Translators: "Prometheus at URL: why" */
      message = g_strdup_printf (_("Prometheus at %s: %s"), self->url, error->message);
      shown = seye_sanitize_display (message);
      g_task_return_new_error (task, SEYE_ERROR, error->code, "%s", shown);
      return;
    }

  g_task_return_pointer (task, points, (GDestroyNotify) g_ptr_array_unref);
}

/* Unix seconds with milliseconds, whatever the locale. */
static char *
seconds_text (gint64 time_ms)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  return g_strdup (g_ascii_formatd (buf, sizeof buf, "%.3f", time_ms / 1000.0));
}

void
_seye_prometheus_source_fetch_range (SeyeSource          *source,
                                     SeyeNode            *node,
                                     gint64               from_ms,
                                     gint64               to_ms,
                                     guint                max_points,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  SeyePrometheusSource *self = SEYE_PROMETHEUS_SOURCE (source);
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr (GHashTable) params = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  const char *instance = _seye_prometheus_source_find_instance (self, node);
  double range_s = (double) (to_ms - from_ms) / 1000.0;
  double *step_s = g_new (double, 1);
  g_autofree char *query = NULL;

  g_task_set_source_tag (task, _seye_prometheus_source_fetch_range);
  g_task_set_task_data (task, step_s, g_free);

  if (instance == NULL)
    {
      g_task_return_new_error (task, SEYE_ERROR, SEYE_ERROR_UNAVAILABLE,
                               _("This node is no longer among Prometheus’ targets"));
      return;
    }

  *step_s = ceil (MAX (MAX (range_s / max_points, range_s / MAX_STEPS), self->scrape_interval));
  query = range_query (instance, (guint) MAX (*step_s, ceil (4 * self->scrape_interval)));

  g_hash_table_insert (params, (char *) "query", g_steal_pointer (&query));
  g_hash_table_insert (params, (char *) "start", seconds_text (from_ms));
  g_hash_table_insert (params, (char *) "end", seconds_text (to_ms));
  g_hash_table_insert (params, (char *) "step", g_strdup_printf ("%.0f", *step_s));

  _seye_prometheus_source_request (self, "/api/v1/query_range", params, cancellable, range_cb,
                                   g_steal_pointer (&task));
}

GPtrArray *
_seye_prometheus_source_fetch_range_finish (SeyeSource    *source,
                                            GAsyncResult  *result,
                                            GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
