/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-process-view"

#include "config.h"

#include "seye-process-view-private.h"

/*
 * The columns of the Processes section: one GtkInscription a cell (its text set
 * without laying the row out again), set when its item says that column's text
 * changed; the hover text built when asked; sorters by column, a metric highest first
 * on the first click; the node's own order when no column is chosen.
 */

#define COLUMN_KEY "seye-process-column"
#define HANDLER_KEY "seye-process-changed-id"

typedef struct
{
  SeyeProcessView   *self;
  SeyeProcessColumn  column;
} ColumnSort;

static gboolean
column_is_numeric (SeyeProcessColumn column)
{
  return column != SEYE_PROCESS_COLUMN_NAME && column != SEYE_PROCESS_COLUMN_USER;
}

/* The CPU cell in the warning colour from half a core, in the error colour and bold
 * from 90 % of one: a process that keeps a core pegged shows at a glance. */
static void
set_load (GtkWidget       *cell,
          SeyeProcessLoad  load)
{
  gboolean busy = load == SEYE_PROCESS_LOAD_BUSY;
  gboolean pegged = load == SEYE_PROCESS_LOAD_PEGGED;

  if (gtk_widget_has_css_class (cell, "busy") != busy)
    {
      if (busy)
        gtk_widget_add_css_class (cell, "busy");
      else
        gtk_widget_remove_css_class (cell, "busy");
    }

  if (gtk_widget_has_css_class (cell, "pegged") != pegged)
    {
      if (pegged)
        gtk_widget_add_css_class (cell, "pegged");
      else
        gtk_widget_remove_css_class (cell, "pegged");
    }
}

static void
show_column (GtkInscription    *cell,
             SeyeProcessItem   *item,
             SeyeProcessColumn  column)
{
  gtk_inscription_set_text (cell, seye_process_item_get_text (item, column));
  if (column == SEYE_PROCESS_COLUMN_CPU)
    set_load (GTK_WIDGET (cell), seye_process_item_get_load (item));
}

static void
item_changed_cb (SeyeProcessItem *item,
                 guint            columns,
                 GtkInscription  *cell)
{
  SeyeProcessColumn column = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (cell), COLUMN_KEY));

  if (columns & SEYE_PROCESS_COLUMN_BIT (column))
    show_column (cell, item, column);
}

static gboolean
query_tooltip_cb (GtkWidget   *cell,
                  int          x,
                  int          y,
                  gboolean     keyboard,
                  GtkTooltip  *tooltip,
                  GtkListItem *list_item)
{
  SeyeProcessItem *item = gtk_list_item_get_item (list_item);
  g_autofree char *text = NULL;

  if (item == NULL)
    return FALSE;

  text = seye_process_item_dup_tooltip (item);
  gtk_tooltip_set_text (tooltip, text);

  return TRUE;
}

static void
setup_cell_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               gpointer                  user_data)
{
  SeyeProcessColumn column = GPOINTER_TO_UINT (user_data);
  GtkWidget *cell = gtk_inscription_new (NULL);

  g_object_set_data (G_OBJECT (cell), COLUMN_KEY, user_data);
  gtk_inscription_set_min_chars (GTK_INSCRIPTION (cell), 3);
  gtk_inscription_set_text_overflow (GTK_INSCRIPTION (cell), GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END);
  if (column_is_numeric (column))
    {
      gtk_inscription_set_xalign (GTK_INSCRIPTION (cell), 1.0);
      gtk_widget_add_css_class (cell, "numeric");
    }
  if (column == SEYE_PROCESS_COLUMN_CPU)
    gtk_widget_add_css_class (cell, "cpu");

  gtk_widget_set_has_tooltip (cell, TRUE);
  g_signal_connect (cell, "query-tooltip", G_CALLBACK (query_tooltip_cb), list_item);
  gtk_list_item_set_child (list_item, cell);
}

static void
bind_cell_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              gpointer                  user_data)
{
  GtkInscription *cell = GTK_INSCRIPTION (gtk_list_item_get_child (list_item));
  SeyeProcessItem *item = gtk_list_item_get_item (list_item);
  gulong id;

  show_column (cell, item, GPOINTER_TO_UINT (user_data));
  id = g_signal_connect_object (item, "changed", G_CALLBACK (item_changed_cb), cell, 0);
  g_object_set_data (G_OBJECT (list_item), HANDLER_KEY, GSIZE_TO_POINTER (id));
}

static void
unbind_cell_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *list_item,
                gpointer                  user_data)
{
  SeyeProcessItem *item = gtk_list_item_get_item (list_item);
  gulong id = GPOINTER_TO_SIZE (g_object_steal_data (G_OBJECT (list_item), HANDLER_KEY));

  if (item != NULL && id != 0 && g_signal_handler_is_connected (item, id))
    g_signal_handler_disconnect (item, id);
}

/* GTK 4.8 does not say which column a GtkColumnViewSorter sorts by first, nor which
 * way (that is 4.10). It asks the primary column's sorter first: two probes compared
 * through it tell both. */
static int
column_sort_func (gconstpointer a,
                  gconstpointer b,
                  gpointer      user_data)
{
  ColumnSort *sort = user_data;
  SeyeProcessView *self = sort->self;

  if (a == self->probes[0] || a == self->probes[1])
    {
      if (self->probed_column < 0)
        self->probed_column = sort->column;
      return a == self->probes[0] ? -1 : 1;
    }

  return seye_process_item_compare ((SeyeProcessItem *) a, (SeyeProcessItem *) b, sort->column);
}

static int
rank_sort_func (gconstpointer a,
                gconstpointer b,
                gpointer      user_data)
{
  guint rank_a = seye_process_item_get_rank ((SeyeProcessItem *) a);
  guint rank_b = seye_process_item_get_rank ((SeyeProcessItem *) b);

  return (rank_a > rank_b) - (rank_a < rank_b);
}

/* A click on a column's header: a metric sorts highest first, as one looks for it. */
static void
column_view_sorter_changed_cb (SeyeProcessView *self)
{
  GtkSorter *sorter = gtk_column_view_get_sorter (self->column_view);
  GtkOrdering ordering;
  int column;

  self->probed_column = -1;
  ordering = gtk_sorter_compare (sorter, self->probes[0], self->probes[1]);
  column = self->probed_column;
  self->probed_column = -1;

  if (column >= 0 && column != self->sort_column && column_is_numeric (column) &&
      ordering == GTK_ORDERING_SMALLER)
    {
      /* The sorter changes again, and this runs again for the new order. */
      self->sort_column = column;
      gtk_column_view_sort_by_column (self->column_view, self->columns[column], GTK_SORT_DESCENDING);
      return;
    }

  self->sort_column = column;
}

/* Back to the node's own order (after the CPU / Memory / I/O switch). */
void
_seye_process_view_unsort (SeyeProcessView *self)
{
  self->sort_column = -1;
  gtk_column_view_sort_by_column (self->column_view, NULL, GTK_SORT_ASCENDING);
}

void
_seye_process_view_columns_init (SeyeProcessView *self)
{
  GListModel *columns = gtk_column_view_get_columns (self->column_view);
  GtkSorter *column_view_sorter = gtk_column_view_get_sorter (self->column_view);
  g_autoptr (GtkMultiSorter) sorter = gtk_multi_sorter_new ();

  g_assert (g_list_model_get_n_items (columns) == SEYE_PROCESS_N_COLUMNS);

  self->probes[0] = g_object_new (G_TYPE_OBJECT, NULL);
  self->probes[1] = g_object_new (G_TYPE_OBJECT, NULL);
  self->probed_column = -1;
  self->sort_column = -1;

  for (guint i = 0; i < SEYE_PROCESS_N_COLUMNS; i++)
    {
      g_autoptr (GtkColumnViewColumn) column = g_list_model_get_item (columns, i);
      g_autoptr (GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
      g_autoptr (GtkSorter) column_sorter = NULL;
      ColumnSort *sort = g_new0 (ColumnSort, 1);

      self->columns[i] = column;

      g_signal_connect (factory, "setup", G_CALLBACK (setup_cell_cb), GUINT_TO_POINTER (i));
      g_signal_connect (factory, "bind", G_CALLBACK (bind_cell_cb), GUINT_TO_POINTER (i));
      g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cell_cb), GUINT_TO_POINTER (i));
      gtk_column_view_column_set_factory (column, factory);

      sort->self = self;
      sort->column = i;
      column_sorter = GTK_SORTER (gtk_custom_sorter_new (column_sort_func, sort, g_free));
      gtk_column_view_column_set_sorter (column, column_sorter);
    }

  /* The chosen column first; within it, and without one, the node's order. */
  self->rank_sorter = GTK_SORTER (gtk_custom_sorter_new (rank_sort_func, NULL, NULL));
  gtk_multi_sorter_append (sorter, g_object_ref (column_view_sorter));
  gtk_multi_sorter_append (sorter, g_object_ref (self->rank_sorter));
  gtk_sort_list_model_set_sorter (self->sort_model, GTK_SORTER (sorter));

  g_signal_connect_object (column_view_sorter, "changed",
                           G_CALLBACK (column_view_sorter_changed_cb), self, G_CONNECT_SWAPPED);
}

void
_seye_process_view_columns_dispose (SeyeProcessView *self)
{
  g_clear_object (&self->rank_sorter);
  g_clear_object (&self->probes[0]);
  g_clear_object (&self->probes[1]);
}
