/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "test-proc-tree.h"

/* Network: /proc/net/dev. */

static const SeyeNetIface *
find_iface (SeyeSample *sample,
            const char *name)
{
  for (guint i = 0; i < sample->interfaces->len; i++)
    if (g_str_equal (g_array_index (sample->interfaces, SeyeNetIface, i).name, name))
      return &g_array_index (sample->interfaces, SeyeNetIface, i);

  g_error ("no interface %s", name);
}

static void
test_network (void)
{
  g_autoptr (TmpRoot) t = tmp_root_new ();
  g_autoptr (SeyeProcReader) reader = seye_proc_reader_new (t->root);
  g_autoptr (SeyeProcReader) slow = seye_proc_reader_new (t->root);
  g_autoptr (SeyeSample) first = NULL;
  g_autoptr (SeyeSample) second = NULL;
  g_autoptr (SeyeSample) slow_first = NULL;
  g_autoptr (SeyeSample) slow_second = NULL;
  g_autoptr (SeyeSample) back = NULL;
  g_autoptr (SeyeSample) reset = NULL;
  g_autoptr (SeyeSample) after = NULL;
  const SeyeNetIface *eth0;

  tmp_root_link (t, "basic-2core");
  first = seye_proc_reader_sample (reader, T0);
  slow_first = seye_proc_reader_sample (slow, T0);
  assert_sample_sane (first);
  g_assert_cmpuint (first->interfaces->len, ==, 2);
  g_assert_cmpstr (g_array_index (first->interfaces, SeyeNetIface, 0).name, ==, "eth0");
  g_assert_cmpstr (g_array_index (first->interfaces, SeyeNetIface, 1).name, ==, "lo");
  g_assert_cmpfloat (first->net_rx_bytes_per_sec, ==, 0.0);
  g_assert_cmpfloat (find_iface (first, "eth0")->rx_bytes_per_sec, ==, 0.0);
  g_assert_cmpuint (find_iface (first, "eth0")->rx_bytes, ==, 98765432);

  tmp_root_link (t, "basic-2core-next");
  second = seye_proc_reader_sample (reader, T0 + 1000);
  assert_sample_sane (second);
  eth0 = find_iface (second, "eth0");
  g_assert_cmpuint (eth0->rx_bytes, ==, 98767266);
  g_assert_cmpuint (eth0->tx_bytes, ==, 12346590);
  g_assert_cmpfloat_with_epsilon (eth0->rx_bytes_per_sec, 1834.0, EPSILON);
  g_assert_cmpfloat_with_epsilon (eth0->tx_bytes_per_sec, 912.0, EPSILON);
  g_assert_cmpfloat_with_epsilon (find_iface (second, "lo")->rx_bytes_per_sec, 5000.0, EPSILON);
  /* Totals leave loopback out. */
  g_assert_cmpfloat_with_epsilon (second->net_rx_bytes_per_sec, 1834.0, EPSILON);
  g_assert_cmpfloat_with_epsilon (second->net_tx_bytes_per_sec, 912.0, EPSILON);

  /* Over two seconds, half the rate. */
  slow_second = seye_proc_reader_sample (slow, T0 + 2000);
  g_assert_cmpfloat_with_epsilon (slow_second->interval, 2.0, EPSILON);
  g_assert_cmpfloat_with_epsilon (slow_second->net_rx_bytes_per_sec, 917.0, EPSILON);
  g_assert_cmpfloat_with_epsilon (slow_second->net_tx_bytes_per_sec, 456.0, EPSILON);

  /* The clock went back: no interval, no rates, and no harm. */
  back = seye_proc_reader_sample (slow, T0 + 1500);
  assert_sample_sane (back);
  g_assert_cmpfloat (back->interval, ==, 0.0);
  g_assert_cmpfloat (back->net_rx_bytes_per_sec, ==, 0.0);

  /* eth0's counters went back, wlan0 appeared: both 0; lo goes on. */
  tmp_root_link (t, "reset");
  reset = seye_proc_reader_sample (reader, T0 + 2000);
  assert_sample_sane (reset);
  g_assert_cmpuint (reset->interfaces->len, ==, 3);
  g_assert_cmpfloat (find_iface (reset, "eth0")->rx_bytes_per_sec, ==, 0.0);
  g_assert_cmpfloat (find_iface (reset, "eth0")->tx_bytes_per_sec, ==, 0.0);
  g_assert_cmpfloat (find_iface (reset, "wlan0")->rx_bytes_per_sec, ==, 0.0);
  g_assert_cmpfloat_with_epsilon (find_iface (reset, "lo")->tx_bytes_per_sec, 5000.0, EPSILON);
  g_assert_cmpfloat (reset->net_rx_bytes_per_sec, ==, 0.0);
  g_assert_cmpfloat (reset->net_tx_bytes_per_sec, ==, 0.0);

  tmp_root_link (t, "reset-next");
  after = seye_proc_reader_sample (reader, T0 + 3000);
  assert_sample_sane (after);
  g_assert_cmpfloat_with_epsilon (find_iface (after, "eth0")->rx_bytes_per_sec, 2000.0, EPSILON);
  g_assert_cmpfloat_with_epsilon (find_iface (after, "wlan0")->rx_bytes_per_sec, 300.0, EPSILON);
  g_assert_cmpfloat_with_epsilon (after->net_rx_bytes_per_sec, 2300.0, EPSILON);
  g_assert_cmpfloat_with_epsilon (after->net_tx_bytes_per_sec, 1100.0, EPSILON);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/seye/proc/network", test_network);

  return g_test_run ();
}
