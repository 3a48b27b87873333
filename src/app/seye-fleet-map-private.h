/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "seye-fleet-group.h"
#include "seye-fleet-map.h"
#include "seye-fleet-tile.h"

#include "seye-resort-hold.h"

G_BEGIN_DECLS

struct _SeyeFleetMap
{
  GtkWidget         parent_instance;

  /* Template widgets */
  GtkWidget        *scrolled_window;
  GtkBox           *groups_box;

  /* Owned */
  GListModel       *model;
  GPtrArray        *nodes;        /* the model's items, in its order */
  GHashTable       *tiles;        /* SeyeNode → SeyeFleetTile (a child of its group) */
  GHashTable       *groups;       /* tag ("" untagged) → SeyeFleetGroup (a child of groups_box) */
  GPtrArray        *dirty_groups; /* borrowed: groups whose tiles changed since the last tick */
  SeyeNode         *selected;
  GSettings        *settings;
  GSimpleActionGroup *actions;    /* "map": the metric, a setting */

  SeyeFleetPalette  palette;
  SeyeNodeColumn    metric;
  SeyeResortHold    hold;
  int               tile_size;
  int               last_width;
  int               last_height;
  gint64            next_level_sort; /* monotonic: tiles whose level alone moved are moved then */
  gint64            sort_at;      /* monotonic: when sort_source runs */
  guint             sort_source;
  guint             size_source;
  gboolean          palette_valid;
  gboolean          stale;        /* changes came while it was not on screen */
  gboolean          syncing;      /* setting the selection: not the user's */
};

#define _SEYE_FLEET_MAP_LARGEST_TILE 28

/* seye-fleet-map-layout.c: colours and tile size. */
void     _seye_fleet_map_ensure_palette       (SeyeFleetMap *self);
void     _seye_fleet_map_style_changed        (SeyeFleetMap *self);
void     _seye_fleet_map_queue_tile_size      (SeyeFleetMap *self);
gboolean _seye_fleet_map_update_tile_size_cb  (gpointer      data);

/* For tests: the groups in the order shown, and the tile of a node. */
guint           _seye_fleet_map_get_n_groups (SeyeFleetMap *self);
SeyeFleetGroup *_seye_fleet_map_get_group    (SeyeFleetMap *self,
                                              guint         position);
SeyeFleetTile  *_seye_fleet_map_get_tile     (SeyeFleetMap *self,
                                              SeyeNode     *node);
int             _seye_fleet_map_get_tile_size (SeyeFleetMap *self);

G_END_DECLS
