/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <sys/types.h>

G_BEGIN_DECLS

/*
 * File systems a test makes for itself: a tmpfs it can make read-only or fill up,
 * mounted in a mount namespace of the test process's own, so nobody else sees it and
 * it goes away with the process whatever happens. Needs root (CAP_SYS_ADMIN); where
 * that is missing the test is skipped loudly, and under CI=true it fails instead.
 */

/* First thing in main(), before any thread exists: every thread and child then shares
 * the namespace. Remembers why it could not be done for the tests that need it. */
void      seye_test_mounts_init          (void);

/* A fresh tmpfs of @size_kb at @at (made if missing), or at a new temporary folder when
 * @at is NULL; returns where, or NULL after a loud skip. */
char     *seye_test_tmpfs_new            (const char  *at,
                                          guint        size_kb) G_GNUC_WARN_UNUSED_RESULT;
void      seye_test_tmpfs_set_read_only  (const char  *dir,
                                          gboolean     read_only);
/* Writes DIR/filler until the file system says ENOSPC; returns the filler's path. */
char     *seye_test_tmpfs_fill           (const char  *dir) G_GNUC_WARN_UNUSED_RESULT;
/* Unmounts, and removes the folder unless something was in it before. */
void      seye_test_tmpfs_free           (char        *dir);

/* Another user to be: "nobody", when this process is root; FALSE after a loud skip. */
gboolean  seye_test_require_other_user   (uid_t       *uid,
                                          gid_t       *gid);
/* In a child process (g_test_trap_subprocess(), a child setup): become @uid/@gid for good. */
void      seye_test_become_user          (uid_t        uid,
                                          gid_t        gid);

G_END_DECLS
