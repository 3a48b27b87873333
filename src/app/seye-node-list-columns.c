/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-node-list"

#include "config.h"

#include "seye-node-cell.h"
#include "seye-node-list-private.h"
#include "seye-sparkline.h"

/* The columns of the node list: their cells, their sorters, which ones show (the
 * "columns" actions of the main menu, remembered in "hidden-columns") and the sort
 * order (remembered in "sort-column" and "sort-descending"). */

typedef struct
{
  SeyeNodeList   *self;
  SeyeNodeColumn  column;
} ColumnSort;

static void
setup_cell_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  user_data)
{
  SeyeNodeColumn column = GPOINTER_TO_INT (user_data);

  if (column == SEYE_NODE_COLUMN_HISTORY)
    gtk_list_item_set_child (item, seye_sparkline_new ());
  else
    gtk_list_item_set_child (item, seye_node_cell_new (column));
}

static void
bind_cell_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  user_data)
{
  GtkWidget *child = gtk_list_item_get_child (item);
  SeyeNode *node = gtk_list_item_get_item (item);

  if (SEYE_IS_SPARKLINE (child))
    seye_sparkline_set_node (SEYE_SPARKLINE (child), node);
  else
    seye_node_cell_set_node (SEYE_NODE_CELL (child), node);
}

static void
unbind_cell_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                gpointer                  user_data)
{
  GtkWidget *child = gtk_list_item_get_child (item);

  if (SEYE_IS_SPARKLINE (child))
    seye_sparkline_set_node (SEYE_SPARKLINE (child), NULL);
  else
    seye_node_cell_set_node (SEYE_NODE_CELL (child), NULL);
}

/* GTK 4.8 does not say which column a GtkColumnViewSorter sorts by first, nor which
 * way (gtk_column_view_sorter_get_primary_sort_column() is 4.10). It does ask the
 * primary column's sorter first: two probes compared through it tell both. */
static int
column_sort_func (gconstpointer a,
                  gconstpointer b,
                  gpointer      user_data)
{
  ColumnSort *sort = user_data;
  SeyeNodeList *self = sort->self;

  if (a == self->probes[0] || a == self->probes[1])
    {
      if (self->probed_column < 0)
        self->probed_column = sort->column;
      return a == self->probes[0] ? -1 : 1;
    }

  return seye_node_column_compare ((SeyeNode *) a, (SeyeNode *) b, sort->column);
}

static gboolean
find_primary (SeyeNodeList   *self,
              SeyeNodeColumn *column,
              gboolean       *descending)
{
  GtkOrdering ordering;

  self->probed_column = -1;
  ordering = gtk_sorter_compare (gtk_column_view_get_sorter (self->column_view),
                                 self->probes[0], self->probes[1]);
  if (self->probed_column < 0)
    return FALSE;

  *column = self->probed_column;
  *descending = ordering == GTK_ORDERING_LARGER;
  self->probed_column = -1;

  return TRUE;
}

static void
save_sort (SeyeNodeList *self)
{
  g_autofree char *old = g_settings_get_string (self->settings, "sort-column");
  const char *id = seye_node_column_get_id (self->sort_column);

  if (g_strcmp0 (old, id) != 0)
    g_settings_set_string (self->settings, "sort-column", id);
  if (g_settings_get_boolean (self->settings, "sort-descending") != self->sort_descending)
    g_settings_set_boolean (self->settings, "sort-descending", self->sort_descending);
}

/* A click on a column's header, or seye_node_list_sort_by(). */
static void
column_view_sorter_changed_cb (SeyeNodeList *self)
{
  SeyeNodeColumn column;
  gboolean descending;

  if (self->sorter == NULL || self->column_view == NULL)
    return;

  if (!find_primary (self, &column, &descending))
    {
      self->sort_column = -1;
    }
  else if ((int) column != self->sort_column && !descending && seye_node_column_is_numeric (column))
    {
      /* The first click on a metric: the highest first, what one looks for. The
       * sorter changes again, and this runs again for the new order. */
      self->sort_column = column;
      gtk_column_view_sort_by_column (self->column_view, self->columns[column],
                                      GTK_SORT_DESCENDING);
      return;
    }
  else
    {
      self->sort_column = column;
      self->sort_descending = descending;
      save_sort (self);
    }

  seye_node_sorter_set_primary (SEYE_NODE_SORTER (self->sorter), self->sort_column);
  gtk_sorter_changed (self->sorter, GTK_SORTER_CHANGE_DIFFERENT);
}

void
_seye_node_list_restore_sort (SeyeNodeList *self)
{
  g_autofree char *id = g_settings_get_string (self->settings, "sort-column");
  SeyeNodeColumn column = SEYE_NODE_COLUMN_STATUS;
  gboolean descending = g_settings_get_boolean (self->settings, "sort-descending");

  if (!seye_node_column_from_id (id, &column) || column == SEYE_NODE_COLUMN_HISTORY)
    {
      column = SEYE_NODE_COLUMN_STATUS;
      descending = FALSE;
    }

  /* As saved: not turned highest first as a first click would be. */
  self->sort_column = column;
  gtk_column_view_sort_by_column (self->column_view, self->columns[column],
                                  descending ? GTK_SORT_DESCENDING : GTK_SORT_ASCENDING);
}

/* Column visibility, remembered in the "hidden-columns" setting. */
static void
apply_hidden_columns (SeyeNodeList *self)
{
  g_auto (GStrv) hidden = g_settings_get_strv (self->settings, "hidden-columns");

  for (guint i = 0; i < SEYE_NODE_N_COLUMNS; i++)
    {
      const char *id = seye_node_column_get_id (i);
      gboolean visible = !g_strv_contains ((const char * const *) hidden, id);
      GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self->column_actions), id);

      /* The name always shows: a list of nodes without names is no use. */
      if (i == SEYE_NODE_COLUMN_NAME)
        visible = TRUE;

      gtk_column_view_column_set_visible (self->columns[i], visible);
      if (action != NULL)
        g_simple_action_set_state (G_SIMPLE_ACTION (action), g_variant_new_boolean (visible));
    }
}

static void
column_change_state_cb (GSimpleAction *action,
                        GVariant      *state,
                        gpointer       user_data)
{
  SeyeNodeList *self = user_data;
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) hidden = NULL;
  g_auto (GStrv) old = g_settings_get_strv (self->settings, "hidden-columns");
  const char *id = g_action_get_name (G_ACTION (action));

  for (guint i = 0; old[i] != NULL; i++)
    if (g_strcmp0 (old[i], id) != 0)
      g_strv_builder_add (builder, old[i]);
  if (!g_variant_get_boolean (state))
    g_strv_builder_add (builder, id);

  hidden = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "hidden-columns", (const char * const *) hidden);
}

static void
add_column_action (SeyeNodeList   *self,
                   SeyeNodeColumn  column)
{
  g_autoptr (GSimpleAction) action = NULL;

  action = g_simple_action_new_stateful (seye_node_column_get_id (column), NULL,
                                         g_variant_new_boolean (TRUE));
  g_signal_connect_object (action, "change-state", G_CALLBACK (column_change_state_cb), self, 0);
  g_action_map_add_action (G_ACTION_MAP (self->column_actions), G_ACTION (action));
}

void
_seye_node_list_columns_init (SeyeNodeList *self)
{
  GListModel *columns = gtk_column_view_get_columns (self->column_view);
  GtkSorter *column_view_sorter = gtk_column_view_get_sorter (self->column_view);

  g_assert (g_list_model_get_n_items (columns) == SEYE_NODE_N_COLUMNS);

  self->probes[0] = g_object_new (G_TYPE_OBJECT, NULL);
  self->probes[1] = g_object_new (G_TYPE_OBJECT, NULL);
  self->probed_column = -1;
  self->sort_column = -1;
  self->sorter = seye_node_sorter_new (column_view_sorter);
  gtk_sort_list_model_set_sorter (self->sort_model, self->sorter);

  /* Cells and sorters need C: the cells follow their node, the sorters compare numbers. */
  self->column_actions = g_simple_action_group_new ();

  for (guint i = 0; i < SEYE_NODE_N_COLUMNS; i++)
    {
      g_autoptr (GtkColumnViewColumn) column = g_list_model_get_item (columns, i);
      g_autoptr (GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

      self->columns[i] = column;

      g_signal_connect (factory, "setup", G_CALLBACK (setup_cell_cb), GINT_TO_POINTER (i));
      g_signal_connect (factory, "bind", G_CALLBACK (bind_cell_cb), GINT_TO_POINTER (i));
      g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cell_cb), GINT_TO_POINTER (i));
      gtk_column_view_column_set_factory (column, factory);

      if (i != SEYE_NODE_COLUMN_HISTORY)
        {
          ColumnSort *sort = g_new0 (ColumnSort, 1);
          g_autoptr (GtkSorter) sorter = NULL;

          sort->self = self;
          sort->column = i;
          sorter = GTK_SORTER (gtk_custom_sorter_new (column_sort_func, sort, g_free));
          gtk_column_view_column_set_sorter (column, sorter);
        }

      if (i != SEYE_NODE_COLUMN_NAME)
        add_column_action (self, i);
    }

  g_signal_connect_object (self->settings, "changed::hidden-columns",
                           G_CALLBACK (apply_hidden_columns), self, G_CONNECT_SWAPPED);
  apply_hidden_columns (self);

  g_signal_connect_object (column_view_sorter, "changed",
                           G_CALLBACK (column_view_sorter_changed_cb), self, G_CONNECT_SWAPPED);
  _seye_node_list_restore_sort (self);
}

void
_seye_node_list_columns_dispose (SeyeNodeList *self)
{
  g_clear_object (&self->column_actions);
  g_clear_object (&self->sorter);
  g_clear_object (&self->probes[0]);
  g_clear_object (&self->probes[1]);
}
