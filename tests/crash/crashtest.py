#!/usr/bin/python3
"""crashtest: kill -9 a real `lianxin serve` at random moments while client
threads take in cases and move them through the workflow, restart it on the
same database, and check after every kill that

  1. every acknowledged write is there: each case a 2xx answer named exists,
     with the version and status of the last acknowledged answer, or exactly one
     version further where a request on that case was in flight at the kill
     (its timeline holds as many events as the answer showed, or one more);
     no case appears that no intake in flight could have made;
  2. SQLite: `PRAGMA integrity_check` is `ok` (read-only, before the restart);
  3. the statistics roll-ups (stats_unit_day, stats_cat_day and the monthly
     tables, and the location basis's stats_loc_*) equal a recount from the cases: a copy of the database with the
     roll-ups rebuilt from scratch (the `rollups` rebuild a migration may ask
     for, run by `lianxin init`) is compared table to table, and after the
     restart the summary API read from roll-ups equals the same window read
     from a scan of the cases;
  4. the sessions acknowledged before the kills still authenticate;
  5. `lianxin audit verify` holds (the timeline's and audit log's hash
     chains), on the copy of 3; case_scope equals its definition, and
     acknowledged intakes are found by search.

Standard library only; see docs/crashtest.md.

  /usr/bin/python3 tests/crash/crashtest.py --kills 200 --backend sqlite
  /usr/bin/python3 tests/crash/crashtest.py --kills 50 --backend postgresql [--pg URL]

PostgreSQL: --pg (or $LIANXIN_TEST_PG) names a cluster whose maintenance
database may CREATE DATABASE (scripts/pg-test.sh start prints one); without
either, a throw-away cluster is started with scripts/pg-test.sh and stopped.
"""
import argparse
import http.client
import json
import os
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from datetime import datetime, timedelta, timezone

# the data key the registry is sealed with: the same for every copy of a database
os.environ.setdefault("LIANXIN_DATA_KEY", "6c69616e78696e2d746573742d646174612d6b65792d3230323621212121aa55")

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PASSWORD = "lianxin2026"
ZONE = timezone(timedelta(hours=8))  # the server's default zone (Asia/Shanghai)
ROLL = ("received", "dispatched", "due", "on_time", "rated", "solved", "satisfied", "basic",
        "unsatisfied", "overdue_open", "excluded")
FIELDS = ("received", "dispatched", "due_for_response", "accepted_on_time", "rated", "solved",
          "satisfied", "basic", "unsatisfied", "overdue_open", "excluded")
# leaf categories with a duty rule (dispatched at intake) and one without (new)
CATEGORIES = ("0101", "0102", "0103", "0201", "0203", "0301", "0302", "0401", "0701", "01", "03")
ROLLUP_SQL = (
    "SELECT 'ud', day, unit_id, '', %(c)s FROM stats_unit_day UNION ALL "
    "SELECT 'cd', day, unit_id, category_code, %(c)s FROM stats_cat_day UNION ALL "
    "SELECT 'um', month, unit_id, '', %(c)s FROM stats_unit_month UNION ALL "
    "SELECT 'cm', month, unit_id, category_code, %(c)s FROM stats_cat_month UNION ALL "
    # the location basis's difference from the handler's (migration 016)
    "SELECT 'ld', day, unit_id, '', %(c)s FROM stats_loc_day UNION ALL "
    "SELECT 'lcd', day, unit_id, category_code, %(c)s FROM stats_loc_cat_day UNION ALL "
    "SELECT 'lm', month, unit_id, '', %(c)s FROM stats_loc_month UNION ALL "
    "SELECT 'lcm', month, unit_id, category_code, %(c)s FROM stats_loc_cat_month" % {"c": ", ".join(ROLL)})


class Failure(Exception):
    pass


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def audit_verify(bin_path, db):
    """`lianxin audit verify` on a copy of the database as the kill left
    it: the timeline's and the audit log's hash chains hold (each row the
    hash of the one before, the head at the last row)."""
    r = subprocess.run([bin_path, "audit", "verify", "--db", db], capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        return ["audit verify exits %d: %s" % (r.returncode, (r.stdout + r.stderr).strip()[-500:])]
    return []


def run(argv, **kw):
    r = subprocess.run(argv, capture_output=True, text=True, timeout=600, **kw)
    if r.returncode != 0:
        raise Failure("%s failed (%d): %s" % (" ".join(argv[:3]), r.returncode, (r.stderr or r.stdout)[-2000:]))
    return r.stdout


# ---------------------------------------------------------------- HTTP

class Conn:
    """One keep-alive connection of one client thread."""

    def __init__(self, port):
        self.c = http.client.HTTPConnection("127.0.0.1", port, timeout=20)

    def call(self, method, path, body=None, token=None, form=None):
        """(status, parsed body); raises OSError/HTTPException when the
        connection breaks (the server died under the request)."""
        hdrs = {}
        data = None
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
            hdrs["Content-Type"] = "application/x-www-form-urlencoded; charset=utf-8"
        elif body is not None:
            data = json.dumps(body, ensure_ascii=False).encode()
            hdrs["Content-Type"] = "application/json"
        if token:
            hdrs["Authorization"] = "Bearer " + token
        try:
            self.c.request(method, path, body=data, headers=hdrs)
            r = self.c.getresponse()
            text = r.read().decode()
        except (OSError, http.client.HTTPException):
            self.c.close()
            raise
        if r.getheader("Connection", "").lower() == "close":
            self.c.close()
        ctype = r.getheader("Content-Type", "")
        return r.status, (json.loads(text) if "json" in ctype and text else text)

    def close(self):
        self.c.close()


def one_call(port, *a, **kw):
    c = Conn(port)
    try:
        return c.call(*a, **kw)
    finally:
        c.close()


# ---------------------------------------------------------------- backends

class Sqlite:
    name = "sqlite"

    def __init__(self, bin_path, work):
        self.bin, self.work = bin_path, work
        template = os.path.join(work, "template.db")
        run([bin_path, "demo", "--db", template])
        self.db = os.path.join(work, "crash.db")
        shutil.copy(template, self.db)
        self.url = self.db

    def rows(self, sql, args=()):
        conn = sqlite3.connect("file:%s?mode=ro" % self.db, uri=True, timeout=30)
        try:
            return conn.execute(sql, args).fetchall()
        finally:
            conn.close()

    def after_kill(self):
        """With the server dead: integrity_check, then a consistent copy
        whose roll-ups `lianxin init` rebuilds from its cases. Returns the
        failures (strings) and the live and recounted roll-ups."""
        bad = []
        src = sqlite3.connect("file:%s?mode=ro" % self.db, uri=True, timeout=30)
        copy = os.path.join(self.work, "recount.db")
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(copy + suffix):
                os.remove(copy + suffix)
        try:
            res = src.execute("PRAGMA integrity_check").fetchall()
            if res != [("ok",)]:
                bad.append("integrity_check: %s" % "; ".join(r[0] for r in res[:10]))
            live = src.execute(ROLLUP_SQL).fetchall()
            dst = sqlite3.connect(copy)
            src.backup(dst)
            dst.execute("INSERT INTO schema_rebuilds(name) VALUES ('rollups')")
            dst.commit()
            dst.close()
        finally:
            src.close()
        run([self.bin, "init", "--db", copy])
        bad += audit_verify(self.bin, copy)
        conn = sqlite3.connect("file:%s?mode=ro" % copy, uri=True)
        try:
            recount = conn.execute(ROLLUP_SQL).fetchall()
        finally:
            conn.close()
        return bad, live, recount

    def close(self):
        pass


class Postgres:
    name = "postgresql"

    def __init__(self, bin_path, work, url):
        self.bin, self.work, self.admin_url = bin_path, work, url
        self.dbname = "lx_crash_" + uuid.uuid4().hex[:10]
        self.psql("CREATE DATABASE %s" % self.dbname)
        self.url = self.db_url(self.dbname)
        run([bin_path, "demo", "--db", self.url])

    def db_url(self, name):
        parts = urllib.parse.urlsplit(self.admin_url)
        return urllib.parse.urlunsplit(parts._replace(path="/" + name))

    def psql(self, sql, url=None):
        return run(["/usr/bin/psql", "-X", "-q", "-A", "-t", "-F", "\x1f", "-v", "ON_ERROR_STOP=1",
                    "-d", url or self.admin_url, "-c", sql])

    def rows(self, sql, args=()):
        for a in args:  # only integers are passed
            sql = sql.replace("?", str(int(a)), 1)
        out = self.psql(sql, self.url)
        rows = []
        for line in out.split("\n"):
            if line:
                rows.append(tuple(int(v) if v.lstrip("-").isdigit() else (None if v == "" else v)
                                  for v in line.split("\x1f")))
        return rows

    def after_kill(self):
        """With the server dead: a copy of the database (CREATE DATABASE ..
        TEMPLATE, once the killed server's sessions are gone) whose roll-ups
        `lianxin init` rebuilds from its cases."""
        live = self.rows(ROLLUP_SQL)
        chk = self.dbname + "_chk"
        self.psql("DROP DATABASE IF EXISTS %s" % chk)
        deadline = time.time() + 20
        while True:
            try:
                self.psql("CREATE DATABASE %s TEMPLATE %s" % (chk, self.dbname))
                break
            except Failure as e:
                if "being accessed by other users" not in str(e) or time.time() > deadline:
                    raise
                time.sleep(0.05)
        try:
            url = self.db_url(chk)
            self.psql("INSERT INTO schema_rebuilds(name) VALUES ('rollups')", url)
            run([self.bin, "init", "--db", url])
            bad = audit_verify(self.bin, url)
            saved, self.url = self.url, url
            try:
                recount = self.rows(ROLLUP_SQL)
            finally:
                self.url = saved
        finally:
            self.psql("DROP DATABASE IF EXISTS %s" % chk)
        return bad, live, recount

    def close(self):
        try:
            self.psql("DROP DATABASE IF EXISTS %s" % self.dbname)
        except Failure as e:
            print("crashtest: could not drop %s: %s" % (self.dbname, e), file=sys.stderr)


def nonzero(rows):
    """Roll-up rows as a set of tuples, rows of zeros left out (the live
    path may leave a row at zero where the recount writes none)."""
    out = set()
    for r in rows:
        vals = tuple(int(v) for v in r[4:])
        if any(vals):
            out.add((r[0], int(r[1]), int(r[2]), r[3] or "") + vals)
    return out


# ---------------------------------------------------------------- the model of what was acknowledged

class Case:
    __slots__ = ("id", "version", "status", "handler", "events", "inflight", "extended", "owner", "tag")

    def __init__(self, cid, owner, tag=None):
        self.id, self.owner, self.tag = cid, owner, tag
        self.version, self.status, self.handler, self.events = 0, None, None, 0
        self.inflight = None      # the action whose answer the kill cut off
        self.extended = False

    def take(self, body):
        """The state an acknowledged answer showed."""
        self.version = body["version"]
        self.status = body["status"]
        self.handler = body.get("handler_unit_id")
        self.events = len(body.get("timeline") or [])
        self.inflight = None


class World:
    """What the clients saw acknowledged, shared by the threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.cases = {}            # id -> Case
        self.acks = 0              # 2xx answers to writes
        self.acks_by = {}
        self.inflight_intakes = 0  # intakes cut off by the current kill
        self.cut = 0               # actions and intakes cut off by all kills
        self.landed = 0            # cut-off actions found applied after the kill
        self.errors = []           # failures the clients saw (unexpected statuses)

    def ack(self, what):
        with self.lock:
            self.acks += 1
            self.acks_by[what] = self.acks_by.get(what, 0) + 1


# ---------------------------------------------------------------- the clients

class Setup:
    """Tokens, points and units the clients use, read once before the kills."""

    def __init__(self, port):
        self.tokens = {}
        for login in ("admin", "dispatcher", "leader"):
            self.tokens[login] = self.login(port, login)
        adm = self.tokens["admin"]
        st, users = one_call(port, "GET", "/api/v1/users?limit=500", token=adm)
        assert st == 200, users
        self.handler_of = {}
        for u in users["items"]:
            if "handler" in u["roles"] and u["unit_id"] and u["unit_id"] not in self.handler_of:
                self.handler_of[u["unit_id"]] = u["login"]
        for login in set(self.handler_of.values()):
            self.tokens[login] = self.login(port, login)
        st, streets = one_call(port, "GET", "/api/v1/units?kind=street", token=adm)
        assert st == 200, streets
        self.targets = sorted(u for u in self.handler_of)  # units a dispatch may name
        self.points = []
        for s in streets["items"]:
            st, comms = one_call(port, "GET", "/api/v1/units?parent_id=%d" % s["id"], token=adm)
            st, grids = one_call(port, "GET", "/api/v1/units?boundary=true&parent_id=%d" % comms["items"][0]["id"],
                                 token=adm)
            g = grids["items"][0]
            ring = g["boundary"]["coordinates"][0][:-1]
            lon = sum(p[0] for p in ring) / len(ring)
            lat = sum(p[1] for p in ring) / len(ring)
            st, loc = one_call(port, "GET", "/api/v1/locate?lat=%f&lon=%f" % (lat, lon), token=adm)
            if st == 200 and loc["unit"]["id"] == g["id"]:
                self.points.append((lat, lon, s["name"]))
        assert self.points, "no grid point located"
        st, key = one_call(port, "POST", "/api/v1/api-keys", {"name": "crashtest", "rate_limit": 100000}, token=adm)
        assert st == 201, key
        self.api_key = key["api_key"]

    @staticmethod
    def login(port, login):
        st, body = one_call(port, "POST", "/api/v1/auth/login", {"login": login, "password": PASSWORD})
        assert st == 200, body
        return body["token"]


class Client(threading.Thread):
    """One client: intake and actions on its own cases, one request at a
    time, until the kill breaks its connection; then it parks until the
    server is back."""

    def __init__(self, n, world, setup, ctl, seed):
        super().__init__(daemon=True, name="client-%d" % n)
        self.n, self.world, self.setup, self.ctl = n, world, setup, ctl
        self.rng = random.Random(seed)
        self.mine = []             # open cases of this client
        self.conn = None

    # -- the loop
    def run(self):
        seen = 0
        while True:
            seen = self.ctl.next_round(seen)
            if seen is None:
                return
            self.conn = Conn(self.ctl.port)
            self.mine = [c for c in self.mine if c.status not in ("closed", "merged")]
            try:
                while not self.ctl.killing:
                    self.step()
            except Cut:
                pass
            except Exception as e:  # a failure, or a bug of the test itself: the run stops
                self.world.errors.append("client %d: %s" % (self.n, e))
            finally:
                self.conn.close()
            self.ctl.parked()

    def call(self, *a, **kw):
        try:
            return self.conn.call(*a, **kw)
        except (OSError, http.client.HTTPException) as e:
            if self.ctl.killing:
                raise Cut()
            raise Failure("%s %s: the connection broke without a kill: %r" % (a[0], a[1], e))

    def tok(self, login):
        return self.setup.tokens[login]

    def step(self):
        if len(self.mine) < 6 or self.rng.random() < 0.12:
            if self.rng.random() < 0.2:
                self.open311()
            else:
                self.intake()
            return
        self.act(self.rng.choice(self.mine))

    # -- intake
    def intake(self):
        lat, lon, street = self.rng.choice(self.setup.points)
        tag = uuid.uuid4().hex[:8]
        body = {"type": "request", "channel": self.rng.choice(("hotline", "web", "grid_visit")),
                "category_code": self.rng.choice(CATEGORIES), "title": "暖气不热 crash " + tag,
                "description": "市民来电：%s 3号楼暖气不热已两天。%s" % (street, tag),
                "lat": lat, "lon": lon, "address": street + "3号楼", "urgent": self.rng.random() < 0.1,
                "reporter": {"name": "王女士", "phone": "13812345678"}}
        with self.world.lock:
            self.world.inflight_intakes += 1
        st, case = self.call("POST", "/api/v1/cases", body, self.tok("dispatcher"))
        with self.world.lock:
            self.world.inflight_intakes -= 1
        if st != 201:
            raise Failure("intake answered %d: %s" % (st, case))
        c = Case(case["id"], self.n, tag)
        c.take(case)
        with self.world.lock:
            self.world.cases[c.id] = c
        self.world.ack("intake")
        self.mine.append(c)

    def open311(self):
        lat, lon, street = self.rng.choice(self.setup.points)
        tag = uuid.uuid4().hex[:8]
        form = [("api_key", self.setup.api_key), ("service_code", "0101"), ("lat", "%.7f" % lat),
                ("long", "%.7f" % lon), ("description", "3号楼暖气不热 open311 " + tag),
                ("attribute[ROOM_TEMP]", "15.5"), ("attribute[HEATING_TYPE]", "central"),
                ("attribute[ROOMS][]", "living"), ("first_name", "女士"), ("last_name", "王"),
                ("phone", "13912345678")]
        with self.world.lock:
            self.world.inflight_intakes += 1
        st, body = self.call("POST", "/open311/v2/requests.json", form=form)
        with self.world.lock:
            self.world.inflight_intakes -= 1
        if st != 200:
            raise Failure("Open311 POST answered %d: %s" % (st, body))
        c = Case(body[0]["service_request_id"], self.n)
        c.status = "?"  # exists; its state is read next (a read after an ack is as good)
        with self.world.lock:
            self.world.cases[c.id] = c
        self.world.ack("open311")
        self.mine.append(c)
        st, case = self.call("GET", "/api/v1/cases/%d" % c.id, token=self.tok("dispatcher"))
        if st != 200:
            raise Failure("GET of Open311 case %d answered %d: %s" % (c.id, st, case))
        c.take(case)

    # -- actions
    def act(self, c):
        r = self.rng.random()
        disp = "dispatcher"
        hnd = self.setup.handler_of.get(c.handler)
        s = c.status
        if s == "?":
            st, case = self.call("GET", "/api/v1/cases/%d" % c.id, token=self.tok(disp))
            if st != 200:
                raise Failure("GET case %d answered %d: %s" % (c.id, st, case))
            c.take(case)
            return
        if s in ("new", "returned"):
            if r < 0.1:
                return self.fire(c, "close", disp, {})
            return self.fire(c, "dispatch", disp, {"unit_id": self.rng.choice(self.setup.targets)})
        if s in ("dispatched", "reopened"):
            if hnd is None:  # handled where no demo handler works: send it on
                return self.fire(c, "dispatch", disp, {"unit_id": self.rng.choice(self.setup.targets)})
            if r < 0.75:
                return self.fire(c, "accept", hnd, {})
            if r < 0.85:
                return self.fire(c, "return", hnd, {"reason": "不属于本单位"})
            if r < 0.92:
                return self.fire(c, "supervise", disp, {"note": "请尽快签收"})
            return self.fire(c, "comment", disp, {"note": "已电话回访"})
        if s == "accepted":
            if r < 0.6:
                return self.fire(c, "resolve", hnd, {"reply": "已派员处理完毕。"})
            if r < 0.7:
                return self.fire(c, "suspend", disp, {"reason": "等待配件"})
            if r < 0.8 and not c.extended:
                c.extended = True
                if self.fire(c, "extend", hnd, {"hours": 4, "reason": "需协调"}):
                    self.fire(c, "extension_approve", disp, {})
                return
            if r < 0.85:
                return self.fire(c, "invalid", disp, {"reason": "重复来电"})
            return self.fire(c, "comment", hnd, {"note": "已联系居民"})
        if s == "suspended":
            return self.fire(c, "resume", disp, {})
        if s == "verifying":
            return self.fire(c, "verify", disp, {"passed": r < 0.8})
        if s == "resolved":
            if r < 0.7:
                return self.fire(c, "rate", disp, {"rating": "satisfied", "solved": True})
            if r < 0.8:
                return self.fire(c, "rate", disp, {"rating": "basic", "solved": True})
            return self.fire(c, "rate", disp, {"rating": "unsatisfied", "solved": False})
        # closed, merged or anything else: no longer this client's work
        self.mine.remove(c)

    def fire(self, c, action, login, body):
        body = dict(body, version=c.version)
        c.inflight = action
        st, case = self.call("POST", "/api/v1/cases/%d/%s" % (c.id, action), body, self.tok(login))
        if st != 200:
            # every action is one the case's state allows, at the version
            # last acknowledged: anything else means the model and the
            # server disagree
            raise Failure("case %d %s (v%d, %s) as %s answered %d: %s"
                          % (c.id, action, c.version, c.status, login, st, case))
        c.take(case)
        self.world.ack(action)
        return True


class Cut(Exception):
    """The kill cut this client's request off."""


class Control:
    """Rounds: the clients work from the start of a round until the kill,
    then park; the next round starts once the checks are done."""

    def __init__(self, nclients):
        self.cond = threading.Condition()
        self.round = 0
        self.killing = False
        self.quit = False
        self.port = 0
        self.nparked = 0
        self.nclients = nclients

    def start_round(self, port):
        with self.cond:
            self.port, self.killing, self.nparked = port, False, 0
            self.round += 1
            self.cond.notify_all()

    def next_round(self, seen):
        """Blocks until a round after `seen` starts; its number, or None to quit."""
        with self.cond:
            while self.round == seen and not self.quit:
                self.cond.wait()
            return None if self.quit else self.round

    def parked(self):
        with self.cond:
            self.nparked += 1
            self.cond.notify_all()

    def wait_parked(self, timeout=30):
        with self.cond:
            end = time.time() + timeout
            while self.nparked < self.nclients:
                left = end - time.time()
                if left <= 0:
                    raise Failure("clients did not stop within %ds after the kill" % timeout)
                self.cond.wait(left)

    def stop(self):
        with self.cond:
            self.quit = True
            self.cond.notify_all()


# ---------------------------------------------------------------- the server

class Server:
    def __init__(self, bin_path, url, log):
        self.bin, self.url, self.logf = bin_path, url, log
        self.proc = None
        self.port = 0

    def start(self):
        self.port = free_port()
        env = dict(os.environ, LIANXIN_SWEEP_MS="500")
        with open(self.logf, "a") as log:
            log.write("---- start on %d\n" % self.port)
            log.flush()
            self.proc = subprocess.Popen([self.bin, "serve", "--db", self.url, "--port", str(self.port),
                                          "--bind", "127.0.0.1"], stdout=log, stderr=subprocess.STDOUT,
                                         env=env)

    def wait_up(self, timeout=30):
        end = time.time() + timeout
        while time.time() < end:
            if self.proc.poll() is not None:
                raise Failure("the server exited with %d on start: %s" % (self.proc.returncode, self.tail()))
            try:
                st, _ = one_call(self.port, "GET", "/healthz")
                if st == 200:
                    return
            except OSError:
                pass
            time.sleep(0.01)
        raise Failure("the server did not answer /healthz within %ds: %s" % (timeout, self.tail()))

    def kill(self):
        if self.proc.poll() is not None:
            raise Failure("the server had died by itself (exit %s): %s" % (self.proc.returncode, self.tail()))
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                return self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise Failure("the server did not stop on SIGTERM")
        return self.proc.returncode if self.proc else 0

    def tail(self):
        try:
            with open(self.logf) as f:
                return f.read()[-3000:]
        except OSError:
            return ""


# ---------------------------------------------------------------- the checks

def check_cases(backend, world, base_id, known_extra):
    """Every acknowledged case at its acknowledged version (or one further
    where a request was cut off); returns the failures, the number of
    cases no acknowledgement named (intakes cut off by some kill) and
    every case made here as {id: version}."""
    bad = []
    rows = {r[0]: r for r in backend.rows(
        "SELECT id, version, status, handler_unit_id FROM cases WHERE id > ?", (base_id,))}
    events = dict(backend.rows(
        "SELECT case_id, COUNT(*) FROM case_events WHERE case_id > ? GROUP BY case_id", (base_id,)))
    with world.lock:
        cases = list(world.cases.values())
    for c in cases:
        row = rows.get(c.id)
        if row is None:
            bad.append("LOST: case %d (acknowledged, v%d %s) is gone" % (c.id, c.version, c.status))
            continue
        _, version, status, handler = row
        nev = events.get(c.id, 0)
        if c.status == "?":          # an Open311 intake whose state was never read: it exists
            pass
        elif version == c.version:
            if status != c.status:
                bad.append("case %d: v%d is %s, the acknowledged answer said %s" % (c.id, version, status, c.status))
            if nev != c.events:
                bad.append("case %d: v%d has %d events, the acknowledged answer showed %d"
                           % (c.id, version, nev, c.events))
        elif version < c.version:
            bad.append("LOST: case %d is at v%d %s, but v%d %s was acknowledged"
                       % (c.id, version, status, c.version, c.status))
        elif version == c.version + 1 and c.inflight:
            world.landed += 1
            if nev != c.events + 1:
                bad.append("case %d: the cut-off %s landed (v%d) with %d events, want %d"
                           % (c.id, c.inflight, version, nev, c.events + 1))
        else:
            bad.append("case %d: at v%d %s, but v%d %s was acknowledged and %s"
                       % (c.id, version, status, c.version, c.status,
                          "only %s was in flight" % c.inflight if c.inflight else "nothing was in flight"))
        # adopt what is stored (a cut-off write that landed is now a fact)
        c.version, c.status, c.handler, c.events, c.inflight = version, status, handler, nev, None
    extra = len(set(rows) - set(world.cases))
    if extra > known_extra + world.inflight_intakes:
        bad.append("%d cases exist that no acknowledged intake made, but only %d intakes were ever cut off"
                   % (extra, known_extra + world.inflight_intakes))
    return bad, extra, {i: r[1] for i, r in rows.items()}


SCOPE_FILL = os.path.join(ROOT, "src", "store", "schema", "007_scope_fill.sql")


def check_scope(backend, base_id, ids=None):
    """The visibility index (case_scope) of the cases made here (or of
    those in ids) equals its definition (the SQL that fills it,
    schema/007_scope_fill.sql)."""
    if ids is not None and not ids:
        return []
    cut = ("IN (%s)" % ",".join(str(int(i)) for i in sorted(ids))) if ids is not None else "> %d" % base_id
    fill = open(SCOPE_FILL, encoding="utf-8").read()
    select = fill[fill.index("WITH RECURSIVE"):].rstrip().rstrip(";")
    # the same SQL, each of its three sources cut to those cases (the whole
    # table took seconds once a run had made 40000 cases)
    for old, new in (("INSERT INTO case_scope(unit_id, status, case_id)\n", ""),
                     ("ON u.path = c.scope_path\n", "ON u.path = c.scope_path WHERE c.id %s\n" % cut),
                     ("WHERE c.unit_id IS NOT NULL\n", "WHERE c.unit_id IS NOT NULL AND c.id %s\n" % cut),
                     ("FROM case_tasks t\n", "FROM case_tasks t WHERE t.case_id %s\n" % cut)):
        if old not in select:
            raise Failure("%s changed: cannot find %r in it (tests/crash/crashtest.py check_scope)" % (SCOPE_FILL, old))
        select = select.replace(old, new)
    want = set(backend.rows(select))
    have = set(backend.rows("SELECT unit_id, status, case_id FROM case_scope WHERE case_id " + cut))
    if want == have:
        return []
    return ["case_scope differs from its definition: %d rows extra (%s), %d missing (%s)"
            % (len(have - want), sorted(have - want)[:3], len(want - have), sorted(want - have)[:3])]


def check_search(port, setup, world, rng, n=3):
    """A few acknowledged intakes are found by the word in their title
    (the search terms are written in the intake's transaction)."""
    with world.lock:
        tagged = [c for c in world.cases.values() if c.tag]
    bad = []
    for c in rng.sample(tagged, min(n, len(tagged))):
        st, body = one_call(port, "GET", "/api/v1/cases?q=%s&limit=5" % c.tag, token=setup.tokens["dispatcher"])
        if st != 200 or [x["id"] for x in body["items"]] != [c.id]:
            bad.append("LOST: search for %s (case %d) answers %d %s" % (c.tag, c.id, st, body if st != 200 else
                                                                    [x["id"] for x in body["items"]]))
    return bad


def check_rollups(live, recount):
    a, b = nonzero(live), nonzero(recount)
    if a == b:
        return []
    only_live, only_re = sorted(a - b)[:3], sorted(b - a)[:3]
    return ["roll-ups differ from a recount: %d rows only live, %d only recounted; live %s; recount %s"
            % (len(a - b), len(b - a), only_live, only_re)]


def summary(port, token, frm, to):
    st, body = one_call(port, "GET", "/api/v1/stats/summary?from=%s&to=%s" % (frm, to), token=token)
    if st != 200:
        raise Failure("stats summary answered %d: %s" % (st, body))
    return body


def counts(s):
    return tuple(s[k] for k in FIELDS)


def check_summary(port, setup, first_day):
    """The summary from roll-ups (whole days) equals the same window cut
    one millisecond after its start, whose first day is counted from the
    cases (tests/api/test_stats.py does the same)."""
    t = setup.tokens["leader"]
    end = (datetime.now(ZONE).date() + timedelta(days=1)).isoformat()
    whole = summary(port, t, first_day, end)
    part = summary(port, t, first_day + "T00:00:00.001%2B08:00", end)
    bad = []
    if counts(whole) != counts(part):
        bad.append("summary from roll-ups %s != from a scan %s" % (counts(whole), counts(part)))
    if [counts(u) for u in whole["by_unit"]] != [counts(u) for u in part["by_unit"]]:
        bad.append("summary by_unit from roll-ups != from a scan")
    if ({c["category_code"]: counts(c) for c in whole["by_category"]} !=
            {c["category_code"]: counts(c) for c in part["by_category"]}):
        bad.append("summary by_category from roll-ups != from a scan")
    return bad, whole["received"]


def check_sessions(port, setup):
    bad = []
    for login, tok in sorted(setup.tokens.items()):
        st, body = one_call(port, "GET", "/api/v1/auth/me", token=tok)
        if st != 200:
            bad.append("LOST: the session of %s (acknowledged login) answers %d after the restart" % (login, st))
    return bad


# ---------------------------------------------------------------- main

def start_pg_cluster():
    out = run([os.path.join(ROOT, "scripts", "pg-test.sh"), "start"])
    env = dict(line.split("=", 1) for line in out.split("\n") if "=" in line)
    return env["LIANXIN_TEST_PG"], env["LIANXIN_TEST_PGDIR"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--kills", type=int, default=20)
    ap.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--bin", default=os.environ.get("LIANXIN_BIN", os.path.join(ROOT, "build", "lianxin")))
    ap.add_argument("--clients", type=int, default=6)
    ap.add_argument("--max-delay", type=float, default=0.6,
                    help="the kill comes uniformly between 0 and this many seconds after the clients start")
    ap.add_argument("--startup-kills", type=float, default=0.05,
                    help="share of rounds with an extra kill during start-up (before /healthz answers)")
    ap.add_argument("--pg", default=os.environ.get("LIANXIN_TEST_PG"),
                    help="a PostgreSQL maintenance URL (default $LIANXIN_TEST_PG, else a throw-away cluster)")
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    args = ap.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    rng = random.Random(seed)
    binp = os.path.abspath(args.bin)
    if not os.access(binp, os.X_OK):
        print("crashtest: no binary %s (make build)" % binp, file=sys.stderr)
        return 2
    t0 = time.time()
    work = tempfile.mkdtemp(prefix="lianxin-crash-")
    pgdir = None
    backend = server = None
    ctl = None
    failures = []
    print("crashtest: %s, %d kills, seed %d, %d clients, work %s" % (args.backend, args.kills, seed, args.clients, work),
          flush=True)
    try:
        if args.backend == "sqlite":
            backend = Sqlite(binp, work)
        else:
            url = args.pg
            if not url:
                url, pgdir = start_pg_cluster()
            backend = Postgres(binp, work, url)
        base_id = max(r[0] or 0 for r in backend.rows("SELECT MAX(id) FROM cases"))
        server = Server(binp, backend.url, os.path.join(work, "server.log"))
        server.start()
        server.wait_up()
        setup = Setup(server.port)
        world = World()
        ctl = Control(args.clients)
        clients = [Client(i, world, setup, ctl, rng.randrange(1 << 30)) for i in range(args.clients)]
        for c in clients:
            c.start()
        first_day = datetime.now(ZONE).date().isoformat()
        extra = 0
        startup_kills = 0
        seen = {}
        for k in range(1, args.kills + 1):
            # a round: the clients work, the kill comes at a random moment
            acks0 = world.acks
            ctl.start_round(server.port)
            delay = rng.uniform(0, args.max_delay)
            time.sleep(delay)
            ctl.killing = True
            server.kill()
            ctl.wait_parked()
            if world.errors:
                failures += world.errors
                raise Failure("a client failed: " + world.errors[0])
            inflight = sum(1 for c in world.cases.values() if c.inflight)
            cut_intakes = world.inflight_intakes
            world.cut += inflight + cut_intakes
            # the checks, on the database as the kill left it
            tc = time.time()
            bad, live, recount = backend.after_kill()
            bad += check_rollups(live, recount)
            bad_cases, new_extra, versions = check_cases(backend, world, base_id, extra)
            bad += bad_cases
            # case_scope: the cases written since the last check, all of them every tenth kill
            touched = None if k % 10 == 0 or k == args.kills else \
                {i for i, v in versions.items() if seen.get(i) != v}
            bad += check_scope(backend, base_id, touched)
            seen = versions
            landed_intakes = new_extra - extra
            extra = new_extra
            world.inflight_intakes = 0
            # an extra kill while it starts (recovery, migrations): nothing is acknowledged then
            if rng.random() < args.startup_kills:
                server.start()
                time.sleep(rng.uniform(0, 0.05))
                if server.proc.poll() is None:
                    server.kill()
                    startup_kills += 1
            tr = time.time()
            server.start()
            server.wait_up()
            tu = time.time()
            bad += check_sessions(server.port, setup)
            bad += check_search(server.port, setup, world, rng)
            sbad, received = check_summary(server.port, setup, first_day)
            bad += sbad
            print("kill %3d/%d after %.2fs: %4d acks (%d in all, %d cases), cut off %d actions + %d intakes "
                  "(%d landed); checks %.2fs, restart %.2fs: %s"
                  % (k, args.kills, delay, world.acks - acks0, world.acks, len(world.cases), inflight, cut_intakes,
                     landed_intakes, (tr - tc) + (time.time() - tu), tu - tr, "ok" if not bad else "FAILED"),
                  flush=True)
            if bad:
                failures += ["kill %d: %s" % (k, b) for b in bad]
                for b in bad[:20]:
                    print("  FAILED: " + b, flush=True)
                break
        if not failures:
            ctl.stop()
            code = server.stop()
            if code != 0:
                failures.append("the server exited %s on SIGTERM at the end: %s" % (code, server.tail()))
        secs = time.time() - t0
        by = ", ".join("%s %d" % kv for kv in sorted(world.acks_by.items()))
        print("crashtest %s: %s; %d kills (+%d during start-up), %d acknowledged writes (%s), %d cases; "
              "%d writes cut off by the kills, of which %d actions and %d intakes had landed; %.0f s, seed %d"
              % (args.backend, "FAILED" if failures else "all checks passed", k if args.kills else 0, startup_kills,
                 world.acks, by, len(world.cases), world.cut, world.landed, extra, secs, seed), flush=True)
    except Failure as e:
        failures.append(str(e))
    finally:
        if ctl:
            ctl.stop()
        if server and server.proc and server.proc.poll() is None:
            server.proc.kill()
            server.proc.wait()
        if backend and not (failures and args.keep):
            if not failures or backend.name == "postgresql":
                backend.close()
        if pgdir:
            subprocess.run([os.path.join(ROOT, "scripts", "pg-test.sh"), "stop", pgdir])
        if failures:
            print("crashtest %s FAILED (seed %d; again: %s --backend %s --kills %d --seed %d --bin %s; work dir %s):"
                  % (args.backend, seed, sys.argv[0], args.backend, args.kills, seed, binp, work), file=sys.stderr)
            for f in failures[:30]:
                print("  " + f, file=sys.stderr)
        elif not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
