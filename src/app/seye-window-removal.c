/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-window"

#include "config.h"

#include <glib/gi18n.h>

#include "seye-sanitize.h"
#include "seye-window-private.h"

/* Removing nodes, with Undo: the nodes leave the list at once, and leave the monitor
 * (and a manual entry its settings) only when the toast goes away without Undo. */

typedef struct
{
  SeyeMonitor  *monitor;
  SeyeNodeList *list;       /* weak */
  GPtrArray    *nodes;
  gboolean      undone;
  gboolean      done;
} Removal;

static void
removal_commit (Removal *removal)
{
  GApplication *app = g_application_get_default ();

  if (removal->done)
    return;
  removal->done = TRUE;

  for (guint i = 0; i < removal->nodes->len; i++)
    {
      SeyeNode *node = g_ptr_array_index (removal->nodes, i);

      if (!removal->undone)
        {
          /* The application also forgets a manual entry; see app.remove-node. */
          if (app != NULL && g_action_group_has_action (G_ACTION_GROUP (app), "remove-node"))
            g_action_group_activate_action (G_ACTION_GROUP (app), "remove-node",
                                            g_variant_new_string (seye_node_get_key (node)));
          else
            seye_monitor_remove (removal->monitor, node);
        }

      if (removal->list != NULL)
        seye_node_list_set_node_hidden (removal->list, node, FALSE);
    }
}

static void
removal_free (gpointer data)
{
  Removal *removal = data;

  /* A toast that goes without being dismissed (the window closed) still removes. */
  removal_commit (removal);

  g_clear_weak_pointer (&removal->list);
  g_clear_object (&removal->monitor);
  g_clear_pointer (&removal->nodes, g_ptr_array_unref);
  g_free (removal);
}

static void
undo_cb (AdwToast *toast,
         Removal  *removal)
{
  removal->undone = TRUE;
  removal_commit (removal);
}

static void
dismissed_cb (AdwToast *toast,
              Removal  *removal)
{
  removal_commit (removal);
}

/**
 * _seye_window_remove_nodes:
 * @nodes: (element-type SeyeNode): the nodes to remove
 *
 * Returns: (transfer none) (nullable): the toast that offers Undo
 */
AdwToast *
_seye_window_remove_nodes (SeyeWindow *self,
                           GPtrArray  *nodes)
{
  SeyeNodeList *list = _seye_window_get_node_list (self);
  g_autofree char *title = NULL;
  g_autofree char *escaped = NULL;
  Removal *removal;
  AdwToast *toast;

  if (nodes->len == 0 || seye_window_get_monitor (self) == NULL)
    return NULL;

  removal = g_new0 (Removal, 1);
  removal->monitor = g_object_ref (seye_window_get_monitor (self));
  removal->nodes = g_ptr_array_new_with_free_func (g_object_unref);
  g_set_weak_pointer (&removal->list, list);

  for (guint i = 0; i < nodes->len; i++)
    {
      SeyeNode *node = g_ptr_array_index (nodes, i);

      g_ptr_array_add (removal->nodes, g_object_ref (node));
      seye_node_list_set_node_hidden (list, node, TRUE);
    }

  if (nodes->len == 1)
    {
      g_autofree char *name = seye_sanitize_display (seye_node_get_name (g_ptr_array_index (nodes, 0)));

      /* Translators: %s is a node's name */
      title = g_strdup_printf (_("“%s” removed"), name != NULL ? name : "");
    }
  else
    {
      title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u node removed", "%u nodes removed",
                                            nodes->len), nodes->len);
    }

  /* A toast's title is markup in libadwaita 1.2. */
  toast = adw_toast_new (escaped = g_markup_escape_text (title, -1));
  adw_toast_set_button_label (toast, _("_Undo"));
  g_object_set_data_full (G_OBJECT (toast), "seye-removal", removal, removal_free);
  g_signal_connect (toast, "button-clicked", G_CALLBACK (undo_cb), removal);
  g_signal_connect (toast, "dismissed", G_CALLBACK (dismissed_cb), removal);
  seye_window_add_toast (self, toast);

  return toast;
}

/* Every node whose machine is gone: offline, or said goodbye. */
GPtrArray *
_seye_window_collect_offline (SeyeWindow *self)
{
  SeyeMonitor *monitor = seye_window_get_monitor (self);
  GPtrArray *nodes = g_ptr_array_new_with_free_func (g_object_unref);
  guint n = monitor ? g_list_model_get_n_items (G_LIST_MODEL (monitor)) : 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (SeyeNode) node = g_list_model_get_item (G_LIST_MODEL (monitor), i);
      SeyeNodeState state = seye_node_get_state (node);

      if (state == SEYE_NODE_STATE_OFFLINE || state == SEYE_NODE_STATE_LEFT)
        g_ptr_array_add (nodes, g_steal_pointer (&node));
    }

  return nodes;
}
