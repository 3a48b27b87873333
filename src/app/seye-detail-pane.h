/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "seye-graph.h"
#include "seye-node.h"
#include "seye-process-view.h"
#include "seye-store.h"

G_BEGIN_DECLS

#define SEYE_TYPE_DETAIL_PANE (seye_detail_pane_get_type ())
G_DECLARE_FINAL_TYPE (SeyeDetailPane, seye_detail_pane, SEYE, DETAIL_PANE, GtkWidget)

SeyeNode  *seye_detail_pane_get_node   (SeyeDetailPane *self);
void       seye_detail_pane_set_node   (SeyeDetailPane *self,
                                        SeyeNode       *node);
guint      seye_detail_pane_get_window (SeyeDetailPane *self);
void       seye_detail_pane_set_window (SeyeDetailPane *self,
                                        guint           seconds);
SeyeStore *seye_detail_pane_get_store  (SeyeDetailPane *self);
void       seye_detail_pane_set_store  (SeyeDetailPane *self,
                                        SeyeStore      *store);
SeyeGraph *seye_detail_pane_get_graph  (SeyeDetailPane *self,
                                        SeyeGraphKind   kind);
/* The header's text, for tests: "name\nhost name · os\n..." */
char      *seye_detail_pane_dup_summary (SeyeDetailPane *self) G_GNUC_WARN_UNUSED_RESULT;
/* For tests: the pairing notice ("title\nbody", NULL when hidden), its button, the Connection row. */
char      *_seye_detail_pane_dup_pairing_notice (SeyeDetailPane *self) G_GNUC_WARN_UNUSED_RESULT;
GtkButton *_seye_detail_pane_get_pairing_button (SeyeDetailPane *self);
GtkButton *_seye_detail_pane_get_forget_button  (SeyeDetailPane *self);
const char *_seye_detail_pane_get_connection    (SeyeDetailPane *self);
const char *_seye_detail_pane_get_fingerprint   (SeyeDetailPane *self);
/* For tests: the boxes of SeyeUsageRows of filesystems and network interfaces. */
GtkWidget  *_seye_detail_pane_get_filesystems_box (SeyeDetailPane *self);
GtkWidget  *_seye_detail_pane_get_interfaces_box  (SeyeDetailPane *self);
/* For tests: the SeyeAlertRuleRow of @rule ("cpu", "memory", ...). */
GtkWidget  *_seye_detail_pane_get_alert_rule_row  (SeyeDetailPane *self,
                                                   const char     *rule);
/* For tests: the open Export History dialog, NULL when none. */
GtkFileChooser *_seye_detail_pane_get_export_dialog (SeyeDetailPane *self);
/* For tests: the line over the CPU graph (now, or a past range's average and maximum). */
char       *_seye_detail_pane_dup_cpu_values      (SeyeDetailPane *self) G_GNUC_WARN_UNUSED_RESULT;

/* For tests: the Processes section and its expander; the button of action @name (NULL
 * when not shown), the open dialog about an action (confirmation or result) and its
 * text ("heading\nbody\noutput"). */
SeyeProcessView  *_seye_detail_pane_get_process_view       (SeyeDetailPane *self);
GtkExpander      *_seye_detail_pane_get_processes_expander (SeyeDetailPane *self);
GtkButton        *_seye_detail_pane_get_action_button      (SeyeDetailPane *self,
                                                            const char     *name);
AdwMessageDialog *_seye_detail_pane_get_action_dialog      (SeyeDetailPane *self);
char             *_seye_detail_pane_dup_action_dialog_text (SeyeDetailPane *self) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
