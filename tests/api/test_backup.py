"""Backups: `lianxin backup` copies a served SQLite database while clients
keep filing cases, `lianxin restore` puts a copy in place, and the restored
database serves every case acknowledged before the backup began, unchanged,
with the same statistics. On PostgreSQL the same round trip goes through
pg_dump -Fc and pg_restore (docs/operations.md, "Backups"). The unhappy
paths leave no file behind and the target untouched."""
import datetime
import hashlib
import os
import shutil
import sqlite3
import subprocess
import threading
import time
import urllib.parse
import uuid

import pytest

from conftest import BACKEND, PG_URL, Server, free_port, mkdtemp, new_db, pg_url, psql, run_cli

QUIET = {"LIANXIN_SWEEP_MS": "3600000"}  # no sweep may change either side meanwhile
TZ = datetime.timezone(datetime.timedelta(hours=8))
sqlite_only = pytest.mark.skipif(BACKEND != "sqlite", reason="lianxin backup is for SQLite files")


def cli(*args):
    """run_cli, failing on any sanitizer report of the command."""
    r = run_cli(*args)
    for marker in ("AddressSanitizer", "LeakSanitizer", "runtime error:"):
        assert marker not in r.stderr, r.stderr[-4000:]
    return r


def digest(path):
    """The bytes of path and of its -wal and -shm, as hashes (None: absent)."""
    out = []
    for p in (path, path + "-wal", path + "-shm"):
        out.append(hashlib.sha256(open(p, "rb").read()).hexdigest() if os.path.exists(p) else None)
    return out


def integrity(path):
    conn = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    try:
        return conn.execute("PRAGMA integrity_check").fetchall()
    finally:
        conn.close()


def stamp(t):
    """A wire time for epoch seconds t, with milliseconds, URL-encoded."""
    s = datetime.datetime.fromtimestamp(t, TZ).isoformat(timespec="milliseconds")
    return urllib.parse.quote(s, safe="")


class Writers:
    """Threads that file cases until stopped; every 201 is recorded. pause()
    returns once no request is in flight, so every case filed so far is
    acknowledged and none is on its way."""

    def __init__(self, client, token, n=4):
        self.client, self.token = client, token
        self.acked, self.errors = [], []
        self.cond = threading.Condition()
        self.inflight, self.paused, self.stopped = 0, False, False
        self.threads = [threading.Thread(target=self.run, args=(i,)) for i in range(n)]
        for th in self.threads:
            th.start()

    def run(self, n):
        i = 0
        while True:
            with self.cond:
                while self.paused and not self.stopped:
                    self.cond.wait()
                if self.stopped:
                    return
                self.inflight += 1
            try:
                st, case = self.client.post("/api/v1/cases", {
                    "type": "request", "channel": "web", "title": "备份压力%d-%d" % (n, i),
                    "description": "备份进行时受理的工单", "urgent": i % 3 == 0}, self.token)
                if st == 201:
                    with self.cond:
                        self.acked.append(case["id"])
                else:
                    self.errors.append((st, case))
            finally:
                with self.cond:
                    self.inflight -= 1
                    self.cond.notify_all()
            i += 1

    def snapshot(self):
        with self.cond:
            return list(self.acked)

    def wait_for(self, n):
        deadline = time.time() + 60
        while len(self.snapshot()) < n:
            assert time.time() < deadline, "writers stalled: %s" % self.errors[:3]
            time.sleep(0.01)

    def pause(self):
        with self.cond:
            self.paused = True
            while self.inflight:
                self.cond.wait()
            return list(self.acked)

    def resume(self):
        with self.cond:
            self.paused = False
            self.cond.notify_all()

    def stop(self):
        with self.cond:
            self.stopped = True
            self.cond.notify_all()
        for th in self.threads:
            th.join()
        assert not self.errors, self.errors[:3]


# The backend's backup and restore: lianxin's own on SQLite, pg_dump and
# pg_restore on PostgreSQL (the procedure docs/operations.md gives).

def take_backup(db, workdir, tag):
    if BACKEND == "sqlite":
        f = os.path.join(workdir, tag + ".db")
        r = cli("backup", "--db", db, "--to", f)
        assert r.returncode == 0, r.stdout + r.stderr
        assert "integrity ok" in r.stdout and " pages" in r.stdout and " bytes" in r.stdout
        print(r.stdout.strip())
        # one snapshot: the copy never started again (a source changed under
        # a backup without one makes sqlite3_backup_step start over)
        pages = int(r.stdout.split(" pages")[0].rsplit(" ", 1)[1])
        steps = int(r.stdout.split(" steps")[0].rsplit(" ", 1)[1])
        assert steps <= pages // 256 + 2, r.stdout
        assert integrity(f) == [("ok",)]
        # one self-contained file, not in WAL mode (header bytes 18, 19)
        assert not os.path.exists(f + "-wal") and not os.path.exists(f + "-journal")
        assert open(f, "rb").read(20)[18:20] == b"\x01\x01"
        return f
    f = os.path.join(workdir, tag + ".dump")
    t = time.time()
    r = subprocess.run(["pg_dump", "-Fc", "-d", db, "-f", f], capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, r.stderr
    print("pg_dump -Fc: %d bytes in %.2f s" % (os.path.getsize(f), time.time() - t))
    return f


def restore_backup(f, workdir, tag):
    if BACKEND == "sqlite":
        db = os.path.join(workdir, "restored", tag + ".db")
        os.makedirs(os.path.dirname(db), exist_ok=True)
        r = cli("restore", "--from", f, "--db", db)
        assert r.returncode == 0, r.stdout + r.stderr
        assert integrity(db) == [("ok",)]
        return db
    name = "lx_restored_%s" % uuid.uuid4().hex[:12]
    psql('CREATE DATABASE "%s" TEMPLATE template0' % name)
    db = pg_url(name)
    r = subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", "-d", db, f],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    return db


@pytest.fixture()
def workdir():
    d = mkdtemp("lianxin-backup-")
    yield d
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture()
def servers():
    started = []

    def start(db):
        s = Server(db, free_port(), env=QUIET)
        started.append(s)
        return s
    yield start
    for s in started:
        if s.proc.poll() is None:
            assert s.stop() == 0


def test_backup_under_load_restores_the_same_cases_and_rates(pristine_db, workdir, servers):
    orig = servers(new_db("live", template=pristine_db))
    c = orig.client
    w = Writers(c, c.login("dispatcher"))
    try:
        w.wait_for(40)
        # a cut: every case filed before it is acknowledged, every later one
        # is created after it (the server stamps created_at on arrival)
        before_cut = w.pause()
        cut = time.time()
        time.sleep(0.01)
        w.resume()
        w.wait_for(len(before_cut) + 40)
        # the backups run while the writers keep filing
        taken, during = [], 0
        for n in range(3):
            start_acked = w.snapshot()
            f = take_backup(orig.db, workdir, "load%d" % n)
            end_acked = w.snapshot()
            during += len(end_acked) - len(start_acked)
            taken.append((f, start_acked, end_acked))
    finally:
        w.stop()
    print("cases acknowledged while the backups ran: %d" % during)
    assert during > 0, "the backups did not overlap the writes"

    tl = c.login("leader")
    window = "/api/v1/stats/summary?from=%s&to=%s" % (
        (datetime.date.today() - datetime.timedelta(days=365)).isoformat(), stamp(cut))
    st, want_stats = c.get(window, tl)
    assert st == 200 and want_stats["received"] > 1000

    for i, (f, start_acked, end_acked) in enumerate(taken):
        db = restore_backup(f, workdir, "load%d" % i)
        s = servers(db)
        tr, td = s.client.login("leader"), s.client.login("dispatcher")
        # the restored database holds a snapshot from within the backup's run
        ids = set(w.acked)
        filed = [cid for cid in ids if s.client.get("/api/v1/cases/%d" % cid, td)[0] == 200]
        assert set(start_acked) <= set(filed) <= set(end_acked), (
            len(start_acked), len(filed), len(end_acked))
        # every case acknowledged before the backup began, unchanged
        for cid in start_acked:
            a = c.get("/api/v1/cases/%d" % cid, c.login("dispatcher"))
            b = s.client.get("/api/v1/cases/%d" % cid, td)
            assert a == b, cid
        # the rates of a window the backup holds whole, for the district,
        # each unit and each category
        st, got = s.client.get(window, tr)
        assert st == 200
        assert got == want_stats
        for row in want_stats["by_unit"][:2]:
            q = window + "&unit_id=%d" % row["unit_id"]
            assert s.client.get(q, tr) == c.get(q, tl)
        # the search index came along (the writers' cases say nothing of heating)
        q = "/api/v1/cases?limit=50&q=" + urllib.parse.quote("暖气")
        a, b = c.get(q, c.login("dispatcher")), s.client.get(q, td)
        assert a[0] == b[0] == 200 and a[1]["items"]
        # ids only: a reply's clocks (overdue, time suspended) are read at its instant
        assert [x["id"] for x in a[1]["items"]] == [x["id"] for x in b[1]["items"]]
        # and it works on: a new case gets the next id
        st, case = s.client.post("/api/v1/cases", {"type": "request", "channel": "web",
                                                   "title": "恢复后新工单", "description": "恢复后受理"}, td)
        assert st == 201 and case["id"] > max(filed)
        assert s.stop() == 0


def table_rows(db):
    """Every row of every table of a SQLite file, sorted (virtual tables are
    covered by their shadow tables)."""
    conn = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    try:
        names = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%' "
            "ORDER BY name")]
        return {t: sorted(conn.execute('SELECT * FROM "%s"' % t).fetchall(), key=repr) for t in names}
    finally:
        conn.close()


@sqlite_only
def test_backup_of_a_quiet_server_equals_it_row_for_row(pristine_db, workdir, servers):
    s = servers(new_db("quiet", template=pristine_db))
    c = s.client
    t = c.login("dispatcher")
    for i in range(20):
        st, _ = c.post("/api/v1/cases", {"type": "hazard", "channel": "grid_visit", "title": "静止%d" % i,
                                         "description": "安静时备份"}, t)
        assert st == 201
    # the commits sit in the WAL (the checkpointer copies it later): a copy
    # of the .db file alone would miss some, the backup must not
    f = take_backup(s.db, workdir, "quiet")
    live, copy = table_rows(s.db), table_rows(f)
    assert live.keys() == copy.keys() and "cases" in live
    for name in live:
        assert live[name] == copy[name], name
    assert len(copy["cases"]) == len(table_rows(pristine_db)["cases"]) + 20


@sqlite_only
def test_restore_refuses_a_served_database(pristine_db, workdir, servers):
    f = take_backup(pristine_db, workdir, "pristine")
    s = servers(new_db("served", template=pristine_db))
    t = s.client.login("dispatcher")
    st, case = s.client.post("/api/v1/cases", {"type": "request", "channel": "web", "title": "在用",
                                               "description": "服务中的库不可覆盖"}, t)
    assert st == 201
    r = cli("restore", "--from", f, "--db", s.db)
    assert r.returncode == 1
    assert "in use" in r.stderr and "stop it first" in r.stderr, r.stderr
    assert [n for n in os.listdir(os.path.dirname(s.db)) if ".tmp-" in n] == []
    # the server still serves what it had, and the file still holds it
    assert s.client.get("/api/v1/cases/%d" % case["id"], t)[0] == 200
    assert s.stop() == 0
    conn = sqlite3.connect(s.db)
    assert conn.execute("SELECT COUNT(*) FROM cases WHERE id = ?", (case["id"],)).fetchone() == (1,)
    conn.close()


@sqlite_only
def test_restore_over_a_killed_server_drops_its_stale_wal(pristine_db, workdir, servers):
    """A server killed without warning leaves its -wal and -shm; the
    restored file must not be read with them."""
    f = take_backup(pristine_db, workdir, "pristine")
    s = servers(new_db("killed", template=pristine_db))
    t = s.client.login("dispatcher")
    st, case = s.client.post("/api/v1/cases", {"type": "request", "channel": "web", "title": "被杀",
                                               "description": "恢复后不应出现"}, t)
    assert st == 201
    s.proc.kill()
    s.proc.wait()
    assert os.path.exists(s.db + "-wal")
    r = cli("restore", "--from", f, "--db", s.db)
    assert r.returncode == 0, r.stderr
    assert not os.path.exists(s.db + "-wal") and not os.path.exists(s.db + "-shm")
    assert table_rows(s.db)["cases"] == table_rows(f)["cases"]
    s2 = servers(s.db)
    t2 = s2.client.login("dispatcher")
    assert s2.client.get("/api/v1/cases/%d" % case["id"], t2)[0] == 404
    assert s2.client.get("/api/v1/cases/%d" % (case["id"] - 1), t2)[0] == 200


@sqlite_only
def test_backup_fails_without_leaving_a_file(pristine_db, workdir):
    # an unwritable place: a directory that does not exist, a "directory"
    # that is a file (root may write anywhere else)
    plain = os.path.join(workdir, "plain.txt")
    open(plain, "w").write("not a directory\n")
    for to in (os.path.join(workdir, "missing", "b.db"), os.path.join(plain, "b.db")):
        r = cli("backup", "--db", pristine_db, "--to", to)
        assert r.returncode == 1 and "cannot create" in r.stderr, r.stderr
        assert not os.path.exists(to)
    assert sorted(os.listdir(workdir)) == ["plain.txt"]
    # no database, not a database, a SQLite file that is not lianxin's
    other = os.path.join(workdir, "other.db")
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t(x)")
    conn.commit()
    conn.close()
    out = os.path.join(workdir, "out")
    os.mkdir(out)
    for db, why in ((os.path.join(workdir, "nothing.db"), "no database"),
                    (plain, "not a database"), (other, "not a lianxin database")):
        r = cli("backup", "--db", db, "--to", os.path.join(out, "b.db"))
        assert r.returncode == 1 and why in r.stderr, r.stderr
        assert os.listdir(out) == []
    # --to the database itself
    r = cli("backup", "--db", pristine_db, "--to", pristine_db)
    assert r.returncode == 1 and "itself" in r.stderr


def damaged_copies(f, workdir):
    """(name, path) of files a restore must refuse, made from the good backup f."""
    data = open(f, "rb").read()
    out = []

    def write(name, b):
        p = os.path.join(workdir, name)
        open(p, "wb").write(b)
        out.append((name, p))
    write("text", "这不是数据库\n".encode() * 100)
    write("empty", b"")
    write("half", data[:len(data) // 2])              # cut at a page boundary
    write("ragged", data[:len(data) - 1000])          # and inside a page
    write("padded", data + b"\0" * 1000)              # integrity_check alone passes this (and a ragged cut of unused space)
    mid = (len(data) // 4096 // 2) * 4096             # a page in the middle overwritten
    write("scribbled", data[:mid] + b"\xa5" * 4096 + data[mid + 4096:])
    # a lianxin database from a newer lianxin (a migration this binary lacks)
    future = os.path.join(workdir, "future")
    shutil.copy(f, future)
    conn = sqlite3.connect(future)
    conn.execute("INSERT INTO schema_migrations(name, applied_at) VALUES ('999_from_the_future.sql', 0)")
    conn.commit()
    conn.close()
    out.append(("future", future))
    return out


@sqlite_only
def test_restore_refuses_a_damaged_file_and_leaves_the_target(pristine_db, workdir):
    f = take_backup(pristine_db, workdir, "good")
    target_dir = os.path.join(workdir, "target")
    os.mkdir(target_dir)
    target = os.path.join(target_dir, "lianxin.db")
    shutil.copy(pristine_db, target)
    before = digest(target)
    for name, bad in damaged_copies(f, workdir):
        r = cli("restore", "--from", bad, "--db", target)
        assert r.returncode == 1, (name, r.stdout, r.stderr)
        assert "refusing" in r.stderr, (name, r.stderr)
        if name == "future":
            assert "newer lianxin" in r.stderr and "999_from_the_future.sql" in r.stderr
        assert digest(target) == before, name
        assert os.listdir(target_dir) == ["lianxin.db"], (name, os.listdir(target_dir))
    # a new target is not created either
    fresh = os.path.join(target_dir, "fresh.db")
    r = cli("restore", "--from", os.path.join(workdir, "half"), "--db", fresh)
    assert r.returncode == 1 and not os.path.exists(fresh)
    # no backup file, a directory that does not exist, the target itself
    r = cli("restore", "--from", os.path.join(workdir, "nothing"), "--db", target)
    assert r.returncode == 1 and "no backup file" in r.stderr
    r = cli("restore", "--from", f, "--db", os.path.join(workdir, "missing", "x.db"))
    assert r.returncode == 1 and "cannot create" in r.stderr
    r = cli("restore", "--from", target, "--db", target)
    assert r.returncode == 1 and "same file" in r.stderr
    assert digest(target) == before
    # and the good one is taken, keeping the old file's mode
    os.chmod(target, 0o640)
    r = cli("restore", "--from", f, "--db", target)
    assert r.returncode == 0 and "integrity ok" in r.stdout, r.stderr
    assert os.stat(target).st_mode & 0o777 == 0o640
    assert open(target, "rb").read() == open(f, "rb").read()


@sqlite_only
def test_an_older_backup_is_restored_and_migrated_by_serve(pristine_db, workdir, servers):
    """A backup from before the last migrations is taken, and `serve`
    brings it up to date. Made here by forgetting migration 012, which only
    asks for the monthly roll-ups to be summed again from the daily ones,
    and emptying them: serving the restored file must refill them."""
    f = take_backup(pristine_db, workdir, "older")
    name = "012_stats_month_refill.sqlite.sql"
    conn = sqlite3.connect(f)
    assert conn.execute("DELETE FROM schema_migrations WHERE name = ?", (name,)).rowcount == 1
    conn.execute("DELETE FROM stats_unit_month")
    conn.execute("DELETE FROM stats_cat_month")
    conn.commit()
    conn.close()
    db = restore_backup(f, workdir, "older")
    assert table_rows(db)["stats_unit_month"] == []
    s = servers(db)
    assert s.client.login("leader")
    rows, want = table_rows(db), table_rows(pristine_db)
    assert (name,) in [r[:1] for r in rows["schema_migrations"]]
    for t in ("stats_unit_month", "stats_cat_month"):
        assert rows[t] and rows[t] == want[t], t


def test_usage_and_postgresql_urls(workdir):
    r = cli("backup", "--db", os.path.join(workdir, "x.db"))
    assert r.returncode == 2 and "--to" in r.stderr
    r = cli("restore", "--db", os.path.join(workdir, "x.db"))
    assert r.returncode == 2 and "--from" in r.stderr
    url = "postgresql://lianxin@127.0.0.1:1/lianxin"
    for args in (("backup", "--db", url, "--to", os.path.join(workdir, "pg.db")),
                 ("restore", "--from", os.path.join(workdir, "pg.db"), "--db", url)):
        r = cli(*args)
        assert r.returncode == 2
        assert "pg_dump" in r.stderr and "docs/operations.md" in r.stderr, r.stderr
    assert os.listdir(workdir) == []
    r = cli("--help")
    assert "backup --db PATH --to FILE" in r.stdout and "restore --from FILE --db PATH" in r.stdout
