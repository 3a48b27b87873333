/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "seye-monitor.h"
#include "seye-node-column.h"

G_BEGIN_DECLS

/* Exit statuses of `seye fetch`, documented in its --help. */
#define SEYE_EXIT_OK       0
#define SEYE_EXIT_PARTIAL  1
#define SEYE_EXIT_USAGE    2

GOptionContext *seye_cli_option_context_new (const char         *parameter,
                                             const GOptionEntry *entries,
                                             const char         *summary) G_GNUC_WARN_UNUSED_RESULT;
gboolean        seye_cli_parse_options   (GOptionContext  *context,
                                          const char      *command,
                                          const char      *try_help,
                                          int             *argc,
                                          char          ***argv);
gboolean        seye_cli_parse_sort      (const char      *text,
                                          SeyeNodeColumn  *sort,
                                          GError         **error);
SeyeNodeColumn  seye_cli_next_sort       (SeyeNodeColumn   sort,
                                          int              step);
void            seye_cli_sort_nodes      (GPtrArray       *nodes,
                                          SeyeNodeColumn   sort);
GPtrArray      *seye_cli_collect_nodes   (SeyeMonitor     *monitor,
                                          const char      *filter,
                                          SeyeNodeColumn   sort) G_GNUC_WARN_UNUSED_RESULT;
char           *seye_cli_display_address (SeyeNode        *node) G_GNUC_WARN_UNUSED_RESULT;
const char     *seye_cli_state_nick      (SeyeNodeState    state);
gboolean        seye_cli_use_color       (int              fd);
/* "30m", "2h", "7d", "90s", "1w" ago, "now", or an ISO 8601 date (and time). */
gboolean        seye_cli_parse_time      (const char      *text,
                                          gint64           now_ms,
                                          gint64          *time_ms,
                                          GError         **error);
gboolean        seye_cli_add_hosts       (SeyeMonitor     *monitor,
                                          char           **hosts,
                                          GError         **error);

G_END_DECLS
