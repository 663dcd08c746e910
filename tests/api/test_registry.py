"""The registry (P9): households, residents, places, organisations; ID
numbers and phones checked, sealed at rest, masked, unmasked only with the
right and a reason, which the audit log keeps; sensitive tags per role;
scope in the store; imports from CSV (UTF-8, GBK) and XLSX, all or nothing;
a household's move kept in its history."""
import io
import os
import random
import subprocess
import uuid

import pytest

from conftest import BACKEND, BIN, db_rows, is_url, new_db, run_cli
from test_scope import check_error

W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def id_number(birth=None, region="140303", seq=None):
    """A valid GB 11643 number (check digit computed); without a birth date,
    one drawn from 1930-1989 (a fixed day leaves only 1,000 numbers, and a
    session's residents drew the same one now and then)."""
    if birth is None:
        import datetime
        birth = (datetime.date(1930, 1, 1) + datetime.timedelta(days=random.randrange(60 * 365))).strftime("%Y%m%d")
    seq = "%03d" % (seq if seq is not None else random.randrange(1000))
    body = region + birth + seq
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, W)) % 11]


def bad_check(idn):
    last = idn[-1]
    return idn[:-1] + ("0" if last != "0" else "1")


def mobile():
    return "139" + "%08d" % random.randrange(10 ** 8)


def grid_of(api, admin, login):
    st, me = api.get("/api/v1/users?limit=500", admin)
    assert st == 200, me
    items = me["items"] if isinstance(me, dict) else me
    return [u for u in items if u["login"] == login][0]["unit_id"]


def unit_code(api, admin, unit_id):
    st, u = api.get("/api/v1/units/%d" % unit_id, admin)
    assert st == 200, u
    return u["code"]


@pytest.fixture(scope="module")
def qiaotou_grid(api, admin):
    return grid_of(api, admin, "gw_qiaotou")


def add_resident(api, tok, unit_id, **extra):
    body = {"unit_id": unit_id, "name": "测试" + uuid.uuid4().hex[:4], "id_number": id_number(),
            "phone": mobile()}
    body.update(extra)
    st, p = api.post("/api/v1/registry/residents", body, tok)
    assert st == 201, p
    return p, body


def test_a_resident_is_masked_and_its_id_number_checked(api, admin, qiaotou_grid):
    idn, phone = id_number("19480307", seq=123), mobile()
    p, _ = add_resident(api, admin, qiaotou_grid, id_number=idn, phone=phone, name="王秀英")
    assert p["id_number"] == idn[0] + "*" * 16 + idn[-1]
    assert p["phone"] == phone[:3] + "****" + phone[-4:]
    # the birth date and gender come from the number (the 17th digit: odd is a man)
    assert p["birth_date"] == "1948-03-07"
    assert p["gender"] == ("male" if int(idn[16]) % 2 else "female")
    st, got = api.get("/api/v1/registry/residents/%d" % p["id"], admin)
    assert st == 200 and got["id_number"] == p["id_number"] and got["phone"] == p["phone"]
    st, lst = api.get("/api/v1/registry/residents?unit_id=%d&limit=500" % qiaotou_grid, admin)
    assert st == 200
    mine = [x for x in lst["items"] if x["id"] == p["id"]]
    assert mine and mine[0]["id_number"] == p["id_number"]
    for bad, field in ((bad_check(id_number()), "id_number"), ("12345", "id_number"),
                       ("14030319501301123X", "id_number"), (None, "phone")):
        body = {"unit_id": qiaotou_grid, "name": "错号"}
        if field == "id_number":
            body["id_number"] = bad
        else:
            body["phone"] = "12345"
        st, e = api.post("/api/v1/registry/residents", body, admin)
        check_error(st, e, 422)
        assert e["error"]["field"] == field


def test_a_search_by_id_number_or_phone_finds_the_resident(api, admin, qiaotou_grid):
    idn, phone = id_number("19600202"), mobile()
    p, _ = add_resident(api, admin, qiaotou_grid, id_number=idn, phone=phone)
    for q in (idn, idn.lower(), phone, "+86 " + phone[:3] + "-" + phone[3:7] + "-" + phone[7:]):
        st, lst = api.get("/api/v1/registry/residents?q=" + q.replace("+", "%2B").replace(" ", "%20"), admin)
        assert st == 200, lst
        assert [x["id"] for x in lst["items"]] == [p["id"]], q
    st, e = api.post("/api/v1/registry/residents", {"unit_id": qiaotou_grid, "name": "重复", "id_number": idn},
                     admin)
    check_error(st, e, 409)
    assert e["error"]["field"] == "id_number"


def test_the_database_holds_no_id_number_or_phone_in_plain_text(api, admin, qiaotou_grid, demo_db):
    idn, phone = id_number("19551111"), mobile()
    add_resident(api, admin, qiaotou_grid, id_number=idn, phone=phone,
                 contacts=[{"name": "女儿", "phone": "13600001234", "relation": "女儿"}])
    if is_url(demo_db):
        text = "\n".join(r[0] for r in db_rows(demo_db, "SELECT r::text FROM residents r"))
    else:
        text = b"".join(open(f, "rb").read() for f in (demo_db, demo_db + "-wal")
                        if os.path.exists(f)).decode("latin-1")
    assert idn not in text and phone not in text and "13600001234" not in text
    rows = db_rows(demo_db, "SELECT id_enc, id_hash, phone_enc FROM residents WHERE id_hash IS NOT NULL "
                            "ORDER BY id DESC LIMIT 1")
    assert rows and len(rows[0][1]) == 32 and rows[0][0] != idn


def test_an_unmasked_read_needs_the_right_and_a_reason_and_is_audited(api, admin, qiaotou_grid):
    idn, phone = id_number("19400909"), mobile()
    p, _ = add_resident(api, admin, qiaotou_grid, id_number=idn, phone=phone)
    path = "/api/v1/registry/residents/%d/unmasked" % p["id"]
    st, e = api.get(path, admin)
    check_error(st, e, 422)
    assert e["error"]["field"] == "reason"
    gw = api.login("gw_qiaotou")
    st, e = api.get(path + "?reason=核实", gw)
    check_error(st, e, 403)
    st, full = api.get(path + "?reason=核实低保申请", admin)
    assert st == 200, full
    assert full["id_number"] == idn and full["phone"] == phone and full["unmasked"] is True
    st, log = api.get("/api/v1/audit?kind=unmasked_read&limit=20", admin)
    assert st == 200
    rows = [x for x in log["items"] if x.get("target") == "resident:%d" % p["id"]]
    assert rows and rows[0]["detail"] == "核实低保申请" and rows[0]["login"] == "admin"
    # out of scope: 404 before the right is looked at
    st, e = api.get("/api/v1/registry/residents/999999999/unmasked?reason=x", admin)
    check_error(st, e, 404)


def test_a_grid_worker_sees_only_its_subtree(api, admin, qiaotou_grid):
    st, streets = api.get("/api/v1/units?kind=street", admin)
    caiwa = [u for u in streets["items"] if u["name"] == "蔡洼街道"][0]
    st, grids = api.get("/api/v1/units?kind=grid&limit=500", admin)
    other = [g for g in grids["items"] if g["id"] != qiaotou_grid and
             not g.get("path", "").startswith(str(caiwa["id"]))][0]
    elsewhere, _ = add_resident(api, admin, caiwa["id"])
    gw = api.login("gw_qiaotou")
    st, e = api.get("/api/v1/registry/residents/%d" % elsewhere["id"], gw)
    check_error(st, e, 404)
    st, lst = api.get("/api/v1/registry/residents?limit=500", gw)
    assert st == 200 and all(x["id"] != elsewhere["id"] for x in lst["items"])
    st, e = api.post("/api/v1/registry/residents", {"unit_id": caiwa["id"], "name": "越界"}, gw)
    check_error(st, e, 422)
    st, e = api.get("/api/v1/registry/residents?unit_id=%d" % caiwa["id"], gw)
    check_error(st, e, 404)
    assert other


def test_sensitive_tags_are_for_roles_granted_them(api, admin, qiaotou_grid):
    p, _ = add_resident(api, admin, qiaotou_grid, tags=["独居老人", "残疾"])
    assert set(p["tags"]) == {"独居老人", "残疾"}
    leader = api.login("leader")
    st, got = api.get("/api/v1/registry/residents/%d" % p["id"], leader)
    assert st == 200 and got["tags"] == ["独居老人"]
    st, e = api.get("/api/v1/registry/residents?tag=残疾", leader)
    check_error(st, e, 403)
    gw = api.login("gw_qiaotou")
    st, lst = api.get("/api/v1/registry/residents?tag=残疾&limit=500", gw)
    assert st == 200 and p["id"] in [x["id"] for x in lst["items"]]
    # a dispatcher (not granted) changes the tags it sees; the hidden one stays
    desk = api.login("dispatcher")
    st, ch = api.patch("/api/v1/registry/residents/%d" % p["id"], {"tags": ["高龄"]}, desk)
    assert st == 200, ch
    assert ch["tags"] == ["高龄"]
    st, got = api.get("/api/v1/registry/residents/%d" % p["id"], admin)
    assert set(got["tags"]) == {"高龄", "残疾"}
    st, e = api.patch("/api/v1/registry/residents/%d" % p["id"], {"tags": ["留守儿童"]}, desk)
    check_error(st, e, 403)
    st, e = api.post("/api/v1/registry/residents", {"unit_id": qiaotou_grid, "name": "x", "tags": ["没有这个"]},
                     admin)
    check_error(st, e, 422)
    assert e["error"]["field"] == "tags"


def test_a_household_move_keeps_its_history(api, admin, qiaotou_grid):
    st, h = api.post("/api/v1/registry/households", {"unit_id": qiaotou_grid, "address": "桥头社区7号楼1单元101",
                                                     "members": 2}, admin)
    assert st == 201, h
    p, _ = add_resident(api, admin, None, household_id=h["id"])
    assert p["unit_id"] == qiaotou_grid and p["address"] == "桥头社区7号楼1单元101"
    st, grids = api.get("/api/v1/units?kind=grid&limit=500", admin)
    to = [g for g in grids["items"] if g["id"] != qiaotou_grid][0]["id"]
    st, moved = api.patch("/api/v1/registry/households/%d" % h["id"],
                          {"unit_id": to, "address": "新址1号", "version": h["version"]}, admin)
    assert st == 200, moved
    assert moved["unit_id"] == to and moved["version"] == h["version"] + 1
    st, got = api.get("/api/v1/registry/households/%d" % h["id"], admin)
    assert got["moves"][0]["from_unit_id"] == qiaotou_grid and got["moves"][0]["to_unit_id"] == to
    assert got["moves"][0]["from_address"] == "桥头社区7号楼1单元101"
    assert got["residents"][0]["unit_id"] == to
    st, e = api.patch("/api/v1/registry/households/%d" % h["id"], {"members": 3, "version": h["version"]}, admin)
    check_error(st, e, 409)


def test_places_and_organisations(api, admin, qiaotou_grid):
    st, pl = api.post("/api/v1/registry/places", {"unit_id": qiaotou_grid, "type": "small_venue",
                                                  "name": "老张小吃店", "address": "桥头街12号",
                                                  "lat": 37.86, "lon": 113.58, "phone": "13512345678",
                                                  "contact": "张老板"}, admin)
    assert st == 201, pl
    assert pl["phone"] == "135****5678" and pl["type"] == "small_venue"
    st, lst = api.get("/api/v1/registry/places?type=small_venue&limit=500", admin)
    assert pl["id"] in [x["id"] for x in lst["items"]]
    st, e = api.post("/api/v1/registry/places", {"type": "shop", "name": "无处"}, admin)
    check_error(st, e, 422)
    poly = {"type": "Polygon", "coordinates": [[[113.5, 37.8], [113.6, 37.8], [113.6, 37.9], [113.5, 37.8]]]}
    st, ch = api.patch("/api/v1/registry/places/%d" % pl["id"], {"geometry": poly}, admin)
    assert st == 200 and ch["geometry"]["type"] == "Polygon"
    st, e = api.patch("/api/v1/registry/places/%d" % pl["id"], {"geometry": {"type": "Polygon"}}, admin)
    check_error(st, e, 422)
    st, o = api.post("/api/v1/registry/organisations", {"unit_id": qiaotou_grid, "type": "enterprise",
                                                        "name": "桥头物业公司", "contact": "刘经理",
                                                        "phone": "0351-7654321"}, admin)
    assert st == 201, o
    assert o["phone"] != "03517654321" and "*" in o["phone"]
    st, got = api.get("/api/v1/registry/organisations/%d" % o["id"], api.login("gw_qiaotou"))
    assert st == 200 and got["name"] == "桥头物业公司"


def csv_bytes(rows, encoding="utf-8"):
    return ("\r\n".join(",".join(r) for r in rows) + "\r\n").encode(encoding)


def import_(api, tok, kind, data, dry_run, ctype="text/csv"):
    st, body, _ = api.request("POST", "/api/v1/registry/import?kind=%s&dry_run=%s" % (kind, dry_run),
                              raw=data, token=tok, headers={"Content-Type": ctype})
    return st, body


def count_residents(api, tok, unit_id, q):
    st, lst = api.get("/api/v1/registry/residents?unit_id=%d&q=%s&limit=500" % (unit_id, q), tok)
    assert st == 200, lst
    return len(lst["items"])


def test_a_gbk_csv_with_bad_rows_is_reported_and_writes_nothing(api, admin, qiaotou_grid):
    code = unit_code(api, admin, qiaotou_grid)
    tag = uuid.uuid4().hex[:6]
    good = [id_number("1950%02d01" % (i + 1)) for i in range(3)]
    rows = [["姓名", "性别", "出生日期", "手机", "身份证号", "标签", "家庭住址", "unit_code"],
            ["导入甲" + tag, "女", "", mobile(), good[0], "独居老人;高龄", "导入楼%s-1" % tag, code],
            ["导入乙" + tag, "男", "", mobile(), bad_check(good[1]), "", "导入楼%s-1" % tag, code],
            ["导入丙" + tag, "", "", "12345", good[2], "", "导入楼%s-2" % tag, code],
            ["", "", "", "", "", "", "", code],
            ["导入丁" + tag, "", "", "", good[0], "", "", code],
            ["导入戊" + tag, "", "", "", "", "无此标签", "", "NOPE"]]
    data = csv_bytes(rows, "gbk")
    st, rep = import_(api, admin, "residents", data, "true")
    assert st == 200, rep
    assert rep["dry_run"] is True
    lines = {e["line"]: e["message"] for e in rep["errors"]}
    assert set(lines) == {3, 4, 5, 6, 7}, rep
    assert "check digit" in lines[3] and "phone" in lines[4] and "name" in lines[5]
    assert "earlier line" in lines[6] and "NOPE" in lines[7]
    st, rep = import_(api, admin, "residents", data, "false")
    check_error(st, rep, 422)
    assert rep["created"] == 0 and len(rep["errors"]) == 5
    assert count_residents(api, admin, qiaotou_grid, "导入甲" + tag) == 0
    fixed = [rows[0], rows[1], rows[2][:4] + [good[1]] + rows[2][5:], rows[3][:3] + [mobile()] + rows[3][4:]]
    st, rep = import_(api, admin, "residents", csv_bytes(fixed, "gbk"), "false")
    assert st == 200, rep
    assert rep == {"created": 3, "updated": 0, "errors": [], "dry_run": False}
    st, lst = api.get("/api/v1/registry/residents?unit_id=%d&q=导入甲%s" % (qiaotou_grid, tag), admin)
    p = lst["items"][0]
    assert set(p["tags"]) == {"独居老人", "高龄"} and p["gender"] == "female" and p["household_id"]
    st, hh = api.get("/api/v1/registry/households/%d" % p["household_id"], admin)
    assert hh["members"] == 2 and len(hh["residents"]) == 2
    # the same file again updates by ID number
    st, rep = import_(api, admin, "residents", csv_bytes(fixed, "utf-8"), "false")
    assert st == 200 and rep["created"] == 0 and rep["updated"] == 3, rep


def test_households_and_places_import(api, admin, qiaotou_grid):
    code = unit_code(api, admin, qiaotou_grid)
    tag = uuid.uuid4().hex[:6]
    st, rep = import_(api, admin, "households", csv_bytes([["address", "members", "unit_code"],
                                                             ["户%s-1" % tag, "3", code],
                                                             ["户%s-2" % tag, "x", code]]), "false")
    check_error(st, rep, 422)
    assert [e["line"] for e in rep["errors"]] == [3]
    st, rep = import_(api, admin, "households", csv_bytes([["address", "members", "unit_code"],
                                                             ["户%s-1" % tag, "3", code]]), "false")
    assert st == 200 and rep["created"] == 1, rep
    st, rep = import_(api, admin, "places", csv_bytes([["名称", "类型", "地址", "经度", "纬度", "unit_code"],
                                                         ["小店%s" % tag, "small_venue", "桥头街1号", "113.58",
                                                          "37.86", code]]), "false")
    assert st == 200 and rep["created"] == 1, rep
    st, e = import_(api, admin, "places", csv_bytes([["名称", "地址"], ["x", "y"]]), "true")
    check_error(st, e, 422)
    st, e = import_(api, admin, "pets", b"a,b\r\n", "true")
    check_error(st, e, 400)
    st, e = import_(api, api.login("leader"), "households", b"a,b\r\n", "true")
    check_error(st, e, 403)


def test_an_xlsx_import(api, admin, qiaotou_grid):
    openpyxl = pytest.importorskip("openpyxl")
    code = unit_code(api, admin, qiaotou_grid)
    wb = openpyxl.Workbook()
    ws = wb.active
    idn = id_number("19390405")
    ws.append(["姓名", "身份证号", "手机", "标签", "unit_code"])
    ws.append(["表格导入" + idn[-4:], idn, int(mobile()), "独居老人", code])
    buf = io.BytesIO()
    wb.save(buf)
    st, rep = import_(api, admin, "residents", buf.getvalue(), "false",
                      ctype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert st == 200 and rep["created"] == 1, rep
    st, lst = api.get("/api/v1/registry/residents?q=" + idn, admin)
    assert len(lst["items"]) == 1 and lst["items"][0]["tags"] == ["独居老人"]


def test_the_cli_import_and_its_dry_run(tmp_path):
    db = new_db("import")
    r = run_cli("init", "--db", db)
    assert r.returncode == 0, r.stderr
    r = run_cli("demo", "--db", db)
    assert r.returncode == 0, r.stderr
    code = db_rows(db, "SELECT code FROM units WHERE kind = 'grid' ORDER BY id LIMIT 1")[0][0]
    f = tmp_path / "r.csv"
    f.write_bytes(csv_bytes([["name", "id_number", "unit_code"], ["命令行甲", id_number("19450101"), code],
                             ["命令行乙", bad_check(id_number("19450102")), code]]))
    r = run_cli("import", "registry", str(f), "--kind", "residents", "--db", db)
    assert r.returncode != 0 and "line 3:" in r.stderr, r.stderr
    f.write_bytes(csv_bytes([["name", "id_number", "unit_code"], ["命令行甲", id_number("19450101"), code]]))
    r = run_cli("import", "registry", str(f), "--kind", "residents", "--db", db, "--dry-run")
    assert r.returncode == 0 and "1 created" in r.stdout, r.stdout + r.stderr
    before = db_rows(db, "SELECT COUNT(*) FROM residents")[0][0]
    r = run_cli("import", "registry", str(f), "--kind", "residents", "--db", db)
    assert r.returncode == 0, r.stderr
    assert int(db_rows(db, "SELECT COUNT(*) FROM residents")[0][0]) == int(before) + 1


@pytest.mark.skipif(BACKEND != "sqlite", reason="the key file beside a SQLite database")
def test_the_data_key_is_a_private_file_and_another_key_is_refused(tmp_path):
    db = str(tmp_path / "k.db")
    env = {k: v for k, v in os.environ.items() if k != "LIANXIN_DATA_KEY"}
    r = subprocess.run([BIN, "init", "--db", db], capture_output=True, text=True, env=env, timeout=60)
    assert r.returncode == 0, r.stderr
    st = os.stat(db + ".datakey")
    assert st.st_mode & 0o777 == 0o600
    other = dict(env, LIANXIN_DATA_KEY="ab" * 32)
    r = subprocess.run([BIN, "serve", "--db", db, "--port", "1"], capture_output=True, text=True, env=other,
                       timeout=60)
    assert r.returncode != 0 and "another key" in r.stderr, r.stderr
    r = subprocess.run([BIN, "init", "--db", db], capture_output=True, text=True,
                       env=dict(env, LIANXIN_DATA_KEY="not hex"), timeout=60)
    assert r.returncode != 0 and "LIANXIN_DATA_KEY" in r.stderr


def test_pages_follow_by_cursor_and_end(api, admin, qiaotou_grid):
    st, h = api.post("/api/v1/registry/households", {"unit_id": qiaotou_grid, "address": "翻页楼" + uuid.uuid4().hex[:6],
                                                     "members": 3}, admin)
    made = [add_resident(api, admin, None, household_id=h["id"])[0]["id"] for _ in range(3)]
    seen, cursor = [], None
    while True:
        st, page = api.get("/api/v1/registry/residents?household_id=%d&limit=2%s" % (
            h["id"], "&cursor=" + cursor if cursor else ""), admin)
        assert st == 200 and len(page["items"]) <= 2
        seen += [x["id"] for x in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == made
    st, page = api.get("/api/v1/registry/residents?household_id=%d&limit=3" % h["id"], admin)
    assert len(page["items"]) == 3 and page["next_cursor"] is None, "a full last page has no next"


def test_a_contacts_masked_phone_sent_back_keeps_the_number(api, admin, qiaotou_grid):
    p, _ = add_resident(api, admin, qiaotou_grid, contacts=[{"name": "儿子", "phone": "13600005678", "relation": "子"}])
    shown = p["contacts"]
    assert shown[0]["phone"] == "136****5678"
    st, ch = api.patch("/api/v1/registry/residents/%d" % p["id"],
                       {"contacts": shown + [{"name": "邻居", "phone": "13700001234"}]}, admin)
    assert st == 200, ch
    st, full = api.get("/api/v1/registry/residents/%d/unmasked?reason=核对联系人" % p["id"], admin)
    assert [c["phone"] for c in full["contacts"]] == ["13600005678", "13700001234"]
    st, e = api.patch("/api/v1/registry/residents/%d" % p["id"], {"contacts": [{"name": "别人", "phone": "136****5678"}]},
                      admin)
    check_error(st, e, 422)


def test_carers_are_volunteers_user_ids_in_the_order_they_are_called(api, admin, qiaotou_grid):
    st, users = api.get("/api/v1/users?limit=500", admin)
    assert st == 200, users
    items = users["items"] if isinstance(users, dict) else users
    by = {u["login"]: u["id"] for u in items}
    vol, gw = by["volunteer"], by["gw_qiaotou"]
    p, _ = add_resident(api, admin, qiaotou_grid, carers=[vol, gw], device_id="OK-9-000123")
    assert p["carers"] == [vol, gw] and p["device_id"] == "OK-9-000123", p
    st, q = api.patch("/api/v1/registry/residents/%d" % p["id"], {"carers": [gw, vol]}, admin)
    assert st == 200 and q["carers"] == [gw, vol], q
    st, q = api.get("/api/v1/registry/residents/%d" % p["id"], admin)
    assert q["carers"] == [gw, vol] and q["device_id"] == "OK-9-000123", "the order is kept"
    # a volunteer serves several residents
    other, _ = add_resident(api, admin, qiaotou_grid, carers=[vol])
    assert other["carers"] == [vol]
    for bad in ([vol, vol], [0], ["x"], [999999999], list(range(1, 8)), {"a": 1}):
        st, e = api.patch("/api/v1/registry/residents/%d" % p["id"], {"carers": bad}, admin)
        assert st == 422 and e["error"]["field"] == "carers", (bad, e)
    st, q = api.get("/api/v1/registry/residents/%d" % p["id"], admin)
    assert q["carers"] == [gw, vol], "a refused change changed nothing"
    # a user outside the writer's scope is no carer of theirs
    gw_tok = api.login("gw_qiaotou")
    st, e = api.patch("/api/v1/registry/residents/%d" % p["id"], {"carers": [by["handler_heat"]]}, gw_tok)
    assert st == 422 and e["error"]["code"] == "unknown_user", e
    st, q = api.patch("/api/v1/registry/residents/%d" % p["id"], {"carers": None}, admin)
    assert st == 200 and q["carers"] == [], q
    # whom a grid worker may choose: the volunteers of their scope, with how many each looks after
    st, v = api.get("/api/v1/registry/volunteers", gw_tok)
    assert st == 200 and vol in [x["id"] for x in v["items"]], v
    assert all(x["unit_id"] == qiaotou_grid for x in v["items"]), "only their own community's"
    assert [x["serves"] for x in v["items"] if x["id"] == vol][0] >= 1
    assert gw not in [x["id"] for x in v["items"]], "a grid worker is no volunteer"


def test_place_and_organisation_searches_and_stale_versions(api, admin, qiaotou_grid):
    tag = uuid.uuid4().hex[:6]
    st, pl = api.post("/api/v1/registry/places", {"unit_id": qiaotou_grid, "type": "shop", "name": "搜索店" + tag,
                                                  "address": "搜索路" + tag}, admin)
    assert st == 201, pl
    st, o = api.post("/api/v1/registry/organisations", {"unit_id": qiaotou_grid, "type": "school",
                                                        "name": "搜索学校" + tag}, admin)
    assert st == 201, o
    st, h = api.post("/api/v1/registry/households", {"unit_id": qiaotou_grid, "address": "搜索楼" + tag}, admin)
    assert st == 201, h
    for path, want in (("places?q=搜索路" + tag, pl["id"]), ("places?q=搜索店" + tag + "&type=shop", pl["id"]),
                       ("organisations?q=学校" + tag, o["id"]), ("households?q=搜索楼" + tag, h["id"])):
        st, lst = api.get("/api/v1/registry/" + path, admin)
        assert st == 200 and [x["id"] for x in lst["items"]] == [want], (path, lst)
    st, lst = api.get("/api/v1/registry/places?q=搜索店%s&type=small_venue" % tag, admin)
    assert lst["items"] == []
    for kind, x in (("places", pl), ("organisations", o)):
        st, ch = api.patch("/api/v1/registry/%s/%d" % (kind, x["id"]), {"contact": "甲", "version": x["version"]}, admin)
        assert st == 200 and ch["version"] == x["version"] + 1, ch
        st, e = api.patch("/api/v1/registry/%s/%d" % (kind, x["id"]), {"contact": "乙", "version": x["version"]}, admin)
        check_error(st, e, 409)
        st, got = api.get("/api/v1/registry/%s/%d" % (kind, x["id"]), admin)
        assert got["contact"] == "甲", "a stale change changed nothing"
    st, e = api.patch("/api/v1/registry/places/%d" % pl["id"], {"phone": "12345"}, admin)
    check_error(st, e, 422)
    assert e["error"]["field"] == "phone"
