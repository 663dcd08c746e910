"""The scope matrix's part for notifications (P10): a user's inbox is their
own (another user's entry is 404 whatever the role), the templates are
district-wide settings, and the outbox's list is the system admin's only
(its texts name cases of every unit). test_scope_matrix.py merges SCOPE_NOTIFY
into its SCOPE and calls build_inbox for the target "inbox"."""
from conftest import db_exec

GLOBAL = "district-wide, not a unit's: no outside"


def _m():
    import test_scope_matrix as m
    return m


def entry(w, role):
    """An unread inbox entry of role's user (written beside the server: the
    matrix only needs one to exist, whatever raised it)."""
    key = ("inbox", role)
    if key not in w.shared:
        uid = w.me[role]["id"]
        tag = _m().word()
        db_exec(w.server.db, "INSERT INTO inbox(user_id, event, text, msg_key, created_at) VALUES "
                             "(%d, 'case.dispatched', '矩阵 %s', '%s', 1)" % (uid, tag, tag))
        st, b = w.api.get("/api/v1/inbox?limit=200", w.tok[role])
        assert st == 200, b
        w.shared[key] = next(e["id"] for e in b["items"] if e["text"] == "矩阵 " + tag)
    return w.shared[key]


def build_inbox(w, rt, role, where, m, p):
    m_ = _m()
    if m == "GET":
        if role:
            entry(w, role)
        return m_.Call(m, p + "?limit=200", check=lambda st, b, h: check_inbox(w, role, where, b, h))
    # anonymous: someone's entry, all the same 401
    owner = (role or "handler") if where == "inside" else ("dispatcher" if role != "dispatcher" else "handler")
    eid = entry(w, owner)

    def snap():
        st, b = w.api.get("/api/v1/inbox?limit=200", w.tok[owner])
        return [e["read_at"] for e in b["items"] if e["id"] == eid]
    return m_.Call(m, m_.fill(p, id=eid), body=None, snap=snap)


def build_resident(w, rt, role, where, m, p):
    m_ = _m()
    body = {} if m != "GET" else None
    return m_.Call(m, m_.fill(p, id=1), body=body)


def onekey_call(w, where, fresh=False):
    """A press-9 call at the grid inside (桥头) or outside (蔡洼): a resident
    registered there presses 9; the ladder's first step is that grid's (or
    its community's) grid workers. fresh: a new one (a write spends it)."""
    m_ = _m()
    if "onekey_key" not in w.shared:
        st, b = w.api.post("/api/v1/api-keys", {"name": "矩阵电话网关", "kind": "telephony"}, w.root)
        assert st == 201, b
        w.shared["onekey_key"] = b["api_key"]
    key = ("onekey", where)
    if key not in w.shared or fresh:
        grid = w.units["in_grid" if where == "inside" else "out_grid"]
        phone = _phone()
        st, b = w.api.post("/api/v1/registry/residents", {"unit_id": grid["id"], "name": "矩阵老人" + m_.word()[:4],
                                                          "phone": phone}, w.root)
        assert st == 201, b
        st, b, _ = w.api.request("POST", "/api/v1/onekey/calls", {"caller": phone},
                                 headers={"X-Api-Key": w.shared["onekey_key"]})
        assert st == 201, b
        if fresh:
            return b["id"]
        w.shared[key] = b["id"]
    return w.shared[key]


def build_onekey(w, rt, role, where, m, p):
    m_ = _m()
    if "/:id" not in p:
        inside, outside = onekey_call(w, "inside"), onekey_call(w, "outside")

        def check(st, b, h):
            got = {k["id"] for k in b["items"]}
            assert inside in got and outside not in got, b
        return m_.Call(m, p + "?limit=200", check=check)
    spend = m != "GET" and where == "inside" and role in rt["roles"]
    cid = onekey_call(w, where, fresh=spend)

    def snap():
        st, b = w.api.get("/api/v1/onekey/calls/%d" % cid, w.root)
        return b["status"], b["acked_at"], b["arrived_at"], b["closed_at"]

    def check(st, b, h):
        assert b["id"] == cid, b
    return m_.Call(m, m_.fill(p, id=cid), body={} if m != "GET" else None, snap=snap if m != "GET" else None,
                   check=check)


def stream_get(w, path, token):
    """A stream's status and headers (the body never ends), as the matrix's
    (status, body, headers); an error's JSON body is read whole."""
    import http.client
    import json
    import urllib.parse
    u = urllib.parse.urlsplit(w.api.base)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    conn.request("GET", path, headers={"Authorization": "Bearer " + token} if token else {})
    resp = conn.getresponse()
    body = json.loads(resp.read()) if resp.status >= 400 else {}
    headers = dict(resp.getheaders())
    conn.close()
    return resp.status, body, headers


def check_inbox(w, role, where, b, h):
    mine = entry(w, role)
    ids = {e["id"] for e in b["items"]}
    assert mine in ids, b
    others = {w.shared[k] for k in w.shared if isinstance(k, tuple) and k[0] == "inbox" and k[1] != role}
    assert not ids & others, "the inbox shows another user's entries"
    assert isinstance(b["unread"], int)


def _phone():
    import uuid
    return "139%08d" % (uuid.uuid4().int % 10 ** 8)


RESIDENT = "a resident's own session: every staff token is 401 here"

SCOPE_NOTIFY = {
    # residents (P10): public entry points, then the resident's own routes
    "POST /api/v1/resident/code": dict(target="none", why="anyone may ask a code for a number",
                                       body=lambda w, where, role: {"phone": _phone()}),
    "POST /api/v1/resident/login": dict(target="none", ok=(401,), why="a code nobody sent: refused, counted",
                                        body=lambda w, where, role: {"phone": _phone(), "code": "123456"}),
    "GET /api/v1/resident/lookup": dict(target="none", ok=(404,), query="number=20260101000001&digits=0000",
                                        why="a case number and digits: nothing of a unit's"),
    "POST /api/v1/resident/logout": dict(target="resident", why=RESIDENT),
    "GET /api/v1/resident/cases": dict(target="resident", why=RESIDENT),
    "POST /api/v1/resident/cases": dict(target="resident", why=RESIDENT),
    "GET /api/v1/resident/cases/:id": dict(target="resident", why=RESIDENT),
    "POST /api/v1/resident/cases/:id/rate": dict(target="resident", why=RESIDENT),
    "GET /api/v1/resident/categories": dict(target="resident", why=RESIDENT),
    "POST /api/v1/resident/cases/:id/attachments": dict(target="resident", why=RESIDENT),
    "GET /api/v1/resident/attachments/:id": dict(target="resident", why=RESIDENT),
    "GET /api/v1/resident/attachments/:id/thumb": dict(target="resident", why=RESIDENT),
    # the press-9 call (P10): the gateway's own key, then calls seen where they are or by whom they reached
    "POST /api/v1/onekey/calls": dict(target="none", ok=(401,), why="the telephony gateway's key, no user's token",
                                      body=lambda w, where, role: {"caller": _phone()}),
    "POST /api/v1/onekey/sms-reply": dict(target="none", ok=(401,), why="the telephony gateway's key, no user's token",
                                          body=lambda w, where, role: {"from": _phone(), "text": "1"}),
    "POST /api/v1/onekey/fine": dict(target="none", ok=(401,), why="the telephony gateway's key, no user's token",
                                     body=lambda w, where, role: {"caller": _phone()}),
    "GET /api/v1/registry/volunteers": dict(target="none", why="the volunteers of the caller's scope (test_registry)"),
    "GET /api/v1/onekey/calls": dict(target="onekey", wheres=("inside",), why="the calls in the caller's scope"),
    "GET /api/v1/onekey/calls/:id": dict(target="onekey"),
    "GET /api/v1/onekey/stats": dict(target="none", why="the figures of the caller's scope (test_onekey: unit_id)"),
    "POST /api/v1/onekey/calls/:id/ack": dict(
        target="onekey", narrow=dict(roles=("admin", "dispatcher", "grid_worker"), status=403, wheres=("inside",),
                                     why="only those the call reached (here the grid worker) or the desk answer it")),
    "POST /api/v1/onekey/calls/:id/arrive": dict(target="onekey", ok=(409,), why="a call is acknowledged first"),
    "POST /api/v1/onekey/calls/:id/close": dict(target="onekey", ok=(409,), why="a call is acknowledged first"),
    "GET /api/v1/inbox": dict(target="inbox", wheres=("inside",), why="one's own inbox: no unit filter"),
    "GET /api/v1/inbox/stream": dict(target="none", stream=True, why="one's own inbox, live: no unit in it"),
    "POST /api/v1/inbox/read-all": dict(target="none", why="marks the caller's own entries only"),
    "POST /api/v1/inbox/:id/read": dict(target="inbox"),
    "GET /api/v1/notify/templates": dict(target="none", why=GLOBAL),
    "PUT /api/v1/notify/templates": dict(target="none", why=GLOBAL,
                                         body=lambda w, where, role: {"event": "case.reopened", "channel": "sms",
                                                                      "text": "【连心】编号{number}已重新办理（%s）" % role}),
    "GET /api/v1/notify/outbox": dict(target="none", why="every unit's texts: the system admin's alone",
                                      narrow=dict(roles=(), status=403,
                                                  why="an admin of a street is not the system's admin")),
}
