"""Helpers for the portfolio tests: a signed-in user with an API client."""
import json

import harness


class User:
    """A registered, signed-in user and their browser-like client."""

    def __init__(self, stack, tag="pf"):
        self.stack = stack
        self.email = harness.unique_email(tag)
        self.c = stack.client()
        r = self.c.register(self.email)
        assert r.status == 303, r
        self.c.get("/")                     # the signed-in CSRF token

    def api(self, method, path, body=None, content_type="application/json"):
        headers = {"X-CSRF-Token": self.c.csrf}
        if body is not None:
            headers["Content-Type"] = content_type
            if content_type == "application/json" and not isinstance(body, (str, bytes)):
                body = json.dumps(body)
        r = self.c.request(method, path, body=body, headers=headers)
        try:
            r.json = json.loads(r.body) if r.body else None
        except ValueError:
            r.json = None
        return r

    def portfolio(self, name="Main", currency="USD", method="fifo"):
        r = self.api("POST", "/api/v1/portfolios",
                     {"name": name, "currency": currency, "cost_method": method})
        assert r.status == 201, (r.status, r.body)
        return r.json["id"]

    def view(self, pid):
        r = self.api("GET", "/api/v1/portfolios/%d" % pid)
        assert r.status == 200, (r.status, r.body)
        return r.json

    def holding(self, pid, symbol):
        for h in self.view(pid)["holdings"]:
            if h["symbol"] == symbol:
                return h
        return None

    def import_csv(self, pid, text):
        return self.api("POST", "/api/v1/portfolios/%d/import" % pid, text, "text/csv")

    def add_tx(self, pid, **fields):
        self.c.get("/portfolios/%d/transactions/new" % pid)
        return self.c.post("/portfolios/%d/transactions/new" % pid, fields)


_symbols = iter(range(1, 1000000))


def instrument(user, currency="USD", kind="stock", source="sim", prefix="T"):
    """Adds a fresh instrument; returns its symbol."""
    sym = "%s%d%d" % (prefix, harness.os.getpid() % 1000, next(_symbols))
    r = user.api("POST", "/api/v1/instruments",
                 {"symbol": sym, "name": sym + " Inc", "kind": kind,
                  "currency": currency, "source": source})
    assert r.status == 201, (r.status, r.body)
    return sym


def count(stack, sql):
    return int(stack.sql(sql)[0][0])
