/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>

#include "test-proc-tree.h"

/* CPU time, processes, load and uptime: /proc/stat, /proc/loadavg, /proc/uptime. */

static char *
stat_text (const char *cpu_lines)
{
  return g_strconcat (cpu_lines,
                      "intr 100 0 0\nctxt 5000\nbtime 1732100000\nprocesses 300\n"
                      "procs_running 1\nprocs_blocked 0\n", NULL);
}

static SeyeSample *
sample_stat (TmpRoot        *t,
             SeyeProcReader *reader,
             const char     *cpu_lines,
             gint64          now_ms)
{
  g_autofree char *text = stat_text (cpu_lines);
  SeyeSample *sample;

  tmp_root_write (t, "proc/stat", text, -1);
  sample = seye_proc_reader_sample (reader, now_ms);
  assert_sample_sane (sample);
  g_assert_true (sample->parts & SEYE_SAMPLE_CPU);

  return sample;
}

static void
test_cpu_delta (void)
{
  g_autoptr (TmpRoot) t = tmp_root_new ();
  g_autoptr (SeyeProcReader) reader = seye_proc_reader_new (t->root);
  g_autoptr (SeyeSample) first = NULL;
  g_autoptr (SeyeSample) second = NULL;
  const guint64 cpu0_ticks[SEYE_CPU_N_MODES] = { 1000, 50, 500, 8000, 200, 25, 25, 0 };

  tmp_root_link (t, "basic-2core");
  first = seye_proc_reader_sample (reader, T0);
  assert_sample_sane (first);
  g_assert_cmpint (first->parts, ==, ALL_PARTS);
  g_assert_cmpuint (n_problems (reader), ==, 0);
  g_assert_cmpint (first->time_ms, ==, T0);
  g_assert_cmpfloat (first->interval, ==, 0.0);

  /* The first sample has no rates but has the CPU part. */
  g_assert_cmpint (first->cpu.id, ==, -1);
  assert_percentages (&first->cpu, 0, 0, 0, 0, 0);
  g_assert_cmpuint (first->cores->len, ==, 2);
  g_assert_cmpint (core_at (first, 0)->id, ==, 0);
  g_assert_cmpint (core_at (first, 1)->id, ==, 1);
  assert_percentages (core_at (first, 0), 0, 0, 0, 0, 0);
  g_assert_cmpmem (core_at (first, 0)->ticks, sizeof cpu0_ticks, cpu0_ticks, sizeof cpu0_ticks);
  g_assert_cmpuint (first->cpu.ticks[SEYE_CPU_MODE_IDLE], ==, 16000);

  g_assert_cmpuint (first->procs_running, ==, 2);
  g_assert_cmpuint (first->procs_blocked, ==, 1);
  g_assert_cmpuint (first->procs_total, ==, 2);   /* proc/1 and proc/42, not proc/self */
  g_assert_cmpint (first->boot_time, ==, 1732100000);
  g_assert_cmpfloat_with_epsilon (first->uptime, 65000.12, EPSILON);

  /* One second later: 100 ticks per core. */
  tmp_root_link (t, "basic-2core-next");
  second = seye_proc_reader_sample (reader, T0 + 1000);
  assert_sample_sane (second);
  g_assert_cmpint (second->parts, ==, ALL_PARTS);
  g_assert_cmpfloat_with_epsilon (second->interval, 1.0, EPSILON);

  /* cpu0: user 20 + nice 5, system 10 + irq 3 + softirq 2, idle 50, iowait 5, steal 5. */
  assert_percentages (core_at (second, 0), 50.0, 25.0, 15.0, 5.0, 5.0);
  /* cpu1: user 10, system 5 + softirq 5, idle 80. */
  assert_percentages (core_at (second, 1), 20.0, 10.0, 10.0, 0.0, 0.0);
  /* Both over 200 ticks; the guest column (+7) is ignored. */
  assert_percentages (&second->cpu, 35.0, 17.5, 12.5, 2.5, 2.5);
  g_assert_cmpuint (second->cpu.ticks[SEYE_CPU_MODE_STEAL], ==, 5);

  g_assert_cmpuint (second->procs_running, ==, 3);
  g_assert_cmpuint (second->procs_blocked, ==, 0);
  g_assert_cmpuint (second->threads, ==, 402);
  g_assert_cmpfloat_with_epsilon (second->load[0], 0.50, EPSILON);
  g_assert_cmpfloat_with_epsilon (second->load[1], 0.40, EPSILON);
  g_assert_cmpfloat_with_epsilon (second->load[2], 0.31, EPSILON);
}

static void
test_cpu_reset (void)
{
  g_autoptr (TmpRoot) t = tmp_root_new ();
  g_autoptr (SeyeProcReader) reader = seye_proc_reader_new (t->root);
  g_autoptr (SeyeSample) reset = NULL;
  g_autoptr (SeyeSample) after = NULL;
  const char *trees[] = { "basic-2core", "basic-2core-next" };

  for (guint i = 0; i < G_N_ELEMENTS (trees); i++)
    {
      g_autoptr (SeyeSample) sample = NULL;

      tmp_root_link (t, trees[i]);
      sample = seye_proc_reader_sample (reader, T0 + i * 1000);
      assert_sample_sane (sample);
    }

  /* cpu1 went offline, cpu2 came online, cpu0's counters went back (the sum
   * of all of them too): what went back reports what it reported before, the
   * new core 0. */
  tmp_root_link (t, "reset");
  reset = seye_proc_reader_sample (reader, T0 + 2000);
  assert_sample_sane (reset);
  g_assert_true (reset->parts & SEYE_SAMPLE_CPU);
  assert_percentages (&reset->cpu, 35.0, 17.5, 12.5, 2.5, 2.5);
  g_assert_cmpuint (reset->cores->len, ==, 2);
  g_assert_cmpint (core_at (reset, 0)->id, ==, 0);
  g_assert_cmpint (core_at (reset, 1)->id, ==, 2);
  assert_percentages (core_at (reset, 0), 50.0, 25.0, 15.0, 5.0, 5.0);
  assert_percentages (core_at (reset, 1), 0, 0, 0, 0, 0);
  g_assert_cmpuint (core_at (reset, 0)->ticks[SEYE_CPU_MODE_USER], ==, 500);

  /* Measured from the new baseline. */
  tmp_root_link (t, "reset-next");
  after = seye_proc_reader_sample (reader, T0 + 3000);
  assert_sample_sane (after);
  assert_percentages (&after->cpu, 40.0, 25.0, 15.0, 0.0, 0.0);
  assert_percentages (core_at (after, 0), 50.0, 50.0, 0.0, 0.0, 0.0);
  assert_percentages (core_at (after, 1), 30.0, 0.0, 30.0, 0.0, 0.0);
}

static void
test_hotplug (void)
{
  g_autoptr (TmpRoot) t = tmp_root_new ();
  g_autoptr (SeyeProcReader) reader = NULL;
  g_autoptr (SeyeSample) a = NULL;
  g_autoptr (SeyeSample) b = NULL;
  g_autoptr (SeyeSample) c = NULL;
  g_autoptr (SeyeSample) d = NULL;
  g_autoptr (SeyeSample) e = NULL;
  g_autoptr (SeyeSample) f = NULL;

  tmp_root_copy (t, "basic-2core");
  reader = seye_proc_reader_new (t->root);

  a = sample_stat (t, reader,
                   "cpu  200 0 200 1600 0 0 0 0\n"
                   "cpu0 100 0 100 800 0 0 0 0\n"
                   "cpu1 100 0 100 800 0 0 0 0\n", T0);
  g_assert_cmpuint (a->cores->len, ==, 2);

  /* cpu1 goes offline: the total loses its ticks (went back: nothing to
   * measure, it keeps saying 0); cpu0 is measured. */
  b = sample_stat (t, reader,
                   "cpu  150 0 100 850 0 0 0 0\n"
                   "cpu0 150 0 100 850 0 0 0 0\n", T0 + 1000);
  g_assert_cmpuint (b->cores->len, ==, 1);
  g_assert_cmpint (core_at (b, 0)->id, ==, 0);
  assert_percentages (core_at (b, 0), 50.0, 50.0, 0, 0, 0);
  assert_percentages (&b->cpu, 0, 0, 0, 0, 0);

  /* cpu1 comes back with its old counters and more: new again, 0. */
  c = sample_stat (t, reader,
                   "cpu  270 0 200 1730 0 0 0 0\n"
                   "cpu0 170 0 100 930 0 0 0 0\n"
                   "cpu1 100 0 100 800 0 0 0 0\n", T0 + 2000);
  g_assert_cmpuint (c->cores->len, ==, 2);
  assert_percentages (core_at (c, 0), 20.0, 20.0, 0, 0, 0);
  assert_percentages (core_at (c, 1), 0, 0, 0, 0, 0);

  /* Then measured like any core. */
  d = sample_stat (t, reader,
                   "cpu  300 0 200 1895 5 0 0 0\n"
                   "cpu0 170 0 100 1030 0 0 0 0\n"
                   "cpu1 130 0 100 865 5 0 0 0\n", T0 + 3000);
  assert_percentages (core_at (d, 0), 0, 0, 0, 0, 0);
  assert_percentages (core_at (d, 1), 35.0, 30.0, 0, 5.0, 0);
  assert_percentages (&d->cpu, 17.5, 15.0, 0, 2.5, 0);

  /* No tick at all in between: the previous percentages stay. */
  e = sample_stat (t, reader,
                   "cpu  300 0 200 1895 5 0 0 0\n"
                   "cpu0 170 0 100 1030 0 0 0 0\n"
                   "cpu1 130 0 100 865 5 0 0 0\n", T0 + 4000);
  assert_percentages (core_at (e, 0), 0, 0, 0, 0, 0);
  assert_percentages (core_at (e, 1), 35.0, 30.0, 0, 5.0, 0);
  assert_percentages (&e->cpu, 17.5, 15.0, 0, 2.5, 0);

  /* iowait going back (it does on real kernels) while the sum goes on:
   * that field counts 0, the others are shares of the rest. Cores listed out
   * of order come out sorted. */
  f = sample_stat (t, reader,
                   "cpu  340 0 200 2060 0 0 0 0\n"
                   "cpu1 140 0 100 960 0 0 0 0\n"
                   "cpu0 200 0 100 1100 0 0 0 0\n", T0 + 5000);
  g_assert_cmpint (core_at (f, 0)->id, ==, 0);
  g_assert_cmpint (core_at (f, 1)->id, ==, 1);
  assert_percentages (core_at (f, 0), 30.0, 30.0, 0, 0, 0);
  assert_percentages (core_at (f, 1), 1000.0 / 105.0, 1000.0 / 105.0, 0, 0, 0);
  assert_percentages (&f->cpu, 4000.0 / 205.0, 4000.0 / 205.0, 0, 0, 0);
}

static void
test_cpu128 (void)
{
  g_autoptr (TmpRoot) t = tmp_root_new ();
  g_autoptr (SeyeProcReader) reader = NULL;
  g_autoptr (SeyeSample) first = NULL;
  g_autoptr (SeyeSample) second = NULL;
  g_autoptr (SeyeNodeInfo) info = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) next = g_string_new (NULL);
  g_autofree char *stat = NULL;
  g_autofree char *stat_path = NULL;
  g_auto (GStrv) lines = NULL;
  guint64 busy_ticks = 0;

  tmp_root_copy (t, "cpu128");
  reader = seye_proc_reader_new (t->root);
  first = seye_proc_reader_sample (reader, T0);
  assert_sample_sane (first);
  g_assert_true (first->parts & SEYE_SAMPLE_CPU);
  g_assert_cmpuint (first->cores->len, ==, 128);
  for (guint i = 0; i < 128; i++)
    {
      g_assert_cmpint (core_at (first, i)->id, ==, (int) i);
      g_assert_cmpuint (core_at (first, i)->ticks[SEYE_CPU_MODE_USER], ==, 10000 + 37 * i);
    }

  info = seye_proc_reader_read_identity (reader);
  g_assert_no_error (error);
  g_assert_cmpuint (info->n_cores, ==, 128);

  /* Core i: i % 101 ticks of user time and the rest idle, out of 100. */
  stat_path = g_build_filename (t->root, "proc", "stat", NULL);
  g_file_get_contents (stat_path, &stat, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (stat, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      guint64 v[10];
      int id = -1;

      if (g_str_has_prefix (lines[i], "cpu "))
        {
          for (guint k = 0; k < 128; k++)
            busy_ticks += k % 101;
          g_assert_cmpint (sscanf (lines[i], "cpu %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT
                                   " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT
                                   " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT
                                   " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT,
                                   &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]), ==, 8);
          v[0] += busy_ticks;
          v[3] += 128 * 100 - busy_ticks;
        }
      else if (sscanf (lines[i], "cpu%d %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT
                       " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT
                       " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT
                       " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT,
                       &id, &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) == 9)
        {
          v[0] += id % 101;
          v[3] += 100 - id % 101;
        }
      else
        {
          if (lines[i][0] != '\0')
            g_string_append_printf (next, "%s\n", lines[i]);
          continue;
        }

      g_string_append_printf (next, id < 0 ? "cpu " : "cpu%d", id);
      for (guint k = 0; k < 8; k++)
        g_string_append_printf (next, " %" G_GUINT64_FORMAT, v[k]);
      g_string_append_c (next, '\n');
    }
  tmp_root_write (t, "proc/stat", next->str, next->len);

  second = seye_proc_reader_sample (reader, T0 + 1000);
  assert_sample_sane (second);
  g_assert_cmpuint (second->cores->len, ==, 128);
  for (guint i = 0; i < 128; i++)
    assert_percentages (core_at (second, i), i % 101, i % 101, 0, 0, 0);
  assert_percentages (&second->cpu, busy_ticks / 128.0, busy_ticks / 128.0, 0, 0, 0);
}

/* One bad thing at a time in /proc/stat: the CPU part is left out and the
 * problem says why; the rest of the sample is unharmed. */
static void
test_malformed_stat (void)
{
  static const struct
  {
    const char *stat;
    const char *problem;    /* NULL: valid */
  } cases[] = {
    { "cpu  1 2 3\n", "has 3 columns" },
    { "cpu  1 2 3 4\ncpu0 1 2 3\n", "“cpu0” has 3 columns" },
    { "cpu  1 2 3 4\ncpu0 1 2 3 x\n", "“x”" },
    { "cpu  1 2 3 4\ncpu0 1 2 3 4a\n", "“4a”" },
    { "cpu  18446744073709551616 0 0 0\n", "18446744073709551616" },
    { "cpu  -1 0 0 0\n", "“-1”" },
    { "cpu  1.5 0 0 0\n", "“1.5”" },
    { "cpu0 1 2 3 4\n", "no “cpu” line" },
    { "cpu  1 2 3 4\ncpu  1 2 3 4\n", "two “cpu” lines" },
    { "cpu  1 2 3 4\ncpu1 1 2 3 4\ncpu0 1 2 3 4\ncpu1 1 2 3 4\n", "cpu1 twice" },
    { "cpu  1 2 3 4\ncpuX 1 2 3 4\n", "cpuX" },
    { "cpu  1 2 3 4\ncpu99999999 1 2 3 4\n", "cpu99999999" },
    { "cpu  1 2 3 4\ncpu\x01\x7f 1 2 3 4\n", "cpu??" },
    { "cpu  18446744073709551615 0 0 0\ncpu0 18446744073709551615 0 0 0\n", NULL },
    { "cpu  1 2 3 4\ncpu0 1 2 3 4\n", NULL },                       /* 2.4 kernels: 4 columns */
    { "cpu  1 2 3 4 5 6 7 8 9 10 11 12\ncpu0 1 2 3 4 5 6 7 8 x y\n", NULL },  /* guest ignored */
    { "\n\ncpu  1 2 3 4\n   \n", NULL },
  };
  g_autoptr (TmpRoot) t = tmp_root_new ();

  tmp_root_copy (t, "basic-2core");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (SeyeProcReader) reader = seye_proc_reader_new (t->root);
      g_autoptr (SeyeSample) first = NULL;
      g_autoptr (SeyeSample) second = NULL;
      g_autofree char *text = stat_text (cases[i].stat);

      g_test_message ("case %u: %s", i, cases[i].stat);
      tmp_root_write (t, "proc/stat", text, -1);
      first = seye_proc_reader_sample (reader, T0);
      second = seye_proc_reader_sample (reader, T0 + 1000);
      assert_sample_sane (first);
      assert_sample_sane (second);

      g_assert_cmpint (second->parts & ~SEYE_SAMPLE_CPU, ==, ALL_PARTS & ~SEYE_SAMPLE_CPU);
      if (cases[i].problem != NULL)
        {
          g_assert_false (second->parts & SEYE_SAMPLE_CPU);
          g_assert_cmpuint (n_problems (reader), ==, 1);
          assert_problem (reader, "/proc/stat is malformed", cases[i].problem);
        }
      else
        {
          g_assert_true (second->parts & SEYE_SAMPLE_CPU);
          g_assert_cmpuint (n_problems (reader), ==, 0);
        }
    }

  /* Process counts: missing or bad, that part alone goes. */
  tmp_root_write (t, "proc/stat", "cpu  1 2 3 4\nprocs_blocked 2\n", -1);
  {
    g_autoptr (SeyeProcReader) reader = seye_proc_reader_new (t->root);
    g_autoptr (SeyeSample) sample = seye_proc_reader_sample (reader, T0);

    assert_sample_sane (sample);
    g_assert_cmpint (sample->parts, ==, ALL_PARTS & ~SEYE_SAMPLE_PROCESSES);
    assert_problem (reader, "/proc/stat is malformed", "procs_running");
    /* No btime: the boot time comes from the uptime (65000.12 s). */
    g_assert_cmpint (sample->boot_time, ==, T0 / 1000 - 65000);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/seye/proc/cpu-delta", test_cpu_delta);
  g_test_add_func ("/seye/proc/cpu-reset", test_cpu_reset);
  g_test_add_func ("/seye/proc/hotplug", test_hotplug);
  g_test_add_func ("/seye/proc/cpu128", test_cpu128);
  g_test_add_func ("/seye/proc/malformed-stat", test_malformed_stat);

  return g_test_run ();
}
