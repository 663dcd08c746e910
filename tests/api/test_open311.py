"""Open311 GeoReport v2 under /open311/v2/, method by method in both formats:
discovery, services, service definitions (all six attribute datatypes),
POST requests (every location kind, attributes, personal fields, tokens for
queued requests), GET requests (every filter and its errors), single
requests, tokens, the FixMyStreet servicerequestupdates extension, API keys
and their rate limit, the spec's error format for every failure, and a round
trip: filed through Open311, handled in the native API, seen closed with its
reply through Open311.

Shapes are checked against the spec's response tables; every XML answer is
parsed with ElementTree and compared with its JSON twin.
"""
import re
import sqlite3
import subprocess
import time
import urllib.parse
import uuid
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone

import pytest

FORM = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
W3C = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
# containers whose children repeat (the Spark convention's arrays)
LISTS = {"services", "service_requests", "attributes", "values", "endpoints", "formats",
         "errors", "service_request_updates"}
PHONE = "13912345678"


# ---------------------------------------------------------------- helpers

def call(api, method, path, fields=None, headers=None, raw=None):
    """Returns (status, body parsed as JSON or XML element, headers)."""
    if fields is not None:
        raw = urllib.parse.urlencode(fields).encode()
        headers = dict(FORM, **(headers or {}))
    if raw is not None and headers is None:
        headers = dict(FORM)
    st, body, rh = api.request(method, path, raw=raw, headers=headers)
    ctype = rh.get("Content-Type", "")
    if ctype.startswith("text/xml"):
        assert body.startswith('<?xml version="1.0" encoding="utf-8"?>'), body[:80]
        assert ctype == "text/xml; charset=utf-8"
        return st, ET.fromstring(body.encode()), rh
    assert ctype == "application/json; charset=utf-8", (ctype, body)
    return st, body, rh


def get(api, path):
    st, body, _ = call(api, "GET", path)
    return st, body


def post(api, path, fields):
    st, body, _ = call(api, "POST", path, fields=fields)
    return st, body


def spark(el):
    """An XML element as the spec's JSON mapping would show it (all text)."""
    kids = list(el)
    if el.tag in LISTS:
        return [spark(k) for k in kids]
    if not kids:
        return el.text if el.text else None
    out = {}
    for k in kids:
        assert k.tag not in out, "repeated element %s outside a list" % k.tag
        out[k.tag] = spark(k)
    return out


def same(x, j, where="$"):
    """The XML twin x (text) carries the same content as JSON j."""
    if isinstance(j, bool):
        assert x == ("true" if j else "false"), where
    elif isinstance(j, int):
        assert int(x) == j, where
    elif isinstance(j, float):
        assert abs(float(x) - j) < 1e-9, where
    elif j is None:
        assert x is None, where
    elif isinstance(j, str):
        assert x == j, (where, x, j)
    elif isinstance(j, list):
        assert isinstance(x, list) and len(x) == len(j), where
        for i, (a, b) in enumerate(zip(x, j)):
            same(a, b, "%s[%d]" % (where, i))
    else:
        assert isinstance(x, dict) and list(x) == list(j), (where, list(x or {}), list(j))
        for k in j:
            same(x[k], j[k], where + "." + k)


def both(api, path, root):
    """GETs path in JSON and XML, checks they agree; returns the JSON."""
    st, j = get(api, path + ".json" if "?" not in path else path.replace("?", ".json?", 1))
    assert st == 200, j
    st, x = get(api, path + ".xml" if "?" not in path else path.replace("?", ".xml?", 1))
    assert st == 200
    assert x.tag == root
    same(spark(x), j)
    return j


def is_error(st, body, status):
    """body is the spec's error list for HTTP status."""
    assert st == status, body
    if isinstance(body, ET.Element):
        assert body.tag == "errors"
        errs = body.findall("error")
        assert errs and all(e.find("code") is not None and e.find("description") is not None
                            for e in errs)
        assert errs[0].find("code").text == str(status)
        assert errs[0].find("description").text
        return errs[0].find("description").text
    assert isinstance(body, list) and body, body
    assert set(body[0]) == {"code", "description"}
    assert body[0]["code"] == status and body[0]["description"]
    return body[0]["description"]


def shape(obj, spec):
    """obj has exactly the keys of spec, each of the given type(s)."""
    assert list(obj) == list(spec), (list(obj), list(spec))
    for k, types in spec.items():
        v = obj[k]
        if types == "datetime":
            assert isinstance(v, str) and W3C.match(v), (k, v)
        elif types == "datetime?":
            assert v is None or (isinstance(v, str) and W3C.match(v)), (k, v)
        else:
            assert isinstance(v, types), (k, v)


OPT_STR = (str, type(None))
OPT_NUM = (int, float, type(None))
SERVICE = {"service_code": str, "service_name": str, "description": OPT_STR, "metadata": bool,
           "type": str, "keywords": OPT_STR, "group": OPT_STR}
ATTRIBUTE = {"variable": bool, "code": str, "datatype": str, "required": bool,
             "datatype_description": OPT_STR, "order": int, "description": str, "values": list}
REQUEST = {"service_request_id": int, "status": str, "status_notes": OPT_STR, "service_name": OPT_STR,
           "service_code": OPT_STR, "description": OPT_STR, "agency_responsible": OPT_STR,
           "service_notice": OPT_STR, "requested_datetime": "datetime", "updated_datetime": "datetime",
           "expected_datetime": "datetime?", "address": OPT_STR, "address_id": OPT_STR,
           "zipcode": OPT_STR, "lat": OPT_NUM, "long": OPT_NUM, "media_url": OPT_STR}
UPDATE = {"update_id": int, "service_request_id": int, "status": str, "updated_datetime": "datetime",
          "description": OPT_STR, "media_url": OPT_STR}


def units(api, token, **q):
    qs = "&".join("%s=%s" % kv for kv in q.items())
    st, body = api.get("/api/v1/units?boundary=true&" + qs, token)
    assert st == 200, body
    return body["items"]


def unit_named(api, token, name, kind):
    for u in units(api, token, kind=kind):
        if u["name"] == name:
            return u
    raise AssertionError("no unit " + name)


def newest_case_id(api, admin):
    st, body = api.get("/api/v1/cases?limit=1", admin)
    assert st == 200, body
    return body["items"][0]["id"] if body["items"] else 0


def case(api, admin, cid):
    st, body = api.get("/api/v1/cases/%d" % cid, admin)
    assert st == 200, body
    return body


def w3c(dt):
    return dt.astimezone(timezone(timedelta(hours=8))).isoformat(timespec="seconds")


def q(s):
    return urllib.parse.quote(s, safe="")


# ---------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def key(api, admin):
    st, body = api.post("/api/v1/api-keys", {"name": "FixMyStreet 测试", "rate_limit": 10000}, admin)
    assert st == 201, body
    return body["api_key"]


@pytest.fixture(scope="module")
def grid(api):
    """A grid of 桥头街道 and a point inside it."""
    t = api.login("dispatcher")
    street = unit_named(api, t, "桥头街道", "street")
    community = units(api, t, parent_id=street["id"])[0]
    g = units(api, t, parent_id=community["id"])[0]
    ring = g["boundary"]["coordinates"][0][:-1]
    lon = sum(p[0] for p in ring) / len(ring)
    lat = sum(p[1] for p in ring) / len(ring)
    st, loc = api.get("/api/v1/locate?lat=%f&lon=%f" % (lat, lon), t)
    assert st == 200 and loc["unit"]["id"] == g["id"]
    return {"unit": g, "street": street, "lat": lat, "lon": lon}


def heat_fields(key, grid, **extra):
    tag = uuid.uuid4().hex[:8]
    f = [("api_key", key), ("service_code", "0101"), ("lat", "%.7f" % grid["lat"]),
         ("long", "%.7f" % grid["lon"]), ("description", "3号楼暖气不热已两天 " + tag),
         ("attribute[ROOM_TEMP]", "15.5"), ("attribute[HEATING_TYPE]", "central"),
         ("attribute[ROOMS][]", "living"), ("attribute[ROOMS][]", "bedroom"),
         ("first_name", "女士"), ("last_name", "王"), ("phone", PHONE),
         ("email", "wang@example.cn"), ("account_id", "acct-" + tag)]
    for k, v in extra.items():
        f = [(a, b) for a, b in f if a != k]
        if v is not None:
            f.append((k, v))
    return f


# ---------------------------------------------------------------- discovery and services

def test_discovery_both_formats(api):
    d = both(api, "/open311/v2/discovery", "discovery")
    assert list(d) == ["changeset", "contact", "key_service", "endpoints"]
    assert all(isinstance(d[k], str) and d[k] for k in ("changeset", "contact", "key_service"))
    (ep,) = d["endpoints"]
    assert list(ep) == ["specification", "url", "changeset", "type", "formats"]
    assert ep["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert ep["url"].endswith("/open311/v2") and ep["type"] == "production"
    assert ep["formats"] == ["text/xml", "application/json"]


def test_service_list_is_the_leaf_categories(api, admin):
    services = both(api, "/open311/v2/services", "services")
    assert isinstance(services, list)
    for s in services:
        shape(s, SERVICE)
        assert s["type"] in ("realtime", "batch", "blackbox")
    st, cats = api.get("/api/v1/categories", admin)
    cats = cats if isinstance(cats, list) else cats["items"]
    parents = {c["parent_code"] for c in cats if c["parent_code"]}
    leaves = sorted(c["code"] for c in cats if c["code"] not in parents)
    assert [s["service_code"] for s in services] == leaves
    by = {s["service_code"]: s for s in services}
    assert by["0101"]["service_name"] == "暖气不热/停暖"
    assert by["0101"]["group"] == "供暖供水供电燃气"
    assert "暖气不热" in by["0101"]["keywords"] and "停暖" in by["0101"]["keywords"]
    assert by["0101"]["metadata"] is True and by["0101"]["type"] == "realtime"
    assert by["0102"]["metadata"] is False


def test_service_definition_all_six_datatypes(api):
    d = both(api, "/open311/v2/services/0101", "service_definition")
    assert list(d) == ["service_code", "attributes"] and d["service_code"] == "0101"
    attrs = d["attributes"]
    for a in attrs:
        shape(a, ATTRIBUTE)
    assert {a["datatype"] for a in attrs} == {"string", "number", "datetime", "text",
                                             "singlevaluelist", "multivaluelist"}
    orders = [a["order"] for a in attrs]
    assert orders == sorted(orders) and len(set(orders)) == len(orders) and min(orders) >= 1
    by = {a["code"]: a for a in attrs}
    assert by["ROOM_TEMP"]["required"] is True and by["ROOM_TEMP"]["datatype"] == "number"
    assert [v["key"] for v in by["HEATING_TYPE"]["values"]] == ["central", "gas", "electric"]
    assert all(set(v) == {"key", "name"} and v["name"] for v in by["ROOMS"]["values"])
    for a in attrs:  # only the list datatypes carry values
        assert bool(a["values"]) == a["datatype"].endswith("valuelist")
    info = [a for a in attrs if not a["variable"]]
    assert info and not any(a["required"] for a in info)
    # a service without attributes has an empty definition
    d = both(api, "/open311/v2/services/0102", "service_definition")
    assert d == {"service_code": "0102", "attributes": []}


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_service_definition_errors(api, fmt):
    for code in ("9999", "01", "%E6%9A%96"):  # unknown, a group (not a leaf), junk
        st, body = get(api, "/open311/v2/services/%s.%s" % (code, fmt))
        is_error(st, body, 404)


@pytest.mark.parametrize("path", [
    "/open311/v2/services.csv", "/open311/v2/services/0101.html", "/open311/v2/discovery.yaml",
    "/open311/v2/requests.txt", "/open311/v2/requests/1.csv", "/open311/v2/tokens/abc.rss",
    "/open311/v2/servicerequestupdates.atom", "/open311/v2/services", "/open311/v2/requests/1"])
def test_unknown_suffix_is_json_404(api, path):
    st, body = get(api, path)
    assert st == 404 and isinstance(body, (list, dict)), body


def test_unknown_suffix_on_post_is_json_404(api, key):
    st, body = post(api, "/open311/v2/requests.csv", [("api_key", key), ("service_code", "0101")])
    is_error(st, body, 404)


# ---------------------------------------------------------------- API keys

def test_api_keys_admin_only_shown_once_stored_hashed(api, admin, demo_db):
    st, body = api.post("/api/v1/api-keys", {"name": "x"}, api.login("dispatcher"))
    assert st == 403
    st, body = api.post("/api/v1/api-keys", {"name": "x"})
    assert st == 401
    assert api.get("/api/v1/api-keys", api.login("dispatcher"))[0] == 403
    st, body = api.post("/api/v1/api-keys", {"name": "Mark-a-Spot"}, admin)
    assert st == 201
    assert set(body) >= {"id", "name", "api_key"} and body["rate_limit"] == 60
    secret = body["api_key"]
    st, lst = api.get("/api/v1/api-keys", admin)
    mine = [k for k in lst["items"] if k["id"] == body["id"]]
    assert mine and "api_key" not in mine[0] and "key_hash" not in mine[0]
    assert secret not in str(lst)
    if demo_db.startswith(("postgresql://", "postgres://")):
        rows = subprocess.run(["/usr/bin/psql", "-X", "-A", "-t", "-d", demo_db, "-c",
                               "SELECT * FROM api_keys"], capture_output=True, text=True,
                              timeout=60, check=True).stdout
    else:
        db = sqlite3.connect(demo_db)
        try:
            rows = db.execute("SELECT * FROM api_keys").fetchall()
        finally:
            db.close()
    assert rows and secret not in str(rows)
    for bad in ({}, {"name": ""}, {"name": "n", "rate_limit": 0}, {"name": "n", "rate_limit": 10 ** 7}):
        st, err = api.post("/api/v1/api-keys", bad, admin)
        assert st == 422, (bad, err)
    st, err = api.post("/api/v1/api-keys", {"name": "n", "rate_limit": "fast"}, admin)
    assert st == 400


def test_revoked_key_is_refused(api, admin, grid):
    st, k = api.post("/api/v1/api-keys", {"name": "short-lived"}, admin)
    fields = heat_fields(k["api_key"], grid)
    st, body = post(api, "/open311/v2/requests.json", fields)
    assert st == 200, body
    st, gone = api.request("DELETE", "/api/v1/api-keys/%d" % k["id"], token=admin)[:2]
    assert st == 200 and gone["revoked_at"] is not None
    before = newest_case_id(api, admin)
    for fmt in ("json", "xml"):
        st, body = post(api, "/open311/v2/requests." + fmt, fields)
        is_error(st, body, 403)
    assert newest_case_id(api, admin) == before
    assert api.request("DELETE", "/api/v1/api-keys/999999", token=admin)[0] == 404
    assert api.request("DELETE", "/api/v1/api-keys/%d" % k["id"], token=api.login("dispatcher"))[0] == 403


def test_rate_limit_answers_429_in_the_spec_format(api, admin):
    st, k = api.post("/api/v1/api-keys", {"name": "slow", "rate_limit": 3}, admin)
    assert st == 201
    if datetime.now().second > 50:  # keep the calls inside one minute window
        time.sleep(61 - datetime.now().second)
    path = "/open311/v2/requests.%s?api_key=" + k["api_key"] + "&page_size=1"
    for _ in range(3):
        assert get(api, path % "json")[0] == 200
    st, body, rh = call(api, "GET", path % "json")
    is_error(st, body, 429)
    assert int(rh["Retry-After"]) >= 1
    st, body, rh = call(api, "GET", path % "xml")
    is_error(st, body, 429)
    # reading without a key is not limited
    assert get(api, "/open311/v2/requests.json?page_size=1")[0] == 200


def test_get_with_a_bad_key_is_403(api):
    for fmt in ("json", "xml"):
        st, body = get(api, "/open311/v2/requests.%s?api_key=nope" % fmt)
        is_error(st, body, 403)


# ---------------------------------------------------------------- POST requests

def test_post_with_point_locates_and_dispatches(api, admin, key, grid):
    fields = heat_fields(key, grid, media_url="https://img.example.cn/a.jpg?x=1&y=2")
    st, body = post(api, "/open311/v2/requests.json", fields)
    assert st == 200, body
    assert isinstance(body, list) and len(body) == 1
    r = body[0]
    assert list(r) == ["service_request_id", "service_notice", "account_id"]
    assert isinstance(r["service_request_id"], int) and "token" not in r
    assert "供热公司" in r["service_notice"]
    acct = dict(fields)["account_id"]
    assert r["account_id"] == acct
    c = case(api, admin, r["service_request_id"])
    heat = unit_named(api, admin, "供热公司", "department")
    assert c["type"] == "request" and c["channel"] == "open311" and c["category_code"] == "0101"
    assert c["status"] == "dispatched" and c["handler_unit_id"] == heat["id"]
    assert c["unit_id"] == grid["unit"]["id"]
    assert c["reporter"]["name"] == "王女士" and c["reporter"]["phone"] == PHONE
    for line in ("室内温度（℃）：15.5", "供暖方式：集中供暖", "哪些房间不热：客厅、卧室"):
        assert line in c["description"]
    assert [e["action"] for e in c["timeline"]] == ["create", "dispatch"]
    # GeoReport shows it, with its media and without the phone
    j = both(api, "/open311/v2/requests/%d" % c["id"], "service_requests")
    (g,) = j
    shape(g, REQUEST)
    assert g["status"] == "open" and g["service_code"] == "0101"
    assert g["agency_responsible"] == "供热公司"
    assert g["media_url"] == "https://img.example.cn/a.jpg?x=1&y=2"
    # publicly the point is rounded (public_point_decimals, default 3); inside it is exact
    assert g["lat"] == round(grid["lat"], 3) and g["long"] == round(grid["lon"], 3)
    assert abs(c["lat"] - grid["lat"]) < 1e-6 and abs(c["lon"] - grid["lon"]) < 1e-6
    assert g["address_id"] == grid["unit"]["code"]
    assert g["expected_datetime"] == c["resolve_due_at"]


def test_post_xml_answer(api, key, grid):
    st, x = post(api, "/open311/v2/requests.xml", heat_fields(key, grid))
    assert st == 200
    assert x.tag == "service_requests"
    (req,) = x.findall("request")
    assert [e.tag for e in req] == ["service_request_id", "service_notice", "account_id"]
    assert int(req.find("service_request_id").text) > 0


def test_api_key_in_the_query_string(api, key, grid):
    fields = [(k, v) for k, v in heat_fields(key, grid) if k != "api_key"]
    st, body = post(api, "/open311/v2/requests.json?api_key=" + key, fields)
    assert st == 200 and body[0]["service_request_id"] > 0, body


def test_post_multipart(api, admin, key, grid):
    boundary = "----lianxin" + uuid.uuid4().hex
    raw = b""
    for k, v in heat_fields(key, grid, description="多部分表单提交"):
        raw += ('--%s\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n'
                % (boundary, k, v)).encode()
    # a file part (binary, not UTF-8) is skipped: media go by media_url
    raw += ('--%s\r\nContent-Disposition: form-data; name="media"; filename="a.jpg"\r\n'
            'Content-Type: image/jpeg\r\n\r\n' % boundary).encode() + b"\xff\xd8\x00binary\r\n"
    raw += ("--%s--\r\n" % boundary).encode()
    st, body, _ = call(api, "POST", "/open311/v2/requests.json", raw=raw,
                       headers={"Content-Type": "multipart/form-data; boundary=" + boundary})
    assert st == 200, body
    c = case(api, admin, body[0]["service_request_id"])
    assert c["description"].startswith("多部分表单提交")


def test_post_address_string_locates_by_unit_name(api, admin, key, grid):
    # 0301 goes to the street the case lies in
    st, body = post(api, "/open311/v2/requests.json", [
        ("api_key", key), ("service_code", "0301"), ("address_string", "桥头街道3号楼东侧垃圾点"),
        ("description", "垃圾三天没清运")])
    assert st == 200, body
    c = case(api, admin, body[0]["service_request_id"])
    assert c["unit_id"] == grid["street"]["id"] and c["handler_unit_id"] == grid["street"]["id"]
    assert c["address"] == "桥头街道3号楼东侧垃圾点"


def test_post_address_id_locates_by_unit_code(api, admin, key, grid):
    st, body = post(api, "/open311/v2/requests.xml", [
        ("api_key", key), ("service_code", "0301"), ("address_id", grid["unit"]["code"])])
    assert st == 200
    cid = int(body.find("request/service_request_id").text)
    c = case(api, admin, cid)
    assert c["unit_id"] == grid["unit"]["id"] and c["handler_unit_id"] == grid["street"]["id"]


def test_queued_request_gets_a_token(api, admin, key):
    # nowhere known: the street rule finds no street, a dispatcher must decide
    st, body = post(api, "/open311/v2/requests.json", [
        ("api_key", key), ("service_code", "0301"), ("address_string", "无名小区门口"),
        ("description", "垃圾堆积")])
    assert st == 200, body
    r = body[0]
    assert list(r) == ["token", "service_notice", "account_id"] and r["service_notice"]
    tok = r["token"]
    j = both(api, "/open311/v2/tokens/" + tok, "service_requests")
    assert list(j[0]) == ["service_request_id", "token"] and j[0]["token"] == tok
    c = case(api, admin, j[0]["service_request_id"])
    # nobody can place it: it is the district desk's (P7), not the admin's alone
    st, districts = api.get("/api/v1/units?kind=district", admin)
    items = districts["items"] if isinstance(districts, dict) else districts
    assert c["status"] == "new" and c["channel"] == "open311" and c["unit_id"] == items[0]["id"]
    desk = api.login("dispatcher")
    st, mine = api.get("/api/v1/cases/%d" % c["id"], desk)
    assert st == 200 and mine["status"] == "new", mine
    for fmt in ("json", "xml"):
        for t in ("0" * 32, "nope", tok.upper()):
            st, err = get(api, "/open311/v2/tokens/%s.%s" % (t, fmt))
            is_error(st, err, 404)


def bad_posts(key, grid):
    ok = heat_fields(key, grid)
    drop = lambda *names: [(k, v) for k, v in ok if k not in names]
    return [
        (403, drop("api_key")),
        (403, drop("api_key") + [("api_key", "0" * 64)]),
        (400, drop("service_code")),
        (404, drop("service_code") + [("service_code", "9999")]),
        (404, drop("service_code") + [("service_code", "01")]),
        (400, ok + [("service_code", "0101")]),                       # twice
        (400, drop("lat", "long")),                                    # no location at all
        (400, drop("long")),                                           # lat alone
        (400, drop("lat") + [("lat", "north")]),
        (400, drop("lat") + [("lat", "91")]),
        (400, drop("long") + [("long", "-181")]),
        (400, drop("lat", "long") + [("address_id", "no-such-unit")]),
        (400, drop("attribute[ROOM_TEMP]")),                           # required attribute
        (400, drop("attribute[ROOM_TEMP]") + [("attribute[ROOM_TEMP]", "warm")]),
        (400, drop("attribute[HEATING_TYPE]") + [("attribute[HEATING_TYPE]", "coal")]),
        (400, ok + [("attribute[HEATING_TYPE]", "gas")]),             # single value twice
        (400, ok + [("attribute[ROOMS][]", "garage")]),
        (400, ok + [("attribute[ROOMS]", "kitchen")]),                # value and list mixed
        (400, ok + [("attribute[SINCE]", "yesterday")]),
        (400, ok + [("attribute[SINCE]", "2026-01-10T08:00:00")]),    # no zone
        (400, ok + [("attribute[BUILDING]", "3号楼\n2单元")]),        # string is one line
        (400, ok + [("attribute[DETAILS]", "长" * 4001)]),
        (400, ok + [("attribute[ROOM_TEMP", "1")]),                   # malformed field
        (400, drop("description") + [("description", "冷" * 4001)]),
        (400, ok + [("media_url", "javascript:alert(1)")]),
        (400, ok + [("email", "not-an-address")]),
        (400, drop("phone") + [("phone", "call me")]),
        (400, drop("first_name") + [("first_name", "名" * 33)]),
    ]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_bad_posts_answer_spec_errors_and_create_nothing(api, admin, key, grid, fmt):
    before = newest_case_id(api, admin)
    for status, fields in bad_posts(key, grid):
        st, body = post(api, "/open311/v2/requests." + fmt, fields)
        is_error(st, body, status)
    # bodies that are not forms
    for raw, ctype in ((b'{"service_code":"0101"}', "application/json"),
                       (b"api_key=" + key.encode() + b"&description=%FF%FE", FORM["Content-Type"]),
                       (b"api_key=" + key.encode() + b"&description=%zz", FORM["Content-Type"]),
                       (b"--x\r\nbroken", "multipart/form-data; boundary=x")):
        st, body, _ = call(api, "POST", "/open311/v2/requests." + fmt, raw=raw,
                           headers={"Content-Type": ctype})
        is_error(st, body, 400)
    assert newest_case_id(api, admin) == before


def test_spec_example_request_with_point_and_address(api, admin, key, grid):
    """The spec's own example sends lat/long and address_string together."""
    st, body = post(api, "/open311/v2/requests.json", [
        ("api_key", key), ("jurisdiction_id", "city.gov"), ("service_code", "0203"),
        ("lat", "%.7f" % grid["lat"]), ("long", "%.7f" % grid["lon"]),
        ("address_string", "桥头街道北大街12号"), ("email", "smit333@example.edu"),
        ("device_id", "tt222111"), ("account_id", "123456"), ("first_name", "john"),
        ("last_name", "smith"), ("phone", "13800138000"),
        ("description", "A large sinkhole is destroying the street"),
        ("media_url", "http://farm3.static.flickr.com/2002/2212426634_5ed477a060.jpg"),
        ("attribute[WHISPAWN]", "123456"), ("attribute[WHISDORN]", "COISL001")])
    assert st == 200, body
    c = case(api, admin, body[0]["service_request_id"])
    assert c["unit_id"] == grid["unit"]["id"] and c["reporter"]["name"] == "john smith"
    assert c["address"] == "桥头街道北大街12号"


# ---------------------------------------------------------------- GET requests

def test_get_requests_shapes_and_filters(api, key, grid):
    mine = []
    for _ in range(3):
        st, body = post(api, "/open311/v2/requests.json", heat_fields(key, grid))
        assert st == 200, body
        mine.append(body[0]["service_request_id"])
    lst = both(api, "/open311/v2/requests?service_code=0101&page_size=50", "service_requests")
    assert 0 < len(lst) <= 50
    for r in lst:
        shape(r, REQUEST)
        assert r["service_code"] == "0101" and r["status"] in ("open", "closed")
    stamps = [r["requested_datetime"] for r in lst]
    assert stamps == sorted(stamps, reverse=True)  # newest first
    ids = [r["service_request_id"] for r in lst]
    assert set(mine) <= set(ids)
    # status
    for status in ("open", "closed"):
        got = both(api, "/open311/v2/requests?status=%s&page_size=200" % status, "service_requests")
        assert got and {r["status"] for r in got} == {status}
    both_st = both(api, "/open311/v2/requests?status=open,closed&page_size=5", "service_requests")
    assert len(both_st) == 5
    # service_request_id overrides everything else, even other filters
    one = both(api, "/open311/v2/requests?service_request_id=%d,%d&status=closed&service_code=0102"
               % (mine[0], mine[2]), "service_requests")
    assert sorted(r["service_request_id"] for r in one) == sorted([mine[0], mine[2]])
    # several service codes
    two = both(api, "/open311/v2/requests?service_code=0101,0301&page_size=300", "service_requests")
    assert {r["service_code"] for r in two} <= {"0101", "0301"}


def test_get_requests_dates_and_paging(api, key, grid):
    now = datetime.now(timezone.utc)
    # default: the most recent 90 days, at most 1000
    dflt = both(api, "/open311/v2/requests", "service_requests")
    assert 0 < len(dflt) <= 1000
    oldest = datetime.fromisoformat(dflt[-1]["requested_datetime"])
    assert oldest >= now - timedelta(days=90, minutes=1)
    # an explicit window, zone given with + (encoded) and Z
    start, end = now - timedelta(days=20), now - timedelta(days=10)
    win = both(api, "/open311/v2/requests?start_date=%s&end_date=%s&page_size=1000"
               % (q(w3c(start)), end.strftime("%Y-%m-%dT%H:%M:%SZ")), "service_requests")
    for r in win:
        t = datetime.fromisoformat(r["requested_datetime"])
        assert start - timedelta(seconds=1) <= t <= end + timedelta(seconds=1)
    # a '+' left unencoded in the query string arrives as a space: still read
    same_win = both(api, "/open311/v2/requests?start_date=%s&end_date=%s&page_size=1000"
                    % (w3c(start), q(w3c(end))), "service_requests")
    assert [r["service_request_id"] for r in same_win] == [r["service_request_id"] for r in win]
    # paging: pages do not overlap and follow each other
    p1 = both(api, "/open311/v2/requests?page_size=7&page=1", "service_requests")
    p2 = both(api, "/open311/v2/requests?page_size=7&page=2", "service_requests")
    p12 = both(api, "/open311/v2/requests?page_size=14", "service_requests")
    assert len(p1) == len(p2) == 7
    assert [r["service_request_id"] for r in p1 + p2] == [r["service_request_id"] for r in p12]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_get_requests_bad_parameters(api, fmt):
    now = datetime.now(timezone.utc)
    cases = [
        (400, "start_date=yesterday"),
        (400, "start_date=2026-01-01"),                       # a date without time and zone
        (400, "end_date=2026-01-01T00:00:00"),                # no zone
        (400, "start_date=2026-02-30T00:00:00Z"),
        (400, "start_date=%s&end_date=%s" % (q(w3c(now - timedelta(days=100))), q(w3c(now)))),
        (400, "start_date=%s&end_date=%s" % (q(w3c(now)), q(w3c(now - timedelta(days=1))))),
        (400, "page_size=1001"),
        (400, "page_size=0"),
        (400, "page_size=ten"),
        (400, "page=0"),
        (400, "page=-1"),
        (400, "status=pending"),
        (400, "status=open,"),
        (400, "service_request_id=1,abc"),
        (400, "service_request_id=,"),
        (404, "service_code=9999"),
        (404, "service_code=0101,01"),
    ]
    for status, qs in cases:
        st, body = get(api, "/open311/v2/requests.%s?%s" % (fmt, qs))
        is_error(st, body, status)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_get_one_request_errors(api, admin, fmt, grid):
    for rid in ("999999999", "0", "abc"):
        st, body = get(api, "/open311/v2/requests/%s.%s" % (rid, fmt))
        is_error(st, body, 404)
    # a case that is not a request (a hazard) is not a GeoReport request
    t = api.login("dispatcher")
    st, hz = api.post("/api/v1/cases", {"type": "hazard", "channel": "inspection", "category_code": "0603",
                                        "title": "楼道充电", "description": "电动车在楼道充电",
                                        "lat": grid["lat"], "lon": grid["lon"]}, t)
    assert st == 201, hz
    st, body = get(api, "/open311/v2/requests/%d.%s" % (hz["id"], fmt))
    is_error(st, body, 404)


def test_phone_numbers_never_appear(api, key, grid):
    other = "13700001234"
    st, body = post(api, "/open311/v2/requests.json",
                    heat_fields(key, grid, description="请回电 %s 或 %s" % (PHONE, other)))
    assert st == 200, body
    rid = body[0]["service_request_id"]
    for fmt in ("json", "xml"):
        for path in ("/open311/v2/requests/%d.%s" % (rid, fmt),
                     "/open311/v2/requests.%s?service_request_id=%d" % (fmt, rid),
                     "/open311/v2/requests.%s?page_size=50" % fmt,
                     "/open311/v2/servicerequestupdates.%s" % fmt):
            st, text, _ = api.request("GET", path)
            assert st == 200
            assert PHONE not in text and other not in text, path
    j = both(api, "/open311/v2/requests/%d" % rid, "service_requests")
    assert "139****5678" in j[0]["description"]


def test_xml_escapes_and_stays_well_formed(api, key, grid):
    text = """<b>"暖气" & 'heat'</b> ]]> \x01 end"""
    st, body = post(api, "/open311/v2/requests.json", heat_fields(
        key, grid, description=text.replace("\x01", ""), **{"attribute[BUILDING]": "3号楼<&>"}))
    assert st == 200, body
    rid = body[0]["service_request_id"]
    st, raw, _ = api.request("GET", "/open311/v2/requests/%d.xml" % rid)
    assert "<b>" not in raw and "&lt;b&gt;" in raw
    x = ET.fromstring(raw.encode())
    desc = x.find("request/description").text
    assert desc.startswith(text.replace("\x01", "")) and "3号楼<&>" in desc
    # characters XML 1.0 cannot carry (from the native API) are dropped
    st, c = api.post("/api/v1/cases", {"type": "request", "channel": "web", "category_code": "0102",
                                       "title": "控制字符", "description": text,
                                       "lat": grid["lat"], "lon": grid["lon"]}, api.login("dispatcher"))
    assert st == 201, c
    st, raw, _ = api.request("GET", "/open311/v2/requests/%d.xml" % c["id"])
    desc = ET.fromstring(raw.encode()).find("request/description").text
    assert desc == text.replace("\x01", "")
    st, j = get(api, "/open311/v2/requests/%d.json" % c["id"])
    assert st == 200 and j[0]["description"] == text


# ---------------------------------------------------------------- the round trip

def test_round_trip_open311_native_open311(api, admin, key, grid):
    # the feed's window starts with this test: earlier suites leave more
    # than a page (1,000 updates) of the last hour behind them
    t0 = datetime.now(timezone.utc) - timedelta(seconds=5)
    disp, heat = api.login("dispatcher"), api.login("handler_heat")
    st, body = post(api, "/open311/v2/requests.json", heat_fields(key, grid))
    assert st == 200, body
    rid = body[0]["service_request_id"]
    (g,) = both(api, "/open311/v2/requests/%d" % rid, "service_requests")
    assert g["status"] == "open" and g["status_notes"] is None
    # handled in the native API
    st, c = api.post("/api/v1/cases/%d/accept" % rid, {}, heat)
    assert st == 200, c
    reply = "已派维修人员上门排气，室温恢复到20度。"
    st, c = api.post("/api/v1/cases/%d/resolve" % rid, {"reply": reply}, heat)
    assert st == 200 and c["status"] == "resolved"
    (g,) = both(api, "/open311/v2/requests/%d" % rid, "service_requests")
    assert g["status"] == "closed" and g["status_notes"] == reply
    assert g["agency_responsible"] == "供热公司"
    assert g["expected_datetime"] == c["resolve_due_at"]
    assert g["updated_datetime"] == c["updated_at"]
    st, c = api.post("/api/v1/cases/%d/rate" % rid, {"rating": "satisfied", "solved": True}, disp)
    assert st == 200 and c["status"] == "closed"
    (g,) = both(api, "/open311/v2/requests/%d" % rid, "service_requests")
    assert g["status"] == "closed" and g["status_notes"] == reply
    assert g["updated_datetime"] == c["updated_at"]
    # listed as closed, and its steps are in the updates feed
    closed = both(api, "/open311/v2/requests?status=closed&service_code=0101&page_size=50",
                  "service_requests")
    assert rid in [r["service_request_id"] for r in closed]
    since = q(w3c(t0))
    ups = [u for u in both(api, "/open311/v2/servicerequestupdates?start_date=" + since,
                           "service_request_updates") if u["service_request_id"] == rid]
    assert [u["status"] for u in ups] == ["open", "open", "closed", "closed"]
    assert ups[2]["description"] == reply and "供热公司" in ups[0]["description"]


# ---------------------------------------------------------------- servicerequestupdates

def update_fields(key, rid, uid, status, text, **extra):
    f = [("api_key", key), ("service_request_id", str(rid)), ("update_id", uid),
         ("status", status), ("updated_datetime", w3c(datetime.now(timezone.utc))),
         ("description", text)]
    return f + list(extra.items())


def test_updates_sync_status_both_ways(api, admin, key, grid):
    t0 = datetime.now(timezone.utc) - timedelta(seconds=5)  # the feed's window, as above
    heat = api.login("handler_heat")
    st, body = post(api, "/open311/v2/requests.json", heat_fields(key, grid))
    rid = body[0]["service_request_id"]
    tag = uuid.uuid4().hex[:8]
    # a comment on open work: the case keeps its status
    st, body = post(api, "/open311/v2/servicerequestupdates.json",
                    update_fields(key, rid, "c-" + tag, "OPEN", "家里只有12度",
                                  media_url="https://img.example.cn/t.jpg"))
    assert st == 200, body
    assert list(body[0]) == ["update_id"]
    first = body[0]["update_id"]
    st, again = post(api, "/open311/v2/servicerequestupdates.json",
                     update_fields(key, rid, "c-" + tag, "OPEN", "家里只有12度"))
    assert st == 200 and again[0]["update_id"] == first  # retried: the same update
    c = case(api, admin, rid)
    assert c["status"] == "dispatched"
    assert [e["action"] for e in c["timeline"]] == ["create", "dispatch", "comment"]
    # the client cannot close work in hand: recorded, status unchanged
    st, body = post(api, "/open311/v2/servicerequestupdates.xml",
                    update_fields(key, rid, "x-" + tag, "CLOSED", "算了"))
    assert st == 200 and body.tag == "service_request_updates"
    assert int(body.find("request_update/update_id").text) > first
    assert case(api, admin, rid)["status"] == "dispatched"
    # answered, then the resident says it is not fixed: reopened to the same unit
    api.post("/api/v1/cases/%d/accept" % rid, {}, heat)
    st, c = api.post("/api/v1/cases/%d/resolve" % rid, {"reply": "已排气"}, heat)
    assert st == 200 and c["status"] == "resolved"
    st, body = post(api, "/open311/v2/servicerequestupdates.json",
                    update_fields(key, rid, "r-" + tag, "REOPEN", "还是不热"))
    assert st == 200, body
    c = case(api, admin, rid)
    assert c["status"] == "reopened" and c["handler_unit_id"] == unit_named(
        api, admin, "供热公司", "department")["id"]
    (g,) = both(api, "/open311/v2/requests/%d" % rid, "service_requests")
    assert g["status"] == "open"
    # answered again, and the resident confirms: closed
    api.post("/api/v1/cases/%d/accept" % rid, {}, heat)
    api.post("/api/v1/cases/%d/resolve" % rid, {"reply": "已更换暖气片"}, heat)
    st, body = post(api, "/open311/v2/servicerequestupdates.json",
                    update_fields(key, rid, "f-" + tag, "FIXED", "现在暖和了"))
    assert st == 200, body
    assert case(api, admin, rid)["status"] == "closed"
    # the feed shows the client's words and media, with the status after each
    since = q(w3c(t0))
    feed = [u for u in both(api, "/open311/v2/servicerequestupdates?start_date=" + since,
                            "service_request_updates") if u["service_request_id"] == rid]
    for u in feed:
        shape(u, UPDATE)
    mine = {u["update_id"]: u for u in feed}
    assert mine[first]["description"] == "家里只有12度" and mine[first]["status"] == "open"
    assert mine[first]["media_url"] == "https://img.example.cn/t.jpg"
    assert feed[-1]["description"] == "现在暖和了" and feed[-1]["status"] == "closed"
    # used for another request, the same update_id is refused
    st, body = post(api, "/open311/v2/requests.json", heat_fields(key, grid))
    st, err = post(api, "/open311/v2/servicerequestupdates.json",
                   update_fields(key, body[0]["service_request_id"], "c-" + tag, "OPEN", "x"))
    is_error(st, err, 400)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_update_errors(api, admin, key, grid, fmt):
    st, body = post(api, "/open311/v2/requests.json", heat_fields(key, grid))
    rid = body[0]["service_request_id"]
    ok = update_fields(key, rid, "e-" + uuid.uuid4().hex, "OPEN", "x")
    drop = lambda *names: [(k, v) for k, v in ok if k not in names]
    cases = [
        (403, drop("api_key")),
        (403, drop("api_key") + [("api_key", "bad")]),
        (400, drop("update_id")),
        (400, drop("status")),
        (400, drop("status") + [("status", "MAYBE")]),
        (400, drop("updated_datetime")),
        (400, drop("updated_datetime") + [("updated_datetime", "2026-01-01T10:00:00")]),
        (400, drop("description")),
        (400, drop("service_request_id")),
        (400, drop("service_request_id") + [("service_request_id", "x1")]),
        (404, drop("service_request_id") + [("service_request_id", "999999999")]),
        (400, ok + [("service_code", "0102")]),
        (400, ok + [("media_url", "ftp://x")]),
        (400, ok + [("status", "OPEN")]),
    ]
    events = len(case(api, admin, rid)["timeline"])
    for status, fields in cases:
        st, err = post(api, "/open311/v2/servicerequestupdates." + fmt, fields)
        is_error(st, err, status)
    assert len(case(api, admin, rid)["timeline"]) == events
    for qs in ("start_date=bad", "page_size=5000", "end_date=2026-01-01"):
        st, err = get(api, "/open311/v2/servicerequestupdates.%s?%s" % (fmt, qs))
        is_error(st, err, 400)


def test_key_kinds_open_only_their_routes_and_a_key_carries_its_jurisdiction(api, admin, grid):
    st, tel = api.post("/api/v1/api-keys", {"name": "电话网关", "kind": "telephony"}, admin)
    assert st == 201 and tel["kind"] == "telephony" and tel["unit_id"] is None, tel
    # a telephony key does not open Open311
    st, err = post(api, "/open311/v2/requests.json", [
        ("api_key", tel["api_key"]), ("service_code", "0301"), ("address_string", "无名小区门口"),
        ("description", "垃圾堆积")])
    is_error(st, err, 403)
    for bad, field in (({"name": "x", "kind": "sms"}, "kind"), ({"name": "x", "unit_id": 99999999}, "unit_id"),
                       ({"name": "x", "unit_id": 0}, "unit_id")):
        st, e = api.post("/api/v1/api-keys", bad, admin)
        assert st == 422 and e["error"]["field"] == field, (bad, e)
    # a key of 桥头街道: what it files that nobody can place goes to that street's desk
    street = grid["street"]
    st, k = api.post("/api/v1/api-keys", {"name": "桥头街道小程序", "unit_id": street["id"], "rate_limit": 1000}, admin)
    assert st == 201 and k["kind"] == "open311" and k["unit_id"] == street["id"], k
    st, lst = api.get("/api/v1/api-keys", admin)
    assert [x for x in lst["items"] if x["id"] == k["id"]][0]["unit_id"] == street["id"]
    st, body = post(api, "/open311/v2/requests.json", [
        ("api_key", k["api_key"]), ("service_code", "0301"), ("address_string", "无名小区门口"),
        ("description", "垃圾堆积")])
    assert st == 200, body
    sid = body[0].get("service_request_id")
    if sid is None:
        j = both(api, "/open311/v2/tokens/" + body[0]["token"], "service_requests")
        sid = j[0]["service_request_id"]
    c = case(api, admin, sid)
    assert c["unit_id"] == street["id"], c
