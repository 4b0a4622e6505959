/* test-clone-dialog.c
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-clone-dialog"

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include <libvirt/libvirt.h>

#include "hangar-clone-dialog.h"
#include "hangar-connection.h"
#include "hangar-connection-list.h"
#include "hangar-event-loop.h"
#include "hangar-test-loop.h"
#include "hangar-window.h"

/* The clone dialog in the window, on libvirt's test driver: the user
 * opens it from the window's action, names the clone, keeps a disk
 * shared and confirms; the window runs the clone and selects it. */

#define TEST_URI "test:///default"
#define TIMEOUT_SECONDS 60

#define SOURCE_XML \
  "<domain type='test'>\n" \
  "  <name>hangar-dialog-src</name>\n" \
  "  <memory unit='KiB'>131072</memory>\n" \
  "  <vcpu>1</vcpu>\n" \
  "  <os>\n" \
  "    <type arch='x86_64'>hvm</type>\n" \
  "  </os>\n" \
  "  <devices>\n" \
  "    <disk type='file' device='disk'>\n" \
  "      <driver name='qemu' type='raw'/>\n" \
  "      <source file='%s/system.raw'/>\n" \
  "      <target dev='vda' bus='virtio'/>\n" \
  "    </disk>\n" \
  "    <disk type='file' device='disk'>\n" \
  "      <driver name='qemu' type='raw'/>\n" \
  "      <source file='%s/shared.raw'/>\n" \
  "      <target dev='vdb' bus='virtio'/>\n" \
  "    </disk>\n" \
  "  </devices>\n" \
  "</domain>\n"

static gboolean
connected (gpointer data)
{
  return hangar_connection_get_state (data) == HANGAR_CONNECTION_CONNECTED;
}

static gboolean
listed (gpointer data)
{
  HangarWindow *window = data;

  return hangar_connection_lookup_domain (hangar_window_get_connection (window),
                                          "hangar-dialog-src") != NULL;
}

static HangarCloneDialog *
find_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (unsigned i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (toplevels, i);

      if (HANGAR_IS_CLONE_DIALOG (item))
        return HANGAR_CLONE_DIALOG (item);
    }

  return NULL;
}

static gboolean
dialog_ready (gpointer data)
{
  HangarCloneDialog *dialog = find_dialog ();

  return dialog != NULL && hangar_clone_dialog_get_plan (dialog) != NULL;
}

static gboolean
dialog_gone (gpointer data)
{
  return find_dialog () == NULL;
}

static void
finalized_cb (gpointer  data,
              GObject  *where_the_object_was)
{
  *(gboolean *)data = TRUE;
}

static gboolean
flag_set (gpointer data)
{
  return *(gboolean *)data;
}

static void
test_clone_from_window (void)
{
  g_autoptr(HangarConnectionList) list = NULL;
  g_autoptr(HangarConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *system = NULL;
  g_autofree char *shared = NULL;
  g_autofree char *copy = NULL;
  g_autofree char *defined = NULL;
  g_autofree char *text = NULL;
  HangarWindow *window;
  HangarCloneDialog *dialog;
  HangarClonePlan *plan;
  HangarDomain *source;
  HangarDomain *selected;
  virConnectPtr outside;
  virDomainPtr dom;
  gboolean dialog_finalized = FALSE;
  gboolean window_finalized = FALSE;

  dir = g_dir_make_tmp ("hangar-clone-dialog-XXXXXX", &error);
  g_assert_no_error (error);
  system = g_build_filename (dir, "system.raw", NULL);
  shared = g_build_filename (dir, "shared.raw", NULL);
  g_assert_true (g_file_set_contents (system, "system", -1, NULL));
  g_assert_true (g_file_set_contents (shared, "shared", -1, NULL));

  hangar_event_loop_ensure ();
  outside = virConnectOpen (TEST_URI);
  g_assert_nonnull (outside);
  xml = g_strdup_printf (SOURCE_XML, dir, dir);
  dom = virDomainDefineXML (outside, xml);
  g_assert_nonnull (dom);

  list = hangar_connection_list_new (NULL);
  connection = g_object_ref (hangar_connection_list_add (list, TEST_URI, FALSE, FALSE, &error));
  g_assert_no_error (error);
  hangar_connection_list_open (list, connection);
  window = hangar_window_new (NULL, list);
  g_object_weak_ref (G_OBJECT (window), finalized_cb, &window_finalized);
  gtk_window_present (GTK_WINDOW (window));
  hangar_test_wait_until (connected, connection, TIMEOUT_SECONDS, "the connection");
  hangar_test_wait_until (listed, window, TIMEOUT_SECONDS, "the source domain");

  source = hangar_connection_lookup_domain (connection, "hangar-dialog-src");
  hangar_window_select_domain (window, source);
  g_assert_true (hangar_window_get_selected (window) == source);

  /* Shut off: the action is there.  The test domain that runs is refused. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.clone", NULL));
  hangar_test_wait_until (dialog_ready, NULL, TIMEOUT_SECONDS, "the clone dialog's plan");
  dialog = find_dialog ();
  g_object_weak_ref (G_OBJECT (dialog), finalized_cb, &dialog_finalized);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (window));
  plan = hangar_clone_dialog_get_plan (dialog);
  g_assert_cmpstr (hangar_clone_plan_get_name (plan), ==, "hangar-dialog-src-clone");
  g_assert_cmpuint (hangar_clone_plan_get_n_disks (plan), ==, 2);

  /* The user's choices: a name of their own, the second disk shared. */
  hangar_clone_plan_set_name (plan, "hangar-dialog-copy");
  hangar_clone_plan_set_disk_mode (plan, 1, HANGAR_CLONE_SHARE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "default.activate", NULL));

  /* The window ran it, closed the dialog and selected the clone. */
  hangar_test_wait_until (dialog_gone, NULL, TIMEOUT_SECONDS, "the dialog to close");
  hangar_test_wait_until (flag_set, &dialog_finalized, TIMEOUT_SECONDS,
                          "the dialog to be finalized");
  selected = hangar_window_get_selected (window);
  g_assert_nonnull (selected);
  g_assert_cmpstr (hangar_domain_get_name (selected), ==, "hangar-dialog-copy");

  copy = g_build_filename (dir, "system-clone.raw", NULL);
  g_assert_true (g_file_get_contents (copy, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, "system");
  {
    virDomainPtr clone = virDomainLookupByName (outside, "hangar-dialog-copy");

    g_assert_nonnull (clone);
    defined = virDomainGetXMLDesc (clone, VIR_DOMAIN_XML_INACTIVE);
    g_assert_nonnull (strstr (defined, copy));
    g_assert_nonnull (strstr (defined, shared));
    g_assert_cmpint (virDomainUndefine (clone), ==, 0);
    virDomainFree (clone);
  }

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&connection);
  hangar_test_wait_until (flag_set, &window_finalized, TIMEOUT_SECONDS,
                          "the window to be finalized");

  g_assert_cmpint (virDomainUndefine (dom), ==, 0);
  virDomainFree (dom);
  virConnectClose (outside);
  g_assert_cmpint (g_unlink (copy), ==, 0);
  g_assert_cmpint (g_unlink (system), ==, 0);
  g_assert_cmpint (g_unlink (shared), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/hangar/clone-dialog/clone-from-window", test_clone_from_window);

  return g_test_run ();
}
