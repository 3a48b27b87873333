/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What the history store costs: N nodes sampled at 1 Hz for a simulated stretch.
 *
 *   store-bench [NODES [SECONDS [DB]]]      defaults: 100 nodes, 86400 s, a temporary file
 *
 * STORE_BENCH_BUDGET_MB sets the store's disk budget (default: the store's own, 5 GB), to
 * see what keeping it costs once the data outgrows it.
 *
 * Each simulated second is one polling round: the round's samples are added and
 * committed in one transaction, as a SeyeRecorder does; every simulated
 * minute a rollup and prune pass runs, as the app's worker thread does. Prints the
 * insert rate, the CPU time per round and per rollup pass (and so the share of one
 * core at 1 Hz), the size of the file and of each table, the WAL written, the bytes
 * of a node-day in each tier and what they come to for 1,000 nodes at the default
 * retention and disk budget, and the time of queries
 * the graphs make and of opening the file with its check.
 */
#define G_LOG_DOMAIN "store-bench"

#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <time.h>

#include "seye-store.h"

typedef struct
{
  guint  n_cores;
  double cpu;
  double mem_used;
  double load;
  double rx;
  double uptime;
} NodeState;

static double
cpu_seconds (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);

  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
percentile (GArray *values,
            double  p)
{
  g_array_sort (values, compare_double);

  return g_array_index (values, double, MIN (values->len - 1, (guint) (p * values->len)));
}

static double
walk (GRand  *rand,
      double  value,
      double  step,
      double  lo,
      double  hi)
{
  return CLAMP (value + g_rand_double_range (rand, -step, step), lo, hi);
}

static SeyeSample *
next_sample (GRand     *rand,
             NodeState *node,
             gint64     time_ms)
{
  SeyeSample *sample = seye_sample_new ();
  double total = 0;

  node->cpu = walk (rand, node->cpu, 4, 0, 100);
  node->mem_used = walk (rand, node->mem_used, 8e6, 5e8, 7.5e9);
  node->load = walk (rand, node->load, 0.05, 0, node->n_cores * 2.0);
  node->rx = g_rand_int_range (rand, 0, 20) == 0 ? g_rand_double_range (rand, 1e5, 1e8) : walk (rand, node->rx, 2e3, 0, 1e5);
  node->uptime += 1;

  sample->time_ms = time_ms;
  sample->interval = 1;
  sample->parts = SEYE_SAMPLE_CPU | SEYE_SAMPLE_MEMORY | SEYE_SAMPLE_LOAD | SEYE_SAMPLE_PROCESSES |
                  SEYE_SAMPLE_UPTIME | SEYE_SAMPLE_NETWORK | SEYE_SAMPLE_DISK;
  for (guint i = 0; i < node->n_cores; i++)
    {
      SeyeCpuStat core = { 0 };

      core.id = (int) i;
      core.busy = walk (rand, node->cpu, 10, 0, 100);
      total += core.busy;
      g_array_append_val (sample->cores, core);
    }
  sample->cpu.busy = total / node->n_cores;
  sample->cpu.user = sample->cpu.busy * 0.7;
  sample->cpu.system = sample->cpu.busy * 0.25;
  sample->cpu.iowait = g_rand_double_range (rand, 0, 2);
  sample->cpu.steal = 0;
  sample->memory.total = 8000000000;
  sample->memory.used = (guint64) node->mem_used / 1024 * 1024;
  sample->memory.available = sample->memory.total - sample->memory.used;
  sample->memory.swap_total = 2000000000;
  sample->memory.swap_used = 1024 * (guint64) g_rand_int_range (rand, 0, 1000);
  sample->load[0] = node->load;
  sample->load[1] = node->load * 0.9;
  sample->load[2] = node->load * 0.8;
  sample->procs_total = (guint) g_rand_int_range (rand, 180, 260);
  sample->threads = sample->procs_total * 3;
  sample->net_rx_bytes_per_sec = node->rx;
  sample->net_tx_bytes_per_sec = node->rx / 3;
  sample->disk_read_bytes_per_sec = g_rand_int_range (rand, 0, 4) == 0 ? g_rand_double_range (rand, 0, 5e7) : 0;
  sample->disk_write_bytes_per_sec = g_rand_double_range (rand, 0, 2e6);
  sample->uptime = node->uptime;

  return sample;
}

static gint64
file_size (const char *path)
{
  GStatBuf st;

  return g_stat (path, &st) == 0 ? (gint64) st.st_size : 0;
}

/* Frames in the WAL since it was last reset; checkpoints it so the next writer resets it. */
static gint64
wal_frames_and_checkpoint (sqlite3 *db)
{
  sqlite3_stmt *stmt = NULL;
  gint64 frames = 0;

  if (sqlite3_prepare_v2 (db, "PRAGMA wal_checkpoint (PASSIVE)", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    frames = sqlite3_column_int64 (stmt, 1);
  sqlite3_finalize (stmt);

  return MAX (frames, 0);
}

static void
print_table_sizes (sqlite3 *db,
                   gint64  *samples_bytes,
                   gint64  *rollups_bytes)
{
  sqlite3_stmt *stmt = NULL;

  *samples_bytes = *rollups_bytes = -1;
  if (sqlite3_prepare_v2 (db, "SELECT name, sum (pgsize), sum (unused) FROM dbstat GROUP BY name ORDER BY 2 DESC",
                          -1, &stmt, NULL) != SQLITE_OK)
    {
      g_print ("  (no dbstat in this SQLite: table sizes unknown)\n");
      return;
    }

  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *name = (const char *) sqlite3_column_text (stmt, 0);
      gint64 bytes = sqlite3_column_int64 (stmt, 1);

      g_print ("  %-28s %8.1f MB (%4.1f %% unused)\n", name, bytes / 1e6,
               100.0 * sqlite3_column_int64 (stmt, 2) / MAX (bytes, 1));
      if (g_str_equal (name, "packed"))
        *samples_bytes = bytes;
      else if (g_str_equal (name, "rollups"))
        *rollups_bytes = bytes;
    }
  sqlite3_finalize (stmt);
}

static gint64
query_int (sqlite3    *db,
           const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value = 0;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) == SQLITE_OK && sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);

  return value;
}

/* Per node and for 1,000 nodes at the default retention and budget, from the bytes a
 * node-day takes in each tier. An hourly row has the columns of a minute row: its size is
 * the minute row's, 24 of them a day. */
static void
print_projection (sqlite3 *db,
                  gint64   samples_bytes,
                  gint64   rollups_bytes)
{
  /* Per sample packed (the minute still being filled waits in "recent"), 86400 a day. */
  double raw_day = samples_bytes / (double) MAX (query_int (db, "SELECT sum (n) FROM packed"), 1) * 86400;
  double minute_rows = MAX (query_int (db, "SELECT count(*) FROM rollups"), 1);
  double minute_day = rollups_bytes / minute_rows * 1440;
  double hour_day = rollups_bytes / minute_rows * 24;
  double raw_days = SEYE_STORE_DEFAULT_RAW_RETENTION / 86400.0;
  double minute_days = SEYE_STORE_DEFAULT_ROLLUP_RETENTION / 86400.0;
  double hour_days = SEYE_STORE_DEFAULT_HOURLY_RETENTION / 86400.0;
  double rollups_node = minute_day * minute_days + hour_day * hour_days;
  double node = raw_day * raw_days + rollups_node;
  double budget_node = SEYE_STORE_DEFAULT_DISK_BUDGET / 1000.0;

  g_print ("  per node-day: raw %.2f MB, minute rollups %.3f MB, hourly rollups %.4f MB\n",
           raw_day / 1e6, minute_day / 1e6, hour_day / 1e6);
  g_print ("  per node at the defaults (raw %.0f d, minutes %.0f d, hours %.0f d): %.1f MB "
           "(30 d of minutes instead: %.1f MB)\n", raw_days, minute_days, hour_days, node / 1e6,
           (raw_day * raw_days + 30 * minute_day) / 1e6);
  g_print ("  1,000 nodes at the defaults: %.1f GB without a budget; the %.1f GB budget keeps ",
           node * 1000 / 1e9, SEYE_STORE_DEFAULT_DISK_BUDGET / 1e9);
  if (node <= budget_node)
    g_print ("all of it\n");
  else if (rollups_node < budget_node)
    g_print ("every rollup\n    and the newest %.1f h of raw samples (the oldest raw go first)\n",
             (budget_node - rollups_node) / raw_day * 24);
  else
    g_print ("the newest hour of raw samples\n    and the newest rollups that fit\n");
}

static double
time_query (SeyeStore  *store,
            const char *node_id,
            gint64      from_ms,
            gint64      to_ms,
            guint       max_points,
            guint      *n_points)
{
  g_autoptr (GPtrArray) points = NULL;
  g_autoptr (GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  points = seye_store_query (store, node_id, from_ms, to_ms, max_points, &error);
  g_assert_no_error (error);
  *n_points = points->len;

  return (g_get_monotonic_time () - start) / 1000.0;
}

/* What recording cost: CPU per round and per maintenance pass, the WAL written. */
typedef struct
{
  GArray *round_cpu;      /* double s */
  GArray *maintain_cpu;   /* double s */
  double  insert_cpu;
  double  insert_wall;
  double  maint_total;
  gint64  wal_frames;
} Costs;

static void
costs_clear (Costs *costs)
{
  g_clear_pointer (&costs->round_cpu, g_array_unref);
  g_clear_pointer (&costs->maintain_cpu, g_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Costs, costs_clear)

static void
print_costs (Costs  *costs,
             guint   n_nodes,
             gint64  seconds)
{
  double samples = (double) n_nodes * seconds;
  double round_mean = costs->insert_cpu / seconds;
  double maint_mean = costs->maint_total / MAX (costs->maintain_cpu->len, 1);
  double core_share = (round_mean + maint_mean / 60) * 100;
  GArray *round_cpu = costs->round_cpu;
  GArray *maintain_cpu = costs->maintain_cpu;

  g_print ("\nInsert\n");
  g_print ("  samples                      %.0f\n", samples);
  g_print ("  insert rate                  %.0f samples/s (add + commit, wall), %.0f samples/s CPU\n",
           samples / costs->insert_wall, samples / costs->insert_cpu);
  g_print ("  CPU per round of %u           mean %.3f ms, median %.3f ms, p99 %.3f ms, max %.3f ms\n", n_nodes,
           round_mean * 1e3, percentile (round_cpu, 0.5) * 1e3, percentile (round_cpu, 0.99) * 1e3,
           percentile (round_cpu, 1.0) * 1e3);
  g_print ("  rollup + prune pass (1/min)  mean %.1f ms, median %.1f ms, p99 %.1f ms, max %.1f ms CPU\n",
           maint_mean * 1e3, percentile (maintain_cpu, 0.5) * 1e3, percentile (maintain_cpu, 0.99) * 1e3,
           percentile (maintain_cpu, 1.0) * 1e3);
  g_print ("  share of one core at 1 Hz    %.3f %% (%.3f %% commits on the main thread + %.3f %% rollup thread)\n",
           core_share, round_mean * 100, maint_mean / 60 * 100);
  g_print ("  WAL written                  %.1f MB (%.1f KB per round)\n",
           costs->wal_frames * 4120 / 1e6, costs->wal_frames * 4120 / 1e3 / seconds);
}

static void
print_queries (SeyeStore  *store,
               const char *id,
               gint64      end_ms)
{
  guint n;
  double ms;

  g_print ("\nQueries (one node, on the writer's connection)\n");
  ms = time_query (store, id, end_ms - 3600000, end_ms, 0, &n);
  g_print ("  1 h, every sample            %6.1f ms, %u points\n", ms, n);
  ms = time_query (store, id, end_ms - 3600000, end_ms, 600, &n);
  g_print ("  1 h in 600 points            %6.1f ms, %u points\n", ms, n);
  ms = time_query (store, id, end_ms - 86400000, end_ms, 1440, &n);
  g_print ("  24 h in 1440 points          %6.1f ms, %u points\n", ms, n);
  ms = time_query (store, id, end_ms - 86400000, end_ms, 4000, &n);
  g_print ("  24 h in 4000 points (raw)    %6.1f ms, %u points\n", ms, n);
  ms = time_query (store, id, end_ms - 7 * 86400000ll, end_ms, 1000, &n);
  g_print ("  7 days in 1000 points        %6.1f ms, %u points\n", ms, n);
}

/* Each simulated second a polling round added and committed; once a minute the
 * maintenance pass the app's worker thread runs. */
static void
simulate (SeyeStore   *store,
          sqlite3     *probe,
          GRand       *rand,
          NodeState   *nodes,
          char       **ids,
          guint        n_nodes,
          gint64       start_ms,
          gint64       seconds,
          const char  *path,
          Costs       *costs)
{
  g_autoptr (GPtrArray) round = g_ptr_array_new_with_free_func ((GDestroyNotify) seye_sample_unref);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autoptr (GError) error = NULL;

  for (gint64 s = 0; s < seconds; s++)
    {
      gint64 now = start_ms + s * 1000;
      double cpu0, cpu1;
      gint64 wall0;

      g_ptr_array_set_size (round, 0);
      for (guint n = 0; n < n_nodes; n++)
        g_ptr_array_add (round, next_sample (rand, &nodes[n], now + (n * 7) % 1000));

      cpu0 = cpu_seconds ();
      wall0 = g_get_monotonic_time ();
      for (guint n = 0; n < n_nodes; n++)
        seye_store_add (store, ids[n], ids[n] + 24, "192.168.1.10:7373", round->pdata[n]);
      if (!seye_store_commit (store, &error))
        g_error ("%s", error->message);
      cpu1 = cpu_seconds () - cpu0;
      costs->insert_wall += (g_get_monotonic_time () - wall0) / 1e6;
      costs->insert_cpu += cpu1;
      g_array_append_val (costs->round_cpu, cpu1);

      /* Once a simulated minute: what the app's worker thread does. */
      if (s % 60 == 59)
        {
          costs->wal_frames += wal_frames_and_checkpoint (probe);
          cpu0 = cpu_seconds ();
          if (!seye_store_maintain (store, now + 1000, &error))
            g_error ("%s", error->message);
          cpu1 = cpu_seconds () - cpu0;
          costs->maint_total += cpu1;
          g_array_append_val (costs->maintain_cpu, cpu1);
        }

      if (s % 3600 == 3599)
        g_printerr ("  %" G_GINT64_FORMAT " h simulated, %.1f MB\n", (s + 1) / 3600,
                    (file_size (path) + file_size (wal)) / 1e6);
    }

}

int
main (int   argc,
      char *argv[])
{
  guint n_nodes = argc > 1 ? (guint) strtoul (argv[1], NULL, 10) : 100;
  gint64 seconds = argc > 2 ? g_ascii_strtoll (argv[2], NULL, 10) : 86400;
  g_autofree char *tmpdir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *wal = NULL;
  g_autoptr (SeyeStore) store = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GRand) rand = g_rand_new_with_seed (42);
  g_auto (Costs) costs = { g_array_new (FALSE, FALSE, sizeof (double)), g_array_new (FALSE, FALSE, sizeof (double)) };
  g_autofree NodeState *nodes = NULL;
  g_auto (GStrv) ids = NULL;
  gint64 start_ms, end_ms, samples_bytes, rollups_bytes, total_size;
  sqlite3 *probe = NULL;

  if (n_nodes == 0 || seconds < 120)
    {
      g_printerr ("usage: %s [NODES [SECONDS (>= 120) [DB]]]\n", argv[0]);
      return 2;
    }

  if (argc > 3)
    {
      path = g_strdup (argv[3]);
    }
  else
    {
      tmpdir = g_dir_make_tmp ("store-bench-XXXXXX", &error);
      g_assert_no_error (error);
      path = g_build_filename (tmpdir, "history.db", NULL);
    }
  wal = g_strconcat (path, "-wal", NULL);

  store = seye_store_open (path, &error);
  if (store == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  g_assert_cmpint (sqlite3_open_v2 (path, &probe, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  if (g_getenv ("STORE_BENCH_BUDGET_MB") != NULL)
    seye_store_set_disk_budget (store, g_ascii_strtoll (g_getenv ("STORE_BENCH_BUDGET_MB"), NULL, 10) * 1000000);
  g_print ("disk budget %.0f MB\n", seye_store_get_disk_budget (store) / 1e6);

  nodes = g_new0 (NodeState, n_nodes);
  ids = g_new0 (char *, n_nodes + 1);
  for (guint n = 0; n < n_nodes; n++)
    {
      nodes[n].n_cores = 2 + n % 7;                 /* 2 to 8 cores */
      nodes[n].cpu = g_rand_double_range (rand, 2, 60);
      nodes[n].mem_used = g_rand_double_range (rand, 1e9, 6e9);
      nodes[n].load = g_rand_double_range (rand, 0, 2);
      nodes[n].uptime = g_rand_double_range (rand, 1e3, 1e6);
      ids[n] = g_strdup_printf ("%032x", 0xbe0000 + n);
    }

  end_ms = g_get_real_time () / 1000 / 60000 * 60000;
  start_ms = end_ms - seconds * 1000;

  g_print ("store-bench: %u nodes at 1 Hz for %" G_GINT64_FORMAT " s into %s\n", n_nodes, seconds, path);

  simulate (store, probe, rand, nodes, ids, n_nodes, start_ms, seconds, path, &costs);
  costs.wal_frames += wal_frames_and_checkpoint (probe);
  sqlite3_exec (probe, "PRAGMA wal_checkpoint (TRUNCATE)", NULL, NULL, NULL);

  print_costs (&costs, n_nodes, seconds);

  total_size = file_size (path);
  g_print ("\nSize after %.1f h (oldest raw sample kept: %.1f h old)\n", seconds / 3600.0,
           (end_ms - query_int (probe, "SELECT min (start) FROM packed")) / 3.6e6);
  g_print ("  file                         %.1f MB (%.2f MB per node)\n", total_size / 1e6,
           total_size / 1e6 / n_nodes);
  print_table_sizes (probe, &samples_bytes, &rollups_bytes);
  if (samples_bytes > 0 && rollups_bytes > 0)
    print_projection (probe, samples_bytes, rollups_bytes);

  print_queries (store, ids[3], end_ms);

  sqlite3_close (probe);
  g_clear_object (&store);

  {
    gint64 t0 = g_get_monotonic_time ();
    g_autoptr (SeyeStore) again = seye_store_open (path, &error);

    g_assert_no_error (error);
    g_print ("\nOpen with PRAGMA quick_check   %.0f ms for %.1f MB\n", (g_get_monotonic_time () - t0) / 1000.0,
             file_size (path) / 1e6);
  }

  if (tmpdir != NULL)
    {
      g_autofree char *shm = g_strconcat (path, "-shm", NULL);

      g_unlink (wal);
      g_unlink (shm);
      g_unlink (path);
      g_rmdir (tmpdir);
    }

  return 0;
}
