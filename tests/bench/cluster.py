"""nestegg's cluster benchmark: the test cluster (scripts/cluster.sh: three
Galera nodes, application hosts, a front nginx) against a single-server
stack (scripts/stack.sh), both on this machine and up in the same run,
each figure measured on one and then the other, back to back.

1. Pages per second through the front with two application hosts and with
   one (cluster.sh remove-app app2, then add-app): the dashboard of a user
   with 20 holdings under wrk with 64 connections; measured with two, one,
   then two hosts again.  Shown, without a target: here every host shares
   the same cores, so the ratio shows what a second host costs or gains on
   one machine, not what separate machines give.
2. The app's own writes, cluster against the single server:
   a. a buy (an API import of one line, with an Idempotency-Key, as
      clients send it) from 16 concurrent clients, each on its own
      portfolio: writes per second; target at least half the single
      server's;
   b. an import of 10,000 lines through the API: seconds, best of two;
      target at most twice the single server's;
   c. nestegg revalue --all of 100,000 portfolios of 20 positions (the
      data of tests/bench/pipeline.py, made by SQL): seconds, best of
      two after a warm-up; target at most twice the single server's.

Beside the buys and the pages: the CPU time each costs (milliseconds a
request, of every process of the stack or of each node of the cluster:
db1..db3, app1, app2, front), the per-unit costs of a capacity model.

The cluster runs under a temporary NESTEGG_VAR in /tmp on free ports and
is stopped (cluster.sh down) at the end, also on failure.  It needs root
(the database nodes run as user mysql), galera-4 and rsync.

Usage: python3 tests/bench/cluster.py [--seconds N]
"""
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
sys.path.insert(0, HERE)
import bench  # noqa: E402
import harness  # noqa: E402
import imports  # noqa: E402
import pipeline  # noqa: E402
from pf_helpers import User  # noqa: E402

CLUSTER_SH = os.path.join(harness.ROOT, "scripts", "cluster.sh")
SECONDS = 10
if "--seconds" in sys.argv:
    SECONDS = int(sys.argv[sys.argv.index("--seconds") + 1])
PORTFOLIOS = 100000
IMPORT_LINES = 10000
WRITERS = 16            # concurrent clients buying
BUYERS = 32             # users (one portfolio each) they buy for

# The same for both: the database's memory, the page workers, no price
# fetching on an interval, no throttles.
COMMON = {
    "NESTEGG_DB_BUFFER_POOL": "1G",
    "NESTEGG_WORKERS": "2",
    "NESTEGG_THREADS": "8",
    "NESTEGG_FETCH_INTERVAL": "0",
    "NESTEGG_LOGIN_RATE": "1000r/s",
    "NESTEGG_LOGIN_BURST": "1000",
    "NESTEGG_LIMIT_API_WRITES": "0",
}


def port_free(port):
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("", port))
        except OSError:
            return False
    return True


def cluster_base():
    """A first port for the nodes with the 60 after it free, below the
    ephemeral range (where harness.free_port picks)."""
    rnd = random.Random()
    for _ in range(200):
        base = rnd.randrange(21000, 32000, 64)
        if all(port_free(base + k) for k in range(61)):
            return base
    raise RuntimeError("no free range of ports for the cluster")


class Cluster:
    """The test cluster in a temporary folder, with what the helpers of
    bench.py, imports.py and pipeline.py need of a stack: https_port,
    path() (the front's certificate; db1's client settings), sql(), env
    (app1's settings, for build/nestegg) and client()."""

    def __init__(self, **env):
        self.dir = tempfile.mkdtemp(prefix="nestegg-clbench-", dir="/tmp")
        os.chmod(self.dir, 0o755)          # user mysql runs the nodes
        self.https_port = harness.free_port()
        self.run_env = dict(os.environ)
        self.run_env.update(COMMON)
        self.run_env.update({
            "NESTEGG_VAR": self.dir,
            "NESTEGG_HTTPS_PORT": str(self.https_port),
            "NESTEGG_HTTP_PORT": str(harness.free_port()),
            "NESTEGG_CLUSTER_BASE": str(cluster_base()),
            "NESTEGG_BUILD": harness.BUILD,
        })
        self.run_env.update(env)
        self.env = None

    def script(self, *args, check=True):
        r = subprocess.run([CLUSTER_SH] + list(args), env=self.run_env,
                           capture_output=True, text=True, timeout=900)
        if check and r.returncode != 0:
            raise RuntimeError("cluster.sh %s failed:\n%s%s" % (" ".join(args), r.stdout,
                                                              r.stderr))
        return r

    def start(self):
        self.script("up")
        self.env = dict(self.run_env)
        for kv in self.script("env", "app1").stdout.split():
            k, _, v = kv.partition("=")
            self.env[k] = v

    def cleanup(self):
        self.script("down", check=False)
        shutil.rmtree(self.dir, ignore_errors=True)

    def path(self, *parts):
        c = os.path.join(self.dir, "cluster")
        if parts == ("etc", "tls", "cert.pem"):
            return os.path.join(c, "front", "tls", "cert.pem")
        if parts == ("etc", "my.cnf"):
            return os.path.join(c, "db1", "my.cnf")
        return os.path.join(c, *parts)

    def sql(self, query):
        r = subprocess.run(["mariadb", "--defaults-file=" + self.path("etc", "my.cnf"),
                            "-u", "root", "-N", "-B", "nestegg", "-e", query],
                           capture_output=True, text=True, timeout=600)
        if r.returncode != 0:
            raise RuntimeError(r.stderr.strip())
        return [line.split("\t") for line in r.stdout.splitlines()]

    def client(self):
        return harness.Client(self)


def cpu_seconds(dirs):
    """CPU seconds (user and system) used so far by the processes of each
    group in dirs ({group: folder}): those whose environment names the
    folder (NESTEGG_VAR or NESTEGG_CLUSTER_NODE: children inherit it),
    those in its pid files (nginx writes its title over its environment),
    and their descendants.  A single stack's group is split into its
    database server ("db") and the rest ("app")."""
    hz = os.sysconf("SC_CLK_TCK")
    procs = {}                  # pid: (parent, name, seconds, environment)
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % p) as f:
                head, _, rest = f.read().rpartition(")")
            with open("/proc/%s/environ" % p, "rb") as f:
                env = set(f.read().split(b"\0"))
        except OSError:
            continue
        st = rest.split()
        procs[int(p)] = (int(st[1]), head.partition("(")[2],
                         (int(st[11]) + int(st[12])) / hz, env)
    owner = {}
    for group, folder in dirs.items():
        marks = (("NESTEGG_VAR=" + folder).encode(),
                 ("NESTEGG_CLUSTER_NODE=" + folder).encode())
        for pid, (_, _, _, env) in procs.items():
            if marks[0] in env or marks[1] in env:
                owner[pid] = group
        for run in (folder, os.path.join(folder, "run")):
            for name in os.listdir(run) if os.path.isdir(run) else []:
                try:
                    with open(os.path.join(run, name)) as f:
                        pid = int(f.read().strip()) if name.endswith(".pid") else 0
                except (OSError, ValueError):
                    continue
                if pid in procs:
                    owner[pid] = group
    added = True
    while added:
        added = False
        for pid, (parent, _, _, _) in procs.items():
            if pid not in owner and parent in owner:
                owner[pid] = owner[parent]
                added = True
    out = {}
    for pid, group in owner.items():
        if len(dirs) == 1:
            group = "db" if procs[pid][1] == "mariadbd" else "app"
        out[group] = out.get(group, 0) + procs[pid][2]
    return out


def cpu_of(stack):
    """cpu_seconds of a stack (db, app) or of the cluster's nodes (db1..,
    app1.., front)."""
    if isinstance(stack, Cluster):
        c = os.path.join(stack.dir, "cluster")
        return cpu_seconds(dict((d, os.path.join(c, d)) for d in os.listdir(c)
                                if os.path.isdir(os.path.join(c, d))))
    return cpu_seconds({"stack": stack.dir})


def measured(stack, fn, *args):
    """fn(*args) (bench.wrk's figures) with cpu: {group: CPU ms a request}."""
    before = cpu_of(stack)
    r = fn(*args)
    after = cpu_of(stack)
    n = max(1.0, r["rps"] * args[3])
    r["cpu"] = dict((g, (after[g] - before.get(g, 0)) * 1000 / n) for g in after)
    return r


def log(*a):
    print(*a, flush=True)


def load_portfolios(stack):
    """pipeline.py's 100,000 portfolios of 20 positions over 1,000
    instruments, made by SQL in write sets of 20,000 portfolios."""
    pipeline.sql(stack, pipeline.SETUP)
    fill, analyze = pipeline.PORTFOLIOS.split("ANALYZE")
    step = 20000
    for first in range(1, PORTFOLIOS + 1, step):
        pipeline.sql(stack, fill.format(first=first, last=first + step - 1))
    pipeline.sql(stack, "ANALYZE" + analyze)
    pipeline.cli(stack, "fx", "set", "EUR", "USD", "1.0837")
    pipeline.cli(stack, "fx", "set", "EUR", "GBP", "0.8412")


def revalue(stack):
    t, r = pipeline.timed(pipeline.cli, stack, "revalue", "--all")
    if r.returncode != 0:
        raise RuntimeError("revalue --all: %s%s" % (r.stdout, r.stderr))
    return t


def import_user(stack):
    """A user with imports.py's 200 instruments; and the file."""
    u = User(stack, "climport")
    symbols = []
    for i in range(imports.SYMBOLS):
        sym = "IMPB%03d" % i
        r = u.api("POST", "/api/v1/instruments",
                  {"symbol": sym, "name": "Bench %d" % i, "kind": "stock",
                   "currency": "USD", "source": "manual"})
        assert r.status in (200, 201), (r.status, r.body)
        symbols.append(sym)
    imports.LINES = IMPORT_LINES
    return u, imports.make_csv(symbols).encode()


def import_once(user, csv):
    pid = user.portfolio("Imported", "USD")
    t0 = time.monotonic()
    r = user.api("POST", "/api/v1/portfolios/%d/import" % pid, csv, "text/csv")
    took = time.monotonic() - t0
    assert r.status == 200 and r.json["imported"] == IMPORT_LINES, (r.status, r.body[:500])
    return took


def buy_script(stack, folder, name):
    """BUYERS users with a portfolio each; a wrk script buying one share
    for them in turn, each request an import of one line with its own
    Idempotency-Key.  bench.wrk runs two threads: thread t buys for the
    users k (from 0) with k % 2 == t."""
    rows = []
    for n in range(BUYERS):
        u = User(stack, "clbuy%d" % n)
        r = u.api("POST", "/api/v1/instruments",
                  {"symbol": "WBUY", "name": "Bought plc", "kind": "stock",
                   "currency": "USD", "source": "manual"})
        assert r.status in (200, 201), (r.status, r.body)
        pid = u.portfolio("Buys", "USD")
        cookie = "; ".join("%s=%s" % kv for kv in u.c.cookies.items())
        rows.append('{cookie="%s", csrf="%s", pid=%d}' % (cookie, u.c.csrf, pid))
    path = os.path.join(folder, name + ".lua")
    with open(path, "w") as f:
        f.write("""-- nestegg: a buy of one share, by API import (tests/bench/cluster.py);
-- bench.wrk runs 2 threads: thread t buys for users t + 1, t + 3, ...
local users = {%s}
local threads = 0
function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end
local mine, run, n = {}, "", 0
function init(args)
  for k = tid + 1, #users, 2 do mine[#mine + 1] = users[k] end
  run = string.format("%%s-%%d-%%d", "%s", os.time(), tid)
end
function request()
  n = n + 1
  local u = mine[n %% #mine + 1]
  return wrk.format("POST", "/api/v1/portfolios/" .. u.pid .. "/import?duplicates=keep",
    {["Cookie"] = u.cookie, ["X-CSRF-Token"] = u.csrf, ["Content-Type"] = "text/csv",
     ["Idempotency-Key"] = run .. "-" .. n},
    "date,type,symbol,quantity,price\\n2024-03-01,buy,WBUY,1,100.25\\n")
end
""" % (",\n  ".join(rows), name))
    return path


def wrk_script(script):
    return lambda *a: bench.wrk(*a, script=script)


def cpu_text(cpu):
    """'db1 4.10, db2 2.50, ..., all 12.3'"""
    return ", ".join(["%s %.2f" % (g, cpu[g]) for g in sorted(cpu)]
                     + ["all %.2f" % sum(cpu.values())])


def main():
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(143))
    tmp = tempfile.mkdtemp(prefix="nestegg-clbench-wrk-")
    single = harness.Stack(**COMMON)
    cl = Cluster()
    rows = []
    costs = []
    ok = True
    try:
        log("starting a single-server stack and a cluster (3 Galera nodes, 2 hosts) ...")
        t, _ = pipeline.timed(single.start)
        log("  single server up in %.0f s" % t)
        t, _ = pipeline.timed(cl.start)
        log("  cluster up in %.0f s" % t)
        stacks = (("single", single), ("cluster", cl))

        # 2c. Revaluation (first: the data's ids are fixed).
        for name, s in stacks:
            log("%s: %d portfolios x 20 positions by SQL ..." % (name, PORTFOLIOS))
            t, _ = pipeline.timed(load_portfolios, s)
            size = pipeline.sql(s, "SELECT ROUND(SUM(data_length + index_length) / 1048576) "
                                "FROM information_schema.tables WHERE table_schema = "
                                "'nestegg' AND table_name IN ('positions', 'portfolios', "
                                "'cash_balances')").strip()
            log("  %.1f s; positions, portfolios and cash: %s MB" % (t, size))
            revalue(s)                              # warm-up
        rev = {"single": [], "cluster": []}
        for _ in range(2):
            for name, s in stacks:
                rev[name].append(revalue(s))
        log("revalue --all: single %s s, cluster %s s" % (
            ", ".join("%.2f" % x for x in rev["single"]),
            ", ".join("%.2f" % x for x in rev["cluster"])))
        a, b = min(rev["single"]), min(rev["cluster"])
        rows.append(("revalue --all, %d portfolios x 20" % PORTFOLIOS,
                     "%.2f s" % a, "%.2f s" % b, b / a, "cluster/single <= 2", b / a <= 2))

        # 2b. An import of 10,000 lines.
        users = {}
        for name, s in stacks:
            users[name] = import_user(s)
        imp = {"single": [], "cluster": []}
        for _ in range(2):
            for name, _s in stacks:
                imp[name].append(import_once(*users[name]))
        log("import of %d lines: single %s s, cluster %s s" % (
            IMPORT_LINES, ", ".join("%.2f" % x for x in imp["single"]),
            ", ".join("%.2f" % x for x in imp["cluster"])))
        a, b = min(imp["single"]), min(imp["cluster"])
        rows.append(("import of %d lines (API)" % IMPORT_LINES, "%.2f s" % a, "%.2f s" % b,
                     b / a, "cluster/single <= 2", b / a <= 2))

        # 2a. Buys from concurrent clients.
        buys = {}
        for name, s in stacks:
            script = buy_script(s, tmp, name)
            url = "https://127.0.0.1:%d/" % s.https_port
            bench.wrk(url, None, WRITERS, 2, script=script)      # warm-up
            buys[name] = measured(s, wrk_script(script), url, None, WRITERS, SECONDS)
            log("buys, %d clients, %s: %.0f/s, p50 %.1f ms, p99 %.1f ms, errors %d; "
                "CPU ms a buy: %s" % (WRITERS, name, buys[name]["rps"], buys[name]["p50"],
                                      buys[name]["p99"], buys[name]["errors"],
                                      cpu_text(buys[name]["cpu"])))
        a, b = buys["single"], buys["cluster"]
        good = b["rps"] / a["rps"] >= 0.5 and a["errors"] == 0 and b["errors"] == 0
        rows.append(("buys (1-line API import), %d clients" % WRITERS,
                     "%.0f/s" % a["rps"], "%.0f/s" % b["rps"], b["rps"] / a["rps"],
                     "cluster/single >= 0.5", good))
        single.cleanup()                        # the pages are the cluster's alone
        single = None

        # 1. Pages through the front: two hosts, one, two again.
        dash = bench.dashboard_user(cl)
        cookie = "__Host-sid=" + dash.c.cookies["__Host-sid"]
        front = "https://127.0.0.1:%d/" % cl.https_port
        bench.wrk(front, cookie, 64, 2)                          # warm-up
        two = [measured(cl, bench.wrk, front, cookie, 64, SECONDS)]
        cl.script("remove-app", "app2")
        bench.wrk(front, cookie, 64, 2)
        one = measured(cl, bench.wrk, front, cookie, 64, SECONDS)
        cl.script("add-app")
        bench.wrk(front, cookie, 64, 2)
        two.append(measured(cl, bench.wrk, front, cookie, 64, SECONDS))
        for label, r in (("two hosts", two[0]), ("one host", one), ("two hosts", two[1])):
            log("dashboard, 64 connections, %s: %.0f/s, p99 %.1f ms, errors %d; "
                "CPU ms a page: %s" % (label, r["rps"], r["p99"], r["errors"],
                                       cpu_text(r["cpu"])))
        for r in two + [one]:
            ok &= r["errors"] == 0
        rps2 = (two[0]["rps"] + two[1]["rps"]) / 2
        costs.append("CPU ms a buy: single server %s; cluster %s" % (
            cpu_text(buys["single"]["cpu"]), cpu_text(buys["cluster"]["cpu"])))
        costs.append("CPU ms a dashboard page via the front: one host %s; two hosts %s" % (
            cpu_text(one["cpu"]), cpu_text(two[1]["cpu"])))
        rows.append(("dashboard via the front, 64 conn., 1 vs 2 hosts",
                     "%.0f/s" % one["rps"], "%.0f/s" % rps2, rps2 / one["rps"],
                     "(shown)", None))
    finally:
        if single is not None:
            single.cleanup()
        cl.cleanup()
        shutil.rmtree(tmp, ignore_errors=True)

    print()
    print("%-50s %12s %12s %7s  %-22s %s" % ("benchmark", "single", "cluster", "ratio",
                                            "target", "met"))
    for name, a, b, ratio, target, good in rows:
        print("%-50s %12s %12s %7.2f  %-22s %s" % (
            name, a, b, ratio, target, "" if good is None else ("PASS" if good else "MISS")))
        if good is False:
            ok = False
    for line in costs:
        print(line)
    print("(ratio: cluster / single; for the pages, two hosts / one host, where the")
    print(" \"single\" column is one host and \"cluster\" two, both behind the front)")
    print("The cluster's three database nodes, its hosts and the single server share")
    print("this machine's %d cores: the figures are what replication and a second host" %
          os.cpu_count())
    print("cost or gain on one machine, not what separate machines give.")
    print()
    print("all cluster targets met" if ok else "SOME CLUSTER TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
