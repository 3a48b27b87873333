/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "seye-sample.h"
#include "seye-store.h"

G_BEGIN_DECLS

/*
 * What the tests of the store (test-store*.c) share: a fixture with a fresh
 * folder, samples, a store's calls that must succeed, the database read with
 * SQL, and the count of the store's warnings.
 */

#define ID_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1"
#define ID_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb2"

/* 2026-01-01T00:00:00Z: every test works in the past, on whole minutes. */
#define T0 G_GINT64_CONSTANT (1767225600000)
/* Raw samples: packed by minute, those of minutes not rolled up yet still in "recent". */
#define RAW_COUNT "SELECT (SELECT coalesce (sum (n), 0) FROM packed) + (SELECT count(*) FROM recent)"
#define MINUTE 60000
#define HOUR (60 * MINUTE)

/* First thing in main(): seye_test_mounts_init(), g_test_init() and log_writer(). */
void              store_test_init           (int            *argc,
                                             char         ***argv);

typedef struct
{
  char *dir;
  char *path;
} Fixture;

void              fixture_setup             (Fixture        *fixture,
                                             gconstpointer   data);
void              fixture_teardown          (Fixture        *fixture,
                                             gconstpointer   data);

SeyeSample       *make_sample               (gint64          time_ms,
                                             double          cpu,
                                             guint           n_cores);
SeyeStore        *open_store                (Fixture        *fixture);
void              add_every                 (SeyeStore      *store,
                                             const char     *node_id,
                                             gint64          time_ms,
                                             double          cpu,
                                             double          interval);
void              add                       (SeyeStore      *store,
                                             const char     *node_id,
                                             gint64          time_ms,
                                             double          cpu);
void              commit                    (SeyeStore      *store);
void              maintain                  (SeyeStore      *store,
                                             gint64          now_ms);
GPtrArray        *query                     (SeyeStore      *store,
                                             const char     *node_id,
                                             gint64          from_ms,
                                             gint64          to_ms,
                                             guint           max_points);

/* The database, read and written behind the store's back. */
gint64            count_rows                (const char     *path,
                                             const char     *sql);
void              exec_sql                  (const char     *path,
                                             const char     *sql);
/* Where the store moved a file it could not use ("history.db.damaged-…"), or NULL. */
char             *find_set_aside            (Fixture        *fixture);

/* What a user is told about an intact file: no word of damage, nothing to delete. */
void              assert_not_called_damaged (const char     *message);

/* For the store's _async calls: @user_data is a GAsyncResult * to set; the
 * condition for seye_test_wait_until() that it is. */
void              async_cb                  (GObject        *object,
                                             GAsyncResult   *result,
                                             gpointer        user_data);
gboolean          result_set_cb             (gpointer        data);

/* The store logs with the structured API, which g_test_expect_message() does not
 * see: log_writer() counts the set-aside and disk-full warnings and passes
 * everything else on (g_log_set_writer_func() in main()). */
extern guint      set_aside_warnings;
extern guint      disk_full_warnings;
GLogWriterOutput  log_writer                (GLogLevelFlags   log_level,
                                             const GLogField *fields,
                                             gsize            n_fields,
                                             gpointer         user_data);

G_END_DECLS
