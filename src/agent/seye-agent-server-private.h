/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

#include "seye-agent-auth.h"
#include "seye-agent-conn-stream.h"
#include "seye-agent-history.h"
#include "seye-agent-processes.h"
#include "seye-agent-rate-limit.h"
#include "seye-agent-server.h"
#include "seye-agent-stream.h"

G_BEGIN_DECLS

/* SeyeAgentServer across its files: the object, its sampling clock and
 * listening sockets (seye-agent-server.c), the routes and responses
 * (-routes.c), the named actions' routes (-actions.c), the connections
 * and their limits (-connections.c) and the checks every request passes
 * before a route (-requests.c). */

#define JSON_TYPE       "application/json"
#define SWEEP_MS        250       /* how often idle connections and buckets are looked at */

/* RFC 6585; libsoup 3.2 has no names for them. */
#define STATUS_TOO_MANY_REQUESTS                429
#define STATUS_REQUEST_HEADER_FIELDS_TOO_LARGE  431

struct _SeyeAgentServer
{
  GObject              parent_instance;

  SoupServer          *server;
  SeyeProcReader      *reader;
  SeyeNodeInfo        *info;
  SeyeSample          *latest;
  SeyeAgentHistory    *history;

  GBytes              *info_json;
  GBytes              *prometheus;       /* of the latest sample, made on the first scrape */
  GStrv                problems;         /* what the reader could not read, last tick */
  SeyeAgentStream     *stream;           /* GET /v1/stream: each sample as it is taken */
  SeyeAgentProcesses  *processes;        /* GET /v1/processes: scans only while asked */

  double               interval;
  gint64               next_tick_us;     /* monotonic deadline of the next sample */
  gint64               last_trim_us;
  guint                tick_source;
  guint16              port;

  /* Connections */
  GSocketService      *service;
  GHashTable          *connections;      /* remote GSocketAddress -> Connection, until the stream is finalized */
  GQueue               by_activity;      /* open Connections, least recently active first */
  GHashTable          *peers;            /* remote address as text -> Peer with an open connection */
  guint                sweep_source;

  /* Rate limiting (the rate-limit and rate-burst properties) */
  SeyeAgentRateLimit  *rate_limit;

  /* Limits (properties) */
  guint                max_connections;
  guint                idle_timeout;     /* seconds; 0: never */
  guint                max_header_size;

  /* Who may read what (properties) */
  char                *token;            /* NULL: no token access */
  SeyeAgentAccess      api_access;
  SeyeAgentAccess      metrics_access;
  GTlsCertificate     *tls_certificate;  /* NULL: plain HTTP */
  gboolean             process_args;     /* argv in /v1/processes, for token or loopback clients */

  /* Named actions (seye_agent_server_set_actions) */
  GPtrArray           *actions;          /* SeyeAgentAction; NULL: none, and no route */
  GHashTable          *running;          /* name of an action running -> its start, monotonic µs */
};

/* One accepted connection. The stream belongs to the SoupServer; a weak
 * reference tells when libsoup is done with it. libsoup gives each of its
 * messages the very address object it was handed with the stream: that is
 * how a message finds its connection (soup_server_message_get_socket() is
 * NULL for streams handed over with soup_server_accept_iostream()). */
typedef struct
{
  SeyeAgentServer     *self;
  SeyeAgentConnStream *stream;
  GSocket             *socket;
  GSocketAddress      *remote;
  GList                link;         /* in by_activity while open */
  struct _Peer        *peer;         /* while open */
  GList                peer_link;    /* in its peer's connections while open */
  gint64               active_us;    /* accepted, or last progress of a request */
  gboolean             busy;         /* between its request's headers and the response's end */
  gboolean             closing;      /* shut down by us; no longer counted */
} Connection;

/* The open connections of one remote address. */
typedef struct _Peer
{
  char   *address;
  GQueue  connections;   /* least recently active first */
} Peer;

/* seye-agent-server-routes.c */
const char  *_seye_agent_server_status_phrase      (guint               status);
void         _seye_agent_server_respond_bytes      (SoupServerMessage  *msg,
                                                    guint               status,
                                                    const char         *content_type,
                                                    GBytes             *bytes);
void         _seye_agent_server_respond_error      (SoupServerMessage  *msg,
                                                    guint               status,
                                                    const char         *message);
void         _seye_agent_server_handle_cb          (SoupServer         *server,
                                                    SoupServerMessage  *msg,
                                                    const char         *path,
                                                    GHashTable         *query,
                                                    gpointer            data);

/* seye-agent-server-actions.c */
gboolean     _seye_agent_server_route_actions      (SeyeAgentServer    *self,
                                                    SoupServerMessage  *msg,
                                                    const char         *path);

/* seye-agent-server-connections.c */
void         _seye_agent_server_connections_init   (SeyeAgentServer    *self);
void         _seye_agent_server_connections_forget (SeyeAgentServer    *self);
void         _seye_agent_server_connections_finalize (SeyeAgentServer  *self);
void         _seye_agent_server_connections_attach (SeyeAgentServer    *self);
gboolean     _seye_agent_server_incoming_cb        (GSocketService     *service,
                                                    GSocketConnection  *stream,
                                                    GObject            *source_object,
                                                    gpointer            data);
gboolean     _seye_agent_server_sweep_cb           (gpointer            data);
Connection  *_seye_agent_server_lookup_connection  (SeyeAgentServer    *self,
                                                    SoupServerMessage  *msg);
void         _seye_agent_server_touch_connection   (Connection         *connection);
void         _seye_agent_server_close_connection   (Connection         *connection,
                                                    const char         *why);
void         _seye_agent_server_answer_and_close   (SeyeAgentServer    *self,
                                                    SoupServerMessage  *msg,
                                                    guint               status,
                                                    const char         *message);
void         _seye_agent_server_drop_stream_cb     (SoupServerMessage  *msg,
                                                    const char         *why,
                                                    gpointer            data);

/* seye-agent-server-requests.c */
void         _seye_agent_server_early_cb           (SoupServer         *server,
                                                    SoupServerMessage  *msg,
                                                    const char         *path,
                                                    GHashTable         *query,
                                                    gpointer            data);

G_END_DECLS
