/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-node"

#include "config.h"

#include "seye-node-private.h"

/* A node's alerts: the evaluator's state, acknowledgements, and the rules it is judged by. */

static void
notify_alerts (SeyeNode             *self,
               const SeyeAlertState *old)
{
  gboolean was_alerting = (old->active & ~old->acknowledged) != 0;

  g_object_freeze_notify (G_OBJECT (self));
  if (old->active != self->alerts.active)
    g_object_notify (G_OBJECT (self), "active-alerts");
  if (old->acknowledged != self->alerts.acknowledged)
    g_object_notify (G_OBJECT (self), "acknowledged-alerts");
  if (was_alerting != seye_node_get_alerting (self))
    g_object_notify (G_OBJECT (self), "alerting");
  g_object_thaw_notify (G_OBJECT (self));
}

/*
 * _seye_node_update_alerts:
 * @rules: the node's effective rules (kept by the node)
 * @sample: (nullable): a new sample, or %NULL when the state or the rules changed
 *
 * Runs the node's alert evaluator (seye_alert_state_update()) and publishes
 * the new set of alerts.
 *
 * Returns: the alerts that started or cleared.
 */
guint
_seye_node_update_alerts (SeyeNode             *self,
                          const SeyeAlertRules *rules,
                          SeyeSample           *sample,
                          gint64                now_ms)
{
  SeyeAlertState old = self->alerts;

  if (!seye_alert_rules_equal (rules, &self->rules))
    seye_alert_rules_copy_to (rules, &self->rules);
  if (self->state == SEYE_NODE_STATE_LEFT)
    {
      /* It said goodbye: nothing is wrong with it, and nothing is known of it. */
      self->alerts.active = self->alerts.acknowledged = 0;
      self->alerts.cpu_high_since_ms = self->alerts.load_high_since_ms = 0;
    }
  else
    {
      seye_alert_state_update (&self->alerts, rules, sample,
                               self->state == SEYE_NODE_STATE_OFFLINE, now_ms);
    }
  notify_alerts (self, &old);

  return old.active ^ self->alerts.active;
}

/* Marks @kinds of the active alerts acknowledged; returns the ones that were not yet. */
guint
_seye_node_acknowledge_alerts (SeyeNode *self,
                               guint     kinds)
{
  SeyeAlertState old = self->alerts;

  self->alerts.acknowledged |= kinds & self->alerts.active;
  notify_alerts (self, &old);

  return self->alerts.acknowledged & ~old.acknowledged;
}

void
_seye_node_set_alerts (SeyeNode *self,
                       guint     active)
{
  SeyeAlertState old = self->alerts;

  self->alerts.active = active;
  self->alerts.acknowledged &= active;
  notify_alerts (self, &old);
}

const SeyeAlertState *
_seye_node_get_alert_state (SeyeNode *self)
{
  return &self->alerts;
}

/**
 * seye_node_get_acknowledged_alerts:
 *
 * Returns: the active alerts (#SeyeAlertKind) a user acknowledged.
 */
guint
seye_node_get_acknowledged_alerts (SeyeNode *self)
{
  g_return_val_if_fail (SEYE_IS_NODE (self), 0);

  return self->alerts.acknowledged;
}

/**
 * seye_node_get_alert_rules:
 *
 * Returns: the rules the node is judged by: the defaults with its overrides.
 */
const SeyeAlertRules *
seye_node_get_alert_rules (SeyeNode *self)
{
  g_return_val_if_fail (SEYE_IS_NODE (self), NULL);

  return &self->rules;
}

gint64
seye_node_get_state_since (SeyeNode *self)
{
  g_return_val_if_fail (SEYE_IS_NODE (self), 0);

  return self->state_since;
}

/**
 * seye_node_get_details:
 *
 * Returns: (nullable): the latest sample with every list (filesystems, network
 *   interfaces, disks): streams send them every few samples, the others only
 *   the totals. %NULL before the first.
 */
SeyeSample *
seye_node_get_details (SeyeNode *self)
{
  g_return_val_if_fail (SEYE_IS_NODE (self), NULL);

  return self->details;
}

gboolean
seye_node_get_alerting (SeyeNode *self)
{
  g_return_val_if_fail (SEYE_IS_NODE (self), FALSE);

  return (self->alerts.active & ~self->alerts.acknowledged) != 0;
}
