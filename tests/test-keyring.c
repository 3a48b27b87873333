/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Pairings in the desktop keyring: a real gnome-keyring-daemon, started by the
 * test with a password of its own on a private session bus (meson runs this
 * under dbus-run-session) and private data folders; stored, read back, replaced,
 * forgotten, read again after the daemon restarted; and a client without any
 * keyring gets a message it can act on.
 */
#include "config.h"

#include <libsecret/secret.h>
#include <string.h>

#include "seye-error.h"
#include "seye-keyring.h"
#include "seye-test-keyring.h"
#include "seye-test-util.h"

#define NODE_A  "d0000000000000000000000000000001"
#define NODE_B  "d0000000000000000000000000000002"
#define FP_1    "1111111111111111111111111111111111111111111111111111111111111111"
#define FP_2    "2222222222222222222222222222222222222222222222222222222222222222"
#define TOKEN_1 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define TOKEN_2 "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"

static char *home;
static gboolean keyring_up;

static gboolean
ensure_keyring (void)
{
  if (!keyring_up)
    keyring_up = seye_test_keyring_start (home);

  return keyring_up;
}

/* Async calls, run to their end ---------------------------------------------- */

typedef struct
{
  GAsyncResult *result;
} Wait;

static void
done_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      data)
{
  Wait *wait = data;

  wait->result = g_object_ref (result);
}

static gboolean
done_yet_cb (gpointer data)
{
  return ((Wait *) data)->result != NULL;
}

static GPtrArray *
load (GError **error)
{
  Wait wait = { NULL };
  GPtrArray *pairings;

  seye_keyring_load_async (NULL, done_cb, &wait);
  g_assert_true (seye_test_wait_until (done_yet_cb, &wait, 30000));
  pairings = seye_keyring_load_finish (wait.result, error);
  g_object_unref (wait.result);

  return pairings;
}

static void
store (const char *node_id,
       const char *name,
       const char *fingerprint,
       const char *token)
{
  g_autoptr (SeyePairing) pairing = seye_pairing_new (node_id, name, fingerprint, token);
  g_autoptr (GError) error = NULL;
  Wait wait = { NULL };

  seye_keyring_store_async (pairing, NULL, done_cb, &wait);
  g_assert_true (seye_test_wait_until (done_yet_cb, &wait, 30000));
  g_assert_true (seye_keyring_store_finish (wait.result, &error));
  g_assert_no_error (error);
  g_object_unref (wait.result);
}

static void
forget (const char *node_id)
{
  g_autoptr (GError) error = NULL;
  Wait wait = { NULL };

  seye_keyring_forget_async (node_id, NULL, done_cb, &wait);
  g_assert_true (seye_test_wait_until (done_yet_cb, &wait, 30000));
  g_assert_true (seye_keyring_forget_finish (wait.result, &error));
  g_assert_no_error (error);
  g_object_unref (wait.result);
}

static const SeyePairing *
find (GPtrArray  *pairings,
      const char *node_id)
{
  for (guint i = 0; i < pairings->len; i++)
    {
      const SeyePairing *pairing = pairings->pdata[i];

      if (g_strcmp0 (pairing->node_id, node_id) == 0)
        return pairing;
    }

  return NULL;
}

/* What another Secret Service client (Passwords and Keys) sees: the labels. */
static GStrv
list_labels (void)
{
  static const SecretSchema schema = {
    SEYE_KEYRING_SCHEMA, SECRET_SCHEMA_NONE, { { "node-id", SECRET_SCHEMA_ATTRIBUTE_STRING }, { NULL, 0 } }
  };
  g_autoptr (GError) error = NULL;
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  GList *items;

  items = secret_password_search_sync (&schema, SECRET_SEARCH_ALL, NULL, &error, NULL);
  g_assert_no_error (error);
  for (GList *l = items; l != NULL; l = l->next)
    {
      g_autofree char *label = secret_retrievable_get_label (l->data);

      g_strv_builder_add (builder, label);
    }
  g_list_free_full (items, g_object_unref);

  return g_strv_builder_end (builder);
}

/* Tests -------------------------------------------------------------------- */

static void
test_round_trip (void)
{
  g_autoptr (GPtrArray) pairings = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) labels = NULL;
  const SeyePairing *a;
  const SeyePairing *b;

  if (!ensure_keyring ())
    return;

  pairings = load (&error);
  g_assert_no_error (error);
  g_assert_cmpuint (pairings->len, ==, 0);
  g_clear_pointer (&pairings, g_ptr_array_unref);

  store (NODE_A, "alpha", FP_1, TOKEN_1);
  store (NODE_B, "beta", FP_2, TOKEN_2);

  pairings = load (&error);
  g_assert_no_error (error);
  g_assert_cmpuint (pairings->len, ==, 2);
  a = find (pairings, NODE_A);
  b = find (pairings, NODE_B);
  g_assert_nonnull (a);
  g_assert_nonnull (b);
  g_assert_cmpstr (a->fingerprint, ==, FP_1);
  g_assert_cmpstr (a->token, ==, TOKEN_1);
  g_assert_cmpstr (a->name, ==, "alpha");
  g_assert_cmpstr (b->fingerprint, ==, FP_2);
  g_assert_cmpstr (b->token, ==, TOKEN_2);
  g_clear_pointer (&pairings, g_ptr_array_unref);

  labels = list_labels ();
  g_assert_cmpuint (g_strv_length (labels), ==, 2);
  g_assert_true (g_strv_contains ((const char * const *) labels, "Sorcerer’s Eye: alpha"));
  g_assert_true (g_strv_contains ((const char * const *) labels, "Sorcerer’s Eye: beta"));

  /* Paired again (a reinstalled agent): replaced, not added. */
  store (NODE_A, "alpha", FP_2, TOKEN_2);
  pairings = load (&error);
  g_assert_no_error (error);
  g_assert_cmpuint (pairings->len, ==, 2);
  a = find (pairings, NODE_A);
  g_assert_cmpstr (a->fingerprint, ==, FP_2);
  g_assert_cmpstr (a->token, ==, TOKEN_2);
  g_clear_pointer (&pairings, g_ptr_array_unref);

  /* Forget Pairing deletes the item; twice is no error. */
  forget (NODE_A);
  forget (NODE_A);
  pairings = load (&error);
  g_assert_no_error (error);
  g_assert_cmpuint (pairings->len, ==, 1);
  g_assert_null (find (pairings, NODE_A));
  g_assert_nonnull (find (pairings, NODE_B));
}

/* On disk, not in the daemon's memory: there after a restart (a new login). */
static void
test_survives_restart (void)
{
  g_autoptr (GPtrArray) pairings = NULL;
  g_autoptr (GError) error = NULL;

  if (!ensure_keyring ())
    return;

  store (NODE_A, "alpha", FP_1, TOKEN_1);
  seye_test_keyring_stop ();
  keyring_up = FALSE;
  if (!ensure_keyring ())
    return;

  pairings = load (&error);
  g_assert_no_error (error);
  g_assert_nonnull (find (pairings, NODE_A));
  g_assert_cmpstr (find (pairings, NODE_A)->token, ==, TOKEN_1);
}

/* Items of the schema that are not pairings (another version, a hand edit) are left alone. */
static void
test_foreign_items (void)
{
  static const SecretSchema schema = {
    SEYE_KEYRING_SCHEMA, SECRET_SCHEMA_NONE,
    { { "node-id", SECRET_SCHEMA_ATTRIBUTE_STRING }, { "fingerprint", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 } }
  };
  g_autoptr (GPtrArray) pairings = NULL;
  g_autoptr (GError) error = NULL;

  if (!ensure_keyring ())
    return;

  g_assert_true (secret_password_store_sync (&schema, SECRET_COLLECTION_DEFAULT, "not a token",
                                             "hello", NULL, &error,
                                             "node-id", "d0000000000000000000000000000009",
                                             "fingerprint", FP_1, NULL));
  g_assert_no_error (error);

  pairings = load (&error);
  g_assert_no_error (error);
  g_assert_null (find (pairings, "d0000000000000000000000000000009"));
}

/* A Prometheus server's password or token, by URL: kept, replaced, read, deleted. */
static char *
lookup_secret (const char *url)
{
  g_autoptr (GError) error = NULL;
  Wait wait = { NULL };
  char *secret;

  seye_keyring_lookup_server_secret_async (url, NULL, done_cb, &wait);
  g_assert_true (seye_test_wait_until (done_yet_cb, &wait, 30000));
  secret = seye_keyring_lookup_server_secret_finish (wait.result, &error);
  g_assert_no_error (error);
  g_object_unref (wait.result);

  return secret;
}

static void
store_secret (const char *url,
              const char *secret)
{
  g_autoptr (GError) error = NULL;
  Wait wait = { NULL };

  seye_keyring_store_server_secret_async (url, secret, NULL, done_cb, &wait);
  g_assert_true (seye_test_wait_until (done_yet_cb, &wait, 30000));
  g_assert_true (seye_keyring_store_server_secret_finish (wait.result, &error));
  g_assert_no_error (error);
  g_object_unref (wait.result);
}

static void
forget_secret (const char *url)
{
  g_autoptr (GError) error = NULL;
  Wait wait = { NULL };

  seye_keyring_forget_server_secret_async (url, NULL, done_cb, &wait);
  g_assert_true (seye_test_wait_until (done_yet_cb, &wait, 30000));
  g_assert_true (seye_keyring_forget_server_secret_finish (wait.result, &error));
  g_assert_no_error (error);
  g_object_unref (wait.result);
}

static void
test_server_secrets (void)
{
  g_autoptr (GPtrArray) pairings = NULL;
  g_autoptr (GError) error = NULL;
  char *secret;

  if (!ensure_keyring ())
    return;

  g_assert_null (lookup_secret ("https://prom.example:9090"));

  store_secret ("https://prom.example:9090", "first token");
  store_secret ("https://other.example:9090", "other password");
  store_secret ("https://prom.example:9090", "second token");

  secret = lookup_secret ("https://prom.example:9090");
  g_assert_cmpstr (secret, ==, "second token");
  seye_keyring_secret_free (secret);
  secret = lookup_secret ("https://other.example:9090");
  g_assert_cmpstr (secret, ==, "other password");
  seye_keyring_secret_free (secret);

  /* Not pairings: loading the pairings does not see them. */
  pairings = load (&error);
  g_assert_no_error (error);
  for (guint i = 0; i < pairings->len; i++)
    g_assert_cmpstr (((SeyePairing *) pairings->pdata[i])->token, !=, "second token");

  forget_secret ("https://prom.example:9090");
  forget_secret ("https://prom.example:9090");
  g_assert_null (lookup_secret ("https://prom.example:9090"));
  secret = lookup_secret ("https://other.example:9090");
  g_assert_cmpstr (secret, ==, "other password");
  seye_keyring_secret_free (secret);
  forget_secret ("https://other.example:9090");
}

static void
test_unavailable (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr (GPtrArray) pairings = NULL;
      g_autoptr (GError) error = NULL;

      /* A desktop without any session bus, so without a keyring. */
      g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/seye-bus", TRUE);
      pairings = load (&error);
      g_assert_null (pairings);
      g_assert_error (error, SEYE_ERROR, SEYE_ERROR_UNAVAILABLE);
      g_printerr ("%s\n", error->message);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*keyring is not available*gnome-keyring*");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  if (!g_test_subprocess ())
    {
      home = g_dir_make_tmp ("seye-keyring-XXXXXX", &error);
      g_assert_no_error (error);
    }

  g_test_add_func ("/seye/keyring/unavailable", test_unavailable);
  g_test_add_func ("/seye/keyring/round-trip", test_round_trip);
  g_test_add_func ("/seye/keyring/survives-restart", test_survives_restart);
  g_test_add_func ("/seye/keyring/foreign-items", test_foreign_items);
  g_test_add_func ("/seye/keyring/server-secrets", test_server_secrets);

  status = g_test_run ();

  seye_test_keyring_stop ();
  if (home != NULL)
    {
      const char *rm[] = { "rm", "-rf", home, NULL };

      g_spawn_sync (NULL, (char **) rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
      g_free (home);
    }

  return status;
}
