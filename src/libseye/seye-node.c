/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-node"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "seye-node-private.h"
#include "seye-tags.h"


enum {
  PROP_0,
  PROP_KEY,
  PROP_NAME,
  PROP_ADDRESS,
  PROP_STATE,
  PROP_INFO,
  PROP_SAMPLE,
  PROP_CPU_PERCENT,
  PROP_MEMORY_PERCENT,
  PROP_LOAD1,
  PROP_PROCESSES,
  PROP_UPTIME,
  PROP_RX_RATE,
  PROP_TX_RATE,
  PROP_LAST_SEEN,
  PROP_ERROR,
  PROP_MANUAL,
  PROP_PINNED,
  PROP_ALERTING,
  PROP_ACTIVE_ALERTS,
  PROP_ACKNOWLEDGED_ALERTS,
  PROP_STATE_SINCE,
  PROP_TLS,
  PROP_TLS_FINGERPRINT,
  PROP_PAIRED,
  PROP_CONFLICT,
  PROP_POLLED_EVERY,
  N_PROPS
};

enum {
  SAMPLE_ADDED,
  HISTORY_FILLED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (SeyeNode, seye_node, G_TYPE_OBJECT)

static void
seye_node_finalize (GObject *object)
{
  SeyeNode *self = SEYE_NODE (object);

  g_clear_pointer (&self->key, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->address, g_free);
  g_clear_pointer (&self->info, seye_node_info_free);
  g_clear_pointer (&self->sample, seye_sample_unref);
  g_clear_pointer (&self->details, seye_sample_unref);
  g_clear_pointer (&self->history, seye_history_free);
  g_clear_pointer (&self->error, g_free);
  g_clear_pointer (&self->host, g_free);
  g_clear_pointer (&self->conflict, g_free);
  g_clear_pointer (&self->tls_fingerprint, g_free);
  g_clear_pointer (&self->announced_tags, g_strfreev);
  seye_alert_rules_clear (&self->rules);

  G_OBJECT_CLASS (seye_node_parent_class)->finalize (object);
}

static double
sample_cpu (SeyeSample *sample)
{
  return sample && (sample->parts & SEYE_SAMPLE_CPU) ? sample->cpu.busy : -1;
}

static double
sample_memory (SeyeSample *sample)
{
  return sample && (sample->parts & SEYE_SAMPLE_MEMORY) ? seye_sample_get_memory_percent (sample) : -1;
}

static double
sample_load1 (SeyeSample *sample)
{
  return sample && (sample->parts & SEYE_SAMPLE_LOAD) ? sample->load[0] : -1;
}

static guint
sample_processes (SeyeSample *sample)
{
  return sample && (sample->parts & SEYE_SAMPLE_PROCESSES) ? sample->procs_total : 0;
}

static double
sample_uptime (SeyeSample *sample)
{
  return sample && (sample->parts & SEYE_SAMPLE_UPTIME) ? sample->uptime : -1;
}

static double
sample_rx (SeyeSample *sample)
{
  return sample && (sample->parts & SEYE_SAMPLE_NETWORK) ? sample->net_rx_bytes_per_sec : -1;
}

static double
sample_tx (SeyeSample *sample)
{
  return sample && (sample->parts & SEYE_SAMPLE_NETWORK) ? sample->net_tx_bytes_per_sec : -1;
}

/* The properties read from the latest sample. */
static gboolean
get_sample_property (SeyeNode *self,
                     guint     prop_id,
                     GValue   *value)
{
  switch (prop_id)
    {
    case PROP_CPU_PERCENT:
      g_value_set_double (value, sample_cpu (self->sample));
      break;

    case PROP_MEMORY_PERCENT:
      g_value_set_double (value, sample_memory (self->sample));
      break;

    case PROP_LOAD1:
      g_value_set_double (value, sample_load1 (self->sample));
      break;

    case PROP_PROCESSES:
      g_value_set_uint (value, sample_processes (self->sample));
      break;

    case PROP_UPTIME:
      g_value_set_double (value, sample_uptime (self->sample));
      break;

    case PROP_RX_RATE:
      g_value_set_double (value, sample_rx (self->sample));
      break;

    case PROP_TX_RATE:
      g_value_set_double (value, sample_tx (self->sample));
      break;

    default:
      return FALSE;
    }

  return TRUE;
}

static void
seye_node_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  SeyeNode *self = SEYE_NODE (object);

  switch (prop_id)
    {
    case PROP_KEY:
      g_value_set_string (value, self->key);
      break;

    case PROP_NAME:
      g_value_set_string (value, seye_node_get_name (self));
      break;

    case PROP_ADDRESS:
      g_value_set_string (value, self->address);
      break;

    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;

    case PROP_INFO:
      g_value_set_boxed (value, self->info);
      break;

    case PROP_SAMPLE:
      g_value_set_boxed (value, self->sample);
      break;

    case PROP_LAST_SEEN:
      g_value_set_int64 (value, self->last_seen);
      break;

    case PROP_ERROR:
      g_value_set_string (value, self->error);
      break;

    case PROP_MANUAL:
      g_value_set_boolean (value, self->manual);
      break;

    case PROP_PINNED:
      g_value_set_boolean (value, self->pinned);
      break;

    case PROP_ALERTING:
      g_value_set_boolean (value, seye_node_get_alerting (self));
      break;

    case PROP_ACTIVE_ALERTS:
      g_value_set_uint (value, self->alerts.active);
      break;

    case PROP_ACKNOWLEDGED_ALERTS:
      g_value_set_uint (value, self->alerts.acknowledged);
      break;

    case PROP_STATE_SINCE:
      g_value_set_int64 (value, self->state_since);
      break;

    case PROP_TLS:
      g_value_set_boolean (value, self->tls);
      break;

    case PROP_TLS_FINGERPRINT:
      g_value_set_string (value, self->tls_fingerprint);
      break;

    case PROP_PAIRED:
      g_value_set_boolean (value, self->paired);
      break;

    case PROP_CONFLICT:
      g_value_set_string (value, self->conflict);
      break;

    case PROP_POLLED_EVERY:
      g_value_set_double (value, self->polled_every);
      break;

    default:
      if (!get_sample_property (self, prop_id, value))
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
seye_node_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  SeyeNode *self = SEYE_NODE (object);

  switch (prop_id)
    {
    case PROP_PINNED:
      seye_node_set_pinned (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
seye_node_class_init (SeyeNodeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = seye_node_finalize;
  object_class->get_property = seye_node_get_property;
  object_class->set_property = seye_node_set_property;

  properties[PROP_KEY] = g_param_spec_string ("key", NULL, NULL, NULL, ro);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, ro);
  properties[PROP_ADDRESS] = g_param_spec_string ("address", NULL, NULL, NULL, ro);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       SEYE_TYPE_NODE_STATE, SEYE_NODE_STATE_CONNECTING, ro);
  properties[PROP_INFO] = g_param_spec_boxed ("info", NULL, NULL, SEYE_TYPE_NODE_INFO, ro);
  properties[PROP_SAMPLE] = g_param_spec_boxed ("sample", NULL, NULL, SEYE_TYPE_SAMPLE, ro);
  properties[PROP_CPU_PERCENT] =
    g_param_spec_double ("cpu-percent", NULL, NULL, -1, G_MAXDOUBLE, -1, ro);
  properties[PROP_MEMORY_PERCENT] =
    g_param_spec_double ("memory-percent", NULL, NULL, -1, G_MAXDOUBLE, -1, ro);
  properties[PROP_LOAD1] = g_param_spec_double ("load1", NULL, NULL, -1, G_MAXDOUBLE, -1, ro);
  properties[PROP_PROCESSES] = g_param_spec_uint ("processes", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_UPTIME] = g_param_spec_double ("uptime", NULL, NULL, -1, G_MAXDOUBLE, -1, ro);
  properties[PROP_RX_RATE] = g_param_spec_double ("rx-rate", NULL, NULL, -1, G_MAXDOUBLE, -1, ro);
  properties[PROP_TX_RATE] = g_param_spec_double ("tx-rate", NULL, NULL, -1, G_MAXDOUBLE, -1, ro);
  properties[PROP_LAST_SEEN] =
    g_param_spec_int64 ("last-seen", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_ERROR] = g_param_spec_string ("error", NULL, NULL, NULL, ro);
  properties[PROP_MANUAL] = g_param_spec_boolean ("manual", NULL, NULL, FALSE, ro);
  properties[PROP_PINNED] =
    g_param_spec_boolean ("pinned", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ALERTING] = g_param_spec_boolean ("alerting", NULL, NULL, FALSE, ro);
  /**
   * SeyeNode:active-alerts:
   *
   * The active #SeyeAlertKind flags; "alerting" is any of them not acknowledged.
   */
  properties[PROP_ACTIVE_ALERTS] =
    g_param_spec_uint ("active-alerts", NULL, NULL, 0, G_MAXUINT, 0, ro);
  /**
   * SeyeNode:acknowledged-alerts:
   *
   * The active alerts a user acknowledged: they stay shown, dimmed, but do not
   * make the node "alerting" and do not notify, until they clear.
   */
  properties[PROP_ACKNOWLEDGED_ALERTS] =
    g_param_spec_uint ("acknowledged-alerts", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_STATE_SINCE] =
    g_param_spec_int64 ("state-since", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_TLS] = g_param_spec_boolean ("tls", NULL, NULL, FALSE, ro);
  /**
   * SeyeNode:tls-fingerprint:
   *
   * SHA-256 (64 hex digits) of the certificate the node presented in the last
   * TLS handshake: what a user compares with `sorcerers-eye-agent --pairing-info`
   * before pairing. %NULL before any handshake.
   */
  properties[PROP_TLS_FINGERPRINT] = g_param_spec_string ("tls-fingerprint", NULL, NULL, NULL, ro);
  properties[PROP_PAIRED] = g_param_spec_boolean ("paired", NULL, NULL, FALSE, ro);
  properties[PROP_CONFLICT] = g_param_spec_string ("conflict", NULL, NULL, NULL, ro);
  /**
   * SeyeNode:polled-every:
   *
   * Seconds between the node's samples when it gets them less often than
   * the monitor's interval: more nodes than this process may hold a
   * connection each for are polled in turns. 0 while it gets every one.
   */
  properties[PROP_POLLED_EVERY] =
    g_param_spec_double ("polled-every", NULL, NULL, 0, G_MAXDOUBLE, 0, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SAMPLE_ADDED] =
    g_signal_new ("sample-added",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1,
                  SEYE_TYPE_SAMPLE | G_SIGNAL_TYPE_STATIC_SCOPE);
  signals[HISTORY_FILLED] =
    g_signal_new ("history-filled", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
seye_node_init (SeyeNode *self)
{
  self->state = SEYE_NODE_STATE_CONNECTING;
  self->state_since = g_get_real_time () / 1000;
  seye_alert_rules_init_defaults (&self->rules);
}

/* Internal API (seye-node-private.h) --------------------------------------- */

SeyeNode *
_seye_node_new (const char *key,
                const char *name,
                gboolean    manual,
                double      interval)
{
  SeyeNode *self = g_object_new (SEYE_TYPE_NODE, NULL);

  self->key = g_strdup (key);
  self->name = g_strdup (name);
  self->manual = !!manual;
  self->history = seye_history_new (SEYE_HISTORY_SECONDS, interval);

  return self;
}

static gboolean
replace_string (char       **field,
                const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;

  g_free (*field);
  *field = g_strdup (value);

  return TRUE;
}

void
_seye_node_set_key (SeyeNode   *self,
                    const char *key)
{
  if (replace_string (&self->key, key))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KEY]);
}

void
_seye_node_set_name (SeyeNode   *self,
                     const char *name)
{
  if (replace_string (&self->name, name))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}

void
_seye_node_set_address (SeyeNode   *self,
                        const char *address)
{
  if (replace_string (&self->address, address))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ADDRESS]);
}

/* Not notified: the name is what changes for the user, and only once the node says it. */
void
_seye_node_set_host (SeyeNode   *self,
                     const char *host)
{
  replace_string (&self->host, host);
}

void
_seye_node_set_state (SeyeNode      *self,
                      SeyeNodeState  state)
{
  /* Online means a sample to show: without one the node is still connecting. */
  if ((state == SEYE_NODE_STATE_ONLINE || state == SEYE_NODE_STATE_STALE) && self->sample == NULL)
    state = SEYE_NODE_STATE_CONNECTING;

  if (self->state == state)
    return;

  self->state = state;
  self->state_since = g_get_real_time () / 1000;
  g_object_freeze_notify (G_OBJECT (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE_SINCE]);
  g_object_thaw_notify (G_OBJECT (self));
}

void
_seye_node_set_polled_every (SeyeNode *self,
                             double    seconds)
{
  if (self->polled_every == seconds)
    return;

  self->polled_every = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POLLED_EVERY]);
}

static gboolean
node_info_equal (const SeyeNodeInfo *a,
                 const SeyeNodeInfo *b)
{
  return g_strcmp0 (a->node_id, b->node_id) == 0 &&
         g_strcmp0 (a->name, b->name) == 0 &&
         g_strcmp0 (a->hostname, b->hostname) == 0 &&
         g_strcmp0 (a->os_name, b->os_name) == 0 &&
         g_strcmp0 (a->kernel, b->kernel) == 0 &&
         g_strcmp0 (a->arch, b->arch) == 0 &&
         g_strcmp0 (a->cpu_model, b->cpu_model) == 0 &&
         g_strcmp0 (a->agent_version, b->agent_version) == 0 &&
         a->n_cores == b->n_cores &&
         a->api_version == b->api_version &&
         a->interval == b->interval &&
         a->boot_time == b->boot_time &&
         seye_tags_equal ((const char * const *) a->tags, (const char * const *) b->tags);
}

void
_seye_node_set_info (SeyeNode           *self,
                     const SeyeNodeInfo *info)
{
  if (self->info == info || (self->info && info && node_info_equal (self->info, info)))
    return;

  g_clear_pointer (&self->info, seye_node_info_free);
  if (info != NULL)
    self->info = seye_node_info_copy (info);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INFO]);

  if (info != NULL && info->name != NULL)
    _seye_node_set_name (self, info->name);
}

/* What the node's mDNS announcement says of its tags: shown while the node
 * has not answered /v1/node (one that must be paired first), then the
 * node's own word wins. Checked as they came (seye_tags_from_peer()). */
void
_seye_node_set_announced_tags (SeyeNode           *self,
                               const char * const *tags)
{
  if (seye_tags_equal ((const char * const *) self->announced_tags, tags))
    return;

  g_strfreev (self->announced_tags);
  self->announced_tags = tags != NULL && tags[0] != NULL ? g_strdupv ((GStrv) tags) : NULL;

  if (self->info == NULL)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INFO]);
}

void
_seye_node_set_error (SeyeNode   *self,
                      const char *error)
{
  if (replace_string (&self->error, error))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
}

void
_seye_node_set_manual (SeyeNode *self,
                       gboolean  manual)
{
  if (self->manual == !!manual)
    return;

  self->manual = !!manual;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MANUAL]);
}

void
_seye_node_set_last_seen (SeyeNode *self,
                          gint64    last_seen)
{
  if (self->last_seen == last_seen)
    return;

  self->last_seen = last_seen;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_SEEN]);
}

/*
 * _seye_node_add_sample:
 *
 * Pushes @sample into the history and makes it the latest when it is newer
 * than what the node has; emits "sample-added" then.
 *
 * Returns: %TRUE when the sample was new.
 */
gboolean
_seye_node_add_sample (SeyeNode   *self,
                       SeyeSample *sample)
{
  g_autoptr (SeyeSample) old = NULL;

  if (self->sample != NULL && sample->time_ms <= self->sample->time_ms)
    return FALSE;

  if (!seye_history_push (self->history, sample))
    return FALSE;

  old = g_steal_pointer (&self->sample);
  self->sample = seye_sample_ref (sample);

  g_object_freeze_notify (G_OBJECT (self));

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SAMPLE]);

#define NOTIFY_IF_CHANGED(getter, prop) \
  if (old == NULL || getter (old) != getter (sample)) \
    g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);

  NOTIFY_IF_CHANGED (sample_cpu, PROP_CPU_PERCENT)
  NOTIFY_IF_CHANGED (sample_memory, PROP_MEMORY_PERCENT)
  NOTIFY_IF_CHANGED (sample_load1, PROP_LOAD1)
  NOTIFY_IF_CHANGED (sample_processes, PROP_PROCESSES)
  NOTIFY_IF_CHANGED (sample_uptime, PROP_UPTIME)
  NOTIFY_IF_CHANGED (sample_rx, PROP_RX_RATE)
  NOTIFY_IF_CHANGED (sample_tx, PROP_TX_RATE)

#undef NOTIFY_IF_CHANGED

  g_object_thaw_notify (G_OBJECT (self));

  if (sample->parts & SEYE_SAMPLE_FILESYSTEMS)
    {
      g_clear_pointer (&self->details, seye_sample_unref);
      self->details = seye_sample_ref (sample);
    }

  g_signal_emit (self, signals[SAMPLE_ADDED], 0, sample);

  return TRUE;
}

/* Samples older than the first it got (@samples oldest first), from its source's own
 * history, go before it; "history-filled" says so. Returns: how many went in. */
guint
_seye_node_fill_history (SeyeNode  *self,
                         GPtrArray *samples)
{
  guint added = 0;

  for (guint i = samples->len; i > 0; i--)
    added += seye_history_push_older (self->history, samples->pdata[i - 1]) ? 1 : 0;

  if (added > 0)
    g_signal_emit (self, signals[HISTORY_FILLED], 0);

  return added;
}

/* Forgets the samples of another node that answered at this one's place. */
void
_seye_node_clear_samples (SeyeNode *self)
{
  seye_history_clear (self->history);
  g_clear_pointer (&self->sample, seye_sample_unref);
  g_clear_pointer (&self->details, seye_sample_unref);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SAMPLE]);

  /* Nothing to show now: not online until the next sample. */
  _seye_node_set_state (self, self->state);
}

void
_seye_node_set_tls (SeyeNode *self,
                    gboolean  tls)
{
  if (self->tls == !!tls)
    return;

  self->tls = !!tls;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TLS]);
}

void
_seye_node_set_tls_fingerprint (SeyeNode   *self,
                                const char *fingerprint)
{
  if (replace_string (&self->tls_fingerprint, fingerprint))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TLS_FINGERPRINT]);
}

void
_seye_node_set_paired (SeyeNode *self,
                       gboolean  paired)
{
  if (self->paired == !!paired)
    return;

  self->paired = !!paired;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAIRED]);
}

void
_seye_node_set_conflict (SeyeNode   *self,
                         const char *conflict)
{
  if (g_strcmp0 (self->conflict, conflict) == 0)
    return;

  g_free (self->conflict);
  self->conflict = g_strdup (conflict);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONFLICT]);
}

/* Public API --------------------------------------------------------------- */

const char *
seye_node_get_key (SeyeNode *self)
{
  g_return_val_if_fail (SEYE_IS_NODE (self), NULL);

  return self->key;
}

/**
 * seye_node_get_name:
 *
 * Returns: the announced name; the host it is polled at when no name is known.
 */
const char *
seye_node_get_name (SeyeNode *self)
{
  g_return_val_if_fail (SEYE_IS_NODE (self), NULL);

  if (self->name != NULL && self->name[0] != '\0')
    return self->name;

  return self->host != NULL ? self->host : self->key;
}

const char *
seye_node_get_address (SeyeNode *self)
{
  g_return_val_if_fail (SEYE_IS_NODE (self), NULL);

  return self->address;
}

SeyeNodeState
seye_node_get_state (SeyeNode *self)
{
  g_return_val_if_fail (SEYE_IS_NODE (self), SEYE_NODE_STATE_OFFLINE);

  return self->state;
}

/**
 * seye_node_get_info:
 *
 * Returns: (nullable): what the node said about itself; %NULL until /v1/node answered.
 */
const SeyeNodeInfo *
seye_node_get_info (SeyeNode *self)
{
  g_return_val_if_fail (SEYE_IS_NODE (self), NULL);

  return self->info;
}

/**
 * seye_node_get_tags:
 *
 * The node's tags ("web", "eu-1"): what it says in /v1/node, or before it has
 * answered (a node that must be paired first), what its mDNS announcement
 * said. Each is 1 to 32 of a-z, 0-9, "-", "_" and "." (seye-tags.h).
 *
 * Returns: (transfer none) (nullable) (array zero-terminated=1): the tags, or
 *   NULL for none.
 */
const char * const *
seye_node_get_tags (SeyeNode *self)
{
  g_return_val_if_fail (SEYE_IS_NODE (self), NULL);

  if (self->info != NULL)
    return (const char * const *) self->info->tags;

  return (const char * const *) self->announced_tags;
}

/**
 * seye_node_get_sample:
 *
 * Returns: (transfer none) (nullable): the latest sample.
 */
SeyeSample *
seye_node_get_sample (SeyeNode *self)
{
  g_return_val_if_fail (SEYE_IS_NODE (self), NULL);

  return self->sample;
}

/**
 * seye_node_get_history:
 *
 * Returns: (transfer none): the series of the last SEYE_HISTORY_SECONDS of samples, oldest
 *   first, in a compact form (see seye-history.h); the latest whole sample is
 *   seye_node_get_sample(). Read only.
 */
SeyeHistory *
seye_node_get_history (SeyeNode *self)
{
  g_return_val_if_fail (SEYE_IS_NODE (self), NULL);

  return self->history;
}

gint64
seye_node_get_last_seen (SeyeNode *self)
{
  g_return_val_if_fail (SEYE_IS_NODE (self), 0);

  return self->last_seen;
}

/**
 * seye_node_get_error:
 *
 * Returns: (nullable): the last error in words; %NULL while the node answers.
 */
const char *
seye_node_get_error (SeyeNode *self)
{
  g_return_val_if_fail (SEYE_IS_NODE (self), NULL);

  return self->error;
}

gboolean
seye_node_get_manual (SeyeNode *self)
{
  g_return_val_if_fail (SEYE_IS_NODE (self), FALSE);

  return self->manual;
}

gboolean
seye_node_get_pinned (SeyeNode *self)
{
  g_return_val_if_fail (SEYE_IS_NODE (self), FALSE);

  return self->pinned;
}

void
seye_node_set_pinned (SeyeNode *self,
                      gboolean  pinned)
{
  g_return_if_fail (SEYE_IS_NODE (self));

  if (self->pinned == !!pinned)
    return;

  self->pinned = !!pinned;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PINNED]);
}

guint
seye_node_get_active_alerts (SeyeNode *self)
{
  g_return_val_if_fail (SEYE_IS_NODE (self), 0);

  return self->alerts.active;
}

gboolean
seye_node_get_tls (SeyeNode *self)
{
  g_return_val_if_fail (SEYE_IS_NODE (self), FALSE);

  return self->tls;
}

/**
 * seye_node_get_tls_fingerprint:
 *
 * Returns: (nullable): SHA-256 (hex) of the certificate the node presented last.
 */
const char *
seye_node_get_tls_fingerprint (SeyeNode *self)
{
  g_return_val_if_fail (SEYE_IS_NODE (self), NULL);

  return self->tls_fingerprint;
}

gboolean
seye_node_get_paired (SeyeNode *self)
{
  g_return_val_if_fail (SEYE_IS_NODE (self), FALSE);

  return self->paired;
}

/**
 * seye_node_get_conflict:
 *
 * Returns: (nullable): when other machines answer under this node's id, in
 *   words with every address ("two machines claim this node: …"); %NULL otherwise.
 */
const char *
seye_node_get_conflict (SeyeNode *self)
{
  g_return_val_if_fail (SEYE_IS_NODE (self), NULL);

  return self->conflict;
}

/**
 * seye_node_get_polled_every:
 *
 * Returns: seconds between the node's samples when it gets them less often
 *   than the monitor's interval (more nodes than this process may hold a
 *   connection each for); 0 while it gets every one.
 */
double
seye_node_get_polled_every (SeyeNode *self)
{
  g_return_val_if_fail (SEYE_IS_NODE (self), 0);

  return self->polled_every;
}
