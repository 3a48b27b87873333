/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "seye-agent-auth.h"

G_BEGIN_DECLS

#define SEYE_AGENT_MIN_INTERVAL 0.25
#define SEYE_AGENT_MAX_INTERVAL 60.0

/* Limits on what clients may ask of the agent. */
#define SEYE_AGENT_DEFAULT_MAX_CONNECTIONS 256
#define SEYE_AGENT_MIN_CONNECTIONS         1
#define SEYE_AGENT_MAX_CONNECTIONS         65536
#define SEYE_AGENT_DEFAULT_IDLE_TIMEOUT    30       /* seconds; 0: never */
#define SEYE_AGENT_MAX_IDLE_TIMEOUT        86400
#define SEYE_AGENT_DEFAULT_MAX_HEADER_SIZE 8192     /* bytes of request line and headers */
#define SEYE_AGENT_MIN_HEADER_SIZE         1024
#define SEYE_AGENT_MAX_HEADER_SIZE         65536    /* libsoup's own limit is about this */
#define SEYE_AGENT_DEFAULT_RATE_LIMIT      50.0     /* requests a second per address; 0: none */
#define SEYE_AGENT_MAX_RATE_LIMIT          1000000.0
#define SEYE_AGENT_DEFAULT_RATE_BURST      100
#define SEYE_AGENT_MAX_RATE_BURST          1000000

/* Fixed limits, in docs/api.md. */
#define SEYE_AGENT_PEER_SHARE      4            /* one address holds at most 1/4 of the connections, */
#define SEYE_AGENT_MIN_PEER_SHARE  8            /* or 8 (or all of them, when there are fewer) */
#define SEYE_AGENT_SNDBUF          (64 * 1024)  /* a connection's socket send buffer (the kernel doubles it) */
#define SEYE_AGENT_MAX_UNREAD      (64 * 1024)  /* unread answer bytes at which a pipelined request closes */

typedef struct
{
  guint     port;          /* 0: any free port (tests) */
  GStrv     bind;          /* addresses to listen on; NULL: all */
  double    interval;      /* seconds between samples */
  char     *name;          /* announced name; NULL: the hostname */
  char     *node_id;       /* NULL: derived from /etc/machine-id */
  GStrv     tags;          /* seye-tags.h; NULL: none */
  gboolean  mdns;
  char     *root;          /* where /proc, /sys and /etc are read; "/" normally */
  char     *config_path;   /* the key file that was read, if any */

  /* Limits */
  guint     max_connections;
  guint     idle_timeout;    /* seconds; 0: never */
  guint     max_header_size; /* bytes */
  double    rate_limit;      /* requests a second per client address; 0: none */
  guint     rate_burst;      /* requests a client may make at once */

  /* Who may read the node */
  SeyeAgentAuth    auth;
  SeyeAgentAccess  api_access;      /* never DEFAULT once parsed */
  SeyeAgentAccess  metrics_access;  /* never DEFAULT once parsed */
  char            *state_dir;       /* the token and a generated certificate; never NULL once parsed */
  gboolean         tls;             /* HTTPS only */
  char            *tls_certificate; /* PEM files; NULL: generated in state_dir */
  char            *tls_key;
  gboolean         pairing_info;    /* print what pairing needs, and exit */
  gboolean         process_args;    /* argv in /v1/processes (token or loopback access only) */

  GPtrArray       *actions;         /* SeyeAgentAction, from [actions]; NULL: none */
} SeyeAgentConfig;

SeyeAgentConfig *seye_agent_config_new        (void) G_GNUC_WARN_UNUSED_RESULT;
void             seye_agent_config_free       (SeyeAgentConfig  *self);
gboolean         seye_agent_config_parse_args (SeyeAgentConfig  *self,
                                               int              *argc,
                                               char           ***argv,
                                               gboolean         *show_version,
                                               GError          **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SeyeAgentConfig, seye_agent_config_free)

G_END_DECLS
