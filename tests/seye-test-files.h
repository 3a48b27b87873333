/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A test's temporary directory, and all it holds, removed (symbolic links
 * are removed, never followed). */
void seye_test_remove_tree (const char *path);

G_END_DECLS
