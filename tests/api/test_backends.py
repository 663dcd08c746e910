"""The two backends agree: the same migrations make the same schema. On the
PostgreSQL pass a SQLite file is made next to the PostgreSQL database and
the two are compared table by table, column by column."""
import os
import re
import signal
import subprocess
import tempfile
import time

import pytest

from conftest import BACKEND, BIN, ROOT, Client, db_rows, free_port, mkdtemp, new_db, run_cli

SCHEMA_DIR = os.path.join(ROOT, "src", "store", "schema")


def migrations_for(backend):
    own = {"sqlite": ".sqlite.sql", "postgresql": ".pg.sql"}[backend]
    names = []
    for f in sorted(os.listdir(SCHEMA_DIR)):
        if not f.endswith(".sql"):
            continue
        parts = f.split(".")
        if len(parts) == 2 or f.endswith(own):
            names.append(f)
    return names


def init(db):
    r = run_cli("init", "--db", db, env={"LIANXIN_ADMIN_PASSWORD": "correct-horse"})
    assert r.returncode == 0, r.stderr


def schema(db):
    """{table: [column, ...]} of db, leaving out the search index, whose
    shape is each backend's own (FTS5 shadow tables / a tsvector column)."""
    if db.startswith("postgresql://"):
        rows = db_rows(db, "SELECT table_name, column_name FROM information_schema.columns "
                           "WHERE table_schema = 'public' ORDER BY table_name, ordinal_position")
    else:
        tables = [t for (t,) in db_rows(db, "SELECT name FROM sqlite_master WHERE type = 'table' "
                                            "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        rows = [(t, c) for t in tables
                for (_, c, *_rest) in db_rows(db, "PRAGMA table_info('%s')" % t)]
    out = {}
    for table, column in rows:
        if re.match(r"^case_fts", table):
            continue
        out.setdefault(table, []).append(column)
    return out


def test_migrations_are_recorded_per_backend():
    db = new_db("migr")
    init(db)
    recorded = [n for (n,) in db_rows(db, "SELECT name FROM schema_migrations ORDER BY name")]
    assert recorded == migrations_for(BACKEND)
    # the portable files are the same on both backends
    portable = [n for n in recorded if n.count(".") == 1]
    assert portable == [n for n in migrations_for("sqlite") if n.count(".") == 1]
    init(db)  # idempotent: nothing runs twice
    again = [n for (n,) in db_rows(db, "SELECT name FROM schema_migrations ORDER BY name")]
    assert again == recorded


@pytest.mark.skipif(BACKEND != "postgresql", reason="compares a PostgreSQL database with SQLite")
def test_same_migrations_make_the_same_schema():
    pg = new_db("schema")
    init(pg)
    lite = os.path.join(mkdtemp("lianxin-schema-"), "schema.db")
    init(lite)
    a, b = schema(pg), schema(lite)
    assert sorted(a) == sorted(b)
    for table in a:
        assert a[table] == b[table], table
    # and the same rows from the data migrations (categories, Open311 attributes)
    for sql in ("SELECT code, name, parent_code, case_type, resp_kind, resp_value FROM categories "
                "ORDER BY code",
                "SELECT name FROM schema_migrations WHERE name NOT LIKE '%.%.sql' ORDER BY name"):
        assert db_rows(pg, sql) == db_rows(lite, sql)


def test_lianxin_db_selects_the_backend(pristine_db):
    """`LIANXIN_DB` works like `--db`: a postgresql:// URL selects the libpq
    driver, a path SQLite; /healthz says which."""
    port = free_port()
    db = new_db("envdb", template=pristine_db)
    log = tempfile.TemporaryFile(mode="w+")
    env = dict(os.environ, LIANXIN_DB=db)
    proc = subprocess.Popen([BIN, "serve", "--port", str(port), "--bind", "127.0.0.1"],
                            stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        client = Client("http://127.0.0.1:%d" % port)
        body, deadline = None, time.time() + 30
        while time.time() < deadline and proc.poll() is None:
            try:
                st, body = client.get("/healthz")
                if st == 200:
                    break
            except OSError:
                pass
            time.sleep(0.05)
        assert body and body["db"] == BACKEND, body
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
        log.seek(0)
        out = log.read()
        for marker in ("AddressSanitizer", "LeakSanitizer", "runtime error:"):
            assert marker not in out, out[-4000:]
