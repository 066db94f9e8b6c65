"""sqlmap (Debian's) at --level=5 --risk=3 against every form and
parameter of a throwaway stack: no injection point, no 5xx.

The stack is this test's own, with sign-in throttling opened up (sqlmap
sends thousands of sign-ins from one address) and cheap password hashes
(password_cost = 1), so that a sign-in costs 4 ms, not 60: the SQL is the
same.  Every target is a page or API route with valid values, first
asked once by the test itself, which checks that it reaches the page's
own logic (its status, not a 403, 404 or redirect to /login); then
sqlmap tries each of its parameters, in the query, the form body, the
JSON body, the headers, the session cookie and the path's ids.  Each
target has a user of its own, so that what one run writes (thousands of
transactions, portfolios, drafts) cannot change what another sees.

Passing: sqlmap reports every parameter asked "does not seem to be
injectable" and no injection point; the stack answered no 5xx; and every
parameter a page reads (a web_param or web_input name in
cgi-bin/pages/*.c) is tried on that page.

It runs when NESTEGG_SQLMAP is set (make security sets it): "all" for
every target (about 470,000 requests: 35 minutes on two cores), or the
names of some (NESTEGG_SQLMAP=login,tx-new; the coverage check is then
skipped).  NESTEGG_SQLMAP_JOBS (2) sqlmap runs at once.
Each run's log is kept in the stack's tmp/sqlmap/ until the stack is
removed, and in the directory NESTEGG_SQLMAP_KEEP names, if set; the end
of a failing target's is printed.
"""
import concurrent.futures
import glob
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import time
import unittest
import urllib.parse

import harness
from pf_helpers import User, count

SQLMAP = "/usr/share/sqlmap/sqlmap.py"
RUNNER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "sqlmap_nodelay.py")
PAGES = os.path.join(harness.ROOT, "cgi-bin", "pages")
PASSWORD = "correct horse battery"
_symbols = itertools.count(1)


class Fixture:
    """A user of one target: a portfolio with a buy, a dividend and a
    manual instrument's buy, a sim and a manual instrument (with two
    closes), a draft import that needs its columns chosen."""

    def __init__(self, stack, tag):
        self.user = User(stack, tag)
        u = self.user
        self.email = u.email
        self.pid = u.portfolio("Sq " + tag)
        self.sym, self.iid = self.instrument("S", "sim")
        self.msym, self.mid = self.instrument("M", "manual")
        self.usym, self.urlid = self.instrument(
            "U", "url", url_template="https://quotes.example/{symbol}?k=1",
            url_field="price")
        r = u.import_csv(self.pid, "date,type,symbol,quantity,price,amount\n"
                                   "2024-01-02,buy,%s,5,10,\n"
                                   "2024-02-02,dividend,%s,,,3\n"
                                   "2024-01-03,buy,%s,2,7,\n"
                         % (self.sym, self.sym, self.msym))
        assert r.status == 200, r.body
        self.txid = count(stack, "SELECT MAX(id) FROM transactions WHERE "
                                 "portfolio_id = %d" % self.pid)
        u.c.get("/portfolios/%d/import" % self.pid)
        r = u.c.post("/portfolios/%d/import" % self.pid,
                     {"text": "Datum;Typ;Stueck;Kurs;Wert\n"
                              "02.01.2024;Kauf;5;10;50\n", "format": "auto"})
        assert r.status == 303, (r.status, r.body[:300])
        self.draft = int(r.header("location").rsplit("/", 1)[1])
        # The manual instrument's closes, from before the first trade: the
        # performance targets' benchmark.
        u.c.get("/instruments/%d" % self.mid)
        r = u.c.post("/instruments/%d" % self.mid,
                     {"history": "date,close\n2023-12-29,6.5\n2024-06-28,7.25\n",
                      "history_text": ""})
        assert r.status == 303, (r.status, r.body[:300])
        u.c.get("/")

    def instrument(self, prefix, source, **more):
        sym = "Q%s%d%d" % (prefix, os.getpid() % 1000, next(_symbols))
        body = {"symbol": sym, "name": sym + " Inc", "kind": "stock",
                "currency": "USD", "source": source}
        body.update(more)
        r = self.user.api("POST", "/api/v1/instruments", body)
        assert r.status == 201, (r.status, r.body)
        return sym, r.json["id"]

    def cookie(self):
        return "; ".join("%s=%s" % kv for kv in self.user.c.cookies.items())


# Each target: name, the page file that serves it, method, path, the
# valid values, the parameters sqlmap tries, the status the valid
# request answers, and how the values travel: "query" (the URL),
# "form" (an urlencoded body), "json" (a JSON body), "header" (the
# names are headers or cookies), "uri" (the path's ids, marked *).
# Paths and values are formatted with the fixture: {pid}, {txid},
# {iid} (a sim instrument), {mid} (a manual one), {urlid} (a url one),
# {draft}, {sym}, {msym}, {email}.
TX_FIELDS = {"date": "2024-03-01", "time": "", "type": "buy", "symbol": "{sym}",
             "quantity": "1", "price": "10", "fee": "0", "amount": "",
             "currency": "", "fx_rate": "", "counter_currency": "", "note": "n"}
INSTRUMENT_FIELDS = {"symbol": "{sym}", "name": "Again Inc", "kind": "stock",
                     "currency": "USD", "isin": "", "source": "sim",
                     "source_symbol": "", "fallback_source": "",
                     "fallback_symbol": "", "url_template": "", "url_field": ""}
PERFORMANCE = {"period": "1Y", "from": "2024-01-01", "to": "2024-12-31",
               "benchmark": "{msym}"}
DRAFT_FIELDS = {"action": "columns", "style": "", "every": "", "duplicates": "",
                "date": "Datum", "type": "Typ", "symbol": "", "quantity": "Stueck",
                "price": "Kurs", "fee": "", "amount": "Wert", "currency": "",
                "fx_rate": "", "note": "", "name": "", "opening": "at_cost",
                "opening_cost_0": "10", "word_0": "Kauf"}

TARGETS = [
    ("instruments", "instruments", "GET", "/instruments", {"q": "{sym}"}, None, 200, "query"),
    ("portfolio", "portfolio", "GET", "/portfolios/{pid}",
     {"sort": "value", "dir": "desc", "imported": "2", "instruments": "1", "cash": "off"},
     None, 200, "query"),
    ("performance", "performance", "GET", "/portfolios/{pid}/performance", PERFORMANCE,
     None, 200, "query"),
    ("gains", "gains", "GET", "/portfolios/{pid}/gains", {"year": "2024"}, None, 200, "query"),
    ("gains.csv", "gains", "GET", "/portfolios/{pid}/gains.csv", {"year": "2024"}, None,
     200, "query"),
    ("transactions", "transactions", "GET", "/portfolios/{pid}/transactions",
     {"from": "2024-01-01", "to": "2024-12-31", "symbol": "{sym}", "type": "buy",
      "page": "1"}, None, 200, "query"),
    ("instrument-new-back", "instrument_new", "GET", "/instruments/new",
     {"back": "/portfolios/{pid}"}, None, 200, "query"),
    ("instrument-closes", "instrument", "GET", "/instruments/{iid}", {"closes": "3"}, None,
     200, "query"),
    ("account-changed", "account", "GET", "/account", {"changed": "1"}, None, 200, "query"),
    ("login", "login", "POST", "/login", {"email": "{email}", "password": "not the password"},
     None, 422, "form"),
    ("register", "register", "POST", "/register", {"email": "{email}", "password": PASSWORD},
     None, 303, "form"),
    ("account-currency", "account", "POST", "/account", {"currency": "EUR"}, None, 303,
     "form"),
    ("account-password", "account", "POST", "/account",
     {"current_password": "not the password", "new_password": "another long password"},
     None, 422, "form"),
    ("portfolio-new", "portfolio_new", "POST", "/portfolios/new",
     {"name": "Fresh", "currency": "USD", "cost_method": "fifo"},
     ["name", "currency", "cost_method", "csrf"], 303, "form"),
    ("portfolio-edit", "portfolio_edit", "POST", "/portfolios/{pid}/edit",
     {"name": "Renamed", "cost_method": "average", "track_cash": "1"}, None, 303, "form"),
    ("portfolio-delete", "portfolio_delete", "POST", "/portfolios/{pid}/delete",
     {"confirm": "no"}, None, 422, "form"),
    ("tx-new", "tx_form", "POST", "/portfolios/{pid}/transactions/new", TX_FIELDS, None,
     303, "form"),
    ("tx-edit", "tx_form", "POST", "/portfolios/{pid}/transactions/{txid}/edit", TX_FIELDS,
     None, 303, "form"),
    ("import", "import", "POST", "/portfolios/{pid}/import",
     {"text": "date,type,amount\n2024-01-05,deposit,5\n", "format": "auto"}, None, 303,
     "form"),
    ("import-draft", "import_draft", "POST", "/portfolios/{pid}/import/{draft}",
     DRAFT_FIELDS, None, 303, "form"),
    ("import-mapping", "import_mapping", "POST", "/portfolios/{pid}/import/mappings/1",
     {"action": "delete"}, None, 303, "form"),
    ("instrument-new", "instrument_new", "POST", "/instruments/new", INSTRUMENT_FIELDS,
     None, 422, "form"),
    ("instrument-price", "instrument", "POST", "/instruments/{mid}",
     {"date": "2024-05-02", "price": "12.5"}, None, 303, "form"),
    ("instrument-history", "instrument", "POST", "/instruments/{mid}",
     {"history": "date,close\n2024-05-03,12.75\n", "history_text": ""}, None, 303, "form"),
    ("instrument-address", "instrument", "POST", "/instruments/{urlid}",
     {"url_template": "https://quotes.example/{{symbol}}?k=2", "url_field": "price"},
     None, 303, "form"),
    ("instrument-changed", "instrument", "GET", "/instruments/{urlid}", {"address": "1"},
     None, 200, "query"),
    ("api-portfolios", "api_portfolios", "POST", "/api/v1/portfolios",
     {"name": "Api", "currency": "USD", "cost_method": "fifo"}, None, 201, "json"),
    ("api-instruments", "api_instruments", "POST", "/api/v1/instruments",
     INSTRUMENT_FIELDS, ["symbol", "name", "kind", "currency", "isin", "source_symbol",
                         "fallback_symbol"], 409, "json"),
    ("api-import", "api_import", "POST",
     "/api/v1/portfolios/{pid}/import?format=nestegg&duplicates=skip&dry_run=1"
     "&opening_positions=none&mapping=",
     {"format": "nestegg", "duplicates": "skip", "dry_run": "1",
      "opening_positions": "none", "mapping": ""}, None, 200, "csv"),
    ("api-performance", "api_performance", "GET", "/api/v1/performance",
     dict(PERFORMANCE, holdings="1"), None, 200, "query"),
    ("api-portfolio-performance", "api_performance", "GET",
     "/api/v1/portfolios/{pid}/performance", dict(PERFORMANCE, holdings="1"), None, 200,
     "query"),
    ("headers", "-", "GET", "/", {}, ["User-Agent", "Referer", "__Host-sid"], 200,
     "header"),
    ("uri-ids", "-", "GET", "/portfolios/{pid}*/transactions/{txid}*/edit", {}, ["#1*", "#2*"],
     200, "uri"),
    ("uri-instrument", "-", "GET", "/instruments/{iid}*", {}, ["#1*"], 200, "uri"),
    ("uri-api-instrument", "-", "GET", "/api/v1/instruments/{iid}*", {}, ["#1*"], 200,
     "uri"),
]

# What a page reads but sqlmap is not pointed at, and why.
NOT_TRIED = {
    ("import", "file"): "the multipart upload of the same text as 'text' "
                        "(one parser, tried through 'text')",
    ("login", "registered"): "compared with \"1\" alone, for a notice, and only "
                             "signed out (a target's requests are signed in)",
    ("home", "live"): "read as digits.digits by live_cursor_parse and compared "
                      "in C with the cached figures' cursor; it reaches no SQL",
    # The mapping form's choices that are numbers or one of a few words:
    # read by atoi() or compared in C, they reach no SQL (its free
    # text, a type word, is tried as word_0; so are its columns).
    ("import_draft", "change"): "compared with \"1\" alone",
    ("import_draft", "dates"): "compared with \"dmy\" and \"mdy\" alone",
    ("import_draft", "read_lines"): "read by atoi() and compared with a number",
}
# sqlmap 1.7.2 never picks these keys out of this JSON body (it names
# and tries the other seven); the same fields reach the same code
# (lib/instrument.c) through the form, tried as instrument-new.
for _name in ("source", "fallback_source", "url_template", "url_field"):
    NOT_TRIED[("api_instruments", _name)] = "not picked out by sqlmap; tried as a form field"


def fmt(value, fx):
    return value.format(pid=fx.pid, txid=fx.txid, iid=fx.iid, mid=fx.mid,
                        urlid=fx.urlid, draft=fx.draft, sym=fx.sym, msym=fx.msym,
                        email=fx.email)


def page_params():
    """{page: names it reads}: web_param/web_input names and the field
    tables of cgi-bin/pages/*.c (and the import columns, where a page
    reads them by import_field_names)."""
    out = {}
    with open(os.path.join(harness.ROOT, "lib", "importfmt.c")) as f:
        src = f.read()
    m = re.search(r"import_field_names\[IM__MAX\] = \{(.*?)\};", src, re.S)
    columns = set(re.findall(r'"([a-z_]+)"', m.group(1)))
    for path in glob.glob(os.path.join(PAGES, "*.c")):
        with open(path) as f:
            src = f.read()
        names = set(re.findall(r'web_(?:param|input)\(r, "([a-z_]+)"\)', src))
        for table in re.findall(r"fields\[\] = \{(.*?)\};", src, re.S):
            names |= set(re.findall(r'"([a-z_]+)"', table))
        if re.search(r"web_param\(r, import_field_names\[", src):
            names |= columns
        out[os.path.basename(path)[:-2]] = names
    return out


class Sqlmap(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not os.environ.get("NESTEGG_SQLMAP"):
            raise unittest.SkipTest("sqlmap runs in make security (NESTEGG_SQLMAP=all)")
        # Sign-in throttling opened up, and no per-user limits (API
        # writes a minute, instruments, portfolios, uploads): sqlmap
        # sends thousands of each, and every one must reach the SQL.
        cls.stack = harness.Stack(
            NESTEGG_LOGIN_RATE="100000r/s", NESTEGG_LOGIN_BURST="100000",
            NESTEGG_LOGIN_FREE_FAILURES="1000000",
            NESTEGG_LOGIN_ACCOUNT_FAILURES="1000000", NESTEGG_PASSWORD_COST="1",
            NESTEGG_LIMIT_API_WRITES="0", NESTEGG_LIMIT_INSTRUMENTS="0",
            NESTEGG_LIMIT_URL_INSTRUMENTS="0", NESTEGG_LIMIT_PORTFOLIOS="0",
            NESTEGG_LIMIT_DRAFTS="0", NESTEGG_LIMIT_DRAFT_BYTES="0",
            NESTEGG_WORKERS="2", NESTEGG_THREADS="4")
        cls.stack.start()
        cls.logs = cls.stack.path("tmp", "sqlmap")
        os.makedirs(cls.logs, exist_ok=True)

    @classmethod
    def tearDownClass(cls):
        cls.stack.cleanup()

    def targets(self):
        only = os.environ.get("NESTEGG_SQLMAP", "all")
        if only == "all":
            return TARGETS
        names = set(only.split(","))
        return [t for t in TARGETS if t[0] in names]

    def baseline(self, fx, method, path, values, status, how):
        """Asks the target once with its valid values; returns the URL and
        the sqlmap arguments that send the same request."""
        c = fx.user.c
        headers = {}
        args = ["--cookie", fx.cookie()]
        if how in ("query", "header", "uri"):      # every one a GET
            query = urllib.parse.urlencode(values)
            full = path + ("?" + query if query else "")
            r = c.get(full.replace("*", ""))
        elif how == "form":
            body = urllib.parse.urlencode(dict(values, csrf=c.csrf))
            r = c.post(path, raw=body)
            args += ["--data", body]
            full = path
        elif how == "json":
            body = json.dumps(values)
            headers = {"X-CSRF-Token": c.csrf, "Content-Type": "application/json"}
            r = c.request("POST", path, body=body, headers=headers)
            args += ["--data", body]
            full = path
        else:                           # csv: the body is a file, not parameters
            body = "date,type,amount\n2024-01-05,deposit,5\n"
            headers = {"X-CSRF-Token": c.csrf, "Content-Type": "text/csv"}
            r = c.request("POST", path, body=body, headers=headers)
            args += ["--data", body]
            full = path
        self.assertEqual(r.status, status,
                         (method, full, r.body[:400], self.log_errors()[-5:]))
        if status == 303:           # not sent to sign in: the session held
            self.assertNotEqual(r.header("location"), "/login", full)
        for k, v in headers.items():
            args += ["-H", "%s: %s" % (k, v)]
        url = "https://127.0.0.1:%d%s" % (self.stack.https_port, full)
        return url, args

    def run_target(self, target):
        name, _page, method, path, values, tried, status, how = target
        fx = Fixture(self.stack, "sq")
        path = fmt(path, fx)
        values = {k: fmt(v, fx) for k, v in values.items()}
        tried = tried or list(values)
        url, args = self.baseline(fx, method, path, values, status, how)
        out = os.path.join(self.logs, name)
        # One TLS connection kept alive (sqlmap_nodelay.py) serves nginx's
        # 1,000 requests a connection; sqlmap's pre-connected sockets are
        # turned off: with connections this rare they waited past nginx's
        # 60 s for a client's first bytes and failed their handshake
        # ("unable to connect to the target URL").
        cmd = [sys.executable, RUNNER, "-u", url, "--method", method, "--batch",
               "--level=5", "--risk=3", "--dbms=MySQL", "--flush-session",
               "--drop-set-cookie", "--disable-coloring", "--output-dir", out,
               "--timeout=30", "--retries=1", "--keep-alive",
               "--disable-precon"] + args
        if how != "uri":
            cmd += ["-p", ",".join(tried)]
        t0 = time.time()
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=3600,
                           stdin=subprocess.DEVNULL)
        for d in (os.path.dirname(out), os.environ.get("NESTEGG_SQLMAP_KEEP")):
            if d:
                with open(os.path.join(d, name + ".log"), "w") as f:
                    f.write(" ".join(cmd) + "\n" + r.stdout + r.stderr)
        return name, tried, r.stdout + r.stderr, time.time() - t0

    def log_errors(self):
        """The page workers' error and warning lines so far."""
        with open(self.stack.path("log", "web.log"), errors="replace") as f:
            return [l.strip() for l in f if " error " in l or " warn " in l]

    def check_run(self, name, tried, text):
        """The problems in one sqlmap run's output (empty: it passed)."""
        bad = []
        if re.search(r"identified the following injection point|is vulnerable",
                     text):
            bad.append("an injection point")
        clean = set(re.findall(r"parameter '([^']+)' does not seem to be injectable",
                               text))
        # A technique that "appears" to work is sqlmap's first guess: it
        # then checks it with other payloads (a slow answer on a busy
        # machine looks like a time-based one).  The guess passes only
        # where sqlmap's own check called it a false positive and the
        # parameter ended "does not seem to be injectable"; anything else
        # is an injection point.
        guessed = set(re.findall(r"parameter '([^']+)' appears to be '.*' injectable",
                                 text))
        rejected = text.count("false positive or unexploitable injection point detected")
        if guessed - clean or (guessed and rejected == 0):
            bad.append("an injection point (%s)" % ", ".join(sorted(guessed - clean)
                                                              or guessed))
        clean = {c.replace("JSON ", "").replace(" (custom)", "") for c in clean}
        for p in tried:
            if p not in clean and not any(c.endswith(p) for c in clean):
                said = [l.strip() for l in text.splitlines()
                        if re.search(r"'(JSON )?%s'" % re.escape(p), l)]
                bad.append("'%s' was not reported not injectable (%s)" %
                           (p, " / ".join(said[-6:]) or "never named"))
        for line in text.splitlines():
            if "[CRITICAL]" in line and "do not appear to be injectable" not in line:
                bad.append(line.strip())
        return bad

    def test_no_injection_anywhere(self):
        targets = sorted(self.targets(), key=lambda t: -len(t[5] or t[4]))
        jobs = int(os.environ.get("NESTEGG_SQLMAP_JOBS", "2"))
        failures = []
        t0 = time.time()
        with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
            runs = [pool.submit(self.run_target, t) for t in targets]
            for fut in concurrent.futures.as_completed(runs):
                try:
                    name, tried, text, seconds = fut.result()
                except Exception as e:      # the fixture or the valid request
                    failures.append("%s: %r" % (targets[runs.index(fut)][0], e))
                    continue
                bad = self.check_run(name, tried, text)
                guesses = len(re.findall(r"appears to be '.*' injectable", text))
                print("  sqlmap %-26s %2d parameters %5.0f s %s%s" %
                      (name, len(tried), seconds, "ok" if not bad else "FAILED",
                       " (%d guesses disproved by sqlmap)" % guesses
                       if guesses and not bad else ""), file=sys.stderr)
                if bad:
                    failures.append("%s: %s\n%s" % (name, "; ".join(bad), text[-3000:]))
        fives = []
        total = 0
        with open(self.stack.path("log", "nginx-access.log"), errors="replace") as f:
            for line in f:
                total += 1
                if re.search(r'" 5\d\d ', line):
                    fives.append(line.strip())
        errors = self.log_errors()
        print("  sqlmap: %d targets, %d requests, %d answered 5xx, %.0f s" %
              (len(targets), total, len(fives), time.time() - t0), file=sys.stderr)
        keep = os.environ.get("NESTEGG_SQLMAP_KEEP")
        if keep:
            shutil.copytree(self.stack.path("log"), os.path.join(keep, "log"),
                            dirs_exist_ok=True)
        self.assertEqual(failures, [], "\n\n".join(failures))
        self.assertEqual(fives, [], "\n".join(fives[:20] + errors[-20:]))

    def test_every_parameter_is_a_target(self):
        if os.environ.get("NESTEGG_SQLMAP") != "all":
            self.skipTest("NESTEGG_SQLMAP picks targets")
        tried = {}
        for name, page, _m, _p, values, names, _s, _h in TARGETS:
            tried.setdefault(page, set()).update(names or values)
        missing = []
        for page, names in sorted(page_params().items()):
            for n in sorted(names):
                if n not in tried.get(page, ()) and (page, n) not in NOT_TRIED:
                    missing.append("%s.c: %s" % (page, n))
        self.assertEqual(missing, [])


if __name__ == "__main__":
    unittest.main()
