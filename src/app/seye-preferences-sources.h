/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "seye-prometheus-servers.h"

G_BEGIN_DECLS

#define SEYE_TYPE_PREFERENCES_SOURCES (seye_preferences_sources_get_type ())
G_DECLARE_FINAL_TYPE (SeyePreferencesSources, seye_preferences_sources, SEYE, PREFERENCES_SOURCES, AdwPreferencesPage)

void seye_preferences_sources_set_servers (SeyePreferencesSources *self,
                                           SeyePrometheusServers  *servers);

/* For tests. */
void        _seye_preferences_sources_fill      (SeyePreferencesSources *self,
                                                 const char             *url,
                                                 SeyePrometheusAuth      auth,
                                                 const char             *user,
                                                 const char             *secret,
                                                 const char             *certificate);
gboolean    _seye_preferences_sources_add       (SeyePreferencesSources *self);
const char *_seye_preferences_sources_get_state (SeyePreferencesSources *self,
                                                 const char             *url);

G_END_DECLS
