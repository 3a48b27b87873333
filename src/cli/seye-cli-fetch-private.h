/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "seye-cli-fetch.h"
#include "seye-monitor.h"

G_BEGIN_DECLS

guint       _seye_cli_fetch_n_cores      (SeyeNode  *node);
/* Why a node has no current sample, in words; NULL when it has one. Not sanitised. */
const char *_seye_cli_fetch_problem_text (SeyeNode  *node);
void        _seye_cli_fetch_print_json   (GPtrArray *nodes);

G_END_DECLS
