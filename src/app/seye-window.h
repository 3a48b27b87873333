/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "seye-monitor.h"

G_BEGIN_DECLS

#define SEYE_TYPE_WINDOW (seye_window_get_type ())
G_DECLARE_FINAL_TYPE (SeyeWindow, seye_window, SEYE, WINDOW, AdwApplicationWindow)

SeyeWindow  *seye_window_new          (AdwApplication *application,
                                       SeyeMonitor    *monitor);
SeyeMonitor *seye_window_get_monitor  (SeyeWindow     *self);
void         seye_window_show_node    (SeyeWindow     *self,
                                       SeyeNode       *node);
void         seye_window_show_history_notice (SeyeWindow *self,
                                              const char *message);
void         seye_window_show_sources_notice (SeyeWindow *self,
                                              const char *message);
void         seye_window_add_toast    (SeyeWindow     *self,
                                       AdwToast       *toast);

G_END_DECLS
