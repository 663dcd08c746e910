"""Fixtures for the API tests: a real `lianxin serve` process on a demo
database in a temporary directory, and a tiny HTTP client (stdlib only).

LIANXIN_BIN names the binary (default build/lianxin). When the binary is a
sanitizer build (LIANXIN_SANITIZED=1) the server's stderr is checked for
sanitizer reports when it stops.

postgresql: with LIANXIN_TEST_PG=postgresql://user@127.0.0.1:PORT/DB (a
throw-away cluster from scripts/pg-test.sh; LIANXIN_TEST_PGDIR its directory)
every database is a fresh PostgreSQL database of that cluster instead of a
SQLite file, made with /usr/bin/psql: the same tests run on both backends.
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest

# The server's days are Asia/Shanghai's (+08:00, its default zone): tests that
# ask for "today" (date.today()) must mean the same day, also between 16:00
# and 24:00 UTC when the dates differ. A POSIX zone string needs no tzdata.
os.environ["TZ"] = "CST-8"
time.tzset()

# One data key for every server and command of the run (the registry's ID
# numbers and phones are sealed with it): the tests copy databases (a
# template per test, backups), and a copy must open with the key it was
# sealed with. test_registry.py checks the key file a server makes itself.
TEST_DATA_KEY = "6c69616e78696e2d746573742d646174612d6b65792d3230323621212121aa55"
os.environ.setdefault("LIANXIN_DATA_KEY", TEST_DATA_KEY)

# Every temporary file of this run (databases, copies, logs) goes under one
# directory per process (a pytest-xdist worker is one), removed when the
# session passes and kept for a look when it fails.
RUN_TMP = tempfile.mkdtemp(prefix="lianxin-run-")


def mkdtemp(prefix):
    """A new directory of this run's (removed with it)."""
    return tempfile.mkdtemp(prefix=prefix, dir=RUN_TMP)


def pytest_sessionfinish(session, exitstatus):
    if exitstatus == 0 and not os.environ.get("LIANXIN_KEEP_TMP"):
        shutil.rmtree(RUN_TMP, ignore_errors=True)
    else:
        print("\nlianxin: this run's databases and server logs are kept in %s" % RUN_TMP)


ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("LIANXIN_BIN", os.path.join(ROOT, "build", "lianxin"))
DEMO_PASSWORD = "lianxin2026"

# postgresql: which backend this run tests, and the helpers that make databases.
PG_URL = os.environ.get("LIANXIN_TEST_PG")
PG_DIR = os.environ.get("LIANXIN_TEST_PGDIR")
BACKEND = "postgresql" if PG_URL else "sqlite"


def is_url(db):
    return db.startswith(("postgresql://", "postgres://"))


def pg_url(name):
    """The URL of database `name` on the test cluster."""
    parts = urllib.parse.urlsplit(PG_URL)
    return urllib.parse.urlunsplit(parts._replace(path="/" + name))


def psql(sql, url=None):
    """Runs sql on the test cluster (its maintenance database by default); returns stdout."""
    r = subprocess.run(["/usr/bin/psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                        "-d", url or PG_URL, "-c", sql], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return r.stdout


def new_db(tag, template=None):
    """A new database: empty, or a copy of template (which nobody may be using).
    Returns what `--db` takes: a file path on SQLite, a URL on PostgreSQL."""
    if PG_URL:
        name = "lx_%s_%s" % (tag, uuid.uuid4().hex[:12])
        src = ' TEMPLATE "%s"' % urllib.parse.urlsplit(template).path.lstrip("/") if template else ""
        psql('CREATE DATABASE "%s"%s' % (name, src))
        return pg_url(name)
    d = mkdtemp("lianxin-%s-" % tag)
    db = os.path.join(d, tag + ".db")
    if template:
        shutil.copy(template, db)
    return db


def db_exec(db, sql):
    """Runs a writing statement on either backend, committed: test data set
    up beside a server (the server's own writes go through its API)."""
    if not is_url(db):
        import sqlite3
        conn = sqlite3.connect(db, timeout=30)
        try:
            conn.execute(sql)
            conn.commit()
        finally:
            conn.close()
        return
    psql(sql, db)


def db_rows(db, sql):
    """Rows of a query on either backend, each a tuple of strings (None for
    NULL): a look under the API, e.g. that a secret is stored hashed."""
    if not is_url(db):
        import sqlite3
        conn = sqlite3.connect(db)
        try:
            return [tuple(None if v is None else str(v) for v in row) for row in conn.execute(sql)]
        finally:
            conn.close()
    r = subprocess.run(["/usr/bin/psql", "-X", "-q", "-A", "-t", "-F", "\x1f", "-P", "null=\x1e",
                        "-v", "ON_ERROR_STOP=1", "-d", db, "-c", sql],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return [tuple(None if v == "\x1e" else v for v in line.split("\x1f"))
            for line in r.stdout.split("\n") if line]


def log_path(db, port):
    if not is_url(db):
        return db + ".log"
    name = urllib.parse.urlsplit(db).path.lstrip("/")
    return os.path.join(RUN_TMP, "lianxin-%s-%d.log" % (name, port))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Client:
    """A minimal JSON client for one server."""

    def __init__(self, base):
        self.base = base
        self.tokens = {}

    def request(self, method, path, body=None, token=None, raw=None, headers=None):
        """Returns (status, parsed JSON or text, response headers)."""
        data = None
        hdrs = dict(headers or {})
        if raw is not None:
            data = raw if isinstance(raw, bytes) else raw.encode()
            hdrs.setdefault("Content-Type", "application/json")
        elif body is not None:
            data = json.dumps(body, ensure_ascii=False).encode()
            hdrs["Content-Type"] = "application/json"
        if token:
            hdrs["Authorization"] = "Bearer " + token
        path = urllib.parse.quote(path, safe="/?&=:%,+-._~*")
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=hdrs)
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                status, text, rh = resp.status, resp.read().decode(), resp.headers
        except urllib.error.HTTPError as e:
            status, text, rh = e.code, e.read().decode(), e.headers
        ctype = rh.get("Content-Type", "")
        parsed = json.loads(text) if "json" in ctype and text else text
        return status, parsed, rh

    def get(self, path, token=None, **kw):
        return self.request("GET", path, token=token, **kw)[:2]

    def post(self, path, body=None, token=None, **kw):
        return self.request("POST", path, body=body, token=token, **kw)[:2]

    def patch(self, path, body=None, token=None, **kw):
        return self.request("PATCH", path, body=body, token=token, **kw)[:2]

    def login(self, login, password=DEMO_PASSWORD):
        if login not in self.tokens:
            st, body = self.post("/api/v1/auth/login", {"login": login, "password": password})
            assert st == 200, body
            self.tokens[login] = body["token"]
        return self.tokens[login]


class Server:
    def __init__(self, db, port, env=None):
        self.db = db
        self.port = port
        self.log = open(log_path(db, port), "w+")
        e = dict(os.environ)
        e.update(env or {})
        self.proc = subprocess.Popen(
            [BIN, "serve", "--db", db, "--port", str(port), "--bind", "127.0.0.1"],
            stdout=self.log, stderr=subprocess.STDOUT, env=e)
        self.client = Client("http://127.0.0.1:%d" % port)
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                st, _ = self.client.get("/healthz")
                if st == 200:
                    return
            except OSError:
                pass
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        raise RuntimeError("server did not start: " + self.output())

    def output(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def stop(self):
        """SIGTERM; returns the exit code. Fails on any sanitizer report."""
        self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise
        out = self.output()
        for marker in ("AddressSanitizer", "LeakSanitizer", "runtime error:"):
            assert marker not in out, out[-4000:]
        return code


def run_cli(*args, env=None):
    e = dict(os.environ)
    e.update(env or {})
    return subprocess.run([BIN, *args], capture_output=True, text=True, env=e, timeout=600)


@pytest.fixture(scope="session")
def demo_build():
    """(demo, pristine): the demo district built once, and an untouched copy
    of it made before any server opens the demo (tests that need their own
    server start from copies of the pristine one)."""
    db = new_db("demo")
    r = run_cli("demo", "--db", db)
    assert r.returncode == 0, r.stderr
    return db, new_db("pristine", template=db)


@pytest.fixture(scope="session")
def demo_db(demo_build):
    return demo_build[0]


@pytest.fixture(scope="session")
def pristine_db(demo_build):
    return demo_build[1]


@pytest.fixture()
def own_server(pristine_db):
    """start(**env): a private server on one fresh copy of the demo
    database per test (a file copy on SQLite, CREATE DATABASE ... TEMPLATE
    on PostgreSQL; a second start serves the same database, as after a
    restart), with environment settings; stopped (sanitizer-clean) after."""
    made = []
    db = new_db("own", template=pristine_db)

    def start(**env):
        s = Server(db, free_port(), env=env)
        made.append(s)
        return s
    yield start
    for s in made:
        if s.proc.poll() is None:
            assert s.stop() == 0


@pytest.fixture(scope="session")
def server(demo_db):
    s = Server(demo_db, free_port(), env={"LIANXIN_SWEEP_MS": "200"})
    yield s
    assert s.stop() == 0


@pytest.fixture(scope="session")
def api(server):
    return server.client


@pytest.fixture(scope="session")
def admin(api):
    return api.login("admin")
