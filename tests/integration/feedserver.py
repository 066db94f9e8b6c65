"""A local stand-in for the public price sources, for tests and benchmarks.

It answers in each source's own format (the shapes of
tests/fixtures/feeds): Yahoo's chart JSON, Stooq's CSV, AMFI's NAVAll.txt,
CoinGecko's simple/price and market chart, Alpha Vantage's GLOBAL_QUOTE,
the ECB's daily and history XML, an instrument's own JSON or CSV address,
and a redirect to anywhere (/redirect/X?to=URL).  Tests set what the
market says (Market) and how a source misbehaves next (Market.trouble):
slow, 500, 429 with Retry-After, garbage, truncated, an HTML page with
200, an error or rate limit inside a 200.  It counts every request.
"""
import collections
import datetime
import http.server
import json
import socket
import socketserver
import threading
import time
import urllib.parse

MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


class Market:
    def __init__(self):
        self.lock = threading.Lock()
        self.yahoo = {}      # symbol -> dict(price, currency, time, prev, prev_meta, type,
        #                                   hint, name,
        #                                   history: [(unix time, close)] for period1=)
        self.stooq = {}      # symbol -> [(date, close)], oldest first
        self.amfi = {}       # code -> (nav text, date, name)
        self.amfi_hist = {}  # code -> [(date, nav text)], the NAV history report
        self.gecko = {}      # id -> {currency: price text}
        self.gecko_hist = {} # id -> [(unix time, price text)], market_chart/range
        self.alpha = {}      # symbol -> (price, day, prev)
        self.custom = {}     # symbol -> price text
        self.ecb = {}        # currency -> rate text
        self.ecb_day = datetime.date.today().isoformat()
        self.ecb_hist = {}   # day -> {currency: rate text}, for eurofxref-hist.xml
        self.troubles = collections.defaultdict(list)   # key -> [mode, ...]
        self.hits = collections.Counter()                # source -> requests
        self.keys = collections.Counter()                # key -> requests
        self.seen = []                                   # (time, source, key)

    def trouble(self, key, *modes):
        """The next requests for key ("yahoo:AAPL", "amfi", "ecb",
        "coingecko", ...) misbehave as modes say, one each: "slow:S",
        "500", "429:S" (Retry-After S, or "429:" for none), "garbage",
        "truncated", "html", "notfound", "ratelimit", "refused"."""
        with self.lock:
            self.troubles[key].extend(modes)

    def next_trouble(self, key):
        with self.lock:
            return self.troubles[key].pop(0) if self.troubles[key] else None

    def count(self, source, key):
        with self.lock:
            self.hits[source] += 1
            self.keys[key] += 1
            self.seen.append((time.time(), source, key))


def yahoo_body(sym, q, period=None):
    t = int(q.get("time", time.time()))
    prev = q.get("prev")
    # prev_meta: the previous close in meta.chartPreviousClose alone.
    closes = [prev, q["price"]] if prev is not None and not q.get("prev_meta") \
        else [q["price"]]
    stamps = [t - 86400, t] if len(closes) == 2 else [t]
    if period is not None and q.get("history"):
        # period1..period2: the daily closes of those days, then today.
        old = [(s, c) for s, c in q["history"] if period[0] <= s < t - 86400]
        stamps = [s for s, _ in old] + stamps
        closes = [c for _, c in old] + closes
    meta = {"currency": q.get("currency", "USD"), "symbol": sym, "exchangeName": "NMS",
            "instrumentType": q.get("type", "EQUITY"), "regularMarketTime": t,
            "gmtoffset": q.get("gmtoffset", 0), "timezone": "UTC",
            "exchangeTimezoneName": "UTC", "regularMarketPrice": q["price"],
            "priceHint": q.get("hint", 2)}
    if prev is not None:
        meta["chartPreviousClose"] = prev
    if q.get("name"):
        meta["longName"] = q["name"]
    # Numbers are written as given: tests pass float noise as text.
    body = {"chart": {"result": [{"meta": meta, "timestamp": stamps,
                                  "indicators": {"quote": [{"close": closes}]}}],
                      "error": None}}
    text = json.dumps(body)
    return text.replace('"@', "").replace('@"', "")


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    market = None

    def log_message(self, *args):
        pass

    def setup(self):
        super().setup()
        # Headers and body leave in two writes: without this, Nagle's
        # algorithm and the client's delayed ACK hold each answer 40 ms.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def send(self, status, body, ctype="application/json", headers=()):
        if isinstance(body, str):
            body = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def misbehave(self, key, good):
        """Answers as the next trouble for key says, else good()."""
        mode = self.market.next_trouble(key)
        if mode is None:
            return good()
        name, _, arg = mode.partition(":")
        if name == "slow":
            time.sleep(float(arg or 5))
            return good()
        if name == "500":
            return self.send(500, "Internal Server Error", "text/plain")
        if name == "429":
            return self.send(429, "Too Many Requests", "text/plain",
                             [("Retry-After", arg)] if arg else [])
        if name == "garbage":
            return self.send(200, b"\x00\xff{{{not this source's format\x01", "text/plain")
        if name == "truncated":
            status, body, ctype = good(capture=True)
            return self.send(status, body[:len(body) // 2], ctype)
        if name == "html":
            return self.send(200, "<!DOCTYPE html><html><head><title>Quota</title></head>"
                             "<body>Daily hits limit exceeded</body></html>", "text/html")
        if name == "notfound":
            return self.send(404, '{"chart":{"result":null,"error":{"code":"Not Found",'
                             '"description":"No data found, symbol may be delisted"}}}')
        if name == "ratelimit":
            if key.startswith("coingecko"):
                return self.send(200, '{"status":{"error_code":429,"error_message":'
                                 '"You\'ve exceeded the Rate Limit."}}')
            return self.send(200, '{"Note":"Thank you for using Alpha Vantage! Our standard '
                             'API rate limit is 25 requests per day."}')
        if name == "refused":
            return self.send(200, '{"Error Message":"Invalid API call."}')
        raise ValueError(mode)

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        q = urllib.parse.parse_qs(url.query)
        path = urllib.parse.unquote(url.path)
        m = self.market
        if path.startswith("/v8/finance/chart/"):
            sym = path[len("/v8/finance/chart/"):]
            m.count("yahoo", "yahoo:" + sym)

            def good(capture=False):
                with m.lock:
                    quote = m.yahoo.get(sym)
                if quote is None:
                    out = (404, '{"chart":{"result":null,"error":{"code":"Not Found",'
                           '"description":"No data found, symbol may be delisted"}}}',
                           "application/json")
                else:
                    period = None
                    if "period1" in q:
                        period = (int(q["period1"][0]), int(q.get("period2", ["0"])[0]))
                    out = (200, yahoo_body(sym, quote, period), "application/json")
                return out if capture else self.send(*out)
            return self.misbehave("yahoo:" + sym, good)
        if path == "/q/d/l/":
            sym = q.get("s", [""])[0]
            m.count("stooq", "stooq:" + sym)

            def good(capture=False):
                if not q.get("apikey", [""])[0]:
                    out = (200, "Get your apikey: https://stooq.com/q/d/?s=%s&get_apikey"
                           % sym, "text/plain")
                else:
                    with m.lock:
                        rows = m.stooq.get(sym)
                    if not rows:
                        out = (200, "No data", "text/plain")
                    else:
                        out = (200, "Date,Open,High,Low,Close,Volume\r\n" + "".join(
                            "%s,%s,%s,%s,%s,1000\r\n" % (d, c, c, c, c) for d, c in rows),
                            "text/csv")
                return out if capture else self.send(*out)
            return self.misbehave("stooq:" + sym, good)
        if path == "/spages/NAVAll.txt":
            m.count("amfi", "amfi")

            def good(capture=False):
                lines = ["Scheme Code;ISIN Div Payout/ ISIN Growth;ISIN Div Reinvestment;"
                         "Scheme Name;Net Asset Value;Date", " ",
                         "Open Ended Schemes(Equity Scheme - Large Cap Fund)", " ",
                         "Test Mutual Fund", " "]
                with m.lock:
                    for code, (nav, day, name) in sorted(m.amfi.items()):
                        d = datetime.date.fromisoformat(day)
                        lines.append("%s;INF000000000;-;%s;%s;%02d-%s-%d" % (
                            code, name, nav, d.day, MONTHS[d.month - 1], d.year))
                out = (200, "\r\n".join(lines) + "\r\n", "text/plain")
                return out if capture else self.send(*out)
            return self.misbehave("amfi", good)
        if path == "/DownloadNAVHistoryReport_Po.aspx":
            m.count("amfi", "amfi:history")

            def dmy(text):
                d, mon, y = text.split("-")
                return datetime.date(int(y), MONTHS.index(mon) + 1, int(d))

            def good(capture=False):
                lo = dmy(q.get("frmdt", ["01-Jan-1990"])[0])
                hi = dmy(q.get("todt", q.get("frmdt", ["01-Jan-1990"]))[0])
                lines = ["Scheme Code;Scheme Name;ISIN Div Payout/ISIN Growth;ISIN Div "
                         "Reinvestment;Net Asset Value;Repurchase Price;Sale Price;Date", "",
                         "Open Ended Schemes ( Equity Scheme - Large Cap Fund )", "",
                         "Test Mutual Fund", ""]
                with m.lock:
                    for code, rows in sorted(m.amfi_hist.items()):
                        for day, nav in rows:
                            d = datetime.date.fromisoformat(day)
                            if lo <= d <= hi:
                                lines.append("%s;Test Fund - Growth;INF000000000;;%s;;;"
                                             "%02d-%s-%d" % (code, nav, d.day,
                                                             MONTHS[d.month - 1], d.year))
                out = (200, "\r\n".join(lines) + "\r\n", "text/plain")
                return out if capture else self.send(*out)
            return self.misbehave("amfi:history", good)
        if path.startswith("/api/v3/coins/") and path.endswith("/market_chart/range"):
            cid = path[len("/api/v3/coins/"):-len("/market_chart/range")]
            m.count("coingecko", "coingecko:" + cid)

            def good(capture=False):
                with m.lock:
                    points = list(m.gecko_hist.get(cid, []))
                lo = int(q.get("from", ["0"])[0])
                hi = int(q.get("to", ["0"])[0])
                body = '{"prices":[%s],"market_caps":[],"total_volumes":[]}' % ",".join(
                    "[%d,%s]" % (t * 1000, p) for t, p in points if lo <= t <= hi)
                out = (200, body, "application/json")
                return out if capture else self.send(*out)
            return self.misbehave("coingecko:" + cid, good)
        if path == "/api/v3/simple/price":
            ids = q.get("ids", [""])[0].split(",")
            curs = q.get("vs_currencies", [""])[0].split(",")
            m.count("coingecko", "coingecko")

            def good(capture=False):
                out = {}
                with m.lock:
                    for i in ids:
                        if i in m.gecko:
                            row = {c: m.gecko[i][c.upper()] for c in curs
                                   if c.upper() in m.gecko[i]}
                            row["last_updated_at"] = int(time.time()) - 30
                            out[i] = row
                text = json.dumps(out).replace('"@', "").replace('@"', "")
                res = (200, text, "application/json")
                return res if capture else self.send(*res)
            return self.misbehave("coingecko", good)
        if path == "/query":
            sym = q.get("symbol", [""])[0]
            m.count("alphavantage", "alphavantage:" + sym)

            def good(capture=False):
                with m.lock:
                    row = m.alpha.get(sym)
                if row is None:
                    body = {"Global Quote": {}}
                else:
                    price, day, prev = row
                    body = {"Global Quote": {"01. symbol": sym, "02. open": price,
                                             "03. high": price, "04. low": price,
                                             "05. price": price, "06. volume": "1000",
                                             "07. latest trading day": day,
                                             "08. previous close": prev,
                                             "09. change": "0", "10. change percent": "0%"}}
                out = (200, json.dumps(body), "application/json")
                return out if capture else self.send(*out)
            return self.misbehave("alphavantage:" + sym, good)
        if path in ("/stats/eurofxref/eurofxref-daily.xml",
                    "/stats/eurofxref/eurofxref-hist.xml"):
            m.count("ecb", "ecb")
            hist = path.endswith("hist.xml")

            def good(capture=False):
                with m.lock:
                    days = {m.ecb_day: dict(m.ecb)}
                    if hist:
                        days.update(m.ecb_hist)
                cubes = "".join(
                    "\t\t<Cube time='%s'>\n%s\t\t</Cube>\n" % (
                        day, "".join("\t\t\t<Cube currency='%s' rate='%s'/>\n" % kv
                                     for kv in sorted(rates.items())))
                    for day, rates in sorted(days.items(), reverse=True))
                body = ('<?xml version="1.0" encoding="UTF-8"?>\n<gesmes:Envelope xmlns:gesmes='
                        '"http://www.gesmes.org/xml/2002-08-01" xmlns="http://www.ecb.int/'
                        'vocabulary/2002-08-01/eurofxref">\n\t<gesmes:subject>Reference rates'
                        '</gesmes:subject>\n\t<Cube>\n%s\t</Cube>\n</gesmes:Envelope>' % cubes)
                out = (200, body, "text/xml")
                return out if capture else self.send(*out)
            return self.misbehave("ecb", good)
        if path.startswith("/redirect/"):
            # An address that sends the fetch elsewhere (?to=).
            m.count("redirect", "redirect:" + path[len("/redirect/"):])
            return self.send(302, "elsewhere", "text/plain",
                             [("Location", q.get("to", ["/"])[0])])
        if path.startswith("/custom/"):
            name = path[len("/custom/"):]
            sym, _, ext = name.rpartition(".")
            m.count("url", "url:" + sym)

            def good(capture=False):
                with m.lock:
                    price = m.custom.get(sym)
                if price is None:
                    out = (404, "no such quote", "text/plain")
                elif ext == "json":
                    out = (200, '{"data":{"quote":[{"last":%s}]}}' % price, "application/json")
                else:
                    out = (200, "Date;Close\n2024-01-01;1\n%s;%s\n" % (
                        datetime.date.today().isoformat(), price), "text/csv")
                return out if capture else self.send(*out)
            return self.misbehave("url:" + sym, good)
        self.send(404, "not found", "text/plain")


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256

    def handle_error(self, request, client_address):
        # A client that gave up (a timeout under test) is no error here.
        import sys
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


def start(market=None):
    """Starts a server on a free port in a thread; returns (server, market)."""
    market = market or Market()
    handler = type("BoundHandler", (Handler,), {"market": market})
    srv = Server(("127.0.0.1", 0), handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv, market


def base_env(srv):
    """The settings that point every source at srv, and let a fetch
    reach it (the fence lets only public addresses through otherwise)."""
    base = "http://127.0.0.1:%d" % srv.server_address[1]
    return {"NESTEGG_FETCH_ALLOW": "127.0.0.1:%d" % srv.server_address[1],
            "NESTEGG_YAHOO_URL": base, "NESTEGG_STOOQ_URL": base, "NESTEGG_AMFI_URL": base,
            "NESTEGG_COINGECKO_URL": base, "NESTEGG_ALPHAVANTAGE_URL": base,
            "NESTEGG_ECB_URL": base, "NESTEGG_STOOQ_KEY": "test-key",
            "NESTEGG_ALPHAVANTAGE_KEY": "test-key"}


if __name__ == "__main__":
    s, _ = start()
    print("serving on", s.server_address)
    threading.Event().wait()
