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
