/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Maintenance: rolling complete minutes and hours up, pruning what is past its retention,
 * keeping the disk budget (seye-store-budget.c), checkpointing. */
#define G_LOG_DOMAIN "seye-store"

#include "config.h"

#include "seye-store-private.h"

static void
maintain_data_free (gpointer data)
{
  MaintainData *md = data;

  g_free (md->path);
  g_free (md);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MaintainData, maintain_data_free)


/* The statements of one pass, on its own connection. */
typedef struct
{
  Packer       *packer;
  sqlite3_stmt *clean;
  sqlite3_stmt *prune_raw;
  sqlite3_stmt *prune_rollups;
  sqlite3_stmt *prune_hourly;
  sqlite3_stmt *prune_alerts;
  sqlite3_stmt *mark_hours;
  sqlite3_stmt *rollup_hour;
  sqlite3_stmt *dirty_hours;
  sqlite3_stmt *clean_hour;
} Statements;

static void
statements_clear (Statements *st)
{
  g_clear_pointer (&st->packer, _seye_store_packer_free);
  g_clear_pointer (&st->clean, sqlite3_finalize);
  g_clear_pointer (&st->prune_raw, sqlite3_finalize);
  g_clear_pointer (&st->prune_rollups, sqlite3_finalize);
  g_clear_pointer (&st->prune_hourly, sqlite3_finalize);
  g_clear_pointer (&st->prune_alerts, sqlite3_finalize);
  g_clear_pointer (&st->mark_hours, sqlite3_finalize);
  g_clear_pointer (&st->rollup_hour, sqlite3_finalize);
  g_clear_pointer (&st->dirty_hours, sqlite3_finalize);
  g_clear_pointer (&st->clean_hour, sqlite3_finalize);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Statements, statements_clear)

static int
statements_prepare (Statements *st,
                    sqlite3    *db)
{
  g_autofree char *rollup_hour_sql = _seye_store_sql_rollup_hour ();
  int rc;

  st->packer = _seye_store_packer_new (db, &rc);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (db, "DELETE FROM dirty WHERE minute < ?1", -1, &st->clean, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (db, "DELETE FROM packed WHERE node = ?1 AND start < ?2", -1,
                             &st->prune_raw, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (db, "DELETE FROM rollups WHERE node = ?1 AND minute < ?2", -1,
                             &st->prune_rollups, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (db, "DELETE FROM hourly WHERE node = ?1 AND hour < ?2", -1,
                             &st->prune_hourly, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (db, "DELETE FROM alerts WHERE time < ?1", -1, &st->prune_alerts, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (db, "INSERT OR IGNORE INTO dirty_hours (hour) "
                                 "SELECT DISTINCT minute / 3600000 * 3600000 FROM dirty WHERE minute < ?1", -1,
                             &st->mark_hours, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (db, rollup_hour_sql, -1, &st->rollup_hour, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (db, "SELECT hour FROM dirty_hours WHERE hour + 3600000 <= ?1 "
                                 "ORDER BY hour LIMIT ?2", -1, &st->dirty_hours, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (db, "DELETE FROM dirty_hours WHERE hour = ?1", -1, &st->clean_hour, NULL);

  return rc;
}

static GArray *
node_rowids (sqlite3 *db,
             int     *rc_out)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, "SELECT id FROM nodes ORDER BY id", -1, &stmt, NULL);

  while (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (ids, id);
      rc = SQLITE_OK;
    }
  *rc_out = rc == SQLITE_DONE ? SQLITE_OK : rc;

  return ids;
}

/* One transaction: packs and rolls up what "recent" holds, then marks the minutes before
 * @until clean and their hours dirty. Under the write lock nothing is committed
 * meanwhile: the minutes marked clean have every sample they will get in time. Leaves
 * the node rowids read in @nodes. */
static int
roll_up (sqlite3             *db,
         Statements          *st,
         const MaintainData  *md,
         GCancellable        *cancellable,
         GArray             **nodes)
{
  gint64 until = floor_minute (md->now_ms - ROLLUP_LAG_MS);
  int rc;

  rc = sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    return rc;

  /* Read inside the transaction: a node added since is rolled up too. */
  g_clear_pointer (nodes, g_array_unref);
  *nodes = node_rowids (db, &rc);

  if (rc == SQLITE_OK)
    rc = _seye_store_packer_pack_recent (st->packer);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_int64 (st->mark_hours, 1, until);
      rc = _seye_store_step_reset (st->mark_hours);
    }
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_int64 (st->clean, 1, until);
      rc = _seye_store_step_reset (st->clean);
    }

  return _seye_store_end_transaction (db, rc);
}

/* One transaction: up to HOURLY_CHUNK dirty hours that end before @until, every node. */
static int
roll_up_hours_chunk (sqlite3     *db,
                     Statements  *st,
                     GArray      *nodes,
                     gint64       until,
                     guint       *n_hours)
{
  gint64 hours[HOURLY_CHUNK];
  int rc;

  *n_hours = 0;
  rc = sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    return rc;

  sqlite3_bind_int64 (st->dirty_hours, 1, until);
  sqlite3_bind_int64 (st->dirty_hours, 2, HOURLY_CHUNK);
  while ((rc = sqlite3_step (st->dirty_hours)) == SQLITE_ROW)
    hours[(*n_hours)++] = sqlite3_column_int64 (st->dirty_hours, 0);
  sqlite3_reset (st->dirty_hours);
  rc = rc == SQLITE_DONE ? SQLITE_OK : rc;

  for (guint h = 0; h < *n_hours && rc == SQLITE_OK; h++)
    {
      for (guint i = 0; i < nodes->len && rc == SQLITE_OK; i++)
        {
          sqlite3_bind_int64 (st->rollup_hour, 1, g_array_index (nodes, gint64, i));
          sqlite3_bind_int64 (st->rollup_hour, 2, hours[h]);
          rc = _seye_store_step_reset (st->rollup_hour);
        }
      if (rc == SQLITE_OK)
        {
          sqlite3_bind_int64 (st->clean_hour, 1, hours[h]);
          rc = _seye_store_step_reset (st->clean_hour);
        }
    }

  return _seye_store_end_transaction (db, rc);
}

/* Rolls up the hours whose every minute is rolled up: they end before the oldest
 * dirty minute and before the last complete minute. */
static int
roll_up_hours (sqlite3             *db,
               Statements          *st,
               const MaintainData  *md,
               GCancellable        *cancellable,
               GArray             **nodes)
{
  gint64 oldest_dirty, until;
  int rc;

  oldest_dirty = _seye_store_query_int (db, "SELECT min (minute) FROM dirty", 0, G_MAXINT64, &rc);
  if (rc == SQLITE_OK && *nodes == NULL)
    *nodes = node_rowids (db, &rc);
  until = MIN (floor_minute (md->now_ms - ROLLUP_LAG_MS), oldest_dirty);

  while (rc == SQLITE_OK && !g_cancellable_is_cancelled (cancellable))
    {
      guint n_hours;

      rc = roll_up_hours_chunk (db, st, *nodes, until, &n_hours);
      if (n_hours < HOURLY_CHUNK)
        break;
    }

  return rc;
}

/* Deletes what is past its retention, node by node; raw samples go only once their
 * minutes are rolled up, minute rollups only once their hours are (whole hours).
 * Alert events go with the longest tier. */
static int
prune (sqlite3             *db,
       Statements          *st,
       const MaintainData  *md,
       GCancellable        *cancellable,
       GArray             **nodes)
{
  gint64 oldest_dirty, oldest_dirty_hour, raw_cut, rollup_cut, hourly_cut, alert_cut;
  int rc;

  oldest_dirty = _seye_store_query_int (db, "SELECT min (minute) FROM dirty", 0, G_MAXINT64, &rc);
  if (rc == SQLITE_OK)
    oldest_dirty_hour = _seye_store_query_int (db, "SELECT min (hour) FROM dirty_hours", 0, G_MAXINT64, &rc);
  if (rc == SQLITE_OK && *nodes == NULL)
    *nodes = node_rowids (db, &rc);
  if (rc != SQLITE_OK)
    return rc;

  raw_cut = floor_minute (MIN (md->now_ms - md->raw_retention * 1000, oldest_dirty));
  rollup_cut = floor_hour (MIN (md->now_ms - md->rollup_retention * 1000, oldest_dirty_hour));
  hourly_cut = floor_hour (md->now_ms - md->hourly_retention * 1000);
  alert_cut = md->now_ms - MAX (md->rollup_retention, md->hourly_retention) * 1000;

  for (guint i = 0; rc == SQLITE_OK && i < (*nodes)->len && !g_cancellable_is_cancelled (cancellable); i++)
    {
      sqlite3_bind_int64 (st->prune_raw, 1, g_array_index (*nodes, gint64, i));
      sqlite3_bind_int64 (st->prune_raw, 2, raw_cut);
      rc = _seye_store_step_reset (st->prune_raw);
      if (rc == SQLITE_OK)
        {
          sqlite3_bind_int64 (st->prune_rollups, 1, g_array_index (*nodes, gint64, i));
          sqlite3_bind_int64 (st->prune_rollups, 2, rollup_cut);
          rc = _seye_store_step_reset (st->prune_rollups);
        }
      if (rc == SQLITE_OK)
        {
          sqlite3_bind_int64 (st->prune_hourly, 1, g_array_index (*nodes, gint64, i));
          sqlite3_bind_int64 (st->prune_hourly, 2, hourly_cut);
          rc = _seye_store_step_reset (st->prune_hourly);
        }
    }

  /* The alert log is kept as long as the longest tier. */
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_int64 (st->prune_alerts, 1, alert_cut);
      rc = _seye_store_step_reset (st->prune_alerts);
    }

  return rc;
}

/* Rollup, pruning and a checkpoint, each step a short transaction of its own. */
static int
maintain_steps (sqlite3             *db,
                const MaintainData  *md,
                GCancellable        *cancellable)
{
  g_auto (Statements) st = { 0 };
  g_autoptr (GArray) nodes = NULL;
  int rc;

  rc = statements_prepare (&st, db);
  if (rc == SQLITE_OK)
    rc = roll_up (db, &st, md, cancellable, &nodes);
  if (rc == SQLITE_OK)
    rc = roll_up_hours (db, &st, md, cancellable, &nodes);
  if (rc == SQLITE_OK)
    rc = prune (db, &st, md, cancellable, &nodes);
  if (rc == SQLITE_OK)
    rc = _seye_store_keep_budget (db, md, cancellable);
  if (rc == SQLITE_OK)
    rc = sqlite3_exec (db, "PRAGMA wal_checkpoint (PASSIVE)", NULL, NULL, NULL);

  return rc;
}

static gboolean
maintain_db (sqlite3             *db,
             const MaintainData  *md,
             GCancellable        *cancellable,
             GError             **error)
{
  int rc = maintain_steps (db, md, cancellable);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  if (rc != SQLITE_OK)
    {
      _seye_store_set_sqlite_error (error, db, rc, sqlite3_db_filename (db, "main"), USE_WRITE);
      return FALSE;
    }

  return TRUE;
}

static MaintainData *
maintain_data_new (SeyeStore *self,
                   gint64     now_ms)
{
  MaintainData *md = g_new0 (MaintainData, 1);

  md->path = g_strdup (self->path);
  md->now_ms = now_ms;
  md->raw_retention = self->raw_retention;
  md->rollup_retention = self->rollup_retention;
  md->hourly_retention = self->hourly_retention;
  md->disk_budget = self->disk_budget;

  return md;
}

/**
 * seye_store_maintain:
 * @now_ms: the present, Unix ms
 *
 * Rolls every complete minute up to one minute before @now_ms into one-minute
 * rollups and every complete hour into hourly ones, then deletes raw samples older than
 * "raw-retention" (only rolled-up ones), minute rollups older than "rollup-retention"
 * (only whole hours already rolled up), hourly rollups older than "hourly-retention" and
 * alert events older than the longer of the two; then, while the data outgrows
 * "disk-budget", the oldest raw samples, minute and hourly rollups in that order (keeping
 * the newest of each); and checkpoints the WAL.
 * Uses the store's own connection: call it from the writing thread, or use
 * seye_store_maintain_async() which uses a connection of its own on a worker.
 */
gboolean
seye_store_maintain (SeyeStore  *self,
                     gint64      now_ms,
                     GError    **error)
{
  g_autoptr (MaintainData) md = NULL;

  g_return_val_if_fail (SEYE_IS_STORE (self), FALSE);
  g_return_val_if_fail (!self->read_only, FALSE);

  md = maintain_data_new (self, now_ms);

  return maintain_db (self->db, md, NULL, error);
}

static void
maintain_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  MaintainData *md = task_data;
  GError *error = NULL;
  sqlite3 *db;
  int rc;

  db = _seye_store_open_connection (md->path, FALSE, FALSE, FALSE, WORKER_BUSY_MS, &rc, &error);
  if (db == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (maintain_db (db, md, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);

  sqlite3_close (db);
}

void
seye_store_maintain_async (SeyeStore           *self,
                           gint64               now_ms,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (SEYE_IS_STORE (self));
  g_return_if_fail (!self->read_only);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, seye_store_maintain_async);
  g_task_set_task_data (task, maintain_data_new (self, now_ms), maintain_data_free);
  g_task_run_in_thread (task, maintain_thread);
}

gboolean
seye_store_maintain_finish (SeyeStore     *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
