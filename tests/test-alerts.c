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

/* Swap in use, filesystems (with what is never watched), load per core with its hold. */
static SeyeSample *
make_full_sample (gint64      time_ms,
                  double      swap_percent,
                  const char *mount_point,
                  const char *fs_type,
                  double      fs_percent,
                  double      load1,
                  guint       cores)
{
  SeyeSample *sample = make_sample (time_ms, 10, 10);
  SeyeFilesystem fs = { 0 };

  sample->parts |= SEYE_SAMPLE_LOAD | SEYE_SAMPLE_FILESYSTEMS;
  sample->memory.swap_total = 1000;
  sample->memory.swap_used = (guint64) (swap_percent * 10);
  sample->load[0] = load1;
  g_array_set_size (sample->cores, cores);
  fs.mount_point = g_strdup (mount_point);
  fs.fs_type = g_strdup (fs_type);
  fs.device = g_strdup ("/dev/sdb1");
  fs.size_bytes = 1000;
  fs.used_bytes = (guint64) (fs_percent * 10);
  fs.avail_bytes = fs.size_bytes - fs.used_bytes;
  g_array_append_val (sample->filesystems, fs);

  return sample;
}

static void
test_new_rules (void)
{
  g_auto (SeyeAlertRules) rules = { 0 };
  SeyeAlertState state = { 0 };
  guint active = 0;

  seye_alert_rules_init_defaults (&rules);
  g_assert_cmpfloat (rules.swap_threshold, ==, 80);
  g_assert_cmpfloat (rules.filesystem_threshold, ==, 90);
  g_assert_cmpfloat (rules.load_threshold, ==, 2);
  g_assert_cmpfloat (rules.load_hold, ==, 300);

  /* Swap at 85 %, /data 97 % full, load 9 on 4 cores (2.25 per core) for a minute. */
  for (int i = 0; i < 60; i++)
    {
      gint64 t = T0 + i * 1000;
      g_autoptr (SeyeSample) sample = make_full_sample (t, 85, "/data", "ext4", 97, 9, 4);

      active = seye_alert_state_update (&state, &rules, sample, FALSE, t);
    }
  g_assert_cmpuint (active, ==, SEYE_ALERT_SWAP | SEYE_ALERT_FILESYSTEM);
  {
    g_autofree char *disk = seye_alert_state_describe (&state, SEYE_ALERT_FILESYSTEM);
    g_autofree char *swap = seye_alert_state_describe (&state, SEYE_ALERT_SWAP);

    g_assert_cmpstr (disk, ==, "Disk /data 97 %");
    g_assert_cmpstr (swap, ==, "Swap 85 %");
  }

  /* Load alerts once it lasted five minutes. */
  for (int i = 60; i < 301; i++)
    {
      gint64 t = T0 + i * 1000;
      g_autoptr (SeyeSample) sample = make_full_sample (t, 85, "/data", "ext4", 97, 9, 4);

      active = seye_alert_state_update (&state, &rules, sample, FALSE, t);
    }
  g_assert_true (active & SEYE_ALERT_LOAD);
  {
    g_autofree char *load = seye_alert_state_describe (&state, SEYE_ALERT_LOAD);

    g_assert_cmpstr (load, ==, "Load 2.2/core");
  }

  /* Ignored mount points and read-only images never alert. */
  {
    SeyeAlertState other = { 0 };
    g_autoptr (SeyeSample) snap = make_full_sample (T0, 0, "/snap/core/1", "squashfs", 100, 0, 4);
    g_autoptr (SeyeSample) efi = make_full_sample (T0, 0, "/boot/efi", "vfat", 99, 0, 4);

    g_assert_cmpuint (seye_alert_state_update (&other, &rules, snap, FALSE, T0), ==, 0);
    g_assert_cmpuint (seye_alert_state_update (&other, &rules, efi, FALSE, T0), ==, SEYE_ALERT_FILESYSTEM);
    rules.filesystem_ignore = g_strsplit ("/boot/*", ",", -1);
    g_assert_cmpuint (seye_alert_state_update (&other, &rules, efi, FALSE, T0), ==, 0);
  }
}

/* Per-node overrides: a threshold of its own, or a rule off. */
static void
test_overrides (void)
{
  g_auto (SeyeAlertRules) rules = { 0 };
  g_autoptr (GVariant) overrides = g_variant_ref_sink (g_variant_new_parsed ("{'cpu': 99.0, 'memory': -1.0, 'nonsense': 5.0}"));

  seye_alert_rules_init_defaults (&rules);
  seye_alert_rules_apply_overrides (&rules, overrides);
  g_assert_cmpfloat (rules.cpu_threshold, ==, 99);
  g_assert_false (seye_alert_rules_is_on (&rules, SEYE_ALERT_MEMORY));
  g_assert_true (seye_alert_rules_is_on (&rules, SEYE_ALERT_SWAP));

  /* Levels colour cells: near is a warning, at the threshold an error. */
  g_assert_cmpint (seye_alert_rules_get_level (&rules, SEYE_ALERT_CPU, 98), ==, SEYE_ALERT_LEVEL_WARNING);
  g_assert_cmpint (seye_alert_rules_get_level (&rules, SEYE_ALERT_CPU, 99), ==, SEYE_ALERT_LEVEL_ERROR);
  g_assert_cmpint (seye_alert_rules_get_level (&rules, SEYE_ALERT_CPU, 50), ==, SEYE_ALERT_LEVEL_NORMAL);
  g_assert_cmpint (seye_alert_rules_get_level (&rules, SEYE_ALERT_MEMORY, 100), ==, SEYE_ALERT_LEVEL_NORMAL);

  /* Ids round-trip. */
  for (guint bit = 1; bit <= SEYE_ALERT_ALL; bit <<= 1)
    {
      SeyeAlertKind kind = 0;

      g_assert_true (seye_alert_kind_from_id (seye_alert_kind_get_id (bit), &kind));
      g_assert_cmpuint (kind, ==, bit);
    }
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
  g_test_add_func ("/seye/alerts/new-rules", test_new_rules);
  g_test_add_func ("/seye/alerts/overrides", test_overrides);

  return g_test_run ();
}
