/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Tags: short labels an agent is given in its configuration ("web,eu-1"),
 * announced in its TXT record and in /v1/node, by which clients group and
 * filter nodes. A tag is 1 to SEYE_TAG_MAX_LENGTH bytes of a-z, 0-9, "-", "_"
 * and "."; a node has at most SEYE_TAGS_MAX of them, and they fit one TXT
 * entry ("tags=" and the list, commas between).
 */
#define SEYE_TAG_MAX_LENGTH 32
#define SEYE_TAGS_MAX       16
#define SEYE_TAGS_MAX_TEXT  200   /* the list joined with commas; a TXT string holds 255 bytes */

gboolean  seye_tag_is_valid    (const char         *tag);
gboolean  seye_tags_check      (const char * const *tags,
                                GError            **error);
GStrv     seye_tags_parse      (const char         *text,
                                GError            **error) G_GNUC_WARN_UNUSED_RESULT;
GStrv     seye_tags_from_peer  (const char * const *candidates,
                                guint              *n_dropped) G_GNUC_WARN_UNUSED_RESULT;
char     *seye_tags_join       (const char * const *tags) G_GNUC_WARN_UNUSED_RESULT;
char     *seye_tags_to_label   (const char * const *tags) G_GNUC_WARN_UNUSED_RESULT;
GStrv     seye_tags_from_label (const char         *label) G_GNUC_WARN_UNUSED_RESULT;
gboolean  seye_tags_equal      (const char * const *a,
                                const char * const *b);
gboolean  seye_tags_contain    (const char * const *tags,
                                const char         *tag);

G_END_DECLS
