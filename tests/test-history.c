/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "seye-history.h"

static SeyeSample *
sample_at (gint64 time_ms)
{
  SeyeSample *sample = seye_sample_new ();

  sample->time_ms = time_ms;

  return sample;
}

static void
push_new (SeyeHistory *history,
          gint64       time_ms)
{
  g_autoptr (SeyeSample) sample = sample_at (time_ms);

  g_assert_true (seye_history_push (history, sample));
}

static void
test_ring (void)
{
  g_autoptr (SeyeHistory) history = seye_history_new (3);

  g_assert_cmpuint (seye_history_get_length (history), ==, 0);
  g_assert_null (seye_history_get_latest (history));
  g_assert_null (seye_history_get (history, 0));

  for (gint64 t = 1; t <= 5; t++)
    push_new (history, t * 1000);

  /* Full ring: the oldest two were dropped. */
  g_assert_cmpuint (seye_history_get_length (history), ==, 3);
  g_assert_cmpint (seye_history_get (history, 0)->time_ms, ==, 3000);
  g_assert_cmpint (seye_history_get (history, 2)->time_ms, ==, 5000);
  g_assert_cmpint (seye_history_get_latest (history)->time_ms, ==, 5000);
  g_assert_null (seye_history_get (history, 3));
}

static void
test_refuses_old (void)
{
  g_autoptr (SeyeHistory) history = seye_history_new (10);
  g_autoptr (SeyeSample) same = sample_at (2000);
  g_autoptr (SeyeSample) older = sample_at (1000);

  push_new (history, 2000);
  g_assert_false (seye_history_push (history, same));
  g_assert_false (seye_history_push (history, older));
  g_assert_cmpuint (seye_history_get_length (history), ==, 1);
}

static void
test_find_after (void)
{
  g_autoptr (SeyeHistory) history = seye_history_new (4);

  for (gint64 t = 1; t <= 6; t++)
    push_new (history, t * 1000);     /* keeps 3000..6000 */

  g_assert_cmpuint (seye_history_find_after (history, 0), ==, 0);
  g_assert_cmpuint (seye_history_find_after (history, 2999), ==, 0);
  g_assert_cmpuint (seye_history_find_after (history, 3000), ==, 1);
  g_assert_cmpuint (seye_history_find_after (history, 4500), ==, 2);
  g_assert_cmpuint (seye_history_find_after (history, 6000), ==, 4);
  g_assert_cmpuint (seye_history_find_after (history, G_MAXINT64), ==, 4);
}

static void
test_capacity (void)
{
  g_autoptr (SeyeHistory) history = seye_history_new (5);

  for (gint64 t = 1; t <= 7; t++)
    push_new (history, t);            /* keeps 3..7, wrapped */

  seye_history_set_capacity (history, 2);
  g_assert_cmpuint (seye_history_get_length (history), ==, 2);
  g_assert_cmpint (seye_history_get (history, 0)->time_ms, ==, 6);
  g_assert_cmpint (seye_history_get (history, 1)->time_ms, ==, 7);

  seye_history_set_capacity (history, 10);
  push_new (history, 8);
  g_assert_cmpuint (seye_history_get_length (history), ==, 3);
  g_assert_cmpint (seye_history_get (history, 0)->time_ms, ==, 6);
  g_assert_cmpint (seye_history_get_latest (history)->time_ms, ==, 8);

  seye_history_clear (history);
  g_assert_cmpuint (seye_history_get_length (history), ==, 0);
  push_new (history, 1);
  g_assert_cmpuint (seye_history_get_length (history), ==, 1);
}

static void
test_holds_references (void)
{
  g_autoptr (SeyeHistory) history = seye_history_new (1);
  SeyeSample *kept = sample_at (1);

  g_assert_true (seye_history_push (history, kept));
  push_new (history, 2);
  /* Dropped from the ring, still ours. */
  g_assert_cmpint (kept->time_ms, ==, 1);
  seye_sample_unref (kept);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/seye/history/ring", test_ring);
  g_test_add_func ("/seye/history/refuses-old", test_refuses_old);
  g_test_add_func ("/seye/history/find-after", test_find_after);
  g_test_add_func ("/seye/history/capacity", test_capacity);
  g_test_add_func ("/seye/history/holds-references", test_holds_references);

  return g_test_run ();
}
