/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-window"

#include "config.h"

#include <glib/gi18n.h>

#include "seye-detail-pane.h"
#include "seye-frame-log.h"
#include "seye-node-list.h"
#include "seye-sanitize.h"
#include "seye-window-private.h"

struct _SeyeWindow
{
  AdwApplicationWindow  parent_instance;

  /* Template widgets */
  AdwToastOverlay      *toast_overlay;
  AdwLeaflet           *leaflet;
  GtkWidget            *list_page;
  GtkWidget            *detail_page;
  GtkWidget            *divider;
  AdwWindowTitle       *window_title;
  GtkButton            *alert_button;
  GtkLabel             *detail_title;
  GtkToggleButton      *pin_button;
  GtkRevealer          *discovery_revealer;
  GtkLabel             *discovery_label;
  GtkRevealer          *history_revealer;
  GtkRevealer          *sources_revealer;
  GtkLabel             *sources_label;
  GtkLabel             *history_label;
  SeyeNodeList         *node_list;
  SeyeDetailPane       *detail_pane;

  /* Owned */
  SeyeMonitor          *monitor;
  AdwToast             *removal_toast;  /* weak: the last removal's, for tests */
  GSettings            *settings;

  guint                 discovery_notice_shown : 1;
  guint                 discovery_limit_said : 1;
};

enum {
  PROP_0,
  PROP_MONITOR,
  PROP_STORE,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (SeyeWindow, seye_window, ADW_TYPE_APPLICATION_WINDOW)

static GParamSpec *properties[N_PROPS];

static void
update_subtitle (SeyeWindow *self)
{
  g_autoptr (GString) subtitle = g_string_new (NULL);
  guint n_nodes = 0;
  guint n_alerting = seye_node_list_get_n_alerting (self->node_list);

  if (self->monitor != NULL)
    n_nodes = g_list_model_get_n_items (G_LIST_MODEL (self->monitor));

  g_string_append_printf (subtitle, g_dngettext (GETTEXT_PACKAGE, "%u node", "%u nodes", n_nodes), n_nodes);

  if (self->monitor != NULL && seye_monitor_get_discovery_status (self->monitor) != NULL)
    g_string_append_printf (subtitle, " · %s", _("automatic discovery off"));

  adw_window_title_set_subtitle (self->window_title, subtitle->str);

  if (n_alerting > 0)
    {
      g_autofree char *label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u Alerting",
                                                             "%u Alerting", n_alerting), n_alerting);
      gtk_button_set_label (self->alert_button, label);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->alert_button), n_alerting > 0);
}

static void
discovery_status_cb (SeyeWindow *self)
{
  const char *status;

  update_subtitle (self);

  status = self->monitor ? seye_monitor_get_discovery_status (self->monitor) : NULL;

  /* Discovery came back (avahi-daemon started): the notice has nothing left to say. */
  if (status == NULL)
    {
      gtk_revealer_set_reveal_child (self->discovery_revealer, FALSE);
      return;
    }

  if (self->discovery_notice_shown)
    return;

  /* Once per session, and it stays until dismissed: without Avahi only manual nodes show. */
  {
    /* The core's message says what is off and why; add what still works. */
    g_autofree char *text = g_strdup_printf ("%s. %s", status,
                                             _("Nodes added by address are still watched."));

    gtk_label_set_text (self->discovery_label, text);
    gtk_revealer_set_reveal_child (self->discovery_revealer, TRUE);
  }

  self->discovery_notice_shown = TRUE;
}

/* Once: more nodes announced themselves than the monitor follows (see SeyeMonitor:discovery-full). */
static void
discovery_full_cb (SeyeWindow *self)
{
  AdwToast *toast;
  gboolean full = FALSE;

  g_object_get (self->monitor, "discovery-full", &full, NULL);
  if (!full)
    return;

  toast = adw_toast_new (_("Too many nodes announce themselves on this network: the newest are "
                           "ignored. Add the ones you need by address in Preferences."));
  adw_toast_set_timeout (toast, 0);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* Once: the open-file limit leaves too few connections for a stream per node. */
static void
streams_limited_cb (SeyeWindow *self)
{
  AdwToast *toast;
  gboolean limited = FALSE;

  g_object_get (self->monitor, "streams-limited", &limited, NULL);
  if (!limited)
    return;

  /* The whole story (the limit, how to raise it) is in the log; each row says how often. */
  toast = adw_toast_new (_("More nodes than the open-file limit allows live: some are polled in turns"));
  adw_toast_set_timeout (toast, 0);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* Once: avahi-daemon's own limits are reached (see SeyeMonitor:discovery-notice);
 * it says which setting to raise. The nodes already found stay. */
static void
discovery_notice_cb (SeyeWindow *self)
{
  const char *notice = seye_monitor_get_discovery_notice (self->monitor);
  AdwToast *toast;

  if (notice == NULL || self->discovery_limit_said)
    return;

  self->discovery_limit_said = TRUE;
  toast = adw_toast_new (notice);
  adw_toast_set_timeout (toast, 0);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
dismiss_discovery_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *param)
{
  SeyeWindow *self = SEYE_WINDOW (widget);

  gtk_revealer_set_reveal_child (self->discovery_revealer, FALSE);
}

static void
dismiss_history_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *param)
{
  SeyeWindow *self = SEYE_WINDOW (widget);

  gtk_revealer_set_reveal_child (self->history_revealer, FALSE);
}

static void
update_detail_title (SeyeWindow *self)
{
  SeyeNode *node = seye_detail_pane_get_node (self->detail_pane);
  g_autofree char *name = node ? seye_sanitize_display (seye_node_get_name (node)) : NULL;

  gtk_label_set_text (self->detail_title, name ? name : "");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.remove-node", node != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->pin_button), node != NULL);
  gtk_toggle_button_set_active (self->pin_button, node != NULL && seye_node_get_pinned (node));
}

static void
selected_node_cb (SeyeWindow   *self,
                  GParamSpec   *pspec,
                  SeyeNodeList *node_list)
{
  SeyeNode *old = seye_detail_pane_get_node (self->detail_pane);
  SeyeNode *node = seye_node_list_get_selected_node (node_list);

  if (old != NULL)
    g_signal_handlers_disconnect_by_func (old, update_detail_title, self);

  seye_detail_pane_set_node (self->detail_pane, node);

  if (node != NULL)
    {
      g_signal_connect_object (node, "notify::name", G_CALLBACK (update_detail_title), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (node, "notify::pinned", G_CALLBACK (update_detail_title), self,
                               G_CONNECT_SWAPPED);
    }

  update_detail_title (self);
}

static void
node_activated_cb (SeyeWindow   *self,
                   SeyeNode     *node,
                   SeyeNodeList *node_list)
{
  seye_window_show_node (self, node);
}

static void
n_alerting_cb (SeyeWindow *self)
{
  update_subtitle (self);
}

static void
alert_button_clicked_cb (SeyeWindow *self)
{
  seye_node_list_set_status_filter (self->node_list, SEYE_STATUS_FILTER_ALERTING);
}

static void
pin_toggled_cb (SeyeWindow      *self,
                GtkToggleButton *button)
{
  SeyeNode *node = seye_detail_pane_get_node (self->detail_pane);
  g_autoptr (GStrvBuilder) builder = NULL;
  g_auto (GStrv) old = NULL;
  g_auto (GStrv) pinned = NULL;
  gboolean active = gtk_toggle_button_get_active (button);

  if (node == NULL || seye_node_get_pinned (node) == active)
    return;

  seye_node_set_pinned (node, active);

  /* Remembered by key, applied again when the node shows up in a later session. */
  builder = g_strv_builder_new ();
  old = g_settings_get_strv (self->settings, "pinned-nodes");
  for (guint i = 0; old[i] != NULL; i++)
    if (g_strcmp0 (old[i], seye_node_get_key (node)) != 0)
      g_strv_builder_add (builder, old[i]);
  if (active)
    g_strv_builder_add (builder, seye_node_get_key (node));
  pinned = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "pinned-nodes", (const char * const *) pinned);
}

static void
go_back_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  SeyeWindow *self = SEYE_WINDOW (widget);

  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  SeyeWindow *self = SEYE_WINDOW (widget);

  adw_leaflet_set_visible_child (self->leaflet, self->list_page);
  seye_node_list_focus_search (self->node_list);
}

static void
remove_nodes (SeyeWindow *self,
              GPtrArray  *nodes)
{
  AdwToast *toast = _seye_window_remove_nodes (self, nodes);

  if (toast != NULL)
    g_set_weak_pointer (&self->removal_toast, toast);
}

static void
remove_node_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  SeyeWindow *self = SEYE_WINDOW (widget);
  SeyeNode *node = seye_detail_pane_get_node (self->detail_pane);
  g_autoptr (GPtrArray) nodes = NULL;

  if (node == NULL || self->monitor == NULL)
    return;

  nodes = g_ptr_array_new ();
  g_ptr_array_add (nodes, node);
  remove_nodes (self, nodes);

  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
remove_offline_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *param)
{
  SeyeWindow *self = SEYE_WINDOW (widget);
  g_autoptr (GPtrArray) nodes = _seye_window_collect_offline (self);

  if (nodes->len == 0)
    {
      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_("No node is offline")));
      return;
    }

  remove_nodes (self, nodes);
}

static void
next_problem_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  SeyeWindow *self = SEYE_WINDOW (widget);
  SeyeNode *node = seye_node_list_select_next_problem (self->node_list);

  if (node == NULL)
    {
      gtk_widget_error_bell (widget);
      return;
    }

  seye_window_show_node (self, node);
}

static void
seye_window_dispose (GObject *object)
{
  SeyeWindow *self = SEYE_WINDOW (object);

  g_clear_weak_pointer (&self->removal_toast);
  /* The settings' action would outlive the window's action group, and tell it of a change. */
  g_action_map_remove_action (G_ACTION_MAP (self), "view");
  gtk_widget_dispose_template (GTK_WIDGET (self), SEYE_TYPE_WINDOW);

  g_clear_object (&self->monitor);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (seye_window_parent_class)->dispose (object);
}

static void
seye_window_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  SeyeWindow *self = SEYE_WINDOW (object);

  switch (prop_id)
    {
    case PROP_MONITOR:
      g_value_set_object (value, self->monitor);
      break;

    case PROP_STORE:
      g_value_set_object (value, seye_detail_pane_get_store (self->detail_pane));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
seye_window_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  SeyeWindow *self = SEYE_WINDOW (object);

  switch (prop_id)
    {
    case PROP_MONITOR:
      self->monitor = g_value_dup_object (value);
      break;

    case PROP_STORE:
      if (seye_detail_pane_get_store (self->detail_pane) != g_value_get_object (value))
        {
          seye_detail_pane_set_store (self->detail_pane, g_value_get_object (value));
          g_object_notify_by_pspec (object, pspec);
        }
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
seye_window_constructed (GObject *object)
{
  SeyeWindow *self = SEYE_WINDOW (object);

  G_OBJECT_CLASS (seye_window_parent_class)->constructed (object);

  seye_node_list_set_monitor (self->node_list, self->monitor);

  if (self->monitor != NULL)
    {
      g_signal_connect_object (self->monitor, "notify::discovery-status",
                               G_CALLBACK (discovery_status_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->monitor, "items-changed",
                               G_CALLBACK (update_subtitle), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->monitor, "notify::discovery-full",
                               G_CALLBACK (discovery_full_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->monitor, "notify::streams-limited",
                               G_CALLBACK (streams_limited_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->monitor, "notify::discovery-notice",
                               G_CALLBACK (discovery_notice_cb), self, G_CONNECT_SWAPPED);
    }

  discovery_status_cb (self);
  update_detail_title (self);
}

static void
seye_window_class_init (SeyeWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = seye_window_constructed;
  object_class->dispose = seye_window_dispose;
  object_class->get_property = seye_window_get_property;
  object_class->set_property = seye_window_set_property;

  properties[PROP_MONITOR] =
    g_param_spec_object ("monitor", NULL, NULL,
                         SEYE_TYPE_MONITOR,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /* The history store the detail pane reads its long ranges from and exports. */
  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         SEYE_TYPE_STORE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (SEYE_TYPE_NODE_LIST);
  g_type_ensure (SEYE_TYPE_DETAIL_PANE);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/seye-window.ui");
  gtk_widget_class_bind_template_child (widget_class, SeyeWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, SeyeWindow, history_revealer);
  gtk_widget_class_bind_template_child (widget_class, SeyeWindow, sources_revealer);
  gtk_widget_class_bind_template_child (widget_class, SeyeWindow, sources_label);
  gtk_widget_class_bind_template_child (widget_class, SeyeWindow, history_label);
  gtk_widget_class_bind_template_child (widget_class, SeyeWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, SeyeWindow, list_page);
  gtk_widget_class_bind_template_child (widget_class, SeyeWindow, detail_page);
  gtk_widget_class_bind_template_child (widget_class, SeyeWindow, divider);
  gtk_widget_class_bind_template_child (widget_class, SeyeWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, SeyeWindow, alert_button);
  gtk_widget_class_bind_template_child (widget_class, SeyeWindow, detail_title);
  gtk_widget_class_bind_template_child (widget_class, SeyeWindow, pin_button);
  gtk_widget_class_bind_template_child (widget_class, SeyeWindow, discovery_revealer);
  gtk_widget_class_bind_template_child (widget_class, SeyeWindow, discovery_label);
  gtk_widget_class_bind_template_child (widget_class, SeyeWindow, node_list);
  gtk_widget_class_bind_template_child (widget_class, SeyeWindow, detail_pane);
  gtk_widget_class_bind_template_callback (widget_class, selected_node_cb);
  gtk_widget_class_bind_template_callback (widget_class, node_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, n_alerting_cb);
  gtk_widget_class_bind_template_callback (widget_class, alert_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, pin_toggled_cb);

  gtk_widget_class_install_action (widget_class, "win.go-back", NULL, go_back_action);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "win.dismiss-discovery", NULL, dismiss_discovery_action);
  gtk_widget_class_install_action (widget_class, "win.dismiss-history", NULL, dismiss_history_action);
  gtk_widget_class_install_action (widget_class, "win.remove-node", NULL, remove_node_action);
  gtk_widget_class_install_action (widget_class, "win.remove-offline", NULL, remove_offline_action);
  gtk_widget_class_install_action (widget_class, "win.next-problem", NULL, next_problem_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "win.go-back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, GDK_CONTROL_MASK, "win.remove-node", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_period, GDK_CONTROL_MASK, "win.next-problem", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F8, 0, "win.next-problem", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1, GDK_CONTROL_MASK, "win.view", "s", "list");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_2, GDK_CONTROL_MASK, "win.view", "s", "map");
}

static void
seye_window_init (SeyeWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  seye_frame_log_attach (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);

  /* The main menu's Columns items: the menu button is outside the list. */
  gtk_widget_insert_action_group (GTK_WIDGET (self), "columns",
                                  seye_node_list_get_column_actions (self->node_list));

  g_settings_bind (self->settings, "window-width", self, "default-width", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-height", self, "default-height", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-maximized", self, "maximized", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "time-window", self->detail_pane, "window", G_SETTINGS_BIND_DEFAULT);

  /* The list or the fleet map: the header's buttons, Ctrl+1 and Ctrl+2, remembered. */
  {
    g_autoptr (GAction) view = g_settings_create_action (self->settings, "view");

    g_action_map_add_action (G_ACTION_MAP (self), view);
    g_settings_bind (self->settings, "view", self->node_list, "view", G_SETTINGS_BIND_DEFAULT);
  }

  _seye_window_divider_init (GTK_WIDGET (self), self->divider, self->list_page, self->settings);

  if (DEVELOPMENT_BUILD)
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
}

SeyeWindow *
seye_window_new (AdwApplication *application,
                 SeyeMonitor    *monitor)
{
  return g_object_new (SEYE_TYPE_WINDOW,
                       "application", application,
                       "monitor", monitor,
                       NULL);
}

SeyeMonitor *
seye_window_get_monitor (SeyeWindow *self)
{
  g_return_val_if_fail (SEYE_IS_WINDOW (self), NULL);

  return self->monitor;
}

void
seye_window_show_node (SeyeWindow *self,
                       SeyeNode   *node)
{
  g_return_if_fail (SEYE_IS_WINDOW (self));

  /* Even the node the list chose by itself: chosen now, it stays when the list sorts
   * its first rows and would otherwise select its top one. */
  if (node != NULL)
    seye_node_list_select_node (self->node_list, node);

  if (adw_leaflet_get_folded (self->leaflet))
    adw_leaflet_set_visible_child (self->leaflet, self->detail_page);
}

/**
 * seye_window_show_history_notice:
 * @message: (nullable): plain text: why the history is not recorded and what to do,
 *   or %NULL when that is over
 *
 * Shows @message above the node list, whole (a toast would cut it to one line), until
 * the user dismisses it or it is replaced.
 */
void
seye_window_show_history_notice (SeyeWindow *self,
                                 const char *message)
{
  g_return_if_fail (SEYE_IS_WINDOW (self));

  if (message != NULL)
    gtk_label_set_text (self->history_label, message);
  gtk_revealer_set_reveal_child (self->history_revealer, message != NULL);
}

/**
 * seye_window_show_sources_notice:
 * @message: (nullable): plain text, sanitised: what is wrong with the sources other
 *   than the agents (a Prometheus server not reachable…), one a line; %NULL when all work
 *
 * Shows @message above the node list while it lasts: it goes when the sources work again.
 */
void
seye_window_show_sources_notice (SeyeWindow *self,
                                 const char *message)
{
  g_return_if_fail (SEYE_IS_WINDOW (self));

  if (message != NULL)
    gtk_label_set_text (self->sources_label, message);
  gtk_revealer_set_reveal_child (self->sources_revealer, message != NULL);
}

void
seye_window_add_toast (SeyeWindow *self,
                       AdwToast   *toast)
{
  g_return_if_fail (SEYE_IS_WINDOW (self));

  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

SeyeNodeList *
_seye_window_get_node_list (SeyeWindow *self)
{
  return self->node_list;
}

AdwToast *
_seye_window_get_removal_toast (SeyeWindow *self)
{
  return self->removal_toast;
}

SeyeDetailPane *
_seye_window_get_detail_pane (SeyeWindow *self)
{
  return self->detail_pane;
}

const char *
_seye_window_get_subtitle (SeyeWindow *self)
{
  return adw_window_title_get_subtitle (self->window_title);
}

gboolean
_seye_window_get_discovery_notice_shown (SeyeWindow *self)
{
  return self->discovery_notice_shown && gtk_revealer_get_reveal_child (self->discovery_revealer);
}

/* For tests: the sources notice as shown, NULL when hidden. */
const char *
_seye_window_get_sources_notice (SeyeWindow *self)
{
  if (!gtk_revealer_get_reveal_child (self->sources_revealer))
    return NULL;

  return gtk_label_get_text (self->sources_label);
}
