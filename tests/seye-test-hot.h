/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * A recorded machine in trouble, for an agent's --root: the 2-core tree of
 * tests/data/proc/basic-2core with memory 96 % used and a filesystem /data 97 %
 * full (a tmpfs of the test's own, mounted at ROOT/data: seye_test_mounts_init()
 * in main(), and root). Its / is not listed, so the machine's own disk does not
 * count. NULL after a loud skip where nothing can be mounted.
 */
typedef struct
{
  char *root;
  char *data;    /* the tmpfs */
} SeyeTestHotRoot;

SeyeTestHotRoot *seye_test_hot_root_new  (void);
void             seye_test_hot_root_free (SeyeTestHotRoot *hot);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SeyeTestHotRoot, seye_test_hot_root_free)

G_END_DECLS
