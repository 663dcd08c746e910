#!/usr/bin/env python3
"""tests/fuzz/seeds.py - writes the seed corpora of the fuzz targets into
tests/fuzz/corpus/<target>/ (checked in; run again after changing this file).

Seeds are small realistic inputs of each parser and the edge cases around
them: Chinese text in UTF-8, UTF-8 with BOM, GBK and GB18030, the demo
district's codes, services and boundaries (the fixture the database-backed
targets run on, fuzz.h), malformed and hostile inputs. Usage:
    /usr/bin/python3 tests/fuzz/seeds.py
"""
import io
import json
import os
import shutil
import urllib.parse
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")
KEY = "fuzz-open311-key-0123456789abcdef"  # FUZZ_O311_KEY in fuzz.h

# Two grids of the demo district (units 4 and 3), for realistic polygons.
GRID = json.loads('{"type":"Polygon","coordinates":[[[113.579298,37.845716],[113.580080,37.845923],'
                  '[113.580570,37.845817],[113.581428,37.846167],[113.581442,37.846685],[113.582167,37.847109],'
                  '[113.582205,37.847773],[113.581725,37.848076],[113.581723,37.848850],[113.580945,37.849049],'
                  '[113.580089,37.848705],[113.579579,37.849133],[113.578882,37.848679],[113.578541,37.848137],'
                  '[113.577888,37.847724],[113.577359,37.848270],[113.576573,37.847797],[113.576511,37.847219],'
                  '[113.577112,37.846713],[113.577951,37.847014],[113.578465,37.846708],[113.578497,37.846175],'
                  '[113.579298,37.845716]]]}')
SQUARE = [[113.57, 37.84], [113.59, 37.84], [113.59, 37.86], [113.57, 37.86], [113.57, 37.84]]
HOLE = [[113.575, 37.845], [113.585, 37.845], [113.585, 37.855], [113.575, 37.855], [113.575, 37.845]]


def dump(o):
    return json.dumps(o, ensure_ascii=False, separators=(",", ":"))


def write(target, name, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def json_seeds():
    t = "json"
    seeds = {
        "login": {"login": "admin", "password": "lianxin2026"},
        "login-long": {"login": "a" * 65, "password": "x"},
        "user-create": {"login": "gw_new", "name": "王小明", "password": "lianxin2026", "phone": "13812345678",
                        "roles": ["grid_worker"], "unit_id": 4},
        "user-patch": {"name": "李四", "active": False, "unit_id": None, "roles": ["handler", "deputy"]},
        "unit-create": {"kind": "grid", "code": "140303001001009", "name": "水滩社区第9网格", "parent_id": 3,
                        "boundary": GRID},
        "unit-patch-null": {"boundary": None, "name": "网格"},
        "category": {"code": "0105", "name": "暖气漏水", "parent_code": "01", "case_type": "request",
                     "accept_hours": 2, "resolve_hours": 24.5, "accept_workdays": None, "resolve_workdays": 5,
                     "verify": True, "suspend_approval": False, "max_extensions": 2,
                     "responsible": {"kind": "unit_name", "value": "供热公司"}},
        "calendar": {"days": [{"day": "2026-10-01", "workday": False, "note": "国庆节"},
                              {"day": "2026-10-10", "workday": True, "note": "调休上班"}]},
        "intake": {"type": "request", "channel": "hotline", "category_code": "0101", "title": "暖气不热",
                   "description": "3号楼2单元501室暖气一直不热，室温只有14度。", "address": "水滩社区3号楼",
                   "lat": 37.8473, "lon": 113.5795, "urgent": True,
                   "reporter": {"name": "张三", "phone": "13812345678", "anonymous": False}},
        "intake-reporter-string": {"type": "request", "channel": "hotline", "title": "t", "description": "d",
                                   "reporter": "张三"},
        "intake-unit": {"type": "hazard", "channel": "grid", "title": "楼道堆放杂物", "description": "消防通道堵塞",
                        "unit_id": 4, "repeat_of": 12},
        "intake-bad-types": {"type": 1, "channel": None, "title": ["x"], "description": {"a": 1}, "lat": "38"},
        "intake-edges": {"type": "request", "channel": "app", "title": " ", "description": "\u00e9\u0301",
                         "lat": 90, "lon": -180.0, "reporter": {"phone": "+86 138-1234-5678"}},
        "apikey": {"name": "FixMyStreet 客户端", "rate_limit": 100000},
        "dispatch": {"unit_id": 4, "note": "请尽快处理", "version": 3},
        "assist": {"unit_ids": [4, 5, 6], "note": "协办", "version": 1},
        "assist-dupes": {"unit_ids": [4, 4, -1, 9223372036854775807], "version": 1},
        "suspend": {"reason": "等待配件", "until": "2026-12-01T09:00:00+08:00", "version": 2},
        "suspend-date": {"reason": "节假日", "until": "2026-12-31", "version": 2},
        "extend": {"hours": 48, "workdays": 5, "reason": "工程量大", "version": 4},
        "resolve": {"reply": "已联系供热公司，暖气恢复正常。", "version": 5},
        "verify": {"passed": True, "note": "回访满意"},
        "rate": {"rating": "satisfied", "solved": True, "note": "很好"},
        "rate-bad": {"rating": "很满意", "solved": "yes"},
        "merge": {"into_id": 1, "note": "重复工单"},
        "appeal": {"upheld": False, "note": "维持原结果"},
        "numbers": {"version": 1e300, "unit_id": -0, "hours": 8760.000001, "workdays": 0, "lat": 1e-320},
        "empty": {},
    }
    for name, o in seeds.items():
        write(t, name + ".json", dump(o))
    write(t, "dup-keys.json", '{"login":"a","login":"b","password":"c"}')
    write(t, "nul-escape.json", '{"title":"a\\u0000b","type":"request","channel":"hotline","description":"x"}')
    write(t, "surrogate.json", '{"title":"\\ud800","note":"\\udbff\\udfff"}')
    write(t, "not-object.json", '[1,2,3]')
    write(t, "bad-utf8.json", b'{"title":"\xe6\x9a"}')
    write(t, "gbk.json", '{"title":"暖气"}'.encode("gbk"))
    write(t, "deep.json", "[" * 64 + "]" * 64)
    write(t, "truncated.json", '{"title":"暖气不')
    write(t, "huge-int.json", '{"unit_id":123456789012345678901234567890,"version":-9223372036854775808}')
    write(t, "times.json", dump({"until": "2026-02-29T24:00:00Z", "reason": "x"}))
    write(t, "times2.json", dump({"until": "0000-01-01T00:00:60.999999999-23:59", "reason": "闰秒"}))
    write(t, "times3.json", dump({"until": "9999-12-31t23:59:59.1z", "reason": "x"}))


def csv_seeds():
    t = "csv"
    header_en = "code,name,kind,parent_code,boundary\r\n"
    header_zh = "编码,名称,类型,上级编码,边界\r\n"
    rows = ("140303001001009,水滩社区第9网格,grid,140303001001,\r\n"
            "140303001001010,水滩社区第10网格,网格,140303001001,\r\n")
    write(t, "units-en.csv", header_en + rows)
    write(t, "units-zh.csv", header_zh + rows)
    write(t, "units-bom.csv", "\ufeff" + header_zh + rows)
    write(t, "units-gbk.csv", (header_zh + rows).encode("gbk"))
    write(t, "units-gb18030-4byte.csv", ("编码,名称,类型\n140303009,𠀀𠀁社区,社区\n1403030091,€欧元网格,grid\n")
          .encode("gb18030"))
    write(t, "gb18030-bom.csv", b"\x84\x31\x95\x33" + "编码,名称,类型\n1,甲,区\n".encode("gb18030"))
    b = dump(GRID).replace('"', '""')
    write(t, "boundary.csv", header_en + '140303001001011,第11网格,grid,140303001001,"%s"\n' % b)
    write(t, "boundary-bad.csv", header_en + '1,x,grid,,"{""type"":""Point""}"\n2,y,grid,,"[1,2"\n')
    write(t, "quoted.csv", 'a,"b,c","d""e""",f\n"多行\r\n字段",  "  空格  "  ,g\n')
    write(t, "lone-cr.csv", "code,name,kind\r1,一,区\r2,二,街道\r")
    write(t, "blank-lines.csv", "\n\n  \t\ncode,name,kind\n\n1,甲,社区\n   \n\n")
    write(t, "ragged.csv", "code,name,kind\n1\n2,乙\n3,丙,村,多余,字段,,,\n")
    write(t, "unterminated.csv", 'code,name\n1,"没有结束\n2,b\n')
    write(t, "after-quote.csv", 'code,name\n1,"a"b\n')
    write(t, "quote-in-unquoted.csv", 'code,name\n1,a"b"c\n')
    write(t, "nul.csv", b"code,name\n1,a\x00b\n")
    write(t, "utf16le.csv", "\ufeffcode,name\n".encode("utf-16-le"))
    write(t, "utf16be.csv", "\ufeffcode,name\n".encode("utf-16-be"))
    write(t, "neither.csv", b"code,name\n1,\x81\x20\x81\n")
    write(t, "bom-not-utf8.csv", b"\xef\xbb\xbfcode,name\n1,\xc4\xe3\n")
    write(t, "mixed-utf8-gbk.csv", "名称\n".encode("utf-8") + "名称\n".encode("gbk"))
    write(t, "bom-only.csv", b"\xef\xbb\xbf")
    write(t, "empty-quoted.csv", '""\n"",""\n')
    write(t, "dup-codes.csv", "code,name,kind\nA,一,grid\nA,二,grid\nB,,grid\nC,三,planet\nD!,四,grid\n")
    write(t, "case-header.csv", " CODE ,\tName\t, KIND \n1,x,district\n")
    write(t, "long-name.csv", "code,name,kind\n1," + "长" * 65 + ",grid\n")
    write(t, "gbk-trailing-lead.csv", "名称\n".encode("gbk") + b"\x81")
    write(t, "excel-mac.csv", "code,name,kind\r\"a\rb\",名,区\r")
    write(t, "only-header.csv", "code,name,kind\n")
    write(t, "geojson-body.csv", dump({"type": "FeatureCollection", "features": []}))


def geo_seeds():
    t = "geo"
    poly = {"type": "Polygon", "coordinates": [SQUARE]}
    seeds = {
        "grid": GRID,
        "square": poly,
        "hole": {"type": "Polygon", "coordinates": [SQUARE, HOLE]},
        "multi": {"type": "MultiPolygon", "coordinates": [[SQUARE], [HOLE]]},
        "feature": {"type": "Feature", "properties": {"名称": "水滩社区"}, "geometry": GRID},
        "altitude": {"type": "Polygon", "coordinates": [[[0, 0, 10], [1, 0, 10.5], [1, 1, 11], [0, 0, 10]]]},
        "open-ring": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]},
        "three": {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [0, 0]]]},
        "range": {"type": "Polygon", "coordinates": [[[180.0001, 0], [1, 0], [1, 1], [180.0001, 0]]]},
        "poles": {"type": "Polygon", "coordinates": [[[-180, -90], [180, -90], [180, 90], [-180, 90], [-180, -90]]]},
        "strings": {"type": "Polygon", "coordinates": [[["0", "0"], [1, 0], [1, 1], ["0", "0"]]]},
        "short-pos": {"type": "Polygon", "coordinates": [[[0], [1, 0], [1, 1], [0]]]},
        "empty-multi": {"type": "MultiPolygon", "coordinates": []},
        "empty-poly": {"type": "Polygon", "coordinates": []},
        "point": {"type": "Point", "coordinates": [113.5, 37.8]},
        "no-type": {"coordinates": [SQUARE]},
        "feature-null": {"type": "Feature", "geometry": None},
        "degenerate": {"type": "Polygon", "coordinates": [[[1, 1], [1, 1], [1, 1], [1, 1]]]},
        "bowtie": {"type": "Polygon", "coordinates": [[[0, 0], [2, 2], [2, 0], [0, 2], [0, 0]]]},
        "tiny": {"type": "Polygon", "coordinates": [[[1e-300, 1e-300], [2e-300, 1e-300], [2e-300, 2e-300],
                                                     [1e-300, 1e-300]]]},
        "hole-outside": {"type": "Polygon", "coordinates": [HOLE, SQUARE]},
        "fc-import": {"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"code": "140303001001009", "name": "水滩社区第9网格", "kind": "grid",
                                               "parent_code": "140303001001"}, "geometry": GRID},
            {"type": "Feature", "properties": {"编码": "140303001001010", "名称": "第10网格", "类型": "网格"},
             "geometry": None},
            {"type": "Feature", "properties": {"code": "bad code", "name": "", "kind": "星球"}, "geometry": poly},
            {"type": "Feature", "geometry": poly},
            7]},
        "fc-empty": {"type": "FeatureCollection", "features": []},
        "fc-not": {"type": "FeatureCollection", "features": {}},
    }
    for name, o in seeds.items():
        write(t, name + ".json", dump(o))
    write(t, "nan.json", '{"type":"Polygon","coordinates":[[[NaN,0],[1,0],[1,1],[NaN,0]]]}')
    write(t, "exp.json", '{"type":"Polygon","coordinates":[[[1e400,0],[1,0],[1,1],[1e400,0]]]}')
    write(t, "neg-zero.json", '{"type":"Polygon","coordinates":[[[-0.0,-0.0],[1,0],[1,1],[0,0]]]}')
    write(t, "truncated.json", dump(GRID)[:120])


def form(pairs):
    return "&".join(urllib.parse.quote(k, safe="[]") + "=" + urllib.parse.quote(v, safe="") for k, v in pairs)


def open311_seeds():
    t = "open311"
    url = "application/x-www-form-urlencoded"
    post = [("api_key", KEY), ("service_code", "0101"), ("lat", "37.8473"), ("long", "113.5795"),
            ("address_string", "沙坪街道水滩社区3号楼"), ("description", "暖气不热，家中有老人。电话13812345678"),
            ("attribute[ROOM_TEMP]", "15.5"), ("attribute[HEATING_TYPE]", "central"),
            ("attribute[ROOMS][]", "living"), ("attribute[ROOMS][]", "bedroom"),
            ("attribute[SINCE]", "2026-11-20T08:00:00+08:00"), ("attribute[BUILDING]", "3号楼2单元"),
            ("attribute[DETAILS]", "已联系物业\n无人处理"), ("first_name", "三"), ("last_name", "张"),
            ("phone", "13812345678"), ("email", "zhang@example.cn"), ("device_id", "ios-1"),
            ("account_id", "acc-9"), ("media_url", "https://example.cn/p/1.jpg")]
    req = [("api_key", KEY), ("service_code", "0101"), ("lat", "37.8473"), ("long", "113.5795"),
           ("attribute[ROOM_TEMP]", "16")]
    seeds = {
        "post-full": (url, "", form(post)),
        "post-xml-odd": (url, "", form(post[:6]) + "&"),
        "post-address-id": (url, "", form([("api_key", KEY), ("service_code", "0301"),
                                           ("address_id", "140303001001001"), ("description", "垃圾没人清")])),
        "post-address-num": (url, "", form([("api_key", KEY), ("service_code", "0201"), ("address_id", "4"),
                                            ("first_name", "Ada"), ("last_name", "Lovelace")])),
        "post-address-text": (url, "", form([("api_key", KEY), ("service_code", "0303"),
                                             ("address_string", "沙坪街道水滩社区"), ("description", "噪音扰民")])),
        "post-key-in-query": (url, "api_key=" + KEY, form([("service_code", "0101"), ("lat", "37.8"),
                                                           ("long", "113.5"), ("attribute[ROOM_TEMP]", "abc")])),
        "post-attr-bad": (url, "", form([("api_key", KEY), ("service_code", "0101"), ("lat", "37.8"),
                                         ("long", "113.5"), ("attribute[HEATING_TYPE]", "nuclear"),
                                         ("attribute[ROOMS]", "living"), ("attribute[ROOMS][]", "kitchen"),
                                         ("attribute[x", "1"), ("attribute[]", "2")])),
        "post-coords-bad": (url, "", form([("api_key", KEY), ("service_code", "0101"), ("lat", "91"),
                                           ("long", "inf")])),
        "post-lat-only": (url, "", form([("api_key", KEY), ("service_code", "0101"), ("lat", "37.8")])),
        "post-repeat": (url, "", form([("api_key", KEY), ("service_code", "0101"), ("service_code", "0102")])),
        "post-no-key": (url, "", form([("service_code", "0101"), ("lat", "37.8"), ("long", "113.5")])),
        "post-bad-key": (url, "", form([("api_key", "x" * 129), ("service_code", "0101")])),
        "post-unknown-service": (url, "", form([("api_key", KEY), ("service_code", "9999"), ("lat", "1"),
                                                ("long", "1")])),
        "post-group-service": (url, "", form([("api_key", KEY), ("service_code", "01"), ("lat", "37.8"),
                                              ("long", "113.5")])),
        "post-email-bad": (url, "", form([("api_key", KEY), ("service_code", "0101"), ("lat", "37.8"),
                                          ("long", "113.5"), ("email", "not an email"),
                                          ("media_url", "javascript:alert(1)")])),
        "post-ctl-chars": (url, "", form([("api_key", KEY), ("service_code", "0101"), ("lat", "37.8"),
                                          ("long", "113.5"), ("first_name", "a\tb"), ("description", "\x7f")])),
        "attr-unknown-key": (url, "", form(req + [("attribute[HEATING_TYPE]", "nuclear")])),
        "attr-list-twice": (url, "", form(req + [("attribute[HEATING_TYPE]", "gas"),
                                                 ("attribute[ROOMS]", "living"), ("attribute[ROOMS][]", "kitchen"),
                                                 ("attribute[ROOMS][]", "kitchen")])),
        "attr-single-listed": (url, "", form(req + [("attribute[HEATING_TYPE][]", "gas")])),
        "attr-bad-datetime": (url, "", form(req + [("attribute[HEATING_TYPE]", "gas"),
                                                   ("attribute[SINCE]", "yesterday")])),
        "attr-multiline-string": (url, "", form(req + [("attribute[HEATING_TYPE]", "electric"),
                                                       ("attribute[BUILDING]", "3号楼\n2单元"),
                                                       ("attribute[SEASON]", "ignored")])),
        "attr-number-space": (url, "", form([("api_key", KEY), ("service_code", "0101"), ("lat", "37.8473"),
                                             ("long", "113.5795"), ("attribute[ROOM_TEMP]", " 1e3"),
                                             ("attribute[HEATING_TYPE]", "gas")])),
        "post-long-desc": (url, "", form(req + [("attribute[HEATING_TYPE]", "central"),
                                                ("description", "暖气不热已经三天了，" * 12),
                                                ("first_name", "Ada"), ("phone", "010-1234")])),
        "post-bad-phone": (url, "", form(req + [("attribute[HEATING_TYPE]", "central"), ("phone", "abc")])),
        "post-address-missing": (url, "", form([("api_key", KEY), ("service_code", "0301"),
                                                ("address_id", "nope")])),
        "post-address-dept": (url, "", form([("api_key", KEY), ("service_code", "0301"),
                                             ("address_id", "140303D10")])),
        "post-outside": (url, "", form([("api_key", KEY), ("service_code", "0301"), ("lat", "39.9"),
                                        ("long", "116.4"), ("address_string", "沙坪街道桥头社区蔡洼社区")])),
        "post-hazard-service": (url, "", form([("api_key", KEY), ("service_code", "0601"), ("lat", "37.8473"),
                                               ("long", "113.5795")])),
        "update": (url, "", form([("api_key", KEY), ("service_request_id", "6000"), ("update_id", "u-1"),
                                  ("status", "CLOSED"), ("updated_datetime", "2026-11-30T10:00:00+08:00"),
                                  ("description", "已处理，谢谢"), ("media_url", "http://example.cn/a.png")])),
        "update-open": (url, "", form([("api_key", KEY), ("service_request_id", "1"), ("update_id", "u-2"),
                                       ("status", "reopen"), ("updated_datetime", "2026-11-30T10:00:00 08:00"),
                                       ("description", ""), ("title", "标题"), ("service_code", "0101")])),
        "update-bad-status": (url, "", form([("api_key", KEY), ("service_request_id", "0"),
                                             ("status", "maybe")])),
        "malformed-escape": (url, "", "api_key=%zz&description=%e6%9a&x=%00&=v&k&&&"),
        "invalid-utf8": (url, "", "description=%ff%fe"),
        "plus-space": (url, "", "description=a+b+%2B+c&api_key=" + KEY),
        "json-ctype": ("application/json", "", '{"api_key":"x"}'),
        "empty-ctype": ("", "", "a=b"),
        "empty-body": (url, "service_request_id=1,2,3", ""),
        "list-codes": (url, "service_code=0101,0102&status=open,closed&start_date=2026-10-01T00:00:00%2B08:00"
                            "&end_date=2026-11-01T00:00:00Z&page=2&page_size=10", ""),
        "list-space-zone": (url, "start_date=2026-10-01T00:00:00 08:00&end_date=2026-12-29T00:00:00+08:00", ""),
        "list-bad": (url, "service_request_id=1,,x&status=pending&page=0&page_size=1001", ""),
        "list-unknown-code": (url, "service_code=0101, 9999 &api_key=nope", ""),
        "list-range-too-long": (url, "start_date=2026-01-01T00:00:00Z&end_date=2026-12-01T00:00:00Z", ""),
        "list-page-overflow": (url, "page=1000000&page_size=1000", ""),
        "list-key": (url, "api_key=" + KEY + "&service_request_id=6000,5999", ""),
    }
    boundary = "----lianxinFormBoundary7MA4YWxk"

    def part(name, value, extra=""):
        return ("--%s\r\nContent-Disposition: form-data; name=\"%s\"%s\r\n\r\n" % (boundary, name, extra)
                ).encode("utf-8") + value + b"\r\n"
    mp = (part("api_key", KEY.encode()) + part("service_code", b"0101") + part("lat", b"37.8473")
          + part("long", b"113.5795") + part("attribute[ROOM_TEMP]", b"12")
          + part("attribute[HEATING_TYPE]", b"gas") + part("attribute[ROOMS][]", b"bedroom")
          + part("description", "暖气不热\r\n第二行".encode("utf-8"),
                 "\r\nContent-Type: text/plain; charset=utf-8")
          + part("media", b"\xff\xd8\xff\xe0 binary", "; filename=\"a.jpg\"\r\nContent-Type: image/jpeg")
          + ("--%s--\r\n" % boundary).encode())
    seeds["multipart"] = ("multipart/form-data; boundary=" + boundary, "", mp)
    seeds["multipart-quoted"] = ('multipart/form-data; charset=utf-8; boundary="' + boundary + '"', "",
                                 b"\r\n" + mp)
    seeds["multipart-no-boundary"] = ("multipart/form-data", "", mp)
    seeds["multipart-truncated"] = ("multipart/form-data; boundary=" + boundary, "", mp[:200])
    seeds["multipart-bad-utf8"] = ("multipart/form-data; boundary=xyz", "",
                                   b"--xyz\r\nContent-Disposition: form-data; name=\"d\"\r\n\r\n\xc4\xe3\r\n--xyz--")
    for name, (ct, q, body) in seeds.items():
        data = (ct + "\n" + q + "\n").encode("utf-8")
        data += body if isinstance(body, bytes) else body.encode("utf-8")
        write(t, name + ".txt", data)


def query_seeds():
    t = "query"
    lines = [
        "/api/v1/cases",
        "/api/v1/cases?status=accepted&type=request&category_code=01&limit=20",
        "/api/v1/cases?q=%E6%9A%96%E6%B0%94",
        "/api/v1/cases?q=暖气不热 3号楼&from=2026-01-01&to=2026-12-01T00:00:00+08:00",
        "/api/v1/cases?q=heat+ing&cursor=5000&unit_id=3&overdue=true",
        "/api/v1/cases?pending=extension&overdue=false&limit=200",
        "/api/v1/cases?status=nope&type=unknown",
        "/api/v1/cases?limit=0&cursor=-1&unit_id=999999999&from=2026-13-01",
        "/api/v1/cases?limit=9223372036854775808&to=2026-02-29",
        "/api/v1/cases?q=%ff%fe&category_code=%E4%BE%9B%E6%9A%96%E4%BE%9B%E6%B0%B4%E4%BE%9B%E7%94%B5",
        "/api/v1/cases?q=" + "长" * 70,
        "/api/v1/cases?q=*&status=&type=&limit=",
        "/api/v1/cases/6000",
        "/api/v1/cases/1",
        "/api/v1/cases/0",
        "/api/v1/cases/99999999999999999999",
        "/api/v1/cases/abc",
        "/api/v1/cases/1/dispatch",
        "/api/v1/units",
        "/api/v1/units?parent_id=3&kind=grid&boundary=true",
        "/api/v1/units/4",
        "/api/v1/locate?lat=37.8473&lon=113.5795",
        "/api/v1/locate?lat=91&lon=nan",
        "/api/v1/locate?lat=1e999&lon=-0",
        "/api/v1/stats/summary",
        "/api/v1/stats/summary?from=2026-11-01&to=2026-12-01&unit_id=2",
        "/api/v1/stats/summary?from=2026-12-01T00:00:00Z&to=2026-01-01T00:00:00Z",
        "/api/v1/users",
        "/api/v1/users/2",
        "/api/v1/categories",
        "/api/v1/workflows",
        "/api/v1/calendar",
        "/api/v1/calendar?from=2026-01-01&to=2026-12-31",
        "/api/v1/auth/me",
        "/api/v1/api-keys",
        "/healthz",
        "/metrics",
        "/open311/v2/discovery.json",
        "/open311/v2/services.xml",
        "/open311/v2/services/0101.json",
        "/open311/v2/services/01.xml",
        "/open311/v2/requests.json?service_code=0101&status=open",
        "/open311/v2/requests.xml?service_request_id=6000,5999,1",
        "/open311/v2/requests/6000.json",
        "/open311/v2/requests/6000.txt",
        "/open311/v2/tokens/0123456789abcdef0123456789abcdef.json",
        "/open311/v2/servicerequestupdates.json?start_date=2026-11-01T00:00:00%2B08:00",
        "/open311/v2/servicerequestupdates.xml?api_key=" + KEY,
        "/",
        "/index.html",
        "/../../etc/passwd",
        "/api/v1/nothing",
    ]
    for i, line in enumerate(lines):
        write(t, "get-%02d.txt" % i, line)


def route_seeds():
    t = "route"
    paths = ["/healthz", "/api/v1/cases/42", "/api/v1/cases/42/dispatch", "/api/v1/cases/7/tasks/3/done",
             "/api/v1/cases/export.xlsx", "/api/v1/categories/0101", "/open311/v2/services/0101.json",
             "/open311/v2/services/a.b.c.xml", "/open311/v2/services/.json", "/open311/v2/requests.json",
             "/open311/v2/requests/12.", "/open311/v2/tokens/abc.json", "/api/v1/users/中文",
             "/api/v1/units//", "/api/v1/cases/1/", "//", "/api/v1/api-keys/9"]
    for i, p in enumerate(paths):
        write(t, "path-%02d.txt" % i, p)


def fts_seeds():
    t = "fts"
    qs = ["暖气", "暖气不热", "路灯 不亮", "heating", "Heat", "3号楼 暖气", "水滩社区第1网格", "暖",
          "a", "AND", "OR NOT", "\"暖气\"", "暖气*", "NEAR(暖 气)", "暖气\t不热\r\n", "   ", "",
          "ＡＢＣ全角", "がんばって", "한국어", "café déjà", "暖气😀😀", "××", "电话13812345678",
          "长" * 66 + "x", "a" * 201, "(暖气)", "暖-气", "^暖气", "col:暖气", "暖气\"不热"]
    for i, q in enumerate(qs):
        write(t, "q-%02d.txt" % i, q)


def form_seeds():
    t = "form"

    def yes_no(name, label, **kw):
        return dict(name=name, type="yes_no", label=label, **kw)

    def hazard(category, days, label=None, **rule):
        rule.update(category=category, days=days)
        if label:
            rule["label"] = label
        return rule

    not_none = 'gas_kind != "none"'
    gas = [  # the ready gas form (core/form.c lx_form_builtin_gas)
        {"name": "gas_kind", "type": "choice", "label": "使用的燃气类型", "required": True,
         "choices": [{"value": "pipeline", "label": "管道燃气"}, {"value": "bottled", "label": "瓶装液化气"},
                     {"value": "none", "label": "不使用燃气"}]},
        yes_no("pipe_joints_ok", "燃气管道及接口无漏气", required=True, relevant=not_none,
               hazard_if=hazard("safety.gas", 3, "燃气管道接口漏气", equals=False)),
        yes_no("meter_ok", "燃气表外观完好、运行正常", required=True, relevant='gas_kind == "pipeline"'),
        yes_no("ventilation_ok", "用气场所通风良好", required=True, relevant=not_none,
               hazard_if=hazard("safety.gas", 5, "用气场所通风不良", equals=False)),
        yes_no("valve_ok", "燃气阀门开关灵活、无锈蚀", required=True, relevant=not_none),
        yes_no("hose_ok", "连接软管无老化、龟裂", required=True, relevant='gas_kind == "bottled"'),
        {"name": "hose_age_years", "type": "number", "label": "连接软管已使用年限", "min": 0, "max": 30, "unit": "年",
         "relevant": 'gas_kind == "bottled"', "hazard_if": hazard("safety.gas", 5, "橡胶软管超过2年", expr=". > 2")},
        yes_no("alarm_installed", "已安装可燃气体报警器", required=True, relevant=not_none),
        {"name": "appliance_age_years", "type": "number", "label": "燃气灶具已使用年限", "min": 0, "max": 50,
         "unit": "年", "relevant": not_none,
         "hazard_if": hazard("safety.gas", 10, "燃气灶具超期使用", expr=". >= 8")},
        {"name": "photo", "type": "photo", "label": "现场照片"},
        {"name": "notes", "type": "text", "label": "备注"},
    ]
    knock = [  # the ready knock form (lx_form_builtin_knock)
        yes_no("seen_in_person", "当面见到老人本人", required=True),
        {"name": "health", "type": "choice", "label": "身体状况",
         "choices": [{"value": "good", "label": "良好"}, {"value": "fair", "label": "一般"},
                     {"value": "poor", "label": "较差"}, {"value": "needs_care", "label": "需就医"}],
         "hazard_if": hazard("elderly.care", 1, "独居老人需要照护", equals="needs_care")},
        {"name": "needs", "type": "text", "label": "需求与困难"},
        yes_no("food_ok", "饮食有保障"),
        yes_no("home_safe", "居家环境安全"),
        {"name": "notes", "type": "text", "label": "备注"},
    ]
    every = [
        yes_no("alone", "独居", hint="与子女分开居住"),
        {"name": "kind", "type": "choice", "label": "类型", "choices": ["a", "b", "独"], "constraint": '. != "b"'},
        {"name": "age", "type": "number", "label": "年龄", "min": 0, "max": 130, "relevant": "alone == true",
         "constraint": ". >= 60 or (kind == \"a\" and . < 18)",
         "hazard_if": [hazard("elderly.care", 30, "高龄", expr=". >= 80"),
                       hazard("elderly.visit", 10, expr=". >= 70 and alone == true"),
                       hazard("x", 1, equals=100)]},
        {"name": "words", "type": "text", "label": "说明", "relevant": "age != null and age <= 1e2",
         "hazard_if": hazard("t", 2, equals="火")},
        {"name": "pic", "type": "photo", "label": "照片", "relevant": "(kind == \"\\u72ec\") or 1 == 1.0",
         "constraint": ". > 0"},
        {"name": "at", "type": "geopoint", "label": "位置", "relevant": "pic != null", "required": True},
    ]
    pairs = {
        "gas-pipeline": (gas, {"gas_kind": "pipeline", "pipe_joints_ok": False, "meter_ok": True,
                               "ventilation_ok": True, "valve_ok": True, "alarm_installed": True,
                               "appliance_age_years": 9, "photo": 12, "notes": "灶具老化"}),
        "gas-bottled": (gas, {"gas_kind": "bottled", "pipe_joints_ok": True, "ventilation_ok": False,
                              "valve_ok": True, "hose_ok": True, "hose_age_years": 2.5, "alarm_installed": False}),
        "gas-none": (gas, {"gas_kind": "none", "hose_ok": "dropped", "notes": "  "}),
        "gas-missing": (gas, {"gas_kind": "bottled"}),
        "gas-unknown-key": (gas, {"gas_kind": "none", "hose": True}),
        "knock-care": (knock, {"seen_in_person": True, "health": "needs_care", "needs": "腿脚不便", "food_ok": True}),
        "knock-null": (knock, {"seen_in_person": None}),
        "every": (every, {"alone": True, "kind": "a", "age": 85, "words": "火", "pic": 3, "at": [37.8473, 113.5795]}),
        "every-child": (every, {"alone": True, "kind": "a", "age": 10, "pic": 1, "at": [-90, 180]}),
        "every-bad": (every, {"alone": "yes", "kind": "c", "age": "85", "pic": 0, "at": [91, 0]}),
        "every-cascade": (every, {"alone": False, "age": 85, "words": "dropped", "pic": 2.5}),
    }
    for name, (questions, answers) in pairs.items():
        write(t, name + ".json", dump(questions) + "\n" + dump(answers))
    write(t, "gas-only.json", dump(gas))
    write(t, "answers-only.json", dump({"gas_kind": "bottled", "hose_ok": True, "seen_in_person": True}))
    write(t, "answers-null.json", dump(knock) + "null")
    bad = {
        "dup": [yes_no("a", "A"), yes_no("a", "B")],
        "forward": [yes_no("a", "A", relevant="b == true"), yes_no("b", "B")],
        "self": [yes_no("a", "A", constraint="a == true")],
        "bad-type": [{"name": "a", "type": "boolean", "label": "A"}],
        "no-choices": [{"name": "k", "type": "choice", "label": "K"}],
        "min-max": [{"name": "n", "type": "number", "label": "N", "min": 10, "max": 5}],
        "syntax": [yes_no("a", "A"), yes_no("b", "B", relevant="a = true && (a == 'x' or ${a} == TRUE")],
        "deep": [yes_no("a", "A"), yes_no("b", "B", relevant="(" * 11 + "a == true" + ")" * 11)],
        "days": [yes_no("a", "A", hazard_if=hazard("safety.gas", 0, equals=False))],
        "category": [yes_no("a", "A", hazard_if=hazard("Safety Gas", 3, equals=False))],
        "equals-string": [yes_no("a", "A", hazard_if=hazard("safety.gas", 3, equals="false"))],
        "both": [yes_no("a", "A", hazard_if={"equals": False, "expr": ". == false", "category": "a", "days": 3})],
        "unknown-key": [yes_no("a", "A", requried=True)],
        "reserved": [yes_no("null", "A")],
        "nul-label": [yes_no("a", "A\u0000B")],
        "nul-expr": [yes_no("a", "A"), yes_no("b", "B", relevant="a == true\u0000")],
        "long-expr": [{"name": "n", "type": "number", "label": "N"},
                      yes_no("b", "B", relevant=" or ".join(["n == 1"] * 80))],
        "empty": [],
        "object": {"name": "a"},
    }
    for name, questions in bad.items():
        write(t, "bad-" + name + ".json", dump(questions) + "\n{}")
    many = [yes_no("q%d" % i, "问题%d" % i, relevant=("q%d == true" % (i - 1)) if i else None) for i in range(201)]
    for q in many:
        if q["relevant"] is None:
            del q["relevant"]
    write(t, "many-201.json", dump(many) + "\n" + dump({"q%d" % i: True for i in range(201)}))
    write(t, "many-200.json", dump(many[:200]) + "\n" + dump({"q%d" % i: i % 3 != 0 for i in range(200)}))
    write(t, "truncated.json", dump(gas)[:300])
def xlsx_seeds():
    """fuzz_xlsx: XML parts joined by NUL (sheet, sharedStrings, styles,
    workbook, rels; fuzz_xlsx.c zips them), and a few whole archives."""
    t = "xlsx"
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    nsr = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    rt = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
    decl = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

    def sheet(rows):
        return decl + "<worksheet %s><sheetData>%s</sheetData></worksheet>" % (ns, rows)

    def sst(items):
        return decl + "<sst %s>%s</sst>" % (ns, items)

    styles = (decl + '<styleSheet %s><numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy/m/d h:mm"/>'
              '<numFmt numFmtId="165" formatCode="0.00&quot; m2&quot;"/></numFmts>'
              '<cellXfs count="5"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/><xf numFmtId="165"/>'
              '<xf numFmtId="31"/></cellXfs></styleSheet>' % ns)
    workbook = (decl + '<workbook %s %s><workbookPr/><sheets><sheet name="居民" sheetId="1" r:id="rId1"/>'
                '</sheets></workbook>' % (ns, nsr))
    rels = (decl + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="%sworksheet" Target="worksheets/sheet1.xml"/>'
            '<Relationship Id="rId2" Type="%ssharedStrings" Target="sharedStrings.xml"/>'
            '<Relationship Id="rId3" Type="%sstyles" Target="/xl/styles.xml"/></Relationships>' % (rt, rt, rt))
    residents = sheet('<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
                      '<c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c></row>'
                      '<row r="2"><c r="A2" t="s"><v>4</v></c><c r="B2"><v>13812345678</v></c>'
                      '<c r="C2" s="1"><v>32874</v></c><c r="D2" s="3"><v>89.5</v></c></row>'
                      '<row r="4"><c r="A4" t="inlineStr"><is><t>  李四 </t></is></c><c r="B4"><v>1.3812345678E10</v></c>'
                      '<c r="C4" s="2"><v>46086.395833333336</v></c><c r="D4" t="b"><v>1</v></c></row>')
    strings = sst('<si><t>姓名</t></si><si><t>电话</t></si><si><t>出生日期</t></si><si><t>面积</t></si>'
                  '<si><r><t>王</t></r><r><rPr><b/></rPr><t>小明</t></r><rPh sb="0" eb="1"><t>ワン</t></rPh></si>')

    def parts(*p):
        return "\0".join(p).encode("utf-8")

    write(t, "residents", parts(residents, strings, styles, workbook, rels))
    write(t, "sheet-only", parts(sheet('<row><c t="inlineStr"><is><t>编码</t></is></c><c t="inlineStr"><is>'
                                       '<t>名称</t></is></c></row><row><c><v>140303001001009</v></c>'
                                       '<c t="str"><v>水滩社区第9网格</v></c></row>')))
    write(t, "gaps", parts(sheet('<row r="1"><c r="A1"><v>1</v></c><c r="C1"><v>3</v></c><c r="XFD1"><v>x</v></c>'
                                 '</row><row r="3"><c r="B3"/><c r="D3"><v>4</v></c></row><row><c><v>5</v></c></row>')))
    write(t, "dates", parts(sheet('<row><c s="1"><v>60</v></c><c s="1"><v>0.5</v></c><c s="2"><v>45000.5</v></c>'
                                  '<c s="4"><v>44927</v></c><c t="d"><v>2026-03-05T09:30:00</v></c>'
                                  '<c s="1"><v>-1</v></c><c s="1"><v>1e10</v></c></row>'), "", styles))
    write(t, "date1904", parts(sheet('<row><c s="1"><v>0</v></c></row>'), "", styles,
                               workbook.replace("<workbookPr/>", '<workbookPr date1904="true"/>'), rels))
    write(t, "numbers", parts(sheet('<row><c><v>1.10101199001011E+17</v></c><c><v>0.30000000000000004</v></c>'
                                    '<c><v>-1.5E3</v></c><c><v>1E+400</v></c><c><v>.5</v></c><c><v>1e</v></c>'
                                    '<c t="e"><v>#N/A</v></c><c t="b"><v>0</v></c></row>')))
    write(t, "escapes", parts(sheet('<row><c t="s"><v>0</v></c><c t="inlineStr"><is><t>a_x005F_x000D_b&amp;'
                                    '&#x4E2D;</t></is></c></row>'), sst('<si><t>_x000D__xD800__x0000_</t></si>')))
    write(t, "prefixed", parts('<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                               '<x:sheetData><x:row r="2"><x:c r="B2"><x:v>1</x:v></x:c></x:row></x:sheetData>'
                               '</x:worksheet>'))
    write(t, "bad-sst-index", parts(sheet('<row><c t="s"><v>7</v></c></row>'), sst('<si><t>a</t></si>')))
    write(t, "out-of-order", parts(sheet('<row r="3"><c r="C3"/><c r="B3"/></row><row r="2"/>')))
    write(t, "doctype", parts('<!DOCTYPE worksheet [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
                              '<worksheet><sheetData><row><c t="inlineStr"><is><t>&b;</t></is></c></row>'
                              '</sheetData></worksheet>'))
    write(t, "malformed", parts(sheet("<row><c><v>1</c></row>")))
    # the first sheet is rId2, a worksheet whose target has "." and ".." in it
    other_rels = (rels.replace('Target="sharedStrings.xml"', 'Target="../xl/./worksheets/sheet1.xml"')
                  .replace('sharedStrings"', 'worksheet"'))
    write(t, "other-sheet", parts(sheet('<row><c><v>1</v></c></row>'), "", "",
                                  workbook.replace('r:id="rId1"', 'r:id="rId2"'), other_rels))

    # whole archives, with fixed times so that the seeds do not change
    def archive(entries, method=zipfile.ZIP_DEFLATED):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            for name, data in entries:
                info = zipfile.ZipInfo(name, date_time=(2026, 12, 1, 0, 0, 0))
                info.compress_type = method
                z.writestr(info, data)
        return buf.getvalue()

    ctypes = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
              'content-types"><Default Extension="xml" ContentType="application/xml"/></Types>')
    whole = [("[Content_Types].xml", ctypes), ("xl/workbook.xml", workbook), ("xl/_rels/workbook.xml.rels", rels),
             ("xl/worksheets/sheet1.xml", residents), ("xl/sharedStrings.xml", strings), ("xl/styles.xml", styles)]
    write(t, "archive.xlsx", archive(whole))
    write(t, "archive-stored.xlsx", archive(whole, zipfile.ZIP_STORED))
    write(t, "archive-no-sheet.zip", archive([("readme.txt", "not a workbook")]))


DICTS = {
    "json": ['{', '}', '[', ']', ':', ',', '"', 'null', 'true', 'false', '-0', '1e308', '-1e-308',
             '9223372036854775807', '\\u0000', '\\ud83d\\ude00', '"type"', '"channel"', '"title"',
             '"description"', '"lat"', '"lon"', '"unit_id"', '"unit_ids"', '"reporter"', '"phone"', '"name"',
             '"login"', '"password"', '"roles"', '"kind"', '"code"', '"parent_id"', '"parent_code"',
             '"boundary"', '"version"', '"note"', '"reason"', '"until"', '"hours"', '"workdays"', '"reply"',
             '"passed"', '"rating"', '"solved"', '"into_id"', '"upheld"', '"days"', '"day"', '"workday"',
             '"rate_limit"', '"responsible"', '"case_type"', '"accept_hours"', '"max_extensions"',
             '"request"', '"hazard"', '"hotline"', '"grid"', '"satisfied"', '"unsatisfied"', '"admin"',
             '"2026-11-30T10:00:00+08:00"', '"2026-02-29"', 'Z', '+08:00', '暖气', '网格'],
    "csv": [',', '"', '""', '\r\n', '\r', '\n', ' ', '\t', b'\xef\xbb\xbf', b'\x84\x31\x95\x33', 'code', 'name',
            'kind', 'parent_code', 'boundary', '编码', '名称', '类型', '上级编码', '边界', '代码', '层级', 'grid',
            '网格', '社区', '街道', 'district', 'department', 'station', '微网格',
            "暖气".encode("gbk"), "社区".encode("gbk"), "编码".encode("gbk"), "𠀀".encode("gb18030"),
            '{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}'],
    "geo": ['"type"', '"Polygon"', '"MultiPolygon"', '"Feature"', '"FeatureCollection"', '"geometry"',
            '"coordinates"', '"features"', '"properties"', '"code"', '"name"', '"kind"', '"parent_code"',
            '"编码"', '"名称"', '"类型"', '"上级编码"', '[', ']', '[[', ']]', '[[[', ']]]', '180', '-180', '90', '-90',
            '180.0000000001', '1e-300', '-0.0', '113.5795', '37.8473', 'null', '"grid"', '"网格"'],
    "open311": ['&', '=', '%', '%00', '%2B', '+', '[]', 'api_key=' + KEY, 'api_key', 'service_code', 'lat',
                'long', 'address_string', 'address_id', 'email', 'device_id', 'account_id', 'first_name',
                'last_name', 'phone', 'description', 'media_url', 'jurisdiction_id', 'attribute[', ']',
                'attribute[ROOM_TEMP]', 'attribute[HEATING_TYPE]', 'attribute[ROOMS][]', 'attribute[SINCE]',
                'attribute[BUILDING]', 'attribute[DETAILS]', 'central', 'living', 'bedroom', 'service_request_id',
                'update_id', 'status', 'updated_datetime', 'title', 'CLOSED', 'open', 'closed', 'fixed', 'reopen',
                'start_date', 'end_date', 'page', 'page_size', '0101', '0201', '6000', '140303001001001',
                '2026-11-30T10:00:00+08:00', 'https://', 'multipart/form-data; boundary=',
                'application/x-www-form-urlencoded', '\r\n', '--', 'Content-Disposition: form-data; name="',
                '"; filename="', '水滩社区', '沙坪街道', '13812345678'],
    "query": ['?', '&', '=', '%', '+', '/api/v1/cases', '/api/v1/cases/', '/api/v1/units', '/api/v1/locate',
              '/api/v1/stats/summary', '/api/v1/users', '/api/v1/calendar', '/api/v1/categories',
              '/open311/v2/', 'requests', 'services', 'servicerequestupdates', 'tokens/', '.json', '.xml',
              'status=', 'type=', 'category_code=', 'unit_id=', 'overdue=true', 'pending=', 'q=', 'from=',
              'to=', 'limit=', 'cursor=', 'lat=', 'lon=', 'parent_id=', 'kind=', 'boundary=', 'page=',
              'page_size=', 'start_date=', 'end_date=', 'service_request_id=', 'service_code=', 'api_key=',
              'accepted', 'dispatched', 'closed', 'request', 'hazard', '2026-11-01', 'T00:00:00Z', '+08:00',
              '%2B08:00', '9223372036854775807', '暖气', '0101'],
    "route": ['/', ':', '.', '..', '//', '/api/v1/', 'cases', 'units', 'users', 'categories', 'api-keys',
              'tasks', 'done', 'export', '.xlsx', '.csv', '/open311/v2/', 'services', 'requests', 'tokens',
              'servicerequestupdates', 'discovery', '.json', '.xml', 'dispatch', 'accept', 'resolve', 'merge',
              'rate', '42', '0101'],
    "form": ['[', ']', '{', '}', ':', ',', '"name"', '"type"', '"label"', '"hint"', '"required"', '"relevant"',
             '"constraint"', '"hazard_if"', '"choices"', '"value"', '"min"', '"max"', '"unit"', '"equals"', '"expr"',
             '"category"', '"days"', '"yes_no"', '"choice"', '"number"', '"text"', '"photo"', '"geopoint"', 'true',
             'false', 'null', ' and ', ' or ', '==', '!=', '<', '<=', '>', '>=', '.', '(', ')', '\\"', '\\u0000',
             '"safety.gas"', '"elderly.care"', '"gas_kind"', '"bottled"', '"none"', '365', '1e2', '-0.5',
             '[37.8473,113.5795]', '"燃气"'],
    "xlsx": ['\x00', '<row>', '<row r="', '</row>', '<c r="', '<c>', '</c>', '<v>', '</v>', ' t="s"',
             ' t="inlineStr"', ' t="str"', ' t="b"', ' t="e"', ' t="d"', ' s="1"', '<is><t>', '</t></is>', '<si>',
             '</si>', '<r><t>', '</t></r>', '<rPh>', '</rPh>', '<sheetData>', '</sheetData>', '<numFmts>',
             '<numFmt numFmtId="', '" formatCode="', '<cellXfs>', '<xf numFmtId="', '</cellXfs>', 'yyyy', 'mm',
             '&quot;', '[Red]', '<workbookPr date1904="1"/>', '<sheet r:id="', 'Relationship Id="',
             ' Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"',
             ' Target="', '/xl/', '../', 'XFD', '1048576', 'E+10', 'E-3', '_x000D_', '_x005F_', '&amp;', '&#x',
             '<!DOCTYPE', '<!ENTITY', ' xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"',
             ' xml:space="preserve"', '13812345678', '60', '45000.5', '姓名', '网格'],
    "fts": [' ', '\t', '"', '*', 'AND', 'OR', 'NOT', 'NEAR', '(', ')', ':', '^', '-', '暖气', '不热', '路灯',
            '社区', '网格', '号楼', 'heating', '😀', '×', '·', '、', '，', '。', 'Ａ', 'ｂ', '々', '〇', '鿏',
            '𠀀', '\u0301'],
}


def dict_escape(tok):
    b = tok if isinstance(tok, bytes) else tok.encode("utf-8")
    return "".join(chr(c) if 0x20 <= c < 0x7F and c not in (0x22, 0x5C) else "\\x%02X" % c for c in b)


def write_dicts():
    for t, toks in DICTS.items():
        with open(os.path.join(HERE, t + ".dict"), "w") as f:
            f.write("# libFuzzer dictionary of fuzz_%s (written by seeds.py)\n" % t)
            for tok in toks:
                f.write('"%s"\n' % dict_escape(tok))


def main():
    if os.path.isdir(CORPUS):
        shutil.rmtree(CORPUS)
    json_seeds()
    csv_seeds()
    geo_seeds()
    open311_seeds()
    query_seeds()
    route_seeds()
    fts_seeds()
    form_seeds()
    xlsx_seeds()
    write_dicts()
    for t in sorted(os.listdir(CORPUS)):
        print("%-8s %3d seeds" % (t, len(os.listdir(os.path.join(CORPUS, t)))))


if __name__ == "__main__":
    main()
