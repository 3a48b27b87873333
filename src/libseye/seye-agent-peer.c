/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-agent-peer"

#include "config.h"

#include "seye-agent-peer.h"
#include "seye-browser.h"

G_DEFINE_FINAL_TYPE (SeyeAgentPeer, seye_agent_peer, G_TYPE_OBJECT)

static void
seye_agent_peer_dispose (GObject *object)
{
  SeyeAgentPeer *self = SEYE_AGENT_PEER (object);

  seye_agent_peer_cancel (self);

  G_OBJECT_CLASS (seye_agent_peer_parent_class)->dispose (object);
}

static void
seye_agent_peer_finalize (GObject *object)
{
  SeyeAgentPeer *self = SEYE_AGENT_PEER (object);

  g_clear_object (&self->node);
  g_free (self->host);
  g_free (self->base_uri);
  g_free (self->service_key);
  g_free (self->proven_uri);
  g_clear_pointer (&self->services, g_hash_table_unref);
  g_clear_pointer (&self->refused, g_hash_table_unref);
  g_clear_pointer (&self->vetted, g_hash_table_unref);

  G_OBJECT_CLASS (seye_agent_peer_parent_class)->finalize (object);
}

static void
seye_agent_peer_class_init (SeyeAgentPeerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = seye_agent_peer_dispose;
  object_class->finalize = seye_agent_peer_finalize;
}

static void
seye_agent_peer_init (SeyeAgentPeer *self)
{
  self->services = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) seye_service_info_free);
  self->refused = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->vetted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->need_info = TRUE;
  self->need_history = TRUE;
}

SeyeAgentPeer *
seye_agent_peer_new (SeyeNode *node,
                     GObject  *source)
{
  SeyeAgentPeer *self = g_object_new (SEYE_TYPE_AGENT_PEER, NULL);

  self->node = g_object_ref (node);
  self->source = source;

  return self;
}

/* Drops whatever is asked of the agent now: the poll to come, the request in
 * flight (its answer is ignored), the endpoint being vetted. */
void
seye_agent_peer_cancel (SeyeAgentPeer *self)
{
  g_clear_handle_id (&self->poll_id, g_source_remove);
  if (self->cancellable != NULL)
    {
      g_cancellable_cancel (self->cancellable);
      g_clear_object (&self->cancellable);
    }
  if (self->probe != NULL)
    {
      g_cancellable_cancel (self->probe);
      g_clear_object (&self->probe);
    }
  self->in_flight = FALSE;
  self->streaming = FALSE;
}
