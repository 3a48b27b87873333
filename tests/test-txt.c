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

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/libseye/txt/round-trip", test_round_trip);
  g_test_add_func ("/libseye/txt/odd-records", test_odd_records);

  return g_test_run ();
}
