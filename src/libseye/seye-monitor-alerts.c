/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-monitor"

#include "config.h"

#include "seye-monitor-private.h"

/* The monitor's alerts: the default rules, each node's overrides, and
 * acknowledgements. The evaluation itself is seye-alert-state.c's. */

/* The rules @node is judged by: the defaults, or a copy of them in @own with the
 * node's overrides (by node id) applied. Most nodes have none: no copy then, on
 * the path every sample takes. */
static const SeyeAlertRules *
node_rules (SeyeMonitor    *self,
            SeyeNode       *node,
            SeyeAlertRules *own)
{
  const SeyeNodeInfo *info = seye_node_get_info (node);
  g_autoptr (GVariant) overrides = NULL;

  if (self->overrides != NULL && info != NULL && info->node_id != NULL)
    overrides = g_variant_lookup_value (self->overrides, info->node_id, G_VARIANT_TYPE ("a{sd}"));
  if (overrides == NULL)
    return &self->rules;

  seye_alert_rules_copy_to (&self->rules, own);
  seye_alert_rules_apply_overrides (own, overrides);

  return own;
}

void
_seye_monitor_update_alerts (SeyeMonitor *self,
                             SeyeNode    *node,
                             SeyeSample  *sample)
{
  g_auto (SeyeAlertRules) own = { 0 };
  const SeyeAlertRules *rules = node_rules (self, node, &own);
  guint changed, active;

  changed = _seye_node_update_alerts (node, rules, sample, g_get_real_time () / 1000);
  active = seye_node_get_active_alerts (node);

  for (guint bit = 1; changed != 0; bit <<= 1)
    {
      if ((changed & bit) == 0)
        continue;
      changed &= ~bit;
      g_signal_emit_by_name (self, "alert", node, bit, (active & bit) != 0);
    }
}

static void
update_all (SeyeMonitor *self)
{
  for (guint i = 0; i < self->nodes->len; i++)
    {
      SeyeNode *node = self->nodes->pdata[i];

      _seye_monitor_update_alerts (self, node, seye_node_get_sample (node));
    }
}

/**
 * seye_monitor_set_alert_rules:
 *
 * The rules every node is judged by, unless its overrides say otherwise.
 */
void
seye_monitor_set_alert_rules (SeyeMonitor          *self,
                              const SeyeAlertRules *rules)
{
  g_return_if_fail (SEYE_IS_MONITOR (self));
  g_return_if_fail (rules != NULL);

  if (seye_alert_rules_equal (&self->rules, rules))
    return;

  seye_alert_rules_copy_to (rules, &self->rules);
  update_all (self);

  g_object_notify (G_OBJECT (self), "alert-rules");
}

/**
 * seye_monitor_set_node_overrides:
 * @overrides: (nullable): a{sa{sd}}: node id → rule id ("cpu", "memory",
 *   "swap", "filesystem", "load", "offline") → threshold; a negative threshold
 *   turns the rule off for that node (GSettings "node-alert-overrides").
 *
 * Rules that differ per node, kept by node id so they follow a machine
 * whatever its address.
 */
void
seye_monitor_set_node_overrides (SeyeMonitor *self,
                                 GVariant    *overrides)
{
  g_return_if_fail (SEYE_IS_MONITOR (self));

  if (overrides != NULL && !g_variant_is_of_type (overrides, G_VARIANT_TYPE ("a{sa{sd}}")))
    {
      g_warning ("alert overrides of type %s ignored: a{sa{sd}} expected",
                 g_variant_get_type_string (overrides));
      return;
    }

  if (self->overrides == overrides ||
      (self->overrides != NULL && overrides != NULL && g_variant_equal (self->overrides, overrides)))
    return;

  g_clear_pointer (&self->overrides, g_variant_unref);
  if (overrides != NULL)
    self->overrides = g_variant_ref_sink (overrides);

  update_all (self);
}

/**
 * seye_monitor_acknowledge_alerts:
 * @kinds: the #SeyeAlertKind set to acknowledge (%SEYE_ALERT_ALL: every active one)
 *
 * Acknowledges @node's active alerts of @kinds until they clear: they stay
 * shown, but the node no longer counts as alerting. Emits
 * "alert-acknowledged" once for each alert acknowledged now.
 */
void
seye_monitor_acknowledge_alerts (SeyeMonitor *self,
                                 SeyeNode    *node,
                                 guint        kinds)
{
  guint acknowledged;

  g_return_if_fail (SEYE_IS_MONITOR (self));
  g_return_if_fail (SEYE_IS_NODE (node));

  acknowledged = _seye_node_acknowledge_alerts (node, kinds);

  for (guint bit = 1; acknowledged != 0; bit <<= 1)
    {
      if ((acknowledged & bit) == 0)
        continue;
      acknowledged &= ~bit;
      g_signal_emit_by_name (self, "alert-acknowledged", node, bit);
    }
}
