/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "seye-node.h"

G_BEGIN_DECLS

typedef enum
{
  SEYE_GRAPH_CPU,       /* user / system / iowait, stacked, 0..100 % */
  SEYE_GRAPH_CORES,     /* one small graph per core */
  SEYE_GRAPH_MEMORY,    /* memory and swap, 0..100 % */
  SEYE_GRAPH_LOAD,      /* load 1 / 5 / 15, scaled to fit */
  SEYE_GRAPH_NETWORK,   /* received / sent, bytes per second, scaled to fit */
  SEYE_GRAPH_DISK,      /* read / written, bytes per second, scaled to fit */
} SeyeGraphKind;

#define SEYE_TYPE_GRAPH_KIND (seye_graph_kind_get_type ())
GType seye_graph_kind_get_type (void) G_GNUC_CONST;

/* The longest live range: what a node keeps of its samples (seye-history.h). */
#define SEYE_GRAPH_MAX_WINDOW SEYE_HISTORY_LIVE_SECONDS /* seconds */

#define SEYE_TYPE_GRAPH (seye_graph_get_type ())
G_DECLARE_FINAL_TYPE (SeyeGraph, seye_graph, SEYE, GRAPH, GtkWidget)

GtkWidget     *seye_graph_new           (SeyeGraphKind  kind);
SeyeGraphKind  seye_graph_get_kind      (SeyeGraph     *self);
SeyeNode      *seye_graph_get_node      (SeyeGraph     *self);
void           seye_graph_set_node      (SeyeGraph     *self,
                                         SeyeNode      *node);
guint          seye_graph_get_window    (SeyeGraph     *self);
void           seye_graph_set_window    (SeyeGraph     *self,
                                         guint          seconds);
guint          seye_graph_get_n_points  (SeyeGraph     *self);
guint64        seye_graph_get_n_samples_received (SeyeGraph *self);
guint64        seye_graph_get_n_draws   (SeyeGraph     *self);

void           seye_graph_set_history   (SeyeGraph     *self,
                                         GPtrArray     *points,
                                         gint64         from_ms,
                                         gint64         to_ms);
void           seye_graph_clear_history (SeyeGraph     *self);
gboolean       seye_graph_get_showing_history (SeyeGraph *self);
gboolean       seye_graph_get_time_range (SeyeGraph    *self,
                                          gint64       *first_ms,
                                          gint64       *last_ms);
const char    *seye_graph_get_cursor_description (SeyeGraph *self);

G_END_DECLS
