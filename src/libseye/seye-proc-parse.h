/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Lexing of /proc text without allocations: a cursor walks a buffer that is
 * not NUL-terminated (it may even hold NUL bytes), line by line and token by
 * token. Private to the /proc reader.
 */
typedef struct
{
  const char *pos;
  const char *end;
} SeyeProcCursor;

typedef struct
{
  const char *str;
  gsize       len;
} SeyeProcToken;

gboolean  _seye_proc_next_line          (SeyeProcCursor      *text,
                                         SeyeProcCursor      *line);
gboolean  _seye_proc_next_token         (SeyeProcCursor      *line,
                                         SeyeProcToken       *token);
guint     _seye_proc_count_tokens       (const SeyeProcCursor *line);
gboolean  _seye_proc_token_equal        (const SeyeProcToken *token,
                                         const char          *literal);
gboolean  _seye_proc_parse_u64          (const char          *str,
                                         gsize                len,
                                         guint64             *value);
gboolean  _seye_proc_parse_double       (const char          *str,
                                         gsize                len,
                                         double              *value);
char     *_seye_proc_unescape           (const SeyeProcToken *token) G_GNUC_WARN_UNUSED_RESULT;
char     *_seye_proc_describe           (const char          *str,
                                         gsize                len) G_GNUC_WARN_UNUSED_RESULT;
char     *_seye_proc_tidy_text          (const char          *str,
                                         gsize                len,
                                         gsize                max_bytes) G_GNUC_WARN_UNUSED_RESULT;
gboolean  _seye_proc_is_device_name     (const char          *str,
                                         gsize                len);
gboolean  _seye_proc_is_whole_disk_name (const char          *name);

static inline guint64
_seye_proc_add_sat (guint64 a,
                    guint64 b)
{
  return a > G_MAXUINT64 - b ? G_MAXUINT64 : a + b;
}

static inline guint64
_seye_proc_mul_sat (guint64 a,
                    guint64 b)
{
  return b != 0 && a > G_MAXUINT64 / b ? G_MAXUINT64 : a * b;
}

G_END_DECLS
