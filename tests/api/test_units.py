"""The territorial grid: locating points (holes, multipolygons, nesting),
creating units with boundaries, and importing CSV (UTF-8 / GBK) and GeoJSON,
all-or-nothing.

New units live far from the demo district (around lon 100-130, lat 30-33),
each test in an area of its own.
"""
import csv
import io
import itertools
import json
import re
import uuid

import pytest

_AREA = itertools.count()


def area():
    """A fresh 1.5 x 1.5 degree cell no other test of this module uses."""
    n = next(_AREA)
    return 100.0 + 1.5 * (n % 20), 30.0 + 1.5 * (n // 20)


def code(prefix="U"):
    return prefix + uuid.uuid4().hex[:12]


def square(x0, y0, x1, y1):
    return [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]


def polygon(*rings):
    return {"type": "Polygon", "coordinates": [list(r) for r in rings]}


def check_error(st, body, status, code_=None, field=None):
    assert st == status, "expected %s, got %s: %r" % (status, st, body)
    err = body.get("error") if isinstance(body, dict) else None
    assert isinstance(err, dict), body
    assert isinstance(err.get("code"), str) and re.match(r"^[a-z][a-z0-9_]*$", err["code"]), body
    assert isinstance(err.get("message"), str) and err["message"], body
    if code_:
        assert err["code"] == code_, body
    if field:
        assert err.get("field") == field, body


def create(api, admin, kind, name, parent_id=None, boundary=None, code_=None):
    body = {"kind": kind, "code": code_ or code(), "name": name}
    if parent_id:
        body["parent_id"] = parent_id
    if boundary is not None:
        body["boundary"] = boundary
    st, u = api.post("/api/v1/units", body, admin)
    assert st == 201, u
    for k in ("id", "parent_id", "kind", "code", "name"):
        assert k in u, u
    assert u["kind"] == kind and u["name"] == name and u["parent_id"] == parent_id
    return u


def locate(api, tok, lat, lon):
    return api.get("/api/v1/locate?lat=%.9f&lon=%.9f" % (lat, lon), tok)


def located(api, tok, lat, lon):
    """(unit id, [path ids]) of the point, or None when 404."""
    st, b = locate(api, tok, lat, lon)
    if st == 404:
        check_error(st, b, 404)
        return None
    assert st == 200, b
    path = b["path"]
    assert path and path[-1]["id"] == b["unit"]["id"], b
    assert path[0]["parent_id"] is None, b
    for parent, child in zip(path, path[1:]):
        assert child["parent_id"] == parent["id"], b
    return b["unit"]["id"], [u["id"] for u in path]


def all_units(api, admin):
    st, b = api.get("/api/v1/units?boundary=false", admin)
    assert st == 200, b
    return {u["code"]: u for u in b["items"]}


def import_(api, admin, raw, ctype):
    st, b, _ = api.request("POST", "/api/v1/units/import", raw=raw, token=admin, headers={"Content-Type": ctype})
    return st, b


def csv_text(rows, header=("编码", "名称", "类型", "上级编码", "边界")):
    out = io.StringIO()
    wr = csv.writer(out, lineterminator="\r\n")
    wr.writerow(header)
    for r in rows:
        wr.writerow(r)
    return out.getvalue()


def gj(geom):
    return json.dumps(geom, separators=(",", ":"))


# ---------------------------------------------------------------- point-in-polygon helpers for demo grids

def in_ring(x, y, ring):
    inside = False
    for (x1, y1), (x2, y2) in zip([p[:2] for p in ring], [p[:2] for p in ring[1:] + ring[:1]]):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def polys(geom):
    return [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]


def in_geom(x, y, geom):
    return any(in_ring(x, y, p[0]) and not any(in_ring(x, y, h) for h in p[1:]) for p in polys(geom))


def inner_point(geom):
    """(lon, lat) well inside geom: the vertex average if inside, else a sampled point."""
    ring = polys(geom)[0][0][:-1]
    cx, cy = sum(p[0] for p in ring) / len(ring), sum(p[1] for p in ring) / len(ring)
    if in_geom(cx, cy, geom):
        return cx, cy
    xs, ys = [p[0] for p in ring], [p[1] for p in ring]
    cands = [(min(xs) + (max(xs) - min(xs)) * i / 30, min(ys) + (max(ys) - min(ys)) * j / 30)
             for i in range(1, 30) for j in range(1, 30)]
    inside = [(x, y) for x, y in cands if in_geom(x, y, geom)]
    assert inside
    # the candidate with the most inside neighbours is far from the edges
    step = ((max(xs) - min(xs)) / 30, (max(ys) - min(ys)) / 30)
    return max(inside, key=lambda p: sum(in_geom(p[0] + dx * step[0], p[1] + dy * step[1], geom)
                                         for dx in (-1, 0, 1) for dy in (-1, 0, 1)))


@pytest.fixture(scope="module")
def demo(api, admin):
    st, b = api.get("/api/v1/units?kind=district", admin)
    assert st == 200
    district = [u for u in b["items"] if u["name"] == "矿区"][0]
    st, b = api.get("/api/v1/units?kind=street&boundary=false", admin)
    streets = {u["id"]: u for u in b["items"] if u["parent_id"] == district["id"]}
    assert len(streets) == 6
    st, b = api.get("/api/v1/units?kind=grid", admin)
    grids = [g for g in b["items"] if g.get("boundary")]
    return {"district": district, "streets": streets, "grids": grids}


# ---------------------------------------------------------------- locate in the demo district

@pytest.mark.parametrize("street", ["沙坪街道", "赛鱼街道", "桥头街道", "蔡洼街道", "平潭街街道", "贵石沟街道"])
def test_locate_point_in_demo_grid(api, admin, demo, street):
    s = [u for u in demo["streets"].values() if u["name"] == street][0]
    grids = sorted((g for g in demo["grids"] if g["path"].startswith(s["path"])), key=lambda g: g["id"])
    assert grids, street
    hits = 0
    for g in grids[:3]:
        lon, lat = inner_point(g["boundary"])
        st, b = locate(api, admin, lat, lon)
        assert st == 200, b
        assert b["unit"]["id"] == g["id"], (g["name"], b["unit"])
        assert b["unit"]["kind"] == "grid" and b["unit"]["name"] == g["name"]
        kinds = [u["kind"] for u in b["path"]]
        assert kinds[:2] == ["district", "street"] and kinds[-1] == "grid", kinds
        assert len(kinds) == 4 and kinds[2] in ("community", "village"), kinds
        assert b["path"][0]["id"] == demo["district"]["id"]
        assert b["path"][1]["id"] == s["id"] and b["path"][1]["name"] == street
        assert b["path"][2]["id"] == g["parent_id"]
        for prev, nxt in zip(b["path"], b["path"][1:]):
            assert nxt["parent_id"] == prev["id"]
        hits += 1
    assert hits


def test_locate_point_outside_district_is_404(api, admin, demo):
    ring = polys(demo["district"]["boundary"])[0][0]
    xs, ys = [p[0] for p in ring], [p[1] for p in ring]
    for lat, lon in ((min(ys) - 0.05, min(xs) - 0.05), (max(ys) + 0.05, max(xs) + 0.05),
                     ((min(ys) + max(ys)) / 2, max(xs) + 0.2), (-33.9, 18.4), (0.0, 0.0)):
        st, b = locate(api, admin, lat, lon)
        check_error(st, b, 404)


def test_locate_demo_point_as_street_user(api, demo):
    """A street's own people locate points of their street too."""
    s = [u for u in demo["streets"].values() if u["name"] == "桥头街道"][0]
    g = sorted((g for g in demo["grids"] if g["path"].startswith(s["path"])), key=lambda g: g["id"])[0]
    lon, lat = inner_point(g["boundary"])
    for who in ("gw_qiaotou", "dispatcher_qiaotou"):
        st, b = locate(api, api.login(who), lat, lon)
        assert st == 200 and b["unit"]["id"] == g["id"], b


# ---------------------------------------------------------------- holes and multipolygons

def test_polygon_with_hole_under_bounded_district(api, admin):
    x, y = area()
    d = create(api, admin, "district", "孔洞测试区", boundary=polygon(square(x, y, x + 1, y + 1)))
    s = create(api, admin, "street", "回字街道", d["id"],
               polygon(square(x + 0.1, y + 0.1, x + 0.5, y + 0.5), square(x + 0.2, y + 0.2, x + 0.4, y + 0.4)))
    st, got = api.get("/api/v1/units/%d" % s["id"], admin)
    assert st == 200 and got["boundary"]["type"] == "Polygon" and len(got["boundary"]["coordinates"]) == 2
    assert located(api, admin, y + 0.15, x + 0.15) == (s["id"], [d["id"], s["id"]])   # in the ring
    assert located(api, admin, y + 0.45, x + 0.3) == (s["id"], [d["id"], s["id"]])
    assert located(api, admin, y + 0.3, x + 0.3) == (d["id"], [d["id"]])              # in the hole
    assert located(api, admin, y + 0.25, x + 0.35) == (d["id"], [d["id"]])
    assert located(api, admin, y + 0.8, x + 0.8) == (d["id"], [d["id"]])              # district only
    assert located(api, admin, y + 1.2, x + 0.5) is None                              # outside


def test_polygon_with_hole_under_unbounded_district(api, admin):
    x, y = area()
    d = create(api, admin, "district", "无边界测试区")
    s = create(api, admin, "street", "有孔街道", d["id"],
               polygon(square(x, y, x + 1, y + 1), square(x + 0.25, y + 0.25, x + 0.75, y + 0.75)))
    assert located(api, admin, y + 0.1, x + 0.1) == (s["id"], [d["id"], s["id"]])
    assert located(api, admin, y + 0.5, x + 0.5) is None
    assert located(api, admin, y + 0.9, x + 0.6) == (s["id"], [d["id"], s["id"]])


def test_multipolygon(api, admin):
    x, y = area()
    d = create(api, admin, "district", "多块测试区", boundary=polygon(square(x, y, x + 1, y + 1)))
    mp = {"type": "MultiPolygon", "coordinates": [
        [square(x + 0.1, y + 0.1, x + 0.3, y + 0.3)],
        [square(x + 0.6, y + 0.6, x + 0.9, y + 0.9), square(x + 0.7, y + 0.7, x + 0.8, y + 0.8)],
    ]}
    s = create(api, admin, "street", "飞地街道", d["id"], mp)
    st, got = api.get("/api/v1/units/%d" % s["id"], admin)
    assert st == 200 and got["boundary"]["type"] == "MultiPolygon" and len(got["boundary"]["coordinates"]) == 2
    assert located(api, admin, y + 0.2, x + 0.2) == (s["id"], [d["id"], s["id"]])     # first part
    assert located(api, admin, y + 0.65, x + 0.65) == (s["id"], [d["id"], s["id"]])   # second part
    assert located(api, admin, y + 0.85, x + 0.62) == (s["id"], [d["id"], s["id"]])
    assert located(api, admin, y + 0.45, x + 0.45) == (d["id"], [d["id"]])            # between the parts
    assert located(api, admin, y + 0.75, x + 0.75) == (d["id"], [d["id"]])            # hole of part two
    assert located(api, admin, y + 1.3, x + 1.3) is None


def test_deepest_unit_wins(api, admin):
    x, y = area()
    d = create(api, admin, "district", "层级测试区", boundary=polygon(square(x, y, x + 1, y + 1)))
    s = create(api, admin, "street", "层级街道", d["id"], polygon(square(x, y, x + 0.8, y + 0.8)))
    c = create(api, admin, "community", "层级社区", s["id"], polygon(square(x + 0.1, y + 0.1, x + 0.6, y + 0.6)))
    v = create(api, admin, "village", "层级村", s["id"], polygon(square(x + 0.65, y + 0.65, x + 0.78, y + 0.78)))
    g = create(api, admin, "grid", "层级网格", c["id"], polygon(square(x + 0.2, y + 0.2, x + 0.4, y + 0.4)))
    m = create(api, admin, "microgrid", "层级微网格", g["id"], polygon(square(x + 0.25, y + 0.25, x + 0.3, y + 0.3)))
    assert located(api, admin, y + 0.27, x + 0.27) == (m["id"], [d["id"], s["id"], c["id"], g["id"], m["id"]])
    assert located(api, admin, y + 0.35, x + 0.35) == (g["id"], [d["id"], s["id"], c["id"], g["id"]])
    assert located(api, admin, y + 0.5, x + 0.5) == (c["id"], [d["id"], s["id"], c["id"]])
    assert located(api, admin, y + 0.7, x + 0.7) == (v["id"], [d["id"], s["id"], v["id"]])
    assert located(api, admin, y + 0.05, x + 0.7) == (s["id"], [d["id"], s["id"]])
    assert located(api, admin, y + 0.9, x + 0.9) == (d["id"], [d["id"]])


def test_patch_boundary_moves_what_locate_finds(api, admin):
    x, y = area()
    d = create(api, admin, "district", "改界测试区", boundary=polygon(square(x, y, x + 1, y + 1)))
    s = create(api, admin, "street", "改界街道", d["id"], polygon(square(x, y, x + 0.4, y + 0.4)))
    assert located(api, admin, y + 0.2, x + 0.2)[0] == s["id"]
    st, b = api.patch("/api/v1/units/%d" % s["id"], {"boundary": polygon(square(x + 0.5, y + 0.5, x + 0.9, y + 0.9))},
                      admin)
    assert st == 200, b
    assert located(api, admin, y + 0.2, x + 0.2)[0] == d["id"]
    assert located(api, admin, y + 0.7, x + 0.7)[0] == s["id"]


# ---------------------------------------------------------------- invalid geometry

def _bad_geometries(x, y):
    return {
        "unclosed_ring": polygon([[x, y], [x + 0.1, y], [x + 0.1, y + 0.1], [x, y + 0.1]]),
        "unclosed_hole": polygon(square(x, y, x + 1, y + 1),
                                 [[x + 0.2, y + 0.2], [x + 0.4, y + 0.2], [x + 0.4, y + 0.4], [x + 0.2, y + 0.4]]),
        "unclosed_multipolygon_part": {"type": "MultiPolygon", "coordinates": [
            [square(x, y, x + 0.1, y + 0.1)], [[[x + 0.5, y], [x + 0.6, y], [x + 0.6, y + 0.1], [x + 0.5, y + 0.1]]]]},
        "three_positions": polygon([[x, y], [x + 0.1, y], [x, y]]),
        "no_rings": {"type": "Polygon", "coordinates": []},
        "empty_multipolygon": {"type": "MultiPolygon", "coordinates": []},
        "point": {"type": "Point", "coordinates": [x, y]},
        "linestring": {"type": "LineString", "coordinates": [[x, y], [x + 1, y + 1]]},
        "no_type": {"coordinates": [square(x, y, x + 1, y + 1)]},
        "no_coordinates": {"type": "Polygon"},
        "lon_out_of_range": polygon(square(179.5, y, 180.5, y + 1)),
        "lat_out_of_range": polygon(square(x, 89.5, x + 1, 90.5)),
        "position_not_numbers": polygon([[x, y], [x + 1, y], ["a", "b"], [x, y]]),
        "position_one_number": polygon([[x, y], [x + 1], [x + 1, y + 1], [x, y]]),
    }


@pytest.mark.parametrize("which", list(_bad_geometries(0, 0)))
def test_invalid_geometry_is_422(api, admin, which):
    x, y = area()
    geom = _bad_geometries(x, y)[which]
    d = create(api, admin, "district", "坏几何测试区")
    c = code()
    before = all_units(api, admin)
    st, b = api.post("/api/v1/units", {"kind": "street", "code": c, "name": "坏边界街道", "parent_id": d["id"],
                                       "boundary": geom}, admin)
    check_error(st, b, 422, "invalid_geometry", "boundary")
    assert all_units(api, admin) == before
    assert c not in before
    # the same geometry on PATCH leaves the old boundary alone
    good = polygon(square(x, y, x + 0.5, y + 0.5))
    s = create(api, admin, "street", "好边界街道", d["id"], good)
    st, b = api.patch("/api/v1/units/%d" % s["id"], {"boundary": geom, "name": "不该改名"}, admin)
    check_error(st, b, 422, "invalid_geometry", "boundary")
    st, again = api.get("/api/v1/units/%d" % s["id"], admin)
    assert again["name"] == "好边界街道" and again["boundary"] == good
    assert located(api, admin, y + 0.25, x + 0.25)[0] == s["id"]


# ---------------------------------------------------------------- duplicate codes

def test_duplicate_code_is_409(api, admin):
    d = create(api, admin, "district", "重码测试区")
    s = create(api, admin, "street", "原街道", d["id"])
    before = all_units(api, admin)
    for c in (s["code"], d["code"], "140303"):
        st, b = api.post("/api/v1/units", {"kind": "street", "code": c, "name": "冒名街道", "parent_id": d["id"]},
                         admin)
        check_error(st, b, 409)
    assert all_units(api, admin) == before
    st, again = api.get("/api/v1/units/%d" % s["id"], admin)
    assert again["name"] == "原街道"


# ---------------------------------------------------------------- listing

def test_unit_list_filters(api, admin):
    x, y = area()
    d = create(api, admin, "district", "列表测试区", boundary=polygon(square(x, y, x + 1, y + 1)))
    s1 = create(api, admin, "street", "列表街道一", d["id"], polygon(square(x, y, x + 0.5, y + 0.5)))
    s2 = create(api, admin, "street", "列表街道二", d["id"])
    dep = create(api, admin, "department", "列表部门", d["id"])
    create(api, admin, "community", "列表社区", s1["id"])
    st, b = api.get("/api/v1/units?parent_id=%d" % d["id"], admin)
    assert st == 200
    assert sorted(u["id"] for u in b["items"]) == sorted([s1["id"], s2["id"], dep["id"]])
    for u in b["items"]:
        for k in ("id", "parent_id", "kind", "code", "name", "path", "depth"):
            assert k in u, u
        assert u["depth"] == 1 and u["path"].startswith(d["path"])
    with_b = {u["id"]: u for u in b["items"]}
    assert with_b[s1["id"]]["boundary"]["type"] == "Polygon"
    st, b = api.get("/api/v1/units?parent_id=%d&kind=street" % d["id"], admin)
    assert sorted(u["id"] for u in b["items"]) == sorted([s1["id"], s2["id"]])
    st, b = api.get("/api/v1/units?parent_id=%d&boundary=false" % d["id"], admin)
    assert all(u.get("boundary") is None for u in b["items"])


# ---------------------------------------------------------------- import

def _tree_rows(parent_code, x, y, kinds=("街道", "社区", "网格", "微网格")):
    """Rows street > community > grid > microgrid under parent_code, nested squares."""
    codes = [code("I") for _ in kinds]
    names = ["导入" + k + codes[i][-4:] for i, k in enumerate(kinds)]
    boxes = [square(x, y, x + 0.8, y + 0.8), square(x + 0.1, y + 0.1, x + 0.7, y + 0.7),
             square(x + 0.2, y + 0.2, x + 0.6, y + 0.6), square(x + 0.3, y + 0.3, x + 0.4, y + 0.4)]
    rows = []
    for i, k in enumerate(kinds):
        rows.append([codes[i], names[i], k, parent_code if i == 0 else codes[i - 1], gj(polygon(boxes[i]))])
    return rows, codes, names


def _check_tree(api, admin, d, codes, names, x, y, kinds=("street", "community", "grid", "microgrid")):
    units = all_units(api, admin)
    ids = []
    parent = d["id"]
    for c, n, k in zip(codes, names, kinds):
        assert c in units, c
        u = units[c]
        assert (u["name"], u["kind"], u["parent_id"]) == (n, k, parent), u
        parent = u["id"]
        ids.append(u["id"])
    assert located(api, admin, y + 0.35, x + 0.35) == (ids[-1], [d["id"]] + ids)
    assert located(api, admin, y + 0.5, x + 0.5) == (ids[2], [d["id"]] + ids[:3])
    assert located(api, admin, y + 0.75, x + 0.75) == (ids[0], [d["id"], ids[0]])
    return ids


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"])
def test_import_csv_utf8_chinese_headers(api, admin, encoding):
    x, y = area()
    d = create(api, admin, "district", "导入测试区", boundary=polygon(square(x, y, x + 1, y + 1)))
    rows, codes, names = _tree_rows(d["code"], x, y)
    st, b = import_(api, admin, csv_text(rows).encode(encoding), "text/csv")
    assert st == 200, b
    assert (b["created"], b["updated"], b["errors"]) == (4, 0, []), b
    _check_tree(api, admin, d, codes, names, x, y)


def test_import_csv_english_headers_and_village(api, admin):
    x, y = area()
    d = create(api, admin, "district", "英文表头测试区")
    rows = [[code("I"), "英文表头街道", "street", d["code"], ""]]
    rows.append([code("I"), "英文表头村", "村", rows[0][0], gj(polygon(square(x, y, x + 0.5, y + 0.5)))])
    text = csv_text(rows, header=("code", "name", "kind", "parent_code", "boundary"))
    st, b = import_(api, admin, text.encode(), "text/csv")
    assert st == 200 and b["created"] == 2 and b["errors"] == [], b
    units = all_units(api, admin)
    assert units[rows[0][0]]["kind"] == "street" and units[rows[1][0]]["kind"] == "village"
    assert located(api, admin, y + 0.25, x + 0.25)[0] == units[rows[1][0]]["id"]


def test_import_csv_gbk(api, admin):
    x, y = area()
    d = create(api, admin, "district", "国标编码测试区", boundary=polygon(square(x, y, x + 1, y + 1)))
    rows, codes, names = _tree_rows(d["code"], x, y)
    names = ["蔡洼街道分部" + codes[0][-3:], "矿务局社区" + codes[1][-3:], "贵石沟第一网格" + codes[2][-3:],
             "煤场微网格" + codes[3][-3:]]
    for r, n in zip(rows, names):
        r[1] = n
    raw = csv_text(rows).encode("gbk")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    st, b = import_(api, admin, raw, "text/csv")
    assert st == 200, b
    assert (b["created"], b["updated"], b["errors"]) == (4, 0, []), b
    _check_tree(api, admin, d, codes, names, x, y)


def test_import_geojson_feature_collection(api, admin):
    x, y = area()
    d = create(api, admin, "district", "地理导入测试区", boundary=polygon(square(x, y, x + 1, y + 1)))
    rows, codes, names = _tree_rows(d["code"], x, y, kinds=("street", "community", "grid", "microgrid"))
    fc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": json.loads(r[4]),
         "properties": {"code": r[0], "name": r[1], "kind": r[2], "parent_code": r[3]}} for r in rows]}
    # parents after children: the import must sort them out
    fc["features"].reverse()
    st, b = import_(api, admin, json.dumps(fc, ensure_ascii=False).encode(), "application/geo+json")
    assert st == 200, b
    assert (b["created"], b["updated"], b["errors"]) == (4, 0, []), b
    ids = _check_tree(api, admin, d, codes, names, x, y)
    st, g = api.get("/api/v1/units/%d" % ids[2], admin)
    assert g["boundary"] == json.loads(rows[2][4])


def _bad_line_cases(parent_code, x, y):
    """(rows, the line that is bad) for each way a line can be bad; rows
    start at line 2 (line 1 is the header)."""
    rows, codes, names = _tree_rows(parent_code, x, y)
    out = {}

    def variant(i, col, value):
        r = [list(row) for row in rows]
        r[i][col] = value
        return r
    out["unknown_kind"] = (variant(2, 2, "星球"), 4)
    out["missing_name"] = (variant(2, 1, ""), 4)
    out["missing_code"] = (variant(1, 0, ""), 3)
    out["bad_code"] = (variant(3, 0, "坏 编码"), 5)
    out["boundary_not_json"] = (variant(2, 4, "{not json"), 4)
    out["boundary_unclosed"] = (variant(2, 4, gj({"type": "Polygon", "coordinates": [
        [[x, y], [x + 0.1, y], [x + 0.1, y + 0.1], [x, y + 0.1]]]})), 4)
    out["duplicate_code"] = (variant(3, 0, rows[0][0]), 5)
    out["unknown_parent"] = (variant(2, 3, code("NOPE")), 4)
    return out, codes


@pytest.mark.parametrize("how", list(_bad_line_cases("P", 0, 0)[0]))
def test_import_bad_line_changes_nothing(api, admin, how):
    x, y = area()
    d = create(api, admin, "district", "坏行测试区", boundary=polygon(square(x, y, x + 1, y + 1)))
    cases, codes = _bad_line_cases(d["code"], x, y)
    rows, bad_line = cases[how]
    before = all_units(api, admin)
    st, b = import_(api, admin, csv_text(rows).encode(), "text/csv")
    assert st == 422, b
    assert b["created"] == 0 and b["updated"] == 0, b
    assert isinstance(b["errors"], list) and b["errors"], b
    for e in b["errors"]:
        assert isinstance(e["line"], int) and isinstance(e["message"], str) and e["message"], b
    assert bad_line in [e["line"] for e in b["errors"]], b
    assert all_units(api, admin) == before
    for c in codes:
        assert c not in before
    assert located(api, admin, y + 0.35, x + 0.35) == (d["id"], [d["id"]])


def test_import_bad_line_gbk_line_number(api, admin):
    x, y = area()
    d = create(api, admin, "district", "国标坏行测试区")
    cases, codes = _bad_line_cases(d["code"], x, y)
    rows, bad_line = cases["unknown_kind"]
    before = all_units(api, admin)
    st, b = import_(api, admin, csv_text(rows).encode("gbk"), "text/csv")
    assert st == 422 and b["created"] == 0 and b["updated"] == 0, b
    assert [e["line"] for e in b["errors"]] == [bad_line], b
    assert all_units(api, admin) == before


def test_import_line_numbers_count_blank_lines(api, admin):
    d = create(api, admin, "district", "空行测试区")
    good, bad = code("I"), code("I")
    text = "编码,名称,类型,上级编码\r\n%s,空行街道,街道,%s\r\n\r\n%s,坏类型,星球,%s\r\n" % (good, d["code"], bad, d["code"])
    before = all_units(api, admin)
    st, b = import_(api, admin, text.encode(), "text/csv")
    assert st == 422 and b["created"] == 0 and b["updated"] == 0, b
    assert [e["line"] for e in b["errors"]] == [4], b
    assert all_units(api, admin) == before


def test_import_bad_feature_changes_nothing(api, admin):
    x, y = area()
    d = create(api, admin, "district", "坏要素测试区")
    rows, codes, names = _tree_rows(d["code"], x, y, kinds=("street", "community", "grid", "microgrid"))
    rows[2][2] = "planet"
    fc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": json.loads(r[4]),
         "properties": {"code": r[0], "name": r[1], "kind": r[2], "parent_code": r[3]}} for r in rows]}
    before = all_units(api, admin)
    st, b = import_(api, admin, json.dumps(fc, ensure_ascii=False).encode(), "application/geo+json")
    assert st == 422 and b["created"] == 0 and b["updated"] == 0 and b["errors"], b
    assert all_units(api, admin) == before


def test_import_csv_without_required_columns(api, admin):
    before = all_units(api, admin)
    text = csv_text([[code("I"), "无类型"]], header=("编码", "名称"))
    st, b = import_(api, admin, text.encode(), "text/csv")
    assert st == 422 and b["created"] == 0 and b["updated"] == 0, b
    assert [e["line"] for e in b["errors"]] == [1], b
    assert all_units(api, admin) == before


def test_reimport_updates(api, admin):
    x, y = area()
    d = create(api, admin, "district", "重导测试区", boundary=polygon(square(x, y, x + 1, y + 1)))
    rows, codes, names = _tree_rows(d["code"], x, y)
    st, b = import_(api, admin, csv_text(rows).encode(), "text/csv")
    assert st == 200 and (b["created"], b["updated"]) == (4, 0), b
    ids = _check_tree(api, admin, d, codes, names, x, y)

    # rename everything, move the grid's boundary, add one more grid
    new_names = [n + "（更名）" for n in names]
    for r, n in zip(rows, new_names):
        r[1] = n
    rows[3][4] = gj(polygon(square(x + 0.5, y + 0.5, x + 0.55, y + 0.55)))
    extra = [code("I"), "新增网格", "网格", codes[1], gj(polygon(square(x + 0.62, y + 0.62, x + 0.68, y + 0.68)))]
    st, b = import_(api, admin, csv_text(rows + [extra]).encode("gbk"), "text/csv")
    assert st == 200, b
    assert (b["created"], b["updated"], b["errors"]) == (1, 4, []), b
    units = all_units(api, admin)
    assert [units[c]["id"] for c in codes] == ids
    assert [units[c]["name"] for c in codes] == new_names
    assert units[extra[0]]["parent_id"] == ids[1]
    assert located(api, admin, y + 0.525, x + 0.525)[0] == ids[3]       # the microgrid's new place
    assert located(api, admin, y + 0.35, x + 0.35)[0] == ids[2]         # its old place is the grid's
    assert located(api, admin, y + 0.65, x + 0.65)[0] == units[extra[0]]["id"]


@pytest.mark.parametrize("how", ["bad_kind", "unknown_parent"])
def test_failed_reimport_updates_nothing(api, admin, how):
    x, y = area()
    d = create(api, admin, "district", "重导失败测试区", boundary=polygon(square(x, y, x + 1, y + 1)))
    rows, codes, names = _tree_rows(d["code"], x, y)
    st, b = import_(api, admin, csv_text(rows).encode(), "text/csv")
    assert st == 200 and b["created"] == 4, b
    before = all_units(api, admin)
    renamed = [[r[0], r[1] + "（不应生效）"] + r[2:] for r in rows]
    if how == "bad_kind":
        renamed[3][2] = "星球"
        bad_line = 5
    else:
        renamed.append([code("I"), "孤儿网格", "网格", code("NOPE"), ""])
        bad_line = 6
    st, b = import_(api, admin, csv_text(renamed).encode(), "text/csv")
    assert st == 422 and b["created"] == 0 and b["updated"] == 0, b
    assert bad_line in [e["line"] for e in b["errors"]], b
    assert all_units(api, admin) == before
