/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Tags (seye-tags.h): what the agent's configuration accepts, and what a client
 * keeps of what a node sends in its TXT record and in /v1/node.
 */
#include "config.h"

#include <string.h>

#include "seye-error.h"
#include "seye-json.h"
#include "seye-tags.h"
#include "seye-txt.h"

#define NODE_ID "0123456789abcdef0123456789abcdef"

static void
test_valid (void)
{
  g_autofree char *longest = g_strnfill (SEYE_TAG_MAX_LENGTH, 'a');
  g_autofree char *too_long = g_strnfill (SEYE_TAG_MAX_LENGTH + 1, 'a');

  g_assert_true (seye_tag_is_valid ("web"));
  g_assert_true (seye_tag_is_valid ("eu-1"));
  g_assert_true (seye_tag_is_valid ("rack_4.b"));
  g_assert_true (seye_tag_is_valid (longest));

  g_assert_false (seye_tag_is_valid (NULL));
  g_assert_false (seye_tag_is_valid (""));
  g_assert_false (seye_tag_is_valid (too_long));
  g_assert_false (seye_tag_is_valid ("Web"));
  g_assert_false (seye_tag_is_valid ("a b"));
  g_assert_false (seye_tag_is_valid ("a,b"));
  g_assert_false (seye_tag_is_valid ("tag:x"));
  g_assert_false (seye_tag_is_valid ("\x1b[31m"));
  g_assert_false (seye_tag_is_valid ("é"));
}

/* The configuration's words: every refusal names the tag and says what a tag may be. */
static void
test_parse (void)
{
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) tags = seye_tags_parse (" web , eu-1,gpu ", &error);
  g_autofree char *joined = NULL;
  g_auto (GStrv) refused = NULL;
  GString *many = g_string_new (NULL);
  GString *wide = g_string_new (NULL);

  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (tags), ==, 3);
  joined = seye_tags_join ((const char * const *) tags);
  g_assert_cmpstr (joined, ==, "web,eu-1,gpu");
  g_assert_true (seye_tags_contain ((const char * const *) tags, "eu-1"));
  g_assert_false (seye_tags_contain ((const char * const *) tags, "eu"));

  g_assert_null (seye_tags_parse ("", &error));
  g_assert_no_error (error);
  g_assert_null (seye_tags_parse (" , ", &error));
  g_assert_no_error (error);

  refused = seye_tags_parse ("web,Web", &error);
  g_assert_null (refused);
  g_assert_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG);
  g_assert_nonnull (strstr (error->message, "“Web”"));
  g_assert_nonnull (strstr (error->message, "a-z, 0-9"));
  g_clear_error (&error);

  g_assert_null (seye_tags_parse ("web,web", &error));
  g_assert_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG);
  g_assert_nonnull (strstr (error->message, "twice"));
  g_clear_error (&error);

  /* A control character is not printed as it is. */
  g_assert_null (seye_tags_parse ("a\x1b[2Jb", &error));
  g_assert_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG);
  g_assert_null (strchr (error->message, '\x1b'));
  g_clear_error (&error);

  for (guint i = 0; i <= SEYE_TAGS_MAX; i++)
    g_string_append_printf (many, "%st%u", i > 0 ? "," : "", i);
  g_assert_null (seye_tags_parse (many->str, &error));
  g_assert_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG);
  g_assert_nonnull (strstr (error->message, "at most 16"));
  g_clear_error (&error);

  /* Sixteen tags of 32 bytes do not fit one TXT string. */
  for (guint i = 0; i < SEYE_TAGS_MAX; i++)
    g_string_append_printf (wide, "%s%02u%030u", i > 0 ? "," : "", i, 0);
  g_assert_null (seye_tags_parse (wide->str, &error));
  g_assert_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG);
  g_assert_nonnull (strstr (error->message, "mDNS"));
  g_clear_error (&error);

  g_string_free (many, TRUE);
  g_string_free (wide, TRUE);
}

/* From a node: what is not a tag is left out, the rest kept in order. */
static void
test_from_peer (void)
{
  const char * const sent[] = { "web", "Web", "", "web", "eu-1", "\x1b]0;x\a", NULL };
  guint dropped = 0;
  g_auto (GStrv) kept = seye_tags_from_peer (sent, &dropped);
  GPtrArray *flood = g_ptr_array_new_with_free_func (g_free);
  g_auto (GStrv) capped = NULL;

  g_assert_cmpuint (g_strv_length (kept), ==, 2);
  g_assert_cmpstr (kept[0], ==, "web");
  g_assert_cmpstr (kept[1], ==, "eu-1");
  g_assert_cmpuint (dropped, ==, 4);

  g_assert_null (seye_tags_from_peer (NULL, &dropped));
  g_assert_cmpuint (dropped, ==, 0);

  for (guint i = 0; i < 40; i++)
    g_ptr_array_add (flood, g_strdup_printf ("t%u", i));
  g_ptr_array_add (flood, NULL);
  capped = seye_tags_from_peer ((const char * const *) flood->pdata, &dropped);
  g_assert_cmpuint (g_strv_length (capped), ==, SEYE_TAGS_MAX);
  g_assert_cmpuint (dropped, ==, 40 - SEYE_TAGS_MAX);
  g_ptr_array_free (flood, TRUE);

  g_assert_true (seye_tags_equal (NULL, (const char * const[]) { NULL }));
  g_assert_false (seye_tags_equal ((const char * const[]) { "a", NULL }, NULL));
  g_assert_false (seye_tags_equal ((const char * const[]) { "a", "b", NULL },
                                   (const char * const[]) { "b", "a", NULL }));
}

static gboolean
parse_entry (SeyeTxtRecord  *record,
             const char     *entry,
             GError        **error)
{
  return seye_txt_record_parse_entry (record, (const guint8 *) entry, strlen (entry), error);
}

/* "tags=web,eu-1" in the TXT record: announced as the agent has them, and read back. */
static void
test_txt (void)
{
  char *tags[] = { (char *) "web", (char *) "eu-1", NULL };
  SeyeTxtRecord record = { 1, (char *) NODE_ID, 1, (char *) "0.1.0", .tags = tags };
  SeyeTxtRecord back = { 0 };
  SeyeTxtRecord bad = { 0 };
  g_auto (GStrv) entries = seye_txt_record_to_strv (&record);
  g_autoptr (GError) error = NULL;

  g_assert_true (g_strv_contains ((const char * const *) entries, "tags=web,eu-1"));
  for (guint i = 0; entries[i] != NULL; i++)
    {
      g_assert_true (parse_entry (&back, entries[i], &error));
      g_assert_no_error (error);
    }
  g_assert_true (seye_txt_record_equal (&record, &back));
  g_assert_cmpstr (back.tags[1], ==, "eu-1");

  /* The first "tags" wins, as for every key. */
  g_assert_true (parse_entry (&back, "tags=db", &error));
  g_assert_cmpuint (g_strv_length (back.tags), ==, 2);
  seye_txt_record_clear (&back);
  g_assert_null (back.tags);

  /* An entry with something that is not a tag changes nothing, and says why. */
  g_assert_false (parse_entry (&bad, "tags=web,<b>x</b>", &error));
  g_assert_error (error, SEYE_ERROR, SEYE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "not tags"));
  g_assert_null (bad.tags);
  g_clear_error (&error);
  g_assert_true (parse_entry (&bad, "tags=", &error));
  g_assert_null (bad.tags);
  seye_txt_record_clear (&bad);

  /* A record with no tags announces no "tags" entry. */
  record.tags = NULL;
  g_strfreev (entries);
  entries = seye_txt_record_to_strv (&record);
  for (guint i = 0; entries[i] != NULL; i++)
    g_assert_false (g_str_has_prefix (entries[i], "tags="));
}

/* /v1/node's "tags": written by the agent's writer, read by the client's decoder. */
static void
test_node_info (void)
{
  g_autoptr (SeyeNodeInfo) info = seye_node_info_new ();
  g_autoptr (SeyeNodeInfo) back = NULL;
  g_autoptr (SeyeNodeInfo) old = NULL;
  g_autoptr (SeyeNodeInfo) hostile = NULL;
  g_autoptr (GError) error = NULL;
  GString *str = g_string_new (NULL);
  const char *base = "{\"schema\":1,\"node_id\":\"" NODE_ID "\",\"name\":\"n\",\"hostname\":\"h\","
                     "\"os\":\"o\",\"kernel\":\"k\",\"arch\":\"a\",\"cpu_model\":\"c\",\"cores\":2,"
                     "\"agent_version\":\"v\",\"api_version\":1,\"interval\":1,\"boot_time\":1";
  g_autofree char *without = g_strconcat (base, "}", NULL);
  g_autofree char *mixed = g_strconcat (base, ",\"tags\":[\"web\",7,null,\"Web\",\"web\","
                                        "\"\\u001b[2J\",\"eu-1\"]}", NULL);
  g_autofree char *not_array = g_strconcat (base, ",\"tags\":\"web\"}", NULL);

  info->node_id = g_strdup (NODE_ID);
  info->name = g_strdup ("n");
  info->hostname = g_strdup ("h");
  info->os_name = g_strdup ("o");
  info->kernel = g_strdup ("k");
  info->arch = g_strdup ("a");
  info->cpu_model = g_strdup ("c");
  info->agent_version = g_strdup ("v");
  info->n_cores = 2;
  info->interval = 1;
  info->tags = g_strsplit ("web,eu-1", ",", -1);
  seye_json_write_node_info (str, info);
  g_assert_nonnull (strstr (str->str, "\"tags\":[\"web\",\"eu-1\"]"));

  back = seye_node_info_from_json (str->str, str->len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (back->tags), ==, 2);
  g_assert_cmpstr (back->tags[0], ==, "web");

  /* An agent from before tags. */
  old = seye_node_info_from_json (without, -1, &error);
  g_assert_no_error (error);
  g_assert_null (old->tags);

  /* What is not a tag is left out; the node is kept. */
  hostile = seye_node_info_from_json (mixed, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (hostile->tags), ==, 2);
  g_assert_cmpstr (hostile->tags[1], ==, "eu-1");

  g_assert_null (seye_node_info_from_json (not_array, -1, &error));
  g_assert_error (error, SEYE_ERROR, SEYE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "tags"));

  g_string_free (str, TRUE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/seye/tags/valid", test_valid);
  g_test_add_func ("/seye/tags/parse", test_parse);
  g_test_add_func ("/seye/tags/from-peer", test_from_peer);
  g_test_add_func ("/seye/tags/txt", test_txt);
  g_test_add_func ("/seye/tags/node-info", test_node_info);

  return g_test_run ();
}
