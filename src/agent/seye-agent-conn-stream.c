/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-agent"

#include "config.h"

#include <string.h>

#include "seye-agent-conn-stream.h"

/*
 * SeyeAgentConnStream: the stream the agent hands to libsoup for one accepted
 * connection, around the socket's (or TLS connection's) own stream.
 *
 * It is there for a bug of libsoup 3.2 (Debian 12), fixed upstream in 3.3:
 * when a client closes a keep-alive connection between two requests, or
 * connects and closes without sending a byte, the server's read of the next
 * request ends before any "request-started", nobody is told, and the
 * connection is never disconnected: its socket stays open (CLOSE-WAIT) and its
 * objects are never freed, a file descriptor and some 2.5 KB for every client
 * connection, until the agent runs out of descriptors. A connection reset
 * there is lost the same way.
 *
 * libsoup does disconnect a connection whose request it has started to read and
 * that then fails. So when the end of the stream (or a reset) comes where a
 * request would start (nothing read since the last response was done), this
 * stream gives one "\n" first: libsoup starts a request, finds its headers
 * malformed, and disconnects and frees the connection as it should. Only a
 * client that has already gone could ever see the "400 Bad Request".
 *
 * It also hides a request's body framing from libsoup: the last letter of a
 * "Content-Length" or "Transfer-Encoding" header's name becomes "*" as it
 * passes (SEYE_AGENT_CONN_STREAM_CONTENT_LENGTH, ..._TRANSFER_ENCODING). No
 * endpoint takes a body and the agent refuses any request that has those
 * headers; libsoup 3.2 would read a body it cannot delimit forever, and leaks
 * the request's path when it cannot read the framing at all (fixed in 3.3).
 */

/* The input side ----------------------------------------------------------- */

#define SEYE_TYPE_IDLE_EOF_INPUT_STREAM (seye_idle_eof_input_stream_get_type ())
G_DECLARE_FINAL_TYPE (SeyeIdleEofInputStream, seye_idle_eof_input_stream, SEYE, IDLE_EOF_INPUT_STREAM,
                      GInputStream)

struct _SeyeIdleEofInputStream
{
  GInputStream  parent_instance;

  GInputStream *base;          /* pollable */
  gboolean      idle;          /* nothing read since the last response was done */
  gboolean      gave_newline;  /* the "\n" before the end has gone out */
  guint         line_pos;      /* bytes of the current line seen, while it may name framing */
  guint         candidates;    /* which framing names it may still be (bits of framing_names) */
};

static const char * const framing_names[] = { "content-length", "transfer-encoding" };
#define ALL_CANDIDATES 0x3

/* Renames framing headers in @buffer, as the bytes of the stream go by. */
static void
hide_framing (SeyeIdleEofInputStream *self,
              char                   *buffer,
              gsize                   length)
{
  for (gsize i = 0; i < length; i++)
    {
      char c = g_ascii_tolower (buffer[i]);

      if (c == '\n')
        {
          self->line_pos = 0;
          self->candidates = ALL_CANDIDATES;
          continue;
        }
      if (self->candidates == 0)
        continue;

      for (guint n = 0; n < G_N_ELEMENTS (framing_names); n++)
        {
          if (!(self->candidates & (1u << n)))
            continue;
          if (framing_names[n][self->line_pos] != c)
            self->candidates &= ~(1u << n);
          else if (framing_names[n][self->line_pos + 1] == '\0')
            {
              buffer[i] = '*';
              self->candidates = 0;
            }
        }
      self->line_pos++;
    }
}

static void seye_idle_eof_input_stream_pollable_init (GPollableInputStreamInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (SeyeIdleEofInputStream, seye_idle_eof_input_stream, G_TYPE_INPUT_STREAM,
                               G_IMPLEMENT_INTERFACE (G_TYPE_POLLABLE_INPUT_STREAM,
                                                      seye_idle_eof_input_stream_pollable_init))

/* What a read of the base stream that returned @nread (and @base_error)
 * turns into. A reset connection ends like a closed one. */
static gssize
after_base_read (SeyeIdleEofInputStream  *self,
                 gssize                   nread,
                 GError                  *base_error,
                 void                    *buffer,
                 gsize                    count,
                 GError                 **error)
{
  if (nread > 0)
    {
      self->idle = FALSE;
      hide_framing (self, buffer, nread);
      return nread;
    }

  if (self->idle && !self->gave_newline && count > 0 &&
      (nread == 0 || !g_error_matches (base_error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK)))
    {
      g_clear_error (&base_error);
      self->gave_newline = TRUE;
      memcpy (buffer, "\n", 1);
      return 1;
    }

  if (base_error != NULL)
    g_propagate_error (error, base_error);

  return nread;
}

static gssize
seye_idle_eof_input_stream_read (GInputStream  *stream,
                                 void          *buffer,
                                 gsize          count,
                                 GCancellable  *cancellable,
                                 GError       **error)
{
  SeyeIdleEofInputStream *self = SEYE_IDLE_EOF_INPUT_STREAM (stream);

  GError *base_error = NULL;
  gssize nread;

  if (self->gave_newline)
    return 0;

  nread = g_input_stream_read (self->base, buffer, count, cancellable, &base_error);

  return after_base_read (self, nread, base_error, buffer, count, error);
}

static gboolean
seye_idle_eof_input_stream_close (GInputStream  *stream,
                                  GCancellable  *cancellable,
                                  GError       **error)
{
  /* The base stream is closed with its GIOStream. */
  return TRUE;
}

static gboolean
seye_idle_eof_input_stream_can_poll (GPollableInputStream *stream)
{
  return TRUE;
}

static gboolean
seye_idle_eof_input_stream_is_readable (GPollableInputStream *stream)
{
  SeyeIdleEofInputStream *self = SEYE_IDLE_EOF_INPUT_STREAM (stream);

  return self->gave_newline || g_pollable_input_stream_is_readable (G_POLLABLE_INPUT_STREAM (self->base));
}

static GSource *
seye_idle_eof_input_stream_create_source (GPollableInputStream *stream,
                                          GCancellable         *cancellable)
{
  SeyeIdleEofInputStream *self = SEYE_IDLE_EOF_INPUT_STREAM (stream);
  g_autoptr (GSource) base_source = NULL;

  if (self->gave_newline)
    base_source = g_timeout_source_new (0);
  else
    base_source = g_pollable_input_stream_create_source (G_POLLABLE_INPUT_STREAM (self->base), NULL);

  return g_pollable_source_new_full (stream, base_source, cancellable);
}

static gssize
seye_idle_eof_input_stream_read_nonblocking (GPollableInputStream  *stream,
                                             void                  *buffer,
                                             gsize                  count,
                                             GError               **error)
{
  SeyeIdleEofInputStream *self = SEYE_IDLE_EOF_INPUT_STREAM (stream);

  GError *base_error = NULL;
  gssize nread;

  if (self->gave_newline)
    return 0;

  nread = g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (self->base),
                                                    buffer, count, NULL, &base_error);

  return after_base_read (self, nread, base_error, buffer, count, error);
}

static void
seye_idle_eof_input_stream_pollable_init (GPollableInputStreamInterface *iface)
{
  iface->can_poll = seye_idle_eof_input_stream_can_poll;
  iface->is_readable = seye_idle_eof_input_stream_is_readable;
  iface->create_source = seye_idle_eof_input_stream_create_source;
  iface->read_nonblocking = seye_idle_eof_input_stream_read_nonblocking;
}

static void
seye_idle_eof_input_stream_finalize (GObject *object)
{
  SeyeIdleEofInputStream *self = SEYE_IDLE_EOF_INPUT_STREAM (object);

  g_clear_object (&self->base);

  G_OBJECT_CLASS (seye_idle_eof_input_stream_parent_class)->finalize (object);
}

static void
seye_idle_eof_input_stream_class_init (SeyeIdleEofInputStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GInputStreamClass *input_class = G_INPUT_STREAM_CLASS (klass);

  object_class->finalize = seye_idle_eof_input_stream_finalize;
  input_class->read_fn = seye_idle_eof_input_stream_read;
  input_class->close_fn = seye_idle_eof_input_stream_close;
}

static void
seye_idle_eof_input_stream_init (SeyeIdleEofInputStream *self)
{
  self->idle = TRUE;
  /* The request line cannot name a header. */
  self->candidates = 0;
}

/* The connection ----------------------------------------------------------- */

struct _SeyeAgentConnStream
{
  GIOStream               parent_instance;

  GIOStream              *base;
  SeyeIdleEofInputStream *input;
};

G_DEFINE_FINAL_TYPE (SeyeAgentConnStream, seye_agent_conn_stream, G_TYPE_IO_STREAM)

static GInputStream *
seye_agent_conn_stream_get_input_stream (GIOStream *stream)
{
  return G_INPUT_STREAM (SEYE_AGENT_CONN_STREAM (stream)->input);
}

static GOutputStream *
seye_agent_conn_stream_get_output_stream (GIOStream *stream)
{
  return g_io_stream_get_output_stream (SEYE_AGENT_CONN_STREAM (stream)->base);
}

static gboolean
seye_agent_conn_stream_close (GIOStream     *stream,
                              GCancellable  *cancellable,
                              GError       **error)
{
  return g_io_stream_close (SEYE_AGENT_CONN_STREAM (stream)->base, cancellable, error);
}

static void
seye_agent_conn_stream_finalize (GObject *object)
{
  SeyeAgentConnStream *self = SEYE_AGENT_CONN_STREAM (object);

  g_clear_object (&self->input);
  g_clear_object (&self->base);

  G_OBJECT_CLASS (seye_agent_conn_stream_parent_class)->finalize (object);
}

static void
seye_agent_conn_stream_class_init (SeyeAgentConnStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GIOStreamClass *stream_class = G_IO_STREAM_CLASS (klass);

  object_class->finalize = seye_agent_conn_stream_finalize;
  stream_class->get_input_stream = seye_agent_conn_stream_get_input_stream;
  stream_class->get_output_stream = seye_agent_conn_stream_get_output_stream;
  stream_class->close_fn = seye_agent_conn_stream_close;
}

static void
seye_agent_conn_stream_init (SeyeAgentConnStream *self)
{
}

/**
 * seye_agent_conn_stream_new:
 * @base_stream: an accepted connection, whose input stream is pollable
 *
 * Returns: (transfer full): the stream to give to soup_server_accept_iostream()
 */
SeyeAgentConnStream *
seye_agent_conn_stream_new (GIOStream *base_stream)
{
  SeyeAgentConnStream *self;
  GInputStream *base_input;

  g_return_val_if_fail (G_IS_IO_STREAM (base_stream), NULL);

  base_input = g_io_stream_get_input_stream (base_stream);
  g_return_val_if_fail (G_IS_POLLABLE_INPUT_STREAM (base_input), NULL);

  self = g_object_new (SEYE_TYPE_AGENT_CONN_STREAM, NULL);
  self->base = g_object_ref (base_stream);
  self->input = g_object_new (SEYE_TYPE_IDLE_EOF_INPUT_STREAM, NULL);
  self->input->base = g_object_ref (base_input);

  return self;
}

GIOStream *
seye_agent_conn_stream_get_base (SeyeAgentConnStream *self)
{
  g_return_val_if_fail (SEYE_IS_AGENT_CONN_STREAM (self), NULL);

  return self->base;
}

/**
 * seye_agent_conn_stream_mark_idle:
 *
 * Tells that a response is done: until the next byte comes, the connection is
 * between two requests, where the end of the stream is the client's goodbye.
 */
void
seye_agent_conn_stream_mark_idle (SeyeAgentConnStream *self)
{
  g_return_if_fail (SEYE_IS_AGENT_CONN_STREAM (self));

  self->input->idle = TRUE;
}
