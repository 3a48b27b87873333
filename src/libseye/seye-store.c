/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-store"

#include "config.h"

#include <glib/gstdio.h>

#include "seye-store-private.h"

enum {
  PROP_0,
  PROP_PATH,
  PROP_RAW_RETENTION,
  PROP_ROLLUP_RETENTION,
  PROP_HOURLY_RETENTION,
  PROP_DISK_BUDGET,
  PROP_SET_ASIDE_PATH,
  PROP_RECORDING_ERROR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  ALERT_EVENTS_WRITTEN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (SeyeStore, seye_store, G_TYPE_OBJECT)

static SeyeStorePoint *
seye_store_point_ref_copy (const SeyeStorePoint *self)
{
  return seye_store_point_copy (self);
}

G_DEFINE_BOXED_TYPE (SeyeStorePoint, seye_store_point, seye_store_point_ref_copy, seye_store_point_free)

SeyeStorePoint *
seye_store_point_copy (const SeyeStorePoint *self)
{
  SeyeStorePoint *copy = g_new (SeyeStorePoint, 1);

  *copy = *self;
  copy->avg = self->avg ? seye_sample_ref (self->avg) : NULL;
  copy->min = self->min ? seye_sample_ref (self->min) : NULL;
  copy->max = self->max ? seye_sample_ref (self->max) : NULL;

  return copy;
}

void
seye_store_point_free (SeyeStorePoint *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->avg, seye_sample_unref);
  g_clear_pointer (&self->min, seye_sample_unref);
  g_clear_pointer (&self->max, seye_sample_unref);
  g_free (self);
}

void
seye_store_node_free (SeyeStoreNode *self)
{
  if (self == NULL)
    return;

  g_free (self->node_id);
  g_free (self->name);
  g_free (self->address);
  g_free (self);
}

/* GObject ------------------------------------------------------------------ */

static void
seye_store_dispose (GObject *object)
{
  SeyeStore *self = SEYE_STORE (object);
  g_autoptr (GError) error = NULL;

  if (self->db != NULL && (self->pending->len > 0 || self->pending_alerts->len > 0) &&
      !seye_store_commit (self, &error))
    g_warning ("%u samples and %u alert events were not written: %s", self->pending->len,
               self->pending_alerts->len, error->message);

  G_OBJECT_CLASS (seye_store_parent_class)->dispose (object);
}

static void
seye_store_finalize (GObject *object)
{
  SeyeStore *self = SEYE_STORE (object);

  _seye_store_close_db (self);
  g_clear_pointer (&self->pending, g_array_unref);
  g_clear_pointer (&self->pending_alerts, g_ptr_array_unref);
  g_clear_pointer (&self->node_cache, g_hash_table_unref);
  g_free (self->path);
  g_free (self->set_aside_path);
  g_free (self->set_aside_message);
  g_clear_error (&self->write_error);
  g_free (self->recording_error);

  G_OBJECT_CLASS (seye_store_parent_class)->finalize (object);
}

static void
seye_store_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  SeyeStore *self = SEYE_STORE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    case PROP_RAW_RETENTION:
      g_value_set_int64 (value, self->raw_retention);
      break;
    case PROP_ROLLUP_RETENTION:
      g_value_set_int64 (value, self->rollup_retention);
      break;
    case PROP_HOURLY_RETENTION:
      g_value_set_int64 (value, self->hourly_retention);
      break;
    case PROP_DISK_BUDGET:
      g_value_set_int64 (value, self->disk_budget);
      break;
    case PROP_RECORDING_ERROR:
      g_value_set_string (value, self->recording_error);
      break;
    case PROP_SET_ASIDE_PATH:
      g_value_set_string (value, self->set_aside_path);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
seye_store_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  SeyeStore *self = SEYE_STORE (object);

  switch (prop_id)
    {
    case PROP_RAW_RETENTION:
      seye_store_set_raw_retention (self, g_value_get_int64 (value));
      break;
    case PROP_ROLLUP_RETENTION:
      seye_store_set_rollup_retention (self, g_value_get_int64 (value));
      break;
    case PROP_HOURLY_RETENTION:
      seye_store_set_hourly_retention (self, g_value_get_int64 (value));
      break;
    case PROP_DISK_BUDGET:
      seye_store_set_disk_budget (self, g_value_get_int64 (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
seye_store_class_init (SeyeStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->dispose = seye_store_dispose;
  object_class->finalize = seye_store_finalize;
  object_class->get_property = seye_store_get_property;
  object_class->set_property = seye_store_set_property;

  properties[PROP_PATH] = g_param_spec_string ("path", NULL, NULL, NULL, ro);
  properties[PROP_RAW_RETENTION] =
    g_param_spec_int64 ("raw-retention", NULL, NULL, 60, G_MAXINT32,
                        SEYE_STORE_DEFAULT_RAW_RETENTION, rw);
  properties[PROP_ROLLUP_RETENTION] =
    g_param_spec_int64 ("rollup-retention", NULL, NULL, 60, G_MAXINT32,
                        SEYE_STORE_DEFAULT_ROLLUP_RETENTION, rw);
  properties[PROP_HOURLY_RETENTION] =
    g_param_spec_int64 ("hourly-retention", NULL, NULL, 60, G_MAXINT32,
                        SEYE_STORE_DEFAULT_HOURLY_RETENTION, rw);
  /**
   * SeyeStore:disk-budget:
   *
   * The most the history may take on disk, in bytes; 0 for no budget. Maintenance keeps
   * within it by deleting the oldest raw samples first, then the oldest minute rollups,
   * then the oldest hourly rollups; the newest of each are never deleted for it.
   */
  properties[PROP_DISK_BUDGET] =
    g_param_spec_int64 ("disk-budget", NULL, NULL, 0, G_MAXINT64,
                        SEYE_STORE_DEFAULT_DISK_BUDGET, rw);
  properties[PROP_SET_ASIDE_PATH] = g_param_spec_string ("set-aside-path", NULL, NULL, NULL, ro);
  /**
   * SeyeStore:recording-error:
   *
   * Why the samples a #SeyeRecorder records cannot be written now (the disk filled up,
   * the file became read-only), as a sentence that says what happens and what to do;
   * %NULL while they are written. The samples wait in memory meanwhile.
   */
  properties[PROP_RECORDING_ERROR] = g_param_spec_string ("recording-error", NULL, NULL, NULL, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * SeyeStore::alert-events-written:
   *
   * A commit wrote alert events: seye_store_list_alert_events() has them now.
   */
  signals[ALERT_EVENTS_WRITTEN] =
    g_signal_new ("alert-events-written", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
seye_store_init (SeyeStore *self)
{
  self->raw_retention = SEYE_STORE_DEFAULT_RAW_RETENTION;
  self->rollup_retention = SEYE_STORE_DEFAULT_ROLLUP_RETENTION;
  self->hourly_retention = SEYE_STORE_DEFAULT_HOURLY_RETENTION;
  self->disk_budget = SEYE_STORE_DEFAULT_DISK_BUDGET;
  _seye_store_write_init (self);
}

/* Properties --------------------------------------------------------------- */

const char *
seye_store_get_path (SeyeStore *self)
{
  g_return_val_if_fail (SEYE_IS_STORE (self), NULL);

  return self->path;
}

const char *
seye_store_get_set_aside_path (SeyeStore *self)
{
  g_return_val_if_fail (SEYE_IS_STORE (self), NULL);

  return self->set_aside_path;
}

/**
 * seye_store_get_read_only:
 *
 * Returns: %TRUE when the store records nothing: it was opened with
 *   %SEYE_STORE_OPEN_READ_ONLY, or its file could be read but not written
 */
gboolean
seye_store_get_read_only (SeyeStore *self)
{
  g_return_val_if_fail (SEYE_IS_STORE (self), FALSE);

  return self->read_only;
}

/**
 * seye_store_get_write_error:
 *
 * Returns: (nullable): when the store was opened to record but its file can only be
 *   read, why (a %SEYE_STORE_ERROR whose message says what to do); else %NULL
 */
const GError *
seye_store_get_write_error (SeyeStore *self)
{
  g_return_val_if_fail (SEYE_IS_STORE (self), NULL);

  return self->write_error;
}

/**
 * seye_store_get_recording_error:
 *
 * Returns: (nullable): see #SeyeStore:recording-error
 */
const char *
seye_store_get_recording_error (SeyeStore *self)
{
  g_return_val_if_fail (SEYE_IS_STORE (self), NULL);

  return self->recording_error;
}

/**
 * seye_store_get_set_aside_message:
 *
 * Returns: (nullable): when a damaged file was moved aside on opening, what happened and
 *   what the user may do, in words; else %NULL
 */
const char *
seye_store_get_set_aside_message (SeyeStore *self)
{
  g_return_val_if_fail (SEYE_IS_STORE (self), NULL);

  return self->set_aside_message;
}

gint64
seye_store_get_raw_retention (SeyeStore *self)
{
  g_return_val_if_fail (SEYE_IS_STORE (self), 0);

  return self->raw_retention;
}

void
seye_store_set_raw_retention (SeyeStore *self,
                              gint64     seconds)
{
  g_return_if_fail (SEYE_IS_STORE (self));

  seconds = CLAMP (seconds, 60, G_MAXINT32);
  if (self->raw_retention == seconds)
    return;

  self->raw_retention = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RAW_RETENTION]);
}

gint64
seye_store_get_rollup_retention (SeyeStore *self)
{
  g_return_val_if_fail (SEYE_IS_STORE (self), 0);

  return self->rollup_retention;
}

void
seye_store_set_rollup_retention (SeyeStore *self,
                                 gint64     seconds)
{
  g_return_if_fail (SEYE_IS_STORE (self));

  seconds = CLAMP (seconds, 60, G_MAXINT32);
  if (self->rollup_retention == seconds)
    return;

  self->rollup_retention = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ROLLUP_RETENTION]);
}

gint64
seye_store_get_hourly_retention (SeyeStore *self)
{
  g_return_val_if_fail (SEYE_IS_STORE (self), 0);

  return self->hourly_retention;
}

void
seye_store_set_hourly_retention (SeyeStore *self,
                                 gint64     seconds)
{
  g_return_if_fail (SEYE_IS_STORE (self));

  seconds = CLAMP (seconds, 60, G_MAXINT32);
  if (self->hourly_retention == seconds)
    return;

  self->hourly_retention = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HOURLY_RETENTION]);
}

/**
 * seye_store_get_history_retention:
 *
 * Returns: how far back history is kept at all, in seconds: the longer of the rollup
 *   tiers' retentions (the alert log is kept as long)
 */
gint64
seye_store_get_history_retention (SeyeStore *self)
{
  g_return_val_if_fail (SEYE_IS_STORE (self), 0);

  return MAX (self->rollup_retention, self->hourly_retention);
}

gint64
seye_store_get_disk_budget (SeyeStore *self)
{
  g_return_val_if_fail (SEYE_IS_STORE (self), 0);

  return self->disk_budget;
}

void
seye_store_set_disk_budget (SeyeStore *self,
                            gint64     bytes)
{
  g_return_if_fail (SEYE_IS_STORE (self));

  bytes = MAX (bytes, 0);
  if (self->disk_budget == bytes)
    return;

  self->disk_budget = bytes;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISK_BUDGET]);
}

/**
 * seye_store_get_disk_usage:
 *
 * What the history takes on disk now: the size of its file and of its write-ahead log.
 *
 * Returns: bytes, 0 when the file cannot be read
 */
gint64
seye_store_get_disk_usage (SeyeStore *self)
{
  g_autofree char *wal = NULL;
  gint64 bytes = 0;
  GStatBuf st;

  g_return_val_if_fail (SEYE_IS_STORE (self), 0);

  wal = g_strconcat (self->path, "-wal", NULL);
  if (g_stat (self->path, &st) == 0)
    bytes += st.st_size;
  if (g_stat (wal, &st) == 0)
    bytes += st.st_size;

  return bytes;
}

void
_seye_store_alert_events_written (SeyeStore *self)
{
  g_signal_emit (self, signals[ALERT_EVENTS_WRITTEN], 0);
}

/* Said once in the log and kept for the UI until a write works again. */
void
_seye_store_set_recording_error (SeyeStore  *self,
                                 const char *message)
{
  if (g_strcmp0 (self->recording_error, message) == 0)
    return;

  if (message != NULL)
    g_warning ("%s", message);
  else
    g_message ("The history database %s is written again", self->path);

  g_free (self->recording_error);
  self->recording_error = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECORDING_ERROR]);
}
