/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "seye-cli-prometheus.h"
#include "seye-error.h"
#include "seye-prometheus-session.h"
#include "seye-sanitize.h"

/*
 * Nodes from a Prometheus server for one session; its credentials as
 * seye_prometheus_session_apply() takes them (never on the command line).
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

  if (!seye_prometheus_session_apply (source, options->token_file, options->certificate, error))
    return NULL;

  seye_prometheus_source_set_timeout (source, timeout);
  seye_monitor_add_source (monitor, SEYE_SOURCE (source));

  return g_steal_pointer (&source);
}
