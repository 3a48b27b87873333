/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-agent-source"

#include "config.h"

#include "seye-address.h"
#include "seye-agent-source-private.h"
#include "seye-sanitize.h"

/*
 * Services found over mDNS: each one a candidate endpoint of the node whose id it
 * announces (a new node for a new id, up to max_discovered), and when the last one of
 * a node is withdrawn, the node is gone from mDNS (and, polled without a stream, it
 * said goodbye). A node that does not answer where its service said has it resolved
 * again: it may have restarted elsewhere.
 */

static guint
count_discovered (SeyeAgentSource *self)
{
  guint n = 0;

  for (guint i = 0; i < self->peers->len; i++)
    if (!seye_node_get_manual (((SeyeAgentPeer *) self->peers->pdata[i])->node))
      n++;

  return n;
}

/* A flood of announcements (or a very large network) must not grow the list,
 * the requests and the memory without end: past the cap they are ignored, and
 * that is said once. */
static void
discovery_full (SeyeAgentSource       *self,
                const SeyeServiceInfo *info)
{
  g_autofree char *shown = NULL;

  if (self->discovery_full)
    return;

  shown = seye_sanitize_display (info->name ? info->name : info->key);
  g_message ("%u nodes found over mDNS: ignoring “%s” and any other new one this session",
             self->max_discovered, shown);
  self->discovery_full = TRUE;
  g_object_notify (G_OBJECT (self), "discovery-full");
}

/* See seye_monitor_add_service(). */
void
seye_agent_source_add_service (SeyeAgentSource       *self,
                               const SeyeServiceInfo *info)
{
  g_autofree char *fallback_key = NULL;
  SeyeTxtRecord txt = info->txt;
  const SeyeNodeInfo *node_info;
  SeyeAgentPeer *peer;
  const char *key;

  g_return_if_fail (SEYE_IS_AGENT_SOURCE (self));
  g_return_if_fail (info != NULL && info->key != NULL && info->address != NULL);

  if (seye_txt_record_validate (&txt, NULL))
    {
      key = info->txt.node_id;
    }
  else
    {
      fallback_key = seye_address_format (info->address, info->port);
      key = fallback_key;
    }

  peer = g_hash_table_lookup (self->service_owner, info->key);
  node_info = peer != NULL ? seye_node_get_info (peer->node) : NULL;
  if (peer != NULL && g_strcmp0 (seye_node_get_key (peer->node), key) != 0 &&
      !(node_info != NULL && g_strcmp0 (node_info->node_id, key) == 0))
    {
      /* This service now belongs to another node id. */
      seye_agent_source_remove_service (self, info->key);
      peer = NULL;
    }

  if (peer == NULL)
    peer = g_hash_table_lookup (self->by_key, key);

  if (peer == NULL && count_discovered (self) >= self->max_discovered)
    {
      discovery_full (self, info);
      return;
    }

  if (peer == NULL)
    {
      peer = _seye_agent_source_new_peer (self, key, info->name, FALSE);
      g_hash_table_insert (peer->services, g_strdup (info->key), seye_service_info_copy (info));
      g_hash_table_insert (self->service_owner, g_strdup (info->key), peer);
      _seye_node_set_announced_tags (peer->node, (const char * const *) info->txt.tags);
      _seye_agent_source_choose_endpoint (self, peer);
      _seye_agent_source_add_peer (self, peer);
      return;
    }

  g_hash_table_insert (peer->services, g_strdup (info->key), seye_service_info_copy (info));
  g_hash_table_insert (self->service_owner, g_strdup (info->key), peer);
  peer->gone_since = 0;
  if (seye_node_get_info (peer->node) == NULL)
    _seye_node_set_name (peer->node, info->name);
  _seye_node_set_announced_tags (peer->node, (const char * const *) info->txt.tags);

  if (g_strcmp0 (peer->service_key, info->key) == 0)
    {
      /* Same service, maybe a new port: re-point if needed. */
      g_clear_pointer (&peer->service_key, g_free);
    }
  _seye_agent_source_choose_endpoint (self, peer);

  /* Another address for a node that said who it is: is it the same agent? */
  _seye_agent_source_vet_endpoints (self, peer);

  /* Announced again while unreachable (or while no endpoint presented its pin): worth a try now. */
  if (self->started && !peer->in_flight &&
      (seye_node_get_state (peer->node) == SEYE_NODE_STATE_OFFLINE ||
       seye_node_get_state (peer->node) == SEYE_NODE_STATE_LEFT ||
       seye_node_get_state (peer->node) == SEYE_NODE_STATE_UNTRUSTED))
    _seye_agent_source_schedule_poll (self, peer, 0);
}

/* See seye_monitor_remove_service(). */
void
seye_agent_source_remove_service (SeyeAgentSource *self,
                                  const char      *key)
{
  g_autofree char *owned_key = g_strdup (key);
  SeyeAgentPeer *peer;

  g_return_if_fail (SEYE_IS_AGENT_SOURCE (self));

  peer = g_hash_table_lookup (self->service_owner, key);
  if (peer == NULL)
    return;

  g_hash_table_remove (self->service_owner, owned_key);
  g_hash_table_remove (peer->services, owned_key);

  if (g_hash_table_size (peer->services) == 0)
    {
      peer->gone_since = g_get_monotonic_time ();

      /* Its goodbye over mDNS. A node followed by its stream says it there:
       * Avahi also withdraws the records of an agent that crashed. */
      if (!peer->ever_streamed)
        {
          peer->said_goodbye = TRUE;
          if (seye_node_get_state (peer->node) == SEYE_NODE_STATE_OFFLINE)
            _seye_agent_source_set_state (self, peer, SEYE_NODE_STATE_LEFT);
        }
      return;
    }

  if (g_strcmp0 (peer->service_key, owned_key) == 0)
    {
      g_clear_pointer (&peer->service_key, g_free);
      _seye_agent_source_choose_endpoint (self, peer);
    }
}


/* @peer's node did not answer at the address and port its service said: the
 * browser asks avahi-daemon again (an agent restarted on another port comes
 * back as "service-resolved" with the new one). */
void
_seye_agent_source_resolve_again (SeyeAgentSource *self,
                                  SeyeAgentPeer   *peer)
{
  if (self->browser == NULL || peer->service_key == NULL)
    return;

  seye_browser_resolve_again (self->browser, peer->service_key);
}

/* Tests: a flood is then a few hundred services, not thousands. */
void
_seye_agent_source_set_max_discovered (SeyeAgentSource *self,
                                       guint            max_discovered)
{
  g_return_if_fail (SEYE_IS_AGENT_SOURCE (self));

  self->max_discovered = max_discovered;
}

/**
 * seye_agent_source_get_discovery_notice:
 *
 * Returns: (nullable): which of avahi-daemon's limits discovery reached, with
 *   the setting to raise (see SeyeBrowser:limit-message); %NULL while none was.
 */
const char *
seye_agent_source_get_discovery_notice (SeyeAgentSource *self)
{
  g_return_val_if_fail (SEYE_IS_AGENT_SOURCE (self), NULL);

  return self->browser != NULL ? seye_browser_get_limit_message (self->browser) : NULL;
}
