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
 *
 * The same query `by (instance)` and its answer read per instance serve the
 * recent history of new nodes (seye-prometheus-source-fill.c).
 */

#define MAX_STEPS 11000

/* The values a graph draws, per instance ($M: the instances' matcher, $W: the rate
 * window, "30s"); the others are not asked for. Named as in the instant queries. */
static const char *range_promql[PROM_N_VALUES] = {
  [PROM_CPU_BUSY] = "100 * (1 - sum by (instance) (rate(node_cpu_seconds_total{mode=\"idle\",$M}[$W])) / sum by (instance) (rate(node_cpu_seconds_total{$M}[$W])))",
  [PROM_CPU_USER] = "100 * sum by (instance) (rate(node_cpu_seconds_total{mode=~\"user|nice\",$M}[$W])) / sum by (instance) (rate(node_cpu_seconds_total{$M}[$W]))",
  [PROM_CPU_SYSTEM] = "100 * sum by (instance) (rate(node_cpu_seconds_total{mode=~\"system|irq|softirq\",$M}[$W])) / sum by (instance) (rate(node_cpu_seconds_total{$M}[$W]))",
  [PROM_CPU_IOWAIT] = "100 * sum by (instance) (rate(node_cpu_seconds_total{mode=\"iowait\",$M}[$W])) / sum by (instance) (rate(node_cpu_seconds_total{$M}[$W]))",
  [PROM_MEM_TOTAL] = "max by (instance) (node_memory_MemTotal_bytes{$M})",
  [PROM_MEM_AVAILABLE] = "max by (instance) (node_memory_MemAvailable_bytes{$M})",
  [PROM_SWAP_TOTAL] = "max by (instance) (node_memory_SwapTotal_bytes{$M})",
  [PROM_SWAP_FREE] = "max by (instance) (node_memory_SwapFree_bytes{$M})",
  [PROM_LOAD1] = "max by (instance) (node_load1{$M})",
  [PROM_LOAD5] = "max by (instance) (node_load5{$M})",
  [PROM_LOAD15] = "max by (instance) (node_load15{$M})",
  [PROM_NET_RX] = "sum by (instance) (rate(node_network_receive_bytes_total{device!=\"lo\",$M}[$W]))",
  [PROM_NET_TX] = "sum by (instance) (rate(node_network_transmit_bytes_total{device!=\"lo\",$M}[$W]))",
  [PROM_DISK_READ] = "sum by (instance) (rate(node_disk_read_bytes_total{$M}[$W]))",
  [PROM_DISK_WRITE] = "sum by (instance) (rate(node_disk_written_bytes_total{$M}[$W]))",
};

/**
 * _seye_prom_append_string:
 *
 * Appends @text to @out as a PromQL string: in double quotes, escaped.
 */
void
_seye_prom_append_string (GString    *out,
                          const char *text)
{
  g_string_append_c (out, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '\\' || *p == '"')
        g_string_append_c (out, '\\');
      if (*p == '\n')
        g_string_append (out, "\\n");
      else
        g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
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

/**
 * _seye_prom_range_query:
 * @matcher: the instances', as in a selector: `instance="…"` or `instance=~"…"`
 * @window_s: the window of counters' rates
 *
 * Returns: the PromQL of every series a graph draws, per instance, each
 *   labelled seye="its name".
 */
char *
_seye_prom_range_query (const char *matcher,
                        guint       window_s)
{
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

/* How many series _seye_prom_range_query() asks for, per instance. */
guint
_seye_prom_range_n_series (void)
{
  guint n = 0;

  for (guint i = 0; i < PROM_N_VALUES; i++)
    n += range_promql[i] != NULL ? 1 : 0;

  return n;
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

/* [[time, "value"], …] of one series into @rows (time ms -> Row), at most @max_rows times. */
static void
take_values (GHashTable *rows,
             int         series,
             JsonArray  *values,
             guint       max_rows)
{
  for (guint i = 0; i < json_array_get_length (values) && i <= MAX_STEPS; i++)
    {
      JsonNode *element = json_array_get_element (values, i);
      JsonArray *pair;
      const char *text;
      char *end = NULL;
      double value;
      double seconds;
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
      seconds = json_array_get_double_element (pair, 0);
      /* A time no server gives (before 1970, past 2262) would overflow. */
      if (end == text || *end != '\0' || !isfinite (value) || !(seconds >= 0 && seconds < 9.2e9))
        continue;

      time_ms = (gint64) (seconds * 1000);
      row = g_hash_table_lookup (rows, &time_ms);
      if (row == NULL)
        {
          if (g_hash_table_size (rows) >= max_rows)
            continue;
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

/* The rows of one instance as samples, oldest first; those with no value at all left out. */
static GPtrArray *
rows_to_samples (GHashTable *rows,
                 double      step_s)
{
  g_autoptr (GPtrArray) sorted = g_ptr_array_new ();
  GPtrArray *samples = g_ptr_array_new_with_free_func ((GDestroyNotify) seye_sample_unref);
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, rows);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (sorted, value);
  g_ptr_array_sort (sorted, compare_rows);

  for (guint i = 0; i < sorted->len; i++)
    {
      SeyeSample *sample = row_sample (sorted->pdata[i], step_s);

      if (sample != NULL)
        g_ptr_array_add (samples, sample);
    }

  return samples;
}

static GHashTable *
new_rows (void)
{
  return g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, g_free);
}

/**
 * _seye_prom_range_samples:
 * @data: the "data" of a query_range answer
 * @wanted: (nullable): the instances to read (a set of strings); %NULL: every
 *   series, as of one instance, under ""
 * @max_rows: at most this many times per instance (what the query can give):
 *   the memory stays bounded whatever the answer
 *
 * Returns: (transfer full) (nullable): instance -> GPtrArray of SeyeSample,
 *   oldest first, for the instances the answer had; %NULL with @error when
 *   it is not a matrix. Series without a "seye" label of ours, values that
 *   are not finite numbers and instances not wanted are left out.
 */
GHashTable *
_seye_prom_range_samples (JsonNode    *data,
                          GHashTable  *wanted,
                          guint        max_rows,
                          double       step_s,
                          GError     **error)
{
  g_autoptr (GHashTable) by_instance = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                              (GDestroyNotify) g_hash_table_unref);
  GHashTable *samples;
  JsonNode *result;
  JsonArray *array;
  GHashTableIter iter;
  gpointer key;
  gpointer value;

  if (data == NULL || !JSON_NODE_HOLDS_OBJECT (data) ||
      g_strcmp0 (_seye_prom_string_member (json_node_get_object (data), "resultType"), "matrix") != 0 ||
      (result = json_object_get_member (json_node_get_object (data), "result")) == NULL ||
      !JSON_NODE_HOLDS_ARRAY (result))
    {
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
      const char *instance = "";
      GHashTable *rows;
      int which;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      series = json_node_get_object (element);
      metric = json_object_get_member (series, "metric");
      values = json_object_get_member (series, "values");
      if (metric == NULL || !JSON_NODE_HOLDS_OBJECT (metric) || values == NULL || !JSON_NODE_HOLDS_ARRAY (values) ||
          (which = series_of (json_node_get_object (metric))) < 0)
        continue;
      if (wanted != NULL &&
          ((instance = _seye_prom_string_member (json_node_get_object (metric), "instance")) == NULL ||
           !g_hash_table_contains (wanted, instance)))
        continue;

      rows = g_hash_table_lookup (by_instance, instance);
      if (rows == NULL)
        {
          rows = new_rows ();
          g_hash_table_insert (by_instance, g_strdup (instance), rows);
        }
      take_values (rows, which, json_node_get_array (values), max_rows);
    }

  samples = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
  g_hash_table_iter_init (&iter, by_instance);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (samples, g_strdup (key), rows_to_samples (value, step_s));

  return samples;
}

/* The matrix of a query_range answer for one node as points, oldest first. */
static GPtrArray *
decode_points (JsonNode  *data,
               double     step_s,
               GError   **error)
{
  g_autoptr (GHashTable) by_instance = _seye_prom_range_samples (data, NULL, MAX_STEPS + 1, step_s, error);
  GPtrArray *points;
  GPtrArray *samples;
  gint64 step_ms = (gint64) (step_s * 1000);

  if (by_instance == NULL)
    return NULL;

  points = g_ptr_array_new_with_free_func ((GDestroyNotify) seye_store_point_free);
  samples = g_hash_table_lookup (by_instance, "");
  for (guint i = 0; samples != NULL && i < samples->len; i++)
    {
      SeyeSample *sample = samples->pdata[i];
      SeyeStorePoint *point = g_new0 (SeyeStorePoint, 1);

      point->time_ms = sample->time_ms;
      point->span_ms = step_ms;
      point->n_samples = 1;
      point->gap_before = i > 0 && sample->time_ms - ((SeyeSample *) samples->pdata[i - 1])->time_ms > 2 * step_ms;
      point->avg = seye_sample_ref (sample);
      point->min = seye_sample_ref (sample);
      point->max = seye_sample_ref (sample);
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
char *
_seye_prom_seconds_text (gint64 time_ms)
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
  g_autoptr (GString) matcher = NULL;
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
  matcher = g_string_new ("instance=");
  _seye_prom_append_string (matcher, instance);
  query = _seye_prom_range_query (matcher->str, (guint) MAX (*step_s, ceil (4 * self->scrape_interval)));

  g_hash_table_insert (params, (char *) "query", g_steal_pointer (&query));
  g_hash_table_insert (params, (char *) "start", _seye_prom_seconds_text (from_ms));
  g_hash_table_insert (params, (char *) "end", _seye_prom_seconds_text (to_ms));
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
