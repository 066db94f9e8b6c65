"""What a user can point the server at: addresses of instruments priced
from a URL are fenced (loopback, private, link-local, IPv6, IPv4-mapped
IPv6, redirects, DNS rebinding), one user's slow addresses delay nobody
else's prices, and the fetch's memory does not grow with the size of
the answers."""
import http.server
import json
import os
import shutil
import socket
import socketserver
import subprocess
import threading
import time
import unittest
from decimal import Decimal

import feedserver
import harness
from pf_helpers import User

HERE = os.path.dirname(os.path.abspath(__file__))


class Counting(http.server.BaseHTTPRequestHandler):
    """An inner service: counts what reaches it, answers a price."""
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        self.server.hits += 1
        body = b'{"data":{"quote":[{"last":"4242.42"}]}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class Huge(http.server.BaseHTTPRequestHandler):
    """An answer of server.size bytes, written as it goes (a price
    after a long padding, so a reader that took it whole would parse)."""
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        self.server.hits += 1
        chunk = b" " * 65536
        size = self.server.size
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(size))
        self.end_headers()
        tail = b'{"data":{"quote":[{"last":"1.5"}]}}'
        try:
            left = size - len(tail)
            while left > 0:
                n = min(left, len(chunk))
                self.wfile.write(chunk[:n])
                left -= n
            self.wfile.write(tail)
        except (BrokenPipeError, ConnectionResetError):
            pass


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        pass


class Server6(Server):
    address_family = socket.AF_INET6


def serve(handler, address, cls=Server, **attrs):
    srv = cls((address, 0), handler)
    srv.hits = 0
    for k, v in attrs.items():
        setattr(srv, k, v)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


def have_namespaces():
    if os.geteuid() != 0 or not shutil.which("unshare") or not shutil.which("ip"):
        return False
    return subprocess.run(["unshare", "--net", "--mount", "true"],
                          capture_output=True).returncode == 0


class Fences(unittest.TestCase):
    """One stack whose fetch may reach only the stand-in source (by its
    address and port, in fetch_allow) and the public internet."""

    @classmethod
    def setUpClass(cls):
        cls.srv, cls.market = feedserver.start()
        cls.feed = "http://127.0.0.1:%d" % cls.srv.server_address[1]
        cls.inner = serve(Counting, "127.0.0.1")
        cls.inner6 = serve(Counting, "::1", Server6)
        env = feedserver.base_env(cls.srv)
        env.update({"NESTEGG_FETCH_INTERVAL": "0", "NESTEGG_FETCH_TIMEOUT": "5",
                    "NESTEGG_FETCH_RETRIES": "1", "NESTEGG_WORKERS": "1",
                    "NESTEGG_LIMIT_URL_INSTRUMENTS": "0"})
        cls.stack = harness.Stack(**env)
        cls.stack.start()
        cls.admin = User(cls.stack, "fadmin")      # the first: an admin
        cls.u = User(cls.stack, "fence")

    @classmethod
    def tearDownClass(cls):
        cls.stack.cleanup()
        for s in (cls.srv, cls.inner, cls.inner6):
            s.shutdown()

    def fetch(self, env=None, timeout=120):
        e = dict(self.stack.env)
        e.update(env or {})
        return subprocess.run([os.path.join(harness.BUILD, "nestegg"), "fetch",
                               "--quiet"], env=e, capture_output=True, text=True,
                              timeout=timeout)

    def url_instrument(self, user, symbol, template, field="data.quote.0.last"):
        r = user.api("POST", "/api/v1/instruments", {
            "symbol": symbol, "name": symbol + " quote", "kind": "stock",
            "currency": "USD", "source": "url", "source_symbol": symbol,
            "url_template": template, "url_field": field})
        self.assertIn(r.status, (200, 201), r.body)
        return r.json["id"]

    def state(self, iid):
        """(price or None, problem, last_error) of an instrument."""
        p = self.stack.sql("SELECT price FROM prices WHERE instrument_id = %d" % iid)
        h = self.stack.sql("SELECT COALESCE(problem, ''), last_error FROM "
                           "instrument_health WHERE instrument_id = %d" % iid)
        return (p[0][0] if p else None, h[0][0] if h else "", h[0][1] if h else "")

    def test_inner_addresses_are_never_reached(self):
        i4 = "127.0.0.1:%d" % self.inner.server_address[1]
        i6 = "[::1]:%d" % self.inner6.server_address[1]
        cases = {
            "LOOPV4": ("http://%s/q/{symbol}?apikey=SECRETKEY42" % i4, "loopback"),
            "LOOPV6": ("http://%s/q/{symbol}" % i6, "loopback"),
            "MAPPED": ("http://[::ffff:127.0.0.1]:%d/q/{symbol}"
                       % self.inner.server_address[1], "loopback"),
            "DECIMAL": ("http://2130706433:%d/q/{symbol}" % self.inner.server_address[1],
                        "loopback"),
            "PRIVATE": ("http://10.255.255.1/q/{symbol}", "private"),
            "METADATA": ("http://169.254.169.254/latest/meta-data/{symbol}", "link-local"),
            "ULA": ("http://[fd00::1]/q/{symbol}", "unique-local"),
            "NAT64": ("http://[64:ff9b::7f00:1]:%d/q/{symbol}"
                      % self.inner.server_address[1], "loopback"),
            # The stand-in source is allowed; where it sends the fetch
            # is judged again.
            "REDIR": ("%s/redirect/{symbol}?to=http://%s/q/x" % (self.feed, i4), "loopback"),
        }
        ids = {s: self.url_instrument(self.u, s, t) for s, (t, _) in cases.items()}
        files = self.url_instrument(self.u, "FILEREDIR",
                                    self.feed + "/redirect/{symbol}?to=file:///etc/passwd")
        allowed = self.url_instrument(self.u, "ALLOWED", self.feed + "/custom/{symbol}.json")
        self.market.custom["ALLOWED"] = "12.5"
        r = self.fetch()
        self.assertEqual(self.inner.hits, 0, r.stderr)
        self.assertEqual(self.inner6.hits, 0, r.stderr)
        for sym, (_, kind) in cases.items():
            price, problem, err = self.state(ids[sym])
            self.assertIsNone(price, sym)
            self.assertEqual(problem, "unreachable", (sym, err))
            self.assertIn("refused to connect", err, sym)
            self.assertIn("a %s address" % kind, err, sym)
        price, problem, err = self.state(files)
        self.assertIsNone(price)
        self.assertEqual(problem, "unreachable", err)
        self.assertEqual(Decimal(self.state(allowed)[0]), Decimal("12.5"))
        # The admin's log names each refusal; no secret of an address
        # is ever written.
        self.assertIn("refused to connect to 127.0.0.1", r.stderr)
        self.assertIn("refused to connect to ::1", r.stderr)
        self.assertNotIn("SECRETKEY42", r.stdout + r.stderr)
        # Only the source's own ranges: fetch_allow_private lets a
        # private address through, never a link-local one.
        r = self.fetch(env={"NESTEGG_FETCH_ALLOW_PRIVATE": "1",
                            "NESTEGG_FETCH_TIMEOUT": "1", "NESTEGG_FETCH_RETRIES": "0"})
        self.assertGreater(self.inner.hits, 0)
        self.assertIn("link-local", self.state(ids["METADATA"])[2])

    def test_user_url_failures_are_not_the_sites(self):
        iid = self.url_instrument(self.u, "GONE", "http://127.0.0.1:9/q/{symbol}")
        self.fetch()
        self.assertEqual(self.state(iid)[1], "unreachable")
        rows = self.stack.sql("SELECT failing_runs FROM feed_health WHERE source = 'url'")
        self.assertTrue(not rows or rows[0][0] == "0", rows)

    @unittest.skipUnless(have_namespaces(), "needs root, unshare and ip")
    def test_a_name_that_turns_inner_is_refused(self):
        """DNS rebinding: a name public when first asked, then private;
        and a name with a public and a private address at once."""
        port = harness.free_port()
        a = self.url_instrument(self.u, "REBIND", "http://rebind.test:%d/q/{symbol}" % port)
        b = self.url_instrument(self.u, "TWOFACE", "http://twofaced.test:%d/q/{symbol}" % port)
        env = dict(self.stack.env)
        env["NESTEGG_FETCH_RETRIES"] = "0"
        r = subprocess.run(["unshare", "--net", "--mount", "python3",
                            os.path.join(HERE, "rebind.py"), str(port),
                            os.path.join(harness.BUILD, "nestegg"), "fetch", "--quiet"],
                           env=env, capture_output=True, text=True, timeout=300)
        self.assertEqual(r.returncode, 0, r.stderr)
        out = json.loads(r.stdout.strip().splitlines()[-1])
        self.assertEqual(out["hits"], 0, out)
        # Both names were asked, rebind.test more than once.
        self.assertGreaterEqual(out["queries"].get("rebind.test", 0), 2, out)
        self.assertGreaterEqual(out["queries"].get("twofaced.test", 0), 1, out)
        for iid in (a, b):
            price, problem, err = self.state(iid)
            self.assertIsNone(price)
            self.assertEqual(problem, "unreachable")
            self.assertIn("refused to connect to 127.0.0.1", err)

    def test_one_users_slow_addresses_delay_nobody(self):
        slow = User(self.stack, "slowpoke")
        for k in range(24):
            sym = "SLOW%d" % k
            self.url_instrument(slow, sym, self.feed + "/custom/{symbol}.json")
            self.market.custom[sym] = "3"
            self.market.trouble("url:" + sym, "slow:30")
        fast = User(self.stack, "fast")
        iid = self.url_instrument(fast, "FASTQ", self.feed + "/custom/{symbol}.json")
        self.market.custom["FASTQ"] = "77.25"
        self.market.yahoo["FASTY"] = {"price": "55.5", "time": int(time.time()) - 60}
        r = fast.api("POST", "/api/v1/instruments", {
            "symbol": "FASTY", "name": "Fast", "kind": "stock", "currency": "USD",
            "source": "yahoo"})
        yid = r.json["id"]
        pid = fast.portfolio("Fast", "USD")
        r = fast.import_csv(pid, "date,type,symbol,quantity,price\n"
                                 "2024-01-02,buy,FASTY,2,50\n")
        self.assertEqual(r.status, 200, r.body)
        e = dict(self.stack.env)
        e["NESTEGG_FETCH_URL_SECONDS"] = "6"
        t0 = time.time()
        p = subprocess.Popen([os.path.join(harness.BUILD, "nestegg"), "fetch", "--quiet"],
                             env=e, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        stored_at = valued_at = None
        while p.poll() is None and time.time() - t0 < 60:
            if stored_at is None and self.state(iid)[0] and self.state(yid)[0]:
                stored_at = time.time() - t0
            if valued_at is None and self.stack.sql(
                    "SELECT value FROM portfolio_latest WHERE portfolio_id = %d "
                    "AND value = 111" % pid):
                valued_at = time.time() - t0
            time.sleep(0.1)
        out, err = p.communicate(timeout=60)
        took = time.time() - t0
        self.addCleanup(self.stack.sql, "DELETE FROM instruments WHERE symbol LIKE 'SLOW%'")
        self.market.troubles.clear()
        # The other user's address and the source's price were stored,
        # and their portfolio revalued, while the slow user's addresses
        # were still waiting; those stopped at fetch_url_seconds.
        self.assertIsNotNone(stored_at, err)
        self.assertIsNotNone(valued_at, err)
        self.assertLess(stored_at, 3.5, err)
        self.assertLess(valued_at, 4.5, err)
        self.assertLess(took, 15, err)
        self.assertGreater(took, 5.5)
        row = self.stack.sql("SELECT COUNT(*) FROM instrument_health h JOIN instruments i "
                             "ON i.id = h.instrument_id WHERE i.symbol LIKE 'SLOW%' "
                             "AND h.problem = 'unreachable'")
        self.assertEqual(row[0][0], "24")
        print("\n  fence: another user's price stored %.1f s and revalued %.1f s "
              "into a fetch of %.1f s (24 slow addresses, fetch_url_seconds 6)"
              % (stored_at, valued_at, took))

    def test_memory_stays_flat_whatever_the_answers(self):
        """20 users' addresses on 20 hosts answering 32 MB each: the
        fetch's peak memory is that of tiny answers, give or take."""
        hosts = ["127.0.0.%d" % (i + 2) for i in range(20)]
        servers = [serve(Huge, h, size=4) for h in hosts]
        try:
            self.stack.sql("DELETE FROM instruments WHERE source = 'url' AND symbol "
                           "LIKE 'HUGE%'")
            values = ",".join(
                "(%d, 'HUGE%d', 'Huge', 'stock', 'USD', 'url', 'HUGE%d', "
                "'http://%s:%d/q/{symbol}', 'data.quote.0.last', NOW())"
                % (100000 + k, k, k, h, s.server_address[1])
                for k, (h, s) in enumerate(zip(hosts, servers)))
            self.stack.sql("INSERT INTO instruments (owner_id, symbol, name, kind, "
                           "currency, source, source_symbol, url_template, url_field, "
                           "created_at) VALUES " + values)

            def peak(size):
                for s in servers:
                    s.size = size
                env = dict(self.stack.env)
                # (The other tests' 10.255.255.1 is then tried: briefly.)
                env.update({"NESTEGG_FETCH_ALLOW_PRIVATE": "1",
                            "NESTEGG_FETCH_TIMEOUT": "2", "NESTEGG_FETCH_RETRIES": "0"})
                p = subprocess.Popen([os.path.join(harness.BUILD, "nestegg"), "fetch",
                                      "--quiet"], env=env, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
                _, status, usage = os.wait4(p.pid, 0)
                p.returncode = status
                return usage.ru_maxrss / 1024.0       # MiB

            small = peak(len(b'{"data":{"quote":[{"last":"1.5"}]}}'))
            big = peak(32 * 1024 * 1024)
            self.assertTrue(all(s.hits >= 2 for s in servers))
            ids = self.stack.sql("SELECT id FROM instruments WHERE symbol LIKE 'HUGE%'")
            errs = [self.state(int(i[0])) for i in ids]
            self.assertTrue(all("answer larger than" in e[2] for e in errs), errs[:2])
            self.assertTrue(all(e[1] == "not_understood" for e in errs), errs[:2])
            self.assertLess(big - small, 16, (small, big))
            print("\n  fence: fetch peak memory %.1f MiB with 20 answers of 32 MB, "
                  "%.1f MiB with tiny ones" % (big, small))
        finally:
            self.stack.sql("DELETE FROM instruments WHERE symbol LIKE 'HUGE%'")
            for s in servers:
                s.shutdown()

    def test_a_shared_name_comes_from_its_source_or_an_admin(self):
        self.market.yahoo["SRCNM"] = {"price": "10.5", "time": int(time.time()) - 60,
                                      "name": "Source Name Inc."}
        r = self.u.api("POST", "/api/v1/instruments", {
            "symbol": "SRCNM", "name": "Apple squat", "kind": "stock",
            "currency": "USD", "source": "yahoo"})
        self.assertEqual(r.status, 201, r.body)
        iid = r.json["id"]
        self.fetch()
        row = self.stack.sql("SELECT name, name_by FROM instruments WHERE id = %d" % iid)
        self.assertEqual(row, [["Source Name Inc.", "source"]])
        # Its first user keeps their own name; once listed, everyone
        # else sees the source's.
        self.assertIn("Apple squat", self.u.c.get("/instruments/%d" % iid).text)
        self.assertEqual(self.stack.cli("instrument", "set", str(iid), "--list").returncode, 0)
        other = User(self.stack, "reader")
        page = other.c.get("/instruments?q=SRCNM").text
        self.assertIn("Source Name Inc.", page)
        self.assertNotIn("Apple squat", page)
        # An admin's name is never replaced by the source's.
        r = self.stack.cli("instrument", "set", str(iid), "--name", "Admin Name")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.market.yahoo["SRCNM"] = dict(self.market.yahoo["SRCNM"], price="10.75",
                                          time=int(time.time()))
        self.fetch()
        row = self.stack.sql("SELECT name, name_by FROM instruments WHERE id = %d" % iid)
        self.assertEqual(row, [["Admin Name", "admin"]])
