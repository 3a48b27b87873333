/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "seye-alerts.h"
#include "seye-history.h"
#include "seye-sample.h"

G_BEGIN_DECLS

typedef enum
{
  SEYE_NODE_STATE_CONNECTING,   /* no sample yet (maybe it answered who it is) */
  SEYE_NODE_STATE_ONLINE,       /* a sample came within the grace time */
  SEYE_NODE_STATE_STALE,        /* missed one or more polls, not yet offline */
  SEYE_NODE_STATE_OFFLINE,      /* unreachable; retried with backoff; see last-seen */
  SEYE_NODE_STATE_INCOMPATIBLE, /* answers with a schema/API version we do not speak */
  SEYE_NODE_STATE_NEEDS_PAIRING, /* wants a token we do not have, or refused ours; see "error" */
  SEYE_NODE_STATE_UNTRUSTED,    /* presented another certificate than the pinned one: nothing is sent */
  SEYE_NODE_STATE_NOT_RESPONDING, /* answers, but no sample came within the grace time */
  SEYE_NODE_STATE_LEFT,         /* said goodbye as it stopped, and answers no more */
} SeyeNodeState;

#define SEYE_TYPE_NODE_STATE (seye_node_state_get_type ())
GType        seye_node_state_get_type  (void) G_GNUC_CONST;
const char  *seye_node_state_to_string (SeyeNodeState state);   /* translated, for display */
const char  *seye_node_state_get_id    (SeyeNodeState state);   /* "online", "left", ...: for files and JSON */

/**
 * SeyeNode:
 *
 * One node as a client sees it: where it is, what state it is in, what it said
 * about itself, its latest sample and recent history. Owned by a SeyeMonitor,
 * which updates it; readers only read (bind or connect to notify::).
 *
 * Properties (read-only, notify only on change):
 *  "key" (string)            node id when known, else "host:port"
 *  "name" (string)           announced name (falls back to host)
 *  "address" (string)        "host:port" it is polled at, for display
 *  "state" (SeyeNodeState)
 *  "info" (SeyeNodeInfo, boxed)    NULL until /v1/node answered
 *  "sample" (SeyeSample, boxed)    latest, NULL until the first one
 *  "cpu-percent", "memory-percent", "load1" (double)  latest values, for sorting; -1 when unknown
 *  "processes" (uint), "uptime" (double), "rx-rate", "tx-rate" (double)
 *  "last-seen" (int64, Unix ms; 0 = never)
 *  "error" (string)          last error in words, NULL while online
 *  "manual" (boolean)        added by hand (host:port), not from mDNS
 *  "pinned" (boolean, read-write) kept even when gone from mDNS and offline
 *  "state-since" (int64, Unix ms) when the state began
 *  "alerting" (boolean)      an alert is active and not acknowledged (see seye-alerts.h)
 *  "active-alerts", "acknowledged-alerts" (uint) SeyeAlertKind sets
 *  "tls" (boolean)           polled over HTTPS
 *  "tls-fingerprint" (string) SHA-256 (hex) of the certificate it presented last; NULL before any
 *  "paired" (boolean)        the user paired with it: its token goes to its pinned certificate only
 *  "conflict" (string)       another machine answers under its node id (not paired: no proof which
 *                            is which), with both addresses; NULL otherwise. Each is its own node.
 * Signals:
 *  "sample-added" (SeyeSample *sample): emitted after a new sample entered the history.
 *  "history-filled": samples older than the first came in (from a source that keeps its own
 *                    history, such as a Prometheus server): read the history again.
 */
#define SEYE_TYPE_NODE (seye_node_get_type ())
G_DECLARE_FINAL_TYPE (SeyeNode, seye_node, SEYE, NODE, GObject)

const char         *seye_node_get_key           (SeyeNode *self);
const char         *seye_node_get_name          (SeyeNode *self);
const char         *seye_node_get_address       (SeyeNode *self);
SeyeNodeState       seye_node_get_state         (SeyeNode *self);
const SeyeNodeInfo *seye_node_get_info          (SeyeNode *self);
const char * const *seye_node_get_tags          (SeyeNode *self);
SeyeSample         *seye_node_get_sample        (SeyeNode *self);
SeyeSample         *seye_node_get_details       (SeyeNode *self);
SeyeHistory        *seye_node_get_history       (SeyeNode *self);
gint64              seye_node_get_last_seen     (SeyeNode *self);
const char         *seye_node_get_error         (SeyeNode *self);
gboolean            seye_node_get_manual        (SeyeNode *self);
gboolean            seye_node_get_pinned        (SeyeNode *self);
void                seye_node_set_pinned        (SeyeNode *self,
                                                 gboolean  pinned);
gboolean            seye_node_get_alerting      (SeyeNode *self);
guint               seye_node_get_active_alerts (SeyeNode *self);  /* SeyeAlertKind flags */
guint               seye_node_get_acknowledged_alerts (SeyeNode *self);
const SeyeAlertRules *seye_node_get_alert_rules (SeyeNode *self);
gint64              seye_node_get_state_since   (SeyeNode *self);
gboolean            seye_node_has_current_values (SeyeNode *self);
char               *seye_node_describe_state    (SeyeNode *self,
                                                 gint64    now_ms) G_GNUC_WARN_UNUSED_RESULT;
char               *seye_node_describe_alert    (SeyeNode *self,
                                                 SeyeAlertKind kind) G_GNUC_WARN_UNUSED_RESULT;
char               *seye_node_describe_alerts   (SeyeNode *self) G_GNUC_WARN_UNUSED_RESULT;
gboolean            seye_node_get_tls           (SeyeNode *self);
const char         *seye_node_get_tls_fingerprint (SeyeNode *self);
gboolean            seye_node_get_paired        (SeyeNode *self);
const char         *seye_node_get_conflict      (SeyeNode *self);
double              seye_node_get_polled_every  (SeyeNode *self);

G_END_DECLS
