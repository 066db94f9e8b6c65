"""Who may define what: a url instrument is its maker's alone and its
address a secret; a shared instrument's name comes from an admin or its
source, each user's own name staying theirs; and each user's limits on
instruments, url instruments and portfolios."""
import itertools
import os
import threading
import unittest

import feedserver
import harness
from pf_helpers import User, count

KEY = "ALICESECRET42"
_n = itertools.count(1)


def unique(prefix):
    return "%s%d%d" % (prefix, os.getpid() % 10000, next(_n))


def add(user, symbol, source, name=None, **more):
    body = {"symbol": symbol, "name": name or symbol + " Inc", "kind": "stock",
            "currency": "USD", "source": source}
    body.update(more)
    return user.api("POST", "/api/v1/instruments", body)


def form_add(user, symbol, source, name=None, **more):
    """Adds an instrument through the HTML form; the response."""
    fields = {"symbol": symbol, "name": name or symbol + " Inc", "kind": "stock",
              "currency": "USD", "source": source}
    fields.update(more)
    user.c.get("/instruments/new")
    return user.c.post("/instruments/new", fields)


def buy(user, pid, symbol):
    return user.import_csv(pid, "date,type,symbol,quantity,price\n"
                                "2024-01-02,buy,%s,2,10\n" % symbol)


# One private stack for the tests that fetch or need low limits: its
# sources point at a feedserver, and each user may have 4 instruments, 2
# of them priced from an address, and 2 portfolios.
_limited = {}


def limited():
    if not _limited:
        srv, market = feedserver.start()
        env = feedserver.base_env(srv)
        env.update({"NESTEGG_FETCH_INTERVAL": "0", "NESTEGG_FETCH_TIMEOUT": "3",
                    "NESTEGG_FETCH_RETRIES": "0", "NESTEGG_FETCH_ALLOW_PRIVATE": "1",
                    "NESTEGG_WORKERS": "1", "NESTEGG_THREADS": "4",
                    "NESTEGG_PASSWORD_COST": "1",
                    "NESTEGG_LIMIT_INSTRUMENTS": "4",
                    "NESTEGG_LIMIT_URL_INSTRUMENTS": "2",
                    "NESTEGG_LIMIT_PORTFOLIOS": "2"})
        stack = harness.Stack(**env)
        _limited.update(srv=srv, market=market, stack=stack)
        stack.start()
        # The first account registered on the web administers the site.
        _limited["admin"] = User(stack, "fadm")
        _limited["base"] = "http://127.0.0.1:%d" % srv.server_address[1]
    return _limited


def tearDownModule():
    if _limited:
        try:
            _limited["stack"].cleanup()
        finally:
            _limited["srv"].shutdown()


class UrlInstrumentOwner(unittest.TestCase):
    """A url instrument is its maker's: nobody else sees it, by id, by
    symbol or in a list, until an admin lists it."""

    def test_only_its_owner_sees_it_until_listed(self):
        stack = harness.shared
        a, b = User(stack, "uoa"), User(stack, "uob")
        sym = unique("UO")
        tmpl = "https://api.example.com/v1/{symbol}/quote?apikey=" + KEY
        r = add(a, sym, "url", name="Alice's quote", url_template=tmpl,
                url_field="data.price")
        self.assertEqual(r.status, 201, r.body)
        self.assertFalse(r.json["shared"])
        self.assertNotIn(KEY.encode(), r.body)
        iid = r.json["id"]
        self.assertEqual(stack.sql("SELECT owner_id <> 0, listed FROM instruments "
                                   "WHERE id = %d" % iid), [["1", "0"]])
        # Its owner sees the host and the field, never the address.
        page = a.c.get("/instruments/%d" % iid)
        self.assertEqual(page.status, 200)
        self.assertIn("https://api.example.com", page.text)
        self.assertIn("data.price", page.text)
        self.assertNotIn(KEY, page.text)
        self.assertNotIn("/v1/", page.text)
        r = a.api("GET", "/api/v1/instruments/%d" % iid)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual((r.json["url_host"], r.json["url_field"], r.json["name"]),
                         ("https://api.example.com", "data.price", "Alice's quote"))
        self.assertNotIn(KEY.encode(), r.body)
        # Nobody else: not by id, not by symbol, not in a list or search.
        self.assertEqual(b.c.get("/instruments/%d" % iid).status, 404)
        self.assertEqual(b.api("GET", "/api/v1/instruments/%d" % iid).status, 404)
        b.c.get("/instruments")
        self.assertEqual(b.c.post("/instruments/%d/remove" % iid).status, 404)
        self.assertEqual(b.c.post("/instruments/%d" % iid, {
            "url_template": "https://evil.example/{symbol}", "url_field": "x"}).status, 404)
        self.assertNotIn('href="/instruments/%d"' % iid, b.c.get("/instruments?q=" + sym).text)
        pid = b.portfolio("B")
        r = buy(b, pid, sym)
        self.assertEqual(r.status, 422, r.body)
        self.assertEqual([u["symbol"] for u in r.json["error"]["unknown_symbols"]], [sym])
        # The same address again is another instrument of B's own.
        r = add(b, sym, "url", url_template=tmpl, url_field="data.price")
        self.assertEqual(r.status, 201, r.body)
        self.assertNotEqual(r.json["id"], iid)
        b.api("DELETE", "/api/v1/instruments/%d" % r.json["id"])
        # Listed by an admin, it is shared: B's symbol resolves, B sees it
        # under its source symbol, A keeps A's name; still no address.
        r = stack.cli("instrument", "set", str(iid), "--list")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn(KEY, r.stdout + r.stderr)
        self.assertEqual(stack.sql("SELECT owner_id, listed, name, name_by FROM instruments "
                                   "WHERE id = %d" % iid), [["0", "1", sym, "user"]])
        r = buy(b, pid, sym)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(b.holding(pid, sym)["name"], sym)
        page = b.c.get("/instruments/%d" % iid)
        self.assertEqual(page.status, 200)
        self.assertNotIn(KEY, page.text)
        self.assertNotIn("Alice", page.text)
        self.assertEqual(a.api("GET", "/api/v1/instruments/%d" % iid).json["name"],
                         "Alice's quote")
        self.assertNotIn(KEY, a.c.get("/instruments/%d" % iid).text)

    def test_url_template_up_to_500_characters(self):
        u = User(harness.shared, "uol")
        tmpl = "https://api.example.com/q/{symbol}?k="
        tmpl += "x" * (300 - len(tmpl))
        r = add(u, unique("UL"), "url", url_template=tmpl, url_field="price")
        self.assertEqual(r.status, 201, r.body)
        self.assertEqual(count(harness.shared, "SELECT LENGTH(url_template) FROM instruments "
                               "WHERE id = %d" % r.json["id"]), 300)
        r = add(u, unique("UL"), "url", url_template=tmpl + "y" * 201, url_field="price")
        self.assertEqual(r.status, 422, r.body)
        self.assertEqual(r.json["error"]["field"], "url_template")
        self.assertIn("500 characters", r.json["error"]["message"])
        r = add(u, unique("UL"), "url", url_template="https://a.example/q {symbol}",
                url_field="price")
        self.assertEqual((r.status, r.json["error"]["field"]), (422, "url_template"))


class UrlSecret(unittest.TestCase):
    """The address of a url instrument never comes back: not in a page,
    a form, an API answer, an export, or the logs of a fetch."""

    def test_the_key_is_never_shown(self):
        env = limited()
        stack, m, base = env["stack"], env["market"], env["base"]
        u = User(stack, "sec")
        sym, src = unique("SE"), unique("sec")
        m.custom[src] = "12.34"
        m.ecb.update({"USD": "1.1000"})
        r = add(u, sym, "url", source_symbol=src, url_field="data.quote.0.last",
                url_template=base + "/custom/{symbol}.json?apikey=OLD" + KEY)
        self.assertEqual(r.status, 201, r.body)
        iid = r.json["id"]
        # A form refused for another field does not echo the address.
        r = form_add(u, unique("SE"), "url", url_template=base + "/x?apikey=" + KEY,
                     url_field="")
        self.assertEqual(r.status, 422)
        self.assertNotIn(KEY, r.text)
        self.assertEqual(harness.validate_html(r.text), "")
        # Its owner gives it a new address (the form shows no old one).
        page = u.c.get("/instruments/%d" % iid)
        self.assertIn('name="url_template"', page.text)
        self.assertIn('action="/instruments/%d/remove"' % iid, page.text)
        self.assertNotIn(KEY, page.text)
        self.assertEqual(harness.validate_html(page.text), "")
        r = u.c.post("/instruments/%d" % iid, {"url_template": base + "/x?apikey=" + KEY,
                                               "url_field": ""})
        self.assertEqual(r.status, 422)
        self.assertNotIn(KEY, r.text)
        r = u.c.post("/instruments/%d" % iid, {
            "url_template": base + "/custom/{symbol}.json?apikey=" + KEY,
            "url_field": "data.quote.0.last"})
        self.assertEqual(r.status, 303, r.text)
        self.assertEqual(stack.sql("SELECT url_template FROM instruments WHERE id = %d"
                                   % iid), [[base + "/custom/{symbol}.json?apikey=" + KEY]])
        pid = u.portfolio("Secret")
        self.assertEqual(buy(u, pid, sym).status, 200)
        r = stack.cli("fetch", "--force")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(stack.sql("SELECT price, source FROM prices WHERE instrument_id = %d"
                                   % iid), [["12.340000000000", "url"]])
        self.assertNotIn(KEY, r.stdout + r.stderr)
        seen = {}
        for path in ["/", "/instruments", "/instruments?q=" + sym, "/instruments/%d" % iid,
                     "/instruments/new", "/portfolios/%d" % pid,
                     "/portfolios/%d/transactions" % pid, "/portfolios/%d/performance" % pid,
                     "/portfolios/%d/gains" % pid, "/portfolios/%d/gains.csv" % pid,
                     "/portfolios/%d/export.csv" % pid, "/export.json",
                     "/api/v1/portfolios", "/api/v1/portfolios/%d" % pid,
                     "/api/v1/instruments/%d" % iid, "/api/v1/performance",
                     "/api/v1/portfolios/%d/performance" % pid]:
            r = u.c.get(path)
            self.assertEqual(r.status, 200, path)
            self.assertNotIn(KEY.encode(), r.body, path)
            seen[path] = r.body
        self.assertIn(sym.encode(), seen["/export.json"])
        self.assertIn(sym.encode(), seen["/portfolios/%d/export.csv" % pid])
        self.assertIn(b"127.0.0.1", u.c.get("/instruments/%d" % iid).body)
        admin = env["admin"]
        for path in ["/admin", "/instruments/%d" % iid]:
            self.assertNotIn(KEY.encode(), admin.c.get(path).body, path)
        logs = stack.path("log")
        for name in os.listdir(logs):
            with open(os.path.join(logs, name), "rb") as f:
                self.assertNotIn(KEY.encode(), f.read(), name)


class SharedNames(unittest.TestCase):
    """The first user to add a shared instrument names it for themselves
    alone."""

    def test_each_user_sees_their_own_name(self):
        stack = harness.shared
        a, b, c = User(stack, "sna"), User(stack, "snb"), User(stack, "snc")
        sym, src = unique("AP"), unique("SQ")
        r = add(b, sym, "yahoo", name="Apple squat", source_symbol=src)
        self.assertEqual(r.status, 201, r.body)
        self.assertTrue(r.json["shared"])
        self.assertEqual(r.json["name"], "Apple squat")
        iid = r.json["id"]
        self.assertEqual(stack.sql("SELECT name, name_by FROM instruments WHERE id = %d"
                                   % iid), [[src, "user"]])
        # A adds it later under A's name, and sees that name everywhere.
        r = add(a, "AAPL", "yahoo", name="Apple Inc.", source_symbol=src)
        self.assertEqual((r.status, r.json["id"], r.json["name"]), (200, iid, "Apple Inc."))
        pid = a.portfolio("A")
        self.assertEqual(buy(a, pid, "AAPL").status, 200)
        self.assertEqual(a.holding(pid, "AAPL")["name"], "Apple Inc.")
        for path in ["/instruments/%d" % iid, "/portfolios/%d" % pid, "/instruments",
                     "/export.json"]:
            text = a.c.get(path).text
            self.assertIn("Apple Inc.", text, path)
            self.assertNotIn("Apple squat", text, path)
        self.assertNotIn("AAPL", a.c.get("/instruments?q=squat").text)
        # C never added it: not visible by id until an admin lists it,
        # then named by its source symbol, or by the admin.
        self.assertEqual(c.c.get("/instruments/%d" % iid).status, 404)
        r = stack.cli("instrument", "set", str(iid), "--list")
        self.assertEqual(r.returncode, 0, r.stderr)
        cpid = c.portfolio("C")
        self.assertEqual(buy(c, cpid, sym).status, 200)
        self.assertEqual(c.holding(cpid, sym)["name"], src)
        for path in ["/instruments/%d" % iid, "/portfolios/%d" % cpid, "/instruments"]:
            self.assertNotIn("Apple squat", c.c.get(path).text, path)
        r = stack.cli("instrument", "set", str(iid), "--name", "Apple Inc (catalogue)")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(stack.sql("SELECT name_by FROM instruments WHERE id = %d" % iid),
                         [["admin"]])
        self.assertEqual(c.holding(cpid, sym)["name"], "Apple Inc (catalogue)")
        self.assertEqual(a.holding(pid, "AAPL")["name"], "Apple Inc.")
        self.assertEqual(b.api("GET", "/api/v1/instruments/%d" % iid).json["name"],
                         "Apple squat")


class UserLimits(unittest.TestCase):
    """Each user's instruments, url instruments and portfolios are
    bounded, checked so that two adds at once cannot both pass, and a
    place is freed by removing what is unused."""

    def setUp(self):
        self.env = limited()
        self.stack = self.env["stack"]

    def url_add(self, user, name=None):
        src = unique("lim")
        self.env["market"].custom[src] = "5"
        return form_add(user, unique("LU"), "url", name=name, source_symbol=src,
                        url_template=self.env["base"] + "/custom/{symbol}.json",
                        url_field="data.quote.0.last")

    def owned_urls(self, user):
        return count(self.stack, "SELECT COUNT(*) FROM instruments i JOIN users u ON "
                                 "u.id = i.owner_id WHERE i.source = 'url' AND "
                                 "u.email = '%s'" % user.email)

    def listed(self, user):
        return count(self.stack, "SELECT COUNT(*) FROM user_symbols s JOIN users u ON "
                                 "u.id = s.user_id WHERE u.email = '%s'" % user.email)

    def test_url_instruments(self):
        u = User(self.stack, "lurl")
        r = self.url_add(u)
        self.assertEqual(r.status, 303, r.text)
        first = int(r.header("location").rsplit("/", 1)[1])
        # Two at once for the last place: one of them gets it.
        other = self.stack.client()
        other.cookies, other.csrf = dict(u.c.cookies), u.c.csrf
        results = []

        def one(client):
            src = unique("lim")
            self.env["market"].custom[src] = "5"
            results.append(client.post("/instruments/new", {
                "symbol": unique("LU"), "name": "x", "kind": "stock", "currency": "USD",
                "source": "url", "source_symbol": src, "url_field": "data.quote.0.last",
                "url_template": self.env["base"] + "/custom/{symbol}.json"}).status)
        threads = [threading.Thread(target=one, args=(cl,)) for cl in (u.c, other)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(sorted(results), [303, 422])
        self.assertEqual((self.owned_urls(u), self.listed(u)), (2, 2))
        r = self.url_add(u)
        self.assertEqual(r.status, 422)
        self.assertIn("limit_url_instruments", r.text)
        self.assertIn("allows each user 2 instruments priced from an address", r.text)
        self.assertIn('id="source-error"', r.text)
        self.assertEqual((self.owned_urls(u), self.listed(u)), (2, 2))
        # Used by a transaction, it stays; unused, removing it frees a place.
        pid = u.portfolio("Uses")
        sym = u.api("GET", "/api/v1/instruments/%d" % first).json["symbol"]
        self.assertEqual(buy(u, pid, sym).status, 200)
        page = u.c.get("/instruments/%d" % first)
        self.assertNotIn("/remove", page.text)
        self.assertEqual(u.c.post("/instruments/%d/remove" % first).status, 409)
        self.assertEqual(count(self.stack, "SELECT COUNT(*) FROM instruments WHERE id = %d"
                               % first), 1)
        u.c.post("/portfolios/%d/delete" % pid, {"confirm": "yes"})
        page = u.c.get("/instruments/%d" % first)
        self.assertIn('action="/instruments/%d/remove"' % first, page.text)
        r = u.c.post("/instruments/%d/remove" % first)
        self.assertEqual((r.status, r.header("location")), (303, "/instruments"))
        self.assertEqual(count(self.stack, "SELECT COUNT(*) FROM instruments WHERE id = %d"
                               % first), 0)
        self.assertEqual(u.c.get("/instruments/%d" % first).status, 404)
        self.assertEqual(self.url_add(u).status, 303)
        self.assertEqual(self.owned_urls(u), 2)

    def test_instruments_in_a_list(self):
        u, other = User(self.stack, "linst"), User(self.stack, "lshare")
        shared = unique("LS")
        self.assertEqual(add(other, shared, "sim").status, 201)
        ids = []
        for _ in range(4):
            r = form_add(u, unique("LI"), "sim")
            self.assertEqual(r.status, 303, r.text)
            ids.append(int(r.header("location").rsplit("/", 1)[1]))
        before = count(self.stack, "SELECT COUNT(*) FROM instruments")
        for source, sym in (("sim", unique("LI")), ("sim", shared), ("manual", unique("LI"))):
            r = form_add(u, sym, source)
            self.assertEqual(r.status, 422, sym)
            self.assertIn("allows each user 4 instruments in their list", r.text)
            self.assertIn("limit_instruments", r.text)
            self.assertIn('id="symbol-error"', r.text)
        self.assertEqual(count(self.stack, "SELECT COUNT(*) FROM instruments"), before)
        self.assertEqual(self.listed(u), 4)
        # A shared one removed leaves their list, not the catalogue.
        r = u.api("DELETE", "/api/v1/instruments/%d" % ids[0])
        self.assertEqual(r.status, 204)
        self.assertEqual(count(self.stack, "SELECT COUNT(*) FROM instruments WHERE id = %d"
                               % ids[0]), 1)
        self.assertEqual(self.listed(u), 3)
        self.assertEqual(u.api("DELETE", "/api/v1/instruments/%d" % ids[0]).status, 404)
        self.assertEqual(form_add(u, shared, "sim").status, 303)
        self.assertEqual(self.listed(u), 4)

    def test_portfolios(self):
        u = User(self.stack, "lpf")

        def create(client, name):
            client.get("/portfolios/new")
            return client.post("/portfolios/new", {"name": name, "currency": "USD",
                                                   "cost_method": "fifo"})
        r = create(u.c, "One")
        self.assertEqual(r.status, 303)
        first = int(r.header("location").rsplit("/", 1)[1])
        other = self.stack.client()
        other.cookies, other.csrf = dict(u.c.cookies), u.c.csrf
        results = []
        threads = [threading.Thread(target=lambda c=c: results.append(
            c.post("/portfolios/new", {"name": "Two", "currency": "USD",
                                       "cost_method": "fifo"}).status))
                   for c in (u.c, other)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(sorted(results), [303, 422])
        pfs = "SELECT COUNT(*) FROM portfolios p JOIN users u ON u.id = p.user_id " \
              "WHERE u.email = '%s'" % u.email
        self.assertEqual(count(self.stack, pfs), 2)
        r = create(u.c, "Three")
        self.assertEqual(r.status, 422)
        self.assertIn("allows each user 2 portfolios", r.text)
        self.assertIn("limit_portfolios", r.text)
        self.assertIn('id="name-error"', r.text)
        self.assertEqual(count(self.stack, pfs), 2)
        u.c.get("/portfolios/%d/delete" % first)
        self.assertEqual(u.c.post("/portfolios/%d/delete" % first,
                                  {"confirm": "yes"}).status, 303)
        self.assertEqual(create(u.c, "Three").status, 303)
        self.assertEqual(count(self.stack, pfs), 2)


if __name__ == "__main__":
    unittest.main()
