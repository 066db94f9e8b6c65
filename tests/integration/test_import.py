"""CSV import (all or nothing) and export, Ghostfolio's format, the JSON
export."""
import concurrent.futures
import datetime
import html
import json
import os
import random
import re
import time
import unittest
import uuid

import harness
from pf_helpers import User, instrument, count


class Import(unittest.TestCase):
    def setUp(self):
        self.stack = harness.shared
        self.u = User(self.stack, "imp")
        self.a = instrument(self.u)
        self.b = instrument(self.u, "EUR")
        self.pid = self.u.portfolio("Imports", "USD")

    def txcount(self, pid=None):
        return count(self.stack, "SELECT COUNT(*) FROM transactions WHERE portfolio_id = %d"
                     % (pid or self.pid))

    def test_good_import(self):
        csv = ("date,type,symbol,quantity,price,fee,amount,currency,fx_rate,note\r\n"
               "2024-01-02,buy,%s,10,100,1,,,,\"first, lot\"\r\n"
               "15.02.2024,buy,%s,4,50,,,EUR,1.1,\r\n"
               "2024-03-01T00:00:00.000Z,split,%s,2,,,,,,\r\n"
               "2024-04-01,deposit,,,,,500,USD,,\r\n" % (self.a, self.b, self.a))
        r = self.u.import_csv(self.pid, csv)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.json["imported"], 4)
        h = {x["symbol"]: x for x in r.json["portfolio"]["holdings"]}
        self.assertEqual(h[self.a]["quantity"], "20")
        self.assertEqual(h[self.a]["cost"], "1001.00")
        self.assertEqual(h[self.b]["cost"], "220.00")
        notes = self.stack.sql("SELECT note FROM transactions WHERE portfolio_id = %d AND "
                               "note <> ''" % self.pid)
        self.assertEqual(notes, [["first, lot"]])

    def test_bad_lines_are_all_listed_and_nothing_written(self):
        csv = ("date,type,symbol,quantity,price\n"
               "2024-01-02,buy,%s,10,100\n"
               "2024-13-02,buy,%s,10,100\n"
               "2024-01-03,buy,NOSUCH,1,1\n"
               "2024-01-04,explode,%s,1,1\n"
               "2024-01-05,buy,%s,abc,1\n"
               "2024-01-06,buy,NOSUCH,2,2\n" % (self.a, self.a, self.a, self.a))
        r = self.u.import_csv(self.pid, csv)
        self.assertEqual(r.status, 422)
        e = r.json["error"]
        self.assertEqual(e["errors"], 5)
        self.assertEqual([l["line"] for l in e["lines"]], [3, 4, 5, 6, 7])
        self.assertIn("date", e["lines"][0]["reason"])
        self.assertIn("Unknown symbol NOSUCH", e["lines"][1]["reason"])
        self.assertEqual([l["field"] for l in e["lines"]],
                         ["date", "symbol", "type", "quantity", "symbol"])
        self.assertEqual(e["lines"][3]["text"], "2024-01-05,buy,%s,abc,1" % self.a)
        self.assertEqual([u["symbol"] for u in e["unknown_symbols"]], ["NOSUCH"])
        self.assertEqual(e["unknown_symbols"][0]["rows"], 2)
        self.assertEqual(self.txcount(), 0)
        self.assertEqual(self.u.view(self.pid)["holdings"], [])

    def test_oversell_in_file_rejects_whole_file(self):
        csv = ("date,type,symbol,quantity,price\n2024-01-02,buy,%s,1,100\n"
               "2024-01-03,deposit,,,\n2024-01-04,sell,%s,2,100\n" % (self.a, self.a))
        r = self.u.import_csv(self.pid, csv.replace("deposit,,,",
                                                    "buy,%s,1,1" % instrument(self.u)))
        self.assertEqual(r.status, 422)
        self.assertEqual(r.json["error"]["lines"][0]["line"], 4)
        self.assertIn("only 1 was held", r.json["error"]["lines"][0]["reason"])
        self.assertEqual(self.txcount(), 0)

    def test_structural_errors(self):
        for text, words in [("", "empty"), ("a,b\n1,2\n", "choose them once"),
                            ("date,type\n\"2024-01-01,buy\n", "not closed"),
                            (b"date,type\n\xff\n".decode("latin-1"), "UTF-8")]:
            body = text.encode("latin-1") if "UTF-8" in words else text
            r = self.u.import_csv(self.pid, body)
            self.assertEqual(r.status, 422, text)
            e = r.json["error"]
            self.assertIn(words, e["lines"][0]["reason"] if e["lines"] else e["message"])
        self.assertEqual(self.txcount(), 0)

    def test_ghostfolio_export_columns(self):
        acct = str(uuid.uuid4())
        csv = ("date,type,symbol,quantity,unitPrice,fee,currency,dataSource,account,comment\n"
               "2023-01-15T00:00:00.000Z,BUY,%s,5,20.5,1.5,USD,YAHOO,%s,bought\n"
               "2023-06-15T00:00:00.000Z,DIVIDEND,%s,5,0.25,0,USD,YAHOO,%s,\n"
               "2023-07-01T00:00:00.000Z,FEE,,0,0,3,USD,MANUAL,%s,account fee\n"
               "2023-08-01T00:00:00.000Z,INTEREST,,1,7.5,0,USD,MANUAL,%s,\n"
               "2023-09-15T00:00:00.000Z,SELL,%s,2,25,1,USD,YAHOO,%s,\n"
               % (self.a, acct, self.a, acct, acct, acct, self.a, acct))
        r = self.u.import_csv(self.pid, csv)
        self.assertEqual(r.status, 200, r.body)
        v = r.json["portfolio"]
        h = v["holdings"][0]
        self.assertEqual(h["quantity"], "3")
        self.assertEqual(h["income"], "1.25")
        # Sold 2 of 5 costing 104: 41.60; proceeds 49.
        self.assertEqual(h["realized"], "7.40")
        t = v["totals"]
        self.assertEqual(t["income"], "8.75")
        self.assertEqual(t["fees"], "5.50")
        # No deposits in a new portfolio: cash is not tracked, and the
        # value is the holdings alone, not holdings less -49.25 of cash.
        self.assertTrue(r.json["cash_tracking_off"])
        self.assertEqual(v["cash"], [])
        self.assertEqual(t["value"], t["holdings_value"])

    def test_ghostfolio_sample_columns(self):
        csv = ("Date,Code,Currency,Price,Quantity,Action,Fee,Note\n"
               "16-09-2021,%s,USD,100,2,buy,1,\n"
               "17-09-2021,%s,USD,0.5,2,dividend,0,\n" % (self.a, self.a))
        r = self.u.import_csv(self.pid, csv)
        self.assertEqual(r.status, 200, r.body)
        h = r.json["portfolio"]["holdings"][0]
        self.assertEqual((h["quantity"], h["cost"], h["income"]), ("2", "201.00", "1.00"))

    def test_semicolons_and_bom(self):
        csv = "\ufeffdate;type;symbol;quantity;price\n2024-01-02;buy;%s;3;7\n" % self.a
        r = self.u.import_csv(self.pid, csv.encode("utf-8"))
        self.assertEqual(r.status, 200, r.body)

    def test_export_then_import_gives_identical_holdings(self):
        csv = ("date,type,symbol,quantity,price,fee,amount,currency,fx_rate,note\n"
               "2024-01-02,buy,%s,10,100.123456,1.25,,,,\"quote \"\"x\"\"\"\n"
               "2024-02-02,buy,%s,3,50,,,EUR,1.0912,\n"
               "2024-02-10,sell,%s,4,120,0.5,,,,\n"
               "2024-03-01,split,%s,3,,,,,,\n"
               "2024-04-01,dividend,%s,,,,12.34,,,\n"
               "2024-04-02,tax,%s,,,,1.85,,,withholding\n"
               "2024-05-01,deposit,,,,,1000,USD,,\n"
               "2024-05-02,interest,,,,,2.5,EUR,1.09,\n"
               "2024-06-01,fee,,,,,4,USD,,\n"
               "2024-06-02,withdrawal,,,,,100,USD,,\n"
               "2024-07-01,transfer_out,%s,1,0,,,,1.1,\n"
               % (self.a, self.b, self.a, self.a, self.a, self.a, self.b))
        self.assertEqual(self.u.import_csv(self.pid, csv).status, 200)
        exported = self.u.c.get("/portfolios/%d/export.csv" % self.pid)
        self.assertEqual(exported.status, 200)
        self.assertIn("text/csv", exported.header("content-type"))
        self.assertIn("attachment", exported.header("content-disposition"))
        copy = self.u.portfolio("Copy", "USD")
        r = self.u.import_csv(copy, exported.body)
        self.assertEqual(r.status, 200, r.body)
        a, b = self.u.view(self.pid), self.u.view(copy)
        self.assertEqual(a["holdings"], b["holdings"])
        self.assertEqual(a["cash"], b["cash"])
        self.assertEqual(a["totals"], b["totals"])
        self.assertEqual(self.u.c.get("/portfolios/%d/export.csv" % copy).body,
                         exported.body)

    def test_upload_through_the_form(self):
        boundary = "----nestegg" + uuid.uuid4().hex
        csv = "date,type,symbol,quantity,price\n2024-01-02,buy,%s,2,10\n" % self.a
        self.u.c.get("/portfolios/%d/import" % self.pid)
        parts = ("--%s\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n%s\r\n"
                 "--%s\r\nContent-Disposition: form-data; name=\"file\"; "
                 "filename=\"t.csv\"\r\nContent-Type: text/csv\r\n\r\n%s\r\n"
                 "--%s\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\n\r\n--%s--\r\n"
                 % (boundary, self.u.c.csrf, boundary, csv, boundary, boundary))
        r = self.u.c.request("POST", "/portfolios/%d/import" % self.pid, body=parts.encode(),
                             headers={"Content-Type":
                                      "multipart/form-data; boundary=" + boundary})
        self.assertEqual(r.status, 303, r.text[-500:])
        preview = r.header("location")
        self.assertRegex(preview, r"^/portfolios/%d/import/\d+$" % self.pid)
        self.assertEqual(self.txcount(), 0)          # nothing before the preview
        r = self.u.c.get(preview)
        self.assertEqual(r.status, 200)
        self.assertEqual(harness.validate_html(r.text), "")
        self.assertIn("1 transaction(s): 1 buy", harness.page_text(r.text))
        r = self.u.c.post(preview, {"action": "import"})
        self.assertEqual(r.status, 303)
        self.assertEqual(self.txcount(), 1)
        # The draft is gone once imported.
        self.assertEqual(self.u.c.get(preview).status, 404)

    def test_rows_that_record_nothing_are_skipped_and_listed(self):
        """A placeholder trade of 0 at 0 and a deposit of 0 are skipped,
        listed with their lines by the API and the preview, and the rest
        imported; a row that does not line up with the header is refused
        at its line, with nothing written."""
        csv = ("date,type,symbol,quantity,price,amount\n"
               "2024-01-02,buy,%s,10,100,\n"
               "2050-01-01,buy,%s,0,0,\n"
               "2024-01-04,deposit,,,,0\n" % (self.a, self.a))
        r = self.u.import_csv(self.pid, csv)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.json["imported"], 1)
        self.assertEqual([(x["line"], x["text"]) for x in r.json["skipped"]],
                         [(3, "2050-01-01,buy,%s,0,0," % self.a), (4, "2024-01-04,deposit,,,,0")])
        self.assertEqual(self.txcount(), 1)
        self.u.c.get("/portfolios/%d/import" % self.pid)
        r = self.u.c.post("/portfolios/%d/import" % self.pid,
                          {"text": csv.replace("2024-01-02", "2024-01-03")})
        self.assertEqual(r.status, 303)
        r = self.u.c.get(r.header("location"))
        self.assertEqual(r.status, 200)
        self.assertEqual(harness.validate_html(r.text), "")
        text = harness.page_text(r.text)
        self.assertIn("2 row(s) record nothing and are skipped", text)
        self.assertIn("A trade of 0 shares at 0 records nothing.", text)
        # Shifted: a price split in two by a comma.
        r = self.u.import_csv(self.pid, "date,type,symbol,quantity,price\n"
                                        "2024-02-01,buy,%s,1,100\n"
                                        "2024-02-02,buy,%s,1,1,250\n" % (self.a, self.a))
        self.assertEqual(r.status, 422, r.body)
        self.assertEqual([x["line"] for x in r.json["error"]["lines"]], [3])
        self.assertIn("5 columns", r.json["error"]["lines"][0]["reason"])
        self.assertEqual(self.txcount(), 1)

    def test_a_file_that_starts_mid_history_gets_opening_positions(self):
        """Sells of shares bought before the file's first row: refused
        with the opening positions they need (through a split too); with
        opening_positions=at_first_price, one is recorded for each on the
        file's first day at the first price the file gives, and the
        realized gain counts from it."""
        b = instrument(self.u)
        csv = ("date,type,symbol,quantity,price,fee\n"
               "2024-03-01,buy,{a},5,110,0\n"
               "2024-03-02,sell,{b},2,50,0\n"
               "2024-03-05,split,{b},2,,\n"
               "2024-03-10,sell,{b},4,30,0\n"
               "2024-04-01,sell,{a},8,120,0\n").format(a=self.a, b=b)
        r = self.u.import_csv(self.pid, csv)
        self.assertEqual(r.status, 422, r.body)
        got = {x["symbol"]: (x["date"], x["quantity"], x["first_price"], x["recorded"])
               for x in r.json["error"]["opening_positions"]}
        self.assertEqual(got, {self.a: ("2024-03-01", "3", "110", False),
                               b: ("2024-03-01", "4", "50", False)})
        self.assertEqual(self.txcount(), 0)
        r = self.u.api("POST", "/api/v1/portfolios/%d/import?opening_positions=maybe"
                       % self.pid, csv, "text/csv")
        self.assertEqual(r.status, 422)
        self.assertEqual(self.txcount(), 0)
        r = self.u.api("POST", "/api/v1/portfolios/%d/import?opening_positions=at_first_price"
                       % self.pid, csv, "text/csv")
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.json["imported"], 7)
        self.assertEqual(r.json["per_type"]["transfer_in"], 2)
        got = {x["symbol"]: (x["quantity"], x["recorded"], x["cost"])
               for x in r.json["opening_positions"]}
        self.assertEqual(got[self.a], ("3", True, "330.00"))
        self.assertEqual(got[b][:2], ("4", True))
        h = {x["symbol"]: x for x in r.json["portfolio"]["holdings"]}
        # Sold out: 8 x 120 - (5 x 110 + 3 x 110); 2 x 50 + 4 x 30 - 4 x 50.
        self.assertEqual((h[self.a]["quantity"], h[self.a]["realized"]), ("0", "80.00"))
        self.assertEqual((h[b]["quantity"], h[b]["realized"]), ("0", "20.00"))
        self.assertEqual(self.txcount(), 7)

    def test_the_preview_offers_opening_positions(self):
        """The preview of a file that starts mid-history lists the opening
        position each instrument needs and offers to record them at the
        first price or at a cost a share entered; the import then records
        them as previewed."""
        csv = ("date,type,symbol,quantity,price\n"
               "2024-05-02,buy,{a},1,40\n"
               "2024-05-03,sell,{a},3,45\n").format(a=self.a)
        self.u.c.get("/portfolios/%d/import" % self.pid)
        r = self.u.c.post("/portfolios/%d/import" % self.pid, {"text": csv})
        self.assertEqual(r.status, 303)
        preview = r.header("location")
        r = self.u.c.get(preview)
        self.assertEqual(r.status, 422)
        self.assertEqual(harness.validate_html(r.text), "")
        text = harness.page_text(r.text)
        self.assertIn("This file starts mid-history", text)
        self.assertIn("%s 2024-05-02 2 40 USD" % self.a, text)
        # At a cost a share entered: 2 at 30, then 3 sold at 45.
        r = self.u.c.get(preview + "?opening=at_cost&opening_cost_0=30")
        self.assertEqual(r.status, 200, harness.page_text(r.text)[-500:])
        self.assertEqual(harness.validate_html(r.text), "")
        text = harness.page_text(r.text)
        self.assertIn("Opening positions recorded on the file's first day", text)
        self.assertIn("%s 2024-05-02 2 60.00" % self.a, text)
        self.assertEqual(self.txcount(), 0)
        r = self.u.c.post(preview, {"action": "import", "opening": "at_cost",
                                    "opening_cost_0": "30"})
        self.assertEqual(r.status, 303, harness.page_text(r.text)[-500:])
        self.assertEqual(self.txcount(), 3)
        h = self.u.holding(self.pid, self.a)
        # 3 x 45 - (40 + 2 x 30)
        self.assertEqual((h["quantity"], h["realized"]), ("0", "35.00"))

    def test_an_isin_finds_its_instrument(self):
        """An ISIN in the symbol column, or an ISIN column beside a symbol
        nestegg does not know, finds the user's instrument with that ISIN;
        an Interactive Brokers flex query of ISINs without a Symbol column
        is read so too."""
        sym = "ISN%d" % (os.getpid() % 100000)
        r = self.u.api("POST", "/api/v1/instruments",
                       {"symbol": sym, "name": "Apple", "kind": "stock", "currency": "USD",
                        "source": "sim", "isin": "US0378331005"})
        self.assertEqual(r.status, 201, r.body)
        r = self.u.import_csv(self.pid, "date,type,symbol,quantity,price\n"
                                        "2024-01-02,buy,US0378331005,2,100\n")
        self.assertEqual(r.status, 200, r.body)
        r = self.u.import_csv(self.pid, "date,type,symbol,quantity,price,isin\n"
                                        "2024-01-03,buy,AAPL.XX,1,100,US0378331005\n")
        self.assertEqual(r.status, 200, r.body)
        r = self.u.import_csv(self.pid, "TradeDate,Buy/Sell,ISIN,Quantity,TradePrice,"
                                        "IBCommission,CurrencyPrimary\n"
                                        "20240104,BUY,US0378331005,4,101,-1,USD\n")
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.json["format"], "ibkr")
        self.assertEqual(self.u.holding(self.pid, sym)["quantity"], "7")

    def test_a_brokers_export_is_recognised_and_named(self):
        """A broker's export uploaded as it is: its preset is recognised
        by its header and named in the preview, and its instruments are
        offered with what the file says of them; the API says the same
        format."""
        path = os.path.join(harness.ROOT, "tests", "fixtures", "import", "presets",
                            "trading212.csv")
        with open(path) as f:
            text = f.read()
        self.u.c.get("/portfolios/%d/import" % self.pid)
        r = self.u.c.post("/portfolios/%d/import" % self.pid, {"text": text})
        self.assertEqual(r.status, 303)
        r = self.u.c.get(r.header("location"))
        self.assertEqual(harness.validate_html(r.text), "")
        page = harness.page_text(r.text)
        self.assertIn("Format: Trading 212", page)
        self.assertIn("Vanguard S&P 500 UCITS ETF (Dist)", page)
        self.assertIn("IE00B3XXRP09", r.text)
        r = self.u.api("POST", "/api/v1/portfolios/%d/import?dry_run=1" % self.pid,
                       text, "text/csv")
        self.assertEqual(r.status, 422, r.body)
        self.assertEqual(sorted(x["symbol"] for x in r.json["error"]["unknown_symbols"]),
                         ["AAPL", "LLOY", "VUSA"])
        r = self.u.api("POST", "/api/v1/portfolios/%d/import?format=schwab" % self.pid,
                       text, "text/csv")
        self.assertEqual(r.status, 422)
        self.assertIn("not a Charles Schwab export", r.body.decode())
        self.assertEqual(self.txcount(), 0)

    def test_bad_upload_shows_lines(self):
        self.u.c.get("/portfolios/%d/import" % self.pid)
        r = self.u.c.post("/portfolios/%d/import" % self.pid,
                          {"text": "date,type,symbol,quantity,price\n2024-01-02,buy,NOPE,1,1\n"
                                   "2024-01-03,buy,%s,1,1\n" % self.a})
        self.assertEqual(r.status, 303)
        preview = r.header("location")
        r = self.u.c.get(preview)
        self.assertEqual(r.status, 422)
        self.assertEqual(harness.validate_html(r.text), "")
        text = harness.page_text(r.text)
        self.assertIn("Nothing can be imported yet", text)
        self.assertIn("NOPE", text)
        self.assertIn("symbol=NOPE", r.text)          # the pre-filled form
        self.assertEqual(self.txcount(), 0)
        # One click creates it as the file describes it; the same draft
        # is tried again without uploading.
        r = self.u.c.post(preview, {"action": "create"})
        self.assertEqual(r.status, 303)
        r = self.u.c.get(preview)
        self.assertEqual(r.status, 200, harness.page_text(r.text)[-600:])
        r = self.u.c.post(preview, {"action": "import"})
        self.assertEqual(r.status, 303)
        self.assertEqual(self.txcount(), 2)

    def test_json_export(self):
        self.u.import_csv(self.pid, "date,type,symbol,quantity,price,note\n"
                                    "2024-01-02,buy,%s,2,10,hello\n" % self.a)
        r = self.u.c.get("/export.json")
        self.assertEqual(r.status, 200)
        data = json.loads(r.body)
        self.assertEqual(data["user"]["email"], self.u.email)
        p = [x for x in data["portfolios"] if x["id"] == self.pid][0]
        self.assertEqual(p["transactions"][0]["note"], "hello")
        self.assertEqual(p["transactions"][0]["quantity"], "2")
        self.assertEqual(p["holdings"][0]["symbol"], self.a)
        self.assertIn(self.a, [i["symbol"] for i in data["instruments"]])


def realistic_csv(target, seed=1, symbols=120):
    """nestegg's own CSV of about target bytes (under 100,000 rows): 35
    years of buys, sells, dividends and deposits in four currencies,
    with prices that walk, the rates of the day and a broker's notes."""
    rnd = random.Random(seed)
    venues = {"USD": ["NYSE", "NASDAQ", "ARCA"], "EUR": ["Xetra", "Euronext Paris"],
              "GBP": ["LSE"], "CHF": ["SIX Swiss Exchange"]}
    prices = {}
    for i in range(symbols):
        c = rnd.choice(sorted(venues))
        prices["D%d%03d" % (seed, i)] = [c, rnd.uniform(5, 900), rnd.choice(venues[c])]
    names = sorted(prices)
    rates = {"USD": 1.0, "EUR": 0.9, "GBP": 0.8, "CHF": 0.95}
    account = "account DE12 5001 0517 0012 4471 00"
    lines = ["date,type,symbol,quantity,price,fee,amount,currency,fx_rate,note"]
    size = len(lines[0]) + 1
    day = datetime.date(1990, 1, 1)
    order = rnd.randrange(10 ** 6)
    while size < target:
        day += datetime.timedelta(days=1)
        if day.weekday() >= 5:
            continue
        settled = day + datetime.timedelta(days=2 if day.weekday() < 3 else 4)
        for c in rates:
            rates[c] = max(0.3, rates[c] * (1 + rnd.gauss(0, 0.004)))
        for _ in range(rnd.randrange(0, 22)):
            s = rnd.choice(names)
            c, p, venue = prices[s]
            p = prices[s][1] = max(0.5, p * (1 + rnd.gauss(0, 0.02)))
            order += rnd.randrange(1, 40)
            r = rnd.random()
            if r < 0.85:
                t = "buy" if r < 0.6 else "sell"
                q = rnd.randrange(1, 200 if t == "buy" else 50)
                line = ('%s,%s,%s,%d,%.2f,%s,,%s,%.4f,"%s order %d on %s, %s %d %s at '
                        '%.2f %s, settled %s, %s"'
                        % (day, t, s, q, p, rnd.choice(["", "1.00", "4.95", "9.90"]), c,
                           rates[c], "Savings plan" if rnd.random() < 0.3 else "Market",
                           order, venue, t, q, s, p, c, settled, account))
            elif r < 0.95:
                line = ('%s,dividend,%s,,,,%.2f,%s,%.4f,"Quarterly dividend of %s, '
                        'withholding tax credited separately, %s"'
                        % (day, s, rnd.uniform(1, 400), c, rates[c], s, account))
            else:
                line = ('%s,deposit,,,,,%d,%s,%.4f,"Monthly transfer from current account, '
                        'standing order %d, %s"'
                        % (day, rnd.randrange(100, 5000), c, rates[c], order, account))
            lines.append(line)
            size += len(line) + 1
    return ("\n".join(lines) + "\n").encode()


class ImportDrafts(unittest.TestCase):
    """Uploads waiting for their preview: one per user and file,
    compressed, at most limit_drafts of them (5) holding at most
    limit_draft_bytes (64 MiB) together, for a day."""

    @classmethod
    def setUpClass(cls):
        cls.stack = harness.shared
        cls.big = realistic_csv(15 << 20)

    def setUp(self):
        self.u = User(self.stack, "drafts")
        self.uid = count(self.stack, "SELECT id FROM users WHERE email = '%s'" % self.u.email)
        self.pid = self.u.portfolio("Drafts", "USD")

    def upload(self, body, pid=None, user=None, client=None):
        """Posts body as a file through the import form, as a browser does."""
        c = client or (user or self.u).c
        boundary = "----nestegg" + uuid.uuid4().hex
        head = ("--%s\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n%s\r\n"
                "--%s\r\nContent-Disposition: form-data; name=\"file\"; "
                "filename=\"history.csv\"\r\nContent-Type: text/csv\r\n\r\n"
                % (boundary, c.csrf, boundary)).encode()
        tail = ("\r\n--%s\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\n\r\n"
                "--%s--\r\n" % (boundary, boundary)).encode()
        return c.request("POST", "/portfolios/%d/import" % (pid or self.pid),
                         body=head + body + tail,
                         headers={"Content-Type": "multipart/form-data; boundary=" + boundary})

    def drafts(self, uid=None):
        return count(self.stack, "SELECT COUNT(*) FROM import_drafts WHERE user_id = %d"
                     % (uid or self.uid))

    def binlog(self):
        return sum(int(row[1]) for row in self.stack.sql("SHOW BINARY LOGS"))

    def small(self, n, tag="x"):
        return ("date,type,symbol,quantity,price,fee,amount,currency,fx_rate,note\n"
                "2024-01-%02d,deposit,,,,,%d,USD,,%s\n" % (n % 28 + 1, 100 + n, tag)).encode()

    def refused(self, r, words):
        self.assertEqual(r.status, 422, r.body[-800:])
        m = re.search(r'<p class="error" id="file-error">([^<]*)</p>', r.text)
        self.assertTrue(m, r.text[-1500:])
        self.assertIn(words, html.unescape(m.group(1)))
        self.assertEqual(harness.validate_html(r.text), "")
        return html.unescape(m.group(1))

    def test_ten_uploads_of_one_file_are_one_small_draft(self):
        size = len(self.big)
        self.u.c.get("/portfolios/%d/import" % self.pid)
        before = self.binlog()
        t0 = time.time()
        places = set()
        for _ in range(10):
            r = self.upload(self.big)
            self.assertEqual(r.status, 303, r.body[-500:])
            places.add(r.header("location"))
        took = time.time() - t0
        grown = self.binlog() - before
        self.assertEqual(len(places), 1, places)
        self.assertEqual(self.drafts(), 1)
        stored, kept = [int(x) for x in self.stack.sql(
            "SELECT LENGTH(body), body_size FROM import_drafts WHERE user_id = %d"
            % self.uid)[0]]
        self.assertEqual(kept, size)
        print("\n    ten uploads of %d bytes in %.1f s: one draft of %d bytes stored "
              "(%.1f%%), binary log grown by %d bytes (%.1f%% of one file)"
              % (size, took, stored, 100.0 * stored / size, grown, 100.0 * grown / size))
        # Compressed, and in the binary log once: not as a second,
        # escaped copy in the statement's annotation.
        self.assertLess(stored, size // 4)
        self.assertLess(grown, size // 4)
        # The preview reads it back whole: every line of the file is a row.
        r = self.u.c.get(places.pop())
        self.assertIn(b"%d row(s)" % (self.big.count(b"\n") - 1), r.body)

    def test_limits_refuse_and_cancel_frees_a_place(self):
        self.u.c.get("/portfolios/%d/import" % self.pid)
        places = []
        for n in range(5):
            r = self.upload(self.small(n))
            self.assertEqual(r.status, 303, r.body[-500:])
            places.append(r.header("location"))
        before = self.stack.sql("SELECT id, HEX(digest) FROM import_drafts WHERE user_id = %d "
                                "ORDER BY id" % self.uid)
        msg = self.refused(self.upload(self.small(5)), "5 imports waiting")
        self.assertIn("cancel", msg)
        self.assertEqual(self.stack.sql("SELECT id, HEX(digest) FROM import_drafts WHERE "
                                        "user_id = %d ORDER BY id" % self.uid), before)
        # Pasted text is refused the same way, and so is it through a
        # second portfolio.
        other = self.u.portfolio("Second", "EUR")
        self.u.c.get("/portfolios/%d/import" % other)
        r = self.u.c.post("/portfolios/%d/import" % other, {"text": self.small(6).decode()})
        self.refused(r, "5 imports waiting")
        # The same file again is no new draft: never refused.
        r = self.upload(self.small(0))
        self.assertEqual((r.status, r.header("location")), (303, places[0]))
        self.assertEqual(self.drafts(), 5)
        # The list under the form links every waiting one.
        page = self.u.c.get("/portfolios/%d/import" % self.pid)
        for p in places:
            self.assertIn('href="%s"' % p, page.text)
        # The preview has a cancel button; without the CSRF token it
        # does nothing.
        r = self.u.c.get(places[1])
        self.assertEqual(r.status, 200)
        self.assertEqual(harness.validate_html(r.text), "")
        self.assertIn('name="action" value="cancel"', r.text)
        self.assertEqual(self.u.c.post(places[1], {"action": "cancel"}, csrf=False).status,
                         403)
        self.assertEqual(self.drafts(), 5)
        r = self.u.c.post(places[1], {"action": "cancel"})
        self.assertEqual(r.status, 303)
        self.assertEqual(r.header("location"), "/portfolios/%d/import" % self.pid)
        self.assertEqual(self.drafts(), 4)
        r = self.u.c.get(places[1])
        self.assertEqual(r.status, 404)
        self.assertIn("upload the file again", harness.page_text(r.text))
        self.assertEqual(self.u.c.post(places[1], {"action": "cancel"}).status, 404)
        # Its place is free.
        self.u.c.get("/portfolios/%d/import" % self.pid)
        self.assertEqual(self.upload(self.small(5)).status, 303)
        self.assertEqual(self.drafts(), 5)

    def test_limit_on_bytes(self):
        # 60 MiB waiting in four files: a fifth of 15 MiB passes 64 MiB.
        self.u.c.get("/portfolios/%d/import" % self.pid)
        head, rest = self.big.split(b"\n", 1)
        for n in range(4):
            variant = head + b"\n" + self.small(n)[len(head) + 1:] + rest
            r = self.upload(variant)
            self.assertEqual(r.status, 303, r.body[-500:])
        before = self.stack.sql("SELECT id, body_size FROM import_drafts WHERE user_id = %d "
                                "ORDER BY id" % self.uid)
        self.assertEqual(len(before), 4)
        msg = self.refused(self.upload(self.big), "would hold more than the 64 MB allowed")
        self.assertIn("cancel", msg)
        self.assertEqual(self.stack.sql("SELECT id, body_size FROM import_drafts WHERE "
                                        "user_id = %d ORDER BY id" % self.uid), before)
        # A small one still fits.
        self.assertEqual(self.upload(self.small(9)).status, 303)

    def test_same_file_in_another_portfolio_moves_the_draft(self):
        self.u.c.get("/portfolios/%d/import" % self.pid)
        r = self.upload(self.small(1))
        first = r.header("location")
        other = self.u.portfolio("Other", "USD")
        r = self.upload(self.small(1), pid=other)
        self.assertEqual(r.status, 303)
        moved = r.header("location")
        self.assertEqual(moved.rsplit("/", 1)[1], first.rsplit("/", 1)[1])
        self.assertEqual(moved, "/portfolios/%d/import/%s" % (other, moved.rsplit("/", 1)[1]))
        self.assertEqual(self.drafts(), 1)
        r = self.u.c.get(first)
        self.assertEqual(r.status, 404)
        self.assertIn("upload the file again", harness.page_text(r.text))
        r = self.u.c.get(moved)
        self.assertEqual(r.status, 200)
        self.assertIn("1 transaction(s): 1 deposit", harness.page_text(r.text))

    def test_a_day_old_draft_is_gone(self):
        self.u.c.get("/portfolios/%d/import" % self.pid)
        places = [self.upload(self.small(n)).header("location") for n in range(5)]
        old = places[0].rsplit("/", 1)[1]
        self.stack.sql("UPDATE import_drafts SET created_at = NOW() - INTERVAL 1 DAY "
                       "- INTERVAL 1 SECOND WHERE id = %s" % old)
        r = self.u.c.get(places[0])
        self.assertEqual(r.status, 404)
        self.assertIn("upload the file again", harness.page_text(r.text))
        self.assertEqual(self.u.c.post(places[0], {"action": "import"}).status, 404)
        # It no longer counts: a sixth file fits.
        self.u.c.get("/portfolios/%d/import" % self.pid)
        self.assertEqual(self.upload(self.small(5)).status, 303)
        self.assertNotIn('href="%s"' % places[0],
                         self.u.c.get("/portfolios/%d/import" % self.pid).text)
        # Uploaded again, it counts again: over the limit now.
        self.refused(self.upload(self.small(0)), "5 imports waiting")
        self.u.c.post(places[1], {"action": "cancel"})
        self.u.c.get("/portfolios/%d/import" % self.pid)
        r = self.upload(self.small(0))
        self.assertEqual((r.status, r.header("location")), (303, places[0]))
        self.assertEqual(self.u.c.get(places[0]).status, 200)
        # nestegg gc deletes what is a day old.
        self.stack.sql("UPDATE import_drafts SET created_at = NOW() - INTERVAL 2 DAY "
                       "WHERE id = %s" % old)
        self.assertEqual(self.stack.cli("gc").returncode, 0)
        self.assertEqual(count(self.stack, "SELECT COUNT(*) FROM import_drafts WHERE id = %s"
                                           % old), 0)

    def test_another_user_cannot_see_or_cancel(self):
        self.u.c.get("/portfolios/%d/import" % self.pid)
        place = self.upload(self.small(3)).header("location")
        other = User(self.stack, "drafts-other")
        for path in (place, "/portfolios/%d/import" % self.pid):
            self.assertEqual(other.c.get(path).status, 404, path)
        other.c.get("/")
        self.assertEqual(other.c.post(place, {"action": "cancel"}).status, 404)
        self.assertEqual(self.drafts(), 1)
        # Their own portfolio, a draft's id of someone else.
        theirs = other.portfolio("Theirs")
        draft = place.rsplit("/", 1)[1]
        other.c.get("/")
        for path in ("/portfolios/%d/import/%s" % (theirs, draft),):
            self.assertEqual(other.c.get(path).status, 404)
            self.assertEqual(other.c.post(path, {"action": "cancel"}).status, 404)
        self.assertEqual(self.drafts(), 1)
        self.assertNotIn(place, other.c.get("/portfolios/%d/import" % theirs).text)
        # The same file is a draft of their own.
        other.c.get("/portfolios/%d/import" % theirs)
        r = self.upload(self.small(3), pid=theirs, user=other)
        self.assertEqual(r.status, 303)
        self.assertNotEqual(r.header("location").rsplit("/", 1)[1], draft)
        self.assertEqual(self.drafts(), 1)
        self.assertEqual(self.u.c.get(place).status, 200)

    def test_concurrent_uploads(self):
        self.u.c.get("/portfolios/%d/import" % self.pid)

        def clients(n):
            out = []
            for _ in range(n):
                c = harness.Client(self.stack, address=self.u.c.address)
                c.cookies, c.csrf = dict(self.u.c.cookies), self.u.c.csrf
                out.append(c)
            return out

        def at_once(bodies):
            with concurrent.futures.ThreadPoolExecutor(len(bodies)) as ex:
                return list(ex.map(lambda cb: self.upload(cb[1], client=cb[0]),
                                   zip(clients(len(bodies)), bodies)))

        # The same file eight times at once: one draft.
        rs = at_once([self.small(7)] * 8)
        self.assertEqual([r.status for r in rs], [303] * 8)
        self.assertEqual(len({r.header("location") for r in rs}), 1)
        self.assertEqual(self.drafts(), 1)
        # Eight different files at once beside it: four more fit.
        rs = at_once([self.small(10 + n) for n in range(8)])
        self.assertEqual(sorted(r.status for r in rs), [303] * 4 + [422] * 4)
        self.assertEqual(self.drafts(), 5)


class HistoricRates(unittest.TestCase):
    """A row in another currency without a rate takes the rate of its
    own day from the stored history (the nearest earlier day's, said in
    the preview), or with none on or before it the latest, said and the
    row marked; rows already stored keep theirs.  The currencies (ISK,
    HUF) are this test's alone, their history set in 1996-1997."""

    def setUp(self):
        self.stack = harness.shared
        self.u = User(self.stack, "fxhist")
        self.pid = self.u.portfolio("Rates", "USD")
        self.isk = instrument(self.u, currency="ISK", source="manual")
        self.huf = instrument(self.u, currency="HUF", source="manual")
        # ISK USD by day; HUF only as USD HUF (its opposite), one day.
        for args in (("ISK", "USD", "0.0151", "--at", "1996-03-01"),
                     ("ISK", "USD", "0.0149", "--at", "1996-03-04"),
                     ("ISK", "USD", "0.0071"),
                     ("USD", "HUF", "150", "--at", "1997-01-02"),
                     ("USD", "HUF", "400")):
            r = self.stack.cli("fx", "set", *args)
            self.assertEqual(r.returncode, 0, r.stderr)

    CSV = ("date,type,symbol,quantity,price,fee,amount,fx_rate\n"
           "1996-03-01,buy,{isk},10,1000,,,\n"        # its own day: 0.0151
           "1996-03-03,buy,{isk},10,1000,,,\n"        # a Sunday: the Friday's
           "1996-03-05,buy,{isk},10,1000,,,0.02\n"    # its own rate, kept
           "1995-12-29,buy,{isk},10,1000,,,\n"        # before any: the latest
           "1997-01-03,buy,{huf},3,1500,,,\n")        # 1 / 150, the day before's

    def test_rows_take_the_rate_of_their_day(self):
        csv = self.CSV.format(isk=self.isk, huf=self.huf)
        r = self.u.api("POST", "/api/v1/portfolios/%d/import?dry_run=1" % self.pid,
                       csv, "text/csv")
        self.assertEqual(r.status, 200, r.body)
        rates = {(x["line"], x["rate_date"], x["latest"]): x["fx_rate"]
                 for x in r.json["rates"]}
        today = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d")
        self.assertEqual(rates, {(3, "1996-03-01", False): "0.0151",
                                 (5, today, True): "0.0071",
                                 (6, "1997-01-02", False): "0.006666666667"})
        # The preview page says the same, and that the row is marked.
        r = self.u.c.post("/portfolios/%d/import" % self.pid, {"text": csv, "format": ""})
        self.assertEqual(r.status, 303, r.text)
        page = self.u.c.get(r.header("location"))
        self.assertEqual(harness.validate_html(page.text), "")
        text = harness.page_text(page.text)
        self.assertIn("2 row(s) in another currency without a rate take the rate of "
                      "the nearest earlier day", text)
        self.assertIn("1 row(s) in another currency without a rate have no rate "
                      "stored on or before their day", text)
        self.assertRegex(text, r"3\s+1996-03-03\s+1 ISK = 0\.0151 USD\s+1996-03-01")
        self.assertRegex(text, r"5\s+1995-12-29\s+1 ISK = 0\.0071 USD\s+the latest "
                               r"\(%s\), none before: marked" % today)
        r = self.u.import_csv(self.pid, csv)
        self.assertEqual(r.status, 200, r.body)
        stored = self.stack.sql(
            "SELECT DATE_FORMAT(date, '%%Y-%%m-%%d'), TRIM(TRAILING '0' FROM fx_rate), "
            "fx_assumed FROM "
            "transactions WHERE portfolio_id = %d ORDER BY date" % self.pid)
        self.assertEqual([tuple(x) for x in stored],
                         [("1995-12-29", "0.0071", "1"), ("1996-03-01", "0.0151", "0"),
                          ("1996-03-03", "0.0151", "0"), ("1996-03-05", "0.02", "0"),
                          ("1997-01-03", "0.006666666667", "0")])
        # Cost at those rates: 10,000 ISK at .0151 twice, .02, .0071;
        # 4,500 HUF at 1/150.
        self.assertEqual(self.u.holding(self.pid, self.isk)["cost"], "573.00")
        self.assertEqual(self.u.holding(self.pid, self.huf)["cost"], "30.00")
        # The marked row says so on the transactions page.
        page = self.u.c.get("/portfolios/%d/transactions" % self.pid)
        self.assertEqual(page.status, 200)
        self.assertEqual(len(re.findall(r"Rate assumed: 0\.0071", page.text)), 1)
        # A typed row: the nearest earlier day's rate too.
        r = self.u.add_tx(self.pid, date="1996-03-06", type="buy", symbol=self.isk,
                          quantity="1", price="1000")
        self.assertEqual(r.status, 303, r.text)
        self.assertEqual(self.stack.sql(
            "SELECT TRIM(TRAILING '0' FROM fx_rate), fx_assumed FROM transactions WHERE portfolio_id = %d "
            "AND date = '1996-03-06'" % self.pid), [["0.0149", "0"]])
        # History added later changes no stored row.
        r = self.stack.cli("fx", "set", "ISK", "USD", "0.0160", "--at", "1995-12-01")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.stack.sql(
            "SELECT TRIM(TRAILING '0' FROM fx_rate), fx_assumed FROM transactions WHERE portfolio_id = %d "
            "AND date = '1995-12-29'" % self.pid), [["0.0071", "1"]])
        # Editing the marked row offers the rate empty and says why;
        # saved so, its rate is looked up again: now the history of
        # 1995-12-01 holds one.
        txid = count(self.stack, "SELECT id FROM transactions WHERE portfolio_id = %d "
                                 "AND date = '1995-12-29'" % self.pid)
        edit = "/portfolios/%d/transactions/%d/edit" % (self.pid, txid)
        page = self.u.c.get(edit)
        self.assertEqual(harness.validate_html(page.text), "")
        self.assertIn("it was converted at the latest rate, 0.0071", harness.page_text(page.text))
        self.assertRegex(page.text, r'name="fx_rate" type="text" inputmode="decimal" value=""')
        r = self.u.c.post(edit, {"date": "1995-12-29", "type": "buy", "symbol": self.isk,
                                 "quantity": "10", "price": "1000", "note": "checked"})
        self.assertEqual(r.status, 303, r.text)
        self.assertEqual(self.stack.sql(
            "SELECT TRIM(TRAILING '0' FROM fx_rate), fx_assumed FROM transactions WHERE id = %d"
            % txid), [["0.016", "0"]])
