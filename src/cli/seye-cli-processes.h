/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "seye-proc-processes.h"

G_BEGIN_DECLS

/* A node's processes as `seye fetch --processes` and `seye top` print them:
 * PID USER S CPU% MEM THR READ/s WRITE/s NAME, every cell sanitised. */
typedef enum
{
  SEYE_CLI_PROCESS_PID,
  SEYE_CLI_PROCESS_USER,
  SEYE_CLI_PROCESS_STATE,
  SEYE_CLI_PROCESS_CPU,
  SEYE_CLI_PROCESS_MEMORY,
  SEYE_CLI_PROCESS_THREADS,
  SEYE_CLI_PROCESS_READ,
  SEYE_CLI_PROCESS_WRITE,
  SEYE_CLI_PROCESS_NAME,
  SEYE_CLI_N_PROCESS_COLUMNS
} SeyeCliProcessColumn;

/* A process at this CPU % (of one core) or more keeps a core pegged. */
#define SEYE_CLI_PEGGED_PERCENT 90.0
/* Characters of a user name shown at most. */
#define SEYE_CLI_MAX_USER       12

const char *seye_cli_process_header        (SeyeCliProcessColumn   column);
gboolean    seye_cli_process_right_aligned (SeyeCliProcessColumn   column);
gboolean    seye_cli_process_sort_column   (SeyeCliProcessColumn   column,
                                            SeyeProcessSort        sort);
GStrv       seye_cli_process_cells         (const SeyeProcess     *process) G_GNUC_WARN_UNUSED_RESULT;
gboolean    seye_cli_process_pegged        (const SeyeProcess     *process);
char       *seye_cli_process_totals        (const SeyeProcessList *list) G_GNUC_WARN_UNUSED_RESULT;
const char *seye_cli_process_sort_id       (SeyeProcessSort        sort);
const char *seye_cli_process_sort_title    (SeyeProcessSort        sort);
void        seye_cli_append_processes      (GString               *out,
                                            const SeyeProcessList *list,
                                            SeyeProcessSort        sort,
                                            const char            *indent,
                                            gboolean               color);

G_END_DECLS
