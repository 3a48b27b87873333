/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "seye-node.h"

G_BEGIN_DECLS

/*
 * SeyeAgentPeer: the connection to one agent, owned by SeyeAgentSource (one
 * per node it lists). The node says what a user sees; this says where the
 * agent is and what is being asked of it. Private to the agent source's files.
 */
#define SEYE_TYPE_AGENT_PEER (seye_agent_peer_get_type ())
G_DECLARE_FINAL_TYPE (SeyeAgentPeer, seye_agent_peer, SEYE, AGENT_PEER, GObject)

struct _SeyeAgentPeer
{
  GObject          parent_instance;

  SeyeNode        *node;           /* what it feeds */
  GObject         *source;         /* borrowed SeyeAgentSource; NULL once removed */

  /* Where it is */
  char            *host;           /* literal address or host name, no brackets */
  guint16          port;
  char            *base_uri;       /* "http://host:port" */
  GHashTable      *services;       /* browse key -> SeyeServiceInfo */
  char            *service_key;    /* the service base_uri comes from, or NULL */
  GHashTable      *refused;        /* base URI -> monotonic s: did not present the pin */
  char            *proven_uri;     /* the base URI that last presented the pin, or NULL */
  GHashTable      *vetted;         /* base URI -> monotonic s << 1 | same machine: asked who it is */
  gint64           gone_since;     /* monotonic µs when the last service went; 0 = listed */

  /* What is asked of it */
  GCancellable    *probe;          /* asking another endpoint who it is, or NULL */
  GCancellable    *cancellable;
  guint            poll_id;
  guint            failures;       /* polls missed in a row */
  gint64           waiting_since;  /* monotonic µs: answered, no sample since; 0 = not waiting */
  guint            need_info : 1;
  guint            need_history : 1;
  guint            in_flight : 1;
  guint            said_goodbye : 1;  /* it said it is stopping: when it stops answering, it left */
  guint            ever_streamed : 1; /* it sent samples in a stream: its goodbye comes there */
  guint            asking_stream : 1; /* the request in flight asks for /v1/stream */
  guint            polled : 1;        /* followed by polls of /v1/metrics, not a stream */

  /* Its stream */
  guint            streaming : 1;         /* a /v1/stream is open */
  guint            stream_unsupported : 1; /* the agent has no /v1/stream: poll it */
  gint64           stream_retry_us;       /* monotonic; polled until then (it had no room) */
  guint            stream_quiet;          /* rounds of the stream pump without a sample */
  guint            stream_misses;         /* samples missed since the last one */
};

SeyeAgentPeer *seye_agent_peer_new    (SeyeNode      *node,
                                       GObject       *source) G_GNUC_WARN_UNUSED_RESULT;
void           seye_agent_peer_cancel (SeyeAgentPeer *self);

G_END_DECLS
