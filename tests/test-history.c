/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include "seye-history.h"
#include "seye-node-private.h"

/* Percentages are kept to 1/600 of a percent: half of that is the largest error. */
#define PERCENT_EPSILON (0.5 / 600.0 + 1e-9)

#define ALL_PARTS (SEYE_SAMPLE_CPU | SEYE_SAMPLE_MEMORY | SEYE_SAMPLE_LOAD | \
                   SEYE_SAMPLE_NETWORK | SEYE_SAMPLE_DISK)

/* A sample whose values all follow from its time and its core count. */
static SeyeSample *
sample_new (gint64          time_ms,
            guint           n_cores,
            SeyeSampleParts parts)
{
  SeyeSample *sample = seye_sample_new ();
  double t = time_ms / 1000.0;

  sample->time_ms = time_ms;
  sample->parts = parts;
  sample->cpu.user = fmod (t * 1.37, 60.0);
  sample->cpu.system = fmod (t * 0.71, 30.0);
  sample->cpu.iowait = fmod (t * 0.13, 10.0);
  sample->cpu.busy = sample->cpu.user + sample->cpu.system + sample->cpu.iowait;
  for (guint i = 0; i < n_cores; i++)
    {
      SeyeCpuStat core = { .id = (int) i, .busy = fmod (t * (i + 1) * 3.1, 100.0) };

      g_array_append_val (sample->cores, core);
    }
  sample->memory.total = 16000000000;
  sample->memory.used = (guint64) (fmod (t, 100.0) * 100000000);
  sample->memory.swap_total = 4000000000;
  sample->memory.swap_used = (guint64) (fmod (t * 7, 1000.0) * 1000000);
  sample->load[0] = t / 1000.0;
  sample->load[1] = t / 2000.0;
  sample->load[2] = t / 3000.0;
  sample->net_rx_bytes_per_sec = t * 1000.5;
  sample->net_tx_bytes_per_sec = t * 10.25;
  sample->disk_read_bytes_per_sec = t * 4096.0;
  sample->disk_write_bytes_per_sec = t * 512.0;

  return sample;
}

static void
push_new (SeyeHistory *history,
          gint64       time_ms,
          guint        n_cores)
{
  g_autoptr (SeyeSample) sample = sample_new (time_ms, n_cores, ALL_PARTS);

  g_assert_true (seye_history_push (history, sample));
}

/* The @index-th sample of @history has the values of the sample made for @time_ms. */
static void
assert_matches (SeyeHistory *history,
                guint        index,
                gint64       time_ms,
                guint        n_cores)
{
  g_autoptr (SeyeSample) sample = sample_new (time_ms, n_cores, ALL_PARTS);
  double expected[SEYE_N_SERIES];
  double row[SEYE_N_SERIES];

  g_assert_cmpint (seye_history_get_time (history, index), ==, time_ms);
  seye_series_from_sample (sample, expected);
  seye_history_get_row (history, index, row);
  for (guint k = 0; k < SEYE_N_SERIES; k++)
    {
      double epsilon = seye_series_is_percent (k) ? PERCENT_EPSILON : fabs (expected[k]) * 1e-6;

      g_assert_false (isnan (expected[k]));
      g_assert_cmpfloat_with_epsilon (row[k], expected[k], epsilon);
      g_assert_cmpfloat (row[k], ==, seye_history_get_value (history, index, k));
    }
  for (guint c = 0; c < n_cores; c++)
    g_assert_cmpfloat_with_epsilon (seye_history_get_core (history, index, c),
                                    g_array_index (sample->cores, SeyeCpuStat, c).busy, PERCENT_EPSILON);
}

/* It wraps many times over and keeps exactly the samples of its window, with their values. */
static void
test_window (void)
{
  g_autoptr (SeyeHistory) history = seye_history_new (60, 1.0);
  gint64 t0 = 1700000000000;

  g_assert_cmpuint (seye_history_get_length (history), ==, 0);
  g_assert_cmpint (seye_history_get_latest_time (history), ==, 0);
  g_assert_cmpuint (seye_history_get_size (history), ==, 0);

  for (guint i = 0; i < 1000; i++)
    {
      push_new (history, t0 + i * 1000, 4);
      g_assert_cmpuint (seye_history_get_length (history), ==, MIN (i + 1, 60));
    }

  /* The samples newer than latest − 60 s: the last 60, no more, oldest first. */
  g_assert_cmpint (seye_history_get_latest_time (history), ==, t0 + 999 * 1000);
  g_assert_cmpint (seye_history_get_time (history, 0), ==, t0 + 940 * 1000);
  for (guint i = 0; i < 60; i++)
    assert_matches (history, i, t0 + (940 + i) * 1000, 4);

  /* Sized for the window at the interval given, and not grown: 60 samples and one. */
  g_assert_cmpuint (seye_history_get_capacity (history), ==, 61);
  g_assert_cmpuint (seye_history_get_n_cores (history), ==, 4);
}

static void
test_refuses_old (void)
{
  g_autoptr (SeyeHistory) history = seye_history_new (10, 1.0);
  g_autoptr (SeyeSample) same = sample_new (5000, 0, ALL_PARTS);
  g_autoptr (SeyeSample) older = sample_new (4000, 0, ALL_PARTS);

  push_new (history, 5000, 0);
  g_assert_false (seye_history_push (history, same));
  g_assert_false (seye_history_push (history, older));
  g_assert_cmpuint (seye_history_get_length (history), ==, 1);
  assert_matches (history, 0, 5000, 0);
}

static void
test_find_after (void)
{
  g_autoptr (SeyeHistory) history = seye_history_new (10, 1.0);

  for (gint64 t = 3000; t <= 6000; t += 1000)
    push_new (history, t, 0);

  g_assert_cmpuint (seye_history_find_after (history, 0), ==, 0);
  g_assert_cmpuint (seye_history_find_after (history, 2999), ==, 0);
  g_assert_cmpuint (seye_history_find_after (history, 3000), ==, 1);
  g_assert_cmpuint (seye_history_find_after (history, 4500), ==, 2);
  g_assert_cmpuint (seye_history_find_after (history, 6000), ==, 4);
  g_assert_cmpuint (seye_history_find_after (history, G_MAXINT64), ==, 4);
}

/* A stretch without samples stays one: no values are made up for it, and a part a
 * sample did not carry is unknown, not 0. */
static void
test_gap (void)
{
  g_autoptr (SeyeHistory) history = seye_history_new (60, 1.0);
  g_autoptr (SeyeSample) no_cpu = sample_new (41000, 2, SEYE_SAMPLE_MEMORY);
  g_autoptr (SeyeSample) no_swap = sample_new (42000, 2, ALL_PARTS);

  for (gint64 t = 1000; t <= 10000; t += 1000)
    push_new (history, t, 2);
  for (gint64 t = 30000; t <= 40000; t += 1000)
    push_new (history, t, 2);

  g_assert_cmpuint (seye_history_get_length (history), ==, 21);
  g_assert_cmpint (seye_history_get_time (history, 9), ==, 10000);
  g_assert_cmpint (seye_history_get_time (history, 10), ==, 30000);
  g_assert_cmpuint (seye_history_find_after (history, 10000), ==, 10);
  g_assert_cmpuint (seye_history_find_after (history, 29999), ==, 10);

  g_assert_true (seye_history_push (history, no_cpu));
  for (SeyeSeries k = SEYE_SERIES_CPU_BUSY; k <= SEYE_SERIES_CPU_IOWAIT; k++)
    g_assert_true (isnan (seye_history_get_value (history, 21, k)));
  g_assert_true (isnan (seye_history_get_core (history, 21, 0)));
  g_assert_true (isnan (seye_history_get_value (history, 21, SEYE_SERIES_LOAD1)));
  g_assert_true (isnan (seye_history_get_value (history, 21, SEYE_SERIES_NET_RX)));
  g_assert_cmpfloat_with_epsilon (seye_history_get_value (history, 21, SEYE_SERIES_MEMORY),
                                  seye_sample_get_memory_percent (no_cpu), PERCENT_EPSILON);

  no_swap->memory.swap_total = no_swap->memory.swap_used = 0;
  g_assert_true (seye_history_push (history, no_swap));
  g_assert_true (isnan (seye_history_get_value (history, 22, SEYE_SERIES_SWAP)));
  g_assert_false (isnan (seye_history_get_value (history, 22, SEYE_SERIES_MEMORY)));

  /* A gap longer than the window leaves only what came after it. */
  push_new (history, 200000, 2);
  g_assert_cmpuint (seye_history_get_length (history), ==, 1);
  assert_matches (history, 0, 200000, 2);
}

/* Samples closer together than the interval given grow the storage to hold the window,
 * up to one sample per SEYE_HISTORY_MIN_SPACING_MS; closer still, it holds fewer. */
static void
test_bounded (void)
{
  g_autoptr (SeyeHistory) history = seye_history_new (10, 1.0);
  guint max_capacity = 10 * 1000 / SEYE_HISTORY_MIN_SPACING_MS + 1;
  gsize size;
  gint64 t = 0;

  for (guint i = 0; i < 400; i++)
    push_new (history, t += SEYE_HISTORY_MIN_SPACING_MS, 8);
  g_assert_cmpuint (seye_history_get_length (history), ==, 10 * 1000 / SEYE_HISTORY_MIN_SPACING_MS);
  g_assert_cmpuint (seye_history_get_capacity (history), <=, max_capacity);

  for (guint i = 0; i < 10000; i++)
    push_new (history, t += 10, 8);
  g_assert_cmpuint (seye_history_get_capacity (history), ==, max_capacity);
  g_assert_cmpuint (seye_history_get_length (history), ==, max_capacity);
  g_assert_cmpint (seye_history_get_time (history, 0), ==, t - (max_capacity - 1) * 10);

  /* What it holds: a time, 6 percentages in 16 bits, 7 floats and 16 bits a core, a slot. */
  size = seye_history_get_size (history);
  g_assert_cmpuint (size, ==, max_capacity * (8 + 6 * 2 + 7 * 4 + 8 * 2));

  g_assert_cmpuint (SEYE_N_SERIES, ==, 13);
}

/* A node whose core count changes keeps the cores both counts have. */
static void
test_cores_change (void)
{
  g_autoptr (SeyeHistory) history = seye_history_new (60, 1.0);
  g_autoptr (SeyeSample) two = sample_new (3000, 2, ALL_PARTS);
  g_autoptr (SeyeSample) first = sample_new (1000, 4, ALL_PARTS);

  push_new (history, 1000, 4);
  push_new (history, 2000, 4);
  g_assert_true (seye_history_push (history, two));
  g_assert_cmpuint (seye_history_get_n_cores (history), ==, 2);
  g_assert_cmpuint (seye_history_get_length (history), ==, 3);
  g_assert_cmpfloat_with_epsilon (seye_history_get_core (history, 0, 1),
                                  g_array_index (first->cores, SeyeCpuStat, 1).busy, PERCENT_EPSILON);
  g_assert_true (isnan (seye_history_get_core (history, 0, 2)));

  push_new (history, 4000, 8);
  g_assert_cmpuint (seye_history_get_n_cores (history), ==, 8);
  g_assert_cmpfloat_with_epsilon (seye_history_get_core (history, 0, 0),
                                  g_array_index (first->cores, SeyeCpuStat, 0).busy, PERCENT_EPSILON);
  g_assert_true (isnan (seye_history_get_core (history, 0, 3)));
  g_assert_true (isnan (seye_history_get_core (history, 2, 5)));
  assert_matches (history, 3, 4000, 8);
  assert_matches (history, 1, 2000, 2);
}

static void
test_clear (void)
{
  g_autoptr (SeyeHistory) history = seye_history_new (10, 1.0);

  push_new (history, 1000, 2);
  push_new (history, 2000, 2);
  seye_history_clear (history);
  g_assert_cmpuint (seye_history_get_length (history), ==, 0);
  g_assert_cmpuint (seye_history_get_size (history), ==, 0);
  push_new (history, 1000, 2);
  g_assert_cmpuint (seye_history_get_length (history), ==, 1);
  assert_matches (history, 0, 1000, 2);
}

/* What a source knew before the first sample goes before it, oldest first; the live
 * samples stay, the window holds, and one outside it or not older is refused. */
static void
test_push_older (void)
{
  g_autoptr (SeyeHistory) history = seye_history_new (60, 15.0);
  g_autoptr (SeyeSample) same = sample_new (1700000100000, 0, ALL_PARTS);
  g_autoptr (SeyeSample) newer = sample_new (1700000200000, 0, ALL_PARTS);
  gint64 t0 = 1700000000000;
  guint added = 0;

  for (guint i = 0; i < 3; i++)
    push_new (history, t0 + (100 + i) * 1000, 2);
  g_assert_false (seye_history_push_older (history, same));
  g_assert_false (seye_history_push_older (history, newer));

  /* From 99 s down to 30 s: those newer than the latest (102 s) − 60 s go in. */
  for (gint64 s = 99; s >= 30; s--)
    {
      g_autoptr (SeyeSample) older = sample_new (t0 + s * 1000, 0, ALL_PARTS);

      if (seye_history_push_older (history, older))
        added++;
    }
  g_assert_cmpuint (added, ==, 99 - 42);
  g_assert_cmpuint (seye_history_get_length (history), ==, 3 + 99 - 42);
  for (guint i = 0; i < 99 - 42; i++)
    assert_matches (history, i, t0 + (43 + i) * 1000, 0);
  for (guint i = 0; i < 3; i++)
    assert_matches (history, 99 - 42 + i, t0 + (100 + i) * 1000, 2);
  /* Their cores were not known: the cores' values of the live samples only. */
  g_assert_cmpuint (seye_history_get_n_cores (history), ==, 2);
  g_assert_true (isnan (seye_history_get_core (history, 0, 1)));
  g_assert_cmpuint (seye_history_find_after (history, t0 + 99 * 1000), ==, 99 - 42);

  /* Live samples go on after it, and push the oldest out of the window. */
  push_new (history, t0 + 103 * 1000, 2);
  g_assert_cmpint (seye_history_get_time (history, 0), ==, t0 + 44 * 1000);
  assert_matches (history, seye_history_get_length (history) - 1, t0 + 103 * 1000, 2);
}

/* Older samples never grow the storage past its bound: a full history keeps what it
 * has, and its ring stays in order as it wraps both ways. */
static void
test_push_older_bounded (void)
{
  g_autoptr (SeyeHistory) history = seye_history_new (10, 1.0);
  guint max_capacity = 10 * 1000 / SEYE_HISTORY_MIN_SPACING_MS + 1;
  g_autoptr (SeyeSample) empty_first = sample_new (5000, 0, ALL_PARTS);
  g_autoptr (SeyeHistory) empty = seye_history_new (10, 1.0);
  guint added = 0;

  /* Into an empty history, as a push. */
  g_assert_true (seye_history_push_older (empty, empty_first));
  assert_matches (empty, 0, 5000, 0);

  push_new (history, 100000, 0);
  for (gint64 t = 99800; t > 90000; t -= 200)
    {
      g_autoptr (SeyeSample) older = sample_new (t, 0, ALL_PARTS);

      if (seye_history_push_older (history, older))
        added++;
    }
  g_assert_cmpuint (added, ==, max_capacity - 1);
  g_assert_cmpuint (seye_history_get_capacity (history), ==, max_capacity);
  g_assert_cmpuint (seye_history_get_length (history), ==, max_capacity);
  for (guint i = 0; i < max_capacity; i++)
    assert_matches (history, i, 100000 - (gint64) (max_capacity - 1 - i) * 200, 0);

  push_new (history, 100200, 0);
  g_assert_cmpuint (seye_history_get_length (history), ==, max_capacity);
  for (guint i = 0; i < max_capacity; i++)
    assert_matches (history, i, 100200 - (gint64) (max_capacity - 1 - i) * 200, 0);
}

static void
count_cb (guint *count)
{
  (*count)++;
}

/* A node filled from its source keeps its live sample as the latest and says so once. */
static void
test_node_fill (void)
{
  g_autoptr (SeyeNode) node = _seye_node_new ("n", "n", TRUE, 15.0);
  g_autoptr (SeyeSample) live = sample_new (1700000600000, 4, ALL_PARTS);
  g_autoptr (SeyeSample) next = sample_new (1700000615000, 4, ALL_PARTS);
  g_autoptr (GPtrArray) older = g_ptr_array_new_with_free_func ((GDestroyNotify) seye_sample_unref);
  SeyeHistory *history = seye_node_get_history (node);
  guint filled = 0;

  g_signal_connect_swapped (node, "history-filled", G_CALLBACK (count_cb), &filled);
  g_assert_true (_seye_node_add_sample (node, live));

  /* 0 s to 615 s at 15 s, oldest first: the two not older than the live one stay out. */
  for (guint i = 0; i <= 41; i++)
    g_ptr_array_add (older, sample_new (1700000000000 + i * 15000, 0, ALL_PARTS));
  g_assert_cmpuint (_seye_node_fill_history (node, older), ==, 40);
  g_assert_cmpuint (filled, ==, 1);
  g_assert_true (seye_node_get_sample (node) == live);
  g_assert_cmpuint (seye_history_get_length (history), ==, 41);
  assert_matches (history, 0, 1700000000000, 0);
  assert_matches (history, 40, 1700000600000, 4);

  /* Nothing new: no signal. */
  g_assert_cmpuint (_seye_node_fill_history (node, older), ==, 0);
  g_assert_cmpuint (filled, ==, 1);
  g_assert_true (_seye_node_add_sample (node, next));
  g_assert_cmpuint (seye_history_get_length (history), ==, 42);
}

/* A node keeps the longest live range and its margin, whatever it is sent, and its
 * latest whole sample apart. */
static void
test_node (void)
{
  g_autoptr (SeyeNode) node = _seye_node_new ("n", "n", TRUE, 1.0);
  SeyeHistory *history = seye_node_get_history (node);
  gint64 t0 = 1700000000000;

  g_assert_cmpuint (SEYE_HISTORY_SECONDS, >, SEYE_HISTORY_LIVE_SECONDS);
  g_assert_cmpuint (seye_history_get_window (history), ==, SEYE_HISTORY_SECONDS);

  for (guint i = 0; i < 3 * SEYE_HISTORY_SECONDS; i++)
    {
      g_autoptr (SeyeSample) sample = sample_new (t0 + i * 1000, 16, ALL_PARTS);

      g_assert_true (_seye_node_add_sample (node, sample));
    }

  g_assert_cmpuint (seye_history_get_length (history), ==, SEYE_HISTORY_SECONDS);
  g_assert_cmpuint (seye_history_get_capacity (history), ==, SEYE_HISTORY_SECONDS + 1);
  g_assert_cmpint (seye_node_get_sample (node)->time_ms, ==, t0 + (3 * SEYE_HISTORY_SECONDS - 1) * 1000);
  g_assert_cmpuint (seye_node_get_sample (node)->cores->len, ==, 16);
  assert_matches (history, SEYE_HISTORY_SECONDS - 1, t0 + (3 * SEYE_HISTORY_SECONDS - 1) * 1000, 16);

  _seye_node_clear_samples (node);
  g_assert_cmpuint (seye_history_get_length (history), ==, 0);
  g_assert_null (seye_node_get_sample (node));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/seye/history/window", test_window);
  g_test_add_func ("/seye/history/refuses-old", test_refuses_old);
  g_test_add_func ("/seye/history/find-after", test_find_after);
  g_test_add_func ("/seye/history/gap", test_gap);
  g_test_add_func ("/seye/history/bounded", test_bounded);
  g_test_add_func ("/seye/history/cores-change", test_cores_change);
  g_test_add_func ("/seye/history/clear", test_clear);
  g_test_add_func ("/seye/history/node", test_node);
  g_test_add_func ("/seye/history/push-older", test_push_older);
  g_test_add_func ("/seye/history/push-older-bounded", test_push_older_bounded);
  g_test_add_func ("/seye/history/node-fill", test_node_fill);

  return g_test_run ();
}
