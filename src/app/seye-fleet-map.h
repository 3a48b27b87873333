/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "seye-node.h"
#include "seye-node-column.h"

G_BEGIN_DECLS

#define SEYE_TYPE_FLEET_MAP (seye_fleet_map_get_type ())
G_DECLARE_FINAL_TYPE (SeyeFleetMap, seye_fleet_map, SEYE, FLEET_MAP, GtkWidget)

GListModel     *seye_fleet_map_get_model         (SeyeFleetMap   *self);
void            seye_fleet_map_set_model         (SeyeFleetMap   *self,
                                                  GListModel     *model);
SeyeNodeColumn  seye_fleet_map_get_metric        (SeyeFleetMap   *self);
void            seye_fleet_map_set_metric        (SeyeFleetMap   *self,
                                                  SeyeNodeColumn  metric);
SeyeNode       *seye_fleet_map_get_selected_node (SeyeFleetMap   *self);
void            seye_fleet_map_set_selected_node (SeyeFleetMap   *self,
                                                  SeyeNode       *node);
/* Gives the keyboard focus to the selected node's tile, or the first one. */
gboolean        seye_fleet_map_focus_selected    (SeyeFleetMap   *self);
/* Shows what changed now (tests; the ticker does it once a second). */
void            seye_fleet_map_refresh           (SeyeFleetMap   *self);

G_END_DECLS
