/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The cost of one sample of a machine by SeyeProcReader.
 *
 *   bench-sample [ROOT [N]]      ROOT defaults to "/", N to 10000
 *
 * Prints the mean, median and 99th percentile of N samples, after 100 to warm up.
 */
#define G_LOG_DOMAIN "bench-sample"

#include "config.h"

#include <stdlib.h>

#include "seye-proc.h"

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a;
  gint64 y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

int
main (int   argc,
      char *argv[])
{
  const char *root = argc > 1 ? argv[1] : "/";
  guint n = argc > 2 ? (guint) strtoul (argv[2], NULL, 10) : 10000;
  g_autoptr (SeyeProcReader) reader = seye_proc_reader_new (root);
  g_autofree gint64 *times = NULL;
  const char * const *problems;
  gint64 now_ms = g_get_real_time () / 1000;
  gint64 total = 0;

  if (n == 0)
    {
      g_printerr ("usage: %s [ROOT [N]]\n", argv[0]);
      return 2;
    }

  times = g_new (gint64, n);

  for (guint i = 0; i < 100; i++)
    seye_sample_unref (seye_proc_reader_sample (reader, now_ms++));

  problems = seye_proc_reader_get_problems (reader);
  for (guint i = 0; problems[i] != NULL; i++)
    g_printerr ("problem: %s\n", problems[i]);

  for (guint i = 0; i < n; i++)
    {
      gint64 start = g_get_monotonic_time ();

      seye_sample_unref (seye_proc_reader_sample (reader, now_ms++));
      times[i] = g_get_monotonic_time () - start;
      total += times[i];
    }

  qsort (times, n, sizeof *times, compare_gint64);
  g_print ("%s: %u samples, mean %.1f us, median %" G_GINT64_FORMAT " us, "
           "p99 %" G_GINT64_FORMAT " us per sample\n",
           seye_proc_reader_get_root (reader), n, (double) total / n,
           times[n / 2], times[MIN (n - 1, n * 99 / 100)]);

  return 0;
}
