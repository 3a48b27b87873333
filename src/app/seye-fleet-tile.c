/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-fleet-map"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "seye-clock.h"
#include "seye-fleet-tile.h"
#include "seye-sanitize.h"

/* One node in the fleet map: a small square in the colour of its state, or of how
 * busy it is when it is online. It keeps what it shows (shade, level, rank) and
 * draws again only when that changes; it has no child widgets and holds no strings
 * but its name's: nothing is allocated when its node's values move within a step. */
struct _SeyeFleetTile
{
  GtkFlowBoxChild         parent_instance;

  /* Owned */
  SeyeNode               *node;
  char                   *group;        /* first tag, sanitised; NULL: untagged */
  char                   *name_key;     /* collation key of the name, for sorting */
  char                   *description;  /* what the accessible description says */

  /* Borrowed */
  const SeyeFleetPalette *palette;      /* the map's */

  SeyeFleetShade          shade;
  int                     level;        /* 0 … SEYE_FLEET_N_LEVELS - 1, -1: no value */
  int                     rank;         /* seye_node_status_rank() */
  /* The key it was sorted by, which the flow box's order follows: the other tiles keep
   * theirs while one is moved, so each move is a binary search in a sorted sequence. */
  int                     sorted_level;
  int                     sorted_rank;
  SeyeNodeState           state;        /* what the description says, even where the look does not */
  int                     size;
};

G_DEFINE_FINAL_TYPE (SeyeFleetTile, seye_fleet_tile, GTK_TYPE_FLOW_BOX_CHILD)

#define DEFAULT_SIZE 16

/* The state first: a node whose data does not come in is an outline (offline, even
 * when that is its alert, is not a hot node); one that sends its data is filled, red
 * when it alerts. */
static SeyeFleetShade
shade_of (SeyeNode *node,
          int       level)
{
  switch (seye_node_get_state (node))
    {
    case SEYE_NODE_STATE_ONLINE:
      if (seye_node_get_alerting (node))
        return SEYE_FLEET_SHADE_ALERTING;
      return level >= 0 ? SEYE_FLEET_SHADE_ONLINE : SEYE_FLEET_SHADE_CONNECTING;
    case SEYE_NODE_STATE_STALE:
    case SEYE_NODE_STATE_NOT_RESPONDING:
      return SEYE_FLEET_SHADE_STALE;
    case SEYE_NODE_STATE_OFFLINE:
    case SEYE_NODE_STATE_INCOMPATIBLE:
    case SEYE_NODE_STATE_UNTRUSTED:
      return SEYE_FLEET_SHADE_OFFLINE;
    case SEYE_NODE_STATE_LEFT:
      return SEYE_FLEET_SHADE_LEFT;
    case SEYE_NODE_STATE_NEEDS_PAIRING:
      return SEYE_FLEET_SHADE_PAIRING;
    case SEYE_NODE_STATE_CONNECTING:
    default:
      return seye_node_get_alerting (node) ? SEYE_FLEET_SHADE_ALERTING : SEYE_FLEET_SHADE_CONNECTING;
    }
}

static int
level_of (double value)
{
  if (!(value >= 0))
    return -1;

  return CLAMP ((int) (value / (100.0 / SEYE_FLEET_N_LEVELS)), 0, SEYE_FLEET_N_LEVELS - 1);
}

static void
seye_fleet_tile_snapshot (GtkWidget   *widget,
                          GtkSnapshot *snapshot)
{
  SeyeFleetTile *self = SEYE_FLEET_TILE (widget);
  float width = gtk_widget_get_width (widget);
  float height = gtk_widget_get_height (widget);
  float radius = MAX (2.0f, width / 6.0f);
  GskRoundedRect rect;

  if (self->palette == NULL || width <= 0 || height <= 0)
    return;

  gsk_rounded_rect_init_from_rect (&rect, &GRAPHENE_RECT_INIT (0, 0, width, height), radius);

  switch (self->shade)
    {
    case SEYE_FLEET_SHADE_ONLINE:
    case SEYE_FLEET_SHADE_ALERTING:
    case SEYE_FLEET_SHADE_CONNECTING:
      {
        const GdkRGBA *fill = self->shade == SEYE_FLEET_SHADE_ONLINE
                              ? &self->palette->levels[MAX (self->level, 0)]
                              : &self->palette->shades[self->shade];

        gtk_snapshot_push_rounded_clip (snapshot, &rect);
        gtk_snapshot_append_color (snapshot, fill, &rect.bounds);
        gtk_snapshot_pop (snapshot);
      }
      break;

    case SEYE_FLEET_SHADE_OFFLINE:
    case SEYE_FLEET_SHADE_STALE:
    case SEYE_FLEET_SHADE_LEFT:
    case SEYE_FLEET_SHADE_PAIRING:
    case SEYE_FLEET_N_SHADES:
    default:
      {
        /* Nothing comes in: an outline, the same colour through, so it reads without colour too. */
        const GdkRGBA *line = &self->palette->shades[self->shade];
        float w = width >= 14 ? 2.0f : 1.5f;

        gtk_snapshot_push_rounded_clip (snapshot, &rect);
        gtk_snapshot_append_color (snapshot, &self->palette->fills[self->shade], &rect.bounds);
        gtk_snapshot_pop (snapshot);
        gtk_snapshot_append_border (snapshot, &rect, (float[4]) { w, w, w, w },
                                    (GdkRGBA[4]) { *line, *line, *line, *line });
      }
      break;
    }

  /* An alert: a mark in the middle, so that it is told from a busy node without colour. */
  if (self->shade == SEYE_FLEET_SHADE_ALERTING)
    {
      float mark = MAX (2.0f, roundf (width / 3.0f));
      GskRoundedRect dot;

      gsk_rounded_rect_init_from_rect (&dot, &GRAPHENE_RECT_INIT ((width - mark) / 2, (height - mark) / 2,
                                                                  mark, mark), mark / 2);
      gtk_snapshot_push_rounded_clip (snapshot, &dot);
      gtk_snapshot_append_color (snapshot, &self->palette->mark, &dot.bounds);
      gtk_snapshot_pop (snapshot);
    }
}

/* Asked for only when the pointer rests on the tile: nothing is kept for it. */
static gboolean
query_tooltip_cb (SeyeFleetTile *self,
                  int            x,
                  int            y,
                  gboolean       keyboard,
                  GtkTooltip    *tooltip)
{
  g_autofree char *name = seye_sanitize_display (seye_node_get_name (self->node));
  g_autofree char *status = seye_node_column_format_status (self->node, seye_clock_get_real_ms ());
  g_autofree char *cpu = seye_node_column_format (self->node, SEYE_NODE_COLUMN_CPU);
  g_autofree char *memory = seye_node_column_format (self->node, SEYE_NODE_COLUMN_MEMORY);
  g_autoptr (GString) text = g_string_new (name);

  g_string_append_printf (text, "\n%s", status);
  if (seye_node_get_sample (self->node) != NULL)
    {
      /* Translators: a node's latest values in the fleet map's tooltip */
      g_string_append_printf (text, "\n%s %s · %s %s", _("CPU"), cpu, _("Memory"), memory);
    }
  gtk_tooltip_set_text (tooltip, text->str);

  return TRUE;
}

static void
seye_fleet_tile_dispose (GObject *object)
{
  SeyeFleetTile *self = SEYE_FLEET_TILE (object);

  g_clear_object (&self->node);

  G_OBJECT_CLASS (seye_fleet_tile_parent_class)->dispose (object);
}

static void
seye_fleet_tile_finalize (GObject *object)
{
  SeyeFleetTile *self = SEYE_FLEET_TILE (object);

  g_clear_pointer (&self->group, g_free);
  g_clear_pointer (&self->name_key, g_free);
  g_clear_pointer (&self->description, g_free);

  G_OBJECT_CLASS (seye_fleet_tile_parent_class)->finalize (object);
}

static void
seye_fleet_tile_class_init (SeyeFleetTileClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = seye_fleet_tile_dispose;
  object_class->finalize = seye_fleet_tile_finalize;
  widget_class->snapshot = seye_fleet_tile_snapshot;
}

static void
seye_fleet_tile_init (SeyeFleetTile *self)
{
  /* GtkFlowBoxChild measures by its layout manager: the size is a size request. */
  self->size = DEFAULT_SIZE;
  gtk_widget_set_size_request (GTK_WIDGET (self), self->size, self->size);
  self->level = self->sorted_level = -1;
  self->rank = self->sorted_rank = G_MAXINT;
  self->shade = SEYE_FLEET_SHADE_CONNECTING;
  gtk_widget_add_css_class (GTK_WIDGET (self), "tile");
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (query_tooltip_cb), NULL);
}

SeyeFleetTile *
seye_fleet_tile_new (SeyeNode               *node,
                     const SeyeFleetPalette *palette)
{
  SeyeFleetTile *self;

  g_return_val_if_fail (SEYE_IS_NODE (node), NULL);

  self = g_object_new (SEYE_TYPE_FLEET_TILE, NULL);
  self->node = g_object_ref (node);
  self->palette = palette;
  seye_fleet_tile_update_group (self);
  seye_fleet_tile_update_name (self);

  return self;
}

SeyeNode *
seye_fleet_tile_get_node (SeyeFleetTile *self)
{
  g_return_val_if_fail (SEYE_IS_FLEET_TILE (self), NULL);

  return self->node;
}

const char *
seye_fleet_tile_get_group (SeyeFleetTile *self)
{
  g_return_val_if_fail (SEYE_IS_FLEET_TILE (self), NULL);

  return self->group;
}

/* TRUE when the node's first tag is another than it was. */
gboolean
seye_fleet_tile_update_group (SeyeFleetTile *self)
{
  const char * const *tags = seye_node_get_tags (self->node);
  g_autofree char *group = NULL;

  if (tags != NULL && tags[0] != NULL)
    group = seye_sanitize_display (tags[0]);

  if (g_strcmp0 (group, self->group) == 0)
    return FALSE;

  g_free (self->group);
  self->group = g_steal_pointer (&group);

  return TRUE;
}

/* The name sorts tiles of one look, and is what a screen reader says first. */
void
seye_fleet_tile_update_name (SeyeFleetTile *self)
{
  g_autofree char *name = seye_sanitize_display (seye_node_get_name (self->node));

  g_free (self->name_key);
  self->name_key = g_utf8_collate_key_for_filename (name != NULL ? name : "", -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, name != NULL ? name : "",
                                  -1);
}

gboolean
seye_fleet_tile_update (SeyeFleetTile  *self,
                        SeyeNodeColumn  metric)
{
  int level = level_of (seye_node_column_get_value (self->node, metric));
  SeyeFleetShade shade = shade_of (self->node, level);
  int rank = seye_node_status_rank (self->node);
  SeyeNodeState state = seye_node_get_state (self->node);

  if (level == self->level && shade == self->shade && rank == self->rank && state == self->state)
    return FALSE;

  /* An alerting node that goes from Connecting to Online keeps its look. */
  if (level != self->level || shade != self->shade)
    gtk_widget_queue_draw (GTK_WIDGET (self));
  self->level = level;
  self->shade = shade;
  self->rank = rank;
  self->state = state;

  return TRUE;
}

/* "Online, CPU 37 %": the state as the list says it, and the value the colour
 * follows. Its name is the accessible label. */
void
seye_fleet_tile_update_accessible (SeyeFleetTile  *self,
                                   SeyeNodeColumn  metric)
{
  g_autofree char *status = seye_node_column_format_status (self->node, seye_clock_get_real_ms ());
  double value = seye_node_column_get_value (self->node, metric);
  g_autofree char *said = g_strdup_printf ("%s ", seye_node_column_get_title (metric));
  g_autofree char *description = NULL;

  /* "Online · CPU 97 %" says it already. */
  if (value >= 0 && strstr (status, said) != NULL)
    description = g_steal_pointer (&status);
  else if (value >= 0)
    /* Translators: a node's state, then a metric and its value: "Online, CPU 37 %" */
    description = g_strdup_printf (_("%s, %s %.0f %%"), status, seye_node_column_get_title (metric), value);
  else
    /* Translators: a node's state, then a metric not known yet: "Connecting, CPU unknown" */
    description = g_strdup_printf (_("%s, %s unknown"), status, seye_node_column_get_title (metric));

  if (g_strcmp0 (description, self->description) == 0)
    return;

  g_free (self->description);
  self->description = g_steal_pointer (&description);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, self->description,
                                  -1);
}

const char *
seye_fleet_tile_get_description (SeyeFleetTile *self)
{
  g_return_val_if_fail (SEYE_IS_FLEET_TILE (self), NULL);

  return self->description;
}

void
seye_fleet_tile_set_size (SeyeFleetTile *self,
                          int            size)
{
  g_return_if_fail (SEYE_IS_FLEET_TILE (self));

  if (self->size == size)
    return;

  self->size = size;
  gtk_widget_set_size_request (GTK_WIDGET (self), size, size);
}

int
seye_fleet_tile_get_rank (SeyeFleetTile *self)
{
  return self->rank;
}

SeyeFleetShade
seye_fleet_tile_get_shade (SeyeFleetTile *self)
{
  return self->shade;
}

gboolean
seye_fleet_tile_take_sort_key (SeyeFleetTile *self,
                               gboolean       levels)
{
  g_return_val_if_fail (SEYE_IS_FLEET_TILE (self), FALSE);

  if (self->sorted_rank == self->rank && (self->sorted_level == self->level || !levels))
    return FALSE;

  self->sorted_rank = self->rank;
  self->sorted_level = self->level;

  return TRUE;
}

gboolean
seye_fleet_tile_get_sort_key_pending (SeyeFleetTile *self)
{
  g_return_val_if_fail (SEYE_IS_FLEET_TILE (self), FALSE);

  return self->sorted_rank != self->rank || self->sorted_level != self->level;
}

int
seye_fleet_tile_compare (SeyeFleetTile *a,
                         SeyeFleetTile *b)
{
  int result;

  if (a == b)
    return 0;

  if (a->sorted_rank != b->sorted_rank)
    return a->sorted_rank < b->sorted_rank ? -1 : 1;
  /* Highest first; a tile without a value (-1) after every one with. */
  if (a->sorted_level != b->sorted_level)
    return a->sorted_level > b->sorted_level ? -1 : 1;
  if ((result = strcmp (a->name_key, b->name_key)) != 0)
    return result;

  return g_strcmp0 (seye_node_get_key (a->node), seye_node_get_key (b->node));
}
