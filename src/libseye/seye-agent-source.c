/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-agent-source"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "seye-address.h"
#include "seye-agent-source-private.h"
#include "seye-clock.h"
#include "seye-sanitize.h"

#define HOUSEKEEPING_S     1

enum {
  PROP_0,
  PROP_GRACE_TIME,
  PROP_DISCOVERY,
  PROP_DISCOVERY_AVAILABLE,
  PROP_DISCOVERY_STATUS,
  PROP_FETCH_HISTORY,
  PROP_DISCOVERY_FULL,
  PROP_STREAM,
  PROP_STREAMS_LIMITED,
  PROP_DISCOVERY_NOTICE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void source_iface_init (SeyeSourceInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (SeyeAgentSource, seye_agent_source, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (SEYE_TYPE_SOURCE, source_iface_init))

/* Peers -------------------------------------------------------------------- */

SeyeAgentPeer *
_seye_agent_source_find_peer (SeyeAgentSource *self,
                              SeyeNode        *node)
{
  for (guint i = 0; i < self->peers->len; i++)
    {
      SeyeAgentPeer *peer = self->peers->pdata[i];

      if (peer->node == node)
        return peer;
    }

  return NULL;
}

/* A node of this source and its connection; listed by _seye_agent_source_add_peer(). */
SeyeAgentPeer *
_seye_agent_source_new_peer (SeyeAgentSource *self,
                             const char      *key,
                             const char      *name,
                             gboolean         manual)
{
  g_autoptr (SeyeNode) node = _seye_node_new (key, name, manual, self->interval);

  return seye_agent_peer_new (node, G_OBJECT (self));
}

/* Takes @peer (full). */
void
_seye_agent_source_add_peer (SeyeAgentSource *self,
                             SeyeAgentPeer   *peer)
{
  g_ptr_array_add (self->peers, peer);
  g_hash_table_insert (self->by_key, (char *) seye_node_get_key (peer->node), peer);
  seye_source_node_added (SEYE_SOURCE (self), peer->node);

  if (self->started)
    _seye_agent_source_schedule_poll (self, peer, 0);
}

void
_seye_agent_source_rekey (SeyeAgentSource *self,
                          SeyeAgentPeer   *peer,
                          const char      *key)
{
  const char *old = seye_node_get_key (peer->node);

  if (g_hash_table_lookup (self->by_key, old) == peer)
    g_hash_table_remove (self->by_key, old);
  _seye_node_set_key (peer->node, key);
  g_hash_table_insert (self->by_key, (char *) seye_node_get_key (peer->node), peer);
}

void
_seye_agent_source_remove_peer (SeyeAgentSource *self,
                                SeyeAgentPeer   *peer)
{
  g_autoptr (SeyeAgentPeer) hold = NULL;
  SeyeNode *node = peer->node;
  GHashTableIter iter;
  gpointer key;
  guint index;

  if (!g_ptr_array_find (self->peers, peer, &index))
    return;

  hold = g_object_ref (peer);
  seye_agent_peer_cancel (peer);
  peer->source = NULL;

  g_hash_table_iter_init (&iter, peer->services);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (g_hash_table_lookup (self->service_owner, key) == peer)
      g_hash_table_remove (self->service_owner, key);

  if (g_hash_table_lookup (self->by_key, seye_node_get_key (node)) == peer)
    g_hash_table_remove (self->by_key, seye_node_get_key (node));

  g_ptr_array_remove_index (self->peers, index);
  seye_source_node_removed (SEYE_SOURCE (self), node);

  /* One claimant fewer. */
  if (seye_node_get_conflict (node) != NULL)
    _seye_agent_source_update_conflicts (self, seye_node_get_info (node) != NULL
                                                 ? seye_node_get_info (node)->node_id
                                                 : seye_node_get_key (node));
}

/* Folds @from into @into: both turned out to be the same machine (node id). */
void
_seye_agent_source_merge (SeyeAgentSource *self,
                          SeyeAgentPeer   *into,
                          SeyeAgentPeer   *from)
{
  GHashTableIter iter;
  gpointer key;
  gpointer value;

  g_debug ("“%s” at %s is node “%s”: merging", seye_node_get_key (from->node),
           seye_node_get_address (from->node) ? seye_node_get_address (from->node) : "?",
           seye_node_get_key (into->node));

  g_hash_table_iter_init (&iter, from->services);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_hash_table_insert (into->services, g_strdup (key), seye_service_info_copy (value));
      g_hash_table_insert (self->service_owner, g_strdup (key), into);
      into->gone_since = 0;
    }
  g_hash_table_remove_all (from->services);

  if (seye_node_get_pinned (from->node))
    seye_node_set_pinned (into->node, TRUE);

  if (seye_node_get_manual (from->node) || seye_node_get_state (into->node) != SEYE_NODE_STATE_ONLINE)
    {
      gboolean manual = seye_node_get_manual (from->node) || seye_node_get_manual (into->node);

      /* The address that just answered is the one to keep. */
      _seye_node_set_manual (into->node, FALSE);
      _seye_agent_source_set_endpoint (self, into, from->host, from->port,
                                       seye_node_get_tls (from->node), NULL);
      _seye_node_set_manual (into->node, manual);
    }

  _seye_agent_source_remove_peer (self, from);
}

/* Discovery ---------------------------------------------------------------- */

static void
service_resolved_cb (SeyeAgentSource *self,
                     SeyeServiceInfo *info)
{
  seye_agent_source_add_service (self, info);
}

static void
service_removed_cb (SeyeAgentSource *self,
                    const char      *key)
{
  seye_agent_source_remove_service (self, key);
}

static void
browser_notify_cb (SeyeAgentSource *self,
                   GParamSpec      *pspec)
{
  if (g_str_equal (pspec->name, "available"))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISCOVERY_AVAILABLE]);
  else if (g_str_equal (pspec->name, "limit-message"))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISCOVERY_NOTICE]);
  else
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISCOVERY_STATUS]);
}

static void
start_discovery (SeyeAgentSource *self)
{
  if (self->browser != NULL)
    return;

  self->browser = seye_browser_new ();
  g_signal_connect_object (self->browser, "service-resolved",
                           G_CALLBACK (service_resolved_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->browser, "service-removed",
                           G_CALLBACK (service_removed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->browser, "notify::available",
                           G_CALLBACK (browser_notify_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->browser, "notify::status-message",
                           G_CALLBACK (browser_notify_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->browser, "notify::limit-message",
                           G_CALLBACK (browser_notify_cb), self, G_CONNECT_SWAPPED);
  seye_browser_start (self->browser);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISCOVERY_AVAILABLE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISCOVERY_STATUS]);
}

static void
stop_discovery (SeyeAgentSource *self)
{
  g_autoptr (GPtrArray) keys = NULL;
  GHashTableIter iter;
  gpointer key;

  if (self->browser == NULL)
    return;

  g_signal_handlers_disconnect_by_data (self->browser, self);
  g_clear_object (&self->browser);

  /* What mDNS told us no longer holds. */
  keys = g_ptr_array_new_with_free_func (g_free);
  g_hash_table_iter_init (&iter, self->service_owner);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (keys, g_strdup (key));
  for (guint i = 0; i < keys->len; i++)
    seye_agent_source_remove_service (self, keys->pdata[i]);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISCOVERY_AVAILABLE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISCOVERY_STATUS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISCOVERY_NOTICE]);
}

/* Whether @peer's node has been gone long enough to leave the list. */
static gboolean
peer_expired (SeyeAgentSource *self,
              SeyeAgentPeer   *peer,
              gint64           now,
              gint64           now_ms)
{
  SeyeNode *node = peer->node;
  SeyeNodeState state = seye_node_get_state (node);
  gint64 last_seen = seye_node_get_last_seen (node);

  if (seye_node_get_manual (node) || seye_node_get_pinned (node) || peer->gone_since == 0 ||
      g_hash_table_size (peer->services) > 0 ||
      (state != SEYE_NODE_STATE_OFFLINE && state != SEYE_NODE_STATE_LEFT &&
       state != SEYE_NODE_STATE_INCOMPATIBLE))
    return FALSE;

  /* Gone from mDNS for the grace time: one that never answered goes then. */
  if ((now - peer->gone_since) / (double) G_USEC_PER_SEC < self->grace_time)
    return FALSE;
  if (last_seen == 0)
    return TRUE;

  /* One that answered stays for the keep-offline time (0: until removed). */
  return self->keep_offline > 0 && (now_ms - last_seen) / 1000.0 >= self->keep_offline;
}

static gboolean
housekeeping_cb (gpointer data)
{
  SeyeAgentSource *self = data;
  gint64 now = seye_clock_get_monotonic_us ();
  gint64 now_ms = seye_clock_get_real_ms ();

  for (guint i = 0; i < self->peers->len; i++)
    _seye_agent_source_check_waiting (self, self->peers->pdata[i], g_get_monotonic_time ());

  _seye_agent_source_update_turns (self);

  for (guint i = 0; i < self->peers->len; i++)
    _seye_agent_source_vet_endpoints (self, self->peers->pdata[i]);

  for (guint i = self->peers->len; i > 0; i--)
    {
      SeyeAgentPeer *peer = self->peers->pdata[i - 1];

      if (peer_expired (self, peer, now, now_ms))
        {
          g_debug ("node “%s” gone from mDNS and offline for the keep-offline time: removing it",
                   seye_node_get_key (peer->node));
          _seye_agent_source_remove_peer (self, peer);
        }
    }

  return G_SOURCE_CONTINUE;
}

/* SeyeSource --------------------------------------------------------------- */

static void
seye_agent_source_start (SeyeSource *source)
{
  SeyeAgentSource *self = SEYE_AGENT_SOURCE (source);

  if (self->started)
    return;

  self->started = TRUE;
  _seye_agent_source_plan_connections (self);

  if (self->discovery)
    start_discovery (self);

  for (guint i = 0; i < self->peers->len; i++)
    _seye_agent_source_schedule_poll (self, self->peers->pdata[i], 0);

  /* A seconds timer: it fires with the stream pump and the GUI's ticker. */
  self->housekeeping_id = g_timeout_add_seconds (HOUSEKEEPING_S, housekeeping_cb, self);
}

static void
seye_agent_source_stop (SeyeSource *source)
{
  SeyeAgentSource *self = SEYE_AGENT_SOURCE (source);

  if (!self->started)
    return;

  self->started = FALSE;
  g_clear_handle_id (&self->housekeeping_id, g_source_remove);
  stop_discovery (self);

  for (guint i = 0; i < self->peers->len; i++)
    seye_agent_peer_cancel (self->peers->pdata[i]);
  _seye_agent_source_clear_waiting (self);

  /* Every stream is cancelled now: let them go. */
  _seye_agent_source_stop_pump (self);
  _seye_agent_source_drain_streams (self);
}

static void
seye_agent_source_poll_now (SeyeSource *source)
{
  SeyeAgentSource *self = SEYE_AGENT_SOURCE (source);

  if (!self->started)
    return;

  for (guint i = 0; i < self->peers->len; i++)
    {
      SeyeAgentPeer *peer = self->peers->pdata[i];

      if (!peer->in_flight)
        _seye_agent_source_poll (self, peer);
    }
}

static void
seye_agent_source_set_interval (SeyeSource *source,
                                double      seconds)
{
  SeyeAgentSource *self = SEYE_AGENT_SOURCE (source);

  if (self->interval == seconds)
    return;

  self->interval = seconds;
  _seye_agent_source_stop_pump (self);
  _seye_agent_source_restart_streams (self);
  if (self->streams->len > 0)
    _seye_agent_source_start_pump (self);
}

static void
seye_agent_source_remove_node (SeyeSource *source,
                               SeyeNode   *node)
{
  SeyeAgentSource *self = SEYE_AGENT_SOURCE (source);
  SeyeAgentPeer *peer = _seye_agent_source_find_peer (self, node);

  if (peer != NULL)
    _seye_agent_source_remove_peer (self, peer);
}

static void
seye_agent_source_fetch_history_changed (SeyeSource *source,
                                         gboolean    fetch_history)
{
  seye_agent_source_set_fetch_history (SEYE_AGENT_SOURCE (source), fetch_history);
}

static void
source_iface_init (SeyeSourceInterface *iface)
{
  iface->start = seye_agent_source_start;
  iface->stop = seye_agent_source_stop;
  iface->poll_now = seye_agent_source_poll_now;
  iface->set_interval = seye_agent_source_set_interval;
  iface->remove_node = seye_agent_source_remove_node;
  iface->set_fetch_history = seye_agent_source_fetch_history_changed;
  _seye_agent_source_init_asks (iface);
}

/* GObject ------------------------------------------------------------------ */

static void
seye_agent_source_dispose (GObject *object)
{
  SeyeAgentSource *self = SEYE_AGENT_SOURCE (object);

  g_clear_handle_id (&self->housekeeping_id, g_source_remove);

  if (self->browser != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->browser, self);
      g_clear_object (&self->browser);
    }

  for (guint i = 0; self->peers != NULL && i < self->peers->len; i++)
    {
      SeyeAgentPeer *peer = self->peers->pdata[i];

      seye_agent_peer_cancel (peer);
      peer->source = NULL;
    }

  _seye_agent_source_stop_pump (self);
  _seye_agent_source_clear_waiting (self);
  while (self->streams != NULL && self->streams->len > 0)
    _seye_agent_request_free (g_ptr_array_steal_index_fast (self->streams, self->streams->len - 1));

  if (self->session != NULL)
    soup_session_abort (self->session);
  g_clear_object (&self->session);
  if (self->stream_session != NULL)
    soup_session_abort (self->stream_session);
  g_clear_object (&self->stream_session);
  if (self->run_session != NULL)
    soup_session_abort (self->run_session);
  g_clear_object (&self->run_session);

  if (self->credentials != NULL)
    g_signal_handlers_disconnect_by_data (self->credentials, self);
  g_clear_object (&self->credentials);

  G_OBJECT_CLASS (seye_agent_source_parent_class)->dispose (object);
}

static void
seye_agent_source_finalize (GObject *object)
{
  SeyeAgentSource *self = SEYE_AGENT_SOURCE (object);

  g_clear_pointer (&self->by_key, g_hash_table_unref);
  g_clear_pointer (&self->service_owner, g_hash_table_unref);
  g_clear_pointer (&self->peers, g_ptr_array_unref);
  g_clear_pointer (&self->streams, g_ptr_array_unref);

  G_OBJECT_CLASS (seye_agent_source_parent_class)->finalize (object);
}

static void
seye_agent_source_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  SeyeAgentSource *self = SEYE_AGENT_SOURCE (object);

  switch (prop_id)
    {
    case PROP_GRACE_TIME:
      g_value_set_double (value, self->grace_time);
      break;

    case PROP_DISCOVERY:
      g_value_set_boolean (value, self->discovery);
      break;

    case PROP_DISCOVERY_AVAILABLE:
      g_value_set_boolean (value, seye_agent_source_get_discovery_available (self));
      break;

    case PROP_DISCOVERY_STATUS:
      g_value_set_string (value, seye_agent_source_get_discovery_status (self));
      break;

    case PROP_FETCH_HISTORY:
      g_value_set_boolean (value, self->fetch_history);
      break;

    case PROP_DISCOVERY_FULL:
      g_value_set_boolean (value, self->discovery_full);
      break;

    case PROP_STREAMS_LIMITED:
      g_value_set_boolean (value, self->said_budget);
      break;

    case PROP_STREAM:
      g_value_set_boolean (value, self->stream);
      break;

    case PROP_DISCOVERY_NOTICE:
      g_value_set_string (value, seye_agent_source_get_discovery_notice (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
seye_agent_source_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  SeyeAgentSource *self = SEYE_AGENT_SOURCE (object);

  switch (prop_id)
    {
    case PROP_GRACE_TIME:
      seye_agent_source_set_grace_time (self, g_value_get_double (value));
      break;

    case PROP_DISCOVERY:
      seye_agent_source_set_discovery (self, g_value_get_boolean (value));
      break;

    case PROP_FETCH_HISTORY:
      seye_agent_source_set_fetch_history (self, g_value_get_boolean (value));
      break;

    case PROP_STREAM:
      seye_agent_source_set_stream (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
seye_agent_source_class_init (SeyeAgentSourceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = seye_agent_source_dispose;
  object_class->finalize = seye_agent_source_finalize;
  object_class->get_property = seye_agent_source_get_property;
  object_class->set_property = seye_agent_source_set_property;

  properties[PROP_GRACE_TIME] =
    g_param_spec_double ("grace-time", NULL, NULL, 0, G_MAXDOUBLE, 300, rw);
  properties[PROP_DISCOVERY] =
    g_param_spec_boolean ("discovery", NULL, NULL, FALSE, rw);
  properties[PROP_DISCOVERY_AVAILABLE] =
    g_param_spec_boolean ("discovery-available", NULL, NULL, FALSE, ro);
  properties[PROP_DISCOVERY_STATUS] =
    g_param_spec_string ("discovery-status", NULL, NULL, NULL, ro);
  properties[PROP_FETCH_HISTORY] =
    g_param_spec_boolean ("fetch-history", NULL, NULL, TRUE, rw);
  properties[PROP_DISCOVERY_FULL] =
    g_param_spec_boolean ("discovery-full", NULL, NULL, FALSE, ro);
  properties[PROP_STREAMS_LIMITED] =
    g_param_spec_boolean ("streams-limited", NULL, NULL, FALSE, ro);
  properties[PROP_STREAM] =
    g_param_spec_boolean ("stream", NULL, NULL, TRUE, rw);
  properties[PROP_DISCOVERY_NOTICE] =
    g_param_spec_string ("discovery-notice", NULL, NULL, NULL, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
seye_agent_source_init (SeyeAgentSource *self)
{
  self->peers = g_ptr_array_new_with_free_func (g_object_unref);
  self->streams = g_ptr_array_new ();
  self->by_key = g_hash_table_new (g_str_hash, g_str_equal);
  self->service_owner = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->interval = 1.0;
  self->grace_time = 300;
  self->keep_offline = 7 * 24 * 3600;
  self->fetch_history = TRUE;
  self->stream = TRUE;
  self->max_discovered = MAX_DISCOVERED;

  _seye_agent_source_init_connections (self);

  self->credentials = seye_credentials_new ();
  g_signal_connect_object (self->credentials, "changed",
                           G_CALLBACK (_seye_agent_source_credentials_changed_cb), self,
                           G_CONNECT_SWAPPED);
}

/* Public API --------------------------------------------------------------- */

SeyeAgentSource *
seye_agent_source_new (void)
{
  return g_object_new (SEYE_TYPE_AGENT_SOURCE, NULL);
}

void
seye_agent_source_set_grace_time (SeyeAgentSource *self,
                                  double           seconds)
{
  g_return_if_fail (SEYE_IS_AGENT_SOURCE (self));

  seconds = MAX (seconds, 0);
  if (self->grace_time == seconds)
    return;

  self->grace_time = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GRACE_TIME]);
}

/* See seye_monitor_set_keep_offline(). */
void
seye_agent_source_set_keep_offline (SeyeAgentSource *self,
                                    double           seconds)
{
  g_return_if_fail (SEYE_IS_AGENT_SOURCE (self));

  self->keep_offline = MAX (seconds, 0);
}

double
seye_agent_source_get_grace_time (SeyeAgentSource *self)
{
  g_return_val_if_fail (SEYE_IS_AGENT_SOURCE (self), 0);

  return self->grace_time;
}

void
seye_agent_source_set_discovery (SeyeAgentSource *self,
                                 gboolean         discovery)
{
  g_return_if_fail (SEYE_IS_AGENT_SOURCE (self));

  if (self->discovery == !!discovery)
    return;

  self->discovery = !!discovery;

  if (self->started)
    {
      if (self->discovery)
        start_discovery (self);
      else
        stop_discovery (self);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISCOVERY]);
}

gboolean
seye_agent_source_get_discovery (SeyeAgentSource *self)
{
  g_return_val_if_fail (SEYE_IS_AGENT_SOURCE (self), FALSE);

  return self->discovery;
}

gboolean
seye_agent_source_get_discovery_available (SeyeAgentSource *self)
{
  g_return_val_if_fail (SEYE_IS_AGENT_SOURCE (self), FALSE);

  return self->browser != NULL && seye_browser_get_available (self->browser);
}

const char *
seye_agent_source_get_discovery_status (SeyeAgentSource *self)
{
  g_return_val_if_fail (SEYE_IS_AGENT_SOURCE (self), NULL);

  return self->browser != NULL ? seye_browser_get_status_message (self->browser) : NULL;
}

gboolean
seye_agent_source_get_discovery_full (SeyeAgentSource *self)
{
  g_return_val_if_fail (SEYE_IS_AGENT_SOURCE (self), FALSE);

  return self->discovery_full;
}

void
seye_agent_source_set_stream (SeyeAgentSource *self,
                              gboolean         stream)
{
  g_return_if_fail (SEYE_IS_AGENT_SOURCE (self));

  if (self->stream == !!stream)
    return;

  self->stream = !!stream;
  _seye_agent_source_restart_streams (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STREAM]);
}

gboolean
seye_agent_source_get_stream (SeyeAgentSource *self)
{
  g_return_val_if_fail (SEYE_IS_AGENT_SOURCE (self), FALSE);

  return self->stream;
}

void
seye_agent_source_set_fetch_history (SeyeAgentSource *self,
                                     gboolean         fetch_history)
{
  g_return_if_fail (SEYE_IS_AGENT_SOURCE (self));

  if (self->fetch_history == !!fetch_history)
    return;

  self->fetch_history = !!fetch_history;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FETCH_HISTORY]);
}

gboolean
seye_agent_source_get_fetch_history (SeyeAgentSource *self)
{
  g_return_val_if_fail (SEYE_IS_AGENT_SOURCE (self), FALSE);

  return self->fetch_history;
}

/* See seye_monitor_add_manual(). */
SeyeNode *
seye_agent_source_add_manual (SeyeAgentSource  *self,
                              const char       *host_port,
                              GError          **error)
{
  g_autofree char *host = NULL;
  g_autofree char *key = NULL;
  SeyeAgentPeer *peer;
  guint16 port;
  gboolean tls;

  g_return_val_if_fail (SEYE_IS_AGENT_SOURCE (self), NULL);
  g_return_val_if_fail (host_port != NULL, NULL);

  if (!seye_parse_node_address (host_port, &host, &port, &tls, error))
    return NULL;

  key = seye_address_format (host, port);

  for (guint i = 0; i < self->peers->len; i++)
    {
      peer = self->peers->pdata[i];
      if (g_strcmp0 (seye_node_get_address (peer->node), key) == 0)
        {
          _seye_node_set_manual (peer->node, TRUE);
          return peer->node;
        }
    }

  peer = _seye_agent_source_new_peer (self, key, NULL, TRUE);
  peer->host = g_strdup (host);
  peer->port = port;
  peer->base_uri = seye_address_base_uri (host, port, tls);
  _seye_node_set_host (peer->node, host);
  _seye_node_set_address (peer->node, key);
  _seye_node_set_tls (peer->node, tls);
  _seye_agent_source_add_peer (self, peer);

  return peer->node;
}

/* See seye_monitor_get_vetting(). */
gboolean
seye_agent_source_get_vetting (SeyeAgentSource *self)
{
  g_return_val_if_fail (SEYE_IS_AGENT_SOURCE (self), FALSE);

  for (guint i = 0; i < self->peers->len; i++)
    if (((SeyeAgentPeer *) self->peers->pdata[i])->probe != NULL)
      return TRUE;

  return FALSE;
}
