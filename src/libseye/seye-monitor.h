/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "seye-address.h"
#include "seye-alerts.h"
#include "seye-browser.h"
#include "seye-credentials.h"
#include "seye-node.h"
#include "seye-source.h"

G_BEGIN_DECLS

/**
 * SeyeMonitor:
 *
 * The nodes of its sources (SeyeSource) as one GListModel of SeyeNode, one per
 * node id; rows are updated in place, added and removed with items-changed.
 * Its first source, made with it, is the agents' (SeyeAgentSource): found with
 * SeyeBrowser or given as host:port, and polled with one shared SoupSession
 * (keep-alive, timeout); seye_monitor_add_source() adds others.
 *
 * - The same node seen on several interfaces/protocols is one SeyeNode (TXT node id). Every
 *   service is a candidate endpoint: a paired node is polled where its pinned certificate is
 *   presented; for another node each other endpoint is asked who it is, and another machine
 *   under the same id becomes a node of its own, both marked with a "conflict".
 * - On first contact: GET /v1/node, then /v1/history so the history is full at once,
 *   then GET /v1/stream, one sample a line as the node takes them; an agent
 *   without it is polled: GET /v1/metrics every interval.
 * - Missed polls: ONLINE -> STALE -> OFFLINE; offline nodes retried with backoff up to 30 s.
 * - A node gone from mDNS and offline for longer than the grace time is removed,
 *   unless pinned or manual.
 * - Every response is size-limited and validated by the core decoder.
 *
 * Properties: "interval" (double s, default 1.0), "grace-time" (double s, default 300),
 * "discovery" (boolean: browse mDNS), "discovery-available" (boolean, read-only),
 * "discovery-status" (string, read-only: why discovery is off), "alert-rules" (boxed SeyeAlertRules),
 * "discovery-full" (boolean, read-only: 4,096 nodes came from mDNS, newer ones are ignored),
 * "discovery-notice" (string, read-only: one of avahi-daemon's limits is reached, and which setting to raise),
 * "streams-limited" (boolean, read-only: the open-file limit leaves too few connections for a
 * stream per node; the others are polled in turns).
 *
 * Nodes announced with "tls=" (or added as https://host:port) are polled over HTTPS; every
 * certificate goes through seye-credentials.c, and a token is sent only to a node the user
 * paired with (see seye_monitor_pair_async()), over TLS, to its pinned certificate.
 * Signals: "alert" (SeyeNode *node, guint kind, gboolean active): once when an alert starts
 * and once when it clears; "alert-acknowledged" (SeyeNode *node, guint kind): once when a
 * user acknowledged an active alert.
 */
#define SEYE_TYPE_MONITOR (seye_monitor_get_type ())
G_DECLARE_FINAL_TYPE (SeyeMonitor, seye_monitor, SEYE, MONITOR, GObject)

SeyeMonitor *seye_monitor_new                (void) G_GNUC_WARN_UNUSED_RESULT;
void         seye_monitor_set_interval       (SeyeMonitor          *self,
                                              double                seconds);
double       seye_monitor_get_interval       (SeyeMonitor          *self);
void         seye_monitor_set_grace_time     (SeyeMonitor          *self,
                                              double                seconds);
void         seye_monitor_set_discovery      (SeyeMonitor          *self,
                                              gboolean              discovery);
gboolean     seye_monitor_get_discovery_available (SeyeMonitor     *self);
const char  *seye_monitor_get_discovery_status    (SeyeMonitor     *self);
const char  *seye_monitor_get_discovery_notice    (SeyeMonitor     *self);
void         seye_monitor_set_alert_rules    (SeyeMonitor          *self,
                                              const SeyeAlertRules *rules);
void         seye_monitor_set_node_overrides (SeyeMonitor          *self,
                                              GVariant             *overrides);
void         seye_monitor_acknowledge_alerts (SeyeMonitor          *self,
                                              SeyeNode             *node,
                                              guint                 kinds);
void         seye_monitor_set_keep_offline   (SeyeMonitor          *self,
                                              double                seconds);
SeyeNode    *seye_monitor_add_manual         (SeyeMonitor          *self,
                                              const char           *host_port,
                                              GError              **error);
void         seye_monitor_remove             (SeyeMonitor          *self,
                                              SeyeNode             *node);
SeyeNode    *seye_monitor_lookup             (SeyeMonitor          *self,
                                              const char           *key);
void         seye_monitor_start              (SeyeMonitor          *self);
void         seye_monitor_stop               (SeyeMonitor          *self);
void         seye_monitor_poll_now           (SeyeMonitor          *self);
SeyeSource  *seye_monitor_get_node_source    (SeyeMonitor          *self,
                                              SeyeNode             *node);
void         seye_monitor_add_source         (SeyeMonitor          *self,
                                              SeyeSource           *source);
void         seye_monitor_remove_source      (SeyeMonitor          *self,
                                              SeyeSource           *source);

/* Added: feed discovery results from a browser of one's own (one-shot clients, tests). */
void         seye_monitor_add_service        (SeyeMonitor           *self,
                                              const SeyeServiceInfo *info);
void         seye_monitor_remove_service     (SeyeMonitor           *self,
                                              const char            *key);
/* Added: "fetch-history" (boolean, default TRUE): GET /v1/history on first contact. */
void         seye_monitor_set_fetch_history  (SeyeMonitor          *self,
                                              gboolean              fetch_history);
/* Added: "stream" (boolean, default TRUE): take samples from GET /v1/stream where offered. */
void         seye_monitor_set_stream         (SeyeMonitor          *self,
                                              gboolean              stream);

/* Added: TRUE while an endpoint announced under a node's id is asked who it is. */
gboolean     seye_monitor_get_vetting        (SeyeMonitor          *self);

/* Pairing (seye-credentials.h): tokens go to pinned certificates only. */
SeyeCredentials   *seye_monitor_get_credentials (SeyeMonitor         *self);
const SeyePairing *seye_monitor_get_pairing     (SeyeMonitor         *self,
                                                 SeyeNode            *node);
void               seye_monitor_pair_async      (SeyeMonitor         *self,
                                                 SeyeNode            *node,
                                                 const char          *fingerprint,
                                                 const char          *token,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
SeyePairing       *seye_monitor_pair_finish     (SeyeMonitor         *self,
                                                 GAsyncResult        *result,
                                                 GError             **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
