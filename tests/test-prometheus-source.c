/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SeyePrometheusSource against a fake Prometheus HTTP API in the test process
 * (libsoup server on loopback): good answers, partial data and NaN, stale
 * targets, errors, a server that does not answer, one that is not there, an
 * answer larger than the cap, credentials refused, more targets than the
 * limit; new nodes' recent history read in batches (and an error or a bad answer
 * there); and SeyeMonitor showing a real agent seen both directly and through
 * Prometheus as one row (by node id, and by address). */

#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "seye-error.h"
#include "seye-history.h"
#include "seye-monitor.h"
#include "seye-prometheus-source.h"
#include "seye-store.h"
#include "seye-test-util.h"

#define ID_A     "0123456789abcdef0123456789abcdef"
#define ID_AGENT "fedcba9876543210fedcba9876543210"

/* The fake Prometheus API ($SEYE_FAKE_PROMETHEUS, tests/seye-fake-prometheus.c), in a
 * process of its own. */
typedef struct
{
  SeyeTestAgent *process;
  SoupSession   *control;
  char          *url;
} Fake;

static Fake *
fake_new_full (const char *mode,
               guint       n_instances,
               const char *first_instance,
               const char *first_id)
{
  g_autoptr (GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  Fake *fake = g_new0 (Fake, 1);

  g_ptr_array_add (args, g_strdup ("--mode"));
  g_ptr_array_add (args, g_strdup (mode));
  g_ptr_array_add (args, g_strdup ("--instances"));
  g_ptr_array_add (args, g_strdup_printf ("%u", n_instances));
  if (first_instance != NULL)
    {
      g_ptr_array_add (args, g_strdup ("--first-instance"));
      g_ptr_array_add (args, g_strdup (first_instance));
    }
  if (first_id != NULL)
    {
      g_ptr_array_add (args, g_strdup ("--first-id"));
      g_ptr_array_add (args, g_strdup (first_id));
    }
  g_ptr_array_add (args, NULL);

  fake->process = seye_test_agent_spawn (g_getenv ("SEYE_FAKE_PROMETHEUS"), NULL, "127.0.0.1",
                                         (const char * const *) args->pdata);
  fake->url = g_strdup (fake->process->base_uri);
  fake->control = soup_session_new ();

  return fake;
}

static Fake *
fake_new (const char *mode,
          guint       n_instances)
{
  return fake_new_full (mode, n_instances, NULL, NULL);
}

static void
fake_set_mode (Fake       *fake,
               const char *mode)
{
  g_autofree char *uri = g_strdup_printf ("%s/control?mode=%s", fake->url, mode);
  g_autoptr (SoupMessage) message = soup_message_new ("GET", uri);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) body = NULL;

  body = soup_session_send_and_read (fake->control, message, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (message), ==, SOUP_STATUS_OK);
}

static void
fake_free (Fake *fake)
{
  g_clear_object (&fake->control);
  seye_test_agent_free (fake->process);
  g_free (fake->url);
  g_free (fake);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Fake, fake_free)

/* The source and its nodes, by instance ------------------------------------ */

typedef struct
{
  Fake                 *fake;    /* NULL: none */
  SeyePrometheusSource *source;
  GHashTable           *nodes;   /* address -> SeyeNode */
  guint64               until;
} Watch;

static void
node_added_cb (SeyeSource *source,
               SeyeNode   *node,
               Watch      *watch)
{
  g_hash_table_insert (watch->nodes, g_strdup (seye_node_get_address (node)), g_object_ref (node));
}

static void
node_removed_cb (SeyeSource *source,
                 SeyeNode   *node,
                 Watch      *watch)
{
  g_hash_table_remove (watch->nodes, seye_node_get_address (node));
}

/* Takes @fake: the server is freed before the source (see fake_free()). */
static Watch *
watch_new_at (Fake       *fake,
              const char *url)
{
  Watch *watch = g_new0 (Watch, 1);
  g_autoptr (GError) error = NULL;

  watch->fake = fake;
  watch->source = seye_prometheus_source_new (url, &error);
  g_assert_no_error (error);
  watch->nodes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  g_signal_connect (watch->source, "node-added", G_CALLBACK (node_added_cb), watch);
  g_signal_connect (watch->source, "node-removed", G_CALLBACK (node_removed_cb), watch);
  seye_prometheus_source_set_timeout (watch->source, 1.0);

  return watch;
}

static Watch *
watch_new (Fake *fake)
{
  return watch_new_at (fake, fake->url);
}

static void
watch_free (Watch *watch)
{
  g_clear_pointer (&watch->fake, fake_free);
  seye_source_stop (SEYE_SOURCE (watch->source));
  g_signal_handlers_disconnect_by_data (watch->source, watch);
  g_clear_object (&watch->source);
  g_hash_table_unref (watch->nodes);
  g_free (watch);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Watch, watch_free)

static gboolean
refreshed (gpointer data)
{
  Watch *watch = data;

  return seye_prometheus_source_get_refreshes (watch->source) >= watch->until;
}

/* Runs until @n more refreshes ended (each at least a second apart: the fake's scrape interval). */
static void
wait_refreshes (Watch *watch,
                guint  n)
{
  watch->until = seye_prometheus_source_get_refreshes (watch->source) + n;
  g_assert_true (seye_test_wait_until (refreshed, watch, 30000 + 5000 * n));
}

typedef struct
{
  Watch      *watch;
  const char *address;
  guint       length;
} HistoryWait;

static gboolean
history_has (gpointer data)
{
  HistoryWait *wait = data;
  SeyeNode *node = g_hash_table_lookup (wait->watch->nodes, wait->address);

  return node != NULL && seye_history_get_length (seye_node_get_history (node)) >= wait->length;
}

/* Runs until the node at @address holds @length samples in its history. */
static SeyeNode *
wait_history (Watch      *watch,
              const char *address,
              guint       length)
{
  HistoryWait wait = { watch, address, length };

  g_assert_true (seye_test_wait_until (history_has, &wait, 60000));

  return g_hash_table_lookup (watch->nodes, address);
}

/* The requests of refreshes: all but those filling new nodes. */
static guint64
refresh_requests (Watch *watch)
{
  return seye_prometheus_source_get_requests_sent (watch->source) -
         seye_prometheus_source_get_fills_sent (watch->source);
}

/* Tests --------------------------------------------------------------------- */

static void
test_good_and_partial (void)
{
  g_autoptr (Watch) watch = watch_new (fake_new_full ("good", 3, NULL, ID_A));
  SeyeNode *full;
  SeyeNode *partial;
  SeyeSample *sample;
  guint64 sent;

  seye_prometheus_source_set_bearer_token (watch->source, "s3cret");
  seye_source_start (SEYE_SOURCE (watch->source));
  wait_refreshes (watch, 1);

  g_assert_cmpint (seye_prometheus_source_get_status (watch->source), ==, SEYE_PROMETHEUS_STATUS_OK);
  g_assert_null (seye_prometheus_source_get_status_message (watch->source));
  g_assert_cmpfloat (seye_prometheus_source_get_scrape_interval (watch->source), ==, 1.0);
  g_assert_true (seye_test_agent_wait_log (watch->fake->process, "authorization=Bearer s3cret", 10000));
  g_assert_cmpuint (g_hash_table_size (watch->nodes), ==, 3);

  full = g_hash_table_lookup (watch->nodes, "10.0.0.0:9100");
  g_assert_nonnull (full);
  g_assert_cmpstr (seye_node_get_key (full), ==, ID_A);          /* seye_node_info's node id */
  g_assert_cmpstr (seye_node_get_name (full), ==, "alpha");
  /* Its tags label (",web,eu-1,"): what is not a tag left out. */
  g_assert_cmpuint (g_strv_length ((GStrv) seye_node_get_tags (full)), ==, 2);
  g_assert_cmpstr (seye_node_get_tags (full)[1], ==, "eu-1");
  g_assert_cmpint (seye_node_get_state (full), ==, SEYE_NODE_STATE_ONLINE);
  sample = seye_node_get_sample (full);
  g_assert_cmpfloat_with_epsilon (sample->cpu.busy, 25.5, 1e-9);
  g_assert_cmpuint (sample->cores->len, ==, 2);
  g_assert_cmpint (g_array_index (sample->cores, SeyeCpuStat, 0).id, ==, 0);
  g_assert_cmpfloat_with_epsilon (seye_sample_get_memory_percent (sample), 25.0, 1e-9);
  g_assert_true (sample->parts & SEYE_SAMPLE_LOAD);
  g_assert_true (sample->parts & SEYE_SAMPLE_UPTIME);
  g_assert_false (sample->parts & SEYE_SAMPLE_PROCESSES);   /* unknown, not zero */
  g_assert_cmpuint (sample->filesystems->len, ==, 1);
  g_assert_cmpuint (g_array_index (sample->filesystems, SeyeFilesystem, 0).used_bytes, ==, 600);

  /* NaN, +Inf and a missing value: those parts are unknown, the node is still there. */
  partial = g_hash_table_lookup (watch->nodes, "10.0.0.1:9100");
  g_assert_nonnull (partial);
  g_assert_cmpstr (seye_node_get_key (partial), ==, "prometheus:10.0.0.1:9100");
  g_assert_cmpint (seye_node_get_state (partial), ==, SEYE_NODE_STATE_NOT_RESPONDING);
  g_assert_null (seye_node_get_sample (partial));

  /* Their last ten minutes, from the server's history (every 10 s there, NaN left
   * out), before the live samples: the graphs start full. One query for all three. */
  {
    SeyeHistory *history = seye_node_get_history (wait_history (watch, "10.0.0.0:9100", 50));
    guint length = seye_history_get_length (history);

    g_assert_cmpint (seye_history_get_latest_time (history) - seye_history_get_time (history, 0), >=, 500000);
    g_assert_cmpfloat_with_epsilon (seye_history_get_value (history, 0, SEYE_SERIES_CPU_BUSY), 40, 0.01);
    g_assert_cmpfloat_with_epsilon (seye_history_get_value (history, 0, SEYE_SERIES_MEMORY), 40, 0.01);
    /* The live samples stay, the newest last. */
    g_assert_cmpint (seye_history_get_latest_time (history), ==, seye_node_get_sample (full)->time_ms);
    g_assert_cmpfloat_with_epsilon (seye_history_get_value (history, length - 1, SEYE_SERIES_CPU_BUSY), 25.5, 0.01);
    g_assert_cmpuint (length, <=, 59 + seye_prometheus_source_get_refreshes (watch->source) + 1);
    wait_history (watch, "10.0.0.2:9100", 50);
    g_assert_cmpuint (seye_prometheus_source_get_fills_sent (watch->source), ==, 1);
  }
  /* What the server has of the partial one makes no sample: nothing made up. */
  g_assert_cmpuint (seye_history_get_length (seye_node_get_history (partial)), ==, 0);

  /* The same few queries every refresh, whatever the number of nodes; no fill again. */
  sent = refresh_requests (watch);
  wait_refreshes (watch, 2);
  g_assert_cmpuint (refresh_requests (watch) - sent, ==, 2 * 4);
  g_assert_cmpuint (seye_prometheus_source_get_fills_sent (watch->source), ==, 1);
}

static void
test_many_targets (void)
{
  g_autoptr (Watch) watch = watch_new (fake_new ("good", SEYE_PROMETHEUS_MAX_NODES + 500));
  guint64 sent;

  seye_prometheus_source_set_timeout (watch->source, 20.0);
  seye_source_start (SEYE_SOURCE (watch->source));
  wait_refreshes (watch, 1);

  /* A stated limit: the nodes past it are left out, and the source says so. */
  g_assert_cmpuint (g_hash_table_size (watch->nodes), ==, SEYE_PROMETHEUS_MAX_NODES);
  g_assert_true (seye_prometheus_source_get_truncated (watch->source));

  sent = refresh_requests (watch);
  wait_refreshes (watch, 1);
  g_assert_cmpuint (refresh_requests (watch) - sent, ==, 4);
  g_assert_cmpuint (g_hash_table_size (watch->nodes), ==, SEYE_PROMETHEUS_MAX_NODES);

  /* Their recent history comes in batches, one query after the other: never a query
   * per node, never all at once. */
  {
    guint64 fills = seye_prometheus_source_get_fills_sent (watch->source);
    GHashTableIter iter;
    gpointer node;
    guint filled = 0;

    g_hash_table_iter_init (&iter, watch->nodes);
    while (g_hash_table_iter_next (&iter, NULL, &node))
      filled += seye_history_get_length (seye_node_get_history (node)) > 10 ? 1 : 0;
    g_test_message ("%u nodes filled by %" G_GUINT64_FORMAT " queries", filled, fills);
    g_assert_cmpuint (fills, >=, 1);
    g_assert_cmpuint (filled, >=, 2 * (fills - 1));
    g_assert_true (seye_test_agent_wait_log (watch->fake->process, "request /api/v1/query_range", 10000));
  }
}

static void
test_stale (void)
{
  g_autoptr (Watch) watch = watch_new (fake_new ("stale", 1));
  SeyeNode *node;

  seye_source_start (SEYE_SOURCE (watch->source));
  wait_refreshes (watch, 1);

  node = g_hash_table_lookup (watch->nodes, "10.0.0.0:9100");
  g_assert_nonnull (node);
  g_assert_cmpint (seye_node_get_state (node), ==, SEYE_NODE_STATE_STALE);
  g_assert_nonnull (strstr (seye_node_get_error (node), "100 s ago"));
}

/* A good server turns bad: the source says how in words, its nodes go stale,
 * then offline, with that reason; and come back with it. */
static void
check_failure (const char           *mode,
               SeyePrometheusStatus  status,
               const char           *words)
{
  g_autoptr (Watch) watch = watch_new (fake_new ("good", 1));
  Fake *fake = watch->fake;
  g_autofree char *prefix = g_strdup_printf ("Prometheus at %s", fake->url);
  SeyeNode *node;
  const char *message;

  seye_source_start (SEYE_SOURCE (watch->source));
  wait_refreshes (watch, 1);
  node = g_hash_table_lookup (watch->nodes, "10.0.0.0:9100");
  g_assert_nonnull (node);
  g_assert_cmpint (seye_node_get_state (node), ==, SEYE_NODE_STATE_ONLINE);

  /* A second for the server that never answers; time to send 17 MiB for the others. */
  seye_prometheus_source_set_timeout (watch->source, g_str_equal (mode, "slow") ? 1.0 : 20.0);
  fake_set_mode (fake, mode);
  wait_refreshes (watch, 1);
  message = seye_prometheus_source_get_status_message (watch->source);
  g_test_message ("%s", message);
  g_assert_cmpint (seye_prometheus_source_get_status (watch->source), ==, status);
  g_assert_true (g_str_has_prefix (message, prefix));
  g_assert_nonnull (strstr (message, words));
  g_assert_null (strchr (message, '\033'));      /* the server's words, sanitised */
  g_assert_cmpint (seye_node_get_state (node), ==, SEYE_NODE_STATE_STALE);
  g_assert_cmpstr (seye_node_get_error (node), ==, message);

  wait_refreshes (watch, 2);
  g_assert_cmpint (seye_node_get_state (node), ==, SEYE_NODE_STATE_OFFLINE);
  g_assert_nonnull (seye_node_get_sample (node));   /* the last figures stay */

  fake_set_mode (fake, "good");
  wait_refreshes (watch, 1);
  g_assert_cmpint (seye_prometheus_source_get_status (watch->source), ==, SEYE_PROMETHEUS_STATUS_OK);
  g_assert_cmpint (seye_node_get_state (node), ==, SEYE_NODE_STATE_ONLINE);
  g_assert_null (seye_node_get_error (node));
}

static void
test_error (void)
{
  check_failure ("error", SEYE_PROMETHEUS_STATUS_ERROR, "too many samples");
}

static void
test_timeout (void)
{
  check_failure ("slow", SEYE_PROMETHEUS_STATUS_UNREACHABLE, "not reachable: no answer in time");
}

static void
test_huge (void)
{
  check_failure ("huge", SEYE_PROMETHEUS_STATUS_ERROR, "larger than 16 MiB");
}

static void
test_garbage (void)
{
  check_failure ("garbage", SEYE_PROMETHEUS_STATUS_ERROR, "not the Prometheus HTTP API");
}

static void
test_auth (void)
{
  check_failure ("auth", SEYE_PROMETHEUS_STATUS_AUTH, "refused access");
}

static void
test_not_there (void)
{
  g_autoptr (Fake) fake = fake_new ("good", 1);
  g_autofree char *url = g_strdup (fake->url);
  g_autoptr (Watch) watch = NULL;   /* without a server */
  g_autoptr (GError) error = NULL;

  /* The port is free again once its server is gone. */
  g_clear_pointer (&fake, fake_free);
  watch = watch_new_at (NULL, url);
  seye_source_start (SEYE_SOURCE (watch->source));
  wait_refreshes (watch, 1);
  g_assert_cmpint (seye_prometheus_source_get_status (watch->source), ==, SEYE_PROMETHEUS_STATUS_UNREACHABLE);
  g_assert_nonnull (strstr (seye_prometheus_source_get_status_message (watch->source), "not reachable"));
  g_assert_cmpuint (g_hash_table_size (watch->nodes), ==, 0);

  g_assert_null (seye_prometheus_source_new ("ftp://example.org", &error));
  g_assert_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG);
}

/* The server cannot give the recent history: the nodes work on and fill live, and it
 * is not asked again. */
static void
test_fill_error (void)
{
  g_autoptr (Watch) watch = watch_new (fake_new ("range-error", 2));
  SeyeNode *node;

  seye_source_start (SEYE_SOURCE (watch->source));
  wait_refreshes (watch, 3);
  node = wait_history (watch, "10.0.0.0:9100", 2);
  g_assert_cmpint (seye_node_get_state (node), ==, SEYE_NODE_STATE_ONLINE);
  g_assert_cmpint (seye_prometheus_source_get_status (watch->source), ==, SEYE_PROMETHEUS_STATUS_OK);
  g_assert_cmpuint (seye_prometheus_source_get_fills_sent (watch->source), ==, 1);
  g_assert_cmpuint (seye_history_get_length (seye_node_get_history (node)), <=,
                    seye_prometheus_source_get_refreshes (watch->source));
  g_assert_cmpfloat_with_epsilon (seye_node_get_sample (node)->cpu.busy, 25.5, 1e-9);

  fake_set_mode (watch->fake, "good");
  wait_refreshes (watch, 2);
  g_assert_cmpuint (seye_prometheus_source_get_fills_sent (watch->source), ==, 1);
}

/* An answer no server should give: what is not a number or a time is left out, and
 * no more is kept than ten minutes at the step hold, whatever it sends. */
static void
test_fill_bad (void)
{
  g_autoptr (Watch) watch = watch_new (fake_new ("range-bad", 1));
  guint max_rows = SEYE_HISTORY_LIVE_SECONDS + 2;     /* the fake's step is 1 s */
  SeyeHistory *history;
  SeyeNode *node;

  seye_source_start (SEYE_SOURCE (watch->source));
  wait_refreshes (watch, 1);
  node = wait_history (watch, "10.0.0.0:9100", 100);
  history = seye_node_get_history (node);
  g_assert_cmpuint (seye_history_get_length (history), <=,
                    max_rows + seye_prometheus_source_get_refreshes (watch->source) + 1);
  for (guint i = 0; i + 1 < seye_history_get_length (history); i++)
    g_assert_cmpint (seye_history_get_time (history, i), <, seye_history_get_time (history, i + 1));
  g_assert_cmpint (seye_history_get_time (history, 0), >, seye_history_get_latest_time (history) - 630000);

  wait_refreshes (watch, 2);
  g_assert_cmpint (seye_node_get_state (node), ==, SEYE_NODE_STATE_ONLINE);
  g_assert_cmpfloat_with_epsilon (seye_node_get_sample (node)->cpu.busy, 25.5, 1e-9);
  g_assert_cmpuint (seye_prometheus_source_get_fills_sent (watch->source), ==, 1);
}

static void
processes_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  GError **error = data;
  SeyeProcessList *list = seye_source_fetch_processes_finish (SEYE_SOURCE (source), result, error);

  g_assert_null (list);
}

static void
range_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      data)
{
  GPtrArray **points = data;
  g_autoptr (GError) error = NULL;

  *points = seye_source_fetch_range_finish (SEYE_SOURCE (source), result, &error);
  g_assert_no_error (error);
}

static gboolean
pointer_set (gpointer data)
{
  return *(gpointer *) data != NULL;
}

static void
test_asks (void)
{
  g_autoptr (Watch) watch = watch_new (fake_new ("good", 1));
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) points = NULL;
  SeyeNode *node;
  SeyeStorePoint *last;

  seye_source_start (SEYE_SOURCE (watch->source));
  wait_refreshes (watch, 1);
  node = g_hash_table_lookup (watch->nodes, "10.0.0.0:9100");
  g_assert_nonnull (node);

  /* Processes are not available from Prometheus, and it says so by name. */
  seye_source_fetch_processes (SEYE_SOURCE (watch->source), node, SEYE_PROCESS_SORT_CPU, 5, NULL,
                               processes_cb, &error);
  g_assert_true (seye_test_wait_until (pointer_set, &error, 10000));
  g_assert_error (error, SEYE_ERROR, SEYE_ERROR_NOT_SUPPORTED);
  g_assert_nonnull (strstr (error->message, "Not available from Prometheus"));

  /* A range: points in time order, a gap where a step is missing, NaN left out. */
  g_assert_true (seye_source_has_range (SEYE_SOURCE (watch->source)));
  seye_source_fetch_range (SEYE_SOURCE (watch->source), node, 1700000000000, 1700000600000, 100,
                           NULL, range_cb, &points);
  g_assert_true (seye_test_wait_until (pointer_set, &points, 10000));
  g_assert_cmpuint (points->len, ==, 2);
  last = points->pdata[1];
  g_assert_cmpint (last->time_ms, ==, 1700000600000);
  g_assert_true (last->gap_before);
  g_assert_cmpfloat_with_epsilon (last->avg->cpu.busy, 30, 1e-9);
  g_assert_cmpfloat_with_epsilon (seye_sample_get_memory_percent (last->avg), 50, 1e-9);
}

/* One machine, one row ------------------------------------------------------ */

static gboolean
has_node_id (gpointer data)
{
  return seye_node_get_info (data) != NULL;
}

static gboolean
source_refreshed (gpointer data)
{
  return seye_prometheus_source_get_refreshes (data) >= 2;
}

static void
check_one_row (const char *first_id)
{
  g_autoptr (SeyeTestAgent) agent = seye_test_agent_start ("--no-mdns", "--name", "pm-agent",
                                                           "--node-id", ID_AGENT, NULL);
  g_autofree char *address = g_strdup_printf ("127.0.0.1:%u", agent->port);
  g_autoptr (SeyeMonitor) monitor = seye_monitor_new ();
  g_autoptr (SeyePrometheusSource) source = NULL;
  g_autoptr (Fake) fake = NULL;
  g_autoptr (GError) error = NULL;
  SeyeNode *direct;

  fake = fake_new_full ("good", 2, address, first_id);
  seye_monitor_set_fetch_history (monitor, FALSE);
  direct = seye_monitor_add_manual (monitor, address, &error);
  g_assert_no_error (error);
  seye_monitor_start (monitor);
  g_assert_true (seye_test_wait_until (has_node_id, direct, 30000));

  source = seye_prometheus_source_new (fake->url, &error);
  g_assert_no_error (error);
  seye_monitor_add_source (monitor, SEYE_SOURCE (source));
  g_assert_true (seye_test_wait_until (source_refreshed, source, 30000));

  /* The agent and the other target: the agent's row is its own, live. */
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (monitor)); i++)
    {
      g_autoptr (SeyeNode) row = g_list_model_get_item (G_LIST_MODEL (monitor), i);

      g_test_message ("row %u: %s %s %s", i, seye_node_get_key (row), seye_node_get_address (row),
                      seye_node_get_name (row));
    }
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (monitor)), ==, 2);
  g_assert_true (seye_monitor_lookup (monitor, ID_AGENT) == direct);
  /* The monitor asked for no history (as `seye fetch` does): none is read from the server. */
  g_assert_cmpuint (seye_prometheus_source_get_fills_sent (source), ==, 0);
  g_assert_cmpuint (seye_test_count_nodes (G_LIST_MODEL (monitor), "pm-agent"), ==, 1);

  /* Removed by the user, the agent's node goes: the machine is still shown, from Prometheus. */
  seye_monitor_remove (monitor, direct);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (monitor)), ==, 2);
  {
    g_autoptr (SeyeNode) first = g_list_model_get_item (G_LIST_MODEL (monitor), 1);

    g_assert_cmpstr (seye_node_get_address (first), ==, address);
    g_assert_true (seye_monitor_get_node_source (monitor, first) == SEYE_SOURCE (source));
  }

  /* The user removes the server: its nodes go with it, and it is asked nothing more. */
  seye_monitor_remove_source (monitor, SEYE_SOURCE (source));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (monitor)), ==, 0);
  {
    guint64 sent = seye_prometheus_source_get_requests_sent (source);

    seye_monitor_poll_now (monitor);
    g_assert_cmpuint (seye_prometheus_source_get_requests_sent (source), ==, sent);
  }

  seye_monitor_stop (monitor);
}

static void
test_one_row_by_id (void)
{
  check_one_row (ID_AGENT);
}

static void
test_one_row_by_address (void)
{
  check_one_row (NULL);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/seye/prometheus-source/good-and-partial", test_good_and_partial);
  g_test_add_func ("/seye/prometheus-source/many-targets", test_many_targets);
  g_test_add_func ("/seye/prometheus-source/stale", test_stale);
  g_test_add_func ("/seye/prometheus-source/error", test_error);
  g_test_add_func ("/seye/prometheus-source/timeout", test_timeout);
  g_test_add_func ("/seye/prometheus-source/huge", test_huge);
  g_test_add_func ("/seye/prometheus-source/garbage", test_garbage);
  g_test_add_func ("/seye/prometheus-source/auth", test_auth);
  g_test_add_func ("/seye/prometheus-source/not-there", test_not_there);
  g_test_add_func ("/seye/prometheus-source/asks", test_asks);
  g_test_add_func ("/seye/prometheus-source/fill-error", test_fill_error);
  g_test_add_func ("/seye/prometheus-source/fill-bad", test_fill_bad);
  g_test_add_func ("/seye/prometheus-source/one-row-by-id", test_one_row_by_id);
  g_test_add_func ("/seye/prometheus-source/one-row-by-address", test_one_row_by_address);

  return g_test_run ();
}
