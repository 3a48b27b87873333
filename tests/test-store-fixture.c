/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the tests of the store share (test-store-fixture.h). */

#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "seye-test-mounts.h"
#include "test-store-fixture.h"

void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr (GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("seye-store-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "sub", "history.db", NULL);
}

void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr (GDir) dir = NULL;
  g_autofree char *sub = g_build_filename (fixture->dir, "sub", NULL);
  const char *name;

  dir = g_dir_open (sub, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (sub, name, NULL);

      g_chmod (path, 0600);
      if (g_unlink (path) != 0)
        g_rmdir (path);
    }
  g_rmdir (sub);
  g_rmdir (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->path);
}

SeyeSample *
make_sample (gint64 time_ms,
             double cpu,
             guint  n_cores)
{
  SeyeSample *sample = seye_sample_new ();

  sample->time_ms = time_ms;
  sample->interval = 1.0;
  sample->parts = SEYE_SAMPLE_CPU | SEYE_SAMPLE_MEMORY | SEYE_SAMPLE_LOAD | SEYE_SAMPLE_PROCESSES |
                  SEYE_SAMPLE_UPTIME | SEYE_SAMPLE_NETWORK | SEYE_SAMPLE_DISK;
  sample->cpu.busy = cpu;
  sample->cpu.user = cpu * 0.75;
  sample->cpu.system = cpu * 0.25;
  sample->cpu.iowait = 0.5;
  sample->cpu.steal = 0;
  for (guint i = 0; i < n_cores; i++)
    {
      SeyeCpuStat core = { 0 };

      core.id = (int) i;
      core.busy = cpu + i;
      g_array_append_val (sample->cores, core);
    }
  sample->memory.total = 8ull << 30;
  sample->memory.used = (guint64) (cpu * (1 << 20)) * 1024;
  sample->memory.available = sample->memory.total - sample->memory.used;
  sample->memory.swap_total = 2ull << 30;
  sample->memory.swap_used = 1 << 20;
  sample->load[0] = cpu / 10;
  sample->load[1] = 1.25;
  sample->load[2] = 0.5;
  sample->procs_total = 100 + (guint) cpu;
  sample->threads = 300;
  sample->net_rx_bytes_per_sec = cpu * 1000;
  sample->net_tx_bytes_per_sec = 512;
  sample->disk_read_bytes_per_sec = 4096;
  sample->disk_write_bytes_per_sec = 0;
  sample->uptime = 1000 + (time_ms - T0) / 1000;

  return sample;
}

SeyeStore *
open_store (Fixture *fixture)
{
  g_autoptr (GError) error = NULL;
  SeyeStore *store = seye_store_open (fixture->path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);

  return store;
}

void
add_every (SeyeStore  *store,
           const char *node_id,
           gint64      time_ms,
           double      cpu,
           double      interval)
{
  g_autoptr (SeyeSample) sample = make_sample (time_ms, cpu, 4);

  sample->interval = interval;
  seye_store_add (store, node_id, "alpha", "10.0.0.1:7373", sample);
}

void
add (SeyeStore  *store,
     const char *node_id,
     gint64      time_ms,
     double      cpu)
{
  add_every (store, node_id, time_ms, cpu, 1.0);
}

void
commit (SeyeStore *store)
{
  g_autoptr (GError) error = NULL;

  seye_store_commit (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (seye_store_get_n_pending (store), ==, 0);
}

void
maintain (SeyeStore *store,
          gint64     now_ms)
{
  g_autoptr (GError) error = NULL;

  seye_store_maintain (store, now_ms, &error);
  g_assert_no_error (error);
}

GPtrArray *
query (SeyeStore  *store,
       const char *node_id,
       gint64      from_ms,
       gint64      to_ms,
       guint       max_points)
{
  g_autoptr (GError) error = NULL;
  GPtrArray *points = seye_store_query (store, node_id, from_ms, to_ms, max_points, &error);

  g_assert_no_error (error);
  g_assert_nonnull (points);

  return points;
}

gint64
count_rows (const char *path,
            const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 value = -1;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  /* The store's writer may hold the lock (a migration, a checkpoint): wait as it would. */
  sqlite3_busy_timeout (db, 10000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  return value;
}

void
exec_sql (const char *path,
          const char *sql)
{
  sqlite3 *db = NULL;
  char *message = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 10000);
  sqlite3_exec (db, sql, NULL, NULL, &message);
  g_assert_null (message);
  sqlite3_close (db);
}

char *
find_set_aside (Fixture *fixture)
{
  g_autofree char *sub = g_path_get_dirname (fixture->path);
  g_autoptr (GDir) dir = g_dir_open (sub, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, "history.db.damaged-") && !g_str_has_suffix (name, "-wal") &&
        !g_str_has_suffix (name, "-shm"))
      return g_build_filename (sub, name, NULL);

  return NULL;
}

/* The store logs with the structured API, which g_test_expect_message() does not
 * see: a writer counts the set-aside warnings and passes everything else on. */
guint set_aside_warnings;
guint disk_full_warnings;

GLogWriterOutput
log_writer (GLogLevelFlags   log_level,
            const GLogField *fields,
            gsize            n_fields,
            gpointer         user_data)
{
  const char *domain = NULL;
  const char *message = NULL;

  for (gsize i = 0; i < n_fields; i++)
    {
      if (g_str_equal (fields[i].key, "GLIB_DOMAIN"))
        domain = fields[i].value;
      else if (g_str_equal (fields[i].key, "MESSAGE"))
        message = fields[i].value;
    }

  if ((log_level & G_LOG_LEVEL_WARNING) && g_strcmp0 (domain, "seye-store") == 0 &&
      message != NULL && g_pattern_match_simple ("*could not be used*moved to*", message))
    {
      set_aside_warnings++;
      g_test_message ("warning: %s", message);
      return G_LOG_WRITER_HANDLED;
    }
  if ((log_level & G_LOG_LEVEL_WARNING) && g_strcmp0 (domain, "seye-store") == 0 &&
      message != NULL && g_str_has_prefix (message, "The disk is full: new samples wait"))
    {
      disk_full_warnings++;
      g_test_message ("warning: %s", message);
      return G_LOG_WRITER_HANDLED;
    }

  return g_log_writer_default (log_level, fields, n_fields, user_data);
}

void
async_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

gboolean
result_set_cb (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

/* What a user is told about an intact file: no word of damage, nothing to delete. */
void
assert_not_called_damaged (const char *message)
{
  g_test_message ("%s", message);
  g_assert_null (strstr (message, "damaged"));
  g_assert_null (strstr (message, "delete"));
  g_assert_null (strstr (message, "I/O error"));
}

/* First thing in main(): mount namespace, GTest, and the writer that counts warnings. */
void
store_test_init (int    *argc,
                 char ***argv)
{
  seye_test_mounts_init ();
  g_test_init (argc, argv, NULL);
  g_log_set_writer_func (log_writer, NULL, NULL);
}
