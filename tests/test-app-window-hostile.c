/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The app's window and hostile names, under Xvfb: names announced over mDNS and a
 * /v1/node full of every class of character that must never reach a label as it is.
 */
#include "config.h"

#include <adwaita.h>
#include <stdlib.h>
#include <unistd.h>

#include "seye-test-hostile.h"
#include "seye-test-util.h"
#include "seye-window-private.h"


/* Every text the window shows: its title, its labels, inscriptions and list cells. */
static void
collect_texts (GtkWidget *widget,
               GString   *texts)
{
  const char *text = NULL;

  if (GTK_IS_LABEL (widget))
    text = gtk_label_get_text (GTK_LABEL (widget));
  else if (GTK_IS_INSCRIPTION (widget))
    text = gtk_inscription_get_text (GTK_INSCRIPTION (widget));
  else if (GTK_IS_WINDOW (widget))
    text = gtk_window_get_title (GTK_WINDOW (widget));

  if (text != NULL)
    g_string_append_printf (texts, "%s\n", text);

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_texts (child, texts);
}

typedef struct
{
  SeyeWindow  *window;
  const char **needles;
} TextsWait;

static gboolean
window_shows_cb (gpointer data)
{
  TextsWait *wait = data;
  g_autoptr (GString) texts = g_string_new (NULL);

  collect_texts (GTK_WIDGET (wait->window), texts);
  for (guint i = 0; wait->needles[i] != NULL; i++)
    if (strstr (texts->str, wait->needles[i]) == NULL)
      return FALSE;

  return TRUE;
}

/* Names announced over mDNS and a /v1/node full of every class of hostile
 * character: the list, the detail pane and the window show them sanitised. */
static void
test_hostile (void)
{
  g_autofree char *prefix = g_strdup_printf ("seye-app-san-%d", (int) getpid ());
  const guint n = G_N_ELEMENTS (seye_test_hostile);
  GSubprocess *publishers[G_N_ELEMENTS (seye_test_hostile)] = { NULL };
  char *shown[G_N_ELEMENTS (seye_test_hostile)] = { NULL };
  const char *needles[G_N_ELEMENTS (seye_test_hostile) + 1] = { NULL };
  g_autoptr (SeyeTestAgent) agent = NULL;
  g_autoptr (SeyeTestHostileAgent) hostile = NULL;
  g_autoptr (SeyeMonitor) monitor = NULL;
  g_autoptr (GString) texts = g_string_new (NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *host_port = NULL;
  g_autofree char *summary = NULL;
  SeyeNodeList *list;
  SeyeWindow *window;
  SeyeNode *node;
  TextsWait wait;

  if (!seye_test_require_avahi ())
    return;

  agent = seye_test_agent_start ("--name", "san-backend", "--no-mdns", "--interval", "0.5", NULL);
  hostile = seye_test_hostile_agent_start (agent->base_uri, NULL);
  host_port = g_strdup_printf ("127.0.0.1:%u", seye_test_hostile_agent_get_port (hostile));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (GSubprocessLauncher) launcher = NULL;
      g_autofree char *node_id = seye_test_node_id (i);
      g_autofree char *id = g_strconcat ("id=", node_id, NULL);
      g_autofree char *name = g_strdup_printf ("%s-%s %s", prefix, seye_test_hostile[i].kind,
                                               seye_test_hostile[i].raw);

      launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
      g_subprocess_launcher_set_child_setup (launcher, seye_test_die_with_parent, NULL, NULL);
      publishers[i] = g_subprocess_launcher_spawn (launcher, &error, "avahi-publish", "-s", name,
                                                   "_sorcerers-eye._tcp", "9", "txtvers=1", "api=1", id, NULL);
      g_assert_no_error (error);
      shown[i] = g_strdup_printf ("%s-%s %s", prefix, seye_test_hostile[i].kind, seye_test_hostile[i].shown);
      needles[i] = shown[i];
    }

  monitor = seye_monitor_new ();
  seye_monitor_set_interval (monitor, 0.5);
  seye_monitor_set_discovery (monitor, TRUE);
  seye_monitor_add_manual (monitor, host_port, &error);
  g_assert_no_error (error);
  seye_monitor_start (monitor);

  window = seye_window_new (NULL, monitor);
  list = _seye_window_get_node_list (window);
  gtk_window_present (GTK_WINDOW (window));

  /* The names announced over mDNS, in the list. */
  seye_node_list_set_search_text (list, prefix);
  wait.window = window;
  wait.needles = needles;
  if (!seye_test_wait_until (window_shows_cb, &wait, 20000))
    {
      collect_texts (GTK_WIDGET (window), texts);
      seye_test_assert_shown_safely ("the window", texts->str);
      g_error ("the window never showed the sanitised names:\n%s", texts->str);
    }
  collect_texts (GTK_WIDGET (window), texts);
  seye_test_assert_shown_safely ("the window (names from mDNS)", texts->str);

  /* What /v1/node said, in the list and the detail pane. */
  seye_node_list_set_search_text (list, host_port);
  node = seye_test_wait_for_node (G_LIST_MODEL (monitor), SEYE_TEST_HOSTILE_NAME, 10000);
  seye_window_show_node (window, node);
  needles[0] = SEYE_TEST_HOSTILE_NAME_SHOWN;
  needles[1] = SEYE_TEST_HOSTILE_ALL_SHOWN " · " SEYE_TEST_HOSTILE_ALL_SHOWN " · " SEYE_TEST_HOSTILE_ALL_SHOWN;
  needles[2] = NULL;
  g_assert_true (seye_test_wait_until (window_shows_cb, &wait, 10000));
  g_string_truncate (texts, 0);
  collect_texts (GTK_WIDGET (window), texts);
  g_test_message ("the window shows:\n%s", texts->str);
  seye_test_assert_shown_safely ("the window (/v1/node)", texts->str);
  summary = seye_detail_pane_dup_summary (_seye_window_get_detail_pane (window));
  g_assert_nonnull (strstr (summary, SEYE_TEST_HOSTILE_ALL_SHOWN));

  if (g_getenv ("SEYE_TEST_SCREENSHOT_PAUSE") != NULL)
    seye_test_spin (atoi (g_getenv ("SEYE_TEST_SCREENSHOT_PAUSE")));

  gtk_window_destroy (GTK_WINDOW (window));
  seye_monitor_stop (monitor);
  for (guint i = 0; i < n; i++)
    {
      g_subprocess_force_exit (publishers[i]);
      g_subprocess_wait (publishers[i], NULL, NULL);
      g_object_unref (publishers[i]);
      g_free (shown[i]);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  adw_init ();

  g_test_add_func ("/seye/app/window/hostile", test_hostile);

  return g_test_run ();
}
