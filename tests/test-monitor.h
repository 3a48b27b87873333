/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* test-monitor's files: the basics and hostile servers (test-monitor.c, with
 * main()), the stream (test-monitor-stream.c), two machines under one id and
 * dripping agents (test-monitor-endpoints.c). */

#include "seye-monitor.h"
#include "seye-test-util.h"

G_BEGIN_DECLS

#define ID_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1"
#define ID_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb2"

SeyeMonitor     *new_monitor  (void);
SeyeNode        *add_agent    (SeyeMonitor   *monitor,
                               SeyeTestAgent *agent);
SeyeServiceInfo *fake_service (const char    *key,
                               const char    *name,
                               const char    *node_id,
                               SeyeTestAgent *agent);

void test_stream_used (void);
void test_stream_fallback (void);
void test_stream_off (void);
void test_stream_history_window (void);
void test_stream_hostile_not_json (void);
void test_stream_hostile_schema (void);
void test_stream_hostile_endless_line (void);
void test_stream_silent (void);
void test_stream_agent_stopped (void);
void test_two_claims_plain_first (void);
void test_two_claims_tls_first (void);
void test_two_claims_plain_after (void);
void test_two_claims_tls_after (void);
void test_dripping_stream (void);
void test_dripping_metrics (void);

G_END_DECLS
