/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The disk budget: while the data outgrows it, the oldest raw samples go first, then the
 * oldest minute rollups, then the oldest hourly ones; the newest of each are kept. */
#define G_LOG_DOMAIN "seye-store"

#include "config.h"

#include "seye-store-private.h"

#define HOUR_MS         ((gint64) SEYE_STORE_HOURLY_MS)
#define MAX_STEPS       24      /* deletions per pass: a pass stays short, the next goes on */

/* One tier of the history, in the order the budget takes from them. */
typedef struct
{
  const char *table;
  const char *column;
  gint64      floor_ms;     /* what is newer than now - floor is never deleted for the budget */
  gint64      align_ms;     /* cuts fall on whole minutes or hours */
  const char *clean_sql;    /* (nullable) what may go at most: only what is rolled up further */
} Tier;

static const Tier tiers[] = {
  /* Raw samples go only once their minute is rolled up; the newest hour stays. */
  { "packed", "start", HOUR_MS, SEYE_STORE_ROLLUP_MS, "SELECT min (minute) FROM dirty" },
  /* Minute rollups go in whole hours, only once their hour is rolled up; the newest day stays. */
  { "rollups", "minute", 24 * HOUR_MS, HOUR_MS, "SELECT min (hour) FROM dirty_hours" },
  /* Hourly rollups: the newest week stays. */
  { "hourly", "hour", 7 * 24 * HOUR_MS, HOUR_MS, NULL },
};

static gint64
align_down (gint64 ms,
            gint64 align)
{
  gint64 r = ms % align;

  return r < 0 ? ms - r - align : ms - r;
}

/* Bytes of the pages that hold data: the file less its free pages, WAL included. */
static gint64
used_bytes (sqlite3 *db,
            int     *rc)
{
  gint64 page_size, page_count, free_pages;

  page_size = _seye_store_query_int (db, "PRAGMA page_size", 0, 4096, rc);
  if (*rc == SQLITE_OK)
    page_count = _seye_store_query_int (db, "PRAGMA page_count", 0, 0, rc);
  if (*rc == SQLITE_OK)
    free_pages = _seye_store_query_int (db, "PRAGMA freelist_count", 0, 0, rc);
  if (*rc != SQLITE_OK)
    return 0;

  return (page_count - free_pages) * page_size;
}

/* The oldest row of @tier over every node (an index seek per node, no scan). */
static gint64
tier_oldest (sqlite3    *db,
             const Tier *tier,
             int        *rc)
{
  g_autofree char *sql = g_strdup_printf ("SELECT min ((SELECT min (%s) FROM %s WHERE node = nodes.id)) "
                                          "FROM nodes", tier->column, tier->table);

  return _seye_store_query_int (db, sql, 0, G_MAXINT64, rc);
}

/* Deletes the rows of @tier older than @cut, every node, in one transaction. */
static int
tier_delete (sqlite3    *db,
             const Tier *tier,
             gint64      cut)
{
  g_autofree char *sql = g_strdup_printf ("DELETE FROM %s WHERE node IN (SELECT id FROM nodes) AND %s < ?1",
                                          tier->table, tier->column);
  int rc;

  rc = sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    return rc;

  _seye_store_query_int (db, sql, cut, 0, &rc);
  return _seye_store_end_transaction (db, rc);
}

/* The newest time @tier may be cut to: its floor, and what is rolled up further. */
static gint64
tier_limit (sqlite3            *db,
            const Tier         *tier,
            const MaintainData *md,
            int                *rc)
{
  gint64 limit = md->now_ms - tier->floor_ms;

  *rc = SQLITE_OK;
  if (tier->clean_sql != NULL)
    limit = MIN (limit, _seye_store_query_int (db, tier->clean_sql, 0, G_MAXINT64, rc));

  return align_down (limit, tier->align_ms);
}

/* How far past @oldest to cut to free @excess bytes: a first slice of 1/16 of what may go,
 * then as far as the bytes per millisecond the slices before freed say (a quarter more,
 * so a pass rarely needs another), or twice the last slice when they freed nothing. */
static gint64
next_cut (const Tier *tier,
          gint64      oldest,
          gint64      limit,
          gint64      excess,
          double      bytes_per_ms,
          gint64     *slice)
{
  gint64 cut;

  if (*slice == 0)
    *slice = MAX ((limit - oldest) / 16, tier->align_ms);
  else if (bytes_per_ms > 0)
    *slice = (gint64) MIN (excess / bytes_per_ms * 1.25, (double) (limit - oldest)) + tier->align_ms;
  else
    *slice = MIN (*slice * 2, limit - oldest);

  cut = align_down (oldest + *slice, tier->align_ms);

  return CLAMP (cut, oldest + 1, limit);
}

/* Takes the oldest rows of @tier until the data fits @md's budget or the tier is down to
 * its floor. */
static int
shrink_tier (sqlite3            *db,
             const Tier         *tier,
             const MaintainData *md,
             guint              *steps,
             GCancellable       *cancellable)
{
  double bytes_per_ms = 0;
  gint64 slice = 0;
  int rc = SQLITE_OK;
  gint64 used = used_bytes (db, &rc);

  while (rc == SQLITE_OK && used > md->disk_budget && *steps < MAX_STEPS &&
         !g_cancellable_is_cancelled (cancellable))
    {
      gint64 oldest, limit, cut, before = used;

      limit = tier_limit (db, tier, md, &rc);
      if (rc == SQLITE_OK)
        oldest = tier_oldest (db, tier, &rc);
      if (rc != SQLITE_OK || oldest >= limit)
        break;

      cut = next_cut (tier, oldest, limit, used - md->disk_budget, bytes_per_ms, &slice);
      g_debug ("History over its budget (%" G_GINT64_FORMAT " of %" G_GINT64_FORMAT " bytes): "
               "deleting %s before %" G_GINT64_FORMAT, used, md->disk_budget, tier->table, cut);
      rc = tier_delete (db, tier, cut);
      (*steps)++;
      if (rc == SQLITE_OK)
        used = used_bytes (db, &rc);
      bytes_per_ms = (double) (before - used) / (double) (cut - oldest);
    }

  return rc;
}

/* A file made with incremental auto-vacuum gives its free pages back while it is larger
 * than the budget (after a smaller budget was chosen); any other reuses them. */
static int
give_back_pages (sqlite3            *db,
                 const MaintainData *md)
{
  gint64 mode, page_size, page_count, free_pages, excess;
  g_autofree char *sql = NULL;
  int rc;

  mode = _seye_store_query_int (db, "PRAGMA auto_vacuum", 0, 0, &rc);
  if (rc != SQLITE_OK || mode != 2)
    return rc;

  page_size = _seye_store_query_int (db, "PRAGMA page_size", 0, 4096, &rc);
  if (rc == SQLITE_OK)
    page_count = _seye_store_query_int (db, "PRAGMA page_count", 0, 0, &rc);
  if (rc == SQLITE_OK)
    free_pages = _seye_store_query_int (db, "PRAGMA freelist_count", 0, 0, &rc);
  if (rc != SQLITE_OK || free_pages == 0 || page_count * page_size <= md->disk_budget)
    return rc;

  excess = (page_count * page_size - md->disk_budget + page_size - 1) / page_size;
  sql = g_strdup_printf ("PRAGMA incremental_vacuum (%" G_GINT64_FORMAT ")", MIN (excess, free_pages));

  return sqlite3_exec (db, sql, NULL, NULL, NULL);
}

/* Keeps the data within @md->disk_budget (0: no budget), taking from the tiers in order. */
int
_seye_store_keep_budget (sqlite3             *db,
                         const MaintainData  *md,
                         GCancellable        *cancellable)
{
  guint steps = 0;
  int rc = SQLITE_OK;

  if (md->disk_budget <= 0)
    return SQLITE_OK;

  for (guint t = 0; t < G_N_ELEMENTS (tiers) && rc == SQLITE_OK; t++)
    rc = shrink_tier (db, &tiers[t], md, &steps, cancellable);

  if (rc == SQLITE_OK)
    rc = give_back_pages (db, md);

  return rc;
}
