/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/*
 * Settings the preferences window cannot bind with g_settings_bind() alone:
 * a rule whose threshold key also says "off" (a value past its range), and the
 * keep-offline time where 0 means "until removed".
 */
void seye_preferences_bind_optional_rule (GSettings      *settings,
                                          const char     *key,
                                          AdwExpanderRow *row,
                                          GtkAdjustment  *adjustment,
                                          double          off_value);
void seye_preferences_bind_keep_offline  (GSettings      *settings,
                                          AdwComboRow    *row);

G_END_DECLS
