/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * seye-fleet-follow: the app's own client (libseye-client's SeyeMonitor, no
 * GTK) following nodes by address, for the fleet simulator's measurements.
 *
 *   seye-fleet-follow --list FILE [--first I] [--count C] [--seconds S]
 *                     [--every S] [--no-history]
 *
 * Follows the nodes of a list as seye-fleet-sim writes it ("node NAME
 * http://ADDRESS:PORT" a line), or C of them from the I-th (0 first), and
 * prints every --every seconds how many have a sample of the last 3 s
 * ("fresh"), how many are online, how many samples came in, and what the nodes'
 * histories hold (seye_history_get_size(), in KiB); and once, how long after
 * the start every node was first fresh. Exits after
 * --seconds (0: at SIGTERM or SIGINT), with 0 when every node was fresh at the end.
 *
 * One monitor follows every node of the list, a stream each, as far as the
 * open-file limit allows (seye-agent-source-connections.c); --first and
 * --count follow a slice, to share a fleet among several processes.
 */
#define G_LOG_DOMAIN "seye-fleet-follow"

#include "config.h"

#include <glib-unix.h>
#include <stdio.h>
#include <string.h>

#include "seye-monitor.h"
#include "seye-node.h"

#define FRESH_MS 3000

static char *opt_list;
static int opt_first;
static int opt_count = -1;
static double opt_seconds;
static double opt_every = 5;
static gboolean opt_no_history;

static const GOptionEntry entries[] = {
  { "list", 0, 0, G_OPTION_ARG_FILENAME, &opt_list,
    "The nodes, as seye-fleet-sim --list writes them", "FILE" },
  { "first", 0, 0, G_OPTION_ARG_INT, &opt_first, "Follow from this line on (0: the first)", "I" },
  { "count", 0, 0, G_OPTION_ARG_INT, &opt_count, "Follow this many (default all)", "C" },
  { "seconds", 0, 0, G_OPTION_ARG_DOUBLE, &opt_seconds,
    "Stop after this long (default never)", "S" },
  { "every", 0, 0, G_OPTION_ARG_DOUBLE, &opt_every, "Report this often (default 5)", "S" },
  { "no-history", 0, 0, G_OPTION_ARG_NONE, &opt_no_history, "Do not ask for /v1/history", NULL },
  { NULL }
};

typedef struct
{
  SeyeMonitor *monitor;
  GMainLoop   *loop;
  gint64       start_us;
  guint64      n_samples;
  guint        n_fresh;
  guint        first_fresh_id;
} Follow;

static void
sample_added_cb (SeyeNode *node,
                 gpointer  sample,
                 Follow   *follow)
{
  follow->n_samples++;
}

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Follow     *follow)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr (SeyeNode) node = g_list_model_get_item (model, i);

      g_signal_connect (node, "sample-added", G_CALLBACK (sample_added_cb), follow);
    }
}

/* How many nodes have a sample of the last FRESH_MS, and how many are online. */
static guint
count_fresh (Follow *follow,
             guint  *n_online)
{
  GListModel *model = G_LIST_MODEL (follow->monitor);
  gint64 now_ms = g_get_real_time () / 1000;
  guint n = g_list_model_get_n_items (model);
  guint n_fresh = 0;

  *n_online = 0;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (SeyeNode) node = g_list_model_get_item (model, i);
      SeyeSample *sample = seye_node_get_sample (node);

      n_fresh += sample != NULL && now_ms - sample->time_ms <= FRESH_MS;
      *n_online += seye_node_get_state (node) == SEYE_NODE_STATE_ONLINE;
    }

  return n_fresh;
}

/* Every 100 ms until every node is fresh and online for the first time. */
static gboolean
first_fresh_cb (gpointer data)
{
  Follow *follow = data;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (follow->monitor));
  guint n_online;

  if (count_fresh (follow, &n_online) < n || n_online < n)
    return G_SOURCE_CONTINUE;

  g_print ("all %u nodes fresh and online %.1f s after the start\n", n,
           (g_get_monotonic_time () - follow->start_us) / 1e6);
  fflush (stdout);
  follow->first_fresh_id = 0;

  return G_SOURCE_REMOVE;
}

static gboolean
report_cb (gpointer data)
{
  Follow *follow = data;
  GListModel *model = G_LIST_MODEL (follow->monitor);
  guint n = g_list_model_get_n_items (model);
  guint n_online = 0;
  gsize history_bytes = 0;

  follow->n_fresh = count_fresh (follow, &n_online);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (SeyeNode) node = g_list_model_get_item (model, i);

      history_bytes += seye_history_get_size (seye_node_get_history (node));
    }

  g_print ("%6.1f s  nodes %u  fresh %u  online %u  samples %" G_GUINT64_FORMAT "  history %" G_GSIZE_FORMAT
           " KiB\n",
           (g_get_monotonic_time () - follow->start_us) / 1e6, n, follow->n_fresh, n_online,
           follow->n_samples, history_bytes / 1024);
  fflush (stdout);

  return G_SOURCE_CONTINUE;
}

static gboolean
quit_cb (gpointer data)
{
  Follow *follow = data;

  g_main_loop_quit (follow->loop);

  return G_SOURCE_REMOVE;
}

/* The addresses "HOST:PORT" of the list's lines first … first + count - 1. */
static GPtrArray *
read_list (GError **error)
{
  g_autofree char *contents = NULL;
  g_auto (GStrv) lines = NULL;
  GPtrArray *addresses = g_ptr_array_new_with_free_func (g_free);
  guint n = 0;

  if (!g_file_get_contents (opt_list, &contents, NULL, error))
    return NULL;

  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto (GStrv) words = g_strsplit (lines[i], " ", 3);

      if (g_strv_length (words) != 3 || !g_str_equal (words[0], "node") ||
          !g_str_has_prefix (words[2], "http://"))
        continue;
      if (n++ >= (guint) opt_first && (opt_count < 0 || addresses->len < (guint) opt_count))
        g_ptr_array_add (addresses, g_strdup (words[2] + strlen ("http://")));
    }

  return addresses;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (GOptionContext) context = g_option_context_new ("- follow simulated nodes");
  g_autoptr (GPtrArray) addresses = NULL;
  g_autoptr (GError) error = NULL;
  Follow follow = { 0 };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || opt_list == NULL ||
      !(opt_every > 0))
    {
      g_printerr ("seye-fleet-follow: %s\n",
                  error ? error->message : "give --list FILE (and --every above 0)");
      return 2;
    }
  if ((addresses = read_list (&error)) == NULL)
    {
      g_printerr ("seye-fleet-follow: %s\n", error->message);
      return 2;
    }

  follow.monitor = seye_monitor_new ();
  follow.loop = g_main_loop_new (NULL, FALSE);
  follow.start_us = g_get_monotonic_time ();
  seye_monitor_set_interval (follow.monitor, 1);
  seye_monitor_set_discovery (follow.monitor, FALSE);
  seye_monitor_set_fetch_history (follow.monitor, !opt_no_history);
  g_signal_connect (follow.monitor, "items-changed", G_CALLBACK (items_changed_cb), &follow);
  for (guint i = 0; i < addresses->len; i++)
    if (seye_monitor_add_manual (follow.monitor, addresses->pdata[i], &error) == NULL)
      {
        g_printerr ("seye-fleet-follow: %s: %s\n", (char *) addresses->pdata[i], error->message);
        return 2;
      }
  seye_monitor_start (follow.monitor);

  g_timeout_add ((guint) (opt_every * 1000), report_cb, &follow);
  follow.first_fresh_id = g_timeout_add (100, first_fresh_cb, &follow);
  if (opt_seconds > 0)
    g_timeout_add ((guint) (opt_seconds * 1000), quit_cb, &follow);
  g_unix_signal_add (SIGTERM, quit_cb, &follow);
  g_unix_signal_add (SIGINT, quit_cb, &follow);

  g_main_loop_run (follow.loop);

  report_cb (&follow);
  g_clear_handle_id (&follow.first_fresh_id, g_source_remove);
  seye_monitor_stop (follow.monitor);
  g_object_unref (follow.monitor);
  g_main_loop_unref (follow.loop);

  return follow.n_fresh == addresses->len ? 0 : 1;
}
