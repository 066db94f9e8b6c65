"""Fences around the JSON API, each found by a security review and held
now: a body is read against the page's declared fields (no unknown key,
no wrong type, no key twice); what nginx answers itself under /api/ and
for /healthz is JSON, also for a request it could not read; /healthz is
JSON when the database is stalled or the page workers are down; the
limit of open /live streams per session is keyed on the real session
cookie only; a user's API writes are limited per minute, counted in the
database."""
import concurrent.futures
import http.client
import json
import os
import secrets
import signal
import socket
import ssl
import time
import unittest

import harness
from pf_helpers import User, count

LIMIT = 6                   # API writes a minute on this file's own stack

_own = None


def own_stack():
    """A small stack of this file's own, for what the shared one must
    not see: a low limit of API writes, a stalled database, page
    workers down.  Started by the first class that needs it."""
    global _own
    if _own is None:
        stack = harness.Stack(NESTEGG_LIMIT_API_WRITES=str(LIMIT), NESTEGG_DB_TIMEOUT="2",
                              NESTEGG_THREADS="2")
        try:
            stack.start()
        except Exception:
            stack.cleanup()
            raise
        _own = stack
    return _own


def tearDownModule():
    if _own is not None:
        _own.cleanup()


def raw(stack, data, tls=True):
    """Sends data as it is, on a connection of its own; returns the
    answer's status, Content-Type and body."""
    sock = socket.create_connection(("127.0.0.1", stack.https_port), timeout=15)
    if tls:
        ctx = ssl.create_default_context(cafile=stack.path("etc", "tls", "cert.pem"))
        sock = ctx.wrap_socket(sock, server_hostname="127.0.0.1")
    try:
        sock.sendall(data)
        resp = http.client.HTTPResponse(sock)
        resp.begin()
        return resp.status, resp.getheader("Content-Type") or "", resp.read()
    finally:
        sock.close()


def json_error(test, status, ctype, body, code):
    """Asserts an answer is code as nestegg's JSON error; returns it."""
    test.assertEqual(status, code, body[:300])
    test.assertIn("application/json", ctype, body[:300])
    err = json.loads(body)["error"]
    test.assertEqual(err["status"], code)
    test.assertTrue(err["message"])
    return err


def html_error(test, status, ctype, body, code):
    test.assertEqual(status, code, body[:300])
    test.assertIn("text/html", ctype)
    test.assertIn("Error %d" % code, harness.page_text(body.decode()))


class StrictJson(unittest.TestCase):
    """An API body is read against the page's declared fields: a key it
    does not declare, a value of another type, a key given twice (also
    when only its escapes differ) is a 422 naming the field, and nothing
    is written."""

    @classmethod
    def setUpClass(cls):
        cls.stack = harness.shared
        cls.u = User(cls.stack, "strict")

    def rows(self):
        return self.stack.sql("SELECT (SELECT COUNT(*) FROM portfolios), "
                              "(SELECT COUNT(*) FROM instruments)")

    def refused(self, path, body, field):
        before = self.rows()
        r = self.u.api("POST", path, body)
        self.assertEqual(r.status, 422, (body, r.body))
        self.assertIn("application/json", r.header("content-type"))
        self.assertEqual(r.json["error"]["status"], 422)
        self.assertEqual(r.json["error"]["field"], field, body)
        self.assertTrue(r.json["error"]["message"])
        self.assertEqual(self.rows(), before, body)

    def test_portfolios(self):
        p = "/api/v1/portfolios"
        self.refused(p, '{"name": "Mine", "currency": "USD", "owner_id": 1}', "owner_id")
        self.refused(p, '{"Name": "Mine", "currency": "USD"}', "Name")
        self.refused(p, '{"name": 123, "currency": "USD"}', "name")
        self.refused(p, '{"name": 1.5, "currency": "USD"}', "name")
        self.refused(p, '{"name": true, "currency": "USD"}', "name")
        self.refused(p, '{"name": "Mine", "currency": ["USD"]}', "currency")
        self.refused(p, '{"name": "Mine", "currency": {"code": "USD"}}', "currency")
        self.refused(p, '{"name": "Mine", "name": "Other", "currency": "USD"}', "name")
        self.refused(p, '{"name": "Mine", "currency": "USD", "n\\u0061me": "Other"}', "name")
        self.refused(p, '{"n\\u0061me": "Mine", "\\u006e\\u0061\\u006d\\u0065": "Other"}', "name")
        self.refused(p, '{"name": 123, "name": "Other", "currency": "USD"}', "name")
        self.refused(p, '{"currency": "USD", "name": "Other", "currency": "EUR"}', "currency")
        # Keys inside a value are text, not keys; null is absent.
        r = self.u.api("POST", p, '{"name": "a,\\"name\\": {\\"b\\": [1]}", "currency": "USD",'
                       ' "cost_method": null}')
        self.assertEqual(r.status, 201, r.body)
        self.assertEqual((r.json["name"], r.json["cost_method"]),
                         ('a,"name": {"b": [1]}', "fifo"))
        # A form is read as before: a field it does not use is ignored.
        r = self.u.api("POST", p, "name=Form&currency=EUR&cost_method=average&owner_id=1&"
                       "csrf=" + self.u.c.csrf, "application/x-www-form-urlencoded")
        self.assertEqual(r.status, 201, r.body)
        self.assertEqual(r.json["cost_method"], "average")

    def test_instruments(self):
        p = "/api/v1/instruments"
        good = {"symbol": "STRICT1", "name": "Strict plc", "kind": "stock",
                "currency": "USD", "source": "manual"}
        self.refused(p, dict(good, owner_id=7), "owner_id")
        self.refused(p, dict(good, currency=840), "currency")
        self.refused(p, dict(good, isin=False), "isin")
        self.refused(p, json.dumps(good)[:-1] + ', "symbol": "STRICT2"}', "symbol")
        self.refused(p, json.dumps(good)[:-1] + ', "s\\u0079mbol": "STRICT2"}', "symbol")
        r = self.u.api("POST", p, dict(good, isin=None))
        self.assertEqual(r.status, 201, r.body)
        self.assertEqual(r.json["symbol"], "STRICT1")


class NginxJsonErrors(unittest.TestCase):
    """What nginx answers itself for a request it could not read (a
    request line past its buffers, a bad or too large header, plain HTTP
    to the HTTPS port) is JSON under /api/ and for /healthz, and the
    HTML page elsewhere."""

    def test_request_line_too_long(self):
        stack = harness.shared
        tail = b"?x=" + b"a" * 10000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        for path in (b"/api/v1/portfolios", b"/healthz"):
            json_error(self, *raw(stack, b"GET " + path + tail), 414)
        html_error(self, *raw(stack, b"GET /portfolios" + tail), 414)

    def test_bad_headers(self):
        stack = harness.shared
        bad = {
            "invalid": b"X-Bad: a\x00b\r\n",
            "host": b"Host: 127.0.0.1/x\r\n",
            "too large": b"Cookie: a=" + b"b" * 20000 + b"\r\n",
        }
        for what, header in bad.items():
            host = b"" if what == "host" else b"Host: 127.0.0.1\r\n"
            for path in (b"/api/v1/portfolios", b"/api/v1/nothing", b"/healthz"):
                req = b"GET " + path + b" HTTP/1.1\r\n" + host + header + b"Connection: close\r\n\r\n"
                with self.subTest(what=what, path=path):
                    json_error(self, *raw(stack, req), 400)
            req = b"GET /login HTTP/1.1\r\n" + host + header + b"Connection: close\r\n\r\n"
            with self.subTest(what=what, path="/login"):
                html_error(self, *raw(stack, req), 400)
        req = b"GET /api/v1/portfolios HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        json_error(self, *raw(stack, req, tls=False), 400)
        html_error(self, *raw(stack, req.replace(b"/api/v1/portfolios", b"/"), tls=False), 400)


class HealthzJson(unittest.TestCase):
    """/healthz is JSON however it fails: a stalled database (also while
    a session cookie is looked up, before the page runs), or page
    workers nginx cannot reach."""

    @classmethod
    def setUpClass(cls):
        cls.stack = own_stack()

    def healthz(self, cookie=None):
        h = b"Cookie: __Host-sid=%s\r\n" % cookie.encode() if cookie else b""
        return raw(self.stack, b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n" + h +
                   b"Connection: close\r\n\r\n")

    def wait_healthy(self):
        for _ in range(100):
            if self.healthz()[0] == 200:
                return
            time.sleep(0.1)
        self.fail("/healthz did not come back")

    def test_database_stalled(self):
        db = self.stack.pid("mariadb")
        os.kill(db, signal.SIGSTOP)
        try:
            # Both at once: each waits for the database's timeout.  A
            # session cookie is looked up before the page runs.
            with concurrent.futures.ThreadPoolExecutor(2) as pool:
                plain = pool.submit(self.healthz)
                signed = pool.submit(self.healthz, secrets.token_hex(32))
                status, ctype, body = plain.result()
                signed = signed.result()
        finally:
            os.kill(db, signal.SIGCONT)
        self.assertEqual(status, 503, body)
        self.assertIn("application/json", ctype)
        self.assertIs(json.loads(body)["database"], False)
        json_error(self, *signed, 503)
        self.wait_healthy()

    def test_page_workers_down(self):
        # Each worker's supervisor held, so that it stays down.
        sups = [self.stack.pid("web-%d" % i) for i in (1, 2)]
        workers = [self.stack.pid("web-%d.worker" % i) for i in (1, 2)]
        for pid in sups:
            os.kill(pid, signal.SIGSTOP)
        try:
            for pid in workers:
                os.kill(pid, signal.SIGKILL)
            time.sleep(0.2)
            json_error(self, *self.healthz(), 502)
            html_error(self, *raw(self.stack, b"GET /login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                  b"Connection: close\r\n\r\n"), 502)
        finally:
            for pid in sups:
                os.kill(pid, signal.SIGCONT)
        self.wait_healthy()

    def test_other_methods(self):
        r = self.stack.client().request("POST", "/healthz", body="")
        self.assertEqual(r.status, 405)
        self.assertEqual(json.loads(r.body)["error"]["status"], 405)


class LiveSessionKey(unittest.TestCase):
    """nginx counts a session's open /live streams by the cookie the live
    worker reads: another cookie whose name ends in __Host-sid (or holds
    it in its value) opens no more."""

    def open(self, client, cookie):
        conn = http.client.HTTPSConnection(
            "127.0.0.1", client.stack.https_port, context=client.ctx,
            source_address=(client.address, 0), timeout=15)
        conn.request("GET", "/live", headers={
            "Host": "127.0.0.1:%d" % client.stack.https_port,
            "Accept": "text/event-stream", "Cookie": cookie})
        self.conns.append(conn)
        return conn.getresponse().status

    def setUp(self):
        self.conns = []

    def tearDown(self):
        for conn in self.conns:
            conn.close()

    def test_spoofed_prefixes_open_no_more(self):
        stack = harness.shared
        limit = int(stack.env.get("NESTEGG_LIVE_PER_SESSION", "16"))
        u = User(stack, "livekey")
        sid = u.c.cookies["__Host-sid"]
        forms = ["x__Host-sid={r}; __Host-sid={sid}",
                 "a=__Host-sid={r}; __Host-sid={sid}",
                 "a=b;x__Host-sid={r};__Host-sid={sid}",
                 "__Host-sid={sid}; x__Host-sid={r}",
                 " __Host-sid = \"{sid}\" ; y__Host-sid={r}"]
        statuses = []
        for k in range(limit + 4):
            cookie = forms[k % len(forms)].format(r=secrets.token_hex(32), sid=sid)
            statuses.append(self.open(u.c, cookie))
        self.assertEqual(statuses.count(200), limit, statuses)
        self.assertEqual(statuses[limit:], [429] * 4, statuses)


class ApiWriteLimit(unittest.TestCase):
    """A signed-in user's state-changing API requests are counted in the
    database, per minute: past limit_api_writes a 429 in JSON with
    Retry-After, and nothing written."""

    @classmethod
    def setUpClass(cls):
        cls.stack = own_stack()

    def fresh_minute(self):
        """Waits for the next minute when this one ends within seconds
        (the database's clock is this host's)."""
        left = 60 - time.time() % 60
        if left < 10:
            time.sleep(left + 0.2)

    def user_id(self, u):
        return count(self.stack, "SELECT id FROM users WHERE email = '%s'" % u.email)

    def assert_limited(self, r, n):
        self.assertEqual(r.status, 429, r.body)
        self.assertIn("application/json", r.header("content-type"))
        wait = int(r.header("retry-after"))
        self.assertTrue(1 <= wait <= 60, wait)
        msg = r.json["error"]["message"]
        self.assertEqual(r.json["error"]["status"], 429)
        self.assertIn("%d this minute" % n, msg)
        self.assertIn("%d a minute" % LIMIT, msg)
        self.assertIn("try again in %d seconds" % wait, msg)

    def test_past_the_limit(self):
        self.fresh_minute()
        u, other = User(self.stack, "writes"), User(self.stack, "other")
        pid = u.portfolio("Limited")
        for k in range(LIMIT - 2):
            r = u.api("POST", "/api/v1/portfolios", {"name": "P%d" % k, "currency": "USD"})
            self.assertEqual(r.status, 201, r.body)
        r = u.api("POST", "/api/v1/instruments", {"symbol": "LIM", "name": "Limited plc",
                                                  "kind": "stock", "currency": "USD",
                                                  "source": "manual"})
        self.assertEqual(r.status, 201, r.body)
        before = [count(self.stack, "SELECT COUNT(*) FROM %s" % t)
                  for t in ("portfolios", "instruments", "transactions")]
        self.assert_limited(u.api("POST", "/api/v1/portfolios",
                                  {"name": "One too many", "currency": "USD"}), LIMIT + 1)
        self.assert_limited(u.api("POST", "/api/v1/instruments", {
            "symbol": "LIM2", "name": "Limited plc", "kind": "stock", "currency": "USD",
            "source": "manual"}), LIMIT + 2)
        self.assert_limited(u.import_csv(pid, "date,type,amount\n2024-01-02,deposit,5\n"),
                            LIMIT + 3)
        self.assertEqual([count(self.stack, "SELECT COUNT(*) FROM %s" % t)
                          for t in ("portfolios", "instruments", "transactions")], before)
        # Reads go on; so do the pages' forms, and another user's writes.
        self.assertEqual(u.api("GET", "/api/v1/portfolios").status, 200)
        self.assertEqual(u.add_tx(pid, date="2024-01-02", type="deposit", amount="5").status,
                         303)
        other.portfolio("Free")
        # One row for the user and minute, in the database.
        self.assertEqual(self.stack.sql("SELECT n FROM api_writes WHERE user_id = %d"
                                        % self.user_id(u)), [[str(LIMIT + 3)]])

    def test_counted_in_the_database(self):
        # Writes counted by another process or host count here too.
        self.fresh_minute()
        u = User(self.stack, "elsewhere")
        uid = self.user_id(u)
        self.stack.sql("INSERT INTO api_writes (user_id, minute, n) VALUES "
                       "(%d, UNIX_TIMESTAMP() DIV 60, %d), (%d, UNIX_TIMESTAMP() DIV 60 - 5, 1)"
                       % (uid, LIMIT, uid))
        self.assert_limited(u.api("POST", "/api/v1/portfolios",
                                  {"name": "Elsewhere", "currency": "USD"}), LIMIT + 1)
        # nestegg gc forgets the minutes past, and only those.
        r = self.stack.cli("gc")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.stack.sql("SELECT n FROM api_writes WHERE user_id = %d" % uid),
                         [[str(LIMIT + 1)]])
