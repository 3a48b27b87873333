/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-agent"

#include "config.h"

#include "seye-agent-processes.h"
#include "seye-error.h"

/*
 * The answers of GET /v1/processes (docs/api.md). Nothing is read from
 * ROOT/proc/[pid] until a client asks. The first request takes a scan and
 * answers after a second one SEYE_AGENT_PROCESSES_FIRST_MS later, so that its
 * CPU % is over a short window that just passed, never since boot. While
 * requests keep coming, each takes a scan when the last one is
 * SEYE_AGENT_PROCESSES_SCAN_MS old or older, and is answered with the CPU %
 * over the time since the scan before: a client that asks every 2 s costs a
 * scan every 2 s, not two. Once nobody has asked for
 * SEYE_AGENT_PROCESSES_KEEP_MS the timer stops and every per-process counter
 * is let go. Each scan is logged at debug level ("processes: scan N"), which
 * the tests count.
 *
 * A stream that carries the top processes (/v1/stream?processes=N) watches
 * them: while any stream watches, the timer takes a scan every
 * SEYE_AGENT_PROCESSES_SCAN_MS, and the 5 s count down from when the last one
 * stopped. Its lines take the list of the last scan as JSON, encoded once per
 * scan for each sort and limit that streams ask for (at most
 * SEYE_AGENT_PROCESSES_MAX_LISTS of them), never with argv.
 */

typedef struct
{
  SoupServerMessage *msg;
  SeyeProcessSort    sort;
  guint              limit;
  gboolean           with_argv;
  gulong             finished_id;
} Pending;

struct _SeyeAgentProcesses
{
  SeyeProcessScanner *scanner;
  GQueue              pending;         /* Pending, waiting for the first window */
  guint               timer;
  gboolean            first_window;    /* the timer is the short one */
  gint64              last_request_us;
  gint64              last_scan_us;
  GHashTable         *watched;         /* list_key () -> streams that watch that list */
  GHashTable         *encoded;         /* list_key () -> GBytes, the last scan's JSON */
};

/* One key for a sort and a limit (1 to SEYE_PROCESS_MAX_LIMIT). */
static gpointer
list_key (SeyeProcessSort sort,
          guint           limit)
{
  return GUINT_TO_POINTER ((guint) sort << 16 | limit);
}

static void
pending_free (Pending *pending)
{
  g_clear_signal_handler (&pending->finished_id, pending->msg);
  g_object_unref (pending->msg);
  g_free (pending);
}

SeyeAgentProcesses *
seye_agent_processes_new (const char *root)
{
  SeyeAgentProcesses *self = g_new0 (SeyeAgentProcesses, 1);

  self->scanner = seye_process_scanner_new (root);
  g_queue_init (&self->pending);
  self->watched = g_hash_table_new (NULL, NULL);
  self->encoded = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_bytes_unref);

  return self;
}

void
seye_agent_processes_free (SeyeAgentProcesses *self)
{
  if (self == NULL)
    return;

  g_clear_handle_id (&self->timer, g_source_remove);
  g_queue_clear_full (&self->pending, (GDestroyNotify) pending_free);
  g_hash_table_unref (self->watched);
  g_hash_table_unref (self->encoded);
  seye_process_scanner_free (self->scanner);
  g_free (self);
}

guint64
seye_agent_processes_get_scans (SeyeAgentProcesses *self)
{
  return seye_process_scanner_get_scans (self->scanner);
}

static void
scan (SeyeAgentProcesses *self)
{
  self->last_scan_us = g_get_monotonic_time ();
  seye_process_scanner_scan (self->scanner, self->last_scan_us);
  g_hash_table_remove_all (self->encoded);
  g_debug ("processes: scan %" G_GUINT64_FORMAT, seye_process_scanner_get_scans (self->scanner));
}

/* A scan unless the last one is younger than SEYE_AGENT_PROCESSES_SCAN_MS,
 * less a tenth: neither timers nor clients are exactly on time. */
static void
scan_if_due (SeyeAgentProcesses *self)
{
  if (g_get_monotonic_time () - self->last_scan_us >= SEYE_AGENT_PROCESSES_SCAN_MS * 900)
    scan (self);
}

static void
respond (SeyeAgentProcesses *self,
         SoupServerMessage  *msg,
         SeyeProcessSort     sort,
         guint               limit,
         gboolean            with_argv)
{
  g_autoptr (SeyeProcessList) list = seye_process_scanner_list (self->scanner, sort, limit, with_argv);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  GString *str = g_string_sized_new (256 + 256 * list->processes->len);
  g_autoptr (GBytes) bytes = NULL;

  seye_process_list_write_json (str, list, with_argv);
  bytes = g_string_free_to_bytes (str);
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_message_headers_set_content_type (headers, "application/json", NULL);
  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  soup_message_body_append_bytes (soup_server_message_get_response_body (msg), bytes);
}

static gboolean
tick_cb (gpointer data)
{
  SeyeAgentProcesses *self = data;
  Pending *pending;

  if (g_queue_is_empty (&self->pending) && g_hash_table_size (self->watched) == 0 &&
      g_get_monotonic_time () - self->last_request_us > SEYE_AGENT_PROCESSES_KEEP_MS * 1000)
    {
      g_debug ("processes: nobody asked for %d ms; scans stop", SEYE_AGENT_PROCESSES_KEEP_MS);
      seye_process_scanner_forget (self->scanner);
      g_hash_table_remove_all (self->encoded);
      self->timer = 0;
      self->first_window = FALSE;
      return G_SOURCE_REMOVE;
    }

  /* The end of the first window; later, scans for the streams that watch. */
  if (self->first_window)
    scan (self);
  else if (g_hash_table_size (self->watched) > 0)
    scan_if_due (self);

  while ((pending = g_queue_pop_head (&self->pending)) != NULL)
    {
      respond (self, pending->msg, pending->sort, pending->limit, pending->with_argv);
      soup_server_message_unpause (pending->msg);
      pending_free (pending);
    }

  /* After the first, short window: the steady one. */
  if (self->first_window)
    {
      self->first_window = FALSE;
      self->timer = g_timeout_add (SEYE_AGENT_PROCESSES_SCAN_MS, tick_cb, self);
      return G_SOURCE_REMOVE;
    }

  return G_SOURCE_CONTINUE;
}

/* The first scan and the short window after it, unless scans run already. */
static void
ensure_scanning (SeyeAgentProcesses *self)
{
  if (self->timer != 0)
    return;

  scan (self);
  self->timer = g_timeout_add (SEYE_AGENT_PROCESSES_FIRST_MS, tick_cb, self);
  self->first_window = TRUE;
}

/* A client that went away before its first window leaves nothing behind. */
static void
pending_finished_cb (SoupServerMessage *msg,
                     gpointer           data)
{
  SeyeAgentProcesses *self = data;

  for (GList *l = self->pending.head; l != NULL; l = l->next)
    {
      Pending *pending = l->data;

      if (pending->msg == msg)
        {
          g_queue_delete_link (&self->pending, l);
          pending_free (pending);
          return;
        }
    }
}

/**
 * seye_agent_processes_answer:
 *
 * Answers @msg from a scan at most SEYE_AGENT_PROCESSES_SCAN_MS old (taking
 * one when the last is older) when there is a window, else pauses it until
 * the first window has passed.
 */
void
seye_agent_processes_answer (SeyeAgentProcesses *self,
                             SoupServerMessage  *msg,
                             SeyeProcessSort     sort,
                             guint               limit,
                             gboolean            with_argv)
{
  Pending *pending;

  self->last_request_us = g_get_monotonic_time ();

  if (self->timer != 0 && g_queue_is_empty (&self->pending) &&
      seye_process_scanner_has_window (self->scanner))
    {
      scan_if_due (self);
      respond (self, msg, sort, limit, with_argv);
      return;
    }

  ensure_scanning (self);

  pending = g_new0 (Pending, 1);
  pending->msg = g_object_ref (msg);
  pending->sort = sort;
  pending->limit = limit;
  pending->with_argv = with_argv;
  pending->finished_id = g_signal_connect (msg, "finished", G_CALLBACK (pending_finished_cb), self);
  g_queue_push_tail (&self->pending, pending);
  soup_server_message_pause (msg);
}

/**
 * seye_agent_processes_watch:
 * @limit: 1 to %SEYE_PROCESS_MAX_LIMIT
 *
 * A stream that carries the top @limit processes by @sort starts: scans run
 * until it stops (seye_agent_processes_unwatch()) and
 * %SEYE_AGENT_PROCESSES_KEEP_MS after.
 *
 * Returns: %FALSE with %SEYE_ERROR_UNAVAILABLE when streams watch
 *   %SEYE_AGENT_PROCESSES_MAX_LISTS other lists already.
 */
gboolean
seye_agent_processes_watch (SeyeAgentProcesses  *self,
                            SeyeProcessSort      sort,
                            guint                limit,
                            GError             **error)
{
  gpointer key = list_key (sort, limit);
  guint watchers = GPOINTER_TO_UINT (g_hash_table_lookup (self->watched, key));

  g_return_val_if_fail (limit >= 1 && limit <= SEYE_PROCESS_MAX_LIMIT, FALSE);

  if (watchers == 0 && g_hash_table_size (self->watched) >= SEYE_AGENT_PROCESSES_MAX_LISTS)
    {
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_UNAVAILABLE,
                   "this node streams %d different process lists (a sort and a number each) "
                   "already; ask for the same “processes” and “process_sort” as another stream, "
                   "or poll /v1/processes", SEYE_AGENT_PROCESSES_MAX_LISTS);
      return FALSE;
    }

  g_hash_table_insert (self->watched, key, GUINT_TO_POINTER (watchers + 1));
  ensure_scanning (self);

  return TRUE;
}

/* A stream that watched stops: scans go on SEYE_AGENT_PROCESSES_KEEP_MS more. */
void
seye_agent_processes_unwatch (SeyeAgentProcesses *self,
                              SeyeProcessSort     sort,
                              guint               limit)
{
  gpointer key = list_key (sort, limit);
  guint watchers = GPOINTER_TO_UINT (g_hash_table_lookup (self->watched, key));

  g_return_if_fail (watchers > 0);

  if (watchers > 1)
    g_hash_table_insert (self->watched, key, GUINT_TO_POINTER (watchers - 1));
  else
    g_hash_table_remove (self->watched, key);
  self->last_request_us = g_get_monotonic_time ();
}

/**
 * seye_agent_processes_get_json:
 *
 * The last scan's top @limit processes by @sort, as /v1/processes has them
 * without argv, encoded once per scan.
 *
 * Returns: (transfer none) (nullable): the JSON, valid until the next scan;
 *   %NULL while the first window has not passed.
 */
GBytes *
seye_agent_processes_get_json (SeyeAgentProcesses *self,
                               SeyeProcessSort     sort,
                               guint               limit)
{
  gpointer key = list_key (sort, limit);
  g_autoptr (SeyeProcessList) list = NULL;
  GBytes *bytes;
  GString *str;

  if (self->timer == 0 || !seye_process_scanner_has_window (self->scanner))
    return NULL;

  if ((bytes = g_hash_table_lookup (self->encoded, key)) != NULL)
    return bytes;

  list = seye_process_scanner_list (self->scanner, sort, limit, FALSE);
  str = g_string_sized_new (256 + 256 * list->processes->len);
  seye_process_list_write_json (str, list, FALSE);
  bytes = g_string_free_to_bytes (str);
  g_hash_table_insert (self->encoded, key, bytes);

  return bytes;
}
