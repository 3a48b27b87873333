/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-address"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "seye-address.h"
#include "seye-browser.h"
#include "seye-error.h"

/**
 * seye_address_format:
 *
 * Returns: (transfer full): "host:port", or "[v6]:port" for an IPv6 address:
 *   how a node's address is shown, and the key of a node added by address.
 */
char *
seye_address_format (const char *host,
                     guint16     port)
{
  g_return_val_if_fail (host != NULL, NULL);

  if (strchr (host, ':') != NULL)
    return g_strdup_printf ("[%s]:%u", host, port);

  return g_strdup_printf ("%s:%u", host, port);
}

/**
 * seye_address_base_uri:
 *
 * Returns: (transfer full): "http://host:port" or "https://host:port", the
 *   IPv6 scope escaped as seye_service_info_dup_uri() does.
 */
char *
seye_address_base_uri (const char *host,
                       guint16     port,
                       gboolean    tls)
{
  SeyeServiceInfo info = { .address = (char *) host, .port = port };
  g_autofree char *uri = seye_service_info_dup_uri (&info);

  /* "http://…" */
  return tls ? g_strconcat ("https", uri + 4, NULL) : g_steal_pointer (&uri);
}

static gboolean
is_valid_host (const char *host)
{
  if (host[0] == '\0' || strlen (host) > 255)
    return FALSE;

  for (const char *p = host; *p; p++)
    if (!g_ascii_isalnum (*p) && strchr ("-._:%", *p) == NULL)
      return FALSE;

  return TRUE;
}

/**
 * seye_parse_host_port:
 * @text: "host", "host:port", "v6", "[v6]" or "[v6]:port"
 * @host: (out): the host, without brackets
 * @port: (out): the port; SEYE_DEFAULT_PORT when @text gives none
 *
 * Returns: %TRUE when @text is an address; %FALSE with @error (SEYE_ERROR_CONFIG) otherwise.
 */
gboolean
seye_parse_host_port (const char  *text,
                      char       **host,
                      guint16     *port,
                      GError     **error)
{
  g_autofree char *copy = NULL;
  g_autofree char *h = NULL;
  const char *port_text = NULL;
  guint64 value = SEYE_DEFAULT_PORT;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (host != NULL && port != NULL, FALSE);

  copy = g_strstrip (g_strdup (text));

  if (copy[0] == '[')
    {
      char *end = strchr (copy, ']');

      if (end == NULL || (end[1] != '\0' && end[1] != ':'))
        goto bad;
      h = g_strndup (copy + 1, end - copy - 1);
      if (end[1] == ':')
        port_text = end + 2;
      if (strchr (h, ':') == NULL)
        goto bad;
    }
  else
    {
      char *colon = strchr (copy, ':');

      if (colon != NULL && strchr (colon + 1, ':') == NULL)
        {
          h = g_strndup (copy, colon - copy);
          port_text = colon + 1;
        }
      else
        {
          /* No colon, or a bare IPv6 address. */
          h = g_strdup (copy);
        }
    }

  if (!is_valid_host (h))
    goto bad;

  if (strchr (h, ':') != NULL && !g_hostname_is_ip_address (h))
    {
      /* Only the scope may follow the address ("fe80::1%eth0"). */
      g_auto (GStrv) parts = g_strsplit (h, "%", 2);

      if (!g_hostname_is_ip_address (parts[0]) || parts[1] == NULL || parts[1][0] == '\0')
        goto bad;
    }

  if (port_text != NULL &&
      !g_ascii_string_to_unsigned (port_text, 10, 1, 65535, &value, NULL))
    {
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG,
                   _("“%s” is not a port number from 1 to 65535 (in “%s”)"), port_text, text);
      return FALSE;
    }

  *host = g_steal_pointer (&h);
  *port = (guint16) value;

  return TRUE;

bad:
  g_set_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG,
               _("“%s” is not a host or host:port, e.g. 192.168.1.20:%d or [fe80::1%%eth0]:%d"),
               text, SEYE_DEFAULT_PORT, SEYE_DEFAULT_PORT);
  return FALSE;
}

/**
 * seye_parse_node_address:
 * @text: what seye_parse_host_port() takes, optionally after "http://" or
 *   "https://" (a trailing "/" is allowed)
 * @tls: (out): whether @text asked for HTTPS
 *
 * Returns: %TRUE when @text is an address; %FALSE with @error (SEYE_ERROR_CONFIG) otherwise.
 */
gboolean
seye_parse_node_address (const char  *text,
                         char       **host,
                         guint16     *port,
                         gboolean    *tls,
                         GError     **error)
{
  g_autofree char *copy = NULL;
  const char *rest;
  gsize length;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (tls != NULL, FALSE);

  copy = g_strstrip (g_strdup (text));
  rest = copy;
  *tls = FALSE;

  if (g_ascii_strncasecmp (rest, "https://", 8) == 0)
    {
      *tls = TRUE;
      rest += 8;
    }
  else if (g_ascii_strncasecmp (rest, "http://", 7) == 0)
    {
      rest += 7;
    }
  else if (strstr (rest, "://") != NULL)
    {
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG,
                   _("“%s”: only http:// and https:// addresses can be watched"), text);
      return FALSE;
    }

  length = strlen (rest);
  if (rest != copy && length > 0 && rest[length - 1] == '/')
    copy[strlen (copy) - 1] = '\0';

  return seye_parse_host_port (rest, host, port, error);
}
