/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "seye-error.h"
#include "seye-txt.h"

static gboolean
parse (SeyeTxtRecord  *record,
       const char     *entry,
       GError        **error)
{
  return seye_txt_record_parse_entry (record, (const guint8 *) entry, strlen (entry), error);
}

static void
test_round_trip (void)
{
  SeyeTxtRecord record = { 1, (char *) "0123456789abcdef0123456789abcdef", 1, (char *) "0.1.0" };
  SeyeTxtRecord back = { 0 };
  g_auto (GStrv) entries = seye_txt_record_to_strv (&record);
  g_autoptr (GError) error = NULL;

  g_assert_cmpuint (g_strv_length (entries), ==, 4);
  g_assert_cmpstr (entries[0], ==, "txtvers=1");
  for (guint i = 0; entries[i] != NULL; i++)
    {
      g_assert_true (parse (&back, entries[i], &error));
      g_assert_no_error (error);
    }
  g_assert_true (seye_txt_record_validate (&back, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (back.node_id, ==, record.node_id);
  g_assert_cmpstr (back.agent_version, ==, "0.1.0");
  g_assert_cmpuint (back.api_version, ==, 1);
  seye_txt_record_clear (&back);
}

static void
test_odd_records (void)
{
  SeyeTxtRecord record = { 0 };
  g_autoptr (GError) error = NULL;
  const guint8 with_nul[] = { 'i', 'd', '=', 'a', 0, 'b' };
  char long_entry[300];

  /* Keys are case-insensitive; the first of a repeated key wins; unknown keys are ignored. */
  g_assert_true (parse (&record, "TXTVERS=1", NULL));
  g_assert_true (parse (&record, "id=ABCDEF0123456789ABCDEF0123456789", NULL));
  g_assert_true (parse (&record, "id=00000000000000000000000000000000", NULL));
  g_assert_true (parse (&record, "colour=blue", NULL));
  g_assert_cmpstr (record.node_id, ==, "abcdef0123456789abcdef0123456789");

  g_assert_false (parse (&record, "novalue", &error));
  g_assert_error (error, SEYE_ERROR, SEYE_ERROR_PARSE);
  g_clear_error (&error);
  g_assert_false (parse (&record, "=x", &error));
  g_assert_error (error, SEYE_ERROR, SEYE_ERROR_PARSE);
  g_clear_error (&error);
  g_assert_false (seye_txt_record_parse_entry (&record, with_nul, sizeof with_nul, &error));
  g_assert_error (error, SEYE_ERROR, SEYE_ERROR_PARSE);
  g_clear_error (&error);
  g_assert_false (parse (&record, "api=lots", &error));
  g_assert_error (error, SEYE_ERROR, SEYE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (parse (&record, "version=\x01\x02", &error));
  g_assert_error (error, SEYE_ERROR, SEYE_ERROR_INVALID);
  g_clear_error (&error);
  memset (long_entry, 'a', sizeof long_entry);
  g_assert_false (seye_txt_record_parse_entry (&record, (guint8 *) long_entry, sizeof long_entry, &error));
  g_assert_error (error, SEYE_ERROR, SEYE_ERROR_PARSE);
  g_clear_error (&error);
  seye_txt_record_clear (&record);

  /* A record without an id, or of another version, is not ours. */
  g_assert_true (parse (&record, "txtvers=1", NULL));
  g_assert_false (seye_txt_record_validate (&record, &error));
  g_assert_error (error, SEYE_ERROR, SEYE_ERROR_INVALID);
  g_clear_error (&error);
  seye_txt_record_clear (&record);

  g_assert_true (parse (&record, "txtvers=2", NULL));
  g_assert_true (parse (&record, "id=0123456789abcdef0123456789abcdef", NULL));
  g_assert_false (seye_txt_record_validate (&record, &error));
  g_assert_error (error, SEYE_ERROR, SEYE_ERROR_INCOMPATIBLE);
  seye_txt_record_clear (&record);
}

#define FINGERPRINT "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

static void
test_security_keys (void)
{
  SeyeTxtRecord record = { 1, (char *) "0123456789abcdef0123456789abcdef", 1, (char *) "0.1.0",
                           (char *) FINGERPRINT, TRUE };
  SeyeTxtRecord back = { 0 };
  SeyeTxtRecord copy = { 0 };
  g_auto (GStrv) entries = seye_txt_record_to_strv (&record);
  g_autoptr (GError) error = NULL;

  g_assert_true (g_strv_contains ((const char * const *) entries, "tls=" FINGERPRINT));
  g_assert_true (g_strv_contains ((const char * const *) entries, "auth=token"));
  for (guint i = 0; entries[i] != NULL; i++)
    g_assert_true (parse (&back, entries[i], NULL));
  g_assert_true (seye_txt_record_validate (&back, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (back.tls_fingerprint, ==, FINGERPRINT);
  g_assert_true (back.auth_token);
  g_assert_true (seye_txt_record_equal (&back, &record));

  seye_txt_record_copy (&copy, &back);
  g_assert_true (seye_txt_record_equal (&copy, &back));
  copy.auth_token = FALSE;
  g_assert_false (seye_txt_record_equal (&copy, &back));
  seye_txt_record_clear (&copy);
  seye_txt_record_clear (&back);

  /* Without them: plain HTTP, no token; nothing is published for them. */
  record.tls_fingerprint = NULL;
  record.auth_token = FALSE;
  g_strfreev (entries);
  entries = seye_txt_record_to_strv (&record);
  g_assert_cmpuint (g_strv_length (entries), ==, 4);

  /* Upper case is read as lower case; a repeat is ignored. */
  g_assert_true (parse (&back, "TLS=9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08", NULL));
  g_assert_true (parse (&back, "tls=0000000000000000000000000000000000000000000000000000000000000000", NULL));
  g_assert_cmpstr (back.tls_fingerprint, ==, FINGERPRINT);
  seye_txt_record_clear (&back);

  /* A fingerprint of the wrong length or not hex, and auth schemes we do not know, are refused. */
  g_assert_false (parse (&back, "tls=" FINGERPRINT "0", &error));
  g_assert_error (error, SEYE_ERROR, SEYE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (parse (&back, "tls=9f86d081", &error));
  g_assert_error (error, SEYE_ERROR, SEYE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (parse (&back, "tls=", &error));
  g_assert_error (error, SEYE_ERROR, SEYE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (parse (&back, "tls=zf86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", &error));
  g_assert_error (error, SEYE_ERROR, SEYE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (back.tls_fingerprint);

  g_assert_false (parse (&back, "auth=password", &error));
  g_assert_error (error, SEYE_ERROR, SEYE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "“token”"));
  g_clear_error (&error);
  g_assert_false (parse (&back, "auth=", &error));
  g_assert_error (error, SEYE_ERROR, SEYE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (back.auth_token);
  g_assert_true (parse (&back, "Auth=token", NULL));
  g_assert_true (back.auth_token);
  seye_txt_record_clear (&back);
  g_assert_false (back.auth_token);

  /* A record made in code with a bad fingerprint does not validate. */
  record.tls_fingerprint = (char *) "abc";
  g_assert_false (seye_txt_record_validate (&record, &error));
  g_assert_error (error, SEYE_ERROR, SEYE_ERROR_INVALID);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/seye/txt/round-trip", test_round_trip);
  g_test_add_func ("/seye/txt/odd-records", test_odd_records);
  g_test_add_func ("/seye/txt/security-keys", test_security_keys);

  return g_test_run ();
}
