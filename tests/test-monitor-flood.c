/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A flood of announcements through the real avahi-daemon: 600 services with
 * their own node ids, published from this process over D-Bus. The monitor keeps
 * its cap of nodes from mDNS (4,096; 512 here, so that a flood fits in
 * avahi-daemon's cache) and no more, says so once, still takes
 * nodes added by address, and takes announcements again once the flood is gone.
 */
#include "config.h"

#include <avahi-client/client.h>
#include <avahi-client/publish.h>
#include <avahi-common/error.h>
#include <avahi-glib/glib-malloc.h>
#include <avahi-glib/glib-watch.h>
#include <string.h>
#include <unistd.h>

#include "seye-agent-source-private.h"
#include "seye-monitor-private.h"
#include "seye-sample.h"
#include "seye-test-util.h"

#define N_FLOOD        600
#define CAP            512
#define PER_GROUP      25      /* avahi-daemon takes 32 entries per group at most */

static guint n_full_messages;

static GLogWriterOutput
count_writer (GLogLevelFlags   level,
              const GLogField *fields,
              gsize            n_fields,
              gpointer         user_data)
{
  for (gsize i = 0; i < n_fields; i++)
    if (g_str_equal (fields[i].key, "MESSAGE") && fields[i].length == -1 &&
        strstr (fields[i].value, "found over mDNS: ignoring") != NULL)
      n_full_messages++;

  return g_log_writer_default (level, fields, n_fields, user_data);
}

typedef struct
{
  AvahiGLibPoll *poll;
  AvahiClient   *client;
  GPtrArray     *groups;     /* AvahiEntryGroup */
  guint          n_established;
  guint          n_failed;
} Publisher;

static void
group_cb (AvahiEntryGroup      *group,
          AvahiEntryGroupState  state,
          void                 *data)
{
  Publisher *publisher = data;

  if (state == AVAHI_ENTRY_GROUP_ESTABLISHED)
    publisher->n_established++;
  else if (state == AVAHI_ENTRY_GROUP_COLLISION || state == AVAHI_ENTRY_GROUP_FAILURE)
    publisher->n_failed++;
}

static void
client_cb (AvahiClient      *client,
           AvahiClientState  state,
           void             *data)
{
}

static Publisher *
publisher_new (void)
{
  Publisher *publisher = g_new0 (Publisher, 1);
  int error = 0;

  avahi_set_allocator (avahi_glib_allocator ());
  publisher->poll = avahi_glib_poll_new (NULL, G_PRIORITY_DEFAULT);
  publisher->client = avahi_client_new (avahi_glib_poll_get (publisher->poll), 0, client_cb,
                                        publisher, &error);
  g_assert_nonnull (publisher->client);
  publisher->groups = g_ptr_array_new ();

  return publisher;
}

/* Services "PREFIX-FIRST" … on a port nothing listens on, each with its own node id. */
static void
publish (Publisher  *publisher,
         const char *prefix,
         guint       first,
         guint       count)
{
  AvahiEntryGroup *group = NULL;

  for (guint i = first; i < first + count; i++)
    {
      g_autofree char *name = g_strdup_printf ("%s-%u", prefix, i);
      g_autofree char *node_id = seye_test_node_id (i);
      g_autofree char *id = g_strconcat ("id=", node_id, NULL);
      int error;

      if (group == NULL)
        {
          group = avahi_entry_group_new (publisher->client, group_cb, publisher);
          g_assert_nonnull (group);
          g_ptr_array_add (publisher->groups, group);
        }

      error = avahi_entry_group_add_service (group, AVAHI_IF_UNSPEC, AVAHI_PROTO_INET, 0, name,
                                             SEYE_SERVICE_TYPE, NULL, NULL, 9,
                                             "txtvers=1", id, "api=1", "version=0.1.0", NULL);
      if (error < 0)
        g_error ("cannot publish %s: %s", name, avahi_strerror (error));

      if ((i - first + 1) % PER_GROUP == 0 || i == first + count - 1)
        {
          g_assert_cmpint (avahi_entry_group_commit (group), ==, 0);
          group = NULL;
        }
    }
}

static void
publisher_withdraw (Publisher *publisher)
{
  for (guint i = 0; i < publisher->groups->len; i++)
    avahi_entry_group_free (publisher->groups->pdata[i]);
  g_ptr_array_set_size (publisher->groups, 0);
  publisher->n_established = 0;
}

static void
publisher_free (Publisher *publisher)
{
  publisher_withdraw (publisher);
  g_ptr_array_unref (publisher->groups);
  avahi_client_free (publisher->client);
  avahi_glib_poll_free (publisher->poll);
  g_free (publisher);
}

static guint
count_nodes (SeyeMonitor *monitor,
             const char  *prefix,
             guint       *n_discovered)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (monitor));
  guint n_prefix = 0;

  *n_discovered = 0;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (SeyeNode) node = g_list_model_get_item (G_LIST_MODEL (monitor), i);

      if (!seye_node_get_manual (node))
        (*n_discovered)++;
      if (g_str_has_prefix (seye_node_get_name (node), prefix))
        n_prefix++;
    }

  return n_prefix;
}

typedef struct
{
  SeyeMonitor *monitor;
  Publisher   *publisher;
  const char  *prefix;
  guint        n_groups;
} Flood;

static gboolean
never_cb (gpointer data)
{
  return FALSE;
}

static gboolean
published_cb (gpointer data)
{
  Flood *flood = data;

  return flood->publisher->n_established + flood->publisher->n_failed >= flood->n_groups;
}

static gboolean
full_cb (gpointer data)
{
  Flood *flood = data;
  gboolean full = FALSE;
  guint n_discovered;

  g_object_get (flood->monitor, "discovery-full", &full, NULL);
  count_nodes (flood->monitor, flood->prefix, &n_discovered);

  return full && n_discovered == CAP;
}

static gboolean
flood_gone_cb (gpointer data)
{
  Flood *flood = data;
  guint n_discovered;

  return count_nodes (flood->monitor, flood->prefix, &n_discovered) == 0;
}

static gboolean
one_again_cb (gpointer data)
{
  Flood *flood = data;
  g_autofree char *name = g_strdup_printf ("%s-again", flood->prefix);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (flood->monitor));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (SeyeNode) node = g_list_model_get_item (G_LIST_MODEL (flood->monitor), i);

      if (g_str_has_prefix (seye_node_get_name (node), name))
        return TRUE;
    }

  return FALSE;
}

static void
test_flood (void)
{
  g_autofree char *prefix = g_strdup_printf ("flood%d", (int) getpid ());
  g_autofree char *again = NULL;
  g_autoptr (SeyeMonitor) monitor = NULL;
  g_autoptr (GError) error = NULL;
  Publisher *publisher;
  Flood flood = { 0 };
  gint64 start;
  guint n_discovered;
  guint n_prefix;
  guint n_total;
  SeyeNode *manual;

  /* Alone: another run's monitor would fill up with this flood, and this one with
   * that run's nodes. */
  if (!seye_test_require_avahi_alone ())
    return;

  monitor = seye_monitor_new ();
  seye_monitor_set_interval (monitor, 10);
  seye_monitor_set_grace_time (monitor, 0);
  seye_monitor_set_fetch_history (monitor, FALSE);
  _seye_agent_source_set_max_discovered (monitor->agents, CAP);
  seye_monitor_set_discovery (monitor, TRUE);
  seye_monitor_start (monitor);

  publisher = publisher_new ();
  flood.monitor = monitor;
  flood.publisher = publisher;
  flood.prefix = prefix;
  flood.n_groups = (N_FLOOD + PER_GROUP - 1) / PER_GROUP;

  start = g_get_monotonic_time ();
  publish (publisher, prefix, 0, N_FLOOD);
  g_assert_true (seye_test_wait_until (published_cb, &flood, 60000));
  g_assert_cmpuint (publisher->n_failed, ==, 0);
  g_test_message ("%u services published in %.1f s", N_FLOOD,
                  (g_get_monotonic_time () - start) / 1e6);

  /* Filled up to the cap and no further, with one message. */
  g_assert_true (seye_test_wait_until (full_cb, &flood, 60000));
  g_test_message ("monitor full after %.1f s", (g_get_monotonic_time () - start) / 1e6);
  /* Whatever was still on its way is ignored as well. */
  seye_test_wait_until (never_cb, NULL, 2000);
  n_prefix = count_nodes (monitor, prefix, &n_discovered);
  g_test_message ("%u nodes from mDNS, %u of the flood", n_discovered, n_prefix);
  g_assert_cmpuint (n_discovered, ==, CAP);
  g_assert_cmpuint (n_prefix, <=, CAP);
  g_assert_cmpuint (n_prefix, >=, CAP - 64);
  g_assert_cmpuint (n_full_messages, ==, 1);

  /* Nodes added by address do not count and are still taken. */
  n_total = g_list_model_get_n_items (G_LIST_MODEL (monitor));
  manual = seye_monitor_add_manual (monitor, "127.0.0.1:19", &error);
  g_assert_no_error (error);
  g_assert_nonnull (manual);
  g_assert_true (seye_node_get_manual (manual));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (monitor)), ==, n_total + 1);

  /* The flood withdrawn: its nodes go (offline, grace time 0), and a new
   * announcement is taken again, without a second message. */
  publisher_withdraw (publisher);
  g_assert_true (seye_test_wait_until (flood_gone_cb, &flood, 60000));
  again = g_strdup_printf ("%s-again", prefix);
  publish (publisher, again, 0, 1);
  g_assert_true (seye_test_wait_until (one_again_cb, &flood, 20000));
  g_assert_cmpuint (n_full_messages, ==, 1);

  publisher_free (publisher);
  seye_monitor_stop (monitor);
}

int
main (int   argc,
      char *argv[])
{
  g_log_set_writer_func (count_writer, NULL, NULL);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/seye/monitor/mdns-flood", test_flood);

  return g_test_run ();
}
