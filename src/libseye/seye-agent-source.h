/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "seye-browser.h"
#include "seye-credentials.h"
#include "seye-node.h"
#include "seye-source.h"

G_BEGIN_DECLS

/**
 * SeyeAgentSource:
 *
 * Nodes that run sorcerers-eye-agent, found over mDNS (SeyeBrowser) or given by
 * address, each followed over its /v1/stream or by polling /v1/metrics with one
 * shared SoupSession (see SeyeMonitor for what the user sees of it). Every
 * connection is kept in a SeyeAgentPeer of its own; the nodes only say what
 * came of it.
 *
 * Properties: "grace-time", "discovery", "discovery-available", "discovery-status",
 * "discovery-full", "discovery-notice", "fetch-history", "stream", "streams-limited", as on
 * SeyeMonitor.
 */
#define SEYE_TYPE_AGENT_SOURCE (seye_agent_source_get_type ())
G_DECLARE_FINAL_TYPE (SeyeAgentSource, seye_agent_source, SEYE, AGENT_SOURCE, GObject)

SeyeAgentSource   *seye_agent_source_new                   (void) G_GNUC_WARN_UNUSED_RESULT;
void               seye_agent_source_set_grace_time        (SeyeAgentSource       *self,
                                                            double                 seconds);
double             seye_agent_source_get_grace_time        (SeyeAgentSource       *self);
void               seye_agent_source_set_keep_offline      (SeyeAgentSource       *self,
                                                            double                 seconds);
void               seye_agent_source_set_discovery         (SeyeAgentSource       *self,
                                                            gboolean               discovery);
gboolean           seye_agent_source_get_discovery         (SeyeAgentSource       *self);
gboolean           seye_agent_source_get_discovery_available (SeyeAgentSource     *self);
const char        *seye_agent_source_get_discovery_status  (SeyeAgentSource       *self);
gboolean           seye_agent_source_get_discovery_full    (SeyeAgentSource       *self);
const char        *seye_agent_source_get_discovery_notice  (SeyeAgentSource       *self);
void               seye_agent_source_set_fetch_history     (SeyeAgentSource       *self,
                                                            gboolean               fetch_history);
gboolean           seye_agent_source_get_fetch_history     (SeyeAgentSource       *self);
void               seye_agent_source_set_stream            (SeyeAgentSource       *self,
                                                            gboolean               stream);
gboolean           seye_agent_source_get_stream            (SeyeAgentSource       *self);
SeyeNode          *seye_agent_source_add_manual            (SeyeAgentSource       *self,
                                                            const char            *host_port,
                                                            GError               **error);
void               seye_agent_source_add_service           (SeyeAgentSource       *self,
                                                            const SeyeServiceInfo *info);
void               seye_agent_source_remove_service        (SeyeAgentSource       *self,
                                                            const char            *key);
gboolean           seye_agent_source_get_vetting           (SeyeAgentSource       *self);

SeyeCredentials   *seye_agent_source_get_credentials       (SeyeAgentSource       *self);
const SeyePairing *seye_agent_source_get_pairing           (SeyeAgentSource       *self,
                                                            SeyeNode              *node);
void               seye_agent_source_pair_async            (SeyeAgentSource       *self,
                                                            SeyeNode              *node,
                                                            const char            *fingerprint,
                                                            const char            *token,
                                                            GCancellable          *cancellable,
                                                            GAsyncReadyCallback    callback,
                                                            gpointer               user_data);
SeyePairing       *seye_agent_source_pair_finish           (SeyeAgentSource       *self,
                                                            GAsyncResult          *result,
                                                            GError               **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
