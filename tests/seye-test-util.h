/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "seye-node.h"

G_BEGIN_DECLS

/**
 * SeyeTestAgent:
 *
 * A real sorcerers-eye-agent process ($SEYE_AGENT) on a free loopback port,
 * started with "--bind 127.0.0.1 --port 0" plus the given arguments; the port
 * is read back from its "Listening on" log line. With "--tls" among the
 * arguments it is "https://…" that is waited for and put in base_uri.
 */
typedef struct
{
  GSubprocess *process;
  guint16      port;
  char        *base_uri;   /* "http://127.0.0.1:PORT" ("https://" with --tls) */
  GString     *log;        /* what it printed on stderr so far */
  gboolean     exited;     /* the process has ended (see g_subprocess_wait_async) */
  GCancellable *cancellable;
  char        *listening;  /* the log line's start that tells its port */
} SeyeTestAgent;

SeyeTestAgent *seye_test_agent_start      (const char    *first_arg,
                                           ...) G_GNUC_NULL_TERMINATED;
SeyeTestAgent *seye_test_agent_startv     (const char * const *args);
int            seye_test_agent_stop       (SeyeTestAgent *agent);   /* SIGTERM, wait; exit status */
void           seye_test_agent_kill       (SeyeTestAgent *agent);   /* SIGKILL, wait */
void           seye_test_agent_free       (SeyeTestAgent *agent);
gboolean       seye_test_agent_wait_log   (SeyeTestAgent *agent,
                                           const char    *needle,
                                           guint          timeout_ms);
/* A look-alike ($SEYE_FAKE_AGENT, tests/seye-fake-agent.c): "--node-id ID" and
 * optionally "--tls", "--announce", "--drip", "--name NAME". */
SeyeTestAgent *seye_test_fake_agent_start (const char    *first_arg,
                                           ...) G_GNUC_NULL_TERMINATED;

/* Ensures a D-Bus system bus and avahi-daemon run (starting them through
 * tests/mdns-stack.sh where none runs and we may). Returns FALSE after
 * g_test_skip() with a loud reason when impossible; under CI=true that is a
 * test failure instead. */
gboolean       seye_test_require_avahi    (void);
gboolean       seye_test_avahi_owned      (void);  /* started by us: safe to restart */
gboolean       seye_test_avahi_restart    (void);
gboolean       seye_test_avahi_stop       (void);  /* only one we started */

/* Runs $SEYE_CLI with the arguments (NO_COLOR unset), to its end; returns its
 * exit status and, if asked, what it printed on stdout and stderr. */
int            seye_test_run_cli          (char        **out,
                                           char        **err,
                                           const char   *first_arg,
                                           ...) G_GNUC_NULL_TERMINATED;

/* Runs the main loop until @condition returns TRUE or @timeout_ms passes. */
gboolean       seye_test_wait_until       (gboolean     (*condition) (gpointer data),
                                           gpointer       data,
                                           guint          timeout_ms);

/**
 * SeyeTestNetns:
 *
 * Separate hosts on this machine (tests/netns-stack.sh): network namespaces
 * "lan" and "n1".."nN" joined by veth pairs to one bridge whose root-namespace
 * side is this process, each host with its own system bus and avahi-daemon.
 * One set per process, torn down by seye_test_netns_release() or, whatever
 * happens, when the process ends.
 */
typedef struct _SeyeTestNetns SeyeTestNetns;

SeyeTestNetns *seye_test_require_netns       (guint          n_nodes);  /* NULL after a skip */
void           seye_test_netns_release       (void);
char          *seye_test_netns_dup_address   (SeyeTestNetns *self,
                                              const char    *host);
char          *seye_test_netns_dup_bus       (SeyeTestNetns *self,
                                              const char    *host);
void           seye_test_netns_set_link      (SeyeTestNetns *self,
                                              const char    *host,
                                              gboolean       up);
void           seye_test_netns_restart_avahi (SeyeTestNetns *self,
                                              const char    *host);
SeyeTestAgent *seye_test_netns_agent_start   (SeyeTestNetns *self,
                                              const char    *host,
                                              const char    *first_arg,
                                              ...) G_GNUC_NULL_TERMINATED;
GSubprocess   *seye_test_netns_spawnv        (SeyeTestNetns      *self,
                                              const char         *host,
                                              const char * const *argv);
GSocket       *seye_test_netns_listen        (SeyeTestNetns *self,
                                              const char    *host);
GSubprocess   *seye_test_netns_publish       (SeyeTestNetns *self,
                                              const char    *host,
                                              const char    *name,
                                              guint16        port,
                                              const char    *node_id);

typedef enum
{
  SEYE_TEST_FAKE_RELAY,   /* a real agent's answers, each held back for a while */
  SEYE_TEST_FAKE_MUTE,    /* accepts, reads the request, never answers */
  SEYE_TEST_FAKE_SYNTAX,  /* broken JSON */
  SEYE_TEST_FAKE_HUGE,    /* 8 MB of JSON */
} SeyeTestFakeKind;

typedef struct _SeyeTestFake SeyeTestFake;

SeyeTestFake  *seye_test_fake_new            (SeyeTestFakeKind  kind,
                                              GSocket          *socket,
                                              const char       *backend,
                                              guint             delay_ms);
guint16        seye_test_fake_get_port       (SeyeTestFake     *fake);
guint          seye_test_fake_get_n_requests (SeyeTestFake     *fake);
void           seye_test_fake_free           (SeyeTestFake     *fake);

/* Nodes of a GListModel of SeyeNode (a SeyeMonitor), by name. */
SeyeNode      *seye_test_find_node           (GListModel    *nodes,
                                              const char    *name);
guint          seye_test_count_nodes         (GListModel    *nodes,
                                              const char    *name);
SeyeNode      *seye_test_wait_for_node       (GListModel    *nodes,
                                              const char    *name,
                                              guint          timeout_ms);  /* fails the test */
/* Waits until @node is in @state (at a port ending its address, unless 0); fails the
 * test with the node's state and error otherwise. Returns the seconds it took. */
double         seye_test_wait_node_state     (SeyeNode      *node,
                                              SeyeNodeState  state,
                                              guint16        port,
                                              guint          timeout_ms);
/* The same without failing: TRUE when @node reached @state within @timeout_ms. */
gboolean       seye_test_wait_state          (SeyeNode      *node,
                                              SeyeNodeState  state,
                                              guint          timeout_ms);
/* Runs the main loop for @ms. */
void           seye_test_spin                (guint          ms);
/* A condition for seye_test_wait_until(): the SeyeNode @data has a sample. */
gboolean       seye_test_node_has_sample     (gpointer       data);
/* The same: the SeyeNode @data answered who it is (/v1/node). */
gboolean       seye_test_node_has_info       (gpointer       data);

/**
 * SeyeTestWatch:
 *
 * Counts a node's samples and the times it left the online state (each one
 * logged with the node's error) while it is watched.
 */
typedef struct
{
  SeyeNode *node;
  guint     samples;
  guint     left_online;
  gulong    sample_id;
  gulong    state_id;
} SeyeTestWatch;

void           seye_test_watch_start         (SeyeTestWatch *watch,
                                              SeyeNode      *node);
void           seye_test_watch_stop          (SeyeTestWatch *watch);

/**
 * SeyeTestHeartbeat:
 *
 * A timeout every 50 ms that records how late it fires: how long the main loop
 * was kept from running.
 */
typedef struct
{
  gint64 expected;
  gint64 worst_lag;   /* µs */
  guint  ticks;
  guint  source;
} SeyeTestHeartbeat;

void           seye_test_heartbeat_start     (SeyeTestHeartbeat *beat);
void           seye_test_heartbeat_stop      (SeyeTestHeartbeat *beat);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SeyeTestAgent, seye_test_agent_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SeyeTestFake, seye_test_fake_free)

G_END_DECLS
