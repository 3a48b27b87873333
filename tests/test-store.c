/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SeyeStore: what goes in comes out, rollup math, retention, gaps, reading it
 * back, export and the async calls. Files it cannot use are test-store-files.c,
 * recording a monitor test-store-recorder.c. */

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
#include "test-store-fixture.h"

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

  /* Packed from "recent" by a rollup pass, and a sample seen again then:
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

  /* Minute 1 is not complete one minute after its end: rolled up as far as it goes, but
   * not clean (not read from the rollups)... */
  maintain (store, T0 + 2 * MINUTE + 59999);
  g_assert_cmpint (count_rows (fixture->path, "SELECT count(*) FROM dirty"), ==, 1);
  g_assert_cmpint (count_rows (fixture->path, "SELECT min(minute) FROM dirty"), ==, T0 + MINUTE);
  /* ...and is a minute later. */
  maintain (store, T0 + 3 * MINUTE);
  g_assert_cmpint (count_rows (fixture->path, "SELECT count(*) FROM dirty"), ==, 0);
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
  g_assert_cmpint (seye_store_get_rollup_retention (store), ==, 7 * 24 * 3600);
  g_assert_cmpint (seye_store_get_hourly_retention (store), ==, 90 * 24 * 3600);
  seye_store_set_raw_retention (store, 3600);
  g_object_set (store, "rollup-retention", (gint64) 7200, "hourly-retention", (gint64) 7200, NULL);
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

  /* Raw: the last hour only; rollups: the last two hours, the last minute still dirty. */
  g_assert_cmpint (count_rows (fixture->path, "SELECT min(start) FROM packed"), ==, now - HOUR);
  g_assert_cmpint (count_rows (fixture->path, RAW_COUNT), ==, 2 * 360);
  g_assert_cmpint (count_rows (fixture->path, "SELECT min(minute) FROM rollups"), ==, now - 2 * HOUR);
  g_assert_cmpint (count_rows (fixture->path, "SELECT max(minute) FROM rollups"), ==, now - MINUTE);
  g_assert_cmpint (count_rows (fixture->path, "SELECT count(*) FROM rollups"), ==, 2 * 120);
  g_assert_cmpint (count_rows (fixture->path, "SELECT min(minute) FROM dirty"), ==, now - MINUTE);

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
  g_assert_cmpint (count_rows (fixture->path, "SELECT count(*) FROM hourly"), ==, 0);
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

int
main (int   argc,
      char *argv[])
{
  store_test_init (&argc, &argv);

#define ADD(path, func) g_test_add ("/seye/store/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("roundtrip", test_roundtrip);
  ADD ("busy", test_busy);
  ADD ("address-change", test_address_change);
  ADD ("rollup-math", test_rollup_math);
  ADD ("retention", test_retention);
  ADD ("gaps", test_gaps);
  ADD ("buckets-raw", test_buckets_raw);
  ADD ("read-only", test_read_only);
  ADD ("export", test_export);
  ADD ("async", test_async);
#undef ADD

  return g_test_run ();
}
