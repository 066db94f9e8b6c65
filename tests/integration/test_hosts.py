"""Two application hosts on one database: a second stack's page workers,
live worker and nginx (NESTEGG_DB_EXTERNAL=1) use the first stack's
MariaDB, and share nothing else with it (not its change counters).
What is changed through one host holds on the other within a second:
a sign-out, a password change, a disabled account; a buy shows on the
other's dashboard at once; a live stream resumed on the other host with
its Last-Event-ID misses nothing."""
import os
import shutil
import time
import unittest

import harness
from pf_helpers import User, count, instrument
from sseclient import Stream


class Hosts(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        env = {"NESTEGG_LIMIT_API_WRITES": "0", "NESTEGG_LIVE_HEARTBEAT": "30"}
        cls.a = harness.Stack(**env)
        cls.a.start()
        try:
            cls.b = harness.Stack(NESTEGG_DB_EXTERNAL="1", **env)
            os.makedirs(cls.b.path("etc"), exist_ok=True)
            shutil.copy(cls.a.path("etc", "nestegg.conf"), cls.b.path("etc", "nestegg.conf"))
            cls.b.start()
        except Exception:
            cls.a.cleanup()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.b.cleanup()
        cls.a.cleanup()

    def on(self, stack, user):
        """A client of `stack` with user's cookies (the same session)."""
        c = stack.client()
        c.cookies = dict(user.c.cookies)
        c.get("/")
        return c

    def statuses(self, stack, sid, n=16):
        """What n fresh connections (spread over the workers) get for /."""
        out = set()
        for _ in range(n):
            c = stack.client()
            c.cookies["__Host-sid"] = sid
            out.add(c.get("/").status)
        return out

    def refused_within(self, stack, sid, seconds):
        """Seconds until every worker of stack refuses sid (asked again
        and again), or None when one still serves it after `seconds`."""
        t0 = time.time()
        while time.time() - t0 < seconds + 1:
            if self.statuses(stack, sid, 4) == {303}:
                took = time.time() - t0
                self.assertEqual(self.statuses(stack, sid), {303})
                return took if took < seconds else None
        return None

    def test_the_second_stack_uses_the_first_database(self):
        self.assertIsNone(self.b.pid("mariadb"))
        u = User(self.b, "hostb")
        self.assertEqual(count(self.a, "SELECT COUNT(*) FROM users WHERE email = '%s'"
                               % u.email), 1)

    def test_sign_out_on_one_host_ends_the_session_on_the_other(self):
        u = User(self.a, "signout")
        sid = u.c.cookies["__Host-sid"]
        self.assertEqual(self.statuses(self.a, sid), {200})       # cached on A
        b = self.on(self.b, u)
        self.assertEqual(b.post("/logout").status, 303)
        self.assertIsNotNone(self.refused_within(self.a, sid, 1.0))

    def test_a_password_changed_on_one_host_ends_sessions_on_the_other(self):
        u = User(self.a, "password")
        sid = u.c.cookies["__Host-sid"]
        self.assertEqual(self.statuses(self.a, sid), {200})
        b = self.b.client()
        self.assertEqual(b.login(u.email).status, 303)
        b.get("/account")
        r = b.post("/account", {"current_password": "correct horse battery",
                                "new_password": "another horse battery"})
        self.assertEqual(r.status, 303, r.body[:300])
        self.assertIsNotNone(self.refused_within(self.a, sid, 1.0))
        self.assertEqual(b.get("/").status, 200)     # the changer's new session

    def test_an_account_disabled_on_one_host_is_refused_on_the_other(self):
        u = User(self.a, "disable")
        sid = u.c.cookies["__Host-sid"]
        self.assertEqual(self.statuses(self.a, sid), {200})
        s = Stream(u.c)
        self.assertEqual(s.status, 200)
        s.next_event()
        r = self.b.cli("user", "disable", u.email)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIsNotNone(self.refused_within(self.a, sid, 1.0))
        # Its open stream on host A ends too (sessions are checked every
        # second there, not at the heartbeat's 30).
        t0 = time.time()
        self.assertTrue(s.wait_end(timeout=5))
        self.assertLess(time.time() - t0, 3)
        s.close()

    def test_a_buy_on_one_host_shows_on_the_others_dashboard_at_once(self):
        u = User(self.a, "buy")
        sym = instrument(u, source="manual")
        pid = u.portfolio("Two hosts")
        r = u.import_csv(pid, "date,type,symbol,quantity,price,amount\n"
                              "2024-01-01,deposit,,,,100\n2024-01-02,buy,%s,10,5,\n" % sym)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(self.b.cli("price", "set", sym, "7").returncode, 0)
        for _ in range(4):          # cached on host A's workers
            self.assertIn("120.00 USD", harness.page_text(u.c.get("/").text))
        # A price set through host B: host A's dashboard has it at once.
        self.assertEqual(self.b.cli("price", "set", sym, "8").returncode, 0)
        self.assertIn("130.00 USD", harness.page_text(u.c.get("/").text))
        b = self.on(self.b, u)
        b.get("/portfolios/%d/transactions/new" % pid)
        r = b.post("/portfolios/%d/transactions/new" % pid,
                   {"date": "2024-02-01", "type": "buy", "symbol": sym, "quantity": "1",
                    "price": "5"})
        self.assertEqual(r.status, 303, r.body[:300])
        # 88 held, 45 cash: on every worker of host A, at once.
        for _ in range(8):
            c = self.on(self.a, u)
            self.assertIn("133.00 USD", harness.page_text(c.get("/").text))
        # A new currency set through host B, likewise.
        b.get("/account")
        self.assertEqual(b.post("/account", {"currency": "SEK"}).status, 303)
        self.assertIn("no exchange rate to SEK", harness.page_text(u.c.get("/").text))

    def test_a_stream_resumes_on_the_other_host_missing_nothing(self):
        u = User(self.a, "resume")
        sym = instrument(u, source="manual")
        pid = u.portfolio("Resumed")
        u.import_csv(pid, "date,type,symbol,quantity,price,amount\n"
                          "2024-01-01,deposit,,,,50\n2024-01-02,buy,%s,10,5,\n" % sym)
        self.assertEqual(self.a.cli("price", "set", sym, "10").returncode, 0)
        self.assertEqual(self.a.cli("revalue").returncode, 0)
        s = Stream(u.c)
        s.next_event()
        # A change through host B reaches the stream open on host A.
        b = self.on(self.b, u)
        b.get("/portfolios/%d/transactions/new" % pid)
        b.post("/portfolios/%d/transactions/new" % pid,
               {"date": "2024-02-01", "type": "deposit", "amount": "3"})
        ev = s.events_until(lambda e: any(p["id"] == pid and p["value"] == "103.00"
                                          for p in e["json"]["portfolios"]), timeout=5)
        self.assertIsNotNone(ev)
        s.close()
        # While away: a run committed with a lower id than one seen (as
        # another Galera node's would), then a change through host A.
        run = count(self.a, "SELECT MAX(id) FROM valuation_runs")
        self.a.sql("INSERT INTO valuation_runs (id, started_at, portfolios, duration_ms, "
                   "finished_at) VALUES (%d, NOW(3), 0, 0, NOW(3))" % (run + 100))
        sb = Stream(self.on(self.b, u), last_id=ev["id"])
        mid = sb.next_event()
        sb.close()
        self.a.sql("START TRANSACTION; UPDATE prices SET price = 12 WHERE instrument_id = "
                   "(SELECT id FROM instruments WHERE symbol = '%s'); INSERT INTO "
                   "valuation_runs (id, started_at, portfolios, duration_ms, finished_at) "
                   "VALUES (%d, NOW(3), 1, 0, NOW(3)); UPDATE portfolio_latest SET run_id = "
                   "%d WHERE portfolio_id = %d; COMMIT" % (sym, run + 50, run + 50, pid))
        # Resumed on host B from host A's last event, and on host A from
        # host B's: each tells the new value.
        for stack, last in ((self.b, ev["id"]), (self.a, mid["id"])):
            s = Stream(self.on(stack, u), last_id=last)
            got = s.next_event()
            s.close()
            self.assertFalse(got["json"]["full"])
            self.assertIn((pid, "123.00"),
                          [(p["id"], p["value"]) for p in got["json"]["portfolios"]])


if __name__ == "__main__":
    unittest.main()
