/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Export: a node's history at full resolution as CSV or JSON (docs/api.md, "History export"). */
#define G_LOG_DOMAIN "seye-store"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "seye-error.h"
#include "seye-json.h"
#include "seye-store-private.h"

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
  if (row->span_ms == SEYE_STORE_HOURLY_MS)
    return "hour";
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
  g_autoptr (sqlite3_stmt) stmt = NULL;
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
  sqlite3 *db = _seye_store_read_data_connect (rd, task);

  if (db == NULL)
    return;

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
