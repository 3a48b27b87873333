/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Prometheus' file-based service discovery (file_sd): the agents as scrape
 * targets, in the JSON form Prometheus reads from a `file_sd_configs` file:
 * an array of {"targets": ["HOST:PORT"], "labels": {…}}.
 *
 * Labels of every target: `node` (its name), `node_id`, `agent_version` and
 * `tags` (",web,eu-1,": commas on both sides, so that `.*,web,.*` matches one
 * tag) when known, `scheme` ("http" or "https"), `auth` ("token" when the
 * agent's API wants the token), and the labels Prometheus itself honours:
 * `__scheme__` (an HTTPS-only agent is scraped over HTTPS without a job of its
 * own) and `__metrics_path__` ("/metrics"). Label values came from the network:
 * they are written through seye_sanitize_display().
 */

typedef struct
{
  char      *address;        /* "HOST:PORT" as Prometheus dials it, "[v6]:PORT" */
  char      *name;           /* the node's name; the address when not known */
  char      *node_id;        /* nullable */
  char      *agent_version;  /* nullable */
  GStrv      tags;           /* nullable: none */
  gboolean   tls;
  gboolean   auth_token;
} SeyePrometheusTarget;

SeyePrometheusTarget *seye_prometheus_target_new   (const char                 *address,
                                                    const char                 *name) G_GNUC_WARN_UNUSED_RESULT;
SeyePrometheusTarget *seye_prometheus_target_copy  (const SeyePrometheusTarget *self) G_GNUC_WARN_UNUSED_RESULT;
void                  seye_prometheus_target_free  (SeyePrometheusTarget       *self);
gboolean              seye_prometheus_target_equal (const SeyePrometheusTarget *a,
                                                    const SeyePrometheusTarget *b);
/* (element-type SeyePrometheusTarget): by name, then address. */
void                  seye_prometheus_targets_sort (GPtrArray                  *targets);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SeyePrometheusTarget, seye_prometheus_target_free)

gboolean   seye_prometheus_label_name_is_valid (const char  *name);
/* The file's contents: one target group per line, sorted by name then address;
 * "[]\n" for none. */
char      *seye_prometheus_sd_write            (GPtrArray   *targets) G_GNUC_WARN_UNUSED_RESULT;
/* What seye_prometheus_sd_write() wrote, read back (the targets a previous run
 * left in its file): SeyePrometheusTarget each; %NULL when it is not such a file. */
GPtrArray *seye_prometheus_sd_read             (const char  *contents,
                                                GError     **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
