/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "seye-json.h"
#include "seye-sanitize.h"

/*
 * The sanitiser on any bytes (cut at the first NUL, as a C string is): what comes
 * out is valid UTF-8 with no control, formatting or separator character in it.
 * And the JSON writer on the same text when it is UTF-8: what it writes holds
 * none of them either, and reads back as the exact text.
 */

int LLVMFuzzerTestOneInput (const guint8 *data,
                            size_t        size);

static void
assert_nothing_hidden (const char *text)
{
  g_assert_true (g_utf8_validate (text, -1, NULL));
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    g_assert_false (seye_sanitize_is_hidden (g_utf8_get_char (p)));
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autofree char *shown = seye_sanitize_display (text);

  assert_nothing_hidden (shown);
  if (!g_utf8_validate (text, -1, NULL))
    g_assert_cmpstr (shown, !=, text);

  if (g_utf8_validate (text, -1, NULL))
    {
      g_autoptr (GString) json = g_string_new (NULL);
      g_autoptr (JsonParser) parser = json_parser_new ();
      g_autoptr (GError) error = NULL;

      seye_json_write_string (json, text);
      assert_nothing_hidden (json->str);
      json_parser_load_from_data (parser, json->str, json->len, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (json_node_get_string (json_parser_get_root (parser)), ==, text);
    }

  return 0;
}
