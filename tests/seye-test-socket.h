/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Raw HTTP on a blocking socket (10 s timeout): what no HTTP library would send,
 * or send that way. */

/* Connects to 127.0.0.1:@port from the loopback address @source (NULL: any), with a
 * receive buffer of @rcvbuf bytes (0: the system's), so that what a client leaves
 * unread stays with the server. */
GSocket  *seye_test_socket_connect        (guint16      port,
                                           const char  *source,
                                           int          rcvbuf) G_GNUC_WARN_UNUSED_RESULT;
void      seye_test_socket_send           (GSocket     *socket,
                                           const char  *data,
                                           gsize        length);
/* Reads one response: until the server closes or a whole response with a
 * Content-Length is in; its size in @length, if asked. */
char     *seye_test_socket_read_response  (GSocket     *socket,
                                           gsize       *length) G_GNUC_WARN_UNUSED_RESULT;
/* TRUE when the server closed @socket (EOF or a reset) within the timeout; whatever
 * it still sent is skipped. */
gboolean  seye_test_socket_closed         (GSocket     *socket);
/* A loopback port nobody listens on now (a server to start there, or one that is down). */
guint16   seye_test_socket_free_port      (void);

G_END_DECLS
