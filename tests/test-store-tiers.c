/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SeyeStore's long range: the hourly tier (made from the minutes, read before them), the
 * disk budget (oldest raw first, then the oldest rollups, the newest kept), a version-2
 * file migrated (its samples packed, its rollups given hours) with its points unchanged,
 * and the size it reports being its file's. */

#include "config.h"

#include <glib/gstdio.h>

#include "seye-store.h"
#include "seye-test-mounts.h"
#include "test-store-fixture.h"

#define DAY (24 * HOUR)

/* One point's values, enough to tell two readings of the same rows apart. */
static char *
describe_points (GPtrArray *points)
{
  GString *str = g_string_new (NULL);

  for (guint i = 0; i < points->len; i++)
    {
      SeyeStorePoint *p = points->pdata[i];

      g_string_append_printf (str, "%" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %u %d %.4f %.4f %.4f %"
                              G_GUINT64_FORMAT " %.4f %u\n",
                              p->time_ms, p->span_ms, p->n_samples, p->gap_before, p->avg->cpu.busy,
                              p->min->cpu.busy, p->max->cpu.busy, p->avg->memory.used, p->avg->load[0],
                              p->avg->cores->len);
    }

  return g_string_free (str, FALSE);
}

/* Two readings line by line: a difference shows as its first line, not as megabytes. */
static void
assert_same_points (const char *got,
                    const char *expected)
{
  g_auto (GStrv) a = g_strsplit (got, "\n", -1);
  g_auto (GStrv) b = g_strsplit (expected, "\n", -1);

  for (guint i = 0; a[i] != NULL && b[i] != NULL; i++)
    if (g_strcmp0 (a[i], b[i]) != 0)
      {
        g_test_message ("line %u differs", i);
        g_assert_cmpstr (a[i], ==, b[i]);
      }
  g_assert_cmpuint (g_strv_length (a), ==, g_strv_length (b));
}

static char *
read_ranges (SeyeStore *store,
             gint64     now)
{
  static const struct { gint64 span; guint max_points; } ranges[] = {
    { HOUR, 0 }, { HOUR, 600 }, { DAY, 1440 }, { DAY, 4000 }, { 7 * DAY, 1000 }, { 3 * HOUR, 0 },
  };
  GString *str = g_string_new (NULL);

  for (guint r = 0; r < G_N_ELEMENTS (ranges); r++)
    {
      g_autoptr (GPtrArray) points = query (store, ID_A, now - ranges[r].span, now, ranges[r].max_points);
      g_autofree char *text = describe_points (points);

      g_string_append_printf (str, "range %u: %u points\n%s", r, points->len, text);
    }

  return g_string_free (str, FALSE);
}

/* Samples every @step_ms from @from to @to for both nodes, with a CPU that varies. */
static void
add_span (SeyeStore *store,
          gint64     from,
          gint64     to,
          gint64     step_ms)
{
  for (gint64 t = from; t < to; t += step_ms)
    {
      double cpu = (double) ((t / step_ms) % 97);

      add_every (store, ID_A, t, cpu, step_ms / 1000.0);
      add_every (store, ID_B, t, 100 - cpu, step_ms / 1000.0);
    }
  commit (store);
}

static void
test_hourly (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr (SeyeStore) store = open_store (fixture);
  g_autoptr (GPtrArray) points = NULL;
  gint64 now = T0 + 5 * HOUR;
  guint64 n_total = 0;
  SeyeStorePoint *p;

  /* Five hours at one sample every 10 s; the minutes are kept 2 hours, raw 1 hour. */
  seye_store_set_raw_retention (store, 3600);
  seye_store_set_rollup_retention (store, 2 * 3600);
  add_span (store, T0, now, 10000);
  maintain (store, now);

  /* Every complete hour has its row per node, made from its 60 minutes. */
  g_assert_cmpint (count_rows (fixture->path, "SELECT count(*) FROM hourly"), ==, 2 * 4);
  g_assert_cmpint (count_rows (fixture->path, "SELECT min(n) FROM hourly"), ==, 360);
  g_assert_cmpint (count_rows (fixture->path, "SELECT min(minute) FROM rollups"), ==, now - 2 * HOUR);
  g_assert_cmpint (count_rows (fixture->path, "SELECT count(*) FROM dirty_hours"), ==, 1);

  /* The whole range: three hours, then minutes, then raw samples, no gap between tiers. */
  points = query (store, ID_A, T0, now, 0);
  g_assert_cmpuint (points->len, ==, 3 + 60 + 360);
  for (guint i = 0; i < 3; i++)
    {
      p = points->pdata[i];
      g_assert_cmpint (p->time_ms, ==, T0 + i * HOUR);
      g_assert_cmpint (p->span_ms, ==, HOUR);
      g_assert_cmpuint (p->n_samples, ==, 360);
    }
  g_assert_cmpint (((SeyeStorePoint *) points->pdata[3])->time_ms, ==, now - 2 * HOUR);
  g_assert_cmpint (((SeyeStorePoint *) points->pdata[3])->span_ms, ==, MINUTE);
  for (guint i = 0; i < points->len; i++)
    {
      g_assert_false (((SeyeStorePoint *) points->pdata[i])->gap_before);
      n_total += ((SeyeStorePoint *) points->pdata[i])->n_samples;
    }
  g_assert_cmpuint (n_total, ==, 5 * 360);

  /* An hour's average is its samples' (0..96 repeating: every hour starts at t / 10 s). */
  {
    double sum = 0, lo = G_MAXDOUBLE, hi = 0;

    for (gint64 t = T0; t < T0 + HOUR; t += 10000)
      {
        double cpu = (double) ((t / 10000) % 97);

        sum += cpu;
        lo = MIN (lo, cpu);
        hi = MAX (hi, cpu);
      }
    p = points->pdata[0];
    g_assert_cmpfloat_with_epsilon (p->avg->cpu.busy, sum / 360, 0.01);
    g_assert_cmpfloat_with_epsilon (p->min->cpu.busy, lo, 0.001);
    g_assert_cmpfloat_with_epsilon (p->max->cpu.busy, hi, 0.001);
    g_assert_cmpuint (p->avg->cores->len, ==, 4);
  }

  /* An export says which rows are hours. */
  {
    g_autoptr (GOutputStream) csv = g_memory_output_stream_new_resizable ();
    g_autoptr (GError) error = NULL;
    g_autofree char *text = NULL;
    g_auto (GStrv) lines = NULL;

    g_assert_true (seye_store_export (store, ID_A, T0, now, SEYE_STORE_FORMAT_CSV, csv, NULL, &error));
    g_assert_no_error (error);
    text = g_strndup (g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (csv)),
                      g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (csv)));
    lines = g_strsplit (text, "\n", -1);
    g_assert_true (g_str_has_prefix (lines[1], "2026-01-01T00:00:00.000Z,1767225600000,hour,360,0,"));
    g_assert_true (g_str_has_prefix (lines[4], "2026-01-01T03:00:00.000Z,1767236400000,minute,6,0,"));
  }

  /* A late sample in an hour whose minutes are gone does not replace that hour with itself. */
  add (store, ID_A, T0 + 30 * MINUTE, 99);
  commit (store);
  maintain (store, now);
  g_assert_cmpint (count_rows (fixture->path, "SELECT n FROM hourly WHERE hour = 1767225600000 AND node = "
                                              "(SELECT id FROM nodes WHERE node_id = '" ID_A "')"), ==, 360);

  /* The hours go after their own retention. */
  seye_store_set_hourly_retention (store, 4 * 3600);
  maintain (store, now);
  g_assert_cmpint (count_rows (fixture->path, "SELECT min(hour) FROM hourly"), ==, now - 4 * HOUR);
}

static gint64
stat_size (const char *path)
{
  GStatBuf st;

  return g_stat (path, &st) == 0 ? (gint64) st.st_size : 0;
}

static gint64
used_bytes (const char *path)
{
  return count_rows (path, "SELECT (SELECT page_count FROM pragma_page_count) - "
                           "(SELECT freelist_count FROM pragma_freelist_count)") *
         count_rows (path, "PRAGMA page_size");
}

#define RAW_MIN  "SELECT min(t) FROM (SELECT min(start) AS t FROM packed UNION ALL SELECT min(time) FROM recent)"
#define RAW_MAX  "SELECT max(t) FROM (SELECT max(last) AS t FROM packed UNION ALL SELECT max(time) FROM recent)"

static void
test_budget (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr (SeyeStore) store = open_store (fixture);
  g_autoptr (GPtrArray) points = NULL;
  gint64 now = T0 + 3 * DAY;
  gint64 used, raw_min, raw_max, minutes, minute_max, hours;

  /* Three days every 20 s, two nodes: a day of raw samples, three of rollups. */
  g_assert_cmpint (seye_store_get_disk_budget (store), ==, SEYE_STORE_DEFAULT_DISK_BUDGET);
  seye_store_set_disk_budget (store, 0);
  add_span (store, T0, now, 20000);
  maintain (store, now);
  raw_min = count_rows (fixture->path, RAW_MIN);
  raw_max = count_rows (fixture->path, RAW_MAX);
  minutes = count_rows (fixture->path, "SELECT count(*) FROM rollups");
  minute_max = count_rows (fixture->path, "SELECT max(minute) FROM rollups");
  hours = count_rows (fixture->path, "SELECT count(*) FROM hourly");
  g_assert_cmpint (raw_min, ==, now - DAY);
  g_assert_cmpint (minutes, ==, 2 * 3 * 24 * 60);
  used = used_bytes (fixture->path);

  /* A little under what it takes: the oldest raw samples go, nothing else. */
  seye_store_set_disk_budget (store, used - 64 * 1024);
  maintain (store, now);
  g_assert_cmpint (used_bytes (fixture->path), <=, used - 64 * 1024);
  g_assert_cmpint (count_rows (fixture->path, RAW_MIN), >, raw_min);
  g_assert_cmpint (count_rows (fixture->path, RAW_MAX), ==, raw_max);
  g_assert_cmpint (count_rows (fixture->path, "SELECT count(*) FROM rollups"), ==, minutes);
  g_assert_cmpint (count_rows (fixture->path, "SELECT count(*) FROM hourly"), ==, hours);

  /* Far too little: raw down to the newest hour, then the oldest minutes down to the newest
   * day (whole hours), the hours kept; the newest of each never go. */
  seye_store_set_disk_budget (store, 4096);
  maintain (store, now);
  g_assert_cmpint (count_rows (fixture->path, RAW_MIN), >=, now - 2 * HOUR);
  g_assert_cmpint (count_rows (fixture->path, RAW_MIN), <=, now - HOUR);
  g_assert_cmpint (count_rows (fixture->path, RAW_MAX), ==, raw_max);
  g_assert_cmpint (count_rows (fixture->path, "SELECT min(minute) FROM rollups"), ==, now - DAY);
  g_assert_cmpint (count_rows (fixture->path, "SELECT max(minute) FROM rollups"), ==, minute_max);
  g_assert_cmpint (count_rows (fixture->path, "SELECT count(*) FROM hourly"), ==, hours);

  /* What was pruned for the budget still reads in hours. */
  points = query (store, ID_A, T0, now, 0);
  g_assert_cmpint (((SeyeStorePoint *) points->pdata[0])->time_ms, ==, T0);
  g_assert_cmpint (((SeyeStorePoint *) points->pdata[0])->span_ms, ==, HOUR);
  g_assert_cmpint (((SeyeStorePoint *) points->pdata[2 * 24])->span_ms, ==, MINUTE);

  /* A new file gives the freed pages back: it is no larger than the data it holds. */
  g_assert_cmpint (count_rows (fixture->path, "PRAGMA auto_vacuum"), ==, 2);
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (SeyeStore) probe = NULL;

    g_clear_object (&store);
    probe = seye_store_open (fixture->path, &error);
    g_assert_no_error (error);
    g_assert_cmpint (count_rows (fixture->path, "PRAGMA freelist_count"), <=, 1);
    g_assert_cmpint (stat_size (fixture->path), <, used / 2);
  }
}

/* Thirty hours, a sample every 5 s and a 20-minute hole. */
static void
record_thirty_hours (SeyeStore *store,
                     gint64     now)
{
  add_span (store, T0 + 25 * MINUTE, T0 + 10 * HOUR, 5000);
  add_span (store, T0 + 10 * HOUR + 20 * MINUTE, now, 5000);
}

/* The file as version 2 left it: every sample a row of "samples" (the columns of
 * "recent"), no "packed", no hours; its minutes not rolled up yet. */
static void
make_version_2 (const char *path)
{
  exec_sql (path,
            "CREATE TABLE samples AS SELECT node, time, interval_ms, parts, cores, cpu_busy, cpu_user,"
            "  cpu_system, cpu_iowait, cpu_steal, mem_used, mem_available, mem_total, swap_used,"
            "  swap_total, load1, load5, load15, procs, threads, net_rx, net_tx, disk_read, disk_write,"
            "  uptime FROM recent;"
            "DELETE FROM recent; DROP TABLE packed;"
            "DROP TABLE hourly; DROP TABLE dirty_hours; PRAGMA user_version = 2;");
}

static void
test_migrate_v2 (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *native_path = g_build_filename (fixture->dir, "native.db", NULL);
  g_autoptr (GPtrArray) nodes = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *migrated = NULL;
  gint64 now = T0 + 30 * HOUR;

  /* The same samples recorded by this version... */
  {
    g_autoptr (SeyeStore) native = seye_store_open (native_path, &error);

    g_assert_no_error (error);
    record_thirty_hours (native, now);
    maintain (native, now);
    expected = read_ranges (native, now);
  }

  /* ...and by version 2, then migrated: every sample packed, nothing lost, the same points. */
  {
    g_autoptr (SeyeStore) store = open_store (fixture);

    record_thirty_hours (store, now);
  }
  make_version_2 (fixture->path);
  g_assert_cmpint (count_rows (fixture->path, "SELECT count(*) FROM samples"), ==, 2 * 21060);
  {
    g_autoptr (SeyeStore) store = open_store (fixture);

    g_assert_cmpint (count_rows (fixture->path, "PRAGMA user_version"), ==, SEYE_STORE_SCHEMA_VERSION);
    g_assert_cmpint (count_rows (fixture->path, "SELECT count(*) FROM sqlite_master WHERE name = 'samples'"),
                     ==, 0);
    g_assert_cmpint (count_rows (fixture->path, RAW_COUNT), ==, 2 * 21060);
    g_assert_cmpint (count_rows (fixture->path, "SELECT count(*) FROM dirty_hours"), ==, 0);

    maintain (store, now);
    migrated = read_ranges (store, now);
    assert_same_points (migrated, expected);
    g_assert_cmpint (count_rows (fixture->path, "SELECT count(*) FROM hourly"), ==, 2 * 29);
    g_assert_cmpint (count_rows (fixture->path, "SELECT sum(n) FROM hourly"), ==,
                     count_rows (fixture->path, "SELECT sum(n) FROM rollups WHERE minute < 1767330000000"));

    /* The old minutes age out; the history still starts where it did, now in hours. */
    seye_store_set_rollup_retention (store, 3600);
    seye_store_set_raw_retention (store, 3600);
    maintain (store, now);
    nodes = seye_store_list_nodes (store, &error);
    g_assert_no_error (error);
    g_assert_cmpint (((SeyeStoreNode *) nodes->pdata[0])->first_ms, ==, T0);
    {
      g_autoptr (GPtrArray) points = query (store, ID_A, T0, now, 0);

      g_assert_cmpint (((SeyeStorePoint *) points->pdata[0])->span_ms, ==, HOUR);
      g_assert_cmpuint (((SeyeStorePoint *) points->pdata[0])->n_samples, ==, 35 * 12);
    }
  }
}

/* Rollups a version-2 file already had: every hour they hold is marked, and the first
 * pass makes the hours before the minutes age out. */
static void
test_migrate_v2_rollups (Fixture       *fixture,
                         gconstpointer  data)
{
  gint64 now = T0 + 30 * HOUR;

  {
    g_autoptr (SeyeStore) store = open_store (fixture);

    record_thirty_hours (store, now);
    maintain (store, now);
  }
  exec_sql (fixture->path, "DROP TABLE hourly; DROP TABLE dirty_hours; PRAGMA user_version = 2;");
  {
    g_autoptr (SeyeStore) store = open_store (fixture);

    g_assert_cmpint (count_rows (fixture->path, "SELECT count(*) FROM dirty_hours"), ==, 30);
    seye_store_set_rollup_retention (store, 3600);
    maintain (store, now);
    g_assert_cmpint (count_rows (fixture->path, "SELECT min(hour) FROM hourly"), ==, T0);
    g_assert_cmpint (count_rows (fixture->path, "SELECT n FROM hourly WHERE hour = 1767225600000 LIMIT 1"),
                     ==, 35 * 12);
  }
}

static void
test_disk_usage (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr (SeyeStore) store = open_store (fixture);
  g_autofree char *wal = g_strconcat (fixture->path, "-wal", NULL);

  add_span (store, T0, T0 + HOUR, 1000);
  g_assert_cmpint (stat_size (wal), >, 0);
  g_assert_cmpint (seye_store_get_disk_usage (store), ==, stat_size (fixture->path) + stat_size (wal));

  maintain (store, T0 + HOUR);
  g_assert_cmpint (seye_store_get_disk_usage (store), ==, stat_size (fixture->path) + stat_size (wal));
  g_assert_cmpint (seye_store_get_disk_usage (store), >, 100 * 1000);
}

int
main (int   argc,
      char *argv[])
{
  store_test_init (&argc, &argv);

#define ADD(path, func) g_test_add ("/seye/store/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("hourly", test_hourly);
  ADD ("budget", test_budget);
  ADD ("migrate-v2", test_migrate_v2);
  ADD ("migrate-v2-rollups", test_migrate_v2_rollups);
  ADD ("disk-usage", test_disk_usage);
#undef ADD

  return g_test_run ();
}
