#!/usr/bin/python3
"""make bench: generate a synthetic city, serve it on loopback, drive it with
wrk, and print one table (also written to bench/results.md).

Usage: bench/run.py [--bin build-release/lianxin] [--scales 100000,10000000]
                    [--seconds 10] [--out bench/results.md] [--data bench/data]
                    [--pg postgresql://user@host:port/db]
With --pg (or LIANXIN_BENCH_PG), the URL of a PostgreSQL cluster where the
user may create databases, each scale's city is also moved into a fresh
database there with `lianxin migrate-data`, and intake, read and stats are
measured again against a server on it: the PostgreSQL rows of the table.
Only standard library; wrk from Debian. Nothing here asserts a timing: the
targets are printed beside the figures, met or missed.
"""
import argparse
import datetime
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request

# the data key the registry is sealed with: the same for every copy of a database
os.environ.setdefault("LIANXIN_DATA_KEY", "6c69616e78696e2d746573742d646174612d6b65792d3230323621212121aa55")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def http(base, method, path, body=None, token=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.loads(r.read())


def wrk(script, base, seconds, conns, env):
    cmd = ["wrk", "-t2", "-c%d" % conns, "-d%ds" % seconds, "--timeout", "10s", "-s", script, base]
    out = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, **env}, cwd=ROOT,
                         timeout=seconds * 3 + 60)
    for line in out.stdout.splitlines():
        if line.startswith("{"):
            return json.loads(line)
    raise RuntimeError("wrk gave no result: " + out.stdout + out.stderr)


def rss_peak_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def point_of(unit):
    ring = unit["boundary"]["coordinates"][0][:-1]
    return (sum(p[1] for p in ring) / len(ring), sum(p[0] for p in ring) / len(ring))


def pg_db_url(base, name):
    parts = urllib.parse.urlsplit(base)
    return urllib.parse.urlunsplit(parts._replace(path="/" + name))


def psql(url, sql):
    r = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql],
                       capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        raise RuntimeError("psql: " + r.stderr)


def run_pg(args, n, db):
    """postgresql: migrates the generated city db into a fresh database of
    args.pg and measures intake, read and stats against a server on it."""
    name = "lx_bench_%d_%d" % (n, os.getpid())
    url = pg_db_url(args.pg, name)
    psql(args.pg, 'DROP DATABASE IF EXISTS "%s"' % name)
    psql(args.pg, 'CREATE DATABASE "%s"' % name)
    try:
        t = time.time()
        r = subprocess.run([args.bin, "migrate-data", "--from", "sqlite:" + db, "--to", url],
                           capture_output=True, text=True)
        if r.returncode != 0 or "counts and checksums match" not in r.stdout:
            raise RuntimeError("migrate-data failed: " + r.stdout + r.stderr)
        res = {"migrate_s": time.time() - t}
        res.update(serve_and_measure(args, url, n, ("read", "stats", "intake"),
                                     os.path.join(args.data, "city-%d.pg.log" % n)))
        return res
    finally:
        if not args.keep:
            psql(args.pg, 'DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % name)


def serve_and_measure(args, db, n, figures, logpath):
    """Starts `lianxin serve` on db and runs the wrk measurements named in
    figures (floor, read, list, stats, intake); returns their results and
    the server's peak RSS."""
    port = free_port()
    base = "http://127.0.0.1:%d" % port
    log = open(logpath, "w")
    proc = subprocess.Popen([args.bin, "serve", "--db", db, "--port", str(port), "--bind", "127.0.0.1"],
                            stdout=log, stderr=subprocess.STDOUT,
                            env={**os.environ, "LIANXIN_SWEEP_MS": "60000"})
    res = {}
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.05)
        tok = http(base, "POST", "/api/v1/auth/login", {"login": "dispatcher", "password": "lianxin2026"})["token"]
        # reads pick ids across the whole city (all its districts): the admin sees them all
        admin = http(base, "POST", "/api/v1/auth/login", {"login": "admin", "password": "lianxin2026"})["token"]
        streets = http(base, "GET", "/api/v1/units?kind=street&boundary=false", token=tok)["items"]
        district = [u for u in http(base, "GET", "/api/v1/units?kind=district&boundary=false", token=tok)["items"]
                    if u["code"] == "140303"][0]
        street = [s for s in streets if s["parent_id"] == district["id"]][0]
        grids = http(base, "GET", "/api/v1/units?kind=grid&parent_id=%d" % (
            http(base, "GET", "/api/v1/units?parent_id=%d&boundary=false" % street["id"], token=tok)["items"][0]["id"]),
            token=tok)["items"]
        points = ";".join("%.6f,%.6f" % point_of(g) for g in grids)
        year_ago = (datetime.date.today() - datetime.timedelta(days=366)).isoformat()
        env = {"LX_TOKEN": tok, "LX_READ_TOKEN": admin, "LX_CASES": str(n), "LX_POINTS": points, "LX_STREET": str(street["id"]),
               "LX_FROM": year_ago}
        s = args.seconds
        if "floor" in figures:
            res["floor"] = wrk("bench/healthz.lua", base + "/healthz", s, 64, env)
        if "read" in figures:
            res["read"] = wrk("bench/read.lua", base, s, 64, env)
        if "list" in figures:
            res["list"] = wrk("bench/list.lua", base, s, 8, env)
        if "stats" in figures:
            res["stats_district"] = wrk("bench/stats.lua", base, s, 8, {**env, "LX_STATS_UNIT": str(district["id"])})
            res["stats_street"] = wrk("bench/stats.lua", base, s, 8, {**env, "LX_STATS_UNIT": str(street["id"])})
            # P8: by location (the handler's roll-ups plus the location difference)
            res["stats_district_loc"] = wrk("bench/stats.lua", base, s, 8, {
                **env, "LX_STATS_UNIT": str(district["id"]), "LX_BASIS": "location"})
            res["stats_street_loc"] = wrk("bench/stats.lua", base, s, 8, {
                **env, "LX_STATS_UNIT": str(street["id"]), "LX_BASIS": "location"})
        if "intake" in figures:
            res["intake"] = wrk("bench/intake.lua", base, s, 64, env)
        if "login" in figures:
            res["login"] = login_rate(base, s)
        if "photos" in figures:
            res.update(photo_figures(args, base, db, s, env))
        res["rss_mib"] = rss_peak_kib(proc.pid) / 1024
        for k in ("floor", "read", "list", "stats_district", "stats_street", "stats_district_loc",
                  "stats_street_loc", "intake", "upload", "thumb"):
            if k in res and (res[k]["errors"] or res[k]["non2xx"]):
                res.setdefault("problems", []).append("%s: %d errors, %d non-2xx" % (
                    k, res[k]["errors"], res[k]["non2xx"]))
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
        log.close()
    return res


def phone_photo(path):
    """A 12-megapixel JPEG of about 2 MB, as a phone sends it (Pillow)."""
    from PIL import Image, ImageChops
    w, h = 4000, 3000
    noise = Image.effect_noise((w, h), 25).convert("RGB")
    base = ImageChops.multiply(Image.linear_gradient("L").resize((w, h)).convert("RGB"),
                               Image.new("RGB", (w, h), (200, 170, 140)))
    ImageChops.add(base, noise, 2.0, -40).save(path, "JPEG", quality=65)
    return os.path.getsize(path)


def photo_figures(args, base, db, seconds, env):
    """P8: uploads of a 2 MB photo (4 at a time: a street office's desks),
    then reads of the thumbnails they made; the photos' bytes on disk are
    reported apart from the cases'."""
    photo = os.path.join(args.data, "photo-2mb.jpg")
    if not os.path.exists(photo):
        phone_photo(photo)
    # onto open cases (a closed one takes no files): the newest, which the
    # intake run has just filed
    tok = env["LX_READ_TOKEN"]
    ids = [c["id"] for c in http(base, "GET", "/api/v1/cases?limit=200", token=tok)["items"]]
    up = wrk("bench/upload.lua", base, seconds, 4, {**env, "LX_PHOTO": photo, "LX_IDS": ",".join(map(str, ids))})
    import sqlite3
    conn = sqlite3.connect(db, timeout=30)
    made, stored = conn.execute("SELECT COUNT(*), COALESCE(SUM(bytes + LENGTH(thumb)), 0) "
                                "FROM attachments").fetchone()
    conn.close()
    thumb = wrk("bench/thumb.lua", base, seconds, 64, {**env, "LX_ATTACHMENTS": str(max(made, 1))})
    return {"upload": up, "thumb": thumb, "photo_bytes": os.path.getsize(photo),
            "photo_disk_per_file": stored / max(made, 1)}


def login_rate(base, seconds, threads=4):
    """Logins per second (argon2id, 64 MiB each, outside the writer) from
    a few desks at once; each is a write job too (the session, the audit row)."""
    import threading
    done, stop = [0] * threads, time.time() + seconds

    def desk(i):
        while time.time() < stop:
            http(base, "POST", "/api/v1/auth/login", {"login": "dispatcher", "password": "lianxin2026"})
            done[i] += 1
    ts = [threading.Thread(target=desk, args=(i,)) for i in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return {"rps": sum(done) / seconds}


def timed_cli(args, *argv):
    t = time.time()
    r = subprocess.run([args.bin, *argv], capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError("%s failed: %s" % (argv[0], r.stdout + r.stderr))
    return time.time() - t


def run_scale(args, n):
    os.makedirs(args.data, exist_ok=True)
    db = os.path.join(args.data, "city-%d.db" % n)
    gen_s = None
    if not os.path.exists(db) or args.fresh:
        for f in (db, db + "-wal", db + "-shm"):
            if os.path.exists(f):
                os.remove(f)
        t = time.time()
        r = subprocess.run([args.bin, "gen", "--db", db, "--cases", str(n), "--households", str(n // 10),
                            "--seed", "1"], capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError("gen failed: " + r.stderr)
        gen_s = time.time() - t
    else:
        # a city cached by an older build: apply the migrations added since
        # (the server would migrate its working copy, but migrate-data
        # compares the source's schema with the target's)
        r = subprocess.run([args.bin, "init", "--db", db], capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError("init (migrations) failed: " + r.stdout + r.stderr)
    size = sum(os.path.getsize(f) for f in (db, db + "-wal") if os.path.exists(f))
    # the server writes to it (intake): keep the generated file pristine
    work = db + ".run.db"
    shutil.copy(db, work)
    for f in (work + "-wal", work + "-shm"):
        if os.path.exists(f):
            os.remove(f)
    res = {"cases": n, "gen_s": gen_s, "bytes_per_case": size / max(n, 1)}
    try:
        res.update(serve_and_measure(args, work, n, ("floor", "read", "list", "stats", "intake", "login", "photos"),
                                     work + ".log"))
        # P7: the whole trail checked, and an online backup (checked too)
        res["verify_s"] = timed_cli(args, "audit", "verify", "--db", work)
        backup = work + ".backup"
        res["backup_s"] = timed_cli(args, "backup", "--db", work, "--to", backup)
        os.remove(backup)
    finally:
        if not args.keep:
            for f in (work, work + "-wal", work + "-shm"):
                if os.path.exists(f):
                    os.remove(f)
    if args.pg and n <= args.pg_max:
        # postgresql: the same city, moved from the pristine generated file
        res["pg"] = run_pg(args, n, db)
        for p in res["pg"].get("problems", []):
            res.setdefault("problems", []).append("PostgreSQL " + p)
    return res


# ---------------------------------------------------------------- P9: the field work

W11643 = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def id_number(i):
    """A distinct valid GB 11643 number for i (a 1950s birth date, a sequence)."""
    day = datetime.date(1950, 1, 1) + datetime.timedelta(days=i // 1000 % 3650)
    body = "140321" + day.strftime("%Y%m%d") + "%03d" % (i % 1000)
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, W11643)) % 11]


def import_csv(path, n, codes):
    with open(path, "w", encoding="utf-8") as f:
        f.write("name,gender,phone,id_number,tags,household_address,unit_code\n")
        for i in range(n):
            code = codes[i % len(codes)]
            f.write("导入居民%d,%s,139%08d,%s,%s,导入小区%d号楼%d室,%s\n" % (
                i, "男" if i % 2 else "女", i, id_number(i), "独居老人" if i % 17 == 0 else "",
                i // 3 % 500, i // 3, code))


def run_field(args, residents, visits):
    """A generated city of `residents` residents (households of 1-4) and
    `visits` visits of two plans; the worker's due list and coverage served,
    and the import of 100,000 residents from CSV."""
    os.makedirs(args.data, exist_ok=True)
    db = os.path.join(args.data, "field-%d-%d.db" % (residents, visits))
    res = {"residents": residents, "visits": visits, "gen_s": None}
    if not os.path.exists(db) or args.fresh:
        for f in (db, db + "-wal", db + "-shm"):
            if os.path.exists(f):
                os.remove(f)
        t = time.time()
        r = subprocess.run([args.bin, "gen", "--db", db, "--cases", "20000", "--households", str(residents * 2 // 5),
                            "--seed", "1"], capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError("gen failed: " + r.stderr)
        r = subprocess.run([args.bin, "gen-visits", "--db", db, "--visits", str(visits), "--seed", "1"],
                           capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError("gen-visits failed: " + r.stderr)
        res["gen_s"] = time.time() - t
    import sqlite3
    conn = sqlite3.connect(db)
    res["resident_rows"] = conn.execute("SELECT COUNT(*) FROM residents").fetchone()[0]
    conn.close()
    work = db + ".run.db"
    shutil.copy(db, work)
    port = free_port()
    base = "http://127.0.0.1:%d" % port
    log = open(work + ".log", "w")
    proc = subprocess.Popen([args.bin, "serve", "--db", work, "--port", str(port), "--bind", "127.0.0.1"],
                            stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "LIANXIN_SWEEP_MS": "600000"})
    try:
        for _ in range(400):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.05)
        worker = http(base, "POST", "/api/v1/auth/login", {"login": "gw_qiaotou", "password": "lianxin2026"})["token"]
        me = http(base, "GET", "/api/v1/auth/me", token=worker)
        leader = http(base, "POST", "/api/v1/auth/login", {"login": "admin", "password": "lianxin2026"})["token"]
        grids = http(base, "GET", "/api/v1/units?kind=grid&parent_id=%d&boundary=false" % me["unit_id"],
                     token=leader)["items"]
        district = http(base, "GET", "/api/v1/units?kind=district&boundary=false", token=leader)["items"][0]
        s = args.seconds
        # a grid's own worker (网格员): the grid's due list; gw_qiaotou covers a whole community
        login = "bench_gw_%d" % grids[0]["id"]
        try:
            http(base, "POST", "/api/v1/users", {"login": login, "name": "基准网格员", "password": "Fresh-Harbour-2026",
                                                 "roles": ["grid_worker"], "unit_id": grids[0]["id"]}, token=leader)
            # a password an admin set is changed at the first login
            t = http(base, "POST", "/api/v1/auth/login", {"login": login, "password": "Fresh-Harbour-2026"})["token"]
            http(base, "POST", "/api/v1/auth/password", {"old": "Fresh-Harbour-2026", "new": "Quiet-Orchard-2027"},
                 token=t)
        except Exception:
            pass  # made by an earlier run on this copy
        gw = http(base, "POST", "/api/v1/auth/login", {"login": login, "password": "Quiet-Orchard-2027"})["token"]
        point = "lat=%.6f&lon=%.6f" % point_of(http(base, "GET", "/api/v1/units/%d" % grids[0]["id"], token=leader))
        res["due"] = wrk("bench/due.lua", base, s, 8, {"LX_TOKEN": gw, "LX_POINT": point})
        due = http(base, "GET", "/api/v1/visits/due?limit=500&" + point, token=gw)
        res["due_items"], res["due_total"] = len(due["items"]), due["total"]
        res["due_comm"] = wrk("bench/due.lua", base, s, 8, {"LX_TOKEN": worker, "LX_POINT": point})
        res["due_comm_total"] = http(base, "GET", "/api/v1/visits/due?limit=500", token=worker)["total"]
        res["cov_grid"] = wrk("bench/coverage.lua", base, s, 8, {"LX_TOKEN": leader, "LX_COV_UNIT": str(grids[0]["id"])})
        res["cov_district"] = wrk("bench/coverage.lua", base, max(2, s // 2), 2,
                                  {"LX_TOKEN": leader, "LX_COV_UNIT": str(district["id"])})
        res["rss_mib"] = rss_peak_kib(proc.pid) / 1024
        codes = [g["code"] for g in http(base, "GET", "/api/v1/units?kind=grid&boundary=false&limit=500",
                                         token=leader)["items"]]
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
        log.close()
    n = min(100000, max(1000, residents // 10))
    csv_path = work + ".import.csv"
    import_csv(csv_path, n, codes)
    res["import_n"] = n
    res["import_s"] = timed_cli(args, "import", "registry", csv_path, "--kind", "residents", "--db", work)
    for f in (csv_path, work, work + "-wal", work + "-shm"):
        if os.path.exists(f) and not args.keep:
            os.remove(f)
    for k in ("due", "due_comm", "cov_grid", "cov_district"):
        if res[k]["errors"] or res[k]["non2xx"]:
            res.setdefault("problems", []).append("%s: %d errors, %d non-2xx" % (k, res[k]["errors"], res[k]["non2xx"]))
    return res


def field_table(f):
    p = lambda r: "p50 %.1f ms, p99 %.1f ms" % (r["p50_ms"], r["p99_ms"])
    rows = ["| figure | target | %s residents, %s visits |" % (format(f["resident_rows"], ","), format(f["visits"], ",")),
            "|---|---|---|",
            "| generate (gen + gen-visits) | | %s |" % ("%.0f s" % f["gen_s"] if f["gen_s"] else "(cached)"),
            "| P9. a grid worker's due list (%d due, nearest first) | p99 < 20 ms | %s |" % (f["due_total"], p(f["due"])),
            "| P9. a community's worker's due list (%d due, the first 500 sent) | | %s |" % (f["due_comm_total"],
                                                                                          p(f["due_comm"])),
            "| P9. a grid's coverage | p99 < 20 ms | %s |" % p(f["cov_grid"]),
            "| P9. the district's coverage (every target read) | | %s |" % p(f["cov_district"]),
            "| P9. import %s residents from CSV (checked, sealed, one transaction) | 100,000 in < 60 s | %.1f s (%.0f/s) |" % (
                format(f["import_n"], ","), f["import_s"], f["import_n"] / f["import_s"]),
            "| P9. server peak RSS | < 1 GiB | %.0f MiB |" % f["rss_mib"]]
    for pr in f.get("problems", []):
        rows.append("Problem: " + pr)
    return "\n".join(rows)


def verdict(ok):
    return "met" if ok else "**missed**"


def table(results):
    rows = []
    head = "| figure | target (10M, 2 cores) | " + " | ".join("%s cases" % format(r["cases"], ",") for r in results) + " |"
    rows.append(head)
    rows.append("|" + "---|" * (2 + len(results)))

    def row(name, target, fmt):
        rows.append("| %s | %s | %s |" % (name, target, " | ".join(fmt(r) for r in results)))
    row("generate the city", "< 10 min for 10M", lambda r: "%.0f s" % r["gen_s"] if r["gen_s"] else "(cached)")
    row("1. floor: GET /healthz", "", lambda r: "%.0f req/s" % r["floor"]["rps"])
    row("2. intake: POST /api/v1/cases", ">= 20,000/s", lambda r: "%.0f/s, p50 %.1f ms, p99 %.1f ms" % (
        r["intake"]["rps"], r["intake"]["p50_ms"], r["intake"]["p99_ms"]))
    row("3. read: GET /api/v1/cases/{id}", ">= 50% of floor", lambda r: "%.0f req/s (%.0f%% of floor)" % (
        r["read"]["rps"], 100 * r["read"]["rps"] / r["floor"]["rps"]))
    row("4. list and search in a street", "p99 < 20 ms", lambda r: "p50 %.1f ms, p99 %.1f ms" % (
        r["list"]["p50_ms"], r["list"]["p99_ms"]))
    row("5. stats summary, district, a year", "p99 < 20 ms", lambda r: "p50 %.1f ms, p99 %.1f ms" % (
        r["stats_district"]["p50_ms"], r["stats_district"]["p99_ms"]))
    row("5. stats summary, street, a year", "", lambda r: "p50 %.1f ms, p99 %.1f ms" % (
        r["stats_street"]["p50_ms"], r["stats_street"]["p99_ms"]))
    row("5. stats by location, district, a year", "p99 < 20 ms", lambda r: "p50 %.1f ms, p99 %.1f ms" % (
        r["stats_district_loc"]["p50_ms"], r["stats_district_loc"]["p99_ms"]))
    row("5. stats by location, street, a year", "p99 < 20 ms", lambda r: "p50 %.1f ms, p99 %.1f ms" % (
        r["stats_street_loc"]["p50_ms"], r["stats_street_loc"]["p99_ms"]))
    row("6. server peak RSS", "< 1 GiB", lambda r: "%.0f MiB" % r["rss_mib"])
    row("P7. login (argon2id), 4 desks at once", ">= 10/s", lambda r: "%.1f/s" % r["login"]["rps"])
    row("P7. audit verify, both chains", "< 5 min", lambda r: "%.1f s" % r["verify_s"])
    row("P7. backup (online), checked", "< 10 min", lambda r: "%.1f s" % r["backup_s"])
    row("6. database bytes per case", "< 2 KiB", lambda r: "%.0f B" % r["bytes_per_case"])
    row("P8. upload a 2 MB photo (12 MP), 4 at once", ">= 4/s, p99 < 2 s", lambda r: "%.1f/s, p99 %.0f ms" % (
        r["upload"]["rps"], r["upload"]["p99_ms"]))
    row("P8. read a thumbnail", ">= 50% of floor", lambda r: "%.0f req/s (%.0f%% of floor), p99 %.1f ms" % (
        r["thumb"]["rps"], 100 * r["thumb"]["rps"] / r["floor"]["rps"], r["thumb"]["p99_ms"]))
    row("P8. bytes stored per photo, copy + thumbnail (not in bytes per case)", "", lambda r: "%.0f KiB" % (
        r["photo_disk_per_file"] / 1024))
    if any("pg" in r for r in results):
        def pg(fmt):
            return lambda r: fmt(r["pg"], r) if "pg" in r else "not run (above --pg-max)"
        row("PostgreSQL: migrate-data (copy + verify)", "", pg(lambda p, r: "%.1f s" % p["migrate_s"]))
        row("PostgreSQL: 2. intake", ">= 20,000/s", pg(lambda p, r: "%.0f/s, p50 %.1f ms, p99 %.1f ms" % (
            p["intake"]["rps"], p["intake"]["p50_ms"], p["intake"]["p99_ms"])))
        row("PostgreSQL: 3. read", ">= 50% of floor", pg(lambda p, r: "%.0f req/s (%.0f%% of floor)" % (
            p["read"]["rps"], 100 * p["read"]["rps"] / r["floor"]["rps"])))
        row("PostgreSQL: 5. stats, district, a year", "p99 < 20 ms", pg(lambda p, r: "p50 %.1f ms, p99 %.1f ms" % (
            p["stats_district"]["p50_ms"], p["stats_district"]["p99_ms"])))
        row("PostgreSQL: 5. stats, street, a year", "", pg(lambda p, r: "p50 %.1f ms, p99 %.1f ms" % (
            p["stats_street"]["p50_ms"], p["stats_street"]["p99_ms"])))
        row("PostgreSQL: 5. stats by location, district, a year", "p99 < 20 ms", pg(
            lambda p, r: "p50 %.1f ms, p99 %.1f ms" % (p["stats_district_loc"]["p50_ms"], p["stats_district_loc"]["p99_ms"])))
        row("PostgreSQL: server peak RSS", "", pg(lambda p, r: "%.0f MiB" % p["rss_mib"]))
    big = results[-1]
    rows.append("")
    rows.append("At %s cases: intake %s, read %s, list %s, stats %s, RSS %s, disk %s." % (
        format(big["cases"], ","),
        verdict(big["intake"]["rps"] >= 20000), verdict(big["read"]["rps"] >= 0.5 * big["floor"]["rps"]),
        verdict(big["list"]["p99_ms"] < 20),
        verdict(big["stats_district"]["p99_ms"] < 20 and big["stats_district_loc"]["p99_ms"] < 20),
        verdict(big["rss_mib"] < 1024), verdict(big["bytes_per_case"] < 2048)))
    for r in results:
        for p in r.get("problems", []):
            rows.append("Problem at %d cases: %s" % (r["cases"], p))
    return "\n".join(rows)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(ROOT, "build-release", "lianxin"))
    ap.add_argument("--scales", default="100000,10000000")
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "results.md"))
    ap.add_argument("--data", default=os.path.join(ROOT, "bench", "data"))
    ap.add_argument("--fresh", action="store_true", help="regenerate cached cities")
    ap.add_argument("--pg-max", type=int, default=1000000,
                    help="the PostgreSQL column only for scales up to this (moving 10M cases takes long)")
    ap.add_argument("--keep", action="store_true", help="keep the served copy")
    ap.add_argument("--field", default="1000000,10000000",
                    help="residents,visits of the field-work city (P9); 'none' to skip")
    ap.add_argument("--notify", type=int, default=20000,
                    help="webhook messages queued for the outbox's throughput (P10); 0 to skip")
    ap.add_argument("--pg", default=os.environ.get("LIANXIN_BENCH_PG"),
                    help="postgresql://... of a cluster: adds the PostgreSQL rows (env LIANXIN_BENCH_PG)")
    args = ap.parse_args()
    results = [run_scale(args, int(n)) for n in args.scales.split(",")] if args.scales != "none" else []
    field = None
    if args.field != "none":
        r, v = (int(x) for x in args.field.split(","))
        field = run_field(args, r, v)
    notify = None
    if args.notify:
        sys.path.insert(0, os.path.join(ROOT, "bench"))
        from notify import notify_table, run_notify
        notify = run_notify(args, args.notify, http, free_port)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                            cwd=ROOT).stdout.strip() or "unknown"
    text = "# lianxin benchmark\n\nMachine: %d cores (`nproc`), commit %s, %s. wrk -t2: 64 connections for " \
           "throughput (floor, read, intake), 8 for latency (list, stats); %d s each. Generated by " \
           "`make bench`; see docs/performance.md for what the figures mean.\n\n%s\n" % (
               os.cpu_count(), commit, datetime.datetime.now().strftime("%Y-%m-%d %H:%M"), args.seconds,
               table(results) if results else "(no case scales run)")
    if field:
        text += "\n## The grid's field work (P9)\n\n%s\n" % field_table(field)
    if notify:
        text += "\n## Notifications (P10)\n\n%s\n" % notify_table(notify)
    if args.pg:
        text += ("\nPostgreSQL rows: each city moved with `lianxin migrate-data` into a fresh database on %s "
                 "(under `make bench`, the throw-away cluster of scripts/pg-test.sh: fsync off), one node, "
                 "the same wrk scripts; read is shown against the SQLite floor.\n"
                 % urllib.parse.urlsplit(args.pg).netloc)
    print(text)
    with open(args.out, "w") as f:
        f.write(text)
    bad = [p for r in results for p in r.get("problems", [])] + (field.get("problems", []) if field else []) + \
        (notify.get("problems", []) if notify else [])
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
