/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "seye-monitor.h"

G_BEGIN_DECLS

/*
 * Desktop notifications for a monitor's alerts: one when an alert starts (if
 * the "notifications" setting is on), withdrawn when it clears or is
 * acknowledged. Every text from the network is sanitised.
 */
#define SEYE_TYPE_ALERT_NOTIFIER (seye_alert_notifier_get_type ())
G_DECLARE_FINAL_TYPE (SeyeAlertNotifier, seye_alert_notifier, SEYE, ALERT_NOTIFIER, GObject)

SeyeAlertNotifier *seye_alert_notifier_new (GApplication *application,
                                            SeyeMonitor  *monitor,
                                            GSettings    *settings) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
