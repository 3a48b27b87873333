/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SQLite connections to the history file and the small helpers every part of the store uses. */
#define G_LOG_DOMAIN "seye-store"

#include "config.h"

#include <math.h>

#include "seye-error.h"
#include "seye-store-private.h"

/* seye_cores_avg (blob [, weight]): per-byte average of the core blobs of a group, each
 * counted @weight times (a rollup's sample count), once without. */
typedef struct
{
  double *sums;
  guint  *counts;
  guint   len;
} CoresAvg;

static void
cores_avg_step (sqlite3_context  *context,
                int               argc,
                sqlite3_value   **argv)
{
  CoresAvg *acc = sqlite3_aggregate_context (context, sizeof (CoresAvg));
  const guint8 *blob = sqlite3_value_blob (argv[0]);
  guint len = (guint) sqlite3_value_bytes (argv[0]);
  gint64 weight = argc > 1 ? sqlite3_value_int64 (argv[1]) : 1;

  if (acc == NULL || blob == NULL || weight <= 0)
    return;

  if (len > acc->len)
    {
      acc->sums = g_renew (double, acc->sums, len);
      acc->counts = g_renew (guint, acc->counts, len);
      for (guint i = acc->len; i < len; i++)
        {
          acc->sums[i] = 0;
          acc->counts[i] = 0;
        }
      acc->len = len;
    }

  for (guint i = 0; i < len; i++)
    {
      acc->sums[i] += (double) blob[i] * weight;
      acc->counts[i] += (guint) MIN (weight, G_MAXUINT32);
    }
}

static void
cores_avg_final (sqlite3_context *context)
{
  CoresAvg *acc = sqlite3_aggregate_context (context, 0);
  guint8 *out;

  if (acc == NULL || acc->len == 0)
    {
      sqlite3_result_null (context);
      return;
    }

  out = g_malloc (acc->len);
  for (guint i = 0; i < acc->len; i++)
    out[i] = (guint8) CLAMP (lround (acc->sums[i] / MAX (acc->counts[i], 1)), 0, 255);
  sqlite3_result_blob (context, out, (int) acc->len, g_free);

  g_free (acc->sums);
  g_free (acc->counts);
}

gboolean
_seye_store_exec (sqlite3     *db,
                  const char  *sql,
                  int         *rc_out,
                  GError     **error)
{
  char *message = NULL;
  int rc = sqlite3_exec (db, sql, NULL, NULL, &message);

  if (rc_out != NULL)
    *rc_out = rc;

  if (rc != SQLITE_OK)
    {
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_IO, "%s", message ? message : sqlite3_errstr (rc));
      sqlite3_free (message);
      return FALSE;
    }

  return TRUE;
}

/* @immutable: read the file as it is, without its -wal and -shm: for a file on a
 * read-only file system or a full disk, where SQLite cannot create them. */
sqlite3 *
_seye_store_open_connection (const char  *path,
                             gboolean     read_only,
                             gboolean     immutable,
                             gboolean     create,
                             int          busy_ms,
                             int         *rc_out,
                             GError     **error)
{
  sqlite3 *db = NULL;
  int flags = read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
  g_autofree char *uri = NULL;
  int rc;

  if (create && !read_only)
    flags |= SQLITE_OPEN_CREATE;
  if (immutable)
    {
      g_autofree char *escaped = g_uri_escape_string (path, "/", FALSE);

      uri = g_strconcat ("file:", escaped, "?immutable=1", NULL);
      flags |= SQLITE_OPEN_URI;
    }

  rc = sqlite3_open_v2 (uri != NULL ? uri : path, &db, flags | SQLITE_OPEN_NOMUTEX, NULL);
  *rc_out = rc;
  if (rc != SQLITE_OK)
    {
      int sys_errno = db != NULL ? sqlite3_system_errno (db) : 0;

      /* "unable to open database file" says less than the system's reason. */
      _seye_store_set_error (error, _seye_store_failure_code (db, rc, path), path,
                             read_only ? USE_READ : USE_RECORD,
                             sys_errno != 0 ? g_strerror (sys_errno)
                                            : db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
      sqlite3_close (db);
      return NULL;
    }

  sqlite3_extended_result_codes (db, FALSE);
  sqlite3_busy_timeout (db, busy_ms);
  sqlite3_create_function (db, "seye_cores_avg", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                           NULL, cores_avg_step, cores_avg_final);
  sqlite3_create_function (db, "seye_cores_avg", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                           NULL, cores_avg_step, cores_avg_final);

  return db;
}

/* Reads a single integer (or @fallback for NULL / no row). */
gint64
_seye_store_query_int (sqlite3    *db,
                       const char *sql,
                       gint64      bind1,
                       gint64      fallback,
                       int        *rc_out)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  gint64 value = fallback;
  int rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);

  if (rc == SQLITE_OK)
    {
      if (sqlite3_bind_parameter_count (stmt) > 0)
        sqlite3_bind_int64 (stmt, 1, bind1);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          if (sqlite3_column_type (stmt, 0) != SQLITE_NULL)
            value = sqlite3_column_int64 (stmt, 0);
          rc = SQLITE_OK;
        }
      else if (rc == SQLITE_DONE)
        {
          rc = SQLITE_OK;
        }
    }

  if (rc_out != NULL)
    *rc_out = rc;

  return value;
}

/* Steps a statement that returns no rows, or whose first row is all that counts, and
 * resets it for the next use. */
int
_seye_store_step_reset (sqlite3_stmt *stmt)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);

  return rc == SQLITE_DONE || rc == SQLITE_ROW ? SQLITE_OK : rc;
}

/* Ends the transaction a step began: commits it when @rc is SQLITE_OK, else rolls it back.
 * Returns: what the step or the commit returned */
int
_seye_store_end_transaction (sqlite3 *db,
                             int      rc)
{
  if (rc == SQLITE_OK)
    rc = sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);

  return rc;
}
