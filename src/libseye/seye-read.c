/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-read"

#include "config.h"

#include "seye-read.h"

/*
 * An answer read in chunks, given up as soon as it is larger than the caller's
 * cap: what the agent source's on-demand asks and the Prometheus source read.
 */

#define READ_CHUNK 65536

typedef struct
{
  GByteArray *body;
  gsize       limit;
} Read;

static void
read_free (Read *read)
{
  g_clear_pointer (&read->body, g_byte_array_unref);
  g_free (read);
}

static void read_more (GTask *task);

static void
read_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      data)
{
  g_autoptr (GTask) task = data;
  Read *read = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result, &error);

  if (bytes == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (g_bytes_get_size (bytes) == 0)
    {
      g_task_return_pointer (task, g_byte_array_free_to_bytes (g_steal_pointer (&read->body)),
                             (GDestroyNotify) g_bytes_unref);
      return;
    }

  g_byte_array_append (read->body, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  if (read->body->len > read->limit)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                               "more than %" G_GSIZE_FORMAT " bytes", read->limit);
      return;
    }

  read_more (g_steal_pointer (&task));
}

static void
read_more (GTask *task)
{
  g_input_stream_read_bytes_async (g_task_get_source_object (task), READ_CHUNK, G_PRIORITY_DEFAULT,
                                   g_task_get_cancellable (task), read_cb, task);
}

void
seye_read_capped_async (GInputStream        *stream,
                        gsize                limit,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  GTask *task = g_task_new (stream, cancellable, callback, user_data);
  Read *read = g_new0 (Read, 1);

  g_return_if_fail (G_IS_INPUT_STREAM (stream));

  read->body = g_byte_array_new ();
  read->limit = limit;
  g_task_set_source_tag (task, seye_read_capped_async);
  g_task_set_task_data (task, read, (GDestroyNotify) read_free);
  read_more (task);
}

GBytes *
seye_read_capped_finish (GInputStream  *stream,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, stream), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
