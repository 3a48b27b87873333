/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A writer process killed with SIGKILL in the middle of writing leaves a database
 * that passes PRAGMA integrity_check and holds every batch it had committed,
 * each batch whole or not at all. The writer is tests/store-writer.c. */
#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <sqlite3.h>

#include "seye-store.h"

#define N_NODES 100

static gint64
query_int (sqlite3    *db,
           const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value = -1;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);

  return value;
}

static char *
query_text (sqlite3    *db,
            const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);

  return value;
}

/* Starts the writer, lets it commit at least @batches batches, kills it. Returns the
 * last batch it reported committed. */
static gint64
run_and_kill (const char *path,
              gint64      first,
              guint       batches)
{
  g_autofree char *first_text = g_strdup_printf ("%" G_GINT64_FORMAT, first);
  g_autoptr (GSubprocess) writer = NULL;
  g_autoptr (GDataInputStream) lines = NULL;
  g_autoptr (GError) error = NULL;
  gint64 last = first - 1;

  writer = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                             g_getenv ("SEYE_STORE_WRITER"), path, first_text, NULL);
  g_assert_no_error (error);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (writer));

  while (last < first + (gint64) batches - 1)
    {
      g_autofree char *line = g_data_input_stream_read_line (lines, NULL, NULL, &error);

      g_assert_no_error (error);
      g_assert_nonnull (line);
      g_assert_true (g_str_has_prefix (line, "committed "));
      last = g_ascii_strtoll (line + 10, NULL, 10);
    }

  /* It is writing the next batch now. */
  g_subprocess_send_signal (writer, SIGKILL);
  g_subprocess_wait (writer, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_signaled (writer));
  g_assert_cmpint (g_subprocess_get_term_sig (writer), ==, SIGKILL);

  /* What it printed after the line we stopped at. */
  for (;;)
    {
      g_autofree char *line = g_data_input_stream_read_line (lines, NULL, NULL, &error);

      g_assert_no_error (error);
      if (line == NULL)
        break;
      if (g_str_has_prefix (line, "committed "))
        last = g_ascii_strtoll (line + 10, NULL, 10);
    }

  return last;
}

static void
test_sigkill (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("seye-crash-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "history.db", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  gint64 first = 0;

  if (g_getenv ("SEYE_STORE_WRITER") == NULL)
    {
      g_test_skip ("SEYE_STORE_WRITER is not set");
      return;
    }

  for (guint round = 0; round < 4; round++)
    {
      gint64 last = run_and_kill (path, first, 10 + g_test_rand_int_range (0, 40));
      g_autofree char *check = NULL;
      sqlite3 *db = NULL;
      gint64 count, batches, max_time, min_time;

      /* The WAL is still there: nobody checkpointed it after the kill. */
      g_assert_true (g_file_test (wal, G_FILE_TEST_EXISTS));

      g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
      check = query_text (db, "PRAGMA integrity_check");
      g_assert_cmpstr (check, ==, "ok");

      /* Raw samples are in "recent" until a rollup pass packs their minute into "packed". */
      count = query_int (db, "SELECT (SELECT coalesce (sum(n), 0) FROM packed) + (SELECT count(*) FROM recent)");
      min_time = query_int (db, "SELECT min(t) FROM (SELECT min(start) AS t FROM packed "
                                "UNION ALL SELECT min(time) FROM recent)");
      max_time = query_int (db, "SELECT max(t) FROM (SELECT max(last) AS t FROM packed "
                                "UNION ALL SELECT max(time) FROM recent)");
      batches = (max_time - min_time) / 1000 + 1;
      g_test_message ("round %u: reported up to batch %" G_GINT64_FORMAT ", found %" G_GINT64_FORMAT
                      " samples in %" G_GINT64_FORMAT " batches", round, last, count, batches);

      /* Every reported batch is there, and at most the one being written (committed but
       * not yet reported) beyond; none torn. */
      g_assert_cmpint (count, ==, batches * N_NODES);
      g_assert_cmpint (batches, >=, last + 1);
      g_assert_cmpint (batches, <=, last + 2);
      g_assert_cmpint (query_int (db, "SELECT count(DISTINCT node) FROM (SELECT node FROM packed "
                                      "UNION ALL SELECT node FROM recent)"), ==, N_NODES);
      g_assert_cmpint (query_int (db, "SELECT count(*) FROM nodes"), ==, N_NODES);
      sqlite3_close (db);

      first = batches;
    }

  /* And the store opens it as it is. */
  {
    g_autoptr (SeyeStore) store = seye_store_open (path, &error);

    g_assert_no_error (error);
    g_assert_null (seye_store_get_set_aside_path (store));
  }

  g_unlink (wal);
  g_unlink (shm);
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/seye/store/crash/sigkill", test_sigkill);

  return g_test_run ();
}
