/* hangar-clone.c
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-clone"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "hangar-clone.h"
#include "hangar-connection.h"
#include "hangar-virt-error.h"
#include "hangar-virt-private.h"
#include "hangar-xml-diff.h"
#include "hangar-xml-tree.h"

typedef struct
{
  char            *target;
  char            *device;
  char            *source;     /* what the user sees */
  char            *path;       /* file or block device, resolved from a volume */
  char            *format;     /* <driver type>, raw when missing */
  char            *pool;       /* the pool holding it, or NULL */
  char            *volume;
  char            *copy;       /* proposed path or volume name */
  char            *reason;     /* why it cannot be copied, or NULL */
  guint64          size;       /* bytes, weighs the progress */
  HangarCloneMode  mode;
} Disk;

struct _HangarClonePlan
{
  GObject       parent_instance;

  /* owned references */
  HangarDomain *domain;
  char         *old_name;
  char         *name;
  char         *xml;          /* the inactive definition, with secrets */
  GPtrArray    *disks;        /* Disk */
  char         *nvram;        /* its path, or NULL */
  gboolean      nvram_exists;
  GMainContext *context;

  double        progress;
  gboolean      local;
};

G_DEFINE_FINAL_TYPE (HangarClonePlan, hangar_clone_plan, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NAME,
  PROP_PROGRESS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
disk_free (Disk *disk)
{
  g_free (disk->target);
  g_free (disk->device);
  g_free (disk->source);
  g_free (disk->path);
  g_free (disk->format);
  g_free (disk->pool);
  g_free (disk->volume);
  g_free (disk->copy);
  g_free (disk->reason);
  g_free (disk);
}


/* Names */

static const char *
qemu_img (void)
{
  static char *path;

  /* Tests and packagers can point at their own. */
  if (g_once_init_enter (&path))
    {
      const char *env = g_getenv ("HANGAR_QEMU_IMG");
      char *found = env != NULL && *env != '\0' ? g_strdup (env)
                                                : g_find_program_in_path ("qemu-img");

      g_once_init_leave (&path, found != NULL ? found : g_strdup (""));
    }

  return *path != '\0' ? path : NULL;
}

/* The copy's name for @base, a file or volume name of the domain @old
 * becoming @name: the old name replaced where it appears, else "-clone"
 * before the extension. */
static char *
copy_name (const char *base,
           const char *old,
           const char *name)
{
  const char *found = *old != '\0' ? strstr (base, old) : NULL;
  const char *dot;

  if (found != NULL && strcmp (old, name) != 0)
    return g_strdup_printf ("%.*s%s%s", (int)(found - base), base, name, found + strlen (old));

  dot = strrchr (base, '.');
  if (dot == NULL || dot == base)
    return g_strdup_printf ("%s-clone", base);

  return g_strdup_printf ("%.*s-clone%s", (int)(dot - base), base, dot);
}

/* The @n-th alternative of @name: "a.qcow2", "a-1.qcow2", "a-2.qcow2". */
static char *
numbered (const char *name,
          unsigned    n)
{
  const char *dot;

  if (n == 0)
    return g_strdup (name);

  dot = strrchr (name, '.');
  if (dot == NULL || dot == name || strchr (dot, '/') != NULL)
    return g_strdup_printf ("%s-%u", name, n);

  return g_strdup_printf ("%.*s-%u%s", (int)(dot - name), name, n, dot);
}

static void
propose_copies (HangarClonePlan *self)
{
  for (unsigned i = 0; i < self->disks->len; i++)
    {
      Disk *disk = g_ptr_array_index (self->disks, i);
      g_autofree char *base = NULL;
      g_autofree char *dir = NULL;
      g_autofree char *name = NULL;

      g_clear_pointer (&disk->copy, g_free);
      if (disk->path == NULL && disk->volume == NULL)
        continue;

      if (disk->volume != NULL)
        {
          disk->copy = copy_name (disk->volume, self->old_name, self->name);
          continue;
        }

      base = g_path_get_basename (disk->path);
      dir = g_path_get_dirname (disk->path);
      name = copy_name (base, self->old_name, self->name);
      disk->copy = g_build_filename (dir, name, NULL);
    }
}


/* Reading the plan, on a worker */

static gboolean
error_is (int code)
{
  virErrorPtr last = virGetLastError ();

  return last != NULL && last->code == code;
}

/* Finds the pool and volume behind @disk's path or pool/volume names. */
static void
find_volume (virConnectPtr  conn,
             Disk          *disk,
             const char    *pool_name,
             const char    *volume_name)
{
  virStorageVolPtr vol = NULL;
  virStoragePoolPtr pool = NULL;
  virStorageVolInfo info;

  if (pool_name != NULL && volume_name != NULL)
    {
      pool = virStoragePoolLookupByName (conn, pool_name);
      if (pool != NULL)
        vol = virStorageVolLookupByName (pool, volume_name);
    }
  else if (disk->path != NULL)
    {
      vol = virStorageVolLookupByPath (conn, disk->path);
      if (vol != NULL)
        pool = virStoragePoolLookupByVolume (vol);
    }

  if (vol != NULL && pool != NULL)
    {
      disk->pool = g_strdup (virStoragePoolGetName (pool));
      disk->volume = g_strdup (virStorageVolGetName (vol));
      if (disk->path == NULL)
        disk->path = virStorageVolGetPath (vol);
      if (virStorageVolGetInfo (vol, &info) == 0)
        disk->size = info.allocation;
    }

  /* No storage driver, or no pool holds it: both are answers. */
  virResetLastError ();
  if (vol != NULL)
    virStorageVolFree (vol);
  if (pool != NULL)
    virStoragePoolFree (pool);
}

static Disk *
read_disk (virConnectPtr  conn,
           xmlNode       *node,
           gboolean       local)
{
  g_autofree char *type = hangar_xml_dup_attr (node, "type");
  g_autofree char *pool_name = NULL;
  g_autofree char *volume_name = NULL;
  xmlNode *source = hangar_xml_find_child (node, "source");
  xmlNode *target = hangar_xml_find_child (node, "target");
  xmlNode *driver = hangar_xml_find_child (node, "driver");
  gboolean readonly = hangar_xml_find_child (node, "readonly") != NULL ||
                      hangar_xml_find_child (node, "shareable") != NULL;
  Disk *disk;

  disk = g_new0 (Disk, 1);
  disk->device = hangar_xml_dup_attr (node, "device");
  if (disk->device == NULL)
    disk->device = g_strdup ("disk");
  disk->target = target != NULL ? hangar_xml_dup_attr (target, "dev") : NULL;
  if (disk->target == NULL)
    disk->target = g_strdup ("?");
  disk->format = driver != NULL ? hangar_xml_dup_attr (driver, "type") : NULL;
  if (disk->format == NULL)
    disk->format = g_strdup ("raw");
  if (type == NULL)
    type = g_strdup ("file");

  if (source != NULL && g_str_equal (type, "file"))
    disk->path = hangar_xml_dup_attr (source, "file");
  else if (source != NULL && g_str_equal (type, "block"))
    disk->path = hangar_xml_dup_attr (source, "dev");
  else if (source != NULL && g_str_equal (type, "volume"))
    {
      pool_name = hangar_xml_dup_attr (source, "pool");
      volume_name = hangar_xml_dup_attr (source, "volume");
    }
  else if (source != NULL && g_str_equal (type, "network"))
    disk->source = hangar_xml_dup_attr (source, "name");

  if (disk->path != NULL || volume_name != NULL)
    find_volume (conn, disk, pool_name, volume_name);

  if (disk->path != NULL)
    disk->source = g_strdup (disk->path);
  else if (pool_name != NULL && volume_name != NULL)
    disk->source = g_strdup_printf ("%s/%s", pool_name, volume_name);

  if (disk->path != NULL && disk->size == 0 && local)
    {
      struct stat st;

      if (g_stat (disk->path, &st) == 0)
        disk->size = st.st_size;
    }

  /* Shared unless the user asks: installation media, read-only and
   * shareable disks are meant to be used by several guests. */
  disk->mode = HANGAR_CLONE_SHARE;

  if (disk->source == NULL)
    disk->reason = g_strdup (_("The drive is empty"));
  else if (g_str_equal (disk->device, "cdrom") || g_str_equal (disk->device, "floppy"))
    disk->reason = g_strdup (_("Installation media are shared"));
  else if (g_str_equal (type, "network"))
    disk->reason = g_strdup (_("A network disk cannot be copied"));
  else if (disk->pool != NULL)
    disk->mode = readonly ? HANGAR_CLONE_SHARE : HANGAR_CLONE_COPY;
  else if (volume_name != NULL)
    disk->reason = g_strdup_printf (_("The storage pool “%s” has no volume “%s”"),
                                    pool_name, volume_name);
  else if (!g_str_equal (type, "file"))
    disk->reason = g_strdup (_("Only a storage pool can copy a device that is not a file"));
  else if (!local)
    disk->reason = g_strdup (_("No storage pool holds it, and the file is on another machine"));
  else if (qemu_img () == NULL)
    disk->reason = g_strdup (_("Copying a file needs qemu-img, which is not installed"));
  else
    disk->mode = readonly ? HANGAR_CLONE_SHARE : HANGAR_CLONE_COPY;

  return disk;
}

/* Reads the definition with its secrets (graphics passwords), so that
 * the clone keeps them; read-only connections may not: then without. */
static char *
read_xml (virDomainPtr   dom,
          const char    *name,
          GError       **error)
{
  char *xml;

  xml = virDomainGetXMLDesc (dom, VIR_DOMAIN_XML_INACTIVE | VIR_DOMAIN_XML_SECURE);
  if (xml == NULL && error_is (VIR_ERR_OPERATION_DENIED))
    xml = virDomainGetXMLDesc (dom, VIR_DOMAIN_XML_INACTIVE);

  if (xml == NULL)
    {
      g_autofree char *what = g_strdup_printf (_("Reading the definition of “%s”"), name);

      hangar_virt_set_error_from_libvirt (error, what);
    }

  return xml;
}

typedef struct
{
  virDomainPtr      dom;
  char             *name;
  gboolean          local;
  HangarClonePlan  *plan;   /* load: set by the worker */
} LoadData;

static void
load_data_free (LoadData *data)
{
  hangar_virt_release (NULL, g_steal_pointer (&data->dom));
  g_free (data->name);
  g_clear_object (&data->plan);
  g_free (data);
}

static void
load_worker (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  LoadData *data = task_data;
  HangarClonePlan *plan = data->plan;
  virConnectPtr conn = virDomainGetConnect (data->dom);
  xmlDoc *doc;
  xmlNode *devices;
  xmlNode *os;
  GError *error = NULL;

  plan->xml = read_xml (data->dom, data->name, &error);
  if (plan->xml == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  doc = hangar_xml_diff_parse (plan->xml, &error);
  if (doc == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  devices = hangar_xml_find_child (xmlDocGetRootElement (doc), "devices");
  for (xmlNode *node = devices != NULL ? devices->children : NULL; node != NULL;
       node = node->next)
    if (hangar_xml_is_element (node, "disk"))
      g_ptr_array_add (plan->disks, read_disk (conn, node, data->local));

  os = hangar_xml_find_child (xmlDocGetRootElement (doc), "os");
  if (os != NULL && hangar_xml_find_child (os, "nvram") != NULL)
    {
      g_autofree char *nvram = hangar_xml_dup_text (hangar_xml_find_child (os, "nvram"));

      g_strstrip (nvram);
      if (*nvram != '\0')
        {
          plan->nvram = g_steal_pointer (&nvram);
          plan->nvram_exists = !data->local || g_file_test (plan->nvram, G_FILE_TEST_EXISTS);
        }
    }
  xmlFreeDoc (doc);

  /* "name-clone", else the first of "name-clone-1", … that is free. */
  for (unsigned n = 0; plan->name == NULL; n++)
    {
      g_autofree char *name = n == 0 ? g_strdup_printf ("%s-clone", data->name)
                                     : g_strdup_printf ("%s-clone-%u", data->name, n);
      virDomainPtr taken = virDomainLookupByName (conn, name);

      if (taken != NULL)
        virDomainFree (taken);
      else
        plan->name = g_steal_pointer (&name);
    }
  virResetLastError ();

  propose_copies (plan);

  g_task_return_pointer (task, g_object_ref (plan), g_object_unref);
}

void
hangar_clone_plan_load_async (HangarDomain        *domain,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  HangarConnection *connection;
  LoadData *data;

  g_return_if_fail (HANGAR_IS_DOMAIN (domain));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, hangar_clone_plan_load_async);

  connection = hangar_domain_get_connection (domain);
  data = g_new0 (LoadData, 1);
  data->dom = hangar_domain_dup_virt (domain);
  data->name = g_strdup (hangar_domain_get_name (domain));
  data->local = connection != NULL && hangar_connection_is_local (connection);
  g_task_set_task_data (task, data, (GDestroyNotify)load_data_free);

  if (data->dom == NULL)
    {
      g_task_return_new_error (task, HANGAR_VIRT_ERROR, HANGAR_VIRT_ERROR_NOT_CONNECTED,
                               _("The connection of “%s” is closed"), data->name);
      return;
    }

  data->plan = g_object_new (HANGAR_TYPE_CLONE_PLAN, NULL);
  data->plan->domain = g_object_ref (domain);
  data->plan->old_name = g_strdup (data->name);
  data->plan->local = data->local;

  g_task_run_in_thread (task, load_worker);
}

HangarClonePlan *
hangar_clone_plan_load_finish (GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        hangar_clone_plan_load_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}


/* Running the plan, on a worker */

typedef struct
{
  gboolean  is_volume;
  char     *path;       /* a file, or a volume's path */
} Created;

static void
created_free (Created *created)
{
  g_free (created->path);
  g_free (created);
}

typedef struct
{
  virDomainPtr      dom;
  char             *name;
  char             *new_name;
  char             *xml;
  GPtrArray        *disks;     /* Disk, borrowed from the plan */
  char             *nvram;
  gboolean          nvram_exists;
  gboolean          local;
  GPtrArray        *created;   /* Created: deleted again on failure */
  HangarClonePlan  *plan;      /* for progress only, from the main context */
  GMainContext     *context;
  guint64           done;      /* bytes copied, for the progress */
  guint64           total;
} RunData;

static void
run_data_free (RunData *data)
{
  hangar_virt_release (NULL, g_steal_pointer (&data->dom));
  g_free (data->name);
  g_free (data->new_name);
  g_free (data->xml);
  g_clear_pointer (&data->disks, g_ptr_array_unref);
  g_free (data->nvram);
  g_clear_pointer (&data->created, g_ptr_array_unref);
  g_clear_object (&data->plan);
  g_clear_pointer (&data->context, g_main_context_unref);
  g_free (data);
}

typedef struct
{
  HangarClonePlan *plan;
  double           progress;
} Progress;

static gboolean
set_progress_cb (gpointer user_data)
{
  Progress *progress = user_data;

  if (progress->plan->progress != progress->progress)
    {
      progress->plan->progress = progress->progress;
      g_object_notify_by_pspec (G_OBJECT (progress->plan), properties[PROP_PROGRESS]);
    }

  return G_SOURCE_REMOVE;
}

static void
progress_free (Progress *progress)
{
  g_object_unref (progress->plan);
  g_free (progress);
}

/* @fraction of the disk of @size being copied. */
static void
report_progress (RunData *data,
                 guint64  size,
                 double   fraction)
{
  Progress *progress = g_new0 (Progress, 1);

  progress->plan = g_object_ref (data->plan);
  progress->progress = data->total > 0 ? (data->done + size * fraction) / data->total : fraction;
  g_main_context_invoke_full (data->context, G_PRIORITY_DEFAULT, set_progress_cb, progress,
                              (GDestroyNotify)progress_free);
}

/* Creates @path, failing when it exists: the claim of a name. */
static int
claim_file (const char  *path,
            int          mode,
            GError     **error)
{
  int fd = g_open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  int saved_errno = errno;

  if (fd >= 0)
    {
      close (fd);
      return 1;
    }

  if (saved_errno == EEXIST)
    return 0;

  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
               _("Could not create “%s”: %s"), path, g_strerror (saved_errno));
  return -1;
}

/* Claims the first free variant of @wanted. */
static char *
claim_free_path (const char  *wanted,
                 int          mode,
                 GError     **error)
{
  for (unsigned n = 0; n < 1000; n++)
    {
      g_autofree char *candidate = numbered (wanted, n);
      int ret = claim_file (candidate, mode, error);

      if (ret < 0)
        return NULL;
      if (ret > 0)
        return g_steal_pointer (&candidate);
    }

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS, _("“%s” and its variants all exist"),
               wanted);
  return NULL;
}

/* qemu-img reports "    (12.34/100%)\r" on its standard output. */
static void
read_qemu_img_progress (RunData      *data,
                        Disk         *disk,
                        GInputStream *stdout_pipe,
                        GCancellable *cancellable)
{
  g_autoptr(GString) line = g_string_new (NULL);
  char buffer[256];
  gssize n;

  while ((n = g_input_stream_read (stdout_pipe, buffer, sizeof buffer, cancellable, NULL)) > 0)
    for (gssize i = 0; i < n; i++)
      {
        const char *open_paren;

        if (buffer[i] != '\r' && buffer[i] != '\n')
          {
            g_string_append_c (line, buffer[i]);
            continue;
          }

        open_paren = strchr (line->str, '(');
        if (open_paren != NULL)
          report_progress (data, disk->size, g_ascii_strtod (open_paren + 1, NULL) / 100);
        g_string_truncate (line, 0);
      }
}

static char *
copy_file (RunData       *data,
           Disk          *disk,
           GCancellable  *cancellable,
           GError       **error)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *path = NULL;
  g_autofree char *stderr_text = NULL;
  g_autoptr(GBytes) stderr_bytes = NULL;
  GInputStream *err;
  struct stat st;
  int mode = 0600;

  if (g_stat (disk->path, &st) == 0)
    mode = st.st_mode & 0777;

  path = claim_free_path (disk->copy, mode, error);
  if (path == NULL)
    return NULL;

  {
    Created *created = g_new0 (Created, 1);

    created->path = g_strdup (path);
    g_ptr_array_add (data->created, created);
  }

  /* In the disk's own declared format: never probed from the content. */
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                              error, qemu_img (), "convert", "-p",
                              "-f", disk->format, "-O", disk->format,
                              disk->path, path, NULL);
  if (process == NULL)
    return NULL;

  read_qemu_img_progress (data, disk, g_subprocess_get_stdout_pipe (process), cancellable);

  err = g_subprocess_get_stderr_pipe (process);
  stderr_bytes = g_input_stream_read_bytes (err, 64 * 1024, NULL, NULL);

  if (!g_subprocess_wait (process, cancellable, error))
    {
      g_subprocess_force_exit (process);
      return NULL;
    }

  if (!g_subprocess_get_if_exited (process) || g_subprocess_get_exit_status (process) != 0)
    {
      stderr_text = stderr_bytes != NULL ? g_strndup (g_bytes_get_data (stderr_bytes, NULL),
                                                      g_bytes_get_size (stderr_bytes))
                                         : g_strdup ("");
      g_strstrip (stderr_text);
      g_set_error (error, HANGAR_VIRT_ERROR, HANGAR_VIRT_ERROR_FAILED,
                   _("Copying “%s” to “%s”: %s"), disk->path, path,
                   *stderr_text != '\0' ? stderr_text : _("qemu-img failed"));
      return NULL;
    }

  return g_steal_pointer (&path);
}

/* The volume's XML for a copy named @name in the source's format and
 * size (some drivers want it said). */
static char *
volume_xml (const char *name,
            const char *format,
            guint64     capacity)
{
  g_autoptr(GString) xml = g_string_new ("<volume><name>");
  g_autofree char *escaped = g_markup_escape_text (name, -1);
  g_autofree char *escaped_format = g_markup_escape_text (format, -1);

  g_string_append_printf (xml, "%s</name><capacity unit='bytes'>%" G_GUINT64_FORMAT
                          "</capacity><target><format type='%s'/></target></volume>",
                          escaped, capacity, escaped_format);

  return g_string_free (g_steal_pointer (&xml), FALSE);
}

/* Returns the new volume's name; its path in @path_out. */
static char *
copy_volume (RunData       *data,
             Disk          *disk,
             char         **path_out,
             GError       **error)
{
  virConnectPtr conn = virDomainGetConnect (data->dom);
  g_autofree char *what = g_strdup_printf (_("Copying “%s”"), disk->source);
  virStoragePoolPtr pool;
  virStorageVolPtr source;
  virStorageVolPtr copy = NULL;
  virStorageVolInfo info = { 0, };
  char *name = NULL;

  pool = virStoragePoolLookupByName (conn, disk->pool);
  if (pool == NULL)
    {
      hangar_virt_set_error_from_libvirt (error, what);
      return NULL;
    }

  source = virStorageVolLookupByName (pool, disk->volume);
  if (source == NULL)
    {
      hangar_virt_set_error_from_libvirt (error, what);
      virStoragePoolFree (pool);
      return NULL;
    }

  if (virStorageVolGetInfo (source, &info) < 0)
    {
      hangar_virt_set_error_from_libvirt (error, what);
      virStorageVolFree (source);
      virStoragePoolFree (pool);
      return NULL;
    }

  /* A name the pool does not have yet: a volume is never overwritten. */
  for (unsigned n = 0; n < 1000 && copy == NULL; n++)
    {
      g_autofree char *candidate = numbered (disk->copy, n);
      g_autofree char *xml = NULL;
      virStorageVolPtr taken = virStorageVolLookupByName (pool, candidate);

      if (taken != NULL)
        {
          virStorageVolFree (taken);
          continue;
        }

      xml = volume_xml (candidate, disk->format, info.capacity);
      copy = virStorageVolCreateXMLFrom (pool, xml, source, 0);
      if (copy == NULL)
        {
          hangar_virt_set_error_from_libvirt (error, what);
          break;
        }
      name = g_steal_pointer (&candidate);
    }

  if (copy != NULL)
    {
      Created *created = g_new0 (Created, 1);

      created->is_volume = TRUE;
      created->path = virStorageVolGetPath (copy);
      *path_out = g_strdup (created->path);
      g_ptr_array_add (data->created, created);
      virStorageVolFree (copy);
    }
  else if (error != NULL && *error == NULL)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS, _("“%s” and its variants all exist"),
                 disk->copy);

  virStorageVolFree (source);
  virStoragePoolFree (pool);

  return name;
}

/* The UEFI variables next to the original's, as NAME_VARS.fd. */
static char *
copy_nvram (RunData       *data,
            GError       **error)
{
  g_autofree char *dir = g_path_get_dirname (data->nvram);
  g_autofree char *base = g_strdup_printf ("%s_VARS.fd", data->new_name);
  g_autofree char *wanted = g_build_filename (dir, base, NULL);
  g_autofree char *path = NULL;
  g_autoptr(GFile) source = NULL;
  g_autoptr(GFile) target = NULL;
  Created *created;

  if (!data->local)
    {
      g_set_error (error, HANGAR_VIRT_ERROR, HANGAR_VIRT_ERROR_NO_SUPPORT,
                   _("The UEFI variables of “%s” are on another machine: Hangar cannot "
                     "copy them there"), data->name);
      return NULL;
    }

  path = claim_free_path (wanted, 0600, error);
  if (path == NULL)
    return NULL;

  created = g_new0 (Created, 1);
  created->path = g_strdup (path);
  g_ptr_array_add (data->created, created);

  source = g_file_new_for_path (data->nvram);
  target = g_file_new_for_path (path);
  if (!g_file_copy (source, target, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, error))
    return NULL;

  return g_steal_pointer (&path);
}

/* Deletes what a failed clone copied. */
static void
roll_back (RunData *data)
{
  virConnectPtr conn = virDomainGetConnect (data->dom);

  for (unsigned i = 0; i < data->created->len; i++)
    {
      Created *created = g_ptr_array_index (data->created, i);

      if (created->is_volume)
        {
          virStorageVolPtr vol = virStorageVolLookupByPath (conn, created->path);

          if (vol == NULL || virStorageVolDelete (vol, 0) < 0)
            g_warning ("Could not delete the copy %s of a failed clone", created->path);
          if (vol != NULL)
            virStorageVolFree (vol);
        }
      else if (g_unlink (created->path) != 0 && errno != ENOENT)
        g_warning ("Could not delete the copy %s of a failed clone: %s",
                   created->path, g_strerror (errno));
    }

  virResetLastError ();
  g_ptr_array_set_size (data->created, 0);
}

/* The definition with a new identity: name, UUID (in <sysinfo> too, which
 * libvirt requires to match), no MAC addresses (libvirt picks new ones). */
static void
new_identity (xmlNode    *root,
              const char *name)
{
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *old_uuid = NULL;
  xmlNode *devices;
  xmlNode *node;

  hangar_xml_set_text (hangar_xml_find_child (root, "name"), name);

  node = hangar_xml_find_child (root, "uuid");
  if (node != NULL)
    {
      old_uuid = hangar_xml_dup_text (node);
      hangar_xml_set_text (node, uuid);
    }

  for (xmlNode *sysinfo = root->children; sysinfo != NULL; sysinfo = sysinfo->next)
    {
      xmlNode *system;

      if (!hangar_xml_is_element (sysinfo, "sysinfo") ||
          (system = hangar_xml_find_child (sysinfo, "system")) == NULL)
        continue;

      for (xmlNode *entry = system->children; entry != NULL; entry = entry->next)
        {
          g_autofree char *entry_name = NULL;
          g_autofree char *text = NULL;

          if (!hangar_xml_is_element (entry, "entry"))
            continue;
          entry_name = hangar_xml_dup_attr (entry, "name");
          text = hangar_xml_dup_text (entry);
          if (g_strcmp0 (entry_name, "uuid") == 0 && old_uuid != NULL &&
              g_ascii_strcasecmp (g_strstrip (text), old_uuid) == 0)
            hangar_xml_set_text (entry, uuid);
        }
    }

  devices = hangar_xml_find_child (root, "devices");
  for (node = devices != NULL ? devices->children : NULL; node != NULL; node = node->next)
    {
      xmlNode *mac;

      if (hangar_xml_is_element (node, "interface") &&
          (mac = hangar_xml_find_child (node, "mac")) != NULL)
        hangar_xml_remove_node (mac);
    }
}

static gboolean
run_copies (RunData       *data,
            xmlNode       *root,
            GCancellable  *cancellable,
            GError       **error)
{
  xmlNode *devices = hangar_xml_find_child (root, "devices");
  unsigned index = 0;

  for (xmlNode *node = devices != NULL ? devices->children : NULL; node != NULL;
       node = node->next)
    {
      Disk *disk;
      xmlNode *source;
      g_autofree char *type = NULL;
      g_autofree char *path = NULL;
      g_autofree char *volume = NULL;

      if (!hangar_xml_is_element (node, "disk"))
        continue;

      disk = g_ptr_array_index (data->disks, index++);
      if (disk->mode != HANGAR_CLONE_COPY)
        continue;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;

      if (disk->pool != NULL)
        {
          volume = copy_volume (data, disk, &path, error);
          if (volume == NULL)
            return FALSE;
        }
      else
        {
          path = copy_file (data, disk, cancellable, error);
          if (path == NULL)
            return FALSE;
        }

      data->done += disk->size;
      report_progress (data, 0, 0);

      source = hangar_xml_find_child (node, "source");
      type = hangar_xml_dup_attr (node, "type");
      if (g_strcmp0 (type, "volume") == 0)
        hangar_xml_set_attr (source, "volume", volume);
      else if (g_strcmp0 (type, "block") == 0)
        hangar_xml_set_attr (source, "dev", path);
      else
        hangar_xml_set_attr (source, "file", path);

      g_debug ("Copied %s to %s", disk->source, path);
    }

  return TRUE;
}

static void
run_worker (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  RunData *data = task_data;
  virConnectPtr conn = virDomainGetConnect (data->dom);
  g_autofree char *what = g_strdup_printf (_("Cloning “%s”"), data->name);
  virDomainPtr taken;
  virDomainPtr defined = NULL;
  xmlChar *xml = NULL;
  xmlDoc *doc;
  xmlNode *root;
  GError *error = NULL;
  int length;

  taken = virDomainLookupByName (conn, data->new_name);
  if (taken != NULL)
    {
      virDomainFree (taken);
      g_task_return_new_error (task, HANGAR_VIRT_ERROR, HANGAR_VIRT_ERROR_FAILED,
                               _("A virtual machine named “%s” exists already"),
                               data->new_name);
      return;
    }
  virResetLastError ();

  doc = hangar_xml_diff_parse (data->xml, &error);
  if (doc == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  root = xmlDocGetRootElement (doc);

  new_identity (root, data->new_name);

  if (!run_copies (data, root, cancellable, &error))
    goto failed;

  if (data->nvram != NULL)
    {
      xmlNode *nvram = hangar_xml_find_child (hangar_xml_find_child (root, "os"), "nvram");

      if (data->nvram_exists)
        {
          g_autofree char *path = copy_nvram (data, &error);

          if (path == NULL)
            goto failed;
          hangar_xml_set_text (nvram, path);
        }
      else
        /* Never started: libvirt makes the clone's own from the template. */
        hangar_xml_set_text (nvram, "");
    }

  if (g_cancellable_set_error_if_cancelled (cancellable, &error))
    goto failed;

  xmlDocDumpMemoryEnc (doc, &xml, &length, "UTF-8");
  defined = virDomainDefineXMLFlags (conn, (const char *)xml, VIR_DOMAIN_DEFINE_VALIDATE);
  xmlFree (xml);
  if (defined == NULL)
    {
      hangar_virt_set_error_from_libvirt (&error, what);
      goto failed;
    }

  xmlFreeDoc (doc);
  report_progress (data, 0, 1);
  g_task_return_pointer (task, hangar_domain_info_new (defined, HANGAR_DOMAIN_STATE_SHUTOFF, TRUE),
                         (GDestroyNotify)hangar_domain_info_free);
  return;

failed:
  roll_back (data);
  xmlFreeDoc (doc);
  g_task_return_error (task, error);
}

static void
run_worker_done_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HangarClonePlan *self = g_task_get_source_object (task);
  g_autoptr(HangarDomainInfo) info = NULL;
  HangarConnection *connection;
  GError *error = NULL;

  info = g_task_propagate_pointer (G_TASK (result), &error);
  if (info == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  connection = hangar_domain_get_connection (self->domain);
  if (connection == NULL)
    {
      g_task_return_new_error (task, HANGAR_VIRT_ERROR, HANGAR_VIRT_ERROR_NOT_CONNECTED,
                               _("The connection was closed"));
      return;
    }

  g_task_return_pointer (task, g_object_ref (hangar_connection_add_defined (connection, info)),
                         g_object_unref);
}

void
hangar_clone_plan_run_async (HangarClonePlan     *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) inner = NULL;
  GError *error = NULL;
  RunData *data;

  g_return_if_fail (HANGAR_IS_CLONE_PLAN (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hangar_clone_plan_run_async);

  if (!hangar_domain_check_action (self->domain, HANGAR_DOMAIN_ACTION_CLONE, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  if (*self->name == '\0' || strchr (self->name, '/') != NULL)
    {
      g_task_return_new_error (task, HANGAR_VIRT_ERROR, HANGAR_VIRT_ERROR_FAILED,
                               _("“%s” cannot be a name: it must not be empty or "
                                 "contain “/”"), self->name);
      return;
    }

  data = g_new0 (RunData, 1);
  data->dom = hangar_domain_dup_virt (self->domain);
  data->name = g_strdup (self->old_name);
  data->new_name = g_strdup (self->name);
  data->xml = g_strdup (self->xml);
  data->disks = g_ptr_array_ref (self->disks);
  data->nvram = g_strdup (self->nvram);
  data->nvram_exists = self->nvram_exists;
  data->local = self->local;
  data->created = g_ptr_array_new_with_free_func ((GDestroyNotify)created_free);
  data->plan = g_object_ref (self);
  data->context = g_main_context_ref_thread_default ();
  for (unsigned i = 0; i < self->disks->len; i++)
    {
      Disk *disk = g_ptr_array_index (self->disks, i);

      if (disk->mode == HANGAR_CLONE_COPY)
        data->total += disk->size;
    }

  self->progress = 0;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);

  /* The copies are the caller's to cancel; once defined, the entry must
   * follow whatever the caller wants. */
  inner = g_task_new (self, cancellable, run_worker_done_cb, g_steal_pointer (&task));
  g_task_set_source_tag (inner, run_worker);
  g_task_set_task_data (inner, data, (GDestroyNotify)run_data_free);
  g_task_set_return_on_cancel (inner, FALSE);
  g_task_set_check_cancellable (inner, FALSE);
  g_task_run_in_thread (inner, run_worker);
}

HangarDomain *
hangar_clone_plan_run_finish (HangarClonePlan  *self,
                              GAsyncResult     *result,
                              GError          **error)
{
  g_return_val_if_fail (HANGAR_IS_CLONE_PLAN (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        hangar_clone_plan_run_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}


/* The object */

static void
hangar_clone_plan_finalize (GObject *object)
{
  HangarClonePlan *self = (HangarClonePlan *)object;

  g_clear_object (&self->domain);
  g_free (self->old_name);
  g_free (self->name);
  g_free (self->xml);
  g_clear_pointer (&self->disks, g_ptr_array_unref);
  g_free (self->nvram);

  G_OBJECT_CLASS (hangar_clone_plan_parent_class)->finalize (object);
}

static void
hangar_clone_plan_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  HangarClonePlan *self = HANGAR_CLONE_PLAN (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;

    case PROP_PROGRESS:
      g_value_set_double (value, self->progress);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_clone_plan_class_init (HangarClonePlanClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = hangar_clone_plan_finalize;
  object_class->get_property = hangar_clone_plan_get_property;

  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_PROGRESS] =
    g_param_spec_double ("progress", NULL, NULL,
                         0, 1, 0,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hangar_clone_plan_init (HangarClonePlan *self)
{
  self->disks = g_ptr_array_new_with_free_func ((GDestroyNotify)disk_free);
}

HangarDomain *
hangar_clone_plan_get_domain (HangarClonePlan *self)
{
  g_return_val_if_fail (HANGAR_IS_CLONE_PLAN (self), NULL);

  return self->domain;
}

const char *
hangar_clone_plan_get_name (HangarClonePlan *self)
{
  g_return_val_if_fail (HANGAR_IS_CLONE_PLAN (self), NULL);

  return self->name;
}

void
hangar_clone_plan_set_name (HangarClonePlan *self,
                            const char      *name)
{
  g_autofree char *stripped = NULL;

  g_return_if_fail (HANGAR_IS_CLONE_PLAN (self));
  g_return_if_fail (name != NULL);

  stripped = g_strstrip (g_strdup (name));
  if (g_strcmp0 (self->name, stripped) == 0)
    return;

  g_free (self->name);
  self->name = g_steal_pointer (&stripped);
  propose_copies (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}

gboolean
hangar_clone_plan_get_has_nvram (HangarClonePlan *self)
{
  g_return_val_if_fail (HANGAR_IS_CLONE_PLAN (self), FALSE);

  return self->nvram != NULL && self->nvram_exists;
}

double
hangar_clone_plan_get_progress (HangarClonePlan *self)
{
  g_return_val_if_fail (HANGAR_IS_CLONE_PLAN (self), 0);

  return self->progress;
}

unsigned
hangar_clone_plan_get_n_disks (HangarClonePlan *self)
{
  g_return_val_if_fail (HANGAR_IS_CLONE_PLAN (self), 0);

  return self->disks->len;
}

static Disk *
get_disk (HangarClonePlan *self,
          unsigned         index)
{
  g_return_val_if_fail (HANGAR_IS_CLONE_PLAN (self), NULL);
  g_return_val_if_fail (index < self->disks->len, NULL);

  return g_ptr_array_index (self->disks, index);
}

const char *
hangar_clone_plan_get_disk_target (HangarClonePlan *self,
                                   unsigned         index)
{
  Disk *disk = get_disk (self, index);

  return disk != NULL ? disk->target : NULL;
}

const char *
hangar_clone_plan_get_disk_device (HangarClonePlan *self,
                                   unsigned         index)
{
  Disk *disk = get_disk (self, index);

  return disk != NULL ? disk->device : NULL;
}

const char *
hangar_clone_plan_get_disk_source (HangarClonePlan *self,
                                   unsigned         index)
{
  Disk *disk = get_disk (self, index);

  return disk != NULL ? disk->source : NULL;
}

const char *
hangar_clone_plan_get_disk_copy (HangarClonePlan *self,
                                 unsigned         index)
{
  Disk *disk = get_disk (self, index);

  return disk != NULL ? disk->copy : NULL;
}

const char *
hangar_clone_plan_get_disk_reason (HangarClonePlan *self,
                                   unsigned         index)
{
  Disk *disk = get_disk (self, index);

  return disk != NULL ? disk->reason : NULL;
}

HangarCloneMode
hangar_clone_plan_get_disk_mode (HangarClonePlan *self,
                                 unsigned         index)
{
  Disk *disk = get_disk (self, index);

  return disk != NULL ? disk->mode : HANGAR_CLONE_SHARE;
}

void
hangar_clone_plan_set_disk_mode (HangarClonePlan *self,
                                 unsigned         index,
                                 HangarCloneMode  mode)
{
  Disk *disk = get_disk (self, index);

  g_return_if_fail (disk != NULL);
  g_return_if_fail (mode == HANGAR_CLONE_SHARE || disk->reason == NULL);

  disk->mode = mode;
}
