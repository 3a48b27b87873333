/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "seye-fleet-tile.h"

G_BEGIN_DECLS

#define SEYE_TYPE_FLEET_GROUP (seye_fleet_group_get_type ())
G_DECLARE_FINAL_TYPE (SeyeFleetGroup, seye_fleet_group, SEYE, FLEET_GROUP, GtkWidget)

SeyeFleetGroup *seye_fleet_group_new          (const char     *tag);
const char     *seye_fleet_group_get_tag      (SeyeFleetGroup *self);
GtkFlowBox     *seye_fleet_group_get_flow_box (SeyeFleetGroup *self);
void            seye_fleet_group_add          (SeyeFleetGroup *self,
                                               SeyeFleetTile  *tile);
void            seye_fleet_group_remove       (SeyeFleetGroup *self,
                                               SeyeFleetTile  *tile);
guint           seye_fleet_group_get_n_tiles  (SeyeFleetGroup *self);
/* The tile at @position in the order shown (worst first), or NULL. */
SeyeFleetTile  *seye_fleet_group_get_tile     (SeyeFleetGroup *self,
                                               guint           position);
void            seye_fleet_group_set_tile_size (SeyeFleetGroup *self,
                                                int             size);
/* @tile's state or level changed: moved at the next sort. */
void            seye_fleet_group_tile_changed (SeyeFleetGroup *self,
                                               SeyeFleetTile  *tile);
/* Moves the tiles whose state changed to their places, and with @levels those whose
 * level alone changed; TRUE when one moved. */
gboolean        seye_fleet_group_sort         (SeyeFleetGroup *self,
                                               gboolean        levels);
/* TRUE when a tile waits to be moved. */
gboolean        seye_fleet_group_get_sort_pending (SeyeFleetGroup *self);
/* A tile's name changed: every tile sorted again at the next sort. */
void            seye_fleet_group_tile_renamed (SeyeFleetGroup *self);
/* The header's count and worst state, set again if they changed. */
void            seye_fleet_group_update_header (SeyeFleetGroup *self);
/* The tile in the first (@first) or last row nearest to @x, for the arrow keys. */
SeyeFleetTile  *seye_fleet_group_get_tile_at_edge (SeyeFleetGroup *self,
                                                   gboolean        first,
                                                   double          x);
/* Names in natural order, the untagged group last. */
int             seye_fleet_group_compare_tags (const char     *a,
                                               const char     *b);

G_END_DECLS
