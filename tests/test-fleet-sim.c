/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The fleet simulator (bench/seye-fleet-sim.c): what it serves must pass the
 * real decoders, so it cannot drift from the agent; its nodes are distinct;
 * a seed gives the same fleet twice, tags too; an offline node stops answering and
 * comes back; and the app's own monitor follows a hundred of its nodes.
 */
#include "config.h"

#include <libsoup/soup.h>
#include <signal.h>
#include <string.h>

#include "seye-json.h"
#include "seye-monitor.h"
#include "seye-node-id.h"
#include "seye-tags.h"
#include "seye-test-sim.h"
#include "seye-test-util.h"

/* HTTP ---------------------------------------------------------------------- */

static GBytes *
get (SoupSession *session,
     const char  *method,
     guint16      port,
     const char  *path,
     guint       *status)
{
  g_autofree char *uri = g_strdup_printf ("http://127.0.0.1:%u%s", port, path);
  g_autoptr (SoupMessage) msg = soup_message_new (method, uri);
  g_autoptr (GError) error = NULL;
  GBytes *body = soup_session_send_and_read (session, msg, NULL, &error);

  g_assert_no_error (error);
  *status = soup_message_get_status (msg);

  return body;
}

/* The body of a GET that must answer 200. */
static GBytes *
get_ok (SoupSession *session,
        guint16      port,
        const char  *path)
{
  guint status = 0;
  GBytes *body = get (session, "GET", port, path, &status);

  g_assert_cmpuint (status, ==, 200);

  return body;
}

static SeyeNodeInfo *
get_info (SoupSession *session,
          guint16      port)
{
  g_autoptr (GBytes) body = get_ok (session, port, "/v1/node");
  g_autoptr (GError) error = NULL;
  gsize size;
  const char *data = g_bytes_get_data (body, &size);
  SeyeNodeInfo *info = seye_node_info_from_json (data, (gssize) size, &error);

  g_assert_no_error (error);

  return info;
}

static GPtrArray *
get_history (SoupSession *session,
             guint16      port,
             gint64       since)
{
  g_autofree char *path = g_strdup_printf ("/v1/history?since=%" G_GINT64_FORMAT, since);
  g_autoptr (GBytes) body = get_ok (session, port, path);
  g_autoptr (GError) error = NULL;
  gsize size;
  const char *data = g_bytes_get_data (body, &size);
  GPtrArray *samples = seye_history_samples_from_json (data, (gssize) size, &error);

  g_assert_no_error (error);

  return samples;
}

/* GET /v1/stream@query, read a line at a time. */
static GDataInputStream *
open_stream (SoupSession *session,
             guint16      port,
             const char  *query)
{
  g_autofree char *uri = g_strdup_printf ("http://127.0.0.1:%u/v1/stream%s", port, query);
  g_autoptr (SoupMessage) msg = soup_message_new ("GET", uri);
  g_autoptr (GInputStream) in = NULL;
  g_autoptr (GError) error = NULL;

  in = soup_session_send (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);

  return g_data_input_stream_new (in);
}

/* The next line that is not empty; *heartbeats counts the empty ones. NULL at
 * the end of the stream, or when it was cut. */
static char *
read_line (GDataInputStream *in,
           guint            *heartbeats)
{
  for (;;)
    {
      char *line = g_data_input_stream_read_line (in, NULL, NULL, NULL);

      if (line == NULL || line[0] != '\0')
        return line;
      g_free (line);
      if (heartbeats != NULL)
        (*heartbeats)++;
    }
}

/* A line of the stream through the monitor's own decoder: the fast path for
 * the compact form, the checked decoder for the rest. */
static SeyeSample *
read_sample (GDataInputStream *in)
{
  g_autofree char *line = read_line (in, NULL);
  g_autoptr (JsonNode) numbers = NULL;
  g_autoptr (GError) error = NULL;
  SeyeSample *sample;

  g_assert_nonnull (line);
  if (line[0] == '[')
    {
      numbers = _seye_json_parse_numbers (line, strlen (line));
      g_assert_nonnull (numbers);
      sample = seye_sample_from_json_node (numbers, &error);
    }
  else
    {
      sample = seye_sample_from_json (line, -1, &error);
    }
  g_assert_no_error (error);

  return sample;
}

/* Every view, every node ---------------------------------------------------- */

/* Whether @sample shows what a hot node shows: an alert of the app's defaults. */
static gboolean
looks_hot (const SeyeSample *sample)
{
  for (guint i = 0; i < sample->filesystems->len; i++)
    {
      const SeyeFilesystem *fs = &g_array_index (sample->filesystems, SeyeFilesystem, i);

      if (fs->used_bytes >= 0.9 * (fs->used_bytes + fs->avail_bytes))
        return TRUE;
    }

  return sample->cpu.busy >= 90 || seye_sample_get_memory_percent (sample) >= 95 ||
         seye_sample_get_swap_percent (sample) >= 80;
}

static void
check_index_and_info (SoupSession *session,
                      SeyeTestSim *sim,
                      guint        i)
{
  g_autoptr (GBytes) index = get_ok (session, seye_test_sim_port (sim, i), "/");
  g_autoptr (SeyeNodeInfo) info = get_info (session, seye_test_sim_port (sim, i));
  g_autofree char *name = g_strdup_printf ("\"name\":\"%s\"", (char *) sim->names->pdata[i]);

  g_assert_nonnull (g_strstr_len (g_bytes_get_data (index, NULL), g_bytes_get_size (index),
                                  "\"service\":\"sorcerers-eye-agent\""));
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (index, NULL), g_bytes_get_size (index), name));
  g_assert_true (seye_node_id_is_valid (info->node_id));
  g_assert_cmpstr (info->name, ==, sim->names->pdata[i]);
  g_assert_cmpuint (info->n_cores, >=, 2);
  g_assert_cmpuint (info->n_cores, <=, 256);
  g_assert_cmpfloat (info->interval, ==, 0.25);
}

/* /v1/metrics and /v1/history: whole samples, through the checked decoders. */
static gboolean
check_metrics_and_history (SoupSession *session,
                           SeyeTestSim *sim,
                           guint        i)
{
  g_autoptr (GBytes) body = get_ok (session, seye_test_sim_port (sim, i), "/v1/metrics");
  g_autoptr (SeyeNodeInfo) info = get_info (session, seye_test_sim_port (sim, i));
  g_autoptr (SeyeSample) sample = NULL;
  g_autoptr (GPtrArray) history = NULL;
  g_autoptr (GPtrArray) newer = NULL;
  g_autoptr (GError) error = NULL;
  SeyeSample *first;

  sample = seye_sample_from_json (g_bytes_get_data (body, NULL), (gssize) g_bytes_get_size (body),
                                  &error);
  g_assert_no_error (error);
  g_assert_cmpint (sample->parts, ==, SEYE_SAMPLE_CPU | SEYE_SAMPLE_MEMORY | SEYE_SAMPLE_LOAD |
                   SEYE_SAMPLE_PROCESSES | SEYE_SAMPLE_UPTIME | SEYE_SAMPLE_NETWORK |
                   SEYE_SAMPLE_DISK | SEYE_SAMPLE_FILESYSTEMS);
  g_assert_cmpuint (sample->cores->len, ==, info->n_cores);
  g_assert_cmpuint (sample->interfaces->len, >=, 2);
  g_assert_cmpuint (sample->disks->len, >=, 1);
  g_assert_cmpuint (sample->filesystems->len, >=, 2);
  g_assert_cmpint (sample->boot_time, ==, info->boot_time);

  /* Every sample since the start, in time order, the latest last; then only the newer ones. */
  history = get_history (session, seye_test_sim_port (sim, i), 0);
  g_assert_cmpuint (history->len, >=, 2);
  g_assert_cmpint (((SeyeSample *) history->pdata[history->len - 1])->time_ms, >=, sample->time_ms);
  first = history->pdata[0];
  g_assert_cmpuint (first->cores->len, ==, info->n_cores);
  newer = get_history (session, seye_test_sim_port (sim, i), first->time_ms);
  g_assert_cmpuint (newer->len, >=, history->len - 1);
  g_assert_cmpint (((SeyeSample *) newer->pdata[0])->time_ms, >, first->time_ms);

  return looks_hot (sample);
}

/* Whole, totals and compact lines (every other one whole), read side by side. */
static void
check_streams (SoupSession *session,
               guint16      port)
{
  g_autoptr (GDataInputStream) full = open_stream (session, port, "?view=full");
  g_autoptr (GDataInputStream) totals = open_stream (session, port, "?view=totals");
  g_autoptr (GDataInputStream) compact = open_stream (session, port, "?view=compact&full_every=2");

  for (guint line = 0; line < 3; line++)
    {
      g_autoptr (SeyeSample) whole = read_sample (full);
      g_autoptr (SeyeSample) total = read_sample (totals);
      g_autoptr (SeyeSample) small = read_sample (compact);

      g_assert_cmpuint (whole->filesystems->len, >=, 2);
      g_assert_cmpuint (total->interfaces->len, ==, 0);
      g_assert_false (total->parts & SEYE_SAMPLE_FILESYSTEMS);
      g_assert_cmpint (!!(small->parts & SEYE_SAMPLE_FILESYSTEMS), ==, line % 2 == 0);
      g_assert_cmpuint (small->cores->len, ==, whole->cores->len);
      /* Streams opened one after the other may be a sample apart; the numbers are
       * the same where the moments are. */
      if (whole->time_ms == small->time_ms)
        g_assert_cmpfloat (whole->cpu.busy, ==, small->cpu.busy);
      if (whole->time_ms == total->time_ms)
        g_assert_cmpuint (whole->memory.used, ==, total->memory.used);
    }
}

static void
check_errors (SoupSession *session,
              guint16      port)
{
  static const struct {
    const char *method;
    const char *path;
    guint       status;
  } cases[] = {
    { "GET", "/nowhere", 404 },
    { "POST", "/v1/node", 405 },
    { "GET", "/v1/history?since=yesterday", 400 },
    { "GET", "/v1/stream?view=everything", 400 },
    { "GET", "/v1/stream?interval=0x10", 400 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      guint status = 0;
      g_autoptr (GBytes) body = get (session, cases[i].method, port, cases[i].path, &status);

      g_assert_cmpuint (status, ==, cases[i].status);
      g_assert_true (g_str_has_prefix (g_bytes_get_data (body, NULL), "{\"error\":{\"status\":"));
    }
}

static void
test_views (void)
{
  /* Three streams at once: more connections than a session makes by default. */
  g_autoptr (SoupSession) session = soup_session_new_with_options ("timeout", 5,
                                                                   "max-conns-per-host", 8, NULL);
  g_autoptr (SeyeTestSim) sim = seye_test_sim_start ("-n", "6", "--interval", "0.25", "--seed", "5",
                                                     "--hot", "0.5", "--offline", "0", NULL);
  guint n_hot = 0;

  g_assert_false (sim->exited);
  g_assert_cmpuint (sim->ports->len, ==, 6);
  /* Two samples at least in every history. */
  seye_test_spin (600);

  for (guint i = 0; i < sim->ports->len; i++)
    {
      check_index_and_info (session, sim, i);
      n_hot += check_metrics_and_history (session, sim, i);
      check_streams (session, seye_test_sim_port (sim, i));
      check_errors (session, seye_test_sim_port (sim, i));
    }

  /* Half the nodes are hot, and it shows. */
  g_test_message ("%u of 6 nodes show an alert", n_hot);
  g_assert_cmpuint (n_hot, >=, 2);
  g_assert_cmpint (seye_test_sim_stop (sim), ==, 0);
}

/* What promtool 2.42 says of node_exporter's own memory names (kept on purpose,
 * as tests/test-promtool.sh explains) is all it may say. */
static void
test_promtool (void)
{
  g_autoptr (SoupSession) session = soup_session_new_with_options ("timeout", 5, NULL);
  g_autofree char *promtool = g_find_program_in_path ("promtool");
  g_autoptr (SeyeTestSim) sim = NULL;

  if (promtool == NULL)
    {
      if (g_strcmp0 (g_getenv ("CI"), "true") == 0)
        g_error ("promtool is not installed (package prometheus)");
      g_test_skip ("promtool is not installed (apt-get install prometheus)");
      return;
    }

  sim = seye_test_sim_start ("-n", "3", "--interval", "0.25", "--hot", "0.5", NULL);
  seye_test_spin (300);
  for (guint i = 0; i < sim->ports->len; i++)
    {
      g_autoptr (GBytes) text = get_ok (session, seye_test_sim_port (sim, i), "/metrics");
      g_autoptr (GSubprocess) check = NULL;
      g_autoptr (GBytes) out = NULL;
      g_autoptr (GError) error = NULL;
      g_autofree char *said = NULL;
      g_auto (GStrv) lines = NULL;
      int status;

      check = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                G_SUBPROCESS_FLAGS_STDERR_MERGE, &error,
                                promtool, "check", "metrics", NULL);
      g_assert_no_error (error);
      g_subprocess_communicate (check, text, NULL, &out, NULL, &error);
      g_assert_no_error (error);
      status = g_subprocess_get_exit_status (check);
      g_assert_true (status == 0 || status == 3);

      said = g_strndup (g_bytes_get_data (out, NULL), g_bytes_get_size (out));
      lines = g_strsplit (said, "\n", -1);
      for (guint l = 0; lines[l] != NULL; l++)
        if (lines[l][0] != '\0' &&
            !(g_str_has_prefix (lines[l], "node_memory_") &&
              g_str_has_suffix (lines[l],
                                "metric names should be written in 'snake_case' not 'camelCase'")))
          g_error ("promtool check metrics: %s", lines[l]);
    }
}

/* A stream that asks for a sample every 5 s hears an empty line after 2 s of
 * quiet, as the agent's does; SIGTERM ends it with the goodbye line. */
static void
test_heartbeat_and_goodbye (void)
{
  g_autoptr (SoupSession) session = soup_session_new_with_options ("timeout", 10, NULL);
  g_autoptr (SeyeTestSim) sim = seye_test_sim_start ("-n", "2", "--interval", "1", NULL);
  g_autoptr (GDataInputStream) in = open_stream (session, seye_test_sim_port (sim, 0),
                                                 "?view=compact&interval=5");
  g_autoptr (SeyeSample) first = read_sample (in);
  g_autofree char *line = NULL;
  guint heartbeats = 0;
  gint64 start = g_get_monotonic_time ();
  char *empty;

  g_assert_nonnull (first);
  empty = g_data_input_stream_read_line (in, NULL, NULL, NULL);
  g_assert_cmpstr (empty, ==, "");
  g_free (empty);
  g_test_message ("an empty line after %.1f s", (g_get_monotonic_time () - start) / 1e6);

  g_subprocess_send_signal (sim->process, SIGTERM);
  line = read_line (in, &heartbeats);
  /* A sample may have been due just before. */
  if (line != NULL && line[0] == '[')
    {
      g_free (line);
      line = read_line (in, &heartbeats);
    }
  g_assert_cmpstr (line, ==, SEYE_STREAM_GOODBYE);
  g_assert_cmpint (seye_test_sim_stop (sim), ==, 0);
}

/* N nodes, N names, N ports and N node ids; consecutive ports from --base-port. */
static void
test_distinct (void)
{
  g_autoptr (SoupSession) session = soup_session_new_with_options ("timeout", 5, NULL);
  g_autoptr (GHashTable) ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GHashTable) ports = g_hash_table_new (NULL, NULL);
  g_autoptr (SeyeTestSim) sim = seye_test_sim_start ("-n", "300", "--offline", "0", NULL);
  g_autoptr (SeyeTestSim) consecutive = NULL;

  g_assert_cmpuint (sim->ports->len, ==, 300);
  for (guint i = 0; i < sim->ports->len; i++)
    {
      g_autoptr (SeyeNodeInfo) info = get_info (session, seye_test_sim_port (sim, i));

      g_assert_true (seye_node_id_is_valid (info->node_id));
      g_assert_cmpstr (info->name, ==, sim->names->pdata[i]);
      g_hash_table_add (ids, g_strdup (info->node_id));
      g_hash_table_add (names, sim->names->pdata[i]);
      g_hash_table_add (ports, GUINT_TO_POINTER (seye_test_sim_port (sim, i)));
    }
  g_assert_cmpuint (g_hash_table_size (ids), ==, 300);
  g_assert_cmpuint (g_hash_table_size (names), ==, 300);
  g_assert_cmpuint (g_hash_table_size (ports), ==, 300);
  g_assert_cmpstr (sim->names->pdata[0], ==, "sim-0001");
  g_assert_cmpstr (sim->names->pdata[299], ==, "sim-0300");
  g_assert_cmpint (seye_test_sim_stop (sim), ==, 0);

  /* Below the ephemeral ports; another range when one of these is taken. */
  for (guint attempt = 0; attempt < 8 && (consecutive == NULL || consecutive->exited); attempt++)
    {
      g_autofree char *base = g_strdup_printf ("%u", g_random_int_range (20000, 30000));

      g_clear_pointer (&consecutive, seye_test_sim_free);
      consecutive = seye_test_sim_start ("-n", "20", "--base-port", base, NULL);
    }
  g_assert_false (consecutive->exited);
  for (guint i = 0; i < consecutive->ports->len; i++)
    {
      g_autoptr (SeyeNodeInfo) info = get_info (session, seye_test_sim_port (consecutive, i));

      g_assert_cmpuint (seye_test_sim_port (consecutive, i), ==,
                        seye_test_sim_port (consecutive, 0) + i);
      g_assert_cmpstr (info->name, ==, consecutive->names->pdata[i]);
    }
  g_assert_cmpint (seye_test_sim_stop (consecutive), ==, 0);
}

/* The same fleet from the same seed: identities, and the first sample's numbers. */
static void
assert_same_sample (const SeyeSample *a,
                    const SeyeSample *b)
{
  g_assert_cmpuint (a->cores->len, ==, b->cores->len);
  for (guint c = 0; c < a->cores->len; c++)
    g_assert_cmpfloat (g_array_index (a->cores, SeyeCpuStat, c).busy, ==,
                       g_array_index (b->cores, SeyeCpuStat, c).busy);
  g_assert_cmpfloat (a->cpu.user, ==, b->cpu.user);
  g_assert_cmpuint (a->memory.total, ==, b->memory.total);
  g_assert_cmpuint (a->memory.used, ==, b->memory.used);
  g_assert_cmpuint (a->memory.swap_used, ==, b->memory.swap_used);
  g_assert_cmpfloat (a->load[0], ==, b->load[0]);
  g_assert_cmpuint (a->procs_total, ==, b->procs_total);
  g_assert_cmpfloat (a->net_rx_bytes_per_sec, ==, b->net_rx_bytes_per_sec);
  g_assert_cmpfloat (a->disk_write_bytes_per_sec, ==, b->disk_write_bytes_per_sec);
  g_assert_cmpuint (a->filesystems->len, ==, b->filesystems->len);
  for (guint i = 0; i < a->filesystems->len; i++)
    {
      const SeyeFilesystem *x = &g_array_index (a->filesystems, SeyeFilesystem, i);
      const SeyeFilesystem *y = &g_array_index (b->filesystems, SeyeFilesystem, i);

      g_assert_cmpstr (x->mount_point, ==, y->mount_point);
      g_assert_cmpuint (x->used_bytes, ==, y->used_bytes);
    }
}

/* Each node's identity and its first sample (of /v1/history). */
static void
read_fleet (SoupSession *session,
            SeyeTestSim *sim,
            GPtrArray   *infos,
            GPtrArray   *firsts)
{
  for (guint i = 0; i < sim->ports->len; i++)
    {
      g_autoptr (GPtrArray) history = get_history (session, seye_test_sim_port (sim, i), 0);

      g_ptr_array_add (infos, get_info (session, seye_test_sim_port (sim, i)));
      g_assert_cmpuint (history->len, >, 0);
      g_ptr_array_add (firsts, seye_sample_ref (history->pdata[0]));
    }
}

static void
test_seed (void)
{
  g_autoptr (SoupSession) session = soup_session_new_with_options ("timeout", 5, NULL);
  GPtrArray *infos[3];
  GPtrArray *firsts[3];
  const char *seeds[3] = { "42", "42", "43" };
  guint n_same_ids = 0;

  for (guint run = 0; run < 3; run++)
    {
      g_autoptr (SeyeTestSim) sim = seye_test_sim_start ("-n", "20", "--seed", seeds[run],
                                                         "--hot", "0.2", NULL);

      infos[run] = g_ptr_array_new_with_free_func ((GDestroyNotify) seye_node_info_free);
      firsts[run] = g_ptr_array_new_with_free_func ((GDestroyNotify) seye_sample_unref);
      read_fleet (session, sim, infos[run], firsts[run]);
      g_assert_cmpint (seye_test_sim_stop (sim), ==, 0);
    }

  for (guint i = 0; i < 20; i++)
    {
      SeyeNodeInfo *a = infos[0]->pdata[i], *b = infos[1]->pdata[i], *other = infos[2]->pdata[i];

      g_assert_cmpstr (a->node_id, ==, b->node_id);
      g_assert_cmpstr (a->os_name, ==, b->os_name);
      g_assert_cmpstr (a->cpu_model, ==, b->cpu_model);
      g_assert_cmpuint (a->n_cores, ==, b->n_cores);
      g_assert_true (seye_tags_equal ((const char * const *) a->tags,
                                      (const char * const *) b->tags));
      assert_same_sample (firsts[0]->pdata[i], firsts[1]->pdata[i]);
      n_same_ids += g_str_equal (a->node_id, other->node_id);
    }

  /* Another seed, another fleet. */
  g_assert_cmpuint (n_same_ids, ==, 0);

  for (guint run = 0; run < 3; run++)
    {
      g_ptr_array_unref (infos[run]);
      g_ptr_array_unref (firsts[run]);
    }
}

static gboolean
refused (SoupSession *session,
         guint16      port)
{
  g_autofree char *uri = g_strdup_printf ("http://127.0.0.1:%u/v1/node", port);
  g_autoptr (SoupMessage) msg = soup_message_new ("GET", uri);
  g_autoptr (GBytes) body = NULL;
  g_autoptr (GError) error = NULL;

  body = soup_session_send_and_read (session, msg, NULL, &error);
  if (error == NULL)
    g_assert_cmpuint (soup_message_get_status (msg), ==, 200);

  return error != NULL;
}

/* An offline node: nothing answers, its stream is cut without a goodbye; a
 * moment later it answers again, with samples taken meanwhile in its history. */
static void
test_offline (void)
{
  g_autoptr (SoupSession) session = soup_session_new_with_options ("timeout", 5, NULL);
  g_autoptr (SoupSession) streaming = soup_session_new_with_options ("timeout", 10, NULL);
  g_autoptr (SeyeTestSim) sim = seye_test_sim_start ("-n", "1", "--interval", "0.5",
                                                     "--offline", "1", "--offline-every", "5",
                                                     "--offline-for", "2", NULL);
  guint16 port = seye_test_sim_port (sim, 0);
  g_autoptr (GDataInputStream) in = open_stream (streaming, port, "?view=compact");
  g_autoptr (GPtrArray) history = NULL;
  g_autofree char *line = NULL;
  gint64 start = g_get_monotonic_time ();
  gint64 away;

  while (!refused (session, port))
    {
      g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
      g_usleep (100 * 1000);
    }
  away = g_get_monotonic_time ();

  /* The stream ends, without a goodbye: the node did not leave, it dropped off. */
  do
    g_clear_pointer (&line, g_free);
  while ((line = read_line (in, NULL)) != NULL && line[0] == '[');
  g_assert_null (line);

  while (refused (session, port))
    {
      g_assert_cmpint (g_get_monotonic_time () - away, <, 10 * G_USEC_PER_SEC);
      g_usleep (100 * 1000);
    }
  g_test_message ("offline %.1f s after the start, for %.1f s", (away - start) / 1e6,
                  (g_get_monotonic_time () - away) / 1e6);

  /* It kept sampling while away: no gap. */
  history = get_history (session, port, 0);
  for (guint i = 1; i < history->len; i++)
    g_assert_cmpint (((SeyeSample *) history->pdata[i])->time_ms -
                     ((SeyeSample *) history->pdata[i - 1])->time_ms, ==, 500);
  g_assert_cmpint (seye_test_sim_stop (sim), ==, 0);
}

/* A role first, then a rack, valid as tags, every role in a fleet of 60; none with --no-tags. */
static void
test_tags (void)
{
  static const char * const roles[] = { "web", "db", "build", "gpu", "storage", NULL };
  g_autoptr (SoupSession) session = soup_session_new_with_options ("timeout", 5, NULL);
  g_autoptr (SeyeTestSim) sim = seye_test_sim_start ("-n", "60", "--seed", "7", "--offline", "0",
                                                     NULL);
  g_autoptr (SeyeTestSim) plain = NULL;
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < sim->ports->len; i++)
    {
      g_autoptr (SeyeNodeInfo) info = get_info (session, seye_test_sim_port (sim, i));
      guint64 rack = 0;

      g_assert_cmpuint (g_strv_length (info->tags), ==, 2);
      g_assert_true (seye_tags_check ((const char * const *) info->tags, NULL));
      g_assert_true (g_strv_contains (roles, info->tags[0]));
      g_assert_true (info->tags[1][0] == 'r');
      g_assert_true (g_ascii_string_to_unsigned (info->tags[1] + 1, 10, 1, 8, &rack, NULL));
      g_hash_table_add (seen, g_strdup (info->tags[0]));
    }
  g_assert_cmpuint (g_hash_table_size (seen), ==, g_strv_length ((GStrv) roles));
  g_assert_cmpint (seye_test_sim_stop (sim), ==, 0);

  plain = seye_test_sim_start ("-n", "3", "--no-tags", NULL);
  for (guint i = 0; i < plain->ports->len; i++)
    {
      g_autoptr (SeyeNodeInfo) info = get_info (session, seye_test_sim_port (plain, i));

      g_assert_null (info->tags);
    }
  g_assert_cmpint (seye_test_sim_stop (plain), ==, 0);
}

typedef struct
{
  SeyeMonitor *monitor;
  guint        n_with_sample;
} Following;

static gboolean
all_have_sample_cb (gpointer data)
{
  Following *following = data;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (following->monitor));

  following->n_with_sample = 0;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (SeyeNode) node = g_list_model_get_item (G_LIST_MODEL (following->monitor), i);

      following->n_with_sample += seye_node_get_sample (node) != NULL;
    }

  return following->n_with_sample == n;
}

/* The app's own monitor, following 100 simulated nodes by address: a sample
 * from every one within 5 s. */
static void
test_monitor (void)
{
  g_autoptr (SeyeTestSim) sim = seye_test_sim_start ("-n", "100", "--offline", "0", NULL);
  g_autoptr (SeyeMonitor) monitor = seye_monitor_new ();
  Following following = { monitor, 0 };
  gint64 start;

  seye_monitor_set_interval (monitor, 1);
  seye_monitor_set_discovery (monitor, FALSE);
  for (guint i = 0; i < sim->ports->len; i++)
    {
      g_autofree char *address = g_strdup_printf ("127.0.0.1:%u", seye_test_sim_port (sim, i));
      g_autoptr (GError) error = NULL;

      g_assert_nonnull (seye_monitor_add_manual (monitor, address, &error));
      g_assert_no_error (error);
    }

  start = g_get_monotonic_time ();
  seye_monitor_start (monitor);
  seye_test_wait_until (all_have_sample_cb, &following, 5000);
  g_test_message ("%u of 100 nodes had a sample after %.2f s", following.n_with_sample,
                  (g_get_monotonic_time () - start) / 1e6);
  g_assert_cmpuint (following.n_with_sample, ==, 100);

  seye_monitor_stop (monitor);
  g_assert_cmpint (seye_test_sim_stop (sim), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/seye/fleet-sim/views", test_views);
  g_test_add_func ("/seye/fleet-sim/promtool", test_promtool);
  g_test_add_func ("/seye/fleet-sim/heartbeat-and-goodbye", test_heartbeat_and_goodbye);
  g_test_add_func ("/seye/fleet-sim/distinct", test_distinct);
  g_test_add_func ("/seye/fleet-sim/seed", test_seed);
  g_test_add_func ("/seye/fleet-sim/tags", test_tags);
  g_test_add_func ("/seye/fleet-sim/offline", test_offline);
  g_test_add_func ("/seye/fleet-sim/monitor", test_monitor);

  return g_test_run ();
}
