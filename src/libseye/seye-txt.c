/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-txt"

#include "config.h"

#include <string.h>

#include "seye-error.h"
#include "seye-node-id.h"
#include "seye-tags.h"
#include "seye-txt.h"

#define MAX_ENTRY   255   /* a DNS TXT string is at most 255 bytes */
#define MAX_VERSION 64

void
seye_txt_record_clear (SeyeTxtRecord *self)
{
  g_return_if_fail (self != NULL);

  g_clear_pointer (&self->node_id, g_free);
  g_clear_pointer (&self->agent_version, g_free);
  g_clear_pointer (&self->tls_fingerprint, g_free);
  g_clear_pointer (&self->tags, g_strfreev);
  self->txtvers = 0;
  self->api_version = 0;
  self->auth_token = FALSE;
}

/**
 * seye_txt_fingerprint_is_valid:
 *
 * Returns: %TRUE when @fingerprint is a SHA-256 in hex: exactly 64 hex digits.
 */
gboolean
seye_txt_fingerprint_is_valid (const char *fingerprint)
{
  gsize i;

  if (fingerprint == NULL)
    return FALSE;

  for (i = 0; fingerprint[i] != '\0'; i++)
    if (i >= SEYE_TXT_FINGERPRINT_LENGTH || !g_ascii_isxdigit (fingerprint[i]))
      return FALSE;

  return i == SEYE_TXT_FINGERPRINT_LENGTH;
}

static gboolean
parse_uint (const char  *key,
            const char  *value,
            guint       *out,
            GError     **error)
{
  guint64 v;

  if (!g_ascii_string_to_unsigned (value, 10, 1, 65535, &v, NULL))
    {
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_INVALID,
                   "TXT entry “%s” is not a number from 1 to 65535", key);
      return FALSE;
    }

  *out = (guint) v;

  return TRUE;
}

static gboolean
is_printable (const char *value)
{
  for (const char *p = value; *p; p++)
    if (!g_ascii_isprint (*p))
      return FALSE;

  return TRUE;
}

/* One known key's value into @self (the first of each key wins); an unknown key
 * is ignored, as a newer agent's may be. */
static gboolean
parse_value (SeyeTxtRecord  *self,
             const char     *entry,
             const char     *value,
             GError        **error)
{
  if (g_ascii_strcasecmp (entry, "txtvers") == 0)
    {
      if (self->txtvers == 0)
        return parse_uint (entry, value, &self->txtvers, error);
    }
  else if (g_ascii_strcasecmp (entry, "api") == 0)
    {
      if (self->api_version == 0)
        return parse_uint (entry, value, &self->api_version, error);
    }
  else if (g_ascii_strcasecmp (entry, "id") == 0)
    {
      if (self->node_id == NULL)
        {
          if (!seye_node_id_is_valid (value))
            {
              g_set_error_literal (error, SEYE_ERROR, SEYE_ERROR_INVALID,
                                   "TXT entry “id” is not a node id of 32 hex digits");
              return FALSE;
            }
          self->node_id = g_ascii_strdown (value, -1);
        }
    }
  else if (g_ascii_strcasecmp (entry, "version") == 0)
    {
      if (self->agent_version == NULL)
        {
          if (value[0] == '\0' || strlen (value) > MAX_VERSION || !is_printable (value))
            {
              g_set_error_literal (error, SEYE_ERROR, SEYE_ERROR_INVALID,
                                   "TXT entry “version” is empty, too long or not printable");
              return FALSE;
            }
          self->agent_version = g_strdup (value);
        }
    }
  else if (g_ascii_strcasecmp (entry, "tls") == 0)
    {
      if (self->tls_fingerprint == NULL)
        {
          if (!seye_txt_fingerprint_is_valid (value))
            {
              g_set_error_literal (error, SEYE_ERROR, SEYE_ERROR_INVALID,
                                   "TXT entry “tls” is not a SHA-256 fingerprint of 64 hex digits");
              return FALSE;
            }
          self->tls_fingerprint = g_ascii_strdown (value, -1);
        }
    }
  else if (g_ascii_strcasecmp (entry, "auth") == 0)
    {
      if (!self->auth_token)
        {
          if (g_strcmp0 (value, "token") != 0)
            {
              g_set_error (error, SEYE_ERROR, SEYE_ERROR_INVALID,
                           "TXT entry “auth” is “%.64s”: the only known value is “token”",
                           is_printable (value) ? value : "(not printable)");
              return FALSE;
            }
          self->auth_token = TRUE;
        }
    }
  else if (g_ascii_strcasecmp (entry, "tags") == 0)
    {
      if (self->tags == NULL)
        {
          g_auto (GStrv) candidates = g_strsplit (value, ",", -1);
          g_auto (GStrv) tags = NULL;
          guint n_dropped = 0;

          tags = seye_tags_from_peer ((const char * const *) candidates, &n_dropped);
          if (n_dropped > 0)
            {
              g_set_error (error, SEYE_ERROR, SEYE_ERROR_INVALID,
                           "TXT entry “tags” has %u entries that are not tags (1 to %d of a-z, "
                           "0-9, “-”, “_” and “.”, at most %d, none twice)", n_dropped,
                           SEYE_TAG_MAX_LENGTH, SEYE_TAGS_MAX);
              return FALSE;
            }
          self->tags = g_steal_pointer (&tags);
        }
    }


  return TRUE;
}

/**
 * seye_txt_record_parse_entry:
 * @data: (array length=length): one TXT string, "key=value", not NUL-terminated
 *
 * Adds one entry to @self. Keys are case-insensitive; unknown keys and repeats
 * of a key already seen are ignored (RFC 6763, 6.4). Entries with no "=", an
 * empty key, a NUL byte, or a bad value are an error and change nothing: a
 * "tls" that is not 64 hex digits, an "auth" other than "token" (a scheme
 * this version does not know must not be mistaken for an open node).
 */
gboolean
seye_txt_record_parse_entry (SeyeTxtRecord  *self,
                             const guint8   *data,
                             gsize           length,
                             GError        **error)
{
  g_autofree char *entry = NULL;
  const char *value;
  char *eq;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (data != NULL || length == 0, FALSE);

  if (length == 0 || length > MAX_ENTRY)
    {
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_PARSE,
                   "TXT entry of %" G_GSIZE_FORMAT " bytes is out of range", length);
      return FALSE;
    }

  if (memchr (data, '\0', length) != NULL)
    {
      g_set_error_literal (error, SEYE_ERROR, SEYE_ERROR_PARSE, "TXT entry contains a NUL byte");
      return FALSE;
    }

  entry = g_strndup ((const char *) data, length);
  eq = strchr (entry, '=');
  if (eq == NULL || eq == entry)
    {
      g_set_error_literal (error, SEYE_ERROR, SEYE_ERROR_PARSE, "TXT entry is not “key=value”");
      return FALSE;
    }

  *eq = '\0';
  value = eq + 1;

  return parse_value (self, entry, value, error);
}

/**
 * seye_txt_record_validate:
 *
 * Checks that a parsed record is one we understand: txtvers 1 and a node id.
 */
gboolean
seye_txt_record_validate (SeyeTxtRecord  *self,
                          GError        **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (self->txtvers != SEYE_TXT_VERSION)
    {
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_INCOMPATIBLE,
                   "TXT record version %u is not the supported version %u",
                   self->txtvers, SEYE_TXT_VERSION);
      return FALSE;
    }

  if (self->node_id == NULL)
    {
      g_set_error_literal (error, SEYE_ERROR, SEYE_ERROR_INVALID, "TXT record has no node id");
      return FALSE;
    }

  if (self->tls_fingerprint != NULL && !seye_txt_fingerprint_is_valid (self->tls_fingerprint))
    {
      g_set_error_literal (error, SEYE_ERROR, SEYE_ERROR_INVALID,
                           "TXT record has a “tls” fingerprint that is not 64 hex digits");
      return FALSE;
    }

  return TRUE;
}

/**
 * seye_txt_record_to_strv:
 *
 * Returns: (transfer full): the record as "key=value" strings, for publishing.
 */
GStrv
seye_txt_record_to_strv (const SeyeTxtRecord *self)
{
  GPtrArray *entries;

  g_return_val_if_fail (self != NULL, NULL);

  entries = g_ptr_array_new ();
  g_ptr_array_add (entries, g_strdup_printf ("txtvers=%u", self->txtvers));
  if (self->node_id != NULL)
    g_ptr_array_add (entries, g_strdup_printf ("id=%s", self->node_id));
  g_ptr_array_add (entries, g_strdup_printf ("api=%u", self->api_version));
  if (self->agent_version != NULL)
    g_ptr_array_add (entries, g_strdup_printf ("version=%s", self->agent_version));
  if (self->tls_fingerprint != NULL)
    {
      g_autofree char *lower = g_ascii_strdown (self->tls_fingerprint, -1);

      g_ptr_array_add (entries, g_strconcat ("tls=", lower, NULL));
    }
  if (self->auth_token)
    g_ptr_array_add (entries, g_strdup ("auth=token"));
  if (self->tags != NULL && self->tags[0] != NULL)
    {
      g_autofree char *joined = seye_tags_join ((const char * const *) self->tags);

      g_ptr_array_add (entries, g_strconcat ("tags=", joined, NULL));
    }
  g_ptr_array_add (entries, NULL);

  return (GStrv) g_ptr_array_free (entries, FALSE);
}

/**
 * seye_txt_record_copy:
 * @dest: a record to fill; whatever it held is not freed
 *
 * Copies every field of @src into @dest.
 */
void
seye_txt_record_copy (SeyeTxtRecord       *dest,
                      const SeyeTxtRecord *src)
{
  g_return_if_fail (dest != NULL);
  g_return_if_fail (src != NULL);

  dest->txtvers = src->txtvers;
  dest->node_id = g_strdup (src->node_id);
  dest->api_version = src->api_version;
  dest->agent_version = g_strdup (src->agent_version);
  dest->tls_fingerprint = g_strdup (src->tls_fingerprint);
  dest->auth_token = src->auth_token;
  dest->tags = g_strdupv (src->tags);
}

gboolean
seye_txt_record_equal (const SeyeTxtRecord *a,
                       const SeyeTxtRecord *b)
{
  g_return_val_if_fail (a != NULL, FALSE);
  g_return_val_if_fail (b != NULL, FALSE);

  return a->txtvers == b->txtvers &&
         a->api_version == b->api_version &&
         g_strcmp0 (a->node_id, b->node_id) == 0 &&
         g_strcmp0 (a->agent_version, b->agent_version) == 0 &&
         g_strcmp0 (a->tls_fingerprint, b->tls_fingerprint) == 0 &&
         !a->auth_token == !b->auth_token &&
         seye_tags_equal ((const char * const *) a->tags, (const char * const *) b->tags);
}
