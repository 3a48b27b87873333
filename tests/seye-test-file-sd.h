/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* @text parsed as a Prometheus file_sd file, or the test fails: an array of
 * groups of one target each, whose labels have valid names and text values.
 * Returns: (transfer none): the array, owned by @parser. */
JsonArray *seye_test_parse_file_sd (JsonParser *parser,
                                    const char *text);

G_END_DECLS
