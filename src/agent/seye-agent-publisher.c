/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-agent"

#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "seye-agent-publisher.h"
#include "seye-sample.h"

/*
 * Announces the agent over mDNS by talking to avahi-daemon's D-Bus API
 * (org.freedesktop.Avahi on the system bus) through GDBus, from the GLib main
 * loop. Going through GDBus rather than libavahi-client spares the agent
 * libdbus and the libraries it drags in (about 1 MB resident on every node).
 *
 * Avahi is optional: without a system bus or daemon the agent serves HTTP
 * anyway, says so once, and announces itself as soon as the daemon appears.
 * The bus name is watched, so a daemon that restarts is seen going and coming
 * back, and the service is registered anew. A name taken by another service
 * comes back as CollisionError from AddService (same daemon) or as the
 * COLLISION state of the group (another host); both pick Avahi's alternative.
 */

#define AVAHI_NAME          "org.freedesktop.Avahi"
#define AVAHI_SERVER_IFACE  "org.freedesktop.Avahi.Server"
#define AVAHI_GROUP_IFACE   "org.freedesktop.Avahi.EntryGroup"
#define AVAHI_COLLISION     "org.freedesktop.Avahi.CollisionError"
#define AVAHI_IF_UNSPEC     (-1)
#define AVAHI_PROTO_UNSPEC  (-1)
#define CALL_TIMEOUT_MS     5000
#define RETRY_SECONDS       5
#define MAX_COLLISIONS      32

/* avahi-common/defs.h */
enum { SERVER_REGISTERING = 1, SERVER_RUNNING = 2, SERVER_COLLISION = 3 };
enum { GROUP_UNCOMMITED, GROUP_REGISTERING, GROUP_ESTABLISHED, GROUP_COLLISION, GROUP_FAILURE };

struct _SeyeAgentPublisher
{
  GObject          parent_instance;

  char            *name;            /* what we announce now (may be an alternative) */
  guint16          port;
  GVariant        *txt;             /* aay */

  guint            watch_id;
  GDBusConnection *bus;             /* while the daemon owns its name */
  GCancellable    *cancellable;     /* of the calls to the current daemon */
  guint            server_signal;
  guint            group_signal;
  char            *group_path;

  guint            retry_source;
  guint            collisions;

  guint            started : 1;
  guint            established : 1;
  guint            said_unavailable : 1;
  guint            ever_running : 1;
  guint            registering : 1;
  guint            withdrawn : 1;
};

G_DEFINE_FINAL_TYPE (SeyeAgentPublisher, seye_agent_publisher, G_TYPE_OBJECT)

static void watch (SeyeAgentPublisher *self);
static void register_service (SeyeAgentPublisher *self);
static void add_service (SeyeAgentPublisher *self);

/* Forget the daemon we talked to: its groups died with it, or we are leaving. */
static void
forget_daemon (SeyeAgentPublisher *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  if (self->bus != NULL)
    {
      if (self->server_signal != 0)
        g_dbus_connection_signal_unsubscribe (self->bus, self->server_signal);
      if (self->group_signal != 0)
        g_dbus_connection_signal_unsubscribe (self->bus, self->group_signal);
    }
  self->server_signal = 0;
  self->group_signal = 0;
  g_clear_object (&self->bus);
  g_clear_pointer (&self->group_path, g_free);
  self->established = FALSE;
  self->registering = FALSE;
}

static void
seye_agent_publisher_dispose (GObject *object)
{
  SeyeAgentPublisher *self = SEYE_AGENT_PUBLISHER (object);

  g_clear_handle_id (&self->retry_source, g_source_remove);
  g_clear_handle_id (&self->watch_id, g_bus_unwatch_name);
  forget_daemon (self);

  G_OBJECT_CLASS (seye_agent_publisher_parent_class)->dispose (object);
}

static void
seye_agent_publisher_finalize (GObject *object)
{
  SeyeAgentPublisher *self = SEYE_AGENT_PUBLISHER (object);

  g_clear_pointer (&self->txt, g_variant_unref);
  g_clear_pointer (&self->name, g_free);

  G_OBJECT_CLASS (seye_agent_publisher_parent_class)->finalize (object);
}

static void
seye_agent_publisher_class_init (SeyeAgentPublisherClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = seye_agent_publisher_dispose;
  object_class->finalize = seye_agent_publisher_finalize;
}

static void
seye_agent_publisher_init (SeyeAgentPublisher *self)
{
}

static void
say_unavailable (SeyeAgentPublisher *self,
                 const char         *why)
{
  if (self->said_unavailable)
    return;

  self->said_unavailable = TRUE;
  g_warning ("mDNS: cannot announce the agent: %s. HTTP is served anyway; the agent will "
             "announce itself as soon as avahi-daemon runs (or start it: "
             "“systemctl start avahi-daemon”).", why);
}

static gboolean
retry_cb (gpointer data)
{
  SeyeAgentPublisher *self = data;

  self->retry_source = 0;
  if (self->bus != NULL)
    register_service (self);
  else if (self->watch_id == 0)
    watch (self);

  return G_SOURCE_REMOVE;
}

static void
schedule_retry (SeyeAgentPublisher *self)
{
  if (self->retry_source == 0 && !self->withdrawn)
    self->retry_source = g_timeout_add_seconds (RETRY_SECONDS, retry_cb, self);
}

/* A method call to avahi-daemon: what it is for (for the log), what follows
 * its reply, and optionally who handles an error before the default of
 * logging it and trying again later. */
typedef void     (*ReplyFunc) (SeyeAgentPublisher *self,
                               GVariant           *reply);
typedef gboolean (*ErrorFunc) (SeyeAgentPublisher *self,
                               GError             *error);

typedef struct
{
  SeyeAgentPublisher *self;
  const char         *what;
  ReplyFunc           on_reply;
  ErrorFunc           on_error;
} Call;

static void
call_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  g_autofree Call *call = data;
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GError) error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);

  /* Cancelled: we gave up on this daemon, or on everything; self may be gone. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (reply == NULL)
    {
      if (call->on_error == NULL || !call->on_error (call->self, error))
        {
          g_dbus_error_strip_remote_error (error);
          g_warning ("mDNS: cannot %s: %s; retrying in %d s", call->what, error->message, RETRY_SECONDS);
          schedule_retry (call->self);
        }
      return;
    }

  if (call->on_reply != NULL)
    call->on_reply (call->self, reply);
}

static void
call (SeyeAgentPublisher  *self,
      const char          *path,
      const char          *interface,
      const char          *method,
      GVariant            *parameters,
      const GVariantType  *reply_type,
      const char          *what,
      ReplyFunc            on_reply,
      ErrorFunc            on_error)
{
  Call *data = g_new (Call, 1);

  *data = (Call) { self, what, on_reply, on_error };
  g_dbus_connection_call (self->bus, AVAHI_NAME, path, interface, method, parameters,
                          reply_type, G_DBUS_CALL_FLAGS_NO_AUTO_START, CALL_TIMEOUT_MS,
                          self->cancellable, call_cb, data);
}

static void
group_call (SeyeAgentPublisher *self,
            const char         *method,
            GVariant           *parameters,
            const char         *what,
            ReplyFunc           on_reply,
            ErrorFunc           on_error)
{
  call (self, self->group_path, AVAHI_GROUP_IFACE, method, parameters, NULL, what, on_reply, on_error);
}

static void
alternative_name_cb (SeyeAgentPublisher *self,
                     GVariant           *reply)
{
  const char *alternative;

  g_variant_get (reply, "(&s)", &alternative);
  g_message ("mDNS: the name “%s” is taken on this network; announcing as “%s” instead",
             self->name, alternative);
  g_free (self->name);
  self->name = g_strdup (alternative);

  add_service (self);
}

static void
pick_alternative_name (SeyeAgentPublisher *self)
{
  if (++self->collisions > MAX_COLLISIONS)
    {
      g_warning ("mDNS: gave up finding a free name after %d collisions", MAX_COLLISIONS);
      return;
    }

  call (self, "/", AVAHI_SERVER_IFACE, "GetAlternativeServiceName", g_variant_new ("(s)", self->name),
        G_VARIANT_TYPE ("(s)"), "find another name", alternative_name_cb, NULL);
}

static void
added_cb (SeyeAgentPublisher *self,
          GVariant           *reply)
{
  group_call (self, "Commit", NULL, "commit the announcement", NULL, NULL);
}

/* Another service of this same daemon has the name: no group signal comes. */
static gboolean
add_failed_cb (SeyeAgentPublisher *self,
               GError             *error)
{
  g_autofree char *remote_error = g_dbus_error_get_remote_error (error);

  if (g_strcmp0 (remote_error, AVAHI_COLLISION) != 0)
    return FALSE;

  pick_alternative_name (self);

  return TRUE;
}

static void
add_service (SeyeAgentPublisher *self)
{
  if (self->bus == NULL || self->group_path == NULL)
    return;

  group_call (self, "AddService",
              g_variant_new ("(iiussssq@aay)", AVAHI_IF_UNSPEC, AVAHI_PROTO_UNSPEC, 0u, self->name,
                             SEYE_SERVICE_TYPE, "", "", self->port, self->txt),
              "add the service", added_cb, add_failed_cb);
}

static void
reset_for_collision_cb (SeyeAgentPublisher *self,
                        GVariant           *reply)
{
  pick_alternative_name (self);
}

static void
group_state_changed_cb (GDBusConnection *connection,
                        const char      *sender,
                        const char      *path,
                        const char      *interface,
                        const char      *signal,
                        GVariant        *parameters,
                        gpointer         data)
{
  SeyeAgentPublisher *self = data;
  const char *error;
  gint32 state;

  if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(is)")))
    return;

  g_variant_get (parameters, "(i&s)", &state, &error);

  switch (state)
    {
    case GROUP_ESTABLISHED:
      self->established = TRUE;
      self->said_unavailable = FALSE;
      self->collisions = 0;
      g_message ("mDNS: announced as “%s” (%s, port %u)", self->name, SEYE_SERVICE_TYPE, self->port);
      break;

    case GROUP_COLLISION:
      /* Another host announces this name: withdraw ours, take another. */
      self->established = FALSE;
      group_call (self, "Reset", NULL, "withdraw the colliding name", reset_for_collision_cb, NULL);
      break;

    case GROUP_FAILURE:
      /* Start over with a new group. */
      self->established = FALSE;
      g_warning ("mDNS: announcing failed: %s; retrying in %d s", error, RETRY_SECONDS);
      group_call (self, "Free", NULL, "free the failed announcement", NULL, NULL);
      g_dbus_connection_signal_unsubscribe (self->bus, self->group_signal);
      self->group_signal = 0;
      g_clear_pointer (&self->group_path, g_free);
      schedule_retry (self);
      break;

    default:
      break;
    }
}

static void
entry_group_new_cb (SeyeAgentPublisher *self,
                    GVariant           *reply)
{
  self->registering = FALSE;
  g_variant_get (reply, "(o)", &self->group_path);
  self->group_signal =
    g_dbus_connection_signal_subscribe (self->bus, AVAHI_NAME, AVAHI_GROUP_IFACE, "StateChanged",
                                        self->group_path, NULL, G_DBUS_SIGNAL_FLAGS_NONE,
                                        group_state_changed_cb, self, NULL);
  add_service (self);
}

static gboolean
entry_group_failed_cb (SeyeAgentPublisher *self,
                       GError             *error)
{
  self->registering = FALSE;

  return FALSE;
}

/* Makes an entry group (once per daemon) and adds the service to it. */
static void
register_service (SeyeAgentPublisher *self)
{
  if (self->bus == NULL || self->registering || self->withdrawn)
    return;

  if (self->group_path != NULL)
    {
      add_service (self);
      return;
    }

  self->registering = TRUE;
  call (self, "/", AVAHI_SERVER_IFACE, "EntryGroupNew", NULL, G_VARIANT_TYPE ("(o)"),
        "make an entry group", entry_group_new_cb, entry_group_failed_cb);
}

static void
server_state (SeyeAgentPublisher *self,
              gint32              state)
{
  switch (state)
    {
    case SERVER_RUNNING:
      if (self->said_unavailable)
        g_message (self->ever_running ? "mDNS: avahi-daemon is back" : "mDNS: avahi-daemon runs now");
      self->ever_running = TRUE;
      if (!self->established)
        register_service (self);
      break;

    case SERVER_COLLISION:
    case SERVER_REGISTERING:
      /* The host name changed or collided: Avahi withdraws our records itself and
       * keeps the group; it is registered again once the server runs. */
      self->established = FALSE;
      if (self->group_path != NULL)
        group_call (self, "Reset", NULL, "withdraw the announcement", NULL, NULL);
      break;

    default:
      break;
    }
}

static void
server_state_changed_cb (GDBusConnection *connection,
                         const char      *sender,
                         const char      *path,
                         const char      *interface,
                         const char      *signal,
                         GVariant        *parameters,
                         gpointer         data)
{
  gint32 state;

  if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(is)")))
    return;

  g_variant_get (parameters, "(i&s)", &state, NULL);
  server_state (data, state);
}

static void
get_state_cb (SeyeAgentPublisher *self,
              GVariant           *reply)
{
  gint32 state;

  g_variant_get (reply, "(i)", &state);
  server_state (self, state);
}

static gboolean
get_state_failed_cb (SeyeAgentPublisher *self,
                     GError             *error)
{
  g_dbus_error_strip_remote_error (error);
  say_unavailable (self, error->message);
  schedule_retry (self);

  return TRUE;
}

static void
name_appeared_cb (GDBusConnection *connection,
                  const char      *name,
                  const char      *owner,
                  gpointer         data)
{
  SeyeAgentPublisher *self = data;

  forget_daemon (self);
  self->bus = g_object_ref (connection);
  self->cancellable = g_cancellable_new ();
  self->server_signal =
    g_dbus_connection_signal_subscribe (connection, AVAHI_NAME, AVAHI_SERVER_IFACE, "StateChanged",
                                        "/", NULL, G_DBUS_SIGNAL_FLAGS_NONE,
                                        server_state_changed_cb, self, NULL);
  call (self, "/", AVAHI_SERVER_IFACE, "GetState", NULL, G_VARIANT_TYPE ("(i)"),
        "ask avahi-daemon for its state", get_state_cb, get_state_failed_cb);
}

static void
name_vanished_cb (GDBusConnection *connection,
                  const char      *name,
                  gpointer         data)
{
  SeyeAgentPublisher *self = data;

  forget_daemon (self);

  if (connection == NULL)
    {
      /* No system bus at all: watching cannot help, try again later. */
      say_unavailable (self, "the system D-Bus is not running");
      g_clear_handle_id (&self->watch_id, g_bus_unwatch_name);
      schedule_retry (self);
      return;
    }

  say_unavailable (self, "avahi-daemon is not running");
}

static void
watch (SeyeAgentPublisher *self)
{
  self->watch_id = g_bus_watch_name (G_BUS_TYPE_SYSTEM, AVAHI_NAME, G_BUS_NAME_WATCHER_FLAGS_NONE,
                                     name_appeared_cb, name_vanished_cb, self, NULL);
}

/**
 * seye_agent_publisher_new:
 * @txt: "key=value" entries of the TXT record
 */
SeyeAgentPublisher *
seye_agent_publisher_new (const char         *name,
                          guint16             port,
                          const char * const *txt)
{
  SeyeAgentPublisher *self;
  GVariantBuilder builder;

  g_return_val_if_fail (name != NULL, NULL);

  self = g_object_new (SEYE_TYPE_AGENT_PUBLISHER, NULL);
  self->name = g_strdup (name);
  self->port = port;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("aay"));
  for (guint i = 0; txt != NULL && txt[i] != NULL; i++)
    g_variant_builder_add_value (&builder,
                                 g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, txt[i],
                                                            strlen (txt[i]), 1));
  self->txt = g_variant_ref_sink (g_variant_builder_end (&builder));

  return self;
}

void
seye_agent_publisher_start (SeyeAgentPublisher *self)
{
  g_return_if_fail (SEYE_IS_AGENT_PUBLISHER (self));

  if (self->started)
    return;

  self->started = TRUE;
  watch (self);
}

/**
 * seye_agent_publisher_withdraw:
 *
 * Withdraws the record now and waits for avahi-daemon to have done it (it
 * sends the goodbye packets), then stops trying to announce.
 */
void
seye_agent_publisher_withdraw (SeyeAgentPublisher *self)
{
  g_return_if_fail (SEYE_IS_AGENT_PUBLISHER (self));

  self->withdrawn = TRUE;
  g_clear_handle_id (&self->retry_source, g_source_remove);
  g_clear_handle_id (&self->watch_id, g_bus_unwatch_name);

  if (self->bus != NULL && self->group_path != NULL)
    {
      g_autoptr (GVariant) reply = NULL;
      g_autoptr (GError) error = NULL;

      if (self->established)
        g_message ("mDNS: withdrawing “%s”", self->name);

      reply = g_dbus_connection_call_sync (self->bus, AVAHI_NAME, self->group_path, AVAHI_GROUP_IFACE,
                                           "Free", NULL, NULL, G_DBUS_CALL_FLAGS_NO_AUTO_START,
                                           CALL_TIMEOUT_MS, NULL, &error);
      if (reply == NULL)
        g_warning ("mDNS: could not withdraw “%s”: %s", self->name, error->message);
    }

  forget_daemon (self);
}

const char *
seye_agent_publisher_get_name (SeyeAgentPublisher *self)
{
  g_return_val_if_fail (SEYE_IS_AGENT_PUBLISHER (self), NULL);

  return self->name;
}

gboolean
seye_agent_publisher_get_established (SeyeAgentPublisher *self)
{
  g_return_val_if_fail (SEYE_IS_AGENT_PUBLISHER (self), FALSE);

  return self->established;
}
