"""Lists read the visibility index (table case_scope): one (unit, status)
range per status, merged newest first. These tests hold the index to its
definition (schema/007_scope_fill.sql) after cases move between units, and
hold every list page to what a scan of the cases says the caller may see."""
import os

import pytest

from conftest import db_rows
from test_case_loop import act, grid_of, new_case, point_in, unit_named

FILL = os.path.join(os.path.dirname(__file__), "..", "..", "src", "store", "schema", "007_scope_fill.sql")
VIEWERS = ["dispatcher", "dispatcher_qiaotou", "handler_heat", "handler_qiaotou", "gw_qiaotou", "admin"]


def scope_of(db, login):
    rows = db_rows(db, "SELECT u.path FROM users s LEFT JOIN units u ON u.id = s.unit_id "
                       "WHERE s.login = '%s'" % login)
    return rows[0][0] or "/"


def visible_ids(db, scope, where="1=1", limit=150):
    """The newest ids visible in scope by the definition: located, handled
    or assisting there."""
    hi = scope[:-1] + "0"
    sql = ("SELECT c.id FROM cases c WHERE ((c.scope_path >= '{s}' AND c.scope_path < '{h}') OR "
           "(c.unit_path >= '{s}' AND c.unit_path < '{h}') OR EXISTS (SELECT 1 FROM case_tasks t "
           "WHERE t.case_id = c.id AND t.unit_path >= '{s}' AND t.unit_path < '{h}'))"
           " AND {w} ORDER BY c.id DESC LIMIT {n}").format(s=scope, h=hi, w=where, n=limit)
    return [int(r[0]) for r in db_rows(db, sql)]


def listed_ids(api, token, query, pages=3, limit=50):
    ids, cursor = [], None
    for _ in range(pages):
        st, body = api.get("/api/v1/cases?limit=%d%s%s" % (
            limit, "&" + query if query else "", "&cursor=" + cursor if cursor else ""), token)
        assert st == 200, body
        ids += [c["id"] for c in body["items"]]
        cursor = body.get("next_cursor")
        if not cursor:
            break
    return ids


def index_matches_definition(db):
    fill = open(FILL, encoding="utf-8").read()
    select = fill[fill.index("WITH RECURSIVE"):].replace(
        "INSERT INTO case_scope(unit_id, status, case_id)\n", "").rstrip().rstrip(";")
    want = sorted(db_rows(db, select))
    have = sorted(db_rows(db, "SELECT unit_id, status, case_id FROM case_scope"))
    assert have == want, "case_scope differs from its definition: %d extra, %d missing" % (
        len(set(have) - set(want)), len(set(want) - set(have)))


@pytest.fixture(scope="module")
def moved_case(api):
    """A case that went round: dispatched to the heating company, returned,
    dispatched to 桥头街道, accepted, 住建局 asked to assist, escalated."""
    disp = api.login("dispatcher")
    lat, lon = point_in(api, disp, grid_of(api, disp, "桥头街道"))
    case = new_case(api, disp, lat, lon)
    cid = case["id"]
    heat, qt = api.login("handler_heat"), api.login("handler_qiaotou")
    act(api, heat, cid, "return", {"reason": "不属于供热范围"})
    street = unit_named(api, disp, "桥头街道", "street")
    zj = unit_named(api, disp, "住建局", "department")
    act(api, disp, cid, "dispatch", {"unit_id": street["id"]})
    act(api, qt, cid, "accept")
    act(api, qt, cid, "assist", {"unit_ids": [zj["id"]], "note": "请协助"})
    case = act(api, qt, cid, "escalate", {"reason": "需区级协调"})
    return case


def test_index_equals_its_definition_after_moves(server, moved_case):
    index_matches_definition(server.db)


def test_moved_case_is_listed_where_it_is_visible(api, server, moved_case):
    cid, status = moved_case["id"], moved_case["status"]
    for login, sees in [("dispatcher", True), ("handler_qiaotou", True), ("handler_heat", False),
                        ("dispatcher_caiwa", False)]:
        tok = api.login(login)
        for q in ("", "status=" + status):
            assert (cid in listed_ids(api, tok, q, pages=1)) == sees, (login, q)
    # 住建局 was asked to assist: it sees the case, with the status it has now
    zj = [u for u in db_rows(server.db, "SELECT s.login FROM users s JOIN units u ON u.id = s.unit_id "
                                          "WHERE u.name = '住建局' AND s.roles LIKE '%handler%'")][0][0]
    assert cid in listed_ids(api, api.login(zj), "status=" + status, pages=1)
    assert cid not in listed_ids(api, api.login(zj), "status=closed", pages=1)


@pytest.mark.parametrize("login", VIEWERS)
@pytest.mark.parametrize("query,where", [
    ("", "1=1"),
    ("status=closed", "c.status = 'closed'"),
    ("status=dispatched", "c.status = 'dispatched'"),
    ("status=returned", "c.status = 'returned'"),
    ("type=hazard", "c.type = 'hazard'"),
    ("status=closed&type=hazard", "c.status = 'closed' AND c.type = 'hazard'"),
])
def test_pages_equal_a_scan(api, server, moved_case, login, query, where):
    """Three pages of 50 (cursor paging across the merged status ranges)
    are exactly the newest 150 cases the definition shows this caller."""
    got = listed_ids(api, api.login(login), query)
    want = visible_ids(server.db, scope_of(server.db, login), where)
    assert got == want


@pytest.mark.parametrize("login", ["dispatcher", "handler_qiaotou", "admin"])
def test_unit_filter_pages_equal_a_scan(api, server, moved_case, login):
    qiaotou = db_rows(server.db, "SELECT id, path FROM units WHERE name = '桥头街道'")[0]
    path, hi = qiaotou[1], qiaotou[1][:-1] + "0"
    got = listed_ids(api, api.login(login), "unit_id=%s" % qiaotou[0])
    where = ("((c.scope_path >= '{p}' AND c.scope_path < '{h}') OR "
             "(c.unit_path >= '{p}' AND c.unit_path < '{h}'))").format(p=path, h=hi)
    assert got == visible_ids(server.db, scope_of(server.db, login), where)


@pytest.mark.parametrize("login", ["dispatcher", "handler_qiaotou", "admin"])
def test_search_pages_are_newest_visible_matches(api, server, moved_case, login):
    got = listed_ids(api, api.login(login), "q=%E6%9A%96%E6%B0%94")
    want = visible_ids(server.db, scope_of(server.db, login),
                       "(c.title LIKE '%暖气%' OR c.description LIKE '%暖气%')")
    assert got == want and moved_case["id"] in got


def test_generated_city_index_equals_its_definition():
    """`lianxin gen` writes the index in one pass of its own (not the SQL
    of migration 007, which is too slow at 10M cases): the same rows."""
    from conftest import new_db, run_cli
    db = new_db("gen")
    from conftest import BACKEND
    if BACKEND != "postgresql":
        # a killed gen leaves its scratch files; the next one starts afresh
        with open(db + ".bulk-fts", "wb") as f:
            f.write(b"not a database")
    r = run_cli("gen", "--db", db, "--cases", "3000", "--households", "50", "--seed", "7")
    assert r.returncode == 0, r.stderr
    assert int(db_rows(db, "SELECT COUNT(*) FROM case_scope")[0][0]) > 3000 * 3
    index_matches_definition(db)
    # its search index (lx_case_fts_rebuild, shared with migrate-data) finds
    # exactly the cases whose text holds the word
    match = ("SELECT COUNT(*) FROM case_fts WHERE tsv @@ lx_fts_query('\"暖气\"')"
             if BACKEND == "postgresql" else
             "SELECT COUNT(*) FROM case_fts WHERE case_fts MATCH '\"暖气\"'")
    found = int(db_rows(db, match)[0][0])
    assert found > 100
    assert found == int(db_rows(db, "SELECT COUNT(*) FROM cases WHERE title LIKE '%暖气%' "
                                    "OR description LIKE '%暖气%'")[0][0])
    if BACKEND != "postgresql":
        # on SQLite both came from gen's second writer through a scratch
        # file (store/bulk.c): the copied FTS5 index is whole, and the
        # scratch file is gone
        db_rows(db, "INSERT INTO case_fts(case_fts) VALUES('integrity-check')")
        import glob
        assert glob.glob(db + ".bulk-scratch*") == []


@pytest.mark.parametrize("login", ["dispatcher", "handler_heat", "gw_qiaotou"])
@pytest.mark.parametrize("query,where", [("", "1=1"), ("status=closed", "c.status = 'closed'")])
def test_long_page_refills_each_range(api, server, moved_case, login, query, where):
    """A page of 200 reads each (unit, status) range in chunks of 64, so a
    range that gives most of the page is read again from where it stopped."""
    got = listed_ids(api, api.login(login), query, pages=2, limit=200)
    assert got == visible_ids(server.db, scope_of(server.db, login), where, limit=400)
