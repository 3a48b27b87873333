/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-fleet-map"

#include "config.h"

#include <glib/gi18n.h>

#include "seye-fleet-group.h"

/* One group of the fleet map: the nodes whose first tag is its tag (or that have none),
 * under a header that counts them and says the worst state among them. The flow box
 * sorts its tiles worst first. When their order changed, only the tiles whose place
 * changed are moved (gtk_flow_box_child_changed(): a binary search, one resize of the
 * box); gtk_flow_box_invalidate_sort() would move every tile widget and resize each
 * one, a full measure of the group every second at 1,000 nodes. */
struct _SeyeFleetGroup
{
  GtkWidget       parent_instance;

  /* Template widgets */
  GtkWidget      *header;
  GtkLabel       *title_label;
  GtkLabel       *count_label;
  GtkLabel       *worst_label;
  GtkFlowBox     *flow_box;

  /* Owned */
  char           *tag;          /* NULL: the untagged nodes */
  GPtrArray      *changed;      /* borrowed: tiles whose sort key changed since the last sort */
  char           *description;  /* the flow box's accessible description */
  gboolean        resort;       /* a name changed: every tile sorted again */

  guint           n_tiles;
  const char     *worst_class;  /* the worst label's style class, static */
};

G_DEFINE_FINAL_TYPE (SeyeFleetGroup, seye_fleet_group, GTK_TYPE_WIDGET)

static int
sort_func (GtkFlowBoxChild *a,
           GtkFlowBoxChild *b,
           gpointer         user_data)
{
  return seye_fleet_tile_compare (SEYE_FLEET_TILE (a), SEYE_FLEET_TILE (b));
}

static void
seye_fleet_group_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), SEYE_TYPE_FLEET_GROUP);

  G_OBJECT_CLASS (seye_fleet_group_parent_class)->dispose (object);
}

static void
seye_fleet_group_finalize (GObject *object)
{
  SeyeFleetGroup *self = SEYE_FLEET_GROUP (object);

  g_clear_pointer (&self->tag, g_free);
  g_clear_pointer (&self->changed, g_ptr_array_unref);
  g_clear_pointer (&self->description, g_free);

  G_OBJECT_CLASS (seye_fleet_group_parent_class)->finalize (object);
}

static void
seye_fleet_group_class_init (SeyeFleetGroupClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = seye_fleet_group_dispose;
  object_class->finalize = seye_fleet_group_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/seye-fleet-group.ui");
  gtk_widget_class_bind_template_child (widget_class, SeyeFleetGroup, header);
  gtk_widget_class_bind_template_child (widget_class, SeyeFleetGroup, title_label);
  gtk_widget_class_bind_template_child (widget_class, SeyeFleetGroup, count_label);
  gtk_widget_class_bind_template_child (widget_class, SeyeFleetGroup, worst_label);
  gtk_widget_class_bind_template_child (widget_class, SeyeFleetGroup, flow_box);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "fleetgroup");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
seye_fleet_group_init (SeyeFleetGroup *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_orientable_set_orientation (GTK_ORIENTABLE (gtk_widget_get_layout_manager (GTK_WIDGET (self))),
                                  GTK_ORIENTATION_VERTICAL);
  gtk_flow_box_set_sort_func (self->flow_box, sort_func, NULL, NULL);
  self->changed = g_ptr_array_new ();
}

/**
 * seye_fleet_group_new:
 * @tag: (nullable): the first tag of its nodes, sanitised; %NULL for the untagged ones
 */
SeyeFleetGroup *
seye_fleet_group_new (const char *tag)
{
  SeyeFleetGroup *self = g_object_new (SEYE_TYPE_FLEET_GROUP, NULL);

  self->tag = g_strdup (tag);
  gtk_label_set_text (self->title_label, tag != NULL ? tag : _("Untagged"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, gtk_label_get_text (self->title_label),
                                  -1);

  return self;
}

const char *
seye_fleet_group_get_tag (SeyeFleetGroup *self)
{
  g_return_val_if_fail (SEYE_IS_FLEET_GROUP (self), NULL);

  return self->tag;
}

GtkFlowBox *
seye_fleet_group_get_flow_box (SeyeFleetGroup *self)
{
  g_return_val_if_fail (SEYE_IS_FLEET_GROUP (self), NULL);

  return self->flow_box;
}

void
seye_fleet_group_add (SeyeFleetGroup *self,
                      SeyeFleetTile  *tile)
{
  g_return_if_fail (SEYE_IS_FLEET_GROUP (self));

  /* Sorted in where it belongs. */
  seye_fleet_tile_take_sort_key (tile, TRUE);
  gtk_flow_box_insert (self->flow_box, GTK_WIDGET (tile), -1);
  self->n_tiles++;
}

void
seye_fleet_group_remove (SeyeFleetGroup *self,
                         SeyeFleetTile  *tile)
{
  g_return_if_fail (SEYE_IS_FLEET_GROUP (self));
  g_return_if_fail (gtk_widget_get_parent (GTK_WIDGET (tile)) == GTK_WIDGET (self->flow_box));

  g_ptr_array_remove_fast (self->changed, tile);
  gtk_flow_box_remove (self->flow_box, GTK_WIDGET (tile));
  self->n_tiles--;
}

guint
seye_fleet_group_get_n_tiles (SeyeFleetGroup *self)
{
  g_return_val_if_fail (SEYE_IS_FLEET_GROUP (self), 0);

  return self->n_tiles;
}

SeyeFleetTile *
seye_fleet_group_get_tile (SeyeFleetGroup *self,
                           guint           position)
{
  GtkFlowBoxChild *child;

  g_return_val_if_fail (SEYE_IS_FLEET_GROUP (self), NULL);

  if (position >= self->n_tiles)
    return NULL;
  child = gtk_flow_box_get_child_at_index (self->flow_box, (int) position);

  return child != NULL ? SEYE_FLEET_TILE (child) : NULL;
}

void
seye_fleet_group_set_tile_size (SeyeFleetGroup *self,
                                int             size)
{
  g_return_if_fail (SEYE_IS_FLEET_GROUP (self));

  for (guint i = 0; i < self->n_tiles; i++)
    seye_fleet_tile_set_size (seye_fleet_group_get_tile (self, i), size);
}

void
seye_fleet_group_tile_changed (SeyeFleetGroup *self,
                               SeyeFleetTile  *tile)
{
  g_return_if_fail (SEYE_IS_FLEET_GROUP (self));
  g_return_if_fail (gtk_widget_get_parent (GTK_WIDGET (tile)) == GTK_WIDGET (self->flow_box));

  if (!g_ptr_array_find (self->changed, tile, NULL))
    g_ptr_array_add (self->changed, tile);
}

gboolean
seye_fleet_group_sort (SeyeFleetGroup *self,
                       gboolean        levels)
{
  gboolean moved = FALSE;
  guint kept = 0;

  g_return_val_if_fail (SEYE_IS_FLEET_GROUP (self), FALSE);

  if (self->resort)
    {
      self->resort = FALSE;
      for (guint i = 0; i < self->n_tiles; i++)
        seye_fleet_tile_take_sort_key (seye_fleet_group_get_tile (self, i), TRUE);
      g_ptr_array_set_size (self->changed, 0);
      gtk_flow_box_invalidate_sort (self->flow_box);
      return TRUE;
    }

  /* One at a time, each into a sequence sorted by the keys the others were placed by;
   * the ones whose level alone moved wait for @levels. */
  for (guint i = 0; i < self->changed->len; i++)
    {
      SeyeFleetTile *tile = self->changed->pdata[i];

      if (seye_fleet_tile_take_sort_key (tile, levels))
        {
          gtk_flow_box_child_changed (GTK_FLOW_BOX_CHILD (tile));
          moved = TRUE;
        }
      if (seye_fleet_tile_get_sort_key_pending (tile))
        self->changed->pdata[kept++] = tile;
    }
  g_ptr_array_set_size (self->changed, kept);

  return moved;
}

gboolean
seye_fleet_group_get_sort_pending (SeyeFleetGroup *self)
{
  g_return_val_if_fail (SEYE_IS_FLEET_GROUP (self), FALSE);

  return self->resort || self->changed->len > 0;
}

void
seye_fleet_group_tile_renamed (SeyeFleetGroup *self)
{
  g_return_if_fail (SEYE_IS_FLEET_GROUP (self));

  self->resort = TRUE;
}

/* "3 alerting": how many nodes of the group are in @shade; NULL for online ones. */
static char *
count_shade (SeyeFleetShade   shade,
             guint            n,
             const char     **css_class)
{
  switch (shade)
    {
    case SEYE_FLEET_SHADE_ALERTING:
      *css_class = "error";
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u alerting", "%u alerting", n), n);
    case SEYE_FLEET_SHADE_OFFLINE:
      *css_class = "error";
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u offline", "%u offline", n), n);
    case SEYE_FLEET_SHADE_STALE:
      *css_class = "warning";
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u not responding", "%u not responding", n), n);
    case SEYE_FLEET_SHADE_PAIRING:
      *css_class = "accent";
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u needs pairing", "%u need pairing", n), n);
    case SEYE_FLEET_SHADE_LEFT:
      *css_class = "dim-label";
      /* Translators: nodes that left the network */
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u left", "%u left", n), n);
    case SEYE_FLEET_SHADE_CONNECTING:
      *css_class = "dim-label";
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u without data", "%u without data", n), n);
    case SEYE_FLEET_SHADE_ONLINE:
    case SEYE_FLEET_N_SHADES:
    default:
      return NULL;
    }
}

/* The worst state first, in its colour, and the next one: "3 alerting · 1 offline";
 * "All online" when no node has a problem. */
static char *
describe_worst (const guint  *counts,
                const char  **css_class)
{
  /* The shades worst first, as seye_node_status_rank() orders their states. */
  static const SeyeFleetShade order[] = {
    SEYE_FLEET_SHADE_ALERTING, SEYE_FLEET_SHADE_OFFLINE, SEYE_FLEET_SHADE_LEFT,
    SEYE_FLEET_SHADE_PAIRING, SEYE_FLEET_SHADE_STALE, SEYE_FLEET_SHADE_CONNECTING,
  };
  g_autoptr (GString) text = g_string_new (NULL);
  guint said = 0;

  *css_class = "success";
  for (guint i = 0; i < G_N_ELEMENTS (order) && said < 2; i++)
    {
      const char *shade_class = NULL;
      g_autofree char *part = counts[order[i]] > 0 ? count_shade (order[i], counts[order[i]], &shade_class)
                                                   : NULL;

      if (part == NULL)
        continue;
      if (said++ == 0)
        *css_class = shade_class;
      else
        g_string_append (text, " · ");
      g_string_append (text, part);
    }

  if (said == 0)
    return g_strdup (_("All online"));

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
set_label (GtkLabel   *label,
           const char *text)
{
  if (g_strcmp0 (gtk_label_get_text (label), text) != 0)
    gtk_label_set_text (label, text);
}

void
seye_fleet_group_update_header (SeyeFleetGroup *self)
{
  guint counts[SEYE_FLEET_N_SHADES] = { 0 };
  g_autofree char *count = NULL;
  g_autofree char *worst = NULL;
  g_autofree char *description = NULL;
  const char *css_class = NULL;

  g_return_if_fail (SEYE_IS_FLEET_GROUP (self));

  for (guint i = 0; i < self->n_tiles; i++)
    counts[seye_fleet_tile_get_shade (seye_fleet_group_get_tile (self, i))]++;

  count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u node", "%u nodes", self->n_tiles),
                           self->n_tiles);
  worst = describe_worst (counts, &css_class);
  set_label (self->count_label, count);
  set_label (self->worst_label, worst);

  if (css_class != self->worst_class)
    {
      if (self->worst_class != NULL)
        gtk_widget_remove_css_class (GTK_WIDGET (self->worst_label), self->worst_class);
      self->worst_class = css_class;
      gtk_widget_add_css_class (GTK_WIDGET (self->worst_label), css_class);
    }

  /* Translators: a group of the fleet map: its node count, then its worst states */
  description = g_strdup_printf (_("%s, %s"), count, worst);
  if (g_strcmp0 (description, self->description) != 0)
    {
      g_free (self->description);
      self->description = g_steal_pointer (&description);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->flow_box),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, self->description,
                                      -1);
    }
}

SeyeFleetTile *
seye_fleet_group_get_tile_at_edge (SeyeFleetGroup *self,
                                   gboolean        first,
                                   double          x)
{
  SeyeFleetTile *best = NULL;
  double best_y = 0, best_dx = G_MAXDOUBLE;

  g_return_val_if_fail (SEYE_IS_FLEET_GROUP (self), NULL);

  for (guint i = 0; i < self->n_tiles; i++)
    {
      SeyeFleetTile *tile = seye_fleet_group_get_tile (self, i);
      graphene_rect_t bounds;
      double dx;

      if (!gtk_widget_compute_bounds (GTK_WIDGET (tile), GTK_WIDGET (self->flow_box), &bounds))
        continue;
      dx = ABS (bounds.origin.x + bounds.size.width / 2 - x);
      if (best == NULL || (first ? bounds.origin.y < best_y : bounds.origin.y > best_y) ||
          (bounds.origin.y == best_y && dx < best_dx))
        {
          best = tile;
          best_y = bounds.origin.y;
          best_dx = dx;
        }
    }

  return best;
}

int
seye_fleet_group_compare_tags (const char *a,
                               const char *b)
{
  if (a == NULL || b == NULL)
    return (a == NULL) - (b == NULL);

  return seye_node_column_compare_natural (a, b);
}
