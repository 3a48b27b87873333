/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-agent-certgen"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/*
 * sorcerers-eye-agent-certgen: makes the agent's self-signed certificate, or
 * checks that a certificate and a key belong together.
 *
 * A program of its own so that the agent never links GnuTLS: the agent runs
 * it once, on the first start with --tls and no certificate given, and
 * serves TLS through GIO's backend (glib-networking), which is only loaded
 * when TLS is on. The plain-HTTP agent stays as small as it was.
 *
 *   sorcerers-eye-agent-certgen --certificate FILE --key FILE [--hostname NAME] [--days N]
 *   sorcerers-eye-agent-certgen --check --certificate FILE --key FILE
 *
 * The key is ECDSA P-256 (PKCS#8 PEM, mode 0600); the certificate names the
 * host (CN) and carries it and "NAME.local" as DNS names. Both files are
 * written beside their final name and renamed into place, the key first, so
 * that a certificate never stands without its key.
 */

#define PROGRAM      "sorcerers-eye-agent-certgen"
#define DEFAULT_DAYS 3650
#define MAX_DAYS     36500

#define GNUTLS_CHECK(what, call) \
  G_STMT_START { \
    int _ret = (call); \
    if (_ret < 0) \
      { \
        g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "%s: %s", what, gnutls_strerror (_ret)); \
        goto out; \
      } \
  } G_STMT_END

static gboolean
write_file (const char      *path,
            const guint8    *data,
            gsize            length,
            int              mode,
            GError         **error)
{
  g_autofree char *temporary = g_strconcat (path, ".new", NULL);
  gsize written = 0;
  int saved_errno = 0;
  int fd;

  g_unlink (temporary);
  fd = open (temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
  if (fd < 0)
    {
      saved_errno = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   "cannot create %s: %s", temporary, g_strerror (saved_errno));
      return FALSE;
    }

  errno = 0;
  while (written < length)
    {
      ssize_t n = write (fd, data + written, length - written);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      written += (gsize) n;
    }

  if (written < length)
    saved_errno = errno ? errno : EIO;
  if (saved_errno == 0 && fsync (fd) != 0)
    saved_errno = errno;
  if (close (fd) != 0 && saved_errno == 0)
    saved_errno = errno;
  if (saved_errno == 0 && g_rename (temporary, path) != 0)
    saved_errno = errno;

  if (saved_errno != 0)
    {
      g_unlink (temporary);
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   "cannot write %s: %s", path, g_strerror (saved_errno));
      return FALSE;
    }

  return TRUE;
}

static gboolean
generate (const char  *certificate_path,
          const char  *key_path,
          const char  *hostname,
          guint        days,
          GError     **error)
{
  gnutls_x509_privkey_t key = NULL;
  gnutls_x509_crt_t crt = NULL;
  gnutls_datum_t key_pem = { NULL, 0 };
  gnutls_datum_t crt_pem = { NULL, 0 };
  g_autofree char *short_name = NULL;
  g_autofree char *local_name = NULL;
  guint8 serial[16];
  guint8 key_id[64];
  size_t key_id_size = sizeof key_id;
  time_t now = time (NULL);
  gboolean ok = FALSE;

  /* "box.example.org" is also "box.local" over mDNS. */
  short_name = g_strndup (hostname, strcspn (hostname, "."));
  local_name = g_strconcat (short_name, ".local", NULL);

  GNUTLS_CHECK ("cannot make a key", gnutls_x509_privkey_init (&key));
  GNUTLS_CHECK ("cannot make a key",
                gnutls_x509_privkey_generate2 (key, GNUTLS_PK_ECDSA,
                                               GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1),
                                               0, NULL, 0));

  GNUTLS_CHECK ("cannot make a certificate", gnutls_x509_crt_init (&crt));
  GNUTLS_CHECK ("cannot set the version", gnutls_x509_crt_set_version (crt, 3));
  GNUTLS_CHECK ("cannot make a serial number", gnutls_rnd (GNUTLS_RND_NONCE, serial, sizeof serial));
  serial[0] = (serial[0] & 0x7f) | 0x40;  /* positive, and of full length */
  GNUTLS_CHECK ("cannot set the serial number", gnutls_x509_crt_set_serial (crt, serial, sizeof serial));
  GNUTLS_CHECK ("cannot set the start of validity", gnutls_x509_crt_set_activation_time (crt, now - 3600));
  GNUTLS_CHECK ("cannot set the end of validity",
                gnutls_x509_crt_set_expiration_time (crt, now + (time_t) days * 24 * 3600));
  GNUTLS_CHECK ("cannot set the name",
                gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0,
                                               hostname, strlen (hostname)));
  GNUTLS_CHECK ("cannot set the host name",
                gnutls_x509_crt_set_subject_alt_name (crt, GNUTLS_SAN_DNSNAME, hostname,
                                                      strlen (hostname), GNUTLS_FSAN_APPEND));
  if (g_ascii_strcasecmp (hostname, local_name) != 0)
    GNUTLS_CHECK ("cannot set the .local name",
                  gnutls_x509_crt_set_subject_alt_name (crt, GNUTLS_SAN_DNSNAME, local_name,
                                                        strlen (local_name), GNUTLS_FSAN_APPEND));
  GNUTLS_CHECK ("cannot set the basic constraints", gnutls_x509_crt_set_basic_constraints (crt, 0, -1));
  GNUTLS_CHECK ("cannot set the key usage", gnutls_x509_crt_set_key_usage (crt, GNUTLS_KEY_DIGITAL_SIGNATURE));
  GNUTLS_CHECK ("cannot set the key purpose",
                gnutls_x509_crt_set_key_purpose_oid (crt, GNUTLS_KP_TLS_WWW_SERVER, 0));
  GNUTLS_CHECK ("cannot set the key", gnutls_x509_crt_set_key (crt, key));
  GNUTLS_CHECK ("cannot compute the key id",
                gnutls_x509_crt_get_key_id (crt, GNUTLS_KEYID_USE_SHA1, key_id, &key_id_size));
  GNUTLS_CHECK ("cannot set the key id", gnutls_x509_crt_set_subject_key_id (crt, key_id, key_id_size));
  GNUTLS_CHECK ("cannot sign the certificate", gnutls_x509_crt_sign2 (crt, crt, key, GNUTLS_DIG_SHA256, 0));

  GNUTLS_CHECK ("cannot write the key out",
                gnutls_x509_privkey_export2_pkcs8 (key, GNUTLS_X509_FMT_PEM, NULL, GNUTLS_PKCS_PLAIN,
                                                   &key_pem));
  GNUTLS_CHECK ("cannot write the certificate out", gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_PEM, &crt_pem));

  ok = write_file (key_path, key_pem.data, key_pem.size, 0600, error) &&
       write_file (certificate_path, crt_pem.data, crt_pem.size, 0644, error);

out:
  if (key_pem.data != NULL)
    {
      gnutls_memset (key_pem.data, 0, key_pem.size);
      gnutls_free (key_pem.data);
    }
  gnutls_free (crt_pem.data);
  g_clear_pointer (&crt, gnutls_x509_crt_deinit);
  g_clear_pointer (&key, gnutls_x509_privkey_deinit);

  return ok;
}

static gboolean
load_datum (const char      *path,
            gnutls_datum_t  *datum,
            GError         **error)
{
  char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, error))
    return FALSE;

  datum->data = (unsigned char *) contents;
  datum->size = (unsigned int) length;

  return TRUE;
}

/* The key and the certificate belong together when their public keys are one. */
static gboolean
check (const char  *certificate_path,
       const char  *key_path,
       GError     **error)
{
  gnutls_x509_crt_t crt = NULL;
  gnutls_x509_privkey_t key = NULL;
  gnutls_datum_t crt_data = { NULL, 0 };
  gnutls_datum_t key_data = { NULL, 0 };
  guint8 crt_id[64], key_id[64];
  size_t crt_id_size = sizeof crt_id, key_id_size = sizeof key_id;
  gboolean ok = FALSE;

  if (!load_datum (certificate_path, &crt_data, error) || !load_datum (key_path, &key_data, error))
    goto out;

  GNUTLS_CHECK ("cannot read the certificate", gnutls_x509_crt_init (&crt));
  GNUTLS_CHECK (certificate_path, gnutls_x509_crt_import (crt, &crt_data, GNUTLS_X509_FMT_PEM));
  GNUTLS_CHECK ("cannot read the key", gnutls_x509_privkey_init (&key));
  GNUTLS_CHECK (key_path, gnutls_x509_privkey_import2 (key, &key_data, GNUTLS_X509_FMT_PEM, NULL, 0));
  GNUTLS_CHECK (certificate_path, gnutls_x509_crt_get_key_id (crt, GNUTLS_KEYID_USE_SHA256, crt_id, &crt_id_size));
  GNUTLS_CHECK (key_path, gnutls_x509_privkey_get_key_id (key, GNUTLS_KEYID_USE_SHA256, key_id, &key_id_size));

  if (crt_id_size != key_id_size || memcmp (crt_id, key_id, crt_id_size) != 0)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   "the key %s is not the key of the certificate %s", key_path, certificate_path);
      goto out;
    }

  ok = TRUE;

out:
  g_clear_pointer (&crt, gnutls_x509_crt_deinit);
  g_clear_pointer (&key, gnutls_x509_privkey_deinit);
  g_free (crt_data.data);
  if (key_data.data != NULL)
    memset (key_data.data, 0, key_data.size);
  g_free (key_data.data);

  return ok;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *certificate = NULL;
  g_autofree char *key = NULL;
  g_autofree char *hostname = NULL;
  gboolean check_only = FALSE;
  int days = DEFAULT_DAYS;
  const GOptionEntry entries[] = {
    { "certificate", 0, 0, G_OPTION_ARG_FILENAME, &certificate,
      "The certificate file (PEM)", "FILE" },
    { "key", 0, 0, G_OPTION_ARG_FILENAME, &key,
      "The private key file (PEM)", "FILE" },
    { "hostname", 0, 0, G_OPTION_ARG_STRING, &hostname,
      "The name the certificate is for (default: this machine's host name)", "NAME" },
    { "days", 0, 0, G_OPTION_ARG_INT, &days,
      "Days the certificate is valid (default " G_STRINGIFY (DEFAULT_DAYS) ")", "N" },
    { "check", 0, 0, G_OPTION_ARG_NONE, &check_only,
      "Only check that the key is the certificate's", NULL },
    { NULL }
  };

  setlocale (LC_ALL, "");

  context = g_option_context_new ("- make or check the TLS certificate of sorcerers-eye-agent");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, PROGRAM ": error: %s (see --help)\n", error->message);
      return 1;
    }

  if (certificate == NULL || key == NULL || argc > 1)
    {
      fprintf (stderr, PROGRAM ": error: give --certificate FILE and --key FILE (see --help)\n");
      return 1;
    }

  if (days < 1 || days > MAX_DAYS)
    {
      fprintf (stderr, PROGRAM ": error: days %d is out of range: use 1 to %d\n", days, MAX_DAYS);
      return 1;
    }

  if (gnutls_global_init () < 0)
    {
      fprintf (stderr, PROGRAM ": error: GnuTLS cannot start\n");
      return 1;
    }

  if (hostname == NULL)
    hostname = g_strdup (g_get_host_name ());

  if (check_only ? !check (certificate, key, &error)
                 : !generate (certificate, key, hostname, (guint) days, &error))
    {
      fprintf (stderr, PROGRAM ": error: %s\n", error->message);
      gnutls_global_deinit ();
      return 1;
    }

  gnutls_global_deinit ();

  return 0;
}
