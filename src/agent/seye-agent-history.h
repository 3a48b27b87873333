/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The samples the agent keeps for /v1/history: the newest as their JSON, the
 * older ones deflated in blocks. */
typedef struct _SeyeAgentHistory SeyeAgentHistory;

/* A /v1/history answer as it is written, a piece at a time. */
typedef struct _SeyeAgentHistoryBody SeyeAgentHistoryBody;

SeyeAgentHistory     *seye_agent_history_new         (guint                 length) G_GNUC_WARN_UNUSED_RESULT;
void                  seye_agent_history_free        (SeyeAgentHistory     *self);
void                  seye_agent_history_clear       (SeyeAgentHistory     *self);
void                  seye_agent_history_add         (SeyeAgentHistory     *self,
                                                      gint64                time_ms,
                                                      GBytes               *json);
gint64                seye_agent_history_get_last_time_ms (SeyeAgentHistory *self);

SeyeAgentHistoryBody *seye_agent_history_body_new    (SeyeAgentHistory     *history,
                                                      gint64                since) G_GNUC_WARN_UNUSED_RESULT;
void                  seye_agent_history_body_free   (SeyeAgentHistoryBody *body);
gsize                 seye_agent_history_body_length (SeyeAgentHistoryBody *body);
GBytes               *seye_agent_history_body_next   (SeyeAgentHistoryBody *body,
                                                      gboolean             *damaged) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SeyeAgentHistory, seye_agent_history_free)

G_END_DECLS
