/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * list-floor: the floor under the app's node list, GTK 4.8's own cost for a
 * list of N rows that sorts, filters and scrolls, with nothing of the app.
 *
 *   list-floor [N]        (default 1000)
 *
 * A window of 1280x800 with a search entry over a GtkColumnView of N rows and
 * nine columns (a name and eight numbers, as the app's list shows by default),
 * each cell a GtkInscription, the app's cell. Every second every row's numbers
 * change, as a fleet's samples do, and its bound cells set their text again.
 * Then it drives itself through what bench/app-frames.sh does to the app with
 * xdotool, one phase after another, and says which on standard error:
 *
 *   phase sort     the Name, CPU and Memory columns sorted, each twice
 *   phase filter   "row-01" typed into the search a key every 150 ms, then erased
 *   phase scroll   60 steps down and up every 50 ms, then 5 pages down and up
 *   phase end
 *
 * With G_MESSAGES_DEBUG=seye-frames each frame is logged by the app's own frame
 * log (src/app/seye-frame-log.c), so that bench/list-floor.sh reads the floor's
 * frames and the app's the same way.
 */
#include "config.h"

#include <gtk/gtk.h>
#include <stdlib.h>
#include <string.h>

#include "seye-frame-log.h"

#define N_NUMBERS 8

#define FLOOR_TYPE_ROW (floor_row_get_type ())
G_DECLARE_FINAL_TYPE (FloorRow, floor_row, FLOOR, ROW, GObject)

struct _FloorRow
{
  GObject parent_instance;
  char   *name;
  double  numbers[N_NUMBERS];
};

G_DEFINE_FINAL_TYPE (FloorRow, floor_row, G_TYPE_OBJECT)

static guint row_changed;

static void
floor_row_finalize (GObject *object)
{
  g_free (FLOOR_ROW (object)->name);
  G_OBJECT_CLASS (floor_row_parent_class)->finalize (object);
}

static void
floor_row_class_init (FloorRowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = floor_row_finalize;
  row_changed = g_signal_new ("changed", FLOOR_TYPE_ROW, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                              G_TYPE_NONE, 0);
}

static void
floor_row_init (FloorRow *self)
{
}

typedef struct
{
  GtkWidget        *window;
  GtkColumnView    *view;
  GtkEditable      *search;
  GListStore       *store;
  GtkColumnViewColumn *columns[1 + N_NUMBERS];
  GtkAdjustment    *vadjustment;
  guint             step;
} Floor;

/* A cell: its row's name or one of its numbers, set again when the row changes. */
static void
cell_set_text (GtkInscription *cell,
               FloorRow       *row)
{
  guint column = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (cell), "column"));
  char text[32];

  if (column == 0)
    gtk_inscription_set_text (cell, row->name);
  else
    {
      g_snprintf (text, sizeof text, "%.1f %%", row->numbers[column - 1]);
      gtk_inscription_set_text (cell, text);
    }
}

static void
setup_cb (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          gpointer                  column)
{
  GtkWidget *cell = gtk_inscription_new (NULL);

  gtk_inscription_set_min_chars (GTK_INSCRIPTION (cell), GPOINTER_TO_UINT (column) == 0 ? 12 : 7);
  g_object_set_data (G_OBJECT (cell), "column", column);
  gtk_list_item_set_child (item, cell);
}

static void
bind_cb (GtkSignalListItemFactory *factory,
         GtkListItem              *item)
{
  GtkWidget *cell = gtk_list_item_get_child (item);
  FloorRow *row = gtk_list_item_get_item (item);

  cell_set_text (GTK_INSCRIPTION (cell), row);
  g_signal_connect_object (row, "changed", G_CALLBACK (cell_set_text), cell, G_CONNECT_SWAPPED);
}

static void
unbind_cb (GtkSignalListItemFactory *factory,
           GtkListItem              *item)
{
  g_signal_handlers_disconnect_by_data (gtk_list_item_get_item (item), gtk_list_item_get_child (item));
}

static int
compare_cb (gconstpointer a,
            gconstpointer b,
            gpointer      column)
{
  const FloorRow *x = a, *y = b;
  guint i = GPOINTER_TO_UINT (column);

  if (i == 0)
    return g_strcmp0 (x->name, y->name);

  return (x->numbers[i - 1] > y->numbers[i - 1]) - (x->numbers[i - 1] < y->numbers[i - 1]);
}

static gboolean
match_cb (gpointer item,
          gpointer data)
{
  Floor *floor = data;
  const char *text = gtk_editable_get_text (floor->search);

  return text[0] == '\0' || strstr (FLOOR_ROW (item)->name, text) != NULL;
}

static void
search_changed_cb (GtkEditable *search,
                   GtkFilter   *filter)
{
  gtk_filter_changed (filter, GTK_FILTER_CHANGE_DIFFERENT);
}

/* Every second every row's numbers move, as a fleet's samples do. */
static gboolean
tick_cb (gpointer data)
{
  Floor *floor = data;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (floor->store));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (FloorRow) row = g_list_model_get_item (G_LIST_MODEL (floor->store), i);

      for (guint k = 0; k < N_NUMBERS; k++)
        row->numbers[k] = g_random_double_range (0, 100);
      g_signal_emit (row, row_changed, 0);
    }

  return G_SOURCE_CONTINUE;
}

static void
build_columns (Floor      *floor,
               GtkFilter  *filter)
{
  static const char * const titles[] = { "Name", "CPU", "Memory", "Load", "Disk", "Processes",
                                         "Uptime", "Received", "Sent" };
  g_autoptr (GtkFilterListModel) filtered = gtk_filter_list_model_new (G_LIST_MODEL (g_object_ref (floor->store)),
                                                                       g_object_ref (filter));
  GtkSortListModel *sorted;

  floor->view = GTK_COLUMN_VIEW (gtk_column_view_new (NULL));
  sorted = gtk_sort_list_model_new (G_LIST_MODEL (g_object_ref (filtered)),
                                    g_object_ref (gtk_column_view_get_sorter (floor->view)));
  gtk_column_view_set_model (floor->view, GTK_SELECTION_MODEL (gtk_single_selection_new (G_LIST_MODEL (sorted))));

  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    {
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      GtkSorter *sorter = GTK_SORTER (gtk_custom_sorter_new (compare_cb, GUINT_TO_POINTER (i), NULL));

      g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), GUINT_TO_POINTER (i));
      g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), NULL);
      g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cb), NULL);
      floor->columns[i] = gtk_column_view_column_new (titles[i], factory);
      gtk_column_view_column_set_sorter (floor->columns[i], sorter);
      gtk_column_view_column_set_fixed_width (floor->columns[i], i == 0 ? 180 : 110);
      gtk_column_view_append_column (floor->view, floor->columns[i]);
      g_object_unref (floor->columns[i]);
      g_object_unref (sorter);
    }
}

static void
phase (const char *name)
{
  g_printerr ("phase %s\n", name);
}

/* The drive, one step every 50 ms: sorts, then the search, then the scrolling. */
static gboolean
drive_cb (gpointer data)
{
  static const guint sort_columns[] = { 0, 1, 2 };
  static const char typed[] = "row-01";
  Floor *floor = data;
  guint s = floor->step++;
  double page = gtk_adjustment_get_page_size (floor->vadjustment);
  double value = gtk_adjustment_get_value (floor->vadjustment);

  if (s == 0)
    phase ("sort");
  if (s < 60)
    {
      /* A sort every 0.5 s: each of three columns, one way then the other. */
      if (s % 10 == 0)
        gtk_column_view_sort_by_column (floor->view, floor->columns[sort_columns[(s / 20) % 3]],
                                        (s / 10) % 2 == 0 ? GTK_SORT_DESCENDING : GTK_SORT_ASCENDING);
      return G_SOURCE_CONTINUE;
    }
  if (s == 60)
    {
      gtk_column_view_sort_by_column (floor->view, NULL, GTK_SORT_ASCENDING);
      phase ("filter");
    }
  if (s < 60 + 3 * 12)
    {
      /* A key every 150 ms: typed, then erased one by one. */
      int k = (int) (s - 60) / 3, typed_len = (int) sizeof typed - 1, position = k;

      if ((s - 60) % 3 == 0 && k < typed_len)
        gtk_editable_insert_text (floor->search, typed + k, 1, &position);
      else if ((s - 60) % 3 == 0)
        gtk_editable_delete_text (floor->search, 2 * typed_len - k - 1, 2 * typed_len - k);
      return G_SOURCE_CONTINUE;
    }
  if (s == 96)
    phase ("scroll");
  if (s < 96 + 120)
    {
      double step = page / 10;

      gtk_adjustment_set_value (floor->vadjustment, value + (s < 156 ? step : -step));
      return G_SOURCE_CONTINUE;
    }
  if (s < 216 + 20)
    {
      /* Pages, every 100 ms. */
      if (s % 2 == 0)
        gtk_adjustment_set_value (floor->vadjustment, value + (s < 226 ? page : -page));
      return G_SOURCE_CONTINUE;
    }

  phase ("end");
  gtk_window_destroy (GTK_WINDOW (floor->window));
  return G_SOURCE_REMOVE;
}

static gboolean
start_cb (gpointer data)
{
  g_timeout_add (50, drive_cb, data);
  return G_SOURCE_REMOVE;
}

int
main (int   argc,
      char *argv[])
{
  guint n = argc > 1 ? (guint) strtoul (argv[1], NULL, 10) : 1000;
  Floor floor = { 0 };
  g_autoptr (GtkFilter) filter = NULL;
  GtkWidget *box, *scrolled;

  gtk_init ();
  floor.store = g_list_store_new (FLOOR_TYPE_ROW);
  for (guint i = 0; i < MAX (n, 1u); i++)
    {
      g_autoptr (FloorRow) row = g_object_new (FLOOR_TYPE_ROW, NULL);

      row->name = g_strdup_printf ("row-%04u", i + 1);
      g_list_store_append (floor.store, row);
    }
  tick_cb (&floor);

  floor.search = GTK_EDITABLE (gtk_search_entry_new ());
  filter = GTK_FILTER (gtk_custom_filter_new (match_cb, &floor, NULL));
  build_columns (&floor, filter);
  g_signal_connect (floor.search, "changed", G_CALLBACK (search_changed_cb), filter);

  scrolled = gtk_scrolled_window_new ();
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), GTK_WIDGET (floor.view));
  floor.vadjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (floor.search));
  gtk_box_append (GTK_BOX (box), scrolled);

  floor.window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (floor.window), 1280, 800);
  gtk_window_set_child (GTK_WINDOW (floor.window), box);
  seye_frame_log_attach (floor.window);
  gtk_window_present (GTK_WINDOW (floor.window));

  g_timeout_add_seconds (1, tick_cb, &floor);
  g_timeout_add_seconds (5, start_cb, &floor);
  while (g_list_model_get_n_items (gtk_window_get_toplevels ()) > 0)
    g_main_context_iteration (NULL, TRUE);

  g_object_unref (floor.store);

  return 0;
}
