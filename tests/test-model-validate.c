/* test-model-validate.c
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-model-validate"

#include "config.h"

#include <string.h>

#include "hangar-domain-doc.h"
#include "test-model-common.h"

/* Validation as libvirt would judge a document: its RNG schema, the
 * define-time checks the schema cannot express, and the warnings about
 * what libvirt would silently drop. */

/* The schema over the corpus */

typedef struct
{
  const char *file;      /* in libvirt-v4.0.0/qemuxml2argvdata */
  const char *path;      /* the issue's path, as the model reports it */
  const char *says;      /* words the message must hold */
} Invalid;

/* What is wrong in each file VALIDATION.tsv marks schema-invalid, as
 * libvirt's own define says (its error column), located by the model. */
static const Invalid invalid_files[] = {
  { "aarch64-gic-invalid.xml", "/domain/features/gic", "version=“none”" },
  { "boot-menu-enable-with-timeout-invalid.xml", "/domain/os/bootmenu",
    "timeout=“65536”" },
  /* A LUN of a file: the disk as a whole. */
  { "disk-device-lun-type-invalid.xml", "/domain/devices/disk", "<disk>" },
  /* A secret without its type. */
  { "disk-drive-network-iscsi-auth-secrettype-invalid.xml",
    "/domain/devices/disk/auth", "<auth>" },
  /* An mdev address without its UUID. */
  { "hostdev-mdev-src-address-invalid.xml", "/domain/devices/hostdev",
    "<hostdev>" },
  { "hugepages-memaccess-invalid.xml", "/domain/cpu/numa/cell[2]",
    "memAccess=“invalid”" },
  { "luks-disk-invalid.xml", "/domain/devices/disk/encryption/cipher",
    "<cipher>" },
  { "machine-loadparm-s390-char-invalid.xml", "/domain/devices/disk/boot",
    "loadparm=“sys1?”" },
  { "machine-loadparm-s390-len-invalid.xml", "/domain/devices/disk/boot",
    "loadparm=“loadparm1”" },
  { "numatune-auto-nodeset-invalid.xml", "/domain/numatune/memory",
    "placement=“auto”" },
  { "pci-bridge-negative-index-invalid.xml", "/domain/devices/controller[2]",
    "index=“-1”" },
  { "pci-bus-invalid.xml", "/domain/devices/interface/address",
    "bus=“0x100”" },
  { "pci-function-invalid.xml", "/domain/devices/interface/address",
    "function=“0x8”" },
  { "pci-slot-invalid.xml", "/domain/devices/interface/address",
    "slot=“0x20”" },
  /* No backend at all. */
  { "tpm-no-backend-invalid.xml", "/domain/devices/tpm", "<tpm>" },
  { "usb-too-long-port-path-invalid.xml", "/domain/devices/hub[5]/address",
    "port=“1.1.1.1.1”" },
  { "vhost_queues-invalid.xml", "/domain/devices/interface/driver",
    "queues=“-5”" },
  /* Every size of the model negative: no one attribute is to blame. */
  { "video-invalid.xml", "/domain/devices/video/model", "<model>" },
};

static const Invalid *
find_invalid (const char *file)
{
  for (unsigned i = 0; i < G_N_ELEMENTS (invalid_files); i++)
    {
      if (g_str_has_suffix (file, invalid_files[i].file))
        return &invalid_files[i];
    }

  return NULL;
}

/* Whether line @line of @text holds the start tag of @path's last
 * element. */
static gboolean
line_holds (const char *text,
            int         line,
            const char *path)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  const char *last = strrchr (path, '/') + 1;
  g_autofree char *name = g_strndup (last, strcspn (last, "["));
  g_autofree char *tag = g_strconcat ("<", name, NULL);

  if (line < 1 || (guint) line > g_strv_length (lines))
    return FALSE;

  return strstr (lines[line - 1], tag) != NULL;
}

static void
test_schema_corpus (void)
{
  g_autoptr(GPtrArray) rows = hangar_test_validation_rows ();
  g_autoptr(GError) error = NULL;
  unsigned valid = 0;
  unsigned invalid = 0;

  for (unsigned i = 0; i < rows->len; i++)
    {
      const char * const *columns = rows->pdata[i];
      g_autofree char *path = hangar_test_validation_path (columns);
      g_autofree char *text = NULL;
      g_autoptr(HangarDomainDoc) doc = NULL;
      g_autoptr(GPtrArray) issues = NULL;
      const Invalid *expected;
      HangarModelIssue *issue;

      g_file_get_contents (path, &text, NULL, &error);
      g_assert_no_error (error);
      doc = hangar_domain_doc_new_from_string (text, -1, columns[0], &error);
      g_assert_no_error (error);

      issues = hangar_domain_doc_validate (doc, HANGAR_VALIDATE_SCHEMA);

      /* The model agrees with libvirt's schema on every file. */
      if (g_str_equal (columns[2], "valid"))
        {
          valid++;
          if (issues->len > 0)
            {
              issue = issues->pdata[0];
              g_test_message ("%s: valid for libvirt, but %s: %s", columns[0],
                              issue->path, issue->message);
              g_test_fail ();
            }
          continue;
        }

      g_assert_cmpstr (columns[2], ==, "invalid");
      invalid++;
      expected = find_invalid (columns[0]);
      g_assert_nonnull (expected);

      /* One error, on the element libvirt objects to, at its line. */
      g_assert_cmpuint (issues->len, ==, 1);
      issue = issues->pdata[0];
      g_test_message ("%s:%d: %s: %s", expected->file, issue->line,
                      issue->path, issue->message);
      g_assert_cmpint (issue->level, ==, HANGAR_MODEL_ISSUE_ERROR);
      g_assert_cmpstr (issue->path, ==, expected->path);
      g_assert_true (line_holds (text, issue->line, issue->path));
      hangar_test_assert_contains (issue->message, expected->says);

      /* hangar_domain_doc_check () says the same, with the line. */
      {
        g_autoptr(GError) check_error = NULL;
        g_autofree char *where = g_strdup_printf ("%s (line %d)", issue->path,
                                                  issue->line);

        g_assert_false (hangar_domain_doc_check (doc, &check_error));
        g_assert_error (check_error, HANGAR_MODEL_ERROR,
                        HANGAR_MODEL_ERROR_INVALID);
        g_assert_true (g_str_has_prefix (check_error->message, where));
      }
    }

  g_test_message ("VALIDATION.tsv: %u files valid for libvirt 9.0's schema "
                  "and for the model, %u invalid for both, each located",
                  valid, invalid);
  g_assert_cmpuint (invalid, ==, G_N_ELEMENTS (invalid_files));
  g_assert_cmpuint (valid, >, 1000);
}

/* An edited document is validated like a loaded one: a created element
 * has no line, but its path. */
static void
test_schema_after_edit (void)
{
  g_autofree char *path = hangar_test_seed_path ();
  g_autoptr(HangarDomainDoc) doc = NULL;
  g_autoptr(GPtrArray) issues = NULL;
  g_autoptr(GError) error = NULL;
  HangarModelIssue *issue;
  HangarDevice *disk;

  doc = hangar_domain_doc_new_from_file (path, &error);
  g_assert_no_error (error);
  issues = hangar_domain_doc_validate (doc, HANGAR_VALIDATE_SCHEMA);
  g_assert_cmpuint (issues->len, ==, 0);
  g_clear_pointer (&issues, g_ptr_array_unref);

  disk = hangar_domain_doc_get_device (doc, HANGAR_DEVICE_DISK, 0);
  g_assert_true (hangar_device_set_string (disk, "driver-cache", "sometimes",
                                           &error));
  issues = hangar_domain_doc_validate (doc, HANGAR_VALIDATE_SCHEMA);
  g_assert_cmpuint (issues->len, ==, 1);
  issue = issues->pdata[0];
  g_assert_cmpstr (issue->path, ==, "/domain/devices/disk[1]/driver");
  hangar_test_assert_contains (issue->message, "cache=“sometimes”");
  g_assert_cmpint (issue->line, >, 0);
}

/* Two independent errors: no one element is to blame, libxml2's report is
 * given as it is, each with a path and a line. */
static void
test_schema_several (void)
{
  g_autoptr(HangarDomainDoc) doc = NULL;
  g_autoptr(GPtrArray) issues = NULL;

  doc = hangar_test_load ("<domain type='kvm'>\n"
                          "  <name>two</name>\n"
                          "  <memory>1024</memory>\n"
                          "  <os><type>hvm</type></os>\n"
                          "  <devices>\n"
                          "    <controller type='pci' index='-1'/>\n"
                          "    <video><model type='vga' ram='-1'/></video>\n"
                          "  </devices>\n"
                          "</domain>\n");
  issues = hangar_domain_doc_validate (doc, HANGAR_VALIDATE_SCHEMA);
  g_assert_cmpuint (issues->len, >=, 1);

  for (unsigned i = 0; i < issues->len; i++)
    {
      HangarModelIssue *issue = issues->pdata[i];

      g_assert_true (g_str_has_prefix (issue->path, "/domain"));
      g_assert_cmpint (issue->line, >, 0);
      g_assert_nonnull (issue->message);
    }
}

/* A large broken document is searched within a bound, and still gets an
 * error in the right place. */
static void
test_schema_large (void)
{
  GString *xml = g_string_new ("<domain type='kvm'><name>big</name>"
                               "<memory>1024</memory>"
                               "<os><type>hvm</type></os><devices>\n");
  g_autoptr(HangarDomainDoc) doc = NULL;
  g_autoptr(GPtrArray) issues = NULL;
  HangarModelIssue *issue;

  for (unsigned i = 0; i < 3000; i++)
    g_string_append_printf (xml, "<disk type='file' device='disk'>"
                                 "<source file='/d%u.img'/>"
                                 "<target dev='vd%u' bus='virtio'/></disk>\n",
                            i, i);
  g_string_append (xml, "<disk type='file' device='disk' snapshot='maybe'>"
                        "<target dev='vdz' bus='virtio'/></disk>\n"
                        "</devices></domain>\n");

  doc = hangar_test_load (xml->str);
  g_string_free (xml, TRUE);

  issues = hangar_domain_doc_validate (doc, HANGAR_VALIDATE_SCHEMA);
  g_assert_cmpuint (issues->len, >=, 1);
  issue = issues->pdata[0];
  g_assert_true (g_str_has_prefix (issue->path, "/domain/devices"));
  g_assert_cmpint (issue->line, >, 0);
}

/* Define-time checks */

typedef struct
{
  const char *devices;   /* inside <devices> */
  const char *path;      /* the error's path, or NULL for none */
  const char *says;
} CheckCase;

static const CheckCase check_cases[] = {
  /* Two disks on one target. */
  { "<disk device='disk'><target dev='vda' bus='virtio'/></disk>"
    "<disk device='disk'><target dev='vda' bus='virtio'/></disk>",
    "/domain/devices/disk[2]", "vda" },
  /* The same PCI slot, written two ways. */
  { "<interface type='user'><address type='pci' domain='0x0000' bus='0x00' "
    "slot='0x03' function='0x0'/></interface>"
    "<video><model type='vga'/><address type='pci' bus='0' slot='3'/>"
    "</video>",
    "/domain/devices/video/address", "0000:00:03.0" },
  /* Other functions of one slot are fine. */
  { "<interface type='user'><address type='pci' bus='0' slot='3' "
    "function='0' multifunction='on'/></interface>"
    "<interface type='user'><address type='pci' bus='0' slot='3' "
    "function='1'/></interface>", NULL, NULL },
  /* One drive address for two disks of one bus, but not of two buses. */
  { "<disk device='disk'><target dev='sda' bus='scsi'/><address "
    "type='drive' controller='0' bus='0' target='0' unit='0'/></disk>"
    "<disk device='disk'><target dev='sdb' bus='scsi'/><address "
    "type='drive' controller='0' bus='0' target='0' unit='0'/></disk>",
    "/domain/devices/disk[2]/address", "drive address" },
  { "<disk device='disk'><target dev='sda' bus='scsi'/><address "
    "type='drive' controller='0' bus='0' target='0' unit='0'/></disk>"
    "<disk device='cdrom'><target dev='hda' bus='ide'/><address "
    "type='drive' controller='0' bus='0' target='0' unit='0'/></disk>",
    NULL, NULL },
  { "<controller type='usb' index='0'/><controller type='usb' index='0'/>",
    "/domain/devices/controller[2]", "index 0" },
  { "<controller type='usb' index='0'/><controller type='pci' index='0'/>",
    NULL, NULL },
  /* UHCI companions share their EHCI master's index. */
  { "<controller type='usb' index='0' model='ich9-ehci1'/>"
    "<controller type='usb' index='0' model='ich9-uhci1'>"
    "<master startport='0'/></controller>", NULL, NULL },
  /* The serial console is the serial port, at its address. */
  { "<serial type='pty'><target type='pci-serial'/><address type='pci' "
    "slot='4'/></serial><console type='pty'><target type='serial'/>"
    "<address type='pci' slot='4'/></console>", NULL, NULL },
  { "<interface type='user'><alias name='ua-net'/></interface>"
    "<interface type='user'><alias name='ua-net'/></interface>",
    "/domain/devices/interface[2]/alias", "ua-net" },
  { "<disk device='disk'><target dev='vda'/><boot order='1'/></disk>"
    "<interface type='user'><boot order='1'/></interface>",
    "/domain/devices/interface/boot", "boot order 1" },
  /* What needs SPICE, without it. */
  { "<channel type='spicevmc'><target type='virtio'/></channel>",
    "/domain/devices/channel", "SPICE" },
  { "<redirdev bus='usb' type='spicevmc'/>", "/domain/devices/redirdev",
    "SPICE" },
  { "<smartcard mode='passthrough' type='spicevmc'/>",
    "/domain/devices/smartcard", "SPICE" },
  { "<audio id='1' type='spice'/>", "/domain/devices/audio", "SPICE" },
  { "<graphics type='spice'/><channel type='spicevmc'/>"
    "<audio id='1' type='spice'/>", NULL, NULL },
  { "<graphics type='vnc'/><channel type='spiceport'>"
    "<source channel='org.qemu.console.serial.0'/></channel>",
    "/domain/devices/channel", "SPICE" },
};

static void
test_checks (void)
{
  for (unsigned i = 0; i < G_N_ELEMENTS (check_cases); i++)
    {
      const CheckCase *c = &check_cases[i];
      g_autofree char *xml = g_strdup_printf ("<domain type='kvm'>\n"
                                              "  <name>c</name>\n"
                                              "  <devices>\n"
                                              "    %s\n"
                                              "  </devices>\n"
                                              "</domain>\n", c->devices);
      g_autoptr(HangarDomainDoc) doc = hangar_test_load (xml);
      g_autoptr(GPtrArray) issues = NULL;
      HangarModelIssue *issue;

      issues = hangar_domain_doc_validate (doc, HANGAR_VALIDATE_CHECKS);

      if (c->path == NULL)
        {
          if (issues->len > 0)
            {
              issue = issues->pdata[0];
              g_test_message ("case %u: unexpected %s: %s", i, issue->path,
                              issue->message);
              g_test_fail ();
            }
          continue;
        }

      g_assert_cmpuint (issues->len, ==, 1);
      issue = issues->pdata[0];
      g_assert_cmpint (issue->level, ==, HANGAR_MODEL_ISSUE_ERROR);
      g_assert_cmpstr (issue->path, ==, c->path);
      g_assert_cmpint (issue->line, ==, 4);
      hangar_test_assert_contains (issue->message, c->says);
    }
}

static void
test_checks_general (void)
{
  g_autoptr(HangarDomainDoc) doc = NULL;
  g_autoptr(GPtrArray) issues = NULL;
  g_autoptr(GError) error = NULL;
  HangarModelIssue *issue;

  doc = hangar_test_load ("<domain type='kvm'><name>g</name>"
                          "<memory>1024</memory>\n"
                          "  <vcpu>4</vcpu>\n"
                          "  <os>\n"
                          "    <type machine='q35'>hvm</type>\n"
                          "    <loader secure='yes' type='pflash'>/x.fd"
                          "</loader>\n"
                          "    <boot dev='hd'/>\n"
                          "  </os>\n"
                          "  <cpu><topology sockets='1' cores='2' "
                          "threads='1'/></cpu>\n"
                          "  <devices>\n"
                          "    <disk type='file' device='disk'><target "
                          "dev='vda' bus='virtio'/><boot order='1'/></disk>\n"
                          "  </devices>\n"
                          "</domain>\n");
  issues = hangar_domain_doc_validate (doc, HANGAR_VALIDATE_CHECKS);
  g_assert_cmpuint (issues->len, ==, 3);

  issue = issues->pdata[0];
  g_assert_cmpstr (issue->path, ==, "/domain/cpu/topology");
  g_assert_cmpint (issue->line, ==, 8);
  hangar_test_assert_contains (issue->message, "gives 2 vCPUs");
  issue = issues->pdata[1];
  g_assert_cmpstr (issue->path, ==, "/domain/os/loader");
  hangar_test_assert_contains (issue->message, "SMM");
  issue = issues->pdata[2];
  g_assert_cmpstr (issue->path, ==, "/domain/devices/disk/boot");
  hangar_test_assert_contains (issue->message, "<os><boot>");

  /* The first error, with where it is. */
  g_assert_false (hangar_domain_doc_check (doc, &error));
  g_assert_error (error, HANGAR_MODEL_ERROR, HANGAR_MODEL_ERROR_INVALID);
  g_assert_true (g_str_has_prefix (error->message,
                                   "/domain/cpu/topology (line 8): "));
}

/* The checks never refuse what libvirt accepts: every corpus document of
 * VALIDATION.tsv that the QEMU driver took (or the test driver, where QEMU
 * lacks the architecture) passes them.  And where QEMU refused a document
 * for what needs SPICE, the model says so too. */
static void
test_checks_corpus (void)
{
  g_autoptr(GPtrArray) rows = hangar_test_validation_rows ();
  g_autoptr(GError) error = NULL;
  unsigned accepted = 0;
  unsigned spice_refused = 0;

  for (unsigned i = 0; i < rows->len; i++)
    {
      const char * const *columns = rows->pdata[i];
      g_autofree char *path = NULL;
      g_autoptr(HangarDomainDoc) doc = NULL;
      g_autoptr(GPtrArray) issues = NULL;
      gboolean test_ok;
      gboolean qemu_ok;
      gboolean spice;

      /* The test driver makes the generic checks only; QEMU's are for
       * documents of an architecture it has. */
      test_ok = g_str_equal (columns[3], "accepted");
      qemu_ok = g_str_equal (columns[4], "accepted") ||
                (test_ok && g_str_has_prefix (columns[4], "skipped"));
      spice = strstr (columns[4], "not supported without spice") != NULL;
      if (!qemu_ok && !spice)
        continue;

      path = hangar_test_validation_path (columns);
      doc = hangar_domain_doc_new_from_file (path, &error);
      g_assert_no_error (error);
      issues = hangar_domain_doc_validate (doc, HANGAR_VALIDATE_CHECKS);

      if (qemu_ok)
        {
          accepted++;
          if (issues->len > 0)
            {
              HangarModelIssue *issue = issues->pdata[0];

              g_test_message ("%s: libvirt accepts it, the model says %s: %s",
                              columns[0], issue->path, issue->message);
              g_test_fail ();
            }
        }
      else
        {
          spice_refused++;
          g_assert_cmpuint (issues->len, >, 0);
          hangar_test_assert_contains (((HangarModelIssue *)
                                        issues->pdata[0])->message, "SPICE");
        }
    }

  g_test_message ("%u documents libvirt accepts pass the checks; %u it "
                  "refuses for SPICE are refused by them", accepted,
                  spice_refused);
  g_assert_cmpuint (accepted, >, 900);
  g_assert_cmpuint (spice_refused, >, 0);
}

/* Warnings about what libvirt drops */

static void
test_warnings (void)
{
  g_autoptr(HangarDomainDoc) doc = NULL;
  g_autoptr(HangarDomainDoc) clean = NULL;
  g_autoptr(GPtrArray) issues = NULL;
  g_autofree char *path = hangar_test_seed_path ();
  g_autoptr(GError) error = NULL;
  const struct
  {
    const char *path;
    int line;
    const char *says;
  } expected[] = {
    { "/comment()", 1, "comments" },
    { "/domain/devices/comment()", 16, "comments" },
    { "/domain/metadata/note", 5, "without a namespace" },
    { "/domain/metadata/b:app", 7, "second one of “urn:app”" },
    { "/domain", 2, "x:mark" },
    { "/domain/x:extra", 12, "<x:extra>" },
  };

  doc = hangar_test_load ("<!-- the whole domain -->\n"
                          "<domain type='kvm' xmlns:x='urn:x' x:mark='1' "
                          "xmlns:q='" "http://libvirt.org/schemas/domain/qemu/"
                          "1.0'>\n"
                          "  <name>w</name>\n"
                          "  <metadata>\n"
                          "    <note>plain</note>\n"
                          "    <a:app xmlns:a='urn:app'/>\n"
                          "    <b:app xmlns:b='urn:app'/>\n"
                          "    <c:app xmlns:c='urn:other'/>\n"
                          "    <app xmlns='urn:default'/>\n"
                          "  </metadata>\n"
                          "  <memory>1024</memory>\n"
                          "  <x:extra/>\n"
                          "  <q:commandline><q:arg value='-s'/>"
                          "</q:commandline>\n"
                          "  <os><type>hvm</type></os>\n"
                          "  <devices>\n"
                          "    <!-- disks follow -->\n"
                          "  </devices>\n"
                          "</domain>\n");

  issues = hangar_domain_doc_validate (doc, HANGAR_VALIDATE_WARNINGS);
  for (unsigned i = 0; i < issues->len; i++)
    {
      HangarModelIssue *issue = issues->pdata[i];

      g_test_message ("%s:%d %s", issue->path, issue->line, issue->message);
    }

  g_assert_cmpuint (issues->len, ==, G_N_ELEMENTS (expected));
  for (unsigned i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      HangarModelIssue *issue = issues->pdata[i];

      g_assert_cmpint (issue->level, ==, HANGAR_MODEL_ISSUE_WARNING);
      g_assert_cmpstr (issue->path, ==, expected[i].path);
      g_assert_cmpint (issue->line, ==, expected[i].line);
      hangar_test_assert_contains (issue->message, expected[i].says);
    }

  /* The foreign element is an error too: libvirt's schema refuses it. */
  g_assert_false (hangar_domain_doc_check (doc, &error));
  hangar_test_assert_contains (error->message, "/domain/x:extra");
  g_clear_error (&error);

  /* Warnings alone never fail a check. */
  {
    g_autoptr(HangarDomainDoc) warned = NULL;

    warned = hangar_test_load ("<!-- c -->\n"
                               "<domain type='kvm'><name>w</name>"
                               "<metadata><note/></metadata>"
                               "<memory>1024</memory>"
                               "<os><type>hvm</type></os></domain>");
    g_clear_pointer (&issues, g_ptr_array_unref);
    issues = hangar_domain_doc_validate (warned, HANGAR_VALIDATE_ALL);
    g_assert_cmpuint (issues->len, ==, 2);
    g_assert_true (hangar_domain_doc_check (warned, &error));
    g_assert_no_error (error);
  }

  /* virt-install's document has nothing libvirt drops. */
  clean = hangar_domain_doc_new_from_file (path, &error);
  g_assert_no_error (error);
  g_clear_pointer (&issues, g_ptr_array_unref);
  issues = hangar_domain_doc_validate (clean, HANGAR_VALIDATE_ALL);
  g_assert_cmpuint (issues->len, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/hangar/model-validate/schema/corpus",
                   test_schema_corpus);
  g_test_add_func ("/hangar/model-validate/schema/after-edit",
                   test_schema_after_edit);
  g_test_add_func ("/hangar/model-validate/schema/several",
                   test_schema_several);
  g_test_add_func ("/hangar/model-validate/schema/large", test_schema_large);
  g_test_add_func ("/hangar/model-validate/checks/devices", test_checks);
  g_test_add_func ("/hangar/model-validate/checks/general",
                   test_checks_general);
  g_test_add_func ("/hangar/model-validate/checks/corpus",
                   test_checks_corpus);
  g_test_add_func ("/hangar/model-validate/warnings", test_warnings);

  return g_test_run ();
}
