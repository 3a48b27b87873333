/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-browser"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include <avahi-common/error.h>
#include <avahi-glib/glib-malloc.h>

#include "seye-browser-private.h"
#include "seye-sample.h"
#include "seye-sanitize.h"

#define RETRY_SECONDS          5     /* after avahi_client_new() failed outright */
#define MAX_ENTRIES            8192  /* services listed at once (a few hundred bytes each); more are ignored */

enum {
  PROP_0,
  PROP_AVAILABLE,
  PROP_STATUS_MESSAGE,
  PROP_LIMIT_MESSAGE,
  N_PROPS
};

enum {
  SERVICE_RESOLVED,
  SERVICE_REMOVED,
  ALL_FOR_NOW,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (SeyeBrowser, seye_browser, G_TYPE_OBJECT)

static void create_client    (SeyeBrowser *self);
static void schedule_restart (SeyeBrowser *self,
                              guint        delay_seconds);

/* SeyeServiceInfo ---------------------------------------------------------- */

G_DEFINE_BOXED_TYPE (SeyeServiceInfo, seye_service_info, seye_service_info_copy, seye_service_info_free)

SeyeServiceInfo *
seye_service_info_copy (const SeyeServiceInfo *self)
{
  SeyeServiceInfo *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (SeyeServiceInfo, 1);
  copy->key = g_strdup (self->key);
  copy->name = g_strdup (self->name);
  copy->host_name = g_strdup (self->host_name);
  copy->address = g_strdup (self->address);
  copy->port = self->port;
  copy->interface = self->interface;
  copy->protocol = self->protocol;
  seye_txt_record_copy (&copy->txt, &self->txt);

  return copy;
}

void
seye_service_info_free (SeyeServiceInfo *self)
{
  if (self == NULL)
    return;

  g_free (self->key);
  g_free (self->name);
  g_free (self->host_name);
  g_free (self->address);
  seye_txt_record_clear (&self->txt);
  g_free (self);
}

/**
 * seye_service_info_dup_uri:
 *
 * Returns: (transfer full): "http://ADDRESS:PORT" for the resolved address;
 *   an IPv6 address in brackets, its "%scope" escaped as "%25" as RFC 6874
 *   and GUri want it.
 */
char *
seye_service_info_dup_uri (const SeyeServiceInfo *self)
{
  g_autofree char *escaped = NULL;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (self->address != NULL, NULL);

  if (strchr (self->address, ':') == NULL)
    return g_strdup_printf ("http://%s:%u", self->address, self->port);

  if (strchr (self->address, '%') != NULL)
    {
      g_auto (GStrv) parts = g_strsplit (self->address, "%", 2);

      escaped = g_strconcat (parts[0], "%25", parts[1], NULL);
    }
  else
    {
      escaped = g_strdup (self->address);
    }

  return g_strdup_printf ("http://[%s]:%u", escaped, self->port);
}

/* Status ------------------------------------------------------------------- */

static void
set_status (SeyeBrowser *self,
            gboolean     available,
            const char  *message)
{
  g_object_freeze_notify (G_OBJECT (self));

  if (self->available != !!available)
    {
      self->available = !!available;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AVAILABLE]);
    }

  if (g_strcmp0 (self->status_message, message) != 0)
    {
      g_free (self->status_message);
      self->status_message = g_strdup (message);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS_MESSAGE]);
    }

  g_object_thaw_notify (G_OBJECT (self));
}

static char *
describe_error (int error)
{
  switch (error)
    {
    case AVAHI_ERR_NO_DAEMON:
    case AVAHI_ERR_DISCONNECTED:
      return g_strdup (_("Automatic discovery is off: the Avahi daemon is not running (start avahi-daemon)"));

    case AVAHI_ERR_NO_MEMORY:
      return g_strdup (_("Automatic discovery is off: out of memory"));

    case AVAHI_ERR_TOO_MANY_OBJECTS:
      return g_strdup (_("Automatic discovery is off: avahi-daemon’s objects-per-client-max (in "
                         "/etc/avahi/avahi-daemon.conf) is reached; raise it and restart avahi-daemon"));

    case AVAHI_ERR_TOO_MANY_CLIENTS:
      return g_strdup (_("Automatic discovery is off: avahi-daemon’s clients-max (in "
                         "/etc/avahi/avahi-daemon.conf) is reached; raise it and restart avahi-daemon"));

    default:
      return g_strdup_printf (_("Automatic discovery is off: %s (check that avahi-daemon runs)"),
                              avahi_strerror (error));
    }
}

/**
 * _seye_browser_say_limit:
 *
 * One of avahi-daemon's limits is reached: says so in @message (with the setting
 * to raise), once for the life of the browser.
 */
void
_seye_browser_say_limit (SeyeBrowser *self,
                         const char  *message)
{
  if (self->limit_message != NULL)
    return;

  g_message ("%s", message);
  self->limit_message = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LIMIT_MESSAGE]);
}

void
_seye_browser_emit_resolved (SeyeBrowser     *self,
                             SeyeServiceInfo *info)
{
  g_signal_emit (self, signals[SERVICE_RESOLVED], 0, info);
}

/* Entries ------------------------------------------------------------------ */

static char *
make_key (int         interface,
          int         protocol,
          const char *name)
{
  return g_strdup_printf ("%d/%d/%s", interface, protocol, name);
}

static void
remove_entry (SeyeBrowser *self,
              const char  *key,
              gboolean     emit)
{
  SeyeBrowserEntry *entry = g_hash_table_lookup (self->entries, key);
  g_autofree char *owned_key = NULL;
  gboolean resolved;

  if (entry == NULL)
    return;

  owned_key = g_strdup (key);
  resolved = entry->info != NULL;
  g_hash_table_remove (self->entries, owned_key);
  /* Its resolver, if it had one, made room for another. */
  _seye_browser_pump (self);

  if (emit && resolved)
    g_signal_emit (self, signals[SERVICE_REMOVED], 0, owned_key);
}

static void
browse_cb (AvahiServiceBrowser    *browser,
           AvahiIfIndex            interface,
           AvahiProtocol           protocol,
           AvahiBrowserEvent       event,
           const char             *name,
           const char             *type,
           const char             *domain,
           AvahiLookupResultFlags  flags,
           void                   *user_data)
{
  SeyeBrowser *self = user_data;
  g_autofree char *key = NULL;
  SeyeBrowserEntry *entry;

  switch (event)
    {
    case AVAHI_BROWSER_NEW:
      key = make_key (interface, protocol, name);
      if (g_hash_table_contains (self->entries, key))
        return;

      /* A flood of announcements must not grow the list without end. */
      if (g_hash_table_size (self->entries) >= MAX_ENTRIES)
        {
          if (!self->full_said)
            {
              g_autofree char *shown = seye_sanitize_display (name);

              g_message ("%u services announced: ignoring “%s” and any other new one for now",
                         MAX_ENTRIES, shown);
            }
          self->full_said = TRUE;
          return;
        }

      entry = _seye_browser_entry_new (self, key, interface, protocol, name, type, domain);
      g_hash_table_insert (self->entries, entry->key, entry);
      if (!g_log_writer_default_would_drop (G_LOG_LEVEL_DEBUG, G_LOG_DOMAIN))
        {
          g_autofree char *shown = seye_sanitize_display (key);

          g_debug ("new service “%s”", shown);
        }
      _seye_browser_queue (entry, FALSE);
      _seye_browser_pump (self);
      break;

    case AVAHI_BROWSER_REMOVE:
      key = make_key (interface, protocol, name);
      if (!g_log_writer_default_would_drop (G_LOG_LEVEL_DEBUG, G_LOG_DOMAIN))
        {
          g_autofree char *shown = seye_sanitize_display (key);

          g_debug ("service “%s” removed", shown);
        }
      remove_entry (self, key, TRUE);
      break;

    case AVAHI_BROWSER_ALL_FOR_NOW:
      g_signal_emit (self, signals[ALL_FOR_NOW], 0);
      break;

    case AVAHI_BROWSER_CACHE_EXHAUSTED:
      break;

    case AVAHI_BROWSER_FAILURE:
    default:
      {
        int error = avahi_client_errno (avahi_service_browser_get_client (browser));
        g_autofree char *message = describe_error (error);

        g_debug ("browsing failed: %s", avahi_strerror (error));
        set_status (self, FALSE, message);
        /* Start over from the main loop, never from inside Avahi's callback. */
        schedule_restart (self, RETRY_SECONDS);
      }
      break;
    }
}

/* Client ------------------------------------------------------------------- */

static void
teardown (SeyeBrowser *self,
          gboolean     emit)
{
  g_autoptr (GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer key;

  /* Resolvers and the browser belong to the client: free them first. */
  _seye_browser_stop_resolving (self);
  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (keys, g_strdup (key));

  for (guint i = 0; i < keys->len; i++)
    remove_entry (self, keys->pdata[i], emit);

  if (self->service_browser != NULL)
    {
      avahi_service_browser_free (self->service_browser);
      self->service_browser = NULL;
    }

  g_clear_pointer (&self->client, avahi_client_free);
  g_assert (self->n_resolving == 0);
}

static gboolean
restart_cb (gpointer data)
{
  SeyeBrowser *self = data;

  self->restart_id = 0;
  teardown (self, TRUE);
  create_client (self);

  return G_SOURCE_REMOVE;
}

static void
schedule_restart (SeyeBrowser *self,
                  guint        delay_seconds)
{
  if (self->restart_id != 0)
    return;

  if (delay_seconds == 0)
    self->restart_id = g_idle_add (restart_cb, self);
  else
    self->restart_id = g_timeout_add_seconds (delay_seconds, restart_cb, self);
}

static void
start_browsing (SeyeBrowser *self,
                AvahiClient *client)
{
  if (self->service_browser != NULL)
    return;

  self->service_browser = avahi_service_browser_new (client,
                                                     AVAHI_IF_UNSPEC,
                                                     AVAHI_PROTO_UNSPEC,
                                                     SEYE_SERVICE_TYPE,
                                                     NULL,
                                                     0,
                                                     browse_cb,
                                                     self);
  if (self->service_browser == NULL)
    {
      int error = avahi_client_errno (client);
      g_autofree char *message = describe_error (error);

      g_debug ("cannot browse: %s", avahi_strerror (error));
      set_status (self, FALSE, message);
      schedule_restart (self, RETRY_SECONDS);
      return;
    }

  set_status (self, TRUE, NULL);
}

static void
client_cb (AvahiClient      *client,
           AvahiClientState  state,
           void             *user_data)
{
  SeyeBrowser *self = user_data;

  /* Called from inside avahi_client_new() too, before self->client is set:
   * use @client, not self->client. */
  switch (state)
    {
    case AVAHI_CLIENT_S_RUNNING:
    case AVAHI_CLIENT_S_REGISTERING:
    case AVAHI_CLIENT_S_COLLISION:
      /* The host name's state does not matter for browsing. */
      start_browsing (self, client);
      break;

    case AVAHI_CLIENT_CONNECTING:
      set_status (self, FALSE,
                  _("Automatic discovery is off: the Avahi daemon is not running (start avahi-daemon)"));
      break;

    case AVAHI_CLIENT_FAILURE:
    default:
      {
        int error = avahi_client_errno (client);
        g_autofree char *message = describe_error (error);

        g_debug ("Avahi client failed: %s", avahi_strerror (error));
        set_status (self, FALSE, message);
        /* Free and recreate it from the main loop, never from its own callback. */
        schedule_restart (self, 0);
      }
      break;
    }
}

static void
create_client (SeyeBrowser *self)
{
  int error = 0;
  AvahiClient *client;

  g_assert (self->client == NULL);
  self->max_resolving = self->max_wanted;

  client = avahi_client_new (avahi_glib_poll_get (self->poll),
                             AVAHI_CLIENT_NO_FAIL,
                             client_cb,
                             self,
                             &error);
  if (client == NULL)
    {
      /* Even NO_FAIL fails without a system bus: retry now and then. */
      g_autofree char *message = describe_error (error);

      g_debug ("cannot reach Avahi: %s", avahi_strerror (error));
      set_status (self, FALSE, message);
      schedule_restart (self, RETRY_SECONDS);
      return;
    }

  self->client = client;

  /* The state callback may have run before self->client was set. */
  if (avahi_client_get_state (client) == AVAHI_CLIENT_S_RUNNING ||
      avahi_client_get_state (client) == AVAHI_CLIENT_S_REGISTERING ||
      avahi_client_get_state (client) == AVAHI_CLIENT_S_COLLISION)
    start_browsing (self, client);
}

/* GObject ------------------------------------------------------------------ */

static void
seye_browser_dispose (GObject *object)
{
  SeyeBrowser *self = SEYE_BROWSER (object);

  g_clear_handle_id (&self->restart_id, g_source_remove);
  teardown (self, FALSE);

  G_OBJECT_CLASS (seye_browser_parent_class)->dispose (object);
}

static void
seye_browser_finalize (GObject *object)
{
  SeyeBrowser *self = SEYE_BROWSER (object);

  g_clear_pointer (&self->entries, g_hash_table_unref);
  g_clear_pointer (&self->poll, avahi_glib_poll_free);
  g_clear_pointer (&self->status_message, g_free);
  g_clear_pointer (&self->limit_message, g_free);

  G_OBJECT_CLASS (seye_browser_parent_class)->finalize (object);
}

static void
seye_browser_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  SeyeBrowser *self = SEYE_BROWSER (object);

  switch (prop_id)
    {
    case PROP_AVAILABLE:
      g_value_set_boolean (value, self->available);
      break;

    case PROP_STATUS_MESSAGE:
      g_value_set_string (value, self->status_message);
      break;

    case PROP_LIMIT_MESSAGE:
      g_value_set_string (value, self->limit_message);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
seye_browser_class_init (SeyeBrowserClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = seye_browser_dispose;
  object_class->finalize = seye_browser_finalize;
  object_class->get_property = seye_browser_get_property;

  properties[PROP_AVAILABLE] =
    g_param_spec_boolean ("available", NULL, NULL,
                          FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_STATUS_MESSAGE] =
    g_param_spec_string ("status-message", NULL, NULL,
                         NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_LIMIT_MESSAGE] =
    g_param_spec_string ("limit-message", NULL, NULL,
                         NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SERVICE_RESOLVED] =
    g_signal_new ("service-resolved",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1,
                  SEYE_TYPE_SERVICE_INFO | G_SIGNAL_TYPE_STATIC_SCOPE);

  signals[SERVICE_REMOVED] =
    g_signal_new ("service-removed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);

  signals[ALL_FOR_NOW] =
    g_signal_new ("all-for-now",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
seye_browser_init (SeyeBrowser *self)
{
  static gsize allocator_set = 0;

  if (g_once_init_enter (&allocator_set))
    {
      avahi_set_allocator (avahi_glib_allocator ());
      g_once_init_leave (&allocator_set, 1);
    }

  self->entries = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, _seye_browser_entry_free);
  self->max_wanted = SEYE_BROWSER_MAX_RESOLVERS;
  self->max_resolving = SEYE_BROWSER_MAX_RESOLVERS;
  self->poll = avahi_glib_poll_new (NULL, G_PRIORITY_DEFAULT);
}

/* Public API --------------------------------------------------------------- */

SeyeBrowser *
seye_browser_new (void)
{
  return g_object_new (SEYE_TYPE_BROWSER, NULL);
}

/**
 * seye_browser_start:
 *
 * Connects to avahi-daemon and starts browsing. When the daemon is not there,
 * "available" stays %FALSE, "status-message" says why, and the browser keeps
 * trying: browsing starts by itself when the daemon appears.
 */
void
seye_browser_start (SeyeBrowser *self)
{
  g_return_if_fail (SEYE_IS_BROWSER (self));

  if (self->started)
    return;

  self->started = TRUE;
  create_client (self);
}

gboolean
seye_browser_get_available (SeyeBrowser *self)
{
  g_return_val_if_fail (SEYE_IS_BROWSER (self), FALSE);

  return self->available;
}

/**
 * seye_browser_get_status_message:
 *
 * Returns: (nullable): why discovery is off, in words a user can act on; %NULL while available.
 */
const char *
seye_browser_get_status_message (SeyeBrowser *self)
{
  g_return_val_if_fail (SEYE_IS_BROWSER (self), NULL);

  return self->status_message;
}

/**
 * seye_browser_get_limit_message:
 *
 * Returns: (nullable): which of avahi-daemon's limits was reached and which
 *   setting to raise, once one was (it stays); %NULL until then.
 */
const char *
seye_browser_get_limit_message (SeyeBrowser *self)
{
  g_return_val_if_fail (SEYE_IS_BROWSER (self), NULL);

  return self->limit_message;
}
