"""`lianxin migrate-data`: the demo district moves from SQLite to PostgreSQL,
verified by the command's counts and checksums and by the API answering the
same on both: a case, a search, a year's statistics; logins work and new
cases continue after the migrated ids. A database that holds data is
refused and left as it was. Runs only with the PostgreSQL test cluster."""
import os
import shutil
import time
import urllib.parse
from datetime import date, timedelta

import pytest

from conftest import PG_URL, DEMO_PASSWORD, Server, db_rows, free_port, mkdtemp, new_db, run_cli

pytestmark = pytest.mark.skipif(not PG_URL, reason="needs the PostgreSQL test cluster: "
                                "LIANXIN_TEST_PG from scripts/pg-test.sh start")

# what a migration must carry over, table by table
TABLES = ("units", "users", "categories", "cases", "case_events", "households", "residents",
          "stats_unit_day", "stats_cat_day", "open311_attributes", "case_fts",
          # rebuilt on the target rather than copied
          "case_scope", "stats_unit_month", "stats_cat_month")
QUIET = {"LIANXIN_SWEEP_MS": "3600000"}  # no sweep may change either side meanwhile


def snapshot(db):
    return {t: db_rows(db, "SELECT COUNT(*) FROM %s" % t)[0][0] for t in TABLES}


@pytest.fixture(scope="module")
def migrated():
    """(sqlite path, postgresql url, the command's output and seconds)."""
    d = mkdtemp("lianxin-migrate-")
    src = os.path.join(d, "demo.db")
    r = run_cli("demo", "--db", src)
    assert r.returncode == 0, r.stderr
    dst = new_db("migrated")
    t = time.time()
    r = run_cli("migrate-data", "--from", "sqlite:" + src, "--to", dst)
    took = time.time() - t
    assert r.returncode == 0, r.stdout + r.stderr
    yield src, dst, r.stdout, took
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture(scope="module")
def servers(migrated):
    src, dst, _, _ = migrated
    a = Server(src, free_port(), env=QUIET)
    b = Server(dst, free_port(), env=QUIET)
    yield a.client, b.client
    assert a.stop() == 0
    assert b.stop() == 0


def test_output_says_counts_and_checksums_match(migrated):
    _, dst, out, took = migrated
    print("migrate-data of the demo district: %.2f s" % took)
    assert "counts and checksums match" in out
    rows = [line.split() for line in out.splitlines()[1:] if line.endswith((" ok", "MISMATCH"))]
    names = [r[0] for r in rows]
    for t in ("units", "users", "cases", "case_events", "stats_unit_day", "residents"):
        assert t in names
    assert all(r[-1] == "ok" and r[1] == r[2] and r[3] == r[4] for r in rows), out
    assert "case_fts" not in names and "schema_migrations" not in names
    cases = [r for r in rows if r[0] == "cases"][0]
    assert int(cases[1]) > 1000
    # the search index was rebuilt: one row per case
    assert db_rows(dst, "SELECT COUNT(*) FROM case_fts")[0][0] == cases[1]


def test_derived_tables_rebuilt_equal(migrated):
    """The visibility index and the monthly roll-ups are not copied: the
    target builds them from the copied rows, and gets the same rows."""
    src, dst, _, _ = migrated
    for t, cols in (("case_scope", "unit_id, status, case_id"),
                    ("stats_unit_month", "*"), ("stats_cat_month", "*")):
        a = sorted(db_rows(src, "SELECT %s FROM %s" % (cols, t)))
        b = sorted(db_rows(dst, "SELECT %s FROM %s" % (cols, t)))
        assert len(a) > 100 and a == b, t


def test_demo_login_and_same_case(servers):
    lite, pg = servers
    for login in ("admin", "dispatcher", "leader"):
        assert pg.login(login, DEMO_PASSWORD)
    tl, tp = lite.login("dispatcher"), pg.login("dispatcher")
    st, page = lite.get("/api/v1/cases?limit=5", tl)
    assert st == 200 and page["items"], page
    for item in page["items"]:
        a = lite.get("/api/v1/cases/%d" % item["id"], tl)
        b = pg.get("/api/v1/cases/%d" % item["id"], tp)
        assert a[0] == b[0] == 200
        assert a[1] == b[1]


@pytest.mark.parametrize("login", ["dispatcher", "handler_qiaotou", "handler_heat"])
@pytest.mark.parametrize("query", ["", "status=closed", "status=accepted", "type=hazard"])
def test_same_lists_in_each_scope(servers, login, query):
    lite, pg = servers
    q = "/api/v1/cases?limit=100&" + query
    a = lite.get(q, lite.login(login))
    b = pg.get(q, pg.login(login))
    assert a[0] == b[0] == 200
    ids = [c["id"] for c in a[1]["items"]]
    assert ids == [c["id"] for c in b[1]["items"]]
    if query in ("", "status=closed"):
        assert ids


def test_same_search(servers):
    lite, pg = servers
    q = "/api/v1/cases?limit=50&q=" + urllib.parse.quote("暖气")
    a = lite.get(q, lite.login("dispatcher"))
    b = pg.get(q, pg.login("dispatcher"))
    assert a[0] == b[0] == 200
    ids = [c["id"] for c in a[1]["items"]]
    assert ids and ids == [c["id"] for c in b[1]["items"]]
    assert a[1].get("total") == b[1].get("total")


def test_same_stats_for_a_year(servers):
    lite, pg = servers
    q = "/api/v1/stats/summary?from=%s" % (date.today() - timedelta(days=365)).isoformat()
    a = lite.get(q, lite.login("leader"))
    b = pg.get(q, pg.login("leader"))
    assert a[0] == b[0] == 200
    assert a[1]["received"] > 1000
    assert a[1] == b[1]
    district = [u for u in a[1]["by_unit"]][0]["unit_id"]
    qd = q + "&unit_id=%d" % district
    assert lite.get(qd, lite.login("leader")) == pg.get(qd, pg.login("leader"))


def test_refused_into_a_database_with_data(migrated, servers):
    src, dst, _, _ = migrated
    before = snapshot(dst)
    r = run_cli("migrate-data", "--from", "sqlite:" + src, "--to", dst)
    assert r.returncode != 0
    assert "refusing" in r.stderr and "units" in r.stderr and "cases" in r.stderr, r.stderr
    assert "match" not in r.stdout
    assert snapshot(dst) == before


def test_new_case_continues_after_migrated_ids(migrated, servers):
    _, dst, _, _ = migrated
    _, pg = servers
    top = {t: int(db_rows(dst, "SELECT COALESCE(MAX(id), 0) FROM %s" % t)[0][0])
           for t in ("cases", "case_events")}
    body = {"type": "request", "channel": "hotline", "category_code": "0101",
            "title": "迁移后新工单", "description": "迁移到 PostgreSQL 之后受理的第一件暖气不热。"}
    st, case = pg.post("/api/v1/cases", body, pg.login("dispatcher"))
    assert st == 201, case
    assert case["id"] == top["cases"] + 1
    events = db_rows(dst, "SELECT MIN(id) FROM case_events WHERE case_id = %d" % case["id"])
    assert int(events[0][0]) == top["case_events"] + 1
    # and it is found by search
    st, found = pg.get("/api/v1/cases?q=" + urllib.parse.quote("迁移后新工单"), pg.login("dispatcher"))
    assert st == 200 and [c["id"] for c in found["items"]] == [case["id"]]


def test_missing_source_and_wrong_arguments():
    r = run_cli("migrate-data", "--from", "sqlite:/nonexistent/demo.db", "--to", new_db("unused"))
    assert r.returncode != 0 and "no database" in r.stderr
    assert not os.path.exists("/nonexistent/demo.db")
    r = run_cli("migrate-data", "--from", "sqlite:/tmp/x.db")
    assert r.returncode == 2 and "--to" in r.stderr
