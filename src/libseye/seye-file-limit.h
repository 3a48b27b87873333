/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Every connection is a file descriptor. The agent (its connection cap) and
 * the monitor (a stream per node) make room for theirs by raising the soft
 * RLIMIT_NOFILE, which is often 1,024, as far as the hard limit allows.
 */
guint64 seye_file_limit_raise (guint64 wanted);

G_END_DECLS
