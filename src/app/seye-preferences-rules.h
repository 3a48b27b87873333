/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/*
 * Settings the preferences window cannot bind with g_settings_bind() alone:
 * a rule whose threshold key also says "off" (a value past its range), and a
 * row of choices whose last, 0, means "none" (keep-offline "until removed",
 * history-budget "no limit").
 */
void seye_preferences_bind_optional_rule (GSettings      *settings,
                                          const char     *key,
                                          AdwExpanderRow *row,
                                          GtkAdjustment  *adjustment,
                                          double          off_value);
void seye_preferences_bind_keep_offline  (GSettings      *settings,
                                          AdwComboRow    *row);
void seye_preferences_bind_choices       (GSettings      *settings,
                                          const char     *key,
                                          AdwComboRow    *row,
                                          const gint64   *choices,
                                          guint           n_choices);

G_END_DECLS
