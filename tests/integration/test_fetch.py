"""The price pipeline against a local stand-in for every source:
fetch -> prices stored -> revalue -> the API's values, and everything a
source can do wrong."""
import calendar
import datetime
import json
import os
import signal
import subprocess
import tempfile
import time
import unittest
from decimal import Decimal

import feedserver
import harness
from pf_helpers import User, count

TODAY = datetime.date.today()
DAY = 86400


class Pipeline(unittest.TestCase):
    """One private stack, its sources served by feedserver."""

    @classmethod
    def setUpClass(cls):
        cls.srv, cls.market = feedserver.start()
        env = feedserver.base_env(cls.srv)
        env.update({"NESTEGG_FETCH_INTERVAL": "0", "NESTEGG_FETCH_TIMEOUT": "3",
                    "NESTEGG_FETCH_RETRIES": "2", "NESTEGG_WORKERS": "1"})
        cls.stack = harness.Stack(**env)
        cls.stack.start()
        # The first account registered on the web administers the site.
        cls.admin = User(cls.stack, "admin")
        cls.u = User(cls.stack, "owner")
        cls.market.ecb.update({"USD": "1.1000", "GBP": "0.85000", "JPY": "160.50"})

    @classmethod
    def tearDownClass(cls):
        cls.stack.cleanup()
        cls.srv.shutdown()

    # Helpers.

    def fetch(self, *args, env=None):
        cmd = [os.path.join(harness.BUILD, "nestegg"), "fetch", "--quiet"] + list(args)
        e = dict(self.stack.env)
        e.update(env or {})
        return subprocess.run(cmd, env=e, capture_output=True, text=True, timeout=120)

    def add(self, symbol, source, currency="USD", kind="stock", user=None, **more):
        body = {"symbol": symbol, "name": symbol + " test", "kind": kind,
                "currency": currency, "source": source}
        body.update(more)
        r = (user or self.u).api("POST", "/api/v1/instruments", body)
        self.assertIn(r.status, (200, 201), r.body)
        return r.json["id"]

    def hold(self, pid, *lines, user=None):
        r = (user or self.u).import_csv(
            pid, "date,type,symbol,quantity,price,currency,fx_rate\n" + "".join(
                l + "\n" for l in lines))
        self.assertEqual(r.status, 200, r.body)

    def price(self, iid):
        rows = self.stack.sql("SELECT price, UNIX_TIMESTAMP(as_of), source, prev_close "
                              "FROM prices WHERE instrument_id = %d" % iid)
        return rows[0] if rows else None

    def health(self, source):
        rows = self.stack.sql("SELECT failing_runs, last_error FROM feed_health "
                              "WHERE source = '%s'" % source)
        return rows[0] if rows else None

    def set_price(self, iid, price, ago):
        self.stack.sql("INSERT INTO prices (instrument_id, price, as_of, source, updated_at) "
                       "VALUES (%d, %s, NOW() - INTERVAL %d SECOND, 'yahoo', NOW()) "
                       "ON DUPLICATE KEY UPDATE price = VALUES(price), "
                       "as_of = VALUES(as_of)" % (iid, price, ago))

    # Sources.

    def test_every_source_prices_its_instruments(self):
        m, now = self.market, int(time.time())
        m.yahoo["AAPLT"] = {"price": "@187.4400030517578@", "prev": "@185.1199951171875@",
                            "time": now - 60, "hint": 2}
        m.yahoo["VOD.L"] = {"price": "@72.3500001@", "currency": "GBp", "time": now - 60}
        m.stooq["msft.us"] = [((TODAY - datetime.timedelta(days=1)).isoformat(), "410.1"),
                              (TODAY.isoformat(), "415.5")]
        m.amfi["119551"] = ("107.0688", TODAY.isoformat(), "Test Banking & PSU Fund")
        m.amfi["100001"] = ("N.A.", TODAY.isoformat(), "A fund without a NAV")
        m.gecko["bitcoin"] = {"USD": "83749"}
        m.gecko["ethereum"] = {"EUR": "@3012.5@"}
        m.alpha["IBMT"] = ("167.1500", TODAY.isoformat(), "167.3000")
        m.custom["CJ"] = "12.34"
        m.custom["CC"] = "56.78"
        m.yahoo["EURINR=X"] = {"price": "@90.5@", "currency": "INR", "time": now - 60}
        base = "http://127.0.0.1:%d" % self.srv.server_address[1]
        ids = {
            "AAPLT": self.add("AAPLT", "yahoo"),
            "VODT": self.add("VODT", "yahoo", "GBp", source_symbol="VOD.L"),
            "MSFTS": self.add("MSFTS", "stooq", source_symbol="msft.us"),
            "NAVF": self.add("NAVF", "amfi", "INR", "fund", source_symbol="119551"),
            "BTCT": self.add("BTCT", "coingecko", "USD", "crypto", source_symbol="bitcoin"),
            "ETHT": self.add("ETHT", "coingecko", "EUR", "crypto", source_symbol="ethereum"),
            "IBMT": self.add("IBMT", "alphavantage"),
            "CUSTJ": self.add("CUSTJ", "url", source_symbol="CJ",
                              url_template=base + "/custom/{symbol}.json",
                              url_field="data.quote.0.last"),
            "CUSTC": self.add("CUSTC", "url", source_symbol="CC",
                              url_template=base + "/custom/{symbol}.csv", url_field="Close"),
            "SIMT": self.add("SIMT", "sim"),
        }
        pid = self.u.portfolio("Every source", "USD")
        self.hold(pid, "2024-01-02,buy,AAPLT,10,150,,", "2024-01-02,buy,VODT,1000,70,GBp,1.25",
                  "2024-01-02,buy,MSFTS,2,300,,", "2024-01-02,buy,NAVF,100,100,INR,0.012",
                  "2024-01-02,buy,BTCT,0.5,40000,,", "2024-01-02,buy,ETHT,1,2000,EUR,1.1",
                  "2024-01-02,buy,IBMT,3,150,,", "2024-01-02,buy,CUSTJ,4,10,,",
                  "2024-01-02,buy,CUSTC,5,50,,", "2024-01-02,buy,SIMT,6,100,,")
        before = dict(m.hits)
        before_keys = dict(m.keys)
        r = self.fetch()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("valuation run", r.stdout)
        want = {"AAPLT": ("187.44", "yahoo"), "VODT": ("72.35", "yahoo"),
                "MSFTS": ("415.5", "stooq"), "NAVF": ("107.0688", "amfi"),
                "BTCT": ("83749", "coingecko"), "ETHT": ("3012.5", "coingecko"),
                "IBMT": ("167.15", "alphavantage"), "CUSTJ": ("12.34", "url"),
                "CUSTC": ("56.78", "url")}
        for sym, (p, src) in want.items():
            row = self.price(ids[sym])
            self.assertIsNotNone(row, sym)
            self.assertEqual(Decimal(row[0]), Decimal(p), sym)
            self.assertEqual(row[2], src, sym)
        self.assertEqual(self.price(ids["SIMT"])[2], "sim")
        # A daily source's close of the day before gives the day change.
        self.assertEqual(Decimal(self.price(ids["MSFTS"])[3]), Decimal("410.1"))
        # Batched where the source allows it: one CoinGecko request for
        # both coins and currencies, one AMFI file for every scheme.
        # Both coins in one price request; being new with older
        # transactions, each also has its market chart asked for.
        self.assertEqual(m.keys["coingecko"] - before_keys.get("coingecko", 0), 1)
        for coin in ("bitcoin", "ethereum"):
            key = "coingecko:" + coin
            self.assertEqual(m.keys[key] - before_keys.get(key, 0), 1)
        self.assertEqual(m.keys["amfi"] - before_keys.get("amfi", 0), 1)
        # The fund's days past: AMFI's NAV history report, 14 days a
        # request, from its first transaction on.
        days = (now - calendar.timegm((2024, 1, 2, 0, 0, 0))) // 86400 + 1
        self.assertEqual(m.keys["amfi:history"] - before_keys.get("amfi:history", 0),
                         (days + 13) // 14)
        # The API traces each value to its source and time.
        view = self.u.view(pid)
        by = {h["symbol"]: h for h in view["holdings"]}
        self.assertEqual(by["AAPLT"]["price_source"], "yahoo")
        self.assertEqual(by["AAPLT"]["price"], "187.44")
        self.assertEqual(by["AAPLT"]["value"], "1874.40")
        self.assertEqual(by["AAPLT"]["day_change"], "23.20")
        self.assertTrue(by["MSFTS"]["price_as_of"].startswith(TODAY.isoformat()))
        # Pence, converted through the ECB's rates: 1000 x 0.7235 GBP in USD.
        gbp_usd = Decimal("1.1") / Decimal("0.85")
        self.assertEqual(Decimal(by["VODT"]["value"]),
                         (Decimal("723.5") * gbp_usd).quantize(Decimal("0.01")))
        # INR came from Yahoo's EURINR=X: the ECB's file has no INR.
        rows = self.stack.sql("SELECT rate, source FROM fx_rates WHERE base = 'EUR' "
                              "AND quote = 'INR'")
        self.assertEqual([Decimal(rows[0][0]), rows[0][1]], [Decimal("90.5"), "yahoo"])
        rows = self.stack.sql("SELECT rate, source FROM fx_rates WHERE base = 'EUR' "
                              "AND quote = 'USD'")
        self.assertEqual([Decimal(rows[0][0]), rows[0][1]], [Decimal("1.1"), "ecb"])
        self.assertEqual(Decimal(by["NAVF"]["value"]),
                         (Decimal("10706.88") / Decimal("90.5") * Decimal("1.1"))
                         .quantize(Decimal("0.01")))
        # The valuation run wrote what the page shows.
        latest = self.stack.sql("SELECT value, total_gain FROM portfolio_latest "
                                "WHERE portfolio_id = %d" % pid)[0]
        self.assertEqual(Decimal(latest[0]).quantize(Decimal("0.01")),
                         Decimal(view["totals"]["value"]))
        self.assertEqual(Decimal(latest[1]).quantize(Decimal("0.01")),
                         Decimal(view["totals"]["total_gain"]))
        # A second fetch with nothing new stores nothing.
        for sym in ("AAPLT", "VOD.L"):
            m.yahoo[sym] = dict(m.yahoo[sym])
        r = self.fetch()
        self.assertIn(" 0 refused", r.stdout)

    def test_one_file_prices_every_amfi_scheme(self):
        """AMFI's one file answers for every scheme held, each stored
        once that source has answered."""
        codes = ["120%03d" % k for k in range(3)]
        for k, code in enumerate(codes):
            self.market.amfi[code] = ("%d.5" % (20 + k), TODAY.isoformat(), "Scheme %d" % k)
        ids = [self.add("AMF%d" % k, "amfi", "INR", "fund", source_symbol=c)
               for k, c in enumerate(codes)]
        self.fetch()
        for k, iid in enumerate(ids):
            self.assertEqual(Decimal(self.price(iid)[0]), Decimal("%d.5" % (20 + k)))

    def test_slow_source_times_out_and_the_last_price_stays(self):
        iid = self.add("SLOWT", "yahoo")
        pid = self.u.portfolio("Slow", "USD")
        self.hold(pid, "2024-01-02,buy,SLOWT,1,10,,")
        self.market.yahoo["SLOWT"] = {"price": 11.5, "time": int(time.time()) - 60}
        self.assertEqual(self.fetch().returncode, 0)
        self.market.yahoo["SLOWT"] = {"price": 12.5, "time": int(time.time())}
        self.market.trouble("yahoo:SLOWT", "slow:3", "slow:3", "slow:3")
        r = self.fetch(env={"NESTEGG_FETCH_TIMEOUT": "1"})
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn("yahoo failed", r.stderr)
        self.assertEqual(Decimal(self.price(iid)[0]), Decimal("11.5"))
        self.assertNotEqual(self.health("yahoo")[0], "0")
        err = self.stack.sql("SELECT last_error FROM instrument_health WHERE "
                             "instrument_id = %d" % iid)[0][0]
        self.assertIn("yahoo", err)
        self.assertEqual(self.fetch().returncode, 0)
        self.assertEqual(Decimal(self.price(iid)[0]), Decimal("12.5"))
        self.assertEqual(self.health("yahoo")[0], "0")

    def test_500_is_retried_with_backoff(self):
        iid = self.add("FLAKY", "yahoo")
        pid = self.u.portfolio("Flaky", "USD")
        self.hold(pid, "2024-01-02,buy,FLAKY,1,10,,")
        self.market.yahoo["FLAKY"] = {"price": 21.25, "time": int(time.time())}
        self.market.trouble("yahoo:FLAKY", "500", "500")
        before = self.market.keys["yahoo:FLAKY"]
        r = self.fetch()
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.market.keys["yahoo:FLAKY"] - before, 3)
        self.assertEqual(Decimal(self.price(iid)[0]), Decimal("21.25"))

    def test_429_waits_for_retry_after(self):
        iid = self.add("LIMITED", "yahoo")
        pid = self.u.portfolio("Limited", "USD")
        self.hold(pid, "2024-01-02,buy,LIMITED,1,10,,")
        self.market.yahoo["LIMITED"] = {"price": 31.5, "time": int(time.time())}
        self.market.trouble("yahoo:LIMITED", "429:2")
        r = self.fetch()
        self.assertEqual(r.returncode, 0, r.stderr)
        times = [t for t, s, k in self.market.seen if k == "yahoo:LIMITED"]
        self.assertEqual(len(times), 2)
        self.assertGreaterEqual(times[1] - times[0], 1.9)
        self.assertEqual(Decimal(self.price(iid)[0]), Decimal("31.5"))

    def test_bad_answers_never_become_prices(self):
        now = int(time.time())
        ids = {"GARB": self.add("GARB", "yahoo"), "TRUNC": self.add("TRUNC", "yahoo"),
               "HTMLS": self.add("HTMLS", "stooq", source_symbol="htmls.us"),
               "GECKO": self.add("GECKO", "coingecko", kind="crypto", source_symbol="gecko"),
               "NOTE": self.add("NOTE", "alphavantage")}
        pid = self.u.portfolio("Bad answers", "USD")
        self.hold(pid, *["2024-01-02,buy,%s,1,10,," % s for s in ids])
        m = self.market
        m.yahoo["GARB"] = {"price": 5, "time": now - 60}
        m.yahoo["TRUNC"] = {"price": 6, "time": now - 60}
        m.stooq["htmls.us"] = [(TODAY.isoformat(), "7")]
        m.gecko["gecko"] = {"USD": "8"}
        m.alpha["NOTE"] = ("9.0000", TODAY.isoformat(), "9.0000")
        self.assertEqual(self.fetch().returncode, 0)
        for sym, src in (("GARB", "yahoo"), ("TRUNC", "yahoo"), ("HTMLS", "stooq"),
                         ("GECKO", "coingecko"), ("NOTE", "alphavantage")):
            m.trouble({"GARB": "yahoo:GARB", "TRUNC": "yahoo:TRUNC",
                       "HTMLS": "stooq:htmls.us", "GECKO": "coingecko",
                       "NOTE": "alphavantage:NOTE"}[sym],
                      {"GARB": "garbage", "TRUNC": "truncated", "HTMLS": "html",
                       "GECKO": "ratelimit", "NOTE": "ratelimit"}[sym])
        m.yahoo["GARB"] = {"price": 50, "time": now}
        m.yahoo["TRUNC"] = {"price": 60, "time": now}
        r = self.fetch()
        self.assertEqual(r.returncode, 1, r.stdout)
        for src in ("yahoo", "stooq", "coingecko", "alphavantage"):
            self.assertIn("%s failed" % src, r.stderr)
        self.assertEqual(Decimal(self.price(ids["GARB"])[0]), Decimal(5))
        self.assertEqual(Decimal(self.price(ids["TRUNC"])[0]), Decimal(6))
        self.assertEqual(Decimal(self.price(ids["HTMLS"])[0]), Decimal(7))
        self.assertEqual(Decimal(self.price(ids["GECKO"])[0]), Decimal(8))
        self.assertEqual(Decimal(self.price(ids["NOTE"])[0]), Decimal(9))
        self.assertIn("HTML", self.health("stooq")[1])
        self.assertIn("Rate Limit", self.health("coingecko")[1])
        self.assertIn("rate limit", self.health("alphavantage")[1])
        m.yahoo["GARB"] = {"price": 5, "time": now - 60}
        m.yahoo["TRUNC"] = {"price": 6, "time": now - 60}

    def test_bad_quotes_are_refused(self):
        now = int(time.time())
        ids = {s: self.add(s, "yahoo") for s in ("ZERO", "FUTURE", "OLDER", "OTHERCUR")}
        pid = self.u.portfolio("Bad quotes", "USD")
        self.hold(pid, *["2024-01-02,buy,%s,1,10,," % s for s in ids])
        for s in ids:
            self.market.yahoo[s] = {"price": 10, "time": now - 3600}
        self.assertEqual(self.fetch().returncode, 0)
        self.market.yahoo["ZERO"] = {"price": 0, "time": now}
        self.market.yahoo["FUTURE"] = {"price": 11, "time": now + 3 * DAY}
        self.market.yahoo["OLDER"] = {"price": 12, "time": now - 7200}
        self.market.yahoo["OTHERCUR"] = {"price": 13, "time": now, "currency": "EUR"}
        r = self.fetch()
        self.assertEqual(r.returncode, 0, r.stderr)    # the source itself is fine
        for s in ids:
            self.assertEqual(Decimal(self.price(ids[s])[0]), Decimal(10), s)
        reasons = dict(self.stack.sql(
            "SELECT i.symbol, h.last_error FROM instrument_health h JOIN instruments i "
            "ON i.id = h.instrument_id WHERE i.id IN (%s)" % ",".join(map(str, ids.values()))))
        self.assertIn("not a price above 0", reasons["ZERO"])
        self.assertIn("future", reasons["FUTURE"])
        self.assertIn("older than the stored price", reasons["OLDER"])
        self.assertIn("quotes it in EUR", reasons["OTHERCUR"])
        for s in ids:
            self.market.yahoo[s] = {"price": 10, "time": now - 3600}

    def test_outlier_is_held_until_seen_again(self):
        iid = self.add("JUMPY", "yahoo")
        pid = self.u.portfolio("Jumpy", "USD")
        self.hold(pid, "2024-01-02,buy,JUMPY,1,10,,")
        self.market.yahoo["JUMPY"] = {"price": 100, "time": int(time.time()) - 60}
        self.assertEqual(self.fetch().returncode, 0)
        for n in (1, 2):
            self.market.yahoo["JUMPY"] = {"price": 300, "time": int(time.time()) - 10 + n}
            r = self.fetch()
            self.assertEqual(r.returncode, 0)
            self.assertEqual(Decimal(self.price(iid)[0]), Decimal(100))
            held = self.stack.sql("SELECT pending_price, pending_count FROM "
                                  "instrument_health WHERE instrument_id = %d" % iid)[0]
            self.assertEqual([Decimal(held[0]), held[1]], [Decimal(300), str(n)])
        status = json.loads(self.stack.cli("status", "--json").stdout)
        self.assertIn("JUMPY", [i["symbol"] for i in status["instruments_to_check"]
                                if i["outlier_held"]])
        self.market.yahoo["JUMPY"] = {"price": 300, "time": int(time.time()) + 1}
        self.assertEqual(self.fetch().returncode, 0)
        self.assertEqual(Decimal(self.price(iid)[0]), Decimal(300))

    def test_a_recorded_split_explains_a_jump(self):
        iid = self.add("SPLITT", "yahoo")
        pid = self.u.portfolio("Split", "USD")
        self.hold(pid, "2024-01-02,buy,SPLITT,10,100,,")
        self.market.yahoo["SPLITT"] = {"price": 400, "time": int(time.time()) - 2 * DAY}
        self.assertEqual(self.fetch().returncode, 0)
        self.hold(pid, "%s,split,SPLITT,4,,," % TODAY.isoformat())
        self.market.yahoo["SPLITT"] = {"price": 101, "time": int(time.time())}
        self.assertEqual(self.fetch().returncode, 0)
        self.assertEqual(Decimal(self.price(iid)[0]), Decimal(101))
        self.assertEqual(self.u.holding(pid, "SPLITT")["value"], "4040.00")

    def test_fallback_source_stands_in_and_cross_checks(self):
        iid = self.add("TWOSRC", "yahoo", fallback_source="stooq",
                       fallback_symbol="twosrc.us")
        pid = self.u.portfolio("Two sources", "USD")
        self.hold(pid, "2024-01-02,buy,TWOSRC,1,10,,")
        now = int(time.time())
        self.market.stooq["twosrc.us"] = [(TODAY.isoformat(), "50")]
        self.market.yahoo["TWOSRC"] = {"price": 50.5, "time": now - 60}
        self.assertEqual(self.fetch().returncode, 0)
        self.assertEqual(self.price(iid)[2], "yahoo")
        # The first source fails: the fallback's price stands in.
        self.market.trouble("yahoo:TWOSRC", "500", "500", "500")
        self.market.stooq["twosrc.us"] = [(TODAY.isoformat(), "50.5")]
        self.assertEqual(self.fetch().returncode, 1)
        # Both answer, 20% apart: flagged.
        self.market.yahoo["TWOSRC"] = {"price": 60.6, "time": now}
        self.assertEqual(self.fetch().returncode, 0)
        flag = self.stack.sql("SELECT flag FROM instrument_health WHERE instrument_id = %d"
                              % iid)[0][0]
        self.assertIn("yahoo says 60.6, stooq says 50.5", flag)
        self.assertIn("Its sources disagree", self.u.c.get("/instruments/%d" % iid).text)
        # Agreeing again clears the flag.
        self.market.yahoo["TWOSRC"] = {"price": 50.6, "time": now + 1}
        self.assertEqual(self.fetch().returncode, 0)
        self.assertEqual(self.stack.sql("SELECT flag FROM instrument_health WHERE "
                                        "instrument_id = %d" % iid), [[""]])

    def test_a_new_instruments_first_day_change_comes_from_its_source(self):
        """The previous close the source gives with its quote (Alpha
        Vantage's "08. previous close", Yahoo's chartPreviousClose) is
        stored with the first price and gives the day change, until a
        close of our own exists."""
        now = int(time.time())
        self.market.alpha["AVDAY"] = ("105.0000", TODAY.isoformat(), "100.0000")
        self.market.yahoo["YDAY"] = {"price": "52", "prev": "50", "prev_meta": True,
                                     "time": now - 60}
        av, ya = self.add("AVDAY", "alphavantage"), self.add("YDAY", "yahoo")
        pid = self.u.portfolio("First day", "USD")
        self.hold(pid, "2024-01-02,buy,AVDAY,2,90,,", "2024-01-02,buy,YDAY,1,40,,")
        self.assertEqual(self.stack.sql("SELECT COUNT(*) FROM price_history WHERE "
                                        "instrument_id IN (%d, %d) AND day < CURDATE()"
                                        % (av, ya)), [["0"]])
        self.fetch()
        self.assertEqual(Decimal(self.price(av)[3]), Decimal(100))
        self.assertEqual(Decimal(self.price(ya)[3]), Decimal(50))
        by = {h["symbol"]: h for h in self.u.view(pid)["holdings"]}
        self.assertEqual(by["AVDAY"]["day_change"], "10.00")
        self.assertEqual(by["YDAY"]["day_change"], "2.00")
        # A close of our own wins once there is one.
        self.stack.sql("INSERT INTO price_history (instrument_id, day, close, source) "
                       "VALUES (%d, CURDATE() - INTERVAL 1 DAY, 101, 'alphavantage')" % av)
        self.market.alpha["AVDAY"] = ("106.0000", TODAY.isoformat(), "100.0000")
        self.fetch()
        self.assertEqual(Decimal(self.price(av)[3]), Decimal(101))

    def test_stale_price_shows_no_day_change_and_is_named(self):
        iid = self.add("STALEX", "yahoo")
        fresh = self.add("FRESHX", "yahoo")
        pid = self.u.portfolio("Stale", "USD")
        self.hold(pid, "2024-01-02,buy,STALEX,10,10,,", "2024-01-02,buy,FRESHX,10,10,,")
        for i, ago in ((iid, 9 * DAY), (fresh, 60)):
            self.set_price(i, 12, ago)
            self.stack.sql("UPDATE prices SET prev_close = 11 WHERE instrument_id = %d" % i)
        view = self.u.view(pid)
        by = {h["symbol"]: h for h in view["holdings"]}
        self.assertTrue(by["STALEX"]["stale"])
        self.assertIsNone(by["STALEX"]["day_change"])
        self.assertEqual(by["FRESHX"]["day_change"], "10.00")
        self.assertEqual(view["totals"]["day_change"], "10.00")
        self.assertEqual(view["totals"]["stale_holdings"], ["STALEX"])
        page = harness.page_text(self.u.c.get("/portfolios/%d" % pid).text)
        self.assertIn("Valued at a stale price, with no change counted for today: STALEX", page)

    def test_two_fetches_at_once_one_runs(self):
        self.add("LOCKT", "yahoo")
        pid = self.u.portfolio("Lock", "USD")
        self.hold(pid, "2024-01-02,buy,LOCKT,1,10,,")
        self.market.yahoo["LOCKT"] = {"price": 10, "time": int(time.time())}
        self.market.trouble("yahoo:LOCKT", "slow:3")
        e = dict(self.stack.env)
        first = subprocess.Popen([os.path.join(harness.BUILD, "nestegg"), "fetch", "--quiet"],
                                 env=e, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True)
        time.sleep(1)
        second = self.fetch()
        self.assertEqual(second.returncode, 0, second.stderr)
        self.assertIn("another fetch is running", second.stdout)
        out, err = first.communicate(timeout=60)
        self.assertEqual(first.returncode, 0, err)
        self.assertIn("fetch run", out)

    def test_fetch_killed_mid_run_leaves_the_previous_state(self):
        iid = self.add("KILLT", "yahoo")
        pid = self.u.portfolio("Killed", "USD")
        self.hold(pid, "2024-01-02,buy,KILLT,1,10,,")
        self.market.yahoo["KILLT"] = {"price": 40, "time": int(time.time()) - 60}
        self.assertEqual(self.fetch().returncode, 0)
        runs = count(self.stack, "SELECT COUNT(*) FROM fetch_runs")
        latest = self.stack.sql("SELECT * FROM portfolio_latest WHERE portfolio_id = %d" % pid)
        self.market.yahoo["KILLT"] = {"price": 44, "time": int(time.time())}
        self.market.trouble("yahoo:KILLT", "slow:4")
        p = subprocess.Popen([os.path.join(harness.BUILD, "nestegg"), "fetch", "--quiet"],
                             env=self.stack.env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        time.sleep(1.5)
        self.assertIsNone(p.poll())
        p.send_signal(signal.SIGKILL)
        p.wait()
        self.assertEqual(count(self.stack, "SELECT COUNT(*) FROM fetch_runs"), runs)
        self.assertEqual(Decimal(self.price(iid)[0]), Decimal(40))
        self.assertEqual(self.stack.sql("SELECT * FROM portfolio_latest WHERE "
                                        "portfolio_id = %d" % pid), latest)
        # The lock went with the process: the next fetch runs.
        time.sleep(3)
        r = self.fetch()
        self.assertIn("fetch run", r.stdout)
        self.assertEqual(Decimal(self.price(iid)[0]), Decimal(44))

    def test_admin_page_and_status(self):
        self.market.yahoo["STATT"] = {"price": 10, "time": int(time.time())}
        self.add("STATT", "yahoo")
        pid = self.u.portfolio("Status", "USD")
        self.hold(pid, "2024-01-02,buy,STATT,1,10,,")
        self.fetch()
        r = self.admin.c.get("/admin")
        self.assertEqual(r.status, 200)
        text = harness.page_text(r.text)
        for want in ("Sources", "yahoo", "Fetch runs", "Valuation runs"):
            self.assertIn(want, text)
        self.assertEqual(harness.validate_html(r.text), "")
        self.assertEqual(self.u.c.get("/admin").status, 403)
        self.assertNotIn('href="/admin"', self.u.c.get("/").text)
        self.assertIn('href="/admin"', self.admin.c.get("/").text)
        r = self.stack.cli("status", "--json")
        self.assertEqual(r.returncode, 0, r.stderr)
        s = json.loads(r.stdout)
        self.assertIn("yahoo", [x["source"] for x in s["sources"]])
        self.assertGreater(len(s["fetch_runs"]), 0)
        self.assertGreater(len(s["valuation_runs"]), 0)
        r = self.stack.cli("status")
        self.assertIn("Fetch runs", r.stdout)

    def test_scheduler_runs_the_crontab(self):
        with tempfile.NamedTemporaryFile("w", suffix=".cron", delete=False) as f:
            f.write("# a test crontab\n*/10 * * * *\tNESTEGG_VAR=@VAR@ "
                    "@ROOT@/build/nestegg fetch --quiet\n")
        runs = count(self.stack, "SELECT COUNT(*) FROM fetch_runs")
        p = subprocess.Popen([os.path.join(harness.BUILD, "nestegg"), "schedule", "--file",
                              f.name, "--every-fetch", "2"], env=self.stack.env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(5)
        p.send_signal(signal.SIGTERM)
        out, err = p.communicate(timeout=60)
        os.unlink(f.name)
        self.assertEqual(p.returncode, 0, err)
        self.assertGreaterEqual(count(self.stack, "SELECT COUNT(*) FROM fetch_runs"), runs + 2)
        with open(self.stack.path("log", "cron.log")) as log:
            self.assertIn("run: NESTEGG_VAR=%s " % self.stack.dir, log.read())



    def test_backfill_brings_closes_back_to_the_first_transaction(self):
        day0 = int(time.time()) // DAY * DAY
        history = [(day0 - k * DAY, "%d.5" % (100 + k)) for k in range(40, 1, -1)]
        # Quoted at one in the morning, or a minute ago if that is still
        # ahead: a quote from the future is refused, by this fetch and
        # by every later test's.
        quoted = min(day0 + 3600, int(time.time()) - 60)
        self.market.yahoo["HIST"] = {"price": 150, "time": quoted, "prev": 149,
                                     "history": history}
        iid = self.add("HIST", "yahoo")
        first = time.strftime("%Y-%m-%d", time.gmtime(day0 - 30 * DAY))
        pid = self.u.portfolio("History", "USD")
        self.hold(pid, "%s,buy,HIST,10,125,USD," % first)
        # Added today, with a transaction 30 days back: the next fetch
        # asks for the closes since then.
        r = self.fetch()
        self.assertEqual(r.returncode, 0, r.stderr)
        n = int(self.stack.sql("SELECT COUNT(*) FROM price_history WHERE instrument_id = %d "
                               "AND day >= '%s'" % (iid, first))[0][0])
        self.assertGreaterEqual(n, 29)
        # Its 30-day-old close, as the source gave it.
        self.assertEqual(self.stack.sql("SELECT close FROM price_history WHERE "
                                        "instrument_id = %d AND day = '%s'" % (iid, first)),
                         [["130.500000000000"]])
        # The series values that day at that close (10 x 130.50), not at
        # the trade's price.
        p = self.u.api("GET", "/api/v1/portfolios/%d/performance?from=%s&to=%s"
                       % (pid, first, first)).json
        self.assertEqual(p["series"][0]["value"], "1305.00")
        # nestegg backfill: on demand, for one symbol, with the ECB's rates
        # of days past for the currencies in use; an unknown one fails.
        self.u.portfolio("Euro side", "EUR")
        self.market.ecb_hist = {first: {"USD": "1.0800", "GBP": "0.8600"}}
        self.stack.sql("DELETE FROM price_history WHERE instrument_id = %d AND day < "
                       "CURDATE() - INTERVAL 2 DAY" % iid)
        cmd = [os.path.join(harness.BUILD, "nestegg"), "backfill", "HIST", "--quiet"]
        r = subprocess.run(cmd, env=self.stack.env, capture_output=True, text=True,
                           timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout, r"[1-9][0-9]* closes of days past")
        n = int(self.stack.sql("SELECT COUNT(*) FROM price_history WHERE instrument_id = %d "
                               "AND day >= '%s'" % (iid, first))[0][0])
        self.assertGreaterEqual(n, 29)
        self.assertEqual(self.stack.sql("SELECT rate FROM fx_history WHERE base = 'EUR' AND "
                                        "quote = 'USD' AND day = '%s'" % first),
                         [["1.080000000000"]])
        # A coin: CoinGecko's market chart since its first transaction.
        self.market.gecko_hist["histcoin"] = [(day0 - k * DAY + 3600, "%d.25" % (200 + k))
                                              for k in range(20, 0, -1)]
        self.market.gecko["histcoin"] = {"USD": "201.25"}
        cid = self.add("HISTCOIN", "coingecko", kind="crypto", source_symbol="histcoin")
        coinday = time.strftime("%Y-%m-%d", time.gmtime(day0 - 10 * DAY))
        self.hold(pid, "%s,buy,HISTCOIN,1,200,USD," % coinday)
        r = subprocess.run(cmd[:2] + ["HISTCOIN"], env=self.stack.env, capture_output=True,
                           text=True, timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.stack.sql("SELECT close FROM price_history WHERE "
                                        "instrument_id = %d AND day = '%s'" % (cid, coinday)),
                         [["210.250000000000"]])
        # A fund: AMFI's NAV history report, every scheme's, in windows
        # of days; only the scheme held is kept.
        fundday = day0 - 40 * DAY
        self.market.amfi["149999"] = ("31.0000", time.strftime("%Y-%m-%d", time.gmtime(day0)),
                                      "Test Fund")
        self.market.amfi_hist = {
            code: [(time.strftime("%Y-%m-%d", time.gmtime(day0 - k * DAY)),
                    "%d.%04d" % (base + k, k)) for k in range(45, 0, -1)]
            for code, base in (("149999", 30), ("150000", 90))}
        fid = self.add("FUND149", "amfi", kind="fund", source_symbol="149999", currency="INR")
        self.hold(self.u.portfolio("Rupee", "INR"),
                  "%s,buy,FUND149,100,70,INR," % time.strftime("%Y-%m-%d", time.gmtime(fundday)))
        before = self.market.keys["amfi:history"]
        r = subprocess.run(cmd[:2] + ["FUND149"], env=self.stack.env, capture_output=True,
                           text=True, timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertGreaterEqual(self.market.keys["amfi:history"] - before, 3)
        rows = self.stack.sql("SELECT DATE_FORMAT(MIN(day), '%%Y-%%m-%%d'), COUNT(*) FROM "
                              "price_history WHERE instrument_id = %d AND day < CURDATE()" % fid)
        self.assertEqual(rows[0][0], time.strftime("%Y-%m-%d", time.gmtime(fundday)))
        self.assertEqual(int(rows[0][1]), 40)
        self.assertEqual(self.stack.sql("SELECT close FROM price_history WHERE instrument_id = "
                                        "%d AND day = '%s'" % (fid, time.strftime(
                                            "%Y-%m-%d", time.gmtime(fundday)))),
                         [["70.004000000000"]])
        r = subprocess.run(cmd[:2] + ["NOSUCH"], env=self.stack.env, capture_output=True,
                           text=True, timeout=120)
        self.assertEqual(r.returncode, 1)
        self.assertIn("no instrument NOSUCH", r.stderr)

    def test_split_adjusted_history_is_not_split_twice(self):
        # Stooq's days past come adjusted for splits: 100 before a
        # two-for-one split as after it, where the shares traded at 200.
        # The series takes the split back out: the holding is worth
        # 2,000 every day, not 1,000 before the split.
        day0 = int(time.time()) // DAY * DAY
        ymd = lambda k: time.strftime("%Y-%m-%d", time.gmtime(day0 - k * DAY))
        self.market.stooq["splt.us"] = [(ymd(k), "100") for k in range(12, -1, -1)]
        iid = self.add("SPLT", "stooq", source_symbol="splt.us")
        pid = self.u.portfolio("Split", "USD")
        self.hold(pid, "%s,buy,SPLT,10,200,," % ymd(10))
        r = self.u.add_tx(pid, date=ymd(5), type="split", symbol="SPLT", quantity="2")
        self.assertEqual(r.status, 303, r.body)
        r = self.fetch()
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(count(self.stack, "SELECT COUNT(*) FROM price_history WHERE "
                                           "instrument_id = %d AND adjusted_to IS NOT NULL"
                                           % iid), 12)
        p = self.u.api("GET", "/api/v1/portfolios/%d/performance?from=%s&to=%s"
                       % (pid, ymd(10), ymd(1))).json
        self.assertEqual({d["value"] for d in p["series"]}, {"2000.00"})
        # A close uploaded by hand is as it traded: no longer adjusted.
        for k, price in ((8, "100"), (7, "190")):
            r = self.stack.cli("price", "set", "SPLT", price, "--at", ymd(k) + "T16:00:00Z")
            self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(count(self.stack, "SELECT COUNT(*) FROM price_history WHERE "
                                           "instrument_id = %d AND adjusted_to IS NOT NULL"
                                           % iid), 10)
        p = self.u.api("GET", "/api/v1/portfolios/%d/performance?from=%s&to=%s"
                       % (pid, ymd(8), ymd(6))).json
        self.assertEqual([d["value"] for d in p["series"]], ["1000.00", "1900.00", "2000.00"])


class Identity(unittest.TestCase):
    """Who defines an instrument: nobody can change what another user's
    symbols mean."""

    def test_another_user_cannot_redefine_my_symbol(self):
        stack = harness.shared
        a, b, c = User(stack, "ida"), User(stack, "idb"), User(stack, "idc")
        sym = "MS%d" % (os.getpid() % 100000)
        r = a.api("POST", "/api/v1/instruments", {"symbol": sym, "name": "Microsoft",
                                                  "kind": "stock", "currency": "USD",
                                                  "source": "yahoo"})
        self.assertEqual(r.status, 201, r.body)
        mine = r.json["id"]
        # B's symbol of the same name is B's alone: a JPY crypto of DOGE-USD.
        r = b.api("POST", "/api/v1/instruments", {"symbol": sym, "name": "Not Microsoft",
                                                  "kind": "crypto", "currency": "JPY",
                                                  "source": "yahoo",
                                                  "source_symbol": "DOGE-USD"})
        self.assertEqual(r.status, 201, r.body)
        self.assertNotEqual(r.json["id"], mine)
        # A's import still means A's instrument, in USD.
        pid = a.portfolio("Mine", "USD")
        r = a.import_csv(pid, "date,type,symbol,quantity,price\n2024-01-02,buy,%s,2,300\n" % sym)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(count(stack, "SELECT instrument_id FROM transactions WHERE "
                               "portfolio_id = %d" % pid), mine)
        self.assertEqual(a.holding(pid, sym)["currency"], "USD")
        # Adding the same source and symbol with the same details shares
        # the instrument, under the user's own symbol.
        r = c.api("POST", "/api/v1/instruments", {"symbol": "MSFTC", "name": "MSFT",
                                                  "kind": "stock", "currency": "USD",
                                                  "source": "yahoo", "source_symbol": sym})
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.json["id"], mine)
        self.assertEqual(r.json["symbol"], "MSFTC")
        # C sees and exports it under C's symbol, so a re-import agrees.
        cpid = c.portfolio("C", "USD")
        self.assertEqual(c.import_csv(cpid, "date,type,symbol,quantity,price\n"
                                      "2024-01-02,buy,MSFTC,1,300\n").status, 200)
        self.assertEqual(c.view(cpid)["holdings"][0]["symbol"], "MSFTC")
        export = c.c.get("/portfolios/%d/export.csv" % cpid).text
        self.assertIn(",buy,MSFTC,", export)
        self.assertNotIn(sym, export)
        # Other details: an instrument of their own, priced from the same
        # source, and the shared one unchanged.
        d = User(stack, "idd")
        r = d.api("POST", "/api/v1/instruments", {"symbol": "MSX", "name": "MSFT in EUR",
                                                  "kind": "stock", "currency": "EUR",
                                                  "source": "yahoo", "source_symbol": sym})
        self.assertEqual(r.status, 201, r.body)
        self.assertNotEqual(r.json["id"], mine)
        self.assertFalse(r.json["shared"])
        self.assertEqual(stack.sql("SELECT currency, kind FROM instruments WHERE id = %d"
                                   % mine), [["USD", "stock"]])
        # The same symbol twice for one user is refused.
        r = a.api("POST", "/api/v1/instruments", {"symbol": sym, "name": "Again",
                                                  "kind": "stock", "currency": "USD",
                                                  "source": "sim"})
        self.assertEqual(r.status, 409)

    def test_listed_instruments_resolve_for_everyone(self):
        stack = harness.shared
        sym = "LST%d" % (os.getpid() % 100000)
        r = stack.cli("instrument", "add", sym, "--name", "Listed Corp", "--kind", "etf",
                      "--currency", "USD", "--source", "sim")
        self.assertEqual(r.returncode, 0, r.stderr)
        u = User(stack, "lst")
        pid = u.portfolio("Listed", "USD")
        r = u.import_csv(pid, "date,type,symbol,quantity,price\n2024-01-02,buy,%s,1,10\n" % sym)
        self.assertEqual(r.status, 200, r.body)
        r = stack.cli("instrument", "list")
        self.assertIn(sym, r.stdout)
        # An admin changes a shared instrument for everyone who holds it.
        iid = count(stack, "SELECT id FROM instruments WHERE symbol = '%s' AND "
                    "owner_id = 0" % sym)
        r = stack.cli("instrument", "set", str(iid), "--kind", "fund", "--currency", "EUR",
                      "--fallback", "yahoo:LSTX")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(stack.sql("SELECT kind, currency, fallback_source, fallback_symbol "
                                   "FROM instruments WHERE id = %d" % iid),
                         [["fund", "EUR", "yahoo", "LSTX"]])
        self.assertEqual(u.holding(pid, sym)["currency"], "EUR")
        self.assertEqual(count(stack, "SELECT COUNT(*) FROM revalue_pending WHERE "
                               "instrument_id = %d" % iid), 1)
        r = stack.cli("instrument", "set", str(iid), "--kind", "nonsense")
        self.assertEqual(r.returncode, 1)
        self.assertIn("--kind", r.stderr)
        # An unlisted instrument another user added does not resolve.
        other = User(stack, "unl")
        usym = "UNL%d" % (os.getpid() % 100000)
        other.api("POST", "/api/v1/instruments", {"symbol": usym, "name": "x", "kind": "stock",
                                                  "currency": "USD", "source": "sim"})
        r = u.import_csv(pid, "date,type,symbol,quantity,price\n2024-01-02,buy,%s,1,10\n" % usym)
        self.assertEqual(r.status, 422)
        self.assertEqual([u["symbol"] for u in r.json["error"]["unknown_symbols"]],
                         [usym])


class Demo(unittest.TestCase):
    def test_demo_account_once_with_its_password(self):
        stack = harness.Stack(NESTEGG_WORKERS="1", NESTEGG_THREADS="2")
        try:
            stack.start()
            r = stack.cli("demo")
            self.assertEqual(r.returncode, 0, r.stderr)
            email, pw = r.stdout.split("demo account: ")[1].split("  password: ")
            pw = pw.strip()
            self.assertEqual(stack.cli("demo").stdout, r.stdout)
            self.assertEqual(oct(os.stat(stack.path("etc", "demo")).st_mode & 0o777), "0o600")
            r = stack.cli("fetch", "--force", "--quiet")
            self.assertEqual(r.returncode, 0, r.stderr)
            c = stack.client()
            self.assertEqual(c.login(email, pw).status, 303)
            page = harness.page_text(c.get("/").text)
            self.assertIn("Demo portfolio", page)
            c.get("/")
            import json as _json
            data = _json.loads(c.get("/api/v1/portfolios").body)["portfolios"][0]
            self.assertNotEqual(data["value"], "0.00")
            self.assertNotEqual(data["day_change"], "0.00")
            # The demo is no admin.
            self.assertEqual(c.get("/admin").status, 403)
        finally:
            stack.cleanup()
