/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Pairing in the app, end to end, under Xvfb with a private session bus: a real
 * agent started with --tls --auth=token and announced over a real avahi-daemon, a
 * real gnome-keyring-daemon, and the app in this process.
 *
 * 1. The node shows as needing pairing; the dialog shows the fingerprint that
 *    `sorcerers-eye-agent --pairing-info` prints; a wrong token is refused in the
 *    dialog; the right one pairs it, and its data comes in.
 * 2. The app again: paired from the keyring, no dialog.
 * 3. An agent with the same node id, name and token but another certificate: the
 *    pane warns that the certificate changed, and the token is not sent (with it,
 *    that agent would have answered).
 */
#include "config.h"

#include <adwaita.h>
#include <string.h>
#include <unistd.h>

#include "seye-application.h"
#include "seye-keyring.h"
#include "seye-pair-dialog.h"
#include "seye-test-keyring.h"
#include "seye-test-util.h"
#include "seye-window-private.h"

static char *home;
static char *node_id;   /* this run's: agents of an earlier run may still be announced */

typedef struct
{
  char *token;
  char *fingerprint;   /* "SHA256:AB:…" as printed */
} PairingInfo;

static void
pairing_info_clear (PairingInfo *info)
{
  g_clear_pointer (&info->token, g_free);
  g_clear_pointer (&info->fingerprint, g_free);
}

/* What a user reads on the node: `sorcerers-eye-agent --pairing-info`. */
static void
read_pairing_info (const char  *state_dir,
                   PairingInfo *info)
{
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;
  g_auto (GStrv) lines = NULL;

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, g_getenv ("SEYE_AGENT"),
                              "--pairing-info", "--tls", "--auth=token", "--state-dir", state_dir, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (process));

  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto (GStrv) words = g_strsplit_set (g_strstrip (lines[i]), " \t", -1);
      const char *value = NULL;

      if (words[0] == NULL)
        continue;

      for (guint j = 1; words[j] != NULL; j++)
        if (words[j][0] != '\0')
          value = words[j];

      if (g_str_equal (words[0], "Token:"))
        info->token = g_strdup (value);
      else if (g_str_equal (words[0], "Fingerprint:"))
        info->fingerprint = g_strdup (value);
    }

  g_assert_nonnull (info->token);
  g_assert_nonnull (info->fingerprint);
  g_assert_true (g_str_has_prefix (info->fingerprint, "SHA256:"));
}

static SeyeTestAgent *
start_agent (const char *prefix,
             const char *state_dir)
{
  g_autofree char *name = g_strdup_printf ("%s-secure", prefix);

  return seye_test_agent_start ("--tls", "--auth=token", "--state-dir", state_dir,
                                "--name", name, "--node-id", node_id, "--interval", "0.5", NULL);
}

/* The app, in this process ------------------------------------------------- */

typedef struct
{
  SeyeApplication *app;
  const char      *prefix;
  void           (*scenario) (gpointer data);
  gpointer         data;
} Run;

static gboolean
scenario_cb (gpointer data)
{
  Run *run = data;

  run->scenario (run);
  g_application_quit (G_APPLICATION (run->app));

  return G_SOURCE_REMOVE;
}

/* Runs the whole app with @scenario inside its main loop, then quits it. */
static void
run_app (Run *run)
{
  char *argv[] = { (char *) "sorcerers-eye", NULL };

  run->app = seye_application_new ();
  /* Runs one after another in this process: none waits for another's name on the bus. */
  g_application_set_flags (G_APPLICATION (run->app), G_APPLICATION_NON_UNIQUE);
  g_idle_add (scenario_cb, run);
  g_assert_cmpint (g_application_run (G_APPLICATION (run->app), 1, argv), ==, 0);
  g_clear_object (&run->app);
}

static gboolean
never_cb (gpointer data)
{
  return FALSE;
}

static SeyeWindow *
get_window (Run *run)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (run->app));

  return SEYE_IS_WINDOW (window) ? SEYE_WINDOW (window) : NULL;
}

static gboolean
window_cb (gpointer data)
{
  return get_window (data) != NULL;
}

static SeyeNode *
find_node (Run *run)
{
  SeyeMonitor *monitor = seye_application_get_monitor (run->app);
  g_autofree char *name = g_strdup_printf ("%s-secure", run->prefix);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (monitor));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (SeyeNode) node = g_list_model_get_item (G_LIST_MODEL (monitor), i);

      if (g_strcmp0 (seye_node_get_name (node), name) == 0 ||
          g_strcmp0 (seye_node_get_key (node), node_id) == 0)
        return node;
    }

  return NULL;
}

typedef struct
{
  Run           *run;
  SeyeNodeState  state;
  gboolean       need_sample;
} NodeWait;

static gboolean
node_state_cb (gpointer data)
{
  NodeWait *wait = data;
  SeyeNode *node = find_node (wait->run);

  return node != NULL && seye_node_get_state (node) == wait->state &&
         (!wait->need_sample || seye_node_get_sample (node) != NULL);
}

static SeyeNode *
wait_node (Run           *run,
           SeyeNodeState  state,
           gboolean       need_sample,
           guint          timeout_ms)
{
  NodeWait wait = { run, state, need_sample };
  SeyeNode *node;

  if (!seye_test_wait_until (node_state_cb, &wait, timeout_ms))
    {
      node = find_node (run);
      g_error ("node %s: state %s, error %s, not %s", node ? seye_node_get_key (node) : "(none)",
               node ? seye_node_state_to_string (seye_node_get_state (node)) : "-",
               node ? seye_node_get_error (node) : "-", seye_node_state_to_string (state));
    }

  return find_node (run);
}

static SeyeDetailPane *
show_node (Run      *run,
           SeyeNode *node)
{
  SeyeWindow *window = get_window (run);

  seye_window_show_node (window, node);
  g_assert_true (seye_detail_pane_get_node (_seye_window_get_detail_pane (window)) == node);

  return _seye_window_get_detail_pane (window);
}

static void
screenshot (const char *name)
{
  const char *dir = g_getenv ("SEYE_TEST_SCREENSHOTS");
  g_autofree char *path = NULL;

  if (dir == NULL)
    return;

  /* Let the list's next tick and a frame come first. */
  seye_test_wait_until (never_cb, NULL, 1500);
  path = g_strdup_printf ("%s/%s.png", dir, name);
  {
    const char *argv[] = { "import", "-window", "root", path, NULL };

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
  }
}

static gboolean
dialog_open_cb (gpointer data)
{
  Run *run = data;

  return _seye_pairings_get_dialog (seye_application_get_pairings (run->app)) != NULL;
}

static gboolean
dialog_closed_cb (gpointer data)
{
  return !dialog_open_cb (data);
}

typedef struct
{
  SeyePairDialog *dialog;
} DialogWait;

static gboolean
dialog_error_cb (gpointer data)
{
  return _seye_pair_dialog_get_error (((DialogWait *) data)->dialog) != NULL;
}

/* Scenario 1: pair through the dialog ---------------------------------------- */

static void
first_run (gpointer data)
{
  Run *run = data;
  PairingInfo *info = run->data;
  g_autofree char *notice = NULL;
  g_autofree char *wrong = g_strnfill (64, '7');
  g_autofree char *short_fingerprint = NULL;
  GValue copied = G_VALUE_INIT;
  GdkClipboard *clipboard;
  SeyePairDialog *dialog;
  SeyeDetailPane *pane;
  GtkButton *button;
  DialogWait wait;
  SeyeNode *node;

  g_assert_true (seye_test_wait_until (window_cb, run, 10000));

  /* Found over mDNS; it wants a token, which the app does not have. */
  node = wait_node (run, SEYE_NODE_STATE_NEEDS_PAIRING, FALSE, 20000);
  g_assert_true (seye_node_get_tls (node));
  g_assert_false (seye_node_get_paired (node));
  g_assert_false (seye_node_get_manual (node));
  g_assert_null (seye_node_get_sample (node));

  pane = show_node (run, node);
  notice = _seye_detail_pane_dup_pairing_notice (pane);
  g_assert_nonnull (notice);
  g_test_message ("pane: %s", notice);
  g_assert_nonnull (strstr (notice, "needs pairing"));
  g_assert_nonnull (strstr (notice, "--pairing-info"));
  g_assert_cmpstr (_seye_detail_pane_get_connection (pane), ==, "HTTPS, not paired");
  screenshot ("1-needs-pairing");

  /* "Pair…" opens the dialog, with the fingerprint of the handshake: the agent's. */
  button = _seye_detail_pane_get_pairing_button (pane);
  g_assert_nonnull (button);
  gtk_widget_activate (GTK_WIDGET (button));
  g_assert_true (seye_test_wait_until (dialog_open_cb, run, 5000));
  dialog = SEYE_PAIR_DIALOG (_seye_pairings_get_dialog (seye_application_get_pairings (run->app)));
  g_assert_cmpstr (_seye_pair_dialog_get_shown_fingerprint (dialog), ==, info->fingerprint);

  /* A wrong token: said in the dialog, which stays open. */
  _seye_pair_dialog_set_token (dialog, wrong);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "pair.pair", NULL);
  wait.dialog = dialog;
  g_assert_true (seye_test_wait_until (dialog_error_cb, &wait, 10000));
  g_test_message ("wrong token: %s", _seye_pair_dialog_get_error (dialog));
  g_assert_nonnull (strstr (_seye_pair_dialog_get_error (dialog), "refused this token"));
  g_assert_true (dialog_open_cb (run));
  g_assert_false (seye_node_get_paired (node));
  screenshot ("2-wrong-token");

  /* The right one, pasted with the line break of a terminal. */
  {
    g_autofree char *pasted = g_strconcat (info->token, "\n", NULL);

    _seye_pair_dialog_set_token (dialog, pasted);
  }
  gtk_widget_activate_action (GTK_WIDGET (dialog), "pair.pair", NULL);
  g_assert_true (seye_test_wait_until (dialog_closed_cb, run, 10000));

  /* Pinned and polled at once: online, with data. */
  node = wait_node (run, SEYE_NODE_STATE_ONLINE, TRUE, 10000);
  g_assert_true (seye_node_get_paired (node));
  notice = (g_free (notice), _seye_detail_pane_dup_pairing_notice (pane));
  g_assert_null (notice);
  g_assert_true (g_str_has_prefix (_seye_detail_pane_get_connection (pane), "HTTPS, paired · SHA256:"));
  /* Short in the row (16 hex digits), whole in its tooltip and on the clipboard. */
  short_fingerprint = g_strdup_printf ("%.30s…", info->fingerprint);
  g_assert_true (g_str_has_suffix (_seye_detail_pane_get_connection (pane), short_fingerprint));
  g_assert_null (strstr (_seye_detail_pane_get_connection (pane), info->fingerprint + 7));
  g_assert_cmpstr (_seye_detail_pane_get_fingerprint (pane), ==, info->fingerprint);
  gtk_widget_activate_action (GTK_WIDGET (pane), "detail.copy-fingerprint", NULL);
  g_value_init (&copied, G_TYPE_STRING);
  clipboard = gtk_widget_get_clipboard (GTK_WIDGET (pane));
  g_assert_true (gdk_content_provider_get_value (gdk_clipboard_get_content (clipboard), &copied, NULL));
  g_assert_cmpstr (g_value_get_string (&copied), ==, info->fingerprint);
  g_value_unset (&copied);
  screenshot ("3-paired");
}

/* What the keyring holds for the node, read as the app does. */
static void
loaded_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      data)
{
  GPtrArray **pairings = data;
  g_autoptr (GError) error = NULL;

  *pairings = seye_keyring_load_finish (result, &error);
  g_assert_no_error (error);
}

static gboolean
is_set_cb (gpointer data)
{
  return *(gpointer *) data != NULL;
}

static gboolean
keyring_empty_cb (gpointer data)
{
  g_autoptr (GPtrArray) pairings = NULL;

  seye_keyring_load_async (NULL, loaded_cb, &pairings);
  g_assert_true (seye_test_wait_until (is_set_cb, &pairings, 10000));

  return pairings->len == 0;
}

static void
check_keyring (const PairingInfo *info)
{
  g_autoptr (GPtrArray) pairings = NULL;
  g_autofree char *fingerprint = seye_fingerprint_parse (info->fingerprint, NULL);
  const SeyePairing *pairing;

  seye_keyring_load_async (NULL, loaded_cb, &pairings);
  g_assert_true (seye_test_wait_until (is_set_cb, &pairings, 10000));
  g_assert_cmpuint (pairings->len, ==, 1);
  pairing = pairings->pdata[0];
  g_assert_cmpstr (pairing->node_id, ==, node_id);
  g_assert_cmpstr (pairing->fingerprint, ==, fingerprint);
  g_assert_cmpstr (pairing->token, ==, info->token);
}

/* Scenario 2: back from the keyring ------------------------------------------ */

static void
second_run (gpointer data)
{
  Run *run = data;
  SeyeNode *node;

  g_assert_true (seye_test_wait_until (window_cb, run, 10000));

  /* Never shown as needing pairing: the keyring was read before polling began. */
  node = wait_node (run, SEYE_NODE_STATE_ONLINE, TRUE, 20000);
  g_assert_true (seye_node_get_paired (node));
  g_assert_false (dialog_open_cb (run));
}

/* Scenario 3: another certificate under the same node id ------------------------ */

static void
third_run (gpointer data)
{
  Run *run = data;
  g_autofree char *notice = NULL;
  SeyeDetailPane *pane;
  SeyeNode *node;

  g_assert_true (seye_test_wait_until (window_cb, run, 10000));

  node = wait_node (run, SEYE_NODE_STATE_UNTRUSTED, FALSE, 20000);
  g_assert_true (seye_node_get_paired (node));
  g_assert_null (seye_node_get_sample (node));

  pane = show_node (run, node);
  notice = _seye_detail_pane_dup_pairing_notice (pane);
  g_assert_nonnull (notice);
  g_test_message ("pane: %s", notice);
  g_assert_nonnull (strstr (notice, "certificate of"));
  g_assert_nonnull (strstr (notice, "changed"));
  g_assert_nonnull (strstr (notice, "attacker"));
  g_assert_nonnull (_seye_detail_pane_get_pairing_button (pane));
  screenshot ("4-certificate-changed");

  /* It stays so: the look-alike would answer the token, which never reaches it. */
  seye_test_wait_until (never_cb, NULL, 3000);
  g_assert_cmpint (seye_node_get_state (node), ==, SEYE_NODE_STATE_UNTRUSTED);
  g_assert_null (seye_node_get_sample (node));

  /* Forget Pairing (under Details, unfolded as a user would): the keyring item goes, and
   * the node is one to pair with, like any other. */
  gtk_expander_set_expanded (GTK_EXPANDER (gtk_widget_get_template_child (GTK_WIDGET (pane), SEYE_TYPE_DETAIL_PANE,
                                                                          "details_expander")),
                             TRUE);
  g_assert_nonnull (_seye_detail_pane_get_forget_button (pane));
  gtk_widget_activate (GTK_WIDGET (_seye_detail_pane_get_forget_button (pane)));
  node = wait_node (run, SEYE_NODE_STATE_NEEDS_PAIRING, FALSE, 10000);
  g_assert_false (seye_node_get_paired (node));
  g_assert_null (_seye_detail_pane_get_forget_button (pane));
  g_assert_true (seye_test_wait_until (keyring_empty_cb, NULL, 10000));
}

static void
test_pairing (void)
{
  g_autofree char *prefix = g_strdup_printf ("seye-pair-test-%d", (int) getpid ());
  g_autofree char *state = g_build_filename (home, "agent", NULL);
  g_autofree char *other_state = g_build_filename (home, "look-alike", NULL);
  g_autofree char *token_path = NULL;
  g_autofree char *other_token_path = NULL;
  g_autofree char *token = NULL;
  g_autoptr (SeyeTestAgent) agent = NULL;
  g_autoptr (SeyeTestAgent) look_alike = NULL;
  g_autoptr (GError) error = NULL;
  PairingInfo info = { NULL };
  PairingInfo other = { NULL };
  Run run = { NULL };

  if (g_getenv ("SEYE_AGENT") == NULL)
    {
      g_test_skip ("SEYE_AGENT is not set");
      return;
    }

  if (!seye_test_require_avahi () || !seye_test_keyring_start (home))
    return;

  agent = start_agent (prefix, state);
  read_pairing_info (state, &info);

  run.prefix = prefix;
  run.data = &info;
  run.scenario = first_run;
  run_app (&run);
  check_keyring (&info);

  run.scenario = second_run;
  run_app (&run);

  /* The agent set up again elsewhere under the same id, name and even token: only
   * the certificate differs. */
  seye_test_agent_stop (agent);
  g_clear_pointer (&agent, seye_test_agent_free);
  g_mkdir_with_parents (other_state, 0700);
  token_path = g_build_filename (state, "token", NULL);
  other_token_path = g_build_filename (other_state, "token", NULL);
  g_file_get_contents (token_path, &token, NULL, &error);
  g_assert_no_error (error);
  g_file_set_contents_full (other_token_path, token, -1, G_FILE_SET_CONTENTS_NONE, 0600, &error);
  g_assert_no_error (error);
  look_alike = start_agent (prefix, other_state);
  read_pairing_info (other_state, &other);
  g_assert_cmpstr (other.token, ==, info.token);
  g_assert_cmpstr (other.fingerprint, !=, info.fingerprint);

  run.scenario = third_run;
  run_app (&run);

  pairing_info_clear (&info);
  pairing_info_clear (&other);
  seye_test_keyring_stop ();
}

/* Scenario 4: no keyring at all ---------------------------------------------- */

static void
count_message_cb (SeyePairings *pairings,
                  const char   *message,
                  GPtrArray    *messages)
{
  g_ptr_array_add (messages, g_strdup (message));
}

static void
no_keyring_run (gpointer data)
{
  Run *run = data;
  PairingInfo *info = run->data;
  g_autoptr (GPtrArray) messages = g_ptr_array_new_with_free_func (g_free);
  SeyePairings *pairings = seye_application_get_pairings (run->app);
  SeyePairDialog *dialog;
  SeyeDetailPane *pane;
  SeyeNode *node;

  g_signal_connect (pairings, "message", G_CALLBACK (count_message_cb), messages);
  g_assert_true (seye_test_wait_until (window_cb, run, 10000));

  /* The app works: the node is found and needs pairing, as anywhere. */
  node = wait_node (run, SEYE_NODE_STATE_NEEDS_PAIRING, FALSE, 20000);
  g_assert_false (seye_pairings_get_keyring_available (pairings));
  g_assert_cmpuint (messages->len, ==, 0);

  /* Opening the dialog says once what is wrong and what to do; the dialog says it too. */
  pane = show_node (run, node);
  gtk_widget_activate (GTK_WIDGET (_seye_detail_pane_get_pairing_button (pane)));
  g_assert_true (seye_test_wait_until (dialog_open_cb, run, 5000));
  g_assert_cmpuint (messages->len, ==, 1);
  g_test_message ("said: %s", (char *) messages->pdata[0]);
  g_assert_nonnull (strstr (messages->pdata[0], "No keyring"));
  g_assert_nonnull (strstr (messages->pdata[0], "gnome-keyring"));
  dialog = SEYE_PAIR_DIALOG (_seye_pairings_get_dialog (pairings));
  screenshot ("5-no-keyring");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "pair.cancel", NULL);
  g_assert_true (seye_test_wait_until (dialog_closed_cb, run, 5000));
  gtk_widget_activate (GTK_WIDGET (_seye_detail_pane_get_pairing_button (pane)));
  g_assert_true (seye_test_wait_until (dialog_open_cb, run, 5000));
  g_assert_cmpuint (messages->len, ==, 1);

  /* Pairing still works, for the session. */
  dialog = SEYE_PAIR_DIALOG (_seye_pairings_get_dialog (pairings));
  _seye_pair_dialog_set_token (dialog, info->token);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "pair.pair", NULL);
  g_assert_true (seye_test_wait_until (dialog_closed_cb, run, 10000));
  node = wait_node (run, SEYE_NODE_STATE_ONLINE, TRUE, 10000);
  g_assert_true (seye_node_get_paired (node));
  g_assert_cmpuint (messages->len, ==, 1);

  g_signal_handlers_disconnect_by_data (pairings, messages);
}

/* A session bus of the test's own, where nothing can be started: no Secret Service. */
static GSubprocess *
start_bare_bus (const char *dir)
{
  g_autofree char *config = g_build_filename (dir, "bus.conf", NULL);
  g_autofree char *socket_dir = g_build_filename (dir, "bus", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *address = NULL;
  g_autoptr (GDataInputStream) out = NULL;
  g_autoptr (GError) error = NULL;
  GSubprocess *bus;

  g_mkdir_with_parents (socket_dir, 0700);
  contents = g_strdup_printf ("<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\"\n"
                              " \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
                              "<busconfig><type>session</type><listen>unix:dir=%s</listen>"
                              "<policy context=\"default\"><allow send_destination=\"*\" eavesdrop=\"true\"/>"
                              "<allow eavesdrop=\"true\"/><allow own=\"*\"/></policy></busconfig>\n",
                              socket_dir);
  g_file_set_contents (config, contents, -1, &error);
  g_assert_no_error (error);

  bus = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, "dbus-daemon", "--nofork",
                          "--print-address=1", "--config-file", config, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (bus));
  address = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (address);
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", address, TRUE);

  return bus;
}

static void
test_no_keyring (void)
{
  g_autofree char *prefix = NULL;
  g_autofree char *state = NULL;
  g_autoptr (SeyeTestAgent) agent = NULL;
  g_autoptr (GSubprocess) bus = NULL;
  PairingInfo info = { NULL };
  Run run = { NULL };

  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 120 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDOUT);
      g_test_trap_assert_passed ();
      return;
    }

  if (g_getenv ("SEYE_AGENT") == NULL || !seye_test_require_avahi ())
    return;

  bus = start_bare_bus (home);
  prefix = g_strdup_printf ("seye-pair-nokeyring-%d", (int) getpid ());
  state = g_build_filename (home, "agent-no-keyring", NULL);
  agent = start_agent (prefix, state);
  read_pairing_info (state, &info);

  run.prefix = prefix;
  run.data = &info;
  run.scenario = no_keyring_run;
  run_app (&run);

  pairing_info_clear (&info);
  seye_test_agent_stop (agent);
  g_subprocess_force_exit (bus);
  g_subprocess_wait (bus, NULL, NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (GError) error = NULL;
  g_autofree char *data_home = NULL;
  int status;

  /* Before anything asks GLib for the user folders: the store and keyring are the test's. */
  home = g_dir_make_tmp ("seye-app-pairing-XXXXXX", &error);
  g_assert_no_error (error);
  data_home = g_build_filename (home, "data", NULL);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);

  g_test_init (&argc, &argv, NULL);
  node_id = seye_test_node_id (1);

  /* No notification server on the test's bus: no notifications (alerts are not tested here). */
  {
    g_autoptr (GSettings) settings = g_settings_new (APP_ID);

    g_settings_set_boolean (settings, "notifications", FALSE);
  }

  g_test_add_func ("/seye/app/pairing/no-keyring", test_no_keyring);
  g_test_add_func ("/seye/app/pairing", test_pairing);

  status = g_test_run ();

  {
    const char *rm[] = { "rm", "-rf", home, NULL };

    g_spawn_sync (NULL, (char **) rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
  }
  g_free (home);
  g_free (node_id);

  return status;
}
