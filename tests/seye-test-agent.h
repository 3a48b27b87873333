/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdarg.h>

#include <gio/gio.h>

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
/* Any program that listens as the agent does, run through @prefix (or not). */
SeyeTestAgent *seye_test_agent_spawn      (const char         *agent_path,
                                           const char * const *prefix,
                                           const char         *address,
                                           const char * const *args);

/* For whoever starts a child process of a test. */
void           seye_test_die_with_parent  (gpointer       data);
void           seye_test_args_add_valist  (GPtrArray     *argv,
                                           const char    *first_arg,
                                           va_list        ap);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SeyeTestAgent, seye_test_agent_free)

G_END_DECLS
