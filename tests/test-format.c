/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>

#include "seye-format.h"

#define CHECK(call, expected) \
  G_STMT_START { \
    g_autofree char *got = (call); \
    g_assert_cmpstr (got, ==, (expected)); \
  } G_STMT_END

static void
test_bytes (void)
{
  CHECK (seye_format_bytes (0), "0 B");
  CHECK (seye_format_bytes (999), "999 B");
  CHECK (seye_format_bytes (1000), "1.0 KB");
  CHECK (seye_format_bytes (1500), "1.5 KB");
  CHECK (seye_format_bytes (12345), "12 KB");
  CHECK (seye_format_bytes (512000000), "512 MB");
  CHECK (seye_format_bytes (8000000000), "8.0 GB");
  CHECK (seye_format_bytes (G_GUINT64_CONSTANT (8589934592)), "8.6 GB");
  /* Rounding never shows "1000 KB". */
  CHECK (seye_format_bytes (999950), "1.0 MB");
  CHECK (seye_format_bytes (999499), "999 KB");
  CHECK (seye_format_bytes (G_GUINT64_CONSTANT (2000000000000)), "2.0 TB");
  CHECK (seye_format_bytes (G_MAXUINT64), "18 EB");
}

static void
test_bytes_of (void)
{
  CHECK (seye_format_bytes_of (800000000, G_GUINT64_CONSTANT (25276510208)), "0.8/25 GB");
  CHECK (seye_format_bytes_of (3200000000, 16000000000), "3.2/16 GB");
  CHECK (seye_format_bytes_of (12000000000, 16000000000), "12/16 GB");
  CHECK (seye_format_bytes_of (512000000, 1000000000), "0.5/1.0 GB");
  CHECK (seye_format_bytes_of (999950, 999950), "1.0/1.0 MB");
  CHECK (seye_format_bytes_of (512, 900), "512/900 B");
  CHECK (seye_format_bytes_of (0, 0), "0/0 B");
}

static void
test_rate (void)
{
  CHECK (seye_format_rate (0), "0 B/s");
  CHECK (seye_format_rate (1200000), "1.2 MB/s");
  CHECK (seye_format_rate (-1), "–");
  CHECK (seye_format_rate (0.0 / 0.0), "–");
}

static void
test_duration (void)
{
  CHECK (seye_format_duration (0), "0 seconds");
  CHECK (seye_format_duration (1), "1 second");
  CHECK (seye_format_duration (59.9), "59 seconds");
  CHECK (seye_format_duration (300), "5 minutes");
  CHECK (seye_format_duration (3600), "1 hour");
  CHECK (seye_format_duration (7300), "2 hours");
  CHECK (seye_format_duration (86400), "1 day");
  CHECK (seye_format_duration (3 * 86400 + 5000), "3 days");
  CHECK (seye_format_duration (-1), "–");

  CHECK (seye_format_duration_short (45), "45s");
  CHECK (seye_format_duration_short (312), "5m 12s");
  CHECK (seye_format_duration_short (7500), "2h 05m");
  CHECK (seye_format_duration_short (3 * 86400 + 4 * 3600 + 59), "3d 4h");
  CHECK (seye_format_duration_short (-5), "–");
}

static void
test_percent (void)
{
  CHECK (seye_format_percent (6.4), "6 %");
  CHECK (seye_format_percent (20), "20 %");
  CHECK (seye_format_percent (99.6), "100 %");
  CHECK (seye_format_percent (0), "0 %");
  CHECK (seye_format_percent (-1), "–");
}

static void
test_load (void)
{
  const double load[3] = { 0.42, 0.375, 0.3 };

  CHECK (seye_format_load (load), "0.42 0.38 0.30");
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/seye/format/bytes", test_bytes);
  g_test_add_func ("/seye/format/bytes-of", test_bytes_of);
  g_test_add_func ("/seye/format/rate", test_rate);
  g_test_add_func ("/seye/format/duration", test_duration);
  g_test_add_func ("/seye/format/percent", test_percent);
  g_test_add_func ("/seye/format/load", test_load);

  return g_test_run ();
}
