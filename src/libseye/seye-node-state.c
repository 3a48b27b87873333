/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-node"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "seye-clock.h"
#include "seye-format.h"
#include "seye-node-private.h"

/* A node's state and alerts in words: the same words in the app, `seye` and --json. */

GType
seye_node_state_get_type (void)
{
  static gsize type_id = 0;

  if (g_once_init_enter (&type_id))
    {
      static const GEnumValue values[] = {
        { SEYE_NODE_STATE_CONNECTING, "SEYE_NODE_STATE_CONNECTING", "connecting" },
        { SEYE_NODE_STATE_ONLINE, "SEYE_NODE_STATE_ONLINE", "online" },
        { SEYE_NODE_STATE_STALE, "SEYE_NODE_STATE_STALE", "stale" },
        { SEYE_NODE_STATE_OFFLINE, "SEYE_NODE_STATE_OFFLINE", "offline" },
        { SEYE_NODE_STATE_INCOMPATIBLE, "SEYE_NODE_STATE_INCOMPATIBLE", "incompatible" },
        { SEYE_NODE_STATE_NEEDS_PAIRING, "SEYE_NODE_STATE_NEEDS_PAIRING", "needs-pairing" },
        { SEYE_NODE_STATE_UNTRUSTED, "SEYE_NODE_STATE_UNTRUSTED", "untrusted" },
        { SEYE_NODE_STATE_NOT_RESPONDING, "SEYE_NODE_STATE_NOT_RESPONDING", "not-responding" },
        { SEYE_NODE_STATE_LEFT, "SEYE_NODE_STATE_LEFT", "left" },
        { 0, NULL, NULL }
      };
      GType type = g_enum_register_static (g_intern_static_string ("SeyeNodeState"), values);

      g_once_init_leave (&type_id, type);
    }

  return type_id;
}

/**
 * seye_node_state_to_string:
 *
 * Returns: the state in words for display, translated: "Online", "Offline", …
 *   (the untranslated nick of %SEYE_TYPE_NODE_STATE is what files and JSON use).
 */
const char *
seye_node_state_to_string (SeyeNodeState state)
{
  switch (state)
    {
    case SEYE_NODE_STATE_CONNECTING:
      return _("Connecting");
    case SEYE_NODE_STATE_ONLINE:
      return _("Online");
    case SEYE_NODE_STATE_STALE:
      /* It missed its last polls: a few seconds before "Offline". */
      return _("Not responding");
    case SEYE_NODE_STATE_OFFLINE:
      return _("Offline");
    case SEYE_NODE_STATE_INCOMPATIBLE:
      return _("Incompatible");
    case SEYE_NODE_STATE_NEEDS_PAIRING:
      return _("Needs pairing");
    case SEYE_NODE_STATE_UNTRUSTED:
      return _("Certificate changed");
    case SEYE_NODE_STATE_NOT_RESPONDING:
      return _("Not responding");
    case SEYE_NODE_STATE_LEFT:
      return _("Left the network");
    default:
      return _("Unknown");
    }
}

/**
 * seye_node_state_get_id:
 *
 * Returns: the untranslated id of @state ("online", "offline", "left", …) that
 *   files and JSON use.
 */
const char *
seye_node_state_get_id (SeyeNodeState state)
{
  GEnumClass *klass = g_type_class_ref (SEYE_TYPE_NODE_STATE);
  GEnumValue *value = g_enum_get_value (klass, state);
  const char *nick = value != NULL ? value->value_nick : "unknown";

  g_type_class_unref (klass);

  return nick;
}

/**
 * seye_node_has_current_values:
 *
 * Returns: whether the node's latest sample is current: it is online (or
 *   missed a poll or two). Otherwise its values are its last ones, to be shown
 *   as such and sorted after every node with current values.
 */
gboolean
seye_node_has_current_values (SeyeNode *self)
{
  SeyeNodeState state;

  g_return_val_if_fail (SEYE_IS_NODE (self), FALSE);

  state = seye_node_get_state (self);

  return seye_node_get_sample (self) != NULL &&
         (state == SEYE_NODE_STATE_ONLINE || state == SEYE_NODE_STATE_STALE);
}

/* "45 s", "4 min", "2 h", "3 d": how long, at a glance. */
static char *
format_age (double seconds)
{
  guint s = seconds > 0 ? (guint) MIN (seconds, (double) G_MAXUINT) : 0;

  if (s < 60)
    return g_strdup_printf (_("%u s"), s);
  if (s < 3600)
    return g_strdup_printf (_("%u min"), s / 60);
  if (s < 2 * 86400)
    return g_strdup_printf (_("%u h"), s / 3600);

  return g_strdup_printf (_("%u d"), s / 86400);
}

/**
 * seye_node_describe_state:
 * @now_ms: the current Unix time in milliseconds (seye_clock_get_real_ms())
 *
 * Returns: the state in words, with how long for the states that are a
 *   problem, when the node was seen answering before: "Online",
 *   "Offline · 4 min", "Left the network · 2 h"; and how often a node polled
 *   in turns gets a sample: "Online · every 3 s".
 */
char *
seye_node_describe_state (SeyeNode *self,
                          gint64    now_ms)
{
  SeyeNodeState state;
  g_autofree char *age = NULL;

  g_return_val_if_fail (SEYE_IS_NODE (self), NULL);

  state = seye_node_get_state (self);
  switch (state)
    {
    case SEYE_NODE_STATE_OFFLINE:
    case SEYE_NODE_STATE_LEFT:
    case SEYE_NODE_STATE_NOT_RESPONDING:
      /* Since when it is known only of a node seen answering. */
      if (seye_node_get_last_seen (self) == 0)
        return g_strdup (seye_node_state_to_string (state));
      age = format_age ((now_ms - seye_node_get_state_since (self)) / 1000.0);
      return g_strdup_printf ("%s · %s", seye_node_state_to_string (state), age);
    case SEYE_NODE_STATE_ONLINE:
      /* Polled in turns: it says how seldom, not just "Online". */
      if (seye_node_get_polled_every (self) > 0)
        {
          guint every = (guint) MIN (ceil (seye_node_get_polled_every (self)), (double) G_MAXUINT);

          /* TRANSLATORS: a node that gets a sample less often than asked, because this
           * program may not hold a connection per node, e.g. "Online · every 3 s" */
          return g_strdup_printf (_("%s · every %u s"), seye_node_state_to_string (state), every);
        }
      return g_strdup (seye_node_state_to_string (state));
    default:
      return g_strdup (seye_node_state_to_string (state));
    }
}

/**
 * seye_node_describe_alert:
 *
 * Returns: (nullable): why @kind alerts, with its value: "Memory 96 %",
 *   "Disk /var 97 %", "Load 2.4/core"; %NULL when that alert is not active.
 */
char *
seye_node_describe_alert (SeyeNode      *self,
                          SeyeAlertKind  kind)
{
  g_return_val_if_fail (SEYE_IS_NODE (self), NULL);

  if ((seye_node_get_active_alerts (self) & kind) == 0)
    return NULL;

  return seye_alert_state_describe (_seye_node_get_alert_state (self), kind);
}

/* The order reasons are named in: what is most often the cause first. */
static const SeyeAlertKind reason_order[] = {
  SEYE_ALERT_FILESYSTEM, SEYE_ALERT_MEMORY, SEYE_ALERT_CPU, SEYE_ALERT_SWAP, SEYE_ALERT_LOAD,
};

/**
 * seye_node_describe_alerts:
 *
 * The reasons beside the state: the first active alert (not acknowledged ones
 * first) and how many more: "Memory 96 %", "CPU 97 % · 2 more". Offline is
 * not named: the state says it.
 *
 * Returns: (nullable): the reasons, or %NULL when no alert but offline is active.
 */
char *
seye_node_describe_alerts (SeyeNode *self)
{
  guint active, acknowledged, n = 0;
  SeyeAlertKind first = 0;

  g_return_val_if_fail (SEYE_IS_NODE (self), NULL);

  active = seye_node_get_active_alerts (self) & ~SEYE_ALERT_OFFLINE;
  acknowledged = seye_node_get_acknowledged_alerts (self);

  for (guint pass = 0; pass < 2; pass++)
    for (guint i = 0; i < G_N_ELEMENTS (reason_order); i++)
      {
        SeyeAlertKind kind = reason_order[i];
        gboolean acked = (acknowledged & kind) != 0;

        if ((active & kind) == 0 || acked != (pass == 1))
          continue;
        if (first == 0)
          first = kind;
        n++;
      }

  if (first == 0)
    return NULL;
  else
    {
      g_autofree char *reason = seye_node_describe_alert (self, first);

      if (n == 1)
        return g_steal_pointer (&reason);

      /* TRANSLATORS: the first reason of an alert, and how many more, e.g. "CPU 97 % · 2 more" */
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s · %u more", "%s · %u more", n - 1),
                              reason, n - 1);
    }
}
