"""Portfolios, transactions and valuation through the pages and the API."""
import re
import unittest

import harness
from pf_helpers import User, instrument, count


class Valuation(unittest.TestCase):
    """Known answers end to end: ledger, prices, FX, the API's figures."""

    @classmethod
    def setUpClass(cls):
        cls.stack = harness.shared
        cls.u = User(cls.stack)

    def test_foreign_currency_known_answer(self):
        sym = instrument(self.u, "USD")
        pid = self.u.portfolio("Euro", "EUR")
        r = self.u.import_csv(pid, "date,type,symbol,quantity,price,fee,amount,currency,fx_rate\n"
                                   "2024-01-01,deposit,,,,,2000,EUR,\n"
                                   "2024-01-02,buy,%s,10,150,1,,USD,0.9\n"
                                   "2024-05-02,sell,%s,4,160,1,,USD,0.8\n"
                                   "2024-06-03,dividend,%s,6,0.5,,,USD,0.85\n" % (sym, sym, sym))
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(self.stack.cli("price", "set", sym, "168", "--at",
                                        "2026-11-25T21:00:00Z").returncode, 0)
        self.assertEqual(self.stack.cli("price", "set", sym, "170").returncode, 0)
        self.assertEqual(self.stack.cli("fx", "set", "USD", "EUR", "0.9").returncode, 0)
        v = self.u.view(pid)
        h = [x for x in v["holdings"] if x["symbol"] == sym][0]
        self.assertEqual(h["quantity"], "6")
        self.assertEqual(h["price"], "170")
        self.assertFalse(h["stale"])
        self.assertEqual(h["value"], "918.00")          # 6 x 170 x 0.9
        self.assertEqual(h["cost"], "810.54")           # 6/10 of 1350.9
        self.assertEqual(h["unrealized"], "107.46")
        self.assertEqual(h["realized"], "-29.16")       # 511.2 - 540.36
        self.assertEqual(h["income"], "2.55")           # 3 USD x 0.85
        self.assertEqual(h["day_change"], "10.80")      # 6 x 2 x 0.9
        t = v["totals"]
        # Cash: 2000 EUR; USD -1501 + 639 + 3 = -859 USD = -773.10 EUR.
        self.assertEqual(t["cash"], "1226.90")
        self.assertEqual(t["holdings_value"], "918.00")
        self.assertEqual(t["value"], "2144.90")
        self.assertEqual(t["realized"], "-29.16")
        self.assertEqual(t["income"], "2.55")
        self.assertEqual(t["fees"], "1.70")
        self.assertEqual(t["day_change"], "10.80")

    def test_pence_quoted_known_answer(self):
        sym = instrument(self.u, "GBp")
        pid = self.u.portfolio("London", "GBP")
        r = self.u.import_csv(pid, "date,type,symbol,quantity,price,fee\n"
                                   "2024-01-02,buy,%s,100,250.5,995\n" % sym)
        self.assertEqual(r.status, 200, r.body)
        self.stack.cli("price", "set", sym, "3.10", "--currency", "GBP")
        h = self.u.holding(pid, sym)
        self.assertEqual(h["price"], "310")             # stored in pence
        self.assertEqual(h["cost"], "260.45")           # (25050 + 995) p
        self.assertEqual(h["value"], "310.00")
        self.assertEqual(h["unrealized"], "49.55")

    def test_missing_price_is_never_zero(self):
        sym = instrument(self.u)
        pid = self.u.portfolio("Unpriced")
        self.u.import_csv(pid, "date,type,symbol,quantity,price\n2024-01-02,buy,%s,3,10\n" % sym)
        v = self.u.view(pid)
        h = v["holdings"][0]
        self.assertIsNone(h["price"])
        self.assertIsNone(h["value"])
        self.assertTrue(h["stale"])
        self.assertEqual(v["totals"]["unpriced"], 1)
        page = self.u.c.get("/portfolios/%d" % pid)
        self.assertIn("no price", page.text)
        self.assertIn("left out of the value, not counted as zero", page.text)

    def test_stale_price_is_flagged(self):
        sym = instrument(self.u)
        pid = self.u.portfolio("Stale")
        self.u.import_csv(pid, "date,type,symbol,quantity,price\n2024-01-02,buy,%s,3,10\n" % sym)
        self.stack.cli("price", "set", sym, "12", "--at", "2024-02-01T16:00:00Z")
        h = self.u.holding(pid, sym)
        self.assertTrue(h["stale"])
        self.assertEqual(h["value"], "36.00")
        self.assertIn('class="stale"', self.u.c.get("/portfolios/%d" % pid).text)

    def test_one_by_one_equals_imported(self):
        """New transactions are applied to the stored position (no history
        read); a copy imported at once is derived in one pass: the same."""
        sym = instrument(self.u)
        rows = [("2024-01-02", "buy", "10", "100", "5"), ("2024-02-01", "buy", "7", "120.5", "5"),
                ("2024-03-01", "sell", "12", "130", "10"), ("2024-04-01", "split", "1", "3", ""),
                ("2024-05-01", "buy", "4", "390", ""), ("2024-08-01", "sell", "2", "400", "1")]
        for method in ("fifo", "average"):
            one = self.u.portfolio("One " + method, "USD", method)
            for date, typ, q, p, fee in rows:
                r = self.u.add_tx(one, date=date, type=typ, symbol=sym, quantity=q, price=p,
                                  fee=fee)
                self.assertEqual(r.status, 303)
            last = self.stack.sql("SELECT DATE_FORMAT(last_date, '%%Y-%%m-%%d') FROM positions "
                                  "WHERE portfolio_id = %d" % one)
            self.assertEqual(last, [["2024-08-01"]])
            all_at_once = self.u.portfolio("All " + method, "USD", method)
            csv = "date,type,symbol,quantity,price,fee\n" + "".join(
                "%s,%s,%s,%s,%s,%s\n" % (d, t, sym, q, p, f) for d, t, q, p, f in rows)
            self.assertEqual(self.u.import_csv(all_at_once, csv).status, 200)
            self.assertEqual(self.u.holding(one, sym), self.u.holding(all_at_once, sym))
            # A back-dated one goes through the history again, exactly.
            r = self.u.add_tx(one, date="2024-01-01", type="buy", symbol=sym, quantity="1",
                              price="90")
            self.assertEqual(r.status, 303)
            self.assertEqual(self.u.import_csv(all_at_once, "date,type,symbol,quantity,price\n"
                                               "2024-01-01,buy,%s,1,90\n" % sym).status, 200)
            self.assertEqual(self.u.holding(one, sym), self.u.holding(all_at_once, sym))

    def test_cost_method_change_recomputes(self):
        sym = instrument(self.u)
        pid = self.u.portfolio("Methods")
        self.u.import_csv(pid, "date,type,symbol,quantity,price,fee\n"
                               "2024-01-02,buy,%s,10,100,5\n"
                               "2024-02-01,buy,%s,10,120,5\n"
                               "2024-03-01,sell,%s,15,130,10\n" % (sym, sym, sym))
        h = self.u.holding(pid, sym)
        self.assertEqual((h["cost"], h["realized"]), ("602.50", "332.50"))
        self.u.c.get("/portfolios/%d/edit" % pid)
        r = self.u.c.post("/portfolios/%d/edit" % pid, {"name": "Methods", "cost_method": "average"})
        self.assertEqual(r.status, 303)
        h = self.u.holding(pid, sym)
        self.assertEqual((h["cost"], h["realized"]), ("552.50", "282.50"))


class Forms(unittest.TestCase):
    def setUp(self):
        self.stack = harness.shared
        self.u = User(self.stack)
        self.sym = instrument(self.u)
        self.pid = self.u.portfolio("Forms")

    def test_every_page_is_valid_html(self):
        self.u.add_tx(self.pid, date="2024-01-02", type="buy", symbol=self.sym,
                      quantity="2", price="10")
        txid = count(self.stack, "SELECT MAX(id) FROM transactions WHERE portfolio_id = %d"
                     % self.pid)
        iid = count(self.stack, "SELECT id FROM instruments WHERE symbol = '%s'" % self.sym)
        for path in ["/", "/portfolios/new", "/portfolios/%d" % self.pid,
                     "/portfolios/%d?sort=symbol&dir=asc" % self.pid,
                     "/portfolios/%d/edit" % self.pid, "/portfolios/%d/delete" % self.pid,
                     "/portfolios/%d/transactions" % self.pid,
                     "/portfolios/%d/transactions?type=buy&from=2024-01-01" % self.pid,
                     "/portfolios/%d/transactions/new" % self.pid,
                     "/portfolios/%d/transactions/%d/edit" % (self.pid, txid),
                     "/portfolios/%d/transactions/%d/delete" % (self.pid, txid),
                     "/portfolios/%d/import" % self.pid, "/instruments",
                     "/instruments?q=T", "/instruments/new", "/instruments/%d" % iid,
                     "/account"]:
            r = self.u.c.get(path)
            self.assertEqual(r.status, 200, path)
            self.assertEqual(harness.validate_html(r.text), "", path)

    def test_create_portfolio_form(self):
        self.u.c.get("/portfolios/new")
        r = self.u.c.post("/portfolios/new", {"name": "Pension", "currency": "GBP",
                                              "cost_method": "average"})
        self.assertEqual(r.status, 303)
        pid = int(r.header("location").rsplit("/", 1)[1])
        v = self.u.view(pid)
        self.assertEqual((v["name"], v["currency"], v["cost_method"]),
                         ("Pension", "GBP", "average"))

    def test_create_portfolio_bad_input_changes_nothing(self):
        before = count(self.stack, "SELECT COUNT(*) FROM portfolios")
        self.u.c.get("/portfolios/new")
        for fields, field in [({"name": "", "currency": "USD"}, "name"),
                              ({"name": "X", "currency": "usd"}, "currency"),
                              ({"name": "X", "currency": "US"}, "currency"),
                              ({"name": "X" * 101, "currency": "USD"}, "name"),
                              ({"name": "X", "currency": "USD", "cost_method": "lifo"},
                               "cost_method")]:
            r = self.u.c.post("/portfolios/new", fields)
            self.assertEqual(r.status, 422, fields)
            self.assertIn('id="%s-error"' % field, r.text)
            self.assertEqual(harness.validate_html(r.text), "")
        self.assertEqual(count(self.stack, "SELECT COUNT(*) FROM portfolios"), before)

    def test_add_edit_delete_transaction(self):
        r = self.u.add_tx(self.pid, date="2024-01-02", type="buy", symbol=self.sym.lower(),
                          quantity="10", price="20", fee="1")
        self.assertEqual(r.status, 303)
        self.assertEqual(self.u.holding(self.pid, self.sym)["cost"], "201.00")
        txid = count(self.stack, "SELECT MAX(id) FROM transactions WHERE portfolio_id = %d"
                     % self.pid)
        edit = "/portfolios/%d/transactions/%d/edit" % (self.pid, txid)
        page = self.u.c.get(edit)
        self.assertIn('value="20"', page.text)
        r = self.u.c.post(edit, {"date": "2024-01-02", "type": "buy", "symbol": self.sym,
                                 "quantity": "12", "price": "20", "fee": "1"})
        self.assertEqual(r.status, 303)
        self.assertEqual(self.u.holding(self.pid, self.sym)["quantity"], "12")
        self.assertEqual(self.u.view(self.pid)["cash"][0]["balance"], "-241.00")
        self.u.c.get(edit)
        r = self.u.c.post("/portfolios/%d/transactions/%d/delete" % (self.pid, txid))
        self.assertEqual(r.status, 303)
        self.assertIsNone(self.u.holding(self.pid, self.sym))
        self.assertEqual(self.u.view(self.pid)["cash"], [])

    def test_field_errors_change_nothing(self):
        before = count(self.stack, "SELECT COUNT(*) FROM transactions")
        cases = [({"date": "2024-02-30", "type": "buy", "symbol": self.sym, "quantity": "1",
                   "price": "1"}, "date"),
                 ({"date": "2024-01-02", "type": "bogus"}, "type"),
                 ({"date": "2024-01-02", "type": "buy", "symbol": "NOPE" + self.sym,
                   "quantity": "1", "price": "1"}, "symbol"),
                 ({"date": "2024-01-02", "type": "buy", "symbol": self.sym,
                   "quantity": "-1", "price": "1"}, "quantity"),
                 ({"date": "2024-01-02", "type": "buy", "symbol": self.sym,
                   "quantity": "1,5", "price": "1"}, "quantity"),
                 ({"date": "2024-01-02", "type": "buy", "symbol": self.sym,
                   "quantity": "1", "price": "1e19"}, "price"),
                 ({"date": "2024-01-02", "type": "buy", "symbol": self.sym,
                   "quantity": "1", "price": "abc"}, "price"),
                 ({"date": "2024-01-02", "type": "deposit", "amount": "1", "currency": "JPY"},
                  "fx_rate"),
                 ({"date": "2024-01-02", "type": "deposit"}, "amount")]
        for fields, field in cases:
            r = self.u.add_tx(self.pid, **fields)
            self.assertEqual(r.status, 422, fields)
            self.assertIn('id="%s-error"' % field, r.text, fields)
        self.assertEqual(count(self.stack, "SELECT COUNT(*) FROM transactions"), before)

    def test_selling_more_than_held_is_refused(self):
        self.u.add_tx(self.pid, date="2024-01-02", type="buy", symbol=self.sym,
                      quantity="5", price="10")
        r = self.u.add_tx(self.pid, date="2024-01-03", type="sell", symbol=self.sym,
                          quantity="6", price="10")
        self.assertEqual(r.status, 422)
        self.assertIn("only 5 were held", harness.page_text(r.text))
        # A sell dated before the buy is refused too.
        r = self.u.add_tx(self.pid, date="2024-01-01", type="sell", symbol=self.sym,
                          quantity="1", price="10")
        self.assertEqual(r.status, 422)
        self.assertEqual(self.u.holding(self.pid, self.sym)["quantity"], "5")
        self.assertEqual(self.u.view(self.pid)["cash"][0]["balance"], "-50.00")

    def test_deleting_a_buy_that_later_sells_need_is_refused(self):
        self.u.import_csv(self.pid, "date,type,symbol,quantity,price\n"
                                    "2024-01-02,buy,%s,5,10\n2024-02-02,sell,%s,5,12\n"
                                    % (self.sym, self.sym))
        buy = count(self.stack, "SELECT MIN(id) FROM transactions WHERE portfolio_id = %d"
                    % self.pid)
        self.u.c.get("/portfolios/%d" % self.pid)
        r = self.u.c.post("/portfolios/%d/transactions/%d/delete" % (self.pid, buy))
        self.assertEqual(r.status, 422)
        self.assertIn("cannot be deleted", harness.page_text(r.text))
        self.assertEqual(count(self.stack, "SELECT COUNT(*) FROM transactions WHERE "
                               "portfolio_id = %d" % self.pid), 2)

    def test_markup_is_escaped_everywhere(self):
        payload = '<script>alert("x")</script>'
        self.u.c.get("/portfolios/new")
        r = self.u.c.post("/portfolios/new", {"name": payload, "currency": "USD"})
        pid = int(r.header("location").rsplit("/", 1)[1])
        self.u.add_tx(pid, date="2024-01-02", type="deposit", amount="5", note=payload)
        r = self.u.api("POST", "/api/v1/instruments",
                       {"symbol": "ESC" + self.sym, "name": payload, "kind": "stock",
                        "currency": "USD", "source": "sim"})
        self.assertEqual(r.status, 201)
        for path in ["/", "/portfolios/%d" % pid, "/portfolios/%d/transactions" % pid,
                     "/instruments", "/instruments/%d" % r.json["id"]]:
            page = self.u.c.get(path).text
            self.assertNotIn("<script>", page, path)
            self.assertIn("&lt;script&gt;", page, path)
        self.assertEqual(self.u.view(pid)["name"], payload)    # JSON keeps it as data

    def test_sorting_holdings(self):
        syms = [instrument(self.u) for _ in range(3)]
        lines = "".join("2024-01-02,buy,%s,%d,10\n" % (s, q)
                        for s, q in zip(syms, (5, 1, 3)))
        self.u.import_csv(self.pid, "date,type,symbol,quantity,price\n" + lines)
        for s, p in zip(syms, ("1", "30", "2")):
            self.stack.cli("price", "set", s, p)
        page = self.u.c.get("/portfolios/%d?sort=value&dir=desc" % self.pid).text
        order = re.findall(r'<th scope="row"><a href="/instruments/\d+">([^<]+)</a>', page)
        self.assertEqual(order, [syms[1], syms[2], syms[0]])   # 30, 6, 5
        page = self.u.c.get("/portfolios/%d?sort=quantity&dir=asc" % self.pid).text
        order = re.findall(r'<th scope="row"><a href="/instruments/\d+">([^<]+)</a>', page)
        self.assertEqual(order, [syms[1], syms[2], syms[0]])

    def test_transactions_filters_and_paging(self):
        other = instrument(self.u)
        lines = ["date,type,symbol,quantity,price,amount"]
        lines += ["2023-01-%02d,buy,%s,1,10," % (d % 28 + 1, self.sym) for d in range(60)]
        lines += ["2024-06-01,buy,%s,1,10," % other, "2024-06-02,deposit,,,,100"]
        self.assertEqual(self.u.import_csv(self.pid, "\n".join(lines)).status, 200)
        base = "/portfolios/%d/transactions" % self.pid
        r = self.u.c.get(base)
        self.assertIn("62 transactions, page 1 of 2", harness.page_text(r.text))
        self.assertEqual(r.text.count("/edit\">Edit</a>"), 50)
        r = self.u.c.get(base + "?page=2")
        self.assertEqual(r.text.count("/edit\">Edit</a>"), 12)
        r = self.u.c.get(base + "?symbol=" + other)
        self.assertIn("1 transactions", harness.page_text(r.text))
        r = self.u.c.get(base + "?type=deposit")
        self.assertIn("1 transactions", harness.page_text(r.text))
        r = self.u.c.get(base + "?from=2024-01-01&to=2024-12-31")
        self.assertIn("2 transactions", harness.page_text(r.text))
        self.assertEqual(self.u.c.get(base + "?page=9").status, 404)

    def test_delete_portfolio_needs_confirmation(self):
        self.u.add_tx(self.pid, date="2024-01-02", type="deposit", amount="5")
        self.u.c.get("/portfolios/%d/delete" % self.pid)
        r = self.u.c.post("/portfolios/%d/delete" % self.pid, {})
        self.assertEqual(r.status, 422)
        self.assertEqual(self.u.api("GET", "/api/v1/portfolios/%d" % self.pid).status, 200)
        r = self.u.c.post("/portfolios/%d/delete" % self.pid, {"confirm": "yes"})
        self.assertEqual(r.status, 303)
        self.assertEqual(self.u.api("GET", "/api/v1/portfolios/%d" % self.pid).status, 404)
        self.assertEqual(count(self.stack, "SELECT COUNT(*) FROM transactions WHERE "
                               "portfolio_id = %d" % self.pid), 0)

    def test_dashboard_totals(self):
        self.u.add_tx(self.pid, date="2024-01-02", type="deposit", amount="1234.5")
        page = self.u.c.get("/")
        text = harness.page_text(page.text)
        self.assertIn("Forms", text)
        self.assertIn("1,234.50 USD", text)


class ManualInstruments(unittest.TestCase):
    def test_owner_prices_them_and_nobody_else_sees_them(self):
        stack = harness.shared
        a, b = User(stack), User(stack)
        sym = instrument(a, "EUR", kind="other", source="manual", prefix="HOUSE")
        iid = count(stack, "SELECT id FROM instruments WHERE symbol = '%s'" % sym)
        a.c.get("/instruments/%d" % iid)
        r = a.c.post("/instruments/%d" % iid, {"price": "350000", "date": "2026-11-01"})
        self.assertEqual(r.status, 303)
        self.assertIn("350,000", a.c.get("/instruments/%d" % iid).text)
        self.assertEqual(b.c.get("/instruments/%d" % iid).status, 404)
        pid = b.portfolio("B", "EUR")
        r = b.import_csv(pid, "date,type,symbol,quantity,price\n2024-01-02,buy,%s,1,1\n" % sym)
        self.assertEqual(r.status, 422)
        self.assertEqual([u["symbol"] for u in r.json["error"]["unknown_symbols"]],
                         [sym])
        # Another user may have an instrument of their own with that symbol.
        r = b.api("POST", "/api/v1/instruments", {"symbol": sym, "name": "Mine",
                                                  "kind": "other", "currency": "EUR",
                                                  "source": "manual"})
        self.assertEqual(r.status, 201)
        r = b.c.post("/instruments/%d" % iid, {"price": "1"})
        self.assertEqual(r.status, 404)

    def test_shared_instruments_take_no_web_prices(self):
        stack = harness.shared
        a = User(stack)
        sym = instrument(a)
        iid = count(stack, "SELECT id FROM instruments WHERE symbol = '%s'" % sym)
        a.c.get("/instruments/%d" % iid)
        r = a.c.post("/instruments/%d" % iid, {"price": "1"})
        self.assertEqual(r.status, 403)
        self.assertEqual(count(stack, "SELECT COUNT(*) FROM prices WHERE instrument_id = %d"
                               % iid), 0)


class Cli(unittest.TestCase):
    def test_price_fx_and_revalue(self):
        stack = harness.shared
        u = User(stack)
        sym = instrument(u)
        self.assertEqual(stack.cli("price", "set", sym, "abc").returncode, 1)
        self.assertEqual(stack.cli("price", "set", "NOSUCH" + sym, "1").returncode, 1)
        self.assertEqual(stack.cli("price", "set", sym, "1", "--at", "yesterday").returncode, 1)
        self.assertEqual(stack.cli("price", "set", sym, "1", "--currency", "EUR").returncode, 1)
        self.assertEqual(stack.cli("fx", "set", "USD", "usd", "1").returncode, 1)
        self.assertEqual(stack.cli("fx", "set", "USD", "CHF", "0").returncode, 1)
        self.assertEqual(stack.cli("price", "set", sym, "10.5", "--at",
                                   "2026-11-20T16:00:00Z").returncode, 0)
        self.assertEqual(stack.cli("price", "set", sym, "11").returncode, 0)
        # An older price does not replace a newer one, but fills the history.
        self.assertEqual(stack.cli("price", "set", sym, "9", "--at",
                                   "2026-11-10").returncode, 0)
        iid = count(stack, "SELECT id FROM instruments WHERE symbol = '%s'" % sym)
        rows = stack.sql("SELECT price, prev_close FROM prices WHERE instrument_id = %d" % iid)
        self.assertEqual(rows, [["11.000000000000", "10.500000000000"]])
        self.assertEqual(count(stack, "SELECT COUNT(*) FROM price_history WHERE "
                               "instrument_id = %d" % iid), 3)
        r = stack.cli("fx", "set", "CHF", "USD", "1.13")
        self.assertEqual(r.returncode, 0, r.stderr)
        runs = count(stack, "SELECT COUNT(*) FROM valuation_runs")
        r = stack.cli("revalue", "--all")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(count(stack, "SELECT COUNT(*) FROM valuation_runs"), runs + 1)
        # One row per portfolio, each now from this run.
        self.assertEqual(count(stack, "SELECT COUNT(*) FROM portfolio_latest WHERE run_id = "
                               "(SELECT MAX(id) FROM valuation_runs)"),
                         count(stack, "SELECT COUNT(*) FROM portfolios"))
        self.assertEqual(count(stack, "SELECT COUNT(*) FROM revalue_pending"), 0)
        r = stack.cli("revalue")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("nothing changed", r.stdout)
        self.assertEqual(count(stack, "SELECT COUNT(*) FROM valuation_runs"), runs + 1)


class Concurrency(unittest.TestCase):
    def test_concurrent_changes_keep_positions_exact(self):
        import concurrent.futures
        stack = harness.shared
        u = User(stack, "conc")
        sym = instrument(u)
        pid = u.portfolio("Busy")

        def buy(i):
            c = harness.Client(stack)
            c.cookies = dict(u.c.cookies)
            c.get("/portfolios/%d/transactions/new" % pid)
            return c.post("/portfolios/%d/transactions/new" % pid,
                          {"date": "2024-01-%02d" % (i % 28 + 1), "type": "buy",
                           "symbol": sym, "quantity": "1", "price": "10", "fee": "0.5"}).status

        with concurrent.futures.ThreadPoolExecutor(8) as ex:
            statuses = list(ex.map(buy, range(24)))
        self.assertEqual(statuses, [303] * 24)
        h = u.holding(pid, sym)
        self.assertEqual(h["quantity"], "24")
        self.assertEqual(h["cost"], "252.00")
        self.assertEqual(u.view(pid)["cash"][0]["balance"], "-252.00")
