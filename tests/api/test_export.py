"""Export of case lists: GET /api/v1/cases/export.xlsx and export.csv take the
list's filters and scope, write a Chinese header row, mask phones, show
local times as text; CSV is UTF-8 with a BOM or GBK (GB18030) on request."""
import csv
import io
import re
import urllib.error
import urllib.parse
import urllib.request
import uuid
import zipfile

import pytest

HEADER = ["编号", "类型", "来源渠道", "状态", "分类编码", "分类名称", "标题", "诉求内容", "地址",
          "所在网格", "承办单位", "紧急", "反映人", "联系电话", "受理时间", "派发时间", "签收时限",
          "办结时限", "签收时间", "办结时间", "结案时间", "答复内容", "评价", "是否解决", "超期",
          "督办次数"]
LOCAL_TIME = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")


def fetch(api, path, token=None, **params):
    """GET returning (status, headers, raw bytes)."""
    qs = urllib.parse.urlencode(params)
    url = api.base + path + ("?" + qs if qs else "")
    req = urllib.request.Request(url, headers={"Authorization": "Bearer " + token} if token else {})
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def a_grid(api, token, street):
    st, body = api.get("/api/v1/units?boundary=false&kind=street", token)
    assert st == 200, body
    sid = next(u["id"] for u in body["items"] if u["name"] == street)
    st, body = api.get("/api/v1/units?boundary=false&kind=grid", token)
    assert st == 200, body
    return next(u for u in body["items"] if "/%d/" % sid in u["path"])


@pytest.fixture(scope="module")
def cases(api):
    """Two fresh cases with unique words in their titles: one in 桥头, one in 蔡洼."""
    d = api.login("dispatcher")
    tag = uuid.uuid4().hex[:6]
    made = {}
    for street, title in (("桥头街道", "导出测试桥头" + tag), ("蔡洼街道", "=导出测试蔡洼" + tag)):
        grid = a_grid(api, d, street)
        st, c = api.post("/api/v1/cases", {
            "type": "request", "channel": "hotline", "category_code": "0301",
            "title": title, "description": "楼下垃圾三天没人清运，味道很大，\"请\"尽快处理,谢谢。",
            "unit_id": grid["id"], "address": street + "某小区3号楼",
            "reporter": {"name": "赵女士", "phone": "13812345678"}}, d)
        assert st == 201, c
        made[street] = c
    made["tag"] = tag
    return made


def test_xlsx_is_a_workbook_with_chinese_titles(api, cases):
    d = api.login("dispatcher")
    st, h, data = fetch(api, "/api/v1/cases/export.xlsx", d, q="导出测试桥头" + cases["tag"])
    assert st == 200, data[:300]
    assert h["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert "attachment" in h["Content-Disposition"] and ".xlsx" in h["Content-Disposition"]
    z = zipfile.ZipFile(io.BytesIO(data))
    assert z.testzip() is None
    sheet = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "案件" in z.read("xl/workbook.xml").decode("utf-8")
    for title in HEADER:
        assert ">%s<" % title in sheet, title
    assert "导出测试桥头" + cases["tag"] in sheet
    assert cases["桥头街道"]["number"] in sheet
    assert "138****5678" in sheet and "13812345678" not in sheet
    assert "垃圾清运不及时" in sheet and "待签收" in sheet
    times = re.findall(r"<t[^>]*>(\d{4}-\d\d-\d\d[^<]*)</t>", sheet)
    assert times and all(LOCAL_TIME.match(t) for t in times), times[:3]
    # only the one matching case: header row + 1
    assert len(re.findall(r"<row ", sheet)) == 2


def test_xlsx_of_the_whole_scope(api):
    d = api.login("dispatcher")
    st, _, data = fetch(api, "/api/v1/cases/export.xlsx", d, status="closed", limit="300")
    assert st == 200
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert len(re.findall(r"<row ", sheet)) == 301
    assert "已结案" in sheet and "待签收" not in sheet


def read_csv(data, encoding="utf-8-sig"):
    return list(csv.reader(io.StringIO(data.decode(encoding), newline="")))


def test_csv_utf8_with_bom(api, cases):
    d = api.login("dispatcher")
    st, h, data = fetch(api, "/api/v1/cases/export.csv", d, q="导出测试 " + cases["tag"])
    assert st == 200, data[:300]
    assert h["Content-Type"].startswith("text/csv")
    assert "utf-8" in h["Content-Type"].lower()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = read_csv(data)
    assert rows[0] == HEADER
    assert len(rows) == 3
    by_title = {r[6]: dict(zip(HEADER, r)) for r in rows[1:]}
    q = by_title["导出测试桥头" + cases["tag"]]
    assert q["编号"] == cases["桥头街道"]["number"]
    assert q["联系电话"] == "138****5678"
    assert q["反映人"] == "赵女士"
    assert q["诉求内容"] == "楼下垃圾三天没人清运，味道很大，\"请\"尽快处理,谢谢。"
    assert q["类型"] == "诉求" and q["来源渠道"] == "12345热线" and q["分类名称"] == "垃圾清运不及时"
    assert q["承办单位"] == "桥头街道" and q["超期"] == "否" and q["紧急"] == "否"
    assert LOCAL_TIME.match(q["受理时间"]) and LOCAL_TIME.match(q["办结时限"])
    assert q["受理时间"] == cases["桥头街道"]["created_at"][:19].replace("T", " ")
    # a title a spreadsheet would take for a formula is defused
    assert "'=导出测试蔡洼" + cases["tag"] in by_title


def test_csv_gbk(api, cases):
    d = api.login("dispatcher")
    st, h, data = fetch(api, "/api/v1/cases/export.csv", d, q="导出测试桥头" + cases["tag"], encoding="gbk")
    assert st == 200
    assert not data.startswith(b"\xef\xbb\xbf")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    rows = read_csv(data, "gbk")
    assert rows[0] == HEADER
    assert rows[1][6] == "导出测试桥头" + cases["tag"]
    assert rows[1][13] == "138****5678"


def test_filters_and_scope(api, cases):
    tag = cases["tag"]
    # a street's dispatcher sees its own street's case only
    qt = api.login("dispatcher_qiaotou")
    st, _, data = fetch(api, "/api/v1/cases/export.csv", qt, q="导出测试 " + tag)
    assert st == 200
    titles = [r[6] for r in read_csv(data)[1:]]
    assert titles == ["导出测试桥头" + tag]
    # a unit outside the caller's scope reads as not found
    caiwa = a_grid(api, api.login("dispatcher"), "蔡洼街道")
    st, _, body = fetch(api, "/api/v1/cases/export.xlsx", qt, unit_id=str(caiwa["id"]))
    assert st == 404 and b"not_found" in body
    # the list's validation
    st, _, body = fetch(api, "/api/v1/cases/export.csv", qt, status="bogus")
    assert st == 422 and b"unknown_status" in body
    st, _, body = fetch(api, "/api/v1/cases/export.csv", qt, overdue="maybe")
    assert st == 400
    st, _, body = fetch(api, "/api/v1/cases/export.csv", qt, encoding="latin1")
    assert st == 422
    # same filters as the list: the export matches the list item for item
    d = api.login("dispatcher")
    st, lst = api.get("/api/v1/cases?status=accepted&type=hazard&limit=200", d)
    assert st == 200
    st, _, data = fetch(api, "/api/v1/cases/export.csv", d, status="accepted", type="hazard")
    assert [r[0] for r in read_csv(data)[1:]] == [c["number"] for c in lst["items"]]


def test_login_required(api):
    st, _, body = fetch(api, "/api/v1/cases/export.xlsx")
    assert st == 401
    st, _, body = fetch(api, "/api/v1/cases/export.csv", "0" * 64)
    assert st == 401


def test_xlsx_stays_valid_xml_with_characters_xml_forbids(api):
    """A title holding U+FFFE, U+FFFF or a C0 control (the API takes them)
    is exported without them: every part of the workbook parses as XML.
    (Hazards, not requests: Open311's JSON keeps what its XML drops.)"""
    import xml.etree.ElementTree as ET
    d = api.login("dispatcher")
    grid = a_grid(api, d, "桥头街道")
    tag = uuid.uuid4().hex[:6]
    st, c = api.post("/api/v1/cases", {
        "type": "hazard", "channel": "inspection", "category_code": "0603",
        "title": "坏字符\ufffe\x01\uffff" + tag, "description": "控制\x02字符\x1f\ttab\r\n换行",
        "unit_id": grid["id"]}, d)
    assert st == 201, c
    st, _, data = fetch(api, "/api/v1/cases/export.xlsx", d, q="坏字符 " + tag)
    assert st == 200, data[:300]
    z = zipfile.ZipFile(io.BytesIO(data))
    for name in z.namelist():
        if name.endswith(".xml") or name.endswith(".rels"):
            ET.fromstring(z.read(name))  # raises on a character XML forbids
    sheet = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "坏字符" + tag in sheet and "控制字符" in sheet and "\ttab" in sheet


def test_csv_defuses_every_formula_start(api):
    """OWASP's list: = + - @, tab and carriage return; also after leading
    spaces, and the full-width ＝＋－＠ an IME types."""
    d = api.login("dispatcher")
    grid = a_grid(api, d, "桥头街道")
    tag = uuid.uuid4().hex[:6]
    starts = ["=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1+1", "\r=1+1", "  =1+1", "\u3000=1+1",
              "＝1+1", "＋1", "－1", "＠SUM(A1)"]
    for i, s in enumerate(starts):
        st, c = api.post("/api/v1/cases", {
            "type": "hazard", "channel": "inspection", "category_code": "0603",
            "title": "公式%s%02d" % (tag, i), "description": s, "unit_id": grid["id"]}, d)
        assert st == 201, c
    st, _, data = fetch(api, "/api/v1/cases/export.csv", d, q="公式" + tag)
    assert st == 200
    got = {r[6]: r[7] for r in read_csv(data)[1:]}
    assert len(got) == len(starts)
    for i, s in enumerate(starts):
        assert got["公式%s%02d" % (tag, i)] == "'" + s, (i, s)
    # ordinary text is left alone
    st, c = api.post("/api/v1/cases", {
        "type": "hazard", "channel": "inspection", "category_code": "0603",
        "title": "公式" + tag + "x", "description": "1+1=2 a-b", "unit_id": grid["id"]}, d)
    st, _, data = fetch(api, "/api/v1/cases/export.csv", d, q="公式" + tag + "x")
    assert [r[7] for r in read_csv(data)[1:]] == ["1+1=2 a-b"]
