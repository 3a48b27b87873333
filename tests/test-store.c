/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SeyeStore: what goes in comes out, rollup math, retention, gaps, migration,
 * damaged files, export, and recording a real agent through a monitor. */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>
#include <string.h>
#include <unistd.h>

#include "seye-error.h"
#include "seye-monitor.h"
#include "seye-recorder.h"
#include "seye-store.h"
#include "seye-test-mounts.h"
#include "seye-test-util.h"

#define ID_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1"
#define ID_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb2"

/* 2026-01-01T00:00:00Z: every test works in the past, on whole minutes. */
#define T0 G_GINT64_CONSTANT (1767225600000)
/* Raw samples: those committed since the last rollup pass are still in "recent". */
#define RAW_COUNT "SELECT (SELECT count(*) FROM samples) + (SELECT count(*) FROM recent)"
#define MINUTE 60000
#define HOUR (60 * MINUTE)

typedef struct
{
  char *dir;
  char *path;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr (GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("seye-store-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "sub", "history.db", NULL);
}

static void
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

static SeyeSample *
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

static SeyeStore *
open_store (Fixture *fixture)
{
  g_autoptr (GError) error = NULL;
  SeyeStore *store = seye_store_open (fixture->path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);

  return store;
}

static void
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

static void
add (SeyeStore  *store,
     const char *node_id,
     gint64      time_ms,
     double      cpu)
{
  add_every (store, node_id, time_ms, cpu, 1.0);
}

static void
commit (SeyeStore *store)
{
  g_autoptr (GError) error = NULL;

  seye_store_commit (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (seye_store_get_n_pending (store), ==, 0);
}

static void
maintain (SeyeStore *store,
          gint64     now_ms)
{
  g_autoptr (GError) error = NULL;

  seye_store_maintain (store, now_ms, &error);
  g_assert_no_error (error);
}

static GPtrArray *
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

static gint64
count_rows (const char *path,
            const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 value = -1;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  return value;
}

static void
exec_sql (const char *path,
          const char *sql)
{
  sqlite3 *db = NULL;
  char *message = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL), ==, SQLITE_OK);
  sqlite3_exec (db, sql, NULL, NULL, &message);
  g_assert_null (message);
  sqlite3_close (db);
}

static char *
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
static guint set_aside_warnings;
static guint disk_full_warnings;

static GLogWriterOutput
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

/* Tests -------------------------------------------------------------------- */

static void
test_roundtrip (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr (SeyeStore) store = open_store (fixture);
  g_autoptr (GPtrArray) points = NULL;
  g_autoptr (GPtrArray) nodes = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (SeyeSample) partial = seye_sample_new ();
  SeyeStorePoint *p;

  g_assert_cmpstr (seye_store_get_path (store), ==, fixture->path);
  g_assert_null (seye_store_get_set_aside_path (store));
  g_assert_cmpint (count_rows (fixture->path, "PRAGMA user_version"), ==, SEYE_STORE_SCHEMA_VERSION);

  add (store, ID_A, T0 + 1000, 12.34);
  add (store, ID_A, T0 + 2000, 56.78);
  add (store, ID_A, T0 + 2000, 99);      /* same time again: ignored */
  partial->time_ms = T0 + 3000;
  partial->interval = 1;
  partial->parts = SEYE_SAMPLE_LOAD;
  partial->load[0] = 2.5;
  seye_store_add (store, ID_A, NULL, NULL, partial);
  g_assert_cmpuint (seye_store_get_n_pending (store), ==, 4);
  commit (store);

  points = query (store, ID_A, T0, T0 + MINUTE, 0);
  g_assert_cmpuint (points->len, ==, 3);

  p = points->pdata[0];
  g_assert_cmpint (p->time_ms, ==, T0 + 1000);
  g_assert_cmpint (p->span_ms, ==, 0);
  g_assert_cmpuint (p->n_samples, ==, 1);
  g_assert_false (p->gap_before);
  g_assert_true (p->min == p->avg && p->max == p->avg);
  g_assert_cmpfloat_with_epsilon (p->avg->cpu.busy, 12.34, 0.001);
  g_assert_cmpfloat_with_epsilon (p->avg->cpu.user, 12.34 * 0.75, 0.006);
  g_assert_cmpfloat_with_epsilon (p->avg->cpu.iowait, 0.5, 0.001);
  g_assert_cmpuint (p->avg->cores->len, ==, 4);
  g_assert_cmpfloat_with_epsilon (g_array_index (p->avg->cores, SeyeCpuStat, 3).busy, 15.34, 0.26);
  g_assert_cmpuint (p->avg->memory.total, ==, 8ull << 30);
  g_assert_cmpuint (p->avg->memory.used, ==, (guint64) (12.34 * (1 << 20)) * 1024);
  g_assert_cmpuint (p->avg->memory.swap_used, ==, 1 << 20);
  g_assert_cmpfloat_with_epsilon (p->avg->load[1], 1.25, 0.001);
  g_assert_cmpuint (p->avg->procs_total, ==, 112);
  g_assert_cmpuint (p->avg->threads, ==, 300);
  g_assert_cmpfloat_with_epsilon (p->avg->net_rx_bytes_per_sec, 12340, 0.51);
  g_assert_cmpfloat_with_epsilon (p->avg->disk_read_bytes_per_sec, 4096, 0.01);
  g_assert_cmpfloat_with_epsilon (p->avg->uptime, 1001, 0.01);
  g_assert_cmpfloat_with_epsilon (p->avg->interval, 1.0, 0.001);

  p = points->pdata[1];
  g_assert_cmpfloat_with_epsilon (p->avg->cpu.busy, 56.78, 0.001);

  p = points->pdata[2];
  g_assert_cmpuint (p->avg->parts, ==, SEYE_SAMPLE_LOAD);
  g_assert_cmpfloat_with_epsilon (p->avg->load[0], 2.5, 0.001);
  g_assert_cmpuint (p->avg->cores->len, ==, 0);

  /* Moved from "recent" to "samples" by a rollup pass, and a sample seen again then:
   * still one of each. */
  maintain (store, T0 + HOUR);
  g_assert_cmpint (count_rows (fixture->path, "SELECT count(*) FROM recent"), ==, 0);
  add (store, ID_A, T0 + 2000, 99);
  commit (store);
  g_clear_pointer (&points, g_ptr_array_unref);
  points = query (store, ID_A, T0, T0 + MINUTE, 0);
  g_assert_cmpuint (points->len, ==, 3);
  g_assert_cmpfloat_with_epsilon (((SeyeStorePoint *) points->pdata[1])->avg->cpu.busy, 56.78, 0.001);

  /* The range is inclusive at both ends; an unknown node has no points. */
  g_clear_pointer (&points, g_ptr_array_unref);
  points = query (store, ID_A, T0 + 2000, T0 + 2000, 0);
  g_assert_cmpuint (points->len, ==, 1);
  g_clear_pointer (&points, g_ptr_array_unref);
  points = query (store, ID_B, T0, T0 + HOUR, 0);
  g_assert_cmpuint (points->len, ==, 0);

  nodes = seye_store_list_nodes (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (nodes->len, >=, 1);
  g_assert_cmpstr (((SeyeStoreNode *) nodes->pdata[0])->node_id, ==, ID_A);
  g_assert_cmpstr (((SeyeStoreNode *) nodes->pdata[0])->name, ==, "alpha");
  /* (rolled up by now: its first minute starts at T0) */
  g_assert_cmpint (((SeyeStoreNode *) nodes->pdata[0])->first_ms, ==, T0);
  g_assert_cmpint (((SeyeStoreNode *) nodes->pdata[0])->last_ms, ==, T0 + 3000);
}

static void
test_busy (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr (SeyeStore) store = open_store (fixture);
  g_autoptr (GError) error = NULL;
  sqlite3 *other = NULL;

  /* Another writer (the rollup thread) holds the database: the commit gives up
   * quickly and keeps the samples for the next round. */
  g_assert_cmpint (sqlite3_open_v2 (fixture->path, &other, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (other, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==, SQLITE_OK);

  add (store, ID_A, T0, 1);
  add (store, ID_A, T0 + 1000, 2);
  g_assert_false (seye_store_commit (store, &error));
  g_assert_error (error, SEYE_ERROR, SEYE_ERROR_UNAVAILABLE);
  g_assert_cmpuint (seye_store_get_n_pending (store), ==, 2);
  g_clear_error (&error);

  g_assert_cmpint (sqlite3_exec (other, "COMMIT", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (other);

  add (store, ID_A, T0 + 2000, 3);
  commit (store);
  g_assert_cmpint (count_rows (fixture->path, RAW_COUNT), ==, 3);
}

static void
test_address_change (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr (GPtrArray) nodes = NULL;
  g_autoptr (GPtrArray) points = NULL;
  g_autoptr (GError) error = NULL;

  {
    g_autoptr (SeyeStore) store = open_store (fixture);
    g_autoptr (SeyeSample) s1 = make_sample (T0, 10, 2);
    g_autoptr (SeyeSample) s2 = make_sample (T0 + 1000, 20, 2);

    seye_store_add (store, ID_A, "alpha", "10.0.0.1:7373", s1);
    commit (store);
    seye_store_add (store, ID_A, "alpha-renamed", "10.0.0.99:7373", s2);
    commit (store);
  }

  /* A node keeps one history across addresses and names, and across a restart. */
  {
    g_autoptr (SeyeStore) store = open_store (fixture);

    nodes = seye_store_list_nodes (store, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (nodes->len, ==, 1);
    g_assert_cmpstr (((SeyeStoreNode *) nodes->pdata[0])->name, ==, "alpha-renamed");
    g_assert_cmpstr (((SeyeStoreNode *) nodes->pdata[0])->address, ==, "10.0.0.99:7373");

    points = query (store, ID_A, T0, T0 + MINUTE, 0);
    g_assert_cmpuint (points->len, ==, 2);
  }
}

static void
test_rollup_math (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr (SeyeStore) store = open_store (fixture);
  g_autoptr (GPtrArray) points = NULL;
  SeyeStorePoint *p;

  /* Minute 0: 10, 20, 60 at its first and last millisecond; minute 1 starts at exactly 60000. */
  add (store, ID_A, T0, 10);
  add (store, ID_A, T0 + 30000, 20);
  add (store, ID_A, T0 + MINUTE - 1, 60);
  add (store, ID_A, T0 + MINUTE, 40);
  add (store, ID_A, T0 + MINUTE + 1000, 50);
  commit (store);

  /* Minute 1 is not complete one minute after its end... */
  maintain (store, T0 + 2 * MINUTE + 59999);
  g_assert_cmpint (count_rows (fixture->path, "SELECT count(*) FROM rollups"), ==, 1);
  /* ...and is a minute later. */
  maintain (store, T0 + 3 * MINUTE);
  g_assert_cmpint (count_rows (fixture->path, "SELECT count(*) FROM rollups"), ==, 2);
  g_assert_cmpint (count_rows (fixture->path, RAW_COUNT), ==, 5);
  g_assert_cmpint (count_rows (fixture->path, "SELECT count(*) FROM recent"), ==, 0);

  /* Buckets of a minute or more come from rollups. */
  points = query (store, ID_A, T0, T0 + 2 * MINUTE - 1, 2);
  g_assert_cmpuint (points->len, ==, 2);

  p = points->pdata[0];
  g_assert_cmpint (p->time_ms, ==, T0);
  g_assert_cmpint (p->span_ms, ==, MINUTE);
  g_assert_cmpuint (p->n_samples, ==, 3);
  g_assert_cmpfloat_with_epsilon (p->avg->cpu.busy, 30, 0.001);
  g_assert_cmpfloat_with_epsilon (p->min->cpu.busy, 10, 0.001);
  g_assert_cmpfloat_with_epsilon (p->max->cpu.busy, 60, 0.001);
  g_assert_cmpfloat_with_epsilon (p->avg->net_rx_bytes_per_sec, 30000, 0.5);
  g_assert_cmpfloat_with_epsilon (p->max->net_rx_bytes_per_sec, 60000, 0.5);
  g_assert_cmpuint (p->avg->memory.used, ==, 30ull << 30);
  g_assert_cmpuint (p->min->memory.used, ==, 10ull << 30);
  g_assert_cmpuint (p->avg->procs_total, ==, 130);
  g_assert_cmpuint (p->avg->memory.total, ==, 8ull << 30);
  /* Per-core averages: core 2 is cpu + 2. */
  g_assert_cmpuint (p->avg->cores->len, ==, 4);
  g_assert_cmpfloat_with_epsilon (g_array_index (p->avg->cores, SeyeCpuStat, 2).busy, 32, 0.5);
  g_assert_cmpuint (p->avg->parts & SEYE_SAMPLE_CPU, !=, 0);

  p = points->pdata[1];
  g_assert_cmpint (p->time_ms, ==, T0 + MINUTE);
  g_assert_cmpuint (p->n_samples, ==, 2);
  g_assert_cmpfloat_with_epsilon (p->avg->cpu.busy, 45, 0.001);
  g_assert_cmpfloat_with_epsilon (p->min->cpu.busy, 40, 0.001);
  g_assert_cmpfloat_with_epsilon (p->max->cpu.busy, 50, 0.001);
  g_assert_false (p->gap_before);

  /* A two-minute bucket: weighted by sample count (3 × 30 + 2 × 45) / 5 = 36. */
  g_clear_pointer (&points, g_ptr_array_unref);
  points = query (store, ID_A, T0, T0 + 2 * MINUTE, 1);
  g_assert_cmpuint (points->len, ==, 1);
  p = points->pdata[0];
  g_assert_cmpuint (p->n_samples, ==, 5);
  g_assert_cmpint (p->span_ms, ==, 2 * MINUTE);
  g_assert_cmpfloat_with_epsilon (p->avg->cpu.busy, 36, 0.001);
  g_assert_cmpfloat_with_epsilon (p->min->cpu.busy, 10, 0.001);
  g_assert_cmpfloat_with_epsilon (p->max->cpu.busy, 60, 0.001);

  /* A late sample in a rolled-up minute: that minute is rolled up again. */
  add (store, ID_A, T0 + 45000, 110);
  commit (store);
  maintain (store, T0 + 3 * MINUTE);
  g_clear_pointer (&points, g_ptr_array_unref);
  points = query (store, ID_A, T0, T0 + 2 * MINUTE - 1, 2);
  p = points->pdata[0];
  g_assert_cmpuint (p->n_samples, ==, 4);
  g_assert_cmpfloat_with_epsilon (p->avg->cpu.busy, 50, 0.001);
  g_assert_cmpfloat_with_epsilon (p->max->cpu.busy, 110, 0.001);
}

static void
test_retention (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr (SeyeStore) store = open_store (fixture);
  g_autoptr (GPtrArray) points = NULL;
  gint64 now = T0 + 3 * HOUR;

  g_assert_cmpint (seye_store_get_raw_retention (store), ==, 24 * 3600);
  g_assert_cmpint (seye_store_get_rollup_retention (store), ==, 30 * 24 * 3600);
  seye_store_set_raw_retention (store, 3600);
  g_object_set (store, "rollup-retention", (gint64) 7200, NULL);
  g_assert_cmpint (seye_store_get_rollup_retention (store), ==, 7200);

  /* Three hours, one sample every 10 s, two nodes. */
  for (gint64 t = T0; t < now; t += 10000)
    {
      add_every (store, ID_A, t, 10, 10);
      add_every (store, ID_B, t, 20, 10);
    }
  commit (store);
  g_assert_cmpint (count_rows (fixture->path, RAW_COUNT), ==, 2 * 3 * 360);

  maintain (store, now);

  /* Raw: the last hour only; rollups: the last two hours, up to the last complete minute. */
  g_assert_cmpint (count_rows (fixture->path, "SELECT min(time) FROM samples"), ==, now - HOUR);
  g_assert_cmpint (count_rows (fixture->path, RAW_COUNT), ==, 2 * 360);
  g_assert_cmpint (count_rows (fixture->path, "SELECT min(minute) FROM rollups"), ==, now - 2 * HOUR);
  g_assert_cmpint (count_rows (fixture->path, "SELECT max(minute) FROM rollups"), ==, now - 2 * MINUTE);
  g_assert_cmpint (count_rows (fixture->path, "SELECT count(*) FROM rollups"), ==, 2 * (120 - 1));

  /* Full resolution: rollups before the oldest raw sample, raw after. */
  points = query (store, ID_A, T0, now, 0);
  g_assert_cmpuint (points->len, ==, 60 + 360);
  g_assert_cmpint (((SeyeStorePoint *) points->pdata[0])->span_ms, ==, MINUTE);
  g_assert_cmpint (((SeyeStorePoint *) points->pdata[59])->time_ms, ==, now - HOUR - MINUTE);
  g_assert_cmpint (((SeyeStorePoint *) points->pdata[60])->span_ms, ==, 0);
  g_assert_cmpint (((SeyeStorePoint *) points->pdata[60])->time_ms, ==, now - HOUR);
  for (guint i = 1; i < points->len; i++)
    g_assert_false (((SeyeStorePoint *) points->pdata[i])->gap_before);

  /* A sample from long ago (a node with its clock behind): its raw sample is not
   * pruned before its minute is rolled up, and only that minute is rolled up. */
  add (store, ID_A, T0 + 90 * MINUTE + 5000, 77);
  commit (store);
  /* (the minute before now is not complete a minute later: still dirty) */
  g_assert_cmpint (count_rows (fixture->path, "SELECT count(*) FROM dirty"), ==, 2);
  maintain (store, now);
  g_assert_cmpint (count_rows (fixture->path, "SELECT count(*) FROM dirty"), ==, 1);
  g_assert_cmpint (count_rows (fixture->path, "SELECT max(cpu_busy_max) FROM rollups"), ==, 7700);
  g_assert_cmpint (count_rows (fixture->path, RAW_COUNT), ==, 2 * 360);

  /* Everything goes in the end. */
  maintain (store, now + 10 * HOUR);
  g_assert_cmpint (count_rows (fixture->path, RAW_COUNT), ==, 0);
  g_assert_cmpint (count_rows (fixture->path, "SELECT count(*) FROM rollups"), ==, 0);
}

static void
test_gaps (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr (SeyeStore) store = open_store (fixture);
  g_autoptr (GPtrArray) points = NULL;
  guint gaps = 0;

  /* 1 Hz for 5 minutes, 10 s hole, 1 Hz for 5 minutes, 10 minute hole, 5 more minutes. */
  for (gint64 t = T0; t < T0 + 5 * MINUTE; t += 1000)
    add (store, ID_A, t, 10);
  for (gint64 t = T0 + 5 * MINUTE + 10000; t < T0 + 10 * MINUTE; t += 1000)
    add (store, ID_A, t, 20);
  for (gint64 t = T0 + 20 * MINUTE; t < T0 + 25 * MINUTE; t += 1000)
    add (store, ID_A, t, 30);
  /* A missed sample (2 s apart) is not a gap. */
  add (store, ID_A, T0 + 25 * MINUTE + 1000, 30);
  commit (store);

  points = query (store, ID_A, T0, T0 + HOUR, 0);
  for (guint i = 0; i < points->len; i++)
    {
      SeyeStorePoint *p = points->pdata[i];

      if (!p->gap_before)
        continue;
      gaps++;
      g_assert_true (p->time_ms == T0 + 5 * MINUTE + 10000 || p->time_ms == T0 + 20 * MINUTE);
    }
  g_assert_cmpuint (gaps, ==, 2);

  /* From rollups (one-minute buckets and coarser): the 10 minute hole only. */
  maintain (store, T0 + HOUR);
  for (guint max_points = 30; max_points <= 60; max_points += 30)
    {
      g_clear_pointer (&points, g_ptr_array_unref);
      points = query (store, ID_A, T0, T0 + HOUR, max_points);
      gaps = 0;
      for (guint i = 0; i < points->len; i++)
        {
          SeyeStorePoint *p = points->pdata[i];

          g_assert_cmpint (p->span_ms, >=, MINUTE);
          if (p->gap_before)
            {
              gaps++;
              g_assert_cmpint (p->time_ms, ==, T0 + 20 * MINUTE);
            }
        }
      g_assert_cmpuint (gaps, ==, 1);
    }
}

static void
test_buckets_raw (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr (SeyeStore) store = open_store (fixture);
  g_autoptr (GPtrArray) points = NULL;

  /* An hour at 1 Hz asked as 360 points: 10 s buckets from raw samples. */
  for (gint64 t = T0; t < T0 + HOUR; t += 1000)
    add (store, ID_A, t, (t / 1000) % 10);
  commit (store);

  points = query (store, ID_A, T0, T0 + HOUR - 1, 360);
  g_assert_cmpuint (points->len, ==, 360);
  for (guint i = 0; i < points->len; i++)
    {
      SeyeStorePoint *p = points->pdata[i];

      g_assert_cmpint (p->span_ms, ==, 10000);
      g_assert_cmpuint (p->n_samples, ==, 10);
      g_assert_cmpfloat_with_epsilon (p->avg->cpu.busy, 4.5, 0.001);
      g_assert_cmpfloat_with_epsilon (p->min->cpu.busy, 0, 0.001);
      g_assert_cmpfloat_with_epsilon (p->max->cpu.busy, 9, 0.001);
      g_assert_false (p->gap_before);
    }
}

static void
test_migrate_empty (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *sub = g_path_get_dirname (fixture->path);
  g_autoptr (GError) error = NULL;

  g_mkdir_with_parents (sub, 0700);
  g_file_set_contents (fixture->path, "", 0, &error);
  g_assert_no_error (error);

  {
    g_autoptr (SeyeStore) store = open_store (fixture);

    g_assert_null (seye_store_get_set_aside_path (store));
    add (store, ID_A, T0, 1);
    commit (store);
  }

  g_assert_cmpint (count_rows (fixture->path, "PRAGMA user_version"), ==, SEYE_STORE_SCHEMA_VERSION);
  g_assert_cmpint (count_rows (fixture->path, RAW_COUNT), ==, 1);
  g_assert_null (find_set_aside (fixture));
}

static void
test_migrate_partial (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *sub = g_path_get_dirname (fixture->path);
  g_autoptr (GPtrArray) nodes = NULL;
  g_autoptr (GError) error = NULL;

  /* Version 0 with only the nodes table, as an older build that died half-way left it. */
  g_mkdir_with_parents (sub, 0700);
  exec_sql (fixture->path,
            "CREATE TABLE nodes (id INTEGER PRIMARY KEY, node_id TEXT NOT NULL UNIQUE, name TEXT, address TEXT);"
            "INSERT INTO nodes (node_id, name, address) VALUES ('" ID_B "', 'kept', 'old:7373');");

  {
    g_autoptr (SeyeStore) store = open_store (fixture);

    g_assert_null (seye_store_get_set_aside_path (store));
    nodes = seye_store_list_nodes (store, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (nodes->len, ==, 1);
    g_assert_cmpstr (((SeyeStoreNode *) nodes->pdata[0])->name, ==, "kept");
    g_assert_cmpint (((SeyeStoreNode *) nodes->pdata[0])->first_ms, ==, 0);
    add (store, ID_B, T0, 1);
    commit (store);
  }

  g_assert_cmpint (count_rows (fixture->path, "PRAGMA user_version"), ==, SEYE_STORE_SCHEMA_VERSION);
  g_assert_cmpint (count_rows (fixture->path, "SELECT count(*) FROM nodes"), ==, 1);
  g_assert_cmpint (count_rows (fixture->path, "PRAGMA journal_mode"), ==, 0);   /* "wal" is not a number */
}

static void
test_newer_version (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *sub = g_path_get_dirname (fixture->path);
  g_autoptr (GError) error = NULL;
  g_autoptr (SeyeStore) store = NULL;

  g_mkdir_with_parents (sub, 0700);
  exec_sql (fixture->path, "CREATE TABLE future (x); PRAGMA user_version = 99;");

  store = seye_store_open (fixture->path, &error);
  g_assert_error (error, SEYE_ERROR, SEYE_ERROR_INCOMPATIBLE);
  g_assert_null (store);
  g_assert_nonnull (strstr (error->message, "newer version"));
  /* Left alone. */
  g_assert_null (find_set_aside (fixture));
  g_assert_cmpint (count_rows (fixture->path, "PRAGMA user_version"), ==, 99);
}

static void
check_set_aside (Fixture    *fixture,
                 const char *original_contents,
                 gsize       original_length)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SeyeStore) store = NULL;
  g_autofree char *aside = NULL;
  g_autofree char *contents = NULL;
  guint warnings = set_aside_warnings;
  gsize length;

  store = seye_store_open (fixture->path, &error);
  g_assert_cmpuint (set_aside_warnings, ==, warnings + 1);
  g_assert_no_error (error);
  g_assert_nonnull (store);

  aside = find_set_aside (fixture);
  g_assert_nonnull (aside);
  g_assert_cmpstr (seye_store_get_set_aside_path (store), ==, aside);
  g_assert_nonnull (strstr (seye_store_get_set_aside_message (store), aside));
  g_test_message ("%s", seye_store_get_set_aside_message (store));

  /* The damaged file is kept byte for byte. */
  if (original_contents != NULL)
    {
      g_file_get_contents (aside, &contents, &length, &error);
      g_assert_no_error (error);
      g_assert_cmpmem (contents, length, original_contents, original_length);
    }

  /* And the new history works. */
  add (store, ID_A, T0, 1);
  commit (store);
  g_assert_cmpint (count_rows (fixture->path, RAW_COUNT), ==, 1);
}

static void
test_corrupt_not_a_database (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autofree char *sub = g_path_get_dirname (fixture->path);
  static const char garbage[] = "This is not an SQLite database, but it is 64 bytes or longer, surely.";
  g_autoptr (GError) error = NULL;

  g_mkdir_with_parents (sub, 0700);
  g_file_set_contents (fixture->path, garbage, sizeof garbage, &error);
  g_assert_no_error (error);

  check_set_aside (fixture, garbage, sizeof garbage);
}

static void
test_corrupt_pages (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *contents = NULL;
  g_autoptr (GError) error = NULL;
  gsize length;

  {
    g_autoptr (SeyeStore) store = open_store (fixture);

    for (gint64 t = T0; t < T0 + HOUR; t += 1000)
      add (store, ID_A, t, 50);
    commit (store);
  }

  /* Scribble over the middle of the file, b-tree pages included. */
  g_file_get_contents (fixture->path, &contents, &length, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (length, >, 64 * 1024);
  for (gsize i = 3 * 4096; i < 12 * 4096; i++)
    contents[i] = (char) (i * 7);
  g_file_set_contents (fixture->path, contents, length, &error);
  g_assert_no_error (error);

  check_set_aside (fixture, contents, length);
}

static void
test_foreign_database (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *sub = g_path_get_dirname (fixture->path);

  /* Some other program's database at version 0, with a "samples" table of its own. */
  g_mkdir_with_parents (sub, 0700);
  exec_sql (fixture->path, "CREATE TABLE samples (a TEXT); INSERT INTO samples VALUES ('mine');");

  check_set_aside (fixture, NULL, 0);
}

static void     async_cb      (GObject      *object,
                               GAsyncResult *result,
                               gpointer      user_data);
static gboolean result_set_cb (gpointer      data);

/* Files that are intact but cannot be used: never renamed, never called damaged. */

static GBytes *
read_bytes (const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GMappedFile) file = g_mapped_file_new (path, FALSE, &error);

  g_assert_no_error (error);

  return g_mapped_file_get_bytes (file);
}

/* Ten minutes of ID_A, a sample a second, in a store that is then closed; returns its bytes. */
static GBytes *
make_history (const char *path)
{
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (SeyeStore) store = seye_store_open (path, &error);

    g_assert_no_error (error);
    for (gint64 t = T0; t < T0 + 10 * MINUTE; t += 1000)
      add (store, ID_A, t, 5);
    commit (store);
  }

  return read_bytes (path);
}

/* @path still holds @bytes, and nothing beside it was set aside. */
static void
assert_left_alone (const char *path,
                   GBytes     *bytes)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr (GDir) listing = g_dir_open (dir, 0, NULL);
  g_autoptr (GBytes) now = NULL;
  const char *name;

  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  now = read_bytes (path);
  g_assert_true (g_bytes_equal (now, bytes));

  g_assert_nonnull (listing);
  while ((name = g_dir_read_name (listing)) != NULL)
    g_assert_null (strstr (name, ".damaged-"));
}

/* What a user is told about an intact file: no word of damage, nothing to delete. */
static void
assert_not_called_damaged (const char *message)
{
  g_test_message ("%s", message);
  g_assert_null (strstr (message, "damaged"));
  g_assert_null (strstr (message, "delete"));
  g_assert_null (strstr (message, "I/O error"));
}

static void
assert_history_readable (SeyeStore *store)
{
  g_autoptr (GPtrArray) points = NULL;
  g_autoptr (GPtrArray) nodes = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  points = query (store, ID_A, T0, T0 + HOUR, 0);
  g_assert_cmpuint (points->len, ==, 600);
  g_clear_pointer (&points, g_ptr_array_unref);

  nodes = seye_store_list_nodes (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (nodes->len, >=, 1);

  /* The detail pane reads on a worker thread, with a connection of its own. */
  seye_store_query_async (store, ID_A, T0, T0 + HOUR, 0, NULL, async_cb, &result);
  g_assert_true (seye_test_wait_until (result_set_cb, &result, 10000));
  points = seye_store_query_finish (store, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (points->len, ==, 600);
}

static void
test_read_only_fs (void)
{
  g_autofree char *dir = seye_test_tmpfs_new (NULL, 1024);
  g_autofree char *path = NULL;
  g_autofree char *expected = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (SeyeStore) store = NULL;
  const GError *write_error;

  if (dir == NULL)
    return;

  path = g_build_filename (dir, "history.db", NULL);
  bytes = make_history (path);
  seye_test_tmpfs_set_read_only (dir, TRUE);

  /* The app: history still shows, nothing is recorded, and the user is told why. */
  store = seye_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (store);
  g_assert_true (seye_store_get_read_only (store));
  g_assert_null (seye_store_get_set_aside_path (store));
  write_error = seye_store_get_write_error (store);
  g_assert_error ((GError *) write_error, SEYE_STORE_ERROR, SEYE_STORE_ERROR_READ_ONLY);
  expected = g_strdup_printf ("%s is read-only: history is not recorded", path);
  g_assert_true (g_str_has_prefix (write_error->message, expected));
  assert_not_called_damaged (write_error->message);
  assert_history_readable (store);
  g_clear_object (&store);

  /* `seye history`. */
  store = seye_store_open_full (path, SEYE_STORE_OPEN_READ_ONLY, &error);
  g_assert_no_error (error);
  g_assert_nonnull (store);
  assert_history_readable (store);
  g_clear_object (&store);

  assert_left_alone (path, bytes);
  seye_test_tmpfs_free (g_steal_pointer (&dir));
}

static void
test_disk_full (void)
{
  g_autofree char *dir = seye_test_tmpfs_new (NULL, 512);
  g_autofree char *path = NULL;
  g_autofree char *filler = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (SeyeStore) store = NULL;
  const GError *write_error;

  if (dir == NULL)
    return;

  path = g_build_filename (dir, "history.db", NULL);
  g_clear_pointer (&bytes, g_bytes_unref);
  bytes = make_history (path);

  /* The disk fills up while recording: the samples wait, and the error says so. */
  store = seye_store_open (path, &error);
  g_assert_no_error (error);
  filler = seye_test_tmpfs_fill (dir);
  for (gint64 t = T0 + HOUR; t < T0 + HOUR + 2000 * 1000; t += 1000)
    add (store, ID_B, t, 7);
  g_assert_false (seye_store_commit (store, &error));
  g_assert_error (error, SEYE_STORE_ERROR, SEYE_STORE_ERROR_DISK_FULL);
  g_assert_true (g_str_has_prefix (error->message, "The disk is full: "));
  assert_not_called_damaged (error->message);
  g_assert_cmpuint (seye_store_get_n_pending (store), ==, 2000);
  g_clear_error (&error);

  /* Room again: they are written. */
  g_assert_cmpint (g_unlink (filler), ==, 0);
  commit (store);
  g_clear_object (&store);
  g_clear_pointer (&bytes, g_bytes_unref);
  bytes = read_bytes (path);
  g_clear_pointer (&filler, g_free);

  /* Opening on a full disk: what is there shows, nothing is recorded. */
  filler = seye_test_tmpfs_fill (dir);
  store = seye_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (store);
  g_assert_true (seye_store_get_read_only (store));
  write_error = seye_store_get_write_error (store);
  g_assert_error ((GError *) write_error, SEYE_STORE_ERROR, SEYE_STORE_ERROR_DISK_FULL);
  g_assert_true (g_str_has_prefix (write_error->message, "The disk is full: history is not recorded"));
  assert_not_called_damaged (write_error->message);
  assert_history_readable (store);
  g_clear_object (&store);

  store = seye_store_open_full (path, SEYE_STORE_OPEN_READ_ONLY, &error);
  g_assert_no_error (error);
  assert_history_readable (store);
  g_clear_object (&store);

  assert_left_alone (path, bytes);
  seye_test_tmpfs_free (g_steal_pointer (&dir));
}

/* Where the parent keeps the root-owned file; a child finds it by its parent's pid. */
static char *
foreign_owned_folder (pid_t parent)
{
  g_autofree char *name = g_strdup_printf ("seye-store-foreign-%d", (int) parent);

  return g_build_filename (g_get_tmp_dir (), name, NULL);
}

/* In a child that became another user: opens the root-owned file of its parent. */
static void
foreign_owned_child (void)
{
  g_autofree char *top = foreign_owned_folder (getppid ());
  g_autofree char *path = g_build_filename (top, "data", "history.db", NULL);
  g_autofree char *expected = g_strdup_printf ("%s belongs to another user: history is not recorded", path);
  g_autoptr (GError) error = NULL;
  g_autoptr (SeyeStore) store = NULL;
  GStatBuf st;
  uid_t uid;
  gid_t gid;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_true (seye_test_require_other_user (&uid, &gid));
  seye_test_become_user (uid, gid);
  g_assert_cmpuint (geteuid (), ==, uid);

  store = seye_store_open (path, &error);
  if ((st.st_mode & 0044) != 0)
    {
      const GError *write_error;

      /* Readable by all: its history shows, nothing is recorded. */
      g_assert_no_error (error);
      g_assert_true (seye_store_get_read_only (store));
      write_error = seye_store_get_write_error (store);
      g_assert_error ((GError *) write_error, SEYE_STORE_ERROR, SEYE_STORE_ERROR_PERMISSION);
      g_assert_true (g_str_has_prefix (write_error->message, expected));
      assert_not_called_damaged (write_error->message);
      assert_history_readable (store);
      return;
    }

  g_assert_null (store);
  g_assert_error (error, SEYE_STORE_ERROR, SEYE_STORE_ERROR_PERMISSION);
  g_assert_true (g_str_has_prefix (error->message, expected));
  assert_not_called_damaged (error->message);
  g_clear_error (&error);

  store = seye_store_open_full (path, SEYE_STORE_OPEN_READ_ONLY, &error);
  g_assert_null (store);
  g_assert_error (error, SEYE_STORE_ERROR, SEYE_STORE_ERROR_PERMISSION);
  g_assert_nonnull (strstr (error->message, "belongs to another user and cannot be read"));
  assert_not_called_damaged (error->message);
}

static void
test_foreign_owned (void)
{
  static const guint modes[] = { 0600, 0644 };
  g_autofree char *top = NULL;
  g_autofree char *data = NULL;
  g_autofree char *path = NULL;
  g_autoptr (GBytes) bytes = NULL;
  uid_t uid;
  gid_t gid;

  if (g_test_subprocess ())
    {
      foreign_owned_child ();
      return;
    }

  if (!seye_test_require_other_user (&uid, &gid))
    return;

  /* The folder is the other user's (they could rename in it); the file is root's. */
  top = foreign_owned_folder (getpid ());
  g_assert_cmpint (g_mkdir (top, 0755), ==, 0);
  data = g_build_filename (top, "data", NULL);
  g_assert_cmpint (g_mkdir (data, 0700), ==, 0);
  path = g_build_filename (data, "history.db", NULL);
  bytes = make_history (path);
  g_assert_cmpint (chown (data, uid, gid), ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      g_test_message ("root's history.db with mode %04o, opened by uid %u", modes[i], (guint) uid);
      g_assert_cmpint (g_chmod (path, modes[i]), ==, 0);
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      assert_left_alone (path, bytes);
    }

  /* What SQLite may have made beside it belongs to the other user: root removes it all. */
  {
    g_autoptr (GDir) listing = g_dir_open (data, 0, NULL);
    const char *name;

    while ((name = g_dir_read_name (listing)) != NULL)
      {
        g_autofree char *file = g_build_filename (data, name, NULL);

        g_unlink (file);
      }
  }
  g_rmdir (data);
  g_rmdir (top);
}

static void
test_unreadable (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (SeyeStore) store = NULL;

  if (geteuid () == 0)
    {
      g_test_skip ("root reads any file (foreign-owned covers this as another user)");
      return;
    }

  g_mkdir_with_parents (g_path_get_dirname (fixture->path), 0700);
  bytes = make_history (fixture->path);
  g_chmod (fixture->path, 0);

  store = seye_store_open (fixture->path, &error);
  g_assert_null (store);
  g_assert_error (error, SEYE_STORE_ERROR, SEYE_STORE_ERROR_PERMISSION);
  assert_not_called_damaged (error->message);
  g_chmod (fixture->path, 0600);
  assert_left_alone (fixture->path, bytes);
}

static void
test_directory (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SeyeStore) store = NULL;

  /* Something that cannot be opened as a file at all, even by root: not SQLite's
   * "damaged", so it is left where it is. */
  g_assert_cmpint (g_mkdir_with_parents (fixture->path, 0700), ==, 0);

  store = seye_store_open (fixture->path, &error);
  g_assert_null (store);
  g_assert_error (error, SEYE_STORE_ERROR, SEYE_STORE_ERROR_FAILED);
  assert_not_called_damaged (error->message);
  g_assert_true (g_file_test (fixture->path, G_FILE_TEST_IS_DIR));
  g_assert_null (find_set_aside (fixture));
}

static void
test_read_only (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *sub = g_path_get_dirname (fixture->path);
  static const char garbage[] = "not a database, and long enough to have a header..............";
  g_autoptr (GError) error = NULL;
  g_autoptr (SeyeStore) store = NULL;

  store = seye_store_open_full (fixture->path, SEYE_STORE_OPEN_READ_ONLY, &error);
  g_assert_error (error, SEYE_ERROR, SEYE_ERROR_UNAVAILABLE);
  g_assert_null (store);
  g_assert_false (g_file_test (sub, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  g_mkdir_with_parents (sub, 0700);
  g_file_set_contents (fixture->path, garbage, sizeof garbage, &error);
  g_assert_no_error (error);

  /* A reader never renames anything. */
  store = seye_store_open_full (fixture->path, SEYE_STORE_OPEN_READ_ONLY, &error);
  g_assert_nonnull (error);
  g_assert_null (store);
  g_assert_null (find_set_aside (fixture));
  g_test_message ("%s", error->message);
}

static void
test_export (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr (SeyeStore) store = open_store (fixture);
  g_autoptr (GOutputStream) csv = g_memory_output_stream_new_resizable ();
  g_autoptr (GOutputStream) json = g_memory_output_stream_new_resizable ();
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_auto (GStrv) lines = NULL;
  g_auto (GStrv) header = NULL;
  g_auto (GStrv) first = NULL;
  g_autofree char *csv_text = NULL;
  JsonObject *root;
  JsonArray *array;
  JsonObject *point;

  seye_store_set_raw_retention (store, 3600);
  for (gint64 t = T0; t < T0 + 2 * HOUR; t += 30000)
    add (store, ID_A, t, 25.5);
  commit (store);
  maintain (store, T0 + 2 * HOUR);

  seye_store_export (store, ID_A, T0, T0 + 2 * HOUR, SEYE_STORE_FORMAT_CSV, csv, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_close (csv, NULL, NULL);
  csv_text = g_strndup (g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (csv)),
                        g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (csv)));
  lines = g_strsplit (csv_text, "\n", -1);
  /* header + 60 minutes of rollups + 120 raw samples + the empty string after the last \n */
  g_assert_cmpuint (g_strv_length (lines), ==, 1 + 60 + 120 + 1);
  header = g_strsplit (lines[0], ",", -1);
  g_assert_cmpstr (header[0], ==, "time");
  g_assert_cmpstr (header[1], ==, "time_ms");
  g_assert_true (g_strv_contains ((const char * const *) header, "cpu_busy_percent"));
  g_assert_true (g_strv_contains ((const char * const *) header, "memory_used_bytes_max"));
  g_assert_true (g_strv_contains ((const char * const *) header, "net_rx_bytes_per_sec"));
  first = g_strsplit (lines[1], ",", -1);
  g_assert_cmpuint (g_strv_length (first), ==, g_strv_length (header));
  g_assert_cmpstr (first[0], ==, "2026-01-01T00:00:00.000Z");
  g_assert_cmpstr (first[2], ==, "minute");
  g_assert_cmpstr (first[3], ==, "2");
  g_assert_cmpstr (first[5], ==, "25.5");
  g_assert_true (g_str_has_suffix (lines[1], ",25.5 26.5 27.5 28.5"));
  g_assert_nonnull (strstr (lines[61], ",raw,1,0,25.5,25.5,25.5,"));

  seye_store_export (store, ID_A, T0, T0 + 2 * HOUR, SEYE_STORE_FORMAT_JSON, json, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_close (json, NULL, NULL);
  json_parser_load_from_data (parser, g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (json)),
                              g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (json)), &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (root, "format"), ==, "sorcerers-eye-history");
  g_assert_cmpstr (json_object_get_string_member (root, "node_id"), ==, ID_A);
  g_assert_cmpstr (json_object_get_string_member (root, "name"), ==, "alpha");
  array = json_object_get_array_member (root, "points");
  g_assert_cmpuint (json_array_get_length (array), ==, 180);
  point = json_array_get_object_element (array, 0);
  g_assert_cmpstr (json_object_get_string_member (point, "resolution"), ==, "minute");
  g_assert_cmpfloat (json_object_get_double_member (json_object_get_object_member (point, "max"),
                                                    "cpu_busy_percent"), ==, 25.5);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (point, "values"),
                                               "memory_total_bytes"), ==, 8ll << 30);
  point = json_array_get_object_element (array, 179);
  g_assert_cmpstr (json_object_get_string_member (point, "resolution"), ==, "raw");
  g_assert_false (json_object_has_member (point, "min"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                      json_object_get_object_member (point, "values"), "cores_busy_percent")), ==, 4);

  /* An unknown node is an error that says so. */
  seye_store_export (store, ID_B, T0, T0 + HOUR, SEYE_STORE_FORMAT_CSV, csv, NULL, &error);
  g_assert_error (error, SEYE_ERROR, SEYE_ERROR_INVALID);
}

static void
async_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static gboolean
result_set_cb (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

static void
test_async (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr (SeyeStore) store = open_store (fixture);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GPtrArray) points = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *export_path = g_build_filename (fixture->dir, "export.csv", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (export_path);
  g_autofree char *contents = NULL;

  for (gint64 t = T0; t < T0 + 10 * MINUTE; t += 1000)
    add (store, ID_A, t, 5);
  commit (store);

  seye_store_maintain_async (store, T0 + HOUR, NULL, async_cb, &result);
  g_assert_true (seye_test_wait_until (result_set_cb, &result, 10000));
  g_assert_true (seye_store_maintain_finish (store, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_cmpint (count_rows (fixture->path, "SELECT count(*) FROM rollups"), ==, 10);

  seye_store_query_async (store, ID_A, T0, T0 + 10 * MINUTE, 10, NULL, async_cb, &result);
  g_assert_true (seye_test_wait_until (result_set_cb, &result, 10000));
  points = seye_store_query_finish (store, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (points->len, ==, 10);
  g_clear_object (&result);

  seye_store_export_async (store, ID_A, T0, T0 + 10 * MINUTE, SEYE_STORE_FORMAT_CSV, file, NULL,
                           async_cb, &result);
  g_assert_true (seye_test_wait_until (result_set_cb, &result, 10000));
  g_assert_true (seye_store_export_finish (store, result, &error));
  g_assert_no_error (error);
  g_file_get_contents (export_path, &contents, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (contents, "time,time_ms,"));
  g_unlink (export_path);
  g_clear_object (&result);

  /* Opening on a worker thread. */
  {
    g_autoptr (SeyeStore) again = NULL;

    seye_store_open_async (fixture->path, SEYE_STORE_OPEN_DEFAULT, NULL, async_cb, &result);
    g_assert_true (seye_test_wait_until (result_set_cb, &result, 10000));
    again = seye_store_open_finish (result, &error);
    g_assert_no_error (error);
    g_assert_nonnull (again);
  }
}

/* A real agent, polled by a monitor, recorded by the store. */
typedef struct
{
  const char *path;
  gint64      want;
} CountWait;

static gboolean
enough_rows_cb (gpointer data)
{
  CountWait *wait = data;

  return count_rows (wait->path, RAW_COUNT) >= wait->want;
}

static void
test_attach_monitor (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr (SeyeTestAgent) agent = NULL;
  g_autoptr (SeyeMonitor) monitor = NULL;
  g_autoptr (SeyeStore) store = NULL;
  g_autoptr (SeyeRecorder) recorder = NULL;
  g_autoptr (GPtrArray) nodes = NULL;
  g_autoptr (GPtrArray) points = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *host_port = NULL;
  CountWait wait = { fixture->path, 8 };
  gint64 now;

  if (g_getenv ("SEYE_AGENT") == NULL)
    {
      g_test_skip ("SEYE_AGENT is not set (built without the agent)");
      return;
    }

  agent = seye_test_agent_start ("--name", "store-rec", "--node-id", ID_A, "--interval", "0.25",
                                 "--no-mdns", NULL);
  g_assert_nonnull (agent);
  host_port = g_strdup_printf ("127.0.0.1:%u", agent->port);

  store = open_store (fixture);
  monitor = seye_monitor_new ();
  seye_monitor_set_interval (monitor, 0.25);
  recorder = seye_recorder_new (store, monitor);
  seye_monitor_add_manual (monitor, host_port, &error);
  g_assert_no_error (error);
  seye_monitor_start (monitor);

  g_assert_true (seye_test_wait_until (enough_rows_cb, &wait, 15000));

  nodes = seye_store_list_nodes (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (nodes->len, >=, 1);
  g_assert_cmpstr (((SeyeStoreNode *) nodes->pdata[0])->node_id, ==, ID_A);
  g_assert_cmpstr (((SeyeStoreNode *) nodes->pdata[0])->name, ==, "store-rec");
  g_assert_cmpstr (((SeyeStoreNode *) nodes->pdata[0])->address, ==, host_port);

  now = g_get_real_time () / 1000;
  points = query (store, ID_A, now - HOUR, now + MINUTE, 0);
  g_assert_cmpuint (points->len, >=, 8);
  g_assert_cmpuint (((SeyeStorePoint *) points->pdata[0])->avg->parts & SEYE_SAMPLE_CPU, !=, 0);

  /* What is queued when the store goes is written. */
  seye_monitor_stop (monitor);
  g_clear_object (&recorder);
  g_clear_object (&store);
  g_assert_cmpint (count_rows (fixture->path, RAW_COUNT), >=, (gint64) points->len);
}

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 guint      *count)
{
  (*count)++;
}

static gboolean
recording_error_set_cb (gpointer data)
{
  return seye_store_get_recording_error (data) != NULL;
}

static gboolean
recording_error_clear_cb (gpointer data)
{
  return seye_store_get_recording_error (data) == NULL;
}

/* The disk fills up while a monitor is recorded: the store says so, once, in words the
 * window shows (SeyeStore:recording-error), keeps the samples and writes them when there
 * is room again, and then says it is over. */
static void
test_disk_full_while_recording (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *filler = NULL;
  g_autofree char *host_port = NULL;
  g_autoptr (SeyeTestAgent) agent = NULL;
  g_autoptr (SeyeMonitor) monitor = NULL;
  g_autoptr (SeyeStore) store = NULL;
  g_autoptr (SeyeRecorder) recorder = NULL;
  g_autoptr (GError) error = NULL;
  CountWait wait = { NULL, 0 };
  gint64 before;
  guint notified = 0;

  if (g_getenv ("SEYE_AGENT") == NULL)
    {
      g_test_skip ("SEYE_AGENT is not set (built without the agent)");
      return;
    }

  dir = seye_test_tmpfs_new (NULL, 512);
  if (dir == NULL)
    return;
  path = g_build_filename (dir, "history.db", NULL);

  agent = seye_test_agent_start ("--name", "store-full", "--node-id", ID_A, "--interval", "0.25",
                                 "--no-mdns", NULL);
  g_assert_nonnull (agent);
  host_port = g_strdup_printf ("127.0.0.1:%u", agent->port);

  store = seye_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_false (seye_store_get_read_only (store));
  g_signal_connect (store, "notify::recording-error", G_CALLBACK (count_notify_cb), &notified);
  monitor = seye_monitor_new ();
  seye_monitor_set_interval (monitor, 0.25);
  recorder = seye_recorder_new (store, monitor);
  seye_monitor_add_manual (monitor, host_port, &error);
  g_assert_no_error (error);
  seye_monitor_start (monitor);

  wait.path = path;
  wait.want = 4;
  g_assert_true (seye_test_wait_until (enough_rows_cb, &wait, 15000));
  g_assert_null (seye_store_get_recording_error (store));
  g_assert_cmpuint (notified, ==, 0);

  /* Full: said once, and the samples wait. */
  disk_full_warnings = 0;
  filler = seye_test_tmpfs_fill (dir);
  g_assert_true (seye_test_wait_until (recording_error_set_cb, store, 15000));
  g_assert_true (g_str_has_prefix (seye_store_get_recording_error (store),
                                   "The disk is full: new samples wait in memory"));
  assert_not_called_damaged (seye_store_get_recording_error (store));
  /* More rounds fail the same way without saying it again. */
  before = seye_store_get_n_pending (store);
  wait.want = before + 8;
  while (seye_store_get_n_pending (store) < (guint) wait.want)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (disk_full_warnings, ==, 1);
  g_assert_cmpuint (notified, ==, 1);

  /* Room again: written, and the notice goes. */
  g_assert_cmpint (g_unlink (filler), ==, 0);
  g_assert_true (seye_test_wait_until (recording_error_clear_cb, store, 15000));
  g_assert_cmpuint (notified, ==, 2);
  wait.want = count_rows (path, RAW_COUNT) + before;
  g_assert_true (seye_test_wait_until (enough_rows_cb, &wait, 15000));

  seye_monitor_stop (monitor);
  g_clear_object (&recorder);
  g_clear_object (&store);
  g_clear_object (&monitor);
  seye_test_tmpfs_free (g_steal_pointer (&dir));
}

int
main (int   argc,
      char *argv[])
{
  seye_test_mounts_init ();
  g_test_init (&argc, &argv, NULL);
  g_log_set_writer_func (log_writer, NULL, NULL);

#define ADD(path, func) g_test_add ("/seye/store/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("roundtrip", test_roundtrip);
  ADD ("busy", test_busy);
  ADD ("address-change", test_address_change);
  ADD ("rollup-math", test_rollup_math);
  ADD ("retention", test_retention);
  ADD ("gaps", test_gaps);
  ADD ("buckets-raw", test_buckets_raw);
  ADD ("migrate-empty", test_migrate_empty);
  ADD ("migrate-partial", test_migrate_partial);
  ADD ("newer-version", test_newer_version);
  ADD ("corrupt/not-a-database", test_corrupt_not_a_database);
  ADD ("corrupt/pages", test_corrupt_pages);
  ADD ("corrupt/foreign", test_foreign_database);
  ADD ("cannot-open/unreadable", test_unreadable);
  ADD ("cannot-open/directory", test_directory);
  g_test_add_func ("/seye/store/cannot-open/read-only-fs", test_read_only_fs);
  g_test_add_func ("/seye/store/cannot-open/foreign-owned", test_foreign_owned);
  g_test_add_func ("/seye/store/cannot-open/disk-full", test_disk_full);
  ADD ("read-only", test_read_only);
  ADD ("export", test_export);
  ADD ("async", test_async);
  ADD ("attach-monitor", test_attach_monitor);
  g_test_add_func ("/seye/store/cannot-open/disk-full-while-recording", test_disk_full_while_recording);
#undef ADD

  return g_test_run ();
}
