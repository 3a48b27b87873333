/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

#include "seye-proc-processes.h"

G_BEGIN_DECLS

/* GET /v1/processes and /v1/stream?processes=N: scans of ROOT/proc/[pid] only
 * while clients ask or watch. */
#define SEYE_AGENT_PROCESSES_FIRST_MS  250    /* the first window, when nobody asked before */
#define SEYE_AGENT_PROCESSES_SCAN_MS   1000   /* at most one scan this often; this often for streams */
#define SEYE_AGENT_PROCESSES_KEEP_MS   5000   /* scanning stops this long after the last request */
#define SEYE_AGENT_PROCESSES_MAX_LISTS 8      /* different sort and limit pairs streamed at once */

typedef struct _SeyeAgentProcesses SeyeAgentProcesses;

SeyeAgentProcesses *seye_agent_processes_new       (const char         *root) G_GNUC_WARN_UNUSED_RESULT;
void                seye_agent_processes_free      (SeyeAgentProcesses *self);
void                seye_agent_processes_answer    (SeyeAgentProcesses *self,
                                                    SoupServerMessage  *msg,
                                                    SeyeProcessSort     sort,
                                                    guint               limit,
                                                    gboolean            with_argv);
guint64             seye_agent_processes_get_scans (SeyeAgentProcesses *self);
gboolean            seye_agent_processes_watch     (SeyeAgentProcesses *self,
                                                    SeyeProcessSort     sort,
                                                    guint               limit,
                                                    GError            **error);
void                seye_agent_processes_unwatch   (SeyeAgentProcesses *self,
                                                    SeyeProcessSort     sort,
                                                    guint               limit);
GBytes             *seye_agent_processes_get_json  (SeyeAgentProcesses *self,
                                                    SeyeProcessSort     sort,
                                                    guint               limit);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SeyeAgentProcesses, seye_agent_processes_free)

G_END_DECLS
