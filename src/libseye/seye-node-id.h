/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SEYE_NODE_ID_LENGTH 32

char     *seye_node_id_derive   (const char *machine_id) G_GNUC_WARN_UNUSED_RESULT;
gboolean  seye_node_id_is_valid (const char *node_id);

G_END_DECLS
