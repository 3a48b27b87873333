/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "seye-sample.h"

G_BEGIN_DECLS

/**
 * SeyeProcReader:
 *
 * Samples a machine from /proc and /sys. The root is configurable so tests
 * read recorded trees: with root "/tmp/tree" it reads "/tmp/tree/proc/stat",
 * "/tmp/tree/sys/block", "/tmp/tree/etc/os-release" and so on.
 *
 * It keeps the previous counters to turn them into rates and percentages.
 * A source that cannot be read (missing, truncated, malformed) leaves its part
 * out of the sample and is named in seye_proc_reader_get_problems(); the other
 * parts are still filled in. Counters that go backwards never give negative
 * rates nor percentages outside 0..100.
 */
typedef struct _SeyeProcReader SeyeProcReader;

SeyeProcReader     *seye_proc_reader_new            (const char      *root) G_GNUC_WARN_UNUSED_RESULT;
void                seye_proc_reader_free           (SeyeProcReader  *self);
const char         *seye_proc_reader_get_root       (SeyeProcReader  *self);
SeyeSample         *seye_proc_reader_sample         (SeyeProcReader  *self,
                                                     gint64           now_ms) G_GNUC_WARN_UNUSED_RESULT;
const char * const *seye_proc_reader_get_problems   (SeyeProcReader  *self);
SeyeNodeInfo       *seye_proc_reader_read_identity  (SeyeProcReader  *self) G_GNUC_WARN_UNUSED_RESULT;
char               *seye_proc_reader_read_node_id   (SeyeProcReader  *self,
                                                     GError         **error) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SeyeProcReader, seye_proc_reader_free)

G_END_DECLS
