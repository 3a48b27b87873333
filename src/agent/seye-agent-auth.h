/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A token is 32 random bytes written as 64 lower-case hex digits. */
#define SEYE_AGENT_TOKEN_BYTES  32
#define SEYE_AGENT_TOKEN_LENGTH (2 * SEYE_AGENT_TOKEN_BYTES)

/* The realm of the WWW-Authenticate header of a 401. */
#define SEYE_AGENT_AUTH_REALM "sorcerers-eye"

typedef enum
{
  SEYE_AGENT_AUTH_NONE,
  SEYE_AGENT_AUTH_TOKEN,
} SeyeAgentAuth;

/**
 * SeyeAgentAccess:
 * @SEYE_AGENT_ACCESS_DEFAULT: not set: "token" with auth=token, else "open"
 * @SEYE_AGENT_ACCESS_OPEN: every client that can connect
 * @SEYE_AGENT_ACCESS_TOKEN: clients that send the token (401 otherwise)
 * @SEYE_AGENT_ACCESS_LOOPBACK: clients on 127.0.0.0/8 or ::1 (403 otherwise)
 * @SEYE_AGENT_ACCESS_OFF: nobody (404); only for /metrics
 *
 * Who may read a group of endpoints.
 */
typedef enum
{
  SEYE_AGENT_ACCESS_DEFAULT,
  SEYE_AGENT_ACCESS_OPEN,
  SEYE_AGENT_ACCESS_TOKEN,
  SEYE_AGENT_ACCESS_LOOPBACK,
  SEYE_AGENT_ACCESS_OFF,
} SeyeAgentAccess;

GType        seye_agent_access_get_type        (void) G_GNUC_CONST;
#define SEYE_TYPE_AGENT_ACCESS (seye_agent_access_get_type ())

const char  *seye_agent_access_to_string       (SeyeAgentAccess   access);
gboolean     seye_agent_access_from_string     (const char       *text,
                                                gboolean          allow_off,
                                                SeyeAgentAccess  *access);

char        *seye_agent_default_state_dir      (void) G_GNUC_WARN_UNUSED_RESULT;
gboolean     seye_agent_ensure_state_dir       (const char       *state_dir,
                                                GError          **error);
char        *seye_agent_token_load_or_create   (const char       *state_dir,
                                                gboolean         *created,
                                                GError          **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean     seye_agent_token_is_valid         (const char       *token);
gboolean     seye_agent_token_matches          (const char       *expected,
                                                const char       *given);
const char  *seye_agent_bearer_token           (const char       *authorization);
gboolean     seye_agent_address_is_loopback    (GInetAddress     *address);

G_END_DECLS
