/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The tables of the history, their migrations, and the SQL that reads and writes them. */
#define G_LOG_DOMAIN "seye-store"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "seye-error.h"
#include "seye-store-private.h"

/*
 * Layout (schema version 3)
 *
 *   nodes    one row per node id, with the last name and address seen
 *   recent   samples as committed, appended in arrival order: a polling round of
 *            100 nodes writes 3 or 4 pages instead of one leaf page per node
 *   samples  (versions 1 and 2) one row per sample: (node, time) -> the numbers;
 *            version 3 packs it into "packed" and drops it
 *   packed   (version 3) a node's samples of (part of) a minute in one row: (node,
 *            start) -> n, last, data (seye-store-pack.c: column by column, each number
 *            as the varint of its change, runs of no change counted), WITHOUT ROWID so
 *            a node's range is one contiguous b-tree walk; rows stay under a b-tree
 *            cell's inline size (PACK_ROW_MAX). The rollup pass moves "recent" here
 *            once a minute and rolls up each minute it touched in the same step, so a
 *            node's leaf page is written once a minute rather than once a second
 *   rollups  one row per node and minute: n, and average, minimum and maximum of
 *            every number
 *   dirty    minutes with samples not rolled up yet: each commit adds the minutes
 *            of its samples, the rollup removes them; a late sample (history
 *            fetched after a restart, a node with its clock behind) makes its
 *            minute roll up again, and no other
 *   alerts   (version 2) the alert log: one row per start, clear or acknowledgement,
 *            with the node's id and name as they were, the rule's id, its value and
 *            the reason in words; kept as long as the longest rollup tier
 *   hourly   (version 3) one row per node and hour, the same columns as "rollups",
 *            made from them (averages weighted by their n): the long range costs 60
 *            times less than in minutes, so the minute tier can be kept shorter
 *   dirty_hours (version 3) hours whose minutes were rolled up since their hour was;
 *            the minute rollups of an hour are pruned only once it is clean. The
 *            migration marks every hour the rollups hold, so the first maintenance
 *            pass builds the hours of an older history before its minutes age out
 *
 * Numbers are stored as integers in fixed units (1/100 %, KiB, bytes/s, 1/100 of a
 * load): in "recent" and the rollups SQLite writes them in 1 to 4 bytes instead of 8,
 * packed their changes take 1 or 2.
 *
 * Per-core busy is a BLOB of one byte per core (busy % × 2, 0..200): 8 cores cost
 * 8 bytes in the sample's row. A side table would cost a row (key, b-tree cell and
 * header, ~20 bytes) per core per sample and a join on every read, for a per-core
 * view that only ever needs "all cores of this sample".
 */

const MetricInfo _seye_store_metrics[N_METRICS] = {
  [M_CPU_BUSY]      = { "cpu_busy",      "cpu_busy_percent",        SEYE_SAMPLE_CPU,       100, 2 },
  [M_CPU_USER]      = { "cpu_user",      "cpu_user_percent",        SEYE_SAMPLE_CPU,       100, 2 },
  [M_CPU_SYSTEM]    = { "cpu_system",    "cpu_system_percent",      SEYE_SAMPLE_CPU,       100, 2 },
  [M_CPU_IOWAIT]    = { "cpu_iowait",    "cpu_iowait_percent",      SEYE_SAMPLE_CPU,       100, 2 },
  [M_CPU_STEAL]     = { "cpu_steal",     "cpu_steal_percent",       SEYE_SAMPLE_CPU,       100, 2 },
  [M_MEM_USED]      = { "mem_used",      "memory_used_bytes",       SEYE_SAMPLE_MEMORY,    1.0 / 1024, 0 },
  [M_MEM_AVAILABLE] = { "mem_available", "memory_available_bytes",  SEYE_SAMPLE_MEMORY,    1.0 / 1024, 0 },
  [M_MEM_TOTAL]     = { "mem_total",     "memory_total_bytes",      SEYE_SAMPLE_MEMORY,    1.0 / 1024, 0 },
  [M_SWAP_USED]     = { "swap_used",     "swap_used_bytes",         SEYE_SAMPLE_MEMORY,    1.0 / 1024, 0 },
  [M_SWAP_TOTAL]    = { "swap_total",    "swap_total_bytes",        SEYE_SAMPLE_MEMORY,    1.0 / 1024, 0 },
  [M_LOAD1]         = { "load1",         "load1",                   SEYE_SAMPLE_LOAD,      100, 2 },
  [M_LOAD5]         = { "load5",         "load5",                   SEYE_SAMPLE_LOAD,      100, 2 },
  [M_LOAD15]        = { "load15",        "load15",                  SEYE_SAMPLE_LOAD,      100, 2 },
  [M_PROCS]         = { "procs",         "processes",               SEYE_SAMPLE_PROCESSES, 1, 0 },
  [M_THREADS]       = { "threads",       "threads",                 SEYE_SAMPLE_PROCESSES, 1, 0 },
  [M_NET_RX]        = { "net_rx",        "net_rx_bytes_per_sec",    SEYE_SAMPLE_NETWORK,   1, 0 },
  [M_NET_TX]        = { "net_tx",        "net_tx_bytes_per_sec",    SEYE_SAMPLE_NETWORK,   1, 0 },
  [M_DISK_READ]     = { "disk_read",     "disk_read_bytes_per_sec", SEYE_SAMPLE_DISK,      1, 0 },
  [M_DISK_WRITE]    = { "disk_write",    "disk_write_bytes_per_sec", SEYE_SAMPLE_DISK,     1, 0 },
  [M_UPTIME]        = { "uptime",        "uptime_seconds",          SEYE_SAMPLE_UPTIME,    1, 0 },
};

/* Migrations: migrations[v] takes a database from version v - 1 to v, inside one
 * transaction. Add a version by appending its SQL here and raising
 * SEYE_STORE_SCHEMA_VERSION; never edit a released step. */
static const char * const migrations[SEYE_STORE_SCHEMA_VERSION + 1] = {
  [0] = NULL,
  [1] =
    "CREATE TABLE IF NOT EXISTS nodes ("
    "  id INTEGER PRIMARY KEY,"
    "  node_id TEXT NOT NULL UNIQUE,"
    "  name TEXT,"
    "  address TEXT);"
    "CREATE TABLE IF NOT EXISTS dirty ("
    "  minute INTEGER PRIMARY KEY);"
    "CREATE TABLE IF NOT EXISTS recent ("
    "  node INTEGER NOT NULL, time INTEGER NOT NULL, interval_ms INTEGER, parts INTEGER NOT NULL,"
    "  cores BLOB,"
    "  cpu_busy INTEGER, cpu_user INTEGER, cpu_system INTEGER, cpu_iowait INTEGER, cpu_steal INTEGER,"
    "  mem_used INTEGER, mem_available INTEGER, mem_total INTEGER, swap_used INTEGER, swap_total INTEGER,"
    "  load1 INTEGER, load5 INTEGER, load15 INTEGER, procs INTEGER, threads INTEGER,"
    "  net_rx INTEGER, net_tx INTEGER, disk_read INTEGER, disk_write INTEGER, uptime INTEGER);"
    "CREATE TABLE IF NOT EXISTS samples ("
    "  node INTEGER NOT NULL, time INTEGER NOT NULL, interval_ms INTEGER, parts INTEGER NOT NULL,"
    "  cores BLOB,"
    "  cpu_busy INTEGER, cpu_user INTEGER, cpu_system INTEGER, cpu_iowait INTEGER, cpu_steal INTEGER,"
    "  mem_used INTEGER, mem_available INTEGER, mem_total INTEGER, swap_used INTEGER, swap_total INTEGER,"
    "  load1 INTEGER, load5 INTEGER, load15 INTEGER, procs INTEGER, threads INTEGER,"
    "  net_rx INTEGER, net_tx INTEGER, disk_read INTEGER, disk_write INTEGER, uptime INTEGER,"
    "  PRIMARY KEY (node, time)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS rollups ("
    "  node INTEGER NOT NULL, minute INTEGER NOT NULL, n INTEGER NOT NULL, cores BLOB,"
    "  cpu_busy INTEGER, cpu_busy_min INTEGER, cpu_busy_max INTEGER,"
    "  cpu_user INTEGER, cpu_user_min INTEGER, cpu_user_max INTEGER,"
    "  cpu_system INTEGER, cpu_system_min INTEGER, cpu_system_max INTEGER,"
    "  cpu_iowait INTEGER, cpu_iowait_min INTEGER, cpu_iowait_max INTEGER,"
    "  cpu_steal INTEGER, cpu_steal_min INTEGER, cpu_steal_max INTEGER,"
    "  mem_used INTEGER, mem_used_min INTEGER, mem_used_max INTEGER,"
    "  mem_available INTEGER, mem_available_min INTEGER, mem_available_max INTEGER,"
    "  mem_total INTEGER, mem_total_min INTEGER, mem_total_max INTEGER,"
    "  swap_used INTEGER, swap_used_min INTEGER, swap_used_max INTEGER,"
    "  swap_total INTEGER, swap_total_min INTEGER, swap_total_max INTEGER,"
    "  load1 INTEGER, load1_min INTEGER, load1_max INTEGER,"
    "  load5 INTEGER, load5_min INTEGER, load5_max INTEGER,"
    "  load15 INTEGER, load15_min INTEGER, load15_max INTEGER,"
    "  procs INTEGER, procs_min INTEGER, procs_max INTEGER,"
    "  threads INTEGER, threads_min INTEGER, threads_max INTEGER,"
    "  net_rx INTEGER, net_rx_min INTEGER, net_rx_max INTEGER,"
    "  net_tx INTEGER, net_tx_min INTEGER, net_tx_max INTEGER,"
    "  disk_read INTEGER, disk_read_min INTEGER, disk_read_max INTEGER,"
    "  disk_write INTEGER, disk_write_min INTEGER, disk_write_max INTEGER,"
    "  uptime INTEGER, uptime_min INTEGER, uptime_max INTEGER,"
    "  PRIMARY KEY (node, minute)) WITHOUT ROWID;",
  [2] =
    "CREATE TABLE IF NOT EXISTS alerts ("
    "  time INTEGER NOT NULL, node_id TEXT NOT NULL, name TEXT, rule TEXT NOT NULL,"
    "  event TEXT NOT NULL CHECK (event IN ('start', 'clear', 'acknowledge')),"
    "  value REAL, reason TEXT);"
    "CREATE INDEX IF NOT EXISTS alerts_time ON alerts (time);",
  [3] =
    "CREATE TABLE IF NOT EXISTS hourly ("
    "  node INTEGER NOT NULL, hour INTEGER NOT NULL, n INTEGER NOT NULL, cores BLOB,"
    "  cpu_busy INTEGER, cpu_busy_min INTEGER, cpu_busy_max INTEGER,"
    "  cpu_user INTEGER, cpu_user_min INTEGER, cpu_user_max INTEGER,"
    "  cpu_system INTEGER, cpu_system_min INTEGER, cpu_system_max INTEGER,"
    "  cpu_iowait INTEGER, cpu_iowait_min INTEGER, cpu_iowait_max INTEGER,"
    "  cpu_steal INTEGER, cpu_steal_min INTEGER, cpu_steal_max INTEGER,"
    "  mem_used INTEGER, mem_used_min INTEGER, mem_used_max INTEGER,"
    "  mem_available INTEGER, mem_available_min INTEGER, mem_available_max INTEGER,"
    "  mem_total INTEGER, mem_total_min INTEGER, mem_total_max INTEGER,"
    "  swap_used INTEGER, swap_used_min INTEGER, swap_used_max INTEGER,"
    "  swap_total INTEGER, swap_total_min INTEGER, swap_total_max INTEGER,"
    "  load1 INTEGER, load1_min INTEGER, load1_max INTEGER,"
    "  load5 INTEGER, load5_min INTEGER, load5_max INTEGER,"
    "  load15 INTEGER, load15_min INTEGER, load15_max INTEGER,"
    "  procs INTEGER, procs_min INTEGER, procs_max INTEGER,"
    "  threads INTEGER, threads_min INTEGER, threads_max INTEGER,"
    "  net_rx INTEGER, net_rx_min INTEGER, net_rx_max INTEGER,"
    "  net_tx INTEGER, net_tx_min INTEGER, net_tx_max INTEGER,"
    "  disk_read INTEGER, disk_read_min INTEGER, disk_read_max INTEGER,"
    "  disk_write INTEGER, disk_write_min INTEGER, disk_write_max INTEGER,"
    "  uptime INTEGER, uptime_min INTEGER, uptime_max INTEGER,"
    "  PRIMARY KEY (node, hour)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS dirty_hours ("
    "  hour INTEGER PRIMARY KEY);"
    /* Every hour from each node's oldest minute rollup to its newest (index seeks, no scan). */
    "WITH RECURSIVE"
    "  span (first, last) AS ("
    "    SELECT min ((SELECT min (minute) FROM rollups WHERE node = nodes.id)),"
    "           max ((SELECT max (minute) FROM rollups WHERE node = nodes.id)) FROM nodes),"
    "  hours (hour) AS ("
    "    SELECT first / 3600000 * 3600000 FROM span WHERE first IS NOT NULL"
    "    UNION ALL SELECT hour + 3600000 FROM hours, span WHERE hour + 3600000 <= span.last)"
    "INSERT OR IGNORE INTO dirty_hours (hour) SELECT hour FROM hours;"
    /* "samples" is packed into this, then dropped (_seye_store_pack_samples_table ()). */
    "CREATE TABLE IF NOT EXISTS packed ("
    "  node INTEGER NOT NULL, start INTEGER NOT NULL, n INTEGER NOT NULL, last INTEGER NOT NULL,"
    "  data BLOB NOT NULL,"
    "  PRIMARY KEY (node, start)) WITHOUT ROWID;",
};

/* SQL text ----------------------------------------------------------------- */

static char *
metric_columns (const char *prefix,
                gboolean    with_range)
{
  GString *str = g_string_new (NULL);

  for (guint m = 0; m < N_METRICS; m++)
    {
      g_string_append_printf (str, ", %s%s", prefix, _seye_store_metrics[m].column);
      if (with_range)
        g_string_append_printf (str, ", %s%s_min, %s%s_max", prefix, _seye_store_metrics[m].column,
                                prefix, _seye_store_metrics[m].column);
    }

  return g_string_free (str, FALSE);
}

char *
_seye_store_sql_insert_sample (void)
{
  g_autofree char *columns = metric_columns ("", FALSE);
  GString *str = g_string_new (NULL);

  g_string_append_printf (str, "INSERT INTO recent (node, time, interval_ms, parts, cores%s) "
                               "VALUES (?, ?, ?, ?, ?", columns);
  for (guint m = 0; m < N_METRICS; m++)
    g_string_append (str, ", ?");
  g_string_append (str, ")");

  return g_string_free (str, FALSE);
}

/* Rows of "recent" (or of version 2's "samples") as _seye_store_raw_from_stmt() reads
 * them, from column 1 (0 is the node). */
char *
_seye_store_sql_select_raw_rows (const char *table)
{
  g_autofree char *columns = metric_columns ("", FALSE);

  return g_strdup_printf ("SELECT node, time, interval_ms, parts, cores%s FROM %s", columns, table);
}

char *
_seye_store_sql_select_rollups (void)
{
  g_autofree char *columns = metric_columns ("", TRUE);

  return g_strdup_printf ("SELECT minute, n, cores%s FROM rollups "
                          "WHERE node = ?1 AND minute >= ?2 AND minute <= ?3 AND minute + 60000 <= ?4 "
                          "ORDER BY minute", columns);
}

/* One node's minute, as seye-store-raw.c computes it from the raw samples. */
char *
_seye_store_sql_insert_rollup (void)
{
  g_autofree char *columns = metric_columns ("", TRUE);
  GString *str = g_string_new (NULL);

  g_string_append_printf (str, "INSERT OR REPLACE INTO rollups (node, minute, n, cores%s) VALUES (?, ?, ?, ?",
                          columns);
  for (guint m = 0; m < 3 * N_METRICS; m++)
    g_string_append (str, ", ?");
  g_string_append (str, ")");

  return g_string_free (str, FALSE);
}

/* One node's rows of the hourly tier, in the column order of _seye_store_sql_select_rollups(). */
char *
_seye_store_sql_select_hourly (void)
{
  g_autofree char *columns = metric_columns ("", TRUE);

  return g_strdup_printf ("SELECT hour, n, cores%s FROM hourly "
                          "WHERE node = ?1 AND hour >= ?2 AND hour <= ?3 AND hour + 3600000 <= ?4 "
                          "ORDER BY hour", columns);
}

/* One node's hour ?2 from its minute rollups, weighted by their sample counts. An hour
 * already written is made again only while the node's minutes reach back to its start:
 * a late sample in an hour whose minutes were pruned must not replace it with less. */
char *
_seye_store_sql_rollup_hour (void)
{
  g_autofree char *columns = metric_columns ("", TRUE);
  GString *str = g_string_new (NULL);

  g_string_append_printf (str, "INSERT OR REPLACE INTO hourly (node, hour, n, cores%s) "
                               "SELECT node, ?2, sum (n), seye_cores_avg (cores, n)", columns);
  for (guint m = 0; m < N_METRICS; m++)
    {
      const char *column = _seye_store_metrics[m].column;

      /* In floating point: a sum of integers that overflows is an error in SQLite. */
      g_string_append_printf (str, ", CAST (round (sum (%s * 1.0 * n) / sum (CASE WHEN %s IS NOT NULL "
                                   "THEN n END)) AS INTEGER), min (%s_min), max (%s_max)",
                              column, column, column, column);
    }
  g_string_append (str, " FROM rollups WHERE node = ?1 AND minute >= ?2 AND minute < ?2 + 3600000 "
                        "AND (NOT EXISTS (SELECT 1 FROM hourly WHERE node = ?1 AND hour = ?2) "
                        "OR (SELECT min (minute) FROM rollups WHERE node = ?1) <= ?2) "
                        "GROUP BY node");

  return g_string_free (str, FALSE);
}

/* Migrating and checking --------------------------------------------------- */

/* A statement that fails to compile for want of a table or column (SQLITE_ERROR) means
 * another program's database: set aside like damage. Anything else is sorted as usual. */
static OpenResult
schema_failed (SeyeStore  *self,
               int         rc,
               const char *detail,
               GError    **error)
{
  if ((rc & 0xff) == SQLITE_ERROR)
    {
      g_set_error_literal (error, SEYE_STORE_ERROR, SEYE_STORE_ERROR_CORRUPT, detail);
      return OPEN_DAMAGED;
    }

  return _seye_store_open_failed (self, rc, USE_RECORD, detail, error);
}

OpenResult
_seye_store_prepare_statements (SeyeStore  *self,
                                GError    **error)
{
  g_autofree char *insert = _seye_store_sql_insert_sample ();
  g_autofree char *detail = NULL;
  int rc;

  rc = sqlite3_prepare_v3 (self->db, insert, -1, SQLITE_PREPARE_PERSISTENT, &self->insert_sample, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v3 (self->db,
                             "INSERT INTO nodes (node_id, name, address) VALUES (?1, ?2, ?3) "
                             "ON CONFLICT (node_id) DO UPDATE SET name = excluded.name, "
                             "address = excluded.address RETURNING id",
                             -1, SQLITE_PREPARE_PERSISTENT, &self->upsert_node, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v3 (self->db,
                             "INSERT OR IGNORE INTO dirty (minute) VALUES (?1)",
                             -1, SQLITE_PREPARE_PERSISTENT, &self->mark_dirty, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v3 (self->db, SEYE_STORE_SQL_INSERT_ALERT,
                             -1, SQLITE_PREPARE_PERSISTENT, &self->insert_alert, NULL);

  /* Every table has the columns every statement needs: compile them all once. */
  if (rc == SQLITE_OK)
    {
      char *checks[] = {
        _seye_store_sql_select_raw_rows ("recent"),
        _seye_store_sql_select_rollups (),
        _seye_store_sql_insert_rollup (),
        g_strdup ("SELECT node, start, n, last, data FROM packed"),
        _seye_store_sql_select_hourly (),
        _seye_store_sql_rollup_hour (),
      };

      for (guint i = 0; i < G_N_ELEMENTS (checks); i++)
        {
          g_autoptr (sqlite3_stmt) stmt = NULL;
          g_autofree char *check = checks[i];

          if (rc == SQLITE_OK)
            rc = sqlite3_prepare_v2 (self->db, check, -1, &stmt, NULL);
        }
    }

  if (rc == SQLITE_OK)
    return OPEN_OK;

  if ((rc & 0xff) == SQLITE_ERROR)
    detail = g_strdup_printf (_("it does not hold the tables of a Sorcerer's Eye history (%s)"),
                              sqlite3_errmsg (self->db));
  else
    detail = g_strdup (sqlite3_errmsg (self->db));

  return schema_failed (self, rc, detail, error);
}

/* Version 3 packs the rows of "samples" (seye-store-raw.c) and drops it. */
static gboolean
pack_samples (sqlite3  *db,
              gint64    version,
              int      *rc_out,
              GError  **error)
{
  gint64 present;

  if (version != 3)
    return TRUE;

  present = _seye_store_query_int (db, "SELECT count (*) FROM sqlite_master WHERE name = 'samples'", 0, 0, rc_out);
  if (*rc_out == SQLITE_OK && present == 0)
    return TRUE;
  if (*rc_out == SQLITE_OK)
    *rc_out = _seye_store_pack_samples_table (db);
  if (*rc_out != SQLITE_OK)
    {
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_IO, "%s", sqlite3_errmsg (db));
      return FALSE;
    }

  return _seye_store_exec (db, "DROP TABLE samples", rc_out, error);
}

OpenResult
_seye_store_migrate (SeyeStore  *self,
                     gint64      version,
                     GError    **error)
{
  g_autoptr (GError) local_error = NULL;
  int rc;

  if (!_seye_store_exec (self->db, "BEGIN IMMEDIATE", &rc, &local_error))
    return _seye_store_open_failed (self, rc, USE_RECORD, local_error->message, error);

  for (gint64 v = version + 1; v <= SEYE_STORE_SCHEMA_VERSION; v++)
    {
      g_autofree char *set_version = g_strdup_printf ("PRAGMA user_version = %" G_GINT64_FORMAT, v);

      g_debug ("Migrating the history database to version %" G_GINT64_FORMAT, v);

      if (!_seye_store_exec (self->db, migrations[v], &rc, &local_error) ||
          !pack_samples (self->db, v, &rc, &local_error) ||
          !_seye_store_exec (self->db, set_version, &rc, &local_error))
        {
          g_autofree char *detail = NULL;
          OpenResult result;

          /* Before ROLLBACK: sqlite3_system_errno() still tells why it failed. */
          if ((rc & 0xff) == SQLITE_ERROR)
            detail = g_strdup_printf (_("it cannot be brought to schema version %lld (%s)"),
                                      (long long) v, local_error->message);
          result = schema_failed (self, rc, detail != NULL ? detail : local_error->message, error);
          sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
          return result;
        }
    }

  if (!_seye_store_exec (self->db, "COMMIT", &rc, &local_error))
    {
      OpenResult result = _seye_store_open_failed (self, rc, USE_RECORD, local_error->message, error);

      sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
      return result;
    }

  return OPEN_OK;
}
