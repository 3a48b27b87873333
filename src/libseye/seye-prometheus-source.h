/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "seye-source.h"

G_BEGIN_DECLS

/* At most this many nodes (targets) come from one server; more are left out and
 * the source says so ("truncated", and its status message). */
#define SEYE_PROMETHEUS_MAX_NODES   4096
/* Largest answer read from the server, per query, in bytes; a larger one is an error. */
#define SEYE_PROMETHEUS_MAX_ANSWER  (16 * 1024 * 1024)
/* The refresh interval when the server does not say its global scrape_interval. */
#define SEYE_PROMETHEUS_DEFAULT_SCRAPE_INTERVAL 15.0

/**
 * SeyePrometheusStatus:
 * @SEYE_PROMETHEUS_STATUS_CONNECTING: not asked yet, or no answer yet
 * @SEYE_PROMETHEUS_STATUS_OK: the last refresh answered
 * @SEYE_PROMETHEUS_STATUS_UNREACHABLE: no connection, or no answer in time
 * @SEYE_PROMETHEUS_STATUS_AUTH: it wants credentials, or refused ours (HTTP 401, 403)
 * @SEYE_PROMETHEUS_STATUS_CERTIFICATE: its certificate is not the pinned one, or not trusted
 * @SEYE_PROMETHEUS_STATUS_ERROR: it answered with an error, an answer too large, or one
 *   that is not the Prometheus HTTP API
 *
 * How the server itself is; each node has its own state besides.
 */
typedef enum
{
  SEYE_PROMETHEUS_STATUS_CONNECTING,
  SEYE_PROMETHEUS_STATUS_OK,
  SEYE_PROMETHEUS_STATUS_UNREACHABLE,
  SEYE_PROMETHEUS_STATUS_AUTH,
  SEYE_PROMETHEUS_STATUS_CERTIFICATE,
  SEYE_PROMETHEUS_STATUS_ERROR,
} SeyePrometheusStatus;

#define SEYE_TYPE_PROMETHEUS_STATUS (seye_prometheus_status_get_type ())
GType seye_prometheus_status_get_type (void) G_GNUC_CONST;

/**
 * SeyePrometheusSource:
 *
 * Nodes from a Prometheus server (or anything with its HTTP API: Thanos,
 * VictoriaMetrics, Mimir): the targets that expose node_exporter's metrics,
 * ours or node_exporter's, one node per `instance`. Every refresh sends the
 * same few instant queries for all nodes at once (never one per node), at the
 * server's global scrape_interval (/api/v1/status/config; 15 s when it does
 * not say). A node's id is the `node_id` of its `seye_node_info` when it has
 * one (our agent), so that SeyeMonitor lists the same machine once.
 *
 * Processes and named actions are not available from Prometheus (those
 * methods are left unset); a node's history over a range comes from
 * query_range (seye_source_fetch_range()). A new node's recent history (what
 * its live graphs show) is read once when it is first seen, in batches of
 * nodes, one query_range at a time, and goes before its first live sample
 * ("history-filled" on the node).
 *
 * Properties: "url" (string, construct-only), "status" (SeyePrometheusStatus,
 * read-only), "status-message" (string, read-only: sanitised, %NULL while OK),
 * "scrape-interval" (double s, read-only), "truncated" (boolean, read-only:
 * more than %SEYE_PROMETHEUS_MAX_NODES targets), "timeout" (double s, default 10).
 */
#define SEYE_TYPE_PROMETHEUS_SOURCE (seye_prometheus_source_get_type ())
G_DECLARE_FINAL_TYPE (SeyePrometheusSource, seye_prometheus_source, SEYE, PROMETHEUS_SOURCE, GObject)

SeyePrometheusSource *seye_prometheus_source_new              (const char            *url,
                                                               GError               **error) G_GNUC_WARN_UNUSED_RESULT;
const char           *seye_prometheus_source_get_url          (SeyePrometheusSource  *self);
void                  seye_prometheus_source_set_basic_auth   (SeyePrometheusSource  *self,
                                                               const char            *user,
                                                               const char            *password);
void                  seye_prometheus_source_set_bearer_token (SeyePrometheusSource  *self,
                                                               const char            *token);
void                  seye_prometheus_source_set_tls_certificate (SeyePrometheusSource *self,
                                                               GTlsCertificate       *certificate);
gboolean              seye_prometheus_source_set_tls_certificate_file (SeyePrometheusSource *self,
                                                               const char            *path,
                                                               GError               **error);
void                  seye_prometheus_source_set_timeout      (SeyePrometheusSource  *self,
                                                               double                 seconds);
SeyePrometheusStatus  seye_prometheus_source_get_status       (SeyePrometheusSource  *self);
const char           *seye_prometheus_source_get_status_message (SeyePrometheusSource *self);
double                seye_prometheus_source_get_scrape_interval (SeyePrometheusSource *self);
gboolean              seye_prometheus_source_get_truncated    (SeyePrometheusSource  *self);
guint64               seye_prometheus_source_get_requests_sent (SeyePrometheusSource *self);
guint64               seye_prometheus_source_get_refreshes    (SeyePrometheusSource  *self);
guint64               seye_prometheus_source_get_fills_sent   (SeyePrometheusSource  *self);

G_END_DECLS
