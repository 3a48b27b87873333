/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "test-proc-tree.h"

/* Memory: /proc/meminfo. */

static void
test_memory (void)
{
  g_autoptr (SeyeSample) sample = sample_tree ("basic-2core");
  g_autoptr (TmpRoot) t = tmp_root_new ();
  const SeyeMemory *m = &sample->memory;

  g_assert_true (sample->parts & SEYE_SAMPLE_MEMORY);
  g_assert_cmpuint (m->total, ==, G_GUINT64_CONSTANT (4000000) * 1024);
  g_assert_cmpuint (m->free, ==, G_GUINT64_CONSTANT (1000000) * 1024);
  g_assert_cmpuint (m->available, ==, G_GUINT64_CONSTANT (2500000) * 1024);
  g_assert_cmpuint (m->buffers, ==, G_GUINT64_CONSTANT (100000) * 1024);
  g_assert_cmpuint (m->cached, ==, G_GUINT64_CONSTANT (1350000) * 1024);   /* Cached + SReclaimable */
  g_assert_cmpuint (m->used, ==, G_GUINT64_CONSTANT (1500000) * 1024);
  g_assert_cmpuint (m->swap_total, ==, G_GUINT64_CONSTANT (2000000) * 1024);
  g_assert_cmpuint (m->swap_used, ==, G_GUINT64_CONSTANT (500000) * 1024);
  g_assert_cmpfloat_with_epsilon (seye_sample_get_memory_percent (sample), 37.5, EPSILON);
  g_assert_cmpfloat_with_epsilon (seye_sample_get_swap_percent (sample), 25.0, EPSILON);

  /* An old kernel without MemAvailable; swap free beyond its size. */
  tmp_root_copy (t, "basic-2core");
  tmp_root_write (t, "proc/meminfo",
                  "MemTotal:        4000000 kB\n"
                  "MemFree:         1000000 kB\n"
                  "Buffers:          100000 kB\n"
                  "Cached:          1200000 kB\n"
                  "SwapTotal:        100000 kB\n"
                  "SwapFree:         200000 kB\n"
                  "HugePages_Total:       0\n", -1);
  {
    g_autoptr (SeyeProcReader) reader = seye_proc_reader_new (t->root);
    g_autoptr (SeyeSample) old = seye_proc_reader_sample (reader, T0);

    assert_sample_sane (old);
    g_assert_true (old->parts & SEYE_SAMPLE_MEMORY);
    g_assert_cmpuint (old->memory.available, ==, G_GUINT64_CONSTANT (2300000) * 1024);
    g_assert_cmpuint (old->memory.used, ==, G_GUINT64_CONSTANT (1700000) * 1024);
    g_assert_cmpuint (old->memory.cached, ==, G_GUINT64_CONSTANT (1200000) * 1024);
    g_assert_cmpuint (old->memory.swap_used, ==, 0);
  }

  /* MemAvailable beyond MemTotal is clamped: used is never negative. */
  tmp_root_write (t, "proc/meminfo",
                  "MemTotal:        4000000 kB\n"
                  "MemFree:         1000000 kB\n"
                  "MemAvailable:    5000000 kB\n", -1);
  {
    g_autoptr (SeyeProcReader) reader = seye_proc_reader_new (t->root);
    g_autoptr (SeyeSample) odd = seye_proc_reader_sample (reader, T0);

    assert_sample_sane (odd);
    g_assert_cmpuint (odd->memory.available, ==, odd->memory.total);
    g_assert_cmpuint (odd->memory.used, ==, 0);
    g_assert_cmpuint (odd->memory.swap_total, ==, 0);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/seye/proc/memory", test_memory);

  return g_test_run ();
}
