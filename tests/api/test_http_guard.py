"""What the server refuses before a handler runs (P7): framing a proxy could
read differently (two Content-Length headers, Content-Length beside
Transfer-Encoding, transfer codings, two Host headers, NUL or control
characters in the path), oversized bodies announced with Expect, slow
clients holding connections, one address taking every connection; and the
headers every reply carries."""
import json
import urllib.parse
import socket
import threading
import time

import pytest



def exchange(port, raw, timeout=5, source="127.0.0.1"):
    """Sends raw bytes; returns (status, headers dict, body bytes, closed)
    where closed says the server ended the connection after its reply."""
    s = socket.socket()
    s.bind((source, 0))
    s.settimeout(timeout)
    s.connect(("127.0.0.1", port))
    s.sendall(raw)
    data, closed = b"", False
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                closed = True
                break
            data += chunk
            head, sep, rest = data.partition(b"\r\n\r\n")
            if sep:
                hdrs = dict(l.split(b": ", 1) for l in head.split(b"\r\n")[1:] if b": " in l)
                n = int(hdrs.get(b"Content-Length", b"0"))
                if len(rest) >= n and not closed:
                    # wait briefly for the close the refusal promises
                    s.settimeout(1.0)
    except socket.timeout:
        pass
    finally:
        s.close()
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split()[1]) if lines and lines[0] else 0
    hdrs = {k.decode().lower(): v.decode() for k, v in
            (l.split(b": ", 1) for l in lines[1:] if b": " in l)}
    return status, hdrs, body, closed


def error_code(body):
    return json.loads(body)["error"]["code"]


POST = b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
LOGIN = b'{"login":"admin","password":"lianxin2026"}'


def test_two_content_lengths_are_refused_and_the_connection_closed(server):
    # the first length frames {"login":..} and the rest would be read as a
    # second request; a proxy using the last length would disagree
    smuggled = b"GET /api/v1/auth/me HTTP/1.1\r\nHost: x\r\n\r\n"
    raw = (POST + b"Content-Length: %d\r\nContent-Length: %d\r\n\r\n" % (len(LOGIN), len(LOGIN) + len(smuggled))
           + LOGIN + smuggled)
    st, h, body, closed = exchange(server.port, raw)
    assert st == 400 and error_code(body) == "bad_request"
    assert closed and h.get("connection") == "close"
    assert body.count(b"HTTP/1.1") == 0, "the smuggled request was answered"


def test_two_equal_content_lengths_are_refused_too(server):
    raw = POST + b"Content-Length: %d\r\nContent-Length: %d\r\n\r\n" % (len(LOGIN), len(LOGIN)) + LOGIN
    st, _, body, closed = exchange(server.port, raw)
    assert st == 400 and closed


def test_content_length_beside_transfer_encoding_is_refused(server):
    raw = POST + b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
    st, _, body, closed = exchange(server.port, raw)
    assert st == 400 and error_code(body) == "bad_request" and closed


@pytest.mark.parametrize("coding", [b"gzip, chunked", b"identity", b"chunked, chunked", b"x-made-up"])
def test_unknown_transfer_codings_are_refused(server, coding):
    raw = POST + b"Transfer-Encoding: " + coding + b"\r\n\r\n0\r\n\r\n"
    st, _, body, closed = exchange(server.port, raw)
    assert st == 400 and closed


def test_chunked_bodies_get_a_json_411_even_with_a_huge_chunk_extension(server):
    raw = POST + b"Transfer-Encoding: chunked\r\n\r\n5;" + b"a" * 60000 + b"\r\nhello\r\n0\r\n\r\n"
    st, h, body, closed = exchange(server.port, raw)
    assert st == 411 and h["content-type"].startswith("application/json")
    assert error_code(body) == "length_required" and closed


def test_two_host_headers_are_refused(server):
    st, _, body, closed = exchange(server.port, b"GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n")
    assert st == 400 and closed


@pytest.mark.parametrize("path", [b"/health%00z", b"/api/v1/cases/1%00", b"/api/v1/units%0d%0aX:%201",
                                  b"/healthz%7f"])
def test_nul_and_control_characters_in_the_path_are_refused(server, path):
    st, _, body, closed = exchange(server.port, b"GET " + path + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    assert st == 400 and error_code(body) == "bad_request" and closed


def test_expect_continue_over_the_limit_gets_413_not_100(server):
    raw = POST + b"Content-Length: 99999999\r\nExpect: 100-continue\r\n\r\n"
    st, _, body, closed = exchange(server.port, raw)
    assert st == 413 and error_code(body) == "too_large" and closed


def test_expect_continue_within_the_limit_gets_100_then_the_answer(server):
    raw = POST + b"Content-Length: %d\r\nExpect: 100-continue\r\n\r\n" % len(LOGIN)
    s = socket.create_connection(("127.0.0.1", server.port), timeout=5)
    s.sendall(raw)
    first = s.recv(4096)
    assert first.startswith(b"HTTP/1.1 100"), first
    s.sendall(LOGIN)
    rest = b""
    while b"\r\n\r\n" not in rest:
        rest += s.recv(4096)
    s.close()
    assert rest.startswith(b"HTTP/1.1 200"), rest[:200]


def test_every_reply_carries_the_browser_hardening_headers(server):
    for path in (b"/healthz", b"/", b"/api/v1/nothing-here"):
        _, h, _, _ = exchange(server.port, b"GET " + path + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        csp = h.get("content-security-policy", "")
        assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp and "object-src 'none'" in csp
        assert h.get("x-frame-options") == "DENY"
        assert h.get("referrer-policy") == "same-origin"
        assert h.get("x-content-type-options") == "nosniff"


def test_the_csp_allows_exactly_the_inline_scripts_of_index_html(server):
    import base64
    import hashlib
    import os
    import re
    from conftest import ROOT
    html = open(os.path.join(ROOT, "web", "index.html"), encoding="utf-8").read()
    inline = [m.group(2) for m in re.finditer(r"<script([^>]*)>(.*?)</script>", html, re.S)
              if "src=" not in m.group(1)]
    assert inline
    _, h, _, _ = exchange(server.port, b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    for body in inline:
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert "'sha256-%s'" % digest in h["content-security-policy"]
    assert "'unsafe-inline'" not in h["content-security-policy"].split("script-src")[1].split(";")[0]


def test_slow_headers_are_cut_at_the_request_deadline(own_server):
    s = own_server(LIANXIN_REQUEST_DEADLINE="2", LIANXIN_TIMEOUT="30")
    sock = socket.create_connection(("127.0.0.1", s.port), timeout=10)
    sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
    t0 = time.time()
    cut = None
    for _ in range(20):
        try:
            sock.sendall(b"X-Drip: 1\r\n")
            sock.settimeout(0.5)
            if sock.recv(1) == b"":
                cut = time.time() - t0
                break
        except socket.timeout:
            continue
        except OSError:
            cut = time.time() - t0
            break
    sock.close()
    assert cut is not None, "a request dripping a header line every 0.5 s was never cut"
    assert cut < 6
    assert "its request was not in" in s.output()


def test_one_address_cannot_take_every_connection(own_server):
    s = own_server(LIANXIN_PER_IP_CONNECTIONS="20", LIANXIN_REQUEST_DEADLINE="60", LIANXIN_TIMEOUT="60")
    held = []
    try:
        for _ in range(40):
            c = socket.socket()
            c.bind(("127.0.0.1", 0))
            c.connect(("127.0.0.1", s.port))
            c.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")  # never finished
            held.append(c)
        time.sleep(0.3)
        refused = 0
        for c in held:
            c.settimeout(0.2)
            try:
                if c.recv(1) == b"":
                    refused += 1
            except socket.timeout:
                pass
            except OSError:
                refused += 1
        assert refused >= 20, "only %d of 40 connections beyond the limit of 20 were refused" % refused
        # another address is served while the first holds its twenty
        st, _, body, _ = exchange(s.port, b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                                  source="127.0.0.2")
        assert st == 200, body
    finally:
        for c in held:
            c.close()
    time.sleep(0.3)
    st, _, _, _ = exchange(s.port, b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert st == 200


def test_metrics_need_the_token_off_loopback(own_server):
    s = own_server(LIANXIN_METRICS_TOKEN="m-secret-123")
    req = b"GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n%s\r\n"
    st, _, _, _ = exchange(s.port, req % b"")
    assert st == 200, "the host's own Prometheus must keep working"
    st, _, body, _ = exchange(s.port, req % b"", source="127.0.0.2")
    assert st == 401 and error_code(body) == "unauthorized"
    st, _, _, _ = exchange(s.port, req % b"Authorization: Bearer wrong\r\n", source="127.0.0.2")
    assert st == 401
    st, _, body, _ = exchange(s.port, req % b"Authorization: Bearer m-secret-123\r\n", source="127.0.0.2")
    assert st == 200 and b"lianxin_cases_open" in body


def test_metrics_without_a_token_are_loopback_only(server):
    st, _, body, _ = exchange(server.port, b"GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                              source="127.0.0.2")
    assert st == 403


@pytest.mark.parametrize("ctype", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data",
                                   "application/jsonx", None])
def test_json_routes_answer_415_to_other_content_types(api, ctype):
    hdrs = {"Content-Type": ctype} if ctype else {}
    st, body, _ = api.request("POST", "/api/v1/auth/login", raw=LOGIN, headers=hdrs) if ctype else \
        _no_ctype(api)
    assert st == 415 and body["error"]["code"] == "unsupported_media_type"


def _no_ctype(api):
    import urllib.request
    import urllib.error
    req = urllib.request.Request(api.base + "/api/v1/auth/login", data=LOGIN, method="POST")
    req.remove_header("Content-type")
    req.add_unredirected_header("Content-Type", "")
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, json.loads(r.read()), r.headers
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read()), e.headers


def test_json_with_a_charset_is_json(api):
    st, body, _ = api.request("POST", "/api/v1/auth/login", raw=LOGIN,
                              headers={"Content-Type": "application/json; charset=utf-8"})
    assert st == 200, body


@pytest.mark.parametrize("lat", ["0x25", "0x1p5", "inf", "nan", " 37.5", "37.5 ", "1e400", "37,5", "３７.５"])
def test_coordinates_are_plain_decimals(api, admin, lat):
    st, body = api.get("/api/v1/locate?lat=%s&lon=113.56" % urllib.parse.quote(lat), admin)
    assert st == 400 and body["error"]["code"] == "bad_parameter" and body["error"]["field"] == "lat", body


def test_decimals_with_an_exponent_are_still_numbers(api, admin):
    plain = api.get("/api/v1/locate?lat=37.86&lon=113.56", admin)
    exp = api.get("/api/v1/locate?lat=3.786e1&lon=1.1356E2", admin)
    assert exp[0] == plain[0] != 400 and exp[1] == plain[1]


def test_units_come_a_page_at_a_time(api, admin):
    st, first = api.get("/api/v1/units?parent_id=&limit=50", admin)
    assert st == 200 and len(first["items"]) == 50 and first["next_offset"] == 50
    st, second = api.get("/api/v1/units?limit=50&offset=50", admin)
    assert st == 200 and {u["id"] for u in first["items"]}.isdisjoint(u["id"] for u in second["items"])
    st, whole = api.get("/api/v1/units", admin)
    assert st == 200 and len(whole["items"]) <= 1000
    st, body = api.get("/api/v1/units?limit=5001", admin)
    assert st == 400 and body["error"]["field"] == "limit"
    # the pages together are the list (the demo's ~300 units fit in one default page)
    assert whole["next_offset"] is None
    seen, offset = [], None
    while True:
        st, page = api.get("/api/v1/units?limit=100" + ("&offset=%d" % offset if offset else ""), admin)
        assert st == 200
        seen += [u["id"] for u in page["items"]]
        offset = page["next_offset"]
        if offset is None:
            break
    assert len(seen) == len(set(seen)) == len(whole["items"])
    for bad in ("limit=0", "offset=-1", "offset=x"):
        st, body = api.get("/api/v1/units?" + bad, admin)
        assert st == 400 and body["error"]["code"] == "bad_parameter", bad


@pytest.mark.parametrize("header", [b"X-A: a\x00b", b"User-Agent: curl\x00/8", b"X-Last: tail\x00"])
def test_nul_in_a_header_is_refused(server, header):
    raw = b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + header + b"\r\nAccept: */*\r\n\r\n"
    st, _, body, closed = exchange(server.port, raw)
    assert st == 400 and error_code(body) == "bad_request" and closed


@pytest.mark.parametrize("raw", [
    b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Empty:\r\nX-Pad: v   \r\nAccept: */*\r\n\r\n",
    b"GET /healthz HTTP/1.1\nHost: x\nX-A: ab\nAccept: */*\n\n",
    b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n",
])
def test_ordinary_headers_are_not_taken_for_nul(server, raw):
    st, _, body, _ = exchange(server.port, raw)
    assert st == 200, body
