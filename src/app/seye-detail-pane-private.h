/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "seye-detail-pane.h"
#include "seye-process-view.h"
#include "seye-source.h"

G_BEGIN_DECLS

#define MAX_HISTORY_WINDOW (7 * 24 * 3600)   /* seconds */

/*
 * One type across files: seye-detail-pane.c holds the widget, its properties and the
 * labels about the node; seye-detail-pane-pairing.c the pairing notice and the
 * Connection row; seye-detail-pane-history.c the long ranges read from the store and
 * the export of the history to a file; seye-detail-pane-actions.c the node's named
 * actions. Its processes are a widget of their own (SeyeProcessView).
 */
struct _SeyeDetailPane
{
  GtkWidget   parent_instance;

  /* Template widgets */
  GtkStack   *stack;
  GtkWidget  *pairing_box;
  GtkImage   *pairing_icon;
  GtkLabel   *pairing_title;
  GtkLabel   *pairing_body;
  GtkButton  *pairing_button;
  GtkLabel   *connection_label;
  GtkButton  *forget_button;
  GtkButton  *copy_fingerprint_button;
  GtkLabel   *title_label;
  GtkLabel   *os_label;          /* host name · OS · kernel · arch */
  GtkLabel   *state_label;
  GtkInscription *alerts_label;  /* "CPU 96 % · Memory 98 %", under the state */
  const char *state_class;       /* "error", "warning", "success" or NULL */
  GtkButton  *acknowledge_button;
  GtkLabel   *cpu_model_label;
  GtkLabel   *address_label;
  GtkLabel   *agent_label;
  GtkLabel   *uptime_label;
  /* Inscriptions: values that change every second must not lay the pane out again. */
  GtkInscription *cpu_value_label;
  GtkInscription *cores_value_label;
  GtkInscription *memory_value_label;
  GtkInscription *load_value_label;
  GtkInscription *network_value_label;
  GtkInscription *disk_value_label;
  SeyeGraph  *cpu_graph;
  SeyeGraph  *cores_graph;
  SeyeGraph  *memory_graph;
  SeyeGraph  *load_graph;
  SeyeGraph  *network_graph;
  SeyeGraph  *disk_graph;
  GtkBox     *interfaces_box;
  GtkBox     *filesystems_box;
  GtkBox     *alert_rules_box;
  GtkExpander *alert_rules_expander;
  GtkExpander *details_expander;
  GtkExpander *processes_expander;
  SeyeProcessView *process_view;
  GtkWidget  *actions_box;
  GtkFlowBox *actions_flow;

  /* Owned */
  SeyeNode             *node;
  SeyeStore            *store;
  GSettings            *settings;
  GCancellable         *query_cancellable;
  GCancellable         *export_cancellable;
  GtkFileChooserNative *export_dialog;
  GtkFileFilter        *json_filter;
  GFile                *export_file;
  char                 *fingerprint;     /* the pinned one in full, while shown */
  GCancellable         *actions_cancellable;
  GHashTable           *action_runs;     /* "node key\naction" -> GCancellable of the run */
  GtkWidget            *action_dialog;   /* weak: the last one about an action */
  SeyeNode             *actions_node;    /* compared only: the node the buttons are for */
  gboolean              actions_listed;

  guint       window;
  gint64      query_to_ms;       /* right edge of the last query, 0 when none */
  gint64      refresh_ms;        /* how much newer a sample must be to query again */
  gboolean    values_dirty;
  gboolean    history_dirty;
};

/* Longer than the live series a graph keeps: read from the store. */
static inline gboolean
_seye_detail_pane_is_history_window (guint seconds)
{
  return seconds > SEYE_GRAPH_MAX_WINDOW;
}

/* seye-detail-pane.c */
void     _seye_detail_pane_set_label            (GtkLabel       *label,
                                                 const char     *text);
SeyeSource *_seye_detail_pane_get_source        (SeyeDetailPane *self,
                                                 SeyeNode       *node);

/* seye-detail-pane-actions.c */
void     _seye_detail_pane_actions_init         (SeyeDetailPane *self);
void     _seye_detail_pane_actions_dispose      (SeyeDetailPane *self);
void     _seye_detail_pane_update_actions       (SeyeDetailPane *self);

/* seye-detail-pane-pairing.c */
void     _seye_detail_pane_follow_pairing       (SeyeDetailPane *self,
                                                 SeyeNode       *node);
void     _seye_detail_pane_update_pairing       (SeyeDetailPane *self);
void     _seye_detail_pane_copy_fingerprint_action (GtkWidget   *widget,
                                                    const char  *action_name,
                                                    GVariant    *param);

/* seye-detail-pane-disks.c */
void     _seye_detail_pane_update_disks         (SeyeDetailPane *self);

/* seye-detail-pane-history.c */
void     _seye_detail_pane_reload_history       (SeyeDetailPane *self);
void     _seye_detail_pane_show_live            (SeyeDetailPane *self);
void     _seye_detail_pane_history_sample_added (SeyeDetailPane *self,
                                                 SeyeSample     *sample);
void     _seye_detail_pane_history_dispose      (SeyeDetailPane *self);
void     _seye_detail_pane_update_export_action (SeyeDetailPane *self);
void     _seye_detail_pane_export_action        (GtkWidget      *widget,
                                                 const char     *action_name,
                                                 GVariant       *param);

G_END_DECLS
