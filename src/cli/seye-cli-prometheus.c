/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "seye-cli-prometheus.h"
#include "seye-error.h"
#include "seye-sanitize.h"

/*
 * Nodes from a Prometheus server for one session. Credentials never go on the
 * command line, where every user sees them in ps: a bearer token comes from
 * --prometheus-token-file or $SEYE_PROMETHEUS_TOKEN, basic auth from
 * $SEYE_PROMETHEUS_USER and $SEYE_PROMETHEUS_PASSWORD (or user:password@ in
 * the URL, for a password that is no secret).
 */

GOptionEntry *
seye_cli_prometheus_option_entries (SeyeCliPrometheusOptions *options)
{
  const GOptionEntry entries[] = {
    { "prometheus", 0, 0, G_OPTION_ARG_STRING, &options->url,
      N_("Take the nodes from this Prometheus server (those with node_exporter’s metrics) instead of mDNS"),
      N_("URL") },
    { "prometheus-token-file", 0, 0, G_OPTION_ARG_FILENAME, &options->token_file,
      N_("Send the bearer token in FILE to --prometheus (else $SEYE_PROMETHEUS_TOKEN; basic auth: "
         "$SEYE_PROMETHEUS_USER and $SEYE_PROMETHEUS_PASSWORD)"), N_("FILE") },
    { "prometheus-certificate", 0, 0, G_OPTION_ARG_FILENAME, &options->certificate,
      N_("Trust only this certificate (PEM) for an https:// --prometheus, instead of the system’s CAs"),
      N_("FILE") },
    { NULL }
  };

  return g_memdup2 (entries, sizeof entries);
}

const char *
seye_cli_prometheus_help (void)
{
  return _("With --prometheus the nodes are the targets of that server that expose node_exporter’s\n"
           "metrics (our agent’s or node_exporter’s), refreshed at its scrape interval; processes\n"
           "and actions are not available from Prometheus. A token goes in --prometheus-token-file\n"
           "or $SEYE_PROMETHEUS_TOKEN; basic auth in $SEYE_PROMETHEUS_USER and $SEYE_PROMETHEUS_PASSWORD.\n");
}

static char *
read_token (const char  *path,
            GError     **error)
{
  g_autofree char *contents = NULL;
  g_autoptr (GError) local = NULL;

  if (!g_file_get_contents (path, &contents, NULL, &local))
    {
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG, _("cannot read the token: %s"), local->message);
      return NULL;
    }

  g_strstrip (contents);
  if (contents[0] == '\0' || strchr (contents, '\n') != NULL || strchr (contents, '\r') != NULL)
    {
      g_autofree char *shown = seye_sanitize_display (path);

      g_set_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG, _("%s does not hold one token on one line"), shown);
      return NULL;
    }

  return g_steal_pointer (&contents);
}

/**
 * seye_cli_prometheus_add:
 * @timeout: seconds the server has to answer a request
 *
 * Returns: (transfer full) (nullable): the source, added to @monitor.
 */
SeyePrometheusSource *
seye_cli_prometheus_add (SeyeMonitor                    *monitor,
                         const SeyeCliPrometheusOptions *options,
                         double                          timeout,
                         GError                        **error)
{
  g_autoptr (SeyePrometheusSource) source = NULL;
  g_autofree char *token = NULL;
  const char *user = g_getenv ("SEYE_PROMETHEUS_USER");

  if (options->url == NULL)
    {
      if (options->token_file != NULL || options->certificate != NULL)
        g_set_error_literal (error, SEYE_ERROR, SEYE_ERROR_CONFIG,
                             _("--prometheus-token-file and --prometheus-certificate go with --prometheus URL"));
      return NULL;
    }

  source = seye_prometheus_source_new (options->url, error);
  if (source == NULL)
    return NULL;

  if (options->token_file != NULL && (token = read_token (options->token_file, error)) == NULL)
    return NULL;
  if (token == NULL && g_getenv ("SEYE_PROMETHEUS_TOKEN") != NULL && g_getenv ("SEYE_PROMETHEUS_TOKEN")[0] != '\0')
    token = g_strdup (g_getenv ("SEYE_PROMETHEUS_TOKEN"));

  if (token != NULL)
    seye_prometheus_source_set_bearer_token (source, token);
  else if (user != NULL && user[0] != '\0')
    seye_prometheus_source_set_basic_auth (source, user, g_getenv ("SEYE_PROMETHEUS_PASSWORD"));

  if (token != NULL)
    memset (token, 0, strlen (token));

  if (options->certificate != NULL &&
      !seye_prometheus_source_set_tls_certificate_file (source, options->certificate, error))
    return NULL;

  seye_prometheus_source_set_timeout (source, timeout);
  seye_monitor_add_source (monitor, SEYE_SOURCE (source));

  return g_steal_pointer (&source);
}
