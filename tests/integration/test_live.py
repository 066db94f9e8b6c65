"""The live panel (GET /live) with a real client over HTTPS through nginx:
events after valuation runs and ledger changes, resuming with
Last-Event-ID, isolation, sign-out, slow clients, hostile names, and
plain CGI."""
import decimal
import os
import subprocess
import time
import unittest

import harness
from pf_helpers import User, count
from sseclient import Stream


class Live(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.stack = harness.Stack(NESTEGG_LIVE_HEARTBEAT="2", NESTEGG_LIVE_STREAM_LIMIT="16384",
                                  NESTEGG_WORKERS="1", NESTEGG_LIMIT_API_WRITES="0")
        cls.stack.start()

    @classmethod
    def tearDownClass(cls):
        cls.stack.cleanup()

    def owner(self, tag, holdings=1):
        """A user holding `holdings` manual instruments priced 100."""
        u = User(self.stack, tag)
        syms = []
        for k in range(holdings):
            sym = "%s%d" % (tag.upper()[:6], k)
            r = u.api("POST", "/api/v1/instruments", {"symbol": sym, "name": sym + " plc",
                                                      "kind": "stock", "currency": "USD",
                                                      "source": "manual"})
            self.assertEqual(r.status, 201, r.body)
            syms.append(sym)
        pid = u.portfolio(tag + " portfolio", "USD")
        # Cash for the purchases: the value is then the holdings'.
        rows = "2024-01-01,deposit,,,,%d\n" % (500 * holdings)
        rows += "".join("2024-01-02,buy,%s,10,50,\n" % s for s in syms)
        r = u.import_csv(pid, "date,type,symbol,quantity,price,amount\n" + rows)
        self.assertEqual(r.status, 200, r.body)
        if holdings > 10:
            # Many at once: straight into the table, then one run.
            self.stack.sql("INSERT INTO prices (instrument_id, price, as_of, source, "
                           "updated_at) SELECT instrument_id, 100, NOW(), 'manual', NOW() "
                           "FROM positions WHERE portfolio_id = %d" % pid)
            self.stack.sql("INSERT INTO revalue_pending (portfolio_id) VALUES (%d)" % pid)
        else:
            for s in syms:
                self.price(s, "100")
        return u, pid, syms

    def price(self, sym, p):
        r = self.stack.cli("price", "set", sym, p)
        self.assertEqual(r.returncode, 0, r.stderr)

    def revalue(self):
        r = self.stack.cli("revalue")
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout

    def test_first_event_then_one_per_run(self):
        u, pid, syms = self.owner("first")
        self.revalue()
        s = Stream(u.c)
        self.assertEqual(s.status, 200)
        self.assertTrue(s.headers["content-type"].startswith("text/event-stream"))
        ev = s.next_event()
        self.assertEqual(ev["event"], "valuation")
        self.assertTrue(ev["json"]["full"])
        p = ev["json"]["portfolios"][0]
        self.assertEqual((p["id"], p["value"]), (pid, "1000.00"))
        self.assertEqual(p["holdings"][0]["price"], "100")
        self.assertIsNotNone(s.retry)
        self.price(syms[0], "123.40")
        t0 = time.time()
        self.revalue()
        ev = s.events_until(lambda e: e["json"]["portfolios"] and
                            e["json"]["portfolios"][0]["value"] == "1234.00")
        self.assertIsNotNone(ev)
        self.assertLess(time.time() - t0, 3)
        run = count(self.stack, "SELECT MAX(id) FROM valuation_runs")
        self.assertEqual(ev["id"].split(".")[0], str(run))
        held = ev["json"]["portfolios"][0]["holdings"]
        self.assertIn(decimal.Decimal("123.40"),
                      [decimal.Decimal(h["price"]) for h in held if h["price"]])
        self.assertTrue(all(set(h) == {"id", "price", "price_as_of", "stale", "value",
                                       "day_change", "unrealized"} for h in held))
        # Heartbeats keep the stream open.
        time.sleep(2.5)
        s.next_event(timeout=0.5)
        self.assertGreater(s.comments, 0)
        s.close()

    def test_a_ledger_change_reaches_a_second_tab(self):
        u, pid, syms = self.owner("tabs")
        s = Stream(u.c)
        s.next_event()
        r = u.add_tx(pid, date="2024-03-01", type="deposit", amount="250")
        self.assertEqual(r.status, 303)
        ev = s.events_until(lambda e: any(p["id"] == pid and p["value"] == "1250.00"
                                          for p in e["json"]["portfolios"]), timeout=5)
        self.assertIsNotNone(ev)
        # More shares: the next runs value them too (the worker keeps
        # positions between runs and must read them again).
        r = u.add_tx(pid, date="2024-03-02", type="buy", symbol=syms[0], quantity="5",
                     price="50")
        self.assertEqual(r.status, 303)
        ev = s.events_until(lambda e: any(p["id"] == pid and p["value"] == "1500.00"
                                          and p["cash"] == "0.00"
                                          for p in e["json"]["portfolios"]), timeout=5)
        self.assertIsNotNone(ev)
        self.price(syms[0], "110")
        self.revalue()
        ev = s.events_until(lambda e: any(p["id"] == pid and p["value"] == "1650.00"
                                          for p in e["json"]["portfolios"]), timeout=5)
        self.assertIsNotNone(ev)
        s.close()

    def test_ledger_changes_are_kept_a_day(self):
        u, pid, syms = self.owner("kept")
        s = Stream(u.c)
        first = s.next_event()
        s.close()
        u.add_tx(pid, date="2024-03-01", type="deposit", amount="3")
        # A day later: gc prunes those changes; others come after them.
        self.stack.sql("UPDATE ledger_changes SET at = at - INTERVAL 25 HOUR")
        r = self.stack.cli("gc")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout, r"[1-9][0-9]* old ledger changes")
        self.assertEqual(count(self.stack, "SELECT COUNT(*) FROM ledger_changes"), 0)
        self.owner("later")
        self.assertGreater(count(self.stack, "SELECT COUNT(*) FROM ledger_changes"), 0)
        # A cursor from before what is kept (its time a day ago) cannot
        # be told what followed it: the whole state instead.
        run, change, ms = first["id"].split(".")
        old = "%s.%s.%d" % (run, change, int(ms) - 25 * 3600 * 1000)
        s = Stream(u.c, last_id=old)
        ev = s.next_event()
        self.assertTrue(ev["json"]["full"])
        self.assertEqual(ev["json"]["portfolios"][0]["value"], "1003.00")
        s.close()

    def late_rows(self, pid):
        """Ids for rows that commit late: a run and a ledger change (of
        nobody's) with ids far above the newest are committed first (as
        another node's would be, on a cluster), so that the next ones
        given lower ids commit after them.  The user's own ledger
        changes are made older than the lookback, as if a while ago."""
        run = count(self.stack, "SELECT COALESCE(MAX(id), 0) FROM valuation_runs")
        change = count(self.stack, "SELECT COALESCE(MAX(id), 0) FROM ledger_changes")
        uid = count(self.stack, "SELECT user_id FROM portfolios WHERE id = %d" % pid)
        self.stack.sql("UPDATE ledger_changes SET at = at - INTERVAL 1 MINUTE "
                       "WHERE user_id = %d" % uid)
        self.stack.sql("INSERT INTO valuation_runs (id, started_at, portfolios, duration_ms, "
                       "finished_at) VALUES (%d, NOW(3), 0, 0, NOW(3))" % (run + 1000))
        self.stack.sql("INSERT INTO ledger_changes (id, user_id, portfolio_id, at) "
                       "VALUES (%d, 0, 0, NOW(3))" % (change + 1000))
        return run + 500, change + 500, (str(run + 1000), str(change + 1000)), uid

    def commit_late_run(self, pid, sym, run, price):
        """Commits valuation run `run` (a lower id than the newest) that
        valued pid at a new price of sym, as revalue would."""
        self.stack.sql(
            "START TRANSACTION; "
            "UPDATE prices p JOIN instruments i ON i.id = p.instrument_id SET p.price = %s "
            "WHERE i.symbol = '%s'; "
            "INSERT INTO valuation_runs (id, started_at, portfolios, duration_ms, finished_at) "
            "VALUES (%d, NOW(3), 1, 0, NOW(3)); "
            "UPDATE portfolio_latest SET run_id = %d WHERE portfolio_id = %d; COMMIT"
            % (price, sym, run, run, pid))

    def test_rows_committed_late_with_lower_ids_are_told(self):
        # On a Galera cluster ids interleave between nodes and commit out
        # of order: a run or a ledger change may commit after one with a
        # higher id was seen.
        u, pid, syms = self.owner("lateid")
        self.revalue()
        s = Stream(u.c)
        s.next_event()
        run, change, high, uid = self.late_rows(pid)
        # The broadcaster has seen the high ids: a later event tells.
        u.add_tx(pid, date="2024-03-01", type="deposit", amount="0.5")
        ev = s.events_until(lambda e: e["id"].split(".")[0] == high[0] and
                            int(e["id"].split(".")[1]) > int(high[1]), timeout=5)
        self.assertIsNotNone(ev, "the broadcaster saw the high ids")
        # A run with a lower id commits now.
        self.commit_late_run(pid, syms[0], run, "150")
        ev = s.events_until(lambda e: any(p["id"] == pid and p["value"] == "1500.50"
                                          for p in e["json"]["portfolios"]), timeout=5)
        self.assertIsNotNone(ev, "a run committed late is told")
        # A ledger change with a lower id commits now (a rename).
        self.stack.sql("START TRANSACTION; UPDATE portfolios SET name = 'Late name' "
                       "WHERE id = %d; INSERT INTO ledger_changes (id, user_id, portfolio_id, "
                       "at) VALUES (%d, %d, %d, NOW(3)); COMMIT" % (pid, change, uid, pid))
        ev = s.events_until(lambda e: any(p["id"] == pid and p["name"] == "Late name"
                                          for p in e["json"]["portfolios"]), timeout=5)
        self.assertIsNotNone(ev, "a ledger change committed late is told")
        s.close()

    def test_resume_tells_rows_committed_late_with_lower_ids(self):
        u, pid, syms = self.owner("lateresume")
        self.revalue()
        run, change, high, uid = self.late_rows(pid)
        s = Stream(u.c)
        first = s.next_event()
        s.close()
        self.assertEqual(tuple(first["id"].split(".")[:2]), high)
        self.commit_late_run(pid, syms[0], run, "160")
        s = Stream(u.c, last_id=first["id"])
        ev = s.next_event()
        self.assertFalse(ev["json"]["full"])
        self.assertEqual([(p["id"], p["value"]) for p in ev["json"]["portfolios"]],
                         [(pid, "1600.00")])
        s.close()

    def test_resume_with_last_event_id_misses_nothing(self):
        u, pid, syms = self.owner("resume", 2)
        s = Stream(u.c)
        first = s.next_event()
        s.close()
        # While away: a run and a ledger change.
        self.price(syms[1], "200")
        self.revalue()
        u.add_tx(pid, date="2024-03-01", type="deposit", amount="7")
        s = Stream(u.c, last_id=first["id"])
        ev = s.next_event()
        self.assertFalse(ev["json"]["full"])
        self.assertEqual([p["id"] for p in ev["json"]["portfolios"]], [pid])
        self.assertEqual(ev["json"]["portfolios"][0]["value"], "3007.00")
        s.close()
        # An id from before what is kept, naming what is not there, from
        # the future, or nonsense: the whole state.
        run, change, ms = first["id"].split(".")
        for stale in ("0.0", "nonsense", "99999999.0", "%s.99999999.%s" % (run, ms),
                      "%s.%s.%d" % (run, change, int(ms) + 3600 * 1000), "1.2.3.4",
                      "-1.2.3", "+1.2.3"):
            # ("0.0": an id of an earlier version, without its time.)
            s = Stream(u.c, last_id=stale)
            self.assertTrue(s.next_event()["json"]["full"], stale)
            s.close()

    def test_another_users_change_is_never_seen(self):
        a, apid, asyms = self.owner("alice")
        b, bpid, bsyms = self.owner("bob")
        sa, sb = Stream(a.c), Stream(b.c)
        self.assertEqual([p["id"] for p in sa.next_event()["json"]["portfolios"]], [apid])
        self.assertEqual([p["id"] for p in sb.next_event()["json"]["portfolios"]], [bpid])
        self.price(bsyms[0], "150")
        self.revalue()
        b.add_tx(bpid, date="2024-03-01", type="deposit", amount="1")
        self.assertIsNotNone(sb.events_until(lambda e: e["json"]["portfolios"]))
        ev = sa.next_event(timeout=3)
        while ev is not None:
            self.assertNotIn(bpid, [p["id"] for p in ev["json"]["portfolios"]])
            ev = sa.next_event(timeout=1)
        sa.close()
        sb.close()

    def test_sign_in_required_and_sign_out_ends_the_stream(self):
        anon = self.stack.client()
        s = Stream(anon)
        self.assertEqual(s.status, 401)
        s.close()
        u, pid, syms = self.owner("signout")
        s = Stream(u.c)
        s.next_event()
        u.c.post("/logout", {})
        t0 = time.time()
        self.assertTrue(s.wait_end(timeout=6))
        self.assertLess(time.time() - t0, 5)     # within a heartbeat (2 s) and a bit
        s.close()

    def test_a_client_that_stops_reading_stalls_nobody(self):
        # Loopback connections buffer a megabyte or more on the way:
        # big events (250 holdings each), many of them.
        slow, spid, ssyms = self.owner("slow", 250)
        fast, fpid, fsyms = self.owner("fast")
        stalled = Stream(slow.c, rcvbuf=2048)
        stalled.next_event()                # then it reads no more
        s = Stream(fast.c)
        s.next_event()
        worst = 0
        for k in range(90):
            # A new price of the slow user's every time: big events for it.
            self.price(ssyms[k % len(ssyms)], "%d.5" % (101 + k))
            self.price(fsyms[0], "%d" % (200 + k))
            t0 = time.time()
            self.revalue()
            want = "%d.00" % ((200 + k) * 10)
            ev = s.events_until(lambda e: any(p["id"] == fpid and p["value"] == want
                                              for p in e["json"]["portfolios"]), timeout=5)
            self.assertIsNotNone(ev, k)
            worst = max(worst, time.time() - t0)
        self.assertLess(worst, 3)
        # The stalled stream was dropped once it fell too far behind.
        with open(self.stack.path("log", "live.log")) as f:
            self.assertIn("fell too far behind", f.read())
        stalled.close()
        s.close()

    def test_hostile_names_break_neither_stream_nor_page(self):
        u = User(self.stack, "hostile")
        # Line breaks are refused in names; markup and the stream's own
        # syntax are text like any other.
        r = u.api("POST", "/api/v1/portfolios", {"name": "Evil\ndata: x", "currency": "USD"})
        self.assertEqual(r.status, 422, r.body)
        name = 'Evil name</script><script>alert(1)</script> data: {"x":1}'
        r = u.api("POST", "/api/v1/portfolios", {"name": name, "currency": "USD"})
        self.assertEqual(r.status, 201, r.body)
        pid = r.json["id"]
        s = Stream(u.c)
        ev = s.next_event()
        self.assertEqual(ev["json"]["portfolios"][0]["name"], name)
        self.assertNotIn("\n", ev["data"])
        u.add_tx(pid, date="2024-03-01", type="deposit", amount="5")
        ev = s.events_until(lambda e: e["json"]["portfolios"] and
                            e["json"]["portfolios"][0]["value"] == "5.00")
        self.assertIsNotNone(ev)
        self.assertEqual(ev["json"]["portfolios"][0]["name"], name)
        s.close()
        page = u.c.get("/").text
        self.assertNotIn("<script>alert(1)", page)
        self.assertEqual(harness.validate_html(page), "")

    def test_plain_cgi_streams_and_ends(self):
        u, pid, syms = self.owner("cgi")
        env = dict(self.stack.env)
        env.update({"REQUEST_METHOD": "GET", "GATEWAY_INTERFACE": "CGI/1.1",
                    "HTTP_COOKIE": "__Host-sid=" + u.c.cookies["__Host-sid"],
                    "NESTEGG_LIVE_CGI_SECONDS": "5", "NESTEGG_LIVE_POLL": "1"})
        p = subprocess.Popen([os.path.join(harness.BUILD, "nestegg-live")], env=env,
                             stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
        time.sleep(1)
        self.price(syms[0], "111")
        self.revalue()
        out, err = p.communicate(timeout=20)
        text = out.decode()
        self.assertEqual(p.returncode, 0, err)
        self.assertIn("Status: 200 OK", text)
        self.assertIn("Content-Type: text/event-stream", text)
        self.assertIn('"value":"1000.00"', text)
        self.assertIn('"value":"1110.00"', text)
        env["HTTP_COOKIE"] = "__Host-sid=" + "0" * 64
        r = subprocess.run([os.path.join(harness.BUILD, "nestegg-live")], env=env,
                           stdin=subprocess.DEVNULL, capture_output=True, timeout=20)
        self.assertIn(b"Status: 401", r.stdout)
