/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

#include "seye-alerts.h"
#include "seye-browser.h"
#include "seye-node.h"

G_BEGIN_DECLS

/* The monitor owns and updates nodes; everyone else only reads them. The
 * fields below the "Polling" comment belong to the monitor alone. */
struct _SeyeNode
{
  GObject          parent_instance;

  /* Properties */
  char            *key;
  char            *name;
  char            *address;
  SeyeNodeState    state;
  SeyeNodeInfo    *info;
  SeyeSample      *sample;
  SeyeHistory     *history;
  gint64           last_seen;
  char            *error;
  guint            manual : 1;
  guint            pinned : 1;
  SeyeAlertState   alerts;
  char            *tls_fingerprint;
  guint            tls : 1;
  guint            paired : 1;
  char            *conflict;

  /* Polling (the monitor's) */
  GObject         *monitor;        /* borrowed; NULL once removed */
  char            *host;           /* literal address or host name, no brackets */
  guint16          port;
  char            *base_uri;       /* "http://host:port" */
  GHashTable      *services;       /* browse key -> SeyeServiceInfo */
  char            *service_key;    /* the service base_uri comes from, or NULL */
  GHashTable      *refused;        /* base URI -> monotonic s: did not present the pin */
  char            *proven_uri;     /* the base URI that last presented the pin, or NULL */
  GHashTable      *vetted;         /* base URI -> monotonic s << 1 | same machine: asked who it is */
  GCancellable    *probe;          /* asking another endpoint who it is, or NULL */
  GCancellable    *cancellable;
  guint            poll_id;
  guint            failures;       /* polls missed in a row */
  gint64           waiting_since;  /* monotonic µs: answered, no sample since; 0 = not waiting */
  gint64           gone_since;     /* monotonic µs when the last service went; 0 = listed */
  guint            need_info : 1;
  guint            need_history : 1;
  guint            in_flight : 1;
  guint            streaming : 1;         /* a /v1/stream is open */
  guint            stream_unsupported : 1; /* the agent has no /v1/stream: poll it */
  gint64           stream_retry_us;       /* monotonic; polled until then (it had no room) */
  guint            stream_quiet;          /* rounds of the stream pump without a sample */
  guint            stream_misses;         /* samples missed since the last one */
};

SeyeNode *_seye_node_new          (const char          *key,
                                   const char          *name,
                                   gboolean             manual,
                                   guint                history_capacity) G_GNUC_WARN_UNUSED_RESULT;
void      _seye_node_set_key      (SeyeNode            *self,
                                   const char          *key);
void      _seye_node_set_name     (SeyeNode            *self,
                                   const char          *name);
void      _seye_node_set_address  (SeyeNode            *self,
                                   const char          *address);
void      _seye_node_set_state    (SeyeNode            *self,
                                   SeyeNodeState        state);
void      _seye_node_set_info     (SeyeNode            *self,
                                   const SeyeNodeInfo  *info);
void      _seye_node_set_error    (SeyeNode            *self,
                                   const char          *error);
void      _seye_node_set_manual   (SeyeNode            *self,
                                   gboolean             manual);
void      _seye_node_set_last_seen (SeyeNode           *self,
                                   gint64               last_seen);
gboolean  _seye_node_add_sample   (SeyeNode            *self,
                                   SeyeSample          *sample);
void      _seye_node_set_alerts   (SeyeNode            *self,
                                   guint                active);
void      _seye_node_set_tls      (SeyeNode            *self,
                                   gboolean             tls);
void      _seye_node_set_tls_fingerprint (SeyeNode     *self,
                                   const char          *fingerprint);
void      _seye_node_set_paired   (SeyeNode            *self,
                                   gboolean             paired);
void      _seye_node_set_conflict (SeyeNode            *self,
                                   const char          *conflict);

G_END_DECLS
