/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-test"

#include "config.h"

#include <string.h>
#include <sys/socket.h>

#include "seye-test-socket.h"

GSocket *
seye_test_socket_connect (guint16     port,
                          const char *source,
                          int         rcvbuf)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) address = g_inet_socket_address_new (loopback, port);
  GSocket *socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                  G_SOCKET_PROTOCOL_TCP, &error);

  g_assert_no_error (error);
  if (source != NULL)
    {
      g_autoptr (GInetAddress) from = g_inet_address_new_from_string (source);
      g_autoptr (GSocketAddress) local = g_inet_socket_address_new (from, 0);

      g_socket_bind (socket, local, FALSE, &error);
      g_assert_no_error (error);
    }
  if (rcvbuf > 0)
    g_socket_set_option (socket, SOL_SOCKET, SO_RCVBUF, rcvbuf, NULL);
  g_socket_set_blocking (socket, TRUE);
  g_socket_set_timeout (socket, 10);
  g_socket_connect (socket, address, NULL, &error);
  g_assert_no_error (error);

  return socket;
}

void
seye_test_socket_send (GSocket    *socket,
                       const char *data,
                       gsize       length)
{
  g_autoptr (GError) error = NULL;

  g_socket_send_with_blocking (socket, data, length, TRUE, NULL, &error);
  g_assert_no_error (error);
}

char *
seye_test_socket_read_response (GSocket *socket,
                                gsize   *length)
{
  g_autoptr (GError) error = NULL;
  GString *response = g_string_new (NULL);
  char buffer[16384];

  for (;;)
    {
      gssize n = g_socket_receive (socket, buffer, sizeof buffer, NULL, &error);
      const char *body;
      const char *content_length;

      if (n < 0 && (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED) ||
                    g_error_matches (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE)))
        break;
      g_assert_no_error (error);
      if (n == 0)
        break;
      g_string_append_len (response, buffer, n);

      body = strstr (response->str, "\r\n\r\n");
      content_length = g_strstr_len (response->str, body ? body - response->str : -1,
                                     "Content-Length: ");
      if (body != NULL && content_length != NULL &&
          response->len >= (gsize) (body + 4 - response->str) +
                           g_ascii_strtoull (content_length + 16, NULL, 10))
        break;
    }

  if (length != NULL)
    *length = response->len;

  return g_string_free (response, FALSE);
}

gboolean
seye_test_socket_closed (GSocket *socket)
{
  g_autoptr (GError) error = NULL;
  char buffer[4096];
  gssize n;

  do
    n = g_socket_receive (socket, buffer, sizeof buffer, NULL, &error);
  while (n > 0);

  return n == 0 || !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
}

guint16
seye_test_socket_free_port (void)
{
  g_autoptr (GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr (GSocketAddress) bound = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (g_socket_bind (socket, any, FALSE, &error));
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);

  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}
