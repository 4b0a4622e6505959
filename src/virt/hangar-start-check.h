/* hangar-start-check.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "hangar-connection.h"
#include "hangar-domain-doc.h"

G_BEGIN_DECLS

typedef enum
{
  HANGAR_START_PROBLEM_NO_NETWORK_DRIVER, /* <interface type='network'> without a network driver */
  HANGAR_START_PROBLEM_NETWORK_MISSING,   /* the named network does not exist */
  HANGAR_START_PROBLEM_VIRT_TYPE,         /* hypervisor type not offered, or KVM without vmx/svm */
  HANGAR_START_PROBLEM_CPU_MODE,          /* CPU mode the hypervisor type cannot run */
  HANGAR_START_PROBLEM_DISK_MISSING,      /* a disk's source file does not exist */
} HangarStartProblemKind;

#define HANGAR_TYPE_START_PROBLEM (hangar_start_problem_get_type ())

G_DECLARE_FINAL_TYPE (HangarStartProblem, hangar_start_problem, HANGAR, START_PROBLEM, GObject)

HangarStartProblemKind hangar_start_problem_get_kind      (HangarStartProblem *self);
/* Where: "/domain/devices/interface[1]" */
const char            *hangar_start_problem_get_path      (HangarStartProblem *self);
/* What is wrong, translated, one sentence. */
const char            *hangar_start_problem_get_message   (HangarStartProblem *self);
/* What the fix does, translated, e.g. "Use user-mode networking". */
const char            *hangar_start_problem_get_fix_label (HangarStartProblem *self);
/* For DISK_MISSING: the file to create and its size in bytes (settable). */
const char            *hangar_start_problem_get_file      (HangarStartProblem *self);
guint64                hangar_start_problem_get_disk_size (HangarStartProblem *self);
void                   hangar_start_problem_set_disk_size (HangarStartProblem *self,
                                                           guint64             bytes);

/* Looks at @doc against @connection's capabilities, drivers and the files
 * on disk, and lists what would stop it from starting as written.  The
 * result is a GPtrArray of HangarStartProblem (empty when none). */
void       hangar_start_check_async   (HangarConnection    *connection,
                                       HangarDomainDoc     *doc,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data);
GPtrArray *hangar_start_check_finish  (GAsyncResult        *result,
                                       GError             **error);

/* Applies the fix: edits @doc, and for DISK_MISSING creates the image
 * (qcow2, of the problem's disk size) off the main thread. */
void       hangar_start_problem_fix_async  (HangarStartProblem  *self,
                                            HangarDomainDoc     *doc,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
gboolean   hangar_start_problem_fix_finish (HangarStartProblem  *self,
                                            GAsyncResult        *result,
                                            GError             **error);

G_END_DECLS
