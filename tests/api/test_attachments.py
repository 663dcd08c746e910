"""Photos and files on a case (P8): what goes in is typed by its bytes, what
comes out carries no EXIF, limits and scope hold, and a refused upload
changes nothing. Images are made here with Pillow (python3-pil)."""
import hashlib
import io
import os
import struct
import subprocess
import sqlite3
import time
import uuid
import zlib

import pytest
from PIL import Image

from conftest import PG_URL, db_rows, is_url, psql
from test_scope import check_error, point_inside

GPS_IFD = 0x8825


def jpeg(w=640, h=480, color=(150, 90, 40), gps=True, orientation=None):
    im = Image.new("RGB", (w, h), color)
    for x in range(0, w, 40):  # some detail, so it is a photo rather than a flat colour
        im.paste((color[0] // 2, color[1] // 2, 200), (x, 0, x + 8, h))
    exif = im.getexif()
    exif[0x010F] = "LianxinTestCam"
    exif[0x0110] = "Phone X"
    if orientation:
        exif[0x0112] = orientation
    if gps:
        exif[GPS_IFD] = {1: "N", 2: (37.0, 51.0, 30.0), 3: "E", 4: (113.0, 34.0, 12.0)}
    buf = io.BytesIO()
    im.save(buf, "JPEG", exif=exif.tobytes(), quality=90)
    return buf.getvalue()


def png(w=64, h=48, alpha=False):
    im = Image.new("RGBA" if alpha else "RGB", (w, h), (10, 200, 30, 128) if alpha else (10, 200, 30))
    buf = io.BytesIO()
    im.save(buf, "PNG")
    return buf.getvalue()


def webp(w=64, h=48):
    buf = io.BytesIO()
    Image.new("RGB", (w, h), (200, 10, 30)).save(buf, "WEBP")
    return buf.getvalue()


def pdf(size=2000):
    body = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n"
    return body + os.urandom(max(0, size - len(body) - 6)) + b"\n%%EOF"


def png_header_only(w, h):
    """A valid PNG header announcing w x h pixels with almost no data: a
    decompression bomb's shape (the pixels would be gigabytes)."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    ihdr = struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0)
    row = b"\0" * (w + 1)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(row * 4)) + chunk(b"IEND", b"")


def has_exif(data):
    """Whether a JPEG holds an APP1 Exif segment, or a PNG/WebP an eXIf/EXIF chunk."""
    return b"Exif\0\0" in data or b"eXIf" in data or b"EXIF" in data or b"LianxinTestCam" in data


def upload(api, tok, case_id, data, ctype, stage=None, name=None):
    q = []
    if stage:
        q.append("stage=" + stage)
    if name:
        q.append("name=" + name)
    path = "/api/v1/cases/%d/attachments%s" % (case_id, ("?" + "&".join(q)) if q else "")
    st, body, _ = api.request("POST", path, raw=data, token=tok, headers={"Content-Type": ctype})
    return st, body


def raw_get(api, path, tok=None, headers=None):
    import urllib.request
    import urllib.error
    h = dict(headers or {})
    if tok:
        h["Authorization"] = "Bearer " + tok
    req = urllib.request.Request(api.base + path, headers=h)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.read(), r.headers
    except urllib.error.HTTPError as e:
        return e.code, e.read(), e.headers


@pytest.fixture(scope="module")
def place(api, admin):
    """A grid of 桥头 with a point inside it, its grid worker (gw_qiaotou,
    whose community holds it) and the desk."""
    st, me = api.get("/api/v1/auth/me", api.login("gw_qiaotou"))
    assert st == 200, me
    st, unit = api.get("/api/v1/units/%d" % me["unit_id"], admin)
    st, grids = api.get("/api/v1/units?kind=grid", admin)
    mine = [g for g in grids["items"] if g["path"].startswith(unit["path"]) and g.get("boundary")]
    for g in mine:
        lon, lat = point_inside(g["boundary"])
        st, b = api.get("/api/v1/locate?lat=%.7f&lon=%.7f" % (lat, lon), admin)
        if st == 200 and b["unit"]["id"] == g["id"]:
            return {"grid": g, "point": (lat, lon), "community": unit}
    pytest.fail("no located grid under gw_qiaotou's community")


def new_case(api, tok, place=None, category=None, phone="13912345678"):
    body = {"type": "request", "channel": "hotline", "title": "井盖破损 " + uuid.uuid4().hex[:8],
            "description": "人行道井盖破损，有人踩空。", "reporter": {"name": "王五", "phone": phone}}
    if place:
        body["lat"], body["lon"] = place["point"]
    if category:
        body["category_code"] = category
    st, c = api.post("/api/v1/cases", body, tok)
    assert st == 201, c
    return c


def case_state(api, admin, cid):
    st, c = api.get("/api/v1/cases/%d" % cid, admin)
    assert st == 200, c
    return c["version"], c["status"], len(c["timeline"]), [a["id"] for a in c["attachments"]]


# ---------------- what goes in, what comes out ----------------

def test_a_photo_with_gps_comes_out_without_exif(api, admin):
    desk = api.login("dispatcher")
    c = new_case(api, desk)
    data = jpeg(1200, 900)
    assert has_exif(data)
    st, a = upload(api, desk, c["id"], data, "image/jpeg", "intake", "%E4%BA%95%E7%9B%96.jpg")
    assert st == 201, a
    for k in ("id", "case_id", "content_type", "bytes", "sha256", "width", "height", "stage", "created_at",
              "url", "thumb_url"):
        assert k in a, k
    assert a["case_id"] == c["id"] and a["content_type"] == "image/jpeg" and a["stage"] == "intake"
    assert (a["width"], a["height"]) == (1200, 900) and a["name"] == "井盖.jpg"
    st, served, h = raw_get(api, a["url"], desk)
    assert st == 200 and h["Content-Type"] == "image/jpeg"
    assert not has_exif(served), "EXIF (and its GPS) must not be served"
    assert len(served) == a["bytes"] and hashlib.sha256(served).hexdigest() == a["sha256"]
    im = Image.open(io.BytesIO(served))
    assert im.size == (1200, 900) and GPS_IFD not in im.getexif()
    st, thumb, h = raw_get(api, a["thumb_url"], desk)
    assert st == 200 and h["Content-Type"] == "image/jpeg" and not has_exif(thumb)
    assert max(Image.open(io.BytesIO(thumb)).size) == 320
    # cached for good, and a client holding it hears 304
    assert "immutable" in h["Cache-Control"]
    st, _, _ = raw_get(api, a["url"], desk, {"If-None-Match": '"%s"' % a["sha256"]})
    assert st == 304


def test_a_phone_photo_is_turned_upright(api):
    desk = api.login("dispatcher")
    c = new_case(api, desk)
    # orientation 6: the camera was turned; the pixels are 600 x 400, the photo 400 x 600
    st, a = upload(api, desk, c["id"], jpeg(600, 400, orientation=6), "image/jpeg")
    assert st == 201, a
    assert (a["width"], a["height"]) == (400, 600)


@pytest.mark.parametrize("kind", ["png", "png_alpha", "webp", "pdf"])
def test_other_kinds(api, kind):
    desk = api.login("dispatcher")
    c = new_case(api, desk)
    data, ctype = {"png": (png(), "image/png"), "png_alpha": (png(alpha=True), "image/png"),
                   "webp": (webp(), "image/webp"), "pdf": (pdf(), "application/pdf")}[kind]
    st, a = upload(api, desk, c["id"], data, ctype)
    assert st == 201, a
    assert a["content_type"] == ctype
    st, served, h = raw_get(api, a["url"], desk)
    assert st == 200 and h["Content-Type"] == ctype and hashlib.sha256(served).hexdigest() == a["sha256"]
    if kind == "pdf":
        assert served == data and a["thumb_url"] is None and a["width"] is None
        assert h["Content-Disposition"].startswith("attachment")
        st, _, _ = raw_get(api, "/api/v1/attachments/%d/thumb" % a["id"], desk)
        assert st == 404
    else:
        assert Image.open(io.BytesIO(served)).format == {"image/png": "PNG", "image/webp": "WEBP"}[ctype]
        st, thumb, _ = raw_get(api, a["thumb_url"], desk)
        assert st == 200 and Image.open(io.BytesIO(thumb)).format == "JPEG"


def test_a_large_file_streams_out_byte_for_byte(api):
    desk = api.login("dispatcher")
    c = new_case(api, desk)
    data = pdf(3 * 1024 * 1024 + 12345)  # thirteen parts of 256 KiB
    st, a = upload(api, desk, c["id"], data, "application/pdf", name="report.pdf")
    assert st == 201, a
    st, served, h = raw_get(api, a["url"], desk)
    assert st == 200 and int(h["Content-Length"]) == len(data) and served == data


BAD = [
    ("png_named_jpeg", lambda: png(), "image/jpeg", 415, "unsupported_media_type"),
    ("jpeg_named_png", lambda: jpeg(), "image/png", 415, "unsupported_media_type"),
    ("pdf_header_as_jpeg", lambda: pdf(), "image/jpeg", 415, "unsupported_media_type"),
    ("jpeg_as_pdf", lambda: jpeg(), "application/pdf", 415, "unsupported_media_type"),
    ("text", lambda: "这不是图片".encode() * 10, "text/plain", 415, "unsupported_media_type"),
    ("gif", lambda: b"GIF89a" + b"\0" * 100, "image/gif", 415, "unsupported_media_type"),
    ("noise_as_png", lambda: os.urandom(5000), "image/png", 415, "unsupported_media_type"),
    ("truncated_jpeg", lambda: jpeg()[:3000], "image/jpeg", 422, "bad_image"),
    ("truncated_png", lambda: png(300, 300)[:200], "image/png", 422, "bad_image"),
    ("bomb_30000", lambda: png_header_only(30000, 30000), "image/png", 422, "image_too_large"),
    ("empty", lambda: b"", "image/jpeg", 400, "empty_body"),
]


@pytest.mark.parametrize("name,make,ctype,status,code", BAD, ids=[b[0] for b in BAD])
def test_refused_uploads_change_nothing(api, admin, name, make, ctype, status, code):
    desk = api.login("dispatcher")
    c = new_case(api, desk)
    before = case_state(api, admin, c["id"])
    st, body = upload(api, desk, c["id"], make(), ctype)
    check_error(st, body, status)
    assert body["error"]["code"] == code, body
    assert case_state(api, admin, c["id"]) == before


def test_bad_stage_and_name(api, admin):
    desk = api.login("dispatcher")
    c = new_case(api, desk)
    before = case_state(api, admin, c["id"])
    for q in ("stage=done", "stage=INTAKE", "name=a%2Fb.jpg", "name=" + "x" * 201, "name=a%5Cb.jpg"):
        st, body, _ = api.request("POST", "/api/v1/cases/%d/attachments?%s" % (c["id"], q), raw=png(),
                                  token=desk, headers={"Content-Type": "image/png"})
        check_error(st, body, 422)
    assert case_state(api, admin, c["id"]) == before


def test_nine_per_stage(api, admin):
    desk = api.login("dispatcher")
    c = new_case(api, desk)
    for i in range(9):
        st, a = upload(api, desk, c["id"], png(20 + i, 20), "image/png", "intake")
        assert st == 201, (i, a)
    before = case_state(api, admin, c["id"])
    st, body = upload(api, desk, c["id"], png(), "image/png", "intake")
    check_error(st, body, 409)
    assert body["error"]["code"] == "attachment_limit"
    assert case_state(api, admin, c["id"]) == before
    st, a = upload(api, desk, c["id"], png(), "image/png", "handling")  # another stage has room
    assert st == 201, a


def test_the_case_lists_them_and_keeps_its_version(api, admin):
    desk = api.login("dispatcher")
    c = new_case(api, desk)
    st, a1 = upload(api, desk, c["id"], png(), "image/png", "handling")
    st, a2 = upload(api, desk, c["id"], jpeg(), "image/jpeg", "intake")
    st, got = api.get("/api/v1/cases/%d" % c["id"], desk)
    assert [a["id"] for a in got["attachments"]] == [a2["id"], a1["id"]]  # intake before handling
    assert got["version"] == c["version"]
    assert [e["action"] for e in got["timeline"]][-2:] == ["attach", "attach"]
    # an action with the version seen before the uploads still goes through
    st, b = api.post("/api/v1/cases/%d/comment" % c["id"], {"note": "已上传照片", "version": c["version"]}, desk)
    assert st == 200, b


def test_a_closed_case_takes_no_files(api, admin):
    desk = api.login("dispatcher")
    c = new_case(api, desk)
    st, b = api.post("/api/v1/cases/%d/close" % c["id"], {"note": "重复来电"}, desk)
    assert st == 200 and b["status"] == "closed", b
    before = case_state(api, admin, c["id"])
    st, body = upload(api, desk, c["id"], png(), "image/png")
    check_error(st, body, 409)
    assert body["error"]["code"] == "case_not_open"
    assert case_state(api, admin, c["id"]) == before


# ---------------- scope and roles ----------------

@pytest.fixture(scope="module")
def caiwa_file(api, admin):
    """A photo on a case of 蔡洼 (the district desk took it in, dispatched to 蔡洼)."""
    desk = api.login("dispatcher")
    st, streets = api.get("/api/v1/units?kind=street&boundary=false", admin)
    caiwa = [u for u in streets["items"] if u["name"] == "蔡洼街道"][0]
    c = new_case(api, desk)
    st, c = api.post("/api/v1/cases/%d/dispatch" % c["id"], {"unit_id": caiwa["id"]}, desk)
    assert st == 200, c
    st, a = upload(api, desk, c["id"], jpeg(), "image/jpeg")
    assert st == 201, a
    return {"case": c, "att": a, "caiwa": caiwa}


@pytest.mark.parametrize("who", ["handler_qiaotou", "gw_qiaotou", "dispatcher_qiaotou", "leader_qiaotou"])
def test_outside_the_scope_it_is_404(api, admin, caiwa_file, who):
    tok = api.login(who)
    a, c = caiwa_file["att"], caiwa_file["case"]
    before = case_state(api, admin, c["id"])
    for path in (a["url"], a["thumb_url"]):
        st, body, _ = raw_get(api, path, tok)
        assert st == 404, (path, st)
    st, body, _ = api.request("DELETE", a["url"], token=tok)
    check_error(st, body, 404)
    st, body = upload(api, tok, c["id"], png(), "image/png")
    check_error(st, body, 404)
    assert case_state(api, admin, c["id"]) == before


def test_inside_the_scope_they_see_it(api, caiwa_file):
    for who in ("dispatcher_caiwa", "handler_caiwa", "leader_caiwa"):
        st, _, _ = raw_get(api, caiwa_file["att"]["thumb_url"], api.login(who))
        assert st == 200, who


def test_a_leader_reads_but_adds_nothing(api, admin, caiwa_file):
    c = caiwa_file["case"]
    before = case_state(api, admin, c["id"])
    st, body = upload(api, api.login("leader_caiwa"), c["id"], png(), "image/png")
    check_error(st, body, 403)
    assert case_state(api, admin, c["id"]) == before


def test_no_login_no_file(api, caiwa_file):
    st, _, _ = raw_get(api, caiwa_file["att"]["url"])
    assert st == 401
    st, body = upload(api, None, caiwa_file["case"]["id"], png(), "image/png")
    assert st == 401


def test_only_the_uploader_removes_it(api, admin):
    desk = api.login("dispatcher")
    c = new_case(api, desk)
    st, a = upload(api, desk, c["id"], png(), "image/png")
    before = case_state(api, admin, c["id"])
    st, body, _ = api.request("DELETE", a["url"], token=admin)
    check_error(st, body, 403)
    assert body["error"]["code"] == "not_uploader"
    assert case_state(api, admin, c["id"]) == before
    st, body, _ = api.request("DELETE", a["url"], token=desk)
    assert st == 200 and body == {"deleted": True}
    st, _, _ = raw_get(api, a["url"], desk)
    assert st == 404
    st, got = api.get("/api/v1/cases/%d" % c["id"], desk)
    assert got["attachments"] == [] and got["timeline"][-1]["action"] == "detach"


def age_attachment(db, att_id, minutes):
    sql = "UPDATE attachments SET created_at = created_at - %d WHERE id = %d" % (minutes * 60000, att_id)
    if is_url(db):
        psql(sql, db)
    else:
        conn = sqlite3.connect(db, timeout=10)
        conn.execute(sql)
        conn.commit()
        conn.close()


def test_after_ten_minutes_it_stays(own_server):
    s = own_server()
    api = s.client
    desk = api.login("dispatcher")
    c = new_case(api, desk)
    st, a = upload(api, desk, c["id"], png(), "image/png")
    age_attachment(s.db, a["id"], 11)
    st, body, _ = api.request("DELETE", a["url"], token=desk)
    check_error(st, body, 409)
    assert body["error"]["code"] == "too_late"
    st, _, _ = raw_get(api, a["url"], desk)
    assert st == 200


def test_the_limit_is_a_setting(own_server):
    s = own_server(LIANXIN_ATTACHMENT_MAX_BYTES="100000")
    api = s.client
    desk = api.login("dispatcher")
    c = new_case(api, desk)
    st, body = upload(api, desk, c["id"], pdf(150000), "application/pdf")
    check_error(st, body, 413)
    st, a = upload(api, desk, c["id"], pdf(90000), "application/pdf")
    assert st == 201, a
    # a 10 MB photo is over the default JSON limit but within the upload limit elsewhere
    st, got = api.get("/api/v1/cases/%d" % c["id"], desk)
    assert [x["id"] for x in got["attachments"]] == [a["id"]]


def test_ten_megabytes_pass_and_one_more_byte_is_413(own_server):
    s = own_server()
    api = s.client
    desk = api.login("dispatcher")
    c = new_case(api, desk)
    st, a = upload(api, desk, c["id"], pdf(10 * 1024 * 1024), "application/pdf")
    assert st == 201, a
    st, body = upload(api, desk, c["id"], pdf(10 * 1024 * 1024 + 1), "application/pdf")
    check_error(st, body, 413)
    st, got = api.get("/api/v1/cases/%d" % c["id"], desk)
    assert len(got["attachments"]) == 1


# ---------------- the after-photo and 即知即办 ----------------

@pytest.fixture(scope="module")
def photo_cat(api, admin):
    code = "P8" + uuid.uuid4().hex[:6].upper()
    st, b = api.post("/api/v1/categories", {"code": code, "name": "井盖维修（测试）", "photo_on_resolve": True,
                                            "on_spot": True, "accept_hours": 2, "resolve_hours": 48}, admin)
    assert st == 201, b
    assert b["photo_on_resolve"] is True and b["on_spot"] is True
    plain = "Q8" + uuid.uuid4().hex[:6].upper()
    st, b = api.post("/api/v1/categories", {"code": plain, "name": "普通（测试）"}, admin)
    assert st == 201 and b["photo_on_resolve"] is False and b["on_spot"] is False
    return {"photo": code, "plain": plain}


def test_resolve_asks_for_the_after_photo(api, admin, photo_cat):
    desk, h = api.login("dispatcher"), api.login("handler_heat")
    st, me = api.get("/api/v1/auth/me", h)
    c = new_case(api, desk, category=photo_cat["photo"])
    st, c = api.post("/api/v1/cases/%d/dispatch" % c["id"], {"unit_id": me["unit_id"]}, desk)
    assert st == 200, c
    st, c = api.post("/api/v1/cases/%d/accept" % c["id"], {}, h)
    assert st == 200, c
    before = case_state(api, admin, c["id"])
    st, body = api.post("/api/v1/cases/%d/resolve" % c["id"], {"reply": "已更换井盖"}, h)
    check_error(st, body, 409)
    assert body["error"]["code"] == "photo_required"
    assert case_state(api, admin, c["id"]) == before
    # a photo of another stage is not the after-photo
    st, a = upload(api, h, c["id"], jpeg(), "image/jpeg", "handling")
    assert st == 201
    st, body = api.post("/api/v1/cases/%d/resolve" % c["id"], {"reply": "已更换井盖"}, h)
    check_error(st, body, 409)
    st, a = upload(api, h, c["id"], jpeg(color=(30, 30, 30)), "image/jpeg", "resolve")
    assert st == 201, a
    st, c = api.post("/api/v1/cases/%d/resolve" % c["id"], {"reply": "已更换井盖"}, h)
    assert st == 200 and c["status"] == "resolved", c
    assert [x["stage"] for x in c["attachments"]] == ["handling", "resolve"]


def test_on_the_spot(api, admin, place, photo_cat):
    gw = api.login("gw_qiaotou")
    c = new_case(api, gw, place=place, category=photo_cat["photo"])
    assert c["unit_id"] == place["grid"]["id"]
    st, body = api.post("/api/v1/cases/%d/resolve" % c["id"], {"reply": "现场已处置"}, gw)
    check_error(st, body, 409)
    assert body["error"]["code"] == "photo_required"
    st, a = upload(api, gw, c["id"], jpeg(), "image/jpeg", "resolve")
    assert st == 201, a
    st, got = api.get("/api/v1/cases/%d" % c["id"], gw)
    assert "resolve" in got["allowed_actions"]
    st, r = api.post("/api/v1/cases/%d/resolve" % c["id"], {"reply": "现场已处置"}, gw)
    assert st == 200 and r["status"] == "resolved", r
    assert r["handler_unit_id"] == place["grid"]["id"]


def test_on_the_spot_needs_the_category_and_the_reporter(api, admin, place, photo_cat):
    gw, desk = api.login("gw_qiaotou"), api.login("dispatcher")
    # a category that does not allow it
    c = new_case(api, gw, place=place, category=photo_cat["plain"])
    st, a = upload(api, gw, c["id"], jpeg(), "image/jpeg", "resolve")
    assert st == 201
    before = case_state(api, admin, c["id"])
    st, body = api.post("/api/v1/cases/%d/resolve" % c["id"], {"reply": "x"}, gw)
    check_error(st, body, 409)
    assert body["error"]["code"] == "not_on_spot"
    assert case_state(api, admin, c["id"]) == before
    # someone else reported it
    c = new_case(api, desk, place=place, category=photo_cat["photo"])
    st, a = upload(api, gw, c["id"], jpeg(), "image/jpeg", "resolve")
    assert st == 201, a
    st, body = api.post("/api/v1/cases/%d/resolve" % c["id"], {"reply": "x"}, gw)
    check_error(st, body, 409)
    assert body["error"]["code"] == "not_on_spot"


# ---------------- Open311 ----------------

def test_open311_media_url_is_the_first_photo(api, admin):
    desk = api.login("dispatcher")
    c = new_case(api, desk)
    st, body = api.get("/open311/v2/requests/%d.json" % c["id"])
    assert st == 200 and body[0]["media_url"] is None
    st, a = upload(api, desk, c["id"], jpeg(), "image/jpeg")
    st, pdfa = upload(api, desk, c["id"], pdf(), "application/pdf")
    st, body = api.get("/open311/v2/requests/%d.json" % c["id"])
    url = body[0]["media_url"]
    assert url and url.endswith("/open311/v2/media/%d" % a["id"])
    st, served, h = raw_get(api, url[url.index("/open311"):])
    assert st == 200 and h["Content-Type"] == "image/jpeg" and not has_exif(served)
    # a PDF is not public, nor an anonymous reporter's photo
    st, _, _ = raw_get(api, "/open311/v2/media/%d" % pdfa["id"])
    assert st == 404
    st, anon = api.post("/api/v1/cases", {"type": "request", "channel": "hotline", "title": "匿名反映",
                                          "description": "楼道堆物", "reporter": {"anonymous": True}}, desk)
    st, aa = upload(api, desk, anon["id"], jpeg(), "image/jpeg")
    assert st == 201
    st, _, _ = raw_get(api, "/open311/v2/media/%d" % aa["id"])
    assert st == 404
    st, body = api.get("/open311/v2/requests/%d.json" % anon["id"])
    assert body[0]["media_url"] is None
