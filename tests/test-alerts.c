/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "seye-alerts.h"

#define T0 G_GINT64_CONSTANT (1700000000000)

static SeyeSample *
make_sample (gint64 time_ms,
             double cpu,
             double memory_percent)
{
  SeyeSample *sample = seye_sample_new ();

  sample->time_ms = time_ms;
  sample->interval = 1.0;
  sample->parts = SEYE_SAMPLE_CPU | SEYE_SAMPLE_MEMORY;
  sample->cpu.busy = cpu;
  sample->memory.total = 1000;
  sample->memory.used = (guint64) (memory_percent * 10);
  sample->memory.available = sample->memory.total - sample->memory.used;

  return sample;
}

/* Feeds one sample a second from @start_s for @n seconds at @cpu; returns the last result. */
static guint
feed (SeyeAlertState       *state,
      const SeyeAlertRules *rules,
      int                   start_s,
      int                   n,
      double                cpu,
      double                memory)
{
  guint active = 0;

  for (int i = 0; i < n; i++)
    {
      gint64 t = T0 + (gint64) (start_s + i) * 1000;
      g_autoptr (SeyeSample) sample = make_sample (t, cpu, memory);

      active = seye_alert_state_update (state, rules, sample, FALSE, t);
    }

  return active;
}

static void
test_defaults (void)
{
  SeyeAlertRules rules;

  seye_alert_rules_init_defaults (&rules);
  g_assert_cmpfloat (rules.cpu_threshold, ==, 90);
  g_assert_cmpfloat (rules.cpu_hold, ==, 30);
  g_assert_cmpfloat (rules.memory_threshold, ==, 90);
  g_assert_true (rules.offline);
}

static void
test_cpu_hold (void)
{
  SeyeAlertRules rules;
  SeyeAlertState state = { 0 };

  seye_alert_rules_init_defaults (&rules);

  /* Samples at t = 1..29 s each cover the second before: 29 s high, not yet 30. */
  g_assert_cmpuint (feed (&state, &rules, 1, 29, 95, 10), ==, 0);
  g_assert_cmpint (state.cpu_high_since_ms, ==, T0);
  /* The 30th second completes the hold. */
  g_assert_cmpuint (feed (&state, &rules, 30, 1, 95, 10), ==, SEYE_ALERT_CPU);
  g_assert_cmpuint (state.active, ==, SEYE_ALERT_CPU);
}

static void
test_cpu_dip_restarts_hold (void)
{
  SeyeAlertRules rules;
  SeyeAlertState state = { 0 };

  seye_alert_rules_init_defaults (&rules);

  g_assert_cmpuint (feed (&state, &rules, 1, 20, 95, 10), ==, 0);
  /* Just under the threshold (inside the hysteresis band) before the alert started: reset. */
  g_assert_cmpuint (feed (&state, &rules, 21, 1, 88, 10), ==, 0);
  g_assert_cmpint (state.cpu_high_since_ms, ==, 0);
  g_assert_cmpuint (feed (&state, &rules, 22, 29, 95, 10), ==, 0);
  g_assert_cmpuint (feed (&state, &rules, 51, 1, 95, 10), ==, SEYE_ALERT_CPU);
}

static void
test_cpu_hysteresis (void)
{
  SeyeAlertRules rules;
  SeyeAlertState state = { 0 };

  seye_alert_rules_init_defaults (&rules);

  g_assert_cmpuint (feed (&state, &rules, 1, 30, 100, 10), ==, SEYE_ALERT_CPU);
  /* Below the threshold but not below threshold - hysteresis: stays. */
  g_assert_cmpuint (feed (&state, &rules, 31, 10, 90 - SEYE_ALERT_HYSTERESIS + 0.5, 10), ==, SEYE_ALERT_CPU);
  /* Exactly at threshold - hysteresis still holds (clears only below it). */
  g_assert_cmpuint (feed (&state, &rules, 41, 1, 90 - SEYE_ALERT_HYSTERESIS, 10), ==, SEYE_ALERT_CPU);
  g_assert_cmpuint (feed (&state, &rules, 42, 1, 90 - SEYE_ALERT_HYSTERESIS - 0.1, 10), ==, 0);
  g_assert_cmpint (state.cpu_high_since_ms, ==, 0);
  /* Starting again needs the whole hold again. */
  g_assert_cmpuint (feed (&state, &rules, 43, 29, 95, 10), ==, 0);
}

static void
test_cpu_hold_by_clock (void)
{
  SeyeAlertRules rules;
  SeyeAlertState state = { 0 };
  g_autoptr (SeyeSample) sample = make_sample (T0 + 1000, 95, 10);

  seye_alert_rules_init_defaults (&rules);

  g_assert_cmpuint (seye_alert_state_update (&state, &rules, sample, FALSE, T0 + 1000), ==, 0);
  /* No new sample, but time passes: the hold is measured from the first high sample. */
  g_assert_cmpuint (seye_alert_state_update (&state, &rules, NULL, FALSE, T0 + 29000), ==, 0);
  g_assert_cmpuint (seye_alert_state_update (&state, &rules, NULL, FALSE, T0 + 30000), ==, SEYE_ALERT_CPU);
}

static void
test_memory (void)
{
  SeyeAlertRules rules;
  SeyeAlertState state = { 0 };

  seye_alert_rules_init_defaults (&rules);

  g_assert_cmpuint (feed (&state, &rules, 1, 1, 10, 89.9), ==, 0);
  /* No hold: at once. */
  g_assert_cmpuint (feed (&state, &rules, 2, 1, 10, 90), ==, SEYE_ALERT_MEMORY);
  g_assert_cmpuint (feed (&state, &rules, 3, 1, 10, 86), ==, SEYE_ALERT_MEMORY);
  g_assert_cmpuint (feed (&state, &rules, 4, 1, 10, 84.9), ==, 0);
  g_assert_cmpuint (feed (&state, &rules, 5, 1, 10, 89), ==, 0);
}

static void
test_offline (void)
{
  SeyeAlertRules rules;
  SeyeAlertState state = { 0 };

  seye_alert_rules_init_defaults (&rules);

  g_assert_cmpuint (feed (&state, &rules, 1, 1, 10, 95), ==, SEYE_ALERT_MEMORY);
  /* Offline: nothing is known about CPU and memory any more. */
  g_assert_cmpuint (seye_alert_state_update (&state, &rules, NULL, TRUE, T0 + 5000), ==, SEYE_ALERT_OFFLINE);
  g_assert_cmpuint (seye_alert_state_update (&state, &rules, NULL, FALSE, T0 + 6000), ==, 0);

  rules.offline = FALSE;
  g_assert_cmpuint (seye_alert_state_update (&state, &rules, NULL, TRUE, T0 + 7000), ==, 0);
}

static void
test_disabled (void)
{
  SeyeAlertRules rules;
  SeyeAlertState state = { 0 };

  seye_alert_rules_init_defaults (&rules);
  rules.cpu_threshold = 101;
  rules.memory_threshold = 101;

  g_assert_cmpuint (feed (&state, &rules, 1, 60, 100, 100), ==, 0);
}

static void
test_boxed (void)
{
  SeyeAlertRules rules;
  SeyeAlertRules *copy;

  seye_alert_rules_init_defaults (&rules);
  rules.cpu_hold = 5;
  copy = g_boxed_copy (SEYE_TYPE_ALERT_RULES, &rules);
  g_assert_cmpfloat (copy->cpu_hold, ==, 5);
  g_boxed_free (SEYE_TYPE_ALERT_RULES, copy);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/seye/alerts/defaults", test_defaults);
  g_test_add_func ("/seye/alerts/cpu-hold", test_cpu_hold);
  g_test_add_func ("/seye/alerts/cpu-dip-restarts-hold", test_cpu_dip_restarts_hold);
  g_test_add_func ("/seye/alerts/cpu-hysteresis", test_cpu_hysteresis);
  g_test_add_func ("/seye/alerts/cpu-hold-by-clock", test_cpu_hold_by_clock);
  g_test_add_func ("/seye/alerts/memory", test_memory);
  g_test_add_func ("/seye/alerts/offline", test_offline);
  g_test_add_func ("/seye/alerts/disabled", test_disabled);
  g_test_add_func ("/seye/alerts/boxed", test_boxed);

  return g_test_run ();
}
