/* hangar-domain.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "hangar-domain-doc.h"

G_BEGIN_DECLS

typedef enum
{
  HANGAR_DOMAIN_STATE_SHUTOFF,
  HANGAR_DOMAIN_STATE_RUNNING,
  HANGAR_DOMAIN_STATE_PAUSED,
  HANGAR_DOMAIN_STATE_SHUTTING_DOWN,
  HANGAR_DOMAIN_STATE_CRASHED,
  HANGAR_DOMAIN_STATE_SUSPENDED,
} HangarDomainState;

#define HANGAR_TYPE_DOMAIN_STATE (hangar_domain_state_get_type ())
GType hangar_domain_state_get_type (void);

/* A translated, user-visible name of the state ("Running", "Shut off") */
const char *hangar_domain_state_to_label (HangarDomainState state);

/* What a user can do to a domain.  Each is refused with
 * HANGAR_VIRT_ERROR_INVALID_STATE and a reason when the state forbids it
 * (see hangar_domain_check_action ()). */
typedef enum
{
  HANGAR_DOMAIN_ACTION_START,       /* restores a managed save image if any */
  HANGAR_DOMAIN_ACTION_SHUTDOWN,    /* ACPI request: the guest decides */
  HANGAR_DOMAIN_ACTION_FORCE_OFF,
  HANGAR_DOMAIN_ACTION_REBOOT,      /* ACPI request */
  HANGAR_DOMAIN_ACTION_RESET,       /* immediate, like a reset button */
  HANGAR_DOMAIN_ACTION_PAUSE,
  HANGAR_DOMAIN_ACTION_RESUME,
  HANGAR_DOMAIN_ACTION_SAVE,        /* managed save: memory to disk, then off */
  HANGAR_DOMAIN_ACTION_DISCARD_SAVE,
  HANGAR_DOMAIN_ACTION_UNDEFINE,
  HANGAR_DOMAIN_ACTION_RENAME,
  HANGAR_DOMAIN_ACTION_SET_AUTOSTART,
  HANGAR_DOMAIN_ACTION_CLONE,       /* see hangar-clone.h */
} HangarDomainAction;

#define HANGAR_TYPE_DOMAIN_ACTION (hangar_domain_action_get_type ())
GType hangar_domain_action_get_type (void);

typedef struct _HangarConnection HangarConnection;

#define HANGAR_TYPE_DOMAIN (hangar_domain_get_type ())

G_DECLARE_FINAL_TYPE (HangarDomain, hangar_domain, HANGAR, DOMAIN, GObject)

/* Resource use of a running domain over the last sampling interval, from
 * its connection's bulk statistics (see hangar-stats-sampler.h).  A
 * negative rate is unknown: the first sample after a start, or a driver
 * that does not report the group (libvirt's test driver reports only the
 * state). */
typedef struct
{
  gint64  time;              /* g_get_monotonic_time () of the sample */
  double  cpu_percent;       /* of all the guest's vCPUs together, 0 to 100 */
  guint64 memory_kib;        /* what the guest has now (the balloon), 0 when unknown */
  guint64 memory_used_kib;   /* of it in use: the guest's own figure where its balloon
                              * driver reports one, else QEMU's resident memory;
                              * 0 when unknown */
  double  disk_read_rate;    /* bytes per second, all disks */
  double  disk_write_rate;
  double  net_rx_rate;       /* bytes per second, all interfaces */
  double  net_tx_rate;
} HangarDomainStats;

#define HANGAR_TYPE_DOMAIN_STATS (hangar_domain_stats_get_type ())
GType              hangar_domain_stats_get_type (void);
HangarDomainStats *hangar_domain_stats_copy     (const HangarDomainStats *stats);
void               hangar_domain_stats_free     (HangarDomainStats       *stats);

/* How many samples a domain keeps, oldest dropped first. */
#define HANGAR_DOMAIN_STATS_HISTORY 60

/* Properties: "name", "uuid", "state", "persistent", "autostart",
 * "has-managed-save", "has-pending-changes", "stats".  They change on the
 * main context, from libvirt's events and from the actions' results.
 *
 * Signal "definition-changed" (gboolean live): libvirt reported a new
 * definition, from Hangar or another program: the persistent one (live
 * FALSE: defined again, renamed) or the running one (live TRUE: a device
 * was plugged in, or the guest released one that was unplugged).  Views
 * showing the definition read it again. */
HangarConnection *hangar_domain_get_connection (HangarDomain *self);
const char       *hangar_domain_get_name       (HangarDomain *self);
const char       *hangar_domain_get_uuid       (HangarDomain *self);
HangarDomainState hangar_domain_get_state      (HangarDomain *self);
gboolean          hangar_domain_get_persistent (HangarDomain *self);
gboolean          hangar_domain_get_autostart  (HangarDomain *self);
/* TRUE when a managed save image waits: starting restores it. */
gboolean          hangar_domain_get_has_managed_save (HangarDomain *self);
/* TRUE while the domain runs with a definition older than the persistent
 * one: an apply wrote changes that take effect at the next boot.  Known
 * from Hangar's own applies and hangar_domain_load_pending_changes_async
 * (); FALSE once the domain is shut off. */
gboolean          hangar_domain_get_has_pending_changes (HangarDomain *self);

/* Statistics are sampled only while someone watches: each call to watch
 * needs its unwatch.  Rows and pages watch the domains they show. */
void              hangar_domain_watch_stats    (HangarDomain *self);
void              hangar_domain_unwatch_stats  (HangarDomain *self);
/* The last sample, or NULL when the domain does not run or was not
 * sampled yet.  "stats" is notified with each new one. */
const HangarDomainStats *hangar_domain_get_stats (HangarDomain *self);
/* The samples since the domain started (at most HANGAR_DOMAIN_STATS_HISTORY),
 * oldest first; @n_samples is set to how many. */
const HangarDomainStats *hangar_domain_get_stats_history (HangarDomain *self,
                                                          unsigned     *n_samples);

/* FALSE with HANGAR_VIRT_ERROR_INVALID_STATE (or NOT_CONNECTED) and a
 * user-visible reason when the last known state forbids @action.  The
 * window enables its actions from this; libvirt checks again. */
gboolean hangar_domain_check_action         (HangarDomain        *self,
                                             HangarDomainAction   action,
                                             GError             **error);

/* Runs one of the actions that need no argument (not RENAME or
 * SET_AUTOSTART, which have their own calls below). */
void     hangar_domain_run_action_async     (HangarDomain        *self,
                                             HangarDomainAction   action,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
gboolean hangar_domain_run_action_finish    (HangarDomain        *self,
                                             GAsyncResult        *result,
                                             GError             **error);

void     hangar_domain_set_autostart_async  (HangarDomain        *self,
                                             gboolean             autostart,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
gboolean hangar_domain_set_autostart_finish (HangarDomain        *self,
                                             GAsyncResult        *result,
                                             GError             **error);

/* Renames a shut off domain (virDomainRename); the entry keeps its UUID. */
void     hangar_domain_rename_async         (HangarDomain        *self,
                                             const char          *new_name,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
gboolean hangar_domain_rename_finish        (HangarDomain        *self,
                                             GAsyncResult        *result,
                                             GError             **error);

/* Undefines the domain, then deletes each of @paths (disk sources the user
 * chose, a path or "pool/volume" for a disk given by its pool): through
 * the storage driver (virStorageVolDelete) where a pool holds it, else as
 * a plain file when the connection is local (never anything else: a block
 * device or a link stays).
 * When the definition went but a path could not be deleted, the error is
 * HANGAR_VIRT_ERROR_PARTIAL naming the paths kept. */
void     hangar_domain_delete_async         (HangarDomain        *self,
                                             const char * const  *paths,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
gboolean hangar_domain_delete_finish        (HangarDomain        *self,
                                             GAsyncResult        *result,
                                             GError             **error);

/* Lifecycle.  Each refuses with HANGAR_VIRT_ERROR_INVALID_STATE and a
 * reason when the state forbids it. */
void     hangar_domain_start_async      (HangarDomain        *self,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gboolean hangar_domain_start_finish     (HangarDomain        *self,
                                         GAsyncResult        *result,
                                         GError             **error);
/* ACPI shutdown request: the guest decides. */
void     hangar_domain_shutdown_async   (HangarDomain        *self,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gboolean hangar_domain_shutdown_finish  (HangarDomain        *self,
                                         GAsyncResult        *result,
                                         GError             **error);
/* Force off (virDomainDestroy). */
void     hangar_domain_force_off_async  (HangarDomain        *self,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gboolean hangar_domain_force_off_finish (HangarDomain        *self,
                                         GAsyncResult        *result,
                                         GError             **error);
/* Undefine the persistent definition (keeps storage). */
void     hangar_domain_undefine_async   (HangarDomain        *self,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gboolean hangar_domain_undefine_finish  (HangarDomain        *self,
                                         GAsyncResult        *result,
                                         GError             **error);

/* The definition: @inactive asks for the persistent (next boot) one. */
void             hangar_domain_load_doc_async  (HangarDomain        *self,
                                                gboolean             inactive,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
HangarDomainDoc *hangar_domain_load_doc_finish (HangarDomain        *self,
                                                GAsyncResult        *result,
                                                GError             **error);

/* Applying edits.
 *
 * @base is the definition the editor started from: the document
 * hangar_domain_load_doc_finish () returned for @inactive TRUE (it
 * remembers the text libvirt gave; a copy is compared by its content).
 * @edited is a copy of it with the user's edits.  A worker reads the
 * persistent definition again and compares it with @base in canonical form
 * (C14N: whitespace between elements, attribute order and comments do not
 * count).  When they differ, nothing is written and the call fails with
 * HANGAR_VIRT_ERROR_CONFLICT; the report then holds the definition libvirt
 * has now and the paths of the elements that changed.  A NULL @base skips
 * the check and writes @edited over whatever libvirt holds.
 *
 * To apply the same edits on top of the new definition, the caller makes
 * its typed edits again on a copy of the report's @current and applies
 * that with @current as the base: the model's setters know the dependent
 * changes (<currentMemory> following <memory>, a refitted topology), which
 * a merge of XML elements would get wrong.
 *
 * On success the definition is read back: every value of an element the
 * edit touched that libvirt dropped or changed is one of the report's
 * @warnings.  When the domain runs, what can change live is applied to the
 * running guest too, after the persistent definition was written: a
 * CD-ROM or floppy's media (virDomainUpdateDeviceFlags), an interface's
 * link state, disks, interfaces, host and redirected USB devices added or
 * removed (virDomainAttachDeviceFlags, virDomainDetachDeviceFlags), and
 * <currentMemory> through the balloon (virDomainSetMemoryFlags).  Those
 * paths are the report's @live; everything else, and whatever the
 * hypervisor refused live (with a warning), is in @next_boot and makes
 * "has-pending-changes" TRUE. */
typedef struct
{
  GPtrArray       *warnings;   /* char *, user-visible sentences */
  GPtrArray       *live;       /* char *, element paths */
  GPtrArray       *next_boot;  /* char *, element paths */
  HangarDomainDoc *current;    /* CONFLICT only: libvirt's definition now */
  GPtrArray       *changed;    /* CONFLICT only: its paths that differ from @base */
} HangarApplyReport;

void     hangar_apply_report_free       (HangarApplyReport   *report);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HangarApplyReport, hangar_apply_report_free)

void     hangar_domain_apply_async      (HangarDomain        *self,
                                         HangarDomainDoc     *base,
                                         HangarDomainDoc     *edited,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
/* @report (may be NULL) is set on success and on
 * HANGAR_VIRT_ERROR_CONFLICT, else to NULL. */
gboolean hangar_domain_apply_finish     (HangarDomain        *self,
                                         GAsyncResult        *result,
                                         HangarApplyReport  **report,
                                         GError             **error);

/* Pending changes: where the persistent definition differs from the
 * running one, leaving out what libvirt adds to a running domain's XML
 * only (ids, aliases, allocated ports, <seclabel>, the balloon's current
 * size, pty paths, backing chains, tap names).  The paths of the differing
 * elements (char *), empty when the domain is shut off; it also updates
 * "has-pending-changes". */
void       hangar_domain_load_pending_changes_async  (HangarDomain        *self,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
GPtrArray *hangar_domain_load_pending_changes_finish (HangarDomain        *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

/* A new connected socket to the domain's @index-th graphics display
 * (virDomainOpenGraphicsFD); the caller owns the descriptor. */
void     hangar_domain_open_graphics_fd_async  (HangarDomain        *self,
                                                unsigned             index,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
int      hangar_domain_open_graphics_fd_finish (HangarDomain        *self,
                                                GAsyncResult        *result,
                                                GError             **error);

/* libvirt's screenshot of @screen, with its MIME type
 * ("image/x-portable-pixmap" from QEMU). */
void     hangar_domain_screenshot_async   (HangarDomain        *self,
                                           unsigned             screen,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
GBytes  *hangar_domain_screenshot_finish  (HangarDomain        *self,
                                           GAsyncResult        *result,
                                           char               **mime_type,
                                           GError             **error);

G_END_DECLS
