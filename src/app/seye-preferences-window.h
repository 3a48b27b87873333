/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "seye-preferences-sources.h"
#include "seye-prometheus-servers.h"
#include "seye-store.h"

G_BEGIN_DECLS

#define SEYE_TYPE_PREFERENCES_WINDOW (seye_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (SeyePreferencesWindow, seye_preferences_window, SEYE, PREFERENCES_WINDOW, AdwPreferencesWindow)

GtkWidget *seye_preferences_window_new (GtkWindow *parent);
void       seye_preferences_window_set_store (SeyePreferencesWindow *self,
                                              SeyeStore             *store);
void       seye_preferences_window_set_prometheus_servers (SeyePreferencesWindow *self,
                                                           SeyePrometheusServers *servers);
/* For tests. */
SeyePreferencesSources *_seye_preferences_window_get_sources (SeyePreferencesWindow *self);

/* Adds @host_port to the "manual-nodes" setting after checking it; FALSE and @error when invalid. */
gboolean   seye_preferences_add_manual_node (GSettings   *settings,
                                             const char  *host_port,
                                             GError     **error);
void       seye_preferences_remove_manual_node (GSettings  *settings,
                                                const char *host_port);

G_END_DECLS
