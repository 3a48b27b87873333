/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "seye-node.h"
#include "seye-node-column.h"

G_BEGIN_DECLS

/* What a tile's colour says: its node's state first; online, how busy it is. */
typedef enum
{
  SEYE_FLEET_SHADE_ONLINE,      /* filled, by the level of its metric */
  SEYE_FLEET_SHADE_ALERTING,    /* filled, with a mark */
  SEYE_FLEET_SHADE_OFFLINE,     /* offline, untrusted, incompatible: an outline */
  SEYE_FLEET_SHADE_STALE,       /* not responding */
  SEYE_FLEET_SHADE_LEFT,
  SEYE_FLEET_SHADE_PAIRING,
  SEYE_FLEET_SHADE_CONNECTING,  /* and online without a value yet */
  SEYE_FLEET_N_SHADES
} SeyeFleetShade;

/* Online tiles by tens of percent: 0-9 % … 90-100 %. */
#define SEYE_FLEET_N_LEVELS 10

/* The colours, looked up by the map once per style change and shared by its tiles. */
typedef struct
{
  GdkRGBA shades[SEYE_FLEET_N_SHADES];
  GdkRGBA fills[SEYE_FLEET_N_SHADES];     /* inside an outline */
  GdkRGBA levels[SEYE_FLEET_N_LEVELS];
  GdkRGBA mark;
} SeyeFleetPalette;

#define SEYE_TYPE_FLEET_TILE (seye_fleet_tile_get_type ())
G_DECLARE_FINAL_TYPE (SeyeFleetTile, seye_fleet_tile, SEYE, FLEET_TILE, GtkFlowBoxChild)

SeyeFleetTile  *seye_fleet_tile_new               (SeyeNode               *node,
                                                   const SeyeFleetPalette *palette);
SeyeNode       *seye_fleet_tile_get_node          (SeyeFleetTile          *self);
/* The node's first tag (sanitised), or NULL: the group it belongs to. */
const char     *seye_fleet_tile_get_group         (SeyeFleetTile          *self);
gboolean        seye_fleet_tile_update_group      (SeyeFleetTile          *self);
void            seye_fleet_tile_update_name       (SeyeFleetTile          *self);
/* Reads the node again; TRUE when its look, its state or its place changed. */
gboolean        seye_fleet_tile_update            (SeyeFleetTile          *self,
                                                   SeyeNodeColumn          metric);
void            seye_fleet_tile_update_accessible (SeyeFleetTile          *self,
                                                   SeyeNodeColumn          metric);
void            seye_fleet_tile_set_size          (SeyeFleetTile          *self,
                                                   int                     size);
int             seye_fleet_tile_get_rank          (SeyeFleetTile          *self);
SeyeFleetShade  seye_fleet_tile_get_shade         (SeyeFleetTile          *self);
/* The state and level read last become the key it sorts by; TRUE when that changed
 * (it must then be moved: gtk_flow_box_child_changed()). Without @levels, only a new
 * state is taken (with its level); a level that moved alone stays pending. */
gboolean        seye_fleet_tile_take_sort_key     (SeyeFleetTile          *self,
                                                   gboolean                levels);
/* TRUE when what it shows would sort it elsewhere than the key it was sorted by. */
gboolean        seye_fleet_tile_get_sort_key_pending (SeyeFleetTile       *self);
/* Worst first by the key taken last: the status rank, then the metric's level highest
 * first, then the name. */
int             seye_fleet_tile_compare           (SeyeFleetTile          *a,
                                                   SeyeFleetTile          *b);
const char     *seye_fleet_tile_get_description   (SeyeFleetTile          *self);

G_END_DECLS
