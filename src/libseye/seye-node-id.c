/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-node-id"

#include "config.h"

#include <string.h>

#include "seye-node-id.h"

/* The application key: the node id is HMAC-SHA256 (key, machine-id), so the raw
 * machine id never leaves the machine and ids of other applications cannot be
 * correlated with ours. Never change it: node ids would change with it. */
#define SEYE_NODE_ID_APP_KEY "io.github.sorcerers_eye.node-id.v1"

/**
 * seye_node_id_derive:
 * @machine_id: the contents of /etc/machine-id (surrounding white space ignored)
 *
 * Returns: (transfer full) (nullable): 32 lower-case hex digits, or %NULL when
 *   @machine_id is empty.
 */
char *
seye_node_id_derive (const char *machine_id)
{
  g_autofree char *stripped = NULL;
  g_autofree char *digest = NULL;

  g_return_val_if_fail (machine_id != NULL, NULL);

  stripped = g_strstrip (g_strdup (machine_id));
  if (stripped[0] == '\0')
    return NULL;

  digest = g_compute_hmac_for_string (G_CHECKSUM_SHA256,
                                      (const guchar *) SEYE_NODE_ID_APP_KEY,
                                      strlen (SEYE_NODE_ID_APP_KEY),
                                      stripped, -1);

  return g_strndup (digest, SEYE_NODE_ID_LENGTH);
}

/**
 * seye_node_id_is_valid:
 *
 * Returns: whether @node_id is 32 hex digits (either case).
 */
gboolean
seye_node_id_is_valid (const char *node_id)
{
  if (node_id == NULL || strlen (node_id) != SEYE_NODE_ID_LENGTH)
    return FALSE;

  for (const char *p = node_id; *p; p++)
    if (!g_ascii_isxdigit (*p))
      return FALSE;

  return TRUE;
}
