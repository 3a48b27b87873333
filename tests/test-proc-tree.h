/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "seye-proc.h"

G_BEGIN_DECLS

/*
 * What the tests of the /proc reader (test-proc*.c) share: the recorded trees
 * of tests/data/proc, temporary roots made of them, and the checks every
 * sample must pass.
 */

#define EPSILON 1e-9

#define ALL_PARTS (SEYE_SAMPLE_CPU | SEYE_SAMPLE_MEMORY | SEYE_SAMPLE_LOAD | \
                   SEYE_SAMPLE_PROCESSES | SEYE_SAMPLE_UPTIME | SEYE_SAMPLE_NETWORK | \
                   SEYE_SAMPLE_DISK | SEYE_SAMPLE_FILESYSTEMS)

/* The time of the first sample of every test: 2024-11-21 05:03:20 UTC. */
#define T0 G_GINT64_CONSTANT (1732165400000)

/* Trees */
char              *tree_path           (const char     *name);
void               rm_rf               (const char     *path);

/* A temporary directory whose "root" is either a symlink to a recorded tree
 * (switched between samples) or a copy that a test changes. */
typedef struct
{
  char *dir;
  char *root;
} TmpRoot;

TmpRoot           *tmp_root_new        (void);
void               tmp_root_free       (TmpRoot        *t);
void               tmp_root_link       (TmpRoot        *t,
                                        const char     *tree);
void               tmp_root_copy       (TmpRoot        *t,
                                        const char     *tree);
void               tmp_root_write      (TmpRoot        *t,
                                        const char     *rel,
                                        const char     *contents,
                                        gssize          len);
void               tmp_root_mkdir      (TmpRoot        *t,
                                        const char     *rel);
void               tmp_root_remove     (TmpRoot        *t,
                                        const char     *rel);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TmpRoot, tmp_root_free)

/* Checks */
gboolean           has_problem         (SeyeProcReader *reader,
                                        const char     *first,
                                        const char     *second);
guint              n_problems          (SeyeProcReader *reader);
void               print_problems      (SeyeProcReader *reader);
void               assert_problem      (SeyeProcReader *reader,
                                        const char     *first,
                                        const char     *second);
void               assert_sample_sane  (SeyeSample     *sample);
const SeyeCpuStat *core_at             (SeyeSample     *sample,
                                        guint           i);
void               assert_percentages  (const SeyeCpuStat *stat,
                                        double             busy,
                                        double             user,
                                        double             system,
                                        double             iowait,
                                        double             steal);
SeyeSample        *sample_tree         (const char     *tree);

G_END_DECLS
