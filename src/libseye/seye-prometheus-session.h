/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "seye-prometheus-source.h"

G_BEGIN_DECLS

/* A server's credentials for one session, from a token file or the environment
 * ($SEYE_PROMETHEUS_TOKEN; $SEYE_PROMETHEUS_USER and $SEYE_PROMETHEUS_PASSWORD),
 * and its pinned certificate (seye-prometheus-session.c). */
gboolean seye_prometheus_session_apply (SeyePrometheusSource  *source,
                                        const char            *token_file,
                                        const char            *certificate,
                                        GError               **error);

G_END_DECLS
