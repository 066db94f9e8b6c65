"""nestegg's import benchmark, against a private stack.

A CSV of 100,000 lines (buys, sells, dividends, deposits and fees over 200
instruments and twenty years, in nestegg's format) is imported into a
new portfolio through the API, end to end: nginx, a page worker, reading
and checking every line, the ledger replayed, the rows written.  Target:
under 10 seconds, said as lines per second.

Beside it, in the same run and on the same stack: the database alone
storing the same 100,000 transactions, already checked and converted,
as multi-row INSERTs of 1,000 rows through the mariadb client into a
copy of the transactions table (its keys and all): the floor that any
import must pay to write the rows.  The ratio says what nestegg's reading,
checking and replay cost on top of that.

Usage: python3 tests/bench/imports.py
"""
import datetime
import os
import random
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                                "integration"))
import harness  # noqa: E402
from pf_helpers import User  # noqa: E402

LINES = 100000
SYMBOLS = 200


def make_csv(symbols):
    """The file, and the rows as SQL values for the baseline."""
    rnd = random.Random(8)
    held = {s: 0 for s in symbols}
    lines = ["date,type,symbol,quantity,price,fee,amount,currency,fx_rate,note"]
    start = datetime.date(2005, 1, 3)
    day = 0
    while len(lines) <= LINES:
        day += 1
        d = (start + datetime.timedelta(days=day // 14)).isoformat()
        t = "%s %02d:%02d:%02d" % (d, 9 + (day % 14) // 2, (day * 7) % 60, day % 60)
        k = len(lines) % 20
        s = symbols[rnd.randrange(len(symbols))]
        if k == 0:
            lines.append("%s,deposit,,,,,%d.50,USD,,monthly" % (t, 1000 + rnd.randrange(9000)))
        elif k == 1:
            lines.append("%s,fee,,,,,%d.95,USD,," % (t, 1 + rnd.randrange(9)))
        elif k == 2 and held[s] > 0:
            lines.append("%s,dividend,%s,,,,%d.%02d,,," % (t, s, 1 + rnd.randrange(99),
                                                           rnd.randrange(100)))
        elif k in (3, 4) and held[s] >= 2:
            q = 1 + rnd.randrange(held[s] // 2)
            held[s] -= q
            lines.append("%s,sell,%s,%d,%d.%04d,1.25,,,," % (t, s, q, 10 + rnd.randrange(300),
                                                            rnd.randrange(10000)))
        else:
            q = 1 + rnd.randrange(50)
            held[s] += q
            lines.append("%s,buy,%s,%d,%d.%04d,0.99,,,,\"lot, %d\"" % (
                t, s, q, 10 + rnd.randrange(300), rnd.randrange(10000), len(lines)))
    return "\r\n".join(lines[:LINES + 1]) + "\r\n"


def baseline(stack, pid, csv):
    """The same rows stored by the database alone; seconds."""
    stack.sql("CREATE TABLE bench_tx LIKE transactions")
    ids = dict(stack.sql("SELECT us.symbol, us.instrument_id FROM user_symbols us "
                         "JOIN portfolios p ON p.user_id = us.user_id WHERE p.id = %d" % pid))
    values = []
    for line in csv.split("\r\n")[1:]:
        if not line:
            continue
        f = line.split(",", 9)
        dt, typ, sym, q, p, fee, amt = f[0], f[1], f[2], f[3], f[4], f[5], f[6]
        note = f[9].strip('"').replace("'", "''") if len(f) > 9 else ""
        d, _, tm = dt.partition(" ")
        values.append("(%d,%s,'%s','%s','%s',%s,%s,%s,%s,'USD',NULL,'%s',1,NOW())" % (
            pid, ids[sym] if sym else "NULL", d, tm, typ, q or "NULL", p or "NULL",
            fee or "NULL", amt or "NULL", note))
    path = stack.path("bench_tx.sql")
    with open(path, "w") as out:
        for i in range(0, len(values), 1000):
            out.write("INSERT INTO bench_tx (portfolio_id, instrument_id, date, time, type, "
                      "quantity, price, fee, amount, currency, fx_rate, note, import_id, "
                      "created_at) VALUES %s;\n" % ",".join(values[i:i + 1000]))
    t0 = time.monotonic()
    stack.sql("SET autocommit = 0; SOURCE %s; COMMIT;" % path)
    return time.monotonic() - t0


def main():
    stack = harness.Stack(NESTEGG_DB_BUFFER_POOL="512M", NESTEGG_LIMIT_API_WRITES="0")
    ok = True
    try:
        stack.start()
        u = User(stack, "importbench")
        symbols = []
        for i in range(SYMBOLS):
            sym = "IMPB%03d" % i
            r = u.api("POST", "/api/v1/instruments",
                      {"symbol": sym, "name": "Bench %d" % i, "kind": "stock",
                       "currency": "USD", "source": "manual"})
            assert r.status in (200, 201), (r.status, r.body)
            symbols.append(sym)
        csv = make_csv(symbols)
        print("importing %d lines (%.1f MB) ..." % (LINES, len(csv) / 1e6), flush=True)
        runs = []
        for n in range(2):
            pid = u.portfolio("Imported %d" % n, "USD")
            t0 = time.monotonic()
            r = u.api("POST", "/api/v1/portfolios/%d/import" % pid, csv.encode(), "text/csv")
            runs.append(time.monotonic() - t0)
            assert r.status == 200, (r.status, r.body[:2000])
            assert r.json["imported"] == LINES, r.json["imported"]
        secs = min(runs)
        dry_t0 = time.monotonic()
        pid = u.portfolio("Preview", "USD")
        r = u.api("POST", "/api/v1/portfolios/%d/import?dry_run=1" % pid, csv.encode(),
                  "text/csv")
        dry = time.monotonic() - dry_t0
        assert r.status == 200 and r.json["to_import"] == LINES, r.body[:500]
        base = baseline(stack, pid, csv)
        rate = LINES / secs
        good = secs < 10
        ok &= good
        print()
        print("%-44s %14s  %-32s %-12s %s" % ("benchmark", "nestegg", "beside it, same run",
                                             "target", "met"))
        print("%-44s %14s  %-32s %-12s %s" % (
            "import of 100,000 CSV lines (API, written)", "%.0f lines/s" % rate,
            "%.2f s; database alone %.2f s (%.1fx)" % (secs, base, secs / base),
            "< 10 s", "yes" if good else "NO"))
        print("%-44s %14s  %-32s %-12s %s" % (
            "preview of the same (dry_run=1)", "%.0f lines/s" % (LINES / dry),
            "%.2f s" % dry, "", ""))
        print()
        print("all import targets met" if ok else "SOME IMPORT TARGETS MISSED")
    finally:
        stack.cleanup()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
