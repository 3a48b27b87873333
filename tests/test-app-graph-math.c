/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include "seye-graph-math.h"
#include "seye-graph-time.h"

static void
test_nice_max (void)
{
  g_assert_cmpfloat (seye_graph_nice_max (0.0, 1.0), ==, 1.0);
  g_assert_cmpfloat (seye_graph_nice_max (0.3, 1.0), ==, 1.0);
  g_assert_cmpfloat (seye_graph_nice_max (1.0, 1.0), ==, 1.0);
  g_assert_cmpfloat (seye_graph_nice_max (1.1, 1.0), ==, 2.0);
  g_assert_cmpfloat (seye_graph_nice_max (2.1, 1.0), ==, 2.5);
  g_assert_cmpfloat (seye_graph_nice_max (3.7, 1.0), ==, 5.0);
  g_assert_cmpfloat (seye_graph_nice_max (7.0, 1.0), ==, 10.0);
  g_assert_cmpfloat (seye_graph_nice_max (100.0, 1.0), ==, 100.0);
  g_assert_cmpfloat (seye_graph_nice_max (100.5, 1.0), ==, 200.0);
  g_assert_cmpfloat (seye_graph_nice_max (123456.0, 1024.0), ==, 200000.0);
  /* The floor wins over small values: an idle network still gets a 1 KiB axis. */
  g_assert_cmpfloat (seye_graph_nice_max (12.0, 1024.0), ==, 2000.0);
  /* Garbage does not reach Cairo. */
  g_assert_cmpfloat (seye_graph_nice_max (NAN, 1.0), ==, 1.0);
  g_assert_cmpfloat (seye_graph_nice_max (INFINITY, 1.0), ==, 1.0);
  g_assert_cmpfloat (seye_graph_nice_max (-5.0, 0.0), ==, 1.0);
}

static void
test_time_window (void)
{
  const gint64 end = 1700000000000;

  /* The newest sample is at the right edge, one window ago at the left edge. */
  g_assert_cmpfloat (seye_graph_time_to_x (end, end, 60000, 300.0), ==, 300.0);
  g_assert_cmpfloat (seye_graph_time_to_x (end - 60000, end, 60000, 300.0), ==, 0.0);
  g_assert_cmpfloat (seye_graph_time_to_x (end - 30000, end, 60000, 300.0), ==, 150.0);
  /* 5 and 10 minute windows squeeze the same span. */
  g_assert_cmpfloat (seye_graph_time_to_x (end - 30000, end, 300000, 300.0), ==, 270.0);
  g_assert_cmpfloat (seye_graph_time_to_x (end - 30000, end, 600000, 300.0), ==, 285.0);
  /* Older than the window: left of the area (clipped by the caller). */
  g_assert_cmpfloat (seye_graph_time_to_x (end - 120000, end, 60000, 300.0), <, 0.0);

  /* Hover goes back from x to time, and round trips. */
  g_assert_cmpint (seye_graph_x_to_time (150.0, end, 60000, 300.0), ==, end - 30000);
  g_assert_cmpint (seye_graph_x_to_time (-10.0, end, 60000, 300.0), ==, end - 60000);
  g_assert_cmpint (seye_graph_x_to_time (900.0, end, 60000, 300.0), ==, end);
  for (gint64 t = end - 60000; t <= end; t += 1000)
    {
      double x = seye_graph_time_to_x (t, end, 60000, 600.0);
      g_assert_cmpint (seye_graph_x_to_time (x, end, 60000, 600.0), ==, t);
    }

  g_assert_cmpint (seye_graph_time_grid_step (60000), ==, 10000);
  g_assert_cmpint (seye_graph_time_grid_step (300000), ==, 60000);
  g_assert_cmpint (seye_graph_time_grid_step (600000), ==, 120000);
  /* The history store's ranges: whole hours and days. */
  g_assert_cmpint (seye_graph_time_grid_step (3600000), ==, 600000);
  g_assert_cmpint (seye_graph_time_grid_step (24 * 3600000), ==, 6 * 3600000);
  g_assert_cmpint (seye_graph_time_grid_step (7 * 24 * (gint64) 3600000), ==, 48 * 3600000);
}

static void
test_scaling (void)
{
  /* y grows downwards: 0 at the bottom, max at the top, clamped in between. */
  g_assert_cmpfloat (seye_graph_value_to_y (0.0, 100.0, 80.0), ==, 80.0);
  g_assert_cmpfloat (seye_graph_value_to_y (100.0, 100.0, 80.0), ==, 0.0);
  g_assert_cmpfloat (seye_graph_value_to_y (25.0, 100.0, 80.0), ==, 60.0);
  g_assert_cmpfloat (seye_graph_value_to_y (250.0, 100.0, 80.0), ==, 0.0);
  g_assert_cmpfloat (seye_graph_value_to_y (-3.0, 100.0, 80.0), ==, 80.0);
  g_assert_cmpfloat (seye_graph_value_to_y (NAN, 100.0, 80.0), ==, 80.0);
  g_assert_cmpfloat (seye_graph_value_to_y (5.0, 0.0, 80.0), ==, 80.0);

  /* No more than about one point per pixel. */
  g_assert_cmpuint (seye_graph_stride (60, 300.0), ==, 1);
  g_assert_cmpuint (seye_graph_stride (600, 300.0), ==, 2);
  g_assert_cmpuint (seye_graph_stride (600, 60.0), ==, 10);
  g_assert_cmpuint (seye_graph_stride (601, 60.0), ==, 11);
  g_assert_cmpuint (seye_graph_stride (10, 0.0), ==, 10);
}

static void
check_layout_fits (guint  n_cores,
                   double width)
{
  SeyeCoreLayout layout;
  double x, y;

  seye_core_layout_compute (&layout, n_cores, width);

  g_assert_cmpuint (layout.columns * layout.rows, >=, n_cores);
  /* No empty last row. */
  g_assert_cmpuint ((layout.rows - 1) * layout.columns, <, n_cores);
  /* Readable: a cell never gets narrower than the minimum unless the area itself is. */
  if (width >= SEYE_CORE_MIN_CELL_WIDTH)
    g_assert_cmpfloat (layout.cell_width, >=, SEYE_CORE_MIN_CELL_WIDTH - 0.001);
  /* Cells grow wide only when there are too few cores to fill a row. */
  if (layout.columns < n_cores)
    g_assert_cmpfloat (layout.cell_width, <=, SEYE_CORE_MAX_CELL_WIDTH);
  g_assert_cmpfloat (layout.cell_height, >=, 36.0);

  /* The last cell stays inside the width. */
  seye_core_layout_cell (&layout, n_cores - 1, &x, &y);
  g_assert_cmpfloat (x + layout.cell_width, <=, width + 0.001);
  g_assert_cmpfloat (y + layout.cell_height, <=, seye_core_layout_height (&layout) + 0.001);

  /* Hit testing finds each cell at its centre. */
  for (guint i = 0; i < n_cores; i++)
    {
      seye_core_layout_cell (&layout, i, &x, &y);
      g_assert_cmpint (seye_core_layout_hit (&layout, n_cores,
                                             x + layout.cell_width / 2,
                                             y + layout.cell_height / 2), ==, (int) i);
    }
}

static void
test_core_layout (void)
{
  static const guint cores[] = { 1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256 };
  static const double widths[] = { 80.0, 320.0, 480.0, 800.0, 1200.0, 2400.0 };
  SeyeCoreLayout layout;
  double x, y;

  for (guint i = 0; i < G_N_ELEMENTS (cores); i++)
    for (guint j = 0; j < G_N_ELEMENTS (widths); j++)
      check_layout_fits (cores[i], widths[j]);

  /* One core on a wide pane: one cell as wide as the pane. */
  seye_core_layout_compute (&layout, 1, 800.0);
  g_assert_cmpuint (layout.columns, ==, 1);
  g_assert_cmpuint (layout.rows, ==, 1);
  g_assert_cmpfloat (layout.cell_width, ==, 800.0);
  g_assert_cmpfloat (layout.cell_height, ==, 72.0);

  /* Four cores on a wide pane: one row of four. */
  seye_core_layout_compute (&layout, 4, 1200.0);
  g_assert_cmpuint (layout.columns, ==, 4);
  g_assert_cmpuint (layout.rows, ==, 1);

  /* Ten cores that would fit 8 a row are balanced as 2 rows of 5. */
  seye_core_layout_compute (&layout, 10, 8 * (SEYE_CORE_MIN_CELL_WIDTH + SEYE_CORE_SPACING));
  g_assert_cmpuint (layout.rows, ==, 2);
  g_assert_cmpuint (layout.columns, ==, 5);

  /* 256 cores on 800 px: 10 columns, 26 rows. */
  seye_core_layout_compute (&layout, 256, 800.0);
  g_assert_cmpuint (layout.columns, ==, 10);
  g_assert_cmpuint (layout.rows, ==, 26);
  seye_core_layout_cell (&layout, 11, &x, &y);
  g_assert_cmpfloat (x, ==, layout.cell_width + layout.spacing);
  g_assert_cmpfloat (y, ==, layout.cell_height + layout.spacing);

  /* Gaps and the area after the last core hit nothing. */
  g_assert_cmpint (seye_core_layout_hit (&layout, 256, layout.cell_width + 1, 2), ==, -1);
  g_assert_cmpint (seye_core_layout_hit (&layout, 256, 9 * (layout.cell_width + layout.spacing) + 2,
                                         25 * (layout.cell_height + layout.spacing) + 2), ==, -1);

  /* Nothing to lay out. */
  seye_core_layout_compute (&layout, 0, 800.0);
  g_assert_cmpuint (layout.rows, ==, 0);
  g_assert_cmpfloat (seye_core_layout_height (&layout), ==, 0.0);
  g_assert_cmpint (seye_core_layout_hit (&layout, 0, 1, 1), ==, -1);
}

static void
test_series (void)
{
  g_autoptr (SeyeGraphSeries) series = seye_graph_series_new (2);
  float values[2];

  g_assert_cmpint (seye_graph_series_find_nearest (series, 0), ==, -1);
  g_assert_cmpfloat (seye_graph_series_get_max (series, 0, 0, 2), ==, 0.0);

  for (guint i = 0; i < 100; i++)
    {
      values[0] = i;
      values[1] = (i == 50) ? NAN : 1000.0f - i;
      g_assert_true (seye_graph_series_append (series, 10000 + i * 1000, values));
    }
  g_assert_cmpuint (seye_graph_series_get_length (series), ==, 100);

  /* Out of order and repeated points are refused. */
  g_assert_false (seye_graph_series_append (series, 10000 + 99 * 1000, values));
  g_assert_false (seye_graph_series_append (series, 5000, values));

  g_assert_cmpuint (seye_graph_series_find_after (series, 0), ==, 0);
  g_assert_cmpuint (seye_graph_series_find_after (series, 10500), ==, 1);
  g_assert_cmpuint (seye_graph_series_find_after (series, 11000), ==, 1);
  g_assert_cmpuint (seye_graph_series_find_after (series, 999999), ==, 100);

  /* Hover picks the nearest point. */
  g_assert_cmpint (seye_graph_series_find_nearest (series, 10400), ==, 0);
  g_assert_cmpint (seye_graph_series_find_nearest (series, 10600), ==, 1);
  g_assert_cmpint (seye_graph_series_find_nearest (series, 0), ==, 0);
  g_assert_cmpint (seye_graph_series_find_nearest (series, 999999), ==, 99);

  /* Autoscale looks at the window only and skips unknown values. */
  g_assert_cmpfloat (seye_graph_series_get_max (series, 0, 0, 1), ==, 99.0);
  g_assert_cmpfloat (seye_graph_series_get_max (series, 0, 0, 2), ==, 1000.0);
  g_assert_cmpfloat (seye_graph_series_get_max (series, 10000 + 60 * 1000, 1, 1), ==, 940.0);
  g_assert_true (isnan (seye_graph_series_get_value (series, 50, 1)));

  /* Trimming keeps one point before the cut, so lines start at the left edge. */
  seye_graph_series_trim (series, 10000 + 40 * 1000 + 500);
  g_assert_cmpuint (seye_graph_series_get_length (series), ==, 60);
  g_assert_cmpint (seye_graph_series_get_time (series, 0), ==, 10000 + 40 * 1000);
  g_assert_cmpfloat (seye_graph_series_get_value (series, 0, 0), ==, 40.0);
  g_assert_cmpfloat (seye_graph_series_get_value (series, 59, 1), ==, 901.0);

  seye_graph_series_clear (series, 3);
  g_assert_cmpuint (seye_graph_series_get_length (series), ==, 0);
  g_assert_cmpuint (series->n_values, ==, 3);
}

static void
test_series_gaps (void)
{
  g_autoptr (SeyeGraphSeries) series = seye_graph_series_new (1);
  float value = 1.0f;

  /* One-minute points with no data between 3 and 4 (the store's gap_before), then a
   * long silence between 7 and 8 without the flag. */
  for (guint i = 0; i < 8; i++)
    g_assert_true (seye_graph_series_append_full (series, i * 60000, &value, i == 4));
  g_assert_true (seye_graph_series_append (series, 60 * 60000, &value));
  g_assert_cmpuint (seye_graph_series_get_length (series), ==, 9);

  g_assert_false (seye_graph_series_get_gap_before (series, 0));
  g_assert_false (seye_graph_series_get_gap_before (series, 3));
  g_assert_true (seye_graph_series_get_gap_before (series, 4));
  g_assert_false (seye_graph_series_get_gap_before (series, 8));

  /* Neighbours: only the flagged point breaks the line. */
  g_assert_false (seye_graph_series_breaks_between (series, 2, 3, G_MAXINT64));
  g_assert_true (seye_graph_series_breaks_between (series, 3, 4, G_MAXINT64));
  g_assert_false (seye_graph_series_breaks_between (series, 4, 5, G_MAXINT64));

  /* A stride that skips the flagged point still breaks; one that starts on it does not. */
  g_assert_true (seye_graph_series_breaks_between (series, 2, 5, G_MAXINT64));
  g_assert_true (seye_graph_series_breaks_between (series, 0, 7, G_MAXINT64));
  g_assert_false (seye_graph_series_breaks_between (series, 4, 7, G_MAXINT64));

  /* Distance alone breaks too (the live graphs' rule), flag or not. */
  g_assert_true (seye_graph_series_breaks_between (series, 7, 8, 5 * 60000));
  g_assert_false (seye_graph_series_breaks_between (series, 7, 8, G_MAXINT64));
  g_assert_true (seye_graph_series_breaks_between (series, 0, 1, 30000));

  /* Trimming keeps the flags with their points. */
  seye_graph_series_trim (series, 4 * 60000);
  g_assert_cmpint (seye_graph_series_get_time (series, 0), ==, 3 * 60000);
  g_assert_true (seye_graph_series_get_gap_before (series, 1));
  g_assert_true (seye_graph_series_breaks_between (series, 0, 1, G_MAXINT64));

  seye_graph_series_clear (series, 1);
  g_assert_true (seye_graph_series_append_full (series, 0, &value, TRUE));
  g_assert_true (seye_graph_series_get_gap_before (series, 0));
}

#define ALPHA(p) ((p) >> 24)

/* A sparkline in pixels: the area under the line filled, the line over it, nothing above. */
static void
test_sparkline (void)
{
  const double line[4] = { 0.0, 0.0, 1.0, 1.0 };
  const double fill[4] = { 0.0, 0.0, 1.0, 0.5 };
  enum { W = 60, H = 22, N = 60 };
  guint32 pixels[W * H];
  float values[N];

  /* Half busy all along: line across the middle, half alpha below, clear above. */
  for (guint i = 0; i < N; i++)
    values[i] = 0.5;
  seye_sparkline_rasterize (values, N, N, pixels, W, H, W, 1.0, line, fill);
  for (guint c = 0; c < W; c++)
    {
      g_assert_cmpuint (ALPHA (pixels[0 * W + c]), ==, 0);
      g_assert_cmpuint (ALPHA (pixels[5 * W + c]), ==, 0);
      g_assert_cmpuint (ALPHA (pixels[11 * W + c]), >=, 200);           /* the line (y = 11) */
      g_assert_cmpuint (ALPHA (pixels[16 * W + c]), ==, 128);           /* the area */
      g_assert_cmpuint (ALPHA (pixels[(H - 1) * W + c]), ==, 128);
      /* Premultiplied blue. */
      g_assert_cmpuint (pixels[16 * W + c] & 0xff, ==, 128);
      g_assert_cmpuint ((pixels[16 * W + c] >> 8) & 0xffff, ==, 0);
    }

  /* A short history starts where it would have been: the left is empty. */
  seye_sparkline_rasterize (values, 10, N, pixels, W, H, W, 1.0, line, fill);
  for (guint r = 0; r < H; r++)
    g_assert_cmpuint (ALPHA (pixels[r * W + 20]), ==, 0);
  g_assert_cmpuint (ALPHA (pixels[16 * W + W - 2]), ==, 128);

  /* A rising line: higher at the right; idle at the left, the line at the bottom. */
  for (guint i = 0; i < N; i++)
    values[i] = i / (double) (N - 1);
  seye_sparkline_rasterize (values, N, N, pixels, W, H, W, 1.0, line, fill);
  g_assert_cmpuint (ALPHA (pixels[10 * W + 1]), ==, 0);
  g_assert_cmpuint (ALPHA (pixels[10 * W + W - 2]), ==, 128);
  g_assert_cmpuint (ALPHA (pixels[1 * W + W - 1]), >=, 128);

  /* Out-of-range values stay inside; a single point draws nothing. */
  values[0] = -3;
  values[1] = 42;
  seye_sparkline_rasterize (values, 2, N, pixels, W, H, W, 1.0, line, fill);
  seye_sparkline_rasterize (values, 1, N, pixels, W, H, W, 1.0, line, fill);
  for (guint i = 0; i < W * H; i++)
    g_assert_cmpuint (pixels[i], ==, 0);

  /* Twice the pixels at scale 2: the same picture. */
  {
    guint32 big[2 * W * 2 * H];

    for (guint i = 0; i < N; i++)
      values[i] = 0.5;
    seye_sparkline_rasterize (values, N, N, big, 2 * W, 2 * H, 2 * W, 2.0, line, fill);
    g_assert_cmpuint (ALPHA (big[2 * (2 * W)]), ==, 0);
    g_assert_cmpuint (ALPHA (big[2 * 16 * (2 * W) + 10]), ==, 128);
    g_assert_cmpuint (ALPHA (big[22 * (2 * W) + 10]), >=, 200);
  }
}

/* 256 cores in one row each, at most 256 px; a few cores in whole, taller rows. */
static void
test_core_heatmap (void)
{
  g_assert_false (seye_core_use_heatmap (16));
  g_assert_true (seye_core_use_heatmap (17));

  g_assert_cmpfloat (seye_core_heatmap_row_height (17), ==, 8.0);
  g_assert_cmpfloat (seye_core_heatmap_row_height (64), ==, 4.0);
  g_assert_cmpfloat (seye_core_heatmap_row_height (256), ==, 1.0);
  for (guint n = 17; n <= 4096; n++)
    {
      g_assert_cmpfloat (seye_core_heatmap_height (n), <=, 256.0 + 1e-9);
      g_assert_cmpfloat (seye_core_heatmap_height (n), >=, MIN (n, 136));
    }

  g_assert_cmpint (seye_core_heatmap_hit (64, -1.0), ==, -1);
  g_assert_cmpint (seye_core_heatmap_hit (64, 0.0), ==, 0);
  g_assert_cmpint (seye_core_heatmap_hit (64, 3.9), ==, 0);
  g_assert_cmpint (seye_core_heatmap_hit (64, 4.0), ==, 1);
  g_assert_cmpint (seye_core_heatmap_hit (64, 255.9), ==, 63);
  g_assert_cmpint (seye_core_heatmap_hit (64, 256.0), ==, -1);
  g_assert_cmpint (seye_core_heatmap_hit (256, 37.5), ==, 37);
}

static GString *
join_labels (GArray *ticks)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < ticks->len; i++)
    g_string_append_printf (text, "%s%s", i > 0 ? " | " : "",
                            g_array_index (ticks, SeyeTimeTick, i).label);

  return text;
}

/* 2026-12-05 11:45:00 UTC */
#define NOON_ISH G_GINT64_CONSTANT (1796471100000)

static void
test_time_labels (void)
{
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr (GTimeZone) paris = g_time_zone_new_identifier ("+01:00");
  struct {
    gint64      window_ms;
    gboolean    live;
    GTimeZone  *tz;
    const char *labels;
  } cases[] = {
    { 60000, TRUE, utc, "−60 s | −50 s | −40 s | −30 s | −20 s | −10 s | now" },
    { 300000, TRUE, utc, "−5 min | −4 min | −3 min | −2 min | −1 min | now" },
    { 600000, TRUE, utc, "−10 min | −8 min | −6 min | −4 min | −2 min | now" },
    /* Stored ranges on round local times, never past the right edge. */
    { 3600000, FALSE, utc, "10:50 | 11:00 | 11:10 | 11:20 | 11:30 | 11:40" },
    { 3600000, FALSE, paris, "11:50 | 12:00 | 12:10 | 12:20 | 12:30 | 12:40" },
    { 24 * 3600000, FALSE, utc, "12:00 | 18:00 | 00:00 | 06:00" },
    { 7 * 24 * 3600000, FALSE, utc, "29 Nov | 1 Dec | 3 Dec | 5 Dec" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GArray) ticks = seye_graph_time_ticks (NOON_ISH, cases[i].window_ms, cases[i].live,
                                                        cases[i].tz);
      g_autoptr (GString) labels = join_labels (ticks);

      g_test_message ("%" G_GINT64_FORMAT " ms: %s", cases[i].window_ms, labels->str);
      g_assert_cmpstr (labels->str, ==, cases[i].labels);
      for (guint j = 0; j < ticks->len; j++)
        {
          gint64 t = g_array_index (ticks, SeyeTimeTick, j).time_ms;

          g_assert_cmpint (t, >=, NOON_ISH - cases[i].window_ms);
          g_assert_cmpint (t, <=, NOON_ISH);
        }
    }
}

static void
test_recorded_since (void)
{
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
  gint64 week = 7 * 24 * 3600000;
  char *text;

  /* Six minutes recorded of a week: said, with the time on the same day. */
  text = seye_graph_recorded_since (NOON_ISH - 6 * 60000, NOON_ISH, week, utc);
  g_assert_cmpstr (text, ==, "Recorded since 11:39");
  g_free (text);

  /* Days ago: the date. */
  text = seye_graph_recorded_since (NOON_ISH - 2 * 24 * 3600000, NOON_ISH, week, utc);
  g_assert_cmpstr (text, ==, "Recorded since 3 Dec");
  g_free (text);

  /* The whole range, or near enough: nothing to say. */
  g_assert_null (seye_graph_recorded_since (NOON_ISH - week, NOON_ISH, week, utc));
  g_assert_null (seye_graph_recorded_since (NOON_ISH - week + 60000, NOON_ISH, week, utc));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/seye/graph-math/sparkline", test_sparkline);
  g_test_add_func ("/seye/graph-math/nice-max", test_nice_max);
  g_test_add_func ("/seye/graph-math/time-window", test_time_window);
  g_test_add_func ("/seye/graph-math/scaling", test_scaling);
  g_test_add_func ("/seye/graph-math/core-layout", test_core_layout);
  g_test_add_func ("/seye/graph-math/core-heatmap", test_core_heatmap);
  g_test_add_func ("/seye/graph-math/time-labels", test_time_labels);
  g_test_add_func ("/seye/graph-math/recorded-since", test_recorded_since);

  g_test_add_func ("/seye/graph-math/series", test_series);
  g_test_add_func ("/seye/graph-math/series-gaps", test_series_gaps);

  return g_test_run ();
}
