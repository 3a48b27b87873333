/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "seye-test-util.h"

/*
 * The agent's limits, as behaviour only (no timing assertions): held-open
 * sockets do not lock a new client out, a client over its rate gets 429,
 * oversized headers close the connection, and idle connections are closed.
 */

#define NODE_ID "0123456789abcdef0123456789abcdef"

/* Sends @request and reads until the agent closes (Connection: close) or a
 * whole response with a Content-Length is in. */
static char *
exchange (GSocket    *socket,
          const char *request,
          gsize       request_length)
{
  seye_test_socket_send (socket, request, request_length);

  return seye_test_socket_read_response (socket, NULL);
}

static void
test_held_sockets (void)
{
  g_autoptr (SeyeTestAgent) agent = NULL;
  g_autoptr (GPtrArray) held = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GSocket) client = NULL;
  g_autofree char *response = NULL;
  const char *request = "GET /v1/node HTTP/1.1\r\nHost: agent\r\n\r\n";
  struct rlimit limit;
  guint closed = 0;

  /* 300 sockets and the agent's own: make sure we may hold them. */
  g_assert_cmpint (getrlimit (RLIMIT_NOFILE, &limit), ==, 0);
  if (limit.rlim_cur < 512 && limit.rlim_max >= 512)
    {
      limit.rlim_cur = 512;
      g_assert_cmpint (setrlimit (RLIMIT_NOFILE, &limit), ==, 0);
    }

  agent = seye_test_agent_start ("--no-mdns", "--node-id", NODE_ID, "--max-connections", "100",
                                 NULL);

  for (guint i = 0; i < 300; i++)
    g_ptr_array_add (held, seye_test_socket_connect (agent->port, NULL, 0));

  /* A real client is still served: the least recently active idle sockets made room. */
  client = seye_test_socket_connect (agent->port, NULL, 0);
  response = exchange (client, request, strlen (request));
  g_assert_true (g_str_has_prefix (response, "HTTP/1.1 200 "));
  g_assert_nonnull (strstr (response, NODE_ID));

  /* The oldest held sockets are the ones that were closed; at most 100 stay open. */
  for (guint i = 0; i < held->len; i++)
    {
      GSocket *socket = g_ptr_array_index (held, i);

      g_socket_set_blocking (socket, FALSE);
      {
        char byte;
        g_autoptr (GError) error = NULL;
        gssize n = g_socket_receive (socket, &byte, 1, NULL, &error);

        if (n == 0 || (n < 0 && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK)))
          closed++;
      }
    }
  g_assert_cmpuint (closed, >=, 300 - 100 + 1);
  g_assert_true (seye_test_socket_closed (g_ptr_array_index (held, 0)));

  g_ptr_array_set_size (held, 0);
  g_assert_cmpint (seye_test_agent_stop (agent), ==, 0);
}

static void
test_rate_limit (void)
{
  g_autoptr (SeyeTestAgent) agent = NULL;
  g_autoptr (GSocket) client = NULL;
  const char *request = "GET / HTTP/1.1\r\nHost: agent\r\n\r\n";
  guint ok = 0, limited = 0;

  agent = seye_test_agent_start ("--no-mdns", "--node-id", NODE_ID, "--rate-limit", "1",
                                 "--rate-burst", "3", NULL);
  client = seye_test_socket_connect (agent->port, NULL, 0);

  /* Far more than 3 requests at once plus one a second: some are refused. */
  for (guint i = 0; i < 10; i++)
    {
      g_autofree char *response = exchange (client, request, strlen (request));

      if (g_str_has_prefix (response, "HTTP/1.1 200 "))
        {
          ok++;
        }
      else
        {
          if (!g_str_has_prefix (response, "HTTP/1.1 429 "))
            g_error ("expected 200 or 429, got: %s", response);
          g_assert_nonnull (strstr (response, "\r\nRetry-After: "));
          g_assert_nonnull (strstr (response, "{\"error\":{\"status\":429,"));
          limited++;
        }
    }

  g_assert_cmpuint (ok, >=, 3);
  g_assert_cmpuint (limited, >=, 1);
  g_assert_cmpint (seye_test_agent_stop (agent), ==, 0);
}

static void
test_oversized_headers (void)
{
  g_autoptr (SeyeTestAgent) agent = NULL;
  g_autoptr (GSocket) client = NULL;
  g_autoptr (GSocket) other = NULL;
  g_autoptr (GString) request = g_string_new ("GET /v1/node HTTP/1.1\r\nHost: agent\r\n");
  g_autofree char *response = NULL;
  g_autofree char *other_response = NULL;
  const char *small = "GET /v1/node HTTP/1.1\r\nHost: agent\r\n\r\n";

  agent = seye_test_agent_start ("--no-mdns", "--node-id", NODE_ID, "--max-header-size", "2048",
                                 NULL);
  client = seye_test_socket_connect (agent->port, NULL, 0);

  for (guint i = 0; i < 40; i++)
    g_string_append_printf (request, "X-Padding-%u: %0100u\r\n", i, i);
  g_string_append (request, "\r\n");

  response = exchange (client, request->str, request->len);
  g_assert_true (g_str_has_prefix (response, "HTTP/1.1 431 "));
  g_assert_nonnull (strstr (response, "\r\nConnection: close\r\n"));
  g_assert_true (seye_test_socket_closed (client));

  /* Others are not affected. */
  other = seye_test_socket_connect (agent->port, NULL, 0);
  other_response = exchange (other, small, strlen (small));
  g_assert_true (g_str_has_prefix (other_response, "HTTP/1.1 200 "));

  g_assert_cmpint (seye_test_agent_stop (agent), ==, 0);
}

static void
test_idle_closed (void)
{
  g_autoptr (SeyeTestAgent) agent = NULL;
  g_autoptr (GSocket) silent = NULL;
  g_autoptr (GSocket) kept = NULL;
  g_autoptr (GSocket) later = NULL;
  g_autofree char *response = NULL;
  g_autofree char *later_response = NULL;
  const char *request = "GET /v1/node HTTP/1.1\r\nHost: agent\r\n\r\n";

  agent = seye_test_agent_start ("--no-mdns", "--node-id", NODE_ID, "--idle-timeout", "1", NULL);

  /* One that never says anything, one that goes quiet after a request. */
  silent = seye_test_socket_connect (agent->port, NULL, 0);
  kept = seye_test_socket_connect (agent->port, NULL, 0);
  response = exchange (kept, request, strlen (request));
  g_assert_true (g_str_has_prefix (response, "HTTP/1.1 200 "));

  g_assert_true (seye_test_socket_closed (silent));
  g_assert_true (seye_test_socket_closed (kept));

  later = seye_test_socket_connect (agent->port, NULL, 0);
  later_response = exchange (later, request, strlen (request));
  g_assert_true (g_str_has_prefix (later_response, "HTTP/1.1 200 "));

  g_assert_cmpint (seye_test_agent_stop (agent), ==, 0);
}

/* Sockets the agent has open, from /proc. */
static guint
count_sockets (SeyeTestAgent *agent)
{
  const char *pid = g_subprocess_get_identifier (agent->process);
  g_autofree char *path = g_strdup_printf ("/proc/%s/fd", pid);
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;
  guint count = 0;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *link_path = g_build_filename (path, name, NULL);
      g_autofree char *target = g_file_read_link (link_path, NULL);

      if (target != NULL && g_str_has_prefix (target, "socket:"))
        count++;
    }

  return count;
}

typedef struct
{
  SeyeTestAgent *agent;
  guint          expected;
} SocketCount;

static gboolean
sockets_back_to (gpointer data)
{
  SocketCount *count = data;

  /* At most: a connection of the start-up check may still have been open. */
  return count_sockets (count->agent) <= count->expected;
}

/* Every way a client can leave frees its connection in the agent: a closed
 * keep-alive connection after a request, a connection that never sent a byte,
 * a reset after a request, a request cut off halfway. (libsoup 3.2 alone keeps
 * the first three open forever.) */
static void
test_connections_released (void)
{
  g_autoptr (SeyeTestAgent) agent = NULL;
  const char *request = "GET /v1/node HTTP/1.1\r\nHost: agent\r\n\r\n";
  const char *half = "GET /v1/node HTTP/1.1\r\nHo";
  SocketCount count;

  agent = seye_test_agent_start ("--no-mdns", "--node-id", NODE_ID, "--rate-limit", "0", NULL);
  count.agent = agent;
  count.expected = count_sockets (agent);

  for (guint i = 0; i < 60; i++)
    {
      g_autoptr (GSocket) socket = seye_test_socket_connect (agent->port, NULL, 0);
      g_autoptr (GError) error = NULL;

      switch (i % 4)
        {
        case 0:
          {
            g_autofree char *response = exchange (socket, request, strlen (request));
            g_assert_true (g_str_has_prefix (response, "HTTP/1.1 200 "));
          }
          break;
        case 1:
          break;
        case 2:
          {
            g_autofree char *response = exchange (socket, request, strlen (request));
            struct linger linger = { 1, 0 };

            g_assert_true (g_str_has_prefix (response, "HTTP/1.1 200 "));
            /* A zero linger time: close() resets the connection. */
            g_assert_cmpint (setsockopt (g_socket_get_fd (socket), SOL_SOCKET, SO_LINGER,
                                         &linger, sizeof linger), ==, 0);
          }
          break;
        case 3:
          g_socket_send_with_blocking (socket, half, strlen (half), TRUE, NULL, &error);
          g_assert_no_error (error);
          break;
        }
      g_socket_close (socket, NULL);
    }

  /* It still serves; and as it accepts in order, it has accepted every one of
   * the connections above once it answers this one. */
  {
    g_autoptr (GSocket) socket = seye_test_socket_connect (agent->port, NULL, 0);
    g_autofree char *response = exchange (socket, request, strlen (request));
    g_assert_true (g_str_has_prefix (response, "HTTP/1.1 200 "));
    g_socket_close (socket, NULL);
  }

  /* Nothing wakes this process when the agent closes a socket: look every 50 ms. */
  for (guint i = 0; i < 200 && !sockets_back_to (&count); i++)
    g_usleep (50 * 1000);
  g_assert_cmpuint (count_sockets (agent), <=, count.expected);

  g_assert_cmpint (seye_test_agent_stop (agent), ==, 0);
}

static void
test_bad_limits (void)
{
  const char * const bad[][2] = {
    { "--max-connections", "0" },
    { "--idle-timeout", "-1" },
    { "--max-header-size", "100" },
    { "--rate-limit", "fast" },
    { "--rate-burst", "0" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GSubprocess) process = NULL;
      g_autoptr (GError) error = NULL;
      g_autofree char *err = NULL;

      process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                                  &error, g_getenv ("SEYE_AGENT"), "--no-mdns", "--port", "0",
                                  bad[i][0], bad[i][1], NULL);
      g_assert_no_error (error);
      g_subprocess_communicate_utf8 (process, NULL, NULL, NULL, &err, &error);
      g_assert_no_error (error);
      g_assert_false (g_subprocess_get_successful (process));
      g_assert_nonnull (strstr (err, bad[i][0] + 2));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (g_getenv ("SEYE_AGENT") == NULL)
    {
      g_test_skip ("SEYE_AGENT is not set (run through meson test)");
      return g_test_run ();
    }

  g_test_add_func ("/seye/agent/limits/held-sockets", test_held_sockets);
  g_test_add_func ("/seye/agent/limits/rate", test_rate_limit);
  g_test_add_func ("/seye/agent/limits/oversized-headers", test_oversized_headers);
  g_test_add_func ("/seye/agent/limits/idle-closed", test_idle_closed);
  g_test_add_func ("/seye/agent/limits/connections-released", test_connections_released);
  g_test_add_func ("/seye/agent/limits/bad-values", test_bad_limits);

  return g_test_run ();
}
