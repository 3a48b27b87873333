/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-agent"

#include "config.h"

#include <avahi-client/client.h>
#include <avahi-client/publish.h>
#include <avahi-common/alternative.h>
#include <avahi-common/error.h>
#include <avahi-common/malloc.h>
#include <avahi-glib/glib-malloc.h>
#include <avahi-glib/glib-watch.h>

#include "seye-agent-publisher.h"
#include "seye-sample.h"

/*
 * Announces the agent over mDNS through avahi-daemon, from the GLib main loop.
 *
 * Avahi is optional: without a system bus or daemon the agent serves HTTP
 * anyway, says so once, and keeps trying. A daemon that restarts puts the
 * client in AVAHI_CLIENT_FAILURE; the client is then recreated from an idle
 * callback, never from inside its own callback. Name collisions come back
 * both from avahi_entry_group_add_service() and through the group callback.
 */

#define RETRY_SECONDS 5

struct _SeyeAgentPublisher
{
  GObject           parent_instance;

  char             *name;          /* what we announce now (may be an alternative) */
  guint16           port;
  AvahiStringList  *txt;

  AvahiGLibPoll    *poll;
  AvahiClient      *client;
  AvahiEntryGroup  *group;

  guint             retry_source;
  guint             recreate_source;

  guint             started : 1;
  guint             established : 1;
  guint             said_unavailable : 1;
  guint             withdrawn : 1;
  guint             ever_running : 1;
};

G_DEFINE_FINAL_TYPE (SeyeAgentPublisher, seye_agent_publisher, G_TYPE_OBJECT)

static void create_client   (SeyeAgentPublisher *self);
static void register_service (SeyeAgentPublisher *self);

static void
free_client (SeyeAgentPublisher *self)
{
  /* Freeing the group withdraws the record: the daemon sends the goodbye packets. */
  g_clear_pointer (&self->group, avahi_entry_group_free);
  g_clear_pointer (&self->client, avahi_client_free);
  self->established = FALSE;
}

static void
seye_agent_publisher_dispose (GObject *object)
{
  SeyeAgentPublisher *self = SEYE_AGENT_PUBLISHER (object);

  g_clear_handle_id (&self->retry_source, g_source_remove);
  g_clear_handle_id (&self->recreate_source, g_source_remove);
  free_client (self);

  G_OBJECT_CLASS (seye_agent_publisher_parent_class)->dispose (object);
}

static void
seye_agent_publisher_finalize (GObject *object)
{
  SeyeAgentPublisher *self = SEYE_AGENT_PUBLISHER (object);

  g_clear_pointer (&self->poll, avahi_glib_poll_free);
  g_clear_pointer (&self->txt, avahi_string_list_free);
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
  create_client (self);

  return G_SOURCE_REMOVE;
}

static void
schedule_retry (SeyeAgentPublisher *self)
{
  if (self->retry_source == 0 && !self->withdrawn)
    self->retry_source = g_timeout_add_seconds (RETRY_SECONDS, retry_cb, self);
}

static gboolean
recreate_cb (gpointer data)
{
  SeyeAgentPublisher *self = data;

  self->recreate_source = 0;
  free_client (self);
  create_client (self);

  return G_SOURCE_REMOVE;
}

static void
pick_alternative_name (SeyeAgentPublisher *self)
{
  char *alternative = avahi_alternative_service_name (self->name);

  g_message ("mDNS: the name “%s” is taken on this network; announcing as “%s” instead",
             self->name, alternative);
  g_free (self->name);
  self->name = g_strdup (alternative);
  avahi_free (alternative);
}

static void
group_cb (AvahiEntryGroup      *group,
          AvahiEntryGroupState  state,
          void                 *data)
{
  SeyeAgentPublisher *self = data;

  switch (state)
    {
    case AVAHI_ENTRY_GROUP_ESTABLISHED:
      self->established = TRUE;
      self->said_unavailable = FALSE;
      g_message ("mDNS: announced as “%s” (%s, port %u)", self->name, SEYE_SERVICE_TYPE, self->port);
      break;

    case AVAHI_ENTRY_GROUP_COLLISION:
      self->established = FALSE;
      pick_alternative_name (self);
      avahi_entry_group_reset (group);
      register_service (self);
      break;

    case AVAHI_ENTRY_GROUP_FAILURE:
      self->established = FALSE;
      g_warning ("mDNS: announcing failed: %s; retrying in %d s",
                 avahi_strerror (avahi_client_errno (avahi_entry_group_get_client (group))),
                 RETRY_SECONDS);
      if (self->recreate_source == 0)
        self->recreate_source = g_timeout_add_seconds (RETRY_SECONDS, recreate_cb, self);
      break;

    case AVAHI_ENTRY_GROUP_UNCOMMITED:
    case AVAHI_ENTRY_GROUP_REGISTERING:
    default:
      break;
    }
}

static void
register_service (SeyeAgentPublisher *self)
{
  AvahiClient *client = self->client;

  if (client == NULL || avahi_client_get_state (client) != AVAHI_CLIENT_S_RUNNING)
    return;

  if (self->group == NULL)
    {
      self->group = avahi_entry_group_new (client, group_cb, self);
      if (self->group == NULL)
        {
          g_warning ("mDNS: cannot create an entry group: %s",
                     avahi_strerror (avahi_client_errno (client)));
          return;
        }
    }

  if (!avahi_entry_group_is_empty (self->group))
    return;

  for (guint attempt = 0; attempt < 32; attempt++)
    {
      int ret = avahi_entry_group_add_service_strlst (self->group,
                                                      AVAHI_IF_UNSPEC, AVAHI_PROTO_UNSPEC, 0,
                                                      self->name, SEYE_SERVICE_TYPE,
                                                      NULL, NULL, self->port, self->txt);

      if (ret == AVAHI_ERR_COLLISION)
        {
          /* Another service of this daemon has the name: no group callback comes. */
          pick_alternative_name (self);
          avahi_entry_group_reset (self->group);
          continue;
        }

      if (ret < 0)
        {
          g_warning ("mDNS: cannot add the service “%s”: %s", self->name, avahi_strerror (ret));
          return;
        }

      ret = avahi_entry_group_commit (self->group);
      if (ret < 0)
        g_warning ("mDNS: cannot commit the service “%s”: %s", self->name, avahi_strerror (ret));

      return;
    }

  g_warning ("mDNS: gave up finding a free name after 32 collisions");
}

static void
client_cb (AvahiClient      *client,
           AvahiClientState  state,
           void             *data)
{
  SeyeAgentPublisher *self = data;

  /* Called from inside avahi_client_new() before it returned. */
  if (self->client == NULL)
    self->client = client;

  switch (state)
    {
    case AVAHI_CLIENT_S_RUNNING:
      if (self->said_unavailable)
        g_message (self->ever_running ? "mDNS: avahi-daemon is back" : "mDNS: avahi-daemon runs now");
      self->ever_running = TRUE;
      register_service (self);
      break;

    case AVAHI_CLIENT_S_COLLISION:
    case AVAHI_CLIENT_S_REGISTERING:
      /* The host name changed or collided: withdraw, register again once running. */
      self->established = FALSE;
      if (self->group != NULL)
        avahi_entry_group_reset (self->group);
      break;

    case AVAHI_CLIENT_CONNECTING:
      self->established = FALSE;
      say_unavailable (self, "avahi-daemon is not running");
      break;

    case AVAHI_CLIENT_FAILURE:
      self->established = FALSE;
      say_unavailable (self, avahi_strerror (avahi_client_errno (client)));
      /* Disconnected (daemon restarted) or worse: start over, outside this
       * callback, after a pause so a daemon that keeps failing is no busy loop. */
      if (self->recreate_source == 0)
        self->recreate_source = g_timeout_add (1000, recreate_cb, self);
      break;

    default:
      break;
    }
}

static void
create_client (SeyeAgentPublisher *self)
{
  int error = 0;

  if (self->client != NULL || self->withdrawn)
    return;

  self->client = avahi_client_new (avahi_glib_poll_get (self->poll), AVAHI_CLIENT_NO_FAIL,
                                   client_cb, self, &error);
  if (self->client == NULL)
    {
      /* No system bus at all: NO_FAIL cannot help. The state callback may
       * have seen the client that avahi_client_new() has freed since. */
      self->client = NULL;
      say_unavailable (self, avahi_strerror (error));
      schedule_retry (self);
    }
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

  g_return_val_if_fail (name != NULL, NULL);

  self = g_object_new (SEYE_TYPE_AGENT_PUBLISHER, NULL);
  self->name = g_strdup (name);
  self->port = port;
  self->txt = avahi_string_list_new_from_array ((const char **) txt, -1);

  return self;
}

void
seye_agent_publisher_start (SeyeAgentPublisher *self)
{
  g_return_if_fail (SEYE_IS_AGENT_PUBLISHER (self));

  if (self->started)
    return;

  self->started = TRUE;
  avahi_set_allocator (avahi_glib_allocator ());
  self->poll = avahi_glib_poll_new (NULL, G_PRIORITY_DEFAULT);
  create_client (self);
}

/**
 * seye_agent_publisher_withdraw:
 *
 * Withdraws the record now (avahi-daemon sends the goodbye packets) and stops
 * trying to announce.
 */
void
seye_agent_publisher_withdraw (SeyeAgentPublisher *self)
{
  g_return_if_fail (SEYE_IS_AGENT_PUBLISHER (self));

  self->withdrawn = TRUE;
  g_clear_handle_id (&self->retry_source, g_source_remove);
  g_clear_handle_id (&self->recreate_source, g_source_remove);

  if (self->established)
    g_message ("mDNS: withdrawing “%s”", self->name);

  free_client (self);
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
