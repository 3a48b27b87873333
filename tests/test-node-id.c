/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "seye-node-id.h"

static void
test_derive (void)
{
  const char *machine_id = "4c4c4544004b3010804eb4c04f584d32";
  g_autofree char *a = seye_node_id_derive (machine_id);
  g_autofree char *b = seye_node_id_derive ("  4c4c4544004b3010804eb4c04f584d32\n");
  g_autofree char *other = seye_node_id_derive ("4c4c4544004b3010804eb4c04f584d33");
  g_autofree char *empty = seye_node_id_derive (" \n");
  g_autofree char *plain_sha = g_compute_checksum_for_string (G_CHECKSUM_SHA256, machine_id, -1);

  g_assert_true (seye_node_id_is_valid (a));
  g_assert_cmpuint (strlen (a), ==, SEYE_NODE_ID_LENGTH);
  /* Stable, white space ignored. */
  g_assert_cmpstr (a, ==, b);
  g_assert_cmpstr (a, !=, other);
  g_assert_null (empty);
  /* Never the raw machine id, nor its plain hash. */
  g_assert_null (strstr (a, machine_id));
  g_assert_false (g_str_has_prefix (plain_sha, a));
  /* Fixed for ever: changing the key would change every node's id. */
  g_assert_cmpstr (a, ==, "60f5cc419648366f1d6a891dde432fd6");
}

static void
test_valid (void)
{
  g_assert_true (seye_node_id_is_valid ("0123456789abcdef0123456789ABCDEF"));
  g_assert_false (seye_node_id_is_valid (NULL));
  g_assert_false (seye_node_id_is_valid (""));
  g_assert_false (seye_node_id_is_valid ("0123456789abcdef0123456789abcde"));
  g_assert_false (seye_node_id_is_valid ("0123456789abcdef0123456789abcdefa"));
  g_assert_false (seye_node_id_is_valid ("0123456789abcdef0123456789abcdeg"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/seye/node-id/derive", test_derive);
  g_test_add_func ("/seye/node-id/valid", test_valid);

  return g_test_run ();
}
