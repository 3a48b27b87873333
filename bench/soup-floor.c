/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <libsoup/soup.h>
#include <locale.h>
#include <stdlib.h>

/*
 * The smallest HTTP server libsoup 3 makes: one handler that answers "ok",
 * on 127.0.0.1:PORT. bench/agent-vs-node-exporter.sh measures its memory
 * beside the agent's, as the floor any libsoup server on this system has.
 *
 *   soup-floor PORT
 */

static void
handle (SoupServer        *server,
        SoupServerMessage *msg,
        const char        *path,
        GHashTable        *query,
        gpointer           data)
{
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, "ok\n", 3);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (SoupServer) server = NULL;
  g_autoptr (GMainLoop) loop = NULL;
  g_autoptr (GError) error = NULL;

  setlocale (LC_ALL, "");
  if (argc != 2)
    {
      g_printerr ("usage: soup-floor PORT\n");
      return EXIT_FAILURE;
    }

  server = soup_server_new (NULL, NULL);
  soup_server_add_handler (server, NULL, handle, NULL, NULL);
  if (!soup_server_listen_local (server, (guint) g_ascii_strtoull (argv[1], NULL, 10),
                                 SOUP_SERVER_LISTEN_IPV4_ONLY, &error))
    {
      g_printerr ("soup-floor: %s\n", error->message);
      return EXIT_FAILURE;
    }

  loop = g_main_loop_new (NULL, FALSE);
  g_main_loop_run (loop);

  return EXIT_SUCCESS;
}
