/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-monitor"

#include "config.h"

#include <string.h>

#include "seye-file-limit.h"
#include "seye-monitor-private.h"

/*
 * The monitor is the list a user sees: the nodes of its sources (SeyeSource)
 * in the order they came, one per node id, with their alerts. Where nodes come
 * from and how their samples arrive is the sources' business; the agents found
 * over mDNS and given by address are one source, SeyeAgentSource, which the
 * monitor makes itself and whose settings its own API and properties keep.
 */

enum {
  PROP_0,
  PROP_INTERVAL,
  PROP_GRACE_TIME,
  PROP_DISCOVERY,
  PROP_DISCOVERY_AVAILABLE,
  PROP_DISCOVERY_STATUS,
  PROP_ALERT_RULES,
  PROP_FETCH_HISTORY,
  PROP_DISCOVERY_FULL,
  PROP_STREAMS_LIMITED,
  PROP_STREAM,
  PROP_DISCOVERY_NOTICE,
  N_PROPS
};

enum {
  ALERT,
  ALERT_ACKNOWLEDGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (SeyeMonitor, seye_monitor, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

/* Alerts (seye-monitor-alerts.c) ------------------------------------------- */

static void
node_sample_added_cb (SeyeMonitor *self,
                      SeyeSample  *sample,
                      SeyeNode    *node)
{
  _seye_monitor_update_alerts (self, node, sample);
}

static void
node_state_cb (SeyeMonitor *self,
               GParamSpec  *pspec,
               SeyeNode    *node)
{
  Entry *entry = g_hash_table_lookup (self->entries, node);

  if (entry == NULL)
    return;

  entry->offline = seye_node_get_state (node) == SEYE_NODE_STATE_OFFLINE;
  _seye_monitor_update_alerts (self, node, NULL);
}

/* Sources' nodes (their merging: seye-monitor-merge.c) ----------------------- */

static void
node_added_cb (SeyeMonitor *self,
               SeyeNode    *node,
               SeyeSource  *source)
{
  Entry *entry;

  if (g_hash_table_contains (self->entries, node))
    return;

  entry = g_new0 (Entry, 1);
  entry->node = g_object_ref (node);
  entry->source = source;
  entry->offline = seye_node_get_state (node) == SEYE_NODE_STATE_OFFLINE;
  g_hash_table_insert (self->entries, node, entry);

  /* After the node's own handlers: an alert follows the sample it is about. */
  g_signal_connect_object (node, "sample-added", G_CALLBACK (node_sample_added_cb), self,
                           G_CONNECT_SWAPPED | G_CONNECT_AFTER);
  g_signal_connect_object (node, "notify::state", G_CALLBACK (node_state_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (node, "notify::key", G_CALLBACK (_seye_monitor_node_key_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (node, "notify::address", G_CALLBACK (_seye_monitor_node_key_cb), self,
                           G_CONNECT_SWAPPED);

  if (_seye_monitor_index_entry (self, entry))
    _seye_monitor_list_entry (self, entry);
}

static void
node_removed_cb (SeyeMonitor *self,
                 SeyeNode    *node,
                 SeyeSource  *source)
{
  Entry *entry = g_hash_table_lookup (self->entries, node);

  if (entry == NULL)
    return;

  g_signal_handlers_disconnect_by_data (node, self);
  g_hash_table_steal (self->entries, node);
  _seye_monitor_unlist_entry (self, entry);
  _seye_monitor_unindex_entry (self, entry);
  _seye_monitor_entry_free (entry);
}

/* GListModel --------------------------------------------------------------- */

static GType
seye_monitor_get_item_type (GListModel *model)
{
  return SEYE_TYPE_NODE;
}

static guint
seye_monitor_get_n_items (GListModel *model)
{
  return SEYE_MONITOR (model)->nodes->len;
}

static gpointer
seye_monitor_get_item (GListModel *model,
                       guint       position)
{
  SeyeMonitor *self = SEYE_MONITOR (model);

  if (position >= self->nodes->len)
    return NULL;

  return g_object_ref (self->nodes->pdata[position]);
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = seye_monitor_get_item_type;
  iface->get_n_items = seye_monitor_get_n_items;
  iface->get_item = seye_monitor_get_item;
}

/* GObject ------------------------------------------------------------------ */

/* The agent source's settings are the monitor's: say when they change. */
static void
agents_notify_cb (SeyeMonitor *self,
                  GParamSpec  *pspec)
{
  GParamSpec *mine = g_object_class_find_property (G_OBJECT_GET_CLASS (self), pspec->name);

  if (mine != NULL)
    g_object_notify_by_pspec (G_OBJECT (self), mine);
}

static void
seye_monitor_dispose (GObject *object)
{
  SeyeMonitor *self = SEYE_MONITOR (object);
  GHashTableIter iter;
  gpointer key;

  for (guint i = 0; self->sources != NULL && i < self->sources->len; i++)
    g_signal_handlers_disconnect_by_data (self->sources->pdata[i], self);

  if (self->entries != NULL)
    {
      g_hash_table_iter_init (&iter, self->entries);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        g_signal_handlers_disconnect_by_data (key, self);
    }

  g_clear_pointer (&self->sources, g_ptr_array_unref);
  self->agents = NULL;

  G_OBJECT_CLASS (seye_monitor_parent_class)->dispose (object);
}

static void
seye_monitor_finalize (GObject *object)
{
  SeyeMonitor *self = SEYE_MONITOR (object);

  g_clear_pointer (&self->by_key, g_hash_table_unref);
  g_clear_pointer (&self->by_address, g_hash_table_unref);
  g_clear_pointer (&self->entries, g_hash_table_unref);
  g_clear_pointer (&self->nodes, g_ptr_array_unref);

  seye_alert_rules_clear (&self->rules);
  g_clear_pointer (&self->overrides, g_variant_unref);

  G_OBJECT_CLASS (seye_monitor_parent_class)->finalize (object);
}

static void
seye_monitor_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  SeyeMonitor *self = SEYE_MONITOR (object);

  switch (prop_id)
    {
    case PROP_INTERVAL:
      g_value_set_double (value, self->interval);
      break;

    case PROP_ALERT_RULES:
      g_value_set_boxed (value, &self->rules);
      break;

    case PROP_GRACE_TIME:
    case PROP_DISCOVERY:
    case PROP_DISCOVERY_AVAILABLE:
    case PROP_DISCOVERY_STATUS:
    case PROP_FETCH_HISTORY:
    case PROP_DISCOVERY_FULL:
    case PROP_STREAMS_LIMITED:
    case PROP_STREAM:
    case PROP_DISCOVERY_NOTICE:
      g_object_get_property (G_OBJECT (self->agents), pspec->name, value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
seye_monitor_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  SeyeMonitor *self = SEYE_MONITOR (object);

  switch (prop_id)
    {
    case PROP_INTERVAL:
      seye_monitor_set_interval (self, g_value_get_double (value));
      break;

    case PROP_ALERT_RULES:
      if (g_value_get_boxed (value) != NULL)
        seye_monitor_set_alert_rules (self, g_value_get_boxed (value));
      break;

    case PROP_FETCH_HISTORY:
      seye_monitor_set_fetch_history (self, g_value_get_boolean (value));
      break;

    case PROP_GRACE_TIME:
    case PROP_DISCOVERY:
    case PROP_STREAM:
      g_object_set_property (G_OBJECT (self->agents), pspec->name, value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
seye_monitor_class_init (SeyeMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = seye_monitor_dispose;
  object_class->finalize = seye_monitor_finalize;
  object_class->get_property = seye_monitor_get_property;
  object_class->set_property = seye_monitor_set_property;

  properties[PROP_INTERVAL] =
    g_param_spec_double ("interval", NULL, NULL, 0.1, 3600, 1.0, rw);
  properties[PROP_GRACE_TIME] =
    g_param_spec_double ("grace-time", NULL, NULL, 0, G_MAXDOUBLE, 300, rw);
  properties[PROP_DISCOVERY] =
    g_param_spec_boolean ("discovery", NULL, NULL, FALSE, rw);
  properties[PROP_DISCOVERY_AVAILABLE] =
    g_param_spec_boolean ("discovery-available", NULL, NULL, FALSE, ro);
  properties[PROP_DISCOVERY_STATUS] =
    g_param_spec_string ("discovery-status", NULL, NULL, NULL, ro);
  properties[PROP_ALERT_RULES] =
    g_param_spec_boxed ("alert-rules", NULL, NULL, SEYE_TYPE_ALERT_RULES, rw);
  /**
   * SeyeMonitor:fetch-history:
   *
   * Whether a node's recent history is fetched on first contact (default %TRUE):
   * an agent's /v1/history, a Prometheus server's query_range. One-shot clients
   * that want the latest sample only turn it off.
   */
  properties[PROP_FETCH_HISTORY] =
    g_param_spec_boolean ("fetch-history", NULL, NULL, TRUE, rw);
  /**
   * SeyeMonitor:discovery-full:
   *
   * %TRUE once MAX_DISCOVERED nodes came from mDNS and more announcements
   * were ignored (a crowded or hostile network); it stays %TRUE.
   */
  properties[PROP_DISCOVERY_FULL] =
    g_param_spec_boolean ("discovery-full", NULL, NULL, FALSE, ro);
  /**
   * SeyeMonitor:streams-limited:
   *
   * %TRUE once the open-file limit left room for fewer streams than there
   * are nodes: the others are polled in turns (SeyeNode:polled-every says
   * how seldom). It stays %TRUE.
   */
  properties[PROP_STREAMS_LIMITED] =
    g_param_spec_boolean ("streams-limited", NULL, NULL, FALSE, ro);
  /**
   * SeyeMonitor:stream:
   *
   * Whether nodes that offer GET /v1/stream send their samples on it
   * (default %TRUE); otherwise, and with agents that do not, /v1/metrics is
   * polled every interval.
   */
  properties[PROP_STREAM] =
    g_param_spec_boolean ("stream", NULL, NULL, TRUE, rw);
  /**
   * SeyeMonitor:discovery-notice:
   *
   * Set once discovery reached one of avahi-daemon's limits (objects per
   * client, cache entries): which, and the setting to raise. Nodes already
   * found stay. %NULL while none was reached.
   */
  properties[PROP_DISCOVERY_NOTICE] =
    g_param_spec_string ("discovery-notice", NULL, NULL, NULL, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[ALERT] =
    g_signal_new ("alert",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3,
                  SEYE_TYPE_NODE, G_TYPE_UINT, G_TYPE_BOOLEAN);

  signals[ALERT_ACKNOWLEDGED] =
    g_signal_new ("alert-acknowledged",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2,
                  SEYE_TYPE_NODE, G_TYPE_UINT);
}

static void
seye_monitor_init (SeyeMonitor *self)
{
  self->nodes = g_ptr_array_new_with_free_func (g_object_unref);
  self->entries = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) _seye_monitor_entry_free);
  self->by_key = g_hash_table_new (g_str_hash, g_str_equal);
  self->by_address = g_hash_table_new (g_str_hash, g_str_equal);
  self->sources = g_ptr_array_new_with_free_func (g_object_unref);
  self->interval = 1.0;
  seye_alert_rules_init_defaults (&self->rules);

  self->agents = seye_agent_source_new ();
  g_signal_connect_object (self->agents, "notify", G_CALLBACK (agents_notify_cb), self,
                           G_CONNECT_SWAPPED);
  seye_monitor_add_source (self, SEYE_SOURCE (self->agents));
  g_object_unref (self->agents);
}

/* Public API --------------------------------------------------------------- */

SeyeMonitor *
seye_monitor_new (void)
{
  return g_object_new (SEYE_TYPE_MONITOR, NULL);
}

/**
 * seye_monitor_add_source:
 * @source: where more nodes come from
 *
 * Lists the nodes of @source from now on, with those of the sources added
 * before (the first is always the agents', over mDNS and by address). The same
 * machine seen through two sources (the same node id, or the same address) is
 * one row: the node of the source added first; the other waits, unlisted,
 * until that one goes (seye-monitor-merge.c). The source
 * follows the monitor's interval, and starts and stops with it.
 */
void
seye_monitor_add_source (SeyeMonitor *self,
                         SeyeSource  *source)
{
  g_return_if_fail (SEYE_IS_MONITOR (self));
  g_return_if_fail (SEYE_IS_SOURCE (source));

  if (g_ptr_array_find (self->sources, source, NULL))
    return;

  g_ptr_array_add (self->sources, g_object_ref (source));
  g_signal_connect_object (source, "node-added", G_CALLBACK (node_added_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (source, "node-removed", G_CALLBACK (node_removed_cb), self,
                           G_CONNECT_SWAPPED);
  seye_source_set_interval (source, self->interval);
  /* The agents' source says it for all. */
  seye_source_set_fetch_history (source, seye_agent_source_get_fetch_history (self->agents));
  if (self->started)
    seye_source_start (source);
}

/**
 * seye_monitor_remove_source:
 * @source: a source added with seye_monitor_add_source()
 *
 * Stops @source and takes its nodes out of the list (a node of another source
 * that waited behind one of them is listed again). The agents' source stays.
 */
void
seye_monitor_remove_source (SeyeMonitor *self,
                            SeyeSource  *source)
{
  g_autoptr (SeyeSource) held = NULL;
  g_autoptr (GPtrArray) nodes = NULL;
  GHashTableIter iter;
  gpointer key, value;
  guint index;

  g_return_if_fail (SEYE_IS_MONITOR (self));
  g_return_if_fail (SEYE_IS_SOURCE (source));

  if (source == SEYE_SOURCE (self->agents) || !g_ptr_array_find (self->sources, source, &index))
    return;

  held = g_object_ref (source);
  seye_source_stop (source);
  g_signal_handlers_disconnect_by_data (source, self);

  nodes = g_ptr_array_new_with_free_func (g_object_unref);
  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (((Entry *) value)->source == source)
      g_ptr_array_add (nodes, g_object_ref (key));

  for (guint i = 0; i < nodes->len; i++)
    node_removed_cb (self, nodes->pdata[i], source);

  g_ptr_array_remove_index (self->sources, index);
}

void
seye_monitor_set_interval (SeyeMonitor *self,
                           double       seconds)
{
  g_return_if_fail (SEYE_IS_MONITOR (self));

  seconds = CLAMP (seconds, 0.1, 3600);
  if (self->interval == seconds)
    return;

  self->interval = seconds;
  for (guint i = 0; i < self->sources->len; i++)
    seye_source_set_interval (self->sources->pdata[i], seconds);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INTERVAL]);
}

double
seye_monitor_get_interval (SeyeMonitor *self)
{
  g_return_val_if_fail (SEYE_IS_MONITOR (self), 1.0);

  return self->interval;
}

void
seye_monitor_set_grace_time (SeyeMonitor *self,
                             double       seconds)
{
  g_return_if_fail (SEYE_IS_MONITOR (self));

  seye_agent_source_set_grace_time (self->agents, seconds);
}

/**
 * seye_monitor_set_keep_offline:
 * @seconds: how long a node that answered once stays listed after it went
 *   offline or left the network; 0 keeps it until it is removed
 *
 * Pinned nodes and nodes added by hand never leave on their own.
 */
void
seye_monitor_set_keep_offline (SeyeMonitor *self,
                               double       seconds)
{
  g_return_if_fail (SEYE_IS_MONITOR (self));

  seye_agent_source_set_keep_offline (self->agents, seconds);
}

/**
 * seye_monitor_set_discovery:
 *
 * Turns mDNS browsing on or off. Nodes found through it stay while offline for
 * the keep-offline time (seye_monitor_set_keep_offline()).
 */
void
seye_monitor_set_discovery (SeyeMonitor *self,
                            gboolean     discovery)
{
  g_return_if_fail (SEYE_IS_MONITOR (self));

  seye_agent_source_set_discovery (self->agents, discovery);
}

gboolean
seye_monitor_get_discovery_available (SeyeMonitor *self)
{
  g_return_val_if_fail (SEYE_IS_MONITOR (self), FALSE);

  return seye_agent_source_get_discovery_available (self->agents);
}

/**
 * seye_monitor_get_discovery_status:
 *
 * Returns: (nullable): why discovery is off when it was asked for but does not
 *   work, in words a user can act on; %NULL otherwise.
 */
const char *
seye_monitor_get_discovery_status (SeyeMonitor *self)
{
  g_return_val_if_fail (SEYE_IS_MONITOR (self), NULL);

  return seye_agent_source_get_discovery_status (self->agents);
}

/**
 * seye_monitor_get_discovery_notice:
 *
 * Returns: (nullable): which of avahi-daemon's limits discovery reached, in
 *   words with the setting to raise; %NULL while none was.
 */
const char *
seye_monitor_get_discovery_notice (SeyeMonitor *self)
{
  g_return_val_if_fail (SEYE_IS_MONITOR (self), NULL);

  return seye_agent_source_get_discovery_notice (self->agents);
}

/**
 * seye_monitor_set_stream:
 *
 * Whether to take samples from the nodes' streams where they offer one
 * (default %TRUE), or to poll every node.
 */
void
seye_monitor_set_stream (SeyeMonitor *self,
                         gboolean     stream)
{
  g_return_if_fail (SEYE_IS_MONITOR (self));

  seye_agent_source_set_stream (self->agents, stream);
}

/**
 * seye_monitor_set_fetch_history:
 *
 * Whether to fetch a node's recent history on first contact (default %TRUE),
 * from every source: an agent's /v1/history, a Prometheus server's query_range.
 */
void
seye_monitor_set_fetch_history (SeyeMonitor *self,
                                gboolean     fetch_history)
{
  g_return_if_fail (SEYE_IS_MONITOR (self));

  for (guint i = 0; i < self->sources->len; i++)
    seye_source_set_fetch_history (self->sources->pdata[i], fetch_history);
}

/**
 * seye_monitor_add_manual:
 * @host_port: "host", "host:port" or "[v6]:port" (HTTP); "https://" before any of them for HTTPS
 *
 * Adds a node by address. It is polled like any other and never removed for
 * being offline. Adding an address twice returns the node already there.
 *
 * Returns: (transfer none) (nullable): the node, or %NULL with @error set when
 *   @host_port cannot be parsed.
 */
SeyeNode *
seye_monitor_add_manual (SeyeMonitor  *self,
                         const char   *host_port,
                         GError      **error)
{
  g_return_val_if_fail (SEYE_IS_MONITOR (self), NULL);
  g_return_val_if_fail (host_port != NULL, NULL);

  return seye_agent_source_add_manual (self->agents, host_port, error);
}

/**
 * seye_monitor_add_service:
 *
 * Adds or updates a node from one resolved mDNS service, as the monitor's own
 * browser does. Services carrying the same TXT node id make one node. For
 * callers that browse themselves (a one-shot `seye fetch`) and for tests.
 */
void
seye_monitor_add_service (SeyeMonitor           *self,
                          const SeyeServiceInfo *info)
{
  g_return_if_fail (SEYE_IS_MONITOR (self));

  seye_agent_source_add_service (self->agents, info);
}

/**
 * seye_monitor_remove_service:
 * @key: the browse key of a #SeyeServiceInfo
 *
 * The service went from mDNS. Its node stays while it answers; once it is
 * offline and no service is left, it goes after the grace time.
 */
void
seye_monitor_remove_service (SeyeMonitor *self,
                             const char  *key)
{
  g_return_if_fail (SEYE_IS_MONITOR (self));

  seye_agent_source_remove_service (self->agents, key);
}

/**
 * seye_monitor_get_vetting:
 *
 * Returns: %TRUE while another endpoint announced under a node's id is being
 *   asked who it is (a one-shot client waits for that before it shows a node:
 *   it may turn out to be two machines).
 */
gboolean
seye_monitor_get_vetting (SeyeMonitor *self)
{
  g_return_val_if_fail (SEYE_IS_MONITOR (self), FALSE);

  return seye_agent_source_get_vetting (self->agents);
}

/**
 * seye_monitor_get_credentials:
 *
 * Returns: (transfer none): the pairings this monitor sends tokens by. Adding
 *   or removing one polls the nodes it concerns at once.
 */
SeyeCredentials *
seye_monitor_get_credentials (SeyeMonitor *self)
{
  g_return_val_if_fail (SEYE_IS_MONITOR (self), NULL);

  return seye_agent_source_get_credentials (self->agents);
}

void
seye_monitor_remove (SeyeMonitor *self,
                     SeyeNode    *node)
{
  Entry *entry;

  g_return_if_fail (SEYE_IS_MONITOR (self));
  g_return_if_fail (SEYE_IS_NODE (node));

  entry = g_hash_table_lookup (self->entries, node);
  if (entry != NULL)
    seye_source_remove_node (entry->source, node);
}

/**
 * seye_monitor_get_node_source:
 *
 * Returns: (transfer none) (nullable): the source @node comes from, to ask it
 *   for what is fetched only on demand (seye_source_fetch_processes(),
 *   seye_source_list_actions(), seye_source_run_action()); %NULL once the
 *   node is gone.
 */
SeyeSource *
seye_monitor_get_node_source (SeyeMonitor *self,
                              SeyeNode    *node)
{
  Entry *entry;

  g_return_val_if_fail (SEYE_IS_MONITOR (self), NULL);
  g_return_val_if_fail (SEYE_IS_NODE (node), NULL);

  entry = g_hash_table_lookup (self->entries, node);

  return entry != NULL ? entry->source : NULL;
}

/**
 * seye_monitor_lookup:
 *
 * Returns: (transfer none) (nullable): the node with that key.
 */
SeyeNode *
seye_monitor_lookup (SeyeMonitor *self,
                     const char  *key)
{
  Entry *entry;

  g_return_val_if_fail (SEYE_IS_MONITOR (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  entry = g_hash_table_lookup (self->by_key, key);

  return entry != NULL ? entry->node : NULL;
}

void
seye_monitor_start (SeyeMonitor *self)
{
  g_return_if_fail (SEYE_IS_MONITOR (self));

  if (self->started)
    return;

  self->started = TRUE;

  /* A node followed live holds a connection, a descriptor: make room for a
   * fleet, as far as the hard limit allows (sources size themselves by it). */
  seye_file_limit_raise (G_MAXUINT64);

  for (guint i = 0; i < self->sources->len; i++)
    seye_source_start (self->sources->pdata[i]);
}

/**
 * seye_monitor_stop:
 *
 * Stops polling and browsing; the nodes stay as they are.
 */
void
seye_monitor_stop (SeyeMonitor *self)
{
  g_return_if_fail (SEYE_IS_MONITOR (self));

  if (!self->started)
    return;

  self->started = FALSE;
  for (guint i = 0; i < self->sources->len; i++)
    seye_source_stop (self->sources->pdata[i]);
}

void
seye_monitor_poll_now (SeyeMonitor *self)
{
  g_return_if_fail (SEYE_IS_MONITOR (self));

  if (!self->started)
    return;

  for (guint i = 0; i < self->sources->len; i++)
    seye_source_poll_now (self->sources->pdata[i]);
}
