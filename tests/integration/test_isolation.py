"""Another user's ids are 404 everywhere and change nothing; every form
needs its CSRF token."""
import unittest

import harness
from pf_helpers import User, instrument, count


class Isolation(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.stack = harness.shared
        cls.owner = User(cls.stack, "owner")
        cls.sym = instrument(cls.owner)
        cls.pid = cls.owner.portfolio("Private")
        r = cls.owner.import_csv(cls.pid, "date,type,symbol,quantity,price\n"
                                          "2024-01-02,buy,%s,5,10\n" % cls.sym)
        assert r.status == 200, r.body
        cls.txid = count(cls.stack, "SELECT MAX(id) FROM transactions WHERE "
                                    "portfolio_id = %d" % cls.pid)
        cls.other = User(cls.stack, "other")

    def snapshot(self):
        return (self.stack.sql("SELECT name, cost_method FROM portfolios WHERE id = %d"
                               % self.pid),
                self.stack.sql("SELECT id, quantity, price FROM transactions WHERE "
                               "portfolio_id = %d ORDER BY id" % self.pid),
                self.stack.sql("SELECT quantity, cost FROM positions WHERE "
                               "portfolio_id = %d" % self.pid))

    def test_pages_are_404(self):
        before = self.snapshot()
        p, t = self.pid, self.txid
        c = self.other.c
        for path in ["/portfolios/%d" % p, "/portfolios/%d/edit" % p,
                     "/portfolios/%d/delete" % p, "/portfolios/%d/transactions" % p,
                     "/portfolios/%d/transactions/new" % p,
                     "/portfolios/%d/transactions/%d/edit" % (p, t),
                     "/portfolios/%d/transactions/%d/delete" % (p, t),
                     "/portfolios/%d/import" % p, "/portfolios/%d/export.csv" % p]:
            r = c.get(path)
            self.assertEqual(r.status, 404, path)
        c.get("/")
        posts = [("/portfolios/%d/edit" % p, {"name": "pwned", "cost_method": "average"}),
                 ("/portfolios/%d/delete" % p, {"confirm": "yes"}),
                 ("/portfolios/%d/transactions/new" % p,
                  {"date": "2024-01-03", "type": "sell", "symbol": self.sym,
                   "quantity": "5", "price": "1"}),
                 ("/portfolios/%d/transactions/%d/edit" % (p, t),
                  {"date": "2024-01-02", "type": "buy", "symbol": self.sym,
                   "quantity": "500", "price": "1"}),
                 ("/portfolios/%d/transactions/%d/delete" % (p, t), {}),
                 ("/portfolios/%d/import" % p,
                  {"text": "date,type,amount\n2024-01-01,deposit,5\n"})]
        for path, fields in posts:
            self.assertEqual(c.post(path, fields).status, 404, path)
        self.assertEqual(self.snapshot(), before)

    def test_own_transaction_ids_do_not_cross_portfolios(self):
        mine = self.other.portfolio("Mine")
        r = self.other.c.get("/portfolios/%d/transactions/%d/edit" % (mine, self.txid))
        self.assertEqual(r.status, 404)

    def test_api_is_404(self):
        before = self.snapshot()
        r = self.other.api("GET", "/api/v1/portfolios/%d" % self.pid)
        self.assertEqual(r.status, 404)
        self.assertEqual(r.json["error"]["status"], 404)
        r = self.other.import_csv(self.pid, "date,type,amount\n2024-01-01,deposit,5\n")
        self.assertEqual(r.status, 404)
        ids = [p["id"] for p in self.other.api("GET", "/api/v1/portfolios").json["portfolios"]]
        self.assertNotIn(self.pid, ids)
        self.assertEqual(self.snapshot(), before)

    def test_export_json_has_only_own_data(self):
        r = self.other.c.get("/export.json")
        self.assertEqual(r.status, 200)
        self.assertNotIn(b"Private", r.body)

    def test_api_errors_are_json(self):
        r = self.other.api("GET", "/api/v1/nothing")
        self.assertEqual(r.status, 404)
        self.assertEqual(r.json["error"]["status"], 404)
        r = self.other.api("DELETE", "/api/v1/portfolios/%d" % self.pid)
        self.assertEqual(r.status, 405)
        self.assertEqual(r.json["error"]["status"], 405)
        r = self.other.api("POST", "/api/v1/portfolios", "{not json", "application/json")
        self.assertEqual(r.status, 400)
        before = count(self.stack, "SELECT COUNT(*) FROM portfolios")
        for body in (b'{"name":"\xff","currency":"USD"}',
                     b'{"name":"a\\u0000b","currency":"USD"}',
                     b'{"name":"\\ud800","currency":"USD"}'):
            r = self.other.api("POST", "/api/v1/portfolios", body, "application/json")
            self.assertEqual(r.status, 400, body)
        self.assertEqual(count(self.stack, "SELECT COUNT(*) FROM portfolios"), before)

    def test_api_needs_sign_in(self):
        anon = self.stack.client()
        r = anon.get("/api/v1/portfolios")
        self.assertEqual(r.status, 401)
        self.assertIn(b'"status":401', r.body)


class CsrfEverywhere(unittest.TestCase):
    def test_every_form_and_api_call_needs_the_token(self):
        stack = harness.shared
        u = User(stack, "csrf")
        sym = instrument(u)
        pid = u.portfolio("Guarded")
        u.import_csv(pid, "date,type,symbol,quantity,price\n2024-01-02,buy,%s,5,10\n" % sym)
        txid = count(stack, "SELECT MAX(id) FROM transactions WHERE portfolio_id = %d" % pid)
        iid = count(stack, "SELECT id FROM instruments WHERE symbol = '%s'" % sym)
        before = (count(stack, "SELECT COUNT(*) FROM portfolios"),
                  count(stack, "SELECT COUNT(*) FROM transactions"),
                  count(stack, "SELECT COUNT(*) FROM instruments"))
        forms = [("/portfolios/new", {"name": "X", "currency": "USD"}),
                 ("/portfolios/%d/edit" % pid, {"name": "X"}),
                 ("/portfolios/%d/delete" % pid, {"confirm": "yes"}),
                 ("/portfolios/%d/transactions/new" % pid,
                  {"date": "2024-01-02", "type": "deposit", "amount": "1"}),
                 ("/portfolios/%d/transactions/%d/edit" % (pid, txid),
                  {"date": "2024-01-02", "type": "deposit", "amount": "1"}),
                 ("/portfolios/%d/transactions/%d/delete" % (pid, txid), {}),
                 ("/portfolios/%d/import" % pid,
                  {"text": "date,type,amount\n2024-01-01,deposit,5\n"}),
                 ("/instruments/new", {"symbol": "ZZ" + sym, "name": "x", "kind": "stock",
                                       "currency": "USD", "source": "sim"}),
                 ("/instruments/%d" % iid, {"price": "1"}),
                 ("/account", {"current_password": "correct horse battery",
                               "new_password": "another password"})]
        for path, fields in forms:
            self.assertEqual(u.c.post(path, fields, csrf=False).status, 403, path)
            self.assertEqual(u.c.post(path, fields, csrf="f" * 64).status, 403, path)
        for path, body, ctype in [("/api/v1/portfolios", '{"name":"X","currency":"USD"}',
                                   "application/json"),
                                  ("/api/v1/instruments", '{"symbol":"Q"}', "application/json"),
                                  ("/api/v1/portfolios/%d/import" % pid,
                                   "date,type,amount\n2024-01-01,deposit,5\n", "text/csv")]:
            r = u.c.request("POST", path, body=body, headers={"Content-Type": ctype})
            self.assertEqual(r.status, 403, path)
        after = (count(stack, "SELECT COUNT(*) FROM portfolios"),
                 count(stack, "SELECT COUNT(*) FROM transactions"),
                 count(stack, "SELECT COUNT(*) FROM instruments"))
        self.assertEqual(after, before)
