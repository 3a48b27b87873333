/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-fleet-map"

#include "config.h"

#include "seye-fleet-map-private.h"

/* How the fleet map looks: its colours, looked up once per style change and shared by
 * its tiles, and the size of its tiles, the biggest with which every node fits. */

/* Largest first: the biggest tiles with which every node fits on screen. */
static const int tile_sizes[] = { _SEYE_FLEET_MAP_LARGEST_TILE, 22, 18, 15, 12 };
#define TILE_SPACING   3
#define GROUP_HEADER   44   /* a header, its spacing and the gap above the next group */
#define GROUPS_MARGIN  24

/* Colours --------------------------------------------------------------------- */

static GdkRGBA
mix (const GdkRGBA *a,
     const GdkRGBA *b,
     double         t)
{
  return (GdkRGBA) {
    a->red + (b->red - a->red) * t,
    a->green + (b->green - a->green) * t,
    a->blue + (b->blue - a->blue) * t,
    a->alpha + (b->alpha - a->alpha) * t,
  };
}

static void
lookup (GtkStyleContext *context,
        const char      *name,
        GdkRGBA         *color)
{
  if (!gtk_style_context_lookup_color (context, name, color))
    gtk_style_context_get_color (context, color);
}

/* Named in style.css (lighter in style-dark.css): looked up once per style change. */
void
_seye_fleet_map_ensure_palette (SeyeFleetMap *self)
{
  static const struct { SeyeFleetShade shade; const char *name; } shades[] = {
    { SEYE_FLEET_SHADE_ALERTING, "seye_map_alerting" },
    { SEYE_FLEET_SHADE_OFFLINE, "seye_map_offline" },
    { SEYE_FLEET_SHADE_STALE, "seye_map_stale" },
    { SEYE_FLEET_SHADE_LEFT, "seye_map_left" },
    { SEYE_FLEET_SHADE_PAIRING, "seye_map_pairing" },
    { SEYE_FLEET_SHADE_CONNECTING, "seye_map_no_data" },
  };
  /* The online ramp: these levels take these colours, the ones between are mixed. */
  static const struct { int level; const char *name; } stops[] = {
    { 0, "seye_map_low" }, { 5, "seye_map_mid" }, { 8, "seye_map_high" }, { 9, "seye_map_peak" },
  };
  GtkStyleContext *context = gtk_widget_get_style_context (GTK_WIDGET (self));
  GdkRGBA stop_colors[G_N_ELEMENTS (stops)];

  if (self->palette_valid)
    return;

  for (guint i = 0; i < G_N_ELEMENTS (shades); i++)
    {
      GdkRGBA *color = &self->palette.shades[shades[i].shade];

      lookup (context, shades[i].name, color);
      self->palette.fills[shades[i].shade] = *color;
      self->palette.fills[shades[i].shade].alpha *= 0.15f;
    }
  lookup (context, "seye_map_mark", &self->palette.mark);

  for (guint i = 0; i < G_N_ELEMENTS (stops); i++)
    lookup (context, stops[i].name, &stop_colors[i]);
  for (guint i = 0; i + 1 < G_N_ELEMENTS (stops); i++)
    for (int level = stops[i].level; level <= stops[i + 1].level; level++)
      self->palette.levels[level] = mix (&stop_colors[i], &stop_colors[i + 1],
                                         (double) (level - stops[i].level) /
                                         (stops[i + 1].level - stops[i].level));
  self->palette.shades[SEYE_FLEET_SHADE_ONLINE] = self->palette.levels[0];

  self->palette_valid = TRUE;
}

void
_seye_fleet_map_style_changed (SeyeFleetMap *self)
{
  GHashTableIter iter;
  gpointer tile;

  self->palette_valid = FALSE;
  _seye_fleet_map_ensure_palette (self);
  g_hash_table_iter_init (&iter, self->tiles);
  while (g_hash_table_iter_next (&iter, NULL, &tile))
    gtk_widget_queue_draw (tile);
}

/* Tile size --------------------------------------------------------------------- */

static gboolean
fits (SeyeFleetMap *self,
      int           size,
      int           width,
      int           height)
{
  int pitch = size + TILE_SPACING;
  int columns = MAX (1, (width + TILE_SPACING) / pitch);
  int rows = 0;
  int n_groups = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->groups_box)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      rows += ((int) seye_fleet_group_get_n_tiles (SEYE_FLEET_GROUP (child)) + columns - 1) / columns;
      n_groups++;
    }

  return rows * pitch + n_groups * GROUP_HEADER <= height;
}

/* The biggest tiles that show every node without scrolling, or the smallest. */
gboolean
_seye_fleet_map_update_tile_size_cb (gpointer data)
{
  SeyeFleetMap *self = data;
  int width = gtk_widget_get_width (self->scrolled_window) - GROUPS_MARGIN;
  int height = gtk_widget_get_height (self->scrolled_window) - GROUPS_MARGIN;
  int size = tile_sizes[G_N_ELEMENTS (tile_sizes) - 1];

  self->size_source = 0;
  if (width <= 0 || height <= 0)
    return G_SOURCE_REMOVE;

  for (guint i = 0; i < G_N_ELEMENTS (tile_sizes); i++)
    if (fits (self, tile_sizes[i], width, height))
      {
        size = tile_sizes[i];
        break;
      }

  if (size != self->tile_size)
    {
      self->tile_size = size;
      for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->groups_box));
           child != NULL; child = gtk_widget_get_next_sibling (child))
        seye_fleet_group_set_tile_size (SEYE_FLEET_GROUP (child), size);
    }

  return G_SOURCE_REMOVE;
}

void
_seye_fleet_map_queue_tile_size (SeyeFleetMap *self)
{
  if (self->size_source == 0)
    {
      self->size_source = g_idle_add (_seye_fleet_map_update_tile_size_cb, self);
      g_source_set_name_by_id (self->size_source, "[seye] fleet map tile size");
    }
}

