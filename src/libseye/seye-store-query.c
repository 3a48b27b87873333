/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Reading: a node's rows over a range, raw where held, minute rollups before, hourly ones
 * before those, merged into buckets. */
#define G_LOG_DOMAIN "seye-store"

#include "config.h"

#include <math.h>
#include <string.h>

#include "seye-store-private.h"

static guint64
to_u64 (double value)
{
  return value > 0 ? (guint64) llround (value) : 0;
}

static void
set_sample_value (SeyeSample *sample,
                  Metric      metric,
                  double      value)
{
  switch (metric)
    {
    case M_CPU_BUSY:      sample->cpu.busy = value; break;
    case M_CPU_USER:      sample->cpu.user = value; break;
    case M_CPU_SYSTEM:    sample->cpu.system = value; break;
    case M_CPU_IOWAIT:    sample->cpu.iowait = value; break;
    case M_CPU_STEAL:     sample->cpu.steal = value; break;
    case M_MEM_USED:      sample->memory.used = to_u64 (value); break;
    case M_MEM_AVAILABLE: sample->memory.available = to_u64 (value); break;
    case M_MEM_TOTAL:     sample->memory.total = to_u64 (value); break;
    case M_SWAP_USED:     sample->memory.swap_used = to_u64 (value); break;
    case M_SWAP_TOTAL:    sample->memory.swap_total = to_u64 (value); break;
    case M_LOAD1:         sample->load[0] = value; break;
    case M_LOAD5:         sample->load[1] = value; break;
    case M_LOAD15:        sample->load[2] = value; break;
    case M_PROCS:         sample->procs_total = (guint) to_u64 (value); break;
    case M_THREADS:       sample->threads = (guint) to_u64 (value); break;
    case M_NET_RX:        sample->net_rx_bytes_per_sec = value; break;
    case M_NET_TX:        sample->net_tx_bytes_per_sec = value; break;
    case M_DISK_READ:     sample->disk_read_bytes_per_sec = value; break;
    case M_DISK_WRITE:    sample->disk_write_bytes_per_sec = value; break;
    case M_UPTIME:        sample->uptime = value; break;
    case N_METRICS:
    default:
      g_assert_not_reached ();
    }
}

static void
row_init (Row *row)
{
  memset (row, 0, sizeof *row);
  row->cores = g_array_new (FALSE, TRUE, sizeof (double));
  row->core_weight = g_array_new (FALSE, TRUE, sizeof (double));
}

static void
row_reset (Row *row)
{
  GArray *cores = row->cores;
  GArray *core_weight = row->core_weight;

  memset (row, 0, sizeof *row);
  row->cores = cores;
  row->core_weight = core_weight;
  g_array_set_size (cores, 0);
  g_array_set_size (core_weight, 0);
}

static void
row_clear (Row *row)
{
  g_clear_pointer (&row->cores, g_array_unref);
  g_clear_pointer (&row->core_weight, g_array_unref);
}

static guint
parts_of (guint32 has)
{
  guint parts = 0;

  for (guint m = 0; m < N_METRICS; m++)
    if (has & (1u << m))
      parts |= _seye_store_metrics[m].part;

  return parts;
}

/* Merges @src (a raw sample or a rollup) into the bucket @dst, weighted by sample count. */
static void
row_accumulate (Row       *dst,
                const Row *src)
{
  double w = MAX (src->n, 1);

  for (guint m = 0; m < N_METRICS; m++)
    {
      if (!(src->has & (1u << m)))
        continue;

      if (!(dst->has & (1u << m)))
        {
          dst->min[m] = src->min[m];
          dst->max[m] = src->max[m];
        }
      else
        {
          dst->min[m] = MIN (dst->min[m], src->min[m]);
          dst->max[m] = MAX (dst->max[m], src->max[m]);
        }
      dst->avg[m] += src->avg[m] * w;
      dst->weight[m] += w;
      dst->has |= 1u << m;
    }

  if (src->cores->len > dst->cores->len)
    {
      g_array_set_size (dst->cores, src->cores->len);
      g_array_set_size (dst->core_weight, src->cores->len);
    }
  for (guint i = 0; i < src->cores->len; i++)
    {
      g_array_index (dst->cores, double, i) += g_array_index (src->cores, double, i) * w;
      g_array_index (dst->core_weight, double, i) += w;
    }

  dst->n += src->n;
  dst->parts |= src->parts;
  dst->interval = MAX (dst->interval, src->interval);
}

static void
row_finish_bucket (Row *row)
{
  for (guint m = 0; m < N_METRICS; m++)
    if (row->weight[m] > 0)
      row->avg[m] /= row->weight[m];

  for (guint i = 0; i < row->cores->len; i++)
    {
      double w = g_array_index (row->core_weight, double, i);

      if (w > 0)
        g_array_index (row->cores, double, i) /= w;
    }
}

static void
row_read_cores (Row          *row,
                sqlite3_stmt *stmt,
                int           col)
{
  const guint8 *blob = sqlite3_column_blob (stmt, col);
  int len = sqlite3_column_bytes (stmt, col);

  g_array_set_size (row->cores, 0);
  for (int i = 0; blob != NULL && i < len; i++)
    {
      double busy = blob[i] / CORE_SCALE;

      g_array_append_val (row->cores, busy);
    }
}

static double
column_value (sqlite3_stmt *stmt,
              int           col,
              Metric        metric)
{
  return sqlite3_column_int64 (stmt, col) / _seye_store_metrics[metric].scale;
}

/* A raw sample (packed or in "recent"). */
static void
row_read_raw (Row             *row,
              const RawSample *raw)
{
  row_reset (row);
  row->time_ms = raw->time_ms;
  row->interval = raw->interval_ms / 1000.0;
  row->parts = (guint) raw->parts;
  row->n = 1;
  for (guint i = 0; i < raw->n_cores; i++)
    {
      double busy = raw->cores[i] / CORE_SCALE;

      g_array_append_val (row->cores, busy);
    }

  for (guint m = 0; m < N_METRICS; m++)
    {
      if (!((raw->has >> m) & 1))
        continue;
      row->avg[m] = row->min[m] = row->max[m] = raw->values[m] / _seye_store_metrics[m].scale;
      row->has |= 1u << m;
    }
}

/* SELECT minute, n, cores, <metric, metric_min, metric_max> FROM rollups (or hourly) */
static void
row_read_rollup (Row          *row,
                 sqlite3_stmt *stmt,
                 gint64        span_ms)
{
  row_reset (row);
  row->time_ms = sqlite3_column_int64 (stmt, 0);
  row->span_ms = span_ms;
  row->n = (guint) sqlite3_column_int64 (stmt, 1);
  row_read_cores (row, stmt, 2);

  for (guint m = 0; m < N_METRICS; m++)
    {
      int col = 3 + 3 * m;

      if (sqlite3_column_type (stmt, col) == SQLITE_NULL)
        continue;
      row->avg[m] = column_value (stmt, col, m);
      row->min[m] = column_value (stmt, col + 1, m);
      row->max[m] = column_value (stmt, col + 2, m);
      row->has |= 1u << m;
    }
  row->parts = parts_of (row->has);
}

typedef struct
{
  gint64    bucket_ms;
  Row       bucket;
  gint64    bucket_index;
  gboolean  bucket_open;
  gboolean  have_prev;
  gint64    prev_time;
  gint64    prev_step;
  RowFunc   func;
  gpointer  data;
} Series;

static gboolean
series_emit (Series  *series,
             Row     *row,
             GError **error)
{
  gint64 step = MAX (series->bucket_ms, MAX (row->span_ms, (gint64) llround (row->interval * 1000)));

  row->gap_before = series->have_prev && row->time_ms - series->prev_time > 2 * series->prev_step;
  series->have_prev = TRUE;
  series->prev_time = row->time_ms;
  series->prev_step = MAX (step, 1);

  return series->func (row, series->data, error);
}

static gboolean
series_flush (Series  *series,
              GError **error)
{
  if (!series->bucket_open)
    return TRUE;

  series->bucket_open = FALSE;
  row_finish_bucket (&series->bucket);

  return series_emit (series, &series->bucket, error);
}

static gboolean
series_push (Series  *series,
             Row     *row,
             GError **error)
{
  gint64 step = MAX (row->span_ms, (gint64) llround (row->interval * 1000));
  gint64 index;

  if (series->bucket_ms <= step)
    return series_flush (series, error) && series_emit (series, row, error);

  /* Buckets are aligned to the epoch, not to @from: a graph redrawn a second later
   * gets the same buckets, and its lines do not wobble. */
  index = row->time_ms / series->bucket_ms;
  if (series->bucket_open && index != series->bucket_index && !series_flush (series, error))
    return FALSE;

  if (!series->bucket_open)
    {
      row_reset (&series->bucket);
      series->bucket.time_ms = index * series->bucket_ms;
      series->bucket.span_ms = series->bucket_ms;
      series->bucket_index = index;
      series->bucket_open = TRUE;
    }
  row_accumulate (&series->bucket, row);

  return TRUE;
}

static int
lookup_node (sqlite3    *db,
             const char *node_id,
             gint64     *rowid)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, "SELECT id FROM nodes WHERE node_id = ?1", -1, &stmt, NULL);

  *rowid = -1;
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, node_id, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        *rowid = sqlite3_column_int64 (stmt, 0);
      rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
    }

  return rc;
}

/* Raw samples of @node from max (@from_ms, @split) to @to_ms into @series. */
static gboolean
push_raw (sqlite3  *db,
          Series   *series,
          Row      *row,
          gint64    node,
          gint64    from_ms,
          gint64    to_ms,
          int      *rc_out,
          GError  **error)
{
  RawCursor cursor;
  const RawSample *raw;
  gboolean ok = TRUE;
  int rc = _seye_store_raw_cursor_init (&cursor, db, node, from_ms, to_ms);

  while (ok && rc == SQLITE_OK && (raw = _seye_store_raw_cursor_next (&cursor, &rc)) != NULL)
    {
      row_read_raw (row, raw);
      ok = series_push (series, row, error);
    }
  _seye_store_raw_cursor_clear (&cursor);

  *rc_out = rc;
  return ok;
}

/* Rollups (minutes or hours) of @node from @from_ms to @to_ms that end before @split,
 * into @series. */
static gboolean
push_rollups (sqlite3  *db,
              Series   *series,
              Row      *row,
              gboolean  hours,
              gint64    node,
              gint64    from_ms,
              gint64    to_ms,
              gint64    split,
              int      *rc_out,
              GError  **error)
{
  g_autofree char *sql = hours ? _seye_store_sql_select_hourly () : _seye_store_sql_select_rollups ();
  g_autoptr (sqlite3_stmt) stmt = NULL;
  gboolean ok = TRUE;
  int rc;

  rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_int64 (stmt, 1, node);
      sqlite3_bind_int64 (stmt, 2, hours ? floor_hour (from_ms) : floor_minute (from_ms));
      sqlite3_bind_int64 (stmt, 3, to_ms);
      sqlite3_bind_int64 (stmt, 4, split);

      while (ok && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          row_read_rollup (row, stmt, hours ? SEYE_STORE_HOURLY_MS : SEYE_STORE_ROLLUP_MS);
          ok = series_push (series, row, error);
        }
      rc = rc == SQLITE_DONE || rc == SQLITE_ROW ? SQLITE_OK : rc;
    }

  *rc_out = rc;
  return ok;
}

/* Where @node's minute rollups begin: hourly rows are read before it. */
static gint64
minutes_start (sqlite3 *db,
               gint64   node,
               int     *rc)
{
  return _seye_store_query_int (db, "SELECT min (minute) FROM rollups WHERE node = ?1", node, G_MAXINT64, rc);
}

/*
 * Reads [from, to] of a node: rollups before a split time, raw samples after it.
 * With buckets of a minute or more the split is the oldest minute not rolled up;
 * finer, it is the oldest raw sample. Before the node's oldest minute rollup, hourly
 * rollups. Rows are merged into buckets of (to - from) / max_points when that is
 * coarser than the data.
 */
gboolean
_seye_store_read_series (sqlite3     *db,
                         const char  *node_id,
                         gint64       from_ms,
                         gint64       to_ms,
                         guint        max_points,
                         RowFunc      func,
                         gpointer     user_data,
                         GError     **error)
{
  Series series = { 0 };
  Row row;
  gint64 node, split, hour_split = G_MAXINT64;
  gboolean with_rollups;
  gboolean ok = TRUE;
  int rc;

  if (to_ms < from_ms)
    return TRUE;

  rc = lookup_node (db, node_id, &node);
  if (rc != SQLITE_OK)
    goto failed;
  if (node < 0)
    return TRUE;

  series.bucket_ms = max_points > 0 ? (to_ms - from_ms + max_points - 1) / max_points : 0;
  series.func = func;
  series.data = user_data;
  row_init (&series.bucket);
  row_init (&row);

  if (series.bucket_ms >= SEYE_STORE_ROLLUP_MS)
    split = _seye_store_query_int (db, "SELECT min (minute) FROM dirty", 0, G_MAXINT64, &rc);
  else
    split = _seye_store_query_int (db, "SELECT min (t) FROM (SELECT min (start) AS t FROM packed WHERE node = ?1 "
                                       "UNION ALL SELECT min (time) FROM recent WHERE node = ?1)",
                                   node, G_MAXINT64, &rc);
  with_rollups = split > from_ms - SEYE_STORE_ROLLUP_MS;
  if (rc == SQLITE_OK && with_rollups)
    hour_split = MIN (split, minutes_start (db, node, &rc));
  if (rc != SQLITE_OK)
    goto out;

  /* Hourly rollups before the minutes, minute rollups before the split, raw samples from it on. */
  if (with_rollups && hour_split > from_ms - SEYE_STORE_HOURLY_MS)
    ok = push_rollups (db, &series, &row, TRUE, node, from_ms, to_ms, hour_split, &rc, error);
  if (ok && rc == SQLITE_OK && with_rollups)
    ok = push_rollups (db, &series, &row, FALSE, node, from_ms, to_ms, split, &rc, error);
  if (ok && rc == SQLITE_OK && split <= to_ms)
    ok = push_raw (db, &series, &row, node, MAX (from_ms, split), to_ms, &rc, error);

  if (ok && rc == SQLITE_OK)
    ok = series_flush (&series, error);

out:
  row_clear (&row);
  row_clear (&series.bucket);

  if (!ok)
    return FALSE;

failed:
  if (rc != SQLITE_OK)
    {
      _seye_store_set_sqlite_error (error, db, rc, sqlite3_db_filename (db, "main"), USE_READ);
      return FALSE;
    }

  return TRUE;
}

static SeyeSample *
sample_from_row (const Row    *row,
                 const double *values,
                 gboolean      with_cores)
{
  SeyeSample *sample = seye_sample_new ();

  sample->time_ms = row->time_ms;
  sample->interval = row->span_ms > 0 ? row->span_ms / 1000.0 / MAX (row->n, 1) : row->interval;
  sample->parts = row->span_ms == 0 ? row->parts : parts_of (row->has);

  for (guint m = 0; m < N_METRICS; m++)
    if (row->has & (1u << m))
      set_sample_value (sample, m, values[m]);

  if (with_cores)
    {
      for (guint i = 0; i < row->cores->len; i++)
        {
          SeyeCpuStat stat = { 0 };

          stat.id = (int) i;
          stat.busy = g_array_index (row->cores, double, i);
          g_array_append_val (sample->cores, stat);
        }
    }

  return sample;
}

static gboolean
collect_point_cb (const Row  *row,
                  gpointer    user_data,
                  GError    **error)
{
  GPtrArray *points = user_data;
  SeyeStorePoint *point = g_new0 (SeyeStorePoint, 1);

  point->time_ms = row->time_ms;
  point->span_ms = row->span_ms;
  point->n_samples = row->n;
  point->gap_before = row->gap_before;
  point->avg = sample_from_row (row, row->avg, TRUE);
  if (row->span_ms == 0)
    {
      point->min = seye_sample_ref (point->avg);
      point->max = seye_sample_ref (point->avg);
    }
  else
    {
      point->min = sample_from_row (row, row->min, FALSE);
      point->max = sample_from_row (row, row->max, FALSE);
    }
  g_ptr_array_add (points, point);

  return TRUE;
}

/**
 * seye_store_query:
 * @node_id: the node
 * @from_ms: start of the range (Unix ms, inclusive)
 * @to_ms: end of the range (inclusive)
 * @max_points: at most about this many points; 0 for every stored row
 *
 * A node's history over a range, oldest first: raw samples where they are still
 * held, one-minute rollups before that, hourly rollups before those; when the range holds more than
 * @max_points rows they are merged into equal buckets of (to - from) / max_points
 * (averages weighted by sample count, minimum of minima, maximum of maxima);
 * buckets of a minute or more are read from rollups alone. See SeyeStorePoint
 * for gaps. An unknown node has no points.
 *
 * Returns: (transfer full) (element-type SeyeStorePoint): the points
 */
GPtrArray *
seye_store_query (SeyeStore   *self,
                  const char  *node_id,
                  gint64       from_ms,
                  gint64       to_ms,
                  guint        max_points,
                  GError     **error)
{
  g_autoptr (GPtrArray) points = g_ptr_array_new_with_free_func ((GDestroyNotify) seye_store_point_free);

  g_return_val_if_fail (SEYE_IS_STORE (self), NULL);
  g_return_val_if_fail (node_id != NULL, NULL);

  if (!_seye_store_read_series (self->db, node_id, from_ms, to_ms, max_points, collect_point_cb, points,
                                error))
    return NULL;

  return g_steal_pointer (&points);
}

void
_seye_store_read_data_free (gpointer data)
{
  ReadData *rd = data;

  g_free (rd->path);
  g_free (rd->node_id);
  g_clear_object (&rd->file);
  g_free (rd);
}

ReadData *
_seye_store_read_data_new (SeyeStore  *self,
                           const char *node_id,
                           gint64      from_ms,
                           gint64      to_ms)
{
  ReadData *rd = g_new0 (ReadData, 1);

  rd->path = g_strdup (self->path);
  rd->read_only = self->read_only;
  rd->immutable = self->immutable;
  rd->node_id = g_strdup (node_id);
  rd->from_ms = from_ms;
  rd->to_ms = to_ms;

  return rd;
}

/* A worker's read-only connection of its own; when it cannot be had, the error goes to @task. */
sqlite3 *
_seye_store_read_data_connect (ReadData *rd,
                               GTask    *task)
{
  GError *error = NULL;
  int rc;
  sqlite3 *db = _seye_store_open_connection (rd->path, TRUE, rd->immutable, FALSE, WORKER_BUSY_MS, &rc,
                                             &error);

  if (db == NULL)
    g_task_return_error (task, error);

  return db;
}

static void
query_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  ReadData *rd = task_data;
  g_autoptr (GPtrArray) points = g_ptr_array_new_with_free_func ((GDestroyNotify) seye_store_point_free);
  GError *error = NULL;
  sqlite3 *db = _seye_store_read_data_connect (rd, task);

  if (db == NULL)
    return;

  if (_seye_store_read_series (db, rd->node_id, rd->from_ms, rd->to_ms, rd->max_points, collect_point_cb,
                               points, &error))
    g_task_return_pointer (task, g_steal_pointer (&points), (GDestroyNotify) g_ptr_array_unref);
  else
    g_task_return_error (task, error);

  sqlite3_close (db);
}

/**
 * seye_store_query_async:
 *
 * seye_store_query() on a worker thread with a read-only connection of its own;
 * it sees every committed sample.
 */
void
seye_store_query_async (SeyeStore           *self,
                        const char          *node_id,
                        gint64               from_ms,
                        gint64               to_ms,
                        guint                max_points,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  ReadData *rd;

  g_return_if_fail (SEYE_IS_STORE (self));
  g_return_if_fail (node_id != NULL);

  rd = _seye_store_read_data_new (self, node_id, from_ms, to_ms);
  rd->max_points = max_points;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, seye_store_query_async);
  g_task_set_task_data (task, rd, _seye_store_read_data_free);
  g_task_run_in_thread (task, query_thread);
}

GPtrArray *
seye_store_query_finish (SeyeStore     *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * seye_store_list_nodes:
 *
 * Returns: (transfer full) (element-type SeyeStoreNode): every node with history, by name
 */
GPtrArray *
seye_store_list_nodes (SeyeStore  *self,
                       GError    **error)
{
  g_autoptr (GPtrArray) nodes = g_ptr_array_new_with_free_func ((GDestroyNotify) seye_store_node_free);
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (SEYE_IS_STORE (self), NULL);

  rc = sqlite3_prepare_v2 (self->db,
                           "SELECT node_id, name, address,"
                           " min (coalesce ((SELECT min (hour) FROM hourly WHERE node = id AND hour + 3600000 <="
                           "                  coalesce ((SELECT min (minute) FROM rollups WHERE node = id), 9e18)), 9e18),"
                           "      coalesce ((SELECT min (minute) FROM rollups WHERE node = id), 9e18),"
                           "      coalesce ((SELECT min (start) FROM packed WHERE node = id), 9e18),"
                           "      coalesce ((SELECT min (time) FROM recent WHERE node = id), 9e18)),"
                           " max (coalesce ((SELECT max (minute) FROM rollups WHERE node = id), 0),"
                           "      coalesce ((SELECT last FROM packed WHERE node = id ORDER BY start DESC LIMIT 1), 0),"
                           "      coalesce ((SELECT max (time) FROM recent WHERE node = id), 0))"
                           " FROM nodes ORDER BY name COLLATE NOCASE, node_id",
                           -1, &stmt, NULL);

  while (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      SeyeStoreNode *node = g_new0 (SeyeStoreNode, 1);
      double first = sqlite3_column_double (stmt, 3);

      node->node_id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      node->name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      node->address = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      node->first_ms = first >= 9e18 ? 0 : (gint64) first;
      node->last_ms = sqlite3_column_int64 (stmt, 4);
      g_ptr_array_add (nodes, node);
      rc = SQLITE_OK;
    }

  if (rc != SQLITE_DONE && rc != SQLITE_OK)
    {
      _seye_store_set_sqlite_error (error, self->db, rc, self->path, USE_READ);
      return NULL;
    }

  return g_steal_pointer (&nodes);
}
