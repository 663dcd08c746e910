-- PostgreSQL-only part of 001: the bigram search index, the counterpart of
-- 001_init.sqlite.sql's FTS5 table. (Files sort by name, so this one runs
-- just before 001_init.sql: nothing here may refer to its tables.)
--
-- Each case's title and description arrive as space-separated terms from
-- core/text.c (Chinese character bigrams, lower-cased ASCII words). They are
-- stored as a tsvector built from that list as it is, with
-- array_to_tsvector, so no text-search parser, dictionary or locale decides
-- what a token is: `暖气` is one lexeme on every cluster. (The 'simple'
-- configuration keeps CJK bigrams as single tokens too, in a C or UTF-8
-- locale alike; array_to_tsvector just does not depend on it.)
-- id = cases.id; positions are not kept, like FTS5's detail=none.
CREATE TABLE case_fts (
  id BIGINT PRIMARY KEY,
  tsv tsvector NOT NULL
);
CREATE INDEX case_fts_tsv ON case_fts USING GIN (tsv);

-- lx_fts_query(expr) turns the FTS5-style expression of core/text.c,
-- `"暖气" AND "气不" AND "heat"*`, into the tsquery `'暖气' & '气不' & 'heat':*`.
-- text.c only ever ANDs quoted terms, a `*` after a term making it a
-- prefix; the quotes and backslashes a term could hold are escaped for the
-- tsquery syntax. An expression without terms gives NULL, which matches
-- nothing (the store adds the condition only when there are terms).
CREATE FUNCTION lx_fts_query(expr TEXT) RETURNS tsquery
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT string_agg('''' || replace(replace(m[1], '\', '\\'), '''', '''''') || ''''
                    || CASE WHEN m[2] = '*' THEN ':*' ELSE '' END, ' & ')::tsquery
  FROM regexp_matches(expr, '"([^"]+)"(\*?)', 'g') AS m
$$;
