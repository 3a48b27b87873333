/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-monitor"

#include "config.h"

#include "seye-monitor-private.h"

/* Pairing with a node that wants a token: the monitor's face of its agent
 * source's pairing (seye-agent-source-pairing.c). */

/**
 * seye_monitor_get_pairing:
 *
 * Returns: (nullable): the pairing a token for @node comes from.
 */
const SeyePairing *
seye_monitor_get_pairing (SeyeMonitor *self,
                          SeyeNode    *node)
{
  g_return_val_if_fail (SEYE_IS_MONITOR (self), NULL);
  g_return_val_if_fail (SEYE_IS_NODE (node), NULL);

  return seye_agent_source_get_pairing (self->agents, node);
}

static void
pair_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;
  SeyePairing *pairing;

  pairing = seye_agent_source_pair_finish (SEYE_AGENT_SOURCE (object), result, &error);
  if (pairing == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, pairing, (GDestroyNotify) seye_pairing_free);
}

/**
 * seye_monitor_pair_async:
 * @node: a node polled over HTTPS
 * @fingerprint: the certificate fingerprint the user agreed to (64 hex digits),
 *   normally seye_node_get_tls_fingerprint() as shown to them
 * @token: the node's token (64 hex digits), see seye_token_parse()
 *
 * Tries the token on @node over a new connection, sending it only if the node
 * presents the certificate with @fingerprint. When the node accepts it the
 * pairing is added to the credentials (the node is polled with it at once) and
 * returned, for the caller to keep (the app: in the keyring).
 */
void
seye_monitor_pair_async (SeyeMonitor         *self,
                         SeyeNode            *node,
                         const char          *fingerprint,
                         const char          *token,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (SEYE_IS_MONITOR (self));
  g_return_if_fail (SEYE_IS_NODE (node));
  g_return_if_fail (fingerprint != NULL && token != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, seye_monitor_pair_async);

  seye_agent_source_pair_async (self->agents, node, fingerprint, token, cancellable,
                                pair_cb, g_steal_pointer (&task));
}

/**
 * seye_monitor_pair_finish:
 *
 * Returns: (transfer full) (nullable): the new pairing; %NULL with @error:
 *   SEYE_ERROR_AUTH (wrong token), SEYE_ERROR_CERTIFICATE (another certificate),
 *   SEYE_ERROR_UNAVAILABLE (not reachable), SEYE_ERROR_CONFIG (not HTTPS).
 */
SeyePairing *
seye_monitor_pair_finish (SeyeMonitor   *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (SEYE_IS_MONITOR (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
