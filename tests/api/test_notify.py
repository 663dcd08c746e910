"""One notification system (P10): a change writes its inbox entries and its
outbox messages in its own transaction; a delivery thread sends the outbox
to a local SMS gateway and webhook (a tiny HTTP server on 127.0.0.1 here),
at least once, with retries and back-off, each message under one id; a
gateway that fails or hangs never slows intake; the texts are data an
admin edits; numbers are masked wherever a person reads the log."""
import hashlib
import hmac
import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from conftest import BACKEND, Server, db_rows, free_port, new_db

PHONE = "13912345678"


class Gateway:
    """An SMS gateway / webhook receiver on 127.0.0.1. `fail` answers 500 that
    many times first; `hang` holds each request until released."""

    def __init__(self, fail=0, hang=False):
        self.fail = fail
        self.hang = threading.Event() if hang else None
        self.inflight = 0       # requests held by `hang` right now
        self.seen = []          # every request: (path, headers, body bytes, status answered)
        self.lock = threading.Lock()
        gw = self

        class H(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if gw.hang is not None:
                    with gw.lock:
                        gw.inflight += 1
                    gw.hang.wait(60)
                    with gw.lock:
                        gw.inflight -= 1
                with gw.lock:
                    status = 500 if gw.fail > 0 else 200
                    if gw.fail > 0:
                        gw.fail -= 1
                    gw.seen.append((self.path, dict(self.headers), body, status))
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *a):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.httpd.daemon_threads = True
        self.url = "http://127.0.0.1:%d" % self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def got(self, path=None, status=None, to=None):
        """What reached the gateway (path, headers, body, status answered),
        texts to one number only when `to` is given."""
        with self.lock:
            seen = [(p, h, json.loads(b), s) for p, h, b, s in self.seen
                    if (path is None or p == path) and (status is None or s == status)]
        return [x for x in seen if to is None or x[2].get("to") == to]

    def close(self):
        if self.hang is not None:
            self.hang.set()
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture()
def gateway():
    made = []

    def make(**kw):
        g = Gateway(**kw)
        made.append(g)
        return g
    yield make
    for g in made:
        g.close()


def env_for(g, **extra):
    e = {"LIANXIN_SMS_URL": g.url + "/sms", "LIANXIN_WEBHOOK_URL": g.url + "/hook",
         "LIANXIN_WEBHOOK_SECRET": "hook-secret-2026", "LIANXIN_NOTIFY_RETRY_MS": "100",
         "LIANXIN_NOTIFY_POLL_MS": "50", "LIANXIN_NOTIFY_TIMEOUT_MS": "1000"}
    e.update(extra)
    return e


def wait_for(fn, timeout=15, what="it"):
    deadline = time.time() + timeout
    while time.time() < deadline:
        v = fn()
        if v:
            return v
        time.sleep(0.05)
    raise AssertionError("waited %ss for %s" % (timeout, what))


def heating_case(api, tok, phone=PHONE, **extra):
    """A heating complaint: the duty list dispatches it to 供热公司 at once."""
    tag = uuid.uuid4().hex[:8]
    body = {"type": "request", "channel": "hotline", "category_code": "0101",
            "title": "暖气不热 " + tag, "description": "市民来电：家里暖气不热。" + tag,
            "reporter": {"name": "王女士", "phone": phone}}
    body.update(extra)
    st, case = api.post("/api/v1/cases", body, tok)
    assert st == 201 and case["status"] == "dispatched", case
    return case


def outbox(s, case_id):
    st, b = s.client.get("/api/v1/notify/outbox?case_id=%d&limit=200" % case_id, s.client.login("admin"))
    assert st == 200, b
    return b["items"]


# ---------------------------------------------------------------- the inbox

def test_work_arriving_fills_the_units_inbox(own_server):
    s = own_server()
    api = s.client
    disp, heat = api.login("dispatcher"), api.login("handler_heat")
    st, before = api.get("/api/v1/inbox?unread=true", heat)
    assert st == 200, before
    case = heating_case(api, disp)
    st, b = api.get("/api/v1/inbox", heat)
    assert st == 200, b
    mine = [e for e in b["items"] if e["case_id"] == case["id"]]
    assert len(mine) == 1, b
    e = mine[0]
    assert e["event"] == "case.dispatched" and e["read_at"] is None
    assert case["title"] in e["text"] and "受理" in e["text"], e
    assert b["unread"] == before["unread"] + 1
    # the dispatcher who sent it is not told of their own step
    st, d = api.get("/api/v1/inbox?limit=200", disp)
    assert st == 200 and not [x for x in d["items"] if x["case_id"] == case["id"]], d
    # read: one's own entry; another user's reads as missing and stays unread
    st, r = api.post("/api/v1/inbox/%d/read" % e["id"], {}, disp)
    assert st == 404 and r["error"]["code"] == "not_found", r
    st, r = api.post("/api/v1/inbox/%d/read" % e["id"], {}, heat)
    assert st == 200 and r["unread"] == before["unread"], r
    st, b = api.get("/api/v1/inbox?unread=true&limit=200", heat)
    assert st == 200 and e["id"] not in [x["id"] for x in b["items"]], b
    st, r = api.post("/api/v1/inbox/%d/read" % e["id"], {}, heat)
    assert st == 200, r     # read twice: still read, nothing else
    st, r = api.post("/api/v1/inbox/read-all", {}, heat)
    assert st == 200 and r["unread"] == 0, r
    st, b = api.get("/api/v1/inbox", heat)
    assert b["unread"] == 0


def test_an_hour_before_the_deadline_the_handler_is_told_once(own_server):
    s = own_server(LIANXIN_SWEEP_MS="100")
    api = s.client
    admin, disp, heat = api.login("admin"), api.login("dispatcher"), api.login("handler_heat")
    code = "DL" + uuid.uuid4().hex[:6].upper()
    st, cat = api.post("/api/v1/categories", {"code": code, "name": "半小时办结", "parent_code": "01",
                                              "case_type": "request", "accept_hours": 0.2, "resolve_hours": 0.5,
                                              "responsible": {"unit_name": "供热公司"}}, admin)
    assert st == 201, cat
    early = heating_case(api, disp)                       # due in a day: no warning yet
    soon = heating_case(api, disp, category_code=code)    # due in half an hour
    st, b = api.post("/api/v1/cases/%d/accept" % soon["id"], {}, heat)
    assert st == 200, b

    def warned():
        # only these two cases: a demo case whose deadline moved when served (a suspension
        # ending, the calendar) is warned of too, rightly
        st, b = api.get("/api/v1/inbox?limit=200", heat)
        return [e for e in b["items"] if e["event"] == "case.deadline" and e["case_id"] in (early["id"], soon["id"])]
    got = wait_for(warned, what="the deadline's inbox entry")
    assert [e["case_id"] for e in got] == [soon["id"]] and "即将超期" in got[0]["text"], got
    time.sleep(0.6)                                       # several sweeps later: still one
    assert len(warned()) == 1, warned()
    assert early["id"] not in [e["case_id"] for e in warned()]


def test_inbox_pages_and_bad_parameters(api):
    heat = api.login("handler_heat")
    st, p1 = api.get("/api/v1/inbox?limit=2", heat)
    assert st == 200 and len(p1["items"]) == 2 and p1["next_cursor"], p1
    st, p2 = api.get("/api/v1/inbox?limit=2&cursor=" + p1["next_cursor"], heat)
    assert st == 200 and p2["items"] and p2["items"][0]["id"] < p1["items"][-1]["id"], p2
    for q in ("limit=0", "limit=abc", "cursor=-1", "unread=maybe", "limit=100000"):
        st, b = api.get("/api/v1/inbox?" + q, heat)
        assert st == 400 and b["error"]["code"] == "bad_parameter", (q, b)
    st, b = api.post("/api/v1/inbox/abc/read", {}, heat)
    assert st == 404, b
    st, b = api.get("/api/v1/inbox")
    assert st == 401, b


def test_supervision_and_approvals_reach_who_must_act(own_server):
    s = own_server()
    api = s.client
    disp, heat, leader = api.login("dispatcher"), api.login("handler_heat"), api.login("leader")
    case = heating_case(api, disp)
    st, c = api.post("/api/v1/cases/%d/supervise" % case["id"], {"note": "尽快处理"}, leader)
    assert st == 200, c
    st, b = api.get("/api/v1/inbox?limit=200", heat)
    ev = {e["event"] for e in b["items"] if e["case_id"] == case["id"]}
    assert "case.supervised" in ev, b
    st, c = api.post("/api/v1/cases/%d/accept" % case["id"], {}, heat)
    assert st == 200, c
    st, c = api.post("/api/v1/cases/%d/extend" % case["id"], {"hours": 24, "reason": "等配件"}, heat)
    assert st == 200 and c["pending"], c
    st, b = api.get("/api/v1/inbox?limit=200", disp)
    asks = [e for e in b["items"] if e["case_id"] == case["id"] and e["event"] == "case.approval"]
    assert len(asks) == 1 and "延期" in asks[0]["text"], b


# ---------------------------------------------------------------- the outbox

def test_the_reporter_is_texted_when_accepted_and_resolved(own_server, gateway):
    g = gateway()
    s = own_server(**env_for(g))
    api = s.client
    disp, heat = api.login("dispatcher"), api.login("handler_heat")
    case = heating_case(api, disp)
    api.post("/api/v1/cases/%d/accept" % case["id"], {}, heat)
    texts = wait_for(lambda: g.got("/sms", 200, PHONE), what="the accepted text")
    path, headers, body, _ = texts[0]
    assert body["to"] == PHONE and case["id"] and "受理" in body["text"], body
    assert headers["X-Lianxin-Delivery"] == body["id"]
    st, c = api.post("/api/v1/cases/%d/resolve" % case["id"], {"reply": "已派人检修，暖气恢复正常"}, heat)
    assert st == 200, c
    texts = wait_for(lambda: len(g.got("/sms", 200, PHONE)) >= 2 and g.got("/sms", 200, PHONE),
                     what="the resolved text")
    resolved = texts[1][2]
    assert "已派人检修" in resolved["text"] and "/r/" in resolved["text"], resolved
    # the webhook heard every notice, each under its id and signed over the
    # exact bytes sent (HMAC-SHA256 with the shared secret)
    hooks = wait_for(lambda: len(g.got("/hook", 200)) >= 3 and g.got("/hook", 200), what="the webhook")
    for path, headers, body, _ in hooks:
        assert headers["X-Lianxin-Delivery"] == body["id"]
    with g.lock:
        raw_hooks = [(h, b) for p, h, b, st in g.seen if p == "/hook" and st == 200]
    for h, b in raw_hooks:
        want = hmac.new(b"hook-secret-2026", b, hashlib.sha256).hexdigest()
        assert h["X-Lianxin-Signature"] == "sha256=" + want
    events = {json.loads(b)["event"] for h, b in raw_hooks}
    assert {"case.dispatched", "case.accepted", "case.resolved"} <= events, events
    rows = outbox(s, case["id"])
    sms = [r for r in rows if r["channel"] == "sms"]
    assert {r["event"] for r in sms} == {"case.accepted", "case.resolved"}
    for r in sms:
        assert r["state"] == "delivered" and r["to"] == "139****5678" and r["attempts"] == 1, r
    # the number is never in the server's log, only its mask
    log = open(s.log.name).read()
    assert PHONE not in log


def test_an_anonymous_reporter_is_not_texted(own_server, gateway):
    g = gateway()
    s = own_server(**env_for(g))
    api = s.client
    disp, heat = api.login("dispatcher"), api.login("handler_heat")
    case = heating_case(api, disp, reporter={"name": "匿名", "phone": "13700001111", "anonymous": True})
    api.post("/api/v1/cases/%d/accept" % case["id"], {}, heat)
    wait_for(lambda: [h for h in g.got("/hook") if h[2]["event"] == "case.accepted"], what="the webhook")
    assert not [r for r in outbox(s, case["id"]) if r["channel"] == "sms"]
    assert not [t for t in g.got("/sms") if t[2]["to"] == "13700001111"]


def test_a_failing_gateway_is_retried_and_each_text_sent_once(own_server, gateway):
    g = gateway(fail=3)
    s = own_server(**env_for(g, LIANXIN_WEBHOOK_URL=""))
    api = s.client
    disp, heat = api.login("dispatcher"), api.login("handler_heat")
    case = heating_case(api, disp)
    api.post("/api/v1/cases/%d/accept" % case["id"], {}, heat)
    ok = wait_for(lambda: g.got("/sms", 200, PHONE), what="delivery after three failures")
    time.sleep(1.0)  # any duplicate would have come by now: back-off is 100, 200, 400 ms
    seen = g.got("/sms", to=PHONE)
    assert [st for _, _, _, st in seen] == [500, 500, 500, 200], seen
    assert len({b["id"] for _, _, b, _ in seen}) == 1, "each attempt carries the same id"
    assert len(ok) == 1
    row = [r for r in outbox(s, case["id"]) if r["channel"] == "sms"][0]
    assert row["state"] == "delivered" and row["attempts"] == 4 and row["last_error"] is None, row
    # once delivered it stays so: nothing more reaches the gateway
    time.sleep(0.5)
    assert len(g.got("/sms", to=PHONE)) == 4


def test_a_dead_gateway_is_given_up_and_recorded(own_server, gateway):
    g = gateway(fail=10 ** 6)
    s = own_server(**env_for(g, LIANXIN_WEBHOOK_URL="", LIANXIN_NOTIFY_GIVE_UP_S="2"))
    api = s.client
    disp, heat = api.login("dispatcher"), api.login("handler_heat")
    case = heating_case(api, disp)
    api.post("/api/v1/cases/%d/accept" % case["id"], {}, heat)
    row = wait_for(lambda: [r for r in outbox(s, case["id"]) if r["channel"] == "sms" and r["state"] == "gave_up"],
                   what="giving up")[0]
    assert row["gave_up_at"] and "500" in row["last_error"] and row["attempts"] >= 2, row
    n = len(g.got("/sms"))
    time.sleep(0.6)
    assert len(g.got("/sms")) == n, "a message given up is not tried again"
    assert "gave_up" in open(s.log.name).read()


def test_a_hanging_gateway_never_holds_up_intake(own_server, gateway):
    g = gateway(hang=True)
    s = own_server(**env_for(g, LIANXIN_NOTIFY_TIMEOUT_MS="30000"))
    api = s.client
    disp, heat = api.login("dispatcher"), api.login("handler_heat")
    first = heating_case(api, disp)
    api.post("/api/v1/cases/%d/accept" % first["id"], {}, heat)
    wait_for(lambda: g.inflight, what="the delivery thread to wait on the gateway")
    # while the delivery thread waits on the gateway, the desk goes on
    ids = [heating_case(api, disp)["id"] for _ in range(10)]
    assert len(set(ids)) == 10
    assert g.inflight == 1 and not g.hang.is_set(), "intake waited for the gateway"
    g.hang.set()
    wait_for(lambda: [r for r in outbox(s, first["id"]) if r["channel"] == "sms" and r["state"] == "delivered"],
             timeout=30, what="delivery once the gateway answered")


def test_a_gateway_timeout_is_a_failed_attempt(own_server, gateway):
    g = gateway(hang=True)
    s = own_server(**env_for(g, LIANXIN_WEBHOOK_URL="", LIANXIN_NOTIFY_TIMEOUT_MS="300"))
    api = s.client
    disp, heat = api.login("dispatcher"), api.login("handler_heat")
    case = heating_case(api, disp)
    api.post("/api/v1/cases/%d/accept" % case["id"], {}, heat)
    row = wait_for(lambda: [r for r in outbox(s, case["id"]) if r["last_error"]], what="a timeout recorded")[0]
    assert row["state"] == "pending" and "imeout" in row["last_error"], row
    g.hang.set()
    wait_for(lambda: [r for r in outbox(s, case["id"]) if r["state"] == "delivered"], what="the retry")


def test_without_a_gateway_texts_go_to_the_log_masked(own_server):
    s = own_server(LIANXIN_NOTIFY_POLL_MS="50")
    api = s.client
    disp, heat = api.login("dispatcher"), api.login("handler_heat")
    case = heating_case(api, disp, phone="13655556666")
    api.post("/api/v1/cases/%d/accept" % case["id"], {}, heat)
    wait_for(lambda: "channel=log event=case.accepted" in open(s.log.name).read(), what="the log adapter")
    log = open(s.log.name).read()
    assert "136****6666" in log and "13655556666" not in log
    rows = [r for r in outbox(s, case["id"]) if r["channel"] == "sms"]
    assert rows and rows[0]["state"] == "delivered", rows
    # the number is sealed at rest, never stored in the clear
    assert not db_rows(s.db, "SELECT id FROM outbox WHERE to_sealed LIKE '%13655556666%' "
                             "OR body LIKE '%13655556666%'")


def test_templates_are_data_an_admin_edits(own_server, gateway):
    g = gateway()
    s = own_server(**env_for(g, LIANXIN_WEBHOOK_URL=""))
    api = s.client
    adm, disp, heat = api.login("admin"), api.login("dispatcher"), api.login("handler_heat")
    st, b = api.get("/api/v1/notify/templates", adm)
    assert st == 200, b
    keys = {(t["event"], t["channel"]) for t in b["items"]}
    assert {("case.accepted", "sms"), ("case.resolved", "sms"), ("case.dispatched", "inbox")} <= keys
    # a notice first, so the node holds the templates when one changes
    first = heating_case(api, disp)
    api.post("/api/v1/cases/%d/accept" % first["id"], {}, heat)
    wait_for(lambda: g.got("/sms", 200, PHONE), what="the first text")
    new = "【连心】{number}号诉求已受理（{unit}），有事请拨12345。"
    st, r, _ = api.request("PUT", "/api/v1/notify/templates", {"event": "case.accepted", "channel": "sms",
                                                           "text": new}, adm)
    assert st == 200, r
    for body, code in (({"event": "case.nothing", "channel": "sms", "text": "x"}, 404),
                       ({"event": "case.accepted", "channel": "sms", "text": ""}, 422),
                       ({"event": "case.accepted", "channel": "sms"}, 422),
                       ({"event": "case.accepted", "channel": "sms", "text": "x" * 501}, 422)):
        st, r, _ = api.request("PUT", "/api/v1/notify/templates", body, adm)
        assert st == code, (body, r)
    st, r, _ = api.request("PUT", "/api/v1/notify/templates", {"event": "case.accepted", "channel": "sms",
                                                           "text": "x"}, disp)
    assert st == 403, r
    case = heating_case(api, disp)
    api.post("/api/v1/cases/%d/accept" % case["id"], {}, heat)
    texts = wait_for(lambda: len(g.got("/sms", 200, PHONE)) >= 2 and g.got("/sms", 200, PHONE), what="the text")
    text = texts[-1][2]["text"]
    # the edit is seen at once on this node, not after the templates' 10 s
    assert text.startswith("【连心】") and "号诉求已受理（供热公司）" in text and "{" not in text, text


def test_the_outbox_list_is_the_system_admins(api):
    st, b = api.get("/api/v1/notify/outbox?limit=5", api.login("admin"))
    assert st == 200 and len(b["items"]) <= 5, b
    st, p1 = api.get("/api/v1/notify/outbox?limit=2", api.login("admin"))
    assert len(p1["items"]) == 2 and p1["next_cursor"], p1
    st, p2 = api.get("/api/v1/notify/outbox?limit=2&cursor=" + p1["next_cursor"], api.login("admin"))
    assert st == 200 and p2["items"][0]["id"] < p1["items"][-1]["id"], p2
    st, pend = api.get("/api/v1/notify/outbox?pending=true&limit=200", api.login("admin"))
    assert all(r["state"] == "pending" for r in pend["items"]), pend
    for r in b["items"]:
        assert r["to"] is None or "****" in r["to"], r
    for q in ("limit=0", "pending=perhaps", "case_id=x"):
        st, b = api.get("/api/v1/notify/outbox?" + q, api.login("admin"))
        assert st == 400, (q, b)
    st, b = api.get("/api/v1/notify/outbox", api.login("dispatcher"))
    assert st == 403, b


def test_the_demo_has_weeks_of_notices(api):
    heat = api.login("handler_heat")
    st, b = api.get("/api/v1/inbox?limit=200", heat)
    assert st == 200 and len(b["items"]) >= 20, b
    assert {e["event"] for e in b["items"]} >= {"case.dispatched"}
    read = [e for e in b["items"] if e["read_at"]]
    assert read and len(read) < len(b["items"]), "old entries read, the last days' waiting"
    st, o = api.get("/api/v1/notify/outbox?limit=50", api.login("admin"))
    assert st == 200 and "delivered" in {r["state"] for r in o["items"]}, o
    assert "gave_up" not in {r["state"] for r in o["items"]}, o


# ---------------------------------------------------------------- several nodes

@pytest.mark.skipif(BACKEND != "postgresql", reason="several nodes share one database only on PostgreSQL")
def test_two_nodes_send_each_message_once(pristine_db, gateway):
    g = gateway()
    db = new_db("notify2", template=pristine_db)
    env = env_for(g, LIANXIN_WEBHOOK_URL="", LIANXIN_NOTIFY_POLL_MS="20")
    a = Server(db, free_port(), env=env)
    b = Server(db, free_port(), env=env)
    try:
        disp, heat = a.client.login("dispatcher"), a.client.login("handler_heat")
        ids = []
        for i in range(20):
            c = heating_case((a if i % 2 else b).client, disp)
            st, _ = (b if i % 2 else a).client.post("/api/v1/cases/%d/accept" % c["id"], {}, heat)
            assert st == 200
            ids.append(c["id"])
        wait_for(lambda: len(g.got("/sms", 200, PHONE)) >= 20, what="twenty texts")
        time.sleep(1.0)
        got = [body["id"] for _, _, body, _ in g.got("/sms", to=PHONE)]
        assert len(got) == 20 and len(set(got)) == 20, got
        owners = db_rows(db, "SELECT DISTINCT lease_owner FROM outbox WHERE channel = 'sms' AND case_id IN (%s)"
                         % ",".join(map(str, ids)))
        assert len(owners) >= 1
    finally:
        assert a.stop() == 0
        assert b.stop() == 0


# ---------------------------------------------------------------- the live inbox

class EventReader:
    """Reads an SSE response on a thread of its own (blocking reads, as a
    browser's EventSource does) into a queue of events ({field: value})."""

    def __init__(self, resp):
        import queue
        self.q = queue.Queue()
        self.resp = resp
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self):
        ev = {}
        try:
            while True:
                line = self.resp.readline()
                if not line:
                    return
                line = line.decode().rstrip("\r\n")
                if not line:
                    if ev:
                        self.q.put(ev)
                    ev = {}
                elif not line.startswith(":"):
                    k, _, v = line.partition(":")
                    ev[k] = v.strip()
        except (OSError, ValueError, AttributeError):
            return  # the test closed the connection

    def next_inbox(self, timeout=10):
        """The data of the next `inbox` event."""
        deadline = time.time() + timeout
        while True:
            ev = self.q.get(timeout=max(0.01, deadline - time.time()))
            if ev.get("event") == "inbox":
                return json.loads(ev["data"])


def test_the_inbox_streams_live(own_server):
    import http.client
    s = own_server()
    api = s.client
    disp, heat = api.login("dispatcher"), api.login("handler_heat")
    conn = http.client.HTTPConnection("127.0.0.1", s.port, timeout=30)
    conn.request("GET", "/api/v1/inbox/stream", headers={"Authorization": "Bearer " + heat})
    resp = conn.getresponse()
    assert resp.status == 200 and resp.getheader("Content-Type").startswith("text/event-stream")
    assert resp.getheader("Cache-Control") == "no-store"
    events = EventReader(resp)
    start = events.next_inbox()
    assert start["unread"] >= 0 and start["newest"] >= 0, start
    # work arrives: the stream says so by itself, within a few seconds
    case = heating_case(api, disp)
    now = events.next_inbox()
    assert now["unread"] == start["unread"] + 1 and now["newest"] > start["newest"], (start, now)
    st, b = api.get("/api/v1/inbox?limit=1", heat)
    assert b["items"][0]["id"] == now["newest"] and b["items"][0]["case_id"] == case["id"]
    # reading it changes the count on the stream too
    api.post("/api/v1/inbox/%d/read" % now["newest"], {}, heat)
    assert events.next_inbox()["unread"] == start["unread"]
    # other requests are served meanwhile; a second stream stays open while the server stops
    assert api.get("/healthz")[0] == 200
    other = http.client.HTTPConnection("127.0.0.1", s.port, timeout=30)
    other.request("GET", "/api/v1/inbox/stream", headers={"Authorization": "Bearer " + disp})
    assert other.getresponse().status == 200
    import socket
    conn.sock.shutdown(socket.SHUT_RDWR)  # wakes the reader's blocked read
    conn.close()
    st, b = api.get("/api/v1/inbox/stream")

    assert st == 401, b


def test_the_server_stops_cleanly_with_streams_left_open(own_server):
    """Browsers leave streams behind; a stop must end every one of them
    (libmicrohttpd aborts when it stops with a connection still waiting)."""
    import http.client
    for round_ in range(4):
        s = own_server()
        tok = s.client.login("handler_heat")
        for _ in range(8):
            c = http.client.HTTPConnection("127.0.0.1", s.port, timeout=10)
            c.request("GET", "/api/v1/inbox/stream", headers={"Authorization": "Bearer " + tok})
            assert c.getresponse().status == 200
            c.close()   # gone: the server learns it only when it writes again
        time.sleep(0.2 * round_)
        assert s.stop() == 0
