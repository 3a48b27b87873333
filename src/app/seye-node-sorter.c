/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-node-sorter"

#include "config.h"

#include "seye-node-sorter.h"

/* The column view's sorter, with one rule before it: sorted by a metric, nodes that
 * have no current value of it (offline, left, connecting, no sample yet) come after
 * all that have one, highest first or lowest first alike. The last value of a dead
 * machine is not a value to rank with the living. */
struct _SeyeNodeSorter
{
  GtkSorter  parent_instance;

  GtkSorter *inner;
  int        primary;   /* SeyeNodeColumn the list is sorted by first, or -1 */
};

G_DEFINE_FINAL_TYPE (SeyeNodeSorter, seye_node_sorter, GTK_TYPE_SORTER)

gboolean
seye_node_sorter_has_current_value (SeyeNode       *node,
                                    SeyeNodeColumn  column)
{
  return seye_node_has_current_values (node) && seye_node_column_get_value (node, column) >= 0.0;
}

static GtkOrdering
seye_node_sorter_compare (GtkSorter *sorter,
                          gpointer   item1,
                          gpointer   item2)
{
  SeyeNodeSorter *self = SEYE_NODE_SORTER (sorter);

  if (self->primary >= 0 && seye_node_column_is_numeric (self->primary))
    {
      gboolean has1 = seye_node_sorter_has_current_value (item1, self->primary);
      gboolean has2 = seye_node_sorter_has_current_value (item2, self->primary);

      if (has1 != has2)
        return has1 ? GTK_ORDERING_SMALLER : GTK_ORDERING_LARGER;
    }

  return gtk_sorter_compare (self->inner, item1, item2);
}

static GtkSorterOrder
seye_node_sorter_get_order (GtkSorter *sorter)
{
  SeyeNodeSorter *self = SEYE_NODE_SORTER (sorter);

  return gtk_sorter_get_order (self->inner);
}

static void
seye_node_sorter_dispose (GObject *object)
{
  SeyeNodeSorter *self = SEYE_NODE_SORTER (object);

  g_clear_object (&self->inner);

  G_OBJECT_CLASS (seye_node_sorter_parent_class)->dispose (object);
}

static void
seye_node_sorter_class_init (SeyeNodeSorterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkSorterClass *sorter_class = GTK_SORTER_CLASS (klass);

  object_class->dispose = seye_node_sorter_dispose;
  sorter_class->compare = seye_node_sorter_compare;
  sorter_class->get_order = seye_node_sorter_get_order;
}

static void
seye_node_sorter_init (SeyeNodeSorter *self)
{
  self->primary = -1;
}

/**
 * seye_node_sorter_new:
 * @inner: the sorter that orders nodes that both have a value, or both have none
 *
 * The owner says which column is primary (seye_node_sorter_set_primary()) and calls
 * gtk_sorter_changed() on the new sorter when @inner changed.
 */
GtkSorter *
seye_node_sorter_new (GtkSorter *inner)
{
  SeyeNodeSorter *self;

  g_return_val_if_fail (GTK_IS_SORTER (inner), NULL);

  self = g_object_new (SEYE_TYPE_NODE_SORTER, NULL);
  self->inner = g_object_ref (inner);

  return GTK_SORTER (self);
}

void
seye_node_sorter_set_primary (SeyeNodeSorter *self,
                              int             column)
{
  g_return_if_fail (SEYE_IS_NODE_SORTER (self));
  g_return_if_fail (column < SEYE_NODE_N_COLUMNS);

  self->primary = column;
}

int
seye_node_sorter_get_primary (SeyeNodeSorter *self)
{
  g_return_val_if_fail (SEYE_IS_NODE_SORTER (self), -1);

  return self->primary;
}
