"""Residents on their own phones (P10): a code by SMS proves a number (6
digits, 5 minutes, 5 tries then 15 minutes locked; 5 codes a number and 20 an
address an hour); the resident's token opens only the resident routes and a
staff token none of them; a resident sees every case filed with their number,
from any channel, and nobody else's; the timeline is in plain words without
staff names or internal notes; a resident's rating counts as the desk's does
and the timeline says who rated; a case number and the phone's last 4 digits
show one case without a login."""
import re
import uuid

import pytest

from test_auth_security import From
from test_notify import Gateway, env_for, wait_for


@pytest.fixture()
def srv(own_server):
    g = Gateway()
    s = own_server(**env_for(g, LIANXIN_WEBHOOK_URL=""))
    s.gateway = g
    yield s
    g.close()


def phone():
    return "139%08d" % (uuid.uuid4().int % 10 ** 8)


def code_for(s, number, source="127.0.0.1"):
    """Asks a code for number and reads it off the gateway."""
    c = From(s.port, source)
    before = len([t for t in s.gateway.got("/sms", 200) if t[2]["to"] == number])
    st, b, h = c.request("POST", "/api/v1/resident/code", {"phone": number})
    assert st == 200 and b["sent"] is True and b["expires_in"] == 300, b
    texts = wait_for(lambda: [t for t in s.gateway.got("/sms", 200) if t[2]["to"] == number][before:],
                     what="the code's text")
    m = re.search(r"验证码是(\d{6})", texts[-1][2]["text"])
    assert m, texts[-1]
    return m.group(1)


def login(s, number, source="127.0.0.1"):
    code = code_for(s, number, source)
    st, b, h = From(s.port, source).request("POST", "/api/v1/resident/login", {"phone": number, "code": code})
    assert st == 200 and len(b["token"]) == 64 and b["role"] == "resident", b
    assert b["phone"] == number[:3] + "****" + number[-4:]
    return b["token"]


def test_a_code_proves_the_number(srv):
    s, number = srv, phone()
    tok = login(s, number)
    st, b, _ = From(s.port, "127.0.0.1").request("GET", "/api/v1/resident/cases", token=tok)
    assert st == 200 and b["items"] == [], b
    # a code works once
    code = code_for(s, number)
    c = From(s.port, "127.0.0.1")
    st, b, _ = c.request("POST", "/api/v1/resident/login", {"phone": number, "code": code})
    assert st == 200, b
    st, b, _ = c.request("POST", "/api/v1/resident/login", {"phone": number, "code": code})
    assert st == 401 and b["error"]["code"] == "no_code", b
    # logged out: the token is dead
    st, b, _ = c.request("POST", "/api/v1/resident/logout", {}, token=tok)
    assert st == 200, b
    st, b, _ = c.request("GET", "/api/v1/resident/cases", token=tok)
    assert st == 401, b


def test_five_wrong_codes_lock_the_number_for_a_while(srv):
    s, number = srv, phone()
    code = code_for(s, number)
    wrong = "%06d" % ((int(code) + 1) % 10 ** 6)
    c = From(s.port, "127.0.0.1")
    for i in range(5):
        st, b, _ = c.request("POST", "/api/v1/resident/login", {"phone": number, "code": wrong})
        assert st == 401 and b["error"]["field"] == "code", (i, b)
    st, b, h = c.request("POST", "/api/v1/resident/login", {"phone": number, "code": code})
    assert st == 429 and b["error"]["code"] == "locked", b
    assert 800 <= int(h["Retry-After"]) <= 901, h
    st, b, _ = c.request("POST", "/api/v1/resident/code", {"phone": number})
    assert st == 429 and b["error"]["code"] == "locked", b
    # another number is not touched
    login(s, phone())


def test_codes_are_limited_per_number_and_per_address(srv):
    s, number = srv, phone()
    for _ in range(5):
        code_for(s, number, "127.0.0.51")
    st, b, h = From(s.port, "127.0.0.52").request("POST", "/api/v1/resident/code", {"phone": number})
    assert st == 429 and b["error"]["code"] == "too_many_codes" and h["Retry-After"], b
    c = From(s.port, "127.0.0.53")
    for i in range(20):
        st, b, _ = c.request("POST", "/api/v1/resident/code", {"phone": phone()})
        assert st == 200, (i, b)
    st, b, _ = c.request("POST", "/api/v1/resident/code", {"phone": phone()})
    assert st == 429 and b["error"]["code"] == "too_many_codes", b


@pytest.mark.parametrize("body,field", [
    ({"phone": "12345"}, "phone"), ({"phone": "0351-1234567"}, "phone"), ({}, "phone"),
    ({"phone": 13912345678}, "phone")])
def test_bad_numbers_get_no_code(api, body, field):
    st, b = api.post("/api/v1/resident/code", body)
    assert st in (400, 422) and b["error"]["field"] == field, b


def test_bad_codes_are_refused_before_counting(srv):
    s, number = srv, phone()
    c = From(s.port, "127.0.0.1")
    for code in ("12345", "abcdef", "1234567", ""):
        st, b, _ = c.request("POST", "/api/v1/resident/login", {"phone": number, "code": code})
        assert st == 422 and b["error"]["field"] == "code", (code, b)
    st, b, _ = c.request("POST", "/api/v1/resident/login", {"phone": number, "code": "123456"})
    assert st == 401 and b["error"]["code"] == "no_code", b


def test_tokens_open_only_their_own_side(srv):
    s = srv
    tok = login(s, phone())
    staff = s.client.login("dispatcher")
    c = From(s.port, "127.0.0.1")
    for path in ("/api/v1/cases", "/api/v1/auth/me", "/api/v1/inbox"):
        st, b, _ = c.request("GET", path, token=tok)
        assert st == 401, (path, b)
    st, b, _ = c.request("GET", "/api/v1/resident/cases", token=staff)
    assert st == 401, b
    st, b, _ = c.request("GET", "/api/v1/resident/cases")
    assert st == 401, b


def test_a_resident_files_and_follows_their_own_cases(srv):
    s, number = srv, phone()
    tok = login(s, number)
    c = From(s.port, "127.0.0.1")
    st, case, _ = c.request("POST", "/api/v1/resident/cases", {
        "category_code": "0101", "title": "暖气不热", "description": "3号楼2单元暖气不热两天了",
        "address": "矿区桥头街道3号楼", "name": "李阿姨"}, token=tok)
    assert st == 201 and case["channel"] == "web" and re.fullmatch(r"\d{14}", case["number"]), case
    # the desk took another call from the same number, spelled its own way
    disp = s.client.login("dispatcher")
    spaced = "+86 %s-%s-%s" % (number[:3], number[3:7], number[7:])
    st, desk = s.client.post("/api/v1/cases", {"type": "request", "channel": "hotline", "category_code": "0101",
                                               "title": "热线来电", "description": "同一位居民来电",
                                               "reporter": {"name": "李阿姨", "phone": spaced}}, disp)
    assert st == 201, desk
    st, other = s.client.post("/api/v1/cases", {"type": "request", "channel": "hotline", "category_code": "0101",
                                                "title": "别人的诉求", "description": "另一位居民",
                                                "reporter": {"name": "王先生", "phone": phone()}}, disp)
    assert st == 201
    st, b, _ = c.request("GET", "/api/v1/resident/cases", token=tok)
    assert st == 200, b
    ids = [x["id"] for x in b["items"]]
    assert ids == [desk["id"], case["id"]], ids
    st, b, _ = c.request("GET", "/api/v1/resident/cases/%d" % other["id"], token=tok)
    assert st == 404 and b["error"]["code"] == "not_found", b
    st, b, _ = c.request("GET", "/api/v1/resident/cases/999999999", token=tok)
    assert st == 404, b
    # the handler works it, with an internal note; the resident reads plain steps
    heat = s.client.login("handler_heat")
    s.client.post("/api/v1/cases/%d/accept" % case["id"], {}, heat)
    s.client.post("/api/v1/cases/%d/comment" % case["id"], {"note": "内部备注：物业电话打不通"}, heat)
    st, r = s.client.post("/api/v1/cases/%d/resolve" % case["id"], {"reply": "已更换阀门，暖气恢复"}, heat)
    assert st == 200, r
    st, b, _ = c.request("GET", "/api/v1/resident/cases/%d" % case["id"], token=tok)
    assert st == 200 and b["status"] == "resolved" and b["reply"] == "已更换阀门，暖气恢复", b
    assert b["can_rate"] is True and b["status_label"] == "已办结"
    steps = [t["text"] for t in b["timeline"]]
    assert steps[0] == "已收到您的诉求" and "承办单位已受理，正在办理" in steps and steps[-1].startswith("已办结"), steps
    text = str(b)
    for secret in ("内部备注", "物业电话", "handler_heat", "供热公司值班员"):
        assert secret not in text, (secret, b)
    for k in ("created_by", "handler_unit_id", "actor", "reporter"):
        assert k not in b, k


def test_a_residents_rating_counts_and_says_who_rated(srv):
    s, number = srv, phone()
    tok = login(s, number)
    c = From(s.port, "127.0.0.1")
    st, case, _ = c.request("POST", "/api/v1/resident/cases", {
        "category_code": "0101", "title": "暖气漏水", "description": "暖气片漏水"}, token=tok)
    assert st == 201, case
    st, b, _ = c.request("POST", "/api/v1/resident/cases/%d/rate" % case["id"],
                         {"rating": "satisfied", "solved": True}, token=tok)
    assert st == 409, b                                   # not answered yet
    heat = s.client.login("handler_heat")
    s.client.post("/api/v1/cases/%d/accept" % case["id"], {}, heat)
    s.client.post("/api/v1/cases/%d/resolve" % case["id"], {"reply": "已上门维修"}, heat)
    for body, code in (({"rating": "great", "solved": True}, 422), ({"rating": "satisfied"}, 422),
                       ({"rating": "basic", "solved": True, "comment": "x" * 501}, 422)):
        st, b, _ = c.request("POST", "/api/v1/resident/cases/%d/rate" % case["id"], body, token=tok)
        assert st == code, (body, b)
    st, b, _ = c.request("POST", "/api/v1/resident/cases/%d/rate" % case["id"],
                         {"rating": "unsatisfied", "solved": False, "comment": "还是漏水"}, token=tok)
    assert st == 200 and b["rating"] == "unsatisfied", b
    # unsatisfied and unsolved: back to the unit, as after the desk's callback
    st, staff = s.client.get("/api/v1/cases/%d" % case["id"], s.client.login("dispatcher"))
    assert staff["status"] == "reopened" and staff["rating"] == "unsatisfied" and staff["solved"] is False, staff
    rated = [e for e in staff["timeline"] if e["action"] == "rate"]
    assert rated and "反映人本人评价" in rated[0]["note"] and number[-4:] in rated[0]["note"], rated
    assert number not in str(staff["timeline"]), "the full number is not on the timeline"
    assert "还是漏水" in rated[0]["note"]
    st, b, _ = c.request("GET", "/api/v1/resident/cases/%d" % case["id"], token=tok)
    assert b["can_rate"] is False and b["rating"] == "unsatisfied", b
    # answered again: the resident may rate the new answer, though an old rating stands
    s.client.post("/api/v1/cases/%d/accept" % case["id"], {}, heat)
    st, r = s.client.post("/api/v1/cases/%d/resolve" % case["id"], {"reply": "已更换暖气片"}, heat)
    assert st == 200, r
    st, b, _ = c.request("GET", "/api/v1/resident/cases/%d" % case["id"], token=tok)
    assert b["status"] == "resolved" and b["can_rate"] is True, b


def test_a_resident_cannot_rate_or_read_anothers_case(srv):
    s = srv
    owner, other = login(s, phone()), login(s, phone())
    c = From(s.port, "127.0.0.1")
    st, case, _ = c.request("POST", "/api/v1/resident/cases", {
        "category_code": "0101", "title": "暖气不热", "description": "别人的诉求"}, token=owner)
    assert st == 201
    heat = s.client.login("handler_heat")
    s.client.post("/api/v1/cases/%d/accept" % case["id"], {}, heat)
    s.client.post("/api/v1/cases/%d/resolve" % case["id"], {"reply": "已处理"}, heat)
    st, b, _ = c.request("POST", "/api/v1/resident/cases/%d/rate" % case["id"],
                         {"rating": "unsatisfied", "solved": False}, token=other)
    assert st == 404 and b["error"]["code"] == "not_found", b
    st, b, _ = c.request("GET", "/api/v1/resident/cases/%d" % case["id"], token=owner)
    assert b["status"] == "resolved" and b["rating"] is None, "the stranger's rating changed nothing"
    st, b, _ = c.request("GET", "/api/v1/resident/cases", token=other)
    assert st == 200 and b["items"] == [], b


@pytest.mark.parametrize("body,field", [
    ({"description": "没有标题"}, "title"),
    ({"title": "没有内容"}, "description"),
    ({"title": "t", "description": "d", "lat": 37.86}, "lon"),
    ({"title": "t", "description": "d", "lat": 91, "lon": 113.5}, "lat"),
    ({"title": "t", "description": "d", "category_code": "9999"}, "category_code"),
    ({"title": "t", "description": "d", "type": "nonsense"}, "type"),
    ({"title": "t" * 101, "description": "d"}, "title"),
])
def test_a_residents_bad_filing_is_refused_and_writes_nothing(srv, body, field):
    s = srv
    tok = login(s, phone())
    c = From(s.port, "127.0.0.1")
    st, b, _ = c.request("POST", "/api/v1/resident/cases", body, token=tok)
    assert st in (400, 422) and b["error"]["field"] == field, b
    st, b, _ = c.request("GET", "/api/v1/resident/cases", token=tok)
    assert b["items"] == [], b
    for q in ("limit=0", "limit=x", "cursor=-3"):
        st, b, _ = c.request("GET", "/api/v1/resident/cases?" + q, token=tok)
        assert st == 400 and b["error"]["code"] == "bad_parameter", (q, b)


def test_a_case_by_its_number_and_digits_without_login(srv):
    s, number = srv, phone()
    disp = s.client.login("dispatcher")
    st, case = s.client.post("/api/v1/cases", {"type": "request", "channel": "hotline", "category_code": "0101",
                                               "title": "老人家暖气不热", "description": "电话反映",
                                               "reporter": {"name": "赵大爷", "phone": number}}, disp)
    assert st == 201, case
    st, staff = s.client.get("/api/v1/cases/%d" % case["id"], disp)
    num = staff["number"]
    c = From(s.port, "127.0.0.61")
    st, b, _ = c.request("GET", "/api/v1/resident/lookup?number=%s&digits=%s" % (num, number[-4:]))
    assert st == 200 and b["id"] == case["id"] and b["timeline"], b
    assert "赵大爷" not in str(b) and number not in str(b)
    st, b, _ = c.request("GET", "/api/v1/resident/lookup?number=%s&digits=%s" % (num, "0000" if number[-4:] != "0000"
                                                                                 else "1111"))
    assert st == 404, b
    # the right id on another day is no case number of it
    wrong_day = ("20190101" if num[:8] != "20190101" else "20190102") + num[8:]
    st, b, _ = c.request("GET", "/api/v1/resident/lookup?number=%s&digits=%s" % (wrong_day, number[-4:]))
    assert st == 404, b
    # a number of more than 14 digits (ids past 999,999) is a number all the same
    st, b, _ = c.request("GET", "/api/v1/resident/lookup?number=%s&digits=%s" % (num[:8] + "0" + num[8:], number[-4:]))
    assert st == 404, b
    for q in ("number=123&digits=1234", "number=%s&digits=12" % num, "digits=1234", "number=%s" % num):
        st, b, _ = c.request("GET", "/api/v1/resident/lookup?" + q)
        assert st == 400, (q, b)
    # guessing is slow: 20 misses an hour from one address
    g = From(s.port, "127.0.0.62")
    for i in range(20):
        st, b, _ = g.request("GET", "/api/v1/resident/lookup?number=%s&digits=%04d" % (num, i))
        assert st in (200, 404), b
    st, b, _ = g.request("GET", "/api/v1/resident/lookup?number=%s&digits=%s" % (num, number[-4:]))
    assert st == 429 and b["error"]["code"] == "too_many_lookups", b


def test_anonymous_filing_hides_the_reporter(srv):
    s, number = srv, phone()
    tok = login(s, number)
    st, case, _ = From(s.port, "127.0.0.1").request("POST", "/api/v1/resident/cases", {
        "category_code": "0101", "title": "匿名反映", "description": "不愿留名", "anonymous": True,
        "name": "不留名"}, token=tok)
    assert st == 201, case
    st, staff = s.client.get("/api/v1/cases/%d" % case["id"], s.client.login("handler_heat"))
    assert st == 200 and number not in str(staff) and "不留名" not in str(staff), staff


def raw(s, method, path, data, ctype, token, source="127.0.0.1"):
    """A raw-bodied request (an upload) from source; (status, body or bytes, headers)."""
    import http.client
    import json
    conn = http.client.HTTPConnection("127.0.0.1", s.port, timeout=30, source_address=(source, 0))
    hdrs = {"Authorization": "Bearer " + token} if token else {}
    if ctype:
        hdrs["Content-Type"] = ctype
    conn.request(method, path, body=data, headers=hdrs)
    r = conn.getresponse()
    body = r.read()
    conn.close()
    if r.getheader("Content-Type", "").startswith("application/json"):
        body = json.loads(body)
    return r.status, body, dict(r.getheaders())


def test_a_resident_adds_photos_and_sees_their_own_and_the_after_photo(srv):
    from test_attachments import jpeg, pdf, upload
    s, number = srv, phone()
    tok, other = login(s, number), login(s, phone())
    c = From(s.port, "127.0.0.1")
    st, case, _ = c.request("POST", "/api/v1/resident/cases", {
        "category_code": "0101", "title": "暖气漏水", "description": "见照片"}, token=tok)
    assert st == 201, case
    path = "/api/v1/resident/cases/%d/attachments?name=%%E6%%BC%%8F%%E6%%B0%%B4.jpg" % case["id"]
    st, a, _ = raw(s, "POST", path, jpeg(), "image/jpeg", tok)
    assert st == 201 and a["stage"] == "intake" and a["name"] == "漏水.jpg", a
    assert a["url"] == "/api/v1/resident/attachments/%d" % a["id"] and a["thumb_url"].endswith("/thumb"), a
    # refused: a PDF, bytes that are not what the header says, another's case, a staff token
    for data, ctype, token, code in ((pdf(), "application/pdf", tok, 415), (jpeg(), "image/png", tok, 415),
                                     (b"", "image/jpeg", tok, 400)):
        st, b, _ = raw(s, "POST", path, data, ctype, token)
        assert st == code, (ctype, b)
    st, b, _ = raw(s, "POST", path, jpeg(), "image/jpeg", other)
    assert st == 404, b
    desk = s.client.login("dispatcher")
    st, b, _ = raw(s, "POST", path, jpeg(), "image/jpeg", desk)
    assert st == 401, b
    # the staff see the resident's photo on the case; the thumbnail reads for its owner only
    st, staff = s.client.get("/api/v1/cases/%d" % case["id"], desk)
    assert [x["id"] for x in staff["attachments"]] == [a["id"]], staff["attachments"]
    st, b, h = raw(s, "GET", a["thumb_url"], None, None, tok)
    assert st == 200 and h["Content-Type"] == "image/jpeg" and b[:2] == b"\xff\xd8"
    for token in (other, desk):
        st, b, _ = raw(s, "GET", a["url"], None, None, token)
        assert st in (401, 404), b
    # the handler's working photo stays internal; the after-photo is the resident's to see
    heat = s.client.login("handler_heat")
    s.client.post("/api/v1/cases/%d/accept" % case["id"], {}, heat)
    ids = {}
    for stage in ("handling", "resolve"):
        st, x = upload(s.client, heat, case["id"], jpeg(), "image/jpeg", stage)
        assert st == 201, x
        ids[stage] = x["id"]
    st, r = s.client.post("/api/v1/cases/%d/resolve" % case["id"], {"reply": "已更换阀门"}, heat)
    assert st == 200, r
    st, b, _ = c.request("GET", "/api/v1/resident/cases/%d" % case["id"], token=tok)
    assert [x["id"] for x in b["attachments"]] == [a["id"], ids["resolve"]], b["attachments"]
    st, got, _ = raw(s, "GET", "/api/v1/resident/attachments/%d" % ids["resolve"], None, None, tok)
    assert st == 200 and got[:2] == b"\xff\xd8"
    st, got, _ = raw(s, "GET", "/api/v1/resident/attachments/%d" % ids["handling"], None, None, tok)
    assert st == 404, got
    # a lookup without a login shows no photos
    st, b, _ = c.request("GET", "/api/v1/resident/lookup?number=%s&digits=%s" % (case["number"], number[-4:]))
    assert st == 200 and "attachments" not in b, b


def test_nine_photos_at_most_and_none_once_closed(srv):
    from test_attachments import jpeg
    s = srv
    tok = login(s, phone())
    c = From(s.port, "127.0.0.1")
    st, case, _ = c.request("POST", "/api/v1/resident/cases", {
        "category_code": "0201", "title": "路灯不亮", "description": "整条街"}, token=tok)
    path = "/api/v1/resident/cases/%d/attachments" % case["id"]
    small = jpeg(120, 90, gps=False)
    for i in range(9):
        st, b, _ = raw(s, "POST", path, small, "image/jpeg", tok)
        assert st == 201, (i, b)
    st, b, _ = raw(s, "POST", path, small, "image/jpeg", tok)
    assert st == 409 and b["error"]["code"] == "attachment_limit", b
    st, case2, _ = c.request("POST", "/api/v1/resident/cases", {
        "category_code": "0101", "title": "暖气", "description": "不热"}, token=tok)
    disp = s.client.login("dispatcher")
    st, r = s.client.post("/api/v1/cases/%d/invalid" % case2["id"], {"reason": "重复反映"}, disp)
    assert st == 200 and r["status"] == "closed", r
    st, b, _ = raw(s, "POST", "/api/v1/resident/cases/%d/attachments" % case2["id"], small, "image/jpeg", tok)
    assert st == 409 and b["error"]["code"] == "case_not_open", b


def test_residents_choose_among_plain_categories_and_some_need_a_name(srv):
    s = srv
    tok = login(s, phone())
    c = From(s.port, "127.0.0.1")
    st, b, _ = c.request("GET", "/api/v1/resident/categories", token=tok)
    assert st == 200, b
    by = {x["code"]: x for x in b["items"]}
    assert by["0101"]["group"] == "供暖供水供电燃气" and by["0101"]["anonymous_ok"] is True, by["0101"]
    assert "01" not in by and "1002" not in by, "groups and the deputies' suggestions are not offered"
    assert by["0802"]["anonymous_ok"] is False
    st, b, _ = c.request("GET", "/api/v1/resident/categories", token=s.client.login("dispatcher"))
    assert st == 401, b
    st, b, _ = c.request("POST", "/api/v1/resident/cases", {
        "category_code": "0802", "title": "欠薪", "description": "工地拖欠工资", "anonymous": True}, token=tok)
    assert st == 422 and b["error"]["code"] == "anonymous_not_allowed" and b["error"]["field"] == "anonymous", b
    st, b, _ = c.request("GET", "/api/v1/resident/cases", token=tok)
    assert b["items"] == [], "the refused filing wrote nothing"
    st, b, _ = c.request("POST", "/api/v1/resident/cases", {
        "category_code": "0802", "title": "欠薪", "description": "工地拖欠工资"}, token=tok)
    assert st == 201, b
    # an admin may open a category to anonymous reports
    admin = s.client.login("admin")
    st, cat = s.client.patch("/api/v1/categories/0802", {"anonymous_ok": True}, admin)
    assert st == 200 and cat["anonymous_ok"] is True, cat
