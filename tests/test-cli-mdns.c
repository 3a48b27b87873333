/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `seye fetch` finding real agents over mDNS (a real avahi-daemon). */
#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>
#include <unistd.h>

#include "seye-test-util.h"

static gboolean
never_cb (gpointer data)
{
  return FALSE;
}

static void
test_discover (void)
{
  g_autofree char *prefix = g_strdup_printf ("seye-cli-mdns-%d", (int) getpid ());
  g_autofree char *name_a = g_strconcat (prefix, "-a", NULL);
  g_autofree char *name_b = g_strconcat (prefix, "-b", NULL);
  g_autoptr (SeyeTestAgent) a = NULL;
  g_autoptr (SeyeTestAgent) b = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *blocks = NULL;
  g_autofree char *port_a = NULL;
  JsonArray *array;
  gint64 start;
  double elapsed;

  if (!seye_test_require_avahi ())
    return;

  a = seye_test_agent_start ("--name", name_a, "--node-id", "c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c1", NULL);
  b = seye_test_agent_start ("--name", name_b, "--node-id", "c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c2", NULL);
  g_assert_true (seye_test_agent_wait_log (a, "mDNS: announced", 10000));
  g_assert_true (seye_test_agent_wait_log (b, "mDNS: announced", 10000));

  /* A long discovery time, but it ends once the answers stop. */
  start = g_get_monotonic_time ();
  g_assert_cmpint (seye_test_run_cli (&out, NULL, "fetch", "--json", "--discovery-time", "8", "--filter", prefix, NULL), ==, 0);
  elapsed = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  g_test_message ("fetch took %.2f s", elapsed);
  g_assert_cmpfloat (elapsed, <, 5.0);

  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  array = json_node_get_array (json_parser_get_root (parser));
  /* Each agent once, at the address it resolved to. */
  g_assert_cmpuint (json_array_get_length (array), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, 0), "name"), ==, name_a);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, 1), "name"), ==, name_b);
  port_a = g_strdup_printf ("127.0.0.1:%u", a->port);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, 0), "address"), ==, port_a);
  g_assert_true (json_object_get_boolean_member (json_array_get_object_element (array, 1), "reachable"));

  /* Given by hand as well: still once. */
  g_assert_cmpint (seye_test_run_cli (&blocks, NULL, "fetch", "--filter", prefix, "--host", port_a, NULL), ==, 0);
  g_assert_nonnull (strstr (blocks, name_a));
  g_assert_null (strstr (strstr (blocks, name_a) + 1, name_a));
  g_assert_nonnull (strstr (blocks, name_b));

  /* Gone from mDNS (goodbye packets; Avahi's cache lets go within a second or two). */
  seye_test_agent_stop (a);
  seye_test_agent_stop (b);
  seye_test_wait_until (never_cb, NULL, 2500);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (seye_test_run_cli (&out, NULL, "fetch", "--json", "--filter", prefix, NULL), ==, 2);
  g_assert_cmpstr (out, ==, "[]\n");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/seye/cli/mdns/discover", test_discover);

  return g_test_run ();
}
