/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sorcerers-eye"

#include "config.h"

#include <glib/gi18n.h>

#include "seye-alert-notifier.h"
#include "seye-sanitize.h"

struct _SeyeAlertNotifier
{
  GObject       parent_instance;

  GApplication *application;   /* weak: it owns us */
  GSettings    *settings;
};

G_DEFINE_FINAL_TYPE (SeyeAlertNotifier, seye_alert_notifier, G_TYPE_OBJECT)

/* One id per node and rule, so that a clear withdraws its start. */
static char *
notification_id (SeyeNode *node,
                 guint     kind)
{
  return g_strdup_printf ("alert-%s-%s", seye_node_get_key (node), seye_alert_kind_get_id (kind));
}

static char *
alert_title (SeyeNode *node,
             guint     kind)
{
  g_autofree char *name = seye_sanitize_display (seye_node_get_name (node));

  switch (kind)
    {
    case SEYE_ALERT_CPU:        return g_strdup_printf (_("CPU usage on %s is high"), name);
    case SEYE_ALERT_MEMORY:     return g_strdup_printf (_("Memory on %s is almost full"), name);
    case SEYE_ALERT_SWAP:       return g_strdup_printf (_("%s is swapping"), name);
    case SEYE_ALERT_FILESYSTEM: return g_strdup_printf (_("A disk of %s is almost full"), name);
    case SEYE_ALERT_LOAD:       return g_strdup_printf (_("%s is overloaded"), name);
    case SEYE_ALERT_OFFLINE:    return g_strdup_printf (_("%s is offline"), name);
    default:                    return g_strdup_printf (_("Alert on %s"), name);
    }
}

static char *
alert_body (SeyeNode *node,
            guint     kind)
{
  if (kind == SEYE_ALERT_OFFLINE)
    return seye_node_get_error (node) != NULL ? seye_sanitize_display (seye_node_get_error (node))
                                              : g_strdup (_("It stopped answering."));

  /* "Memory 96 %": the describer sanitises what came from the node. */
  return seye_node_describe_alert (node, kind);
}

static void
alert_cb (SeyeAlertNotifier *self,
          SeyeNode          *node,
          guint              kind,
          gboolean           active,
          SeyeMonitor       *monitor)
{
  g_autoptr (GNotification) notification = NULL;
  g_autofree char *id = notification_id (node, kind);
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;

  if (self->application == NULL)
    return;

  if (!active)
    {
      g_application_withdraw_notification (self->application, id);
      return;
    }

  if (!g_settings_get_boolean (self->settings, "notifications"))
    return;

  title = alert_title (node, kind);
  body = alert_body (node, kind);
  notification = g_notification_new (title);
  if (body != NULL)
    g_notification_set_body (notification, body);
  g_notification_set_priority (notification, G_NOTIFICATION_PRIORITY_HIGH);
  g_notification_set_default_action_and_target (notification, "app.show-node", "s",
                                                seye_node_get_key (node));
  g_application_send_notification (self->application, id, notification);
}

static void
acknowledged_cb (SeyeAlertNotifier *self,
                 SeyeNode          *node,
                 guint              kind,
                 SeyeMonitor       *monitor)
{
  g_autofree char *id = notification_id (node, kind);

  if (self->application != NULL)
    g_application_withdraw_notification (self->application, id);
}

static void
seye_alert_notifier_dispose (GObject *object)
{
  SeyeAlertNotifier *self = SEYE_ALERT_NOTIFIER (object);

  g_clear_weak_pointer (&self->application);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (seye_alert_notifier_parent_class)->dispose (object);
}

static void
seye_alert_notifier_class_init (SeyeAlertNotifierClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = seye_alert_notifier_dispose;
}

static void
seye_alert_notifier_init (SeyeAlertNotifier *self)
{
}

SeyeAlertNotifier *
seye_alert_notifier_new (GApplication *application,
                         SeyeMonitor  *monitor,
                         GSettings    *settings)
{
  SeyeAlertNotifier *self;

  g_return_val_if_fail (G_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (SEYE_IS_MONITOR (monitor), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (SEYE_TYPE_ALERT_NOTIFIER, NULL);
  g_set_weak_pointer (&self->application, application);
  self->settings = g_object_ref (settings);

  g_signal_connect_object (monitor, "alert", G_CALLBACK (alert_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (monitor, "alert-acknowledged", G_CALLBACK (acknowledged_cb), self,
                           G_CONNECT_SWAPPED);

  return self;
}
