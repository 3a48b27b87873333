/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Prometheus file_sd targets: what is written, that hostile values come out
 * sanitised with valid label names only, and that a file is read back. */
#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "seye-error.h"
#include "seye-prometheus-sd.h"
#include "seye-test-file-sd.h"
#include "seye-test-hostile.h"

static GPtrArray *
new_targets (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) seye_prometheus_target_free);
}

static void
test_write (void)
{
  g_autoptr (GPtrArray) targets = new_targets ();
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autofree char *text = NULL;
  const char *tags[] = { "web", "eu-1", NULL };
  SeyePrometheusTarget *web = seye_prometheus_target_new ("192.168.1.20:7373", "web-1");
  SeyePrometheusTarget *db = seye_prometheus_target_new ("[fe80::1%eth0]:7373", "db");
  JsonArray *array;
  JsonObject *labels;

  web->node_id = g_strdup ("0123456789abcdef0123456789abcdef");
  web->agent_version = g_strdup ("0.1.0");
  web->tags = g_strdupv ((char **) tags);
  db->tls = TRUE;
  db->auth_token = TRUE;
  g_ptr_array_add (targets, web);
  g_ptr_array_add (targets, db);

  text = seye_prometheus_sd_write (targets);
  g_test_message ("%s", text);
  array = seye_test_parse_file_sd (parser, text);
  g_assert_cmpuint (json_array_get_length (array), ==, 2);

  /* By name: db first. */
  labels = json_object_get_object_member (json_array_get_object_element (array, 0), "labels");
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (json_array_get_object_element (array, 0), "targets"), 0),
                   ==, "[fe80::1%eth0]:7373");
  g_assert_cmpstr (json_object_get_string_member (labels, "node"), ==, "db");
  g_assert_cmpstr (json_object_get_string_member (labels, "scheme"), ==, "https");
  g_assert_cmpstr (json_object_get_string_member (labels, "__scheme__"), ==, "https");
  g_assert_cmpstr (json_object_get_string_member (labels, "auth"), ==, "token");
  g_assert_false (json_object_has_member (labels, "node_id"));
  g_assert_false (json_object_has_member (labels, "tags"));

  labels = json_object_get_object_member (json_array_get_object_element (array, 1), "labels");
  g_assert_cmpstr (json_object_get_string_member (labels, "node"), ==, "web-1");
  g_assert_cmpstr (json_object_get_string_member (labels, "node_id"), ==, "0123456789abcdef0123456789abcdef");
  g_assert_cmpstr (json_object_get_string_member (labels, "agent_version"), ==, "0.1.0");
  g_assert_cmpstr (json_object_get_string_member (labels, "tags"), ==, ",web,eu-1,");
  g_assert_cmpstr (json_object_get_string_member (labels, "scheme"), ==, "http");
  g_assert_cmpstr (json_object_get_string_member (labels, "__metrics_path__"), ==, "/metrics");
  g_assert_false (json_object_has_member (labels, "auth"));

  /* The same targets in another order: the same text. */
  g_ptr_array_add (targets, g_ptr_array_steal_index (targets, 0));
  {
    g_autofree char *again = seye_prometheus_sd_write (targets);

    g_assert_cmpstr (again, ==, text);
  }

  /* None: an empty array, which Prometheus takes as no targets. */
  g_ptr_array_set_size (targets, 0);
  g_free (text);
  text = seye_prometheus_sd_write (targets);
  g_assert_cmpstr (text, ==, "[]\n");
}

/* Names, versions and tags from the network: no character a terminal or a log
 * obeys reaches the file; a tag that is not one is left out. */
static void
test_hostile (void)
{
  g_autoptr (GPtrArray) targets = new_targets ();
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autofree char *text = NULL;
  const char *tags[] = { "ok", "Bad Tag", "\033[2J", "a\"b", NULL };
  JsonArray *array;

  for (guint i = 0; i < G_N_ELEMENTS (seye_test_hostile); i++)
    {
      SeyePrometheusTarget *target = seye_prometheus_target_new ("127.0.0.1:9", seye_test_hostile[i].raw);

      target->agent_version = g_strdup (seye_test_hostile[i].raw);
      target->node_id = g_strdup ("\"},{\"targets\":[\"evil:1\"]}");
      target->tags = g_strdupv ((char **) tags);
      g_ptr_array_add (targets, target);
    }
  g_ptr_array_add (targets, seye_prometheus_target_new ("127.0.0.1:9", "\xff\xfe not UTF-8"));

  text = seye_prometheus_sd_write (targets);
  seye_test_assert_shown_safely ("file_sd", text);
  array = seye_test_parse_file_sd (parser, text);
  g_assert_cmpuint (json_array_get_length (array), ==, G_N_ELEMENTS (seye_test_hostile) + 1);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *group = json_array_get_object_element (array, i);
      JsonObject *labels = json_object_get_object_member (group, "labels");
      const char *node = json_object_get_string_member (labels, "node");
      gboolean known = g_str_equal (node, "\\xff\\xfe not UTF-8");

      seye_test_assert_shown_safely ("node label", node);
      for (guint j = 0; j < G_N_ELEMENTS (seye_test_hostile) && !known; j++)
        known = g_str_equal (node, seye_test_hostile[j].shown);
      g_assert_true (known);

      /* A quoted id stays a value: one target per group, never a new one. */
      g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (group, "targets"), 0),
                       ==, "127.0.0.1:9");
      if (json_object_has_member (labels, "tags"))
        g_assert_cmpstr (json_object_get_string_member (labels, "tags"), ==, ",ok,");
    }

  g_assert_true (seye_prometheus_label_name_is_valid ("__scheme__"));
  g_assert_true (seye_prometheus_label_name_is_valid ("node_id"));
  g_assert_false (seye_prometheus_label_name_is_valid ("tag_eu-1"));
  g_assert_false (seye_prometheus_label_name_is_valid ("1node"));
  g_assert_false (seye_prometheus_label_name_is_valid (""));
  g_assert_false (seye_prometheus_label_name_is_valid ("nöde"));
}

/* What a previous run wrote comes back; anything else is refused. */
static void
test_read (void)
{
  g_autoptr (GPtrArray) targets = new_targets ();
  g_autoptr (GPtrArray) back = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *again = NULL;
  const char *tags[] = { "web", "eu-1", NULL };
  SeyePrometheusTarget *web = seye_prometheus_target_new ("192.168.1.20:7373", "web-1");
  const char *not_ours[] = {
    "scrape_configs:\n  - job_name: seye\n",
    "{\"targets\": [\"a:1\"]}",
    "[{\"targets\": [\"a:1\", \"b:2\"], \"labels\": {\"node\": \"a\"}}]",
    "[{\"targets\": [\"a:1\"], \"labels\": {}}]",
    "[{\"targets\": [\"a:1\"], \"labels\": {\"node\": \"a\", \"bad-name\": \"x\"}}]",
    "[{\"targets\": [\"a:1\"], \"labels\": {\"node\": \"a\", \"n\": 1}}]",
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
  };

  web->node_id = g_strdup ("0123456789abcdef0123456789abcdef");
  web->agent_version = g_strdup ("0.1.0");
  web->tags = g_strdupv ((char **) tags);
  web->tls = TRUE;
  web->auth_token = TRUE;
  g_ptr_array_add (targets, web);
  g_ptr_array_add (targets, seye_prometheus_target_new ("10.0.0.1:7373", "plain"));

  text = seye_prometheus_sd_write (targets);
  back = seye_prometheus_sd_read (text, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->len, ==, 2);
  again = seye_prometheus_sd_write (back);
  g_assert_cmpstr (again, ==, text);
  g_clear_pointer (&back, g_ptr_array_unref);
  seye_prometheus_targets_sort (targets);
  back = seye_prometheus_sd_read (text, NULL);
  seye_prometheus_targets_sort (back);
  for (guint i = 0; i < back->len; i++)
    g_assert_true (seye_prometheus_target_equal (back->pdata[i], targets->pdata[i]));

  for (guint i = 0; i < G_N_ELEMENTS (not_ours); i++)
    {
      g_autoptr (GPtrArray) none = NULL;

      g_clear_error (&error);
      none = seye_prometheus_sd_read (not_ours[i], &error);
      g_assert_null (none);
      g_assert_error (error, SEYE_ERROR, error->code);
      g_test_message ("refused: %s", error->message);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/seye/prometheus-sd/write", test_write);
  g_test_add_func ("/seye/prometheus-sd/hostile", test_hostile);
  g_test_add_func ("/seye/prometheus-sd/read", test_read);

  return g_test_run ();
}
