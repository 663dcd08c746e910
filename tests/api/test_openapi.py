"""docs/openapi.json describes every route, and is held equal to the route
table the server dispatches (`lianxin routes`): the same paths, methods,
roles, login, write jobs and body schemas; and the committed file is what
`lianxin openapi` prints, so the two never drift."""
import json
import os
import re

from conftest import ROOT, run_cli

DOC = os.path.join(ROOT, "docs", "openapi.json")


def doc_path(path):
    return re.sub(r":(\w+)", r"{\1}", path)


def load():
    with open(DOC, encoding="utf-8") as f:
        return json.load(f)


def routes():
    r = run_cli("routes")
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_the_committed_document_is_the_generated_one():
    r = run_cli("openapi")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == load(), \
        "docs/openapi.json is stale: run build/lianxin openapi > docs/openapi.json"


def test_every_route_is_described_with_its_roles():
    doc = load()
    assert doc["openapi"].startswith("3.1")
    table = routes()
    assert len(table) > 40
    seen = set()
    for rt in table:
        op = doc["paths"][doc_path(rt["path"])][rt["method"].lower()]
        seen.add((doc_path(rt["path"]), rt["method"].lower()))
        assert op["x-roles"] == rt["roles"], rt
        assert (op["security"] == []) == rt["public"], rt
        assert op["x-write"] == rt["write"], rt
        assert ("requestBody" in op) == (rt["body"] is not None), rt
        if rt["body"]:
            ref = op["requestBody"]["content"]["application/json"]["schema"]["$ref"]
            assert ref == "#/components/schemas/" + rt["body"]
        params = [p["name"] for p in op.get("parameters", [])]
        assert params == re.findall(r":(\w+)", rt["path"]), rt
    described = {(p, m) for p, item in doc["paths"].items() for m in item}
    assert described == seen, "operations in docs/openapi.json without a route: %s" % (described - seen)


def test_every_reference_resolves():
    doc = load()
    text = json.dumps(doc)
    for ref in set(re.findall(r'"\$ref": "#/components/schemas/(\w+)"', text)):
        assert ref in doc["components"]["schemas"], ref


def test_the_workflow_actions_are_routes(api):
    """Each action of the machines is a route with the union of its roles."""
    st, machines = api.get("/api/v1/workflows", api.login("admin"))
    assert st == 200
    roles = {}
    for m in machines:
        for t in m["transitions"]:
            roles.setdefault(t["action"], set()).update(t["roles"])
    # the machines are not empty: every action of the contract, the engine's
    # ten among them, is someone's to take, so the loop below checks its route
    for action in ("dispatch", "accept", "return", "escalate", "assist", "resolve", "rate", "reopen", "close",
                   "supervise", "comment", "suspend", "resume", "extend", "extension_approve", "extension_reject",
                   "verify", "appeal", "appeal_decide", "invalid", "merge"):
        assert roles.get(action), "no transition with roles for %s in /workflows" % action
    table = {(r["method"], r["path"]): r for r in routes()}
    for action, rs in roles.items():
        if not rs:
            continue  # the system's own (overdue marks, reschedule, answers)
        path = "/api/v1/cases/:id/tasks/:task/done" if action == "assist_done" else "/api/v1/cases/:id/" + action
        assert ("POST", path) in table, action
        assert set(table[("POST", path)]["roles"]) == rs, action


def test_the_server_dispatches_the_table(api):
    """Every route of the table is known to the server: without a login a
    private route answers 401, never 404 (path unknown) or 405."""
    for rt in routes():
        if rt["public"]:
            continue
        path = re.sub(r":\w+", "1", rt["path"])
        st, body, _ = api.request(rt["method"], path, body={} if rt["method"] != "GET" else None)
        assert st == 401, (rt, st, body)
