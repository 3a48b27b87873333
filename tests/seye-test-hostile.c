/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A node that says hostile things about itself (see seye-test-hostile.h). */
#define G_LOG_DOMAIN "seye-test"

#include "config.h"

#include "seye-test-agent.h"
#include "seye-test-hostile.h"

/* The server is $SEYE_FAKE_AGENT --relay (tests/seye-fake-agent.c), in a process
 * of its own. */
struct _SeyeTestHostileAgent
{
  SeyeTestAgent *agent;
};

SeyeTestHostileAgent *
seye_test_hostile_agent_start (const char *backend,
                               const char *reason)
{
  const char *args[] = { "--relay", backend, reason ? "--unavailable" : NULL, reason, NULL };
  SeyeTestHostileAgent *hostile = g_new0 (SeyeTestHostileAgent, 1);

  g_assert_nonnull (backend);
  hostile->agent = seye_test_agent_spawn (g_getenv ("SEYE_FAKE_AGENT"), NULL, "127.0.0.1", args);

  return hostile;
}

guint16
seye_test_hostile_agent_get_port (SeyeTestHostileAgent *hostile)
{
  return hostile->agent->port;
}

void
seye_test_hostile_agent_free (SeyeTestHostileAgent *hostile)
{
  g_clear_pointer (&hostile->agent, seye_test_agent_free);
  g_free (hostile);
}
