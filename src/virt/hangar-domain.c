/* hangar-domain.c
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-domain"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "hangar-domain.h"
#include "hangar-virt-error.h"
#include "hangar-virt-private.h"

struct _HangarDomain
{
  GObject parent_instance;

  /* owned references */
  char              *name;
  char              *collate_key;
  char              *uuid;
  virDomainPtr       dom;

  /* borrowed references */
  HangarConnection  *connection;

  HangarDomainState  state;
  gboolean           persistent;
  gboolean           autostart;
  gboolean           has_managed_save;
};

G_DEFINE_FINAL_TYPE (HangarDomain, hangar_domain, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (HangarDomainState, hangar_domain_state,
  G_DEFINE_ENUM_VALUE (HANGAR_DOMAIN_STATE_SHUTOFF, "shutoff"),
  G_DEFINE_ENUM_VALUE (HANGAR_DOMAIN_STATE_RUNNING, "running"),
  G_DEFINE_ENUM_VALUE (HANGAR_DOMAIN_STATE_PAUSED, "paused"),
  G_DEFINE_ENUM_VALUE (HANGAR_DOMAIN_STATE_SHUTTING_DOWN, "shutting-down"),
  G_DEFINE_ENUM_VALUE (HANGAR_DOMAIN_STATE_CRASHED, "crashed"),
  G_DEFINE_ENUM_VALUE (HANGAR_DOMAIN_STATE_SUSPENDED, "suspended"))

G_DEFINE_ENUM_TYPE (HangarDomainAction, hangar_domain_action,
  G_DEFINE_ENUM_VALUE (HANGAR_DOMAIN_ACTION_START, "start"),
  G_DEFINE_ENUM_VALUE (HANGAR_DOMAIN_ACTION_SHUTDOWN, "shutdown"),
  G_DEFINE_ENUM_VALUE (HANGAR_DOMAIN_ACTION_FORCE_OFF, "force-off"),
  G_DEFINE_ENUM_VALUE (HANGAR_DOMAIN_ACTION_REBOOT, "reboot"),
  G_DEFINE_ENUM_VALUE (HANGAR_DOMAIN_ACTION_RESET, "reset"),
  G_DEFINE_ENUM_VALUE (HANGAR_DOMAIN_ACTION_PAUSE, "pause"),
  G_DEFINE_ENUM_VALUE (HANGAR_DOMAIN_ACTION_RESUME, "resume"),
  G_DEFINE_ENUM_VALUE (HANGAR_DOMAIN_ACTION_SAVE, "save"),
  G_DEFINE_ENUM_VALUE (HANGAR_DOMAIN_ACTION_DISCARD_SAVE, "discard-save"),
  G_DEFINE_ENUM_VALUE (HANGAR_DOMAIN_ACTION_UNDEFINE, "undefine"),
  G_DEFINE_ENUM_VALUE (HANGAR_DOMAIN_ACTION_RENAME, "rename"),
  G_DEFINE_ENUM_VALUE (HANGAR_DOMAIN_ACTION_SET_AUTOSTART, "set-autostart"))

enum {
  PROP_0,
  PROP_NAME,
  PROP_UUID,
  PROP_STATE,
  PROP_PERSISTENT,
  PROP_AUTOSTART,
  PROP_HAS_MANAGED_SAVE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* What a worker needs: its own libvirt reference and copies of the rest,
 * so that it never touches the HangarDomain from another thread. */
typedef struct
{
  virDomainPtr        dom;
  char               *name;
  char               *xml;
  HangarDomainAction  action;
  unsigned            index;
  gboolean            inactive;
  gboolean            flag;        /* SET_AUTOSTART's value */
  char               *new_name;    /* RENAME's */
  char              **paths;       /* delete: what to delete after undefining */
  gboolean            local;       /* delete: plain files may be unlinked */
  gboolean            undefined;   /* delete: set by the worker */
} TaskData;

static void
task_data_free (TaskData *data)
{
  hangar_virt_release (NULL, g_steal_pointer (&data->dom));
  g_free (data->name);
  g_free (data->xml);
  g_free (data->new_name);
  g_strfreev (data->paths);
  g_free (data);
}

typedef struct
{
  GBytes *bytes;
  char   *mime_type;
} Screenshot;

static void
screenshot_free (Screenshot *shot)
{
  g_clear_pointer (&shot->bytes, g_bytes_unref);
  g_free (shot->mime_type);
  g_free (shot);
}

static void
fd_box_free (int *fd)
{
  /* The descriptor was never handed to a caller: do not leak it. */
  if (*fd >= 0)
    close (*fd);
  g_free (fd);
}


/* Worker-side helpers */

typedef struct
{
  virConnectPtr conn;
  virDomainPtr  dom;
} Release;

static gpointer
release_thread_func (gpointer data)
{
  GAsyncQueue *queue = data;

  for (;;)
    {
      Release *release = g_async_queue_pop (queue);

      if (release->dom != NULL)
        virDomainFree (release->dom);
      if (release->conn != NULL)
        virConnectClose (release->conn);
      g_free (release);
    }

  return NULL;
}

void
hangar_virt_release (virConnectPtr conn,
                     virDomainPtr  dom)
{
  static GAsyncQueue *queue;
  Release *release;

  if (conn == NULL && dom == NULL)
    return;

  /* One thread for all: closing a list of thousands of domains must not
   * start thousands of tasks. */
  if (g_once_init_enter (&queue))
    {
      GAsyncQueue *new_queue = g_async_queue_new ();

      g_thread_unref (g_thread_new ("hangar-libvirt-release", release_thread_func, new_queue));
      g_once_init_leave (&queue, new_queue);
    }

  release = g_new0 (Release, 1);
  release->conn = conn;
  release->dom = dom;
  g_async_queue_push (queue, release);
}

HangarDomainState
hangar_domain_state_from_libvirt (int state)
{
  switch (state)
    {
    case VIR_DOMAIN_RUNNING:
    case VIR_DOMAIN_BLOCKED:
      return HANGAR_DOMAIN_STATE_RUNNING;

    case VIR_DOMAIN_PAUSED:
      return HANGAR_DOMAIN_STATE_PAUSED;

    case VIR_DOMAIN_SHUTDOWN:
      return HANGAR_DOMAIN_STATE_SHUTTING_DOWN;

    case VIR_DOMAIN_CRASHED:
      return HANGAR_DOMAIN_STATE_CRASHED;

    case VIR_DOMAIN_PMSUSPENDED:
      return HANGAR_DOMAIN_STATE_SUSPENDED;

    case VIR_DOMAIN_NOSTATE:
    case VIR_DOMAIN_SHUTOFF:
    default:
      return HANGAR_DOMAIN_STATE_SHUTOFF;
    }
}

HangarDomainInfo *
hangar_domain_info_new (virDomainPtr      dom,
                        HangarDomainState state,
                        gboolean          persistent)
{
  HangarDomainInfo *info;
  char uuid[VIR_UUID_STRING_BUFLEN] = "";

  g_return_val_if_fail (dom != NULL, NULL);

  /* Both read the handle's own copy: no call reaches the hypervisor. */
  virDomainGetUUIDString (dom, uuid);

  info = g_new0 (HangarDomainInfo, 1);
  info->dom = dom;
  info->uuid = g_strdup (uuid);
  info->name = g_strdup (virDomainGetName (dom));
  info->state = state;
  info->persistent = persistent;

  return info;
}

void
hangar_domain_info_free (HangarDomainInfo *info)
{
  if (info == NULL)
    return;

  hangar_virt_release (NULL, g_steal_pointer (&info->dom));
  g_free (info->uuid);
  g_free (info->name);
  g_free (info);
}


/* The object */

const char *
hangar_domain_state_to_label (HangarDomainState state)
{
  switch (state)
    {
    case HANGAR_DOMAIN_STATE_SHUTOFF:
      return _("Shut off");

    case HANGAR_DOMAIN_STATE_RUNNING:
      return _("Running");

    case HANGAR_DOMAIN_STATE_PAUSED:
      return _("Paused");

    case HANGAR_DOMAIN_STATE_SHUTTING_DOWN:
      return _("Shutting down");

    case HANGAR_DOMAIN_STATE_CRASHED:
      return _("Crashed");

    case HANGAR_DOMAIN_STATE_SUSPENDED:
      return _("Suspended");

    default:
      g_return_val_if_reached (NULL);
    }
}

static void
hangar_domain_dispose (GObject *object)
{
  HangarDomain *self = (HangarDomain *)object;

  if (self->connection != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->connection),
                                  (gpointer *)&self->connection);
  self->connection = NULL;

  hangar_virt_release (NULL, g_steal_pointer (&self->dom));

  G_OBJECT_CLASS (hangar_domain_parent_class)->dispose (object);
}

static void
hangar_domain_finalize (GObject *object)
{
  HangarDomain *self = (HangarDomain *)object;

  g_free (self->name);
  g_free (self->collate_key);
  g_free (self->uuid);

  G_OBJECT_CLASS (hangar_domain_parent_class)->finalize (object);
}

static void
hangar_domain_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  HangarDomain *self = HANGAR_DOMAIN (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;

    case PROP_UUID:
      g_value_set_string (value, self->uuid);
      break;

    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;

    case PROP_PERSISTENT:
      g_value_set_boolean (value, self->persistent);
      break;

    case PROP_AUTOSTART:
      g_value_set_boolean (value, self->autostart);
      break;

    case PROP_HAS_MANAGED_SAVE:
      g_value_set_boolean (value, self->has_managed_save);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_domain_class_init (HangarDomainClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hangar_domain_dispose;
  object_class->finalize = hangar_domain_finalize;
  object_class->get_property = hangar_domain_get_property;

  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_UUID] =
    g_param_spec_string ("uuid", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       HANGAR_TYPE_DOMAIN_STATE,
                       HANGAR_DOMAIN_STATE_SHUTOFF,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_PERSISTENT] =
    g_param_spec_boolean ("persistent", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_AUTOSTART] =
    g_param_spec_boolean ("autostart", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_HAS_MANAGED_SAVE] =
    g_param_spec_boolean ("has-managed-save", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hangar_domain_init (HangarDomain *self)
{
}

HangarDomain *
hangar_domain_new_from_info (HangarConnection *connection,
                             HangarDomainInfo *info)
{
  HangarDomain *self;

  g_return_val_if_fail (HANGAR_IS_CONNECTION (connection), NULL);
  g_return_val_if_fail (info != NULL, NULL);

  self = g_object_new (HANGAR_TYPE_DOMAIN, NULL);
  self->connection = connection;
  g_object_add_weak_pointer (G_OBJECT (connection), (gpointer *)&self->connection);
  self->uuid = g_strdup (info->uuid);
  self->name = g_strdup (info->name);
  self->collate_key = g_utf8_collate_key (info->name, -1);
  self->state = info->state;
  self->persistent = info->persistent;
  self->autostart = info->autostart;
  self->has_managed_save = info->has_managed_save;
  self->dom = g_steal_pointer (&info->dom);

  return self;
}

gboolean
hangar_domain_set_name (HangarDomain *self,
                        const char   *name)
{
  g_return_val_if_fail (HANGAR_IS_DOMAIN (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  if (g_strcmp0 (self->name, name) == 0)
    return FALSE;

  g_free (self->name);
  self->name = g_strdup (name);
  g_free (self->collate_key);
  self->collate_key = g_utf8_collate_key (name, -1);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);

  return TRUE;
}

void
hangar_domain_set_state (HangarDomain      *self,
                         HangarDomainState  state)
{
  g_return_if_fail (HANGAR_IS_DOMAIN (self));

  if (self->state == state)
    return;

  g_debug ("“%s”: %s → %s", self->name,
           hangar_domain_state_to_label (self->state),
           hangar_domain_state_to_label (state));

  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

/* Stores a boolean property and notifies when it changed. */
static void
set_flag (HangarDomain *self,
          gboolean     *field,
          gboolean      value,
          unsigned      prop)
{
  value = !!value;
  if (*field == value)
    return;

  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

void
hangar_domain_set_persistent (HangarDomain *self,
                              gboolean      persistent)
{
  g_return_if_fail (HANGAR_IS_DOMAIN (self));

  set_flag (self, &self->persistent, persistent, PROP_PERSISTENT);
}

void
hangar_domain_set_autostart (HangarDomain *self,
                             gboolean      autostart)
{
  g_return_if_fail (HANGAR_IS_DOMAIN (self));

  set_flag (self, &self->autostart, autostart, PROP_AUTOSTART);
}

void
hangar_domain_set_has_managed_save (HangarDomain *self,
                                    gboolean      has_managed_save)
{
  g_return_if_fail (HANGAR_IS_DOMAIN (self));

  set_flag (self, &self->has_managed_save, has_managed_save, PROP_HAS_MANAGED_SAVE);
}

gboolean
hangar_domain_update (HangarDomain      *self,
                      const char        *name,
                      HangarDomainState  state,
                      gboolean           persistent)
{
  gboolean renamed;

  g_return_val_if_fail (HANGAR_IS_DOMAIN (self), FALSE);

  g_object_freeze_notify (G_OBJECT (self));
  renamed = name != NULL && hangar_domain_set_name (self, name);
  hangar_domain_set_state (self, state);
  hangar_domain_set_persistent (self, persistent);
  g_object_thaw_notify (G_OBJECT (self));

  return renamed;
}

void
hangar_domain_set_virt (HangarDomain *self,
                        virDomainPtr  dom)
{
  g_return_if_fail (HANGAR_IS_DOMAIN (self));

  if (self->dom == dom)
    {
      /* The caller's reference is one too many. */
      hangar_virt_release (NULL, dom);
      return;
    }

  hangar_virt_release (NULL, g_steal_pointer (&self->dom));
  self->dom = dom;
}

virDomainPtr
hangar_domain_dup_virt (HangarDomain *self)
{
  g_return_val_if_fail (HANGAR_IS_DOMAIN (self), NULL);

  if (self->dom == NULL)
    return NULL;

  /* Only counts a reference: nothing reaches the hypervisor. */
  virDomainRef (self->dom);

  return self->dom;
}

int
hangar_domain_compare (gconstpointer a,
                       gconstpointer b,
                       gpointer      user_data)
{
  const HangarDomain *da = a;
  const HangarDomain *db = b;
  int ret;

  ret = strcmp (da->collate_key, db->collate_key);
  if (ret == 0)
    ret = strcmp (da->name, db->name);
  if (ret == 0)
    ret = strcmp (da->uuid, db->uuid);

  return ret;
}

HangarConnection *
hangar_domain_get_connection (HangarDomain *self)
{
  g_return_val_if_fail (HANGAR_IS_DOMAIN (self), NULL);

  return self->connection;
}

const char *
hangar_domain_get_name (HangarDomain *self)
{
  g_return_val_if_fail (HANGAR_IS_DOMAIN (self), NULL);

  return self->name;
}

const char *
hangar_domain_get_uuid (HangarDomain *self)
{
  g_return_val_if_fail (HANGAR_IS_DOMAIN (self), NULL);

  return self->uuid;
}

HangarDomainState
hangar_domain_get_state (HangarDomain *self)
{
  g_return_val_if_fail (HANGAR_IS_DOMAIN (self), HANGAR_DOMAIN_STATE_SHUTOFF);

  return self->state;
}

gboolean
hangar_domain_get_persistent (HangarDomain *self)
{
  g_return_val_if_fail (HANGAR_IS_DOMAIN (self), FALSE);

  return self->persistent;
}

gboolean
hangar_domain_get_autostart (HangarDomain *self)
{
  g_return_val_if_fail (HANGAR_IS_DOMAIN (self), FALSE);

  return self->autostart;
}

gboolean
hangar_domain_get_has_managed_save (HangarDomain *self)
{
  g_return_val_if_fail (HANGAR_IS_DOMAIN (self), FALSE);

  return self->has_managed_save;
}


/* Lifecycle */

static gboolean
refuse (GError     **error,
        const char  *format,
        const char  *name)
{
  /* The formats are translated at the call site and take the name once. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
  g_set_error (error, HANGAR_VIRT_ERROR, HANGAR_VIRT_ERROR_INVALID_STATE, format, name);
#pragma GCC diagnostic pop

  return FALSE;
}

/* Refuses, on the main context and from the last state libvirt reported,
 * what that state forbids.  libvirt checks again: a refusal from there
 * arrives as HANGAR_VIRT_ERROR_INVALID_STATE too. */
gboolean
hangar_domain_check_action (HangarDomain        *self,
                            HangarDomainAction   action,
                            GError             **error)
{
  HangarDomainState state;
  const char *name;

  g_return_val_if_fail (HANGAR_IS_DOMAIN (self), FALSE);

  state = self->state;
  name = self->name;

  if (self->dom == NULL)
    {
      g_set_error (error, HANGAR_VIRT_ERROR, HANGAR_VIRT_ERROR_NOT_CONNECTED,
                   _("The connection of “%s” is closed"), name);
      return FALSE;
    }

  switch (action)
    {
    case HANGAR_DOMAIN_ACTION_START:
      if (state == HANGAR_DOMAIN_STATE_RUNNING || state == HANGAR_DOMAIN_STATE_SHUTTING_DOWN)
        return refuse (error, _("“%s” is already running"), name);
      if (state == HANGAR_DOMAIN_STATE_PAUSED)
        return refuse (error, _("“%s” is paused: resume it instead"), name);
      if (state == HANGAR_DOMAIN_STATE_SUSPENDED)
        return refuse (error, _("“%s” is suspended: wake it up instead"), name);
      if (state == HANGAR_DOMAIN_STATE_CRASHED)
        return refuse (error, _("“%s” has crashed: force it off first"), name);
      return TRUE;

    case HANGAR_DOMAIN_ACTION_SHUTDOWN:
    case HANGAR_DOMAIN_ACTION_REBOOT:
      if (state == HANGAR_DOMAIN_STATE_SHUTOFF)
        return refuse (error, _("“%s” is not running"), name);
      if (state == HANGAR_DOMAIN_STATE_PAUSED)
        return refuse (error, _("“%s” is paused: a paused guest cannot answer a shutdown "
                                "or reboot request"), name);
      if (state == HANGAR_DOMAIN_STATE_SUSPENDED)
        return refuse (error, _("“%s” is suspended: a suspended guest cannot answer a "
                                "shutdown or reboot request"), name);
      if (state == HANGAR_DOMAIN_STATE_CRASHED)
        return refuse (error, _("“%s” has crashed: force it off instead"), name);
      return TRUE;

    case HANGAR_DOMAIN_ACTION_FORCE_OFF:
      if (state == HANGAR_DOMAIN_STATE_SHUTOFF)
        return refuse (error, _("“%s” is not running"), name);
      return TRUE;

    case HANGAR_DOMAIN_ACTION_RESET:
      if (state == HANGAR_DOMAIN_STATE_SHUTOFF)
        return refuse (error, _("“%s” is not running"), name);
      if (state == HANGAR_DOMAIN_STATE_CRASHED)
        return refuse (error, _("“%s” has crashed: force it off instead"), name);
      return TRUE;

    case HANGAR_DOMAIN_ACTION_PAUSE:
      if (state == HANGAR_DOMAIN_STATE_SHUTOFF)
        return refuse (error, _("“%s” is not running"), name);
      if (state == HANGAR_DOMAIN_STATE_PAUSED)
        return refuse (error, _("“%s” is already paused"), name);
      if (state == HANGAR_DOMAIN_STATE_CRASHED)
        return refuse (error, _("“%s” has crashed: force it off instead"), name);
      return TRUE;

    case HANGAR_DOMAIN_ACTION_RESUME:
      if (state != HANGAR_DOMAIN_STATE_PAUSED)
        return refuse (error, _("“%s” is not paused"), name);
      return TRUE;

    case HANGAR_DOMAIN_ACTION_SAVE:
      if (state != HANGAR_DOMAIN_STATE_RUNNING && state != HANGAR_DOMAIN_STATE_PAUSED)
        return refuse (error, _("“%s” is not running: there is nothing to save"), name);
      if (!self->persistent)
        return refuse (error, _("“%s” has no persistent definition to restore a saved "
                                "state into"), name);
      return TRUE;

    case HANGAR_DOMAIN_ACTION_DISCARD_SAVE:
      if (!self->has_managed_save)
        return refuse (error, _("“%s” has no saved state"), name);
      return TRUE;

    case HANGAR_DOMAIN_ACTION_UNDEFINE:
      if (!self->persistent)
        return refuse (error, _("“%s” has no persistent definition"), name);
      return TRUE;

    case HANGAR_DOMAIN_ACTION_RENAME:
      if (!self->persistent)
        return refuse (error, _("“%s” has no persistent definition"), name);
      if (state != HANGAR_DOMAIN_STATE_SHUTOFF)
        return refuse (error, _("“%s” is running: shut it down before renaming it"), name);
      if (self->has_managed_save)
        return refuse (error, _("“%s” has a saved state: start it or discard the saved "
                                "state before renaming it"), name);
      return TRUE;

    case HANGAR_DOMAIN_ACTION_SET_AUTOSTART:
      if (!self->persistent)
        return refuse (error, _("“%s” has no persistent definition"), name);
      return TRUE;

    default:
      g_return_val_if_reached (FALSE);
    }
}

static int
undefine (virDomainPtr dom)
{
  virErrorPtr last;

  /* Managed save images, snapshot and checkpoint metadata and the NVRAM
   * file belong to the definition and would block or outlive it; disk
   * images are the user's and stay.  Older or simpler drivers (the test
   * driver) refuse some of these flags: step down to what they accept. */
  if (virDomainUndefineFlags (dom, (VIR_DOMAIN_UNDEFINE_MANAGED_SAVE |
                                    VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA |
                                    VIR_DOMAIN_UNDEFINE_CHECKPOINTS_METADATA |
                                    VIR_DOMAIN_UNDEFINE_NVRAM)) == 0)
    return 0;

  last = virGetLastError ();
  if (last == NULL || (last->code != VIR_ERR_INVALID_ARG && last->code != VIR_ERR_NO_SUPPORT))
    return -1;

  if (virDomainUndefineFlags (dom, (VIR_DOMAIN_UNDEFINE_MANAGED_SAVE |
                                    VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA)) == 0)
    return 0;

  last = virGetLastError ();
  if (last == NULL || (last->code != VIR_ERR_INVALID_ARG && last->code != VIR_ERR_NO_SUPPORT))
    return -1;

  return virDomainUndefine (dom);
}

static char *
describe_action (HangarDomainAction  action,
                 TaskData           *data)
{
  switch (action)
    {
    case HANGAR_DOMAIN_ACTION_START:
      return g_strdup_printf (_("Starting “%s”"), data->name);
    case HANGAR_DOMAIN_ACTION_SHUTDOWN:
      return g_strdup_printf (_("Shutting down “%s”"), data->name);
    case HANGAR_DOMAIN_ACTION_FORCE_OFF:
      return g_strdup_printf (_("Forcing “%s” off"), data->name);
    case HANGAR_DOMAIN_ACTION_REBOOT:
      return g_strdup_printf (_("Rebooting “%s”"), data->name);
    case HANGAR_DOMAIN_ACTION_RESET:
      return g_strdup_printf (_("Resetting “%s”"), data->name);
    case HANGAR_DOMAIN_ACTION_PAUSE:
      return g_strdup_printf (_("Pausing “%s”"), data->name);
    case HANGAR_DOMAIN_ACTION_RESUME:
      return g_strdup_printf (_("Resuming “%s”"), data->name);
    case HANGAR_DOMAIN_ACTION_SAVE:
      return g_strdup_printf (_("Saving the state of “%s”"), data->name);
    case HANGAR_DOMAIN_ACTION_DISCARD_SAVE:
      return g_strdup_printf (_("Discarding the saved state of “%s”"), data->name);
    case HANGAR_DOMAIN_ACTION_UNDEFINE:
      return g_strdup_printf (_("Deleting the definition of “%s”"), data->name);
    case HANGAR_DOMAIN_ACTION_RENAME:
      return g_strdup_printf (_("Renaming “%s”"), data->name);
    case HANGAR_DOMAIN_ACTION_SET_AUTOSTART:
      return g_strdup_printf (data->flag ? _("Turning on autostart of “%s”")
                                         : _("Turning off autostart of “%s”"),
                              data->name);
    default:
      g_assert_not_reached ();
    }
}

static int
call_libvirt (TaskData *data)
{
  switch (data->action)
    {
    case HANGAR_DOMAIN_ACTION_START:
      /* Restores and removes a managed save image when there is one. */
      return virDomainCreate (data->dom);
    case HANGAR_DOMAIN_ACTION_SHUTDOWN:
      return virDomainShutdown (data->dom);
    case HANGAR_DOMAIN_ACTION_FORCE_OFF:
      return virDomainDestroy (data->dom);
    case HANGAR_DOMAIN_ACTION_REBOOT:
      return virDomainReboot (data->dom, 0);
    case HANGAR_DOMAIN_ACTION_RESET:
      return virDomainReset (data->dom, 0);
    case HANGAR_DOMAIN_ACTION_PAUSE:
      return virDomainSuspend (data->dom);
    case HANGAR_DOMAIN_ACTION_RESUME:
      return virDomainResume (data->dom);
    case HANGAR_DOMAIN_ACTION_SAVE:
      return virDomainManagedSave (data->dom, 0);
    case HANGAR_DOMAIN_ACTION_DISCARD_SAVE:
      return virDomainManagedSaveRemove (data->dom, 0);
    case HANGAR_DOMAIN_ACTION_UNDEFINE:
      return undefine (data->dom);
    case HANGAR_DOMAIN_ACTION_RENAME:
      return virDomainRename (data->dom, data->new_name, 0);
    case HANGAR_DOMAIN_ACTION_SET_AUTOSTART:
      return virDomainSetAutostart (data->dom, data->flag);
    default:
      g_assert_not_reached ();
    }
}

static void
action_worker (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  TaskData *data = task_data;

  if (call_libvirt (data) < 0)
    {
      g_autofree char *what = describe_action (data->action, data);
      GError *error = NULL;

      hangar_virt_set_error_from_libvirt (&error, what);
      g_task_return_error (task, error);
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static GTask *
new_task (HangarDomain        *self,
          gpointer             source_tag,
          GCancellable        *cancellable,
          GAsyncReadyCallback  callback,
          gpointer             user_data)
{
  GTask *task;
  TaskData *data;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);

  data = g_new0 (TaskData, 1);
  data->dom = hangar_domain_dup_virt (self);
  data->name = g_strdup (self->name);
  g_task_set_task_data (task, data, (GDestroyNotify)task_data_free);

  return task;
}

/* Brings the entry up to date with what an action did, before the
 * caller's callback runs and whether or not an event follows: libvirt
 * sends none for autostart or a discarded save image. */
static void
action_done (HangarDomain *self,
             TaskData     *data)
{
  switch (data->action)
    {
    case HANGAR_DOMAIN_ACTION_START:
      hangar_domain_set_has_managed_save (self, FALSE);
      break;

    case HANGAR_DOMAIN_ACTION_SAVE:
      hangar_domain_set_has_managed_save (self, TRUE);
      break;

    case HANGAR_DOMAIN_ACTION_DISCARD_SAVE:
      hangar_domain_set_has_managed_save (self, FALSE);
      break;

    case HANGAR_DOMAIN_ACTION_SET_AUTOSTART:
      hangar_domain_set_autostart (self, data->flag);
      break;

    case HANGAR_DOMAIN_ACTION_RENAME:
      if (self->connection != NULL)
        hangar_connection_domain_renamed (self->connection, self, data->new_name);
      break;

    case HANGAR_DOMAIN_ACTION_UNDEFINE:
      if (self->connection != NULL)
        hangar_connection_domain_undefined (self->connection, self);
      break;

    default:
      break;
    }
}

static void
action_worker_done_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  HangarDomain *self = HANGAR_DOMAIN (object);
  g_autoptr(GTask) task = user_data;
  TaskData *data = g_task_get_task_data (G_TASK (result));
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }

  action_done (self, data);
  g_task_return_boolean (task, TRUE);
}

/* Checks the state, then runs @action in a worker.  The inner task ignores
 * cancellation: once libvirt has done it, the entry must learn about it
 * whatever the caller wants. */
static void
run_action (HangarDomain        *self,
            HangarDomainAction   action,
            gboolean             flag,
            const char          *new_name,
            gpointer             source_tag,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) inner = NULL;
  GError *error = NULL;
  TaskData *data;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);

  if (!hangar_domain_check_action (self, action, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  inner = new_task (self, source_tag, NULL, action_worker_done_cb, g_steal_pointer (&task));
  data = g_task_get_task_data (inner);
  data->action = action;
  data->flag = flag;
  data->new_name = g_strdup (new_name);

  g_task_run_in_thread (inner, action_worker);
}

static gboolean
finish_action (HangarDomain  *self,
               GAsyncResult  *result,
               gpointer       source_tag,
               GError       **error)
{
  g_return_val_if_fail (HANGAR_IS_DOMAIN (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
hangar_domain_run_action_async (HangarDomain        *self,
                                HangarDomainAction   action,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (HANGAR_IS_DOMAIN (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (action != HANGAR_DOMAIN_ACTION_RENAME &&
                    action != HANGAR_DOMAIN_ACTION_SET_AUTOSTART);

  run_action (self, action, FALSE, NULL, hangar_domain_run_action_async,
              cancellable, callback, user_data);
}

gboolean
hangar_domain_run_action_finish (HangarDomain  *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  return finish_action (self, result, hangar_domain_run_action_async, error);
}

void
hangar_domain_start_async (HangarDomain        *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_return_if_fail (HANGAR_IS_DOMAIN (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  run_action (self, HANGAR_DOMAIN_ACTION_START, FALSE, NULL, hangar_domain_start_async,
              cancellable, callback, user_data);
}

gboolean
hangar_domain_start_finish (HangarDomain  *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  return finish_action (self, result, hangar_domain_start_async, error);
}

void
hangar_domain_shutdown_async (HangarDomain        *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (HANGAR_IS_DOMAIN (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  run_action (self, HANGAR_DOMAIN_ACTION_SHUTDOWN, FALSE, NULL, hangar_domain_shutdown_async,
              cancellable, callback, user_data);
}

gboolean
hangar_domain_shutdown_finish (HangarDomain  *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  return finish_action (self, result, hangar_domain_shutdown_async, error);
}

void
hangar_domain_force_off_async (HangarDomain        *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (HANGAR_IS_DOMAIN (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  run_action (self, HANGAR_DOMAIN_ACTION_FORCE_OFF, FALSE, NULL, hangar_domain_force_off_async,
              cancellable, callback, user_data);
}

gboolean
hangar_domain_force_off_finish (HangarDomain  *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  return finish_action (self, result, hangar_domain_force_off_async, error);
}

void
hangar_domain_undefine_async (HangarDomain        *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (HANGAR_IS_DOMAIN (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  run_action (self, HANGAR_DOMAIN_ACTION_UNDEFINE, FALSE, NULL, hangar_domain_undefine_async,
              cancellable, callback, user_data);
}

gboolean
hangar_domain_undefine_finish (HangarDomain  *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  return finish_action (self, result, hangar_domain_undefine_async, error);
}

void
hangar_domain_set_autostart_async (HangarDomain        *self,
                                   gboolean             autostart,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_return_if_fail (HANGAR_IS_DOMAIN (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  run_action (self, HANGAR_DOMAIN_ACTION_SET_AUTOSTART, !!autostart, NULL,
              hangar_domain_set_autostart_async, cancellable, callback, user_data);
}

gboolean
hangar_domain_set_autostart_finish (HangarDomain  *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  return finish_action (self, result, hangar_domain_set_autostart_async, error);
}

void
hangar_domain_rename_async (HangarDomain        *self,
                            const char          *new_name,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autofree char *stripped = NULL;

  g_return_if_fail (HANGAR_IS_DOMAIN (self));
  g_return_if_fail (new_name != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  stripped = g_strstrip (g_strdup (new_name));

  /* libvirt's own refusal would name neither the reason nor the field. */
  if (*stripped == '\0' || strchr (stripped, '/') != NULL)
    {
      g_task_report_new_error (self, callback, user_data, hangar_domain_rename_async,
                               HANGAR_VIRT_ERROR, HANGAR_VIRT_ERROR_FAILED,
                               _("“%s” cannot be a name: it must not be empty or "
                                 "contain “/”"), new_name);
      return;
    }

  if (g_strcmp0 (stripped, self->name) == 0)
    {
      g_task_report_new_error (self, callback, user_data, hangar_domain_rename_async,
                               HANGAR_VIRT_ERROR, HANGAR_VIRT_ERROR_FAILED,
                               _("“%s” already has that name"), self->name);
      return;
    }

  run_action (self, HANGAR_DOMAIN_ACTION_RENAME, FALSE, stripped,
              hangar_domain_rename_async, cancellable, callback, user_data);
}

gboolean
hangar_domain_rename_finish (HangarDomain  *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  return finish_action (self, result, hangar_domain_rename_async, error);
}


/* Deleting with storage */

/* Deletes @path through the storage driver when a pool holds it.  Returns
 * 1 when done, 0 when no pool knows the path (or there is no storage
 * driver), -1 on a failure with @error set. */
static int
delete_volume (virConnectPtr   conn,
               const char     *path,
               GError        **error)
{
  virStorageVolPtr vol;
  virErrorPtr last;

  vol = virStorageVolLookupByPath (conn, path);
  if (vol == NULL)
    {
      last = virGetLastError ();
      if (last != NULL && (last->code == VIR_ERR_NO_STORAGE_VOL ||
                           last->code == VIR_ERR_NO_SUPPORT ||
                           last->code == VIR_ERR_NO_STORAGE_POOL))
        {
          virResetLastError ();
          return 0;
        }

      hangar_virt_set_error_from_libvirt (error, path);
      return -1;
    }

  if (virStorageVolDelete (vol, 0) < 0)
    {
      hangar_virt_set_error_from_libvirt (error, path);
      virStorageVolFree (vol);
      return -1;
    }

  virStorageVolFree (vol);

  return 1;
}

static void
delete_worker (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  TaskData *data = task_data;
  g_autoptr(GString) kept = NULL;
  GError *error = NULL;

  if (undefine (data->dom) < 0)
    {
      g_autofree char *what = describe_action (HANGAR_DOMAIN_ACTION_UNDEFINE, data);

      hangar_virt_set_error_from_libvirt (&error, what);
      g_task_return_error (task, error);
      return;
    }

  data->undefined = TRUE;

  for (unsigned i = 0; data->paths != NULL && data->paths[i] != NULL; i++)
    {
      const char *path = data->paths[i];
      g_autoptr(GError) local_error = NULL;
      int ret;

      ret = delete_volume (virDomainGetConnect (data->dom), path, &local_error);

      if (ret == 0 && !data->local)
        g_set_error (&local_error, HANGAR_VIRT_ERROR, HANGAR_VIRT_ERROR_NO_SUPPORT,
                     _("%s: no storage pool holds it, and the file is on another machine"),
                     path);
      else if (ret == 0 && g_unlink (path) != 0 && errno != ENOENT)
        {
          int saved_errno = errno;

          g_set_error (&local_error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       "%s: %s", path, g_strerror (saved_errno));
        }

      if (local_error != NULL)
        {
          if (kept == NULL)
            kept = g_string_new (NULL);
          else
            g_string_append (kept, "; ");
          g_string_append (kept, local_error->message);
        }
      else
        g_debug ("Deleted %s of “%s”", path, data->name);
    }

  if (kept != NULL)
    {
      g_task_return_new_error (task, HANGAR_VIRT_ERROR, HANGAR_VIRT_ERROR_PARTIAL,
                               _("“%s” was deleted, but some of its storage was kept: %s"),
                               data->name, kept->str);
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
delete_worker_done_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  HangarDomain *self = HANGAR_DOMAIN (object);
  g_autoptr(GTask) task = user_data;
  TaskData *data = g_task_get_task_data (G_TASK (result));
  GError *error = NULL;

  /* The definition is gone even when some storage was kept. */
  if (data->undefined && self->connection != NULL)
    hangar_connection_domain_undefined (self->connection, self);

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_boolean (task, TRUE);
}

void
hangar_domain_delete_async (HangarDomain        *self,
                            const char * const  *paths,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) inner = NULL;
  GError *error = NULL;
  TaskData *data;

  g_return_if_fail (HANGAR_IS_DOMAIN (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hangar_domain_delete_async);

  if (!hangar_domain_check_action (self, HANGAR_DOMAIN_ACTION_UNDEFINE, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  /* A running guest still writes to its disks. */
  if (self->state != HANGAR_DOMAIN_STATE_SHUTOFF)
    {
      g_task_return_new_error (task, HANGAR_VIRT_ERROR, HANGAR_VIRT_ERROR_INVALID_STATE,
                               _("“%s” is running: shut it down before deleting it"),
                               self->name);
      return;
    }

  inner = new_task (self, hangar_domain_delete_async, NULL, delete_worker_done_cb,
                    g_steal_pointer (&task));
  data = g_task_get_task_data (inner);
  data->action = HANGAR_DOMAIN_ACTION_UNDEFINE;
  data->paths = g_strdupv ((char **)paths);
  data->local = self->connection != NULL && hangar_connection_is_local (self->connection);

  g_task_run_in_thread (inner, delete_worker);
}

gboolean
hangar_domain_delete_finish (HangarDomain  *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  return finish_action (self, result, hangar_domain_delete_async, error);
}


/* The definition */

static void
load_doc_worker (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  TaskData *data = task_data;
  g_autofree char *xml = NULL;
  g_autoptr(HangarDomainDoc) doc = NULL;
  GError *error = NULL;
  unsigned flags = 0;

  /* Never VIR_DOMAIN_XML_SECURE: passwords stay out of the document. */
  if (data->inactive)
    flags |= VIR_DOMAIN_XML_INACTIVE;

  xml = virDomainGetXMLDesc (data->dom, flags);
  if (xml == NULL)
    {
      g_autofree char *what = g_strdup_printf (_("Reading the definition of “%s”"),
                                               data->name);

      hangar_virt_set_error_from_libvirt (&error, what);
      g_task_return_error (task, error);
      return;
    }

  doc = hangar_domain_doc_new_from_string (xml, -1, data->name, &error);
  if (doc == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, g_steal_pointer (&doc), g_object_unref);
}

void
hangar_domain_load_doc_async (HangarDomain        *self,
                              gboolean             inactive,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  TaskData *data;

  g_return_if_fail (HANGAR_IS_DOMAIN (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = new_task (self, hangar_domain_load_doc_async, cancellable, callback, user_data);
  data = g_task_get_task_data (task);
  data->inactive = !!inactive;

  if (data->dom == NULL)
    {
      g_task_return_new_error (task, HANGAR_VIRT_ERROR, HANGAR_VIRT_ERROR_NOT_CONNECTED,
                               _("The connection of “%s” is closed"), self->name);
      return;
    }

  g_task_run_in_thread (task, load_doc_worker);
}

HangarDomainDoc *
hangar_domain_load_doc_finish (HangarDomain  *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (HANGAR_IS_DOMAIN (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        hangar_domain_load_doc_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
apply_worker (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  TaskData *data = task_data;
  virDomainPtr defined;

  /* virDomainGetConnect () borrows the handle's own connection reference. */
  defined = virDomainDefineXMLFlags (virDomainGetConnect (data->dom), data->xml,
                                     VIR_DOMAIN_DEFINE_VALIDATE);
  if (defined == NULL)
    {
      g_autofree char *what = g_strdup_printf (_("Applying the changes to “%s”"),
                                               data->name);
      GError *error = NULL;

      hangar_virt_set_error_from_libvirt (&error, what);
      g_task_return_error (task, error);
      return;
    }

  virDomainFree (defined);
  g_task_return_boolean (task, TRUE);
}

void
hangar_domain_apply_async (HangarDomain        *self,
                           HangarDomainDoc     *doc,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  TaskData *data;
  const char *doc_uuid;

  g_return_if_fail (HANGAR_IS_DOMAIN (self));
  g_return_if_fail (HANGAR_IS_DOMAIN_DOC (doc));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = new_task (self, hangar_domain_apply_async, cancellable, callback, user_data);
  data = g_task_get_task_data (task);

  if (data->dom == NULL)
    {
      g_task_return_new_error (task, HANGAR_VIRT_ERROR, HANGAR_VIRT_ERROR_NOT_CONNECTED,
                               _("The connection of “%s” is closed"), self->name);
      return;
    }

  /* Without a matching UUID libvirt would define a second domain instead
   * of changing this one. */
  doc_uuid = hangar_domain_doc_get_uuid (doc);
  if (doc_uuid == NULL || g_ascii_strcasecmp (doc_uuid, self->uuid) != 0)
    {
      g_task_return_new_error (task, HANGAR_VIRT_ERROR, HANGAR_VIRT_ERROR_FAILED,
                               _("Applying the changes to “%s”: the definition is for "
                                 "another domain"),
                               self->name);
      return;
    }

  /* The document is not thread-safe: serialize it here, it is quick. */
  data->xml = hangar_domain_doc_to_string (doc);

  g_task_run_in_thread (task, apply_worker);
}

gboolean
hangar_domain_apply_finish (HangarDomain  *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (HANGAR_IS_DOMAIN (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        hangar_domain_apply_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}


/* Consoles */

static void
open_graphics_fd_worker (GTask        *task,
                         gpointer      source_object,
                         gpointer      task_data,
                         GCancellable *cancellable)
{
  TaskData *data = task_data;
  int *fd;

  fd = g_new (int, 1);
  *fd = virDomainOpenGraphicsFD (data->dom, data->index, VIR_DOMAIN_OPEN_GRAPHICS_SKIPAUTH);
  if (*fd < 0)
    {
      g_autofree char *what = g_strdup_printf (_("Connecting to the display of “%s”"),
                                               data->name);
      GError *error = NULL;

      g_free (fd);
      hangar_virt_set_error_from_libvirt (&error, what);
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, fd, (GDestroyNotify)fd_box_free);
}

void
hangar_domain_open_graphics_fd_async (HangarDomain        *self,
                                      unsigned             index,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  TaskData *data;

  g_return_if_fail (HANGAR_IS_DOMAIN (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = new_task (self, hangar_domain_open_graphics_fd_async, cancellable, callback, user_data);
  data = g_task_get_task_data (task);
  data->index = index;

  if (data->dom == NULL)
    {
      g_task_return_new_error (task, HANGAR_VIRT_ERROR, HANGAR_VIRT_ERROR_NOT_CONNECTED,
                               _("The connection of “%s” is closed"), self->name);
      return;
    }

  if (self->state != HANGAR_DOMAIN_STATE_RUNNING && self->state != HANGAR_DOMAIN_STATE_PAUSED)
    {
      g_task_return_new_error (task, HANGAR_VIRT_ERROR, HANGAR_VIRT_ERROR_INVALID_STATE,
                               _("“%s” is not running"), self->name);
      return;
    }

  g_task_run_in_thread (task, open_graphics_fd_worker);
}

int
hangar_domain_open_graphics_fd_finish (HangarDomain  *self,
                                       GAsyncResult  *result,
                                       GError       **error)
{
  int *box;
  int fd;

  g_return_val_if_fail (HANGAR_IS_DOMAIN (self), -1);
  g_return_val_if_fail (g_task_is_valid (result, self), -1);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        hangar_domain_open_graphics_fd_async, -1);

  box = g_task_propagate_pointer (G_TASK (result), error);
  if (box == NULL)
    return -1;

  fd = *box;
  g_free (box);

  return fd;
}

static void
screenshot_worker (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  TaskData *data = task_data;
  g_autoptr(GByteArray) bytes = NULL;
  g_autofree char *mime_type = NULL;
  g_autofree char *what = NULL;
  virStreamPtr stream;
  Screenshot *shot;
  GError *error = NULL;
  char buffer[64 * 1024];
  int n;

  what = g_strdup_printf (_("Taking a screenshot of “%s”"), data->name);

  stream = virStreamNew (virDomainGetConnect (data->dom), 0);
  if (stream == NULL)
    {
      hangar_virt_set_error_from_libvirt (&error, what);
      g_task_return_error (task, error);
      return;
    }

  mime_type = virDomainScreenshot (data->dom, stream, data->index, 0);
  if (mime_type == NULL)
    {
      hangar_virt_set_error_from_libvirt (&error, what);
      virStreamFree (stream);
      g_task_return_error (task, error);
      return;
    }

  bytes = g_byte_array_new ();

  while ((n = virStreamRecv (stream, buffer, sizeof buffer)) > 0)
    {
      g_byte_array_append (bytes, (const guint8 *)buffer, n);

      if (g_cancellable_set_error_if_cancelled (cancellable, &error))
        {
          virStreamAbort (stream);
          virStreamFree (stream);
          g_task_return_error (task, error);
          return;
        }
    }

  if (n < 0 || virStreamFinish (stream) < 0)
    {
      hangar_virt_set_error_from_libvirt (&error, what);
      if (n < 0)
        virStreamAbort (stream);
      virStreamFree (stream);
      g_task_return_error (task, error);
      return;
    }

  virStreamFree (stream);

  shot = g_new0 (Screenshot, 1);
  shot->bytes = g_byte_array_free_to_bytes (g_steal_pointer (&bytes));
  shot->mime_type = g_steal_pointer (&mime_type);
  g_task_return_pointer (task, shot, (GDestroyNotify)screenshot_free);
}

void
hangar_domain_screenshot_async (HangarDomain        *self,
                                unsigned             screen,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  TaskData *data;

  g_return_if_fail (HANGAR_IS_DOMAIN (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = new_task (self, hangar_domain_screenshot_async, cancellable, callback, user_data);
  data = g_task_get_task_data (task);
  data->index = screen;

  if (data->dom == NULL)
    {
      g_task_return_new_error (task, HANGAR_VIRT_ERROR, HANGAR_VIRT_ERROR_NOT_CONNECTED,
                               _("The connection of “%s” is closed"), self->name);
      return;
    }

  if (self->state != HANGAR_DOMAIN_STATE_RUNNING && self->state != HANGAR_DOMAIN_STATE_PAUSED)
    {
      g_task_return_new_error (task, HANGAR_VIRT_ERROR, HANGAR_VIRT_ERROR_INVALID_STATE,
                               _("“%s” is not running"), self->name);
      return;
    }

  g_task_run_in_thread (task, screenshot_worker);
}

GBytes *
hangar_domain_screenshot_finish (HangarDomain  *self,
                                 GAsyncResult  *result,
                                 char         **mime_type,
                                 GError       **error)
{
  Screenshot *shot;
  GBytes *bytes;

  g_return_val_if_fail (HANGAR_IS_DOMAIN (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        hangar_domain_screenshot_async, NULL);

  shot = g_task_propagate_pointer (G_TASK (result), error);
  if (shot == NULL)
    return NULL;

  if (mime_type != NULL)
    *mime_type = g_steal_pointer (&shot->mime_type);
  bytes = g_steal_pointer (&shot->bytes);
  screenshot_free (shot);

  return bytes;
}
