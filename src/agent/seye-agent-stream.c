/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-agent"

#include "config.h"

#include <math.h>
#include <string.h>

#include "seye-agent-stream.h"
#include "seye-error.h"
#include "seye-json.h"

/*
 * GET /v1/stream: one long response, one line of JSON per sample as each is
 * taken (newline-delimited JSON), instead of a request a second. A line is the
 * sample's JSON as /v1/metrics serves it (encoded once, when the sample was
 * taken) and "\n", made once for every subscriber: nothing is encoded per
 * subscriber. When nothing has been written for the heartbeat, an empty line
 * says the stream is alive.
 *
 * The body is not chunked: it runs until the connection closes, so a line
 * goes out in one write (libsoup writes a chunk's size, data and end in three).
 *
 * Sampling never waits for a reader: a line is appended to the response body
 * and libsoup writes it when the socket takes it. A reader that falls more
 * than SEYE_AGENT_STREAM_MAX_BEHIND lines behind (it stopped reading, or reads
 * slower than the samples come) is dropped: its connection is closed. So is
 * the memory a stream holds bounded, as is the number of streams.
 *
 * "?interval=SECONDS" thins the stream out for a client that wants fewer
 * samples than the node takes: a sample goes out only when at least that long
 * has passed (give or take half a sampling interval) since the last one.
 *
 * "?view=totals" leaves out the lists of network interfaces, disks and
 * filesystems (seye_json_write_sample_totals()): a view of many nodes needs
 * the totals only, and decoding half the bytes costs it half as much.
 * "?view=compact" has the same totals as one array of values at fixed places
 * (seye_json_write_sample_compact()), which a client decodes in less than
 * half the time again: no member names, no objects. Each form is encoded once
 * per sample too, when the first stream wants it.
 *
 * "?processes=N&process_sort=cpu|memory|io" adds the top N processes of the
 * last scan to every line, as /v1/processes has them without argv: a member
 * "top_processes" of the object views, one more place at the end of the
 * compact array. Such a stream watches processes (SeyeAgentProcesses scans
 * while it is open); the list's JSON is encoded once per scan and each line
 * once per sample, for every stream that asks for the same view, number and
 * sort. Streams without it get the same bytes as before it existed.
 */

typedef enum
{
  VIEW_FULL,
  VIEW_TOTALS,
  VIEW_COMPACT,
  N_VIEWS
} View;

static const char * const view_names[N_VIEWS] = { "full", "totals", "compact" };

typedef struct
{
  SeyeAgentStream   *self;
  SoupServerMessage *msg;
  GList              link;           /* in subscribers */
  gint64             min_gap_ms;     /* from ?interval= */
  gint64             last_time_ms;   /* of the last sample sent; 0: none */
  gint64             last_write_us;  /* monotonic, of the last line appended */
  guint              behind;         /* lines appended but not yet written */
  View               view;
  guint              full_every;     /* from ?full_every=: every Nth line whole; 0: never */
  guint              n_lines;        /* samples sent */
  guint              process_limit;  /* from ?processes=: the top N in each line; 0: none */
  SeyeProcessSort    process_sort;   /* from ?process_sort= */
} Subscriber;

/* What a query asks for. */
typedef struct
{
  double          interval;
  View            view;
  guint           full_every;
  guint           process_limit;
  SeyeProcessSort process_sort;
} Options;

/* One form of one sample, made for the first stream that wants it. */
typedef struct
{
  View             view;
  guint            process_limit;
  SeyeProcessSort  process_sort;
  GBytes          *bytes;
} Line;

/* The forms of one sample: each view, bare and with each list that streams watch. */
#define MAX_LINES (N_VIEWS * (1 + SEYE_AGENT_PROCESSES_MAX_LISTS))

typedef struct
{
  Line  lines[MAX_LINES];
  guint n_lines;
} Lines;

struct _SeyeAgentStream
{
  GObject                  parent_instance;

  GQueue                   subscribers;
  SeyeAgentStreamDropFunc  drop_func;
  gpointer                 drop_data;
  GBytes                  *heartbeat_line;
  SeyeAgentProcesses      *processes;        /* borrowed: the server's */

  double                   sample_interval;
  guint                    max_subscribers;
  double                   heartbeat;
  guint                    heartbeat_source;
};

G_DEFINE_FINAL_TYPE (SeyeAgentStream, seye_agent_stream, G_TYPE_OBJECT)

static void
subscriber_free (Subscriber *subscriber)
{
  g_signal_handlers_disconnect_by_data (subscriber->msg, subscriber);
  g_object_unref (subscriber->msg);
  g_free (subscriber);
}

static void
remove_subscriber (Subscriber *subscriber)
{
  SeyeAgentStream *self = subscriber->self;

  g_queue_unlink (&self->subscribers, &subscriber->link);
  if (subscriber->process_limit > 0)
    seye_agent_processes_unwatch (self->processes, subscriber->process_sort, subscriber->process_limit);
  subscriber_free (subscriber);

  if (self->subscribers.length == 0)
    g_clear_handle_id (&self->heartbeat_source, g_source_remove);
}

/* The sample's JSON in a view's form and "\n", in one buffer for one write. */
static GBytes *
make_line (SeyeSample *sample,
           View        view)
{
  GString *str;

  if (view == VIEW_TOTALS)
    {
      str = g_string_sized_new (1024);
      seye_json_write_sample_totals (str, sample);
    }
  else if (view == VIEW_COMPACT)
    {
      str = g_string_sized_new (512);
      seye_json_write_sample_compact (str, sample);
    }
  else
    {
      gsize size;
      const char *data = g_bytes_get_data (seye_sample_get_json (sample), &size);

      str = g_string_sized_new (size + 1);
      g_string_append_len (str, data, size);
    }
  g_string_append_c (str, '\n');

  return g_string_free_to_bytes (str);
}

/* A bare line with the top processes put in before its last character: the
 * member "top_processes" of an object, or one more place of the compact
 * array; null until the scanner's first window has passed. */
static GBytes *
make_process_line (GBytes *bare,
                   View    view,
                   GBytes *processes)
{
  gsize size, processes_size = 0;
  const char *data = g_bytes_get_data (bare, &size);
  const char *json = processes ? g_bytes_get_data (processes, &processes_size) : "null";
  GString *str;

  g_assert (size >= 3 && data[size - 1] == '\n');
  if (processes == NULL)
    processes_size = strlen (json);

  str = g_string_sized_new (size + processes_size + 32);
  g_string_append_len (str, data, size - 2);
  g_string_append (str, view == VIEW_COMPACT ? "," : ",\"top_processes\":");
  g_string_append_len (str, json, processes_size);
  g_string_append_c (str, data[size - 2]);
  g_string_append_c (str, '\n');

  return g_string_free_to_bytes (str);
}

/* The line of @sample in @view, with the top @process_limit processes by
 * @process_sort (none for 0): made once per sample for every stream that
 * wants the same. Owned by @lines. */
static GBytes *
get_line (SeyeAgentStream *self,
          Lines           *lines,
          SeyeSample      *sample,
          View             view,
          guint            process_limit,
          SeyeProcessSort  process_sort)
{
  GBytes *bytes;
  Line *line;

  for (guint i = 0; i < lines->n_lines; i++)
    {
      line = &lines->lines[i];
      if (line->view == view && line->process_limit == process_limit &&
          (process_limit == 0 || line->process_sort == process_sort))
        return line->bytes;
    }

  if (process_limit == 0)
    bytes = make_line (sample, view);
  else
    bytes = make_process_line (get_line (self, lines, sample, view, 0, 0), view,
                               seye_agent_processes_get_json (self->processes, process_sort,
                                                              process_limit));

  /* Never full: there are no more lists than SEYE_AGENT_PROCESSES_MAX_LISTS. */
  g_assert (lines->n_lines < MAX_LINES);
  line = &lines->lines[lines->n_lines++];
  line->view = view;
  line->process_limit = process_limit;
  line->process_sort = process_sort;
  line->bytes = bytes;

  return bytes;
}

static void
lines_clear (Lines *lines)
{
  for (guint i = 0; i < lines->n_lines; i++)
    g_bytes_unref (lines->lines[i].bytes);
  lines->n_lines = 0;
}

/* Returns FALSE when the subscriber was dropped (and freed). */
static gboolean
append_line (Subscriber *subscriber,
             GBytes     *line)
{
  SeyeAgentStream *self = subscriber->self;

  if (subscriber->behind >= SEYE_AGENT_STREAM_MAX_BEHIND)
    {
      SoupServerMessage *msg = g_object_ref (subscriber->msg);

      g_debug ("dropping a stream to %s: %u lines behind",
               soup_server_message_get_remote_host (msg), subscriber->behind);
      remove_subscriber (subscriber);
      self->drop_func (msg, "its reader fell too far behind", self->drop_data);
      g_object_unref (msg);
      return FALSE;
    }

  subscriber->behind++;
  subscriber->last_write_us = g_get_monotonic_time ();
  soup_message_body_append_bytes (soup_server_message_get_response_body (subscriber->msg), line);
  soup_server_message_unpause (subscriber->msg);

  return TRUE;
}

static void
wrote_chunk_cb (SoupServerMessage *msg,
                Subscriber        *subscriber)
{
  if (subscriber->behind > 0)
    subscriber->behind--;
}

static void
finished_cb (SoupServerMessage *msg,
             Subscriber        *subscriber)
{
  g_debug ("a stream to %s ended", soup_server_message_get_remote_host (msg));
  remove_subscriber (subscriber);
}

static gboolean
heartbeat_cb (gpointer data)
{
  SeyeAgentStream *self = data;
  gint64 due = g_get_monotonic_time () - (gint64) (self->heartbeat * G_USEC_PER_SEC);
  GList *next;

  for (GList *l = self->subscribers.head; l != NULL; l = next)
    {
      Subscriber *subscriber = l->data;

      next = l->next;
      if (subscriber->last_write_us <= due)
        append_line (subscriber, self->heartbeat_line);
    }

  return G_SOURCE_CONTINUE;
}

static void
ensure_heartbeat (SeyeAgentStream *self)
{
  if (self->heartbeat_source == 0)
    {
      /* Checked at twice the rate, so no gap is much longer than the heartbeat. */
      self->heartbeat_source = g_timeout_add ((guint) (self->heartbeat * 1000 / 2), heartbeat_cb, self);
      g_source_set_name_by_id (self->heartbeat_source, "[seye] stream heartbeat");
    }
}

static void
seye_agent_stream_dispose (GObject *object)
{
  seye_agent_stream_close (SEYE_AGENT_STREAM (object));

  G_OBJECT_CLASS (seye_agent_stream_parent_class)->dispose (object);
}

static void
seye_agent_stream_finalize (GObject *object)
{
  SeyeAgentStream *self = SEYE_AGENT_STREAM (object);

  g_clear_pointer (&self->heartbeat_line, g_bytes_unref);

  G_OBJECT_CLASS (seye_agent_stream_parent_class)->finalize (object);
}

static void
seye_agent_stream_class_init (SeyeAgentStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = seye_agent_stream_dispose;
  object_class->finalize = seye_agent_stream_finalize;
}

static void
seye_agent_stream_init (SeyeAgentStream *self)
{
  self->heartbeat_line = g_bytes_new_static ("\n", 1);
  self->max_subscribers = SEYE_AGENT_STREAM_MAX_SUBSCRIBERS;
  self->heartbeat = SEYE_AGENT_STREAM_HEARTBEAT;
}

/**
 * seye_agent_stream_new:
 * @sample_interval: seconds between the samples that will be published
 * @drop_func: closes the connection of a reader that fell behind
 */
SeyeAgentStream *
seye_agent_stream_new (double                   sample_interval,
                       SeyeAgentStreamDropFunc  drop_func,
                       gpointer                 user_data)
{
  SeyeAgentStream *self;

  g_return_val_if_fail (sample_interval > 0, NULL);
  g_return_val_if_fail (drop_func != NULL, NULL);

  self = g_object_new (SEYE_TYPE_AGENT_STREAM, NULL);
  self->sample_interval = sample_interval;
  self->drop_func = drop_func;
  self->drop_data = user_data;

  return self;
}

/**
 * seye_agent_stream_set_processes:
 * @processes: (transfer none): the server's, which outlives every stream
 *
 * Where the top processes of "?processes=N" come from.
 */
void
seye_agent_stream_set_processes (SeyeAgentStream    *self,
                                 SeyeAgentProcesses *processes)
{
  g_return_if_fail (SEYE_IS_AGENT_STREAM (self));

  self->processes = processes;
}

/**
 * seye_agent_stream_set_limits:
 * @max_subscribers: streams served at once; more are refused
 * @heartbeat: seconds without a line before an empty one goes out
 *
 * For new subscribers; those already there keep their streams.
 */
void
seye_agent_stream_set_limits (SeyeAgentStream *self,
                              guint            max_subscribers,
                              double           heartbeat)
{
  g_return_if_fail (SEYE_IS_AGENT_STREAM (self));
  g_return_if_fail (heartbeat > 0);

  self->max_subscribers = max_subscribers;
  if (self->heartbeat != heartbeat)
    {
      self->heartbeat = heartbeat;
      if (self->heartbeat_source != 0)
        {
          g_clear_handle_id (&self->heartbeat_source, g_source_remove);
          ensure_heartbeat (self);
        }
    }
}

/* The view of the subscriber's next line: every full_every-th one, the first
 * included, is whole, so that a client of the compact view sees the lists
 * (filesystems, interfaces, disks) that change slowly, without their cost each time. */
static View
subscriber_view (Subscriber *subscriber)
{
  if (subscriber->full_every > 0 && subscriber->n_lines % subscriber->full_every == 0)
    return VIEW_FULL;

  return subscriber->view;
}

/* A query value in decimal digits, from @min to @max. */
static gboolean
parse_whole (const char *text,
             guint64     min,
             guint64     max,
             guint64    *value)
{
  return text[0] != '\0' && strspn (text, "0123456789") == strlen (text) &&
         g_ascii_string_to_unsigned (text, 10, min, max, value, NULL);
}

/* ?interval=S: decimal digits with an optional fraction, not "0x10", "1e1",
 * "inf" or "+1"; 0 to 3600. */
static gboolean
parse_interval (const char  *text,
                double      *interval,
                GError     **error)
{
  gsize digits = strspn (text, "0123456789");
  gboolean decimal = digits > 0 &&
                     (text[digits] == '\0' ||
                      (text[digits] == '.' && text[digits + 1] != '\0' &&
                       strspn (text + digits + 1, "0123456789") == strlen (text + digits + 1)));
  char *end = NULL;

  *interval = decimal ? g_ascii_strtod (text, &end) : -1;
  if (!decimal || end == text || *end != '\0' || !isfinite (*interval) || *interval < 0 ||
      *interval > 3600)
    {
      g_set_error_literal (error, SEYE_ERROR, SEYE_ERROR_INVALID,
                           "“interval” must be seconds from 0 to 3600, e.g. /v1/stream?interval=5");
      return FALSE;
    }

  return TRUE;
}

/* ?full_every=N: digits only, 1 to 3600. */
static gboolean
parse_full_every (GHashTable  *query,
                  guint       *full_every,
                  GError     **error)
{
  const char *text = query ? g_hash_table_lookup (query, "full_every") : NULL;
  guint64 value = 0;

  if (text == NULL)
    return TRUE;

  if (*text == '\0' || strspn (text, "0123456789") != strlen (text) || strlen (text) > 4 ||
      (value = g_ascii_strtoull (text, NULL, 10)) < 1 || value > 3600)
    {
      g_set_error_literal (error, SEYE_ERROR, SEYE_ERROR_INVALID,
                           "“full_every” must be a number of samples from 1 to 3600, "
                           "e.g. /v1/stream?view=compact&full_every=10");
      return FALSE;
    }

  *full_every = (guint) value;

  return TRUE;
}

/* ?processes=N (1 to SEYE_PROCESS_MAX_LIMIT) and ?process_sort=, only with it. */
static gboolean
parse_processes (const char  *limit_text,
                 const char  *sort_text,
                 Options     *options,
                 GError     **error)
{
  guint64 limit;

  if (limit_text == NULL && sort_text != NULL)
    {
      g_set_error_literal (error, SEYE_ERROR, SEYE_ERROR_INVALID,
                           "“process_sort” goes with “processes”, the number of processes in each "
                           "line, e.g. /v1/stream?processes=10&process_sort=memory");
      return FALSE;
    }
  if (limit_text == NULL)
    return TRUE;

  if (!parse_whole (limit_text, 1, SEYE_PROCESS_MAX_LIMIT, &limit))
    {
      g_set_error_literal (error, SEYE_ERROR, SEYE_ERROR_INVALID,
                           "“processes” must be a whole number from 1 to "
                           G_STRINGIFY (SEYE_PROCESS_MAX_LIMIT) ", e.g. /v1/stream?processes=10");
      return FALSE;
    }
  if (sort_text != NULL && !seye_process_sort_from_string (sort_text, &options->process_sort))
    {
      g_set_error_literal (error, SEYE_ERROR, SEYE_ERROR_INVALID,
                           "“process_sort” must be cpu, memory or io, "
                           "e.g. /v1/stream?processes=10&process_sort=memory");
      return FALSE;
    }
  options->process_limit = (guint) limit;

  return TRUE;
}

static gboolean
parse_query (GHashTable  *query,
             Options     *options,
             GError     **error)
{
  const char *interval = query ? g_hash_table_lookup (query, "interval") : NULL;
  const char *view = query ? g_hash_table_lookup (query, "view") : NULL;

  memset (options, 0, sizeof *options);
  options->view = VIEW_FULL;
  options->process_sort = SEYE_PROCESS_SORT_CPU;

  if (interval != NULL && !parse_interval (interval, &options->interval, error))
    return FALSE;

  if (!parse_full_every (query, &options->full_every, error))
    return FALSE;

  if (view != NULL)
    {
      while (options->view < N_VIEWS && !g_str_equal (view, view_names[options->view]))
        options->view++;
      if (options->view == N_VIEWS)
        {
          g_set_error_literal (error, SEYE_ERROR, SEYE_ERROR_INVALID,
                               "“view” must be “full” (the default), “totals” or “compact”, "
                               "e.g. /v1/stream?view=compact");
          return FALSE;
        }
    }

  return parse_processes (query ? g_hash_table_lookup (query, "processes") : NULL,
                          query ? g_hash_table_lookup (query, "process_sort") : NULL,
                          options, error);
}

/* Sends @sample to @subscriber, from @lines. */
static void
send_sample (Subscriber *subscriber,
             Lines      *lines,
             SeyeSample *sample)
{
  GBytes *line = get_line (subscriber->self, lines, sample, subscriber_view (subscriber),
                           subscriber->process_limit, subscriber->process_sort);

  if (append_line (subscriber, line))
    {
      subscriber->last_time_ms = sample->time_ms;
      subscriber->n_lines++;
    }
}

/**
 * seye_agent_stream_subscribe:
 * @msg: a GET or HEAD of /v1/stream
 * @query: (nullable): its query
 * @latest: (nullable): the latest sample, sent at once; %NULL before the first
 *
 * Starts the response: "200 OK", a body until the connection closes, and the
 * latest sample.
 * A HEAD gets the headers only.
 *
 * Returns: %FALSE with @error set when the query is wrong (%SEYE_ERROR_INVALID)
 *   or too many streams are served already, or too many different process
 *   lists (%SEYE_ERROR_UNAVAILABLE); nothing is answered then.
 */
gboolean
seye_agent_stream_subscribe (SeyeAgentStream    *self,
                             SoupServerMessage  *msg,
                             GHashTable         *query,
                             SeyeSample         *latest,
                             GError            **error)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  Subscriber *subscriber;
  Options options;

  g_return_val_if_fail (SEYE_IS_AGENT_STREAM (self), FALSE);
  g_return_val_if_fail (SOUP_IS_SERVER_MESSAGE (msg), FALSE);

  if (!parse_query (query, &options, error))
    return FALSE;

  if (self->subscribers.length >= self->max_subscribers)
    {
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_UNAVAILABLE,
                   "this node serves %u streams already; poll /v1/metrics, or try again later",
                   self->max_subscribers);
      return FALSE;
    }

  if (options.process_limit > 0 && self->processes == NULL)
    {
      g_set_error_literal (error, SEYE_ERROR, SEYE_ERROR_INVALID, "this node does not list processes");
      return FALSE;
    }
  if (soup_server_message_get_method (msg) != SOUP_METHOD_HEAD && options.process_limit > 0 &&
      !seye_agent_processes_watch (self->processes, options.process_sort, options.process_limit, error))
    return FALSE;

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_message_headers_set_content_type (headers, SEYE_AGENT_STREAM_CONTENT_TYPE, NULL);
  soup_message_headers_replace (headers, "Cache-Control", "no-store");

  if (soup_server_message_get_method (msg) == SOUP_METHOD_HEAD)
    return TRUE;

  soup_message_headers_set_encoding (headers, SOUP_ENCODING_EOF);
  /* What has been written is let go at once. */
  soup_message_body_set_accumulate (soup_server_message_get_response_body (msg), FALSE);

  subscriber = g_new0 (Subscriber, 1);
  subscriber->self = self;
  subscriber->msg = g_object_ref (msg);
  subscriber->link.data = subscriber;
  /* Half a sampling interval of slack: samples are not taken exactly on time. */
  subscriber->min_gap_ms = (gint64) MAX (0.0, (options.interval - self->sample_interval / 2) * 1000);
  subscriber->last_write_us = g_get_monotonic_time ();
  subscriber->view = options.view;
  subscriber->full_every = options.full_every;
  subscriber->process_limit = options.process_limit;
  subscriber->process_sort = options.process_sort;
  g_queue_push_tail_link (&self->subscribers, &subscriber->link);

  g_signal_connect (msg, "wrote-chunk", G_CALLBACK (wrote_chunk_cb), subscriber);
  g_signal_connect (msg, "finished", G_CALLBACK (finished_cb), subscriber);

  g_debug ("a stream to %s starts (%u served)", soup_server_message_get_remote_host (msg),
           self->subscribers.length);

  if (latest != NULL)
    {
      Lines lines = { .n_lines = 0 };
      GBytes *line = get_line (self, &lines, latest, subscriber_view (subscriber),
                               subscriber->process_limit, subscriber->process_sort);

      subscriber->last_time_ms = latest->time_ms;
      subscriber->n_lines++;
      subscriber->behind++;
      soup_message_body_append_bytes (soup_server_message_get_response_body (msg), line);
      lines_clear (&lines);
    }

  ensure_heartbeat (self);

  return TRUE;
}

/**
 * seye_agent_stream_publish:
 * @sample: the sample just taken
 *
 * Sends a sample to every subscriber that wants it, without waiting for any.
 */
void
seye_agent_stream_publish (SeyeAgentStream *self,
                           SeyeSample      *sample)
{
  Lines lines = { .n_lines = 0 };
  GList *next;

  g_return_if_fail (SEYE_IS_AGENT_STREAM (self));
  g_return_if_fail (sample != NULL);

  for (GList *l = self->subscribers.head; l != NULL; l = next)
    {
      Subscriber *subscriber = l->data;

      next = l->next;

      if (subscriber->last_time_ms != 0 && sample->time_ms > subscriber->last_time_ms &&
          sample->time_ms - subscriber->last_time_ms < subscriber->min_gap_ms)
        continue;

      send_sample (subscriber, &lines, sample);
    }

  lines_clear (&lines);
}

guint
seye_agent_stream_get_n_subscribers (SeyeAgentStream *self)
{
  g_return_val_if_fail (SEYE_IS_AGENT_STREAM (self), 0);

  return self->subscribers.length;
}

/**
 * seye_agent_stream_close:
 *
 * Ends every stream: each response gets the goodbye line (%SEYE_STREAM_GOODBYE),
 * is completed and its connection closed.
 */
void
seye_agent_stream_close (SeyeAgentStream *self)
{
  Subscriber *subscriber;

  g_return_if_fail (SEYE_IS_AGENT_STREAM (self));

  while ((subscriber = g_queue_peek_head (&self->subscribers)) != NULL)
    {
      g_autoptr (SoupServerMessage) msg = g_object_ref (subscriber->msg);

      remove_subscriber (subscriber);
      soup_message_body_append (soup_server_message_get_response_body (msg), SOUP_MEMORY_STATIC,
                                SEYE_STREAM_GOODBYE "\n", strlen (SEYE_STREAM_GOODBYE "\n"));
      soup_message_body_complete (soup_server_message_get_response_body (msg));
      soup_server_message_unpause (msg);
    }

  g_clear_handle_id (&self->heartbeat_source, g_source_remove);
}
