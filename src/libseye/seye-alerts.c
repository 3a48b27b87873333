/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-alerts"

#include "config.h"

#include "seye-alerts.h"

G_DEFINE_BOXED_TYPE (SeyeAlertRules, seye_alert_rules, seye_alert_rules_copy, seye_alert_rules_free)

SeyeAlertRules *
seye_alert_rules_copy (const SeyeAlertRules *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_memdup2 (self, sizeof *self);
}

void
seye_alert_rules_free (SeyeAlertRules *self)
{
  g_free (self);
}

/**
 * seye_alert_rules_init_defaults:
 *
 * Fills @self with the defaults the app and the CLI share: CPU busy at least
 * 90 % for 30 s, memory used at least 90 %, and an alert when a node goes
 * offline. A threshold above 100 turns its rule off.
 */
void
seye_alert_rules_init_defaults (SeyeAlertRules *self)
{
  g_return_if_fail (self != NULL);

  self->cpu_threshold = SEYE_ALERT_DEFAULT_CPU_THRESHOLD;
  self->cpu_hold = SEYE_ALERT_DEFAULT_CPU_HOLD;
  self->memory_threshold = SEYE_ALERT_DEFAULT_MEMORY_THRESHOLD;
  self->offline = TRUE;
}

static guint
update_cpu (SeyeAlertState       *state,
            const SeyeAlertRules *rules,
            const SeyeSample     *sample,
            gint64                now_ms)
{
  gboolean active = (state->active & SEYE_ALERT_CPU) != 0;

  if (rules->cpu_threshold > 100)
    {
      state->cpu_high_since_ms = 0;
      return 0;
    }

  if (sample != NULL && (sample->parts & SEYE_SAMPLE_CPU) != 0)
    {
      double busy = sample->cpu.busy;

      if (busy >= rules->cpu_threshold)
        {
          /* Measure the hold in sample time, so replayed history counts the same. */
          if (state->cpu_high_since_ms == 0)
            state->cpu_high_since_ms = MAX (1, sample->time_ms - (gint64) (sample->interval * 1000));
          now_ms = sample->time_ms;
        }
      else if (active && busy >= rules->cpu_threshold - SEYE_ALERT_HYSTERESIS)
        {
          /* Inside the hysteresis band: an active alert stays on. */
          return SEYE_ALERT_CPU;
        }
      else
        {
          state->cpu_high_since_ms = 0;
          return 0;
        }
    }

  if (state->cpu_high_since_ms == 0)
    return 0;

  if (active || now_ms - state->cpu_high_since_ms >= (gint64) (rules->cpu_hold * 1000))
    return SEYE_ALERT_CPU;

  return 0;
}

static guint
update_memory (SeyeAlertState       *state,
               const SeyeAlertRules *rules,
               const SeyeSample     *sample)
{
  gboolean active = (state->active & SEYE_ALERT_MEMORY) != 0;
  double percent;

  if (rules->memory_threshold > 100)
    return 0;

  if (sample == NULL || (sample->parts & SEYE_SAMPLE_MEMORY) == 0)
    return state->active & SEYE_ALERT_MEMORY;

  percent = seye_sample_get_memory_percent (sample);

  if (percent >= rules->memory_threshold)
    return SEYE_ALERT_MEMORY;

  if (active && percent >= rules->memory_threshold - SEYE_ALERT_HYSTERESIS)
    return SEYE_ALERT_MEMORY;

  return 0;
}

/**
 * seye_alert_state_update:
 * @state: the node's evaluator, zero-initialised at first
 * @sample: (nullable): a new sample, or %NULL when only time passed or the state changed
 * @offline: whether the node is offline now
 * @now_ms: the current Unix time in milliseconds
 *
 * CPU: starts when busy stays at or above the threshold for the hold time
 * (measured from the first high sample's interval start), and clears once busy
 * falls below the threshold minus %SEYE_ALERT_HYSTERESIS. A dip below the
 * threshold before the alert started restarts the hold.
 * Memory: starts at the threshold, clears below threshold minus the hysteresis.
 * Offline: on while @offline when the rule is on. An offline node has no CPU or
 * memory alert: nothing is known about it.
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
      if (rules->offline)
        active |= SEYE_ALERT_OFFLINE;
    }
  else
    {
      active |= update_cpu (state, rules, sample, now_ms);
      active |= update_memory (state, rules, sample);
    }

  state->active = active;

  return active;
}
