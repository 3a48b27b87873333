/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  SEYE_TEST_FAKE_RELAY,   /* a real agent's answers, each held back for a while */
  SEYE_TEST_FAKE_MUTE,    /* accepts, reads the request, never answers */
  SEYE_TEST_FAKE_SYNTAX,  /* broken JSON */
  SEYE_TEST_FAKE_HUGE,    /* 8 MB of JSON */
} SeyeTestFakeKind;

/**
 * SeyeTestFake:
 *
 * A server in the test process that is not a proper agent (seye_test_fake_new()).
 */
typedef struct _SeyeTestFake SeyeTestFake;

SeyeTestFake  *seye_test_fake_new            (SeyeTestFakeKind  kind,
                                              GSocket          *socket,
                                              const char       *backend,
                                              guint             delay_ms);
guint16        seye_test_fake_get_port       (SeyeTestFake     *fake);
guint          seye_test_fake_get_n_requests (SeyeTestFake     *fake);
void           seye_test_fake_free           (SeyeTestFake     *fake);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SeyeTestFake, seye_test_fake_free)

G_END_DECLS
