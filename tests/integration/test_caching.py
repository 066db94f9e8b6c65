"""The page workers' caches never show what has changed: sessions end at
once on every worker, and new figures appear on the next page."""
import unittest

import harness
from pf_helpers import User, instrument


class Caching(unittest.TestCase):
    def setUp(self):
        self.stack = harness.shared

    def probe_all(self, sid, n=16):
        """Asks n fresh connections (spread over the workers) for /."""
        out = []
        for _ in range(n):
            c = self.stack.client()
            c.cookies["__Host-sid"] = sid
            out.append(c.get("/").status)
        return out

    def test_logout_ends_session_on_every_worker(self):
        u = User(self.stack, "cache")
        sid = u.c.cookies["__Host-sid"]
        self.assertEqual(set(self.probe_all(sid)), {200})     # now cached
        self.assertEqual(u.c.post("/logout").status, 303)
        self.assertEqual(set(self.probe_all(sid)), {303})

    def test_disable_ends_session_on_every_worker(self):
        u = User(self.stack, "cache")
        sid = u.c.cookies["__Host-sid"]
        self.assertEqual(set(self.probe_all(sid)), {200})
        self.assertEqual(self.stack.cli("user", "disable", u.email).returncode, 0)
        self.assertEqual(set(self.probe_all(sid)), {303})

    def test_dashboard_shows_changes_at_once(self):
        u = User(self.stack, "cache")
        sym = instrument(u)
        pid = u.portfolio("Cached")
        u.import_csv(pid, "date,type,symbol,quantity,price,amount\n"
                          "2024-01-01,deposit,,,,50\n2024-01-02,buy,%s,10,5,\n" % sym)
        self.stack.cli("price", "set", sym, "7")
        for _ in range(4):
            self.assertIn("70.00 USD", harness.page_text(u.c.get("/").text))
        self.stack.cli("price", "set", sym, "8")
        self.assertIn("80.00 USD", harness.page_text(u.c.get("/").text))
        u.add_tx(pid, date="2024-02-01", type="buy", symbol=sym, quantity="1", price="5")
        self.assertIn("83.00 USD", harness.page_text(u.c.get("/").text))     # 88 held, -5 cash
        u.c.get("/account")
        self.assertEqual(u.c.post("/account", {"currency": "SEK"}).status, 303)
        self.assertIn("USD", harness.page_text(u.c.get("/").text))
        self.assertIn("no exchange rate to SEK", harness.page_text(u.c.get("/").text))

    def test_a_live_refetch_takes_no_figures_older_than_its_event(self):
        # On another host a change reaches this one's streams before its
        # change counters: live.js asks with the event's id (?live=),
        # and figures cached before it are not taken.
        u = User(self.stack, "cache")
        pid = u.portfolio("Before")
        sid = u.c.cookies["__Host-sid"]

        def names(query=""):
            out = set()
            for _ in range(16):
                c = self.stack.client()
                c.cookies["__Host-sid"] = sid
                r = c.get("/" + query)
                self.assertEqual(r.status, 200)
                out |= {n for n in ("Before", "After") if n in harness.page_text(r.text)}
            return out

        self.assertEqual(names(), {"Before"})               # cached on every worker
        self.stack.sql("UPDATE portfolios SET name = 'After' WHERE id = %d" % pid)
        self.assertEqual(names(), {"Before"})               # as another host's change
        run, change = self.stack.sql("SELECT COALESCE((SELECT MAX(id) FROM valuation_runs), 0), "
                                     "COALESCE((SELECT MAX(id) FROM ledger_changes), 0)")[0]
        self.assertEqual(names("?live=%s.%d" % (run, int(change) + 1)), {"After"})
        self.assertEqual(names("?live=%s.%s" % (run, change)), {"After"})   # cached anew
