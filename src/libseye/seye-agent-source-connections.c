/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-agent-source"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "seye-agent-source-private.h"
#include "seye-file-limit.h"

/* Connections -------------------------------------------------------------- */

/*
 * How many connections the source holds, and where:
 *
 * - Streams have a session of their own, one connection per streamed node,
 *   held for as long as the stream lasts. It is sized when the source starts,
 *   from the open-file limit (which the monitor raises to the hard limit
 *   first): every descriptor this process may open, less FD_RESERVE for the
 *   program's own files (GTK, D-Bus, Avahi, SQLite) and less the request and
 *   action-run sessions. With the usual hard limits that is tens of thousands of nodes.
 * - Everything else (/v1/node, /v1/history, polls, asking who answers at an
 *   address, pairing, processes) goes through the request session, at most
 *   REQUEST_CONNS connections: a stream can never keep a request waiting, nor
 *   a burst of requests a stream. Action runs have a third (asks.c). The
 *   source sends at most as many requests at once as that session has
 *   connections, less REQUEST_HEADROOM for asks, pairing and probes, and keeps
 *   the rest waiting in order: libsoup looks at every waiting message each
 *   time a connection frees, which made a thousand at once take ~20 s, and a
 *   request's deadline runs only once it is sent.
 * - When the limit allows fewer streams than there are nodes, the source says
 *   so once, in words, and the nodes past it are polled over the request
 *   session in turns: each every `turns` intervals, where `turns` is what the
 *   session's connections can carry at one poll a connection an interval. A
 *   node followed less often than asked says so beside its state
 *   (seye_node_get_polled_every()). So does a fleet polled because streams are
 *   off, or because its agents have none.
 *
 * Measured with the fleet simulator (bench/fleet-sim-cost.sh): one monitor
 * follows 1,000 nodes, every one streamed.
 */

#define FD_RESERVE         128   /* descriptors left to the program itself */
#define REQUEST_CONNS      256   /* the request session's connections, at most */
#define REQUEST_HEADROOM   16    /* of those, kept for asks, pairing and probes */
/* Histories fetched at once. A node's /v1/history is some 200 KB of JSON, all
 * of it held until decoded: a thousand nodes starting together made ~190 MB of
 * answers at once, and the heap never gave those pages back (the app stayed
 * at ~280 MB). Eight at a time fill a thousand nodes' graphs within seconds
 * all the same, while their streams already bring the present. */
#define HISTORY_AT_ONCE    8

/* A session as every one of the source's: no proxy, and no TLS database, so
 * that every certificate comes to "accept-certificate", where
 * seye-credentials.c compares it with the pin (with the system's CAs a
 * certificate they vouch for would skip that). */
SoupSession *
_seye_agent_source_new_session (guint timeout,
                                guint idle_timeout,
                                guint max_conns,
                                guint max_conns_per_host)
{
  SoupSession *session = soup_session_new_with_options ("timeout", timeout,
                                                        "idle-timeout", idle_timeout,
                                                        "max-conns", MAX (max_conns, 1u),
                                                        "max-conns-per-host", max_conns_per_host,
                                                        "user-agent", "seye/" PACKAGE_VERSION " ",
                                                        NULL);

  /* A LAN monitor talks to its neighbours directly, never through a proxy. */
  soup_session_set_proxy_resolver (session, NULL);
  soup_session_set_tls_database (session, NULL);

  return session;
}

/* The descriptors this process may use for connections: the soft limit now. */
static guint
connection_files (void)
{
  guint64 limit = seye_file_limit_raise (0);

  return limit > FD_RESERVE ? (guint) MIN (limit - FD_RESERVE, (guint64) G_MAXINT) : 0;
}

/* The request session, made with the source (before anything is asked). */
void
_seye_agent_source_init_connections (SeyeAgentSource *self)
{
  /* An eighth of what the limit allows when that is low: the rest is for streams. */
  self->request_conns = CLAMP (connection_files () / 8, REQUEST_HEADROOM * 2, REQUEST_CONNS);
  self->session = _seye_agent_source_new_session (IO_TIMEOUT, 60, self->request_conns, 2);
}

/* When the source starts: the stream session, sized to what the limit allows now. */
void
_seye_agent_source_plan_connections (SeyeAgentSource *self)
{
  guint files = connection_files ();
  guint others = self->request_conns + RUN_CONNS;
  guint budget = files > others ? files - others : 0;

  if (self->stream_session != NULL && budget == self->stream_budget)
    return;

  if (self->stream_session != NULL)
    soup_session_abort (self->stream_session);
  g_clear_object (&self->stream_session);

  self->stream_budget = budget;
  g_debug ("room for %u streams (and %u connections for requests)", budget, self->request_conns);

  /* A second connection per host for a stream asked again while the last one closes. */
  if (budget > 0)
    self->stream_session = _seye_agent_source_new_session (IO_TIMEOUT, 60, budget, 2);
}

/* Requests sent at once on the request session. */
static guint
request_slots (SeyeAgentSource *self)
{
  return self->request_conns > REQUEST_HEADROOM ? self->request_conns - REQUEST_HEADROOM : 1;
}

static void
send_admitted (SeyeAgentSource  *self,
               SeyeAgentRequest *request)
{
  request->admitted = TRUE;
  self->admitted++;
  self->admitted_history += request->kind == REQUEST_HISTORY;
  _seye_agent_request_send (self, request);
}

static gboolean
is_history (SeyeAgentRequest *request)
{
  return request->kind == REQUEST_HISTORY;
}

/* Sends @request (not a stream) now if a connection is free (and, for a
 * history, if fewer than HISTORY_AT_ONCE are under way), else when one frees. */
void
_seye_agent_source_admit (SeyeAgentSource  *self,
                          SeyeAgentRequest *request)
{
  if (is_history (request) && self->admitted_history >= HISTORY_AT_ONCE)
    g_queue_push_tail (&self->waiting_history, request);
  else if (self->admitted >= request_slots (self))
    g_queue_push_tail (is_history (request) ? &self->waiting_history : &self->waiting, request);
  else
    send_admitted (self, request);
}

/* The next request of @queue that was not cancelled while it waited (its node
 * removed, or asked again), or NULL. */
static SeyeAgentRequest *
next_waiting (GQueue *queue)
{
  SeyeAgentRequest *request;

  while ((request = g_queue_pop_head (queue)) != NULL)
    {
      if (!g_cancellable_is_cancelled (request->cancellable))
        return request;
      _seye_agent_request_free (request);
    }

  return NULL;
}

/* An admitted request ended: the next ones go, the other requests before
 * histories (a node's present before its past). */
void
_seye_agent_source_release (SeyeAgentSource  *self,
                            SeyeAgentRequest *ended)
{
  SeyeAgentRequest *request;

  g_return_if_fail (self->admitted > 0);
  self->admitted--;
  if (is_history (ended))
    {
      g_return_if_fail (self->admitted_history > 0);
      self->admitted_history--;
    }

  while (self->admitted < request_slots (self) && (request = next_waiting (&self->waiting)) != NULL)
    send_admitted (self, request);

  while (self->admitted < request_slots (self) && self->admitted_history < HISTORY_AT_ONCE &&
         (request = next_waiting (&self->waiting_history)) != NULL)
    send_admitted (self, request);
}

void
_seye_agent_source_clear_waiting (SeyeAgentSource *self)
{
  SeyeAgentRequest *request;

  while ((request = g_queue_pop_head (&self->waiting)) != NULL)
    _seye_agent_request_free (request);
  while ((request = g_queue_pop_head (&self->waiting_history)) != NULL)
    _seye_agent_request_free (request);
}

/* Whether another stream fits in the budget. A stream is held from the moment
 * it is asked for. */
gboolean
_seye_agent_source_stream_room (SeyeAgentSource *self)
{
  guint held = 0;

  for (guint i = 0; i < self->peers->len; i++)
    {
      SeyeAgentPeer *peer = self->peers->pdata[i];

      held += peer->streaming || (peer->in_flight && peer->asking_stream);
    }

  if (held < self->stream_budget)
    return TRUE;

  if (!self->said_budget)
    {
      self->said_budget = TRUE;
      g_message (_("Only %" G_GUINT64_FORMAT " files may be open at once in this program (its "
                   "open-file limit, ulimit -n): %u nodes are followed by a stream each, the others "
                   "are polled in turns, less often than every interval. Raise the limit "
                   "(LimitNOFILE= for a systemd service, nofile in /etc/security/limits.conf) to "
                   "follow every node live."),
                 seye_file_limit_raise (0), self->stream_budget);
      g_object_notify (G_OBJECT (self), "streams-limited");
    }

  return FALSE;
}

/* Seconds until @peer's next poll after a sample: its turn. */
double
_seye_agent_source_poll_delay (SeyeAgentSource *self,
                               SeyeAgentPeer   *peer)
{
  return self->interval * (peer->polled ? MAX (self->turns, 1u) : 1u);
}

/* Once a second: how many intervals apart the polled nodes take their turns,
 * and each node's word for it. */
void
_seye_agent_source_update_turns (SeyeAgentSource *self)
{
  guint slots = request_slots (self);
  guint polled = 0;

  for (guint i = 0; i < self->peers->len; i++)
    polled += ((SeyeAgentPeer *) self->peers->pdata[i])->polled;

  self->turns = MAX (1u, (polled + slots - 1) / slots);

  for (guint i = 0; i < self->peers->len; i++)
    {
      SeyeAgentPeer *peer = self->peers->pdata[i];
      double every = peer->polled && self->turns > 1 ? self->interval * self->turns : 0;

      _seye_node_set_polled_every (peer->node, every);
    }
}
