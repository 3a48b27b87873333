/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-agent"

#include "config.h"

#include <gio/gio.h>

#include "seye-agent-config.h"
#include "seye-agent-config-private.h"
#include "seye-error.h"
#include "seye-node-id.h"
#include "seye-tags.h"

#define MAX_NAME 63     /* a DNS-SD instance name is one DNS label */

/* Settings that a table cannot say ------------------------------------------ */

gboolean
_seye_agent_config_check_name (gconstpointer   field,
                               GError        **error)
{
  const char *name = *(char * const *) field;

  if (name == NULL)
    return TRUE;

  if (name[0] == '\0' || !g_utf8_validate (name, -1, NULL) || strlen (name) > MAX_NAME)
    {
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG,
                   "name “%s” is not usable: use 1 to %d bytes of UTF-8 text", name, MAX_NAME);
      return FALSE;
    }

  for (const char *p = name; *p; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      {
        g_set_error_literal (error, SEYE_ERROR, SEYE_ERROR_CONFIG,
                             "name contains control characters");
        return FALSE;
      }

  return TRUE;
}

gboolean
_seye_agent_config_check_node_id (gconstpointer   field,
                                  GError        **error)
{
  const char *node_id = *(char * const *) field;

  if (node_id != NULL && !seye_node_id_is_valid (node_id))
    {
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG,
                   "node id “%s” is not 32 hex digits (for example the output of "
                   "“head -c16 /dev/urandom | od -An -tx1 | tr -d ' \\n'”)", node_id);
      return FALSE;
    }

  return TRUE;
}

gboolean
_seye_agent_config_check_bind (gconstpointer   field,
                               GError        **error)
{
  const GStrv bind = *(const GStrv *) field;

  for (guint i = 0; bind != NULL && bind[i] != NULL; i++)
    {
      if (!g_hostname_is_ip_address (bind[i]))
        {
          g_set_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG,
                       "bind address “%s” is not an IP address (for example 127.0.0.1 or ::1)",
                       bind[i]);
          return FALSE;
        }
    }

  return TRUE;
}

gboolean
_seye_agent_config_parse_auth (const char *text,
                               int        *auth)
{
  if (g_strcmp0 (text, "none") == 0)
    *auth = SEYE_AGENT_AUTH_NONE;
  else if (g_strcmp0 (text, "token") == 0)
    *auth = SEYE_AGENT_AUTH_TOKEN;
  else
    return FALSE;

  return TRUE;
}

gboolean
_seye_agent_config_parse_api_access (const char *text,
                                     int        *access)
{
  return seye_agent_access_from_string (text, FALSE, (SeyeAgentAccess *) access);
}

gboolean
_seye_agent_config_parse_metrics_access (const char *text,
                                         int        *access)
{
  return seye_agent_access_from_string (text, TRUE, (SeyeAgentAccess *) access);
}

gboolean
_seye_agent_config_check_tags (gconstpointer   field,
                               GError        **error)
{
  const char * const *tags = *(const char * const * const *) field;

  return seye_tags_check (tags, error);
}
