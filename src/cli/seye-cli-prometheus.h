/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "seye-monitor.h"
#include "seye-prometheus-source.h"

G_BEGIN_DECLS

/* `seye fetch|observe --prometheus URL`: the options, and the source they make. */
typedef struct
{
  char *url;           /* --prometheus */
  char *token_file;    /* --prometheus-token-file */
  char *certificate;   /* --prometheus-certificate */
} SeyeCliPrometheusOptions;

/* The three options, bound to @options; the array is to be g_free()d. */
GOptionEntry         *seye_cli_prometheus_option_entries (SeyeCliPrometheusOptions *options) G_GNUC_WARN_UNUSED_RESULT;
/* The source of --prometheus with its credentials, added to @monitor; NULL
 * without --prometheus, or with @error when an option is wrong. */
SeyePrometheusSource *seye_cli_prometheus_add            (SeyeMonitor              *monitor,
                                                          const SeyeCliPrometheusOptions *options,
                                                          double                    timeout,
                                                          GError                  **error) G_GNUC_WARN_UNUSED_RESULT;
const char           *seye_cli_prometheus_help           (void);

G_END_DECLS
