/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-alerts"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "seye-alerts.h"
#include "seye-format.h"
#include "seye-sanitize.h"

/* The evaluator of one node: which rules hold, with the values they saw. */

static int
bit_index (SeyeAlertKind kind)
{
  return g_bit_nth_lsf (kind, -1);
}

/* A rule with a hold time (CPU, load): on once @value stayed at or above
 * @threshold for @hold seconds, measured in sample time from the first high
 * sample's interval start so that replayed history counts the same; off once
 * it falls below @threshold - @hysteresis. A dip before the alert started
 * restarts the hold. */
static gboolean
update_held (gboolean          active,
             gint64           *high_since_ms,
             const SeyeSample *sample,
             double            value,
             double            threshold,
             double            hysteresis,
             double            hold,
             gint64            now_ms)
{
  if (sample != NULL && value >= 0)
    {
      if (value >= threshold)
        {
          if (*high_since_ms == 0)
            *high_since_ms = MAX (1, sample->time_ms - (gint64) (sample->interval * 1000));
          now_ms = sample->time_ms;
        }
      else if (active && value >= threshold - hysteresis)
        {
          return TRUE;   /* inside the hysteresis band: an active alert stays on */
        }
      else
        {
          *high_since_ms = 0;
          return FALSE;
        }
    }

  if (*high_since_ms == 0)
    return FALSE;

  return active || now_ms - *high_since_ms >= (gint64) (hold * 1000);
}

/* A rule without hold (memory, swap, filesystem): on at the threshold, off
 * below threshold - hysteresis. */
static gboolean
update_level (gboolean active,
              double   value,
              double   threshold)
{
  if (value >= threshold)
    return TRUE;

  return active && value >= threshold - SEYE_ALERT_HYSTERESIS;
}

static guint
update_cpu (SeyeAlertState       *state,
            const SeyeAlertRules *rules,
            const SeyeSample     *sample,
            gint64                now_ms)
{
  gboolean active = (state->active & SEYE_ALERT_CPU) != 0;
  gboolean fresh = sample != NULL && (sample->parts & SEYE_SAMPLE_CPU) != 0;

  if (!seye_alert_rules_is_on (rules, SEYE_ALERT_CPU))
    {
      state->cpu_high_since_ms = 0;
      return 0;
    }

  if (fresh)
    state->values[bit_index (SEYE_ALERT_CPU)] = sample->cpu.busy;

  return update_held (active, &state->cpu_high_since_ms, fresh ? sample : NULL,
                      fresh ? sample->cpu.busy : -1, rules->cpu_threshold,
                      SEYE_ALERT_HYSTERESIS, rules->cpu_hold, now_ms) ? SEYE_ALERT_CPU : 0;
}

static guint
update_load (SeyeAlertState       *state,
             const SeyeAlertRules *rules,
             const SeyeSample     *sample,
             gint64                now_ms)
{
  gboolean active = (state->active & SEYE_ALERT_LOAD) != 0;
  guint cores = sample != NULL && sample->cores != NULL ? sample->cores->len : 0;
  gboolean fresh = sample != NULL && (sample->parts & SEYE_SAMPLE_LOAD) != 0 && cores > 0;
  double per_core = fresh ? sample->load[0] / cores : -1;

  if (!seye_alert_rules_is_on (rules, SEYE_ALERT_LOAD))
    {
      state->load_high_since_ms = 0;
      return 0;
    }

  if (fresh)
    state->values[bit_index (SEYE_ALERT_LOAD)] = per_core;

  return update_held (active, &state->load_high_since_ms, fresh ? sample : NULL, per_core,
                      rules->load_threshold, SEYE_ALERT_LOAD_HYSTERESIS, rules->load_hold,
                      now_ms) ? SEYE_ALERT_LOAD : 0;
}

static guint
update_memory (SeyeAlertState       *state,
               const SeyeAlertRules *rules,
               const SeyeSample     *sample)
{
  gboolean active = (state->active & SEYE_ALERT_MEMORY) != 0;
  guint result = 0;

  if (seye_alert_rules_is_on (rules, SEYE_ALERT_MEMORY))
    {
      if (sample == NULL || (sample->parts & SEYE_SAMPLE_MEMORY) == 0)
        result |= state->active & SEYE_ALERT_MEMORY;
      else
        {
          double percent = seye_sample_get_memory_percent (sample);

          state->values[bit_index (SEYE_ALERT_MEMORY)] = percent;
          if (update_level (active, percent, rules->memory_threshold))
            result |= SEYE_ALERT_MEMORY;
        }
    }

  active = (state->active & SEYE_ALERT_SWAP) != 0;
  if (seye_alert_rules_is_on (rules, SEYE_ALERT_SWAP))
    {
      if (sample == NULL || (sample->parts & SEYE_SAMPLE_MEMORY) == 0)
        result |= state->active & SEYE_ALERT_SWAP;
      else if (sample->memory.swap_total > 0)
        {
          double percent = seye_sample_get_swap_percent (sample);

          state->values[bit_index (SEYE_ALERT_SWAP)] = percent;
          if (update_level (active, percent, rules->swap_threshold))
            result |= SEYE_ALERT_SWAP;
        }
    }

  return result;
}

static guint
update_filesystem (SeyeAlertState       *state,
                   const SeyeAlertRules *rules,
                   const SeyeSample     *sample)
{
  gboolean active = (state->active & SEYE_ALERT_FILESYSTEM) != 0;
  const SeyeFilesystem *fullest;
  double percent;

  if (!seye_alert_rules_is_on (rules, SEYE_ALERT_FILESYSTEM))
    return 0;

  if (sample == NULL || (sample->parts & SEYE_SAMPLE_FILESYSTEMS) == 0)
    return state->active & SEYE_ALERT_FILESYSTEM;

  fullest = seye_alert_fullest_filesystem (sample, rules);
  if (fullest == NULL)
    return 0;

  percent = seye_alert_filesystem_percent (fullest);
  state->values[bit_index (SEYE_ALERT_FILESYSTEM)] = percent;
  g_strlcpy (state->filesystem, fullest->mount_point, sizeof state->filesystem);

  return update_level (active, percent, rules->filesystem_threshold) ? SEYE_ALERT_FILESYSTEM : 0;
}

/**
 * seye_alert_state_update:
 * @state: the node's evaluator, zero-initialised at first
 * @sample: (nullable): a new sample, or %NULL when only time passed or the state changed
 * @offline: whether the node is offline now
 * @now_ms: the current Unix time in milliseconds
 *
 * CPU and load: start when the value stays at or above the threshold for the
 * hold time, clear once it falls below the threshold minus the hysteresis.
 * Memory, swap and filesystems: start at the threshold, clear below threshold
 * minus %SEYE_ALERT_HYSTERESIS. Offline: on while @offline when the rule is on.
 * An offline node has no other alert: nothing current is known about it.
 * An acknowledgement lasts as long as its alert.
 *
 * Returns: the set of active #SeyeAlertKind flags, also stored in @state.
 */
guint
seye_alert_state_update (SeyeAlertState       *state,
                         const SeyeAlertRules *rules,
                         const SeyeSample     *sample,
                         gboolean              offline,
                         gint64                now_ms)
{
  guint active = 0;

  g_return_val_if_fail (state != NULL, 0);
  g_return_val_if_fail (rules != NULL, 0);

  if (offline)
    {
      state->cpu_high_since_ms = 0;
      state->load_high_since_ms = 0;
      if (rules->offline)
        active |= SEYE_ALERT_OFFLINE;
    }
  else
    {
      active |= update_cpu (state, rules, sample, now_ms);
      active |= update_load (state, rules, sample, now_ms);
      active |= update_memory (state, rules, sample);
      active |= update_filesystem (state, rules, sample);
    }

  state->active = active;
  state->acknowledged &= active;

  return active;
}

double
seye_alert_state_get_value (const SeyeAlertState *state,
                            SeyeAlertKind         kind)
{
  int i = bit_index (kind);

  if (i < 0 || i >= SEYE_ALERT_N_KINDS)
    return -1;

  return state->values[i];
}

char *
seye_alert_state_describe (const SeyeAlertState *state,
                           SeyeAlertKind         kind)
{
  double value = seye_alert_state_get_value (state, kind);
  g_autofree char *percent = seye_format_percent (value);

  switch (kind)
    {
    case SEYE_ALERT_OFFLINE:
      return g_strdup (_("Offline"));
    case SEYE_ALERT_FILESYSTEM:
      {
        g_autofree char *mount = seye_sanitize_display (state->filesystem);

        /* TRANSLATORS: a full filesystem, e.g. "Disk /var 97 %" */
        return g_strdup_printf (_("Disk %s %s"), mount, percent);
      }
    case SEYE_ALERT_LOAD:
      /* TRANSLATORS: the one-minute load average per core, e.g. "Load 2.4/core" */
      return g_strdup_printf (_("Load %.1f/core"), value);
    default:
      return g_strdup_printf ("%s %s", seye_alert_kind_get_title (kind), percent);
    }
}
