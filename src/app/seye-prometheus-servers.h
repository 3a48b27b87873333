/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "seye-monitor.h"
#include "seye-prometheus-source.h"

G_BEGIN_DECLS

/**
 * SeyePrometheusAuth:
 * @SEYE_PROMETHEUS_AUTH_NONE: no credentials
 * @SEYE_PROMETHEUS_AUTH_BASIC: HTTP basic auth: a user and a password
 * @SEYE_PROMETHEUS_AUTH_BEARER: a bearer token
 *
 * How the app authenticates to a Prometheus server; the password or token is
 * kept in the keyring.
 */
typedef enum
{
  SEYE_PROMETHEUS_AUTH_NONE,
  SEYE_PROMETHEUS_AUTH_BASIC,
  SEYE_PROMETHEUS_AUTH_BEARER,
} SeyePrometheusAuth;

/**
 * SeyePrometheusServer:
 * @url: the server's base URL, http:// or https://
 * @auth: how to authenticate
 * @user: (nullable): the user, for basic auth
 * @certificate: (nullable): a PEM file: the one certificate to trust instead of the system's CAs
 *
 * A server as the "prometheus-servers" setting keeps it (no secret in it).
 */
typedef struct
{
  char               *url;
  SeyePrometheusAuth  auth;
  char               *user;
  char               *certificate;
} SeyePrometheusServer;

/**
 * SeyePrometheusServers:
 *
 * The Prometheus servers the app takes nodes from, as a GListModel of their
 * SeyePrometheusSource: those of the "prometheus-servers" setting (their
 * password or token in the keyring), and those given for one session
 * (`--prometheus URL`). Each is added to the monitor when it is configured
 * and removed from it when the user removes it. No GTK here.
 *
 * Properties: "notice" (string, read-only, nullable): what is wrong with the
 * servers that are not working, one sentence a line (sanitised).
 * Signals: "message" (const char *text): something to say once, e.g. that a
 * server has more targets than are shown, or that the keyring did not keep a
 * password.
 */
#define SEYE_TYPE_PROMETHEUS_SERVERS (seye_prometheus_servers_get_type ())
G_DECLARE_FINAL_TYPE (SeyePrometheusServers, seye_prometheus_servers, SEYE, PROMETHEUS_SERVERS, GObject)

SeyePrometheusServers *seye_prometheus_servers_new         (SeyeMonitor                *monitor,
                                                            GSettings                  *settings) G_GNUC_WARN_UNUSED_RESULT;
gboolean               seye_prometheus_servers_check_session (const char * const   *urls,
                                                              const char           *token_file,
                                                              const char           *certificate,
                                                              GError              **error);
gboolean               seye_prometheus_servers_add_session (SeyePrometheusServers      *self,
                                                            const char                 *url,
                                                            const char                 *token_file,
                                                            const char                 *certificate,
                                                            GError                    **error);
gboolean               seye_prometheus_servers_add         (SeyePrometheusServers      *self,
                                                            const SeyePrometheusServer *server,
                                                            const char                 *secret,
                                                            GError                    **error);
void                   seye_prometheus_servers_remove      (SeyePrometheusServers      *self,
                                                            const char                 *url);
gboolean               seye_prometheus_servers_is_saved    (SeyePrometheusServers      *self,
                                                            SeyePrometheusSource       *source);
const char            *seye_prometheus_servers_get_problem (SeyePrometheusServers      *self,
                                                            SeyePrometheusSource       *source);
const char            *seye_prometheus_servers_get_notice  (SeyePrometheusServers      *self);

/* The "prometheus-servers" setting, read and written (seye-prometheus-servers-settings.c). */
void       seye_prometheus_server_free    (SeyePrometheusServer *server);
GPtrArray *seye_prometheus_servers_load   (GSettings            *settings) G_GNUC_WARN_UNUSED_RESULT;
gboolean   seye_prometheus_servers_save   (GSettings            *settings,
                                           GPtrArray            *servers);
SeyePrometheusServer *seye_prometheus_server_find (GPtrArray    *servers,
                                                   const char   *url);
/* The URL as the source keeps it (no credentials, no trailing slash); NULL with @error when invalid. */
char      *seye_prometheus_server_normalize_url (const char     *url,
                                                 GError        **error) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SeyePrometheusServer, seye_prometheus_server_free)

G_END_DECLS
