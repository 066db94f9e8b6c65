"""What an attacker's probe and a fault drill found, each held now: numbers
too large for their columns, strict JSON bodies, control and direction
characters in names, spreadsheet formulas in CSV exports, a stalled
database, and a worker's memory after a large request."""
import csv
import datetime
import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import unittest

import harness
from pf_helpers import User, count, instrument

BIG = "1000000000000000000"          # 10^18: one digit more than a column holds
NINES = "999999999999999999"         # fits, once


class Columns(unittest.TestCase):
    """A number that passes a form's checks must also fit its column: a
    422 naming the field, everywhere, and nothing half written."""

    def setUp(self):
        self.stack = harness.shared
        self.u = User(self.stack, "cols")
        self.sym = instrument(self.u, source="manual")
        self.pid = self.u.portfolio("Columns", "USD")

    def txs(self):
        return count(self.stack, "SELECT COUNT(*) FROM transactions WHERE portfolio_id = %d"
                     % self.pid)

    def test_the_form_refuses_and_the_portfolio_stays_usable(self):
        r = self.u.add_tx(self.pid, date="2024-01-02", type="buy", symbol=self.sym,
                          quantity="1", price=BIG)
        self.assertEqual(r.status, 422)
        self.assertIn("too large", harness.page_text(r.text))
        # Quantity and price each fit; their product does not.
        r = self.u.add_tx(self.pid, date="2024-01-02", type="buy", symbol=self.sym,
                          quantity="1000000000000", price="1000000000000")
        self.assertEqual(r.status, 422)
        self.assertIn("Quantity times price is too large", harness.page_text(r.text))
        # One buy of the most a quantity holds; a second would overflow
        # the holding: refused, and the first stays.
        r = self.u.add_tx(self.pid, date="2024-01-02", type="buy", symbol=self.sym,
                          quantity=NINES, price="0.000001")
        self.assertEqual(r.status, 303, r.text)
        r = self.u.add_tx(self.pid, date="2024-01-03", type="buy", symbol=self.sym,
                          quantity=NINES, price="0.000001")
        self.assertEqual(r.status, 422)
        self.assertIn("quantity held would be too large", harness.page_text(r.text))
        # Cash: two deposits that each fit, whose sum does not.
        for day, status in (("2024-01-04", 303), ("2024-01-05", 422)):
            r = self.u.add_tx(self.pid, date=day, type="deposit", amount="900000000000000000")
            self.assertEqual(r.status, status, r.text)
        self.assertIn("too large to store", harness.page_text(r.text))
        self.assertEqual(self.txs(), 2)
        # Later changes work as ever.
        r = self.u.add_tx(self.pid, date="2024-01-06", type="withdrawal", amount="5")
        self.assertEqual(r.status, 303)
        self.assertEqual(self.u.view(self.pid)["cash"][0]["balance"], "899998999999999995.00")
        r = self.u.api("GET", "/api/v1/portfolios/%d/performance" % self.pid)
        self.assertEqual(r.status, 200, r.body)

    def test_a_value_past_any_column_leaves_the_holding_unpriced(self):
        # The most a holding holds, then a price that makes it worth
        # 10^27: the valuation run goes on for everyone, and the
        # holding is shown without a value, never as NaN or a 500.
        r = self.u.add_tx(self.pid, date="2024-01-02", type="buy", symbol=self.sym,
                          quantity=NINES, price="0.000001")
        self.assertEqual(r.status, 303)
        other = self.u.portfolio("Beside it", "USD")
        self.assertEqual(self.u.add_tx(other, date="2024-01-02", type="deposit",
                                       amount="10").status, 303)
        self.assertEqual(self.stack.cli("price", "set", self.sym, "999999999").returncode, 0)
        r = self.stack.cli("revalue")
        self.assertEqual(r.returncode, 0, r.stderr)
        view = self.u.view(self.pid)
        self.assertEqual(view["totals"]["unpriced"], 1)
        self.assertNotIn("NaN", str(view))
        self.assertEqual(self.u.view(other)["totals"]["value"], "10.00")
        for path in ("/", "/portfolios/%d" % self.pid, "/portfolios/%d/performance" % self.pid):
            self.assertEqual(self.u.c.get(path).status, 200, path)
        r = self.u.api("GET", "/api/v1/portfolios/%d/performance" % self.pid)
        self.assertEqual(r.status, 200, r.body)
        self.assertNotIn(b"NaN", r.body)

    def test_imports_and_the_cli_refuse_too(self):
        r = self.u.import_csv(self.pid, "date,type,symbol,quantity,price\n"
                                        "2024-01-02,buy,%s,1,%s\n" % (self.sym, BIG))
        self.assertEqual(r.status, 422, r.body)
        self.assertEqual(r.json["error"]["lines"][0]["line"], 2)
        self.assertEqual(r.json["error"]["lines"][0]["field"], "price")
        r = self.u.import_csv(self.pid, "date,type,symbol,quantity,price\n"
                                        "2024-01-02,buy,%s,%s,0.000001\n"
                                        "2024-01-03,buy,%s,%s,0.000001\n"
                                        % (self.sym, NINES, self.sym, NINES))
        self.assertEqual(r.status, 422, r.body)
        self.assertIn("too large", r.body.decode())
        r = self.u.import_csv(self.pid, "date,type,amount\n"
                                        "2024-01-02,deposit,900000000000000000\n"
                                        "2024-01-03,deposit,900000000000000000\n")
        self.assertEqual(r.status, 422, r.body)
        self.assertEqual(self.txs(), 0)
        self.assertEqual(self.u.import_csv(self.pid, "date,type,amount\n"
                                                     "2024-01-02,deposit,10\n").status, 200)
        r = self.stack.cli("price", "set", self.sym, BIG)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("too large", r.stderr)
        r = self.stack.cli("fx", "set", "EUR", "USD", BIG)
        self.assertNotEqual(r.returncode, 0)
        # A price history upload names the line.
        iid = int(self.stack.sql("SELECT instrument_id FROM user_symbols WHERE symbol = '%s'"
                                 % self.sym)[0][0])
        self.u.c.get("/instruments/%d" % iid)
        r = self.u.c.post("/instruments/%d" % iid,
                          {"history_text": "date,close\n2024-01-02,%s\n" % BIG})
        self.assertEqual(r.status, 422)
        self.assertIn("Line 2: close: That number is too large", harness.page_text(r.text))


class Bodies(unittest.TestCase):
    """The JSON API reads exactly one object of plain values."""

    def setUp(self):
        self.u = User(harness.shared, "json")

    def post(self, raw):
        return self.u.api("POST", "/api/v1/portfolios", raw)

    def test_strict_json(self):
        r = self.post('{"name": {"a": 1}, "currency": "USD"}')
        self.assertEqual(r.status, 422, r.body)
        self.assertEqual(r.json["error"]["field"], "name")
        r = self.post('{"name": ["x"], "currency": "USD"}')
        self.assertEqual(r.status, 422)
        for bad in ('{"name": "A", "currency": "USD"} trailing', '{"name": "A"}{}',
                    '[{"name": "A"}]', '{"name": "A",}', "{'name': 'A'}", '"A"', ""):
            r = self.post(bad)
            self.assertEqual(r.status, 400, (bad, r.body))
            self.assertIn("application/json", r.header("Content-Type"))
        r = self.post('  {"name": "Fine", "currency": "USD"}\r\n')
        self.assertEqual(r.status, 201, r.body)


class Names(unittest.TestCase):
    """Names read as they are: no control or direction characters."""

    def setUp(self):
        self.u = User(harness.shared, "names")

    def test_controls_and_overrides_are_refused(self):
        for name in ("Evil\u202egnp.exe", "Bell\x07", "Tab\there", "A\u2066B\u2069",
                     "Line\u2028break", "C1\u0085"):
            r = self.u.api("POST", "/api/v1/portfolios", {"name": name, "currency": "USD"})
            self.assertEqual(r.status, 422, (name, r.body))
            self.assertEqual(r.json["error"]["field"], "name")
            r = self.u.api("POST", "/api/v1/instruments",
                           {"symbol": "OK1", "name": name, "kind": "stock",
                            "currency": "USD", "source": "manual"})
            self.assertEqual(r.status, 422, (name, r.body))
        r = self.u.api("POST", "/api/v1/instruments",
                       {"symbol": "X\u202eY", "name": "Fine", "kind": "stock",
                        "currency": "USD", "source": "manual"})
        self.assertEqual(r.status, 422)
        self.assertEqual(r.json["error"]["field"], "symbol")
        # Accents, scripts and emoji are names like any other.
        r = self.u.api("POST", "/api/v1/portfolios",
                       {"name": "Épargne 老後 \U0001F331", "currency": "EUR"})
        self.assertEqual(r.status, 201, r.body)
        pid = r.json["id"]
        # A note may hold lines, not overrides.
        r = self.u.add_tx(pid, date="2024-01-02", type="deposit", amount="5",
                          note="a\u202eb")
        self.assertEqual(r.status, 422)
        r = self.u.add_tx(pid, date="2024-01-02", type="deposit", amount="5",
                          note="first line\r\nsecond line")
        self.assertEqual(r.status, 303)


class Exports(unittest.TestCase):
    """No cell a person typed is read as a formula by a spreadsheet."""

    def test_formulas_are_neutralised(self):
        u = User(harness.shared, "csvx")
        pid = u.portfolio("Formulas", "USD")
        notes = ["=HYPERLINK(\"http://x\",\"y\")", "+1+1", "-2+3", "@SUM(A1)", "\tTab",
                 "plain"]
        for k, note in enumerate(notes):
            r = u.add_tx(pid, date="2024-01-%02d" % (k + 2), type="withdrawal" if k else
                         "deposit", amount="100" if k == 0 else "1", note=note)
            self.assertEqual(r.status, 303, (note, r.text))
        r = u.c.get("/portfolios/%d/export.csv" % pid)
        self.assertEqual(r.status, 200)
        rows = list(csv.reader(io.StringIO(r.text)))
        self.assertEqual([row[-1] for row in rows[1:]],
                         ["'=HYPERLINK(\"http://x\",\"y\")", "'+1+1", "'-2+3", "'@SUM(A1)",
                          "'\tTab", "plain"])
        # Numbers stay numbers: no quote before a negative amount.
        self.assertNotIn("'-1", r.text.replace("'-2+3", ""))


class Faults(unittest.TestCase):
    """A stalled database is a prompt 503; a large request's memory goes
    back to the system."""

    def test_a_stalled_database_answers_503_within_seconds(self):
        stack = harness.shared
        u = User(stack, "stall")
        pid = u.portfolio("Stall", "USD")
        db = stack.pid("mariadb")
        os.kill(db, signal.SIGSTOP)
        try:
            t0 = time.monotonic()
            r = u.c.get("/portfolios/%d" % pid)
            took = time.monotonic() - t0
        finally:
            os.kill(db, signal.SIGCONT)
        self.assertEqual(r.status, 503)
        self.assertLess(took, 12)
        # And it serves again once the database is back.
        for _ in range(20):
            r = u.c.get("/portfolios/%d" % pid)
            if r.status == 200:
                break
            time.sleep(0.5)
        self.assertEqual(r.status, 200)

    def test_a_killed_worker_is_started_again(self):
        stack = harness.shared
        u = User(stack, "respawn")
        for name in ("web-1", "live"):
            old = stack.pid(name + ".worker")
            os.kill(old, signal.SIGKILL)
            new = None
            for _ in range(100):
                new = stack.pid(name + ".worker")
                if new and new != old and os.path.exists("/proc/%d" % new):
                    break
                time.sleep(0.1)
            self.assertNotEqual(new, old, name)
            self.assertTrue(os.path.exists("/proc/%d" % new), name)
        # Every request is answered meanwhile and after.
        for _ in range(20):
            self.assertEqual(u.c.get("/").status, 200)
        with open(stack.path("log", "web.log")) as f:
            self.assertIn("died of signal 9", f.read())

    def test_start_after_a_crash_takes_no_dead_worker_for_live(self):
        # The supervisor and its worker both killed: a start brings up
        # a new pair, and the site answers from it.
        stack = harness.shared
        sup, worker = stack.pid("web-2"), stack.pid("web-2.worker")
        os.kill(sup, signal.SIGKILL)
        os.kill(worker, signal.SIGKILL)
        time.sleep(0.3)
        r = stack.start()
        self.assertIn("page workers", r.stdout)
        self.assertNotEqual(stack.pid("web-2"), sup)
        self.assertNotEqual(stack.pid("web-2.worker"), worker)
        u = User(stack, "restart")
        for _ in range(10):
            self.assertEqual(u.c.get("/").status, 200)

    def test_a_worker_killed_mid_import_writes_nothing(self):
        # Every page worker killed while a large import is on its way:
        # all of it or nothing, never a part.
        stack = harness.shared
        u = User(stack, "midimport")
        pid = u.portfolio("Mid-import", "USD")
        start = datetime.date(2000, 1, 1)
        body = "date,type,amount\n" + "".join(
            "%s,deposit,%d\n" % (start + datetime.timedelta(days=k // 10), k + 1)
            for k in range(60000))
        result = {}

        def send():
            try:
                result["r"] = u.import_csv(pid, body)
            except Exception as e:          # the connection may just end
                result["e"] = e
        t = threading.Thread(target=send)
        t.start()
        time.sleep(0.4)
        for name in ("web-1", "web-2"):
            os.kill(stack.pid(name + ".worker"), signal.SIGKILL)
        t.join(60)
        n = count(stack, "SELECT COUNT(*) FROM transactions WHERE portfolio_id = %d" % pid)
        self.assertIn(n, (0, 60000), "a part of the import was written")
        bal = stack.sql("SELECT COALESCE(SUM(balance), 0) FROM cash_balances WHERE "
                        "portfolio_id = %d" % pid)[0][0]
        self.assertEqual(float(bal), 0 if n == 0 else sum(range(1, 60001)))
        # The workers are back (their supervisors started them again);
        # the import can be sent again.
        c = stack.client()
        for _ in range(100):
            r = c.get("/healthz")
            if r.status == 200:
                break
            time.sleep(0.1)
        self.assertEqual(r.status, 200, r.body)
        if n == 0:
            r = u.import_csv(pid, body)
            self.assertEqual(r.status, 200, r.body[:300])
        self.assertEqual(count(stack, "SELECT COUNT(*) FROM transactions WHERE "
                                      "portfolio_id = %d" % pid), 60000)

    @unittest.skipIf("asan" in harness.BUILD, "AddressSanitizer holds freed memory in its "
                     "quarantine: this is measured on the real build")
    def test_a_large_bad_import_leaves_no_memory_behind(self):
        stack = harness.shared
        u = User(stack, "memory")
        pid = u.portfolio("Memory", "USD")

        def rss():
            total = 0
            for name, p in stack.pids().items():
                if name.startswith("web-"):
                    with open("/proc/%d/status" % p) as f:
                        total += int(next(l for l in f if l.startswith("VmRSS:")).split()[1])
            return total

        # More lines than one import takes: refused at once.
        r = u.import_csv(pid, "date,type,amount\n" + "x\n" * 500000)
        self.assertEqual(r.status, 422)
        self.assertIn("Too many lines", r.body.decode())
        # Under the limit, all bad: the errors are capped with a count of
        # the rest, and the workers are back to their size afterwards.
        body = "date,type,amount\n" + "x,y,z\n" * 100000
        u.import_csv(pid, "date,type,amount\n2024-01-02,deposit,1\n")
        before = rss()
        for _ in range(8):
            r = u.import_csv(pid, body)
            self.assertEqual(r.status, 422, r.body[:300])
        self.assertEqual(len(r.json["error"]["lines"]), 200)
        self.assertEqual(r.json["error"]["errors"], 100000)
        after = rss()
        self.assertLess(after - before, 40 * 1024, (before, after))

    def test_page_workers_run_without_thread_caches(self):
        # A page worker starts itself again with glibc's per-thread
        # caches off (see no_thread_caches in cgi-bin/main.c), keeping
        # its pid, its arguments and any tunable it was given.
        stack = harness.shared
        for name in ("web-1", "web-2"):
            pid = stack.pid(name + ".worker")
            with open("/proc/%d/environ" % pid, "rb") as f:
                env = dict(kv.split(b"=", 1) for kv in f.read().split(b"\0") if b"=" in kv)
            self.assertIn(b"glibc.malloc.tcache_count=0", env.get(b"GLIBC_TUNABLES", b""),
                          name)
            with open("/proc/%d/cmdline" % pid, "rb") as f:
                self.assertIn(b"--socket", f.read(), name)
            # Still named as itself (ps, top, pgrep read comm).
            with open("/proc/%d/comm" % pid) as f:
                self.assertEqual(f.read().strip(), "nestegg-web", name)
        found = subprocess.run(["pgrep", "-x", "nestegg-web"], capture_output=True,
                               text=True).stdout.split()
        for name in ("web-1", "web-2"):
            self.assertIn(str(stack.pid(name + ".worker")), found)
        self.assertEqual(stack.client().get("/healthz").status, 200)


class Monitoring(unittest.TestCase):
    """/healthz and /metrics, from this host or for an admin; a log line a
    request with its id."""

    def test_healthz_says_what_is_up(self):
        stack = harness.shared
        c = stack.client()
        r = c.get("/healthz")
        self.assertEqual(r.status, 200, r.body)
        h = json.loads(r.body)
        self.assertEqual(h["status"], "ok")
        self.assertTrue(h["database"])
        self.assertEqual(h["workers"], {"web-1": True, "web-2": True, "live": True})
        self.assertIn("last_fetch_age_seconds", h)
        # The one database server, as the one node: plain, serving.
        db = h["database_nodes"]
        self.assertEqual((db["status"], db["nodes_listed"], db["nodes_serving"]), ("ok", 1, 1))
        self.assertEqual(db["nodes"][0]["node"], stack.path("run", "mariadb.sock"))
        self.assertEqual((db["nodes"][0]["up"], db["nodes"][0]["serving"],
                          db["nodes"][0]["galera"]), (True, True, False))
        # A worker down (its supervisor held, so that it stays down):
        # 503, naming it.
        sup, worker = stack.pid("live"), stack.pid("live.worker")
        os.kill(sup, signal.SIGSTOP)
        try:
            os.kill(worker, signal.SIGKILL)
            time.sleep(0.3)
            r = c.get("/healthz")
            self.assertEqual(r.status, 503)
            self.assertEqual(json.loads(r.body)["workers"]["live"], False)
        finally:
            os.kill(sup, signal.SIGCONT)
        for _ in range(50):
            if c.get("/healthz").status == 200:
                break
            time.sleep(0.2)
        self.assertEqual(c.get("/healthz").status, 200)

    def test_metrics_in_prometheus_format(self):
        stack = harness.shared
        c = stack.client()
        for _ in range(3):
            self.assertEqual(c.get("/login").status, 200)
        r = c.get("/metrics")
        self.assertEqual(r.status, 200)
        self.assertIn("text/plain; version=0.0.4", r.header("content-type"))
        text = r.text
        m = re.search(r'^nestegg_http_requests_total\{route="/login",status="200"\} (\d+)$',
                      text, re.M)
        self.assertIsNotNone(m, text[:2000])
        self.assertGreaterEqual(int(m.group(1)), 3)
        self.assertRegex(text, r'nestegg_http_request_duration_seconds_bucket\{route="/login",'
                               r'le="\+Inf"\} \d+')
        self.assertRegex(text, r'nestegg_worker_up\{worker="web-1"\} 1')
        self.assertRegex(text, r"(?m)^nestegg_db_up 1$")
        self.assertRegex(text, r"(?m)^nestegg_db_connections [1-9]")
        self.assertRegex(text, r"(?m)^nestegg_live_streams \d+$")
        sock = re.escape(stack.path("run", "mariadb.sock"))
        self.assertRegex(text, r'(?m)^nestegg_db_node_up\{node="%s"\} 1$' % sock)
        self.assertRegex(text, r'(?m)^nestegg_db_node_serving\{node="%s"\} 1$' % sock)
        self.assertRegex(text, r"(?m)^nestegg_db_nodes 1$")
        # Every line is a comment or "name{labels} value".
        for line in text.splitlines():
            self.assertRegex(line, r'^(# (HELP|TYPE) .+|[a-z_]+(\{[^}]*\})? -?[0-9.e+]+)$')
        # One log line a request, with nginx's id, also sent back.
        rid = r.header("x-request-id")
        self.assertRegex(rid, r"^[0-9a-f]{32}$")
        with open(stack.path("log", "web.log")) as f:
            self.assertRegex(f.read(), r"req %s 127\.[0-9.]+ GET /metrics 200 " % rid)

    def test_alert_rules_name_metrics_that_exist(self):
        # Every series the sample alert rules read is one /metrics
        # declares (or, for those that wait for a first fetch or
        # valuation run, one its page names).
        rules = os.path.join(harness.ROOT, "scripts", "prometheus", "nestegg-alerts.yml")
        with open(rules) as f:
            exprs = [line.split("expr:", 1)[1] for line in f if line.strip().startswith("expr:")]
        self.assertGreaterEqual(len(exprs), 14)
        text = harness.shared.client().get("/metrics").text
        declared = set(re.findall(r"(?m)^# TYPE (\S+) ", text))
        with open(os.path.join(harness.ROOT, "cgi-bin", "pages", "metrics.c")) as f:
            declared |= set(re.findall(r'"(nestegg_(?:fetch|valuation)_last_[a-z_]+)"', f.read()))
        used = set()
        for e in exprs:
            used |= set(re.findall(r"\bnestegg_[a-z_]+", e))
        for name in sorted(used):
            base = re.sub(r"_(bucket|sum|count)$", "", name)
            self.assertTrue(name in declared or base in declared, name)

    def test_alert_rules_pass_promtool(self):
        # Where promtool is installed: the rules' syntax, and their tests
        # (scripts/prometheus/nestegg-alerts.test.yml).
        rules = os.path.join(harness.ROOT, "scripts", "prometheus", "nestegg-alerts.yml")
        promtool = shutil.which("promtool")
        if promtool is None:
            self.skipTest("promtool is not installed: the rules' syntax is not checked")
        for args in (["check", "rules", rules], ["test", "rules", "nestegg-alerts.test.yml"]):
            r = subprocess.run([promtool] + args, cwd=os.path.dirname(rules),
                               capture_output=True, text=True, timeout=60)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def in_syslog(self, argv, until, stop=False):
        """Runs argv with log = syslog in a mount namespace of its own
        whose /dev/log is this test's socket, until a datagram matching
        until arrives (then SIGTERM when stop) or it exits; returns the
        datagrams."""
        stack = harness.shared
        tmp = tempfile.mkdtemp(dir=stack.path("tmp"))
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        sock.bind(os.path.join(tmp, "log.sock"))
        sock.settimeout(0.2)
        dev = os.path.join(tmp, "dev")
        os.mkdir(dev)
        # The devices a process needs, and log: the socket.
        script = ('for n in null zero urandom random; do : > "$1/$n"; '
                  'mount --bind "/dev/$n" "$1/$n" || exit 97; done; '
                  'ln -s "$1/../log.sock" "$1/log"; mount --bind "$1" /dev || exit 97; '
                  'shift; exec "$@"')
        env = dict(stack.env, NESTEGG_LOG="syslog")
        p = subprocess.Popen(["unshare", "--mount", "--propagation", "private",
                              "sh", "-c", script, "sh", dev] + argv, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        got, deadline = [], time.time() + 30
        try:
            while time.time() < deadline:
                try:
                    got.append(sock.recv(4096).decode())
                    if re.search(until, got[-1]):
                        if not stop:
                            break
                        p.send_signal(signal.SIGTERM)
                        stop = False
                except socket.timeout:
                    if p.poll() is not None:
                        break
            p.wait(timeout=30)
            while True:
                try:
                    got.append(sock.recv(4096).decode())
                except socket.timeout:
                    break
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
            sock.close()
        if p.returncode == 97:
            self.skipTest("no mount namespace here: " + p.stderr.read().decode())
        return got, p.returncode, p.stdout.read().decode()

    def test_log_to_syslog(self):
        # log = syslog: a page worker's lines and a job's summary and
        # failure go to syslog, daemon facility, at their level's
        # priority (<30> info, <27> error), with the process's name and
        # pid; the tool still prints its summary.
        stack = harness.shared
        sock = stack.path("tmp", "syslog-web.sock")
        got, rc, _ = self.in_syslog(
            [os.path.join(harness.BUILD, "nestegg-web"), "--socket", sock],
            r"threads on", stop=True)
        self.assertEqual(rc, 0, got)
        text = "\n".join(got)
        self.assertRegex(text, r"^<30>.* nestegg-web\[\d+\]: info nestegg-web \d+: "
                               r"\d+ threads on ", text)
        self.assertRegex(text, r"<30>.*nestegg-web\[\d+\]: info nestegg-web \d+: stopped")
        self.assertNotRegex(text, r"\d{4}-\d\d-\d\dT")      # syslog keeps the time
        got, rc, out = self.in_syslog([os.path.join(harness.BUILD, "nestegg"), "gc"],
                                      r"gc: removed")
        self.assertEqual(rc, 0, got)
        self.assertRegex(out, r"^gc: removed \d+ expired sessions")
        self.assertRegex("\n".join(got), r"<30>.* nestegg\[\d+\]: info gc: removed ")
        got, rc, _ = self.in_syslog([os.path.join(harness.BUILD, "nestegg"), "price",
                                     "set", "NO-SUCH-SYMBOL", "1"], r"NO-SUCH-SYMBOL")
        self.assertEqual(rc, 1, got)
        self.assertRegex("\n".join(got), r"<27>.* nestegg\[\d+\]: error .*NO-SUCH-SYMBOL")
        # Anything else is refused.
        env = dict(stack.env, NESTEGG_LOG="journal")
        r = subprocess.run([os.path.join(harness.BUILD, "nestegg"), "gc"], env=env,
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 1)
        self.assertIn("log: stderr or syslog", r.stderr)

    def test_gc_rotates_large_logs(self):
        stack = harness.shared
        path = stack.path("log", "rotate-me.log")
        with open(path, "wb") as f:
            f.write(b"x" * (11 << 20))
        r = stack.cli("gc")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout, r"rotated [1-9]\d* logs")
        self.assertEqual(os.path.getsize(path), 0)
        self.assertEqual(os.path.getsize(path + ".1"), 11 << 20)
        os.unlink(path + ".1")

    def test_not_from_elsewhere(self):
        # Another address (as plain CGI, where the server says who asks):
        # 403, for both.
        stack = harness.shared
        for path in ("/metrics", "/healthz"):
            env = dict(stack.env, REQUEST_METHOD="GET", PATH_INFO=path,
                       REMOTE_ADDR="203.0.113.9", GATEWAY_INTERFACE="CGI/1.1",
                       SERVER_PROTOCOL="HTTP/1.1", HTTPS="on")
            r = subprocess.run([os.path.join(harness.BUILD, "nestegg-web")], env=env,
                               capture_output=True, timeout=30)
            self.assertIn(b"Status: 403", r.stdout, path)


if __name__ == "__main__":
    unittest.main()
