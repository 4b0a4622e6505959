/* test-model-common.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the model's tests share: the corpus in ../shared, canonical XML,
 * and the canonical-tree diff that says whether an edit stayed inside
 * the elements it targets.
 */

#pragma once

#include <glib.h>
#include <libxml/tree.h>

#include "hangar-domain-doc.h"

G_BEGIN_DECLS

/* The folder holding corpus/ and seed/ (HANGAR_SHARED_DIR, or ../shared
 * next to the source tree); aborts the test when there is none. */
const char      *hangar_test_shared_dir        (void);
char            *hangar_test_seed_path         (void);
/* Every file under @dir, sorted by path (free func set). */
GPtrArray       *hangar_test_collect_files     (const char         *dir);

/* One domain document of the corpus: a file, or one of the documents of
 * a file holding several one after the other. */
typedef struct
{
  char *label;   /* "libvirt-v4.0.0/qemuxml2argvdata/disk-cdrom.xml" */
  char *text;
} HangarTestDomain;

/* The corpus's domain documents, loaded once and kept for the process. */
GPtrArray       *hangar_test_corpus_domains    (void);
/* Splits a file where a line starts a <domain> (virt-install writes the
 * install-phase and the boot-phase domain one after the other, sometimes
 * after other text); @leading_text tells whether text came first. */
GPtrArray       *hangar_test_split_documents   (const char         *text,
                                                gboolean           *leading_text);

/* The rows of libvirt-v4.0.0/VALIDATION.tsv, as NULL-terminated column
 * arrays: file, well formed, schema verdict, test driver's define, QEMU
 * driver's define, libvirt's error.  And a row's file. */
GPtrArray       *hangar_test_validation_rows   (void);
char            *hangar_test_validation_path   (const char * const *row);

/* libxml2 alone, quietly: NULL unless well formed. */
xmlDoc          *hangar_test_parse             (const char         *xml,
                                                gsize               length);
/* C14N 1.0 with comments, computed by libxml2 alone from the text. */
char            *hangar_test_canonical         (const char         *xml,
                                                gsize               length);
char            *hangar_test_doc_canonical     (HangarDomainDoc    *doc);

/* The canonical-tree diff.  Both trees are walked together; a node is
 * named by a path of steps "name[k]" (k counts the siblings of the same
 * name and namespace URI), attributes by ".../@name" and text by
 * ".../text()[k]".  A target is such a path, where a step "name" means
 * "name[1]", "name[*]" any of them and "text()" any text of an element.
 * TRUE when every difference lies under a target; else FALSE, with up to
 * five differences said in @report (may be NULL).  A target element that
 * exists on one side only is left out of its parent's children, and the
 * whitespace around it may then differ. */
gboolean         hangar_test_only_changed      (xmlDoc             *before,
                                                xmlDoc             *after,
                                                const char * const *targets,
                                                GString            *report);
/* The same on canonical texts, failing the test with @label. */
void             hangar_test_assert_only_changed (const char         *label,
                                                  const char         *before,
                                                  const char         *after,
                                                  const char * const *targets);
/* Checks that the elements among @targets that the edit created are at
 * their place in libvirt's order and indented like their siblings, and
 * that the others did not move; returns how many were created. */
unsigned         hangar_test_assert_placement  (const char         *label,
                                                const char         *before,
                                                const char         *after,
                                                const char * const *targets);
/* The diff's step of @node, and its whole path from the root. */
char            *hangar_test_step_name         (xmlNode            *node);
char            *hangar_test_node_path         (xmlNode            *node);

/* Small documents */
HangarDomainDoc *hangar_test_load              (const char         *xml);
void             hangar_test_assert_contains   (const char         *haystack,
                                                const char         *needle);
void             hangar_test_assert_lacks      (const char         *haystack,
                                                const char         *needle);

G_END_DECLS
