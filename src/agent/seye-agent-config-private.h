/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The checks and parsers of settings that the settings table cannot say
 * (seye-agent-config-checks.c); each takes the setting's field. */
gboolean _seye_agent_config_check_name           (gconstpointer   field,
                                                  GError        **error);
gboolean _seye_agent_config_check_node_id        (gconstpointer   field,
                                                  GError        **error);
gboolean _seye_agent_config_check_bind           (gconstpointer   field,
                                                  GError        **error);
gboolean _seye_agent_config_check_tags           (gconstpointer   field,
                                                  GError        **error);
gboolean _seye_agent_config_parse_auth           (const char     *text,
                                                  int            *auth);
gboolean _seye_agent_config_parse_api_access     (const char     *text,
                                                  int            *access);
gboolean _seye_agent_config_parse_metrics_access (const char     *text,
                                                  int            *access);

G_END_DECLS
