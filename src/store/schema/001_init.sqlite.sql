-- SQLite-only part of 001: the bigram search index. Each case's title and
-- description are indexed as space-separated tokens (Chinese character
-- bigrams, lower-cased ASCII words) produced by core/text.c, so FTS5's
-- default tokenizer sees ready-made terms and `暖气` is one token.
-- Contentless: the text lives in `cases`; rowid = cases.id.
CREATE VIRTUAL TABLE case_fts USING fts5(terms, content='', detail=none, columnsize=0);
