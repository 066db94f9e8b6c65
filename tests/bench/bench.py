"""nestegg's benchmarks, against a private stack on this machine.

1. A portfolio of 10,000 transactions over 20 years in 200 instruments:
   its page and its API answer, one request at a time (wrk, 1 connection):
   target under 50 ms each.
2. The dashboard of a user with 20 holdings under wrk with 64 connections
   through nginx, against a libfcgi hello-world handler behind the same
   nginx measured in the same run: target at least half its requests per
   second, p99 under 25 ms, no errors.

Speeds are shown beside the baseline measured in the same run, as ratios.
Usage: python3 tests/bench/bench.py [--seconds N]
"""
import datetime
import os
import random
import re
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                                "integration"))
import harness  # noqa: E402
from pf_helpers import User  # noqa: E402

SECONDS = 10
if "--seconds" in sys.argv:
    SECONDS = int(sys.argv[sys.argv.index("--seconds") + 1])


def wrk(url, cookie, connections, seconds, threads=2, script=None):
    """wrk's figures (rps, p50, p90, p99 in ms, errors); script: a Lua
    script making the requests."""
    cmd = ["wrk", "-t%d" % min(threads, connections), "-c%d" % connections,
           "-d%ds" % seconds, "--latency", "--timeout", "10s", url]
    if cookie:
        cmd[1:1] = ["-H", "Cookie: " + cookie]
    if script:
        cmd[1:1] = ["-s", script]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60).stdout
    res = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
           "errors": 0}
    for pct in ("50", "90", "99"):
        m = re.search(r"^\s+%s%%\s+([\d.]+)(us|ms|s)\s*$" % pct, out, re.M)
        v = float(m.group(1))
        res["p" + pct] = v / 1000 if m.group(2) == "us" else v * 1000 if m.group(2) == "s" \
            else v
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if m:
        res["errors"] += int(m.group(1))
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if m:
        res["errors"] += sum(int(x) for x in m.groups())
    res["raw"] = out
    return res


def big_portfolio(user, stack):
    """200 instruments, 10,000 transactions over 20 years; returns its id."""
    rnd = random.Random(20261127)
    syms = []
    for i in range(200):
        sym = "BIG%03d" % i
        r = user.api("POST", "/api/v1/instruments",
                     {"symbol": sym, "name": "Big %d plc" % i,
                      "kind": rnd.choice(["stock", "etf", "fund", "bond", "crypto"]),
                      "currency": "USD", "source": "sim"})
        assert r.status in (201, 409), r.body
        syms.append(sym)
    held = {s: 0 for s in syms}
    rows = ["date,type,symbol,quantity,price,fee,amount"]
    start = datetime.date(2006, 1, 2)
    for n in range(10000):
        date = (start + datetime.timedelta(days=n * (20 * 365) // 10000)).isoformat()
        s = rnd.choice(syms)
        kind = rnd.random()
        if kind < 0.6 or held[s] == 0:
            q = rnd.randint(1, 50)
            held[s] += q
            rows.append("%s,buy,%s,%d,%d.%02d,1.50," % (date, s, q, rnd.randint(5, 500),
                                                       rnd.randint(0, 99)))
        elif kind < 0.85:
            q = rnd.randint(1, held[s])
            held[s] -= q
            rows.append("%s,sell,%s,%d,%d.%02d,1.50," % (date, s, q, rnd.randint(5, 500),
                                                        rnd.randint(0, 99)))
        elif kind < 0.995:
            rows.append("%s,dividend,%s,,,,%d.%02d" % (date, s, rnd.randint(1, 90),
                                                     rnd.randint(0, 99)))
        else:
            held[s] *= 2
            rows.append("%s,split,%s,2,,," % (date, s))
    pid = user.portfolio("Twenty years", "USD")
    t0 = time.time()
    r = user.import_csv(pid, "\n".join(rows) + "\n")
    assert r.status == 200, r.body[:500]
    took = time.time() - t0
    sql = ["INSERT INTO prices (instrument_id, price, prev_close, as_of, source, updated_at) "
           "SELECT id, 100 + id % 50, 99 + id % 50, NOW(), 'sim', NOW() FROM instruments "
           "WHERE symbol LIKE 'BIG%' ON DUPLICATE KEY UPDATE price = VALUES(price)"]
    stack.sql(";".join(sql))
    return pid, took


def dashboard_user(stack):
    u = User(stack, "bench")
    pid = u.portfolio("Twenty holdings", "USD")
    rows = ["date,type,symbol,quantity,price,fee,amount"]
    rows.append("2020-01-01,deposit,,,,,100000")
    for i in range(20):
        sym = "DASH%02d" % i
        u.api("POST", "/api/v1/instruments", {"symbol": sym, "name": "Dash %d" % i,
                                              "kind": "stock", "currency": "USD",
                                              "source": "sim"})
        rows.append("2021-01-%02d,buy,%s,%d,%d,1," % (i + 1, sym, 10 + i, 20 + i))
    r = u.import_csv(pid, "\n".join(rows) + "\n")
    assert r.status == 200, r.body
    stack.sql("INSERT INTO prices (instrument_id, price, prev_close, as_of, source, "
              "updated_at) SELECT id, 30 + id % 7, 29 + id % 7, NOW(), 'sim', NOW() "
              "FROM instruments WHERE symbol LIKE 'DASH%' ON DUPLICATE KEY UPDATE "
              "price = VALUES(price)")
    return u


def main():
    tmp = tempfile.mkdtemp(prefix="nestegg-bench-")
    hello_sock = os.path.join(tmp, "hello.sock")
    with open(os.path.join(tmp, "http.conf"), "w") as f:
        # The baseline gets the same upstream settings as the pages.
        keep = int(os.environ.get("NESTEGG_KEEPALIVE", "0"))
        f.write("upstream bench_hello {\n\tserver unix:%s;\n%s}\n"
                % (hello_sock, "\tkeepalive %d;\n" % keep if keep else ""))
    with open(os.path.join(tmp, "server.conf"), "w") as f:
        f.write("location = /_bench/hello {\n\tfastcgi_pass bench_hello;\n}\n")
    print("page workers: 2 x %s threads; nginx keepalive: %s" % (
        os.environ.get("NESTEGG_THREADS", "8"), os.environ.get("NESTEGG_KEEPALIVE", "0")))
    os.chmod(tmp, 0o755)
    threads = os.environ.get("NESTEGG_THREADS", "8")
    stack = harness.Stack(NESTEGG_NGINX_HTTP_EXTRA=os.path.join(tmp, "http.conf"),
                          NESTEGG_NGINX_SERVER_EXTRA=os.path.join(tmp, "server.conf"),
                          NESTEGG_THREADS=threads, NESTEGG_WORKERS="2",
                          NESTEGG_LOGIN_RATE="1000r/s", NESTEGG_LOGIN_BURST="1000",
                          NESTEGG_LIMIT_API_WRITES="0")
    hello = subprocess.Popen([os.path.join(harness.BUILD, "bench-hello"), "--socket",
                              hello_sock, "--threads", str(int(threads) * 2)])
    rows = []
    ok = True
    try:
        stack.start()
        base = "https://127.0.0.1:%d" % stack.https_port
        print("setting up: 200 instruments, 10,000 transactions ...", flush=True)
        owner = User(stack, "big")
        pid, took = big_portfolio(owner, stack)
        print("imported 10,000 transactions in %.2f s" % took, flush=True)
        dash = dashboard_user(stack)
        big_cookie = "__Host-sid=" + owner.c.cookies["__Host-sid"]
        dash_cookie = "__Host-sid=" + dash.c.cookies["__Host-sid"]

        # 1. One request at a time.
        single = SECONDS // 2 or 1
        h1 = wrk(base + "/_bench/hello", None, 1, single, 1)
        page = wrk(base + "/portfolios/%d" % pid, big_cookie, 1, single, 1)
        api = wrk(base + "/api/v1/portfolios/%d" % pid, big_cookie, 1, single, 1)
        for name, r in (("10k-transaction portfolio page", page),
                        ("10k-transaction portfolio API", api)):
            good = r["p99"] < 50 and r["errors"] == 0
            ok &= good
            rows.append((name + ", 1 connection", r, h1, "p99 < 50 ms", good))
        rows.append(("hello-world baseline, 1 connection", h1, h1, "", None))

        # 2. The dashboard under load.
        h64 = wrk(base + "/_bench/hello", None, 64, SECONDS)
        d64 = wrk(base + "/", dash_cookie, 64, SECONDS)
        ratio = d64["rps"] / h64["rps"]
        good = ratio >= 0.5 and d64["p99"] < 25 and d64["errors"] == 0
        ok &= good
        rows.append(("dashboard, 20 holdings, 64 connections", d64, h64,
                     "rps >= 0.5x, p99 < 25 ms", good))
        rows.append(("hello-world baseline, 64 connections", h64, h64, "", None))
    finally:
        stack.cleanup()
        hello.kill()        # libfcgi only flags SIGTERM
        hello.wait()

    print()
    print("%-42s %10s %8s %8s %8s %7s %8s  %-26s %s" % (
        "benchmark", "req/s", "p50 ms", "p90 ms", "p99 ms", "errors", "x hello",
        "target", "met"))
    for name, r, b, target, good in rows:
        print("%-42s %10.0f %8.2f %8.2f %8.2f %7d %8.2f  %-26s %s" % (
            name, r["rps"], r["p50"], r["p90"], r["p99"], r["errors"], r["rps"] / b["rps"],
            target, "" if good is None else ("yes" if good else "NO")))
    print()
    print("all targets met" if ok else "SOME TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
