/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-agent-source"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "seye-agent-source-private.h"
#include "seye-error.h"

/* Credentials -------------------------------------------------------------- */

/* The pairing a token for @node would come from: by its id, or by the address
 * it was added at before its id was known. */
const SeyePairing *
_seye_agent_source_find_pairing (SeyeAgentSource *self,
                                 SeyeNode        *node)
{
  const SeyePairing *pairing;

  pairing = seye_credentials_lookup (self->credentials, seye_node_get_key (node));
  if (pairing == NULL && seye_node_get_info (node) != NULL)
    pairing = seye_credentials_lookup (self->credentials, seye_node_get_info (node)->node_id);
  if (pairing == NULL && seye_node_get_address (node) != NULL)
    pairing = seye_credentials_lookup (self->credentials, seye_node_get_address (node));

  return pairing;
}

/* A pairing came or went: the nodes it concerns are asked again at once, with
 * or without the token. */
void
_seye_agent_source_credentials_changed_cb (SeyeAgentSource *self,
                                           const char      *node_id)
{
  for (guint i = 0; i < self->peers->len; i++)
    {
      SeyeAgentPeer *peer = self->peers->pdata[i];
      SeyeNode *node = peer->node;
      gboolean concerned;

      concerned = g_strcmp0 (seye_node_get_key (node), node_id) == 0 ||
                  g_strcmp0 (seye_node_get_address (node), node_id) == 0 ||
                  (seye_node_get_info (node) != NULL && g_strcmp0 (seye_node_get_info (node)->node_id, node_id) == 0) ||
                  (seye_node_get_tls (node) && (seye_node_get_state (node) == SEYE_NODE_STATE_NEEDS_PAIRING ||
                                 seye_node_get_state (node) == SEYE_NODE_STATE_UNTRUSTED));

      _seye_node_set_paired (node, _seye_agent_source_find_pairing (self, node) != NULL);

      if (!concerned)
        continue;

      /* Another pin, or none: what was proven by the old one no longer is. */
      g_hash_table_remove_all (peer->refused);
      g_clear_pointer (&peer->proven_uri, g_free);

      if (!self->started)
        continue;

      seye_agent_peer_cancel (peer);
      peer->need_info = TRUE;
      _seye_agent_source_schedule_poll (self, peer, 0);
    }
}

/**
 * seye_agent_source_get_credentials:
 *
 * Returns: (transfer none): the pairings this source sends tokens by. Adding
 *   or removing one polls the nodes it concerns at once.
 */
SeyeCredentials *
seye_agent_source_get_credentials (SeyeAgentSource *self)
{
  g_return_val_if_fail (SEYE_IS_AGENT_SOURCE (self), NULL);

  return self->credentials;
}

/**
 * seye_agent_source_get_pairing:
 *
 * Returns: (nullable): the pairing a token for @node comes from.
 */
const SeyePairing *
seye_agent_source_get_pairing (SeyeAgentSource *self,
                               SeyeNode        *node)
{
  g_return_val_if_fail (SEYE_IS_AGENT_SOURCE (self), NULL);
  g_return_val_if_fail (SEYE_IS_NODE (node), NULL);

  return _seye_agent_source_find_pairing (self, node);
}

typedef struct
{
  SeyeNode     *node;
  SeyePairing  *pairing;
  SoupMessage  *message;
  SeyeTlsCheck *check;
} PairData;

static void
pair_data_free (PairData *data)
{
  g_clear_pointer (&data->check, _seye_tls_check_free);
  g_clear_object (&data->message);
  g_clear_object (&data->node);
  g_clear_pointer (&data->pairing, seye_pairing_free);
  g_free (data);
}

static void
pair_sent_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  SeyeAgentSource *self = g_task_get_source_object (task);
  PairData *data = g_task_get_task_data (task);
  g_autoptr (GInputStream) stream = NULL;
  g_autoptr (GError) error = NULL;
  const char *seen;
  guint status;

  stream = soup_session_send_finish (SOUP_SESSION (object), result, &error);

  seen = _seye_tls_check_get_fingerprint (data->check);
  if (seen != NULL && self->credentials != NULL)
    _seye_node_set_tls_fingerprint (data->node, seen);

  if (_seye_tls_check_get_mismatch (data->check))
    {
      g_autofree char *shown = seye_fingerprint_format (data->pairing->fingerprint);
      g_autofree char *now = seen ? seye_fingerprint_format (seen) : g_strdup ("?");

      g_task_return_new_error (task, SEYE_ERROR, SEYE_ERROR_CERTIFICATE,
                               _("The node presented another certificate (%s) than the one shown "
                                 "(%s). The token was not sent."), now, shown);
      return;
    }

  if (stream == NULL)
    {
      g_autofree char *message = _seye_agent_source_describe_transport_error (error, FALSE);

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_new_error (task, SEYE_ERROR, SEYE_ERROR_UNAVAILABLE,
                                 _("Cannot reach the node: %s"), message);
      return;
    }

  status = soup_message_get_status (data->message);
  if (status == SOUP_STATUS_UNAUTHORIZED)
    {
      g_task_return_new_error (task, SEYE_ERROR, SEYE_ERROR_AUTH,
                               _("The node refused this token. Copy it again from "
                                 "“sorcerers-eye-agent --pairing-info” on the node."));
      return;
    }

  if (status != SOUP_STATUS_OK || !_seye_tls_check_get_token_sent (data->check))
    {
      g_autofree char *message = _seye_agent_source_describe_http_status (data->message);

      g_task_return_new_error (task, SEYE_ERROR, SEYE_ERROR_UNAVAILABLE,
                               _("Pairing failed: %s"), message);
      return;
    }

  /* It took the token over the pinned certificate: from now on it gets it at every poll. */
  g_debug ("paired with node “%s” (%s)", data->pairing->node_id, data->pairing->fingerprint);
  if (self->credentials != NULL)
    seye_credentials_add (self->credentials, data->pairing);

  g_task_return_pointer (task, seye_pairing_copy (data->pairing), (GDestroyNotify) seye_pairing_free);
}

/* See seye_monitor_pair_async(): the task is the source's, the monitor wraps it. */
void
seye_agent_source_pair_async (SeyeAgentSource     *self,
                              SeyeNode            *node,
                              const char          *fingerprint,
                              const char          *token,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autofree char *uri = NULL;
  SeyeAgentPeer *peer;
  PairData *data;
  const char *node_id;

  g_return_if_fail (SEYE_IS_AGENT_SOURCE (self));
  g_return_if_fail (SEYE_IS_NODE (node));
  g_return_if_fail (fingerprint != NULL && token != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, seye_agent_source_pair_async);

  peer = _seye_agent_source_find_peer (self, node);
  if (!seye_node_get_tls (node) || peer == NULL || peer->base_uri == NULL)
    {
      g_task_return_new_error (task, SEYE_ERROR, SEYE_ERROR_CONFIG,
                               _("Only a node that uses HTTPS can be paired: start its agent with --tls"));
      return;
    }

  if (strlen (fingerprint) != SEYE_FINGERPRINT_LENGTH || strlen (token) != SEYE_TOKEN_LENGTH)
    {
      g_task_return_new_error (task, SEYE_ERROR, SEYE_ERROR_CONFIG,
                               _("The fingerprint or the token is not 64 hex digits"));
      return;
    }

  /* Its id when known (announced or answered), else the address it was added at. */
  node_id = seye_node_get_info (node) != NULL ? seye_node_get_info (node)->node_id : seye_node_get_key (node);

  data = g_new0 (PairData, 1);
  data->node = g_object_ref (node);
  data->pairing = seye_pairing_new (node_id, seye_node_get_name (node), fingerprint, token);
  uri = g_strconcat (peer->base_uri, "/v1/node", NULL);
  data->message = soup_message_new (SOUP_METHOD_GET, uri);
  g_task_set_task_data (task, data, (GDestroyNotify) pair_data_free);

  if (data->message == NULL)
    {
      g_task_return_new_error (task, SEYE_ERROR, SEYE_ERROR_CONFIG,
                               _("“%s” is not an address one can connect to"), peer->base_uri);
      return;
    }

  /* A handshake of its own, checked against the fingerprint the user saw. */
  soup_message_add_flags (data->message, SOUP_MESSAGE_NEW_CONNECTION);
  soup_message_headers_replace (soup_message_get_request_headers (data->message),
                                "Accept", "application/json");
  data->check = _seye_tls_check_new (data->message, data->pairing, NULL);

  soup_session_send_async (self->session,
                           data->message,
                           G_PRIORITY_DEFAULT,
                           cancellable,
                           pair_sent_cb,
                           g_steal_pointer (&task));
}

/* See seye_monitor_pair_finish(). */
SeyePairing *
seye_agent_source_pair_finish (SeyeAgentSource  *self,
                               GAsyncResult     *result,
                               GError          **error)
{
  g_return_val_if_fail (SEYE_IS_AGENT_SOURCE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
