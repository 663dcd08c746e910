/*
 * text.h - search terms for Chinese and Latin text.
 *
 * Chinese has no spaces, so a word index needs character n-grams; bigrams
 * find every two-character word (暖气, 路灯) and longer phrases are the AND
 * of their bigrams, checked exactly afterwards. Latin letters and digits
 * form lower-cased words. Pure: no I/O.
 */
#ifndef LX_TEXT_H
#define LX_TEXT_H

#include <stddef.h>

/* Returns the space-separated index terms of text (malloc'd, caller frees;
 * "" for no terms). Each run of Chinese characters of length >= 2 gives its
 * overlapping bigrams; a lone Chinese character gives itself; Latin letters
 * and digits give lower-cased words. Punctuation separates. */
char *lx_text_terms(const char *text);

/* A parsed search query. */
typedef struct lx_text_query {
	size_t nwords;
	char **words;   /* the whitespace-separated words, each to be found as a substring */
	char *match;    /* an FTS expression ANDing every word's terms ("暖气" AND "气不"),
			   or NULL when no word has a term (e.g. a single character) */
} lx_text_query;

/* Parses q (valid UTF-8) into *out; the caller frees with lx_text_query_free.
 * Returns LX_OK, or LX_INVALID for an empty query or one longer than 200 bytes. */
int lx_text_query_parse(const char *q, lx_text_query *out);
void lx_text_query_free(lx_text_query *q);

#endif
