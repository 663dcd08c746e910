"""The notification rows of `make bench` (P10), called by bench/run.py.

A demo district served with its SMS gateway and webhook pointed at a small
local receiver (HTTP/1.1, keep-alive, answers 200 at once):
- latency: 200 cases accepted one after another; for each, the time from the
  accept's reply to the webhook's case.accepted event arriving (the path every
  notice takes: the outbox row in the change's transaction, the delivery
  thread's poll, the HTTP POST);
- press-9: 100 calls of the demo's elderly living alone posted by the
  telephony gateway one after another; for each, the time from the call's
  POST to the first carer's text arriving at the SMS gateway;
- throughput: n webhook messages queued in the outbox of the stopped server,
  then the server started and timed until the last is delivered (the receiver
  counts them; each id once).
Only the standard library. Nothing here asserts a timing."""
import json
import os
import shutil
import signal
import sqlite3
import statistics
import subprocess
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Receiver:
    def __init__(self):
        self.lock = threading.Lock()
        self.arrived = {}        # (event, case_id) -> time of arrival
        self.ids = []
        self.sms = []            # (time of arrival, text)
        r = self

        class H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                now = time.monotonic()
                try:
                    ev = json.loads(body)
                except ValueError:
                    ev = {}
                with r.lock:
                    r.ids.append(self.headers.get("X-Lianxin-Delivery"))
                    if "event" in ev:
                        r.arrived.setdefault((ev["event"], ev.get("case_id")), now)
                    if self.path == "/sms":
                        r.sms.append((now, ev.get("text", "")))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *a):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.httpd.daemon_threads = True
        self.url = "http://127.0.0.1:%d" % self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def _serve(args, db, port, env, log):
    proc = subprocess.Popen([args.bin, "serve", "--db", db, "--port", str(port), "--bind", "127.0.0.1"],
                            stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **env})
    base = "http://127.0.0.1:%d" % port
    for _ in range(400):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1)
            return proc, base
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("the server did not start")


def _stop(proc):
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=60)


def _press9(base, http, rcv, res, calls=100):
    """The press-9 rows: call to the first carer's text, p50/p99 ms."""
    admin = http(base, "POST", "/api/v1/auth/login", {"login": "admin", "password": "lianxin2026"})["token"]
    key = http(base, "POST", "/api/v1/api-keys", {"name": "基准电话网关", "kind": "telephony", "rate_limit": 100000},
               token=admin)["api_key"]
    elders = http(base, "GET", "/api/v1/registry/residents?tag=%E7%8B%AC%E5%B1%85%E8%80%81%E4%BA%BA&limit=50",
                  token=admin)["items"]
    phones = [http(base, "GET", "/api/v1/registry/residents/%d/unmasked?reason=%s" % (
        e["id"], "%E5%9F%BA%E5%87%86"), token=admin)["phone"] for e in elders if e.get("carers")]
    lat = []
    for i in range(calls if phones else 0):
        with rcv.lock:
            seen = len(rcv.sms)
        req = urllib.request.Request(base + "/api/v1/onekey/calls", method="POST",
                                     data=json.dumps({"caller": phones[i % len(phones)]}).encode(),
                                     headers={"Content-Type": "application/json", "X-Api-Key": key})
        t0 = time.monotonic()
        with urllib.request.urlopen(req, timeout=60) as r:
            json.loads(r.read())
        deadline = t0 + 10
        while time.monotonic() < deadline:
            with rcv.lock:
                hit = [t for t, text in rcv.sms[seen:] if "一键呼叫" in text]
            if hit:
                lat.append((hit[0] - t0) * 1000)
                break
            time.sleep(0.002)
    lat.sort()
    res["press9_n"] = len(lat)
    res["press9_p50_ms"] = statistics.median(lat) if lat else None
    res["press9_p99_ms"] = lat[max(0, int(len(lat) * 0.99) - 1)] if lat else None
    if len(lat) < calls:
        res.setdefault("problems", []).append("press-9: only %d of %d calls' texts arrived" % (len(lat), calls))


def run_notify(args, n, http, free_port):
    os.makedirs(args.data, exist_ok=True)
    pristine = os.path.join(args.data, "notify-demo.db")
    if not os.path.exists(pristine) or args.fresh:
        for f in (pristine, pristine + "-wal", pristine + "-shm"):
            if os.path.exists(f):
                os.remove(f)
        r = subprocess.run([args.bin, "demo", "--db", pristine], capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError("demo failed: " + r.stderr)
    work = pristine + ".run.db"
    shutil.copy(pristine, work)
    rcv = Receiver()
    env = {"LIANXIN_SWEEP_MS": "600000", "LIANXIN_SMS_URL": rcv.url + "/sms", "LIANXIN_WEBHOOK_URL": rcv.url + "/hook",
           "LIANXIN_WEBHOOK_SECRET": "bench-secret"}
    res = {"n": n}
    log = open(work + ".log", "w")
    try:
        proc, base = _serve(args, work, free_port(), env, log)
        try:
            disp = http(base, "POST", "/api/v1/auth/login", {"login": "dispatcher", "password": "lianxin2026"})["token"]
            heat = http(base, "POST", "/api/v1/auth/login", {"login": "handler_heat", "password": "lianxin2026"})["token"]
            lat = []
            for i in range(200):
                c = http(base, "POST", "/api/v1/cases", {
                    "type": "request", "channel": "hotline", "category_code": "0101", "title": "暖气不热 基准%d" % i,
                    "description": "基准：暖气不热", "reporter": {"name": "王女士", "phone": "139%08d" % i}}, token=disp)
                http(base, "POST", "/api/v1/cases/%d/accept" % c["id"], {}, token=heat)
                t0 = time.monotonic()
                deadline = t0 + 10
                while time.monotonic() < deadline:
                    with rcv.lock:
                        at = rcv.arrived.get(("case.accepted", c["id"]))
                    if at:
                        lat.append((at - t0) * 1000)
                        break
                    time.sleep(0.002)
            lat.sort()
            res["latency_n"] = len(lat)
            res["latency_p50_ms"] = statistics.median(lat) if lat else None
            res["latency_p99_ms"] = lat[int(len(lat) * 0.99) - 1] if lat else None
            _press9(base, http, rcv, res)
        finally:
            _stop(proc)
        # throughput: n messages queued while the server is down
        conn = sqlite3.connect(work)
        now = int(time.time() * 1000)
        conn.executemany("INSERT INTO outbox(msg_key, channel, event, body, next_at, created_at) "
                         "VALUES (?, 'webhook', 'bench.event', ?, ?, ?)",
                         (("bench:%d" % i, json.dumps({"id": "bench:%d" % i, "event": "bench.event", "n": i}),
                           now, now) for i in range(n)))
        conn.commit()
        conn.close()
        with rcv.lock:
            before = len(rcv.ids)
        t0 = time.monotonic()
        proc, base = _serve(args, work, free_port(), env, log)
        try:
            deadline = time.monotonic() + 600
            while time.monotonic() < deadline:
                with rcv.lock:
                    got = len(rcv.ids) - before
                if got >= n:
                    break
                time.sleep(0.01)
            res["throughput_s"] = time.monotonic() - t0
            with rcv.lock:
                ids = rcv.ids[before:]
            res["delivered"] = len(ids)
            res["duplicates"] = len(ids) - len(set(ids))
        finally:
            _stop(proc)
    finally:
        log.close()
        rcv.close()
        for f in (work, work + "-wal", work + "-shm", work + ".log"):
            if os.path.exists(f) and not args.keep:
                os.remove(f)
    if res.get("delivered", 0) < n or res.get("duplicates"):
        res.setdefault("problems", []).append("outbox: %s of %d delivered, %s duplicates" % (
            res.get("delivered"), n, res.get("duplicates")))
    if res.get("latency_n", 0) < 200:
        res.setdefault("problems", []).append("latency: only %s of 200 notices arrived" % res.get("latency_n"))
    return res


def notify_table(r):
    rate = r["n"] / r["throughput_s"] if r.get("throughput_s") else 0
    rows = ["| figure | target | measured |", "|---|---|---|",
            "| P10. a change to its notice at the webhook (accept → case.accepted), %d cases | p99 < 1 s | "
            "p50 %.0f ms, p99 %.0f ms |" % (r["latency_n"], r["latency_p50_ms"] or 0, r["latency_p99_ms"] or 0),
            "| P10. a press-9 call to its first carer's text at the SMS gateway, %d calls | p99 < 1 s | "
            "p50 %.0f ms, p99 %.0f ms |" % (r.get("press9_n") or 0, r.get("press9_p50_ms") or 0, r.get("press9_p99_ms") or 0),
            "| P10. outbox throughput: %s webhook messages queued, then sent to a local receiver | ≥ 500/s | "
            "%.0f/s (%.1f s, %d duplicates) |" % (format(r["n"], ","), rate, r.get("throughput_s") or 0,
                                                  r.get("duplicates") or 0)]
    for p in r.get("problems", []):
        rows.append("Problem: " + p)
    return "\n".join(rows)
