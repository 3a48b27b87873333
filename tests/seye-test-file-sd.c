/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-test"

#include "config.h"

#include "seye-test-file-sd.h"

JsonArray *
seye_test_parse_file_sd (JsonParser *parser,
                         const char *text)
{
  g_autoptr (GError) error = NULL;
  JsonArray *array;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)));
  array = json_node_get_array (json_parser_get_root (parser));

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *group = json_array_get_object_element (array, i);
      JsonObject *labels = json_object_get_object_member (group, "labels");
      g_autoptr (GList) names = json_object_get_members (labels);

      g_assert_cmpuint (json_array_get_length (json_object_get_array_member (group, "targets")), ==, 1);
      for (GList *l = names; l != NULL; l = l->next)
        {
          g_assert_true (g_regex_match_simple ("^[a-zA-Z_][a-zA-Z0-9_]*$", l->data, 0, 0));
          g_assert_nonnull (json_object_get_string_member (labels, l->data));
        }
    }

  return array;
}
