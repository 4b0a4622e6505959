/* test-window-actions.c
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-window-actions"

#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "hangar-connection.h"
#include "hangar-connection-list.h"
#include "hangar-event-loop.h"
#include "hangar-test-loop.h"
#include "hangar-test-root.h"
#include "hangar-window.h"

/* The window's lifecycle actions on a real guest of the embedded QEMU
 * driver: SeaBIOS has no ACPI support, so it ignores a shutdown request,
 * and the window offers to force the machine off. */

#define TIMEOUT_SECONDS 120

#define GUEST_XML \
  "<domain type='qemu'>\n" \
  "  <name>hangar-stubborn</name>\n" \
  "  <memory unit='MiB'>64</memory>\n" \
  "  <vcpu>1</vcpu>\n" \
  "  <os>\n" \
  "    <type arch='x86_64' machine='pc'>hvm</type>\n" \
  "  </os>\n" \
  "  <features>\n" \
  "    <acpi/>\n" \
  "  </features>\n" \
  "</domain>\n"

typedef struct
{
  HangarDomain      *domain;
  HangarDomainState  state;
} StateWait;

static gboolean
state_reached (gpointer data)
{
  StateWait *wait = data;

  return hangar_domain_get_state (wait->domain) == wait->state;
}

static void
wait_for_state (HangarDomain      *domain,
                HangarDomainState  state)
{
  StateWait wait = { domain, state };

  hangar_test_wait_until (state_reached, &wait, TIMEOUT_SECONDS,
                          hangar_domain_state_to_label (state));
}

static gboolean
connected (gpointer data)
{
  return hangar_connection_get_state (data) == HANGAR_CONNECTION_CONNECTED;
}

static AdwMessageDialog *
find_dialog (const char *heading)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (unsigned i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (item) &&
          g_strcmp0 (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (item)), heading) == 0 &&
          gtk_widget_get_visible (GTK_WIDGET (item)))
        return ADW_MESSAGE_DIALOG (item);
    }

  return NULL;
}

static gboolean
offer_shown (gpointer data)
{
  return find_dialog ("Still Running") != NULL;
}

static gboolean
offer_gone (gpointer data)
{
  return find_dialog ("Still Running") == NULL;
}

/* What a click on a response button does. */
static void
respond (AdwMessageDialog *dialog,
         const char       *response)
{
  adw_message_dialog_response (dialog, response);
  gtk_window_close (GTK_WINDOW (dialog));
}

static void
store_result_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  *(GAsyncResult **)user_data = g_object_ref (result);
}

static gboolean
result_arrived (gpointer data)
{
  return *(GAsyncResult **)data != NULL;
}

static void
test_shutdown_offers_force_off (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *root = NULL;
  g_autofree char *uri = NULL;
  g_autoptr(HangarConnectionList) list = NULL;
  g_autoptr(HangarConnection) connection = NULL;
  g_autoptr(HangarDomainDoc) doc = NULL;
  g_autoptr(HangarDomain) domain = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  AdwMessageDialog *offer;
  HangarWindow *window;

  root = hangar_test_root_new (&error);
  g_assert_no_error (error);
  uri = hangar_connection_prepare_embed_root (root, &error);
  g_assert_no_error (error);

  list = hangar_connection_list_new (NULL);
  connection = g_object_ref (hangar_connection_list_add (list, uri, FALSE, FALSE, &error));
  g_assert_no_error (error);
  hangar_connection_list_open (list, connection);
  window = hangar_window_new (NULL, list);
  hangar_window_set_shutdown_timeout (window, 1);
  gtk_window_present (GTK_WINDOW (window));
  hangar_test_wait_until (connected, connection, TIMEOUT_SECONDS, "the embedded driver");

  doc = hangar_domain_doc_new_from_string (GUEST_XML, -1, NULL, &error);
  g_assert_no_error (error);
  hangar_connection_define_async (connection, doc, NULL, store_result_cb, &result);
  hangar_test_wait_until (result_arrived, &result, TIMEOUT_SECONDS, "the definition");
  domain = hangar_connection_define_finish (connection, result, &error);
  g_assert_no_error (error);

  hangar_window_select_domain (window, domain);
  g_assert_true (hangar_window_get_selected (window) == domain);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL);
  wait_for_state (domain, HANGAR_DOMAIN_STATE_RUNNING);

  /* The firmware ignores the request: after the timeout, the offer. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.shutdown", NULL);
  hangar_test_wait_until (offer_shown, NULL, TIMEOUT_SECONDS, "the offer to force off");
  offer = find_dialog ("Still Running");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (offer), "“hangar-stubborn”"));
  g_assert_cmpint (hangar_domain_get_state (domain), ==, HANGAR_DOMAIN_STATE_RUNNING);

  /* Keep waiting: asked again after another timeout. */
  respond (offer, "wait");
  hangar_test_wait_until (offer_gone, NULL, TIMEOUT_SECONDS, "the offer to close");
  hangar_test_wait_until (offer_shown, NULL, TIMEOUT_SECONDS, "the offer again");
  g_assert_cmpint (hangar_domain_get_state (domain), ==, HANGAR_DOMAIN_STATE_RUNNING);

  /* Forced off at last. */
  respond (find_dialog ("Still Running"), "force-off");
  wait_for_state (domain, HANGAR_DOMAIN_STATE_SHUTOFF);
  hangar_test_wait_until (offer_gone, NULL, TIMEOUT_SECONDS, "the offer to close");

  g_clear_object (&result);
  hangar_domain_undefine_async (domain, NULL, store_result_cb, &result);
  hangar_test_wait_until (result_arrived, &result, TIMEOUT_SECONDS, "the undefinition");
  g_assert_true (hangar_domain_undefine_finish (domain, result, &error));
  g_assert_no_error (error);

  gtk_window_destroy (GTK_WINDOW (window));
  hangar_connection_close (connection);
  hangar_test_root_destroy (root);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  hangar_event_loop_ensure ();

  g_test_add_func ("/hangar/window-actions/shutdown-offers-force-off",
                   test_shutdown_offers_force_off);

  return g_test_run ();
}
