/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <string.h>

G_BEGIN_DECLS

/*
 * Turns fuzz bytes into values: numbers take their bytes raw (so every double,
 * NaN and the infinities included, can come out), strings are a length byte
 * followed by that many bytes of anything but NUL. When the bytes run out
 * everything is zero or empty.
 */
typedef struct
{
  const guint8 *pos;
  const guint8 *end;
} FuzzInput;

static inline void
fuzz_input_take (FuzzInput *input,
                 void      *out,
                 gsize      size)
{
  gsize n = MIN (size, (gsize) (input->end - input->pos));

  memset (out, 0, size);
  memcpy (out, input->pos, n);
  input->pos += n;
}

static inline guint8
fuzz_input_u8 (FuzzInput *input)
{
  guint8 value;

  fuzz_input_take (input, &value, sizeof value);

  return value;
}

static inline guint64
fuzz_input_u64 (FuzzInput *input)
{
  guint64 value;

  fuzz_input_take (input, &value, sizeof value);

  return value;
}

static inline double
fuzz_input_double (FuzzInput *input)
{
  double value;

  fuzz_input_take (input, &value, sizeof value);

  return value;
}

static inline char *
fuzz_input_string (FuzzInput *input)
{
  gsize wanted = fuzz_input_u8 (input);
  gsize len = MIN (wanted, (gsize) (input->end - input->pos));
  const guint8 *nul = memchr (input->pos, '\0', len);
  char *str = g_strndup ((const char *) input->pos, nul != NULL ? (gsize) (nul - input->pos) : len);

  input->pos += len;

  return str;
}

G_END_DECLS
