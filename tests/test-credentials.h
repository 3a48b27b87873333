/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* test-credentials' files: fake HTTPS agents, tokens and pairing (test-credentials.c,
 * with main()), and look-alikes beside the real node (test-credentials-look-alike.c). */

#include <libsoup/soup.h>

#include "seye-monitor.h"
#include "seye-test-util.h"

G_BEGIN_DECLS

#define NODE_ID  "c0000000000000000000000000000001"
#define OTHER_ID "c0000000000000000000000000000002"
#define TOKEN    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define TOKEN_2  "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"

typedef struct
{
  GTlsCertificate *certificate;
  char            *fingerprint;   /* as openssl computes it */
  char            *cert_path;
} TestCert;

typedef struct
{
  SoupServer *server;
  guint16     port;
  char       *token;          /* what it wants; NULL: open to anyone */
  gboolean    forbidden;      /* answers 403 to everything, as --api-access=loopback does */
  double      cpu;            /* the CPU busy it reports */
  GPtrArray  *authorization;  /* per request: the Authorization header, "" when none */
  GHashTable *connections;    /* GSocket -> itself: one per connection it accepted */
} FakeAgent;

TestCert *
test_cert_new (const char *name,
               const char *ca_name);

FakeAgent *
fake_agent_new (TestCert   *cert,
                const char *token,
                guint16     port);

guint
fake_agent_count_tokens (FakeAgent *fake);

SeyeMonitor *
new_monitor (void);

SeyeServiceInfo *
announce (const char *key,
          const char *name,
          const char *node_id,
          guint16     port,
          const char *tls_fingerprint,
          gboolean    auth);

void
add_pairing (SeyeMonitor *monitor,
             const char  *node_id,
             const char  *fingerprint,
             const char  *token);

void test_cert_free (TestCert *cert);
void fake_agent_free (FakeAgent *fake);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestCert, test_cert_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FakeAgent, fake_agent_free)

void test_look_alike (void);
void test_look_alike_tls_first (void);
void test_look_alike_tls_after (void);
void test_look_alike_tls_alone_first (void);
void test_look_alike_plain_first (void);
void test_look_alike_plain_untagged_first (void);
void test_look_alike_plain_alone_first (void);

G_END_DECLS
