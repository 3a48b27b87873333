/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-agent"

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "seye-agent-auth.h"
#include "seye-agent-tls.h"
#include "seye-error.h"

/*
 * The agent's certificate: the one the configuration names, or one made on
 * the first start into the state directory by sorcerers-eye-agent-certgen
 * and reused after. Loading a certificate is what brings GIO's TLS backend
 * (glib-networking) into the process; a plain-HTTP agent never gets here.
 */

#define CERTGEN          "sorcerers-eye-agent-certgen"
#define CERTIFICATE_FILE "tls.crt"
#define KEY_FILE         "tls.key"

/* $SEYE_AGENT_CERTGEN (tests, uninstalled builds), else the installed one,
 * else the one beside this executable (a build directory). */
static char *
find_certgen (void)
{
  const char *env = g_getenv ("SEYE_AGENT_CERTGEN");
  g_autofree char *self = NULL;
  g_autofree char *dir = NULL;
  char *beside;

  if (env != NULL && env[0] != '\0')
    return g_strdup (env);

  if (g_file_test (LIBEXECDIR "/" CERTGEN, G_FILE_TEST_IS_EXECUTABLE))
    return g_strdup (LIBEXECDIR "/" CERTGEN);

  self = g_file_read_link ("/proc/self/exe", NULL);
  if (self != NULL)
    {
      dir = g_path_get_dirname (self);
      beside = g_build_filename (dir, CERTGEN, NULL);
      if (g_file_test (beside, G_FILE_TEST_IS_EXECUTABLE))
        return beside;
      g_free (beside);
    }

  return NULL;
}

/* Runs the helper to its end; its one-line error becomes ours. */
static gboolean
run_certgen (const char * const  *args,
             gboolean             required,
             GError             **error)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autofree char *certgen = find_certgen ();
  g_autofree char *err = NULL;

  if (certgen == NULL)
    {
      if (!required)
        {
          g_debug ("%s is not installed: the key is not checked against the certificate", CERTGEN);
          return TRUE;
        }
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_IO,
                   "cannot make a TLS certificate: %s is not installed in %s (or give one with "
                   "--tls-certificate and --tls-key)", CERTGEN, LIBEXECDIR);
      return FALSE;
    }

  g_ptr_array_add (argv, certgen);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                               &local_error);
  if (process == NULL ||
      !g_subprocess_communicate_utf8 (process, NULL, NULL, NULL, &err, &local_error))
    {
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_IO, "cannot run %s: %s", certgen,
                   local_error->message);
      return FALSE;
    }

  if (!g_subprocess_get_successful (process))
    {
      const char *message = err != NULL ? g_strstrip (err) : "";

      if (g_str_has_prefix (message, CERTGEN ": error: "))
        message += strlen (CERTGEN ": error: ");
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG, "%s",
                   message[0] != '\0' ? message : "the certificate helper failed");
      return FALSE;
    }

  return TRUE;
}

static GTlsCertificate *
load (const char  *certificate_path,
      const char  *key_path,
      GError     **error)
{
  g_autoptr (GError) local_error = NULL;
  GTlsCertificate *certificate;

  if (!g_tls_backend_supports_tls (g_tls_backend_get_default ()))
    {
      g_set_error_literal (error, SEYE_ERROR, SEYE_ERROR_CONFIG,
                           "TLS is not available: GIO has no TLS backend (install glib-networking)");
      return NULL;
    }

  certificate = g_tls_certificate_new_from_files (certificate_path, key_path, &local_error);
  if (certificate == NULL)
    {
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG,
                   "cannot load the TLS certificate %s with the key %s: %s",
                   certificate_path, key_path, local_error->message);
      return NULL;
    }

  return certificate;
}

/**
 * seye_agent_tls_get_certificate:
 * @certificate_path: (nullable): a certificate to use (PEM); %NULL for the generated one
 * @key_path: (nullable): its key
 * @state_dir: where a generated certificate lives
 * @used_path: (out) (optional): the certificate file in use
 * @generated: (out) (optional): %TRUE when the certificate was made just now
 *
 * Returns: (transfer full): the certificate with its key, ready to serve.
 */
GTlsCertificate *
seye_agent_tls_get_certificate (const char  *certificate_path,
                                const char  *key_path,
                                const char  *state_dir,
                                char       **used_path,
                                gboolean    *generated,
                                GError     **error)
{
  g_autofree char *own_certificate = NULL;
  g_autofree char *own_key = NULL;
  GTlsCertificate *certificate;

  if (generated != NULL)
    *generated = FALSE;

  if (certificate_path != NULL)
    {
      const char *check[] = { "--check", "--certificate", certificate_path, "--key", key_path, NULL };

      certificate = load (certificate_path, key_path, error);
      if (certificate == NULL || !run_certgen (check, FALSE, error))
        {
          g_clear_object (&certificate);
          return NULL;
        }
      if (used_path != NULL)
        *used_path = g_strdup (certificate_path);
      return certificate;
    }

  own_certificate = g_build_filename (state_dir, CERTIFICATE_FILE, NULL);
  own_key = g_build_filename (state_dir, KEY_FILE, NULL);

  /* The helper renames the certificate into place last: without it there is
   * nothing to keep. */
  if (!g_file_test (own_certificate, G_FILE_TEST_EXISTS))
    {
      const char *args[] = { "--certificate", own_certificate, "--key", own_key, NULL };

      if (!seye_agent_ensure_state_dir (state_dir, error) || !run_certgen (args, TRUE, error))
        return NULL;
      if (generated != NULL)
        *generated = TRUE;
    }

  certificate = load (own_certificate, own_key, error);
  if (certificate != NULL && used_path != NULL)
    *used_path = g_steal_pointer (&own_certificate);

  return certificate;
}

/**
 * seye_agent_tls_fingerprint:
 *
 * Returns: (transfer full): SHA-256 of the certificate's DER bytes, 64
 *   lower-case hex digits: what the TXT record says and the app pins.
 */
char *
seye_agent_tls_fingerprint (GTlsCertificate *certificate)
{
  g_autoptr (GByteArray) der = NULL;

  g_return_val_if_fail (G_IS_TLS_CERTIFICATE (certificate), NULL);

  g_object_get (certificate, "certificate", &der, NULL);
  g_return_val_if_fail (der != NULL, NULL);

  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, der->data, der->len);
}

/**
 * seye_agent_tls_fingerprint_for_humans:
 * @fingerprint: 64 hex digits
 *
 * Returns: (transfer full): "SHA256:AB:CD:…", upper-case pairs, as certificate
 *   viewers show it.
 */
char *
seye_agent_tls_fingerprint_for_humans (const char *fingerprint)
{
  GString *str = g_string_new ("SHA256");

  for (gsize i = 0; fingerprint[i] != '\0' && fingerprint[i + 1] != '\0'; i += 2)
    {
      g_string_append_c (str, ':');
      g_string_append_c (str, g_ascii_toupper (fingerprint[i]));
      g_string_append_c (str, g_ascii_toupper (fingerprint[i + 1]));
    }

  return g_string_free (str, FALSE);
}
