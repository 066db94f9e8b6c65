"""CSV import (all or nothing) and export, Ghostfolio's format, the JSON
export."""
import json
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

    def test_bad_upload_shows_lines(self):
        self.u.c.get("/portfolios/%d/import" % self.pid)
        r = self.u.c.post("/portfolios/%d/import" % self.pid,
                          {"text": "date,type,symbol,quantity,price\n2024-01-02,buy,NOPE,1,1\n"
                                   "2024-01-03,buy,%s,1,1,5\n" % self.a})
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
