/*
 * repo_scope.h - visibility rows written in bulk (store-internal): the rows
 * of many cases gathered and written 100 to a statement, for
 * lx_scope_rebuild and the second thread of a bulk load (store/bulk.c).
 */
#ifndef LX_REPO_SCOPE_H
#define LX_REPO_SCOPE_H

#include "repo.h"

typedef struct lx_scope_batch lx_scope_batch;

/* A new empty batch; the caller owns it (lx_scope_batch_free). */
lx_scope_batch *lx_scope_batch_new(void);
/* Makes the case being added visible in every unit on path ('/1/2/45/'). */
void lx_scope_batch_path(lx_scope_batch *b, const char *path);
/* Queues the rows (unit, status, case_id) for the units added since the
 * last put, writing a full group to db's case_scope. LX_OK or LX_ERR. */
int lx_scope_batch_put(lx_db *db, lx_scope_batch *b, int64_t case_id, const char *status);
/* Writes the rows still queued. LX_OK or LX_ERR. */
int lx_scope_batch_flush(lx_db *db, lx_scope_batch *b);
/* Frees b (NULL is fine); rows not flushed are dropped. */
void lx_scope_batch_free(lx_scope_batch *b);

#endif
