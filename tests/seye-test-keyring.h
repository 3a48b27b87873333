/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * A real gnome-keyring-daemon on this process's session bus (run the test
 * under dbus-run-session), unlocked with a password given on its stdin, its
 * files under @home. Returns FALSE after g_test_skip() with a loud reason when
 * it cannot be started; under CI=true that is a failure instead.
 */
gboolean seye_test_keyring_start (const char *home);
void     seye_test_keyring_stop  (void);

G_END_DECLS
