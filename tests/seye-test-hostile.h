/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * What a hostile node puts in its name: one string per class of character that
 * must never reach a terminal, a label or a log as it is, and how
 * seye_sanitize_display() shows it. Each fits an mDNS service name (63 bytes)
 * with a prefix of 20 bytes.
 */
typedef struct
{
  const char *kind;
  const char *raw;
  const char *shown;
} SeyeTestHostile;

static const SeyeTestHostile seye_test_hostile[] = {
  /* Retitles the terminal and clears it (issue 11). */
  { "c0", "\033]0;PWNED\a\033[2J", "\\x1b]0;PWNED\\x07\\x1b[2J" },
  /* CSI and NEXT LINE as C1 controls. */
  { "c1", "\xc2\x9b" "2J\xc2\x85", "U+009B2JU+0085" },
  { "bidi", "\u202egnp.exe\u202c\u2066\u2069\u200e\u200f\u061c",
    "U+202Egnp.exeU+202CU+2066U+2069U+200EU+200FU+061C" },
  { "zero-width", "a\u200bb\u200cc\u200dd\u2060e\ufeff", "aU+200BbU+200CcU+200DdU+2060eU+FEFF" },
  { "separators", "a\u2028b\u2029c", "aU+2028bU+2029c" },
};

/* Every class at once, for the fields of /v1/node (and what it shows as). */
#define SEYE_TEST_HOSTILE_ALL \
  "\033]0;PWNED\a\033[2J|\xc2\x9b" "2J\xc2\x85|\u202egnp.exe\u202c\u2066\u2069\u200e\u200f\u061c|" \
  "a\u200bb\u200cc\u200dd\u2060e\ufeff|a\u2028b\u2029c"
#define SEYE_TEST_HOSTILE_ALL_SHOWN \
  "\\x1b]0;PWNED\\x07\\x1b[2J|U+009B2JU+0085|U+202Egnp.exeU+202CU+2066U+2069U+200EU+200FU+061C|" \
  "aU+200BbU+200CcU+200DdU+2060eU+FEFF|aU+2028bU+2029c"

/* Fails the test when @text holds a character that a terminal or a text layout
 * obeys or hides: a control other than the newlines between lines, a formatting
 * character, a line or paragraph separator, or bytes that are not UTF-8. */
static inline void
seye_test_assert_shown_safely (const char *what,
                               const char *text)
{
  const char *end = NULL;

  if (!g_utf8_validate (text, -1, &end))
    {
      g_autofree char *escaped = g_strescape (text, NULL);

      g_error ("%s: not UTF-8 at byte %" G_GSIZE_FORMAT " of:\n%s", what, (gsize) (end - text), escaped);
    }

  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      GUnicodeType type = g_unichar_type (c);

      if (c == '\n')
        continue;
      if (type == G_UNICODE_CONTROL || type == G_UNICODE_FORMAT ||
          type == G_UNICODE_LINE_SEPARATOR || type == G_UNICODE_PARAGRAPH_SEPARATOR)
        {
          g_autofree char *escaped = g_strescape (text, NULL);

          g_error ("%s: U+%04X reached it as it is, at byte %" G_GSIZE_FORMAT " of:\n%s",
                   what, c, (gsize) (p - text), escaped);
        }
    }
}

/**
 * SeyeTestHostileAgent:
 *
 * A node that says hostile things about itself: its /v1/node is the real agent
 * at @backend's with every string replaced by SEYE_TEST_HOSTILE_ALL (the name
 * "hostile " SEYE_TEST_HOSTILE_ALL); everything else is the real agent's answer.
 * Or, with @reason, a node that answers every request with HTTP 503 and that
 * reason phrase. It serves on 127.0.0.1 from a process of its own
 * ($SEYE_FAKE_AGENT --relay), so that a test can run `seye` to its end meanwhile.
 */
#define SEYE_TEST_HOSTILE_NAME "hostile " SEYE_TEST_HOSTILE_ALL
#define SEYE_TEST_HOSTILE_NAME_SHOWN "hostile " SEYE_TEST_HOSTILE_ALL_SHOWN

typedef struct _SeyeTestHostileAgent SeyeTestHostileAgent;

SeyeTestHostileAgent *seye_test_hostile_agent_start    (const char           *backend,
                                                        const char           *reason);
guint16               seye_test_hostile_agent_get_port (SeyeTestHostileAgent *hostile);
void                  seye_test_hostile_agent_free     (SeyeTestHostileAgent *hostile);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SeyeTestHostileAgent, seye_test_hostile_agent_free)

G_END_DECLS
