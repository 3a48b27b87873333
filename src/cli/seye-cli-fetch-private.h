/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "seye-cli-fetch.h"
#include "seye-monitor.h"

G_BEGIN_DECLS

/* A node's processes, or why there are none. */
typedef struct
{
  SeyeProcessList *list;
  char            *error;     /* in words, sanitised; NULL with a list */
} SeyeCliFetchProcesses;

const char *_seye_cli_fetch_processes_error (GHashTable      *processes,
                                             SeyeNode        *node);
/* @processes: SeyeNode → SeyeCliFetchProcesses; NULL without --processes. */
void        _seye_cli_fetch_print_json   (GPtrArray       *nodes,
                                          GHashTable      *processes,
                                          SeyeProcessSort  process_sort);

G_END_DECLS
