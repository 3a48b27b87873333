/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The cost of one scan of a machine's processes by SeyeProcessScanner, and of
 * one answer made from it (the list of the top 20 and its JSON).
 *
 *   bench-processes [ROOT [N]]   ROOT defaults to "/", N to 200
 *
 * Prints the median and 99th percentile of N scans, after 5 to warm up, the
 * CPU time (user + system) of a scan, and the median of N answers.
 */
#define G_LOG_DOMAIN "bench-processes"

#include "config.h"

#include <stdlib.h>
#include <sys/resource.h>

#include "seye-proc-processes.h"

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a;
  gint64 y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

static double
cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);

  return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 +
         usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

int
main (int   argc,
      char *argv[])
{
  const char *root = argc > 1 ? argv[1] : "/";
  guint n = argc > 2 ? (guint) strtoul (argv[2], NULL, 10) : 200;
  g_autoptr (SeyeProcessScanner) scanner = seye_process_scanner_new (root);
  g_autofree gint64 *scans = NULL;
  g_autofree gint64 *answers = NULL;
  double cpu;

  if (n == 0)
    {
      g_printerr ("usage: %s [ROOT [N]]\n", argv[0]);
      return 2;
    }

  scans = g_new (gint64, n);
  answers = g_new (gint64, n);

  for (guint i = 0; i < 5; i++)
    seye_process_scanner_scan (scanner, g_get_monotonic_time ());

  cpu = cpu_seconds ();
  for (guint i = 0; i < n; i++)
    {
      gint64 start = g_get_monotonic_time ();
      g_autoptr (SeyeProcessList) list = NULL;
      g_autoptr (GString) str = g_string_new (NULL);

      seye_process_scanner_scan (scanner, start);
      scans[i] = g_get_monotonic_time () - start;

      start = g_get_monotonic_time ();
      list = seye_process_scanner_list (scanner, SEYE_PROCESS_SORT_CPU, SEYE_PROCESS_DEFAULT_LIMIT, FALSE);
      seye_process_list_write_json (str, list, FALSE);
      answers[i] = g_get_monotonic_time () - start;
    }
  cpu = cpu_seconds () - cpu;

  qsort (scans, n, sizeof *scans, compare_gint64);
  qsort (answers, n, sizeof *answers, compare_gint64);
  {
    g_autoptr (SeyeProcessList) list = seye_process_scanner_list (scanner, SEYE_PROCESS_SORT_CPU, 1, FALSE);

    g_print ("%u processes (%u not readable), %u scans\n", list->total, list->not_readable, n);
  }
  g_print ("scan:   median %" G_GINT64_FORMAT " µs, p99 %" G_GINT64_FORMAT " µs, CPU %.0f µs\n",
           scans[n / 2], scans[n * 99 / 100], cpu * 1e6 / n);
  g_print ("answer: median %" G_GINT64_FORMAT " µs (top %d as JSON)\n", answers[n / 2],
           SEYE_PROCESS_DEFAULT_LIMIT);

  return 0;
}
