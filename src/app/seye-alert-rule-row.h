/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* What a node does with one alert rule. */
typedef enum
{
  SEYE_ALERT_CHOICE_DEFAULT,    /* the threshold of the preferences */
  SEYE_ALERT_CHOICE_CUSTOM,     /* a threshold of its own */
  SEYE_ALERT_CHOICE_OFF,        /* never alerts */
} SeyeAlertRuleChoice;

#define SEYE_TYPE_ALERT_RULE_ROW (seye_alert_rule_row_get_type ())
G_DECLARE_FINAL_TYPE (SeyeAlertRuleRow, seye_alert_rule_row, SEYE, ALERT_RULE_ROW, GtkWidget)

const char          *seye_alert_rule_row_get_rule    (SeyeAlertRuleRow    *self);
const char          *seye_alert_rule_row_get_node_id (SeyeAlertRuleRow    *self);
void                 seye_alert_rule_row_set_node_id (SeyeAlertRuleRow    *self,
                                                      const char          *node_id);
SeyeAlertRuleChoice  seye_alert_rule_row_get_choice  (SeyeAlertRuleRow    *self);
double               seye_alert_rule_row_get_threshold (SeyeAlertRuleRow  *self);
void                 seye_alert_rule_row_set_choice  (SeyeAlertRuleRow    *self,
                                                      SeyeAlertRuleChoice  choice,
                                                      double               threshold);

G_END_DECLS
