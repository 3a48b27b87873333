/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "seye-store.h"

G_BEGIN_DECLS

/**
 * SeyeAlertLog:
 *
 * The alert log of the history database: every alert that started, cleared or was
 * acknowledged as far back as the history goes (the longest rollup tier, 90 days by
 * default), newest first, with a search entry that keeps the rows of the nodes whose
 * name (or id) holds its text.
 * Read again whenever the store writes alert events ("alert-events-written"), and
 * every few seconds when another program records into a store this one only reads.
 */
#define SEYE_TYPE_ALERT_LOG (seye_alert_log_get_type ())
G_DECLARE_FINAL_TYPE (SeyeAlertLog, seye_alert_log, SEYE, ALERT_LOG, AdwWindow)

SeyeAlertLog *seye_alert_log_new (GtkWindow *parent,
                                  SeyeStore *store);
void          seye_alert_log_reload (SeyeAlertLog *self);

/* For tests. */
guint         _seye_alert_log_get_n_shown    (SeyeAlertLog *self);
char         *_seye_alert_log_get_row_text   (SeyeAlertLog *self,
                                              guint         index) G_GNUC_WARN_UNUSED_RESULT;
void          _seye_alert_log_set_search     (SeyeAlertLog *self,
                                              const char   *text);
const char   *_seye_alert_log_get_page       (SeyeAlertLog *self);

G_END_DECLS
