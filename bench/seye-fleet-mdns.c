/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-fleet-sim"

#include "config.h"

#include <avahi-client/client.h>
#include <avahi-client/publish.h>
#include <avahi-common/alternative.h>
#include <avahi-common/error.h>
#include <avahi-glib/glib-malloc.h>
#include <avahi-glib/glib-watch.h>

#include "seye-fleet-mdns.h"
#include "seye-sample.h"

/*
 * A thousand services from one process, through avahi-daemon's stock limits
 * (avahi-daemon.conf(5)):
 *
 * - objects-per-client-max=1024: every entry group is an object of this
 *   client, so one group per service would stop near a thousand nodes. The
 *   services go into groups of PER_GROUP instead: 1,100 nodes take 35 objects.
 * - entries-per-entry-group-max=32: each service is one entry of its group.
 *   A daemon set lower answers AVAHI_ERR_TOO_MANY_ENTRIES, and a new group is
 *   started there.
 * - A name collision within the daemon comes back at once from
 *   add_service (AVAHI_ERR_COLLISION); one with another host through the
 *   group's state: both take Avahi's alternative name, as the agent does.
 *
 * Offline nodes stay announced (a machine whose network dropped is not
 * withdrawn either; its record ages out of caches). The client is driven from
 * the GLib main loop; when the daemon goes away it is made again after
 * RETRY_SECONDS, and everything is announced anew.
 */

#define PER_GROUP       32
#define RETRY_SECONDS   5
#define MAX_RENAMES     16

typedef struct
{
  char            *name;       /* as announced: Avahi's alternative after a collision */
  guint16          port;
  AvahiStringList *txt;
} Service;

typedef struct
{
  SeyeFleetMdns   *self;
  AvahiEntryGroup *group;
  guint            first;      /* its services in self->services */
  guint            n;
  gboolean         established;
} Group;

struct _SeyeFleetMdns
{
  AvahiGLibPoll *poll;
  AvahiClient   *client;
  GArray        *services;     /* Service */
  GPtrArray     *groups;       /* Group */
  guint          n_announced;
  guint          retry_source;
  gboolean       said_unavailable;
  gboolean       said_limit;
};

static void
service_clear (gpointer data)
{
  Service *service = data;

  g_free (service->name);
  avahi_string_list_free (service->txt);
}

static void
group_free (Group *group)
{
  if (group->group != NULL)
    avahi_entry_group_free (group->group);
  g_free (group);
}

SeyeFleetMdns *
seye_fleet_mdns_new (void)
{
  SeyeFleetMdns *self = g_new0 (SeyeFleetMdns, 1);

  avahi_set_allocator (avahi_glib_allocator ());
  self->poll = avahi_glib_poll_new (NULL, G_PRIORITY_DEFAULT);
  self->services = g_array_new (FALSE, TRUE, sizeof (Service));
  g_array_set_clear_func (self->services, service_clear);
  self->groups = g_ptr_array_new_with_free_func ((GDestroyNotify) group_free);

  return self;
}

/* Withdraws every service: the daemon sends the goodbye packets. */
void
seye_fleet_mdns_free (SeyeFleetMdns *self)
{
  if (self == NULL)
    return;

  g_clear_handle_id (&self->retry_source, g_source_remove);
  g_ptr_array_unref (self->groups);
  g_clear_pointer (&self->client, avahi_client_free);
  avahi_glib_poll_free (self->poll);
  g_array_unref (self->services);
  g_free (self);
}

void
seye_fleet_mdns_add (SeyeFleetMdns      *self,
                     const char         *name,
                     guint16             port,
                     const char * const *txt)
{
  Service service = {
    .name = g_strdup (name),
    .port = port,
    .txt = avahi_string_list_new_from_array ((const char **) txt, -1),
  };

  g_array_append_val (self->services, service);
}

guint
seye_fleet_mdns_get_n_announced (SeyeFleetMdns *self)
{
  return self->n_announced;
}

static void
rename_service (Service *service)
{
  char *alternative = avahi_alternative_service_name (service->name);

  g_message ("mDNS: “%s” is taken; announcing “%s”", service->name, alternative);
  g_free (service->name);
  service->name = g_strdup (alternative);
  avahi_free (alternative);
}

/* Adds @service to @group under its name, or an alternative one when the
 * daemon already has that name. Returns 0 or an Avahi error. */
static int
add_service (Group   *group,
             Service *service)
{
  int ret = AVAHI_ERR_COLLISION;

  for (guint i = 0; i < MAX_RENAMES && ret == AVAHI_ERR_COLLISION; i++)
    {
      ret = avahi_entry_group_add_service_strlst (group->group, AVAHI_IF_UNSPEC, AVAHI_PROTO_UNSPEC,
                                                  0, service->name, SEYE_SERVICE_TYPE, NULL, NULL,
                                                  service->port, service->txt);
      if (ret == AVAHI_ERR_COLLISION)
        rename_service (service);
    }

  return ret;
}

static void
group_commit (Group *group)
{
  int ret = avahi_entry_group_commit (group->group);

  if (ret < 0)
    g_warning ("mDNS: cannot announce %u services: %s", group->n, avahi_strerror (ret));
}

/* All of a group's services again, after a collision with another host. */
static void
group_refill (Group *group)
{
  SeyeFleetMdns *self = group->self;

  avahi_entry_group_reset (group->group);
  for (guint i = group->first; i < group->first + group->n; i++)
    {
      Service *service = &g_array_index (self->services, Service, i);
      int ret;

      rename_service (service);
      ret = add_service (group, service);
      if (ret < 0)
        g_warning ("mDNS: cannot announce “%s”: %s", service->name, avahi_strerror (ret));
    }
  group_commit (group);
}

static void
group_cb (AvahiEntryGroup      *entry_group,
          AvahiEntryGroupState  state,
          void                 *data)
{
  Group *group = data;
  SeyeFleetMdns *self = group->self;

  switch (state)
    {
    case AVAHI_ENTRY_GROUP_ESTABLISHED:
      if (group->established)
        break;
      group->established = TRUE;
      self->n_announced += group->n;
      if (self->n_announced == self->services->len)
        g_message ("mDNS: %u services announced in %u entry groups", self->n_announced,
                   self->groups->len);
      break;

    case AVAHI_ENTRY_GROUP_COLLISION:
      /* Another host has one of these names: all of the group take another. */
      group->established = FALSE;
      group_refill (group);
      break;

    case AVAHI_ENTRY_GROUP_FAILURE:
      g_warning ("mDNS: announcing failed: %s",
                 avahi_strerror (avahi_client_errno (avahi_entry_group_get_client (entry_group))));
      break;

    case AVAHI_ENTRY_GROUP_UNCOMMITED:
    case AVAHI_ENTRY_GROUP_REGISTERING:
    default:
      break;
    }
}

static Group *
group_new (SeyeFleetMdns *self,
           guint          first)
{
  Group *group = g_new0 (Group, 1);

  group->self = self;
  group->first = first;
  group->group = avahi_entry_group_new (self->client, group_cb, group);
  if (group->group == NULL)
    {
      int error = avahi_client_errno (self->client);

      if (!self->said_limit)
        g_warning ("mDNS: only %u of %u services announced: %s%s", first, self->services->len,
                   avahi_strerror (error),
                   error == AVAHI_ERR_TOO_MANY_OBJECTS
                   ? " (raise objects-per-client-max in avahi-daemon.conf)" : "");
      self->said_limit = TRUE;
      g_free (group);
      return NULL;
    }

  g_ptr_array_add (self->groups, group);

  return group;
}

/* Every service, PER_GROUP to a group (fewer where the daemon says the group is full). */
static void
publish_all (SeyeFleetMdns *self)
{
  Group *group = NULL;

  for (guint i = 0; i < self->services->len; i++)
    {
      Service *service = &g_array_index (self->services, Service, i);
      int ret;

      if (group == NULL && (group = group_new (self, i)) == NULL)
        return;

      ret = add_service (group, service);
      if (ret == AVAHI_ERR_TOO_MANY_ENTRIES && group->n > 0)
        {
          /* This daemon takes fewer to a group: the service goes into the next one. */
          group_commit (group);
          group = NULL;
          i--;
          continue;
        }
      if (ret < 0)
        {
          g_warning ("mDNS: cannot announce “%s”: %s", service->name, avahi_strerror (ret));
          continue;
        }

      group->n++;
      if (group->n == PER_GROUP)
        {
          group_commit (group);
          group = NULL;
        }
    }

  if (group != NULL)
    group_commit (group);
}

static void client_start (SeyeFleetMdns *self);

static gboolean
retry_cb (gpointer data)
{
  SeyeFleetMdns *self = data;

  self->retry_source = 0;
  client_start (self);

  return G_SOURCE_REMOVE;
}

/* The daemon went away: everything is made again later, never inside Avahi's callback. */
static gboolean
restart_cb (gpointer data)
{
  SeyeFleetMdns *self = data;

  g_ptr_array_set_size (self->groups, 0);
  g_clear_pointer (&self->client, avahi_client_free);
  self->n_announced = 0;
  self->retry_source = g_timeout_add_seconds (RETRY_SECONDS, retry_cb, self);

  return G_SOURCE_REMOVE;
}

static void
client_cb (AvahiClient      *client,
           AvahiClientState  state,
           void             *data)
{
  SeyeFleetMdns *self = data;

  /* Called from within avahi_client_new() already. */
  self->client = client;

  switch (state)
    {
    case AVAHI_CLIENT_S_RUNNING:
      if (self->groups->len == 0)
        publish_all (self);
      break;

    case AVAHI_CLIENT_S_COLLISION:
    case AVAHI_CLIENT_S_REGISTERING:
      /* The host's name changes: announced again once the daemon runs. */
      g_ptr_array_set_size (self->groups, 0);
      self->n_announced = 0;
      break;

    case AVAHI_CLIENT_FAILURE:
      g_warning ("mDNS: avahi-daemon went away (%s); trying again in %d s",
                 avahi_strerror (avahi_client_errno (client)), RETRY_SECONDS);
      if (self->retry_source == 0)
        self->retry_source = g_idle_add (restart_cb, self);
      break;

    case AVAHI_CLIENT_CONNECTING:
    default:
      break;
    }
}

static void
client_start (SeyeFleetMdns *self)
{
  int error = 0;
  AvahiClient *client = avahi_client_new (avahi_glib_poll_get (self->poll), AVAHI_CLIENT_NO_FAIL,
                                          client_cb, self, &error);

  if (client == NULL)
    {
      /* Without a system bus even NO_FAIL fails: serve anyway, try again later. */
      if (!self->said_unavailable)
        g_warning ("mDNS: not announcing (%s); trying again every %d s", avahi_strerror (error),
                   RETRY_SECONDS);
      self->said_unavailable = TRUE;
      self->retry_source = g_timeout_add_seconds (RETRY_SECONDS, retry_cb, self);
      return;
    }

  self->client = client;
}

void
seye_fleet_mdns_start (SeyeFleetMdns *self)
{
  if (self->client == NULL && self->retry_source == 0)
    client_start (self);
}
