/* hangar-auth-request.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* What one field of a request asks for. */
typedef enum
{
  HANGAR_AUTH_FIELD_USERNAME,  /* a user or authentication name, shown */
  HANGAR_AUTH_FIELD_PASSWORD,  /* a password or passphrase, hidden */
  HANGAR_AUTH_FIELD_TEXT,      /* any other answer, shown (a realm, "yes") */
} HangarAuthFieldKind;

#define HANGAR_TYPE_AUTH_FIELD_KIND (hangar_auth_field_kind_get_type ())
GType hangar_auth_field_kind_get_type (void);

#define HANGAR_TYPE_AUTH_REQUEST (hangar_auth_request_get_type ())

G_DECLARE_FINAL_TYPE (HangarAuthRequest, hangar_auth_request, HANGAR, AUTH_REQUEST, GObject)

/* A question for the user while a connection opens: libvirt's credential
 * callback (user names, passwords, SASL) or OpenSSH's askpass.  The
 * thread that needs the answer waits in hangar_auth_request_wait (); the
 * main context shows the fields, sets the answers and calls
 * hangar_auth_request_respond (), or hangar_auth_request_cancel ().
 *
 * Answers are never logged.  They are wiped from memory as soon as they
 * were handed on, and at the latest when the request is finalized.
 *
 * Properties: "uri" (the connection's), "finished" (TRUE once answered or
 * cancelled, from either side). */
/* "finished" is notified on @context (NULL: the global default one),
 * where the request is answered. */
HangarAuthRequest  *hangar_auth_request_new         (const char         *uri,
                                                     GMainContext       *context);
void                hangar_auth_request_add_field   (HangarAuthRequest  *self,
                                                     HangarAuthFieldKind kind,
                                                     const char         *prompt,
                                                     const char         *initial);

const char         *hangar_auth_request_get_uri     (HangarAuthRequest  *self);
unsigned            hangar_auth_request_get_n_fields (HangarAuthRequest *self);
HangarAuthFieldKind hangar_auth_request_get_kind    (HangarAuthRequest  *self,
                                                     unsigned            index);
/* The prompt as libvirt or OpenSSH wrote it ("Password:"). */
const char         *hangar_auth_request_get_prompt  (HangarAuthRequest  *self,
                                                     unsigned            index);
/* A suggested answer (libvirt's default user name), or NULL. */
const char         *hangar_auth_request_get_initial (HangarAuthRequest  *self,
                                                     unsigned            index);

/* On the main context: the answer to field @index (copied). */
void                hangar_auth_request_set_answer  (HangarAuthRequest  *self,
                                                     unsigned            index,
                                                     const char         *answer);
void                hangar_auth_request_respond     (HangarAuthRequest  *self);
/* Callable from any thread; a no-op once finished. */
void                hangar_auth_request_cancel      (HangarAuthRequest  *self);
gboolean            hangar_auth_request_get_finished (HangarAuthRequest *self);

/* In the thread that asked: blocks until the request is answered (TRUE)
 * or cancelled, also through @cancellable (FALSE). */
gboolean            hangar_auth_request_wait        (HangarAuthRequest  *self,
                                                     GCancellable       *cancellable);
/* After a successful wait: the answer to @index as a new malloc () string
 * for its receiver to own (libvirt frees it), and wipes the request's own
 * copy.  Any thread. */
char               *hangar_auth_request_steal_answer (HangarAuthRequest *self,
                                                      unsigned           index);

/* Overwrites @secret's bytes and frees it.  NULL is fine. */
void                hangar_secret_free              (char               *secret);

G_END_DECLS
