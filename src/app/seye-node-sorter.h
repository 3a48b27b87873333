/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "seye-node-column.h"

G_BEGIN_DECLS

#define SEYE_TYPE_NODE_SORTER (seye_node_sorter_get_type ())
G_DECLARE_FINAL_TYPE (SeyeNodeSorter, seye_node_sorter, SEYE, NODE_SORTER, GtkSorter)

GtkSorter *seye_node_sorter_new         (GtkSorter      *inner) G_GNUC_WARN_UNUSED_RESULT;
void       seye_node_sorter_set_primary (SeyeNodeSorter *self,
                                         int             column);
int        seye_node_sorter_get_primary (SeyeNodeSorter *self);

/* Whether @node has a value of @column now: online with a sample that has it. */
gboolean   seye_node_sorter_has_current_value (SeyeNode       *node,
                                               SeyeNodeColumn  column);

G_END_DECLS
