/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-node-list"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "seye-node-list-private.h"

/* The strip above the list: "41 nodes · 37 online · 3 alerting · 1 offline", each
 * count a toggle that shows only those nodes. */

GType
seye_status_filter_get_type (void)
{
  static gsize type_id = 0;

  if (g_once_init_enter (&type_id))
    {
      static const GEnumValue values[] = {
        { SEYE_STATUS_FILTER_ALL, "SEYE_STATUS_FILTER_ALL", "all" },
        { SEYE_STATUS_FILTER_ONLINE, "SEYE_STATUS_FILTER_ONLINE", "online" },
        { SEYE_STATUS_FILTER_ALERTING, "SEYE_STATUS_FILTER_ALERTING", "alerting" },
        { SEYE_STATUS_FILTER_OFFLINE, "SEYE_STATUS_FILTER_OFFLINE", "offline" },
        { 0, NULL, NULL },
      };
      GType type = g_enum_register_static ("SeyeStatusFilter", values);

      g_once_init_leave (&type_id, type);
    }

  return type_id;
}

gboolean
_seye_node_list_matches_status (SeyeNode         *node,
                                SeyeStatusFilter  filter)
{
  SeyeNodeState state = seye_node_get_state (node);

  switch (filter)
    {
    case SEYE_STATUS_FILTER_ONLINE:
      return state == SEYE_NODE_STATE_ONLINE || state == SEYE_NODE_STATE_STALE;
    case SEYE_STATUS_FILTER_ALERTING:
      return seye_node_get_alerting (node);
    case SEYE_STATUS_FILTER_OFFLINE:
      /* Every node whose data does not come in. */
      return state == SEYE_NODE_STATE_OFFLINE || state == SEYE_NODE_STATE_LEFT ||
             state == SEYE_NODE_STATE_INCOMPATIBLE ||
             state == SEYE_NODE_STATE_NEEDS_PAIRING || state == SEYE_NODE_STATE_UNTRUSTED ||
             state == SEYE_NODE_STATE_NOT_RESPONDING;
    case SEYE_STATUS_FILTER_ALL:
    default:
      return TRUE;
    }
}

static void
set_count_label (GtkToggleButton *button,
                 const char      *text)
{
  if (g_strcmp0 (gtk_button_get_label (GTK_BUTTON (button)), text) != 0)
    gtk_button_set_label (GTK_BUTTON (button), text);
}

static void
update_labels (SeyeNodeList *self)
{
  g_autofree char *all = NULL;
  g_autofree char *online = NULL;
  g_autofree char *alerting = NULL;
  g_autofree char *offline = NULL;
  const guint *n = self->counts;

  all = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u node", "%u nodes",
                                      n[SEYE_STATUS_FILTER_ALL]), n[SEYE_STATUS_FILTER_ALL]);
  /* Translators: a count of nodes, e.g. "37 online" */
  online = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u online", "%u online",
                                         n[SEYE_STATUS_FILTER_ONLINE]), n[SEYE_STATUS_FILTER_ONLINE]);
  /* Translators: a count of nodes, e.g. "3 alerting" */
  alerting = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u alerting", "%u alerting",
                                           n[SEYE_STATUS_FILTER_ALERTING]),
                              n[SEYE_STATUS_FILTER_ALERTING]);
  /* Translators: a count of nodes, e.g. "1 offline" */
  offline = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u offline", "%u offline",
                                          n[SEYE_STATUS_FILTER_OFFLINE]),
                             n[SEYE_STATUS_FILTER_OFFLINE]);

  set_count_label (self->summary_buttons[SEYE_STATUS_FILTER_ALL], all);
  set_count_label (self->summary_buttons[SEYE_STATUS_FILTER_ONLINE], online);
  set_count_label (self->summary_buttons[SEYE_STATUS_FILTER_ALERTING], alerting);
  set_count_label (self->summary_buttons[SEYE_STATUS_FILTER_OFFLINE], offline);

  /* Alerts in the error colour while there are some. */
  if (n[SEYE_STATUS_FILTER_ALERTING] > 0)
    gtk_widget_add_css_class (GTK_WIDGET (self->summary_buttons[SEYE_STATUS_FILTER_ALERTING]), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->summary_buttons[SEYE_STATUS_FILTER_ALERTING]), "error");
}

/* Counted over the monitor's nodes, but those removed pending an undo: what the user
 * sees with every filter off. */
void
_seye_node_list_update_counts (SeyeNodeList *self)
{
  guint counts[G_N_ELEMENTS (self->counts)] = { 0 };
  guint old_alerting = self->counts[SEYE_STATUS_FILTER_ALERTING];
  guint n = self->monitor ? g_list_model_get_n_items (G_LIST_MODEL (self->monitor)) : 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (SeyeNode) node = g_list_model_get_item (G_LIST_MODEL (self->monitor), i);

      if (g_hash_table_contains (self->hidden_nodes, node))
        continue;

      for (SeyeStatusFilter filter = 0; filter < G_N_ELEMENTS (counts); filter++)
        if (_seye_node_list_matches_status (node, filter))
          counts[filter]++;
    }

  if (memcmp (counts, self->counts, sizeof counts) == 0)
    return;

  /* A diagnostic for the start time (bench/app-frames.sh): with
   * G_MESSAGES_DEBUG=seye-node-list, the moment every node listed first is online. */
  if (!self->all_online_logged && counts[SEYE_STATUS_FILTER_ALL] > 0 &&
      counts[SEYE_STATUS_FILTER_ONLINE] == counts[SEYE_STATUS_FILTER_ALL])
    {
      self->all_online_logged = TRUE;
      g_debug ("all %u nodes listed and online, %.2f s after the list was made",
               counts[SEYE_STATUS_FILTER_ALL],
               (g_get_monotonic_time () - self->created_us) / (double) G_USEC_PER_SEC);
    }

  memcpy (self->counts, counts, sizeof counts);
  update_labels (self);

  if (old_alerting != counts[SEYE_STATUS_FILTER_ALERTING])
    g_object_notify (G_OBJECT (self), "n-alerting");
}

static void
summary_toggled_cb (SeyeNodeList    *self,
                    GtkToggleButton *button)
{
  if (!gtk_toggle_button_get_active (button))
    return;

  for (SeyeStatusFilter filter = 0; filter < G_N_ELEMENTS (self->summary_buttons); filter++)
    if (self->summary_buttons[filter] == button)
      seye_node_list_set_status_filter (self, filter);
}

static void
status_filter_cb (SeyeNodeList *self)
{
  GtkToggleButton *button = self->summary_buttons[seye_node_list_get_status_filter (self)];

  if (!gtk_toggle_button_get_active (button))
    gtk_toggle_button_set_active (button, TRUE);
}

void
_seye_node_list_summary_init (SeyeNodeList *self)
{
  gtk_toggle_button_set_active (self->summary_buttons[SEYE_STATUS_FILTER_ALL], TRUE);
  g_signal_connect (self, "notify::status-filter", G_CALLBACK (status_filter_cb), NULL);
  update_labels (self);
}

void
_seye_node_list_summary_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_child_full (widget_class, "summary_all", FALSE,
                                             G_STRUCT_OFFSET (SeyeNodeList, summary_buttons[SEYE_STATUS_FILTER_ALL]));
  gtk_widget_class_bind_template_child_full (widget_class, "summary_online", FALSE,
                                             G_STRUCT_OFFSET (SeyeNodeList, summary_buttons[SEYE_STATUS_FILTER_ONLINE]));
  gtk_widget_class_bind_template_child_full (widget_class, "summary_alerting", FALSE,
                                             G_STRUCT_OFFSET (SeyeNodeList, summary_buttons[SEYE_STATUS_FILTER_ALERTING]));
  gtk_widget_class_bind_template_child_full (widget_class, "summary_offline", FALSE,
                                             G_STRUCT_OFFSET (SeyeNodeList, summary_buttons[SEYE_STATUS_FILTER_OFFLINE]));
  gtk_widget_class_bind_template_callback (widget_class, summary_toggled_cb);
}

/**
 * seye_node_list_select_next_problem:
 *
 * Selects the next node, after the selected one and round to the top, that alerts
 * or whose data does not come in.
 *
 * Returns: (transfer none) (nullable): that node, or %NULL when there is none
 */
SeyeNode *
seye_node_list_select_next_problem (SeyeNodeList *self)
{
  GListModel *model;
  guint n, start;

  g_return_val_if_fail (SEYE_IS_NODE_LIST (self), NULL);

  model = G_LIST_MODEL (self->selection);
  n = g_list_model_get_n_items (model);
  start = gtk_single_selection_get_selected (self->selection);
  start = start == GTK_INVALID_LIST_POSITION ? 0 : start + 1;

  for (guint i = 0; i < n; i++)
    {
      guint position = (start + i) % n;
      g_autoptr (SeyeNode) node = g_list_model_get_item (model, position);

      if (seye_node_get_alerting (node) ||
          _seye_node_list_matches_status (node, SEYE_STATUS_FILTER_OFFLINE))
        {
          seye_node_list_select_node (self, node);
          return node;
        }
    }

  return NULL;
}
