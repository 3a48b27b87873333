/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-recorder"

#include "config.h"

#include <math.h>

#include "seye-clock.h"
#include "seye-error.h"
#include "seye-node-private.h"
#include "seye-recorder.h"
#include "seye-store-private.h"

struct _SeyeRecorder
{
  GObject       parent_instance;

  /* Owned */
  SeyeStore    *store;
  SeyeMonitor  *monitor;
  GCancellable *cancellable;        /* the maintenance pass in flight */

  GHashTable   *watched;            /* SeyeNode * (weak) */
  guint         commit_id;
  guint         maintain_id;
  gboolean      maintaining;
};

enum {
  PROP_0,
  PROP_STORE,
  PROP_MONITOR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (SeyeRecorder, seye_recorder, G_TYPE_OBJECT)

static void
watched_node_finalized_cb (gpointer  data,
                           GObject  *where_the_object_was)
{
  SeyeRecorder *self = data;

  g_hash_table_remove (self->watched, where_the_object_was);
}

static void
unwatch_all (SeyeRecorder *self)
{
  GHashTableIter iter;
  gpointer node;

  g_hash_table_iter_init (&iter, self->watched);
  while (g_hash_table_iter_next (&iter, &node, NULL))
    {
      g_signal_handlers_disconnect_by_data (node, self);
      g_object_weak_unref (node, watched_node_finalized_cb, self);
    }
  g_hash_table_remove_all (self->watched);
}

static gboolean
commit_cb (gpointer data)
{
  SeyeRecorder *self = data;

  self->commit_id = 0;

  /* A round is 100 samples; the history every node hands over on first contact can be
   * 3600 each: write that in slices so the main loop keeps turning. */
  if (_seye_store_commit_recorded (self->store, COMMIT_SLICE))
    self->commit_id = g_timeout_add (10, commit_cb, self);

  return G_SOURCE_REMOVE;
}

/* Nodes answer at their own moments; one commit collects a whole polling round. */
static void
schedule_commit (SeyeRecorder *self)
{
  double interval;

  if (self->commit_id != 0)
    return;

  interval = seye_monitor_get_interval (self->monitor);
  /* Whole seconds: a seconds timer fires with the monitor's own, in one wake-up. */
  if (interval >= 1.0)
    self->commit_id = g_timeout_add_seconds ((guint) MIN (interval, 10.0), commit_cb, self);
  else
    self->commit_id = g_timeout_add ((guint) (MAX (interval, 0.2) * 1000), commit_cb, self);
}

static void
sample_added_cb (SeyeNode     *node,
                 SeyeSample   *sample,
                 SeyeRecorder *self)
{
  const SeyeNodeInfo *info = seye_node_get_info (node);

  /* Only a node that said who it is has a key that survives a new address. */
  if (info == NULL || info->node_id == NULL)
    return;

  seye_store_add (self->store, info->node_id, seye_node_get_name (node), seye_node_get_address (node),
                  sample);
  schedule_commit (self);
}

/* One line of the alert log: the node as it is known (its id, else its key), the name
 * exactly as announced (sanitised where it is shown), the rule's value and reason now. */
static void
add_alert_event (SeyeRecorder       *self,
                 SeyeNode           *node,
                 SeyeAlertKind       kind,
                 SeyeAlertEventType  type)
{
  const SeyeNodeInfo *info = seye_node_get_info (node);
  const SeyeAlertState *state = _seye_node_get_alert_state (node);
  const char *node_id = info != NULL && info->node_id != NULL ? info->node_id : seye_node_get_key (node);
  g_autofree char *reason = seye_alert_state_describe (state, kind);
  g_autoptr (SeyeAlertEvent) event = NULL;
  double value = kind == SEYE_ALERT_OFFLINE ? NAN : seye_alert_state_get_value (state, kind);

  event = seye_alert_event_new (seye_clock_get_real_ms (), node_id, seye_node_get_name (node),
                                seye_alert_kind_get_id (kind), type, value, reason);
  seye_store_add_alert_event (self->store, event);
  schedule_commit (self);
}

static void
alert_cb (SeyeRecorder *self,
          SeyeNode     *node,
          guint         kind,
          gboolean      active)
{
  add_alert_event (self, node, kind, active ? SEYE_ALERT_EVENT_START : SEYE_ALERT_EVENT_CLEAR);
}

static void
alert_acknowledged_cb (SeyeRecorder *self,
                       SeyeNode     *node,
                       guint         kind)
{
  add_alert_event (self, node, kind, SEYE_ALERT_EVENT_ACKNOWLEDGE);
}

static void
watch_node (SeyeRecorder *self,
            SeyeNode     *node)
{
  if (g_hash_table_contains (self->watched, node))
    return;

  g_hash_table_add (self->watched, node);
  g_object_weak_ref (G_OBJECT (node), watched_node_finalized_cb, self);
  g_signal_connect (node, "sample-added", G_CALLBACK (sample_added_cb), self);
}

static void
items_changed_cb (SeyeRecorder *self,
                  guint         position,
                  guint         removed,
                  guint         added,
                  GListModel   *model)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr (SeyeNode) node = g_list_model_get_item (model, i);

      watch_node (self, node);
    }
}

static void
maintain_done_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  SeyeRecorder *self = user_data;
  g_autoptr (GError) error = NULL;

  /* Cancelled only when the recorder was disposed of: it may be gone. */
  if (!seye_store_maintain_finish (SEYE_STORE (object), result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->maintaining = FALSE;

  if (g_error_matches (error, SEYE_ERROR, SEYE_ERROR_UNAVAILABLE))
    g_debug ("%s", error->message);
  else if (error != NULL)
    g_warning ("%s", error->message);
}

static gboolean
maintain_cb (gpointer data)
{
  SeyeRecorder *self = data;

  if (!self->maintaining)
    {
      self->maintaining = TRUE;
      seye_store_maintain_async (self->store, g_get_real_time () / 1000, self->cancellable,
                                 maintain_done_cb, self);
    }

  return G_SOURCE_CONTINUE;
}

static void
seye_recorder_constructed (GObject *object)
{
  SeyeRecorder *self = SEYE_RECORDER (object);
  guint n;

  G_OBJECT_CLASS (seye_recorder_parent_class)->constructed (object);

  g_return_if_fail (SEYE_IS_STORE (self->store));
  g_return_if_fail (SEYE_IS_MONITOR (self->monitor));
  g_return_if_fail (!seye_store_get_read_only (self->store));

  g_signal_connect_object (self->monitor, "items-changed", G_CALLBACK (items_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->monitor, "alert", G_CALLBACK (alert_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->monitor, "alert-acknowledged", G_CALLBACK (alert_acknowledged_cb), self,
                           G_CONNECT_SWAPPED);
  n = g_list_model_get_n_items (G_LIST_MODEL (self->monitor));
  items_changed_cb (self, 0, 0, n, G_LIST_MODEL (self->monitor));

  self->maintain_id = g_timeout_add_seconds (MAINTAIN_PERIOD_S, maintain_cb, self);
  maintain_cb (self);
}

static void
seye_recorder_dispose (GObject *object)
{
  SeyeRecorder *self = SEYE_RECORDER (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->commit_id, g_source_remove);
  g_clear_handle_id (&self->maintain_id, g_source_remove);
  unwatch_all (self);
  if (self->monitor != NULL)
    g_signal_handlers_disconnect_by_data (self->monitor, self);
  g_clear_object (&self->monitor);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (seye_recorder_parent_class)->dispose (object);
}

static void
seye_recorder_finalize (GObject *object)
{
  SeyeRecorder *self = SEYE_RECORDER (object);

  g_clear_pointer (&self->watched, g_hash_table_unref);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (seye_recorder_parent_class)->finalize (object);
}

static void
seye_recorder_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  SeyeRecorder *self = SEYE_RECORDER (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_MONITOR:
      g_value_set_object (value, self->monitor);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
seye_recorder_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  SeyeRecorder *self = SEYE_RECORDER (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    case PROP_MONITOR:
      self->monitor = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
seye_recorder_class_init (SeyeRecorderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->constructed = seye_recorder_constructed;
  object_class->dispose = seye_recorder_dispose;
  object_class->finalize = seye_recorder_finalize;
  object_class->get_property = seye_recorder_get_property;
  object_class->set_property = seye_recorder_set_property;

  properties[PROP_STORE] = g_param_spec_object ("store", NULL, NULL, SEYE_TYPE_STORE, flags);
  properties[PROP_MONITOR] = g_param_spec_object ("monitor", NULL, NULL, SEYE_TYPE_MONITOR, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
seye_recorder_init (SeyeRecorder *self)
{
  self->watched = g_hash_table_new (NULL, NULL);
  self->cancellable = g_cancellable_new ();
}

/**
 * seye_recorder_new:
 * @store: a store opened to record (not read-only)
 * @monitor: the monitor whose nodes' samples are recorded
 *
 * Starts recording at once. Call seye_store_commit() before quitting so the last
 * round is written.
 */
SeyeRecorder *
seye_recorder_new (SeyeStore   *store,
                   SeyeMonitor *monitor)
{
  g_return_val_if_fail (SEYE_IS_STORE (store), NULL);
  g_return_val_if_fail (SEYE_IS_MONITOR (monitor), NULL);
  g_return_val_if_fail (!seye_store_get_read_only (store), NULL);

  return g_object_new (SEYE_TYPE_RECORDER, "store", store, "monitor", monitor, NULL);
}

SeyeStore *
seye_recorder_get_store (SeyeRecorder *self)
{
  g_return_val_if_fail (SEYE_IS_RECORDER (self), NULL);

  return self->store;
}

SeyeMonitor *
seye_recorder_get_monitor (SeyeRecorder *self)
{
  g_return_val_if_fail (SEYE_IS_RECORDER (self), NULL);

  return self->monitor;
}
