/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A token bucket per client address. */
typedef struct _SeyeAgentRateLimit SeyeAgentRateLimit;

SeyeAgentRateLimit *seye_agent_rate_limit_new       (double              rate,
                                                     guint               burst) G_GNUC_WARN_UNUSED_RESULT;
void                seye_agent_rate_limit_free      (SeyeAgentRateLimit *self);
double              seye_agent_rate_limit_get_rate  (SeyeAgentRateLimit *self);
gboolean            seye_agent_rate_limit_set_rate  (SeyeAgentRateLimit *self,
                                                     double              rate);
guint               seye_agent_rate_limit_get_burst (SeyeAgentRateLimit *self);
gboolean            seye_agent_rate_limit_set_burst (SeyeAgentRateLimit *self,
                                                     guint               burst);
gboolean            seye_agent_rate_limit_take      (SeyeAgentRateLimit *self,
                                                     const char         *address,
                                                     guint              *retry_after);
void                seye_agent_rate_limit_sweep     (SeyeAgentRateLimit *self,
                                                     gint64              now);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SeyeAgentRateLimit, seye_agent_rate_limit_free)

G_END_DECLS
