/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Raw samples: what "recent" holds packed into "packed" by node and minute and rolled up
 * in the same step; a version-2 "samples" table packed the same way; and a node's raw
 * samples read back from both tables in time order. */
#define G_LOG_DOMAIN "seye-store"

#include "config.h"

#include <math.h>
#include <string.h>

#include "seye-store-private.h"

/* A packed row stays under what a WITHOUT ROWID b-tree keeps in its cell with 4 KiB pages
 * (1002 bytes with the key and the other columns): a larger one spills into an overflow
 * page of its own. */
#define PACK_ROW_MAX 960

struct _Packer
{
  sqlite3      *db;
  sqlite3_stmt *select_recent;    /* "recent" by node and time */
  sqlite3_stmt *count_packed;
  sqlite3_stmt *select_packed;    /* a node's rows of a minute */
  sqlite3_stmt *delete_packed;
  sqlite3_stmt *insert_packed;
  sqlite3_stmt *insert_rollup;
  GArray       *samples;          /* RawSample: one node's minute */
  GArray       *merged;           /* RawSample */
};

static int
prepare (sqlite3       *db,
         const char    *sql,
         sqlite3_stmt **stmt,
         int            rc)
{
  if (rc != SQLITE_OK)
    return rc;

  return sqlite3_prepare_v3 (db, sql, -1, SQLITE_PREPARE_PERSISTENT, stmt, NULL);
}

Packer *
_seye_store_packer_new (sqlite3 *db,
                        int     *rc_out)
{
  g_autofree char *recent = _seye_store_sql_select_raw_rows ("recent");
  g_autofree char *select_recent = g_strconcat (recent, " ORDER BY node, time, rowid", NULL);
  g_autofree char *insert_rollup = _seye_store_sql_insert_rollup ();
  Packer *packer = g_new0 (Packer, 1);
  int rc = SQLITE_OK;

  packer->db = db;
  packer->samples = g_array_new (FALSE, FALSE, sizeof (RawSample));
  packer->merged = g_array_new (FALSE, FALSE, sizeof (RawSample));

  rc = prepare (db, select_recent, &packer->select_recent, rc);
  rc = prepare (db, "SELECT count (*) FROM packed WHERE node = ?1 AND start >= ?2 AND start < ?2 + 60000",
                &packer->count_packed, rc);
  rc = prepare (db, "SELECT start, data FROM packed WHERE node = ?1 AND start >= ?2 AND start < ?2 + 60000 "
                    "ORDER BY start", &packer->select_packed, rc);
  rc = prepare (db, "DELETE FROM packed WHERE node = ?1 AND start >= ?2 AND start < ?2 + 60000",
                &packer->delete_packed, rc);
  rc = prepare (db, "INSERT OR REPLACE INTO packed (node, start, n, last, data) VALUES (?1, ?2, ?3, ?4, ?5)",
                &packer->insert_packed, rc);
  rc = prepare (db, insert_rollup, &packer->insert_rollup, rc);

  *rc_out = rc;
  return packer;
}

void
_seye_store_packer_free (Packer *packer)
{
  if (packer == NULL)
    return;

  g_clear_pointer (&packer->select_recent, sqlite3_finalize);
  g_clear_pointer (&packer->count_packed, sqlite3_finalize);
  g_clear_pointer (&packer->select_packed, sqlite3_finalize);
  g_clear_pointer (&packer->delete_packed, sqlite3_finalize);
  g_clear_pointer (&packer->insert_packed, sqlite3_finalize);
  g_clear_pointer (&packer->insert_rollup, sqlite3_finalize);
  g_array_unref (packer->samples);
  g_array_unref (packer->merged);
  g_free (packer);
}

/* Rolling up ---------------------------------------------------------------- */

/* round() as SQLite 3.40 computes it, then CAST (… AS INTEGER): what the rollup SQL did. */
static gint64
sqlite_round (double r)
{
  /* Within the integers a double holds exactly enough for +0.5 to convert. */
  if (r >= 0 && r < 9.0e18)
    return (gint64) (r + 0.5);
  if (r < 0 && -r < 9.0e18)
    return -(gint64) (-r + 0.5);

  return r < 0 ? G_MININT64 : G_MAXINT64;
}

/* Per core, the average of the samples that have it (seye_cores_avg ()). */
static void
bind_cores_average (sqlite3_stmt    *stmt,
                    int              col,
                    const RawSample *samples,
                    guint            n)
{
  guint8 out[G_N_ELEMENTS (samples->cores)];
  guint len = 0;

  for (guint i = 0; i < n; i++)
    len = MAX (len, samples[i].n_cores);
  if (len == 0)
    return;

  for (guint c = 0; c < len; c++)
    {
      double sum = 0;
      guint count = 0;

      for (guint i = 0; i < n; i++)
        if (c < samples[i].n_cores)
          {
            sum += samples[i].cores[c];
            count++;
          }
      out[c] = (guint8) CLAMP (lround (sum / MAX (count, 1)), 0, 255);
    }
  sqlite3_bind_blob (stmt, col, out, (int) len, SQLITE_TRANSIENT);
}

/* The minute's row of "rollups" from its raw samples: n, the cores, and per number the
 * average (rounded), minimum and maximum of the samples that have it. */
static int
write_rollup (Packer          *packer,
              gint64           node,
              gint64           minute,
              const RawSample *samples,
              guint            n)
{
  sqlite3_stmt *stmt = packer->insert_rollup;

  sqlite3_bind_int64 (stmt, 1, node);
  sqlite3_bind_int64 (stmt, 2, minute);
  sqlite3_bind_int64 (stmt, 3, n);
  bind_cores_average (stmt, 4, samples, n);

  for (guint m = 0; m < N_METRICS; m++)
    {
      double sum = 0;
      gint64 lo = G_MAXINT64, hi = G_MININT64;
      guint count = 0;

      for (guint i = 0; i < n; i++)
        {
          if (!((samples[i].has >> m) & 1))
            continue;
          sum += (double) samples[i].values[m];
          lo = MIN (lo, samples[i].values[m]);
          hi = MAX (hi, samples[i].values[m]);
          count++;
        }
      if (count == 0)
        continue;
      sqlite3_bind_int64 (stmt, 5 + 3 * (int) m, sqlite_round (sum / count));
      sqlite3_bind_int64 (stmt, 6 + 3 * (int) m, lo);
      sqlite3_bind_int64 (stmt, 7 + 3 * (int) m, hi);
    }

  return _seye_store_step_reset (stmt);
}

/* Packing -------------------------------------------------------------------- */

/* Writes @samples (sorted, distinct times) as rows of at most PACK_ROW_MAX bytes. */
static int
write_rows (Packer          *packer,
            gint64           node,
            const RawSample *samples,
            guint            n)
{
  g_autoptr (GBytes) data = _seye_store_pack_encode (samples, n);
  sqlite3_stmt *stmt = packer->insert_packed;
  int rc;

  /* Too large: as many rows of equal counts as its size says (a part still too large is
   * split again). */
  if (g_bytes_get_size (data) > PACK_ROW_MAX && n > 1)
    {
      guint parts = (guint) MIN ((g_bytes_get_size (data) + PACK_ROW_MAX - 1) / PACK_ROW_MAX, n);

      rc = SQLITE_OK;
      for (guint p = 0, first = 0; p < parts && rc == SQLITE_OK; p++)
        {
          guint end = (guint) ((guint64) n * (p + 1) / parts);

          rc = write_rows (packer, node, samples + first, end - first);
          first = end;
        }
      return rc;
    }

  sqlite3_bind_int64 (stmt, 1, node);
  sqlite3_bind_int64 (stmt, 2, samples[0].time_ms);
  sqlite3_bind_int64 (stmt, 3, n);
  sqlite3_bind_int64 (stmt, 4, samples[n - 1].time_ms);
  sqlite3_bind_blob (stmt, 5, g_bytes_get_data (data, NULL), (int) g_bytes_get_size (data), SQLITE_STATIC);

  return _seye_store_step_reset (stmt);
}

/* Merges what @node already has packed in @minute (kept when a time is in both, as an
 * INSERT OR IGNORE of the sample would) with packer->samples, into packer->merged. */
static int
merge_packed (Packer *packer,
              gint64  node,
              gint64  minute,
              guint  *n_old)
{
  sqlite3_stmt *stmt = packer->select_packed;
  g_autoptr (GArray) old = g_array_new (FALSE, FALSE, sizeof (RawSample));
  guint i = 0, j = 0;
  int rc;

  sqlite3_bind_int64 (stmt, 1, node);
  sqlite3_bind_int64 (stmt, 2, minute);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    if (!_seye_store_pack_decode (sqlite3_column_blob (stmt, 1), (gsize) sqlite3_column_bytes (stmt, 1),
                                  sqlite3_column_int64 (stmt, 0), old))
      {
        rc = SQLITE_CORRUPT;
        break;
      }
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  if (rc != SQLITE_DONE)
    return rc;

  *n_old = old->len;
  g_array_set_size (packer->merged, 0);
  while (i < old->len || j < packer->samples->len)
    {
      const RawSample *a = i < old->len ? &g_array_index (old, RawSample, i) : NULL;
      const RawSample *b = j < packer->samples->len ? &g_array_index (packer->samples, RawSample, j) : NULL;
      const RawSample *next = b == NULL || (a != NULL && a->time_ms <= b->time_ms) ? a : b;
      guint last = packer->merged->len;

      if (next == a)
        i++;
      else
        j++;
      if (last > 0 && g_array_index (packer->merged, RawSample, last - 1).time_ms == next->time_ms)
        continue;
      g_array_append_vals (packer->merged, next, 1);
    }

  return SQLITE_OK;
}

/* Drops repeated times from packer->samples (sorted): the first is kept. */
static void
drop_repeats (Packer *packer)
{
  RawSample *samples = (RawSample *) packer->samples->data;
  guint kept = 0;

  for (guint i = 0; i < packer->samples->len; i++)
    {
      if (kept > 0 && samples[kept - 1].time_ms == samples[i].time_ms)
        continue;
      if (kept != i)
        samples[kept] = samples[i];
      kept++;
    }
  g_array_set_size (packer->samples, kept);
}

/* One node's minute: its new samples merged with what is packed, written, rolled up. */
static int
pack_node_minute (Packer *packer,
                  gint64  node,
                  gint64  minute)
{
  GArray *result = packer->samples;
  guint n_old = 0;
  int rc;

  /* Usually nothing is packed yet: no merge. */
  sqlite3_bind_int64 (packer->count_packed, 1, node);
  sqlite3_bind_int64 (packer->count_packed, 2, minute);
  rc = sqlite3_step (packer->count_packed);
  n_old = rc == SQLITE_ROW ? (guint) sqlite3_column_int64 (packer->count_packed, 0) : 0;
  rc = rc == SQLITE_ROW ? SQLITE_OK : rc;
  sqlite3_reset (packer->count_packed);
  sqlite3_clear_bindings (packer->count_packed);

  if (rc == SQLITE_OK && n_old == 0)
    {
      drop_repeats (packer);
    }
  else if (rc == SQLITE_OK)
    {
      rc = merge_packed (packer, node, minute, &n_old);
      result = packer->merged;
      if (rc == SQLITE_OK)
        {
          sqlite3_bind_int64 (packer->delete_packed, 1, node);
          sqlite3_bind_int64 (packer->delete_packed, 2, minute);
          rc = _seye_store_step_reset (packer->delete_packed);
        }
    }

  if (rc == SQLITE_OK && result->len > 0)
    rc = write_rows (packer, node, (RawSample *) result->data, result->len);
  if (rc == SQLITE_OK && result->len > 0)
    rc = write_rollup (packer, node, minute, (RawSample *) result->data, result->len);

  return rc;
}

/* Packs every (node, minute) "recent" holds, merged with what is packed of it already,
 * and rolls each up; then empties "recent". A minute still being filled is packed and
 * rolled up as far as it goes, and again with the rest next time (its rollup is read only
 * once its minute is clean). Inside the caller's transaction. */
int
_seye_store_packer_pack_recent (Packer *packer)
{
  sqlite3_stmt *stmt = packer->select_recent;
  gint64 node = -1, minute = 0;
  int rc;

  g_array_set_size (packer->samples, 0);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 row_node = sqlite3_column_int64 (stmt, 0);
      gint64 row_minute = floor_minute (sqlite3_column_int64 (stmt, 1));

      if ((row_node != node || row_minute != minute) && packer->samples->len > 0)
        {
          rc = pack_node_minute (packer, node, minute);
          g_array_set_size (packer->samples, 0);
          if (rc != SQLITE_OK)
            break;
        }
      node = row_node;
      minute = row_minute;
      g_array_set_size (packer->samples, packer->samples->len + 1);
      _seye_store_raw_from_stmt (&g_array_index (packer->samples, RawSample, packer->samples->len - 1),
                                 stmt, 1);
    }
  sqlite3_reset (stmt);
  if (rc == SQLITE_DONE && packer->samples->len > 0)
    rc = pack_node_minute (packer, node, minute);
  g_array_set_size (packer->samples, 0);
  if (rc == SQLITE_DONE || rc == SQLITE_OK)
    rc = sqlite3_exec (packer->db, "DELETE FROM recent", NULL, NULL, NULL);

  return rc;
}

/* A group of the version-2 table: packed, and rolled up if its minute was not yet. */
static int
pack_old_group (Packer       *packer,
                sqlite3_stmt *is_dirty,
                gint64        node,
                gint64        minute)
{
  RawSample *samples = (RawSample *) packer->samples->data;
  guint n = packer->samples->len;
  gboolean dirty;
  int rc;

  rc = write_rows (packer, node, samples, n);
  if (rc != SQLITE_OK)
    return rc;

  sqlite3_bind_int64 (is_dirty, 1, minute);
  rc = sqlite3_step (is_dirty);
  dirty = rc == SQLITE_ROW;
  sqlite3_reset (is_dirty);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return rc;

  return dirty ? write_rollup (packer, node, minute, samples, n) : SQLITE_OK;
}

/* Version 3: every (node, minute) of the version-2 "samples" table packed; the rollups
 * it has are kept, those of its minutes not rolled up yet made (the pass that will roll
 * them up sees only "recent"). Inside the migration's transaction. */
int
_seye_store_pack_samples_table (sqlite3 *db)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (sqlite3_stmt) is_dirty = NULL;
  g_autofree char *samples = _seye_store_sql_select_raw_rows ("samples");
  g_autofree char *sql = g_strconcat (samples, " ORDER BY node, time", NULL);
  Packer *packer;
  gint64 node = -1, minute = 0;
  int rc;

  packer = _seye_store_packer_new (db, &rc);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (db, "SELECT 1 FROM dirty WHERE minute = ?1", -1, &is_dirty, NULL);

  while (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 row_node = sqlite3_column_int64 (stmt, 0);
      gint64 row_minute = floor_minute (sqlite3_column_int64 (stmt, 1));

      rc = SQLITE_OK;
      if ((row_node != node || row_minute != minute) && packer->samples->len > 0)
        {
          rc = pack_old_group (packer, is_dirty, node, minute);
          g_array_set_size (packer->samples, 0);
        }
      node = row_node;
      minute = row_minute;
      g_array_set_size (packer->samples, packer->samples->len + 1);
      _seye_store_raw_from_stmt (&g_array_index (packer->samples, RawSample, packer->samples->len - 1),
                                 stmt, 1);
    }
  if (rc == SQLITE_DONE && packer->samples->len > 0)
    rc = pack_old_group (packer, is_dirty, node, minute);
  _seye_store_packer_free (packer);

  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Reading --------------------------------------------------------------------- */

int
_seye_store_raw_cursor_init (RawCursor *cursor,
                             sqlite3   *db,
                             gint64     node,
                             gint64     from_ms,
                             gint64     to_ms)
{
  g_autofree char *recent = _seye_store_sql_select_raw_rows ("recent");
  g_autofree char *select_recent = g_strconcat (recent, " WHERE node = ?1 AND time >= ?2 AND time <= ?3 "
                                                "ORDER BY time, rowid", NULL);
  int rc;

  memset (cursor, 0, sizeof *cursor);
  cursor->decoded = g_array_new (FALSE, FALSE, sizeof (RawSample));
  cursor->recent_row = g_new0 (RawSample, 1);
  cursor->from_ms = from_ms;
  cursor->to_ms = to_ms;

  rc = sqlite3_prepare_v2 (db, "SELECT start, data FROM packed WHERE node = ?1 AND start >= ?2 AND start <= ?3 "
                               "ORDER BY start", -1, &cursor->packed, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (db, select_recent, -1, &cursor->recent, NULL);
  if (rc != SQLITE_OK)
    return rc;

  /* A row holds samples of its start's minute only. */
  sqlite3_bind_int64 (cursor->packed, 1, node);
  sqlite3_bind_int64 (cursor->packed, 2, floor_minute (from_ms));
  sqlite3_bind_int64 (cursor->packed, 3, to_ms);
  sqlite3_bind_int64 (cursor->recent, 1, node);
  sqlite3_bind_int64 (cursor->recent, 2, from_ms);
  sqlite3_bind_int64 (cursor->recent, 3, to_ms);

  return SQLITE_OK;
}

void
_seye_store_raw_cursor_clear (RawCursor *cursor)
{
  g_clear_pointer (&cursor->packed, sqlite3_finalize);
  g_clear_pointer (&cursor->recent, sqlite3_finalize);
  g_clear_pointer (&cursor->decoded, g_array_unref);
  g_clear_pointer (&cursor->recent_row, g_free);
}

/* The next packed sample in [from, to], or NULL at the end or on an error. */
static const RawSample *
peek_packed (RawCursor *cursor,
             int       *rc)
{
  while (TRUE)
    {
      while (cursor->pos < cursor->decoded->len)
        {
          const RawSample *s = &g_array_index (cursor->decoded, RawSample, cursor->pos);

          if (s->time_ms >= cursor->from_ms && s->time_ms <= cursor->to_ms)
            return s;
          cursor->pos++;
        }

      /* A statement stepped past its end would start again. */
      if (cursor->packed_done)
        return NULL;
      *rc = sqlite3_step (cursor->packed);
      if (*rc != SQLITE_ROW)
        {
          cursor->packed_done = TRUE;
          return NULL;
        }

      g_array_set_size (cursor->decoded, 0);
      cursor->pos = 0;
      if (!_seye_store_pack_decode (sqlite3_column_blob (cursor->packed, 1),
                                    (gsize) sqlite3_column_bytes (cursor->packed, 1),
                                    sqlite3_column_int64 (cursor->packed, 0), cursor->decoded))
        {
          *rc = SQLITE_CORRUPT;
          return NULL;
        }
    }
}

static const RawSample *
peek_recent (RawCursor *cursor,
             int       *rc)
{
  if (!cursor->recent_ready && !cursor->recent_done)
    {
      *rc = sqlite3_step (cursor->recent);
      if (*rc == SQLITE_ROW)
        {
          _seye_store_raw_from_stmt (cursor->recent_row, cursor->recent, 1);
          cursor->recent_ready = TRUE;
        }
      else
        {
          cursor->recent_done = TRUE;
        }
    }

  return cursor->recent_ready ? cursor->recent_row : NULL;
}

/* The next sample of either table, or NULL. */
static const RawSample *
next_any (RawCursor *cursor,
          int       *rc)
{
  int packed_rc = SQLITE_DONE, recent_rc = SQLITE_DONE;
  const RawSample *a = peek_packed (cursor, &packed_rc);
  const RawSample *b = peek_recent (cursor, &recent_rc);

  *rc = packed_rc == SQLITE_DONE || packed_rc == SQLITE_ROW ? recent_rc : packed_rc;
  if (*rc == SQLITE_DONE || *rc == SQLITE_ROW)
    *rc = SQLITE_OK;
  if (*rc != SQLITE_OK)
    return NULL;

  if (a != NULL && (b == NULL || a->time_ms <= b->time_ms))
    {
      cursor->pos++;
      return a;
    }
  if (b != NULL)
    cursor->recent_ready = FALSE;

  return b;
}

/* The next raw sample in time order, packed or still in "recent"; of the samples of one
 * time only the first (the packed one, else the first committed). NULL at the end, or
 * with @rc set on an error. */
const RawSample *
_seye_store_raw_cursor_next (RawCursor *cursor,
                             int       *rc)
{
  const RawSample *next;

  while ((next = next_any (cursor, rc)) != NULL)
    {
      if (cursor->returned_any && next->time_ms == cursor->last_ms)
        continue;
      cursor->returned_any = TRUE;
      cursor->last_ms = next->time_ms;
      return next;
    }

  return NULL;
}
