"""The three rates come from roll-ups kept on every change of a case; a
window with partial days is counted from the cases themselves. Both must
give the same numbers, for the whole, each child unit and each category."""

import pytest
from datetime import date, timedelta

from conftest import db_rows

ROLL_COLS = ("received, dispatched, due, on_time, rated, solved, satisfied, basic, unsatisfied, "
             "overdue_open, excluded")

FIELDS = ("received", "dispatched", "due_for_response", "accepted_on_time", "rated", "solved",
          "satisfied", "basic", "unsatisfied", "overdue_open", "excluded")


def summary(api, token, **q):
    qs = "&".join("%s=%s" % kv for kv in q.items())
    st, body = api.get("/api/v1/stats/summary?" + qs, token)
    assert st == 200, body
    return body


def counts(s):
    return {k: s[k] for k in FIELDS}


def test_rollups_agree_with_a_scan(api, server):
    t = api.login("leader")
    start = (date.today() - timedelta(days=200)).isoformat()
    end = (date.today() + timedelta(days=1)).isoformat()
    whole = summary(api, t, **{"from": start, "to": end})             # roll-ups only
    # one millisecond later: the first day is then counted from the cases
    part = summary(api, t, **{"from": start + "T00:00:00.001%2B08:00", "to": end})
    assert whole["received"] > 1000
    # the mix the engine makes is in the window: excluded (invalid, upheld
    # appeals), merged duplicates, cases suspended and extended, verified
    assert whole["excluded"] > 0
    (mix,) = db_rows(server.db, "SELECT SUM(CASE WHEN status = 'merged' THEN 1 ELSE 0 END), "
                                "SUM(CASE WHEN suspended_ms > 0 THEN 1 ELSE 0 END), "
                                "SUM(CASE WHEN extensions IS NOT NULL THEN 1 ELSE 0 END), "
                                "SUM(CASE WHEN verifications IS NOT NULL THEN 1 ELSE 0 END) FROM cases")
    assert all(int(n) > 0 for n in mix), mix
    assert counts(whole) == counts(part)
    assert [counts(u) for u in whole["by_unit"]] == [counts(u) for u in part["by_unit"]]
    wc = {c["category_code"]: counts(c) for c in whole["by_category"]}
    pc = {c["category_code"]: counts(c) for c in part["by_category"]}
    assert wc == pc


def test_street_equals_its_row_in_the_district(api):
    t = api.login("leader")
    q = {"from": (date.today() - timedelta(days=365)).isoformat()}
    district = summary(api, t, **q)
    for row in district["by_unit"][:3]:
        own = summary(api, t, unit_id=row["unit_id"], **q)
        assert counts(own) == counts(row)
        # a street's communities never hold more than the street
        assert sum(c["received"] for c in own["by_unit"]) <= own["received"]


def test_rates_are_ratios_of_their_counts(api):
    s = summary(api, api.login("leader"), **{"from": (date.today() - timedelta(days=365)).isoformat()})
    assert s["response_rate"]["numerator"] == s["accepted_on_time"]
    assert s["response_rate"]["denominator"] == s["due_for_response"]
    assert s["resolution_rate"]["numerator"] == s["solved"]
    assert s["satisfaction_rate"]["numerator"] == s["satisfied"] + s["basic"]
    assert s["satisfaction_rate"]["denominator"] == s["rated"] == s["satisfied"] + s["basic"] + s["unsatisfied"]
    # the demo district looks like a real one: most answered, most solved
    assert 0.8 < s["response_rate"]["value"] < 1
    assert 0.75 < s["resolution_rate"]["value"] < 0.95


def test_an_empty_window_has_null_rates(api):
    s = summary(api, api.login("leader"), **{"from": "2001-01-01", "to": "2001-01-02"})
    assert s["received"] == 0
    for k in ("response_rate", "resolution_rate", "satisfaction_rate"):
        assert s[k] == {"value": None, "numerator": 0, "denominator": 0}


def month_start(d, back):
    y, m = d.year, d.month - back
    while m < 1:
        y, m = y - 1, m + 12
    return date(y, m, 1)


@pytest.mark.parametrize("first,end", [
    # ends tomorrow: the last month is its monthly row minus no days
    (date.today() - timedelta(days=199), date.today() + timedelta(days=1)),
    # starts on the 3rd: the first month is its row minus two days
    (month_start(date.today(), 5) + timedelta(days=2), month_start(date.today(), 1) + timedelta(days=25)),
    # starts late and ends early in months: daily rows at both ends
    (month_start(date.today(), 6) + timedelta(days=24), month_start(date.today(), 2) + timedelta(days=4)),
])
def test_months_equal_the_sum_of_their_days(api, first, end):
    """A window of months reads whole months from the monthly roll-ups
    (and a partial month as days, or as its month minus the other days);
    cut into windows of 20 days (none holds a whole month) it reads daily
    rows only. The sums must agree for the whole, each unit and category."""
    t = api.login("leader")
    whole = summary(api, t, **{"from": first.isoformat(), "to": end.isoformat()})
    total, units, cats = dict.fromkeys(FIELDS, 0), {}, {}
    d = first
    while d < end:
        e = min(d + timedelta(days=20), end)
        part = summary(api, t, **{"from": d.isoformat(), "to": e.isoformat()})
        for k in FIELDS:
            total[k] += part[k]
        for u in part["by_unit"]:
            acc = units.setdefault(u["unit_id"], dict.fromkeys(FIELDS, 0))
            for k in FIELDS:
                acc[k] += u[k]
        for c in part["by_category"]:
            acc = cats.setdefault(c["category_code"], dict.fromkeys(FIELDS, 0))
            for k in FIELDS:
                acc[k] += c[k]
        d = e
    assert whole["received"] > 300
    assert counts(whole) == total
    assert {u["unit_id"]: counts(u) for u in whole["by_unit"]} == units
    assert {c["category_code"]: counts(c) for c in whole["by_category"]} == cats


def month_of_day(day):
    """The month key of a local day number: year * 12 + month - 1."""
    d = date(1970, 1, 1) + timedelta(days=day)
    return d.year * 12 + d.month - 1


def test_monthly_rows_are_the_sums_of_their_days(server, api):
    """After everything the suite did to cases (every intake and action adds
    to a day and its month at once), each monthly row holds exactly the sums
    of its days, column for column; a bulk load refills them by the same
    rule (lx_rollup_rebuild_months)."""
    for month_t, day_t, keys in (("stats_unit_month", "stats_unit_day", "unit_id"),
                                 ("stats_cat_month", "stats_cat_day", "unit_id, category_code")):
        nkeys = len(keys.split(","))
        want = {}
        for row in db_rows(server.db, "SELECT day, %s, %s FROM %s" % (keys, ROLL_COLS, day_t)):
            key = (month_of_day(int(row[0])),) + tuple(row[1:1 + nkeys])
            sums = want.setdefault(key, [0] * (len(row) - 1 - nkeys))
            for i, v in enumerate(row[1 + nkeys:]):
                sums[i] += int(v)
        have = {(int(r[0]),) + tuple(r[1:1 + nkeys]): [int(v) for v in r[1 + nkeys:]]
                for r in db_rows(server.db, "SELECT month, %s, %s FROM %s" % (keys, ROLL_COLS, month_t))}
        assert len(have) > 10, month_t
        assert have == want, month_t


def test_concurrent_intakes_keep_rollups_exact(api):
    """Intakes that arrive together are committed in one batch, their
    roll-up deltas summed and written once (store/db.c, repo_stats.c):
    today's figures from the roll-ups must still equal a scan of the cases,
    and count every intake."""
    import threading
    from test_case_loop import grid_of, new_case, point_in
    disp = api.login("dispatcher")
    lat, lon = point_in(api, disp, grid_of(api, disp, "桥头街道"))
    t = api.login("leader")
    today = date.today().isoformat()
    end = (date.today() + timedelta(days=1)).isoformat()
    before = summary(api, t, **{"from": today, "to": end})
    codes = ["0101", "0102", "0201", "0301"]
    errors = []

    def file(i):
        try:
            new_case(api, disp, lat, lon, code=codes[i % len(codes)])
        except AssertionError as e:  # pragma: no cover - reported below
            errors.append(e)
    threads = [threading.Thread(target=file, args=(i,)) for i in range(48)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors
    whole = summary(api, t, **{"from": today, "to": end})                     # roll-ups
    part = summary(api, t, **{"from": today + "T00:00:00.001%2B08:00", "to": end})  # scan
    assert whole["received"] == before["received"] + 48
    assert counts(whole) == counts(part)
    assert [counts(u) for u in whole["by_unit"]] == [counts(u) for u in part["by_unit"]]
    assert ({c["category_code"]: counts(c) for c in whole["by_category"]} ==
            {c["category_code"]: counts(c) for c in part["by_category"]})
