/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <avahi-client/client.h>
#include <avahi-client/lookup.h>
#include <avahi-glib/glib-watch.h>

#include "seye-browser.h"

G_BEGIN_DECLS

/*
 * SeyeBrowser across files, by job:
 *   seye-browser.c          the object, SeyeServiceInfo, the Avahi client and its service browser
 *   seye-browser-resolve.c  resolving: a queue, at most max_resolving resolvers open at once,
 *                           each freed once it answered; avahi-daemon's limits said in words
 *
 * Every resolver counts against avahi-daemon's objects-per-client-max (1,024 by
 * default), and a resolver kept open per service stops discovery near 500 nodes on a
 * dual-stack LAN. So a service is resolved once, what it said is kept, and it is
 * resolved again only when asked (seye_browser_resolve_again(): its node did not
 * answer there) or when it comes back after a REMOVE.
 */

#define SEYE_BROWSER_MAX_RESOLVERS 64   /* resolvers open at once, at most (avahi-daemon allows 1,024 objects a client) */

/* One browse result: one service on one interface and protocol. */
typedef struct
{
  SeyeBrowser          *browser;      /* borrowed */
  char                 *key;          /* "IFINDEX/PROTO/NAME" */
  int                   interface;
  int                   protocol;
  char                 *name;
  char                 *type;
  char                 *domain;

  AvahiServiceResolver *resolver;     /* only while it is being resolved */
  GList                *queued;       /* its link in the browser's queue, or NULL */
  SeyeServiceInfo      *info;         /* what it said last; NULL until resolved */
  gint64                resolved_us;  /* monotonic: when a resolver last answered or failed */
  guint                 retry_id;
  guint                 failures;     /* resolutions failed in a row */
  guint                 timed_out : 1; /* the last one timed out */
} SeyeBrowserEntry;

struct _SeyeBrowser
{
  GObject              parent_instance;

  AvahiGLibPoll       *poll;
  AvahiClient         *client;
  AvahiServiceBrowser *service_browser;
  GHashTable          *entries;        /* key -> SeyeBrowserEntry */

  /* Resolving */
  GQueue               queue;          /* SeyeBrowserEntry waiting for a resolver, next first */
  guint                n_resolving;    /* resolvers open */
  guint                max_resolving;  /* at most; lower once avahi-daemon had no room */
  guint                max_wanted;     /* SEYE_BROWSER_MAX_RESOLVERS; what a new client starts with */
  guint                peak_resolving; /* the most open at once since started (for tests) */
  guint                n_timed_out;    /* services whose last resolution timed out */
  guint                pump_id;        /* resolving again after avahi-daemon had no room */

  char                *status_message;
  char                *limit_message;
  guint                restart_id;
  guint                available : 1;
  guint                started : 1;
  guint                full_said : 1;
};

/* seye-browser.c */
void  _seye_browser_say_limit           (SeyeBrowser      *self,
                                         const char       *message);
void  _seye_browser_emit_resolved       (SeyeBrowser      *self,
                                         SeyeServiceInfo  *info);

/* seye-browser-resolve.c */
SeyeBrowserEntry *_seye_browser_entry_new (SeyeBrowser *self,
                                           const char  *key,
                                           int          interface,
                                           int          protocol,
                                           const char  *name,
                                           const char  *type,
                                           const char  *domain);
void  _seye_browser_entry_free          (gpointer          data);
void  _seye_browser_queue               (SeyeBrowserEntry *entry,
                                         gboolean          first);
void  _seye_browser_pump                (SeyeBrowser      *self);
void  _seye_browser_stop_resolving      (SeyeBrowser      *self);

/* For tests: resolvers open now, and the most open at once since started; and
 * more at once than avahi-daemon allows, to see what it says then. */
guint _seye_browser_get_n_resolving     (SeyeBrowser      *self);
guint _seye_browser_get_peak_resolving  (SeyeBrowser      *self);
void  _seye_browser_set_max_resolving   (SeyeBrowser      *self,
                                         guint             max_resolving);

G_END_DECLS
