/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-agent"

#include "config.h"

#include "seye-agent-processes.h"

/*
 * The answers of GET /v1/processes (docs/api.md). Nothing is read from
 * ROOT/proc/[pid] until a client asks. The first request takes a scan and
 * answers after a second one SEYE_AGENT_PROCESSES_FIRST_MS later, so that its
 * CPU % is over a short window that just passed, never since boot. While
 * requests keep coming the scanner runs every SEYE_AGENT_PROCESSES_SCAN_MS and
 * requests are answered at once from its last scan; once nobody has asked for
 * SEYE_AGENT_PROCESSES_KEEP_MS the timer stops and every per-process counter
 * is let go. Each scan is logged at debug level ("processes: scan N"), which
 * the tests count.
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
};

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

  return self;
}

void
seye_agent_processes_free (SeyeAgentProcesses *self)
{
  if (self == NULL)
    return;

  g_clear_handle_id (&self->timer, g_source_remove);
  g_queue_clear_full (&self->pending, (GDestroyNotify) pending_free);
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
  seye_process_scanner_scan (self->scanner, g_get_monotonic_time ());
  g_debug ("processes: scan %" G_GUINT64_FORMAT, seye_process_scanner_get_scans (self->scanner));
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

  if (g_queue_is_empty (&self->pending) &&
      g_get_monotonic_time () - self->last_request_us > SEYE_AGENT_PROCESSES_KEEP_MS * 1000)
    {
      g_debug ("processes: nobody asked for %d ms; scans stop", SEYE_AGENT_PROCESSES_KEEP_MS);
      seye_process_scanner_forget (self->scanner);
      self->timer = 0;
      self->first_window = FALSE;
      return G_SOURCE_REMOVE;
    }

  scan (self);
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
 * Answers @msg from the last scan when there is a window, else pauses it
 * until the first window has passed.
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
      respond (self, msg, sort, limit, with_argv);
      return;
    }

  if (self->timer == 0)
    {
      scan (self);
      self->timer = g_timeout_add (SEYE_AGENT_PROCESSES_FIRST_MS, tick_cb, self);
      self->first_window = TRUE;
    }

  pending = g_new0 (Pending, 1);
  pending->msg = g_object_ref (msg);
  pending->sort = sort;
  pending->limit = limit;
  pending->with_argv = with_argv;
  pending->finished_id = g_signal_connect (msg, "finished", G_CALLBACK (pending_finished_cb), self);
  g_queue_push_tail (&self->pending, pending);
  soup_server_message_pause (msg);
}
