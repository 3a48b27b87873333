/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-agent-source"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "seye-agent-source-private.h"
#include "seye-error.h"
#include "seye-json.h"

#define STREAM_RETRY       60                 /* seconds of polling when a node had no room for a stream */

/* Streams ------------------------------------------------------------------ */

/*
 * Where the agent offers GET /v1/stream, a node's samples come on one long
 * answer, a line of JSON each (docs/api.md), instead of a request every
 * interval: that saves the client a whole HTTP exchange per sample. The stream
 * is asked for like any other request (_seye_agent_source_poll(): the same message, TLS
 * check and credentials) once the node's identity and history are in, and it
 * keeps every rule of polling:
 *
 * - no sample for a while counts as a missed poll (check_streams()): stale,
 *   then offline, then retried with backoff, the stream closed;
 * - streams are read all at once, every interval (the pump): the process
 *   wakes up once a round, not once per node and sample;
 * - a line is size-limited and decoded by the same checked decoder; one bad
 *   line ends the stream as a bad answer would end a poll;
 * - an agent without /v1/stream (404) is polled; one without room for another
 *   stream (503) is polled for a while and then asked again;
 * - streams have a session of their own, a connection each, as many as the
 *   open-file limit allows; nodes past that are polled in turns
 *   (seye-agent-source-connections.c);
 * - when a stream ends, the history since its last sample is fetched on the
 *   way back, so no gap is left.
 */

/* Seconds between the samples of @node's stream. */
double
_seye_agent_source_stream_period (SeyeAgentSource *self,
                                  SeyeAgentPeer   *peer)
{
  SeyeNode *node = peer->node;

  return MAX (self->interval, seye_node_get_info (node) != NULL ? seye_node_get_info (node)->interval : 0.0);
}

/* Seconds between two rounds of the pump. */
static double
pump_period (SeyeAgentSource *self)
{
  /* As _seye_agent_source_start_pump() sets it. */
  return self->interval >= 1.0 ? floor (self->interval) : self->interval;
}

static void
stream_arm (SeyeAgentPeer *peer)
{
  peer->stream_quiet = 0;
  peer->stream_misses = 0;
}

/* Whether @peer is to be followed by a stream: streams are on, its agent has
 * them, and the open-file limit leaves room (seye-agent-source-connections.c). */
gboolean
_seye_agent_source_stream_wanted (SeyeAgentSource *self,
                                  SeyeAgentPeer   *peer)
{
  if (!self->stream || peer->stream_unsupported || g_get_monotonic_time () < peer->stream_retry_us)
    return FALSE;

  return _seye_agent_source_stream_room (self);
}

/* After each round of the pump: a stream that stays silent misses polls. A
 * sample is expected every ceil(period / round) rounds; one more is allowed,
 * for a sample that reached us just after a round. */
static void
check_streams (SeyeAgentSource *self)
{
  double pump = pump_period (self);

  for (guint i = 0; i < self->peers->len; i++)
    {
      SeyeAgentPeer *peer = self->peers->pdata[i];
      SeyeNode *node = peer->node;
      double period = _seye_agent_source_stream_period (self, peer);
      guint rounds = (guint) MAX (1.0, ceil (period / pump - 0.01));
      g_autofree char *message = NULL;
      guint seconds;

      if (!peer->streaming || peer->stream_quiet < rounds + 1 + peer->stream_misses * rounds)
        continue;

      peer->stream_misses++;
      seconds = (guint) MAX (1.0, round (peer->stream_quiet * pump));
      message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "no sample for %u second",
                                              "no sample for %u seconds", seconds), seconds);
      _seye_agent_source_failed (self, peer, message);

      if (seye_node_get_state (node) == SEYE_NODE_STATE_OFFLINE ||
          seye_node_get_state (node) == SEYE_NODE_STATE_LEFT)
        {
          /* Gone quiet for good: close it, and knock again as for any offline node. */
          seye_agent_peer_cancel (peer);
          _seye_agent_source_schedule_poll (self, peer, _seye_agent_source_backoff_delay (self, peer));
        }
      else
        {
          /* Still open: the next sample may yet come. */
          g_clear_handle_id (&peer->poll_id, g_source_remove);
        }
    }
}

/* A status other than 200 for /v1/stream. Returns TRUE when it was dealt with
 * (and @request freed): the node is polled instead. */
gboolean
_seye_agent_source_stream_refused (SeyeAgentRequest *request,
                                   guint             status)
{
  g_autoptr (SeyeAgentSource) self = g_weak_ref_get (&request->source);
  SeyeAgentPeer *peer = request->peer;
  SeyeNode *node = peer->node;

  if (self == NULL || peer->cancellable != request->cancellable)
    return FALSE;

  switch (status)
    {
    case SOUP_STATUS_NOT_FOUND:
    case SOUP_STATUS_METHOD_NOT_ALLOWED:
    case SOUP_STATUS_NOT_IMPLEMENTED:
      g_debug ("node “%s” has no stream (HTTP %u): polling it", seye_node_get_key (node), status);
      peer->stream_unsupported = TRUE;
      break;

    case SOUP_STATUS_SERVICE_UNAVAILABLE:
      g_debug ("node “%s” has no room for another stream: polling it for %d s", seye_node_get_key (node), STREAM_RETRY);
      peer->stream_retry_us = g_get_monotonic_time () + STREAM_RETRY * G_USEC_PER_SEC;
      break;

    default:
      return FALSE;
    }

  peer->in_flight = FALSE;
  g_clear_object (&peer->cancellable);
  _seye_agent_request_free (request);
  _seye_agent_source_poll (self, peer);

  return TRUE;
}

/* The end of a stream: @error is NULL when the node closed it. */
static void
stream_finish (SeyeAgentRequest *request,
               GError           *error)
{
  g_autoptr (SeyeAgentSource) self = g_weak_ref_get (&request->source);
  g_autoptr (GError) ended = NULL;
  SeyeAgentPeer *peer = request->peer;
  SeyeNode *node = peer->node;

  if (self != NULL)
    g_ptr_array_remove_fast (self->streams, request);

  if (self != NULL && peer->cancellable == request->cancellable)
    {
      peer->streaming = FALSE;

      /* Samples may be missed until the next one: fill the gap on the way back. */
      if (request->n_samples > 0 && self->fetch_history)
        peer->need_history = TRUE;

      /* It stopped after a while (a restart, or it found us too slow): again, soon. */
      if (error == NULL && request->n_samples > 0)
        {
          gint64 lasted_us = g_get_monotonic_time () - request->started_us;

          g_debug ("node “%s” ended its stream", seye_node_get_key (node));
          peer->in_flight = FALSE;
          g_clear_object (&peer->cancellable);
          _seye_agent_source_schedule_poll (self, peer, lasted_us > self->interval * G_USEC_PER_SEC ? 0 : self->interval);
          _seye_agent_request_free (request);
          return;
        }
    }

  if (error == NULL)
    error = ended = g_error_new_literal (SEYE_ERROR, SEYE_ERROR_UNAVAILABLE,
                                         _("the node ended its stream before any sample"));

  _seye_agent_request_finish (request, error);
}

/* One line of a stream: a sample, or an empty line that says the stream is alive. */
static gboolean
stream_line (SeyeAgentSource   *self,
             SeyeAgentRequest  *request,
             const char        *line,
             gsize              length,
             GError           **error)
{
  g_autoptr (SeyeSample) sample = NULL;
  g_autoptr (GError) local_error = NULL;
  SeyeAgentPeer *peer = request->peer;
  SeyeNode *node = peer->node;

  if (length > 0 && line[length - 1] == '\r')
    length--;
  if (length == 0)
    return TRUE;

  /* The agent is stopping: when it no longer answers, it left the network. */
  if (length == strlen (SEYE_STREAM_GOODBYE) && memcmp (line, SEYE_STREAM_GOODBYE, length) == 0)
    {
      g_debug ("node “%s” said goodbye", seye_node_get_key (node));
      peer->said_goodbye = TRUE;
      return TRUE;
    }

  sample = seye_sample_from_json (line, length, &local_error);
  if (sample == NULL)
    {
      if (g_error_matches (local_error, SEYE_ERROR, SEYE_ERROR_INCOMPATIBLE))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, SEYE_ERROR, SEYE_ERROR_INVALID,
                     _("the node sent bad data: %s"), local_error->message);
      return FALSE;
    }

  request->n_samples++;
  peer->ever_streamed = TRUE;
  stream_arm (peer);
  /* The sample first: a node is online only with one to show. */
  _seye_node_add_sample (node, sample);
  _seye_agent_source_sampled (self, peer);

  return TRUE;
}

/* What was read from a stream: its complete lines are taken. Returns FALSE
 * when the stream is over (and @request freed). */
static gboolean
stream_take (SeyeAgentRequest *request,
             const guint8     *data,
             gsize             size)
{
  g_autoptr (SeyeAgentSource) self = g_weak_ref_get (&request->source);
  g_autoptr (GError) error = NULL;
  GByteArray *buffer = request->body;
  const guint8 *newline;
  gsize start = 0;

  if (self == NULL || request->peer->cancellable != request->cancellable)
    {
      stream_finish (request, NULL);
      return FALSE;
    }

  g_byte_array_append (buffer, data, size);

  while (start < buffer->len && (newline = memchr (buffer->data + start, '\n', buffer->len - start)) != NULL)
    {
      gsize length = newline - (buffer->data + start);

      if (length > request->limit)
        break;

      if (!stream_line (self, request, (const char *) buffer->data + start, length, &error))
        {
          stream_finish (request, error);
          return FALSE;
        }
      start += length + 1;

      /* Adding a sample may have closed the stream (the node was removed). */
      if (request->peer->cancellable != request->cancellable)
        {
          stream_finish (request, NULL);
          return FALSE;
        }
    }
  g_byte_array_remove_range (buffer, 0, start);

  if (buffer->len > request->limit)
    {
      g_set_error (&error, SEYE_ERROR, SEYE_ERROR_INVALID,
                   _("the node sent a line longer than %u KiB"),
                   (guint) (request->limit / 1024));
      stream_finish (request, error);
      return FALSE;
    }

  return TRUE;
}

/* Reads what a stream has now, without waiting. Returns FALSE when it is over. */
static gboolean
stream_pump (SeyeAgentRequest *request)
{
  GPollableInputStream *pollable = G_POLLABLE_INPUT_STREAM (request->stream);
  guint8 buf[16 * 1024];

  if (g_cancellable_is_cancelled (request->cancellable))
    {
      stream_finish (request, NULL);
      return FALSE;
    }

  /* A bounded amount a round: a node that floods us cannot hold the loop. */
  for (guint i = 0; i < 4; i++)
    {
      g_autoptr (GError) error = NULL;
      gssize n = g_pollable_input_stream_read_nonblocking (pollable, buf, sizeof buf, NULL, &error);

      if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        return TRUE;

      if (n <= 0)
        {
          stream_finish (request, error);
          return FALSE;
        }

      if (!stream_take (request, buf, n))
        return FALSE;
    }

  return TRUE;
}

/* Reads every open stream once an interval, all in one go: the process wakes
 * up once a round, not once a node (and a GUI draws what came in one frame). */
static gboolean
pump_cb (gpointer data)
{
  SeyeAgentSource *self = data;
  gboolean streaming = FALSE;

  for (guint i = 0; i < self->peers->len; i++)
    ((SeyeAgentPeer *) self->peers->pdata[i])->stream_quiet++;

  /* From the end: a stream that ends leaves the array by swapping in the last one. */
  for (guint i = self->streams->len; i > 0; i--)
    if (i <= self->streams->len)
      stream_pump (self->streams->pdata[i - 1]);

  check_streams (self);

  for (guint i = 0; i < self->peers->len && !streaming; i++)
    streaming = ((SeyeAgentPeer *) self->peers->pdata[i])->streaming;

  if (self->streams->len == 0 && !streaming)
    {
      self->pump_id = 0;
      return G_SOURCE_REMOVE;
    }

  return G_SOURCE_CONTINUE;
}

void
_seye_agent_source_stop_pump (SeyeAgentSource *self)
{
  g_clear_handle_id (&self->pump_id, g_source_remove);
}

void
_seye_agent_source_start_pump (SeyeAgentSource *self)
{
  if (self->pump_id != 0)
    return;

  /* Whole seconds go through the seconds timer, which GLib fires together
   * with every other one in the process (the GUI's ticker, housekeeping). */
  if (self->interval >= 1.0)
    self->pump_id = g_timeout_add_seconds ((guint) self->interval, pump_cb, self);
  else
    self->pump_id = g_timeout_add ((guint) (self->interval * 1000), pump_cb, self);
  g_source_set_name_by_id (self->pump_id, "[seye] stream pump");
}


/* Streams that cannot be read without waiting: one read at a time. */
static void stream_read_more (SeyeAgentRequest *request);

static void
stream_read_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      data)
{
  SeyeAgentRequest *request = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = NULL;

  bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  if (bytes == NULL || g_bytes_get_size (bytes) == 0)
    {
      stream_finish (request, error);
      return;
    }

  if (stream_take (request, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes)))
    stream_read_more (request);
}

static void
stream_read_more (SeyeAgentRequest *request)
{
  g_input_stream_read_bytes_async (request->stream,
                                   16 * 1024,
                                   G_PRIORITY_DEFAULT,
                                   request->cancellable,
                                   stream_read_cb,
                                   request);
}

/* The node said 200 to /v1/stream: from now on it sends, we read. */
void
_seye_agent_source_stream_start (SeyeAgentRequest *request)
{
  g_autoptr (SeyeAgentSource) self = g_weak_ref_get (&request->source);
  SeyeAgentPeer *peer = request->peer;
  SeyeNode *node = peer->node;

  /* The deadline is for the answer to begin; a stream has no end to wait for. */
  g_clear_handle_id (&request->deadline_id, g_source_remove);
  request->started_us = g_get_monotonic_time ();

  if (self != NULL && peer->cancellable == request->cancellable)
    {
      g_debug ("node “%s”: streaming", seye_node_get_key (node));
      peer->streaming = TRUE;
      stream_arm (peer);
    }

  if (self != NULL)
    _seye_agent_source_start_pump (self);

  if (self != NULL && G_IS_POLLABLE_INPUT_STREAM (request->stream) &&
      g_pollable_input_stream_can_poll (G_POLLABLE_INPUT_STREAM (request->stream)))
    {
      g_ptr_array_add (self->streams, request);
      /* The latest sample is there already, most likely. */
      stream_pump (request);
    }
  else
    {
      stream_read_more (request);
    }
}

/* Streams are asked for with the interval, and only when wanted: ask again. */
void
_seye_agent_source_restart_streams (SeyeAgentSource *self)
{
  for (guint i = 0; i < self->peers->len; i++)
    {
      SeyeAgentPeer *peer = self->peers->pdata[i];

      if (peer->streaming)
        {
          seye_agent_peer_cancel (peer);
          _seye_agent_source_schedule_poll (self, peer, 0);
        }
    }
}

/* Reads every stream once more: the cancelled ones end and go. */
void
_seye_agent_source_drain_streams (SeyeAgentSource *self)
{
  for (guint i = self->streams->len; i > 0; i--)
    if (i <= self->streams->len)
      stream_pump (self->streams->pdata[i - 1]);
}
