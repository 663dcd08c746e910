/*
 * repo_case.h - what the case repository's files share (store-internal):
 * the scope predicate.
 */
#ifndef LX_REPO_CASE_H
#define LX_REPO_CASE_H

#include "repo.h"

/* A case is visible in the scope bound to ?1 (its upper bound ?2) when it
 * is handled there, located there, or a unit there was asked to assist. */
#define LX_CASE_SCOPE_SQL \
	"((c.scope_path >= ?1 AND c.scope_path < ?2) OR (c.unit_path >= ?1 AND c.unit_path < ?2) " \
	"OR EXISTS (SELECT 1 FROM case_tasks t WHERE t.case_id = c.id " \
	"AND t.unit_path >= ?1 AND t.unit_path < ?2))"

#endif
