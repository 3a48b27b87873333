/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-prometheus-source"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "seye-error.h"
#include "seye-prometheus-source-private.h"
#include "seye-sanitize.h"

/*
 * The object: its settings, the server's status in words, its nodes (one per
 * instance, at most SEYE_PROMETHEUS_MAX_NODES) and the refresh timer. A refresh
 * (seye-prometheus-source-queries.c) hands what it learned to
 * _seye_prometheus_source_apply(), which is the only place nodes change.
 */

#define STALE_REFRESHES   1      /* missing from this many answers: stale */
#define OFFLINE_REFRESHES 3      /* this many: offline */
#define FORGET_REFRESHES  240    /* this many (an hour at 15 s): the node goes */
#define STALE_SCRAPES     3      /* a target not scraped for this many intervals is stale */

enum {
  PROP_0,
  PROP_URL,
  PROP_STATUS,
  PROP_STATUS_MESSAGE,
  PROP_SCRAPE_INTERVAL,
  PROP_TRUNCATED,
  PROP_TIMEOUT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void source_iface_init (SeyeSourceInterface *iface);

G_DEFINE_ENUM_TYPE (SeyePrometheusStatus, seye_prometheus_status,
                    G_DEFINE_ENUM_VALUE (SEYE_PROMETHEUS_STATUS_CONNECTING, "connecting"),
                    G_DEFINE_ENUM_VALUE (SEYE_PROMETHEUS_STATUS_OK, "ok"),
                    G_DEFINE_ENUM_VALUE (SEYE_PROMETHEUS_STATUS_UNREACHABLE, "unreachable"),
                    G_DEFINE_ENUM_VALUE (SEYE_PROMETHEUS_STATUS_AUTH, "auth"),
                    G_DEFINE_ENUM_VALUE (SEYE_PROMETHEUS_STATUS_CERTIFICATE, "certificate"),
                    G_DEFINE_ENUM_VALUE (SEYE_PROMETHEUS_STATUS_ERROR, "error"))

G_DEFINE_FINAL_TYPE_WITH_CODE (SeyePrometheusSource, seye_prometheus_source, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (SEYE_TYPE_SOURCE, source_iface_init))

/* Status ------------------------------------------------------------------- */

/**
 * _seye_prometheus_source_set_status:
 * @detail: (nullable): why, as the request said it (not sanitised)
 */
void
_seye_prometheus_source_set_status (SeyePrometheusSource *self,
                                    SeyePrometheusStatus  status,
                                    const char           *detail)
{
  g_autofree char *message = NULL;
  g_autofree char *shown = NULL;

  if (detail == NULL)
    detail = "";

  switch (status)
    {
    case SEYE_PROMETHEUS_STATUS_OK:
      break;
    case SEYE_PROMETHEUS_STATUS_CONNECTING:
      message = g_strdup_printf (_("Connecting to Prometheus at %s"), self->url);
      break;
    case SEYE_PROMETHEUS_STATUS_UNREACHABLE:
      /* Translators: "Prometheus at http://host:9090 not reachable: Connection refused" */
      message = g_strdup_printf (_("Prometheus at %s not reachable: %s"), self->url, detail);
      break;
    case SEYE_PROMETHEUS_STATUS_AUTH:
      message = g_strdup_printf (_("Prometheus at %s refused access: %s"), self->url, detail);
      break;
    case SEYE_PROMETHEUS_STATUS_CERTIFICATE:
      message = g_strdup_printf (_("Prometheus at %s is not trusted: %s"), self->url, detail);
      break;
    case SEYE_PROMETHEUS_STATUS_ERROR:
    default:
      message = g_strdup_printf (_("Prometheus at %s: %s"), self->url, detail);
      break;
    }

  shown = message != NULL ? seye_sanitize_display (message) : NULL;

  if (self->status != status)
    {
      self->status = status;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
    }

  if (g_strcmp0 (self->status_message, shown) != 0)
    {
      g_free (self->status_message);
      self->status_message = g_steal_pointer (&shown);
      if (self->status_message != NULL)
        g_debug ("%s", self->status_message);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS_MESSAGE]);
    }
}

void
_seye_prometheus_source_set_scrape_interval (SeyePrometheusSource *self,
                                             double                seconds)
{
  seconds = CLAMP (seconds, 0.1, 3600);
  if (self->scrape_interval == seconds)
    return;

  self->scrape_interval = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCRAPE_INTERVAL]);
}

/* Nodes -------------------------------------------------------------------- */

static SeyeNode *
add_node (SeyePrometheusSource *self,
          const PromTarget     *target)
{
  g_autofree char *key = g_strconcat ("prometheus:", target->instance, NULL);
  SeyeNode *node;

  if (g_hash_table_size (self->nodes) >= SEYE_PROMETHEUS_MAX_NODES)
    return NULL;

  node = _seye_node_new (key, NULL, FALSE, self->scrape_interval);
  _seye_node_set_host (node, target->instance);
  _seye_node_set_address (node, target->instance);
  g_hash_table_insert (self->nodes, g_strdup (target->instance), node);
  seye_source_node_added (SEYE_SOURCE (self), node);
  _seye_prometheus_source_fill_later (self, target->instance);

  return node;
}

static void
forget_node (SeyePrometheusSource *self,
             const char           *instance)
{
  g_autoptr (SeyeNode) node = NULL;
  g_autofree char *key = NULL;

  if (!g_hash_table_steal_extended (self->nodes, instance, (gpointer *) &key, (gpointer *) &node))
    return;

  g_hash_table_remove (self->missing, node);
  seye_source_node_removed (SEYE_SOURCE (self), node);
}

/* What one target of the last answer says of its node. */
static void
update_node (SeyePrometheusSource *self,
             SeyeNode             *node,
             const PromTarget     *target,
             gint64                time_ms)
{
  g_autoptr (SeyeNodeInfo) info = _seye_prom_target_info (target, self->scrape_interval);
  g_autoptr (SeyeSample) sample = _seye_prom_target_sample (target, time_ms, self->scrape_interval);
  double up = target->values[PROM_UP];
  double age = target->values[PROM_AGE];

  g_hash_table_remove (self->missing, node);
  /* A target that is down has no identity series now: it keeps the last one. */
  if (seye_node_get_info (node) == NULL || target->name != NULL || target->hostname != NULL)
    _seye_node_set_info (node, info);
  if (target->node_id != NULL)
    _seye_node_set_key (node, target->node_id);

  if (isfinite (up) && up < 1)
    {
      _seye_node_set_error (node, _("Prometheus cannot scrape it (its “up” is 0)"));
      _seye_node_set_state (node, SEYE_NODE_STATE_OFFLINE);
      return;
    }

  if (sample == NULL)
    {
      _seye_node_set_error (node, _("Prometheus has none of node_exporter’s metrics for it"));
      _seye_node_set_state (node, SEYE_NODE_STATE_NOT_RESPONDING);
      return;
    }

  _seye_node_add_sample (node, sample);
  _seye_node_set_last_seen (node, isfinite (age) && age > 0 ? time_ms - (gint64) (age * 1000) : time_ms);

  if (isfinite (age) && age > STALE_SCRAPES * self->scrape_interval)
    {
      g_autofree char *message = g_strdup_printf (_("Prometheus last scraped it %.0f s ago"), age);

      _seye_node_set_error (node, message);
      _seye_node_set_state (node, SEYE_NODE_STATE_STALE);
      return;
    }

  _seye_node_set_error (node, NULL);
  _seye_node_set_state (node, SEYE_NODE_STATE_ONLINE);
}

/* A node the last answer did not have (or no answer came). */
static gboolean
miss_node (SeyePrometheusSource *self,
           SeyeNode             *node)
{
  guint missed = GPOINTER_TO_UINT (g_hash_table_lookup (self->missing, node)) + 1;

  g_hash_table_insert (self->missing, node, GUINT_TO_POINTER (missed));

  _seye_node_set_error (node, self->status_message != NULL
                                ? self->status_message
                                : _("no longer in Prometheus’ answers"));
  if (missed >= OFFLINE_REFRESHES)
    _seye_node_set_state (node, SEYE_NODE_STATE_OFFLINE);
  else if (missed >= STALE_REFRESHES && seye_node_get_state (node) == SEYE_NODE_STATE_ONLINE)
    _seye_node_set_state (node, SEYE_NODE_STATE_STALE);

  return missed >= FORGET_REFRESHES;
}

static void
set_truncated (SeyePrometheusSource *self,
               gboolean              truncated)
{
  if (self->truncated == truncated)
    return;

  self->truncated = truncated;
  if (truncated)
    g_message ("Prometheus at %s has more than %u targets: the others are left out",
               self->url, SEYE_PROMETHEUS_MAX_NODES);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TRUNCATED]);
}

/**
 * _seye_prometheus_source_apply:
 *
 * The nodes as @refresh says they are: new instances become nodes (up to the
 * limit), known ones are updated, the others are missed.
 */
void
_seye_prometheus_source_apply (SeyePrometheusSource *self,
                               PromRefresh          *refresh)
{
  g_autoptr (GPtrArray) forget = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer key;
  gpointer value;
  gboolean truncated = refresh->truncated;

  g_hash_table_iter_init (&iter, refresh->targets);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      SeyeNode *node = g_hash_table_lookup (self->nodes, key);

      if (node == NULL)
        node = add_node (self, value);
      if (node == NULL)
        truncated = TRUE;
      else
        update_node (self, node, value, refresh->time_ms);
    }

  g_hash_table_iter_init (&iter, self->nodes);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (!g_hash_table_contains (refresh->targets, key) && miss_node (self, value))
      g_ptr_array_add (forget, g_strdup (key));

  for (guint i = 0; i < forget->len; i++)
    forget_node (self, forget->pdata[i]);

  if (refresh->dropped > 0)
    g_debug ("Prometheus at %s: %u series left out (no instance, not a number, over a limit)",
             self->url, refresh->dropped);

  set_truncated (self, truncated);

  /* The new nodes' recent history (seye-prometheus-source-fill.c). */
  _seye_prometheus_source_fill (self);
}

/* Refresh timer ------------------------------------------------------------ */

static double
period (SeyePrometheusSource *self)
{
  return MAX (self->scrape_interval, self->interval);
}

static gboolean
timer_cb (gpointer data)
{
  SeyePrometheusSource *self = data;

  self->timer_id = 0;
  _seye_prometheus_source_refresh (self);

  return G_SOURCE_REMOVE;
}

/* A refresh ended, whatever came of it: the next one in a scrape interval. */
void
_seye_prometheus_source_refreshed (SeyePrometheusSource *self)
{
  self->refreshes++;

  g_clear_handle_id (&self->timer_id, g_source_remove);
  if (self->started)
    self->timer_id = g_timeout_add ((guint) (period (self) * 1000), timer_cb, self);
}

/* SeyeSource --------------------------------------------------------------- */

static void
seye_prometheus_source_start (SeyeSource *source)
{
  SeyePrometheusSource *self = SEYE_PROMETHEUS_SOURCE (source);

  if (self->started)
    return;

  self->started = TRUE;
  _seye_prometheus_source_refresh (self);
}

static void
seye_prometheus_source_stop (SeyeSource *source)
{
  SeyePrometheusSource *self = SEYE_PROMETHEUS_SOURCE (source);

  self->started = FALSE;
  self->refreshing = FALSE;
  g_clear_handle_id (&self->timer_id, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_cancellable_cancel (self->fill_cancellable);
  g_clear_object (&self->fill_cancellable);
}

static void
seye_prometheus_source_poll_now (SeyeSource *source)
{
  SeyePrometheusSource *self = SEYE_PROMETHEUS_SOURCE (source);

  if (self->started)
    _seye_prometheus_source_refresh (self);
}

static void
seye_prometheus_source_set_interval (SeyeSource *source,
                                     double      seconds)
{
  SEYE_PROMETHEUS_SOURCE (source)->interval = CLAMP (seconds, 0.1, 3600);
}

/**
 * _seye_prometheus_source_find_instance:
 *
 * Returns: (nullable): the instance @node is, NULL when it is not this source's.
 */
const char *
_seye_prometheus_source_find_instance (SeyePrometheusSource *self,
                                       SeyeNode             *node)
{
  GHashTableIter iter;
  gpointer key;
  gpointer value;

  g_hash_table_iter_init (&iter, self->nodes);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (value == node)
      return key;

  return NULL;
}

static void
seye_prometheus_source_remove_node (SeyeSource *source,
                                    SeyeNode   *node)
{
  SeyePrometheusSource *self = SEYE_PROMETHEUS_SOURCE (source);
  g_autofree char *instance = g_strdup (_seye_prometheus_source_find_instance (self, node));

  if (instance != NULL)
    forget_node (self, instance);
}

static void
seye_prometheus_source_set_fetch_history (SeyeSource *source,
                                          gboolean    fetch_history)
{
  SeyePrometheusSource *self = SEYE_PROMETHEUS_SOURCE (source);

  self->fetch_history = !!fetch_history;
  if (!self->fetch_history)
    g_queue_clear_full (self->unfilled, g_free);
}

static const char *
seye_prometheus_source_get_display_name (SeyeSource *source)
{
  return "Prometheus";
}

static void
source_iface_init (SeyeSourceInterface *iface)
{
  iface->start = seye_prometheus_source_start;
  iface->stop = seye_prometheus_source_stop;
  iface->poll_now = seye_prometheus_source_poll_now;
  iface->set_interval = seye_prometheus_source_set_interval;
  iface->remove_node = seye_prometheus_source_remove_node;
  /* Processes and actions: not available from Prometheus (left unset). */
  iface->fetch_range = _seye_prometheus_source_fetch_range;
  iface->fetch_range_finish = _seye_prometheus_source_fetch_range_finish;
  iface->get_display_name = seye_prometheus_source_get_display_name;
  iface->set_fetch_history = seye_prometheus_source_set_fetch_history;
}

/* GObject ------------------------------------------------------------------ */

static void
seye_prometheus_source_dispose (GObject *object)
{
  SeyePrometheusSource *self = SEYE_PROMETHEUS_SOURCE (object);

  seye_prometheus_source_stop (SEYE_SOURCE (self));
  g_clear_pointer (&self->missing, g_hash_table_unref);
  g_clear_pointer (&self->nodes, g_hash_table_unref);
  if (self->unfilled != NULL)
    g_queue_free_full (g_steal_pointer (&self->unfilled), g_free);
  if (self->session != NULL)
    soup_session_abort (self->session);
  g_clear_object (&self->session);
  g_clear_object (&self->pinned);

  G_OBJECT_CLASS (seye_prometheus_source_parent_class)->dispose (object);
}

static void
seye_prometheus_source_finalize (GObject *object)
{
  SeyePrometheusSource *self = SEYE_PROMETHEUS_SOURCE (object);

  g_free (self->url);
  g_free (self->authorization);
  g_free (self->status_message);

  G_OBJECT_CLASS (seye_prometheus_source_parent_class)->finalize (object);
}

static void
seye_prometheus_source_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  SeyePrometheusSource *self = SEYE_PROMETHEUS_SOURCE (object);

  switch (prop_id)
    {
    case PROP_URL:
      g_value_set_string (value, self->url);
      break;
    case PROP_STATUS:
      g_value_set_enum (value, self->status);
      break;
    case PROP_STATUS_MESSAGE:
      g_value_set_string (value, self->status_message);
      break;
    case PROP_SCRAPE_INTERVAL:
      g_value_set_double (value, self->scrape_interval);
      break;
    case PROP_TRUNCATED:
      g_value_set_boolean (value, self->truncated);
      break;
    case PROP_TIMEOUT:
      g_value_set_double (value, self->timeout);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
seye_prometheus_source_set_property (GObject      *object,
                                     guint         prop_id,
                                     const GValue *value,
                                     GParamSpec   *pspec)
{
  SeyePrometheusSource *self = SEYE_PROMETHEUS_SOURCE (object);

  switch (prop_id)
    {
    case PROP_URL:
      self->url = g_value_dup_string (value);
      break;
    case PROP_TIMEOUT:
      seye_prometheus_source_set_timeout (self, g_value_get_double (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
seye_prometheus_source_class_init (SeyePrometheusSourceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = seye_prometheus_source_dispose;
  object_class->finalize = seye_prometheus_source_finalize;
  object_class->get_property = seye_prometheus_source_get_property;
  object_class->set_property = seye_prometheus_source_set_property;

  properties[PROP_URL] =
    g_param_spec_string ("url", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATUS] =
    g_param_spec_enum ("status", NULL, NULL, SEYE_TYPE_PROMETHEUS_STATUS,
                       SEYE_PROMETHEUS_STATUS_CONNECTING, ro);
  properties[PROP_STATUS_MESSAGE] =
    g_param_spec_string ("status-message", NULL, NULL, NULL, ro);
  properties[PROP_SCRAPE_INTERVAL] =
    g_param_spec_double ("scrape-interval", NULL, NULL, 0.1, 3600,
                         SEYE_PROMETHEUS_DEFAULT_SCRAPE_INTERVAL, ro);
  properties[PROP_TRUNCATED] =
    g_param_spec_boolean ("truncated", NULL, NULL, FALSE, ro);
  properties[PROP_TIMEOUT] =
    g_param_spec_double ("timeout", NULL, NULL, 0.1, 600, 10, rw);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
seye_prometheus_source_init (SeyePrometheusSource *self)
{
  self->nodes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->missing = g_hash_table_new (NULL, NULL);
  self->unfilled = g_queue_new ();
  self->fetch_history = TRUE;
  self->scrape_interval = SEYE_PROMETHEUS_DEFAULT_SCRAPE_INTERVAL;
  self->interval = 1.0;
  self->timeout = 10;
  self->session = soup_session_new_with_options ("max-conns", 16, "max-conns-per-host", 8, NULL);
}

/* Public API --------------------------------------------------------------- */

/**
 * seye_prometheus_source_new:
 * @url: the server, "http(s)://host:port" with any path prefix it is served
 *   under; a user and password in it are taken as basic auth
 *
 * Returns: (transfer full) (nullable): the source, not started (a monitor
 *   starts it); %NULL with SEYE_ERROR_CONFIG when @url is not an http(s) URL.
 */
SeyePrometheusSource *
seye_prometheus_source_new (const char  *url,
                            GError     **error)
{
  g_autoptr (GUri) uri = NULL;
  g_autoptr (GUri) bare = NULL;
  g_autofree char *text = NULL;
  SeyePrometheusSource *self;
  const char *scheme;

  g_return_val_if_fail (url != NULL, NULL);

  uri = g_uri_parse (url, G_URI_FLAGS_HAS_PASSWORD | G_URI_FLAGS_ENCODED, NULL);
  scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  if (uri == NULL || g_uri_get_host (uri) == NULL || g_uri_get_host (uri)[0] == '\0' ||
      (g_strcmp0 (scheme, "http") != 0 && g_strcmp0 (scheme, "https") != 0) ||
      g_uri_get_query (uri) != NULL || g_uri_get_fragment (uri) != NULL)
    {
      g_autofree char *shown = seye_sanitize_display (url);

      g_set_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG,
                   _("“%s” is not the address of a Prometheus server: give http://HOST:PORT or https://HOST:PORT"),
                   shown);
      return NULL;
    }

  bare = g_uri_build (G_URI_FLAGS_ENCODED, scheme, NULL, g_uri_get_host (uri), g_uri_get_port (uri),
                      g_uri_get_path (uri), NULL, NULL);
  text = g_uri_to_string (bare);
  while (g_str_has_suffix (text, "/"))
    text[strlen (text) - 1] = '\0';

  self = g_object_new (SEYE_TYPE_PROMETHEUS_SOURCE, "url", text, NULL);
  if (g_uri_get_user (uri) != NULL)
    {
      g_autofree char *user = g_uri_unescape_string (g_uri_get_user (uri), NULL);
      g_autofree char *password = g_uri_get_password (uri) != NULL
                                    ? g_uri_unescape_string (g_uri_get_password (uri), NULL) : NULL;

      seye_prometheus_source_set_basic_auth (self, user, password);
    }
  _seye_prometheus_source_set_status (self, SEYE_PROMETHEUS_STATUS_CONNECTING, NULL);

  return self;
}

/**
 * seye_prometheus_source_get_url:
 *
 * Returns: the server's URL, without credentials (safe to show once sanitised).
 */
const char *
seye_prometheus_source_get_url (SeyePrometheusSource *self)
{
  g_return_val_if_fail (SEYE_IS_PROMETHEUS_SOURCE (self), NULL);

  return self->url;
}

/**
 * seye_prometheus_source_set_basic_auth:
 * @user: (nullable): %NULL for none
 * @password: (nullable): its password
 *
 * Sends HTTP basic auth with every request from now on (replaces a token).
 */
void
seye_prometheus_source_set_basic_auth (SeyePrometheusSource *self,
                                       const char           *user,
                                       const char           *password)
{
  g_autofree char *pair = NULL;
  g_autofree char *encoded = NULL;

  g_return_if_fail (SEYE_IS_PROMETHEUS_SOURCE (self));

  g_clear_pointer (&self->authorization, g_free);
  if (user == NULL)
    return;

  pair = g_strconcat (user, ":", password != NULL ? password : "", NULL);
  encoded = g_base64_encode ((const guchar *) pair, strlen (pair));
  self->authorization = g_strconcat ("Basic ", encoded, NULL);
}

/**
 * seye_prometheus_source_set_bearer_token:
 * @token: (nullable): %NULL for none
 *
 * Sends "Authorization: Bearer @token" with every request from now on
 * (replaces basic auth).
 */
void
seye_prometheus_source_set_bearer_token (SeyePrometheusSource *self,
                                         const char           *token)
{
  g_return_if_fail (SEYE_IS_PROMETHEUS_SOURCE (self));

  g_clear_pointer (&self->authorization, g_free);
  if (token != NULL)
    self->authorization = g_strconcat ("Bearer ", token, NULL);
}

/**
 * seye_prometheus_source_set_tls_certificate:
 * @certificate: (nullable): the only certificate accepted; %NULL: the system's CAs decide
 */
void
seye_prometheus_source_set_tls_certificate (SeyePrometheusSource *self,
                                            GTlsCertificate      *certificate)
{
  g_return_if_fail (SEYE_IS_PROMETHEUS_SOURCE (self));

  g_set_object (&self->pinned, certificate);
}

/**
 * seye_prometheus_source_set_tls_certificate_file:
 * @path: a PEM file with the server's certificate
 *
 * Returns: %FALSE with @error when the file holds no certificate.
 */
gboolean
seye_prometheus_source_set_tls_certificate_file (SeyePrometheusSource  *self,
                                                 const char            *path,
                                                 GError               **error)
{
  g_autoptr (GTlsCertificate) certificate = NULL;
  g_autoptr (GError) local = NULL;

  g_return_val_if_fail (SEYE_IS_PROMETHEUS_SOURCE (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  certificate = g_tls_certificate_new_from_file (path, &local);
  if (certificate == NULL)
    {
      g_autofree char *shown = seye_sanitize_display (path);

      g_set_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG,
                   _("%s holds no certificate to pin (a PEM file is needed): %s"), shown, local->message);
      return FALSE;
    }

  seye_prometheus_source_set_tls_certificate (self, certificate);

  return TRUE;
}

void
seye_prometheus_source_set_timeout (SeyePrometheusSource *self,
                                    double                seconds)
{
  g_return_if_fail (SEYE_IS_PROMETHEUS_SOURCE (self));

  seconds = CLAMP (seconds, 0.1, 600);
  if (self->timeout == seconds)
    return;

  self->timeout = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIMEOUT]);
}

SeyePrometheusStatus
seye_prometheus_source_get_status (SeyePrometheusSource *self)
{
  g_return_val_if_fail (SEYE_IS_PROMETHEUS_SOURCE (self), SEYE_PROMETHEUS_STATUS_ERROR);

  return self->status;
}

/**
 * seye_prometheus_source_get_status_message:
 *
 * Returns: (nullable): how the server is, in words, sanitised ("Prometheus at
 *   … not reachable: …"); %NULL while its last refresh answered.
 */
const char *
seye_prometheus_source_get_status_message (SeyePrometheusSource *self)
{
  g_return_val_if_fail (SEYE_IS_PROMETHEUS_SOURCE (self), NULL);

  return self->status_message;
}

/**
 * seye_prometheus_source_get_scrape_interval:
 *
 * Returns: the server's global scrape_interval in seconds, the refresh period
 *   (%SEYE_PROMETHEUS_DEFAULT_SCRAPE_INTERVAL until it said, or when it does not).
 */
double
seye_prometheus_source_get_scrape_interval (SeyePrometheusSource *self)
{
  g_return_val_if_fail (SEYE_IS_PROMETHEUS_SOURCE (self), SEYE_PROMETHEUS_DEFAULT_SCRAPE_INTERVAL);

  return self->scrape_interval;
}

/**
 * seye_prometheus_source_get_truncated:
 *
 * Returns: %TRUE when the server has more targets than %SEYE_PROMETHEUS_MAX_NODES
 *   and the others were left out.
 */
gboolean
seye_prometheus_source_get_truncated (SeyePrometheusSource *self)
{
  g_return_val_if_fail (SEYE_IS_PROMETHEUS_SOURCE (self), FALSE);

  return self->truncated;
}

/**
 * seye_prometheus_source_get_requests_sent:
 *
 * Returns: how many requests went to the server so far (a refresh sends the
 *   same few, whatever the number of nodes).
 */
guint64
seye_prometheus_source_get_requests_sent (SeyePrometheusSource *self)
{
  g_return_val_if_fail (SEYE_IS_PROMETHEUS_SOURCE (self), 0);

  return self->requests_sent;
}

/**
 * seye_prometheus_source_get_refreshes:
 *
 * Returns: how many refreshes ended so far, answered or not.
 */
guint64
seye_prometheus_source_get_refreshes (SeyePrometheusSource *self)
{
  g_return_val_if_fail (SEYE_IS_PROMETHEUS_SOURCE (self), 0);

  return self->refreshes;
}

/**
 * seye_prometheus_source_get_fills_sent:
 *
 * Returns: how many of the requests sent read new nodes' recent history: one
 *   query_range per batch of new nodes, once per node, never per refresh.
 */
guint64
seye_prometheus_source_get_fills_sent (SeyePrometheusSource *self)
{
  g_return_val_if_fail (SEYE_IS_PROMETHEUS_SOURCE (self), 0);

  return self->fills_sent;
}
