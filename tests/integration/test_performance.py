"""Performance over time: the stored daily series and the returns the API
gives from it, with known answers; a back-dated transaction and a price
of a day long past update the series from their day on."""
import unittest

import harness
from pf_helpers import User, instrument


class Performance(unittest.TestCase):
    def setUp(self):
        self.stack = harness.shared
        self.u = User(self.stack, "perf")
        self.sym = instrument(self.u, source="manual")
        self.pid = self.u.portfolio("Perf", "USD")

    def perf(self, query=""):
        r = self.u.api("GET", "/api/v1/portfolios/%d/performance%s" % (self.pid, query))
        self.assertEqual(r.status, 200, r.body)
        return r.json

    def price(self, value, day):
        r = self.stack.cli("price", "set", self.sym, value, "--at", day + "T16:00:00Z")
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_returns_known_answers_and_back_dated_changes(self):
        r = self.u.import_csv(self.pid, "date,type,symbol,quantity,price,amount\n"
                                        "2024-01-02,deposit,,,,1000\n"
                                        "2024-01-02,buy,%s,10,100,\n" % self.sym)
        self.assertEqual(r.status, 200, r.body)
        self.price("110", "2024-01-03")
        self.price("121", "2024-01-04")
        p = self.perf("?from=2024-01-02&to=2024-01-04")
        # The first day at the trade's price (no close yet): 1000; then
        # 1100, 1210: +21% whichever way it is measured.
        self.assertEqual([d["value"] for d in p["series"]], ["1000.00", "1100.00", "1210.00"])
        self.assertEqual([d["net_invested"] for d in p["series"]], ["1000.00"] * 3)
        self.assertEqual(p["twr"], "0.21000000")
        # From the first transaction: from nothing, the deposit a flow.
        self.assertEqual((p["start_value"], p["end_value"], p["net_flows"], p["gain"]),
                         ("0.00", "1210.00", "1000.00", "210.00"))
        self.assertIsNone(p["twr_annualized"])
        irr = float(p["irr"])
        self.assertAlmostEqual(irr, 1.21 ** (365 / 2) - 1, delta=irr * 1e-6)
        # A dividend back-dated into the middle: the series follows from
        # its day on, cash included (1110, then 1220).
        r = self.u.add_tx(self.pid, date="2024-01-03", type="dividend", symbol=self.sym,
                          amount="10")
        self.assertEqual(r.status, 303)
        p = self.perf("?from=2024-01-02&to=2024-01-04")
        self.assertEqual([d["value"] for d in p["series"]], ["1000.00", "1110.00", "1220.00"])
        self.assertEqual(p["twr"], "0.22000000")
        self.assertEqual(p["income"], "10.00")
        # A close of a day long past, set afterwards: from that day on.
        self.price("105", "2024-01-03")
        p = self.perf("?from=2024-01-02&to=2024-01-04")
        self.assertEqual([d["value"] for d in p["series"]], ["1000.00", "1060.00", "1220.00"])
        # The whole history to today, and named periods.
        p = self.perf()
        self.assertEqual(p["from"], "2024-01-02")
        self.assertEqual(p["series"][-1]["value"], "1220.00")
        self.assertEqual(self.perf("?period=1M")["gain"], "0.00")
        r = self.u.api("GET", "/api/v1/portfolios/%d/performance?period=2Q" % self.pid)
        self.assertEqual(r.status, 422)

    def test_returns_past_a_decimal_are_null_with_a_reason(self):
        """A tenfold rise in two weeks has a yearly rate no decimal holds:
        null and "too large", and a sentence on the page; a 96% fall
        gives a number or a reason; never NaN or Inf."""
        r = self.u.import_csv(self.pid, "date,type,symbol,quantity,price,amount\n"
                                        "2024-01-02,deposit,,,,1000\n"
                                        "2024-01-02,buy,%s,10,100,\n" % self.sym)
        self.assertEqual(r.status, 200, r.body)
        self.price("1000", "2024-01-16")
        raw = self.u.api("GET", "/api/v1/portfolios/%d/performance?from=2024-01-02"
                                "&to=2024-01-16&holdings=1" % self.pid)
        self.assertEqual(raw.status, 200, raw.body)
        for bad in (b"NaN", b"nan", b"Inf", b"inf"):
            self.assertNotIn(bad, raw.body)
        p = raw.json
        self.assertEqual(p["twr"], "9.00000000")
        self.assertIsNone(p["irr"])
        self.assertEqual(p["irr_reason"], "too large")
        self.assertIsNone(p["twr_annualized"])
        self.assertEqual(p["twr_annualized_reason"], "under a year")
        self.assertEqual(p["holdings"][0]["irr_reason"], "too large")
        page = harness.page_text(self.u.c.get(
            "/portfolios/%d/performance?from=2024-01-02&to=2024-01-16" % self.pid).text)
        self.assertIn("Too large to show", page)
        self.assertNotIn("NaN", page)
        # Then a fall of 96% over the next two weeks.
        self.price("40", "2024-01-30")
        raw = self.u.api("GET", "/api/v1/portfolios/%d/performance?from=2024-01-16"
                                "&to=2024-01-30" % self.pid)
        for bad in (b"NaN", b"nan", b"Inf", b"inf"):
            self.assertNotIn(bad, raw.body)
        p = raw.json
        self.assertEqual(p["twr"], "-0.96000000")
        if p["irr"] is None:
            self.assertEqual(p["irr_reason"], "no answer")
        else:
            self.assertTrue(-1 <= float(p["irr"]) < 0, p["irr"])

    def test_the_series_and_the_portfolio_use_the_same_rate_each_day(self):
        """Three currencies, each with a rate and its opposite set on
        different days (one by hand, one from a day past): the
        performance API's value today is the portfolio API's, cent for
        cent, and the rate used is the newer of the two."""
        import datetime
        ago = (datetime.date.today() - datetime.timedelta(days=40)).isoformat()
        today = datetime.date.today().isoformat()
        yesterday = (datetime.date.today() - datetime.timedelta(days=1)).isoformat()
        # CZK's opposite is set after its rate, but dated a day past: the
        # rate set by hand now is still the newer.  (Two rates set now
        # differ by however many seconds lie between the two commands.)
        for args in (("ZAR", "USD", "0.055", "--at", ago), ("USD", "ZAR", "18.5"),
                     ("USD", "PLN", "4.1", "--at", ago), ("PLN", "USD", "0.25"),
                     ("CZK", "USD", "0.043"), ("USD", "CZK", "23", "--at", yesterday)):
            r = self.stack.cli("fx", "set", *args)
            self.assertEqual(r.returncode, 0, r.stderr)
        syms = {cur: instrument(self.u, cur, source="manual") for cur in ("ZAR", "PLN", "CZK")}
        lines = "".join("%s,buy,%s,10,%s,,%s,%s\n" % (ago, syms[c], p, c, fx) for c, p, fx in
                        (("ZAR", "200", "0.055"), ("PLN", "40", "0.24"), ("CZK", "500", "0.043")))
        r = self.u.import_csv(self.pid, "date,type,symbol,quantity,price,amount,currency,"
                                        "fx_rate\n" + lines)
        self.assertEqual(r.status, 200, r.body)
        for c, price in (("ZAR", "210"), ("PLN", "42"), ("CZK", "520")):
            r = self.stack.cli("price", "set", syms[c], price)
            self.assertEqual(r.returncode, 0, r.stderr)
        view = self.u.view(self.pid)
        # 2100 ZAR / 18.5 + 420 PLN x 0.25 + 5200 CZK x 0.043
        self.assertEqual(view["totals"]["value"], "442.11")
        p = self.perf()
        self.assertEqual(p["to"], today)
        self.assertEqual(p["end_value"], view["totals"]["value"])
        self.assertEqual(p["series"][-1]["value"], view["totals"]["value"])

    def test_benchmark_takes_the_same_money(self):
        bench = instrument(self.u, source="manual")
        r = self.u.import_csv(self.pid, "date,type,symbol,quantity,price,amount\n"
                                        "2024-03-01,deposit,,,,1000\n"
                                        "2024-03-01,buy,%s,10,100,\n"
                                        "2024-03-02,deposit,,,,100\n" % self.sym)
        self.assertEqual(r.status, 200, r.body)
        for value, day in (("50", "2024-03-01"), ("40", "2024-03-02"), ("55", "2024-03-03")):
            r = self.stack.cli("price", "set", bench, value, "--at", day + "T16:00:00Z")
            self.assertEqual(r.returncode, 0, r.stderr)
        p = self.perf("?from=2024-03-01&to=2024-03-03&benchmark=" + bench)
        b = p["benchmark"]
        self.assertEqual(b["symbol"], bench)
        self.assertEqual(b["twr"], "0.10000000")
        # 1000 buys 20 at 50; 100 more buys 2.5 at 40; 22.5 at 55.
        self.assertEqual(b["value_of_flows"], "1237.50")
        self.assertEqual([d["benchmark_value"] for d in p["series"]],
                         ["1000.00", "900.00", "1237.50"])
        r = self.u.api("GET", "/api/v1/portfolios/%d/performance?benchmark=NOPE" % self.pid)
        self.assertEqual(r.status, 422)
        # The page draws it, with its figures.
        r = self.u.c.get("/portfolios/%d/performance?period=MAX&benchmark=%s" % (self.pid, bench))
        self.assertEqual(r.status, 200)
        self.assertEqual(harness.validate_html(r.text), "")
        self.assertIn('class="benchmark"', r.text)
        text = harness.page_text(r.text)
        self.assertIn("your money in it", text)
        # The time-weighted return against it, drawn and in the table:
        # flat for the portfolio, +10% for the benchmark by the end.
        self.assertIn("Time-weighted return against %s" % bench, text)
        self.assertEqual(r.text.count('class="benchmark"'), 2)
        self.assertEqual(r.text.count('class="twr"'), 1)
        self.assertIn("2024-03-31 1,100.00 1,100.00 0.00 0.00% +10.00%", text)

    def test_a_benchmark_that_starts_later_is_compared_from_its_first_day(self):
        bench = instrument(self.u, source="manual")
        r = self.u.import_csv(self.pid, "date,type,symbol,quantity,price,amount\n"
                                        "2024-04-01,deposit,,,,1000\n"
                                        "2024-04-01,buy,%s,10,100,\n" % self.sym)
        self.assertEqual(r.status, 200, r.body)
        self.price("110", "2024-04-02")
        self.price("121", "2024-04-03")
        # The benchmark's first price is on the second day.
        for value, day in (("20", "2024-04-02"), ("25", "2024-04-03")):
            r = self.stack.cli("price", "set", bench, value, "--at", day + "T16:00:00Z")
            self.assertEqual(r.returncode, 0, r.stderr)
        p = self.perf("?from=2024-04-01&to=2024-04-03&benchmark=" + bench)
        b = p["benchmark"]
        self.assertEqual(b["from"], "2024-04-02")
        self.assertEqual(b["twr"], "0.25000000")
        # The portfolio over the same days: 1100 to 1210.
        self.assertEqual(b["portfolio_twr"], "0.10000000")
        # 1100 buys 55 at 20, worth 1375 at 25; nothing before its start.
        self.assertEqual(b["value_of_flows"], "1375.00")
        self.assertEqual([d["benchmark_value"] for d in p["series"]],
                         [None, "1100.00", "1375.00"])
        text = harness.page_text(self.u.c.get(
            "/portfolios/%d/performance?from=2024-04-01&to=2024-04-03&benchmark=%s"
            % (self.pid, bench)).text)
        self.assertIn("Compared from 2024-04-02, the first day %s has a price; this "
                      "portfolio over the same days: +10.00%%." % bench, text)
        # A benchmark with no price in the period is refused, saying so.
        r = self.u.api("GET", "/api/v1/portfolios/%d/performance?from=2024-04-01"
                       "&to=2024-04-01&benchmark=%s" % (self.pid, bench))
        self.assertEqual(r.status, 422)
        self.assertIn("no price in the period", r.json["error"]["message"])

    def test_without_cash_trades_are_flows(self):
        r = self.u.import_csv(self.pid, "date,type,symbol,quantity,price,fee\n"
                                        "2024-02-01,buy,%s,10,100,0\n"
                                        "2024-02-03,sell,%s,5,120,0\n" % (self.sym, self.sym))
        self.assertEqual(r.status, 200, r.body)
        self.assertTrue(r.json["cash_tracking_off"])
        self.price("120", "2024-02-02")
        p = self.perf("?from=2024-02-01&to=2024-02-03")
        # Holdings only: 1000, 1200, then 600 after taking 600 out.
        self.assertEqual([d["value"] for d in p["series"]], ["1000.00", "1200.00", "600.00"])
        self.assertEqual([d["net_invested"] for d in p["series"]],
                         ["1000.00", "1000.00", "400.00"])
        self.assertEqual(p["twr"], "0.20000000")
        self.assertEqual(p["gain"], "200.00")

    def test_gain_split_into_price_income_fees_and_currency(self):
        # A euro portfolio holding a dollar stock while the dollar goes
        # from 0.8 to 1 euro; the stock from 100 to 110.
        usd = instrument(self.u, source="manual")
        eur = self.u.portfolio("Euro", "EUR")
        for args in (("EUR", "USD", "1"), ("EUR", "USD", "1.25", "--at", "2024-06-03"),
                     ("EUR", "USD", "1", "--at", "2024-06-04")):
            r = self.stack.cli("fx", "set", *args)
            self.assertEqual(r.returncode, 0, r.stderr)
        r = self.stack.cli("fx", "set", "EUR", "USD", "1", "--at", "2999-01-01")
        self.assertNotEqual(r.returncode, 0)
        # (The buy at the day's rate: a euro is 1.25 dollars.)
        r = self.u.import_csv(eur, "date,type,symbol,quantity,price,fee,amount,currency,"
                                   "fx_rate\n"
                                   "2024-06-03,buy,%s,10,100,0,,USD,0.8\n"
                                   "2024-06-05,dividend,%s,,,,5,USD,\n"
                                   "2024-06-05,fee,,,,,2,EUR,\n" % (usd, usd))
        self.assertEqual(r.status, 200, r.body)
        for value, day in (("100", "2024-06-03"), ("110", "2024-06-05")):
            r = self.stack.cli("price", "set", usd, value, "--at", day + "T16:00:00Z")
            self.assertEqual(r.returncode, 0, r.stderr)
        r = self.u.api("GET", "/api/v1/portfolios/%d/performance?from=2024-06-03&to=2024-06-05" % eur)
        self.assertEqual(r.status, 200, r.body)
        p = r.json
        self.assertEqual([d["value"] for d in p["series"]], ["800.00", "1000.00", "1100.00"])
        # 10 x 100 dollars held while a dollar gained 0.2 euro: 200; the
        # price's 10 dollars at 1: 100; income 5, fees 2.
        self.assertEqual((p["gain"], p["currency_effect"], p["price_gain"], p["income"], p["fees"]),
                         ("303.00", "200.00", "100.00", "5.00", "2.00"))
        r = self.u.c.get("/portfolios/%d/performance?from=2024-06-03&to=2024-06-05" % eur)
        self.assertEqual(r.status, 200)
        text = harness.page_text(r.text)
        self.assertIn("Currency effect +200.00", text)
        self.assertIn("Price gain +100.00", text)

    def test_all_portfolios_together_in_the_users_currency(self):
        r = self.stack.cli("fx", "set", "NOK", "USD", "0.1")
        self.assertEqual(r.returncode, 0, r.stderr)
        nok = self.u.portfolio("Krone", "NOK")
        self.assertEqual(self.u.import_csv(self.pid, "date,type,amount\n"
                                                     "2024-05-01,deposit,500\n").status, 200)
        self.assertEqual(self.u.import_csv(nok, "date,type,amount\n"
                                                "2024-05-02,deposit,10000\n").status, 200)
        r = self.u.api("GET", "/api/v1/performance?from=2024-05-01&to=2024-05-03")
        self.assertEqual(r.status, 200, r.body)
        p = r.json
        self.assertEqual(p["currency"], "USD")
        self.assertNotIn("portfolio_id", p)
        # 500 USD, then 10,000 NOK at 0.1 more: flows, not gains; from
        # the first transaction, the first day's too.
        self.assertEqual([d["value"] for d in p["series"]], ["500.00", "1500.00", "1500.00"])
        self.assertEqual(p["start_value"], "0.00")
        self.assertEqual(p["net_flows"], "1500.00")
        self.assertEqual(p["gain"], "0.00")
        self.assertEqual(p["twr"], "0.00000000")

    def test_realized_gains_of_a_year_with_their_lots(self):
        r = self.u.import_csv(self.pid, "date,type,symbol,quantity,price,fee\n"
                                        "2023-01-10,buy,%s,10,100,1\n"
                                        "2023-06-01,buy,%s,10,120,1\n"
                                        "2024-03-01,sell,%s,15,130,5\n" % ((self.sym,) * 3))
        self.assertEqual(r.status, 200, r.body)
        r = self.u.c.get("/portfolios/%d/gains?year=2024" % self.pid)
        self.assertEqual(r.status, 200)
        self.assertEqual(harness.validate_html(r.text), "")
        text = harness.page_text(r.text)
        # 1945 of proceeds: 10 from the first lot (1001), 5 from the
        # second (600.50); 343.50 gained.
        self.assertIn("1,945.00", text)
        self.assertIn("1,601.50", text)
        self.assertIn("+343.50", text)
        r = self.u.c.get("/portfolios/%d/gains.csv?year=2024" % self.pid)
        self.assertEqual(r.status, 200)
        self.assertIn("text/csv", r.header("content-type"))
        lines = r.body.decode().splitlines()
        self.assertEqual(lines[0], "sold,symbol,quantity,acquired,days_held,proceeds,cost,"
                                   "gain,currency")
        self.assertEqual(lines[1], "2024-03-01,%s,10,2023-01-10,416,1296.67,1001.00,295.67,USD"
                         % self.sym)
        self.assertEqual(lines[2], "2024-03-01,%s,5,2023-06-01,274,648.33,600.50,47.83,USD"
                         % self.sym)
        other = User(self.stack, "perf-gains")
        self.assertEqual(other.c.get("/portfolios/%d/gains" % self.pid).status, 404)

    def test_history_upload_and_the_instrument_page(self):
        r = self.u.import_csv(self.pid, "date,type,symbol,quantity,price,amount\n"
                                        "2024-04-01,buy,%s,4,10,\n"
                                        "2024-04-02,dividend,%s,,,3\n" % (self.sym, self.sym))
        self.assertEqual(r.status, 200, r.body)
        iid = int(self.stack.sql("SELECT instrument_id FROM user_symbols WHERE symbol = '%s'"
                                 % self.sym)[0][0])
        page = "/instruments/%d" % iid
        self.u.c.get(page)
        r = self.u.c.post(page, {"history_text": "Date;Close\n01.04.2024;11,5\n"
                                                 "2024-04-02;12\n2024-04-03;12.25\n"})
        self.assertEqual(r.status, 303, r.text[-400:])
        # Each day at its uploaded close (holdings only: no deposits, so
        # cash is not tracked and the dividend is paid out).
        p = self.perf("?from=2024-04-01&to=2024-04-03")
        self.assertEqual([d["value"] for d in p["series"]], ["46.00", "48.00", "49.00"])
        r = self.u.c.get(page)
        self.assertEqual(harness.validate_html(r.text), "")
        text = harness.page_text(r.text)
        self.assertIn("Yours", text)
        self.assertIn("Your transactions in it", text)
        self.assertIn("3.00", text)                       # the income it paid
        self.assertIn('class="value"', r.text)            # the price chart
        # A bad line refuses the whole file, saying which and why.
        self.u.c.get(page)
        r = self.u.c.post(page, {"history_text": "date,close\n2024-04-04,13\n2024-04-05,-1\n"})
        self.assertEqual(r.status, 422)
        self.assertIn("Line 3: close: A close must be above 0.", harness.page_text(r.text))
        self.assertEqual(self.stack.sql("SELECT COUNT(*) FROM price_history WHERE "
                                        "instrument_id = %d AND day >= '2024-04-04'" % iid),
                         [["0"]])
        # Someone else's instrument: not theirs to change.
        other = User(self.stack, "perf-hist")
        other.c.get("/")
        r = other.c.post(page, {"history_text": "date,close\n2024-04-04,13\n"})
        self.assertIn(r.status, (403, 404))

    def test_each_holding_on_its_own(self):
        other = instrument(self.u, source="manual")
        r = self.u.import_csv(self.pid, "date,type,symbol,quantity,price,amount\n"
                                        "2024-06-03,buy,%s,10,100,\n"
                                        "2024-06-03,buy,%s,5,20,\n"
                                        "2024-06-04,dividend,%s,,,4\n" % (self.sym, other, other))
        self.assertEqual(r.status, 200, r.body)
        self.price("110", "2024-06-04")
        r = self.stack.cli("price", "set", other, "18", "--at", "2024-06-04T16:00:00Z")
        self.assertEqual(r.returncode, 0, r.stderr)
        r = self.u.c.get("/portfolios/%d/performance?period=MAX" % self.pid)
        self.assertEqual(r.status, 200)
        self.assertEqual(harness.validate_html(r.text), "")
        text = harness.page_text(r.text)
        self.assertIn("Each holding over the period, on its own", text)
        # The first +10%; the second lost 10% of its price and paid 4
        # of income on 100: -6%.
        self.assertRegex(text, r"%s\s+\+10\.00%%" % self.sym)
        self.assertRegex(text, r"%s\s+-6\.00%%" % other)
        # The API gives the same with holdings=1.
        h = {x["symbol"]: x for x in self.perf("?period=MAX&holdings=1")["holdings"]}
        self.assertEqual(h[self.sym]["twr"], "0.10000000")
        self.assertEqual(h[other]["twr"], "-0.06000000")
        self.assertEqual(h[other]["income"], "4.00")
        self.assertNotIn("holdings", self.perf("?period=MAX"))

    def test_others_cannot_see_it(self):
        other = User(self.stack, "perf-other")
        r = other.api("GET", "/api/v1/portfolios/%d/performance" % self.pid)
        self.assertEqual(r.status, 404)
        r = self.u.api("GET", "/api/v1/portfolios/%d/performance" % self.pid)
        self.assertEqual(r.status, 404)             # no transactions yet


class Sums(unittest.TestCase):
    """Property: over random journals, one starting convention makes the
    figures add up.  Over MAX the performance gain equals the portfolio
    page's total gain to the cent; over any period the holdings' gains,
    with the cash lines (interest, fees, taxes not on a holding), add up
    to the portfolio's gain, each rounded to the cent on its own."""

    DAYS = ["2024-03-%02d" % d for d in range(4, 21)]

    def setUp(self):
        self.stack = harness.shared
        self.u = User(self.stack, "perf-sums")

    def journal(self, rng, syms, cash):
        rows, held, lines = [], {s: 0 for s in syms}, []
        days = sorted(rng.sample(self.DAYS[:-1], 8))
        if cash:
            rows.append((days[0], "deposit", "", "", "", "", "20000"))
        for day in days:
            for _ in range(rng.randint(1, 2)):
                s = rng.choice(syms)
                kind = rng.choice(["buy", "buy", "sell", "dividend", "fee", "tax",
                                   "interest", "withdrawal"] if cash else
                                  ["buy", "buy", "sell", "dividend"])
                if day == days[0]:
                    kind = "buy"
                qty = "%.3f" % rng.uniform(1, 20)
                price = "%.2f" % rng.uniform(50, 150)
                fee = "%.2f" % rng.choice([0, rng.uniform(0, 9)])
                amount = "%.2f" % rng.uniform(1, 40)
                if kind == "buy":
                    held[s] += float(qty)
                    rows.append((day, kind, s, qty, price, fee, ""))
                elif kind == "sell" and held[s] > 1:
                    qty = "%.3f" % (held[s] * rng.choice([0.5, 1]))
                    held[s] -= float(qty)
                    rows.append((day, kind, s, qty, price, fee, ""))
                elif kind == "dividend" and held[s] > 0:
                    rows.append((day, kind, s, "", "", "", amount))
                elif kind in ("fee", "tax", "interest", "withdrawal"):
                    rows.append((day, kind, "", "", "", "", amount))
                    lines.append((day, kind, amount))
        text = "date,type,symbol,quantity,price,fee,amount\n" + "".join(
            ",".join(r) + "\n" for r in rows)
        # The days on which a holding was first bought.
        starts = sorted({min(r[0] for r in rows if r[2] == s) for s in syms
                         if any(r[2] == s for r in rows)})
        return text, days[0], lines, starts

    def test_gains_add_up_over_random_journals(self):
        import decimal
        import random
        D = decimal.Decimal
        for seed in range(8):
            rng = random.Random(seed)
            cash = seed % 2 == 0
            syms = [instrument(self.u, source="manual") for _ in range(2)]
            pid = self.u.portfolio("Sums %d" % seed, "USD")
            text, first, lines, starts = self.journal(rng, syms, cash)
            for s in syms:
                for day in [first] + rng.sample(self.DAYS, 5):
                    r = self.stack.cli("price", "set", s, "%.2f" % rng.uniform(40, 160),
                                       "--at", day + "T16:00:00Z")
                    self.assertEqual(r.returncode, 0, r.stderr)
            r = self.u.import_csv(pid, text)
            self.assertEqual(r.status, 200, r.body)
            self.assertEqual(r.json.get("cash_tracking_off", False), not cash, text)
            with self.subTest(seed=seed, cash=cash, journal=text):
                view = self.u.view(pid)
                base = "/api/v1/portfolios/%d/performance" % pid
                r = self.u.api("GET", base + "?period=MAX&holdings=1")
                self.assertEqual(r.status, 200, r.body)
                p = r.json
                self.assertEqual(p["start_value"], "0.00")
                self.assertEqual(p["end_value"], view["totals"]["value"])
                self.assertEqual(p["gain"], view["totals"]["total_gain"])
                # From the first transaction, from a day within, and
                # from the day a holding was first bought (when later).
                for a, b in [(first, "2099-01-01"), (self.DAYS[6], self.DAYS[12])] + \
                        [(s, "2099-01-01") for s in starts if s > first]:
                    r = self.u.api("GET", base + "?from=%s&to=%s&holdings=1" % (a, b))
                    self.assertEqual(r.status, 200, r.body)
                    p = r.json
                    # From the first transaction the first day's lines
                    # count; from a later day, those after it.
                    own = sum((D(x) if k == "interest" else -D(x)
                               for day, k, x in lines
                               if k != "withdrawal" and
                               (a == first and day >= a or day > a) and day <= b),
                              D(0))
                    held = sum((D(h["gain"]) for h in p["holdings"]), D(0))
                    # Each figure is rounded to the cent on its own: n
                    # of them are within n half-cents of their total,
                    # itself within one.
                    self.assertLessEqual(abs(held + own - D(p["gain"])),
                                         D("0.005") * (len(p["holdings"]) + 1),
                                         (a, b, p["holdings"]))
