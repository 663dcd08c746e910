"""Personal data in free text (issue P7): ID numbers (GB 11643), mobiles in
every common spelling and landlines written into a title, a description, a
reply or an address are masked by one scrubber (core/scrub.c) in every output
a role without the right to see them gets: the public Open311 GET, case lists
(for every role, as the reporter's phone is), a leader's case detail, exports.
A role with the right (the dispatcher, in the detail) sees the text as written.

Publicly (every Open311 GET: a key holder republishes on a public map),
anonymous reporters' cases show no place finer than their community (the
address and address_id are the community's, the point is withheld), and the
points of the other requests are rounded to `public_point_decimals`
(default 3, about 100 m).
"""
import urllib.parse
import urllib.request
import uuid
import xml.etree.ElementTree as ET

import pytest

from conftest import Server, free_port, new_db

FORM = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}

# each spelling and what it reads as once masked
PII = [
    ("身份证140303199001011234", "身份证140303************"),
    ("证件14030319900101123X", "证件140303************"),
    ("身份证 140303 19900101 1234", "身份证 140303 ******** ****"),
    ("老证140303900101123", "老证140303*********"),
    ("手机13912345678", "手机139****5678"),
    ("139-1234-5678", "139-****-5678"),
    ("139 1234 5678", "139 **** 5678"),
    ("139.1234.5678", "139.****.5678"),
    ("+86 139 1234 5678", "+86 139 **** 5678"),
    ("+8613912345678", "+86139****5678"),
    ("86-139-1234-5678", "86-139-****-5678"),
    ("0086 13912345678", "0086 139****5678"),
    ("１３９１２３４５６７８", "１３９＊＊＊＊５６７８"),
    ("座机0353-2345678", "座机0353-****678"),
    ("(0353)2345678", "(0353)****678"),
    ("（0353）2345678", "（0353）****678"),
    ("0353 2345678", "0353 ****678"),
    ("010-12345678", "010-****5678"),
    ("03532345678", "0353****678"),
]
# ordinary numbers stay as they are
PLAIN = ["编号20260401000123", "2026-04-01", "金额12345元", "坐标39.9042,116.4074", "邮编037000",
         "09:30", "1502室", "工单158765432109"]
SECRETS = ["140303199001011234", "14030319900101123X", "140303900101123", "13912345678",
           "1234-5678", "1234 5678", "1234.5678", "１２３４", "2345678", "12345678"]


def text_of(items):
    return "，".join(items)


RAW = text_of([p for p, _ in PII] + PLAIN)
MASKED = text_of([m for _, m in PII] + PLAIN)


def units(api, token, **q):
    st, body = api.get("/api/v1/units?boundary=true&" + urllib.parse.urlencode(q), token)
    assert st == 200, body
    return body["items"]


@pytest.fixture(scope="module")
def place(api):
    """A grid of 桥头街道, its community and a point inside it."""
    t = api.login("dispatcher")
    street = next(u for u in units(api, t, kind="street") if u["name"] == "桥头街道")
    community = units(api, t, parent_id=street["id"])[0]
    g = units(api, t, parent_id=community["id"])[0]
    ring = g["boundary"]["coordinates"][0][:-1]
    lon = sum(p[0] for p in ring) / len(ring)
    lat = sum(p[1] for p in ring) / len(ring)
    return {"grid": g, "community": community, "lat": lat, "lon": lon}


@pytest.fixture(scope="module")
def key(api, admin):
    st, body = api.post("/api/v1/api-keys", {"name": "隐私测试", "rate_limit": 10000}, admin)
    assert st == 201, body
    return body["api_key"]


def new_case(api, place, token=None, **kw):
    body = {"type": "request", "channel": "hotline", "category_code": "0301",
            "title": "隐私" + uuid.uuid4().hex[:8], "description": "楼下垃圾没人清运",
            "lat": place["lat"], "lon": place["lon"], "address": "桥头街道北大街12号3单元501",
            "reporter": {"name": "赵女士", "phone": "13812345678"}}
    body.update(kw)
    st, c = api.post("/api/v1/cases", body, token or api.login("dispatcher"))
    assert st == 201, c
    return c


def open311(api, cid, fmt="json"):
    st, body, _ = api.request("GET", "/open311/v2/requests/%d.%s" % (cid, fmt))
    assert st == 200, body
    if fmt == "xml":
        return ET.fromstring(body.encode()).find("request")
    return body[0]


@pytest.fixture(scope="module")
def leaky(api, place):
    """A request whose title, description, reply and address hold every spelling."""
    tag = "隐私" + uuid.uuid4().hex[:8]
    c = new_case(api, place, title=tag + "回电" + PII[5][0], description=RAW,
                 address="北大街12号 " + PII[13][0])
    st, body = api.post("/api/v1/cases/%d/comment" % c["id"], {"note": "来电人说 " + PII[0][0]},
                        api.login("dispatcher"))
    assert st == 200, body
    c["tag"] = tag
    return c


def assert_clean(text):
    for s in SECRETS:
        assert s not in text, s


def test_open311_get_masks_every_spelling(api, leaky):
    j = open311(api, leaky["id"])
    assert j["description"] == MASKED
    assert j["address"] == "北大街12号 " + PII[13][1]
    x = open311(api, leaky["id"], "xml")
    assert x.find("description").text == MASKED
    for path in ("/open311/v2/requests/%d.json" % leaky["id"], "/open311/v2/requests/%d.xml" % leaky["id"],
                 "/open311/v2/requests.json?service_request_id=%d" % leaky["id"]):
        st, text, _ = api.request("GET", path)
        assert st == 200
        assert_clean(text)


def test_open311_status_notes_are_masked(api, place):
    c = new_case(api, place, category_code="0101", description="暖气不热")
    st, c = api.get("/api/v1/cases/%d" % c["id"], api.login("dispatcher"))
    heat = api.login("handler_heat")
    st, c = api.post("/api/v1/cases/%d/accept" % c["id"], {}, heat)
    assert st == 200, c
    st, c = api.post("/api/v1/cases/%d/resolve" % c["id"],
                     {"reply": "已修复，有事请拨 " + PII[7][0] + " 或 " + PII[16][0]}, heat)
    assert st == 200, c
    j = open311(api, c["id"])
    assert j["status_notes"] == "已修复，有事请拨 " + PII[7][1] + " 或 " + PII[16][1]
    st, text, _ = api.request("GET", "/open311/v2/servicerequestupdates.json")
    assert st == 200 and "1234.5678" not in text and "2345678" not in text


def test_leader_list_and_detail_are_masked_dispatcher_detail_is_not(api, leaky):
    leader, disp = api.login("leader"), api.login("dispatcher")
    q = urllib.parse.quote(leaky["tag"])
    st, lst = api.get("/api/v1/cases?q=%s&limit=50" % q, leader)
    assert st == 200, lst
    (item,) = [c for c in lst["items"] if c["id"] == leaky["id"]]
    assert item["description"] == MASKED
    assert item["title"] == leaky["tag"] + "回电" + PII[5][1]
    assert item["address"] == "北大街12号 " + PII[13][1]
    # the leader's detail, timeline notes included
    st, c = api.get("/api/v1/cases/%d" % leaky["id"], leader)
    assert st == 200, c
    assert c["description"] == MASKED
    assert any(e["note"] == "来电人说 " + PII[0][1] for e in c["timeline"]), c["timeline"]
    st, text, _ = api.request("GET", "/api/v1/cases/%d" % leaky["id"], token=leader)
    assert_clean(text)
    # a list is masked whoever reads it, as the reporter's phone is
    st, lst = api.get("/api/v1/cases?q=%s&limit=50" % q, disp)
    assert st == 200
    (item,) = [c for c in lst["items"] if c["id"] == leaky["id"]]
    assert item["description"] == MASKED
    # the dispatcher's detail shows the text as written
    st, c = api.get("/api/v1/cases/%d" % leaky["id"], disp)
    assert st == 200
    assert c["description"] == RAW and c["title"] == leaky["tag"] + "回电" + PII[5][0]
    assert any(e["note"] == "来电人说 " + PII[0][0] for e in c["timeline"])


def test_exports_are_masked(api, leaky):
    import csv
    import io
    import zipfile
    for who in ("leader", "dispatcher", "admin"):
        t = api.login(who)
        for fmt in ("csv", "xlsx"):
            req = urllib.request.Request(
                api.base + "/api/v1/cases/export.%s?q=%s" % (fmt, urllib.parse.quote(leaky["tag"])),
                headers={"Authorization": "Bearer " + t})
            with urllib.request.urlopen(req, timeout=60) as resp:
                data = resp.read()
            if fmt == "csv":
                rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
                (row,) = [r for r in rows[1:] if r[0] == leaky["number"]]
                assert row[7] == MASKED and row[6] == leaky["tag"] + "回电" + PII[5][1]
                text = data.decode("utf-8-sig")
            else:
                text = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
                assert ET.fromstring(text.encode()) is not None
            assert_clean(text)


def test_whoever_filed_a_case_sees_it_as_written(api, place):
    deputy = api.login("deputy")
    c = new_case(api, place, deputy, type="suggestion", channel="deputy_station", category_code=None,
                 description="代表联系电话 " + PII[5][0])
    assert c["description"] == "代表联系电话 " + PII[5][0]
    st, again = api.get("/api/v1/cases/%d" % c["id"], deputy)
    assert st == 200 and again["description"] == c["description"]
    st, other = api.get("/api/v1/cases/%d" % c["id"], api.login("leader"))
    assert st == 200 and other["description"] == "代表联系电话 " + PII[5][1]


# ---------------------------------------------------------------- places


def test_anonymous_reporter_shows_only_the_community(api, place):
    c = new_case(api, place, reporter={"anonymous": True, "phone": "13812345678"})
    for fmt in ("json", "xml"):
        r = open311(api, c["id"], fmt)
        get = (lambda k: r[k]) if fmt == "json" else (lambda k: r.find(k).text)
        assert get("address") == place["community"]["name"]
        assert get("address_id") == place["community"]["code"]
        assert get("lat") is None and get("long") is None
    # staff still see where it is
    st, full = api.get("/api/v1/cases/%d" % c["id"], api.login("dispatcher"))
    assert st == 200 and full["address"] == "桥头街道北大街12号3单元501"
    assert abs(full["lat"] - place["lat"]) < 1e-9


def test_open311_post_without_contact_is_anonymous(api, key, place):
    fields = [("api_key", key), ("service_code", "0301"), ("lat", "%.7f" % place["lat"]),
              ("long", "%.7f" % place["lon"]), ("address_string", "北大街12号3单元501"),
              ("description", "门口垃圾没人清运")]
    st, body, _ = api.request("POST", "/open311/v2/requests.json",
                              raw=urllib.parse.urlencode(fields).encode(), headers=FORM)
    assert st == 200, body
    r = open311(api, body[0]["service_request_id"])
    assert r["address"] == place["community"]["name"] and r["lat"] is None and r["long"] is None
    # with a way to reach the reporter it is not anonymous: the address stays
    fields.append(("email", "a@example.cn"))
    st, body, _ = api.request("POST", "/open311/v2/requests.json",
                              raw=urllib.parse.urlencode(fields).encode(), headers=FORM)
    assert st == 200, body
    r = open311(api, body[0]["service_request_id"])
    assert r["address"] == "北大街12号3单元501"


def test_public_points_are_rounded(api, place):
    c = new_case(api, place, lat=place["lat"] + 0.00012345, lon=place["lon"] + 0.00023456)
    for fmt in ("json", "xml"):
        r = open311(api, c["id"], fmt)
        lat, lon = (r["lat"], r["long"]) if fmt == "json" else (float(r.find("lat").text),
                                                               float(r.find("long").text))
        assert lat == round(c["lat"], 3) and lon == round(c["lon"], 3), (lat, lon, c["lat"], c["lon"])
    st, full = api.get("/api/v1/cases/%d" % c["id"], api.login("dispatcher"))
    assert full["lat"] == c["lat"]  # exact inside


def test_public_point_decimals_is_a_setting(pristine_db, place):
    db = new_db("points", template=pristine_db)
    s = Server(db, free_port(), env={"LIANXIN_PUBLIC_POINT_DECIMALS": "1"})
    try:
        c = new_case(s.client, place)
        r = open311(s.client, c["id"])
        assert r["lat"] == round(place["lat"], 1) and r["long"] == round(place["lon"], 1)
    finally:
        assert s.stop() == 0


def test_the_access_log_masks_numbers_in_paths(api, server):
    for path in ("/open311/v2/requests/13912345678.json", "/static/身份证140303199001011234.png",
                 "/api/v1/units/0353-2345678"):
        st, _, _ = api.request("GET", path)
        assert st in (400, 401, 404), path
    out = server.output()
    assert "139****5678.json" in out
    assert "13912345678" not in out and "140303199001011234" not in out and "2345678" not in out
