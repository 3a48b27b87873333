/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include "seye-test-util.h"

/*
 * A hostile neighbour against real agent processes, all on loopback: requests
 * that libsoup would multiply (Range), requests whose body framing it cannot
 * resolve, several source addresses (127.0.0.2, 127.0.0.3, …) that hold every
 * connection or never read what they asked for. Throughout, a client from
 * another address must be answered, and the agent's memory stay bounded.
 */

#define NODE_ID "0123456789abcdef0123456789abcdef"

/* What docs/api.md promises under these attacks with the default limits (256
 * connections): the agent's resident memory, and what the kernel holds in its
 * sockets' send queues (128 KiB a connection at most). */
#define RSS_BOUND_KB      (64 * 1024)

/* AddressSanitizer keeps what is freed in quarantine (256 MB): the resident
 * memory then says nothing, and LeakSanitizer checks leaks when the agent exits. */
#if defined(__SANITIZE_ADDRESS__)
# define SANITIZED 1
#elif defined(__has_feature)
# if __has_feature(address_sanitizer)
#  define SANITIZED 1
# endif
#endif
#ifndef SANITIZED
# define SANITIZED 0
#endif

static void
assert_rss_below (guint64 rss_kb,
                  guint64 bound_kb)
{
  if (SANITIZED)
    g_test_message ("(built with AddressSanitizer: the resident memory is not checked)");
  else
    g_assert_cmpuint (rss_kb, <, bound_kb);
}
#define SEND_QUEUE_BOUND  (256 * 160 * 1024)

/* Helpers ------------------------------------------------------------------ */

static char *
exchange (GSocket    *socket,
          const char *request)
{
  seye_test_socket_send (socket, request, strlen (request));

  return seye_test_socket_read_response (socket, NULL);
}

/* The body of a response, and its size. */
static const char *
body_of (const char *response,
         gsize      *size)
{
  const char *body = strstr (response, "\r\n\r\n");

  g_assert_nonnull (body);
  *size = strlen (body + 4);

  return body + 4;
}

/* The agent's resident memory, in KB. */
static guint64
agent_rss_kb (SeyeTestAgent *agent)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/status",
                                           g_subprocess_get_identifier (agent->process));
  g_autofree char *status = NULL;
  const char *line;

  g_assert_true (g_file_get_contents (path, &status, NULL, NULL));
  line = strstr (status, "\nVmRSS:");
  g_assert_nonnull (line);

  return g_ascii_strtoull (line + strlen ("\nVmRSS:"), NULL, 10);
}

/* What waits in the send queues of the agent's connections (theirs: the local
 * port is the agent's), from /proc/net/tcp. */
static guint64
agent_send_queues (SeyeTestAgent *agent)
{
  g_autofree char *table = NULL;
  g_auto (GStrv) lines = NULL;
  g_autofree char *local = g_strdup_printf (":%04X ", agent->port);
  guint64 total = 0;

  g_assert_true (g_file_get_contents ("/proc/net/tcp", &table, NULL, NULL));
  lines = g_strsplit (table, "\n", -1);
  for (guint i = 1; lines[i] != NULL; i++)
    {
      g_auto (GStrv) fields = g_strsplit_set (g_strstrip (lines[i]), " ", -1);
      g_autoptr (GPtrArray) words = g_ptr_array_new ();
      g_autofree char *address = NULL;

      /* sl local_address rem_address st tx_queue:rx_queue … */
      for (guint j = 0; fields[j] != NULL; j++)
        if (fields[j][0] != '\0')
          g_ptr_array_add (words, fields[j]);
      if (words->len < 5)
        continue;
      address = g_strconcat (words->pdata[1], " ", NULL);
      if (!g_str_has_suffix (address, local))
        continue;
      total += g_ascii_strtoull (words->pdata[4], NULL, 16);
    }

  return total;
}

static gboolean
raise_file_limit (guint wanted)
{
  struct rlimit limit;

  g_assert_cmpint (getrlimit (RLIMIT_NOFILE, &limit), ==, 0);
  if (limit.rlim_cur < wanted)
    {
      if (limit.rlim_max < wanted)
        {
          g_test_skip ("cannot hold enough sockets (RLIMIT_NOFILE)");
          return FALSE;
        }
      limit.rlim_cur = wanted;
      g_assert_cmpint (setrlimit (RLIMIT_NOFILE, &limit), ==, 0);
    }

  return TRUE;
}

/* "Range: bytes=0-,0-,…" with @n ranges. */
static char *
range_request (const char *path,
               guint       n,
               const char *extra)
{
  GString *request = g_string_new (NULL);

  g_string_append_printf (request, "GET %s HTTP/1.1\r\nHost: agent\r\n%sRange: bytes=0-", path,
                          extra != NULL ? extra : "");
  for (guint i = 1; i < n; i++)
    g_string_append (request, ",0-");
  g_string_append (request, "\r\nIf-Range: \"x\"\r\n\r\n");

  return g_string_free (request, FALSE);
}

/* Range ---------------------------------------------------------------------- */

/* One history sample a minute: /v1/history stays the same for the test. */
static void
test_range_ignored (void)
{
  g_autoptr (SeyeTestAgent) agent = NULL;
  const char *plain = "GET /v1/history HTTP/1.1\r\nHost: agent\r\n\r\n";
  g_autofree char *ranges = range_request ("/v1/history", 1000, NULL);
  g_autoptr (GPtrArray) held = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *normal = NULL;
  gsize normal_size;
  guint64 rss_before, rss_after;

  agent = seye_test_agent_start ("--no-mdns", "--node-id", NODE_ID, "--interval", "60",
                                 "--rate-limit", "0", NULL);

  {
    g_autoptr (GSocket) socket = seye_test_socket_connect (agent->port, NULL, 4096);
    g_autofree char *response = exchange (socket, plain);

    g_assert_true (g_str_has_prefix (response, "HTTP/1.1 200 "));
    normal = g_strdup (body_of (response, &normal_size));
    g_assert_cmpuint (normal_size, >, 100);
  }

  /* A thousand ranges, a single range, a range past the end: the whole body, as usual. */
  {
    g_autoptr (GSocket) socket = seye_test_socket_connect (agent->port, NULL, 4096);
    g_autofree char *response = exchange (socket, ranges);
    g_autofree char *one = range_request ("/v1/history", 1, NULL);
    g_autofree char *one_response = exchange (socket, one);
    g_autofree char *past = exchange (socket, "GET /v1/node HTTP/1.1\r\nHost: agent\r\n"
                                              "Range: bytes=99999999-\r\n\r\n");
    gsize size;

    g_test_message ("1,000 ranges: %.*s", (int) (strstr (response, "\r\n") - response), response);
    g_assert_true (g_str_has_prefix (response, "HTTP/1.1 200 "));
    g_assert_null (strstr (response, "multipart/byteranges"));
    g_assert_null (strstr (response, "Content-Range"));
    g_assert_cmpstr (body_of (response, &size), ==, normal);
    g_assert_true (g_str_has_prefix (one_response, "HTTP/1.1 200 "));
    g_assert_cmpstr (body_of (one_response, &size), ==, normal);
    g_assert_true (g_str_has_prefix (past, "HTTP/1.1 200 "));
  }

  /* Twenty such requests whose answers are not read: the agent holds no
   * multiplied bodies. (Once the status line is in, the body is built.) */
  rss_before = agent_rss_kb (agent);
  for (guint i = 0; i < 20; i++)
    {
      GSocket *socket = seye_test_socket_connect (agent->port, NULL, 4096);
      char status[13] = { 0 };
      g_autoptr (GError) error = NULL;

      seye_test_socket_send (socket, ranges, strlen (ranges));
      g_socket_receive (socket, status, 12, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (status, ==, "HTTP/1.1 200");
      g_ptr_array_add (held, socket);
    }
  rss_after = agent_rss_kb (agent);
  g_test_message ("agent VmRSS %" G_GUINT64_FORMAT " KB → %" G_GUINT64_FORMAT " KB",
                  rss_before, rss_after);
  assert_rss_below (rss_after, rss_before + 4 * 1024);

  g_ptr_array_set_size (held, 0);
  g_assert_cmpint (seye_test_agent_stop (agent), ==, 0);
}

static gboolean
accept_certificate_cb (SoupMessage          *msg,
                       GTlsCertificate      *certificate,
                       GTlsCertificateFlags  errors,
                       gpointer              data)
{
  return TRUE;
}

/* Over HTTPS with a token: the same. */
static void
test_range_ignored_tls_token (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("seye-hostile-XXXXXX", &error);
  g_autofree char *token_path = NULL;
  g_autofree char *token = NULL;
  g_autofree char *authorization = NULL;
  g_autoptr (SeyeTestAgent) agent = NULL;
  g_autoptr (SoupSession) session = soup_session_new_with_options ("timeout", 10, NULL);
  g_autofree char *uri = NULL;
  g_autofree char *ranges = NULL;
  g_autoptr (GBytes) normal = NULL;

  g_assert_no_error (error);
  agent = seye_test_agent_start ("--no-mdns", "--node-id", NODE_ID, "--interval", "60", "--tls",
                                 "--auth=token", "--state-dir", dir, NULL);
  token_path = g_build_filename (dir, "token", NULL);
  g_assert_true (g_file_get_contents (token_path, &token, NULL, NULL));
  g_strstrip (token);
  authorization = g_strconcat ("Bearer ", token, NULL);
  uri = g_strconcat (agent->base_uri, "/v1/history", NULL);

  /* "Range: bytes=0-,0-,…": the header's value alone. */
  ranges = range_request ("/", 1000, NULL);
  *strstr (ranges, "\r\nIf-Range") = '\0';

  for (guint i = 0; i < 3; i++)
    {
      g_autoptr (SoupMessage) msg = soup_message_new ("GET", uri);
      SoupMessageHeaders *headers = soup_message_get_request_headers (msg);
      g_autoptr (GBytes) body = NULL;

      g_signal_connect (msg, "accept-certificate", G_CALLBACK (accept_certificate_cb), NULL);
      if (i != 1)
        soup_message_headers_replace (headers, "Authorization", authorization);
      if (i > 0)
        {
          soup_message_headers_replace (headers, "Range", strstr (ranges, "bytes="));
          soup_message_headers_replace (headers, "If-Range", "\"x\"");
        }
      body = soup_session_send_and_read (session, msg, NULL, &error);
      g_assert_no_error (error);

      switch (i)
        {
        case 0:
          g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
          normal = g_bytes_ref (body);
          break;
        case 1:
          g_assert_cmpuint (soup_message_get_status (msg), ==, 401);
          g_assert_cmpuint (g_bytes_get_size (body), <, 1024);
          break;
        case 2:
          g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
          g_assert_true (g_bytes_equal (body, normal));
          break;
        }
    }

  g_assert_cmpint (seye_test_agent_stop (agent), ==, 0);
  g_unlink (token_path);
  {
    g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
    const char *name;

    while (d != NULL && (name = g_dir_read_name (d)) != NULL)
      {
        g_autofree char *path = g_build_filename (dir, name, NULL);
        g_unlink (path);
      }
  }
  g_rmdir (dir);
}

/* Body framing --------------------------------------------------------------- */

/* Each request says it has a body, and none comes: each is answered at once
 * (before the body, which never comes) and its connection closed. libsoup alone
 * waits for the body until the connection ends. */
static void
test_body_framing (void)
{
  static const char * const framings[] = {
    "Content-Length: -1\r\n",
    "Content-Length: 18446744073709551616\r\n",
    "Content-Length: 99999999999\r\n",
    "Content-Length: 10\r\n",
    "Content-Length: +5\r\n",
    "Content-Length: 0x10\r\n",
    "Content-Length: 5\r\nContent-Length: 5\r\n",
    "Content-Length: 0\r\nContent-Length: 1000000\r\n",
    "Content-Length: 5, 5\r\n",
    "Transfer-Encoding: chunked\r\n",
    "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n",
    "Transfer-Encoding: identity\r\nContent-Length: 100\r\n",
    "Transfer-Encoding: identity\r\n",
    "Transfer-Encoding: gzip, chunked\r\n",
    "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n",
    "Expect: 100-continue\r\nContent-Length: 1000000\r\n",
  };
  const char *paths[] = { "/v1/node", "/nowhere", "/%2e%2e/x" };
  g_autoptr (SeyeTestAgent) agent = NULL;
  g_autoptr (GPtrArray) held = g_ptr_array_new_with_free_func (g_object_unref);

  /* Four connections, and no idle timeout to end the wait: a connection that
   * waited for its body would hold its slot for good. */
  agent = seye_test_agent_start ("--no-mdns", "--node-id", NODE_ID, "--rate-limit", "0",
                                 "--idle-timeout", "0", "--max-connections", "4", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (framings); i++)
    for (guint j = 0; j < G_N_ELEMENTS (paths); j++)
      {
        GSocket *socket = seye_test_socket_connect (agent->port, "127.0.0.2", 4096);
        g_autofree char *request = g_strdup_printf ("GET %s HTTP/1.1\r\nHost: agent\r\n%s\r\n",
                                                    paths[j], framings[i]);
        g_autofree char *response = NULL;

        /* The answer comes without the body: the client never sends one, and
         * keeps its end open. */
        g_socket_set_timeout (socket, 5);
        response = exchange (socket, request);
        g_test_message ("%s%s→ %.*s", paths[j], framings[i],
                        (int) (strchr (response, '\r') ? strchr (response, '\r') - response : 0),
                        response);
        g_assert_true (g_str_has_prefix (response, "HTTP/1.1 400 ") ||
                       g_str_has_prefix (response, "HTTP/1.1 413 ") ||
                       /* libsoup's own answer to a transfer coding it does not know */
                       (g_str_has_prefix (response, "HTTP/1.1 501 ") && strstr (framings[i], "gzip")));
        g_assert_nonnull (strstr (response, "\r\nConnection: close\r\n"));
        g_assert_true (seye_test_socket_closed (socket));
        g_ptr_array_add (held, socket);
      }

  /* None holds a slot: a client from another address is served. */
  {
    g_autoptr (GSocket) socket = seye_test_socket_connect (agent->port, NULL, 4096);
    g_autofree char *response = exchange (socket, "GET /v1/node HTTP/1.1\r\nHost: agent\r\n\r\n");

    g_assert_true (g_str_has_prefix (response, "HTTP/1.1 200 "));
  }

  /* No body framing at all, or a zero length: a request as usual. */
  {
    g_autoptr (GSocket) socket = seye_test_socket_connect (agent->port, NULL, 4096);
    g_autofree char *one = exchange (socket, "GET /v1/node HTTP/1.1\r\nHost: agent\r\n"
                                             "Content-Length: 0\r\n\r\n");
    g_autofree char *two = exchange (socket, "GET /v1/node HTTP/1.1\r\nHost: agent\r\n"
                                             "Content-Length: 000\r\n\r\n");

    g_assert_true (g_str_has_prefix (one, "HTTP/1.1 200 "));
    g_assert_true (g_str_has_prefix (two, "HTTP/1.1 200 "));
  }

  g_ptr_array_set_size (held, 0);
  g_assert_cmpint (seye_test_agent_stop (agent), ==, 0);
}

/* A framing libsoup cannot read (it would answer 400 or 501 itself, and keep
 * the request's path: libsoup 3.2 leaks it) costs the agent nothing: a
 * thousand requests with a 32 KB path each leave its memory where it was. */
static void
test_framing_leaks_nothing (void)
{
  static const char * const framings[] = {
    "Content-Length: 0x10\r\n",
    "Content-Length: 5, 5\r\n",
    "Transfer-Encoding: gzip, chunked\r\n",
  };
  g_autoptr (SeyeTestAgent) agent = NULL;
  g_autofree char *path = g_strnfill (32 * 1024, 'a');
  guint64 rss_before = 0, rss_after;

  agent = seye_test_agent_start ("--no-mdns", "--node-id", NODE_ID, "--rate-limit", "0", NULL);

  /* Once, so that what the agent allocates for its first requests is in. */
  for (guint round = 0; round < 2; round++)
    {
      guint n = round == 0 ? 30 : 1000;

      if (round == 1)
        rss_before = agent_rss_kb (agent);
      for (guint i = 0; i < n; i++)
        {
          g_autoptr (GSocket) socket = seye_test_socket_connect (agent->port, NULL, 4096);
          g_autofree char *request = g_strdup_printf ("GET /%s HTTP/1.1\r\nHost: agent\r\n%s\r\n", path,
                                                      framings[i % G_N_ELEMENTS (framings)]);
          g_autofree char *response = exchange (socket, request);

          if (!g_str_has_prefix (response, "HTTP/1.1 4") && !g_str_has_prefix (response, "HTTP/1.1 5"))
            g_error ("request %u of round %u: got “%.60s”", i, round, response);
          g_assert_nonnull (strstr (response, "\r\nConnection: close\r\n"));
        }
    }
  rss_after = agent_rss_kb (agent);
  g_test_message ("agent VmRSS %" G_GUINT64_FORMAT " KB → %" G_GUINT64_FORMAT " KB after 1,000 requests",
                  rss_before, rss_after);
  assert_rss_below (rss_after, rss_before + 8 * 1024);

  g_assert_cmpint (seye_test_agent_stop (agent), ==, 0);
}

/* Lock-out ------------------------------------------------------------------- */

/* A client from 127.0.0.1 must be answered, within a second, whatever the others do. */
static void
assert_served (SeyeTestAgent *agent,
               const char    *during)
{
  gint64 start = g_get_monotonic_time ();
  g_autoptr (GSocket) socket = seye_test_socket_connect (agent->port, NULL, 4096);
  g_autofree char *response = NULL;
  double seconds;

  g_socket_set_timeout (socket, 5);
  response = exchange (socket, "GET /v1/node HTTP/1.1\r\nHost: agent\r\n\r\n");
  seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  if (!g_str_has_prefix (response, "HTTP/1.1 200 ") || seconds >= 1.0)
    g_error ("%s: a client from another address got, after %.2f s: %.40s", during, seconds, response);
}

/* @n sockets from @n_addresses attacking addresses (127.0.0.2, …) in turn,
 * each sending @request @repeat times and reading nothing; a client from
 * 127.0.0.1 is checked every 32 of them. The sockets are kept in @held. */
static void
attack (SeyeTestAgent *agent,
        GPtrArray     *held,
        guint          n,
        guint          n_addresses,
        const char    *request,
        guint          repeat,
        const char    *during)
{
  g_autoptr (GString) requests = g_string_new (NULL);

  for (guint i = 0; i < repeat; i++)
    g_string_append (requests, request);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *source = g_strdup_printf ("127.0.0.%u", 2 + i % n_addresses);
      GSocket *socket = seye_test_socket_connect (agent->port, source, 4096);
      g_autoptr (GError) error = NULL;

      g_socket_set_blocking (socket, FALSE);
      /* The agent may already have closed it (its address's share): that is fine. */
      g_socket_send (socket, requests->str, requests->len, NULL, &error);
      g_ptr_array_add (held, socket);

      if (i % 32 == 31)
        assert_served (agent, during);
    }
  assert_served (agent, during);
}

static void
test_lockout (void)
{
  g_autoptr (SeyeTestAgent) agent = NULL;
  g_autoptr (GPtrArray) held = g_ptr_array_new_with_free_func (g_object_unref);
  guint64 rss_start, rss, queued;

  if (!raise_file_limit (4096))
    return;

  /* The default limits (256 connections, 30 s idle timeout, 50 requests a
   * second per address, 100 at once); samples every 0.25 s, so that
   * /v1/history grows. Four addresses, or when that would be past the rate
   * limit, 64. */
  agent = seye_test_agent_start ("--no-mdns", "--node-id", NODE_ID, "--interval", "0.25", NULL);
  assert_served (agent, "before");
  rss_start = agent_rss_kb (agent);

  /* Headers that never end. */
  attack (agent, held, 256, 4, "GET /v1/node HTTP/1.1\r\nHost: agent\r\nX-Slow: ", 1,
          "headers that never end");

  /* Bodies that never come, from every framing libsoup cannot resolve. */
  attack (agent, held, 256, 4, "GET /v1/history HTTP/1.1\r\nHost: agent\r\nContent-Length: -1\r\n\r\n", 1,
          "Content-Length: -1");
  attack (agent, held, 256, 4, "GET /v1/history HTTP/1.1\r\nHost: agent\r\nContent-Length: 5\r\n"
                            "Content-Length: 99999999\r\n\r\n", 1, "two Content-Lengths");
  attack (agent, held, 256, 4, "GET /v1/history HTTP/1.1\r\nHost: agent\r\nTransfer-Encoding: chunked\r\n\r\n", 1,
          "Transfer-Encoding: chunked");

  /* Valid requests, ten at a time on each socket, whose answers are never read. */
  g_usleep (10 * G_USEC_PER_SEC);
  attack (agent, held, 256, 64, "GET /v1/history HTTP/1.1\r\nHost: agent\r\n\r\n", 10,
          "10 pipelined /v1/history never read");

  /* What the agent holds for them: bounded however much they leave unread.
   * (A connection whose next request finds its earlier answers unread is
   * closed: let the agent get to those requests.) */
  g_usleep (G_USEC_PER_SEC);
  rss = agent_rss_kb (agent);
  queued = agent_send_queues (agent);
  g_test_message ("agent VmRSS %" G_GUINT64_FORMAT " KB at the start, %" G_GUINT64_FORMAT " KB "
                  "with %u sockets held; %" G_GUINT64_FORMAT " KB in its send queues",
                  rss_start, rss, held->len, queued / 1024);
  assert_rss_below (rss, RSS_BOUND_KB);
  g_assert_cmpuint (queued, <, SEND_QUEUE_BOUND);

  /* Still answering once they go. */
  g_ptr_array_set_size (held, 0);
  assert_served (agent, "after");
  g_assert_cmpint (seye_test_agent_stop (agent), ==, 0);
}

/* One address past its share of the connections loses its own, never another's;
 * at the limit, the address that holds the most gives one up. */
static void
test_address_share (void)
{
  g_autoptr (SeyeTestAgent) agent = NULL;
  g_autoptr (GPtrArray) held = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GSocket) innocent = NULL;
  g_autoptr (GSocket) other = NULL;
  const char *request = "GET /v1/node HTTP/1.1\r\nHost: agent\r\n\r\n";
  guint closed = 0;

  if (!raise_file_limit (1024))
    return;

  /* 100 connections: an address may hold 25 of them. */
  agent = seye_test_agent_start ("--no-mdns", "--node-id", NODE_ID, "--max-connections", "100",
                                 "--rate-limit", "0", NULL);

  /* Two clients with a keep-alive connection each. */
  innocent = seye_test_socket_connect (agent->port, NULL, 4096);
  {
    g_autofree char *response = exchange (innocent, request);
    g_assert_true (g_str_has_prefix (response, "HTTP/1.1 200 "));
  }
  other = seye_test_socket_connect (agent->port, "127.0.0.9", 4096);
  {
    g_autofree char *response = exchange (other, request);
    g_assert_true (g_str_has_prefix (response, "HTTP/1.1 200 "));
  }

  /* One address opens 300 and holds them: only its own are closed. */
  for (guint i = 0; i < 300; i++)
    g_ptr_array_add (held, seye_test_socket_connect (agent->port, "127.0.0.2", 4096));
  {
    g_autofree char *response = exchange (innocent, request);
    g_assert_true (g_str_has_prefix (response, "HTTP/1.1 200 "));
  }
  /* As the agent accepts in order, all 300 are in once a new connection is answered. */
  {
    g_autoptr (GSocket) later = seye_test_socket_connect (agent->port, "127.0.0.10", 4096);
    g_autofree char *response = exchange (later, request);
    g_assert_true (g_str_has_prefix (response, "HTTP/1.1 200 "));
  }
  for (guint i = 0; i < held->len; i++)
    {
      GSocket *socket = g_ptr_array_index (held, i);
      g_autoptr (GError) error = NULL;
      char byte;
      gssize n;

      g_socket_set_blocking (socket, FALSE);
      n = g_socket_receive (socket, &byte, 1, NULL, &error);
      if (n == 0 || (n < 0 && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK)))
        closed++;
    }
  g_assert_cmpuint (closed, >=, 300 - 25);
  g_assert_true (seye_test_socket_closed (g_ptr_array_index (held, 0)));
  g_ptr_array_set_size (held, 0);

  /* Four addresses with 25 each fill the agent; then a fifth comes: one of
   * theirs goes, not the two clients' connections. */
  for (guint i = 0; i < 100; i++)
    {
      g_autofree char *source = g_strdup_printf ("127.0.0.%u", 2 + i % 4);

      g_ptr_array_add (held, seye_test_socket_connect (agent->port, source, 4096));
    }
  {
    g_autoptr (GSocket) newcomer = seye_test_socket_connect (agent->port, "127.0.0.7", 4096);
    g_autofree char *response = exchange (newcomer, request);
    g_autofree char *innocent_response = exchange (innocent, request);
    g_autofree char *other_response = exchange (other, request);

    g_assert_true (g_str_has_prefix (response, "HTTP/1.1 200 "));
    g_assert_true (g_str_has_prefix (innocent_response, "HTTP/1.1 200 "));
    g_assert_true (g_str_has_prefix (other_response, "HTTP/1.1 200 "));
  }

  g_ptr_array_set_size (held, 0);
  g_assert_cmpint (seye_test_agent_stop (agent), ==, 0);
}

/* Queries ------------------------------------------------------------------------ */

/* Numbers are decimal, and a name comes once: anything else is a 400, on every path.
 * (HEAD for /v1/stream: a stream that was accepted would never end.) */
static void
test_query (void)
{
  static const struct {
    const char *request;
    const char *status;
  } cases[] = {
    { "HEAD /v1/stream?interval=0x10", "400" },
    { "HEAD /v1/stream?interval=1e1", "400" },
    { "HEAD /v1/stream?interval=inf", "400" },
    { "HEAD /v1/stream?interval=%2B5", "400" },
    { "HEAD /v1/stream?interval=5.", "400" },
    { "HEAD /v1/stream?interval=5&interval=5", "400" },
    { "HEAD /v1/stream?view=full&view=compact", "400" },
    { "HEAD /v1/stream?full_every=0", "400" },
    { "HEAD /v1/stream?full_every=3601", "400" },
    { "HEAD /v1/stream?full_every=%2B3", "400" },
    { "HEAD /v1/stream?full_every=0x10", "400" },
    { "HEAD /v1/stream?full_every=", "400" },
    { "HEAD /v1/stream?view=compact&full_every=10", "200" },
    { "HEAD /v1/stream?interval=1&view=compact&interval=9", "400" },
    { "GET /v1/history?since=1&since=2", "400" },
    { "GET /v1/history?since=%2B1", "400" },
    { "GET /v1/history?since=0x10", "400" },
    { "GET /v1/history?sin%63e=1&since=2", "400" },
    { "GET /v1/node?a=1&a=2", "400" },
    { "GET /?a=1&a=2", "400" },
    { "HEAD /v1/stream?interval=1.5", "200" },
    { "HEAD /v1/stream?interval=0&view=totals", "200" },
    { "GET /v1/history?since=1", "200" },
    { "GET /v1/node?a=1&b=1", "200" },
  };
  g_autoptr (SeyeTestAgent) agent = NULL;

  agent = seye_test_agent_start ("--no-mdns", "--node-id", NODE_ID, "--rate-limit", "0", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GSocket) socket = seye_test_socket_connect (agent->port, NULL, 4096);
      g_autofree char *request = g_strdup_printf ("%s HTTP/1.1\r\nHost: agent\r\n"
                                                  "Connection: close\r\n\r\n", cases[i].request);
      g_autofree char *response = exchange (socket, request);
      g_autofree char *expected = g_strdup_printf ("HTTP/1.1 %s ", cases[i].status);

      g_test_message ("%s → %.*s", cases[i].request,
                      (int) (strchr (response, '\r') ? strchr (response, '\r') - response : 0),
                      response);
      g_assert_true (g_str_has_prefix (response, expected));
    }

  g_assert_cmpint (seye_test_agent_stop (agent), ==, 0);
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

  g_test_add_func ("/seye/agent/hostile/range-ignored", test_range_ignored);
  g_test_add_func ("/seye/agent/hostile/range-ignored-tls-token", test_range_ignored_tls_token);
  g_test_add_func ("/seye/agent/hostile/body-framing", test_body_framing);
  g_test_add_func ("/seye/agent/hostile/framing-leaks-nothing", test_framing_leaks_nothing);
  g_test_add_func ("/seye/agent/hostile/lockout", test_lockout);
  g_test_add_func ("/seye/agent/hostile/address-share", test_address_share);
  g_test_add_func ("/seye/agent/hostile/query", test_query);

  return g_test_run ();
}
