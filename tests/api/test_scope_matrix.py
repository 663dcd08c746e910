"""The scope matrix (P7): every route of the table (`lianxin routes`) x every
role x a target inside and outside the caller's scope, with the expected
status taken from the route's declared roles.

Each role is played by a demo user of narrow scope, all in 桥头街道 (two made
here with `lianxin user`, since the demo has no street admin and only a
district deputy); the inside targets lie in 桥头社区 (the scope of the grid
worker and the volunteer, so inside everyone's), the outside ones in 蔡洼街道.

For a route and a role:
- no token: 401, unless the route is public;
- a role the route does not declare: 403 whatever the target, except on the
  routes that check roles once the object is found in scope (roles_in_scope:
  the workflow actions), where an outside target stays 404;
- a declared role, target outside the scope: 404 for an id in the path, 422
  for a unit or case named in the body (its field says which), an empty
  page for a list; and a write changes nothing;
- a declared role, target inside: a status of the route's own set (`ok`).
A list route's inside answer holds only items of the caller's subtree.

How each route is tried lives in SCOPE, keyed by "METHOD path": a route of
the table without an entry fails (so a new route needs a scope decision),
and so does an entry without a route. The module runs its own server on a
fresh copy of the demo database; every write that spends its target (an
action, a revocation) gets a fresh one.
"""
import csv
import io
import json
import re
import subprocess
import urllib.error
import urllib.request
import uuid
import zipfile

import pytest

from conftest import BIN, DEMO_PASSWORD, Server, db_rows, free_port, new_db, run_cli
from test_scope import point_inside

ROLE_USERS = {
    "admin": "mx_admin",            # `lianxin user` below: an admin of 桥头街道
    "dispatcher": "dispatcher_qiaotou",
    "handler": "handler_qiaotou",
    "grid_worker": "gw_qiaotou",    # 桥头社区
    "leader": "leader_qiaotou",
    "deputy": "mx_deputy",          # `lianxin user` below: the demo's deputy is the district's
    "volunteer": "volunteer",       # 桥头社区
}
ROLES = list(ROLE_USERS)
CLI_USERS = {"mx_admin": "admin", "mx_deputy": "deputy"}   # made in 桥头街道
JSON = {"Content-Type": "application/json"}


def word():
    return "mx" + uuid.uuid4().hex[:12]


# ---------------------------------------------------------------- the scope decisions
#
# target: what the route acts on, and so how inside and outside are built:
#   none        nothing scoped: the service, district-wide settings (categories,
#               the calendar, api keys, the workflows), Open311's public lists
#   login, session, me   the caller's own log-in, token, record
#   list        a list of scoped items (check: what each item must be; outside:
#               a filter naming a unit of 蔡洼: unit_id, or parent_id for units)
#   new         a write creating something; inside and outside are the unit the
#               body puts it under (make: which kind of thing)
#   point       /locate: a point in a 桥头社区 grid, or in a 蔡洼 one
#   case, task, unit, user, category, apikey, open311   the object in the path
#               (case, task: in `state`, see STATES)
# wheres: the targets tried, when not the usual inside, outside and `more`.
# ok: the statuses a declared role may get at the inside target (default 200).
# outside: what a declared role gets at the outside target (default 404; a
#   tuple for several; None: there is no outside, and `why` says why).
# more: further targets outside ({name: status}): a body naming a unit or case
#   of 蔡洼 (outside_ref), a top-level unit (outside_top), a point (outside_point).
# narrow: the handler allows fewer roles than the table declares.
# own_errors: the route answers a failure in its own form (the import's
#   counts and lines), not the contract's error.
# leak: {target: (roles, reason)}: known scope leaks, xfail(strict) for those
#   roles until the server is mended.

def A(state, body=None, **kw):
    """A workflow action on a case in `state` (see STATES)."""
    return dict(target="case", state=state, body=body or {}, **kw)


GLOBAL = "district-wide, not a unit's: no outside"
INTAKE_ROLES = ("admin", "dispatcher", "handler", "grid_worker", "deputy", "volunteer")

SCOPE = {
    # service and the caller's own session
    "GET /healthz": dict(target="none"),
    "GET /metrics": dict(target="none"),
    "POST /api/v1/auth/login": dict(target="login", why="anyone may log in: the body names who"),
    "POST /api/v1/auth/logout": dict(target="session", why="revokes the caller's own token"),
    "GET /api/v1/auth/me": dict(target="me"),
    "POST /api/v1/auth/password": dict(target="none", ok=(422,), why="the caller's own password: a wrong old "
                                       "one here, so nothing changes",
                                       body=lambda w, where, role: {"old": "not-my-password-1",
                                                                    "new": "Fresh-Harbour-2026"}),
    "POST /api/v1/auth/totp/enroll": dict(target="none", why="the caller's own second factor (left unconfirmed)"),
    "POST /api/v1/auth/totp/confirm": dict(target="none", ok=(409, 422), why="the caller's own second factor",
                                           body=lambda w, where, role: {"code": "000000"}),
    "GET /api/v1/audit": dict(target="none", why=GLOBAL),
    # users
    "GET /api/v1/users": dict(target="list", check="users", outside=None, why="the list takes no unit filter"),
    "POST /api/v1/users": dict(target="new", make="user", ok=(201,), outside=422,
                               more={"outside_top": (403, 422)}),
    "GET /api/v1/users/:id": dict(target="user", wheres=("self", "inside", "outside"),
                                  narrow=dict(roles=("admin", "dispatcher"), status=403,
                                              why="others read only their own record (403 first)")),
    "POST /api/v1/users/:id/unlock": dict(target="user"),
    "POST /api/v1/users/:id/totp/reset": dict(target="user"),
    "PATCH /api/v1/users/:id": dict(target="user", body=lambda w, where, role: {"name": "矩阵改名" + role},
                                    more={"outside_ref": 422}),
    # the grid
    "GET /api/v1/units": dict(target="list", check="units", outside=(200,)),
    "POST /api/v1/units": dict(target="new", make="unit", ok=(201,), outside=422,
                               more={"outside_top": (403, 422)}),
    "POST /api/v1/units/import": dict(target="new", make="import", ok=(200,), outside=422, own_errors=True,
                                      more={"outside_top": (403, 422)}),
    "GET /api/v1/units/:id": dict(target="unit"),
    "PATCH /api/v1/units/:id": dict(target="unit", body=lambda w, where, role: {"name": "矩阵单位" + role}),
    "GET /api/v1/locate": dict(target="point"),
    # categories, workflows, the calendar
    "GET /api/v1/categories": dict(target="none"),
    "POST /api/v1/categories": dict(target="none", ok=(201,), why=GLOBAL,
                                    body=lambda w, where, role: w.category_body(word()[:12])),
    "PATCH /api/v1/categories/:code": dict(target="category", outside=None, why=GLOBAL,
                                           body=lambda w, where, role: {"name": "矩阵类别" + role}),
    "GET /api/v1/workflows": dict(target="none"),
    "GET /api/v1/calendar": dict(target="none", query="from=2031-03-01&to=2031-03-07"),
    "PUT /api/v1/calendar": dict(target="none", why=GLOBAL,
                                 body=lambda w, where, role: {"days": [{"date": "2031-03-03", "workday": True,
                                                                        "note": "矩阵" + role}]}),
    # cases
    "GET /api/v1/cases": dict(target="list", check="cases", query="limit=100"),
    "GET /api/v1/cases/export.xlsx": dict(target="list", check="export_xlsx", query="limit=100"),
    "GET /api/v1/cases/export.csv": dict(target="list", check="export_csv", query="limit=100"),
    "POST /api/v1/cases": dict(target="new", make="case", ok=(201,), outside=422,
                               more={"outside_point": (422,)}),
    "GET /api/v1/cases/:id": dict(target="case", state="dispatched"),
    "GET /api/v1/stats/summary": dict(target="list", check="stats"),
    # photos and files: where their case is (P8)
    "POST /api/v1/cases/:id/attachments": dict(target="attachment", ok=(201,)),
    "GET /api/v1/attachments/:id": dict(target="attachment"),
    "GET /api/v1/attachments/:id/thumb": dict(target="attachment"),
    "DELETE /api/v1/attachments/:id": dict(target="attachment", ok=(403,),
                                           why="only who added a file removes it: the matrix's are the root's"),
    "GET /open311/v2/media/:id": dict(target="attachment", why="public by GeoReport: a request's photo"),
    "GET /api/v1/units/names": dict(target="names", outside=None,
                                    why="one call names units inside and outside: the outside ones are left out"),
    # the registry (P9): where the entry's unit is
    "GET /api/v1/registry/tags": dict(target="none"),
    "PUT /api/v1/registry/tags": dict(target="none", why=GLOBAL,
                                      body=lambda w, where, role: {"name": "矩阵" + word()[2:8], "sort": 999}),
    "GET /api/v1/registry/households": dict(target="list", check="registry", query="limit=500"),
    "POST /api/v1/registry/households": dict(target="new", make="household", ok=(201,), outside=422),
    "GET /api/v1/registry/households/:id": dict(target="registry", kind="household"),
    "PATCH /api/v1/registry/households/:id": dict(target="registry", kind="household",
                                                  body=lambda w, where, role: {"members": 3},
                                                  more={"outside_ref": 422}),
    "GET /api/v1/registry/residents": dict(target="list", check="registry", query="limit=500"),
    "POST /api/v1/registry/residents": dict(target="new", make="resident", ok=(201,), outside=422),
    "GET /api/v1/registry/residents/:id": dict(target="registry", kind="resident"),
    "PATCH /api/v1/registry/residents/:id": dict(target="registry", kind="resident",
                                                 body=lambda w, where, role: {"name": "矩阵改名"}),
    "GET /api/v1/registry/residents/:id/unmasked": dict(
        target="registry", kind="resident", query="reason=矩阵核对",
        narrow=dict(roles=("admin",), status=403, wheres=("inside",),
                    why="found in scope first (404), then the unmask right (admin by default)")),
    "GET /api/v1/registry/places": dict(target="list", check="registry", query="limit=500"),
    "POST /api/v1/registry/places": dict(target="new", make="place", ok=(201,), outside=422),
    "GET /api/v1/registry/places/:id": dict(target="registry", kind="place"),
    "PATCH /api/v1/registry/places/:id": dict(target="registry", kind="place",
                                              body=lambda w, where, role: {"contact": "矩阵联系人"}),
    "GET /api/v1/registry/organisations": dict(target="list", check="registry", query="limit=500"),
    "POST /api/v1/registry/organisations": dict(target="new", make="org", ok=(201,), outside=422),
    "GET /api/v1/registry/organisations/:id": dict(target="registry", kind="org"),
    "PATCH /api/v1/registry/organisations/:id": dict(target="registry", kind="org",
                                                     body=lambda w, where, role: {"contact": "矩阵联系人"}),
    "POST /api/v1/registry/import": dict(target="new", make="reg_import", ok=(200,), outside=422, own_errors=True),
    # forms, visit plans, visits, the hazard ledger (P9)
    "GET /api/v1/forms": dict(target="none"),
    "POST /api/v1/forms": dict(target="none", ok=(201,), why=GLOBAL,
                               body=lambda w, where, role: {"name": "矩阵表单", "questions": [
                                   {"name": "ok", "type": "yes_no", "label": "正常"}]}),
    "GET /api/v1/forms/:id": dict(target="form", outside=None, why=GLOBAL),
    "PATCH /api/v1/forms/:id": dict(target="form", outside=None, why=GLOBAL,
                                    body=lambda w, where, role: {"name": "矩阵表单" + role}),
    "GET /api/v1/visit-plans": dict(target="list", check="plans", outside=(200,),
                                    why="the caller's plans: the list takes no unit filter"),
    "POST /api/v1/visit-plans": dict(target="new", make="plan", ok=(201,), outside=422),
    "GET /api/v1/visit-plans/:id": dict(target="plan"),
    "GET /api/v1/visits/due": dict(target="list", check="due", outside=(200,),
                                   why="the caller's own due list: no unit filter"),
    "GET /api/v1/visits/coverage": dict(target="list", check="coverage"),
    "POST /api/v1/visits/photos": dict(target="none", ok=(201,), raw="png",
                                       why="the caller's own photo, no case yet: its uploader's until a visit claims it"),
    "POST /api/v1/visits": dict(target="new", make="visit", ok=(201,), outside=404),
    "GET /api/v1/visits": dict(target="list", check="visits", outside=(200,),
                               why="visits of the caller's scope: the list takes no unit filter"),
    "GET /api/v1/visits/:id": dict(target="visit"),
    "GET /api/v1/hazards": dict(target="list", check="hazards"),
    "GET /api/v1/hazards/export.xlsx": dict(target="list", check="hazards_xlsx"),
    # Open311 GeoReport v2: public by the specification, its own keys
    "GET /open311/v2/discovery.:fmt": dict(target="none"),
    "GET /open311/v2/services.:fmt": dict(target="none"),
    "GET /open311/v2/services/:code.:fmt": dict(target="open311", why="public: services are the categories"),
    "GET /open311/v2/requests.:fmt": dict(target="none", why="public by GeoReport"),
    "POST /open311/v2/requests.:fmt": dict(target="none", raw="open311_request", why="its own api_key"),
    "GET /open311/v2/requests/:id.:fmt": dict(target="open311", why="public by GeoReport"),
    "GET /open311/v2/tokens/:token.:fmt": dict(target="open311", why="public by GeoReport"),
    "GET /open311/v2/servicerequestupdates.:fmt": dict(target="none", why="public (FixMyStreet)"),
    "POST /open311/v2/servicerequestupdates.:fmt": dict(target="none", raw="open311_update",
                                                        why="its own api_key"),
    # api keys (the district's)
    "GET /api/v1/api-keys": dict(target="none", why=GLOBAL),
    "POST /api/v1/api-keys": dict(target="none", ok=(201,), why=GLOBAL,
                                  body=lambda w, where, role: {"name": "矩阵" + word()}),
    "DELETE /api/v1/api-keys/:id": dict(target="apikey", outside=None, why=GLOBAL),
    # the workflow actions (roles_in_scope), each on a case where it is legal
    "POST /api/v1/cases/:id/dispatch": A("new", lambda w, where, role: {"unit_id": w.units["in_comm"]["id"]},
                                         more={"outside_ref": 422}),
    "POST /api/v1/cases/:id/accept": A("dispatched"),
    "POST /api/v1/cases/:id/return": A("dispatched", {"reason": "矩阵退回"}),
    "POST /api/v1/cases/:id/escalate": A("dispatched", {"reason": "矩阵上报"}),
    "POST /api/v1/cases/:id/assist": A("accepted", lambda w, where, role: {"unit_ids": [w.units["dept"]["id"]]}),
    "POST /api/v1/cases/:id/tasks/:task/done": dict(target="task", state="tasked", body={}),
    "POST /api/v1/cases/:id/suspend": A("accepted", {"reason": "矩阵挂起"}),
    "POST /api/v1/cases/:id/suspend_approve": A("suspend_pending"),
    "POST /api/v1/cases/:id/suspend_reject": A("suspend_pending", {"reason": "矩阵驳回挂起"}),
    "POST /api/v1/cases/:id/resume": A("suspended"),
    "POST /api/v1/cases/:id/extend": A("accepted", {"hours": 4, "reason": "矩阵延期"}),
    "POST /api/v1/cases/:id/extension_approve": A("extension"),
    "POST /api/v1/cases/:id/extension_reject": A("extension", {"reason": "矩阵驳回延期"}),
    "POST /api/v1/cases/:id/resolve": A("accepted", {"reply": "矩阵办结"}),
    "POST /api/v1/cases/:id/verify": A("verifying", {"passed": True}),
    "POST /api/v1/cases/:id/reopen": A("resolved", {"reason": "矩阵重办"}),
    # the route opens to everyone a press-9 call reached (the onekey machine's close); a request's is the desk's
    "POST /api/v1/cases/:id/close": A("resolved", narrow=dict(roles=("admin", "dispatcher"), status=403,
                                                              wheres=("inside",),
                                                              why="the desk closes a request")),
    "POST /api/v1/cases/:id/supervise": A("accepted", {"note": "矩阵督办"}),
    "POST /api/v1/cases/:id/comment": A("dispatched", {"note": "矩阵留言"}),
    "POST /api/v1/cases/:id/appeal": A("reopened", {"reason": "矩阵申诉"}),
    "POST /api/v1/cases/:id/appeal_decide": A("appealed", {"upheld": True}),
    "POST /api/v1/cases/:id/invalid": A("dispatched", {"reason": "矩阵作废"}),
    "POST /api/v1/cases/:id/merge": A("new", lambda w, where, role: {"into_id": w.master("inside")},
                                      more={"outside_ref": 422}),
    "POST /api/v1/cases/:id/rate": A("resolved", {"rating": "satisfied", "solved": True}),
    # a press-9 call's steps (test_onekey.py fires them on calls): a request has none
    "POST /api/v1/cases/:id/ack": A("dispatched", ok=(403,), why="no such step for a request: the engine refuses it"),
    "POST /api/v1/cases/:id/arrive": A("dispatched", ok=(403,), why="no such step for a request: the engine refuses it"),
}

# How a case reaches a state: (who, action, body) from a new case; "root" is
# the district's admin, "handler" the street's handler (桥头 or 蔡洼).
_ACCEPTED = [("root", "dispatch", "comm"), ("root", "accept", {})]
_RESOLVED = _ACCEPTED + [("root", "resolve", {"reply": "已处理"})]
_REOPENED = _RESOLVED + [("root", "rate", {"rating": "unsatisfied", "solved": False})]
STATES = {
    "new": [],
    "dispatched": [("root", "dispatch", "comm")],
    "accepted": _ACCEPTED,
    "suspended": _ACCEPTED + [("root", "suspend", {"reason": "等待鉴定"})],
    "suspend_pending": _ACCEPTED + [("handler", "suspend", {"reason": "等待鉴定"})],
    "extension": _ACCEPTED + [("root", "extend", {"hours": 4, "reason": "需协调"})],
    "tasked": _ACCEPTED + [("root", "assist", "grid")],
    "verifying": _RESOLVED,
    "resolved": _RESOLVED,
    "reopened": _REOPENED,
    "appealed": _REOPENED + [("root", "appeal", {"reason": "已依法答复"})],
}
# the status a state shows, and its pending request
SHOWN = {"suspend_pending": ("accepted", "suspension"), "extension": ("accepted", "extension"),
         "tasked": ("accepted", None), "appealed": ("reopened", "appeal")}
CATEGORY_OF = {"verifying": "verify", "suspend_pending": "suspend_approval"}


# ---------------------------------------------------------------- the table

_TABLE = None


def table():
    global _TABLE
    if _TABLE is None:
        r = subprocess.run([BIN, "routes"], capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, "%s routes: %s" % (BIN, r.stderr)
        _TABLE = json.loads(r.stdout)
        for rt in _TABLE:
            assert "roles_in_scope" in rt, "`lianxin routes` must say roles_in_scope"
    return _TABLE


def key(rt):
    return "%s %s" % (rt["method"], rt["path"])


def missing(k):
    return "route %s has no scope decision: add it to SCOPE in tests/api/test_scope_matrix.py" % k


def wheres(d):
    """The targets a decision tries."""
    if d is None:
        return ("inside",)
    if "wheres" in d:
        return d["wheres"]
    if d["target"] in ("none", "login", "session", "me", "open311", "resident"):
        return ("inside",)
    base = ("inside",) if d.get("outside", 404) is None else ("inside", "outside")
    return base + tuple(d.get("more", {}))


def pytest_generate_tests(metafunc):
    if "route" not in metafunc.fixturenames:
        return
    params = []
    for rt in table():
        k = key(rt)
        d = SCOPE.get(k)
        if "role" not in metafunc.fixturenames:
            params.append(pytest.param(rt, id=k))
            continue
        for role in ROLES:
            for where in wheres(d):
                marks = []
                roles, reason = (d or {}).get("leak", {}).get(where, ((), None))
                if reason and role in roles:
                    marks.append(pytest.mark.xfail(strict=True, reason="scope leak: " + reason))
                params.append(pytest.param(rt, role, where, id="%s|%s|%s" % (k, role, where), marks=marks))
    names = "route" if "role" not in metafunc.fixturenames else "route,role,where"
    metafunc.parametrize(names, params)


# ---------------------------------------------------------------- the world

def in_scope(scope, path):
    return path is not None and path.startswith(scope)


class World:
    def __init__(self, server):
        self.server = server
        self.api = server.client
        self.passwords = {}
        self.root = self.login("admin")
        self.tok = {role: self.login(u) for role, u in ROLE_USERS.items()}
        self.me = {}
        for role, t in self.tok.items():
            st, b = self.api.get("/api/v1/auth/me", t)
            assert st == 200 and b["login"] == ROLE_USERS[role] and role in b["roles"], b
            self.me[role] = b
        self.refresh_units()
        self.scope = {role: self.path_of[self.me[role]["unit_id"]] for role in ROLES}
        self.units = self.find_units()
        self.points = {where: self.point_in(self.units[g]) for where, g in (("inside", "in_grid"),
                                                                           ("outside", "out_grid"))}
        self.cats = {}
        for flag in ("verify", "suspend_approval", "patch"):
            code = "MX" + uuid.uuid4().hex[:8].upper()
            body = self.category_body(code)
            if flag != "patch":
                body[flag] = True
            st, b = self.api.post("/api/v1/categories", body, self.root)
            assert st == 201, b
            self.cats[flag] = code
        self.users = self.make_users()
        st, b = self.api.post("/api/v1/units", {"kind": "district", "code": "MXTOP" + uuid.uuid4().hex[:6],
                                                "name": "矩阵外区"}, self.root)
        assert st == 201, b
        self.units["top"] = b
        st, b = self.api.post("/api/v1/units", {"kind": "grid", "code": "MXG" + uuid.uuid4().hex[:8],
                                                "name": "矩阵网格", "parent_id": self.units["in_comm"]["id"]},
                              self.root)
        assert st == 201, b
        self.units["in_new"] = b
        self.refresh_units()
        st, b = self.api.post("/api/v1/api-keys", {"name": "矩阵 open311"}, self.root)
        assert st == 201, b
        self.api_key = b["api_key"]
        self.open311 = self.open311_setup()
        self.shared = {}
        self.masters = {}

    # -- helpers
    def login(self, login):
        """A fresh token; a password that must be changed first is changed
        (users made by `lianxin user` may count as such)."""
        pw = self.passwords.get(login, DEMO_PASSWORD)
        st, b = self.api.post("/api/v1/auth/login", {"login": login, "password": pw})
        assert st == 200, (login, b)
        if b.get("password_change_required"):
            new = pw + "-mx"
            st, c = self.api.post("/api/v1/auth/password", {"old": pw, "new": new}, b["token"])
            assert st in (200, 204), c
            self.passwords[login] = new
            st, b = self.api.post("/api/v1/auth/login", {"login": login, "password": new})
            assert st == 200 and not b.get("password_change_required"), (login, b)
        return b["token"]

    def refresh_units(self):
        st, b = self.api.get("/api/v1/units?boundary=false", self.root)
        assert st == 200, b
        self.all_units = {u["id"]: u for u in b["items"]}
        self.path_of = {u["id"]: u["path"] for u in b["items"]}

    def unit_with_boundary(self, uid):
        st, b = self.api.get("/api/v1/units/%d" % uid, self.root)
        assert st == 200, b
        return b

    def find_units(self):
        by_name = {(u["kind"], u["name"]): u for u in self.all_units.values()}
        qiaotou, caiwa = by_name[("street", "桥头街道")], by_name[("street", "蔡洼街道")]
        for role in ROLES:
            assert in_scope(qiaotou["path"], self.scope[role]), (role, self.scope[role])
        in_comm = self.all_units[self.me["grid_worker"]["unit_id"]]
        assert self.me["volunteer"]["unit_id"] == in_comm["id"]
        assert in_comm["parent_id"] == qiaotou["id"]

        def grid_under(comm):
            for u in sorted(self.all_units.values(), key=lambda u: u["id"]):
                if u["parent_id"] == comm["id"] and u["kind"] == "grid":
                    g = self.unit_with_boundary(u["id"])
                    if g.get("boundary"):
                        return g
            raise AssertionError("no grid with a boundary under %s" % comm["name"])
        out_comm = next(u for u in sorted(self.all_units.values(), key=lambda u: u["id"])
                        if u["parent_id"] == caiwa["id"] and u["kind"] in ("community", "village"))
        return {"qiaotou": qiaotou, "caiwa": caiwa, "in_comm": in_comm, "in_grid": grid_under(in_comm),
                "out_comm": out_comm, "out_grid": grid_under(out_comm), "dept": by_name[("department", "城管局")]}

    def point_in(self, grid):
        lon, lat = point_inside(grid["boundary"])
        st, b = self.api.get("/api/v1/locate?lat=%.7f&lon=%.7f" % (lat, lon), self.root)
        assert st == 200 and b["unit"]["id"] == grid["id"], b
        return lat, lon

    def category_body(self, code):
        return {"code": code, "name": "矩阵类别" + code, "parent_code": "01", "case_type": "request",
                "accept_hours": 2, "resolve_hours": 24}

    def make_users(self):
        st, b = self.api.post("/api/v1/users", {"login": "mx_in_" + uuid.uuid4().hex[:8], "name": "矩阵社区用户",
                                                "password": "longenough1", "roles": ["grid_worker"],
                                                "unit_id": self.units["in_comm"]["id"]}, self.root)
        assert st == 201, b
        st, all_ = self.api.get("/api/v1/users", self.root)
        assert st == 200, all_
        by_login = {u["login"]: u for u in all_["items"]}
        out = by_login["handler_caiwa"]
        assert in_scope(self.units["caiwa"]["path"], self.path_of[out["unit_id"]])
        return {"inside": b, "outside": out}

    def open311_setup(self):
        st, b, _ = self.api.request("POST", "/open311/v2/requests.json", raw=self.open311_form(),
                                    headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert st == 200, b
        token = b[0].get("token")
        assert token, b
        st, t = self.api.get("/open311/v2/tokens/%s.json" % token)
        assert st == 200, t
        return {"token": token, "id": t[0]["service_request_id"]}

    def open311_form(self):
        lat, lon = self.points["inside"]
        return "api_key=%s&service_code=%s&lat=%.7f&long=%.7f&description=%s" % (
            self.api_key, self.cats["verify"], lat, lon, "矩阵开放接口 " + word())

    def case_state(self, cid):
        st, c = self.api.get("/api/v1/cases/%d" % cid, self.root)
        assert st == 200, c
        return {k: c.get(k) for k in ("version", "status", "unit_id", "handler_unit_id", "rating", "reply",
                                      "supervised", "pending", "excluded", "merged_into", "resolve_due_at",
                                      "extensions", "appeals", "suspensions", "verifications")} | {
            "timeline": len(c["timeline"]), "tasks": c.get("tasks")}

    def new_case(self, where, state="new"):
        unit = self.units["in_grid" if where == "inside" else "out_grid"]
        body = {"type": "request", "channel": "hotline", "title": "矩阵楼道灯不亮 " + word(),
                "description": "楼道灯不亮，夜间行走不便。", "unit_id": unit["id"]}
        if state in CATEGORY_OF:
            body["category_code"] = self.cats[CATEGORY_OF[state]]
        st, c = self.api.post("/api/v1/cases", body, self.root)
        assert st == 201 and c["status"] == "new", c
        comm = self.units["in_comm" if where == "inside" else "out_comm"]
        grid = self.units["in_grid" if where == "inside" else "out_grid"]
        handler = self.login("handler_qiaotou" if where == "inside" else "handler_caiwa")
        for who, action, b in STATES[state]:
            if b == "comm":
                b = {"unit_id": comm["id"]}
            elif b == "grid":
                b = {"unit_ids": [grid["id"]]}
            st, c = self.api.post("/api/v1/cases/%d/%s" % (c["id"], action), b,
                                  self.root if who == "root" else handler)
            assert st == 200, (state, action, c)
        status, pending = SHOWN.get(state, (state, None))
        assert c["status"] == status and c.get("pending") == pending, (state, c)
        return c

    def shared_case(self, k, tag, side, state):
        """One case per route and tag, for the calls that must not change it."""
        if (k, tag) not in self.shared:
            self.shared[(k, tag)] = self.new_case(side, state)
        return self.shared[(k, tag)]

    def master(self, where):
        if where not in self.masters:
            self.masters[where] = self.new_case(where)["id"]
        return self.masters[where]


@pytest.fixture(scope="module")
def w(pristine_db):
    db = new_db("matrix", template=pristine_db)
    street = db_rows(db, "SELECT code FROM units WHERE name = '桥头街道' AND kind = 'street'")[0][0]
    for login, role in CLI_USERS.items():
        r = run_cli("user", "--db", db, "--login", login, "--password", DEMO_PASSWORD, "--roles", role,
                    "--unit-code", street, "--name", "桥头街道" + role)
        assert r.returncode == 0, r.stderr
    # no sweep may move a case between two looks at it
    s = Server(db, free_port(), env={"LIANXIN_SWEEP_MS": "3600000"})
    try:
        yield World(s)
    finally:
        assert s.stop() == 0


# ---------------------------------------------------------------- building a call

ROLE_TOKEN = object()


class Call:
    def __init__(self, method, path, body=None, raw=None, headers=None, snap=None, check=None, token=ROLE_TOKEN):
        self.method, self.path, self.body, self.raw, self.token = method, path, body, raw, token
        self.headers = headers or {}
        self.snap = snap        # () -> what must not change when the call fails
        self.check = check      # (status, body, headers) -> None, on an inside success


def fill(path, **caps):
    return re.sub(r":(\w+)", lambda m: str(caps[m.group(1)]), path)


def body_of(d, w, where, role):
    b = d.get("body")
    return b(w, where, role) if callable(b) else (dict(b) if b is not None else None)


def build(w, rt, d, role, where):
    """The request that tries route rt as role (None: anonymous) at target `where`."""
    k = key(rt)
    t = d["target"]
    m, p = rt["method"], rt["path"]
    body = body_of(d, w, where, role or "anon")
    if rt["body"] and body is None and m != "GET":
        body = {}
    q = d.get("query")

    def with_query(path, extra=None):
        qs = "&".join(x for x in (q, extra) if x)
        return path + ("?" + qs if qs else "")

    if t == "none":
        path = fill(p, fmt="json")
        raw = None
        headers = {}
        if d.get("raw") == "open311_request":
            raw = w.open311_form()
            headers = {"Content-Type": "application/x-www-form-urlencoded"}
        elif d.get("raw") == "png":
            raw = PNG_1PX
            headers = {"Content-Type": "image/png"}
        elif d.get("raw") == "open311_update":
            raw = "api_key=%s&service_request_id=%d&update_id=%s&status=OPEN&updated_datetime=%s&description=%s" % (
                w.api_key, w.open311["id"], word(), "2026-04-01T09:30:00%2B08:00", "矩阵更新")
            headers = {"Content-Type": "application/x-www-form-urlencoded"}
        snap = None
        if k == "PUT /api/v1/calendar":
            snap = lambda: w.api.get("/api/v1/calendar?from=2031-03-03&to=2031-03-03", w.root)
        elif k == "POST /api/v1/categories":
            snap = lambda: sorted(c["code"] for c in w.api.get("/api/v1/categories", w.root)[1])
        elif k == "POST /api/v1/api-keys":
            snap = lambda: w.api.get("/api/v1/api-keys", w.root)
        return Call(m, with_query(path), body=body, raw=raw, headers=headers, snap=snap)

    if t == "login":
        login = ROLE_USERS[role] if role else "admin"

        def check(st, b, h):
            assert b["user"]["login"] == login and b["token"], b
        return Call(m, p, body={"login": login, "password": w.passwords.get(login, DEMO_PASSWORD)}, check=check)

    if t == "session":
        tok = w.login(ROLE_USERS[role]) if role else None

        def check(st, b, h):
            assert w.api.get("/api/v1/auth/me", tok)[0] == 401, "the token outlived its logout"
            assert w.api.get("/api/v1/auth/me", w.tok[role])[0] == 200, "logout revoked another token"
        return Call(m, p, check=check, token=tok)

    if t == "me":
        def check(st, b, h):
            assert b["login"] == ROLE_USERS[role], b
        return Call(m, p, check=check)

    if t == "list":
        extra = None
        if where == "outside":
            param = "parent_id" if d["check"] == "units" else "unit_id"
            extra = "%s=%d" % (param, w.units["caiwa"]["id"])
        return Call(m, with_query(p, extra), check=lambda st, b, h: LIST_CHECKS[d["check"]](w, role, where, b, h))

    if t == "new":
        return build_new(w, d, role, where, m, p, body)

    if t == "point":
        lat, lon = w.points["inside" if where == "inside" else "outside"]

        def check(st, b, h):
            assert b["unit"]["id"] == w.units["in_grid"]["id"], b
            for u in b["path"]:
                if not in_scope(u["path"], w.scope[role]) and not in_scope(w.scope[role], u["path"]):
                    raise AssertionError("locate shows a unit off the caller's line: %r" % u)
        return Call(m, "%s?lat=%.7f&lon=%.7f" % (p, lat, lon), check=check)

    if t == "user":
        if where == "self":
            uid = w.me[role]["id"] if role else w.users["inside"]["id"]
        else:
            uid = w.users["inside" if where in ("inside", "outside_ref") else "outside"]["id"]
        if where == "outside_ref":
            body = {"unit_id": w.units["caiwa"]["id"]}
        snap = (lambda: w.api.get("/api/v1/users/%d" % uid, w.root)) if m != "GET" else None
        return Call(m, fill(p, id=uid), body=body, snap=snap)

    if t == "unit":
        if m == "GET":
            uid = w.units["in_grid" if where == "inside" else "out_grid"]["id"]
        else:
            uid = w.units["in_new" if where == "inside" else "out_comm"]["id"]
        snap = (lambda: w.api.get("/api/v1/units/%d" % uid, w.root)) if m != "GET" else None
        return Call(m, fill(p, id=uid), body=body, snap=snap)

    if t == "category":
        code = w.cats["patch"]
        snap = lambda: [c for c in w.api.get("/api/v1/categories", w.root)[1] if c["code"] == code]
        return Call(m, fill(p, code=code), body=body, snap=snap)

    if t == "apikey":
        if role in rt["roles"]:
            st, b = w.api.post("/api/v1/api-keys", {"name": "矩阵待撤销"}, w.root)
            assert st == 201, b
            kid = b["id"]
        else:
            if (k, "key") not in w.shared:
                w.shared[(k, "key")] = w.api.post("/api/v1/api-keys", {"name": "矩阵留存"}, w.root)[1]["id"]
            kid = w.shared[(k, "key")]

        def snap():
            st, b = w.api.get("/api/v1/api-keys", w.root)
            return [x for x in b["items"] if x["id"] == kid]
        return Call(m, fill(p, id=kid), snap=snap)

    if t == "open311":
        return Call(m, fill(p, fmt="json", code=w.cats["verify"], id=w.open311["id"], token=w.open311["token"]))

    if t in ("case", "task"):
        return build_action(w, rt, d, role, where, m, p, body, k)
    if t == "attachment":
        return build_attachment(w, rt, role, where, m, p, k)
    if t in ("registry", "form", "plan", "visit"):
        return build_field(w, rt, d, role, where, m, p, body, k, with_query)
    if t == "inbox":
        return build_inbox(w, rt, role, where, m, p)
    if t == "resident":
        return build_resident(w, rt, role, where, m, p)
    if t == "onekey":
        return build_onekey(w, rt, role, where, m, p)
    if t == "names":
        inside, outside = w.units["in_grid"]["id"], w.units["out_grid"]["id"]

        def check(st, b, h):
            got = {u["id"] for u in b["items"]}
            assert inside in got and outside not in got, b
        return Call(m, "%s?ids=%d,%d" % (p, inside, outside), check=check)
    raise AssertionError("unknown target kind %s" % t)


def _png_1px():
    import struct
    import zlib

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


PNG_1PX = _png_1px()


def build_attachment(w, rt, role, where, m, p, k):
    """A file on a case inside or outside (the root's upload), or an upload to such a case."""
    c = w.shared_case(k, where, where, "dispatched")
    cid = c["id"]

    def files():
        return [a["id"] for a in w.api.get("/api/v1/cases/%d" % cid, w.root)[1]["attachments"]]
    snap = lambda: (w.case_state(cid), files())
    if m == "POST":
        def check(st, b, h):
            assert b["case_id"] == cid and b["id"] in files(), b
        return Call(m, fill(p, id=cid), raw=PNG_1PX, headers={"Content-Type": "image/png"}, snap=snap,
                    check=check)
    if (k, where, "file") not in w.shared:
        st, b, _ = w.api.request("POST", "/api/v1/cases/%d/attachments" % cid, raw=PNG_1PX, token=w.root,
                                 headers={"Content-Type": "image/png"})
        assert st == 201, b
        w.shared[(k, where, "file")] = b["id"]
    aid = w.shared[(k, where, "file")]

    def check(st, b, h):
        assert h["Content-Type"] in ("image/png", "image/jpeg"), h
    return Call(m, fill(p, id=aid), snap=snap if m != "GET" else None, check=check)


def build_action(w, rt, d, role, where, m, p, body, k):
    state = d["state"]
    if where == "outside_ref":
        # an inside case, the body naming a unit or case of 蔡洼
        c = w.shared_case(k, where, "inside", state)
        if k.endswith("/dispatch"):
            body = {"unit_id": w.units["caiwa"]["id"]}
        elif k.endswith("/merge"):
            body = {"into_id": w.master("outside")}
    elif m != "GET" and where == "inside" and role in rt["roles"]:
        c = w.new_case("inside", state)    # this call spends it
    else:
        c = w.shared_case(k, where, where, state)
    cid = c["id"]
    caps = {"id": cid}
    if d["target"] == "task":
        tasks = c.get("tasks") or w.api.get("/api/v1/cases/%d" % cid, w.root)[1]["tasks"]
        caps["task"] = tasks[0]["id"]
    watched = [cid] + ([w.master("inside")] if k.endswith("/merge") else [])
    snap = (lambda: [w.case_state(x) for x in watched]) if m != "GET" else None

    def check(st, b, h):
        if m == "GET":
            assert b["id"] == cid, b
        else:
            assert b["id"] == cid and w.case_state(cid)["version"] > c["version"], b
    return Call(m, fill(p, **caps), body=body, snap=snap, check=check)


def build_new(w, d, role, where, m, p, body):
    make = d["make"]
    tag = word()
    in_comm, caiwa = w.units["in_comm"], w.units["out_comm"]
    if make == "user":
        login = "mx_" + tag
        body = {"login": login, "name": "矩阵新用户", "password": "longenough1", "roles": ["volunteer"],
                "unit_id": (in_comm if where == "inside" else caiwa)["id"]}
        if where == "outside_top":
            body["roles"] = ["admin"]
            del body["unit_id"]
        snap = lambda: [u for u in w.api.get("/api/v1/users", w.root)[1]["items"] if u["login"] == login]

        def check(st, b, h):
            assert b["unit_id"] == in_comm["id"], b
        return Call(m, p, body=body, snap=snap, check=check)
    if make == "unit":
        code = "MXU" + tag[2:10]
        body = {"kind": "grid", "code": code, "name": "矩阵新网格",
                "parent_id": (in_comm if where == "inside" else caiwa)["id"]}
        if where == "outside_top":
            body["kind"] = "district"
            del body["parent_id"]
        snap = lambda: [u for u in w.api.get("/api/v1/units?boundary=false", w.root)[1]["items"] if u["code"] == code]

        def check(st, b, h):
            assert b["parent_id"] == in_comm["id"] and in_scope(w.scope[role], b["path"]), b
        return Call(m, p, body=body, snap=snap, check=check)
    if make == "import":
        code = "MXI" + tag[2:10]
        if where == "outside_top":
            top = w.units["top"]
            text = "code,name,kind\n%s,矩阵导入改名,district\n" % top["code"]
            snap = lambda: w.api.get("/api/v1/units/%d" % top["id"], w.root)
        else:
            parent = in_comm if where == "inside" else caiwa
            text = "code,name,kind,parent_code\n%s,矩阵导入网格,grid,%s\n" % (code, parent["code"])
            snap = lambda: [u for u in w.api.get("/api/v1/units?boundary=false", w.root)[1]["items"]
                            if u["code"] == code]

        def check(st, b, h):
            assert b["created"] == 1 and not b["errors"], b
        return Call(m, p, raw=text, headers={"Content-Type": "text/csv"}, snap=snap, check=check)
    if make == "case":
        body = {"type": "request", "channel": "hotline", "title": "矩阵新案件 " + tag,
                "description": "矩阵测试的案件 " + tag}
        if where == "outside_point":
            body["lat"], body["lon"] = w.points["outside"]
        else:
            body["unit_id"] = w.units["in_grid" if where == "inside" else "out_grid"]["id"]
        snap = lambda: w.api.get("/api/v1/cases?q=" + tag, w.root)[1]["items"]

        def check(st, b, h):
            assert b["unit_id"] == w.units["in_grid"]["id"], b
            assert w.api.get("/api/v1/cases/%d" % b["id"], w.tok[role])[0] == 200
        return Call(m, p, body=body, snap=snap, check=check)
    if make in ("household", "resident", "place", "org", "reg_import", "plan", "visit"):
        return build_new_field(w, make, role, where, m, p)
    raise AssertionError(make)


# ---------------------------------------------------------------- what a list may hold

def check_cases(w, role, where, b, h):
    scope = w.scope[role]
    assert b["items"], "an empty list proves nothing: %s sees no case" % role
    for c in b["items"]:
        paths = [w.path_of.get(c["unit_id"]), w.path_of.get(c["handler_unit_id"])]
        if any(in_scope(scope, x) for x in paths):
            continue
        st, full = w.api.get("/api/v1/cases/%d" % c["id"], w.root)
        tasks = [w.path_of.get(t["unit_id"]) for t in full.get("tasks") or []]
        assert any(in_scope(scope, x) for x in tasks), \
            "case %d (unit %s, handler %s) is listed to %s, scope %s" % (c["id"], c["unit_id"],
                                                                         c["handler_unit_id"], role, scope)


def listed_ids(w, role):
    st, b = w.api.get("/api/v1/cases?limit=100", w.tok[role])
    assert st == 200, b
    check_cases(w, role, "inside", b, None)
    return {c["id"] for c in b["items"]}


def exported_ids(numbers):
    # a case number is the local day (8 digits) and the id (at least 6)
    return {int(n[8:]) for n in numbers}


def check_export_csv(w, role, where, b, h):
    rows = list(csv.reader(io.StringIO(b.lstrip("\ufeff"), newline="")))
    assert rows[0][0] == "编号", rows[0]
    got = exported_ids(r[0] for r in rows[1:])
    assert got and got == listed_ids(w, role)


def check_export_xlsx(w, role, where, b, h):
    raw = b.encode("latin-1") if isinstance(b, str) else b
    sheet = zipfile.ZipFile(io.BytesIO(raw)).read("xl/worksheets/sheet1.xml").decode("utf-8")
    got = exported_ids(re.findall(r"<t[^>]*>(\d{14,})</t>", sheet))
    assert got and got == listed_ids(w, role)


def check_users(w, role, where, b, h):
    assert b["items"]
    for u in b["items"]:
        assert in_scope(w.scope[role], w.path_of.get(u["unit_id"])), \
            "user %s (unit %s) is listed to %s" % (u["login"], u["unit_id"], role)


def check_units(w, role, where, b, h):
    if where == "outside":
        assert b["items"] == [], b
        return
    assert b["items"]
    for u in b["items"]:
        assert in_scope(w.scope[role], u["path"]), "unit %s is listed to %s" % (u["path"], role)


def check_stats(w, role, where, b, h):
    mine = w.me[role]["unit_id"]
    assert b["unit_id"] == mine, b
    w.refresh_units()    # other tests add units
    kids = {u["id"] for u in w.all_units.values() if u["parent_id"] == mine}
    assert {u["unit_id"] for u in b["by_unit"]} <= kids, b["by_unit"]


LIST_CHECKS = {"cases": check_cases, "export_csv": check_export_csv, "export_xlsx": check_export_xlsx,
               "users": check_users, "units": check_units, "stats": check_stats}
from scope_field import LIST_CHECKS_FIELD, build_field, build_new_field  # noqa: E402 (the P9 routes)
from scope_notify import SCOPE_NOTIFY, build_inbox, build_onekey, build_resident, stream_get  # noqa: E402 (the P10 routes)
LIST_CHECKS.update(LIST_CHECKS_FIELD)
SCOPE.update(SCOPE_NOTIFY)


# ---------------------------------------------------------------- expectations

def expected(rt, d, role, where):
    """(statuses, why) for role (None: anonymous) at target `where`."""
    if rt["public"]:
        return set(d.get("ok", (200,))), "public"
    if role is None:
        return {401}, "no token"
    if rt.get("resident"):
        return {401}, "a staff token does not open a resident's route"
    if role not in rt["roles"]:
        if rt["roles_in_scope"] and where == "outside":
            return {404}, "roles checked in scope: outside is 404 whatever the role"
        return {403}, "role not declared"
    narrow = d.get("narrow")
    if narrow and role not in narrow["roles"] and where != "self" and where in narrow.get("wheres", (where,)):
        return {narrow["status"]}, narrow["why"]
    if where in ("inside", "self"):
        return set(d.get("ok", (200,))), "declared role, inside"
    if where == "outside":
        out = d.get("outside", 404)
        return set(out) if isinstance(out, tuple) else {out}, "declared role, outside"
    out = d["more"][where]
    return set(out) if isinstance(out, tuple) else {out}, "declared role, " + where


def is_open311(rt):
    return rt["path"].startswith("/open311/")


def run(w, rt, role, where):
    k = key(rt)
    d = SCOPE.get(k)
    if d is None:
        pytest.fail(missing(k))
    want, why = expected(rt, d, role, where)
    call = build(w, rt, d, role, where)
    before = call.snap() if call.snap else None
    token = call.token if call.token is not ROLE_TOKEN else (w.tok[role] if role else None)
    hdrs = dict(call.headers)
    if call.body is not None:
        hdrs.update(JSON)
    if d.get("stream"):
        st, b, h = stream_get(w, call.path, token)
    elif k.endswith(".xlsx") or (call.method == "GET" and ("/attachments/" in k or "/media/" in k)):
        st, b, h = raw_get(w, call.path, token)
    else:
        st, b, h = w.api.request(call.method, call.path, body=call.body, raw=call.raw, token=token, headers=hdrs)
    assert st in want, "%s as %s at %s: %s, expected %s (%s): %r" % (k, role or "anonymous", where, st,
                                                                     sorted(want), why, str(b)[:400])
    if st >= 400 and not is_open311(rt) and not d.get("own_errors"):
        err = b.get("error") if isinstance(b, dict) else None
        assert isinstance(err, dict) and err.get("code") and err.get("message"), b
    if call.snap and st >= 400:
        assert call.snap() == before, "%s as %s at %s answered %s but changed its target" % (
            k, role or "anonymous", where, st)
    if st < 300 and call.check and role is not None and (where in ("inside", "self") or d["target"] == "list"):
        call.check(st, b, h)


def raw_get(w, path, token):
    """GET with the body as bytes (a workbook)."""
    req = urllib.request.Request(w.api.base + path, headers={"Authorization": "Bearer " + token} if token else {})
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, resp.read(), resp.headers
    except urllib.error.HTTPError as e:
        text = e.read().decode()
        return e.code, json.loads(text) if text.startswith("{") else text, e.headers


# ---------------------------------------------------------------- the tests

def test_every_route_has_a_scope_decision():
    have = {key(rt) for rt in table()}
    lacking = sorted(have - set(SCOPE))
    assert not lacking, "\n".join(missing(k) for k in lacking)


def test_every_scope_decision_has_a_route():
    have = {key(rt) for rt in table()}
    stale = sorted(set(SCOPE) - have)
    assert not stale, "SCOPE in tests/api/test_scope_matrix.py decides routes the table no longer has: %s" % stale


def test_every_decision_is_well_formed():
    for k, d in SCOPE.items():
        assert d["target"] in ("none", "login", "session", "me", "list", "new", "point", "user", "unit",
                               "category", "apikey", "open311", "case", "task", "attachment", "names",
                               "registry", "form", "plan", "visit", "inbox", "resident", "onekey"), k
        if d.get("outside", 404) is None:
            assert d.get("why"), "%s: no outside target needs a why" % k
        if d["target"] in ("case", "task"):
            assert d["state"] in STATES, k
        for where in d.get("leak", {}):
            assert where in wheres(d), (k, where)


def test_anonymous(w, route):
    run(w, route, None, "inside")


def test_matrix(w, route, role, where):
    run(w, route, role, where)
