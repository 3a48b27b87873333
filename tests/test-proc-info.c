/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <sys/utsname.h>

#include "seye-error.h"
#include "seye-json.h"
#include "seye-node-id.h"
#include "test-proc-tree.h"

/* What the node says about itself: its id, names, kernel, CPU model, cores, boot time. */

static void
test_identity (void)
{
  g_autofree char *root = tree_path ("basic-2core");
  g_autoptr (SeyeProcReader) reader = seye_proc_reader_new (root);
  g_autoptr (SeyeNodeInfo) info = NULL;
  g_autoptr (SeyeNodeInfo) decoded = NULL;
  g_autoptr (GString) json = g_string_new (NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *expected_id = seye_node_id_derive ("4c4c4544004b3010804eb4c04f584d32");
  struct utsname uts;

  g_assert_cmpint (uname (&uts), ==, 0);

  info = seye_proc_reader_read_identity (reader);
  g_assert_no_error (error);
  g_assert_cmpstr (info->node_id, ==, expected_id);
  g_assert_cmpstr (info->hostname, ==, "node-a");
  g_assert_cmpstr (info->os_name, ==, "Debian GNU/Linux 12 (bookworm)");
  g_assert_cmpstr (info->kernel, ==, "6.1.0-18-amd64");
  g_assert_cmpstr (info->arch, ==, uts.machine);
  g_assert_cmpstr (info->cpu_model, ==, "AMD EPYC 7B13");
  g_assert_cmpuint (info->n_cores, ==, 2);
  g_assert_cmpint (info->boot_time, ==, 1732100000);
  g_assert_cmpfloat (info->interval, ==, 0.0);
  g_assert_cmpuint (info->api_version, ==, SEYE_API_VERSION);
  g_assert_null (info->name);
  g_assert_null (info->agent_version);

  /* What the agent sends once it has named the node. */
  info->name = g_strdup (info->hostname);
  seye_json_write_node_info (json, info);
  decoded = seye_node_info_from_json (json->str, json->len, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (decoded->os_name, ==, info->os_name);
}

static void
test_identity_fallbacks (void)
{
  g_autoptr (TmpRoot) t = tmp_root_new ();
  g_autoptr (GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  /* No machine id: the one error, with what to do about it. */
  {
    g_autofree char *missing = tree_path ("missing");
    g_autoptr (SeyeProcReader) reader = seye_proc_reader_new (missing);
    g_autoptr (SeyeNodeInfo) info = seye_proc_reader_read_identity (reader);
    g_autofree char *node_id = seye_proc_reader_read_node_id (reader, &error);

    /* The rest of the identity is still read; only the id is missing. */
    g_assert_nonnull (info);
    g_assert_null (info->node_id);
    g_assert_null (node_id);
    g_assert_error (error, SEYE_ERROR, SEYE_ERROR_IO);
    g_assert_nonnull (strstr (error->message, "etc/machine-id"));
    g_assert_nonnull (strstr (error->message, "--node-id"));
    g_clear_error (&error);
  }

  /* An empty one, likewise. */
  {
    g_autofree char *truncated = tree_path ("truncated");
    g_autoptr (SeyeProcReader) reader = seye_proc_reader_new (truncated);
    g_autoptr (SeyeNodeInfo) info = seye_proc_reader_read_identity (reader);
    g_autofree char *node_id = seye_proc_reader_read_node_id (reader, &error);

    /* The rest of the identity is still read; only the id is missing. */
    g_assert_nonnull (info);
    g_assert_null (info->node_id);
    g_assert_null (node_id);
    g_assert_error (error, SEYE_ERROR, SEYE_ERROR_IO);
    g_assert_nonnull (strstr (error->message, "empty"));
    g_clear_error (&error);
  }

  /* os-release only in /usr/lib, without PRETTY_NAME; an ARM board's cpuinfo;
   * no hostname, osrelease nor stat; boot time from the uptime. */
  tmp_root_write (t, "etc/machine-id", "  b1946ac92492d2347c6235b4d2611184  \n", -1);
  tmp_root_write (t, "usr/lib/os-release", "# comment\nID=fedora\nNAME='Fedora Linux'\n", -1);
  tmp_root_write (t, "proc/cpuinfo",
                  "processor\t: 0\nBogoMIPS\t: 108.00\nCPU implementer\t: 0x41\n\n"
                  "processor\t: 1\nBogoMIPS\t: 108.00\n\n"
                  "Model\t\t: Raspberry Pi 4 Model B Rev 1.4\n", -1);
  tmp_root_write (t, "proc/uptime", "100.00 50.00\n", -1);
  {
    g_autoptr (SeyeProcReader) reader = seye_proc_reader_new (t->root);
    g_autoptr (SeyeNodeInfo) info = seye_proc_reader_read_identity (reader);
    g_autofree char *expected_id = seye_node_id_derive ("b1946ac92492d2347c6235b4d2611184");

    g_assert_no_error (error);
    g_assert_cmpstr (info->node_id, ==, expected_id);
    g_assert_cmpstr (info->os_name, ==, "Fedora Linux");
    g_assert_cmpstr (info->cpu_model, ==, "Raspberry Pi 4 Model B Rev 1.4");
    g_assert_cmpstr (info->hostname, ==, "");
    g_assert_cmpstr (info->kernel, ==, "unknown");
    g_assert_cmpuint (info->n_cores, ==, 0);
    g_assert_cmpint (info->boot_time, >=, now - 100 - 2);
    g_assert_cmpint (info->boot_time, <=, g_get_real_time () / G_USEC_PER_SEC - 100);
  }

  /* Nothing but the id: placeholders; "Hardware" wins over "Model". */
  tmp_root_remove (t, "usr");
  tmp_root_remove (t, "proc/uptime");
  tmp_root_write (t, "proc/cpuinfo", "Model\t: Board\nHardware\t: BCM2835\n", -1);
  {
    g_autoptr (SeyeProcReader) reader = seye_proc_reader_new (t->root);
    g_autoptr (SeyeNodeInfo) info = seye_proc_reader_read_identity (reader);

    g_assert_no_error (error);
    g_assert_cmpstr (info->os_name, ==, "Linux");
    g_assert_cmpstr (info->cpu_model, ==, "BCM2835");
    g_assert_cmpint (info->boot_time, ==, 0);
  }

  tmp_root_remove (t, "proc/cpuinfo");
  {
    g_autoptr (SeyeProcReader) reader = seye_proc_reader_new (t->root);
    g_autoptr (SeyeNodeInfo) info = seye_proc_reader_read_identity (reader);

    g_assert_no_error (error);
    g_assert_cmpstr (info->cpu_model, ==, "unknown");
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/seye/proc/identity", test_identity);
  g_test_add_func ("/seye/proc/identity-fallbacks", test_identity_fallbacks);

  return g_test_run ();
}
