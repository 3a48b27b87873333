/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Ensures a D-Bus system bus and avahi-daemon run (starting them through
 * tests/mdns-stack.sh where none runs and we may). Returns FALSE after
 * g_test_skip() with a loud reason when impossible; under CI=true that is a
 * test failure instead. */
gboolean  seye_test_require_avahi       (void);
/* The same, and no other run's mDNS test meanwhile: for a test that floods the daemon. */
gboolean  seye_test_require_avahi_alone (void);
gboolean  seye_test_avahi_owned         (void);  /* started by us: safe to restart */
/* seye_test_avahi_owned(), or the test skipped (a desktop's daemon is not ours
 * to stop or restart); under CI=true a failure. */
gboolean  seye_test_require_own_avahi   (void);
gboolean  seye_test_avahi_restart       (void);
gboolean  seye_test_avahi_stop          (void);  /* only one we started */

/* Node @n of this process: 32 hex digits made of the process id and @n, so that
 * another test run announcing over the same avahi-daemon never claims it. */
char     *seye_test_node_id             (guint n) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
