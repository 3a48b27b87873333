/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-prometheus-source"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "seye-error.h"
#include "seye-prometheus-session.h"
#include "seye-sanitize.h"

/*
 * Credentials for a server given for one session (`seye … --prometheus URL`,
 * `sorcerers-eye --prometheus URL`). They never go on the command line, where
 * every user sees them in ps: a bearer token comes from a file or
 * $SEYE_PROMETHEUS_TOKEN, basic auth from $SEYE_PROMETHEUS_USER and
 * $SEYE_PROMETHEUS_PASSWORD (or user:password@ in the URL, for a password that
 * is no secret).
 */

static char *
read_token (const char  *path,
            GError     **error)
{
  g_autofree char *contents = NULL;
  g_autoptr (GError) local = NULL;

  if (!g_file_get_contents (path, &contents, NULL, &local))
    {
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG, _("cannot read the token: %s"), local->message);
      return NULL;
    }

  g_strstrip (contents);
  if (contents[0] == '\0' || strchr (contents, '\n') != NULL || strchr (contents, '\r') != NULL)
    {
      g_autofree char *shown = seye_sanitize_display (path);

      memset (contents, 0, strlen (contents));
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG, _("%s does not hold one token on one line"), shown);
      return NULL;
    }

  return g_steal_pointer (&contents);
}

/**
 * seye_prometheus_session_apply:
 * @token_file: (nullable): a file holding the bearer token on one line
 * @certificate: (nullable): a PEM file: the one certificate to trust (else the system's CAs)
 *
 * Gives @source the credentials of a session: the token of @token_file, else
 * $SEYE_PROMETHEUS_TOKEN, else basic auth from $SEYE_PROMETHEUS_USER and
 * $SEYE_PROMETHEUS_PASSWORD; and the pinned certificate.
 *
 * Returns: FALSE with @error (SEYE_ERROR_CONFIG) when a file cannot be used.
 */
gboolean
seye_prometheus_session_apply (SeyePrometheusSource  *source,
                               const char            *token_file,
                               const char            *certificate,
                               GError               **error)
{
  g_autofree char *token = NULL;
  const char *env_token = g_getenv ("SEYE_PROMETHEUS_TOKEN");
  const char *user = g_getenv ("SEYE_PROMETHEUS_USER");

  g_return_val_if_fail (SEYE_IS_PROMETHEUS_SOURCE (source), FALSE);

  if (token_file != NULL && (token = read_token (token_file, error)) == NULL)
    return FALSE;
  if (token == NULL && env_token != NULL && env_token[0] != '\0')
    token = g_strdup (env_token);

  if (token != NULL)
    seye_prometheus_source_set_bearer_token (source, token);
  else if (user != NULL && user[0] != '\0')
    seye_prometheus_source_set_basic_auth (source, user, g_getenv ("SEYE_PROMETHEUS_PASSWORD"));

  if (token != NULL)
    memset (token, 0, strlen (token));

  return certificate == NULL || seye_prometheus_source_set_tls_certificate_file (source, certificate, error);
}
