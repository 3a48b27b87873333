/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `seye fetch` finding real agents over mDNS (a real avahi-daemon). */
#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>
#include <unistd.h>

#include "seye-test-hostile.h"
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
  g_autofree char *id_a = seye_test_node_id (1);
  g_autofree char *id_b = seye_test_node_id (2);
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

  a = seye_test_agent_start ("--name", name_a, "--node-id", id_a, NULL);
  b = seye_test_agent_start ("--name", name_b, "--node-id", id_b, NULL);
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

/* Services announced with names no agent would take (as avahi-publish lets anyone
 * on the LAN do), at a port where nothing answers: what they announce is shown,
 * never obeyed, in every layout of `seye fetch` and in `seye observe` lines, and
 * the debug log quotes them sanitised too. --json keeps the exact names. */
static void
test_hostile_names (void)
{
  g_autofree char *prefix = g_strdup_printf ("seye-san-%d", (int) getpid ());
  GSubprocess *publishers[G_N_ELEMENTS (seye_test_hostile)] = { NULL };
  char *names[G_N_ELEMENTS (seye_test_hostile)] = { NULL };
  char *shown[G_N_ELEMENTS (seye_test_hostile)] = { NULL };
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *json = NULL;
  g_autofree char *blocks = NULL;
  g_autofree char *blocks_log = NULL;
  g_autofree char *table = NULL;
  g_autofree char *lines = NULL;
  g_autofree char *lines_log = NULL;
  JsonArray *array = NULL;
  const guint n = G_N_ELEMENTS (seye_test_hostile);

  if (!seye_test_require_avahi ())
    return;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (GSubprocessLauncher) launcher = NULL;
      g_autofree char *node_id = seye_test_node_id (10 + i);
      g_autofree char *id = g_strconcat ("id=", node_id, NULL);

      names[i] = g_strdup_printf ("%s-%s %s", prefix, seye_test_hostile[i].kind, seye_test_hostile[i].raw);
      shown[i] = g_strdup_printf ("%s-%s %s", prefix, seye_test_hostile[i].kind, seye_test_hostile[i].shown);
      g_assert_cmpuint (strlen (names[i]), <=, 63);
      launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
      /* A publisher dies with its test: an aborted test must not leave names on the LAN. */
      g_subprocess_launcher_set_child_setup (launcher, seye_test_die_with_parent, NULL, NULL);
      publishers[i] = g_subprocess_launcher_spawn (launcher, &error, "avahi-publish", "-s", names[i],
                                                   "_sorcerers-eye._tcp", "9", "txtvers=1", "api=1", id, NULL);
      g_assert_no_error (error);
    }

  /* Until every one is announced (probing takes about a second; a loaded machine more). */
  for (guint attempt = 0; attempt < 10; attempt++)
    {
      g_clear_pointer (&json, g_free);
      seye_test_run_cli (&json, NULL, "fetch", "--json", "--discovery-time", "3", "--timeout", "2",
                         "--filter", prefix, NULL);
      json_parser_load_from_data (parser, json, -1, &error);
      g_assert_no_error (error);
      array = json_node_get_array (json_parser_get_root (parser));
      if (json_array_get_length (array) == n)
        break;
      seye_test_spin (500);
    }
  g_assert_cmpuint (json_array_get_length (array), ==, n);

  /* JSON: the exact names, escaped as JSON. */
  for (guint i = 0; i < n; i++)
    {
      gboolean found = FALSE;

      for (guint j = 0; j < n; j++)
        found |= g_strcmp0 (json_object_get_string_member (json_array_get_object_element (array, j), "name"),
                            names[i]) == 0;
      g_assert_true (found);
    }
  seye_test_assert_shown_safely ("fetch --json", json);

  /* Blocks, with the debug log of discovery on standard error. */
  seye_test_cli_set_debug (TRUE);
  seye_test_run_cli (&blocks, &blocks_log, "fetch", "--discovery-time", "3", "--timeout", "2",
                     "--filter", prefix, NULL);
  seye_test_run_cli (&lines, &lines_log, "observe", "--interval", "2", "--count", "2", "--filter", prefix, NULL);
  seye_test_cli_set_debug (FALSE);
  seye_test_run_cli (&table, NULL, "fetch", "--table", "--discovery-time", "3", "--timeout", "2",
                     "--filter", prefix, NULL);

  seye_test_assert_shown_safely ("fetch", blocks);
  seye_test_assert_shown_safely ("fetch (debug log)", blocks_log);
  seye_test_assert_shown_safely ("fetch --table", table);
  seye_test_assert_shown_safely ("observe (lines)", lines);
  seye_test_assert_shown_safely ("observe (debug log)", lines_log);
  g_assert_nonnull (strstr (blocks, "seye-browser-DEBUG"));   /* the debug log went with it */
  for (guint i = 0; i < n; i++)
    {
      g_test_message ("%s: %s", seye_test_hostile[i].kind, shown[i]);
      g_assert_nonnull (strstr (blocks, shown[i]));
      g_assert_nonnull (strstr (table, shown[i]));
      g_assert_nonnull (strstr (lines, shown[i]));
    }

  for (guint i = 0; i < n; i++)
    {
      g_subprocess_force_exit (publishers[i]);
      g_subprocess_wait (publishers[i], NULL, NULL);
      g_object_unref (publishers[i]);
      g_free (names[i]);
      g_free (shown[i]);
    }
}

static JsonObject *
find_entry (JsonArray  *array,
            const char *address)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *object = json_array_get_object_element (array, i);

      if (g_strcmp0 (json_object_get_string_member (object, "address"), address) == 0)
        return object;
    }

  return NULL;
}

/* A real agent and a look-alike announcing its node id over mDNS (plain, or
 * HTTPS with a certificate of its own), found by discovery alone: both are
 * listed, each with its own numbers at its address, and both say that two
 * machines claim the node. The real node is never hidden behind the fake. */
static void
check_look_alike (gboolean tls)
{
  g_autofree char *prefix = g_strdup_printf ("seye-cli-look-%s-%d", tls ? "tls" : "plain", (int) getpid ());
  g_autofree char *id = seye_test_node_id (tls ? 4 : 3);
  g_autofree char *fake_name = g_strconcat (prefix, "-fake", NULL);
  g_autoptr (SeyeTestAgent) real = NULL;
  g_autoptr (SeyeTestAgent) fake = NULL;
  g_autofree char *real_address = NULL;
  g_autofree char *fake_address = NULL;

  if (!seye_test_require_avahi ())
    return;

  real = seye_test_agent_start ("--name", prefix, "--node-id", id, NULL);
  fake = seye_test_fake_agent_start ("--node-id", id, "--name", fake_name, "--announce", tls ? "--tls" : NULL, NULL);
  g_assert_true (seye_test_agent_wait_log (real, "mDNS: announced", 10000));
  g_assert_true (seye_test_agent_wait_log (fake, "mDNS: announced", 10000));
  real_address = g_strdup_printf ("127.0.0.1:%u", real->port);
  fake_address = g_strdup_printf ("127.0.0.1:%u", fake->port);

  for (guint run = 0; run < 3; run++)
    {
      g_autoptr (JsonParser) parser = json_parser_new ();
      g_autoptr (GError) error = NULL;
      g_autofree char *out = NULL;
      g_autofree char *blocks = NULL;
      JsonObject *real_entry;
      JsonObject *fake_entry;
      JsonArray *array;

      g_assert_cmpint (seye_test_run_cli (&out, NULL, "fetch", "--json", "--discovery-time", "4", "--filter", prefix, NULL), ==, 0);
      json_parser_load_from_data (parser, out, -1, &error);
      g_assert_no_error (error);
      array = json_node_get_array (json_parser_get_root (parser));
      g_assert_cmpuint (json_array_get_length (array), ==, 2);

      real_entry = find_entry (array, real_address);
      fake_entry = find_entry (array, fake_address);
      g_assert_nonnull (real_entry);
      g_assert_nonnull (fake_entry);
      g_assert_cmpstr (json_object_get_string_member (real_entry, "name"), ==, prefix);
      g_assert_cmpstr (json_object_get_string_member (real_entry, "state"), ==, "online");
      /* The look-alike has no memory figures and a load of 66.6; the real one has both of its own. */
      g_assert_cmpfloat (json_object_get_double_member (fake_entry, "cpu_percent"), ==, 99.99);
      g_assert_true (json_object_get_null_member (fake_entry, "memory"));
      g_assert_false (json_object_get_null_member (real_entry, "memory"));
      g_assert_cmpfloat (json_array_get_double_element (json_object_get_array_member (real_entry, "load"), 0), !=, 66.6);
      for (guint i = 0; i < 2; i++)
        {
          const char *conflict = json_object_get_string_member (i ? fake_entry : real_entry, "conflict");

          g_assert_nonnull (conflict);
          g_assert_nonnull (strstr (conflict, "two machines claim this node"));
          g_assert_nonnull (strstr (conflict, real_address));
          g_assert_nonnull (strstr (conflict, fake_address));
        }

      /* The same in words: the real node's block, the warning. */
      g_assert_cmpint (seye_test_run_cli (&blocks, NULL, "fetch", "--discovery-time", "4", "--filter", prefix, NULL), ==, 0);
      g_assert_nonnull (strstr (blocks, real_address));
      g_assert_nonnull (strstr (blocks, "Warning: two machines claim this node"));
    }

  seye_test_agent_stop (fake);
  seye_test_agent_stop (real);
}

static void
test_look_alike_plain (void)
{
  check_look_alike (FALSE);
}

static void
test_look_alike_tls (void)
{
  check_look_alike (TRUE);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/seye/cli/mdns/discover", test_discover);
  g_test_add_func ("/seye/cli/mdns/hostile-names", test_hostile_names);
  g_test_add_func ("/seye/cli/mdns/look-alike-plain", test_look_alike_plain);
  g_test_add_func ("/seye/cli/mdns/look-alike-tls", test_look_alike_tls);

  return g_test_run ();
}
