/* hangar-start-check.c
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-start-check"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <string.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>

#include "hangar-start-check.h"
#include "hangar-virt-error.h"
#include "hangar-virt-private.h"

/* The check reads capabilities, never error messages: each problem is found
 * from what the connection says it offers (host and domain capabilities,
 * whether it has a network driver, which networks exist) and from the
 * files on disk, before anything is started. */

#define DEFAULT_DISK_SIZE (G_GUINT64_CONSTANT (10) * 1024 * 1024 * 1024)
#define PREFERRED_TCG_MODEL "qemu64"

struct _HangarStartProblem
{
  GObject parent_instance;

  /* owned references */
  char                   *path;
  char                   *message;
  char                   *fix_label;
  char                   *file;       /* DISK_MISSING: the image to create */
  char                   *format;     /* DISK_MISSING: its qemu-img format */
  char                   *cpu_model;  /* VIRT_TYPE, CPU_MODE: the model to use, or NULL */

  HangarStartProblemKind  kind;
  unsigned                index;      /* of the device within its kind */
  guint64                 disk_size;
};

G_DEFINE_FINAL_TYPE (HangarStartProblem, hangar_start_problem, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_FIX_LABEL,
  PROP_DISK_SIZE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static char *
format_size (guint64 bytes)
{
  const guint64 mib = 1024 * 1024;
  const guint64 gib = 1024 * mib;
  g_autofree char *number = NULL;

  /* "10 GiB" rather than g_format_size ()'s "10.0 GiB" for round sizes. */
  if (bytes >= gib && bytes % gib == 0)
    {
      number = g_strdup_printf ("%" G_GUINT64_FORMAT, bytes / gib);
      return g_strdup_printf (_("%s GiB"), number);
    }

  if (bytes >= mib && bytes % mib == 0)
    {
      number = g_strdup_printf ("%" G_GUINT64_FORMAT, bytes / mib);
      return g_strdup_printf (_("%s MiB"), number);
    }

  return g_format_size_full (bytes, G_FORMAT_SIZE_IEC_UNITS);
}

static void
update_disk_fix_label (HangarStartProblem *self)
{
  g_autofree char *size = format_size (self->disk_size);

  g_free (self->fix_label);
  self->fix_label = g_strdup_printf (_("Create an empty %s disk image"), size);
}

static void
hangar_start_problem_finalize (GObject *object)
{
  HangarStartProblem *self = (HangarStartProblem *)object;

  g_free (self->path);
  g_free (self->message);
  g_free (self->fix_label);
  g_free (self->file);
  g_free (self->format);
  g_free (self->cpu_model);

  G_OBJECT_CLASS (hangar_start_problem_parent_class)->finalize (object);
}

static void
hangar_start_problem_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  HangarStartProblem *self = HANGAR_START_PROBLEM (object);

  switch (prop_id)
    {
    case PROP_FIX_LABEL:
      g_value_set_string (value, self->fix_label);
      break;

    case PROP_DISK_SIZE:
      g_value_set_uint64 (value, self->disk_size);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_start_problem_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  HangarStartProblem *self = HANGAR_START_PROBLEM (object);

  switch (prop_id)
    {
    case PROP_DISK_SIZE:
      hangar_start_problem_set_disk_size (self, g_value_get_uint64 (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_start_problem_class_init (HangarStartProblemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = hangar_start_problem_finalize;
  object_class->get_property = hangar_start_problem_get_property;
  object_class->set_property = hangar_start_problem_set_property;

  properties[PROP_FIX_LABEL] =
    g_param_spec_string ("fix-label", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_DISK_SIZE] =
    g_param_spec_uint64 ("disk-size", NULL, NULL,
                         0, G_MAXUINT64, 0,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hangar_start_problem_init (HangarStartProblem *self)
{
}

static HangarStartProblem *
problem_new (HangarStartProblemKind  kind,
             const char             *path,
             unsigned                index,
             char                   *message,
             char                   *fix_label)
{
  HangarStartProblem *self;

  self = g_object_new (HANGAR_TYPE_START_PROBLEM, NULL);
  self->kind = kind;
  self->path = g_strdup (path);
  self->index = index;
  self->message = message;
  self->fix_label = fix_label;

  return self;
}

HangarStartProblemKind
hangar_start_problem_get_kind (HangarStartProblem *self)
{
  g_return_val_if_fail (HANGAR_IS_START_PROBLEM (self), 0);

  return self->kind;
}

const char *
hangar_start_problem_get_path (HangarStartProblem *self)
{
  g_return_val_if_fail (HANGAR_IS_START_PROBLEM (self), NULL);

  return self->path;
}

const char *
hangar_start_problem_get_message (HangarStartProblem *self)
{
  g_return_val_if_fail (HANGAR_IS_START_PROBLEM (self), NULL);

  return self->message;
}

const char *
hangar_start_problem_get_fix_label (HangarStartProblem *self)
{
  g_return_val_if_fail (HANGAR_IS_START_PROBLEM (self), NULL);

  return self->fix_label;
}

const char *
hangar_start_problem_get_file (HangarStartProblem *self)
{
  g_return_val_if_fail (HANGAR_IS_START_PROBLEM (self), NULL);

  return self->file;
}

guint64
hangar_start_problem_get_disk_size (HangarStartProblem *self)
{
  g_return_val_if_fail (HANGAR_IS_START_PROBLEM (self), 0);

  return self->disk_size;
}

void
hangar_start_problem_set_disk_size (HangarStartProblem *self,
                                    guint64             bytes)
{
  g_return_if_fail (HANGAR_IS_START_PROBLEM (self));
  g_return_if_fail (self->kind == HANGAR_START_PROBLEM_DISK_MISSING);
  g_return_if_fail (bytes > 0);

  if (self->disk_size == bytes)
    return;

  self->disk_size = bytes;
  update_disk_fix_label (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISK_SIZE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FIX_LABEL]);
}


/* What the worker needs from the document, copied on the main context */

typedef struct
{
  unsigned  index;
  char     *path;
  char     *type;
  char     *network;
} InterfaceInput;

typedef struct
{
  unsigned  index;
  char     *path;
  char     *device;
  char     *type;
  char     *file;
  char     *driver_type;
} DiskInput;

typedef struct
{
  char      *name;
  char      *virt_type;
  char      *arch;
  char      *cpu_mode;
  GPtrArray *interfaces;
  GPtrArray *disks;
  gboolean   is_local;
} CheckInput;

static void
interface_input_free (InterfaceInput *input)
{
  g_free (input->path);
  g_free (input->type);
  g_free (input->network);
  g_free (input);
}

static void
disk_input_free (DiskInput *input)
{
  g_free (input->path);
  g_free (input->device);
  g_free (input->type);
  g_free (input->file);
  g_free (input->driver_type);
  g_free (input);
}

static void
check_input_free (CheckInput *input)
{
  g_free (input->name);
  g_free (input->virt_type);
  g_free (input->arch);
  g_free (input->cpu_mode);
  g_clear_pointer (&input->interfaces, g_ptr_array_unref);
  g_clear_pointer (&input->disks, g_ptr_array_unref);
  g_free (input);
}


/* XPath over libvirt's capability documents */

typedef struct
{
  xmlDoc            *doc;
  xmlXPathContext   *ctx;
} Xml;

static void
xml_clear (Xml *xml)
{
  g_clear_pointer (&xml->ctx, xmlXPathFreeContext);
  g_clear_pointer (&xml->doc, xmlFreeDoc);
}

static gboolean
xml_parse (Xml        *xml,
           const char *text)
{
  memset (xml, 0, sizeof *xml);

  if (text == NULL)
    return FALSE;

  xml->doc = xmlReadMemory (text, strlen (text), "capabilities.xml", NULL,
                            XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if (xml->doc == NULL)
    return FALSE;

  xml->ctx = xmlXPathNewContext (xml->doc);

  return xml->ctx != NULL;
}

/* A value read from the document goes into an expression only when it
 * cannot end the literal early. */
static gboolean
xpath_literal_ok (const char *value)
{
  return value != NULL && strchr (value, '\'') == NULL;
}

static xmlXPathObject *
xml_eval (Xml        *xml,
          const char *expr)
{
  if (xml->ctx == NULL)
    return NULL;

  return xmlXPathEvalExpression ((const xmlChar *)expr, xml->ctx);
}

static gboolean
xml_exists (Xml        *xml,
            const char *expr)
{
  xmlXPathObject *obj;
  gboolean ret;

  obj = xml_eval (xml, expr);
  if (obj == NULL)
    return FALSE;

  ret = xmlXPathCastToBoolean (obj);
  xmlXPathFreeObject (obj);

  return ret;
}

static char *
xml_string (Xml        *xml,
            const char *expr)
{
  xmlXPathObject *obj;
  xmlChar *value;
  char *ret = NULL;

  obj = xml_eval (xml, expr);
  if (obj == NULL)
    return NULL;

  value = xmlXPathCastToString (obj);
  if (value != NULL && *value != '\0')
    ret = g_strdup ((const char *)value);

  xmlFree (value);
  xmlXPathFreeObject (obj);

  return ret;
}

/* Whether the domain capabilities mark @mode supported; unknown modes
 * count as supported, so that only what libvirt refuses is reported. */
static gboolean
cpu_mode_supported (Xml        *domcaps,
                    const char *mode)
{
  g_autofree char *expr = NULL;

  if (domcaps->ctx == NULL || !xpath_literal_ok (mode))
    return TRUE;

  expr = g_strdup_printf ("/domainCapabilities/cpu/mode[@name='%s']/@supported = 'no'", mode);

  return !xml_exists (domcaps, expr);
}

/* A CPU model that the hypervisor type can run, preferring qemu64. */
static char *
usable_cpu_model (Xml *domcaps)
{
  char *model;

  if (xml_exists (domcaps, "/domainCapabilities/cpu/mode[@name='custom']"
                           "/model[@usable='yes' and . = '" PREFERRED_TCG_MODEL "']"))
    return g_strdup (PREFERRED_TCG_MODEL);

  model = xml_string (domcaps, "/domainCapabilities/cpu/mode[@name='custom' and "
                               "@supported='yes']/model[@usable='yes'][1]");
  if (model != NULL)
    return model;

  return g_strdup (PREFERRED_TCG_MODEL);
}


/* The checks, in a worker thread */

static void
check_networks (CheckInput     *input,
                virConnectPtr   conn,
                gboolean        has_network_driver,
                GPtrArray      *problems)
{
  for (unsigned i = 0; i < input->interfaces->len; i++)
    {
      InterfaceInput *iface = g_ptr_array_index (input->interfaces, i);
      const char *network = iface->network != NULL ? iface->network : "default";
      virNetworkPtr net;
      int active;

      if (g_strcmp0 (iface->type, "network") != 0)
        continue;

      if (!has_network_driver)
        {
          g_ptr_array_add (problems,
                           problem_new (HANGAR_START_PROBLEM_NO_NETWORK_DRIVER,
                                        iface->path, iface->index,
                                        g_strdup_printf (_("Network interface %u uses the "
                                                           "virtual network “%s”, but this "
                                                           "connection has no network driver"),
                                                         iface->index + 1, network),
                                        g_strdup (_("Use user-mode networking"))));
          continue;
        }

      net = virNetworkLookupByName (conn, network);
      if (net == NULL)
        {
          virErrorPtr last = virGetLastError ();

          if (last == NULL || last->code != VIR_ERR_NO_NETWORK)
            {
              g_debug ("Looking up network “%s”: %s", network,
                       last != NULL && last->message != NULL ? last->message : "?");
              continue;
            }

          g_ptr_array_add (problems,
                           problem_new (HANGAR_START_PROBLEM_NETWORK_MISSING,
                                        iface->path, iface->index,
                                        g_strdup_printf (_("Network interface %u uses the "
                                                           "virtual network “%s”, which does "
                                                           "not exist"),
                                                         iface->index + 1, network),
                                        g_strdup (_("Use user-mode networking"))));
          continue;
        }

      active = virNetworkIsActive (net);
      virNetworkFree (net);

      if (active == 0)
        g_ptr_array_add (problems,
                         problem_new (HANGAR_START_PROBLEM_NETWORK_MISSING,
                                      iface->path, iface->index,
                                      g_strdup_printf (_("Network interface %u uses the "
                                                         "virtual network “%s”, which is not "
                                                         "running"),
                                                       iface->index + 1, network),
                                      g_strdup (_("Use user-mode networking"))));
    }
}

static void
check_virt_type (CheckInput  *input,
                 Xml         *host_caps,
                 Xml         *tcg_caps,
                 GPtrArray   *problems)
{
  g_autofree char *host_arch = NULL;
  g_autofree char *expr = NULL;
  const char *arch = input->arch;
  const char *type = input->virt_type;
  gboolean mode_ok_under_tcg;
  gboolean offered;
  gboolean hw_virt;

  if (type == NULL || host_caps->ctx == NULL)
    return;

  if (arch == NULL)
    arch = host_arch = xml_string (host_caps, "string(/capabilities/host/cpu/arch)");
  if (!xpath_literal_ok (arch) || !xpath_literal_ok (type))
    return;

  mode_ok_under_tcg = input->cpu_mode == NULL || cpu_mode_supported (tcg_caps, input->cpu_mode);

  if (strcmp (type, "qemu") == 0)
    {
      if (!mode_ok_under_tcg)
        {
          HangarStartProblem *problem;
          g_autofree char *model = usable_cpu_model (tcg_caps);

          problem = problem_new (HANGAR_START_PROBLEM_CPU_MODE, "/domain/cpu", 0,
                                 g_strdup_printf (_("The CPU mode “%s” is not supported by the "
                                                    "QEMU emulator (TCG)"),
                                                  input->cpu_mode),
                                 g_strdup_printf (_("Use CPU model %s"), model));
          problem->cpu_model = g_steal_pointer (&model);
          g_ptr_array_add (problems, problem);
        }
      return;
    }

  expr = g_strdup_printf ("/capabilities/guest/arch[@name='%s']/domain[@type='%s']", arch, type);
  offered = xml_exists (host_caps, expr);

  /* libvirt offers KVM whenever /dev/kvm opens, also where it is a nested
   * software hypervisor: without VT-x or AMD-V in the host CPU, QEMU aborts
   * on host-passthrough and a Linux guest does not run. */
  hw_virt = xml_exists (host_caps, "/capabilities/host/cpu/feature[@name='vmx' or "
                                   "@name='svm']");

  if (offered && (strcmp (type, "kvm") != 0 || hw_virt))
    return;

  {
    HangarStartProblem *problem;
    g_autofree char *model = NULL;
    g_autofree char *message = NULL;
    const char *path = "/domain";

    if (!offered)
      message = g_strdup_printf (_("The hypervisor type “%s” is not offered for %s on this "
                                   "connection"),
                                 type, arch);
    else if (input->cpu_mode != NULL && !mode_ok_under_tcg)
      message = g_strdup_printf (_("KVM here has no hardware virtualization (the host CPU has "
                                   "neither VT-x nor AMD-V), so QEMU cannot run the CPU mode "
                                   "“%s” with it"),
                                 input->cpu_mode);
    else
      message = g_strdup (_("KVM here has no hardware virtualization (the host CPU has neither "
                            "VT-x nor AMD-V), so guest systems do not run with it"));

    if (input->cpu_mode != NULL && !mode_ok_under_tcg)
      {
        model = usable_cpu_model (tcg_caps);
        path = "/domain/cpu";
      }

    problem = problem_new (HANGAR_START_PROBLEM_VIRT_TYPE, path, 0,
                           g_steal_pointer (&message),
                           model != NULL
                             ? g_strdup_printf (_("Use the QEMU emulator (TCG) with CPU model %s"),
                                                model)
                             : g_strdup (_("Use the QEMU emulator (TCG)")));
    problem->cpu_model = g_steal_pointer (&model);
    g_ptr_array_add (problems, problem);
  }
}

static void
check_disks (CheckInput *input,
             GPtrArray  *problems)
{
  /* Paths on another host mean nothing here. */
  if (!input->is_local)
    return;

  for (unsigned i = 0; i < input->disks->len; i++)
    {
      DiskInput *disk = g_ptr_array_index (input->disks, i);
      HangarStartProblem *problem;

      /* TODO: a missing CD-ROM or floppy image also stops the start, but
       * there is nothing to create: offer to eject it instead. */
      if (disk->file == NULL || g_strcmp0 (disk->device, "disk") != 0 ||
          (disk->type != NULL && strcmp (disk->type, "file") != 0))
        continue;

      if (g_file_test (disk->file, G_FILE_TEST_EXISTS))
        continue;

      problem = problem_new (HANGAR_START_PROBLEM_DISK_MISSING, disk->path, disk->index,
                             g_strdup_printf (_("The image “%s” of disk %u does not exist"),
                                              disk->file, disk->index + 1),
                             NULL);
      problem->file = g_strdup (disk->file);
      problem->format = g_strdup (disk->driver_type != NULL ? disk->driver_type : "qcow2");
      problem->disk_size = DEFAULT_DISK_SIZE;
      update_disk_fix_label (problem);
      g_ptr_array_add (problems, problem);
    }
}

static void
start_check_worker (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  HangarConnection *connection = source_object;
  CheckInput *input = task_data;
  g_autoptr(GPtrArray) problems = NULL;
  g_autofree char *host_caps_xml = NULL;
  g_autofree char *tcg_caps_xml = NULL;
  gboolean has_network_driver = FALSE;
  virConnectPtr conn;
  GError *error = NULL;
  Xml host_caps;
  Xml tcg_caps;

  conn = hangar_connection_dup_virt (connection, &error);
  if (conn == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  /* TCG's capabilities say which CPU modes and models a fix can use. */
  if (!hangar_connection_load_capabilities_sync (connection, "qemu", input->arch, NULL,
                                                 cancellable, &host_caps_xml, &tcg_caps_xml,
                                                 &has_network_driver, &error))
    {
      virConnectClose (conn);
      g_task_return_error (task, error);
      return;
    }

  xml_parse (&host_caps, host_caps_xml);
  xml_parse (&tcg_caps, tcg_caps_xml);

  problems = g_ptr_array_new_with_free_func (g_object_unref);

  check_networks (input, conn, has_network_driver, problems);
  check_virt_type (input, &host_caps, &tcg_caps, problems);
  check_disks (input, problems);

  xml_clear (&host_caps);
  xml_clear (&tcg_caps);
  virConnectClose (conn);

  g_debug ("“%s”: %u problems", input->name, problems->len);

  g_task_return_pointer (task, g_steal_pointer (&problems), (GDestroyNotify)g_ptr_array_unref);
}

/* The network an interface names, read from the serialized document:
 * the model has no accessor for <source network=…/> yet. */
static char *
interface_network (Xml      *doc,
                   unsigned  index)
{
  g_autofree char *expr = NULL;

  expr = g_strdup_printf ("string(/domain/devices/interface[%u]/source/@network)", index + 1);

  return xml_string (doc, expr);
}

void
hangar_start_check_async (HangarConnection    *connection,
                          HangarDomainDoc     *doc,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *xml = NULL;
  CheckInput *input;
  unsigned n;
  Xml parsed;

  g_return_if_fail (HANGAR_IS_CONNECTION (connection));
  g_return_if_fail (HANGAR_IS_DOMAIN_DOC (doc));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  xmlInitParser ();

  input = g_new0 (CheckInput, 1);
  input->name = g_strdup (hangar_domain_doc_get_name (doc));
  input->virt_type = g_strdup (hangar_domain_doc_get_hypervisor (doc));
  input->arch = g_strdup (hangar_domain_doc_get_arch (doc));
  input->cpu_mode = g_strdup (hangar_domain_doc_get_cpu_mode (doc));
  input->is_local = hangar_connection_is_local (connection);
  input->interfaces = g_ptr_array_new_with_free_func ((GDestroyNotify)interface_input_free);
  input->disks = g_ptr_array_new_with_free_func ((GDestroyNotify)disk_input_free);

  xml = hangar_domain_doc_to_string (doc);
  xml_parse (&parsed, xml);

  n = hangar_domain_doc_count_devices (doc, "interface");
  for (unsigned i = 0; i < n; i++)
    {
      InterfaceInput *iface = g_new0 (InterfaceInput, 1);

      iface->index = i;
      iface->path = hangar_domain_doc_dup_device_path (doc, "interface", i);
      iface->type = g_strdup (hangar_domain_doc_get_device_attr (doc, "interface", i, "type"));
      iface->network = interface_network (&parsed, i);
      g_ptr_array_add (input->interfaces, iface);
    }

  n = hangar_domain_doc_count_devices (doc, "disk");
  for (unsigned i = 0; i < n; i++)
    {
      DiskInput *disk = g_new0 (DiskInput, 1);

      disk->index = i;
      disk->path = hangar_domain_doc_dup_device_path (doc, "disk", i);
      disk->device = g_strdup (hangar_domain_doc_get_device_attr (doc, "disk", i, "device"));
      disk->type = g_strdup (hangar_domain_doc_get_device_attr (doc, "disk", i, "type"));
      disk->file = g_strdup (hangar_domain_doc_get_disk_source_file (doc, i));
      disk->driver_type = g_strdup (hangar_domain_doc_get_disk_driver_type (doc, i));
      /* libvirt's default for a disk without device= */
      if (disk->device == NULL)
        disk->device = g_strdup ("disk");
      g_ptr_array_add (input->disks, disk);
    }

  xml_clear (&parsed);

  task = g_task_new (connection, cancellable, callback, user_data);
  g_task_set_source_tag (task, hangar_start_check_async);
  g_task_set_task_data (task, input, (GDestroyNotify)check_input_free);
  g_task_run_in_thread (task, start_check_worker);
}

GPtrArray *
hangar_start_check_finish (GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        hangar_start_check_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}


/* Fixes */

typedef struct
{
  char    *file;
  char    *format;
  guint64  size;
} CreateDisk;

static void
create_disk_free (CreateDisk *data)
{
  g_free (data->file);
  g_free (data->format);
  g_free (data);
}

static void
create_disk_worker (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  CreateDisk *data = task_data;
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *parent = NULL;
  g_autofree char *size = NULL;
  g_autofree char *output = NULL;
  GError *error = NULL;

  /* qemu-img would truncate an image that appeared meanwhile: never. */
  if (g_file_test (data->file, G_FILE_TEST_EXISTS))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_EXISTS,
                               _("The disk image “%s” exists already"), data->file);
      return;
    }

  parent = g_path_get_dirname (data->file);
  if (g_mkdir_with_parents (parent, 0755) < 0)
    {
      int saved_errno = errno;

      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                               _("Could not create the folder “%s”: %s"),
                               parent, g_strerror (saved_errno));
      return;
    }

  size = g_strdup_printf ("%" G_GUINT64_FORMAT, data->size);
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE,
                              &error,
                              "qemu-img", "create", "-q", "-f", data->format,
                              data->file, size, NULL);
  if (process == NULL)
    {
      g_prefix_error (&error, _("Could not run qemu-img (from qemu-utils): "));
      g_task_return_error (task, error);
      return;
    }

  if (!g_subprocess_communicate_utf8 (process, NULL, cancellable, &output, NULL, &error))
    {
      g_subprocess_force_exit (process);
      g_task_return_error (task, error);
      return;
    }

  if (!g_subprocess_get_if_exited (process) || g_subprocess_get_exit_status (process) != 0)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                               _("Could not create the disk image “%s”: %s"),
                               data->file,
                               output != NULL ? g_strstrip (output) : "qemu-img failed");
      return;
    }

  g_debug ("Created %s (%s, %s bytes)", data->file, data->format, size);

  g_task_return_boolean (task, TRUE);
}

void
hangar_start_problem_fix_async (HangarStartProblem  *self,
                                HangarDomainDoc     *doc,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;

  g_return_if_fail (HANGAR_IS_START_PROBLEM (self));
  g_return_if_fail (HANGAR_IS_DOMAIN_DOC (doc));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hangar_start_problem_fix_async);

  switch (self->kind)
    {
    case HANGAR_START_PROBLEM_NO_NETWORK_DRIVER:
    case HANGAR_START_PROBLEM_NETWORK_MISSING:
      if (!hangar_domain_doc_set_interface_user (doc, self->index, &error))
        g_task_return_error (task, error);
      else
        g_task_return_boolean (task, TRUE);
      break;

    case HANGAR_START_PROBLEM_VIRT_TYPE:
      hangar_domain_doc_set_hypervisor (doc, "qemu");
      if (self->cpu_model != NULL)
        hangar_domain_doc_set_cpu_custom_model (doc, self->cpu_model);
      g_task_return_boolean (task, TRUE);
      break;

    case HANGAR_START_PROBLEM_CPU_MODE:
      hangar_domain_doc_set_cpu_custom_model (doc, self->cpu_model != NULL
                                                   ? self->cpu_model : PREFERRED_TCG_MODEL);
      g_task_return_boolean (task, TRUE);
      break;

    case HANGAR_START_PROBLEM_DISK_MISSING:
      {
        CreateDisk *data = g_new0 (CreateDisk, 1);

        data->file = g_strdup (self->file);
        data->format = g_strdup (self->format);
        data->size = self->disk_size;
        g_task_set_task_data (task, data, (GDestroyNotify)create_disk_free);
        g_task_run_in_thread (task, create_disk_worker);
      }
      break;

    default:
      g_assert_not_reached ();
    }
}

gboolean
hangar_start_problem_fix_finish (HangarStartProblem  *self,
                                 GAsyncResult        *result,
                                 GError             **error)
{
  g_return_val_if_fail (HANGAR_IS_START_PROBLEM (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        hangar_start_problem_fix_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
