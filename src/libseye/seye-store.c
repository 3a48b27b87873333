/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-store"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "seye-error.h"
#include "seye-json.h"
#include "seye-store-private.h"

enum {
  PROP_0,
  PROP_PATH,
  PROP_RAW_RETENTION,
  PROP_ROLLUP_RETENTION,
  PROP_SET_ASIDE_PATH,
  PROP_RECORDING_ERROR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

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

/* Opening ------------------------------------------------------------------ */

/* GObject ------------------------------------------------------------------ */

static void
watched_node_finalized_cb (gpointer  data,
                           GObject  *where_the_object_was)
{
  SeyeStore *self = data;

  g_hash_table_remove (self->watched, where_the_object_was);
}

static void
unwatch_all (SeyeStore *self)
{
  GHashTableIter iter;
  gpointer node;

  if (self->watched == NULL)
    return;

  g_hash_table_iter_init (&iter, self->watched);
  while (g_hash_table_iter_next (&iter, &node, NULL))
    {
      g_signal_handlers_disconnect_by_data (node, self);
      g_object_weak_unref (node, watched_node_finalized_cb, self);
    }
  g_hash_table_remove_all (self->watched);
}

static void
seye_store_dispose (GObject *object)
{
  SeyeStore *self = SEYE_STORE (object);
  g_autoptr (GError) error = NULL;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->commit_id, g_source_remove);
  g_clear_handle_id (&self->maintain_id, g_source_remove);
  unwatch_all (self);
  if (self->monitor != NULL)
    g_signal_handlers_disconnect_by_data (self->monitor, self);
  g_clear_object (&self->monitor);

  if (self->db != NULL && self->pending->len > 0 && !seye_store_commit (self, &error))
    g_warning ("%u samples were not written: %s", self->pending->len, error->message);

  G_OBJECT_CLASS (seye_store_parent_class)->dispose (object);
}

static void
seye_store_finalize (GObject *object)
{
  SeyeStore *self = SEYE_STORE (object);

  _seye_store_close_db (self);
  g_clear_pointer (&self->pending, g_array_unref);
  g_clear_pointer (&self->node_cache, g_hash_table_unref);
  g_clear_pointer (&self->watched, g_hash_table_unref);
  g_clear_object (&self->cancellable);
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
  properties[PROP_SET_ASIDE_PATH] = g_param_spec_string ("set-aside-path", NULL, NULL, NULL, ro);
  /**
   * SeyeStore:recording-error:
   *
   * Why the samples of the attached monitor cannot be written now (the disk filled up,
   * the file became read-only), as a sentence that says what happens and what to do;
   * %NULL while they are written. The samples wait in memory meanwhile.
   */
  properties[PROP_RECORDING_ERROR] = g_param_spec_string ("recording-error", NULL, NULL, NULL, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
seye_store_init (SeyeStore *self)
{
  self->raw_retention = SEYE_STORE_DEFAULT_RAW_RETENTION;
  self->rollup_retention = SEYE_STORE_DEFAULT_ROLLUP_RETENTION;
  _seye_store_write_init (self);
  self->watched = g_hash_table_new (NULL, NULL);
  self->cancellable = g_cancellable_new ();
}

/* Opening ------------------------------------------------------------------ */

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

/* Writing ------------------------------------------------------------------ */

/* Maintenance -------------------------------------------------------------- */

/* Reading ------------------------------------------------------------------ */

/* Export ------------------------------------------------------------------- */

typedef struct
{
  GOutputStream   *stream;
  GCancellable    *cancellable;
  SeyeStoreFormat  format;
  GString         *buffer;
  gboolean         first;
} Export;

static gboolean
export_write (Export  *export,
              gboolean force,
              GError **error)
{
  gboolean ok = TRUE;

  if (export->buffer->len == 0 || (!force && export->buffer->len < 64 * 1024))
    return TRUE;

  ok = g_output_stream_write_all (export->stream, export->buffer->str, export->buffer->len, NULL,
                                  export->cancellable, error);
  g_string_truncate (export->buffer, 0);

  return ok;
}

static void
append_number (GString *str,
               double   value,
               int      decimals)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  char *end;

  if (decimals == 0)
    {
      g_string_append_printf (str, "%.0f", value);
      return;
    }

  g_ascii_formatd (buf, sizeof buf, decimals == 1 ? "%.1f" : "%.2f", value);
  /* No trailing zeros: "12.5", "3" */
  end = buf + strlen (buf);
  if (strchr (buf, '.') != NULL)
    {
      while (end > buf && end[-1] == '0')
        *--end = '\0';
      if (end > buf && end[-1] == '.')
        *--end = '\0';
    }
  if (g_str_equal (buf, "-0"))
    strcpy (buf, "0");
  g_string_append (str, buf);
}

static const char *
resolution_name (const Row *row)
{
  if (row->span_ms == 0)
    return "raw";
  if (row->span_ms == SEYE_STORE_ROLLUP_MS)
    return "minute";
  return "bucket";
}

static void
append_iso_time (GString *str,
                 gint64   ms)
{
  g_autoptr (GDateTime) utc = g_date_time_new_from_unix_utc (ms / 1000);

  if (utc == NULL)
    {
      g_string_append (str, "?");
      return;
    }

  {
    g_autofree char *text = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%S");

    g_string_append_printf (str, "%s.%03dZ", text, (int) (ms % 1000));
  }
}

static void
csv_header (GString *str)
{
  g_string_append (str, "time,time_ms,resolution,samples,gap_before");
  for (guint m = 0; m < N_METRICS; m++)
    {
      const char *name = _seye_store_metrics[m].name;

      g_string_append_printf (str, ",%s,%s_min,%s_max", name, name, name);
    }
  g_string_append (str, ",cores_busy_percent\n");
}

static void
cores_list (GString    *str,
            const Row  *row,
            const char *separator)
{
  for (guint i = 0; i < row->cores->len; i++)
    {
      if (i > 0)
        g_string_append (str, separator);
      append_number (str, g_array_index (row->cores, double, i), 1);
    }
}

static void
csv_row (GString   *str,
         const Row *row)
{
  append_iso_time (str, row->time_ms);
  g_string_append_printf (str, ",%" G_GINT64_FORMAT ",%s,%u,%d", row->time_ms, resolution_name (row),
                          row->n, row->gap_before ? 1 : 0);

  for (guint m = 0; m < N_METRICS; m++)
    {
      if (!(row->has & (1u << m)))
        {
          g_string_append (str, ",,,");
          continue;
        }
      g_string_append_c (str, ',');
      append_number (str, row->avg[m], _seye_store_metrics[m].decimals);
      g_string_append_c (str, ',');
      append_number (str, row->min[m], _seye_store_metrics[m].decimals);
      g_string_append_c (str, ',');
      append_number (str, row->max[m], _seye_store_metrics[m].decimals);
    }

  g_string_append_c (str, ',');
  cores_list (str, row, " ");
  g_string_append_c (str, '\n');
}

static void
json_values (GString      *str,
             const Row    *row,
             const double *values,
             gboolean      with_cores)
{
  gboolean first = TRUE;

  g_string_append_c (str, '{');
  for (guint m = 0; m < N_METRICS; m++)
    {
      if (!(row->has & (1u << m)))
        continue;
      if (!first)
        g_string_append_c (str, ',');
      first = FALSE;
      g_string_append_printf (str, "\"%s\":", _seye_store_metrics[m].name);
      append_number (str, values[m], _seye_store_metrics[m].decimals);
    }
  if (with_cores && row->cores->len > 0)
    {
      g_string_append_printf (str, "%s\"cores_busy_percent\":[", first ? "" : ",");
      cores_list (str, row, ",");
      g_string_append_c (str, ']');
    }
  g_string_append_c (str, '}');
}

static void
json_row (GString   *str,
          const Row *row,
          gboolean   first)
{
  g_string_append (str, first ? "\n    " : ",\n    ");
  g_string_append_printf (str, "{\"time\":%" G_GINT64_FORMAT ",\"resolution\":\"%s\",\"samples\":%u,"
                               "\"gap_before\":%s,\"values\":",
                          row->time_ms, resolution_name (row), row->n, row->gap_before ? "true" : "false");
  json_values (str, row, row->avg, TRUE);
  if (row->span_ms > 0)
    {
      g_string_append (str, ",\"min\":");
      json_values (str, row, row->min, FALSE);
      g_string_append (str, ",\"max\":");
      json_values (str, row, row->max, FALSE);
    }
  g_string_append_c (str, '}');
}

static gboolean
export_row_cb (const Row  *row,
               gpointer    user_data,
               GError    **error)
{
  Export *export = user_data;

  if (g_cancellable_set_error_if_cancelled (export->cancellable, error))
    return FALSE;

  if (export->format == SEYE_STORE_FORMAT_CSV)
    csv_row (export->buffer, row);
  else
    json_row (export->buffer, row, export->first);
  export->first = FALSE;

  return export_write (export, FALSE, error);
}

static gboolean
node_details (sqlite3     *db,
              const char  *node_id,
              char       **name,
              char       **address)
{
  sqlite3_stmt *stmt = NULL;
  gboolean found = FALSE;

  if (sqlite3_prepare_v2 (db, "SELECT name, address FROM nodes WHERE node_id = ?1", -1, &stmt, NULL) == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, node_id, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        {
          *name = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
          *address = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
          found = TRUE;
        }
    }
  sqlite3_finalize (stmt);

  return found;
}

static gboolean
export_db (sqlite3          *db,
           const char       *node_id,
           gint64            from_ms,
           gint64            to_ms,
           SeyeStoreFormat   format,
           GOutputStream    *stream,
           GCancellable     *cancellable,
           GError          **error)
{
  g_autoptr (GString) buffer = g_string_new (NULL);
  g_autofree char *name = NULL;
  g_autofree char *address = NULL;
  Export export = { stream, cancellable, format, buffer, TRUE };

  if (!node_details (db, node_id, &name, &address))
    {
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_INVALID,
                   _("There is no history for the node “%s”"), node_id);
      return FALSE;
    }

  if (format == SEYE_STORE_FORMAT_CSV)
    {
      csv_header (buffer);
    }
  else
    {
      g_string_append_printf (buffer, "{\n  \"format\": \"sorcerers-eye-history\",\n  \"version\": 1,\n"
                                      "  \"node_id\": ");
      seye_json_write_string (buffer, node_id);
      g_string_append (buffer, ",\n  \"name\": ");
      seye_json_write_string (buffer, name);
      g_string_append (buffer, ",\n  \"address\": ");
      seye_json_write_string (buffer, address);
      g_string_append_printf (buffer, ",\n  \"from\": %" G_GINT64_FORMAT ",\n  \"to\": %" G_GINT64_FORMAT
                                      ",\n  \"points\": [", from_ms, to_ms);
    }

  if (!_seye_store_read_series (db, node_id, from_ms, to_ms, 0, export_row_cb, &export, error))
    return FALSE;

  if (format == SEYE_STORE_FORMAT_JSON)
    g_string_append (buffer, export.first ? "]\n}\n" : "\n  ]\n}\n");

  return export_write (&export, TRUE, error);
}

/**
 * seye_store_export:
 * @format: CSV (header line, units in the column names) or JSON (see docs/api.md,
 *   "History export")
 *
 * Writes a node's history over [from, to] at full resolution: raw samples where
 * they are held, one-minute rollups before. Use seye_store_export_async() from a
 * main loop: a day of raw samples is tens of megabytes.
 */
gboolean
seye_store_export (SeyeStore        *self,
                   const char       *node_id,
                   gint64            from_ms,
                   gint64            to_ms,
                   SeyeStoreFormat   format,
                   GOutputStream    *stream,
                   GCancellable     *cancellable,
                   GError          **error)
{
  g_return_val_if_fail (SEYE_IS_STORE (self), FALSE);
  g_return_val_if_fail (node_id != NULL, FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), FALSE);

  return export_db (self->db, node_id, from_ms, to_ms, format, stream, cancellable, error);
}

static void
export_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ReadData *rd = task_data;
  g_autoptr (GFileOutputStream) stream = NULL;
  GError *error = NULL;
  sqlite3 *db;
  int rc;

  db = _seye_store_open_connection (rd->path, TRUE, rd->immutable, FALSE, WORKER_BUSY_MS, &rc, &error);
  if (db == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  stream = g_file_replace (rd->file, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION, cancellable, &error);
  if (stream != NULL &&
      export_db (db, rd->node_id, rd->from_ms, rd->to_ms, rd->format, G_OUTPUT_STREAM (stream),
                 cancellable, &error) &&
      g_output_stream_close (G_OUTPUT_STREAM (stream), cancellable, &error))
    {
      g_task_return_boolean (task, TRUE);
    }
  else
    {
      /* Closing a replaced file after a failure would leave a half file in place. */
      if (stream != NULL)
        {
          g_autoptr (GCancellable) cancel = g_cancellable_new ();

          g_cancellable_cancel (cancel);
          g_output_stream_close (G_OUTPUT_STREAM (stream), cancel, NULL);
        }
      g_task_return_error (task, error);
    }

  sqlite3_close (db);
}

/**
 * seye_store_export_async:
 * @file: where to write; replaced only once the export is complete
 *
 * seye_store_export() into @file, on a worker thread with a connection of its own.
 */
void
seye_store_export_async (SeyeStore           *self,
                         const char          *node_id,
                         gint64               from_ms,
                         gint64               to_ms,
                         SeyeStoreFormat      format,
                         GFile               *file,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  ReadData *rd;

  g_return_if_fail (SEYE_IS_STORE (self));
  g_return_if_fail (node_id != NULL);
  g_return_if_fail (G_IS_FILE (file));

  rd = _seye_store_read_data_new (self, node_id, from_ms, to_ms);
  rd->format = format;
  rd->file = g_object_ref (file);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, seye_store_export_async);
  g_task_set_task_data (task, rd, _seye_store_read_data_free);
  g_task_run_in_thread (task, export_thread);
}

gboolean
seye_store_export_finish (SeyeStore     *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Recording a monitor ------------------------------------------------------ */

/* Said once in the log and kept for the UI until a write works again. */
static void
set_recording_error (SeyeStore  *self,
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

static gboolean
commit_cb (gpointer data)
{
  SeyeStore *self = data;
  g_autoptr (GError) error = NULL;

  self->commit_id = 0;

  /* A round is 100 samples; the history every node hands over on first contact can be
   * 3600 each: write that in slices so the main loop keeps turning. */
  if (!_seye_store_commit_pending (self, COMMIT_SLICE, &error))
    {
      if (g_error_matches (error, SEYE_ERROR, SEYE_ERROR_UNAVAILABLE))
        g_debug ("%s; the samples stay queued", error->message);
      else
        set_recording_error (self, error->message);
    }
  else
    {
      set_recording_error (self, NULL);
      if (self->pending->len > 0)
        self->commit_id = g_timeout_add (10, commit_cb, self);
    }

  return G_SOURCE_REMOVE;
}

static void
sample_added_cb (SeyeNode   *node,
                 SeyeSample *sample,
                 SeyeStore  *self)
{
  const SeyeNodeInfo *info = seye_node_get_info (node);
  double interval;

  /* Only a node that said who it is has a key that survives a new address. */
  if (info == NULL || info->node_id == NULL)
    return;

  seye_store_add (self, info->node_id, seye_node_get_name (node), seye_node_get_address (node), sample);

  /* Nodes answer at their own moments; one commit collects a whole polling round. */
  if (self->commit_id == 0)
    {
      interval = self->monitor != NULL ? seye_monitor_get_interval (self->monitor) : 1.0;
      /* Whole seconds: a seconds timer fires with the monitor's own, in one wake-up. */
      if (interval >= 1.0)
        self->commit_id = g_timeout_add_seconds ((guint) MIN (interval, 10.0), commit_cb, self);
      else
        self->commit_id = g_timeout_add ((guint) (MAX (interval, 0.2) * 1000), commit_cb, self);
    }
}

static void
watch_node (SeyeStore *self,
            SeyeNode  *node)
{
  if (g_hash_table_contains (self->watched, node))
    return;

  g_hash_table_add (self->watched, node);
  g_object_weak_ref (G_OBJECT (node), watched_node_finalized_cb, self);
  g_signal_connect (node, "sample-added", G_CALLBACK (sample_added_cb), self);
}

static void
items_changed_cb (SeyeStore  *self,
                  guint       position,
                  guint       removed,
                  guint       added,
                  GListModel *model)
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
  SeyeStore *self = SEYE_STORE (object);
  g_autoptr (GError) error = NULL;

  self->maintaining = FALSE;

  if (!seye_store_maintain_finish (self, result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      if (g_error_matches (error, SEYE_ERROR, SEYE_ERROR_UNAVAILABLE))
        g_debug ("%s", error->message);
      else
        g_warning ("%s", error->message);
    }
}

static gboolean
maintain_cb (gpointer data)
{
  SeyeStore *self = data;

  if (!self->maintaining)
    {
      self->maintaining = TRUE;
      seye_store_maintain_async (self, g_get_real_time () / 1000, self->cancellable, maintain_done_cb, NULL);
    }

  return G_SOURCE_CONTINUE;
}

/**
 * seye_store_attach_monitor:
 *
 * Records every sample of @monitor's nodes (those that told their node id): the
 * samples of a polling round are committed together one monitor interval after
 * the first of them came in. Once a minute, rollup, pruning and checkpointing run
 * on a worker thread. Everything stops when the store is disposed of; what is
 * queued then is committed.
 */
void
seye_store_attach_monitor (SeyeStore   *self,
                           SeyeMonitor *monitor)
{
  guint n;

  g_return_if_fail (SEYE_IS_STORE (self));
  g_return_if_fail (SEYE_IS_MONITOR (monitor));
  g_return_if_fail (self->monitor == NULL);
  g_return_if_fail (!self->read_only);

  self->monitor = g_object_ref (monitor);
  g_signal_connect_object (monitor, "items-changed", G_CALLBACK (items_changed_cb), self, G_CONNECT_SWAPPED);

  n = g_list_model_get_n_items (G_LIST_MODEL (monitor));
  items_changed_cb (self, 0, 0, n, G_LIST_MODEL (monitor));

  self->maintain_id = g_timeout_add_seconds (MAINTAIN_PERIOD_S, maintain_cb, self);
  maintain_cb (self);
}
