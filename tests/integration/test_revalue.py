"""Valuation runs over many portfolios: the same figures as the pages,
only what changed revalued, one consistent state even when killed."""
import datetime
import os
import signal
import subprocess
import time
import unittest
from decimal import Decimal

import harness
from pf_helpers import User, count

PORTFOLIOS = 40000          # of the bulk user, 20 positions each
INSTRUMENTS = 400


def bulk_sql(uid, first_pid):
    """Portfolios, positions, cash and prices written straight into the
    tables, with their ledger sums, as the ledger would leave them."""
    last = first_pid + PORTFOLIOS - 1
    return """
SET FOREIGN_KEY_CHECKS = 0;
INSERT INTO instruments (id, owner_id, symbol, name, kind, currency, source, source_symbol,
    listed, created_at)
  SELECT 1000000 + seq, 0, CONCAT('BULK', seq), 'Bulk', ELT(1 + seq % 4, 'stock', 'etf',
    'fund', 'crypto'), ELT(1 + seq % 3, 'USD', 'EUR', 'GBp'), 'sim', CONCAT('BULK', seq),
    1, NOW() - INTERVAL 2 DAY FROM seq_1_to_{ni};
INSERT INTO portfolios (id, user_id, name, currency, cost_method, created_at)
  SELECT seq, {uid}, CONCAT('Bulk ', seq), IF(seq % 2, 'USD', 'EUR'), 'fifo', NOW()
  FROM seq_{first}_to_{last};
INSERT INTO positions (portfolio_id, instrument_id, quantity, cost, realized, income, fees,
    taxes, charges)
  SELECT p.seq, 1000001 + (p.seq * 7 + k.seq * 19) % {ni}, 1 + (p.seq + k.seq) % 50,
    100 + k.seq * 3.5, IF(k.seq = 3, 12.25, 0), IF(k.seq = 4, 3.1, 0), 0.5, 0,
    IF(k.seq = 5, 0.75, 0)
  FROM seq_{first}_to_{last} p JOIN seq_0_to_19 k;
INSERT INTO cash_balances (portfolio_id, currency, balance)
  SELECT seq, IF(seq % 3, 'USD', 'GBP'), 1000 + seq % 97 FROM seq_{first}_to_{last};
INSERT INTO prices (instrument_id, price, prev_close, as_of, source, updated_at)
  SELECT 1000000 + seq, 10 + seq % 90 + 0.1234, 10 + seq % 90, NOW() - INTERVAL 1 MINUTE,
    'sim', NOW() FROM seq_1_to_{ni}
  ON DUPLICATE KEY UPDATE price = VALUES(price);
UPDATE portfolios pf JOIN (SELECT portfolio_id, SUM(realized) r, SUM(income) i, SUM(fees) f,
    SUM(taxes) t, SUM(charges) c FROM positions WHERE portfolio_id BETWEEN {first} AND {last}
    GROUP BY portfolio_id) s ON s.portfolio_id = pf.id
  SET pf.pos_realized = s.r, pf.pos_income = s.i, pf.pos_fees = s.f, pf.pos_taxes = s.t,
    pf.pos_charges = s.c, pf.net_flow_in = 0;
SET FOREIGN_KEY_CHECKS = 1;
""".format(uid=uid, first=first_pid, last=last, ni=INSTRUMENTS)


class AtScale(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.stack = harness.Stack(NESTEGG_WORKERS="1")
        cls.stack.start()
        cls.u = User(cls.stack, "bulk")
        uid = count(cls.stack, "SELECT id FROM users WHERE email = '%s'" % cls.u.email)
        cls.first = 100000
        subprocess.run(["mariadb", "--defaults-file=" + cls.stack.path("etc", "my.cnf"),
                        "-u", "root", "nestegg"], input=bulk_sql(uid, cls.first), text=True,
                       check=True, timeout=600)
        cls.stack.cli("fx", "set", "EUR", "USD", "1.0837")
        cls.stack.cli("fx", "set", "EUR", "GBP", "0.8412")
        r = cls.stack.cli("revalue", "--all")
        assert r.returncode == 0, r.stderr

    @classmethod
    def tearDownClass(cls):
        cls.stack.cleanup()

    def latest(self, pid):
        return self.stack.sql("SELECT value, cost, day_change, total_gain, run_id "
                              "FROM portfolio_latest WHERE portfolio_id = %d" % pid)[0]

    def test_values_are_the_pages_values(self):
        for pid in (self.first, self.first + 1, self.first + 777, self.first + 39998):
            view = self.u.view(pid)
            value, cost, day, gain, _ = self.latest(pid)
            t = view["totals"]
            cent = Decimal("0.01")
            self.assertEqual(Decimal(value).quantize(cent), Decimal(t["value"]), pid)
            self.assertEqual(Decimal(cost).quantize(cent), Decimal(t["cost"]), pid)
            self.assertEqual(Decimal(day).quantize(cent), Decimal(t["day_change"]), pid)
            self.assertEqual(Decimal(gain).quantize(cent), Decimal(t["total_gain"]), pid)
            self.assertNotEqual(t["value"], "0.00")

    def test_only_the_holders_of_a_changed_price_are_revalued(self):
        iid = 1000000 + 57
        holders = count(self.stack, "SELECT COUNT(DISTINCT portfolio_id) FROM positions "
                        "WHERE instrument_id = %d AND quantity <> 0" % iid)
        self.assertGreater(holders, 0)
        before = self.latest(self.first + 1)
        sym = "BULK57"
        r = self.stack.cli("price", "set", sym, "123.45")
        self.assertEqual(r.returncode, 0, r.stderr)
        r = self.stack.cli("revalue")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("%d portfolios" % holders, r.stdout)
        run = count(self.stack, "SELECT MAX(id) FROM valuation_runs")
        self.assertEqual(count(self.stack, "SELECT COUNT(*) FROM portfolio_latest "
                               "WHERE run_id = %d" % run), holders)
        self.assertEqual(count(self.stack, "SELECT COUNT(*) FROM portfolio_latest l JOIN "
                               "positions p ON p.portfolio_id = l.portfolio_id AND "
                               "p.instrument_id = %d WHERE l.run_id = %d" % (iid, run)),
                         holders)
        # A portfolio that does not hold it keeps its value and its run.
        if count(self.stack, "SELECT COUNT(*) FROM positions WHERE portfolio_id = %d AND "
                 "instrument_id = %d" % (self.first + 1, iid)) == 0:
            self.assertEqual(self.latest(self.first + 1), before)
        # A rate change revalues what is converted with it.
        r = self.stack.cli("fx", "set", "EUR", "GBP", "0.8500")
        r = self.stack.cli("revalue")
        self.assertEqual(r.returncode, 0, r.stderr)
        run = count(self.stack, "SELECT MAX(id) FROM valuation_runs")
        n = count(self.stack, "SELECT COUNT(*) FROM portfolio_latest WHERE run_id = %d" % run)
        self.assertGreater(n, holders)
        view = self.u.view(self.first + 2)
        self.assertEqual(Decimal(self.latest(self.first + 2)[0]).quantize(Decimal("0.01")),
                         Decimal(view["totals"]["value"]))

    def test_a_killed_run_leaves_the_previous_state(self):
        def state():
            return (self.stack.sql("SELECT COUNT(*), SUM(value), MAX(run_id), "
                                   "SUM(total_gain) FROM portfolio_latest"),
                    count(self.stack, "SELECT COUNT(*) FROM valuation_runs"),
                    count(self.stack, "SELECT COUNT(*) FROM revalue_pending"))
        self.stack.sql("UPDATE prices SET price = price + 1, updated_at = NOW() "
                       "WHERE instrument_id > 1000000")
        self.stack.sql("INSERT INTO revalue_pending (instrument_id) SELECT instrument_id "
                       "FROM prices WHERE instrument_id > 1000000")
        before = state()
        killed = False
        for delay in (0.4, 0.2, 0.1, 0.05):
            p = subprocess.Popen([os.path.join(harness.BUILD, "nestegg"), "revalue"],
                                 env=self.stack.env, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
            time.sleep(delay)
            if p.poll() is None:
                p.send_signal(signal.SIGKILL)
                p.wait()
                killed = True
                break
            p.wait()
            self.fail("the run ended in %.2f s, before it could be killed" % delay)
        self.assertTrue(killed)
        time.sleep(1)
        self.assertEqual(state(), before)
        # The next run takes what the killed one left.
        r = self.stack.cli("revalue")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("%d portfolios" % PORTFOLIOS, r.stdout)
        self.assertEqual(count(self.stack, "SELECT COUNT(*) FROM revalue_pending"), 0)

    def test_a_new_day_keeps_the_last_values_of_the_day_before(self):
        yesterday = (datetime.date.today() - datetime.timedelta(days=1)).isoformat()
        self.stack.sql("UPDATE valuation_runs SET started_at = started_at - INTERVAL 1 DAY")
        want = self.stack.sql("SELECT SUM(value), COUNT(*) FROM portfolio_latest")
        self.stack.cli("price", "set", "BULK58", "77")
        r = self.stack.cli("revalue")
        self.assertEqual(r.returncode, 0, r.stderr)
        got = self.stack.sql("SELECT SUM(value), COUNT(*) FROM portfolio_daily WHERE "
                             "day = '%s'" % yesterday)
        self.assertEqual(got, want)
        # Old runs are pruned, not kept for ever.
        self.stack.sql("UPDATE valuation_runs SET started_at = started_at - INTERVAL 30 DAY")
        r = self.stack.cli("gc")
        self.assertIn("old runs", r.stdout)
        self.assertEqual(count(self.stack, "SELECT COUNT(*) FROM valuation_runs WHERE "
                               "started_at < NOW() - INTERVAL 8 DAY"), 0)
