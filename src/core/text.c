/*
 * text.c - bigram terms for Chinese search (see text.h).
 */
#include "text.h"
#include "lx.h"

#include <assert.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* Decodes one code point of valid UTF-8 at s; sets *len to its byte length. */
static unsigned lx_utf8_next(const char *s, size_t *len)
{
	const unsigned char *p = (const unsigned char *)s;
	if (p[0] < 0x80) {
		*len = 1;
		return p[0];
	}
	if ((p[0] & 0xE0) == 0xC0 && p[1]) {
		*len = 2;
		return ((p[0] & 0x1Fu) << 6) | (p[1] & 0x3Fu);
	}
	if ((p[0] & 0xF0) == 0xE0 && p[1] && p[2]) {
		*len = 3;
		return ((p[0] & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
	}
	if ((p[0] & 0xF8) == 0xF0 && p[1] && p[2] && p[3]) {
		*len = 4;
		return ((p[0] & 0x07u) << 18) | ((p[1] & 0x3Fu) << 12) | ((p[2] & 0x3Fu) << 6) |
		       (p[3] & 0x3Fu);
	}
	*len = 1; /* invalid byte: step over it */
	return 0xFFFD;
}

enum { LX_CH_SEP, LX_CH_LATIN, LX_CH_CJK };

static int lx_char_class(unsigned cp)
{
	if (cp < 0x80)
		return isalnum((int)cp) ? LX_CH_LATIN : LX_CH_SEP;
	if (cp <= 0xBF || (cp >= 0x2000 && cp <= 0x206F) || (cp >= 0x3000 && cp <= 0x303F) ||
	    (cp >= 0xFF00 && cp <= 0xFF0F) || (cp >= 0xFF1A && cp <= 0xFF20) ||
	    (cp >= 0xFF3B && cp <= 0xFF40) || (cp >= 0xFF5B && cp <= 0xFF65) || cp == 0xFFFD ||
	    (cp >= 0xFE30 && cp <= 0xFE4F))
		return LX_CH_SEP;
	return LX_CH_CJK;
}

/* Appends the terms of text to b, each followed by one space. Returns the count. */
static size_t lx_terms_into(lx_buf *b, const char *text)
{
	size_t count = 0;
	const char *p = text;
	const char *prev = NULL; /* start of the previous CJK char in the current run */
	size_t prevlen = 0, runlen = 0;

	while (*p) {
		size_t len;
		unsigned cp = lx_utf8_next(p, &len);
		int cls = lx_char_class(cp);
		if (cls == LX_CH_CJK) {
			if (prev) {
				lx_buf_append(b, prev, prevlen);
				lx_buf_append(b, p, len);
				lx_buf_putc(b, ' ');
				count++;
			}
			prev = p;
			prevlen = len;
			runlen++;
			p += len;
			continue;
		}
		if (runlen == 1) {
			lx_buf_append(b, prev, prevlen);
			lx_buf_putc(b, ' ');
			count++;
		}
		prev = NULL;
		runlen = 0;
		if (cls == LX_CH_LATIN) {
			while (*p && (unsigned char)*p < 0x80 && isalnum((unsigned char)*p)) {
				lx_buf_putc(b, (char)tolower((unsigned char)*p));
				p++;
			}
			lx_buf_putc(b, ' ');
			count++;
			continue;
		}
		p += len;
	}
	if (runlen == 1) {
		lx_buf_append(b, prev, prevlen);
		lx_buf_putc(b, ' ');
		count++;
	}
	return count;
}

char *lx_text_terms(const char *text)
{
	lx_buf b;
	lx_buf_init(&b);
	if (text)
		lx_terms_into(&b, text);
	if (b.len && b.data[b.len - 1] == ' ')
		b.data[--b.len] = '\0';
	return lx_buf_steal(&b);
}

int lx_text_query_parse(const char *q, lx_text_query *out)
{
	int rc = LX_INVALID;
	lx_buf terms, match;
	lx_buf_init(&terms);
	lx_buf_init(&match);
	memset(out, 0, sizeof *out);

	if (!q || strlen(q) > 200)
		goto cleanup;
	const char *p = q;
	while (*p) {
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		if (!*p)
			break;
		const char *start = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
			p++;
		char *word = lx_xstrndup(start, (size_t)(p - start));
		out->words = lx_xrealloc(out->words, (out->nwords + 1) * sizeof *out->words);
		out->words[out->nwords++] = word;
		lx_buf_reset(&terms);
		lx_terms_into(&terms, word);
		/* Single characters index as themselves only when alone, so a
		 * one-character word is left to the exact substring check. */
		char *save = NULL;
		for (char *t = terms.data ? strtok_r(terms.data, " ", &save) : NULL; t;
		     t = strtok_r(NULL, " ", &save)) {
			size_t tl = strlen(t);
			if (tl <= 4 && (unsigned char)t[0] >= 0x80 && lx_utf8_len(t) == 1)
				continue;
			if (match.len)
				lx_buf_puts(&match, " AND ");
			lx_buf_putc(&match, '"');
			lx_buf_puts(&match, t);
			lx_buf_putc(&match, '"');
			/* Latin words match as prefixes ("heat" finds "heating");
			 * the substring check then keeps only real matches. */
			if ((unsigned char)t[0] < 0x80)
				lx_buf_putc(&match, '*');
		}
	}
	if (out->nwords == 0)
		goto cleanup;
	out->match = match.len ? lx_buf_steal(&match) : NULL;
	rc = LX_OK;
cleanup:
	lx_buf_free(&terms);
	lx_buf_free(&match);
	if (rc != LX_OK)
		lx_text_query_free(out);
	return rc;
}

void lx_text_query_free(lx_text_query *q)
{
	for (size_t i = 0; i < q->nwords; i++)
		free(q->words[i]);
	free(q->words);
	free(q->match);
	memset(q, 0, sizeof *q);
}
