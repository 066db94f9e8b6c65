"""nestegg's live panel benchmark, against a private stack.

liveload (tests/bench/liveload.c: C, epoll, TLS through nginx as browsers
connect) holds N concurrent /live streams of 2,000 users (one portfolio
of 20 holdings each, N / 2,000 tabs a user).  Each round changes every
price and commits a valuation run; liveload takes the delay from the
run's commit to each stream's event.  Measured at 1,000 and 10,000
streams:

  - p99 delay from commit to event: target under 500 ms at 10,000;
  - the live worker's memory per stream (its resident size with the
    streams open, less before them): target under 16 KB;
  - the dashboard of the ledger benchmark (wrk, 64 connections) with the
    streams open, against the libfcgi hello-world behind the same nginx
    in the same run: target at least half its requests per second.

Usage: python3 tests/bench/live.py
"""
import hashlib
import os
import secrets
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                                "integration"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402
import harness  # noqa: E402

USERS = 2000
ROUNDS = 5


def sql(stack, text):
    r = subprocess.run(["mariadb", "--defaults-file=" + stack.path("etc", "my.cnf"), "-u",
                        "root", "-N", "-B", "nestegg"], input=text, capture_output=True,
                       text=True, timeout=600)
    if r.returncode != 0:
        raise RuntimeError(r.stderr)
    return r.stdout


def setup(stack, tokens_file):
    """2,000 users with a session each and a portfolio of 20 holdings."""
    tokens = [secrets.token_hex(32) for _ in range(USERS)]
    with open(tokens_file, "w") as f:
        f.write("\n".join(tokens) + "\n")
    sessions = ",".join("(UNHEX('%s'), %d, NOW(), NOW(), '127.0.0.1')"
                        % (hashlib.sha256(t.encode()).hexdigest(), 500000 + i)
                        for i, t in enumerate(tokens))
    sql(stack, """
SET FOREIGN_KEY_CHECKS = 0;
INSERT INTO users (id, email, password_hash, created_at)
  SELECT 500000 + seq, CONCAT('live', seq, '@example.com'), 'x', NOW() FROM seq_0_to_%d;
INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, address) VALUES %s;
INSERT INTO instruments (id, owner_id, symbol, name, kind, currency, source, source_symbol,
    listed, created_at)
  SELECT 800000 + seq, 0, CONCAT('LV', seq), CONCAT('Live ', seq), 'stock', 'USD', 'sim',
    CONCAT('LV', seq), 1, NOW() FROM seq_0_to_999;
INSERT INTO prices (instrument_id, price, prev_close, as_of, source, updated_at)
  SELECT 800000 + seq, 50 + seq %% 50, 49 + seq %% 50, NOW(), 'sim', NOW() FROM seq_0_to_999;
INSERT INTO portfolios (id, user_id, name, currency, cost_method, pos_realized, pos_income,
    pos_fees, pos_taxes, pos_charges, net_flow_in, created_at)
  SELECT 600000 + seq, 500000 + seq, CONCAT('Live ', seq), 'USD', 'fifo', 0, 0, 0, 0, 0, 0,
    NOW() FROM seq_0_to_%d;
INSERT INTO positions (portfolio_id, instrument_id, quantity, cost, realized, income, fees,
    taxes, charges)
  SELECT 600000 + p.seq, 800000 + (p.seq * 37 + k.seq * 101) %% 1000, 10, 500, 0, 0, 0, 0, 0
  FROM seq_0_to_%d p JOIN seq_0_to_19 k;
ANALYZE TABLE positions, portfolios, prices, sessions;
""" % (USERS - 1, sessions, USERS - 1, USERS - 1))


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def live_worker(stack):
    """The live worker's own pid (live.worker.pid; live.pid is its
    supervisor's), checked by the program it runs: a figure must come
    from the process it names."""
    pid = stack.pid("live.worker")
    if pid is None:
        raise RuntimeError("no live.worker.pid")
    with open("/proc/%d/comm" % pid) as f:
        comm = f.read().strip()
    if comm != "nestegg-live":
        raise RuntimeError("live.worker.pid names %s, not nestegg-live" % comm)
    return pid


def round_of_changes(stack):
    """Every price moves; one valuation run; returns (run id, commit us)."""
    sql(stack, "UPDATE prices SET price = price + 0.01, updated_at = NOW() "
        "WHERE instrument_id >= 800000; INSERT INTO revalue_pending (instrument_id) "
        "SELECT instrument_id FROM prices WHERE instrument_id >= 800000;")
    r = subprocess.run([os.path.join(harness.BUILD, "nestegg"), "revalue"], env=stack.env,
                       capture_output=True, text=True, timeout=120)
    # The commit is right after the run's last statement: its start plus
    # its duration, a little before the real commit (never after).
    row = sql(stack, "SELECT id, ROUND(UNIX_TIMESTAMP(started_at) * 1000000) + "
              "duration_ms * 1000 FROM valuation_runs ORDER BY id DESC LIMIT 1").split()
    assert "valuation run" in r.stdout, r.stdout + r.stderr
    return int(row[0]), int(float(row[1]))


def measure(stack, tokens_file, streams):
    load = subprocess.Popen([os.path.join(harness.BUILD, "liveload"), str(stack.https_port),
                             tokens_file, str(streams)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = load.stdout.readline()
    if not line.startswith("ready"):
        raise RuntimeError("liveload: " + line + load.stderr.read())
    time.sleep(2)
    live_pid = live_worker(stack)
    rss = rss_kb(live_pid)
    for _ in range(ROUNDS):
        run, commit = round_of_changes(stack)
        load.stdin.write("RUN %d %d\n" % (run, commit))
        load.stdin.flush()
        time.sleep(2)
    # The same process throughout: a worker started again midway would
    # measure nothing.
    if live_worker(stack) != live_pid:
        raise RuntimeError("the live worker was started again during the run")
    return load, rss


def finish(load):
    out, err = load.communicate("END\n", timeout=120)
    summary = [l for l in out.splitlines() if l.startswith("summary:")][0].split()
    vals = dict(zip(summary[1::2], summary[2::2]))
    return {k: float(v) for k, v in vals.items()}, out


def main():
    tmp = tempfile.mkdtemp(prefix="nestegg-livebench-")
    os.chmod(tmp, 0o755)
    hello_sock = os.path.join(tmp, "hello.sock")
    with open(os.path.join(tmp, "http.conf"), "w") as f:
        f.write("upstream bench_hello {\n\tserver unix:%s;\n}\n" % hello_sock)
    with open(os.path.join(tmp, "server.conf"), "w") as f:
        f.write("location = /_bench/hello {\n\tfastcgi_pass bench_hello;\n}\n")
    stack = harness.Stack(NESTEGG_NGINX_HTTP_EXTRA=os.path.join(tmp, "http.conf"),
                          NESTEGG_NGINX_SERVER_EXTRA=os.path.join(tmp, "server.conf"),
                          NESTEGG_WORKERS="2", NESTEGG_THREADS="8",
                          NESTEGG_LIVE_PER_ADDR="20000", NESTEGG_LIVE_PER_SESSION="100",
                          NESTEGG_LOGIN_RATE="1000r/s", NESTEGG_LOGIN_BURST="1000",
                          NESTEGG_DB_BUFFER_POOL="1G")
    hello = subprocess.Popen([os.path.join(harness.BUILD, "bench-hello"), "--socket",
                              hello_sock, "--threads", "16"])
    tokens_file = os.path.join(tmp, "tokens")
    rows, ok = [], True
    try:
        stack.start()
        print("setting up: %d users, a portfolio of 20 holdings each ..." % USERS, flush=True)
        setup(stack, tokens_file)
        dash = bench.dashboard_user(stack)
        cookie = "__Host-sid=" + dash.c.cookies["__Host-sid"]
        base = "https://127.0.0.1:%d" % stack.https_port
        idle_rss = rss_kb(live_worker(stack))
        for streams in (1000, 10000):
            print("%d streams ..." % streams, flush=True)
            load, rss = measure(stack, tokens_file, streams)
            per = (rss - idle_rss) * 1024 / streams
            dash_r = hello_r = None
            if streams == 10000:
                # The pages beside 10,000 open streams.
                hello_r = bench.wrk(base + "/_bench/hello", None, 64, 10)
                dash_r = bench.wrk(base + "/", cookie, 64, 10)
            s, out = finish(load)
            print(out, flush=True)
            target = streams == 10000
            good = s["p99"] < 500 and s["missing"] == 0
            rows.append(("event delay p99, %d streams" % streams, "%.0f ms" % s["p99"],
                         "p50 %.0f / max %.0f ms" % (s["p50"], s["max"]), "< 500 ms",
                         good if target else None))
            # Streams cost something: no growth at all means the figure
            # was not read from the process holding them.
            good_mem = 0 < per < 16 * 1024
            rows.append(("live worker memory a stream, %d streams" % streams,
                         "%.1f KB" % (per / 1024), "RSS %d MB" % (rss // 1024),
                         "0 < x < 16 KB", good_mem))
            ok &= (good or not target) and good_mem
            if dash_r:
                ratio = dash_r["rps"] / hello_r["rps"]
                good = ratio >= 0.5 and dash_r["errors"] == 0
                ok &= good
                rows.append(("dashboard with 10,000 streams open", "%.0f req/s" % dash_r["rps"],
                             "hello-world %.0f req/s" % hello_r["rps"],
                             ">= 0.5x (%.2fx)" % ratio, good))
        with open(stack.path("log", "live.log")) as f:
            told = [l.rstrip() for l in f if "portfolios to" in l]
        print("the live worker's own account of the last rounds:")
        print("\n".join(told[-ROUNDS:]))
    finally:
        stack.cleanup()
        hello.kill()
        hello.wait()
    print()
    print("%-44s %12s  %-26s %-16s %s" % ("benchmark", "nestegg", "beside it, same run",
                                         "target", "met"))
    for name, v, base, target, good in rows:
        print("%-44s %12s  %-26s %-16s %s" % (name, v, base, target,
                                             "" if good is None else ("yes" if good else "NO")))
    print()
    print("all live targets met" if ok else "SOME LIVE TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
