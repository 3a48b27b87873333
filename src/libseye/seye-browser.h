/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "seye-txt.h"

G_BEGIN_DECLS

/**
 * SeyeServiceInfo:
 *
 * One resolved _sorcerers-eye._tcp service as seen on one interface and protocol.
 */
typedef struct
{
  char          *key;           /* "IFINDEX/PROTO/NAME": unique per browse result */
  char          *name;          /* service instance name (what the node announces) */
  char          *host_name;     /* e.g. "node-1.local" */
  char          *address;       /* literal address; IPv6 link-local with "%scope" */
  guint16        port;
  int            interface;
  int            protocol;      /* AVAHI_PROTO_INET or AVAHI_PROTO_INET6 */
  SeyeTxtRecord  txt;
} SeyeServiceInfo;

#define SEYE_TYPE_SERVICE_INFO (seye_service_info_get_type ())
GType            seye_service_info_get_type (void) G_GNUC_CONST;
SeyeServiceInfo *seye_service_info_copy     (const SeyeServiceInfo *self) G_GNUC_WARN_UNUSED_RESULT;
void             seye_service_info_free     (SeyeServiceInfo       *self);
char            *seye_service_info_dup_uri  (const SeyeServiceInfo *self) G_GNUC_WARN_UNUSED_RESULT;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SeyeServiceInfo, seye_service_info_free)

/**
 * SeyeBrowser:
 *
 * Browses SEYE_SERVICE_TYPE through Avahi on every interface and protocol,
 * from the GLib main loop. Resolves each service once, a few at a time, and
 * keeps what it said; resolves it again when asked (seye_browser_resolve_again():
 * its node stopped answering there, e.g. an agent restarted on another port) or
 * when it comes back. Survives avahi-daemon going away and coming back.
 *
 * Signals:
 *  - "service-resolved" (SeyeServiceInfo *info): found, or found again with new data.
 *  - "service-removed"  (const char *key): gone from mDNS.
 *  - "all-for-now": the initial burst of answers is over.
 * Properties:
 *  - "available" (gboolean, read-only): Avahi is reachable and browsing.
 *  - "status-message" (string, read-only): why discovery is off, in words a user can act on;
 *    NULL while available.
 *  - "limit-message" (string, read-only): set once one of avahi-daemon's limits is reached
 *    (objects per client, cache entries), with the setting to raise; it stays.
 */
#define SEYE_TYPE_BROWSER (seye_browser_get_type ())
G_DECLARE_FINAL_TYPE (SeyeBrowser, seye_browser, SEYE, BROWSER, GObject)

SeyeBrowser *seye_browser_new                (void) G_GNUC_WARN_UNUSED_RESULT;
void         seye_browser_start              (SeyeBrowser *self);
gboolean     seye_browser_get_available      (SeyeBrowser *self);
const char  *seye_browser_get_status_message (SeyeBrowser *self);
const char  *seye_browser_get_limit_message  (SeyeBrowser *self);
guint        seye_browser_get_n_pending      (SeyeBrowser *self);
void         seye_browser_resolve_again      (SeyeBrowser *self,
                                              const char  *key);

G_END_DECLS
