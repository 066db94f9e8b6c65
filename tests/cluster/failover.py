#!/usr/bin/env python3
"""make failover: the failover scenarios of the test cluster
(scripts/cluster.sh), under steady mixed load, with their figures.

The load, through the front nginx, all the time: page reads (the
dashboard, a portfolio page, its JSON), API writes (a buy imported with
an Idempotency-Key; a write that gets no answer is sent again with the
same key, as a client should), 200 open /live streams that reconnect
with Last-Event-ID as a browser does, and the application hosts'
schedulers fetching from a local price source every minute (each fetch
revalues what changed).

First an application host is added, serves, and is removed (no request
may fail).  Then, in turn: kill -9 a database node, then an application
host, then the host running the fetch while it fetches, then every
database node at once; each is started again.  Printed per scenario: requests sent and
failed, seconds until writes succeed again, streams that reconnected
and events missing; after all of them, every acknowledged write is
looked for on every node and the tables' checksums compared.

Exit status 0 when every target holds:
  - no request failed while a host was added and removed or a database
    node was killed; in the scenarios that kill an application host,
    at most those in flight there (one per load thread); in the one
    that kills every database node, any (nothing can answer then);
  - writes succeed again within 5 s of a single node's death;
  - no acknowledged write is missing on any node, and every node's
    tables have the same checksums;
  - every stream that was cut reconnected, and no stream missed an
    event for a write acknowledged while it was open or reconnecting;
  - the next fetch runs on a surviving host within one interval (plus
    the time the killed fetch's lease takes to lapse);
  - the cluster forms again by itself after every database node died.

The cluster is the one under $NESTEGG_VAR/cluster (make cluster-up);
when none is running, this starts one and stops it at the end.
"""
import http.client
import json
import os
import random
import ssl
import subprocess
import sys
import threading
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
import feedserver  # noqa: E402
import harness  # noqa: E402
import sseclient  # noqa: E402

VAR = os.path.abspath(os.environ.get("NESTEGG_VAR", os.path.join(ROOT, "var")))
C = os.path.join(VAR, "cluster")
CLUSTER = os.path.join(ROOT, "scripts", "cluster.sh")
USERS = int(os.environ.get("FAILOVER_USERS", "20"))
STREAMS = int(os.environ.get("FAILOVER_STREAMS", "200"))
WRITERS = int(os.environ.get("FAILOVER_WRITERS", "4"))
READERS = int(os.environ.get("FAILOVER_READERS", "4"))
INTERVAL = 60           # the schedulers' fetch interval
LEASE = 20              # a fetch's lease lapses this long after its holder died
WRITE_GIVE_UP = 60      # a write unanswered this long is given up


def log(*a):
    print(*a, flush=True)


def cluster(*args, check=True):
    return subprocess.run([CLUSTER] + list(args), check=check, text=True,
                          capture_output=True)


def ports():
    out = {}
    with open(os.path.join(C, "ports")) as f:
        for line in f:
            k, _, v = line.strip().partition("=")
            out[k] = v
    return out


class Front:
    """What harness.Client needs of a stack: the front's port and its
    certificate."""

    def __init__(self):
        p = ports()
        self.https_port = int(p["HTTPS_PORT"])

    def path(self, *parts):
        if parts == ("etc", "tls", "cert.pem"):
            return os.path.join(C, "front", "tls", "cert.pem")
        raise KeyError(parts)


def node_sql(i, query):
    """Runs query on database node i as root (its own socket)."""
    r = subprocess.run(["mariadb", "--no-defaults", "-u", "root", "-N", "-B",
                        "--connect-timeout=3",
                        "--socket=" + os.path.join(C, "db%d" % i, "mariadb.sock"),
                        "nestegg", "-e", query],
                       capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        raise RuntimeError("db%d: %s" % (i, r.stderr.strip()))
    return [line.split("\t") for line in r.stdout.splitlines()]


def node_state(i):
    try:
        rows = node_sql(i, "SHOW GLOBAL STATUS WHERE Variable_name IN "
                        "('wsrep_local_state', 'wsrep_cluster_status', "
                        "'wsrep_cluster_size', 'wsrep_last_committed')")
        return dict(rows)
    except (RuntimeError, subprocess.TimeoutExpired):
        return {}


def synced(i):
    s = node_state(i)
    return s.get("wsrep_local_state") == "4" and s.get("wsrep_cluster_status") == "Primary"


class Stats:
    """What happened in a window of time: counted under one lock."""

    def __init__(self):
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        with getattr(self, "lock", threading.Lock()):
            self.sent = 0
            self.failed = 0
            self.failures = []
            self.resent = 0         # again after a closed kept-alive connection
            self.acks = []          # (sent at, acked at)

    def request(self, ok, what=""):
        with self.lock:
            self.sent += 1
            if not ok:
                self.failed += 1
                if len(self.failures) < 5:
                    self.failures.append(what)


class Load:
    def __init__(self, front):
        self.front = front
        self.stop = threading.Event()
        self.stats = Stats()
        self.users = []
        self.acked = []             # (pid, price text, sent at)
        self.unacked = []           # writes given up
        self.lock = threading.Lock()
        self.threads = []
        self.streams = []

    # Set-up: users, each with a portfolio holding an instrument that
    # the local price source prices.
    def setup(self, symbols):
        for n in range(USERS):
            c = harness.Client(self.front)
            r = c.register(harness.unique_email("fo%d" % n))
            assert r.status == 303, (r.status, r.text[:300])
            c.get("/")
            api = lambda m, p, b, t="application/json": c.request(  # noqa: E731
                m, p, body=b if isinstance(b, str) else json.dumps(b),
                headers={"X-CSRF-Token": c.csrf, "Content-Type": t})
            sym = symbols[n % len(symbols)]
            r = api("POST", "/api/v1/instruments", {
                "symbol": sym, "name": sym + " plc", "kind": "stock",
                "currency": "USD", "source": "yahoo"})
            assert r.status in (200, 201, 409), (r.status, r.text[:300])
            r = api("POST", "/api/v1/portfolios", {"name": "Failover %d" % n,
                                                   "currency": "USD"})
            assert r.status == 201, (r.status, r.text[:300])
            pid = json.loads(r.body)["id"]
            r = api("POST", "/api/v1/portfolios/%d/import" % pid,
                    "date,type,symbol,quantity,price,amount\n"
                    "2024-01-02,deposit,,,,1000000\n", "text/csv")
            assert r.status in (200, 201), (r.status, r.text[:300])
            self.users.append({"cookie": "; ".join("%s=%s" % kv for kv in c.cookies.items()),
                               "csrf": c.csrf, "pid": pid, "sym": sym, "client": c,
                               "seq": 0})

    def _conn(self):
        ctx = ssl.create_default_context(cafile=self.front.path("etc", "tls", "cert.pem"))
        return http.client.HTTPSConnection("127.0.0.1", self.front.https_port,
                                           context=ctx, timeout=30)

    def _send(self, conn, method, path, u, body=None, headers=None):
        h = {"Host": "127.0.0.1:%d" % self.front.https_port, "Cookie": u["cookie"]}
        h.update(headers or {})
        try:
            conn.request(method, path, body=body, headers=h)
            r = conn.getresponse()
        except (http.client.RemoteDisconnected, ssl.SSLEOFError, ConnectionResetError,
                BrokenPipeError):
            if not getattr(conn, "used", False):
                raise
            # The front closed a kept-alive connection as the request
            # went out (a reload of its upstream): sent again on a fresh
            # one, as browsers do (a write with its key, the same key).
            with self.stats.lock:
                self.stats.resent += 1
            conn.close()
            conn.request(method, path, body=body, headers=h)
            r = conn.getresponse()
        data = r.read()
        conn.used = True
        return r.status, data

    def reader(self, k):
        conn = None
        rnd = random.Random(k)
        while not self.stop.is_set():
            u = rnd.choice(self.users)
            path = rnd.choice(["/", "/portfolios/%d" % u["pid"],
                               "/api/v1/portfolios/%d" % u["pid"]])
            try:
                conn = conn or self._conn()
                status, _ = self._send(conn, "GET", path, u)
                ok = status == 200
                what = "GET %s: %d" % (path, status)
            except (OSError, http.client.HTTPException) as e:
                conn = None
                ok, what = False, "GET %s: %s" % (path, type(e).__name__)
            self.stats.request(ok, what)
            time.sleep(0.02)

    def writer(self, k):
        conn = None
        mine = self.users[k::WRITERS]
        rnd = random.Random(100 + k)
        while not self.stop.is_set():
            u = rnd.choice(mine)
            with self.lock:
                u["seq"] += 1
                price = "100.%04d" % u["seq"]
            body = ("date,type,symbol,quantity,price\n2024-03-01,buy,%s,1,%s\n"
                    % (u["sym"], price))
            key = uuid.uuid4().hex
            sent = time.time()
            while True:
                try:
                    conn = conn or self._conn()
                    status, data = self._send(
                        conn, "POST", "/api/v1/portfolios/%d/import" % u["pid"], u, body,
                        {"Content-Type": "text/csv", "X-CSRF-Token": u["csrf"],
                         "Idempotency-Key": key})
                    ok = status in (200, 201)
                    what = "import: %d %s" % (status, data[:120])
                except (OSError, http.client.HTTPException) as e:
                    conn = None
                    ok, what = False, "import: " + type(e).__name__
                self.stats.request(ok, what)
                if ok:
                    with self.lock:
                        self.acked.append((u["pid"], price, sent))
                    with self.stats.lock:
                        self.stats.acks.append((sent, time.time()))
                    break
                if time.time() - sent > WRITE_GIVE_UP or self.stop.is_set():
                    with self.lock:
                        self.unacked.append((u["pid"], price))
                    break
                time.sleep(0.5)     # the same key again
            time.sleep(0.05)

    def stream(self, k):
        u = self.users[k % len(self.users)]
        rec = {"user": u, "events": [], "reconnects": 0, "cut": 0}
        self.streams.append(rec)
        last = None
        client = u["client"]
        while not self.stop.is_set():
            try:
                s = sseclient.Stream(client, last_id=last)
                if s.status != 200:
                    raise OSError("status %d" % s.status)
                rec["s"] = s
                # A read that times out mid-chunk spoils the response
                # (http.client): wait past the heartbeats instead, and
                # be closed from outside at the end.
                while not self.stop.is_set():
                    ev = s.next_event(timeout=45)
                    if ev is None:
                        if s.ended:
                            break
                        continue
                    if ev.get("id"):
                        last = ev["id"]
                    if ev.get("event") == "valuation":
                        data = json.loads(ev["data"])
                        ids = set(p["id"] for p in data.get("portfolios", []))
                        rec["events"].append((time.time(), ids))
                try:
                    s.close()
                except Exception:
                    pass
            except Exception:       # cut, in any way: as EventSource, again
                pass
            if self.stop.is_set():
                break
            rec["cut"] += 1
            time.sleep(0.5 + random.random())     # as EventSource: retry
            rec["reconnects"] += 1

    def start(self):
        for k in range(READERS):
            self.threads.append(threading.Thread(target=self.reader, args=(k,), daemon=True))
        for k in range(WRITERS):
            self.threads.append(threading.Thread(target=self.writer, args=(k,), daemon=True))
        for k in range(STREAMS):
            self.threads.append(threading.Thread(target=self.stream, args=(k,), daemon=True))
        for t in self.threads:
            t.start()

    def finish(self):
        self.stop.set()
        for rec in self.streams:
            try:
                rec["s"].conn.sock.shutdown(2)
            except Exception:
                pass
        for t in self.threads:
            t.join(timeout=40)


def wait_all_synced(seconds):
    end = time.time() + seconds
    while time.time() < end:
        if all(synced(i) for i in (1, 2, 3)):
            return True
        time.sleep(0.5)
    return False


def fetch_pids():
    """{pid: node} of every "nestegg fetch" running on an application host."""
    out = {}
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            with open("/proc/%s/cmdline" % p, "rb") as f:
                argv = f.read().split(b"\0")
            if len(argv) < 2 or not argv[0].endswith(b"nestegg") or argv[1] != b"fetch":
                continue
            with open("/proc/%s/environ" % p, "rb") as f:
                env = f.read().split(b"\0")
        except OSError:
            continue
        for e in env:
            if e.startswith(b"NESTEGG_CLUSTER_NODE=" + C.encode()):
                out[int(p)] = os.path.basename(e.split(b"=", 1)[1].decode())
    return out


def fetch_runs():
    """{id: started_at epoch} of the fetch runs recorded (a run is
    recorded when it ends)."""
    for i in (1, 2, 3):
        try:
            rows = node_sql(i, "SELECT id, UNIX_TIMESTAMP(started_at) FROM fetch_runs "
                            "WHERE started_at > NOW() - INTERVAL 1 HOUR")
            return dict((int(a), float(b)) for a, b in rows)
        except (RuntimeError, subprocess.TimeoutExpired):
            continue
    return None


class Scenario:
    def __init__(self, name, load):
        self.name = name
        self.load = load
        self.extra = {}

    def __enter__(self):
        self.load.stats.reset()
        self.t0 = time.time()
        self.kill_at = None
        self.streams0 = {id(r): r["cut"] for r in self.load.streams}
        log("\n== %s" % self.name)
        return self

    def killed(self):
        self.kill_at = time.time()

    def __exit__(self, *exc):
        st = self.load.stats
        with st.lock:
            self.sent, self.failed, self.failures = st.sent, st.failed, list(st.failures)
            self.resent = st.resent
            acks = list(st.acks)
        after = [a for s, a in acks if self.kill_at and s >= self.kill_at]
        self.resume = (min(after) - self.kill_at) if after else None
        self.cut = sum(1 for r in self.load.streams if r["cut"] > self.streams0.get(id(r), 0))
        log("requests sent %d, failed %d%s" % (
            self.sent, self.failed,
            (" (e.g. %s)" % "; ".join(map(str, self.failures[:3]))) if self.failed else ""))
        if self.resent:
            log("sent again on a fresh connection after the front closed a kept-alive "
                "one (a reload): %d" % self.resent)
        if getattr(self, "restart_at", None):
            back = [a for s, a in acks if s >= self.restart_at]
            self.resume = (min(back) - self.restart_at) if back else None
            if self.resume is not None:
                log("writes succeeded again %.1f s after the nodes were started again"
                    % self.resume)
        elif self.resume is not None:
            log("writes succeeded again %.1f s after the kill" % self.resume)
        log("streams cut and reconnected: %d" % self.cut)
        for k, v in self.extra.items():
            log("%s: %s" % (k, v))
        return False


def kill_and_start(load, what, node):
    """The scenario of one node killed under load, then started again
    ten seconds later."""
    with Scenario("kill -9 %s %s" % (what, node), load) as sc:
        cluster("kill", node)
        sc.killed()
        time.sleep(10)
        r = cluster("start", node, check=False)
        sc.extra["%s started again" % node] = "yes" if r.returncode == 0 else r.stderr.strip()
        time.sleep(5)
    return sc


def events_missing(load, settle_until):
    """Writes acknowledged that some stream of their user was not told
    of by an event at or after the write was sent."""
    missing = 0
    example = None
    by_pid = {}
    for pid, price, sent in load.acked:
        by_pid.setdefault(pid, []).append(sent)
    for rec in load.streams:
        pid = rec["user"]["pid"]
        times = sorted(t for t, ids in rec["events"] if pid in ids)
        for sent in by_pid.get(pid, []):
            if sent > settle_until:
                continue
            # bisect: an event at or after sent
            lo, hi = 0, len(times)
            while lo < hi:
                mid = (lo + hi) // 2
                if times[mid] < sent - 0.05:
                    lo = mid + 1
                else:
                    hi = mid
            if lo == len(times):
                missing += 1
                example = example or (pid, sent)
    return missing, example


def main():
    front_up = subprocess.run(["curl", "-sk", "-o", "/dev/null", "-w", "%{http_code}",
                               "--max-time", "3", "https://127.0.0.1:%s/login"
                               % os.environ.get("NESTEGG_HTTPS_PORT", "8443")],
                              capture_output=True, text=True).stdout == "200"
    srv, market = feedserver.start()
    base = "http://127.0.0.1:%d" % srv.server_address[1]
    extra = os.path.join(C, "extra.conf")
    os.makedirs(C, exist_ok=True)
    with open(extra, "w") as f:
        f.write("yahoo_url = %s\nfetch_allow = 127.0.0.1:%d\n" % (base, srv.server_address[1]))
    started = False
    if not front_up:
        log("starting the cluster (make cluster-up)")
        r = cluster("up", check=False)
        print(r.stdout, r.stderr, end="")
        if r.returncode != 0:
            return 1
        started = True
    else:
        # Running already: each host takes the price source's address
        # at its next fetch.
        for d in os.listdir(C):
            conf = os.path.join(C, d, "etc", "nestegg.conf")
            if d.startswith("app") and os.path.exists(conf):
                with open(conf) as f:
                    text = f.read()
                if base not in text:
                    with open(conf, "a") as f:
                        f.write(open(extra).read())
    front = Front()
    symbols = ["FOA", "FOB", "FOC", "FOD"]
    for s in symbols:
        market.yahoo[s] = {"price": "100.00", "currency": "USD", "time": int(time.time())}
    load = Load(front)
    ok = True
    try:
        load.setup(symbols)
        load.start()
        time.sleep(5)
        # 0. The application tier grows and shrinks under load.
        with Scenario("add an application host, then remove it", load) as sc:
            r = cluster("add-app", check=False)
            added = [l for l in r.stdout.splitlines() if "in the front's upstream" in l]
            node = added[0].split()[1] if added else None
            sc.extra["added"] = node or r.stderr.strip()
            time.sleep(8)
            served = 0
            if node:
                with open(os.path.join(C, node, "log", "nginx-access.log")) as f:
                    served = sum(1 for _ in f)
                r = cluster("remove-app", node, check=False)
                sc.extra["removed"] = node if r.returncode == 0 else r.stderr.strip()
            sc.extra["requests the new host served"] = served
            time.sleep(3)
        ok &= sc.failed == 0 and served > 0
        # 1. A database node.
        sc = kill_and_start(load, "database node", "db1")
        ok &= sc.failed == 0 and sc.resume is not None and sc.resume < 5
        # 2. An application host.
        sc = kill_and_start(load, "application host", "app1")
        ok &= sc.failed <= READERS + WRITERS
        # 3. The host running the fetch, mid-fetch: the price source
        # answers slowly, so that the fetch is under way when it dies.
        with Scenario("kill -9 the host running the fetch, mid-fetch", load) as sc:
            for s in symbols:
                market.trouble("yahoo:" + s, "slow:15")
            deadline = time.time() + INTERVAL + 30
            running = {}
            while time.time() < deadline and not running:
                running = fetch_pids()
                time.sleep(0.2)
            if not running:
                sc.extra["fetch"] = "no fetch started within %d s" % (INTERVAL + 30)
                ok = False
            else:
                node = sorted(running.values())[0]
                time.sleep(2)
                before = fetch_runs() or {}
                cluster("kill", node)
                sc.killed()
                for s in symbols:
                    market.troubles.pop("yahoo:" + s, None)
                next_run = None
                limit = time.time() + INTERVAL + LEASE + 15
                while time.time() < limit:
                    new = [t for i, t in (fetch_runs() or {}).items() if i not in before]
                    if new:
                        next_run = min(new) - sc.kill_at
                        break
                    time.sleep(1)
                sc.extra["killed"] = node
                sc.extra["next fetch on a surviving host, after"] = (
                    "%.0f s (interval %d s, lease %d s)" % (next_run, INTERVAL, LEASE)
                    if next_run is not None else "none within %d s" % (INTERVAL + LEASE + 15))
                ok &= next_run is not None
                r = cluster("start", node, check=False)
                time.sleep(5)
        ok &= sc.failed <= READERS + WRITERS
        # 4. Every database node at once.
        with Scenario("kill -9 every database node at once", load) as sc:
            kills = [subprocess.Popen([CLUSTER, "kill", n], stdout=subprocess.DEVNULL)
                     for n in ("db1", "db2", "db3")]
            for k in kills:
                k.wait()
            sc.killed()
            time.sleep(6)
            sc.restart_at = time.time()
            for n in ("db1", "db2", "db3"):
                cluster("start", n, check=False)
            formed = wait_all_synced(120)
            sc.extra["the cluster formed again by itself"] = "yes" if formed else "no"
            ok &= formed
            time.sleep(10)
        ok &= sc.resume is not None
    finally:
        settle = time.time()
        time.sleep(8)
        load.finish()
    # Every acknowledged write on every node, and the same tables.
    log("\n== after the scenarios")
    wait_all_synced(60)
    acked = set((pid, price) for pid, price, _ in load.acked)
    for i in (1, 2, 3):
        rows = node_sql(i, "SELECT portfolio_id, price FROM transactions WHERE type = 'buy' "
                        "AND price LIKE '100.%'")
        have = set((int(p), "%.4f" % float(x)) for p, x in rows)
        missing = len(acked - have)
        log("db%d: %d acknowledged writes, %d missing" % (i, len(acked), missing))
        ok &= missing == 0
    log("writes given up unanswered: %d" % len(load.unacked))
    tables = [r[0] for r in node_sql(1, "SHOW TABLES")]
    sums = None
    for attempt in range(10):
        sums = [node_sql(i, "CHECKSUM TABLE " + ", ".join(tables)) for i in (1, 2, 3)]
        if sums[0] == sums[1] == sums[2]:
            break
        time.sleep(1)
    same = sums[0] == sums[1] == sums[2]
    log("table checksums equal on all nodes: %s (%d tables)" % ("yes" if same else "NO", len(tables)))
    ok &= same
    missing, example = events_missing(load, settle)
    log("live: %d streams, %d reconnections, events missing %d%s" % (
        len(load.streams), sum(r["reconnects"] for r in load.streams), missing,
        " (e.g. portfolio %d, write at %.1f)" % example if example else ""))
    ok &= missing == 0
    srv.shutdown()
    if started and not os.environ.get("FAILOVER_KEEP"):
        cluster("down", check=False)
    log("\nfailover: %s" % ("every target met" if ok else "TARGETS MISSED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
