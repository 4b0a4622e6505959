/* test-model-libvirt.c
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-model-libvirt"

#include "config.h"

#include <string.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "hangar-connection.h"
#include "hangar-domain-doc.h"
#include "hangar-xml-path.h"
#include "hangar-test-root.h"
#include "test-model-common.h"

/* What the model writes, judged by libvirt itself: its test driver
 * (test:///default) and the embedded QEMU driver on a private root, both
 * in this process.  Domains are defined, read back and undefined; none
 * is started.
 *
 * - Dependent changes (a disk's bus, leaving SPICE, UEFI off and on, boot
 *   orders) over every corpus document the driver accepts as it is: the
 *   edited document must be accepted too, and read back with the change.
 * - Devices and general elements created by the model come back from
 *   libvirt in the order the model wrote them.
 * - What the model warns that libvirt drops is what libvirt drops.
 * - The checks the model makes for libvirt refuse what libvirt refuses. */

static virConnectPtr test_conn;
static virConnectPtr qemu_conn;
static char *qemu_root;

static void
open_connections (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;

  test_conn = virConnectOpen ("test:///default");
  g_assert_nonnull (test_conn);

  /* The embedded driver needs an event loop registered, even for
   * defines; nothing here waits on it. */
  g_assert_cmpint (virEventRegisterDefaultImpl (), ==, 0);
  qemu_root = hangar_test_root_new (&error);
  g_assert_no_error (error);
  uri = hangar_connection_prepare_embed_root (qemu_root, &error);
  g_assert_no_error (error);

  /* The first open of a fresh root probes QEMU: a few seconds. */
  qemu_conn = virConnectOpen (uri);
  if (qemu_conn == NULL)
    g_error ("Cannot open %s: %s", uri, virGetLastErrorMessage ());
}

static void
close_connections (void)
{
  g_clear_pointer (&test_conn, virConnectClose);
  g_clear_pointer (&qemu_conn, virConnectClose);
  if (qemu_root != NULL)
    hangar_test_root_destroy (qemu_root);
  g_clear_pointer (&qemu_root, g_free);
}

/* Defines @doc on @conn and undefines it again.  TRUE when libvirt took
 * it, with what it read back in @readback; else its message in @message.
 * Without libvirt's schema validation, which parses the schema anew each
 * time: the callers validate with the model's, the same schema through
 * the same libxml2. */
static gboolean
define (virConnectPtr     conn,
        HangarDomainDoc  *doc,
        HangarDomainDoc **readback,
        char            **message)
{
  g_autofree char *xml = hangar_domain_doc_to_string (doc);
  virDomainPtr domain;
  char *text;

  domain = virDomainDefineXMLFlags (conn, xml, 0);
  if (domain == NULL)
    {
      if (message != NULL)
        *message = g_strdup (virGetLastErrorMessage ());
      return FALSE;
    }

  text = virDomainGetXMLDesc (domain, VIR_DOMAIN_XML_INACTIVE);
  g_assert_nonnull (text);
  if (readback != NULL)
    {
      g_autoptr(GError) error = NULL;

      *readback = hangar_domain_doc_new_from_string (text, -1, "libvirt",
                                                     &error);
      g_assert_no_error (error);
    }
  free (text);

  /* Keep the variables store: a define never creates one, and some
   * documents name a system file (/usr/share/OVMF/OVMF_VARS.fd) as their
   * own, which removing it would delete from the host.  The test driver
   * keeps no variables store at all. */
  g_assert_cmpint (virDomainUndefineFlags (domain,
                                           conn == qemu_conn
                                             ? VIR_DOMAIN_UNDEFINE_KEEP_NVRAM : 0),
                   ==, 0);
  virDomainFree (domain);

  return TRUE;
}

static void
assert_defines (virConnectPtr     conn,
                HangarDomainDoc  *doc,
                HangarDomainDoc **readback)
{
  g_autofree char *message = NULL;

  if (!define (conn, doc, readback, &message))
    {
      g_autofree char *xml = hangar_domain_doc_to_string (doc);

      g_error ("libvirt refused the document: %s\n%s", message, xml);
    }
}

/* Dependent changes over the corpus */

typedef enum
{
  EDIT_APPLIED,
  EDIT_NOT_APPLICABLE,
  EDIT_REFUSED,      /* the model said libvirt would refuse it */
} EditResult;

typedef struct
{
  const char *name;
  /* Edits @doc, and says whether it applied. */
  EditResult (*apply) (HangarDomainDoc  *doc,
                       GError          **error);
  /* Fails the test unless libvirt's @readback shows the change. */
  void (*verify) (HangarDomainDoc *edited,
                  HangarDomainDoc *readback,
                  const char      *label);
} DependentEdit;

static HangarDevice *
first_device (HangarDomainDoc  *doc,
              HangarDeviceKind  kind)
{
  return hangar_domain_doc_get_device (doc, kind, 0);
}

static EditResult
edit_disk_bus (HangarDomainDoc  *doc,
               GError          **error)
{
  static const char * const buses[] = {
    "virtio", "sata", "scsi", "usb", NULL
  };
  HangarDevice *disk = first_device (doc, HANGAR_DEVICE_DISK);
  const char *bus;

  if (disk == NULL)
    return EDIT_NOT_APPLICABLE;

  bus = hangar_device_get_string (disk, "bus");

  /* The first bus the model accepts for this disk other than its own. */
  for (unsigned i = 0; buses[i] != NULL; i++)
    {
      g_autoptr(GError) refusal = NULL;

      if (g_strcmp0 (bus, buses[i]) == 0)
        continue;
      if (hangar_device_set_disk_bus (disk, buses[i], &refusal))
        return EDIT_APPLIED;
      g_assert_error (refusal, HANGAR_MODEL_ERROR, HANGAR_MODEL_ERROR_INVALID);
    }

  g_set_error (error, HANGAR_MODEL_ERROR, HANGAR_MODEL_ERROR_INVALID,
               "no other bus for this disk");

  return EDIT_REFUSED;
}

/* libvirt keeps disks sorted by bus and name: the disk of @edited that
 * @readback holds under the same target name. */
static HangarDevice *
find_disk (HangarDomainDoc *edited,
           HangarDomainDoc *readback,
           const char      *label)
{
  HangarDevice *disk = first_device (edited, HANGAR_DEVICE_DISK);
  const char *dev = hangar_device_get_string (disk, "target-dev");
  GListModel *devices = hangar_domain_doc_get_devices (readback);

  for (unsigned i = 0; i < g_list_model_get_n_items (devices); i++)
    {
      g_autoptr(HangarDevice) other = g_list_model_get_item (devices, i);

      if (hangar_device_get_kind (other) == HANGAR_DEVICE_DISK &&
          g_strcmp0 (hangar_device_get_string (other, "target-dev"), dev) == 0)
        return other;
    }

  g_error ("%s: libvirt lost the disk %s", label, dev);
}

static void
verify_disk_bus (HangarDomainDoc *edited,
                 HangarDomainDoc *readback,
                 const char      *label)
{
  HangarDevice *disk = first_device (edited, HANGAR_DEVICE_DISK);

  g_assert_cmpstr (hangar_device_get_string (find_disk (edited, readback,
                                                        label), "bus"),
                   ==, hangar_device_get_string (disk, "bus"));
}

/* The first SPICE display of @doc, or NULL. */
static HangarDevice *
find_spice_graphics (HangarDomainDoc *doc)
{
  for (unsigned i = 0; ; i++)
    {
      HangarDevice *graphics = hangar_domain_doc_get_device (doc,
                                                             HANGAR_DEVICE_GRAPHICS,
                                                             i);

      if (graphics == NULL ||
          g_strcmp0 (hangar_device_get_string (graphics, "type"), "spice") == 0)
        return graphics;
    }
}

static gboolean
has_spice_graphics (HangarDomainDoc *doc)
{
  return find_spice_graphics (doc) != NULL;
}

static EditResult
edit_remove_spice (HangarDomainDoc  *doc,
                   GError          **error)
{
  HangarDevice *graphics;
  gboolean removed = FALSE;

  while ((graphics = find_spice_graphics (doc)) != NULL)
    {
      g_assert_true (hangar_domain_doc_remove_device (doc, graphics, error));
      removed = TRUE;
    }

  return removed ? EDIT_APPLIED : EDIT_NOT_APPLICABLE;
}

static void
verify_no_spice (HangarDomainDoc *edited,
                 HangarDomainDoc *readback,
                 const char      *label)
{
  GListModel *devices = hangar_domain_doc_get_devices (readback);

  g_assert_false (has_spice_graphics (readback));

  for (unsigned i = 0; i < g_list_model_get_n_items (devices); i++)
    {
      g_autoptr(HangarDevice) device = g_list_model_get_item (devices, i);

      if (hangar_device_is_spice_only (device))
        g_error ("%s: %s is left without SPICE", label,
                 hangar_device_get_element_name (device));
    }
}

static EditResult
edit_spice_to_vnc (HangarDomainDoc  *doc,
                   GError          **error)
{
  HangarDevice *graphics = find_spice_graphics (doc);

  if (graphics == NULL)
    return EDIT_NOT_APPLICABLE;

  g_assert_true (hangar_device_set_string (graphics, "type", "vnc", error));

  return EDIT_APPLIED;
}

static void
verify_vnc (HangarDomainDoc *edited,
            HangarDomainDoc *readback,
            const char      *label)
{
  HangarDevice *graphics = first_device (readback, HANGAR_DEVICE_GRAPHICS);

  g_assert_nonnull (graphics);
  if (!has_spice_graphics (edited))
    verify_no_spice (edited, readback, label);
}

static gboolean
is_x86 (HangarDomainDoc *doc)
{
  const char *arch = hangar_domain_doc_get_arch (doc);

  return arch == NULL || g_str_equal (arch, "x86_64") ||
         g_str_equal (arch, "i686");
}

static EditResult
edit_uefi_on (HangarDomainDoc  *doc,
              GError          **error)
{
  const char *os_type = hangar_domain_doc_get_string (doc, "os-type");

  if (!is_x86 (doc) || g_strcmp0 (os_type, "hvm") != 0 ||
      hangar_domain_doc_get_uefi (doc))
    return EDIT_NOT_APPLICABLE;

  g_assert_true (hangar_domain_doc_set_uefi (doc, TRUE, FALSE, error));

  return EDIT_APPLIED;
}

static EditResult
edit_secure_boot_on (HangarDomainDoc  *doc,
                     GError          **error)
{
  const char *os_type = hangar_domain_doc_get_string (doc, "os-type");

  if (!is_x86 (doc) || g_strcmp0 (os_type, "hvm") != 0)
    return EDIT_NOT_APPLICABLE;

  if (!hangar_domain_doc_set_uefi (doc, TRUE, TRUE, error))
    return EDIT_REFUSED;

  return EDIT_APPLIED;
}

static void
verify_uefi (HangarDomainDoc *edited,
             HangarDomainDoc *readback,
             const char      *label)
{
  g_assert_true (hangar_domain_doc_get_uefi (readback));
  g_assert_cmpint (hangar_domain_doc_get_secure_boot (readback), ==,
                   hangar_domain_doc_get_secure_boot (edited));
}

static EditResult
edit_uefi_off (HangarDomainDoc  *doc,
               GError          **error)
{
  if (!hangar_domain_doc_get_uefi (doc))
    return EDIT_NOT_APPLICABLE;

  g_assert_true (hangar_domain_doc_set_uefi (doc, FALSE, FALSE, error));

  return EDIT_APPLIED;
}

static void
verify_uefi_off (HangarDomainDoc *edited,
                 HangarDomainDoc *readback,
                 const char      *label)
{
  g_assert_false (hangar_domain_doc_get_uefi (readback));
}

static EditResult
edit_device_boot_order (HangarDomainDoc  *doc,
                        GError          **error)
{
  HangarDevice *disk = first_device (doc, HANGAR_DEVICE_DISK);
  g_auto(GStrv) boot = hangar_domain_doc_dup_boot_devices (doc);

  if (disk == NULL || boot[0] == NULL)
    return EDIT_NOT_APPLICABLE;

  /* The other devices' boot orders stay: one more after the last. */
  g_assert_true (hangar_device_set_uint (disk, "boot-order", 1, error));

  return EDIT_APPLIED;
}

static void
verify_device_boot_order (HangarDomainDoc *edited,
                          HangarDomainDoc *readback,
                          const char      *label)
{
  g_auto(GStrv) boot = hangar_domain_doc_dup_boot_devices (readback);
  HangarDevice *disk = find_disk (edited, readback, label);
  guint64 order = 0;

  g_assert_null (boot[0]);
  g_assert_true (hangar_device_get_uint (disk, "boot-order", &order));
  g_assert_cmpuint (order, ==, 1);
}

static gboolean
has_device_boot_order (HangarDomainDoc *doc)
{
  GListModel *devices = hangar_domain_doc_get_devices (doc);

  for (unsigned i = 0; i < g_list_model_get_n_items (devices); i++)
    {
      g_autoptr(HangarDevice) device = g_list_model_get_item (devices, i);
      guint64 order;

      if (hangar_device_get_uint (device, "boot-order", &order))
        return TRUE;
    }

  return FALSE;
}

static EditResult
edit_os_boot (HangarDomainDoc  *doc,
              GError          **error)
{
  const char * const devices[] = { "cdrom", "hd", NULL };

  /* A host-side boot loader (Xen's) takes no boot devices. */
  if (!has_device_boot_order (doc) ||
      hangar_domain_doc_get_string (doc, "bootloader") != NULL)
    return EDIT_NOT_APPLICABLE;

  hangar_domain_doc_set_boot_devices (doc, devices);

  return EDIT_APPLIED;
}

static void
verify_os_boot (HangarDomainDoc *edited,
                HangarDomainDoc *readback,
                const char      *label)
{
  g_auto(GStrv) boot = hangar_domain_doc_dup_boot_devices (readback);

  g_assert_cmpstrv (boot, ((const char * const []) { "cdrom", "hd", NULL }));
  g_assert_false (has_device_boot_order (readback));
}

static EditResult
edit_interface_user (HangarDomainDoc  *doc,
                     GError          **error)
{
  HangarDevice *iface = first_device (doc, HANGAR_DEVICE_INTERFACE);

  if (iface == NULL ||
      g_strcmp0 (hangar_device_get_string (iface, "type"), "user") == 0)
    return EDIT_NOT_APPLICABLE;

  g_assert_true (hangar_device_set_string (iface, "type", "user", error));

  return EDIT_APPLIED;
}

static void
verify_interface_user (HangarDomainDoc *edited,
                       HangarDomainDoc *readback,
                       const char      *label)
{
  HangarDevice *iface = first_device (readback, HANGAR_DEVICE_INTERFACE);

  g_assert_cmpstr (hangar_device_get_string (iface, "type"), ==, "user");
}

static const DependentEdit dependent_edits[] = {
  { "disk-bus", edit_disk_bus, verify_disk_bus },
  { "remove-spice", edit_remove_spice, verify_no_spice },
  { "spice-to-vnc", edit_spice_to_vnc, verify_vnc },
  { "uefi-on", edit_uefi_on, verify_uefi },
  { "secure-boot-on", edit_secure_boot_on, verify_uefi },
  { "uefi-off", edit_uefi_off, verify_uefi_off },
  { "device-boot-order", edit_device_boot_order, verify_device_boot_order },
  { "os-boot", edit_os_boot, verify_os_boot },
  { "interface-user", edit_interface_user, verify_interface_user },
};

typedef struct
{
  unsigned applied;
  unsigned accepted;
  unsigned not_applicable;
  unsigned model_refused;
  GHashTable *reasons;
} EditCounts;

/* The corpus document ready for @conn: a name and UUID of its own, and on
 * the embedded driver QEMU's emulation instead of KVM. */
static HangarDomainDoc *
prepare (HangarDomainDoc *doc,
         gboolean         for_qemu,
         unsigned         serial)
{
  HangarDomainDoc *copy = hangar_domain_doc_copy (doc);
  g_autofree char *name = g_strdup_printf ("hangar-model-%u", serial);

  g_assert_true (hangar_domain_doc_set_name (copy, name, NULL));
  g_assert_true (hangar_domain_doc_unset (copy, "uuid", NULL));
  if (for_qemu)
    {
      HangarDevice *emulator;

      /* This host's QEMU, found by libvirt for the architecture, rather
       * than the path of the machine the document came from. */
      emulator = hangar_domain_doc_get_device (copy, HANGAR_DEVICE_EMULATOR, 0);
      if (emulator != NULL)
        g_assert_true (hangar_domain_doc_remove_device (copy, emulator, NULL));
      if (g_strcmp0 (hangar_domain_doc_get_hypervisor (copy), "kvm") == 0)
        hangar_domain_doc_set_hypervisor (copy, "qemu");
    }

  return copy;
}

static gboolean
follows_schema (HangarDomainDoc *doc)
{
  g_autoptr(GPtrArray) issues = hangar_domain_doc_validate (doc,
                                                            HANGAR_VALIDATE_SCHEMA);

  return issues->len == 0;
}

static gboolean
runs_on_qemu (HangarDomainDoc *doc)
{
  const char *type = hangar_domain_doc_get_hypervisor (doc);

  return (g_strcmp0 (type, "kvm") == 0 || g_strcmp0 (type, "qemu") == 0) &&
         is_x86 (doc);
}

static void
check_dependent_edits (virConnectPtr conn,
                       gboolean      for_qemu)
{
  GPtrArray *domains = hangar_test_corpus_domains ();
  EditCounts counts[G_N_ELEMENTS (dependent_edits)] = { { 0, }, };
  unsigned originals = 0;
  unsigned originals_refused = 0;
  unsigned serial = 0;

  for (unsigned e = 0; e < G_N_ELEMENTS (dependent_edits); e++)
    counts[e].reasons = g_hash_table_new_full (g_str_hash, g_str_equal,
                                               g_free, NULL);

  for (unsigned i = 0; i < domains->len; i++)
    {
      HangarTestDomain *domain = domains->pdata[i];
      g_autoptr(HangarDomainDoc) doc = NULL;
      gboolean original_checked = FALSE;
      gboolean original_accepted = FALSE;
      int schema_valid = -1;

      doc = hangar_domain_doc_new_from_string (domain->text, -1,
                                               domain->label, NULL);
      g_assert_nonnull (doc);
      if (for_qemu && !runs_on_qemu (doc))
        continue;

      originals++;

      for (unsigned e = 0; e < G_N_ELEMENTS (dependent_edits); e++)
        {
          const DependentEdit *edit = &dependent_edits[e];
          g_autoptr(HangarDomainDoc) edited = prepare (doc, for_qemu,
                                                       serial++);
          g_autoptr(HangarDomainDoc) readback = NULL;
          g_autoptr(GError) error = NULL;
          g_autofree char *message = NULL;
          EditResult result;

          result = edit->apply (edited, &error);
          if (result == EDIT_NOT_APPLICABLE)
            {
              counts[e].not_applicable++;
              continue;
            }
          if (result == EDIT_REFUSED)
            {
              g_assert_error (error, HANGAR_MODEL_ERROR,
                              HANGAR_MODEL_ERROR_INVALID);
              counts[e].model_refused++;
              g_hash_table_add (counts[e].reasons, g_strdup (error->message));
              continue;
            }
          g_assert_no_error (error);

          /* What follows libvirt's schema still does after the edit. */
          if (schema_valid < 0)
            schema_valid = follows_schema (doc);
          if (schema_valid && !follows_schema (edited))
            {
              g_test_message ("%s: after %s the document does not follow "
                              "libvirt's schema", domain->label, edit->name);
              g_test_fail ();
            }

          /* Only documents libvirt takes as they are count: libvirt's own
           * tests hold many it refuses on purpose. */
          if (define (conn, edited, &readback, &message))
            {
              counts[e].applied++;
              counts[e].accepted++;
              edit->verify (edited, readback, domain->label);
              continue;
            }

          if (!original_checked)
            {
              g_autoptr(HangarDomainDoc) plain = prepare (doc, for_qemu,
                                                          serial++);

              original_checked = TRUE;
              original_accepted = define (conn, plain, NULL, NULL);
              if (!original_accepted)
                originals_refused++;
            }

          if (!original_accepted)
            continue;

          counts[e].applied++;
          g_test_message ("%s: after %s libvirt refuses: %s", domain->label,
                          edit->name, message);
          g_test_fail ();
        }
    }

  g_test_message ("%s: %u corpus documents, %u of them refused as they are "
                  "(not counted)", for_qemu ? "QEMU driver" : "test driver",
                  originals, originals_refused);

  for (unsigned e = 0; e < G_N_ELEMENTS (dependent_edits); e++)
    {
      g_autoptr(GString) reasons = g_string_new (NULL);
      GHashTableIter iter;
      const char *reason;

      g_hash_table_iter_init (&iter, counts[e].reasons);
      while (g_hash_table_iter_next (&iter, (gpointer *) &reason, NULL))
        g_string_append_printf (reasons, "\n      the model refused: %s",
                                reason);

      g_test_message ("  %-18s accepted %u of %u edited documents; not "
                      "applicable to %u, refused by the model in %u%s",
                      dependent_edits[e].name, counts[e].accepted,
                      counts[e].applied, counts[e].not_applicable,
                      counts[e].model_refused, reasons->str);
      g_assert_cmpuint (counts[e].accepted, >, 0);
      g_hash_table_unref (counts[e].reasons);
    }
}

static void
test_dependent_test_driver (void)
{
  check_dependent_edits (test_conn, FALSE);
}

static void
test_dependent_qemu (void)
{
  check_dependent_edits (qemu_conn, TRUE);
}

/* Element order: what the model creates comes back in the same order */

typedef struct
{
  HangarDeviceKind kind;
  const char *type;
  /* field, value pairs; FLAG fields take "yes", UINT fields a number */
  const char *fields[24];
} NewDevice;

/* One of each kind, with most of its children, set in a scrambled order:
 * the model must put each child at libvirt's place regardless.  Memory
 * devices are left out: they need NUMA cells, which the model does not
 * type yet. */
static const NewDevice new_devices[] = {
  { HANGAR_DEVICE_DISK, "file",
    { "alias", "ua-disk", "boot-order", "1", "serial", "abc", "readonly",
      "yes", "bus", "virtio", "source-file", "/var/lib/hangar/a.img",
      "driver-type", "raw", "driver-name", "qemu", "device", "disk", NULL } },
  { HANGAR_DEVICE_CONTROLLER, "usb",
    { "alias", "ua-usb", "driver-queues", "2", "model", "qemu-xhci",
      "index", "0", NULL } },
  { HANGAR_DEVICE_CONTROLLER, "pci",
    { "driver-queues", "2", "target-chassis", "1", "model", "pcie-root-port",
      "index", "1", NULL } },
  { HANGAR_DEVICE_FILESYSTEM, "mount",
    { "alias", "ua-fs", "readonly", "yes", "target-dir", "share",
      "source-dir", "/tmp", "driver-type", "path", "accessmode",
      "passthrough", NULL } },
  { HANGAR_DEVICE_INTERFACE, "user",
    { "alias", "ua-net", "boot-order", "2", "mtu", "1500", "link-state", "up",
      "driver-name", "qemu", "model", "virtio", "mac", "52:54:00:11:22:33",
      NULL } },
  { HANGAR_DEVICE_SMARTCARD, "spicevmc",
    { "alias", "ua-card", "mode", "passthrough", NULL } },
  { HANGAR_DEVICE_SERIAL, "tcp",
    { "alias", "ua-serial", "target-port", "0", "log-file", "/tmp/s.log",
      "protocol", "telnet", "source-service", "4555", "source-host",
      "127.0.0.1", "source-mode", "bind", NULL } },
  { HANGAR_DEVICE_CHANNEL, "unix",
    { "alias", "ua-agent", "target-name", "org.qemu.guest_agent.0",
      "target-type", "virtio", "source-path", "/tmp/ga.sock", "source-mode",
      "bind", NULL } },
  { HANGAR_DEVICE_INPUT, "tablet",
    { "alias", "ua-tablet", "bus", "usb", NULL } },
  { HANGAR_DEVICE_TPM, NULL,
    { "alias", "ua-tpm", "backend-version", "2.0", "backend-type", "emulator",
      "model", "tpm-crb", NULL } },
  { HANGAR_DEVICE_GRAPHICS, "spice",
    { "gl-enable", "no", "listen-address", "127.0.0.1", "autoport", "yes",
      NULL } },
  { HANGAR_DEVICE_SOUND, NULL,
    { "alias", "ua-sound", "audio-id", "1", "codec", "micro", "model", "ich9",
      NULL } },
  { HANGAR_DEVICE_AUDIO, "none", { "id", "1", NULL } },
  { HANGAR_DEVICE_VIDEO, NULL,
    { "alias", "ua-video", "driver-name", "qemu", "accel3d", "no", "heads",
      "1", "model", "virtio", NULL } },
  { HANGAR_DEVICE_HOSTDEV, "usb",
    { "alias", "ua-hostdev", "boot-order", "3", "product", "0xbeef",
      "vendor", "0x1234", "mode", "subsystem", NULL } },
  { HANGAR_DEVICE_REDIRDEV, "tcp",
    { "alias", "ua-redir", "boot-order", "4", "source-service", "4000",
      "source-host", "localhost", "source-mode", "connect", "bus", "usb",
      NULL } },
  { HANGAR_DEVICE_HUB, "usb", { "alias", "ua-hub", NULL } },
  { HANGAR_DEVICE_WATCHDOG, NULL,
    { "alias", "ua-watchdog", "action", "reset", "model", "i6300esb", NULL } },
  { HANGAR_DEVICE_MEMBALLOON, NULL,
    { "alias", "ua-balloon", "stats-period", "10", "model", "virtio", NULL } },
  { HANGAR_DEVICE_RNG, NULL,
    { "alias", "ua-rng", "rate-period", "1000", "rate-bytes", "1024",
      "backend", "/dev/urandom", "backend-model", "random", "model", "virtio",
      NULL } },
  { HANGAR_DEVICE_PANIC, NULL, { "alias", "ua-panic", "model", "isa", NULL } },
  { HANGAR_DEVICE_SHMEM, NULL,
    { "alias", "ua-shmem", "size-unit", "M", "size", "4", "model",
      "ivshmem-plain", "name", "shm0", NULL } },
  { HANGAR_DEVICE_IOMMU, NULL,
    { "alias", "ua-iommu", "iotlb", "on", "model", "intel", NULL } },
  { HANGAR_DEVICE_VSOCK, NULL,
    { "alias", "ua-vsock", "cid-auto", "yes", "model", "virtio", NULL } },
};

static void
set_field (HangarDevice *device,
           const char   *name,
           const char   *value)
{
  const HangarField *field;
  g_autoptr(GError) error = NULL;

  field = hangar_device_kind_find_field (hangar_device_get_kind (device),
                                         name);
  g_assert_nonnull (field);

  switch (field->type)
    {
    case HANGAR_FIELD_FLAG:
      g_assert_true (hangar_device_set_flag (device, name, TRUE, &error));
      break;
    case HANGAR_FIELD_UINT:
      g_assert_true (hangar_device_set_uint (device, name,
                                             g_ascii_strtoull (value, NULL,
                                                               10),
                                             &error));
      break;
    default:
      g_assert_true (hangar_device_set_string (device, name, value, &error));
      break;
    }

  g_assert_no_error (error);
}

/* A domain built the way the new-VM assistant will: from nothing, through
 * the typed setters only. */
static HangarDomainDoc *
build_domain (const char *type,
              gboolean    every_device)
{
  HangarDomainDoc *doc = hangar_domain_doc_new (type);
  g_autoptr(GError) error = NULL;

  g_assert_true (hangar_domain_doc_set_vcpus (doc, 2, &error));
  g_assert_true (hangar_domain_doc_set_memory_kib (doc, 1048576, &error));
  g_assert_true (hangar_domain_doc_set_string (doc, "on-crash", "destroy",
                                               &error));
  g_assert_true (hangar_domain_doc_set_string (doc, "clock-offset", "utc",
                                               &error));
  g_assert_true (hangar_domain_doc_set_flag (doc, "features-acpi", TRUE,
                                             &error));
  g_assert_true (hangar_domain_doc_set_string (doc, "os-machine", "q35",
                                               &error));
  g_assert_true (hangar_domain_doc_set_string (doc, "os-arch", "x86_64",
                                               &error));
  g_assert_true (hangar_domain_doc_set_string (doc, "os-type", "hvm", &error));
  g_assert_true (hangar_domain_doc_set_name (doc, "hangar-new", &error));
  g_assert_true (hangar_domain_doc_set_string (doc, "title", "New", &error));
  g_assert_true (hangar_domain_doc_set_cpu_mode (doc, "host-model", &error));
  hangar_domain_doc_set_os_id (doc, "http://debian.org/debian/12");
  g_assert_no_error (error);

  if (!every_device)
    return doc;

  for (unsigned i = 0; i < G_N_ELEMENTS (new_devices); i++)
    {
      const NewDevice *wanted = &new_devices[i];
      HangarDevice *device;

      device = hangar_domain_doc_add_device (doc, wanted->kind, wanted->type);
      for (unsigned f = 0; wanted->fields[f] != NULL; f += 2)
        set_field (device, wanted->fields[f], wanted->fields[f + 1]);
    }

  return doc;
}
/* The names of @node's children of libvirt's (no namespace), in order,
 * keeping only those in @keep when given. */
static GPtrArray *
child_names (xmlNode    *node,
             GHashTable *keep)
{
  GPtrArray *names = g_ptr_array_new ();

  for (xmlNode *child = node->children; child != NULL; child = child->next)
    {
      const char *name = (const char *) child->name;

      if (child->type != XML_ELEMENT_NODE || child->ns != NULL)
        continue;
      if (keep != NULL && !g_hash_table_contains (keep, name))
        continue;
      if (names->len > 0 && g_str_equal (names->pdata[names->len - 1], name))
        continue;
      g_ptr_array_add (names, (gpointer) name);
    }

  return names;
}

/* Fails unless the children both have come in the same order. */
static void
assert_same_order (const char *what,
                   xmlNode    *ours,
                   xmlNode    *theirs)
{
  g_autoptr(GHashTable) in_ours = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) in_both = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) all_ours = child_names (ours, NULL);
  g_autoptr(GPtrArray) all_theirs = child_names (theirs, NULL);
  g_autoptr(GPtrArray) a = NULL;
  g_autoptr(GPtrArray) b = NULL;
  GString *a_text = g_string_new (NULL);
  GString *b_text = g_string_new (NULL);

  for (unsigned i = 0; i < all_ours->len; i++)
    g_hash_table_add (in_ours, all_ours->pdata[i]);
  for (unsigned i = 0; i < all_theirs->len; i++)
    {
      if (g_hash_table_contains (in_ours, all_theirs->pdata[i]))
        g_hash_table_add (in_both, all_theirs->pdata[i]);
    }

  a = child_names (ours, in_both);
  b = child_names (theirs, in_both);
  for (unsigned i = 0; i < a->len; i++)
    g_string_append_printf (a_text, " %s", (char *) a->pdata[i]);
  for (unsigned i = 0; i < b->len; i++)
    g_string_append_printf (b_text, " %s", (char *) b->pdata[i]);

  if (!g_str_equal (a_text->str, b_text->str))
    {
      g_test_message ("%s: the model wrote%s, libvirt%s", what, a_text->str,
                      b_text->str);
      g_test_fail ();
    }

  g_string_free (a_text, TRUE);
  g_string_free (b_text, TRUE);
}

/* The device of @kind in @doc's tree with the alias @alias, or the first
 * of the kind when @alias is NULL. */
static xmlNode *
find_device_element (xmlDoc           *doc,
                     HangarDeviceKind  kind,
                     const char       *alias)
{
  xmlNode *devices = hangar_xml_path_find (xmlDocGetRootElement (doc),
                                           "devices", FALSE);

  for (xmlNode *child = devices->children; child != NULL; child = child->next)
    {
      g_autofree char *name = NULL;

      if (child->type != XML_ELEMENT_NODE || child->ns != NULL ||
          !xmlStrEqual (child->name,
                        BAD_CAST hangar_device_kind_to_name (kind)))
        continue;

      name = hangar_xml_path_dup_value (child, "alias@name");
      if (alias == NULL || g_strcmp0 (name, alias) == 0)
        return child;
    }

  return NULL;
}

static void
test_order (void)
{
  g_autoptr(HangarDomainDoc) doc = build_domain ("test", TRUE);
  g_autoptr(HangarDomainDoc) readback = NULL;
  g_autofree char *ours_text = hangar_domain_doc_to_string (doc);
  g_autofree char *theirs_text = NULL;
  xmlDoc *ours;
  xmlDoc *theirs;

  assert_defines (test_conn, doc, &readback);
  theirs_text = hangar_domain_doc_to_string (readback);
  ours = hangar_test_parse (ours_text, strlen (ours_text));
  theirs = hangar_test_parse (theirs_text, strlen (theirs_text));

  assert_same_order ("<domain>", xmlDocGetRootElement (ours),
                     xmlDocGetRootElement (theirs));
  assert_same_order ("<os>",
                     hangar_xml_path_find (xmlDocGetRootElement (ours), "os",
                                           FALSE),
                     hangar_xml_path_find (xmlDocGetRootElement (theirs), "os",
                                           FALSE));
  assert_same_order ("<devices>",
                     hangar_xml_path_find (xmlDocGetRootElement (ours),
                                           "devices", FALSE),
                     hangar_xml_path_find (xmlDocGetRootElement (theirs),
                                           "devices", FALSE));

  for (unsigned i = 0; i < G_N_ELEMENTS (new_devices); i++)
    {
      const NewDevice *wanted = &new_devices[i];
      const char *alias = NULL;
      xmlNode *a;
      xmlNode *b;

      for (unsigned f = 0; wanted->fields[f] != NULL; f += 2)
        {
          if (g_str_equal (wanted->fields[f], "alias"))
            alias = wanted->fields[f + 1];
        }

      /* Without an alias, the first of its kind (graphics, audio, the
       * second controller). */
      if (alias == NULL && wanted->kind == HANGAR_DEVICE_CONTROLLER)
        continue;

      a = find_device_element (ours, wanted->kind, alias);
      b = find_device_element (theirs, wanted->kind, alias);
      g_assert_nonnull (a);
      if (b == NULL)
        {
          g_test_message ("libvirt's test driver dropped the <%s>",
                          hangar_device_kind_to_name (wanted->kind));
          g_test_fail ();
          continue;
        }

      assert_same_order (hangar_device_kind_to_name (wanted->kind), a, b);
    }

  xmlFreeDoc (ours);
  xmlFreeDoc (theirs);
}

/* A new domain: both drivers take it, and read back say the same */

static void
assert_new_domain (virConnectPtr conn,
                   const char   *type)
{
  g_autoptr(HangarDomainDoc) doc = build_domain (type, FALSE);
  g_autoptr(HangarDomainDoc) readback = NULL;
  g_autoptr(GError) error = NULL;
  HangarDevice *device;

  device = hangar_domain_doc_add_device (doc, HANGAR_DEVICE_DISK, "file");
  set_field (device, "source-file", "/var/lib/hangar/new.qcow2");
  set_field (device, "driver-type", "qcow2");
  set_field (device, "driver-name", "qemu");
  set_field (device, "bus", "virtio");
  set_field (device, "device", "disk");
  device = hangar_domain_doc_add_device (doc, HANGAR_DEVICE_DISK, "file");
  set_field (device, "device", "cdrom");
  set_field (device, "bus", "sata");
  set_field (device, "readonly", "yes");
  device = hangar_domain_doc_add_device (doc, HANGAR_DEVICE_INTERFACE, "user");
  set_field (device, "model", "virtio");
  device = hangar_domain_doc_add_device (doc, HANGAR_DEVICE_GRAPHICS, "spice");
  set_field (device, "autoport", "yes");
  device = hangar_domain_doc_add_device (doc, HANGAR_DEVICE_CHANNEL,
                                         "spicevmc");
  set_field (device, "target-type", "virtio");
  set_field (device, "target-name", "com.redhat.spice.0");
  device = hangar_domain_doc_add_device (doc, HANGAR_DEVICE_VIDEO, NULL);
  set_field (device, "model", "virtio");
  g_assert_true (hangar_domain_doc_set_uefi (doc, TRUE, TRUE, &error));
  g_assert_no_error (error);

  g_assert_true (hangar_domain_doc_check (doc, &error));
  g_assert_no_error (error);
  assert_defines (conn, doc, &readback);

  g_assert_cmpstr (hangar_domain_doc_get_name (readback), ==, "hangar-new");
  g_assert_cmpuint (hangar_domain_doc_get_memory_kib (readback), ==, 1048576);
  g_assert_cmpuint (hangar_domain_doc_get_vcpus (readback), ==, 2);
  g_assert_cmpstr (hangar_domain_doc_get_os_id (readback), ==,
                   "http://debian.org/debian/12");
  g_assert_true (hangar_domain_doc_get_secure_boot (readback));
  g_assert_cmpstr (hangar_domain_doc_get_disk_source_file (readback, 0), ==,
                   "/var/lib/hangar/new.qcow2");
  g_assert_cmpstr (hangar_domain_doc_get_device_attr (readback, "disk", 1,
                                                      "device"), ==, "cdrom");
  g_assert_cmpstr (hangar_domain_doc_get_graphics_type (readback), ==,
                   "spice");
}

static void
test_new_domain (void)
{
  assert_new_domain (test_conn, "test");
  assert_new_domain (qemu_conn, "qemu");
}

/* What the model warns that libvirt drops is what libvirt drops */

static void
test_warnings_truthful (void)
{
  g_autoptr(HangarDomainDoc) doc = NULL;
  g_autoptr(HangarDomainDoc) readback = NULL;
  g_autoptr(GPtrArray) issues = NULL;
  g_autofree char *text = NULL;

  doc = hangar_test_load ("<!-- dropped -->\n"
                          "<domain type='test' xmlns:x='urn:x' x:mark='1' "
                          "xmlns:q='http://libvirt.org/schemas/domain/qemu/1.0'>\n"
                          "  <name>hangar-warned</name>\n"
                          "  <metadata>\n"
                          "    <note>dropped</note>\n"
                          "    <a:app xmlns:a='urn:app' kept='1'/>\n"
                          "    <b:app xmlns:b='urn:app' kept='0'/>\n"
                          "    <app xmlns='urn:default'>kept</app>\n"
                          "  </metadata>\n"
                          "  <memory>131072</memory>\n"
                          "  <!-- dropped -->\n"
                          "  <os><type>hvm</type></os>\n"
                          "  <x:extra/>\n"
                          "</domain>\n");
  issues = hangar_domain_doc_validate (doc, HANGAR_VALIDATE_WARNINGS);
  g_assert_cmpuint (issues->len, ==, 6);

  /* libvirt's define without schema validation, as older tools do. */
  assert_defines (test_conn, doc, &readback);
  text = hangar_domain_doc_to_string (readback);

  hangar_test_assert_lacks (text, "dropped");
  hangar_test_assert_lacks (text, "x:mark");
  hangar_test_assert_lacks (text, "extra");
  hangar_test_assert_lacks (text, "kept=\"0\"");
  hangar_test_assert_contains (text, "kept=\"1\"");
  hangar_test_assert_contains (text, ">kept</app>");

  /* And what libvirt keeps, the model does not warn about. */
  g_clear_pointer (&issues, g_ptr_array_unref);
  issues = hangar_domain_doc_validate (readback, HANGAR_VALIDATE_WARNINGS);
  g_assert_cmpuint (issues->len, ==, 0);
}

/* The model's checks refuse what libvirt refuses */

typedef struct
{
  const char *devices;
  const char *general;   /* after <os>, or NULL */
} Refused;

static const Refused refused_cases[] = {
  { "<disk type='file' device='disk'><source file='/tmp/a.img'/>"
    "<target dev='vda' bus='virtio'/></disk>"
    "<disk type='file' device='disk'><source file='/tmp/b.img'/>"
    "<target dev='vda' bus='virtio'/></disk>", NULL },
  { "<interface type='user'><address type='pci' domain='0x0000' "
    "bus='0x00' slot='0x03' function='0x0'/></interface>"
    "<interface type='user'><address type='pci' bus='0' slot='3'/>"
    "</interface>", NULL },
  { "<disk type='file' device='disk'><source file='/tmp/a.img'/>"
    "<target dev='sda' bus='scsi'/><address type='drive' controller='0' "
    "bus='0' target='0' unit='0'/></disk>"
    "<disk type='file' device='disk'><source file='/tmp/b.img'/>"
    "<target dev='sdb' bus='scsi'/><address type='drive' controller='0' "
    "bus='0' target='0' unit='0'/></disk>", NULL },
  { "<controller type='usb' index='0' model='qemu-xhci'/>"
    "<controller type='usb' index='0' model='qemu-xhci'/>", NULL },
  { "<interface type='user'><alias name='ua-net'/></interface>"
    "<interface type='user'><alias name='ua-net'/></interface>", NULL },
  { "<disk type='file' device='disk'><source file='/tmp/a.img'/>"
    "<target dev='vda' bus='virtio'/><boot order='1'/></disk>"
    "<interface type='user'><boot order='1'/></interface>", NULL },
  { "<channel type='spicevmc'><target type='virtio' "
    "name='com.redhat.spice.0'/></channel>", NULL },
  { "<redirdev bus='usb' type='spicevmc'/>", NULL },
  { "<graphics type='vnc'/><audio id='1' type='spice'/>", NULL },
  { "", "<cpu><topology sockets='1' cores='3' threads='1'/></cpu>" },
};

static HangarDomainDoc *
refused_doc (const Refused *c,
             const char    *boot)
{
  g_autofree char *xml = NULL;

  xml = g_strdup_printf ("<domain type='qemu'>\n"
                         "  <name>hangar-refused</name>\n"
                         "  <memory>131072</memory>\n"
                         "  <vcpu>2</vcpu>\n"
                         "  <os><type arch='x86_64' machine='q35'>hvm</type>"
                         "%s</os>\n"
                         "  %s\n"
                         "  <devices>%s</devices>\n"
                         "</domain>\n", boot,
                         c->general != NULL ? c->general : "", c->devices);

  return hangar_test_load (xml);
}

static void
test_checks_refused (void)
{
  const Refused mixed_boot = {
    "<disk type='file' device='disk'><source file='/tmp/a.img'/>"
    "<target dev='vda' bus='virtio'/><boot order='1'/></disk>", NULL
  };
  g_autoptr(HangarDomainDoc) mixed = NULL;
  g_autoptr(GError) error = NULL;

  for (unsigned i = 0; i < G_N_ELEMENTS (refused_cases); i++)
    {
      g_autoptr(HangarDomainDoc) doc = refused_doc (&refused_cases[i], "");
      g_autoptr(GError) check_error = NULL;
      g_autofree char *message = NULL;

      g_assert_false (hangar_domain_doc_check (doc, &check_error));
      g_assert_error (check_error, HANGAR_MODEL_ERROR,
                      HANGAR_MODEL_ERROR_INVALID);
      if (define (qemu_conn, doc, NULL, &message))
        {
          g_test_message ("case %u: the model says “%s”, libvirt accepts it",
                          i, check_error->message);
          g_test_fail ();
          continue;
        }
      g_test_message ("case %u: the model: %s; libvirt: %s", i,
                      check_error->message, message);
    }

  mixed = refused_doc (&mixed_boot, "<boot dev='hd'/>");
  g_assert_false (hangar_domain_doc_check (mixed, &error));
  g_assert_false (define (qemu_conn, mixed, NULL, NULL));
}

static void
quiet_error_cb (void        *user_data,
                virErrorPtr  error)
{
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  /* libvirt's warnings about the corpus's odd documents (addresses it
   * would not have chosen) are no news: its errors only. */
  g_setenv ("LIBVIRT_LOG_OUTPUTS", "4:stderr", TRUE);

  /* libvirt's own error printing would only repeat what tests report. */
  virSetErrorFunc (NULL, quiet_error_cb);

  g_test_add_func ("/hangar/model-libvirt/dependent/test-driver",
                   test_dependent_test_driver);
  g_test_add_func ("/hangar/model-libvirt/dependent/qemu",
                   test_dependent_qemu);
  g_test_add_func ("/hangar/model-libvirt/order", test_order);
  g_test_add_func ("/hangar/model-libvirt/new-domain", test_new_domain);
  g_test_add_func ("/hangar/model-libvirt/warnings", test_warnings_truthful);
  g_test_add_func ("/hangar/model-libvirt/checks", test_checks_refused);

  open_connections ();
  status = g_test_run ();
  close_connections ();

  return status;
}
