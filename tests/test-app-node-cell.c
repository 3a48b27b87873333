/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A status cell of the node list as rows are recycled while the list scrolls: unbound,
 * it keeps its indicator (hiding it would lay the whole list out again at every
 * rebind); bound again, it shows the new node's, whatever the node before it showed.
 */
#include "config.h"

#include <gtk/gtk.h>

#include "seye-node-cell.h"
#include "seye-node-private.h"
#include "seye-ticker.h"

typedef struct
{
  GtkWidget *icon;
  GtkWidget *dot;
} Indicator;

/* The cell's box holds the icon, then the dot (ui/seye-node-cell.ui). */
static Indicator
get_indicator (GtkWidget *cell)
{
  GtkWidget *box = gtk_widget_get_first_child (cell);
  Indicator indicator;

  indicator.icon = gtk_widget_get_first_child (box);
  indicator.dot = gtk_widget_get_next_sibling (indicator.icon);
  g_assert_true (GTK_IS_IMAGE (indicator.icon));
  g_assert_true (gtk_widget_has_css_class (indicator.dot, "dot"));

  return indicator;
}

static void
assert_dot (GtkWidget *cell)
{
  Indicator indicator = get_indicator (cell);

  g_assert_true (gtk_widget_get_visible (indicator.dot));
  g_assert_false (gtk_widget_get_visible (indicator.icon));
}

static void
assert_icon (GtkWidget  *cell,
             const char *icon_name)
{
  Indicator indicator = get_indicator (cell);

  g_assert_false (gtk_widget_get_visible (indicator.dot));
  g_assert_true (gtk_widget_get_visible (indicator.icon));
  g_assert_cmpstr (gtk_image_get_icon_name (GTK_IMAGE (indicator.icon)), ==, icon_name);
}

static SeyeNode *
make_node (const char    *key,
           SeyeNodeState  state)
{
  SeyeNode *node = _seye_node_new (key, key, TRUE, 1.0);

  _seye_node_set_state (node, state);

  return node;
}

static void
test_rebind (void)
{
  /* Without a sample a node is still connecting: a dot, like an online one. */
  g_autoptr (SeyeNode) connecting = make_node ("10.0.0.1:7373", SEYE_NODE_STATE_CONNECTING);
  g_autoptr (SeyeNode) conflict = make_node ("10.0.0.2:7373", SEYE_NODE_STATE_CONNECTING);
  g_autoptr (SeyeNode) offline = make_node ("10.0.0.3:7373", SEYE_NODE_STATE_OFFLINE);
  GtkWidget *cell = g_object_ref_sink (seye_node_cell_new (SEYE_NODE_COLUMN_STATUS));
  GtkWidget *window = gtk_window_new ();

  /* On screen, as in the list. */
  gtk_window_set_child (GTK_WINDOW (window), cell);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (gtk_widget_get_mapped (cell));

  /* Connecting like the first, but its identity clashes with another node's: a warning. */
  _seye_node_set_conflict (conflict, "another node answers at this address");

  seye_node_cell_set_node (SEYE_NODE_CELL (cell), connecting);
  assert_dot (cell);
  g_assert_cmpstr (seye_node_cell_get_text (SEYE_NODE_CELL (cell)), !=, "");

  /* Unbound: no text, the indicator left as it was. */
  seye_node_cell_set_node (SEYE_NODE_CELL (cell), NULL);
  g_assert_cmpstr (seye_node_cell_get_text (SEYE_NODE_CELL (cell)), ==, "");
  assert_dot (cell);

  /* The same state class ("connecting") as before, yet its own indicator. */
  seye_node_cell_set_node (SEYE_NODE_CELL (cell), conflict);
  assert_icon (cell, "dialog-warning-symbolic");

  seye_node_cell_set_node (SEYE_NODE_CELL (cell), NULL);
  assert_icon (cell, "dialog-warning-symbolic");
  seye_node_cell_set_node (SEYE_NODE_CELL (cell), offline);
  assert_icon (cell, "network-offline-symbolic");
  g_assert_true (gtk_widget_has_css_class (cell, "offline"));

  seye_node_cell_set_node (SEYE_NODE_CELL (cell), NULL);
  seye_node_cell_set_node (SEYE_NODE_CELL (cell), connecting);
  assert_dot (cell);
  g_assert_true (gtk_widget_has_css_class (cell, "connecting"));
  g_assert_false (gtk_widget_has_css_class (cell, "offline"));

  /* The node's own change, while bound. */
  _seye_node_set_state (connecting, SEYE_NODE_STATE_OFFLINE);
  seye_ticker_flush (seye_ticker_get_default ());
  assert_icon (cell, "network-offline-symbolic");

  /* Off screen (the fleet map shown instead of the list) a change waits, and is
   * there as soon as the cell is shown again. */
  gtk_widget_set_visible (window, FALSE);
  g_assert_false (gtk_widget_get_mapped (cell));
  _seye_node_set_state (connecting, SEYE_NODE_STATE_CONNECTING);
  seye_ticker_flush (seye_ticker_get_default ());
  assert_icon (cell, "network-offline-symbolic");
  gtk_widget_set_visible (window, TRUE);
  g_assert_true (gtk_widget_get_mapped (cell));
  assert_dot (cell);

  seye_node_cell_set_node (SEYE_NODE_CELL (cell), NULL);
  gtk_window_set_child (GTK_WINDOW (window), NULL);
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (cell);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gtk_init ();

  g_test_add_func ("/seye/app/node-cell/rebind", test_rebind);

  return g_test_run ();
}
