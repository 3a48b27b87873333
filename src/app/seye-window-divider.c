/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-window"

#include "config.h"

#include "seye-window-private.h"

/* The divider between the node list and the detail pane: dragged, it sets the list's
 * width, remembered in "pane-position" (-1: the list takes what the detail pane
 * leaves). The width is kept within the window, so the pane never folds for it. */

#define MIN_PANE_WIDTH 360

typedef struct
{
  GtkWidget *window;     /* weak */
  GtkWidget *list_page;  /* weak */
  GSettings *settings;
  int        drag_start;
  int        width;      /* the width asked for, -1 for none */
} Divider;

static void
divider_free (gpointer data)
{
  Divider *divider = data;

  g_clear_weak_pointer (&divider->window);
  g_clear_weak_pointer (&divider->list_page);
  g_clear_object (&divider->settings);
  g_free (divider);
}

/* The list's width for a window @window_width wide: what was asked, within bounds. */
int
_seye_window_divider_clamp (int width,
                            int window_width)
{
  int max = window_width - MIN_PANE_WIDTH - 5;

  if (width < 0)
    return -1;

  return CLAMP (width, MIN_PANE_WIDTH, MAX (max, MIN_PANE_WIDTH));
}

static void
apply (Divider *divider)
{
  int window_width, window_height, width;

  if (divider->window == NULL || divider->list_page == NULL)
    return;

  window_width = gtk_widget_get_width (divider->window);
  if (window_width <= 0)
    gtk_window_get_default_size (GTK_WINDOW (divider->window), &window_width, &window_height);

  width = _seye_window_divider_clamp (divider->width, window_width);
  gtk_widget_set_size_request (divider->list_page, MAX (width, MIN_PANE_WIDTH), -1);
  /* A set width is the list's; the detail pane takes the rest. */
  gtk_widget_set_hexpand (divider->list_page, width < 0);
  for (GtkWidget *child = gtk_widget_get_first_child (divider->list_page); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (SEYE_IS_NODE_LIST (child))
      _seye_node_list_set_width_follows_columns (SEYE_NODE_LIST (child), width < 0);
}

static void
drag_begin_cb (GtkGestureDrag *gesture,
               double          x,
               double          y,
               Divider        *divider)
{
  divider->drag_start = divider->list_page ? gtk_widget_get_width (divider->list_page) : 0;
}

static void
drag_update_cb (GtkGestureDrag *gesture,
                double          offset_x,
                double          offset_y,
                Divider        *divider)
{
  if (gtk_widget_get_direction (divider->window) == GTK_TEXT_DIR_RTL)
    offset_x = -offset_x;

  divider->width = divider->drag_start + (int) offset_x;
  divider->width = _seye_window_divider_clamp (divider->width, gtk_widget_get_width (divider->window));
  apply (divider);
}

static void
drag_end_cb (GtkGestureDrag *gesture,
             double          offset_x,
             double          offset_y,
             Divider        *divider)
{
  if (g_settings_get_int (divider->settings, "pane-position") != divider->width)
    g_settings_set_int (divider->settings, "pane-position", divider->width);
}

static void
settings_changed_cb (GSettings  *settings,
                     const char *key,
                     GtkWidget  *handle)
{
  Divider *divider = g_object_get_data (G_OBJECT (handle), "seye-divider");

  divider->width = g_settings_get_int (settings, "pane-position");
  apply (divider);
}

static void
window_size_cb (GtkWidget *handle)
{
  apply (g_object_get_data (G_OBJECT (handle), "seye-divider"));
}

void
_seye_window_divider_init (GtkWidget *window,
                           GtkWidget *handle,
                           GtkWidget *list_page,
                           GSettings *settings)
{
  Divider *divider = g_new0 (Divider, 1);
  GtkGesture *drag = gtk_gesture_drag_new ();

  g_set_weak_pointer (&divider->window, window);
  g_set_weak_pointer (&divider->list_page, list_page);
  divider->settings = g_object_ref (settings);
  divider->width = g_settings_get_int (settings, "pane-position");
  g_object_set_data_full (G_OBJECT (handle), "seye-divider", divider, divider_free);

  gtk_widget_set_cursor_from_name (handle, "col-resize");
  g_signal_connect (drag, "drag-begin", G_CALLBACK (drag_begin_cb), divider);
  g_signal_connect (drag, "drag-update", G_CALLBACK (drag_update_cb), divider);
  g_signal_connect (drag, "drag-end", G_CALLBACK (drag_end_cb), divider);
  gtk_widget_add_controller (handle, GTK_EVENT_CONTROLLER (drag));

  g_signal_connect_object (settings, "changed::pane-position", G_CALLBACK (settings_changed_cb),
                           handle, 0);
  g_signal_connect_object (window, "notify::default-width", G_CALLBACK (window_size_cb), handle,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (window, "notify::maximized", G_CALLBACK (window_size_cb), handle,
                           G_CONNECT_SWAPPED);
  apply (divider);
}
