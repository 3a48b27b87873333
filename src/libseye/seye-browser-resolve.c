/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-browser"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <net/if.h>

#include <avahi-common/error.h>

#include "seye-browser-private.h"
#include "seye-sanitize.h"

/*
 * Resolving: every service found goes into a queue, and at most max_resolving
 * resolvers are open at once, each freed as soon as it answered. What a service
 * said is kept; it is resolved again when asked (its node did not answer there:
 * an agent restarted on another port, whose old SRV record Avahi still had for a
 * second or two, is found again this way) or when it comes back after a REMOVE.
 */

#define RESOLVE_RETRY_SECONDS  2     /* after a failed resolution; doubled each time, to 32 */
#define RESOLVE_AGAIN_SECONDS  2     /* a service is resolved again at most this often */
#define CACHE_HINT_TIMEOUTS    4     /* services that time out before the cache is suspected… */
#define CACHE_HINT_SERVICES    600   /* …among at least this many on one interface and protocol */

static void start_next (SeyeBrowser *self);

/* Entries ------------------------------------------------------------------ */

SeyeBrowserEntry *
_seye_browser_entry_new (SeyeBrowser *self,
                         const char  *key,
                         int          interface,
                         int          protocol,
                         const char  *name,
                         const char  *type,
                         const char  *domain)
{
  SeyeBrowserEntry *entry = g_new0 (SeyeBrowserEntry, 1);

  entry->browser = self;
  entry->key = g_strdup (key);
  entry->interface = interface;
  entry->protocol = protocol;
  entry->name = g_strdup (name);
  entry->type = g_strdup (type);
  entry->domain = g_strdup (domain);

  return entry;
}

static void
resolver_free (AvahiServiceResolver *resolver)
{
  /* avahi_service_resolver_free() returns int: not a GDestroyNotify. */
  avahi_service_resolver_free (resolver);
}

/* Its resolver, if one is open, freed: a place for the next. */
static void
close_resolver (SeyeBrowserEntry *entry)
{
  if (entry->resolver == NULL)
    return;

  g_clear_pointer (&entry->resolver, resolver_free);
  g_assert (entry->browser->n_resolving > 0);
  entry->browser->n_resolving--;
}

static void
set_timed_out (SeyeBrowserEntry *entry,
               gboolean          timed_out)
{
  if (entry->timed_out == !!timed_out)
    return;

  entry->timed_out = !!timed_out;
  if (timed_out)
    entry->browser->n_timed_out++;
  else
    entry->browser->n_timed_out--;
}

void
_seye_browser_entry_free (gpointer data)
{
  SeyeBrowserEntry *entry = data;
  SeyeBrowser *self = entry->browser;

  if (entry->queued != NULL)
    g_queue_delete_link (&self->queue, entry->queued);
  close_resolver (entry);
  set_timed_out (entry, FALSE);
  g_clear_handle_id (&entry->retry_id, g_source_remove);
  g_clear_pointer (&entry->info, seye_service_info_free);
  g_free (entry->key);
  g_free (entry->name);
  g_free (entry->type);
  g_free (entry->domain);
  g_free (entry);
}

/* The queue ---------------------------------------------------------------- */

/* @entry waits for a resolver: @first when asked again (its node is not
 * answering), behind the others when just found. */
void
_seye_browser_queue (SeyeBrowserEntry *entry,
                     gboolean          first)
{
  SeyeBrowser *self = entry->browser;

  if (entry->queued != NULL || entry->resolver != NULL)
    return;

  g_clear_handle_id (&entry->retry_id, g_source_remove);

  if (first)
    {
      g_queue_push_head (&self->queue, entry);
      entry->queued = self->queue.head;
    }
  else
    {
      g_queue_push_tail (&self->queue, entry);
      entry->queued = self->queue.tail;
    }
}

static gboolean
pump_cb (gpointer data)
{
  SeyeBrowser *self = data;

  self->pump_id = 0;
  _seye_browser_pump (self);

  return G_SOURCE_REMOVE;
}

/* Opens resolvers for the queue's first entries while there is room. */
void
_seye_browser_pump (SeyeBrowser *self)
{
  while (self->client != NULL && self->pump_id == 0 &&
         self->n_resolving < self->max_resolving && self->queue.length > 0)
    start_next (self);
}

/* Teardown: nothing waits, nothing is resolved (the entries are freed next). */
void
_seye_browser_stop_resolving (SeyeBrowser *self)
{
  for (GList *l = self->queue.head; l != NULL; l = l->next)
    ((SeyeBrowserEntry *) l->data)->queued = NULL;
  g_queue_clear (&self->queue);
  g_clear_handle_id (&self->pump_id, g_source_remove);
}

static gboolean
retry_cb (gpointer data)
{
  SeyeBrowserEntry *entry = data;
  SeyeBrowser *self = entry->browser;

  entry->retry_id = 0;
  _seye_browser_queue (entry, TRUE);
  _seye_browser_pump (self);

  return G_SOURCE_REMOVE;
}

static void
retry_later (SeyeBrowserEntry *entry,
             guint             seconds)
{
  if (entry->retry_id == 0)
    entry->retry_id = g_timeout_add_seconds (seconds, retry_cb, entry);
}

/* avahi-daemon's limits ---------------------------------------------------- */

/* No room for one more resolver in avahi-daemon: resolve with fewer at once
 * from now on (at least one, once one is free), and say so once. */
static void
no_room (SeyeBrowser *self)
{
  g_autofree char *message = NULL;
  guint before = self->max_resolving;

  self->max_resolving = MAX (self->n_resolving, 1);
  g_debug ("avahi-daemon has no room for another resolver: %u at once from now on", self->max_resolving);

  /* None open: try again in a while (another client of ours may free some). */
  if (self->n_resolving == 0 && self->pump_id == 0)
    self->pump_id = g_timeout_add_seconds (RESOLVE_RETRY_SECONDS, pump_cb, self);

  /* TRANSLATORS: objects-per-client-max and /etc/avahi/avahi-daemon.conf are
   * names: keep them as they are. %u are numbers of services, e.g. 3 and 16. */
  message = g_strdup_printf (_("avahi-daemon’s objects-per-client-max (in /etc/avahi/avahi-daemon.conf) "
                               "is reached: services are resolved %u at a time instead of %u, so new nodes "
                               "are found more slowly. Raise it and restart avahi-daemon; the nodes already "
                               "found are kept."),
                             self->max_resolving, before);
  _seye_browser_say_limit (self, message);
}

/* A resolution timed out: avahi-daemon saw the service but cannot find its
 * address and port. A few of those among hundreds of services on one interface
 * are what a full cache (cache-entries-max) looks like from here: new records
 * are dropped, and the services they belong to are never resolved (or seen). */
static void
maybe_cache_full (SeyeBrowserEntry *entry)
{
  SeyeBrowser *self = entry->browser;
  g_autofree char *message = NULL;
  GHashTableIter iter;
  gpointer value;
  guint n_here = 0;
  guint n_timed_out = 0;

  if (self->limit_message != NULL || self->n_timed_out < CACHE_HINT_TIMEOUTS)
    return;

  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      SeyeBrowserEntry *other = value;

      if (other->interface != entry->interface || other->protocol != entry->protocol)
        continue;
      n_here++;
      n_timed_out += other->timed_out;
    }

  if (n_here < CACHE_HINT_SERVICES || n_timed_out < CACHE_HINT_TIMEOUTS)
    return;

  /* TRANSLATORS: cache-entries-max and /etc/avahi/avahi-daemon.conf are names:
   * keep them as they are. The first %u is a few services, the second hundreds. */
  message = g_strdup_printf (_("avahi-daemon’s cache-entries-max (in /etc/avahi/avahi-daemon.conf) is "
                               "probably reached: %u of the %u services seen on one network cannot be "
                               "resolved, and more may not be seen at all. Raise it (each node takes about "
                               "5 entries) and restart avahi-daemon; the nodes already found are kept."),
                             n_timed_out, n_here);
  _seye_browser_say_limit (self, message);
}

/* Resolving ---------------------------------------------------------------- */

static char *
address_to_string (const AvahiAddress *address,
                   int                 interface)
{
  char text[AVAHI_ADDRESS_STR_MAX];

  avahi_address_snprint (text, sizeof text, address);

  if (address->proto == AVAHI_PROTO_INET6 &&
      address->data.ipv6.address[0] == 0xfe &&
      (address->data.ipv6.address[1] & 0xc0) == 0x80)
    {
      char name[IF_NAMESIZE];

      /* A link-local address means nothing without its interface. */
      if (interface > 0 && if_indextoname ((unsigned) interface, name) != NULL)
        return g_strdup_printf ("%s%%%s", text, name);

      return g_strdup_printf ("%s%%%d", text, interface);
    }

  return g_strdup (text);
}

static SeyeServiceInfo *
info_new (SeyeBrowserEntry   *entry,
          const char         *name,
          const char         *host_name,
          const AvahiAddress *address,
          uint16_t            port,
          AvahiStringList    *txt)
{
  SeyeServiceInfo *info = g_new0 (SeyeServiceInfo, 1);

  info->key = g_strdup (entry->key);
  info->name = g_strdup (name);
  info->host_name = g_strdup (host_name);
  info->address = address_to_string (address, entry->interface);
  info->port = port;
  info->interface = entry->interface;
  info->protocol = entry->protocol;

  for (AvahiStringList *l = txt; l != NULL; l = avahi_string_list_get_next (l))
    {
      g_autoptr (GError) error = NULL;

      if (!seye_txt_record_parse_entry (&info->txt,
                                        avahi_string_list_get_text (l),
                                        avahi_string_list_get_size (l),
                                        &error))
        {
          g_autofree char *shown = seye_sanitize_display (entry->key);

          g_debug ("“%s”: ignoring a TXT entry: %s", shown, error->message);
        }
    }

  return info;
}

static gboolean
service_info_equal (const SeyeServiceInfo *a,
                    const SeyeServiceInfo *b)
{
  return g_strcmp0 (a->key, b->key) == 0 &&
         g_strcmp0 (a->name, b->name) == 0 &&
         g_strcmp0 (a->host_name, b->host_name) == 0 &&
         g_strcmp0 (a->address, b->address) == 0 &&
         a->port == b->port &&
         a->interface == b->interface &&
         a->protocol == b->protocol &&
         seye_txt_record_equal (&a->txt, &b->txt);
}

static void
resolve_failed (SeyeBrowserEntry *entry,
                int               error)
{
  g_autofree char *shown = seye_sanitize_display (entry->key);

  g_debug ("resolving “%s” failed: %s", shown, avahi_strerror (error));
  entry->failures++;
  set_timed_out (entry, error == AVAHI_ERR_TIMEOUT);
  if (entry->timed_out)
    maybe_cache_full (entry);

  /* Never resolved: try again while it is listed. Resolved before: what it said
   * stands, and its node's next failure asks again. */
  if (entry->info == NULL)
    retry_later (entry, RESOLVE_RETRY_SECONDS << MIN (entry->failures - 1, 4u));
}

static void
resolve_cb (AvahiServiceResolver   *resolver,
            AvahiIfIndex            interface,
            AvahiProtocol           protocol,
            AvahiResolverEvent      event,
            const char             *name,
            const char             *type,
            const char             *domain,
            const char             *host_name,
            const AvahiAddress     *address,
            uint16_t                port,
            AvahiStringList        *txt,
            AvahiLookupResultFlags  flags,
            void                   *user_data)
{
  SeyeBrowserEntry *entry = user_data;
  SeyeBrowser *self = entry->browser;
  g_autoptr (SeyeServiceInfo) info = NULL;

  /* Answered (or failed): the resolver's work is done, its place goes to the next. */
  entry->resolved_us = g_get_monotonic_time ();
  close_resolver (entry);

  if (event != AVAHI_RESOLVER_FOUND)
    {
      resolve_failed (entry, avahi_client_errno (self->client));
      _seye_browser_pump (self);
      return;
    }

  entry->failures = 0;
  set_timed_out (entry, FALSE);
  info = info_new (entry, name, host_name, address, port, txt);
  _seye_browser_pump (self);

  if (entry->info != NULL && service_info_equal (entry->info, info))
    return;

  if (!g_log_writer_default_would_drop (G_LOG_LEVEL_DEBUG, G_LOG_DOMAIN))
    {
      g_autofree char *shown = seye_sanitize_display (entry->key);
      g_autofree char *id = seye_sanitize_display (info->txt.node_id ? info->txt.node_id : "unknown");

      g_debug ("resolved “%s” at %s port %u (id %s)", shown, info->address, info->port, id);
    }

  g_clear_pointer (&entry->info, seye_service_info_free);
  entry->info = g_steal_pointer (&info);

  /* Last: a handler may do anything, even drop the browser. */
  _seye_browser_emit_resolved (self, entry->info);
}

static void
start_next (SeyeBrowser *self)
{
  SeyeBrowserEntry *entry = g_queue_pop_head (&self->queue);
  int error;

  entry->queued = NULL;

  /* The address of the family the service was seen on: an agent found over
   * IPv4 is reached over IPv4 (it may listen on IPv4 only); one seen on both
   * families is two entries, merged into one node by its id. */
  entry->resolver = avahi_service_resolver_new (self->client,
                                                entry->interface,
                                                entry->protocol,
                                                entry->name,
                                                entry->type,
                                                entry->domain,
                                                entry->protocol,
                                                0,
                                                resolve_cb,
                                                entry);
  if (entry->resolver != NULL)
    {
      self->n_resolving++;
      self->peak_resolving = MAX (self->peak_resolving, self->n_resolving);
      return;
    }

  error = avahi_client_errno (self->client);
  if (error == AVAHI_ERR_TOO_MANY_OBJECTS)
    {
      /* Its turn is next, once there is room. */
      _seye_browser_queue (entry, TRUE);
      no_room (self);
      return;
    }

  entry->resolved_us = g_get_monotonic_time ();
  resolve_failed (entry, error);
}

/* Public API --------------------------------------------------------------- */

/**
 * seye_browser_resolve_again:
 * @key: a service's key (SeyeServiceInfo.key)
 *
 * Resolves the service @key again, first in the queue: its node did not answer
 * at the address and port it said (it may have restarted elsewhere). Not more
 * often than every RESOLVE_AGAIN_SECONDS: Avahi may still have the old SRV
 * record for a second or two. "service-resolved" comes when it says something new.
 */
void
seye_browser_resolve_again (SeyeBrowser *self,
                            const char  *key)
{
  SeyeBrowserEntry *entry;
  gint64 since;

  g_return_if_fail (SEYE_IS_BROWSER (self));
  g_return_if_fail (key != NULL);

  entry = g_hash_table_lookup (self->entries, key);
  if (entry == NULL || entry->queued != NULL || entry->resolver != NULL || entry->retry_id != 0)
    return;

  since = g_get_monotonic_time () - entry->resolved_us;
  if (entry->resolved_us != 0 && since < RESOLVE_AGAIN_SECONDS * G_USEC_PER_SEC)
    {
      guint wait_ms = (guint) ((RESOLVE_AGAIN_SECONDS * G_USEC_PER_SEC - since) / 1000) + 1;

      entry->retry_id = g_timeout_add (wait_ms, retry_cb, entry);
      return;
    }

  _seye_browser_queue (entry, TRUE);
  _seye_browser_pump (self);
}

/**
 * seye_browser_get_n_pending:
 *
 * Returns: how many services are being resolved or wait for it (found, not
 *   answered yet): a one-shot client waits for them before it is done.
 */
guint
seye_browser_get_n_pending (SeyeBrowser *self)
{
  g_return_val_if_fail (SEYE_IS_BROWSER (self), 0);

  return self->queue.length + self->n_resolving;
}

guint
_seye_browser_get_n_resolving (SeyeBrowser *self)
{
  g_return_val_if_fail (SEYE_IS_BROWSER (self), 0);

  return self->n_resolving;
}

guint
_seye_browser_get_peak_resolving (SeyeBrowser *self)
{
  g_return_val_if_fail (SEYE_IS_BROWSER (self), 0);

  return self->peak_resolving;
}

void
_seye_browser_set_max_resolving (SeyeBrowser *self,
                                 guint        max_resolving)
{
  g_return_if_fail (SEYE_IS_BROWSER (self));
  g_return_if_fail (max_resolving > 0);

  self->max_wanted = max_resolving;
  self->max_resolving = max_resolving;
}
