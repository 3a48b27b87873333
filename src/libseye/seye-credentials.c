/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-credentials"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "seye-credentials-private.h"
#include "seye-error.h"

struct _SeyeCredentials
{
  GObject     parent_instance;

  GHashTable *pairings;   /* node id -> SeyePairing */
};

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (SeyeCredentials, seye_credentials, G_TYPE_OBJECT)

/* SeyePairing -------------------------------------------------------------- */

G_DEFINE_BOXED_TYPE (SeyePairing, seye_pairing, seye_pairing_copy, seye_pairing_free)

SeyePairing *
seye_pairing_new (const char *node_id,
                  const char *name,
                  const char *fingerprint,
                  const char *token)
{
  SeyePairing *self;

  g_return_val_if_fail (node_id != NULL, NULL);
  g_return_val_if_fail (fingerprint != NULL, NULL);
  g_return_val_if_fail (token != NULL, NULL);

  self = g_new0 (SeyePairing, 1);
  self->node_id = g_strdup (node_id);
  self->name = g_strdup (name);
  self->fingerprint = g_ascii_strdown (fingerprint, -1);
  self->token = g_strdup (token);

  return self;
}

SeyePairing *
seye_pairing_copy (const SeyePairing *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return seye_pairing_new (self->node_id, self->name, self->fingerprint, self->token);
}

void
seye_pairing_free (SeyePairing *self)
{
  if (self == NULL)
    return;

  g_free (self->node_id);
  g_free (self->name);
  g_free (self->fingerprint);
  if (self->token != NULL)
    {
      /* Not in memory longer than needed. */
      memset (self->token, 0, strlen (self->token));
      g_free (self->token);
    }
  g_free (self);
}

/* Fingerprints and tokens -------------------------------------------------- */

/**
 * seye_tls_certificate_fingerprint:
 *
 * Returns: (transfer full): SHA-256 over the certificate's DER, in lower-case hex.
 */
char *
seye_tls_certificate_fingerprint (GTlsCertificate *certificate)
{
  g_autoptr (GByteArray) der = NULL;

  g_return_val_if_fail (G_IS_TLS_CERTIFICATE (certificate), NULL);

  g_object_get (certificate, "certificate", &der, NULL);
  if (der == NULL)
    return NULL;

  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, der->data, der->len);
}

/**
 * seye_fingerprint_format:
 * @fingerprint: 64 hex digits
 *
 * Returns: (transfer full): "SHA256:AB:CD:…", as `sorcerers-eye-agent --pairing-info`
 *   prints it, for a person to compare.
 */
char *
seye_fingerprint_format (const char *fingerprint)
{
  GString *text;

  g_return_val_if_fail (fingerprint != NULL, NULL);

  text = g_string_new ("SHA256");
  for (gsize i = 0; fingerprint[i] != '\0' && fingerprint[i + 1] != '\0'; i += 2)
    g_string_append_printf (text, ":%c%c", g_ascii_toupper (fingerprint[i]),
                            g_ascii_toupper (fingerprint[i + 1]));

  return g_string_free (text, FALSE);
}

/* Keeps the hex digits of @text, or returns NULL at anything but hex digits,
 * the separators in @separators and surrounding white space. */
static char *
collect_hex (const char *text,
             const char *separators)
{
  g_autoptr (GString) hex = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    {
      if (g_ascii_isxdigit (*p))
        g_string_append_c (hex, g_ascii_tolower (*p));
      else if (strchr (separators, *p) == NULL)
        return NULL;
    }

  return g_string_free (g_steal_pointer (&hex), FALSE);
}

/**
 * seye_fingerprint_parse:
 * @text: "SHA256:AB:CD:…" (as the agent prints it), or the 64 hex digits with
 *   or without colons or spaces, in either case
 *
 * Returns: (transfer full) (nullable): the fingerprint as 64 lower-case hex
 *   digits; %NULL with @error (SEYE_ERROR_CONFIG) when @text is not one.
 */
char *
seye_fingerprint_parse (const char  *text,
                        GError     **error)
{
  g_autofree char *copy = NULL;
  g_autofree char *hex = NULL;
  const char *rest;

  g_return_val_if_fail (text != NULL, NULL);

  copy = g_strstrip (g_strdup (text));
  rest = copy;
  if (g_ascii_strncasecmp (rest, "SHA256:", 7) == 0)
    rest += 7;
  else if (g_ascii_strncasecmp (rest, "SHA-256:", 8) == 0)
    rest += 8;

  hex = collect_hex (rest, ": \t");
  if (hex == NULL || strlen (hex) != SEYE_FINGERPRINT_LENGTH)
    {
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG,
                   _("“%s” is not a certificate fingerprint: expected SHA256: and 32 pairs of "
                     "hex digits, as “sorcerers-eye-agent --pairing-info” prints it"), copy);
      return NULL;
    }

  return g_steal_pointer (&hex);
}

/**
 * seye_fingerprint_equal:
 *
 * Returns: %TRUE when both are the same fingerprint (hex, case-insensitive);
 *   %FALSE when either is %NULL.
 */
gboolean
seye_fingerprint_equal (const char *a,
                        const char *b)
{
  guint diff = 0;
  gsize length;

  if (a == NULL || b == NULL)
    return FALSE;

  length = strlen (a);
  if (length != strlen (b) || length == 0)
    return FALSE;

  for (gsize i = 0; i < length; i++)
    diff |= (guint) (g_ascii_tolower (a[i]) ^ g_ascii_tolower (b[i]));

  return diff == 0;
}

/**
 * seye_token_parse:
 * @text: a token as pasted: 64 hex digits, white space around it allowed
 *
 * Returns: (transfer full) (nullable): the token in lower case; %NULL with
 *   @error (SEYE_ERROR_CONFIG) when @text is not one.
 */
char *
seye_token_parse (const char  *text,
                  GError     **error)
{
  g_autofree char *copy = NULL;
  g_autofree char *hex = NULL;

  g_return_val_if_fail (text != NULL, NULL);

  copy = g_strstrip (g_strdup (text));
  hex = collect_hex (copy, "");
  if (hex == NULL || strlen (hex) != SEYE_TOKEN_LENGTH)
    {
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG,
                   _("This is not a token: a token is 64 hex digits, as "
                     "“sorcerers-eye-agent --pairing-info” prints it on the node"));
      if (copy != NULL)
        memset (copy, 0, strlen (copy));
      return NULL;
    }

  memset (copy, 0, strlen (copy));

  return g_steal_pointer (&hex);
}

/* SeyeTlsCheck ------------------------------------------------------------- */

struct _SeyeTlsCheck
{
  SoupMessage     *message;
  SeyePairing     *pinned;        /* the node's pairing, or NULL */
  SeyeCredentials *credentials;   /* pairings to match by certificate when none is pinned */
  char            *fingerprint;   /* of the last certificate seen for this message */
  gulong           accept_id;
  gulong           starting_id;
  guint            mismatch : 1;
  guint            token_sent : 1;
};

static gint n_handshakes;

static void
set_fingerprint (SeyeTlsCheck *check,
                 char         *fingerprint)
{
  g_free (check->fingerprint);
  check->fingerprint = fingerprint;
}

static gboolean
accept_certificate_cb (SoupMessage          *message,
                       GTlsCertificate      *certificate,
                       GTlsCertificateFlags  errors,
                       gpointer              data)
{
  SeyeTlsCheck *check = data;

  g_atomic_int_inc (&n_handshakes);
  set_fingerprint (check, seye_tls_certificate_fingerprint (certificate));

  /* Not paired: talk to it for what it shows to anyone; "starting" sends a
   * token only to a certificate that was pinned by pairing. */
  if (check->pinned == NULL)
    return TRUE;

  if (seye_fingerprint_equal (check->fingerprint, check->pinned->fingerprint))
    return TRUE;

  g_debug ("rejecting certificate %s: %s is pinned", check->fingerprint, check->pinned->fingerprint);
  check->mismatch = TRUE;

  return FALSE;
}

static void
starting_cb (SoupMessage *message,
             gpointer     data)
{
  SeyeTlsCheck *check = data;
  SoupMessageHeaders *headers = soup_message_get_request_headers (message);
  GTlsCertificate *peer = soup_message_get_tls_peer_certificate (message);
  const SeyePairing *pairing = check->pinned;
  g_autofree char *value = NULL;

  /* A restarted message starts without whatever the last attempt carried. */
  soup_message_headers_remove (headers, "Authorization");
  check->token_sent = FALSE;

  if (peer == NULL || g_strcmp0 (g_uri_get_scheme (soup_message_get_uri (message)), "https") != 0)
    return;

  /* The certificate of the connection this request goes out on, which may be
   * one opened earlier for another request. */
  set_fingerprint (check, seye_tls_certificate_fingerprint (peer));

  if (pairing == NULL && check->credentials != NULL)
    pairing = seye_credentials_lookup_fingerprint (check->credentials, check->fingerprint);
  if (pairing == NULL)
    return;

  if (!seye_fingerprint_equal (check->fingerprint, pairing->fingerprint))
    {
      check->mismatch = TRUE;
      return;
    }

  value = g_strconcat ("Bearer ", pairing->token, NULL);
  soup_message_headers_replace (headers, "Authorization", value);
  memset (value, 0, strlen (value));
  check->token_sent = TRUE;
}

/*
 * _seye_tls_check_new:
 * @message: a message to an https:// URI, not sent yet
 * @pinned: (nullable): the pairing of the node @message goes to
 * @credentials: (nullable): without @pinned, a pairing whose certificate the
 *   node presents is used (a node added by address, before its id is known)
 *
 * Returns: a check that stays connected to @message until freed.
 */
SeyeTlsCheck *
_seye_tls_check_new (SoupMessage       *message,
                     const SeyePairing *pinned,
                     SeyeCredentials   *credentials)
{
  SeyeTlsCheck *check;

  g_return_val_if_fail (SOUP_IS_MESSAGE (message), NULL);

  check = g_new0 (SeyeTlsCheck, 1);
  check->message = g_object_ref (message);
  check->pinned = pinned ? seye_pairing_copy (pinned) : NULL;
  check->credentials = credentials ? g_object_ref (credentials) : NULL;

  /* A redirect would take the request somewhere the user never agreed to. */
  soup_message_add_flags (message, SOUP_MESSAGE_NO_REDIRECT);
  check->accept_id = g_signal_connect (message, "accept-certificate",
                                       G_CALLBACK (accept_certificate_cb), check);
  check->starting_id = g_signal_connect (message, "starting", G_CALLBACK (starting_cb), check);

  return check;
}

void
_seye_tls_check_free (SeyeTlsCheck *check)
{
  if (check == NULL)
    return;

  g_clear_signal_handler (&check->accept_id, check->message);
  g_clear_signal_handler (&check->starting_id, check->message);
  g_clear_object (&check->message);
  g_clear_pointer (&check->pinned, seye_pairing_free);
  g_clear_object (&check->credentials);
  g_clear_pointer (&check->fingerprint, g_free);
  g_free (check);
}

/* The fingerprint of the last certificate the node presented, or NULL before any. */
const char *
_seye_tls_check_get_fingerprint (SeyeTlsCheck *check)
{
  return check->fingerprint;
}

/* Whether the node presented another certificate than the pinned one. */
gboolean
_seye_tls_check_get_mismatch (SeyeTlsCheck *check)
{
  return check->mismatch;
}

/* Whether the last attempt of the request carried the token. */
gboolean
_seye_tls_check_get_token_sent (SeyeTlsCheck *check)
{
  return check->token_sent;
}

const char *
_seye_tls_check_get_pinned_fingerprint (SeyeTlsCheck *check)
{
  return check->pinned ? check->pinned->fingerprint : NULL;
}

guint
_seye_tls_check_get_n_handshakes (void)
{
  return (guint) g_atomic_int_get (&n_handshakes);
}

/* SeyeCredentials ---------------------------------------------------------- */

static void
seye_credentials_finalize (GObject *object)
{
  SeyeCredentials *self = SEYE_CREDENTIALS (object);

  g_clear_pointer (&self->pairings, g_hash_table_unref);

  G_OBJECT_CLASS (seye_credentials_parent_class)->finalize (object);
}

static void
seye_credentials_class_init (SeyeCredentialsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = seye_credentials_finalize;

  signals[CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
seye_credentials_init (SeyeCredentials *self)
{
  self->pairings = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                          (GDestroyNotify) seye_pairing_free);
}

SeyeCredentials *
seye_credentials_new (void)
{
  return g_object_new (SEYE_TYPE_CREDENTIALS, NULL);
}

/**
 * seye_credentials_add:
 *
 * Adds @pairing (copied), replacing any pairing with the same node id.
 */
void
seye_credentials_add (SeyeCredentials   *self,
                      const SeyePairing *pairing)
{
  SeyePairing *copy;

  g_return_if_fail (SEYE_IS_CREDENTIALS (self));
  g_return_if_fail (pairing != NULL && pairing->node_id != NULL);
  g_return_if_fail (pairing->fingerprint != NULL && pairing->token != NULL);

  copy = seye_pairing_copy (pairing);
  g_hash_table_replace (self->pairings, copy->node_id, copy);

  g_signal_emit (self, signals[CHANGED], 0, copy->node_id);
}

/**
 * seye_credentials_remove:
 *
 * Returns: %TRUE when there was a pairing for @node_id.
 */
gboolean
seye_credentials_remove (SeyeCredentials *self,
                         const char      *node_id)
{
  g_autofree char *owned = NULL;

  g_return_val_if_fail (SEYE_IS_CREDENTIALS (self), FALSE);
  g_return_val_if_fail (node_id != NULL, FALSE);

  owned = g_strdup (node_id);
  if (!g_hash_table_remove (self->pairings, owned))
    return FALSE;

  g_signal_emit (self, signals[CHANGED], 0, owned);

  return TRUE;
}

/**
 * seye_credentials_lookup:
 *
 * Returns: (nullable): the pairing for @node_id.
 */
const SeyePairing *
seye_credentials_lookup (SeyeCredentials *self,
                         const char      *node_id)
{
  g_return_val_if_fail (SEYE_IS_CREDENTIALS (self), NULL);

  if (node_id == NULL)
    return NULL;

  return g_hash_table_lookup (self->pairings, node_id);
}

/**
 * seye_credentials_lookup_fingerprint:
 *
 * Returns: (nullable): a pairing whose pinned certificate has @fingerprint.
 */
const SeyePairing *
seye_credentials_lookup_fingerprint (SeyeCredentials *self,
                                     const char      *fingerprint)
{
  GHashTableIter iter;
  gpointer value;

  g_return_val_if_fail (SEYE_IS_CREDENTIALS (self), NULL);

  if (fingerprint == NULL)
    return NULL;

  g_hash_table_iter_init (&iter, self->pairings);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      const SeyePairing *pairing = value;

      if (seye_fingerprint_equal (pairing->fingerprint, fingerprint))
        return pairing;
    }

  return NULL;
}

guint
seye_credentials_get_n_pairings (SeyeCredentials *self)
{
  g_return_val_if_fail (SEYE_IS_CREDENTIALS (self), 0);

  return g_hash_table_size (self->pairings);
}
