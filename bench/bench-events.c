/* bench-events.c
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Event-to-row latency: Hangar's window on libvirt's test driver with
 * DOMAINS running domains; another client of the same driver (a thread
 * here: the test driver lives in the process) pauses and resumes the
 * domains whose rows are on screen, CHANGES times in all, one at a time.
 * For each change it measures, on the monotonic clock, from just before
 * the libvirt call to the moment the row's state label changed and to the
 * end of the next frame painted after that.  Prints
 *
 *   hangar-bench: events domains=N changes=M label-p50=… label-p95=…
 *                 label-max=… paint-p50=… paint-p95=… paint-max=… ms
 *
 * Usage: bench-events [DOMAINS [CHANGES]]   (defaults 1000 and 1000).
 * Needs $DISPLAY; bench/bench-startup.py runs it under its own Xvfb. */

#include "config.h"

#include <adwaita.h>
#include <stdlib.h>
#include <string.h>

#include <libvirt/libvirt.h>

#include "hangar-connection.h"
#include "hangar-connection-list.h"
#include "hangar-domain-row.h"
#include "hangar-event-loop.h"
#include "hangar-window.h"

#define TIMEOUT_US (10 * G_USEC_PER_SEC)

typedef struct
{
  char   *name;
  gint64  label_time;
  gint64  paint_time;
} Update;

static GAsyncQueue *updates;
static GHashTable *awaiting_paint;  /* GtkWidget row → Update */

static void
after_paint_cb (GdkFrameClock *clock,
                GtkWidget     *row)
{
  Update *update = g_hash_table_lookup (awaiting_paint, row);

  if (update == NULL)
    return;

  g_hash_table_steal (awaiting_paint, row);
  update->paint_time = g_get_monotonic_time ();
  g_async_queue_push (updates, update);
}

static void
label_changed_cb (GtkLabel   *label,
                  GParamSpec *pspec,
                  GtkWidget  *row)
{
  HangarDomain *domain = hangar_domain_row_get_domain (HANGAR_DOMAIN_ROW (row));
  Update *update;

  if (domain == NULL || g_hash_table_contains (awaiting_paint, row))
    return;

  update = g_new0 (Update, 1);
  update->name = g_strdup (hangar_domain_get_name (domain));
  update->label_time = g_get_monotonic_time ();
  g_hash_table_insert (awaiting_paint, row, update);
}

/* The rows on screen, with their state labels watched. */
static void
collect_rows (GtkWidget *widget,
              GPtrArray *names)
{
  if (HANGAR_IS_DOMAIN_ROW (widget))
    {
      HangarDomain *domain = hangar_domain_row_get_domain (HANGAR_DOMAIN_ROW (widget));
      GtkWidget *labels = gtk_widget_get_next_sibling (gtk_widget_get_first_child (widget));
      GtkWidget *state = gtk_widget_get_last_child (labels);
      graphene_rect_t bounds;

      /* GtkListView keeps more rows bound than it shows. */
      if (domain == NULL || !GTK_IS_LABEL (state) || !gtk_widget_is_drawable (widget) ||
          !gtk_widget_compute_bounds (widget, GTK_WIDGET (gtk_widget_get_root (widget)),
                                      &bounds) ||
          bounds.origin.y < 0 ||
          bounds.origin.y + bounds.size.height > gtk_widget_get_height (GTK_WIDGET (
                                                   gtk_widget_get_root (widget))))
        return;

      g_signal_connect (state, "notify::label", G_CALLBACK (label_changed_cb), widget);
      g_signal_connect (gtk_widget_get_frame_clock (widget), "after-paint",
                        G_CALLBACK (after_paint_cb), widget);
      g_ptr_array_add (names, g_strdup (hangar_domain_get_name (domain)));
      return;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_rows (child, names);
}

typedef struct
{
  GPtrArray *names;
  unsigned   changes;
  GArray    *label_ms;
  GArray    *paint_ms;
  unsigned   lost;
  gboolean   done;
} Run;

static gpointer
change_thread (gpointer data)
{
  Run *run = data;
  virConnectPtr conn = virConnectOpen ("test:///default");
  g_autoptr(GHashTable) paused = g_hash_table_new (g_str_hash, g_str_equal);

  g_assert (conn != NULL);

  for (unsigned i = 0; i < run->changes; i++)
    {
      const char *name = g_ptr_array_index (run->names, i % run->names->len);
      virDomainPtr dom = virDomainLookupByName (conn, name);
      gboolean pause = !g_hash_table_contains (paused, name);
      Update *update;
      gint64 start;

      start = g_get_monotonic_time ();
      if ((pause ? virDomainSuspend (dom) : virDomainResume (dom)) < 0)
        g_error ("Could not change the state of %s", name);
      virDomainFree (dom);

      if (pause)
        g_hash_table_add (paused, (gpointer)name);
      else
        g_hash_table_remove (paused, name);

      /* One change at a time: wait for its row. */
      for (;;)
        {
          update = g_async_queue_timeout_pop (updates, TIMEOUT_US);
          if (update == NULL || g_strcmp0 (update->name, name) == 0)
            break;
          g_free (update->name);
          g_free (update);
        }

      if (update == NULL)
        {
          run->lost++;
          continue;
        }

      g_array_append_val (run->label_ms, (double){ (update->label_time - start) / 1000.0 });
      g_array_append_val (run->paint_ms, (double){ (update->paint_time - start) / 1000.0 });
      g_free (update->name);
      g_free (update);
    }

  virConnectClose (conn);
  g_atomic_int_set (&run->done, TRUE);
  g_main_context_wakeup (NULL);

  return NULL;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *)a;
  double y = *(const double *)b;

  return (x > y) - (x < y);
}

static double
percentile (GArray *values,
            double  fraction)
{
  unsigned index;

  if (values->len == 0)
    return -1;

  g_array_sort (values, compare_doubles);
  index = MIN (values->len - 1, (unsigned)(fraction * values->len));

  return g_array_index (values, double, index);
}

static gboolean
connected (HangarConnection *connection,
           unsigned          wanted)
{
  return hangar_connection_get_state (connection) == HANGAR_CONNECTION_CONNECTED &&
         g_list_model_get_n_items (hangar_connection_get_domains (connection)) >= wanted;
}

int
main (int   argc,
      char *argv[])
{
  unsigned n_domains = argc > 1 ? (unsigned)atoi (argv[1]) : 1000;
  g_autoptr(HangarConnectionList) list = NULL;
  g_autoptr(HangarConnection) connection = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  HangarWindow *window;
  virConnectPtr setup;
  GThread *thread;
  gint64 deadline;
  Run run = { 0, };

  gtk_init ();
  adw_init ();
  hangar_event_loop_ensure ();

  run.changes = argc > 2 ? (unsigned)atoi (argv[2]) : 1000;
  run.label_ms = g_array_new (FALSE, FALSE, sizeof (double));
  run.paint_ms = g_array_new (FALSE, FALSE, sizeof (double));
  updates = g_async_queue_new ();
  awaiting_paint = g_hash_table_new (NULL, NULL);

  /* The test driver's default host, shared by the connections of this
   * process, with the domains running. */
  setup = virConnectOpen ("test:///default");
  g_assert (setup != NULL);
  for (unsigned i = 0; i < n_domains; i++)
    {
      g_autofree char *xml = g_strdup_printf ("<domain type='test'><name>bench-%05u</name>"
                                              "<memory>131072</memory><vcpu>1</vcpu>"
                                              "<os><type arch='x86_64'>hvm</type></os>"
                                              "</domain>", i);
      virDomainPtr dom = virDomainCreateXML (setup, xml, 0);

      g_assert (dom != NULL);
      virDomainFree (dom);
    }

  list = hangar_connection_list_new (NULL);
  connection = g_object_ref (hangar_connection_list_add (list, "test:///default", FALSE, FALSE,
                                                         NULL));
  hangar_connection_list_open (list, connection);
  window = hangar_window_new (NULL, list);
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 720);
  gtk_window_present (GTK_WINDOW (window));

  deadline = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;
  while (!connected (connection, n_domains) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  /* Let the list lay its rows out. */
  for (gint64 until = g_get_monotonic_time () + G_USEC_PER_SEC;
       g_get_monotonic_time () < until;)
    g_main_context_iteration (NULL, FALSE);

  collect_rows (GTK_WIDGET (window), names);
  /* The test domain that the default host has comes first: only ours. */
  for (unsigned i = names->len; i > 0; i--)
    if (!g_str_has_prefix (g_ptr_array_index (names, i - 1), "bench-"))
      g_ptr_array_remove_index (names, i - 1);
  if (names->len == 0)
    g_error ("No rows on screen");

  run.names = names;
  thread = g_thread_new ("bench-changes", change_thread, &run);
  while (!g_atomic_int_get (&run.done))
    g_main_context_iteration (NULL, TRUE);
  g_thread_join (thread);

  g_print ("hangar-bench: events domains=%u visible=%u changes=%u lost=%u "
           "label-p50=%.2f label-p95=%.2f label-max=%.2f "
           "paint-p50=%.2f paint-p95=%.2f paint-max=%.2f ms\n",
           n_domains, names->len, run.changes, run.lost,
           percentile (run.label_ms, 0.5), percentile (run.label_ms, 0.95),
           percentile (run.label_ms, 1.0),
           percentile (run.paint_ms, 0.5), percentile (run.paint_ms, 0.95),
           percentile (run.paint_ms, 1.0));

  gtk_window_destroy (GTK_WINDOW (window));
  virConnectClose (setup);

  return run.lost == 0 ? 0 : 1;
}
