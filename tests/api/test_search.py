"""Full-text `q` on both backends: two-character Chinese words (bigrams),
longer phrases, one character, Latin words as case-insensitive prefixes.
On PostgreSQL the bigrams live in a tsvector column with a GIN index
(schema/001_init.pg.sql); one test shows the index answers the query."""
import random
import urllib.parse
import uuid

import pytest

from conftest import BACKEND, psql

# Characters no demo text uses, so a word made of them finds only our cases.
RARE = "鼋鼍鳏鳜鼷鼯龃龉籴粜虢馘夔燹"


def rare_word(n):
    return "".join(random.sample(RARE, n))  # distinct: no accidental bigrams


def search(api, token, q):
    st, body = api.get("/api/v1/cases?limit=50&q=" + urllib.parse.quote(q), token)
    assert st == 200, body
    return [c["id"] for c in body["items"]], body["items"]


@pytest.fixture(scope="module")
def texts(api):
    t = api.login("dispatcher")
    word = rare_word(6)
    latin = "zq" + uuid.uuid4().hex[:6]
    st, one = api.post("/api/v1/cases", {
        "type": "request", "channel": "web", "title": "楼道" + word + "堆放杂物",
        "description": "Heating %s 故障，请尽快处理。" % latin.capitalize()}, t)
    assert st == 201, one
    st, two = api.post("/api/v1/cases", {
        "type": "request", "channel": "web", "title": "反映" + word[:2] + "问题",
        "description": "另一件：" + word[2:4] + "。"}, t)
    assert st == 201, two
    return t, word, latin, one["id"], two["id"]


def test_two_character_words_are_found(api, texts):
    t, word, latin, one, two = texts
    ids, items = search(api, t, word[:2])
    assert one in ids and two in ids
    for c in items:
        assert word[:2] in c["title"] + c["description"]
    assert search(api, t, word[2:4])[0] == [two, one]


def test_longer_phrases_match_exactly(api, texts):
    t, word, latin, one, two = texts
    assert search(api, t, word)[0] == [one]
    assert search(api, t, word[:3])[0] == [one]  # the bigrams of `two` are apart
    assert search(api, t, word + " 堆放")[0] == [one]  # words AND together
    assert search(api, t, word[::-1])[0] == []


def test_one_character_and_latin_prefixes(api, texts):
    t, word, latin, one, two = texts
    ids = search(api, t, word[0])[0]
    assert one in ids and two in ids
    assert search(api, t, latin)[0] == [one]
    assert search(api, t, latin[:5].upper())[0] == [one]  # a prefix, any case
    assert search(api, t, latin + "x")[0] == []


@pytest.mark.skipif(BACKEND != "postgresql", reason="the GIN index is PostgreSQL's")
def test_postgresql_answers_from_the_gin_index(demo_db, texts):
    t, word, latin, one, two = texts
    rows = psql("SELECT id FROM case_fts WHERE tsv @@ lx_fts_query('\"%s\" AND \"%s\"')"
                % (word[:2], word[1:3]), demo_db).split()
    assert rows == [str(one)]
    plan = psql("SET enable_seqscan = off; EXPLAIN SELECT id FROM case_fts "
                "WHERE tsv @@ lx_fts_query('\"%s\"')" % word[:2], demo_db)
    assert "case_fts_tsv" in plan, plan
    # the bigrams are single lexemes, whatever the cluster's locale
    assert psql("SELECT tsv FROM case_fts WHERE id = %d" % one, demo_db).count("'%s'" % word[:2]) == 1
