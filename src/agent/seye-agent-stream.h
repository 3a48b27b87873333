/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

#include "seye-agent-processes.h"
#include "seye-sample.h"

G_BEGIN_DECLS

#define SEYE_AGENT_STREAM_CONTENT_TYPE    "application/x-ndjson"
#define SEYE_AGENT_STREAM_MAX_SUBSCRIBERS 64    /* streams served at once, at most */
#define SEYE_AGENT_STREAM_HEARTBEAT       2.0   /* seconds without a line before an empty one */
#define SEYE_AGENT_STREAM_MAX_BEHIND      16    /* lines a reader may fall behind before it is dropped */
#define SEYE_AGENT_STREAM_SNDBUF          (16 * 1024)  /* a stream's socket send buffer */

/**
 * SeyeAgentStreamDropFunc:
 * @msg: the stream's message
 * @why: for the debug log
 *
 * Closes the connection of a stream whose reader fell too far behind.
 */
typedef void (*SeyeAgentStreamDropFunc) (SoupServerMessage *msg,
                                         const char        *why,
                                         gpointer           user_data);

#define SEYE_TYPE_AGENT_STREAM (seye_agent_stream_get_type ())
G_DECLARE_FINAL_TYPE (SeyeAgentStream, seye_agent_stream, SEYE, AGENT_STREAM, GObject)

SeyeAgentStream *seye_agent_stream_new               (double                   sample_interval,
                                                      SeyeAgentStreamDropFunc  drop_func,
                                                      gpointer                 user_data) G_GNUC_WARN_UNUSED_RESULT;
void             seye_agent_stream_set_processes     (SeyeAgentStream         *self,
                                                      SeyeAgentProcesses      *processes);
void             seye_agent_stream_set_limits        (SeyeAgentStream         *self,
                                                      guint                    max_subscribers,
                                                      double                   heartbeat);
gboolean         seye_agent_stream_subscribe         (SeyeAgentStream         *self,
                                                      SoupServerMessage       *msg,
                                                      GHashTable              *query,
                                                      SeyeSample              *latest,
                                                      GError                 **error);
void             seye_agent_stream_publish           (SeyeAgentStream         *self,
                                                      SeyeSample              *sample);
guint            seye_agent_stream_get_n_subscribers (SeyeAgentStream         *self);
void             seye_agent_stream_close             (SeyeAgentStream         *self);

G_END_DECLS
