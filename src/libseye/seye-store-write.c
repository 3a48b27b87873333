/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Writing: samples are queued, then written in one transaction per commit. */
#define G_LOG_DOMAIN "seye-store"

#include "config.h"

#include <math.h>

#include "seye-error.h"
#include "seye-store-private.h"

typedef struct
{
  char       *node_id;
  char       *name;
  char       *address;
  SeyeSample *sample;
} Pending;

typedef struct
{
  gint64  rowid;
  char   *name;
  char   *address;
} CachedNode;

#define STORED_PARTS (SEYE_SAMPLE_CPU | SEYE_SAMPLE_MEMORY | SEYE_SAMPLE_LOAD | SEYE_SAMPLE_PROCESSES | \
                      SEYE_SAMPLE_NETWORK | SEYE_SAMPLE_DISK | SEYE_SAMPLE_UPTIME)

static void
pending_clear (gpointer data)
{
  Pending *pending = data;

  g_clear_pointer (&pending->node_id, g_free);
  g_clear_pointer (&pending->name, g_free);
  g_clear_pointer (&pending->address, g_free);
  g_clear_pointer (&pending->sample, seye_sample_unref);
}

static void
cached_node_free (gpointer data)
{
  CachedNode *node = data;

  g_free (node->name);
  g_free (node->address);
  g_free (node);
}

void
_seye_store_write_init (SeyeStore *self)
{
  self->pending = g_array_new (FALSE, TRUE, sizeof (Pending));
  g_array_set_clear_func (self->pending, pending_clear);
  self->node_cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, cached_node_free);
  self->pending_alerts = g_ptr_array_new_with_free_func ((GDestroyNotify) seye_alert_event_free);
}

static double
sample_value (const SeyeSample *sample,
              Metric            metric)
{
  switch (metric)
    {
    case M_CPU_BUSY:      return sample->cpu.busy;
    case M_CPU_USER:      return sample->cpu.user;
    case M_CPU_SYSTEM:    return sample->cpu.system;
    case M_CPU_IOWAIT:    return sample->cpu.iowait;
    case M_CPU_STEAL:     return sample->cpu.steal;
    case M_MEM_USED:      return (double) sample->memory.used;
    case M_MEM_AVAILABLE: return (double) sample->memory.available;
    case M_MEM_TOTAL:     return (double) sample->memory.total;
    case M_SWAP_USED:     return (double) sample->memory.swap_used;
    case M_SWAP_TOTAL:    return (double) sample->memory.swap_total;
    case M_LOAD1:         return sample->load[0];
    case M_LOAD5:         return sample->load[1];
    case M_LOAD15:        return sample->load[2];
    case M_PROCS:         return sample->procs_total;
    case M_THREADS:       return sample->threads;
    case M_NET_RX:        return sample->net_rx_bytes_per_sec;
    case M_NET_TX:        return sample->net_tx_bytes_per_sec;
    case M_DISK_READ:     return sample->disk_read_bytes_per_sec;
    case M_DISK_WRITE:    return sample->disk_write_bytes_per_sec;
    case M_UPTIME:        return sample->uptime;
    case N_METRICS:
    default:
      g_assert_not_reached ();
    }
}

/**
 * seye_store_add:
 * @node_id: the node's id (the key of its history)
 * @name: (nullable): its name now
 * @address: (nullable): "host:port" it is polled at now
 *
 * Queues @sample; seye_store_commit() writes what is queued in one transaction.
 * A sample whose (node, time) is already stored is ignored.
 */
void
seye_store_add (SeyeStore  *self,
                const char *node_id,
                const char *name,
                const char *address,
                SeyeSample *sample)
{
  Pending pending;

  g_return_if_fail (SEYE_IS_STORE (self));
  g_return_if_fail (node_id != NULL);
  g_return_if_fail (sample != NULL);
  g_return_if_fail (!self->read_only);

  if (self->pending->len >= MAX_PENDING)
    {
      g_warning ("The history database has been busy for too long; dropping the oldest samples");
      g_array_remove_range (self->pending, 0, MAX_PENDING / 10);
    }

  pending.node_id = g_strdup (node_id);
  pending.name = g_strdup (name);
  pending.address = g_strdup (address);
  pending.sample = seye_sample_ref (sample);
  g_array_append_val (self->pending, pending);
}

guint
seye_store_get_n_pending (SeyeStore *self)
{
  g_return_val_if_fail (SEYE_IS_STORE (self), 0);

  return self->pending->len;
}

static int
node_rowid (SeyeStore  *self,
            Pending    *pending,
            gint64     *rowid)
{
  CachedNode *cached = g_hash_table_lookup (self->node_cache, pending->node_id);
  sqlite3_stmt *stmt = self->upsert_node;
  int rc;

  if (cached != NULL &&
      (pending->name == NULL || g_strcmp0 (cached->name, pending->name) == 0) &&
      (pending->address == NULL || g_strcmp0 (cached->address, pending->address) == 0))
    {
      *rowid = cached->rowid;
      return SQLITE_OK;
    }

  sqlite3_bind_text (stmt, 1, pending->node_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, pending->name ? pending->name : (cached ? cached->name : NULL), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, pending->address ? pending->address : (cached ? cached->address : NULL), -1,
                     SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      CachedNode *node = g_new0 (CachedNode, 1);

      node->rowid = *rowid = sqlite3_column_int64 (stmt, 0);
      node->name = g_strdup (pending->name ? pending->name : (cached ? cached->name : NULL));
      node->address = g_strdup (pending->address ? pending->address : (cached ? cached->address : NULL));
      g_hash_table_replace (self->node_cache, g_strdup (pending->node_id), node);
      rc = SQLITE_OK;
    }
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);

  return rc == SQLITE_DONE ? SQLITE_MISUSE : rc;
}

static int
insert_sample (SeyeStore  *self,
               gint64      node,
               SeyeSample *sample)
{
  sqlite3_stmt *stmt = self->insert_sample;
  guint parts = sample->parts & STORED_PARTS;
  guint8 cores[1024];
  guint n_cores = MIN (sample->cores->len, G_N_ELEMENTS (cores));

  sqlite3_bind_int64 (stmt, 1, node);
  sqlite3_bind_int64 (stmt, 2, sample->time_ms);
  sqlite3_bind_int64 (stmt, 3, llround (sample->interval * 1000));
  sqlite3_bind_int64 (stmt, 4, parts);

  if ((parts & SEYE_SAMPLE_CPU) && n_cores > 0)
    {
      for (guint i = 0; i < n_cores; i++)
        cores[i] = (guint8) CLAMP (lround (g_array_index (sample->cores, SeyeCpuStat, i).busy * CORE_SCALE),
                                   0, 200);
      sqlite3_bind_blob (stmt, 5, cores, (int) n_cores, SQLITE_TRANSIENT);
    }

  for (guint m = 0; m < N_METRICS; m++)
    {
      double value;

      if (!(parts & _seye_store_metrics[m].part))
        continue;

      value = sample_value (sample, m);
      if (!isfinite (value))
        continue;
      sqlite3_bind_int64 (stmt, 6 + m, llround (value * _seye_store_metrics[m].scale));
    }

  return _seye_store_step_reset (stmt);
}

/* A round's samples fall in one or two minutes: remember the last few marked. */
static int
mark_dirty (SeyeStore *self,
            gint64     minute,
            gint64    *minutes,
            guint     *n_minutes)
{
  int rc;

  for (guint i = 0; i < MIN (*n_minutes, 8); i++)
    if (minutes[i] == minute)
      return SQLITE_OK;

  sqlite3_bind_int64 (self->mark_dirty, 1, minute);
  rc = _seye_store_step_reset (self->mark_dirty);
  minutes[*n_minutes % 8] = minute;
  (*n_minutes)++;

  return rc;
}

/* Writes the first @max queued samples and every queued alert event in one transaction. */
gboolean
_seye_store_commit_pending (SeyeStore  *self,
                            guint       max,
                            GError    **error)
{
  gint64 minutes[8];
  guint n_minutes = 0;
  guint n_alerts = self->pending_alerts->len;
  guint n;
  int rc;

  n = MIN (max, self->pending->len);
  if (n == 0 && n_alerts == 0)
    return TRUE;

  rc = sqlite3_exec (self->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      _seye_store_set_sqlite_error (error, self->db, rc, self->path, USE_WRITE);
      return FALSE;
    }

  for (guint i = 0; i < n && rc == SQLITE_OK; i++)
    {
      Pending *pending = &g_array_index (self->pending, Pending, i);
      gint64 node = -1;

      rc = node_rowid (self, pending, &node);
      if (rc == SQLITE_OK)
        rc = insert_sample (self, node, pending->sample);
      if (rc == SQLITE_OK)
        rc = mark_dirty (self, floor_minute (pending->sample->time_ms), minutes, &n_minutes);
    }

  if (rc == SQLITE_OK)
    rc = _seye_store_write_alert_events (self);
  if (rc == SQLITE_OK)
    rc = sqlite3_exec (self->db, "COMMIT", NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      _seye_store_set_sqlite_error (error, self->db, rc, self->path, USE_WRITE);
      sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
      /* The cache may hold rows the rollback took back. */
      g_hash_table_remove_all (self->node_cache);
      return FALSE;
    }

  g_array_remove_range (self->pending, 0, n);
  if (n_alerts > 0)
    {
      g_ptr_array_remove_range (self->pending_alerts, 0, n_alerts);
      _seye_store_alert_events_written (self);
    }

  return TRUE;
}

/**
 * seye_store_commit:
 *
 * Writes every queued sample and alert event in one transaction. When the database is busy
 * (the rollup thread holds it longer than a moment) they stay queued for
 * the next commit and %SEYE_ERROR_UNAVAILABLE is returned.
 */
gboolean
seye_store_commit (SeyeStore  *self,
                   GError    **error)
{
  g_return_val_if_fail (SEYE_IS_STORE (self), FALSE);
  g_return_val_if_fail (!self->read_only, FALSE);

  return _seye_store_commit_pending (self, G_MAXUINT, error);
}

/* Commits up to @max queued samples for a recorder: while the database is busy they stay
 * queued quietly; any other failure is SeyeStore:recording-error until a commit works.
 * Returns: %TRUE when the commit worked and samples are still queued. */
gboolean
_seye_store_commit_recorded (SeyeStore *self,
                             guint      max)
{
  g_autoptr (GError) error = NULL;

  if (!_seye_store_commit_pending (self, max, &error))
    {
      if (g_error_matches (error, SEYE_ERROR, SEYE_ERROR_UNAVAILABLE))
        g_debug ("%s; the samples stay queued", error->message);
      else
        _seye_store_set_recording_error (self, error->message);
      return FALSE;
    }

  _seye_store_set_recording_error (self, NULL);

  return self->pending->len > 0;
}
