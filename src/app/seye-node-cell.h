/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "seye-node.h"
#include "seye-node-column.h"

G_BEGIN_DECLS

#define SEYE_TYPE_NODE_CELL (seye_node_cell_get_type ())
G_DECLARE_FINAL_TYPE (SeyeNodeCell, seye_node_cell, SEYE, NODE_CELL, GtkWidget)

GtkWidget      *seye_node_cell_new        (SeyeNodeColumn  column);
SeyeNodeColumn  seye_node_cell_get_column (SeyeNodeCell   *self);
SeyeNode       *seye_node_cell_get_node   (SeyeNodeCell   *self);
void            seye_node_cell_set_node   (SeyeNodeCell   *self,
                                           SeyeNode       *node);
const char     *seye_node_cell_get_text   (SeyeNodeCell   *self);

G_END_DECLS
