/* SPDX-License-Identifier: GPL-3.0-or-later */
/* seye_sanitize_display(): what another machine sends is shown, never obeyed. */
#include "config.h"

#include <string.h>

#include "seye-sanitize.h"

static void
assert_sanitized (const char *in,
                  const char *expected)
{
  g_autofree char *out = seye_sanitize_display (in);

  g_assert_cmpstr (out, ==, expected);
  g_assert_true (g_utf8_validate (out, -1, NULL));
}

static void
test_plain (void)
{
  /* Text of every script, emoji and punctuation, a backslash included, stays as it is. */
  static const char * const kept[] = {
    "",
    "build-server",
    "Debian GNU/Linux 12 (bookworm)",
    "Intel(R) Core(TM) i7-8565U CPU @ 1.80GHz",
    "café · Größe · Ελληνικά · Русский · 日本語 · 한국어",
    "עברית · العربية",   /* right-to-left letters are letters: no marks in them */
    "🧙 sorcerer 🔮",
    "C:\\path\\x1b is plain text",
    "/mnt/my disk",
  };

  for (guint i = 0; i < G_N_ELEMENTS (kept); i++)
    assert_sanitized (kept[i], kept[i]);

  g_assert_null (seye_sanitize_display (NULL));
}

static void
test_c0 (void)
{
  /* The attack of issue 11: retitle the terminal, then clear it. */
  assert_sanitized ("\033]0;PWNED\a\033[2J", "\\x1b]0;PWNED\\x07\\x1b[2J");
  assert_sanitized ("a\tb\nc\rd", "a\\x09b\\x0ac\\x0dd");
  assert_sanitized ("\x01\x08\x1f", "\\x01\\x08\\x1f");
  assert_sanitized ("del\x7f", "del\\x7f");
}

static void
test_c1 (void)
{
  /* U+009B is CSI on a terminal that reads C1 controls; U+0085 is NEXT LINE. */
  assert_sanitized ("a\xc2\x9b" "2Jb", "aU+009B2Jb");
  assert_sanitized ("\xc2\x80\xc2\x85\xc2\x9f", "U+0080U+0085U+009F");
  /* The first characters past C1 are letters again. */
  assert_sanitized ("\xc2\xa0\xc3\xa9", "\xc2\xa0\xc3\xa9");
}

static void
test_bidi (void)
{
  static const struct { const char *in; const char *out; } cases[] = {
    { "\u200e", "U+200E" }, { "\u200f", "U+200F" },
    { "\u202a", "U+202A" }, { "\u202b", "U+202B" }, { "\u202c", "U+202C" },
    { "\u202d", "U+202D" }, { "\u202e", "U+202E" },
    { "\u2066", "U+2066" }, { "\u2067", "U+2067" }, { "\u2068", "U+2068" }, { "\u2069", "U+2069" },
    { "\u061c", "U+061C" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    assert_sanitized (cases[i].in, cases[i].out);

  /* "invoice\u202Efdp.exe" shows as "invoiceexe.pdf" when obeyed. */
  assert_sanitized ("invoice\u202efdp.exe", "invoiceU+202Efdp.exe");
}

static void
test_zero_width (void)
{
  assert_sanitized ("a\u200bb\u200cc\u200dd\u2060e\ufefff", "aU+200BbU+200CcU+200DdU+2060eU+FEFFf");
  /* Other invisible formatting characters: soft hyphen, a tag character. */
  assert_sanitized ("x\u00ady", "xU+00ADy");
  assert_sanitized ("x\U000e0041y", "xU+E0041y");
}

static void
test_separators (void)
{
  assert_sanitized ("line\u2028paragraph\u2029end", "lineU+2028paragraphU+2029end");
}

static void
test_invalid_utf8 (void)
{
  assert_sanitized ("a\xff" "b", "a\\xffb");
  /* A sequence cut short, at the end and before an ASCII byte. */
  assert_sanitized ("caf\xc3", "caf\\xc3");
  assert_sanitized ("\xe2\x82x", "\\xe2\\x82x");
  /* Overlong "/", an encoded surrogate, a code point past U+10FFFF. */
  assert_sanitized ("\xc0\xaf", "\\xc0\\xaf");
  assert_sanitized ("\xed\xa0\x80", "\\xed\\xa0\\x80");
  assert_sanitized ("\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80");
  /* An escaped byte never swallows the valid character after it. */
  assert_sanitized ("\xff\xc3\xa9", "\\xff\xc3\xa9");
}

/* Whatever comes in, nothing hidden comes out. */
static void
test_every_code_point (void)
{
  for (gunichar c = 1; c < 0x110000; c++)
    {
      char buf[8] = { 0 };
      g_autofree char *out = NULL;
      gboolean hidden;

      if (c >= 0xd800 && c <= 0xdfff)
        continue;

      g_unichar_to_utf8 (c, buf);
      out = seye_sanitize_display (buf);
      g_assert_true (g_utf8_validate (out, -1, NULL));

      hidden = c < 0x20 || (c >= 0x7f && c <= 0x9f) ||
               g_unichar_type (c) == G_UNICODE_FORMAT ||
               c == 0x2028 || c == 0x2029;
      if (hidden)
        g_assert_cmpstr (out, !=, buf);
      else
        g_assert_cmpstr (out, ==, buf);

      for (const char *p = out; *p; p = g_utf8_next_char (p))
        {
          gunichar o = g_utf8_get_char (p);

          g_assert_false (o < 0x20 || (o >= 0x7f && o <= 0x9f) ||
                          g_unichar_type (o) == G_UNICODE_FORMAT || o == 0x2028 || o == 0x2029);
        }
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/seye/sanitize/plain", test_plain);
  g_test_add_func ("/seye/sanitize/c0", test_c0);
  g_test_add_func ("/seye/sanitize/c1", test_c1);
  g_test_add_func ("/seye/sanitize/bidi", test_bidi);
  g_test_add_func ("/seye/sanitize/zero-width", test_zero_width);
  g_test_add_func ("/seye/sanitize/separators", test_separators);
  g_test_add_func ("/seye/sanitize/invalid-utf8", test_invalid_utf8);
  g_test_add_func ("/seye/sanitize/every-code-point", test_every_code_point);

  return g_test_run ();
}
