/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "seye-txt.h"

/*
 * The TXT record parser on a sequence of entries, as Avahi hands them over:
 * the input is cut into entries at each 0xff byte (any other byte, NUL
 * included, may be inside an entry), then the record is validated and
 * written back out.
 */

int LLVMFuzzerTestOneInput (const guint8 *data,
                            size_t        size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  SeyeTxtRecord record = { 0, };
  g_autoptr (GError) error = NULL;
  const guint8 *end = data + size;
  const guint8 *entry = data;

  while (entry <= end)
    {
      const guint8 *cut = memchr (entry, 0xff, end - entry);
      gsize length = (cut != NULL ? cut : end) - entry;
      g_autoptr (GError) entry_error = NULL;

      /* A copy of just the entry, so that reading past it is caught. */
      g_autofree guint8 *copy = g_memdup2 (entry, length);

      if (!seye_txt_record_parse_entry (&record, copy, length, &entry_error))
        g_assert_nonnull (entry_error);

      if (cut == NULL)
        break;
      entry = cut + 1;
    }

  /* What validates must survive being published and parsed again. */
  if (seye_txt_record_validate (&record, &error))
    {
      g_auto (GStrv) strv = seye_txt_record_to_strv (&record);
      SeyeTxtRecord again = { 0, };

      for (guint i = 0; strv[i] != NULL; i++)
        seye_txt_record_parse_entry (&again, (const guint8 *) strv[i], strlen (strv[i]), NULL);
      g_assert_true (seye_txt_record_validate (&again, NULL));
      g_assert_cmpstr (again.node_id, ==, record.node_id);
      g_assert_cmpstr (again.agent_version, ==, record.agent_version);
      g_assert_true (seye_txt_record_equal (&again, &record));
      seye_txt_record_clear (&again);
    }
  else
    {
      g_assert_nonnull (error);
    }

  seye_txt_record_clear (&record);

  return 0;
}
