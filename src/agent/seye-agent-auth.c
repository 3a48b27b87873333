/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-agent"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "seye-agent-auth.h"
#include "seye-error.h"

/*
 * Who may read a node: the token file in the state directory, the check of
 * a request's bearer token, and what counts as a loopback peer.
 *
 * The token is made once, from the kernel's random source, into a file that
 * only the agent's user may read (created 0600 with O_EXCL: never over an
 * existing file), and read on every later start; a file that others could
 * read is refused rather than trusted.
 */

#define STATE_DIR_NAME "sorcerers-eye-agent"
#define TOKEN_FILE     "token"

G_DEFINE_ENUM_TYPE (SeyeAgentAccess, seye_agent_access,
  G_DEFINE_ENUM_VALUE (SEYE_AGENT_ACCESS_DEFAULT, "default"),
  G_DEFINE_ENUM_VALUE (SEYE_AGENT_ACCESS_OPEN, "open"),
  G_DEFINE_ENUM_VALUE (SEYE_AGENT_ACCESS_TOKEN, "token"),
  G_DEFINE_ENUM_VALUE (SEYE_AGENT_ACCESS_LOOPBACK, "loopback"),
  G_DEFINE_ENUM_VALUE (SEYE_AGENT_ACCESS_OFF, "off"))

static const char * const access_names[] = {
  [SEYE_AGENT_ACCESS_DEFAULT] = "default",
  [SEYE_AGENT_ACCESS_OPEN] = "open",
  [SEYE_AGENT_ACCESS_TOKEN] = "token",
  [SEYE_AGENT_ACCESS_LOOPBACK] = "loopback",
  [SEYE_AGENT_ACCESS_OFF] = "off",
};

const char *
seye_agent_access_to_string (SeyeAgentAccess access)
{
  g_return_val_if_fail (access < G_N_ELEMENTS (access_names), NULL);

  return access_names[access];
}

/**
 * seye_agent_access_from_string:
 * @allow_off: whether "off" is a value here (/metrics only)
 *
 * Returns: %TRUE when @text names an access ("default" is not a value a
 *   user gives).
 */
gboolean
seye_agent_access_from_string (const char      *text,
                               gboolean         allow_off,
                               SeyeAgentAccess *access)
{
  for (guint i = SEYE_AGENT_ACCESS_OPEN; i < G_N_ELEMENTS (access_names); i++)
    {
      if (i == SEYE_AGENT_ACCESS_OFF && !allow_off)
        continue;
      if (g_strcmp0 (text, access_names[i]) == 0)
        {
          *access = i;
          return TRUE;
        }
    }

  return FALSE;
}

/**
 * seye_agent_default_state_dir:
 *
 * Returns: (transfer full): where the token and the generated certificate
 *   live: $STATE_DIRECTORY (systemd's StateDirectory=, the first one), else
 *   /var/lib/sorcerers-eye-agent for root, else
 *   $XDG_STATE_HOME/sorcerers-eye-agent.
 */
char *
seye_agent_default_state_dir (void)
{
  const char *systemd = g_getenv ("STATE_DIRECTORY");

  if (systemd != NULL && systemd[0] != '\0')
    {
      const char *colon = strchr (systemd, ':');

      return colon != NULL ? g_strndup (systemd, colon - systemd) : g_strdup (systemd);
    }

  if (geteuid () == 0)
    return g_build_filename ("/var/lib", STATE_DIR_NAME, NULL);

  return g_build_filename (g_get_user_state_dir (), STATE_DIR_NAME, NULL);
}

/**
 * seye_agent_ensure_state_dir:
 *
 * Makes @state_dir (mode 0700) if it does not exist yet.
 */
gboolean
seye_agent_ensure_state_dir (const char  *state_dir,
                             GError     **error)
{
  if (g_mkdir_with_parents (state_dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, SEYE_ERROR, SEYE_ERROR_IO,
                   "cannot make the state directory %s: %s (choose another with --state-dir)",
                   state_dir, g_strerror (saved_errno));
      return FALSE;
    }

  return TRUE;
}

gboolean
seye_agent_token_is_valid (const char *token)
{
  gsize i;

  if (token == NULL)
    return FALSE;

  for (i = 0; token[i] != '\0'; i++)
    if (i >= SEYE_AGENT_TOKEN_LENGTH ||
        !(g_ascii_isdigit (token[i]) || (token[i] >= 'a' && token[i] <= 'f')))
      return FALSE;

  return i == SEYE_AGENT_TOKEN_LENGTH;
}

static gboolean
random_bytes (guint8   *buffer,
              gsize     length,
              GError  **error)
{
  gsize done = 0;

  while (done < length)
    {
      ssize_t n = getrandom (buffer + done, length - done, 0);

      if (n < 0)
        {
          int saved_errno = errno;

          if (saved_errno == EINTR)
            continue;
          g_set_error (error, SEYE_ERROR, SEYE_ERROR_IO,
                       "cannot read random bytes for the token: %s", g_strerror (saved_errno));
          return FALSE;
        }
      done += (gsize) n;
    }

  return TRUE;
}

static char *
token_create (const char  *path,
              GError     **error)
{
  static const char hex[] = "0123456789abcdef";
  guint8 secret[SEYE_AGENT_TOKEN_BYTES];
  char text[SEYE_AGENT_TOKEN_LENGTH + 1];
  gsize written = 0;
  int saved_errno;
  int fd;

  if (!random_bytes (secret, sizeof secret, error))
    return NULL;

  for (gsize i = 0; i < sizeof secret; i++)
    {
      text[2 * i] = hex[secret[i] >> 4];
      text[2 * i + 1] = hex[secret[i] & 0xf];
    }
  text[SEYE_AGENT_TOKEN_LENGTH] = '\n';
  explicit_bzero (secret, sizeof secret);

  fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      saved_errno = errno;

      explicit_bzero (text, sizeof text);
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_IO, "cannot create the token file %s: %s",
                   path, g_strerror (saved_errno));
      return NULL;
    }

  errno = 0;
  while (written < sizeof text)
    {
      ssize_t n = write (fd, text + written, sizeof text - written);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      written += (gsize) n;
    }

  saved_errno = written < sizeof text ? (errno ? errno : EIO) : 0;
  if (saved_errno == 0 && fsync (fd) != 0)
    saved_errno = errno;
  if (close (fd) != 0 && saved_errno == 0)
    saved_errno = errno;

  if (saved_errno != 0)
    {
      g_unlink (path);
      explicit_bzero (text, sizeof text);
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_IO, "cannot write the token file %s: %s",
                   path, g_strerror (saved_errno));
      return NULL;
    }

  text[SEYE_AGENT_TOKEN_LENGTH] = '\0';

  return g_strdup (text);
}

static char *
token_read (const char  *path,
            int          fd,
            GError     **error)
{
  char buffer[SEYE_AGENT_TOKEN_LENGTH + 8];
  struct stat st;
  gssize length;

  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG,
                   "the token file %s is not a regular file", path);
      return NULL;
    }

  if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0)
    {
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG,
                   "the token file %s may be read by other users (mode %04o): make it private "
                   "with “chmod 600 %s”, or delete it for a new token",
                   path, (guint) (st.st_mode & 07777), path);
      return NULL;
    }

  do
    length = read (fd, buffer, sizeof buffer - 1);
  while (length < 0 && errno == EINTR);

  if (length < 0)
    {
      int saved_errno = errno;

      g_set_error (error, SEYE_ERROR, SEYE_ERROR_IO, "cannot read the token file %s: %s",
                   path, g_strerror (saved_errno));
      return NULL;
    }

  buffer[length] = '\0';
  if (length > 0 && buffer[length - 1] == '\n')
    buffer[length - 1] = '\0';

  if (!seye_agent_token_is_valid (buffer))
    {
      explicit_bzero (buffer, sizeof buffer);
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG,
                   "the token file %s does not hold a token (64 lower-case hex digits): "
                   "delete it for a new token", path);
      return NULL;
    }

  {
    char *token = g_strdup (buffer);

    explicit_bzero (buffer, sizeof buffer);
    return token;
  }
}

/**
 * seye_agent_token_load_or_create:
 * @state_dir: where "token" is
 * @created: (out) (optional): set to %TRUE when the token was made now
 *
 * Returns: (transfer full): the token of this agent, made on first use.
 */
char *
seye_agent_token_load_or_create (const char  *state_dir,
                                 gboolean    *created,
                                 GError     **error)
{
  g_autofree char *path = g_build_filename (state_dir, TOKEN_FILE, NULL);
  char *token;
  int fd;

  if (created != NULL)
    *created = FALSE;

  fd = open (path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd >= 0)
    {
      token = token_read (path, fd, error);
      close (fd);
      return token;
    }

  if (errno != ENOENT)
    {
      int saved_errno = errno;

      g_set_error (error, SEYE_ERROR, SEYE_ERROR_IO, "cannot read the token file %s: %s",
                   path, g_strerror (saved_errno));
      return NULL;
    }

  if (!seye_agent_ensure_state_dir (state_dir, error))
    return NULL;

  token = token_create (path, error);
  if (token != NULL && created != NULL)
    *created = TRUE;

  return token;
}

/**
 * seye_agent_token_matches:
 * @expected: the agent's token
 * @given: (nullable): what the client sent
 *
 * Compares in constant time: the time taken depends only on the length of
 * @given (which its sender knows), never on where it differs from @expected
 * or on @expected's length.
 */
gboolean
seye_agent_token_matches (const char *expected,
                          const char *given)
{
  gsize given_length;
  guint diff;

  g_return_val_if_fail (seye_agent_token_is_valid (expected), FALSE);

  if (given == NULL)
    return FALSE;

  given_length = strlen (given);
  diff = given_length != SEYE_AGENT_TOKEN_LENGTH;

  /* Always all 64 bytes; past the end of a short @given its NUL is read again. */
  for (gsize i = 0; i < SEYE_AGENT_TOKEN_LENGTH; i++)
    diff |= (guint) (guchar) expected[i] ^ (guint) (guchar) given[MIN (i, given_length)];

  return diff == 0;
}

/**
 * seye_agent_bearer_token:
 * @authorization: (nullable): the value of an Authorization header
 *
 * Returns: (nullable): the token of "Bearer TOKEN" (the scheme in any case,
 *   RFC 7235), pointing into @authorization; %NULL for any other scheme.
 */
const char *
seye_agent_bearer_token (const char *authorization)
{
  if (authorization == NULL)
    return NULL;

  while (*authorization == ' ' || *authorization == '\t')
    authorization++;

  if (g_ascii_strncasecmp (authorization, "Bearer", 6) != 0 ||
      (authorization[6] != ' ' && authorization[6] != '\t'))
    return NULL;

  authorization += 6;
  while (*authorization == ' ' || *authorization == '\t')
    authorization++;

  return authorization;
}

/**
 * seye_agent_address_is_loopback:
 *
 * Returns: %TRUE for 127.0.0.0/8, ::1 and ::ffff:127.0.0.0/104.
 */
gboolean
seye_agent_address_is_loopback (GInetAddress *address)
{
  static const guint8 v4_mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

  if (address == NULL)
    return FALSE;

  if (g_inet_address_get_is_loopback (address))
    return TRUE;

  if (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6)
    {
      const guint8 *bytes = g_inet_address_to_bytes (address);

      return memcmp (bytes, v4_mapped, sizeof v4_mapped) == 0 && bytes[12] == 127;
    }

  return FALSE;
}
