"""Several stateless nodes on one PostgreSQL database: two `lianxin serve`
processes on different ports share a database. Work moves between them
freely, optimistic versions decide races between nodes (409 for the loser,
nothing lost), the SLA sweeper runs on both without doing anything twice,
and a node that loses the database answers 503 and recovers by itself.

PostgreSQL only: on the SQLite pass these are skipped (one file, one node)."""
import os
import subprocess
import threading
import time
import uuid

import pytest

from conftest import BACKEND, ROOT, Server, free_port, new_db, psql, run_cli

pytestmark = pytest.mark.skipif(
    BACKEND != "postgresql",
    reason="several nodes share one database only on PostgreSQL; set LIANXIN_TEST_PG "
           "(make test-api-pg) to run them")


@pytest.fixture(scope="module")
def nodes(pristine_db):
    """Two servers on one fresh copy of the demo database, sweeping every 100 ms."""
    db = new_db("nodes", template=pristine_db)
    env = {"LIANXIN_SWEEP_MS": "100"}
    a = Server(db, free_port(), env=env)
    try:
        b = Server(db, free_port(), env=env)
    except Exception:
        a.stop()
        raise
    yield a, b
    assert a.stop() == 0
    assert b.stop() == 0


def new_case(client, token, code="0101", tag=None):
    tag = tag or uuid.uuid4().hex[:8]
    st, case = client.post("/api/v1/cases", {
        "type": "request", "channel": "hotline", "category_code": code,
        "title": "暖气不热 " + tag, "description": "多节点测试：3号楼暖气不热。" + tag,
        "reporter": {"name": "王女士", "phone": "13812345678"}}, token)
    assert st == 201, case
    assert case["status"] == "dispatched", case
    return case


def actions(client, token, case_id):
    st, c = client.get("/api/v1/cases/%d" % case_id, token)
    assert st == 200, c
    return [e["action"] for e in c["timeline"]]


def test_cases_move_between_nodes_and_nothing_is_lost(nodes):
    a, b = nodes
    # a session made on one node is valid on the other: no node keeps state
    disp = a.client.login("dispatcher")
    heat = b.client.login("handler_heat")
    tag = uuid.uuid4().hex[:8]
    ids = []
    for i in range(12):
        one, other = (a, b) if i % 2 == 0 else (b, a)
        case = new_case(one.client, disp, tag=tag)
        ids.append(case["id"])
        st, c = other.client.post("/api/v1/cases/%d/accept" % case["id"],
                                  {"version": case["version"]}, heat)
        assert st == 200 and c["status"] == "accepted", c
        st, c = one.client.post("/api/v1/cases/%d/resolve" % case["id"],
                                {"reply": "已排气处理", "version": c["version"]}, heat)
        assert st == 200 and c["status"] == "resolved", c
        # the version the other node saw is stale now
        st, err = other.client.post("/api/v1/cases/%d/comment" % case["id"],
                                    {"note": "旧版本", "version": case["version"]}, heat)
        assert st == 409 and err["error"]["code"] == "stale_version", err
    for client in (a.client, b.client):
        st, body = client.get("/api/v1/cases?q=%s&limit=50" % tag, disp)
        assert st == 200
        assert sorted(c["id"] for c in body["items"]) == sorted(ids)
        for i in ids:
            assert actions(client, disp, i) == ["create", "dispatch", "accept", "resolve"]


def test_concurrent_accepts_on_two_nodes_exactly_one_wins(nodes):
    a, b = nodes
    disp = a.client.login("dispatcher")
    heat = a.client.login("handler_heat")
    for _ in range(8):
        case = new_case(b.client, disp)
        barrier = threading.Barrier(4)
        results = []
        lock = threading.Lock()

        def accept(client, with_version):
            body = {"version": case["version"]} if with_version else {}
            barrier.wait()
            st, resp = client.post("/api/v1/cases/%d/accept" % case["id"], body, heat)
            with lock:
                results.append((st, resp))

        threads = [threading.Thread(target=accept, args=(c, v))
                   for c in (a.client, b.client) for v in (True, False)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        codes = sorted(st for st, _ in results)
        assert codes == [200, 409, 409, 409], results
        for st, resp in results:
            if st == 409:
                assert resp["error"]["code"] in ("stale_version", "illegal_transition"), resp
        acts = actions(b.client, disp, case["id"])
        assert acts.count("accept") == 1, acts
        st, c = a.client.get("/api/v1/cases/%d" % case["id"], disp)
        assert c["status"] == "accepted" and c["version"] == case["version"] + 1


def lock_waiters(db):
    """The sessions of lianxin nodes now waiting for a lock in db: a sweep's
    UPDATE of a held case, or its deadline warning, whose foreign key to the
    held case waits the same (FOR KEY SHARE against FOR UPDATE)."""
    return int(psql("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND application_name = 'lianxin' AND wait_event_type = 'Lock' "
                    "AND (query LIKE 'UPDATE cases SET %' OR query LIKE 'INSERT INTO case_warnings%' "
                    "OR query LIKE 'INSERT INTO inbox%')", db).strip())


def test_sweeper_on_both_nodes_marks_each_case_once(nodes):
    a, b = nodes
    admin = a.client.login("admin")
    disp = b.client.login("dispatcher")
    code = "99" + uuid.uuid4().hex[:6]
    st, cat = a.client.post("/api/v1/categories", {
        "code": code, "name": "多节点时限测试", "parent_code": None, "case_type": "request",
        "accept_hours": 0.0003, "resolve_hours": 0.0006,
        "responsible": {"unit_name": "供热公司"}}, admin)
    assert st == 201, cat
    cases = [new_case((a, b)[i % 2].client, disp, code=code) for i in range(6)]
    # Hold the new cases' rows for a while, so both nodes' sweepers find them
    # overdue and queue on the same rows: when the lock goes, each UPDATE
    # re-checks its flag and only the first node marks a case.
    holder = subprocess.Popen(
        ["/usr/bin/psql", "-X", "-q", "-d", a.db, "-c", "BEGIN",
         "-c", "SELECT id FROM cases WHERE category_code = '%s' FOR UPDATE" % code,
         "-c", "SELECT pg_sleep(3.5)", "-c", "COMMIT"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        waiting, deadline = 0, time.time() + 3
        while waiting < 2 and time.time() < deadline:
            waiting = lock_waiters(a.db)
            time.sleep(0.05)
        assert waiting == 2, "both nodes' sweepers should wait on the held rows"
    finally:
        assert holder.wait(timeout=30) == 0, holder.stderr.read()
    deadline = time.time() + 20
    pending = {c["id"] for c in cases}
    while pending and time.time() < deadline:
        for i in list(pending):
            acts = actions(a.client, disp, i)
            if "accept_overdue" in acts and "overdue" in acts:
                pending.discard(i)
        time.sleep(0.2)
    assert not pending, "the sweepers did not mark %s" % sorted(pending)
    time.sleep(1.0)  # ten more passes on each node: still once
    for c in cases:
        acts = actions(b.client, disp, c["id"])
        assert acts.count("accept_overdue") == 1, acts
        assert acts.count("overdue") == 1, acts
        st, full = b.client.get("/api/v1/cases/%d" % c["id"], disp)
        assert full["overdue"] is True
    for s in (a, b):
        assert "job=sweeper error" not in s.output()


def test_a_node_pools_its_connections(pristine_db):
    """However many HTTP threads a node runs, it opens at most
    LIANXIN_DB_POOL connections; requests beyond that wait their turn."""
    db = new_db("pool", template=pristine_db)
    s = Server(db, free_port(), env={"LIANXIN_DB_POOL": "2", "LIANXIN_THREADS": "16"})
    try:
        tok = s.client.login("dispatcher")
        seen, codes, stop = [], [], threading.Event()

        def watch():
            while not stop.is_set():
                seen.append(int(psql("SELECT count(*) FROM pg_stat_activity WHERE "
                                     "datname = current_database() AND application_name = 'lianxin'",
                                     db).strip()))

        def load():
            for _ in range(10):
                codes.append(s.client.get("/api/v1/cases?limit=20&q=暖气", tok)[0])

        watcher = threading.Thread(target=watch)
        watcher.start()
        workers = [threading.Thread(target=load) for _ in range(12)]
        for t in workers:
            t.start()
        for t in workers:
            t.join()
        stop.set()
        watcher.join()
        assert codes == [200] * 120
        assert seen and 1 <= max(seen) <= 2, seen
    finally:
        assert s.stop() == 0


def pg_test(*args):
    """Runs scripts/pg-test.sh; returns its output."""
    r = subprocess.run([os.path.join(ROOT, "scripts", "pg-test.sh"), *args],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return r.stdout


@pytest.fixture()
def lone_cluster():
    """(url, dir): a PostgreSQL cluster of this test's own, so stopping it
    cuts nobody else (the suite's workers share the other one); removed after."""
    env = dict(line.split("=", 1) for line in pg_test("start").split())
    try:
        yield env["LIANXIN_TEST_PG"], env["LIANXIN_TEST_PGDIR"]
    finally:
        pg_test("stop", env["LIANXIN_TEST_PGDIR"])


def test_node_answers_503_without_the_database_and_recovers(lone_cluster):
    url, cluster = lone_cluster
    r = run_cli("init", "--db", url, env={"LIANXIN_ADMIN_PASSWORD": "Node-Outage-2026"})
    assert r.returncode == 0, r.stderr
    a = Server(url, free_port())
    b = Server(url, free_port())
    try:
        adm = a.client.login("admin", "Node-Outage-2026")
        b.client.tokens["admin"] = adm
        assert a.client.get("/api/v1/cases?limit=1", adm)[0] == 200
        pg_test("pause", cluster)  # pg_ctl stop -m fast: every connection is cut
        try:
            for path in ("/api/v1/cases?limit=1", "/healthz", "/api/v1/cases?limit=1"):
                st, body = a.client.get(path, adm)
                assert st == 503, body
                assert body["error"]["code"] == "unavailable" and body["error"]["message"], body
            st, body = b.client.post("/api/v1/cases", {"type": "request", "channel": "hotline",
                                                       "title": "停库", "description": "数据库停止时"}, adm)
            assert st == 503 and body["error"]["code"] == "unavailable", body
        finally:
            pg_test("resume", cluster)
        for s in (a, b):
            deadline = time.time() + 5
            st = None
            while time.time() < deadline:
                st, body = s.client.get("/api/v1/cases?limit=1", adm)
                if st == 200:
                    break
                time.sleep(0.1)
            assert st == 200, body
            # every worker thread's connection was cut: each is renewed on its
            # next use, so no request fails once the database is back
            codes = [s.client.get("/api/v1/cases?limit=1", adm)[0] for _ in range(40)]
            assert codes == [200] * 40, codes
            assert s.client.get("/healthz")[0] == 200
            assert s.proc.poll() is None
        # and writes work again, on both
        for s in (a, b):
            st, case = s.client.post("/api/v1/cases", {"type": "request", "channel": "hotline",
                                                       "title": "恢复后", "description": "数据库恢复后受理"}, adm)
            assert st == 201, case
    finally:
        assert a.stop() == 0
        assert b.stop() == 0
