/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "seye-monitor.h"

G_BEGIN_DECLS

/* Exit statuses of `seye fetch`, documented in its --help. */
#define SEYE_EXIT_OK       0
#define SEYE_EXIT_PARTIAL  1
#define SEYE_EXIT_USAGE    2

typedef enum
{
  SEYE_CLI_SORT_NAME,
  SEYE_CLI_SORT_CPU,
  SEYE_CLI_SORT_MEMORY,
  SEYE_CLI_SORT_LOAD,
  SEYE_CLI_SORT_PROCESSES,
  SEYE_CLI_SORT_UPTIME,
  SEYE_CLI_N_SORTS
} SeyeCliSort;

gboolean    seye_cli_parse_sort        (const char   *text,
                                        SeyeCliSort  *sort,
                                        GError      **error);
const char *seye_cli_sort_to_string    (SeyeCliSort   sort);
void        seye_cli_sort_nodes        (GPtrArray    *nodes,
                                        SeyeCliSort   sort);
gboolean    seye_cli_node_matches      (SeyeNode     *node,
                                        const char   *filter);
GPtrArray  *seye_cli_collect_nodes     (SeyeMonitor  *monitor,
                                        const char   *filter,
                                        SeyeCliSort   sort) G_GNUC_WARN_UNUSED_RESULT;
char       *seye_cli_display_address   (SeyeNode     *node) G_GNUC_WARN_UNUSED_RESULT;
const char *seye_cli_state_nick        (SeyeNodeState state);
gboolean    seye_cli_use_color         (int           fd);
gboolean    seye_cli_add_hosts         (SeyeMonitor  *monitor,
                                        char        **hosts,
                                        GError      **error);

G_END_DECLS
