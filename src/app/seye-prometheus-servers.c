/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-prometheus-servers"

#include "config.h"

#include <glib/gi18n.h>

#include "seye-error.h"
#include "seye-keyring.h"
#include "seye-prometheus-servers.h"
#include "seye-prometheus-session.h"
#include "seye-sanitize.h"

/* One server the app takes nodes from. */
typedef struct
{
  SeyePrometheusServers *self;          /* borrowed */
  SeyePrometheusSource  *source;
  GCancellable          *cancellable;   /* the keyring's answer, while awaited */
  char                  *problem;       /* why it is not used (sanitised), or NULL */
  gboolean               saved;         /* in the setting (else for this session) */
  gboolean               added;         /* to the monitor */
  gboolean               truncated_said;
} Server;

struct _SeyePrometheusServers
{
  GObject       parent_instance;

  /* Owned */
  SeyeMonitor  *monitor;
  GSettings    *settings;
  GPtrArray    *servers;        /* Server, in the order they came */
  GCancellable *cancellable;    /* keyring writes */
  char         *notice;
  gboolean      keyring_said;
};

enum {
  PROP_0,
  PROP_NOTICE,
  N_PROPS
};

enum {
  MESSAGE,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (SeyePrometheusServers, seye_prometheus_servers, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static void
say (SeyePrometheusServers *self,
     const char            *message)
{
  g_signal_emit (self, signals[MESSAGE], 0, message);
}

/* The notice: one line per server that is not working (connecting is not a problem yet). */
static void
update_notice (SeyePrometheusServers *self)
{
  g_autoptr (GString) text = g_string_new (NULL);

  for (guint i = 0; i < self->servers->len; i++)
    {
      Server *server = self->servers->pdata[i];
      SeyePrometheusStatus status = seye_prometheus_source_get_status (server->source);
      const char *message = seye_prometheus_source_get_status_message (server->source);

      if (server->problem != NULL)
        message = server->problem;
      else if (status == SEYE_PROMETHEUS_STATUS_OK || status == SEYE_PROMETHEUS_STATUS_CONNECTING ||
               message == NULL)
        continue;

      if (text->len > 0)
        g_string_append_c (text, '\n');
      g_string_append (text, message);
    }

  if (g_strcmp0 (self->notice, text->len > 0 ? text->str : NULL) == 0)
    return;

  g_free (self->notice);
  self->notice = text->len > 0 ? g_strdup (text->str) : NULL;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NOTICE]);
}

/* Once a server: it has more targets than are shown. */
static void
truncated_cb (Server     *server,
              GParamSpec *pspec,
              GObject    *source)
{
  g_autofree char *url = NULL;
  g_autofree char *message = NULL;

  if (!seye_prometheus_source_get_truncated (server->source) || server->truncated_said)
    return;

  server->truncated_said = TRUE;
  url = seye_sanitize_display (seye_prometheus_source_get_url (server->source));
  /* Translators: %s is a server's URL, %u a number of nodes (4096) */
  message = g_strdup_printf (_("Prometheus at %s has more targets than the %u shown: the others are left out"),
                             url, SEYE_PROMETHEUS_MAX_NODES);
  say (server->self, message);
}

static void
server_free (Server *server)
{
  g_cancellable_cancel (server->cancellable);
  g_clear_object (&server->cancellable);
  if (server->source != NULL)
    g_signal_handlers_disconnect_by_data (server->source, server);
  if (server->source != NULL)
    g_signal_handlers_disconnect_by_data (server->source, server->self);
  g_clear_object (&server->source);
  g_free (server->problem);
  g_free (server);
}

static Server *
find_server (SeyePrometheusServers *self,
             const char            *url,
             guint                 *index)
{
  for (guint i = 0; i < self->servers->len; i++)
    {
      Server *server = self->servers->pdata[i];

      if (g_strcmp0 (seye_prometheus_source_get_url (server->source), url) == 0)
        {
          if (index != NULL)
            *index = i;
          return server;
        }
    }

  return NULL;
}

static void
add_to_monitor (Server *server)
{
  if (server->added)
    return;

  server->added = TRUE;
  seye_monitor_add_source (server->self->monitor, SEYE_SOURCE (server->source));
}

/* Lists @source; add_to_monitor() makes its nodes shown. */
static Server *
add_server (SeyePrometheusServers *self,
            SeyePrometheusSource  *source,
            gboolean               saved)
{
  Server *server = g_new0 (Server, 1);

  server->self = self;
  server->source = g_object_ref (source);
  server->saved = saved;
  g_signal_connect_object (source, "notify::status", G_CALLBACK (update_notice), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (source, "notify::status-message", G_CALLBACK (update_notice), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_swapped (source, "notify::truncated", G_CALLBACK (truncated_cb), server);

  g_ptr_array_add (self->servers, server);
  g_list_model_items_changed (G_LIST_MODEL (self), self->servers->len - 1, 0, 1);
  update_notice (self);

  return server;
}

static void
remove_server (SeyePrometheusServers *self,
               guint                  index)
{
  Server *server = self->servers->pdata[index];

  if (server->added)
    seye_monitor_remove_source (self->monitor, SEYE_SOURCE (server->source));
  g_ptr_array_remove_index (self->servers, index);
  g_list_model_items_changed (G_LIST_MODEL (self), index, 1, 0);
  update_notice (self);
}

/* The keyring ------------------------------------------------------------- */

static void
apply_secret (SeyePrometheusSource       *source,
              const SeyePrometheusServer *config,
              const char                 *secret)
{
  if (config->auth == SEYE_PROMETHEUS_AUTH_BASIC)
    seye_prometheus_source_set_basic_auth (source, config->user, secret);
  else if (config->auth == SEYE_PROMETHEUS_AUTH_BEARER)
    seye_prometheus_source_set_bearer_token (source, secret);
}

static void
secret_read_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Server *server = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) servers = NULL;
  const SeyePrometheusServer *config;
  char *secret;

  secret = seye_keyring_lookup_server_secret_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  /* Not cancelled: the server is still listed. */
  g_clear_object (&server->cancellable);
  servers = seye_prometheus_servers_load (server->self->settings);
  config = seye_prometheus_server_find (servers, seye_prometheus_source_get_url (server->source));
  if (config != NULL && secret != NULL)
    apply_secret (server->source, config, secret);

  if (error != NULL && !server->self->keyring_said)
    {
      server->self->keyring_said = TRUE;
      say (server->self, error->message);
    }
  if (secret != NULL)
    seye_keyring_secret_free (secret);

  add_to_monitor (server);
}

/* A server of the setting: its source, with what the setting says; its secret from the keyring. */
static void
add_configured (SeyePrometheusServers      *self,
                const SeyePrometheusServer *config)
{
  g_autoptr (SeyePrometheusSource) source = NULL;
  g_autoptr (GError) error = NULL;
  Server *server;

  source = seye_prometheus_source_new (config->url, &error);
  if (source == NULL)
    {
      g_warning ("%s", error->message);
      return;
    }

  /* A pinned certificate that cannot be read is not replaced by the system's CAs: the
   * server is listed, not asked, and the user reads why. */
  if (config->certificate != NULL &&
      !seye_prometheus_source_set_tls_certificate_file (source, config->certificate, &error))
    {
      g_autofree char *url = seye_sanitize_display (config->url);
      g_autofree char *why = seye_sanitize_display (error->message);

      server = add_server (self, source, TRUE);
      /* Translators: the first %s is a server's URL, the second says why */
      server->problem = g_strdup_printf (_("Prometheus at %s is not used: %s"), url, why);
      update_notice (self);
      return;
    }

  server = add_server (self, source, TRUE);
  if (config->auth == SEYE_PROMETHEUS_AUTH_NONE)
    {
      add_to_monitor (server);
      return;
    }

  server->cancellable = g_cancellable_new ();
  seye_keyring_lookup_server_secret_async (config->url, server->cancellable, secret_read_cb, server);
}

/* The setting changed (Preferences, gsettings): follow it. */
static void
servers_changed_cb (SeyePrometheusServers *self)
{
  g_autoptr (GPtrArray) configs = seye_prometheus_servers_load (self->settings);

  for (guint i = self->servers->len; i > 0; i--)
    {
      Server *server = self->servers->pdata[i - 1];

      if (server->saved &&
          seye_prometheus_server_find (configs, seye_prometheus_source_get_url (server->source)) == NULL)
        remove_server (self, i - 1);
    }

  for (guint i = 0; i < configs->len; i++)
    {
      const SeyePrometheusServer *config = configs->pdata[i];
      Server *server = find_server (self, config->url, NULL);

      if (server == NULL)
        add_configured (self, config);
      else
        server->saved = TRUE;
    }
}

/* Keeps the secret of a server just added; said when it cannot be. */
static void
secret_stored_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr (SeyePrometheusServers) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!seye_keyring_store_server_secret_finish (result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    say (self, error->message);
}

static void
secret_forgotten_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr (SeyePrometheusServers) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!seye_keyring_forget_server_secret_finish (result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    say (self, error->message);
}

/* GListModel --------------------------------------------------------------- */

static GType
seye_prometheus_servers_get_item_type (GListModel *model)
{
  return SEYE_TYPE_PROMETHEUS_SOURCE;
}

static guint
seye_prometheus_servers_get_n_items (GListModel *model)
{
  return SEYE_PROMETHEUS_SERVERS (model)->servers->len;
}

static gpointer
seye_prometheus_servers_get_item (GListModel *model,
                                  guint       position)
{
  SeyePrometheusServers *self = SEYE_PROMETHEUS_SERVERS (model);

  if (position >= self->servers->len)
    return NULL;

  return g_object_ref (((Server *) self->servers->pdata[position])->source);
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = seye_prometheus_servers_get_item_type;
  iface->get_n_items = seye_prometheus_servers_get_n_items;
  iface->get_item = seye_prometheus_servers_get_item;
}

/* GObject ------------------------------------------------------------------ */

static void
seye_prometheus_servers_dispose (GObject *object)
{
  SeyePrometheusServers *self = SEYE_PROMETHEUS_SERVERS (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_clear_pointer (&self->servers, g_ptr_array_unref);
  g_clear_object (&self->settings);
  g_clear_object (&self->monitor);
  g_clear_pointer (&self->notice, g_free);

  G_OBJECT_CLASS (seye_prometheus_servers_parent_class)->dispose (object);
}

static void
seye_prometheus_servers_get_property (GObject    *object,
                                      guint       prop_id,
                                      GValue     *value,
                                      GParamSpec *pspec)
{
  SeyePrometheusServers *self = SEYE_PROMETHEUS_SERVERS (object);

  switch (prop_id)
    {
    case PROP_NOTICE:
      g_value_set_string (value, self->notice);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
seye_prometheus_servers_class_init (SeyePrometheusServersClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = seye_prometheus_servers_dispose;
  object_class->get_property = seye_prometheus_servers_get_property;

  properties[PROP_NOTICE] =
    g_param_spec_string ("notice", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[MESSAGE] =
    g_signal_new ("message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
seye_prometheus_servers_init (SeyePrometheusServers *self)
{
  self->servers = g_ptr_array_new_with_free_func ((GDestroyNotify) server_free);
  self->cancellable = g_cancellable_new ();
}

/* Public API --------------------------------------------------------------- */

/**
 * seye_prometheus_servers_new:
 *
 * Follows the "prometheus-servers" key of @settings: its servers are added to
 * @monitor now, each as soon as its password or token is read from the keyring.
 */
SeyePrometheusServers *
seye_prometheus_servers_new (SeyeMonitor *monitor,
                             GSettings   *settings)
{
  SeyePrometheusServers *self;

  g_return_val_if_fail (SEYE_IS_MONITOR (monitor), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (SEYE_TYPE_PROMETHEUS_SERVERS, NULL);
  self->monitor = g_object_ref (monitor);
  self->settings = g_object_ref (settings);
  g_signal_connect_object (settings, "changed::prometheus-servers", G_CALLBACK (servers_changed_cb), self,
                           G_CONNECT_SWAPPED);
  servers_changed_cb (self);

  return self;
}

/**
 * seye_prometheus_servers_check_session:
 * @urls: (nullable): the --prometheus URLs
 * @token_file: (nullable): --prometheus-token-file
 * @certificate: (nullable): --prometheus-certificate
 *
 * Whether seye_prometheus_servers_add_session() will take these: said before the
 * app starts, where they were typed.
 *
 * Returns: FALSE with @error (SEYE_ERROR_CONFIG) in words otherwise.
 */
gboolean
seye_prometheus_servers_check_session (const char * const  *urls,
                                       const char          *token_file,
                                       const char          *certificate,
                                       GError             **error)
{
  if (urls == NULL && (token_file != NULL || certificate != NULL))
    {
      g_set_error_literal (error, SEYE_ERROR, SEYE_ERROR_CONFIG,
                           _("--prometheus-token-file and --prometheus-certificate go with --prometheus URL"));
      return FALSE;
    }

  for (guint i = 0; urls != NULL && urls[i] != NULL; i++)
    {
      g_autoptr (SeyePrometheusSource) source = seye_prometheus_source_new (urls[i], error);

      if (source == NULL || !seye_prometheus_session_apply (source, token_file, certificate, error))
        return FALSE;
    }

  return TRUE;
}

/**
 * seye_prometheus_servers_add_session:
 * @token_file: (nullable): the bearer token, in a file
 * @certificate: (nullable): a PEM file, the one certificate to trust
 *
 * Takes nodes from @url for this session only (`--prometheus`); the
 * credentials as seye_prometheus_session_apply() takes them.
 */
gboolean
seye_prometheus_servers_add_session (SeyePrometheusServers  *self,
                                     const char             *url,
                                     const char             *token_file,
                                     const char             *certificate,
                                     GError                **error)
{
  g_autoptr (SeyePrometheusSource) source = NULL;

  g_return_val_if_fail (SEYE_IS_PROMETHEUS_SERVERS (self), FALSE);

  source = seye_prometheus_source_new (url, error);
  if (source == NULL)
    return FALSE;
  if (find_server (self, seye_prometheus_source_get_url (source), NULL) != NULL)
    return TRUE;
  if (!seye_prometheus_session_apply (source, token_file, certificate, error))
    return FALSE;

  add_to_monitor (add_server (self, source, FALSE));

  return TRUE;
}

/**
 * seye_prometheus_servers_add:
 * @server: the server: its URL, how to authenticate, the certificate to trust
 * @secret: (nullable): its password (basic auth) or token (bearer)
 *
 * Adds @server to the setting and its secret to the keyring, and takes its
 * nodes from now on. The same URL again replaces what was kept for it.
 *
 * Returns: FALSE with @error (in words) when the URL or the certificate file
 *   cannot be used.
 */
gboolean
seye_prometheus_servers_add (SeyePrometheusServers       *self,
                             const SeyePrometheusServer  *server,
                             const char                  *secret,
                             GError                     **error)
{
  g_autoptr (SeyePrometheusSource) source = NULL;
  g_autoptr (GPtrArray) configs = NULL;
  g_autofree char *url = NULL;
  SeyePrometheusServer *config;

  g_return_val_if_fail (SEYE_IS_PROMETHEUS_SERVERS (self), FALSE);
  g_return_val_if_fail (server != NULL, FALSE);

  url = g_strstrip (g_strdup (server->url != NULL ? server->url : ""));
  source = seye_prometheus_source_new (url, error);
  if (source == NULL)
    return FALSE;
  if (server->certificate != NULL && server->certificate[0] != '\0' &&
      !seye_prometheus_source_set_tls_certificate_file (source, server->certificate, error))
    return FALSE;
  if (server->auth == SEYE_PROMETHEUS_AUTH_BASIC && (server->user == NULL || server->user[0] == '\0'))
    {
      g_set_error_literal (error, SEYE_ERROR, SEYE_ERROR_CONFIG, _("Basic authentication needs a user name"));
      return FALSE;
    }

  config = g_new0 (SeyePrometheusServer, 1);
  config->url = g_strdup (seye_prometheus_source_get_url (source));
  config->auth = CLAMP (server->auth, SEYE_PROMETHEUS_AUTH_NONE, SEYE_PROMETHEUS_AUTH_BEARER);
  config->user = config->auth == SEYE_PROMETHEUS_AUTH_BASIC ? g_strdup (server->user) : NULL;
  config->certificate = server->certificate != NULL && server->certificate[0] != '\0'
                          ? g_strdup (server->certificate) : NULL;
  apply_secret (source, config, secret);

  /* Replaced: the old source goes, with its nodes. */
  {
    guint index;

    if (find_server (self, config->url, &index) != NULL)
      remove_server (self, index);
  }
  add_to_monitor (add_server (self, source, TRUE));

  if (config->auth != SEYE_PROMETHEUS_AUTH_NONE && secret != NULL)
    seye_keyring_store_server_secret_async (config->url, secret, self->cancellable, secret_stored_cb,
                                            g_object_ref (self));

  configs = seye_prometheus_servers_load (self->settings);
  {
    SeyePrometheusServer *old = seye_prometheus_server_find (configs, config->url);

    /* Now without credentials: the old ones leave the keyring too. */
    if (old != NULL && old->auth != SEYE_PROMETHEUS_AUTH_NONE && config->auth == SEYE_PROMETHEUS_AUTH_NONE)
      seye_keyring_forget_server_secret_async (config->url, self->cancellable, secret_forgotten_cb,
                                               g_object_ref (self));
    if (old != NULL)
      g_ptr_array_remove (configs, old);
  }
  g_ptr_array_add (configs, config);
  seye_prometheus_servers_save (self->settings, configs);

  return TRUE;
}

/**
 * seye_prometheus_servers_remove:
 *
 * Stops taking nodes from @url: out of the monitor, the setting and the keyring.
 */
void
seye_prometheus_servers_remove (SeyePrometheusServers *self,
                                const char            *url)
{
  g_autoptr (GPtrArray) configs = NULL;
  SeyePrometheusServer *config;
  guint index;

  g_return_if_fail (SEYE_IS_PROMETHEUS_SERVERS (self));
  g_return_if_fail (url != NULL);

  if (find_server (self, url, &index) != NULL)
    remove_server (self, index);

  configs = seye_prometheus_servers_load (self->settings);
  config = seye_prometheus_server_find (configs, url);
  if (config == NULL)
    return;

  if (config->auth != SEYE_PROMETHEUS_AUTH_NONE)
    seye_keyring_forget_server_secret_async (url, self->cancellable, secret_forgotten_cb, g_object_ref (self));
  g_ptr_array_remove (configs, config);
  seye_prometheus_servers_save (self->settings, configs);
}

/* Whether @source is one of the setting's servers (else it is for this session only). */
gboolean
seye_prometheus_servers_is_saved (SeyePrometheusServers *self,
                                  SeyePrometheusSource  *source)
{
  g_return_val_if_fail (SEYE_IS_PROMETHEUS_SERVERS (self), FALSE);

  for (guint i = 0; i < self->servers->len; i++)
    {
      Server *server = self->servers->pdata[i];

      if (server->source == source)
        return server->saved;
    }

  return FALSE;
}

/* Why the server of @source is not used (its certificate cannot be read), NULL when it is. */
const char *
seye_prometheus_servers_get_problem (SeyePrometheusServers *self,
                                     SeyePrometheusSource  *source)
{
  g_return_val_if_fail (SEYE_IS_PROMETHEUS_SERVERS (self), NULL);

  for (guint i = 0; i < self->servers->len; i++)
    {
      Server *server = self->servers->pdata[i];

      if (server->source == source)
        return server->problem;
    }

  return NULL;
}

/* What is wrong with the servers that do not work, one a line; NULL when nothing is. */
const char *
seye_prometheus_servers_get_notice (SeyePrometheusServers *self)
{
  g_return_val_if_fail (SEYE_IS_PROMETHEUS_SERVERS (self), NULL);

  return self->notice;
}
