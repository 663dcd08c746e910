"""The scope matrix's part for the grid's field work (P9): how the registry,
forms, visit plans, visits and the hazard ledger are tried inside and
outside the caller's scope (test_scope_matrix.py's SCOPE names them). The
inside entries lie in 桥头社区, the outside ones in a community of 蔡洼街道;
all are made by the district's admin."""
import io
import uuid
import zipfile

W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def _m():
    import test_scope_matrix as m   # the matrix's Call, fill, word, in_scope
    return m


def id_number():
    body = "140303" + "1950%02d%02d" % (uuid.uuid4().int % 12 + 1, uuid.uuid4().int % 28 + 1) + \
        "%03d" % (uuid.uuid4().int % 1000)
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, W)) % 11]


def comm(w, where):
    return w.units["in_comm" if where == "inside" else "out_comm"]


def _post(w, path, body):
    st, b = w.api.post(path, body, w.root)
    assert st == 201, (path, b)
    return b


def entry(w, kind, where):
    """One registry entry per kind and side (the root's)."""
    key = ("field", kind, where)
    if key not in w.shared:
        u = comm(w, where)["id"]
        tag = _m().word()
        if kind == "household":
            b = _post(w, "/api/v1/registry/households", {"unit_id": u, "address": "矩阵户" + tag, "members": 2})
        elif kind == "resident":
            b = _post(w, "/api/v1/registry/residents", {"unit_id": u, "name": "矩阵居民", "id_number": id_number(),
                                                        "phone": "13900001111", "tags": ["独居老人"]})
        elif kind == "place":
            b = _post(w, "/api/v1/registry/places", {"unit_id": u, "type": "small_venue", "name": "矩阵店" + tag})
        else:
            b = _post(w, "/api/v1/registry/organisations", {"unit_id": u, "type": "enterprise",
                                                            "name": "矩阵公司" + tag})
        w.shared[key] = b
    return w.shared[key]


def form(w):
    if ("field", "form") not in w.shared:
        w.shared[("field", "form")] = _post(w, "/api/v1/forms", {"name": "矩阵表单", "questions": [
            {"name": "ok", "type": "yes_no", "label": "正常"}]})
    return w.shared[("field", "form")]


def plan(w, where):
    """A daily knock plan over the households of the side's community."""
    key = ("field", "plan", where)
    if key not in w.shared:
        entry(w, "household", where)
        w.shared[key] = _post(w, "/api/v1/visit-plans", {"name": "矩阵计划", "form_id": 2,
                                                         "unit_id": comm(w, where)["id"],
                                                         "target": {"kind": "household"}, "frequency": "daily"})
    return w.shared[key]


def visit(w, where):
    key = ("field", "visit", where)
    if key not in w.shared:
        p, h = plan(w, where), entry(w, "household", where)
        w.shared[key] = _post(w, "/api/v1/visits", {"plan_id": p["id"], "target": {"kind": "household", "id": h["id"]},
                                                    "outcome": "not_home", "client_uuid": str(uuid.uuid4())})
    return w.shared[key]


def hazard(w):
    """A hazard inside: a gas visit with a leaking joint."""
    if ("field", "hazard") not in w.shared:
        h = entry(w, "household", "inside")
        p = _post(w, "/api/v1/visit-plans", {"name": "矩阵燃气", "form_id": 1, "unit_id": comm(w, "inside")["id"],
                                             "target": {"kind": "household"}, "frequency": "once"})
        v = _post(w, "/api/v1/visits", {"plan_id": p["id"], "target": {"kind": "household", "id": h["id"]},
                                        "outcome": "home", "client_uuid": str(uuid.uuid4()),
                                        "answers": {"gas_kind": "pipeline", "pipe_joints_ok": False, "meter_ok": True,
                                                    "ventilation_ok": True, "valve_ok": True,
                                                    "alarm_installed": True}})
        assert v["hazards"], v
        w.shared[("field", "hazard")] = v
    return w.shared[("field", "hazard")]


PATHS = {"household": "households", "resident": "residents", "place": "places", "org": "organisations"}


def build_field(w, rt, d, role, where, m, p, body, k, with_query):
    """The request for a route whose path names a registry entry, a form, a plan or a visit."""
    mx = _m()
    t = d["target"]
    if t == "registry":
        kind = d["kind"]
        e = entry(w, kind, "inside" if where in ("inside", "outside_ref") else "outside")
        if where == "outside_ref":
            body = {"unit_id": comm(w, "outside")["id"]}
        get = "/api/v1/registry/%s/%d" % (PATHS[kind], e["id"])
        snap = (lambda: w.api.get(get, w.root)) if m != "GET" else None

        def check(st, b, h):
            assert b["id"] == e["id"], b
        return mx.Call(m, with_query(mx.fill(p, id=e["id"])), body=body, snap=snap, check=check)
    if t == "form":
        f = form(w)
        snap = (lambda: w.api.get("/api/v1/forms/%d" % f["id"], w.root)) if m != "GET" else None
        return mx.Call(m, mx.fill(p, id=f["id"]), body=body, snap=snap)
    target = plan(w, where) if t == "plan" else visit(w, where)

    def check(st, b, h):
        assert b["id"] == target["id"], b
    return mx.Call(m, mx.fill(p, id=target["id"]), check=check)


def build_new_field(w, make, role, where, m, p):
    """A write that makes an entry, an import, a plan or a visit in the side's community."""
    mx = _m()
    tag = mx.word()
    u = comm(w, where)
    if make == "reg_import":
        text = "address,members,unit_code\n矩阵导入户%s,2,%s\n" % (tag, u["code"])
        snap = lambda: w.api.get("/api/v1/registry/households?q=" + tag, w.root)[1]["items"]

        def check(st, b, h):
            assert b["created"] == 1 and not b["errors"], b
        return mx.Call(m, p + "?kind=households&dry_run=false", raw=text, headers={"Content-Type": "text/csv"},
                       snap=snap, check=check)
    if make == "plan":
        body = {"name": "矩阵计划" + tag, "form_id": 2, "unit_id": u["id"], "target": {"kind": "household"},
                "frequency": "weekly"}
        snap = lambda: [x for x in w.api.get("/api/v1/visit-plans", w.root)[1]["items"] if x["name"] == body["name"]]
        return mx.Call(m, p, body=body, snap=snap)
    if make == "visit":
        pl, h = plan(w, where), entry(w, "household", where)
        body = {"plan_id": pl["id"], "target": {"kind": "household", "id": h["id"]}, "outcome": "not_home",
                "client_uuid": str(uuid.uuid4())}
        snap = lambda: w.api.get("/api/v1/visits?plan_id=%d&limit=200" % pl["id"], w.root)[1]["items"]

        def check(st, b, h_):
            assert b["plan_id"] == pl["id"] and b["client_uuid"] == body["client_uuid"], b
        return mx.Call(m, p, body=body, snap=snap, check=check)
    bodies = {"household": {"address": "矩阵新户" + tag}, "resident": {"name": "矩阵" + tag[:6]},
              "place": {"type": "shop", "name": "矩阵新店" + tag}, "org": {"type": "enterprise",
                                                                        "name": "矩阵新公司" + tag}}
    body = dict(bodies[make], unit_id=u["id"])
    q = tag if make != "resident" else body["name"]
    snap = lambda: w.api.get("/api/v1/registry/%s?q=%s" % (PATHS[make], q), w.root)[1]["items"]

    def check(st, b, h):
        assert b["unit_id"] == u["id"], b
    return mx.Call(m, p, body=body, snap=snap, check=check)


def _unit_in(w, role, uid, what):
    mx = _m()
    path = w.path_of.get(uid)
    if path is None:
        w.refresh_units()
        path = w.path_of.get(uid)
    assert mx.in_scope(w.scope[role], path), "%s in unit %s is listed to %s (scope %s)" % (
        what, uid, role, w.scope[role])


def check_registry(w, role, where, b, h):
    if where == "outside":
        return
    entry(w, "household", "inside")
    for x in b["items"]:
        _unit_in(w, role, x["unit_id"], "entry %s" % x["id"])


def check_plans(w, role, where, b, h):
    plan(w, "inside")
    plan(w, "outside")
    mx = _m()
    for x in b["items"]:
        path = w.path_of.get(x["unit_id"])
        meets = mx.in_scope(w.scope[role], path) or mx.in_scope(path, w.scope[role])
        assert meets or w.me[role]["id"] in x["workers"], "plan %s of unit %s is listed to %s" % (
            x["id"], x["unit_id"], role)
    assert all(x["id"] != plan(w, "outside")["id"] for x in b["items"]), b


def check_due(w, role, where, b, h):
    for x in b["items"]:
        _unit_in(w, role, x["target"]["unit_id"], "due target %s" % x["target"])


def check_coverage(w, role, where, b, h):
    assert isinstance(b["due"], int) and b["done"] <= b["due"], b
    mx = _m()
    for x in b["by_unit"]:
        path = w.path_of.get(x["unit_id"])
        assert mx.in_scope(w.scope[role], path) or mx.in_scope(path, w.scope[role]), x


def check_visits(w, role, where, b, h):
    visit(w, "outside")
    for x in b["items"]:
        _unit_in(w, role, x["unit_id"], "visit %s" % x["id"])


def check_hazards(w, role, where, b, h):
    hazard(w)
    for x in b["items"]:
        _unit_in(w, role, x["unit_id"], "hazard %s" % x["case_id"])


def check_hazards_xlsx(w, role, where, b, h):
    raw = b.encode("latin-1") if isinstance(b, str) else b
    sheet = zipfile.ZipFile(io.BytesIO(raw)).read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "责任人" in sheet and "整改期限" in sheet, "the ledger's header row"


LIST_CHECKS_FIELD = {"registry": check_registry, "plans": check_plans, "due": check_due,
                     "coverage": check_coverage, "visits": check_visits, "hazards": check_hazards,
                     "hazards_xlsx": check_hazards_xlsx}
