/*
 * fuzz_fts.c - the search query builder (core/text.c lx_text_query_parse:
 * words, Chinese bigrams and Latin prefixes ANDed into an FTS5 MATCH
 * expression) against the SQLite index it is run on, in the fixture (the
 * demo district's 6,000 cases, fuzz.h). The input is the decoded `q` of
 * GET /api/v1/cases; like that route (api/case_query.c) only valid UTF-8
 * reaches the builder.
 *
 * Properties:
 *   - a query over 200 bytes or without a word is refused; otherwise the
 *     words are the whitespace-separated parts of q and the expression is
 *     "term" or "term"* parts joined by AND;
 *   - the expression is always one the index accepts: the case search
 *     (store/repo_case_list.c lx_case_list) on it returns LX_OK;
 *   - a case whose title is q is found by q: q's index terms (the real
 *     indexing, lx_case_terms and lx_db_fts_index, in a transaction that is
 *     rolled back) match the expression. This holds only where core/text.c
 *     and FTS5's unicode61 tokenizer agree on what a character is, which
 *     they do not for symbols and emoji (docs/fuzzing.md, "findings"); it
 *     is checked for inputs of ASCII, CJK ideographs, kana, hangul,
 *     fullwidth forms, Latin-1 letters and the separators core/text.c
 *     knows (LX_FUZZ_FTS_ALL=1 checks every input, and fails at once).
 */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

static lx_db *fuzz_fts_db;
static int64_t fuzz_next_id;
static bool fuzz_all; /* LX_FUZZ_FTS_ALL=1: check every input (shows the finding) */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_fts_db = fuzz_db();
	fuzz_all = getenv("LX_FUZZ_FTS_ALL") && strcmp(getenv("LX_FUZZ_FTS_ALL"), "1") == 0;
	if (lx_db_query_int(fuzz_fts_db, "SELECT MAX(id) + 1000000 FROM cases", &fuzz_next_id) != LX_OK)
		abort();
	return 0;
}

/* Decodes the code point at *p (valid UTF-8) and advances. */
static unsigned fuzz_cp(const unsigned char **p)
{
	const unsigned char *s = *p;
	if (s[0] < 0x80) {
		*p += 1;
		return s[0];
	}
	if (s[0] < 0xE0) {
		*p += 2;
		return ((s[0] & 0x1Fu) << 6) | (s[1] & 0x3Fu);
	}
	if (s[0] < 0xF0) {
		*p += 3;
		return ((s[0] & 0x0Fu) << 12) | ((s[1] & 0x3Fu) << 6) | (s[2] & 0x3Fu);
	}
	*p += 4;
	return ((s[0] & 0x07u) << 18) | ((s[1] & 0x3Fu) << 12) | ((s[2] & 0x3Fu) << 6) | (s[3] & 0x3Fu);
}

/* True when every character of q is one both tokenizers read alike. */
static bool fuzz_plain(const char *q)
{
	static const unsigned ranges[][2] = {
		/* ideographs only up to what SQLite's Unicode tables know (6.1) */
		{0x00, 0x7F},       {0x80, 0xBF},       {0xC0, 0xD6},       {0xD8, 0xF6},
		{0xF8, 0xFF},       {0x2000, 0x206F},   {0x3000, 0x303F},   {0x3041, 0x3096},
		{0x30A1, 0x30FA},   {0x3400, 0x4DB5},   {0x4E00, 0x9FCB},   {0xAC00, 0xD7A3},
		{0xF900, 0xFA6D},   {0xFE30, 0xFE4F},   {0xFF00, 0xFF0F},   {0xFF10, 0xFF19},
		{0xFF1A, 0xFF20},   {0xFF21, 0xFF3A},   {0xFF3B, 0xFF40},   {0xFF41, 0xFF5A},
		{0xFF5B, 0xFF65},   {0xFFFD, 0xFFFD},   {0x20000, 0x2A6D6},
	};
	for (const unsigned char *p = (const unsigned char *)q; *p;) {
		unsigned cp = fuzz_cp(&p);
		bool ok = false;
		for (size_t i = 0; i < sizeof ranges / sizeof ranges[0] && !ok; i++)
			ok = cp >= ranges[i][0] && cp <= ranges[i][1];
		if (!ok)
			return false;
	}
	return true;
}

/* The expression's shape: "t" or "t"* parts, joined by " AND ". */
static void fuzz_check_shape(const char *m)
{
	const char *p = m;
	for (;;) {
		FUZZ_CHECK(*p == '"', "expression %s: a part does not open with a quote", m);
		const char *close = strchr(p + 1, '"');
		FUZZ_CHECK(close && close > p + 1, "expression %s: an empty or open term", m);
		p = close + 1;
		if (*p == '*')
			p++;
		if (!*p)
			return;
		FUZZ_CHECK(strncmp(p, " AND ", 5) == 0, "expression %s: parts not joined by AND", m);
		p += 5;
	}
}

static int fuzz_count(void *arg, const lx_case *c)
{
	(void)c;
	(*(int *)arg)++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!lx_utf8_valid((const char *)data, size))
		return 0;
	char *q = fuzz_strndup(data, size);
	lx_text_query tq;
	int rc = lx_text_query_parse(q, &tq);
	bool blank = strspn(q, " \t\r\n") == size;
	if (size > 200 || blank) {
		FUZZ_CHECK(rc == LX_INVALID, "a query of %zu bytes%s was taken", size, blank ? " without a word" : "");
		free(q);
		return 0;
	}
	FUZZ_CHECK(rc == LX_OK && tq.nwords >= 1, "the query \"%s\" was refused", q);
	for (size_t i = 0; i < tq.nwords; i++)
		FUZZ_CHECK(tq.words[i][0] && !strpbrk(tq.words[i], " \t\r\n") && strstr(q, tq.words[i]),
			   "word %zu \"%s\"", i, tq.words[i]);
	if (!tq.match) {
		lx_text_query_free(&tq);
		free(q);
		return 0;
	}
	fuzz_check_shape(tq.match);

	/* the case search takes the expression */
	lx_case_filter f = {.match = tq.match, .words = tq.words, .nwords = tq.nwords, .limit = 3};
	int n = 0;
	bool more;
	rc = lx_case_list(fuzz_fts_db, "/", &f, fuzz_count, &n, &more);
	FUZZ_CHECK(rc == LX_OK, "the search for %s failed: %s", tq.match, lx_db_errmsg(fuzz_fts_db));

	/* a case titled q is found by q */
	if (fuzz_all || fuzz_plain(q)) {
		char *terms = lx_case_terms(q, NULL);
		int64_t id = fuzz_next_id, hit = 0;
		FUZZ_CHECK(lx_db_begin(fuzz_fts_db, true) == LX_OK, "begin: %s", lx_db_errmsg(fuzz_fts_db));
		FUZZ_CHECK(lx_db_fts_index(fuzz_fts_db, id, terms) == LX_OK, "index: %s", lx_db_errmsg(fuzz_fts_db));
		lx_stmt *st = lx_db_prepare(fuzz_fts_db, "SELECT COUNT(*) FROM case_fts WHERE case_fts MATCH ? AND rowid = ?");
		FUZZ_CHECK(st != NULL, "prepare: %s", lx_db_errmsg(fuzz_fts_db));
		lx_stmt_bind_text(st, 1, tq.match);
		lx_stmt_bind_int(st, 2, id);
		FUZZ_CHECK(lx_stmt_step(st) == LX_ROW, "match: %s", lx_db_errmsg(fuzz_fts_db));
		hit = lx_stmt_int(st, 0);
		lx_stmt_done(st);
		lx_db_rollback(fuzz_fts_db);
		FUZZ_CHECK(hit == 1, "a case titled \"%s\" (terms \"%s\") is not found by %s", q, terms, tq.match);
		free(terms);
	}
	lx_text_query_free(&tq);
	free(q);
	return 0;
}
