/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "seye-alerts.h"
#include "seye-node.h"

G_BEGIN_DECLS

/* The node's fields, for the files of seye-node*.c only. */
struct _SeyeNode
{
  GObject          parent_instance;

  char            *key;
  char            *name;
  char            *host;           /* where it is polled, shown until a name is known */
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
  SeyeSample      *details;        /* the latest sample with every list (filesystems, interfaces) */
  SeyeAlertRules   rules;          /* the node's effective rules, with its overrides */
  gint64           state_since;    /* Unix ms */
  char            *tls_fingerprint;
  guint            tls : 1;
  guint            paired : 1;
  char            *conflict;
  double           polled_every;   /* seconds between samples when fewer than asked; 0 */
  GStrv            announced_tags; /* from the mDNS TXT record, until /v1/node says */
};


/* A node changes only through these: its source (SeyeSource) and the monitor
 * call them; everyone else reads the node. */
SeyeNode *_seye_node_new          (const char          *key,
                                   const char          *name,
                                   gboolean             manual,
                                   double               interval) G_GNUC_WARN_UNUSED_RESULT;
void      _seye_node_set_key      (SeyeNode            *self,
                                   const char          *key);
void      _seye_node_set_name     (SeyeNode            *self,
                                   const char          *name);
void      _seye_node_set_address  (SeyeNode            *self,
                                   const char          *address);
void      _seye_node_set_host     (SeyeNode            *self,
                                   const char          *host);
void      _seye_node_set_state    (SeyeNode            *self,
                                   SeyeNodeState        state);
void      _seye_node_set_polled_every (SeyeNode        *self,
                                   double               seconds);
void      _seye_node_set_info     (SeyeNode            *self,
                                   const SeyeNodeInfo  *info);
void      _seye_node_set_announced_tags (SeyeNode      *self,
                                   const char * const  *tags);
void      _seye_node_set_error    (SeyeNode            *self,
                                   const char          *error);
void      _seye_node_set_manual   (SeyeNode            *self,
                                   gboolean             manual);
void      _seye_node_set_last_seen (SeyeNode           *self,
                                   gint64               last_seen);
gboolean  _seye_node_add_sample   (SeyeNode            *self,
                                   SeyeSample          *sample);
guint     _seye_node_fill_history (SeyeNode            *self,
                                   GPtrArray           *samples);
void      _seye_node_clear_samples (SeyeNode           *self);
guint     _seye_node_update_alerts (SeyeNode           *self,
                                   const SeyeAlertRules *rules,
                                   SeyeSample          *sample,
                                   gint64               now_ms);
void      _seye_node_set_alerts   (SeyeNode            *self,
                                   guint                active);
guint     _seye_node_acknowledge_alerts (SeyeNode      *self,
                                   guint                kinds);
const SeyeAlertState *_seye_node_get_alert_state (SeyeNode *self);
void      _seye_node_set_tls      (SeyeNode            *self,
                                   gboolean             tls);
void      _seye_node_set_tls_fingerprint (SeyeNode     *self,
                                   const char          *fingerprint);
void      _seye_node_set_paired   (SeyeNode            *self,
                                   gboolean             paired);
void      _seye_node_set_conflict (SeyeNode            *self,
                                   const char          *conflict);

G_END_DECLS
