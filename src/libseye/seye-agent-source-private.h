/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

#include "seye-agent-peer.h"
#include "seye-agent-source.h"
#include "seye-credentials-private.h"
#include "seye-node-private.h"

G_BEGIN_DECLS

/*
 * The agent source across files, by job:
 *   seye-agent-source.c            the object, discovery, manual nodes, housekeeping
 *   seye-agent-source-endpoints.c  candidates per node id, pin proof, vetting, conflicts
 *   seye-agent-source-states.c     what an answer (or none) makes of a node's state
 *   seye-agent-source-requests.c   GET /v1/node, /v1/history, /v1/metrics (and the stream's request)
 *   seye-agent-source-stream.c     the stream pump
 *   seye-agent-source-connections.c  the sessions, the stream budget, polling in turns
 *   seye-agent-source-pairing.c    credentials and pairing
 *   seye-agent-source-asks.c       on demand: /v1/processes, /v1/actions
 */

#define HISTORY_LIMIT      (4 * 1024 * 1024)  /* bytes of /v1/history we read at most */
#define BODY_LIMIT         (256 * 1024)       /* bytes of any other answer */
#define IO_TIMEOUT         5                  /* seconds a read or connect may stall */
#define REQUEST_DEADLINE   10                 /* seconds a whole request may take */
#define MAX_BACKOFF        30.0               /* seconds between retries of an offline node */
#define STALE_POLLS        3                  /* missed polls before a node is offline */
#define LINE_LIMIT         BODY_LIMIT         /* bytes of one line of a stream */
#define STREAM_FULL_EVERY  10                 /* a whole sample (filesystems, interfaces) every N lines */
#define RUN_CONNS          10                 /* connections of the action runs' session */
#define MAX_DISCOVERED     4096               /* nodes tracked from mDNS; more are ignored (a flood) */

typedef enum
{
  REQUEST_INFO,
  REQUEST_HISTORY,
  REQUEST_METRICS,
  REQUEST_STREAM,
} SeyeAgentRequestKind;

/* One GET in flight for one node. */
typedef struct
{
  GWeakRef              source;
  SeyeAgentPeer        *peer;
  SeyeAgentRequestKind  kind;
  SoupMessage          *message;
  GCancellable         *cancellable;
  GInputStream         *stream;
  GByteArray           *body;
  gsize                 limit;
  guint                 deadline_id;
  gboolean              timed_out;
  SeyeTlsCheck         *tls_check;      /* https only: what the TLS handshake showed */
  gboolean              admitted;       /* sent on the request session: counts in `admitted` */
  guint                 n_samples;      /* streams: samples received */
  gint64                started_us;     /* streams: when the answer began */
} SeyeAgentRequest;

struct _SeyeAgentSource
{
  GObject          parent_instance;

  GPtrArray       *peers;          /* SeyeAgentPeer, in the order their nodes came */
  GHashTable      *by_key;         /* node key -> SeyeAgentPeer (borrowed) */
  GHashTable      *service_owner;  /* browse key -> SeyeAgentPeer (borrowed) */
  SoupSession     *session;        /* requests: /v1/node, history, polls, asks */
  SoupSession     *stream_session; /* streams, a connection each; made at start */
  SoupSession     *run_session;    /* actions: no read timeout; made on the first run */
  SeyeBrowser     *browser;
  SeyeCredentials *credentials;    /* pairings: whom a token goes to */
  GPtrArray       *streams;        /* SeyeAgentRequest: open streams, read by the pump */

  guint            request_conns;  /* the request session's max-conns */
  guint            stream_budget;  /* streams the open-file limit leaves room for */
  guint            turns;          /* polled nodes take a sample every so many intervals */
  guint            admitted;       /* requests on the request session now */
  guint            admitted_history; /* of those, /v1/history: HISTORY_AT_ONCE at most */
  GQueue           waiting;        /* SeyeAgentRequest: to be sent when one of those ends */
  GQueue           waiting_history; /* the same for /v1/history, behind the others */

  double           interval;
  double           grace_time;
  double           keep_offline;   /* seconds; 0: until removed */
  guint            max_discovered; /* MAX_DISCOVERED; lower in tests */
  guint            housekeeping_id;
  guint            pump_id;

  guint            discovery : 1;
  guint            started : 1;
  guint            fetch_history : 1;
  guint            discovery_full : 1;
  guint            stream : 1;
  guint            said_budget : 1;  /* said that not every node can have a stream */
};

/* seye-agent-source.c */
SeyeAgentPeer     *_seye_agent_source_new_peer          (SeyeAgentSource       *self,
                                                         const char            *key,
                                                         const char            *name,
                                                         gboolean               manual);
void               _seye_agent_source_add_peer          (SeyeAgentSource       *self,
                                                         SeyeAgentPeer         *peer);
void               _seye_agent_source_remove_peer       (SeyeAgentSource       *self,
                                                         SeyeAgentPeer         *peer);
void               _seye_agent_source_rekey             (SeyeAgentSource       *self,
                                                         SeyeAgentPeer         *peer,
                                                         const char            *key);
void               _seye_agent_source_merge             (SeyeAgentSource       *self,
                                                         SeyeAgentPeer         *into,
                                                         SeyeAgentPeer         *from);
SeyeAgentPeer     *_seye_agent_source_find_peer         (SeyeAgentSource       *self,
                                                         SeyeNode              *node);

/* seye-agent-source-services.c */
void               _seye_agent_source_resolve_again     (SeyeAgentSource       *self,
                                                         SeyeAgentPeer         *peer);
void               _seye_agent_source_set_max_discovered (SeyeAgentSource      *self,
                                                         guint                  max_discovered);

/* seye-agent-source-endpoints.c */
char              *_seye_agent_source_service_uri       (const SeyeServiceInfo *info);
void               _seye_agent_source_set_endpoint      (SeyeAgentSource       *self,
                                                         SeyeAgentPeer         *peer,
                                                         const char            *host,
                                                         guint16                port,
                                                         gboolean               tls,
                                                         const char            *service_key);
void               _seye_agent_source_choose_endpoint   (SeyeAgentSource       *self,
                                                         SeyeAgentPeer         *peer);
gboolean           _seye_agent_source_refuse_endpoint   (SeyeAgentSource       *self,
                                                         SeyeAgentPeer         *peer);
gboolean           _seye_agent_source_same_machine      (const SeyeNodeInfo    *a,
                                                         const SeyeNodeInfo    *b);
void               _seye_agent_source_update_conflicts  (SeyeAgentSource       *self,
                                                         const char            *node_id);
void               _seye_agent_source_vet_endpoints     (SeyeAgentSource       *self,
                                                         SeyeAgentPeer         *peer);

/* seye-agent-source-states.c */
void               _seye_agent_source_set_state         (SeyeAgentSource       *self,
                                                         SeyeAgentPeer         *peer,
                                                         SeyeNodeState          state);
double             _seye_agent_source_backoff_delay     (SeyeAgentSource       *self,
                                                         SeyeAgentPeer         *peer);
void               _seye_agent_source_failed            (SeyeAgentSource       *self,
                                                         SeyeAgentPeer         *peer,
                                                         const char            *message);
void               _seye_agent_source_incompatible      (SeyeAgentSource       *self,
                                                         SeyeAgentPeer         *peer,
                                                         const char            *message);
void               _seye_agent_source_reached           (SeyeAgentSource       *self,
                                                         SeyeAgentPeer         *peer);
void               _seye_agent_source_sampled           (SeyeAgentSource       *self,
                                                         SeyeAgentPeer         *peer);
void               _seye_agent_source_untrusted         (SeyeAgentSource       *self,
                                                         SeyeAgentPeer         *peer,
                                                         const char            *fingerprint);
void               _seye_agent_source_needs_pairing     (SeyeAgentSource       *self,
                                                         SeyeAgentPeer         *peer,
                                                         gboolean               token_sent);
void               _seye_agent_source_check_waiting     (SeyeAgentSource       *self,
                                                         SeyeAgentPeer         *peer,
                                                         gint64                 now);

/* seye-agent-source-requests.c */
void               _seye_agent_request_free             (SeyeAgentRequest      *request);
void               _seye_agent_request_finish           (SeyeAgentRequest      *request,
                                                         const GError          *error);
char              *_seye_agent_source_describe_http_status (SoupMessage        *message);
char              *_seye_agent_source_describe_transport_error (const GError   *error,
                                                         gboolean               timed_out);
void               _seye_agent_source_poll              (SeyeAgentSource       *self,
                                                         SeyeAgentPeer         *peer);
void               _seye_agent_request_send             (SeyeAgentSource       *self,
                                                         SeyeAgentRequest      *request);
void               _seye_agent_source_schedule_poll     (SeyeAgentSource       *self,
                                                         SeyeAgentPeer         *peer,
                                                         double                 delay);

/* seye-agent-source-stream.c */
double             _seye_agent_source_stream_period     (SeyeAgentSource       *self,
                                                         SeyeAgentPeer         *peer);
gboolean           _seye_agent_source_stream_wanted     (SeyeAgentSource       *self,
                                                         SeyeAgentPeer         *peer);
gboolean           _seye_agent_source_stream_refused    (SeyeAgentRequest      *request,
                                                         guint                  status);
void               _seye_agent_source_stream_start      (SeyeAgentRequest      *request);
void               _seye_agent_source_start_pump        (SeyeAgentSource       *self);
void               _seye_agent_source_stop_pump         (SeyeAgentSource       *self);
void               _seye_agent_source_drain_streams     (SeyeAgentSource       *self);
void               _seye_agent_source_restart_streams   (SeyeAgentSource       *self);

/* seye-agent-source-connections.c */
SoupSession       *_seye_agent_source_new_session       (guint                  timeout,
                                                         guint                  idle_timeout,
                                                         guint                  max_conns,
                                                         guint                  max_conns_per_host) G_GNUC_WARN_UNUSED_RESULT;
void               _seye_agent_source_init_connections  (SeyeAgentSource       *self);
void               _seye_agent_source_plan_connections  (SeyeAgentSource       *self);
gboolean           _seye_agent_source_stream_room       (SeyeAgentSource       *self);
void               _seye_agent_source_admit             (SeyeAgentSource       *self,
                                                         SeyeAgentRequest      *request);
void               _seye_agent_source_release           (SeyeAgentSource       *self,
                                                         SeyeAgentRequest      *request);
void               _seye_agent_source_clear_waiting     (SeyeAgentSource       *self);
double             _seye_agent_source_poll_delay        (SeyeAgentSource       *self,
                                                         SeyeAgentPeer         *peer);
void               _seye_agent_source_update_turns      (SeyeAgentSource       *self);

/* seye-agent-source-pairing.c */
const SeyePairing *_seye_agent_source_find_pairing      (SeyeAgentSource       *self,
                                                         SeyeNode              *node);
void               _seye_agent_source_credentials_changed_cb (SeyeAgentSource  *self,
                                                         const char            *node_id);

/* seye-agent-source-asks.c */
void               _seye_agent_source_init_asks         (SeyeSourceInterface   *iface);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SeyeAgentRequest, _seye_agent_request_free)

G_END_DECLS
