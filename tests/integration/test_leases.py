"""Jobs that run one at a time across hosts (the lease rows of
lib/lease.c), and write transactions run again after a deadlock
(db_again): what a Galera cluster needs, checked on one server."""
import os
import subprocess
import time
import unittest
from decimal import Decimal

import feedserver
import harness
from pf_helpers import User, count

ELSEWHERE = ("UPDATE leases SET holder = 'otherhost:1:0', server = 'elsewhere', "
             "conn = 0, expires_at = NOW(3) + INTERVAL %d SECOND WHERE name = '%s'")


class Session:
    """One connection of the mariadb client, fed statements one at a
    time: a transaction held open across the test's steps."""

    def __init__(self, stack):
        self.p = subprocess.Popen(
            ["mariadb", "--defaults-file=" + stack.path("etc", "my.cnf"), "-u", "root",
             "-N", "-B", "-n", "nestegg"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True, bufsize=1)
        self.n = 0

    def run(self, sql):
        """Runs sql and waits for it to finish; its output lines."""
        self.n += 1
        mark = "done-%d" % self.n
        self.p.stdin.write(sql.rstrip(";") + ";\nSELECT '%s';\n" % mark)
        self.p.stdin.flush()
        out = []
        while True:
            line = self.p.stdout.readline()
            if line == "":
                raise AssertionError("the client ended: %s" % out)
            if line.strip() == mark:
                return out
            out.append(line.rstrip("\n"))

    def send(self, sql):
        """Sends sql without waiting for it (it may block on a lock)."""
        self.n += 1
        self.p.stdin.write(sql.rstrip(";") + ";\n")
        self.p.stdin.flush()

    def close(self):
        self.p.stdin.close()
        self.p.wait(timeout=30)


class Leases(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv, cls.market = feedserver.start()
        env = feedserver.base_env(cls.srv)
        env.update({"NESTEGG_FETCH_INTERVAL": "0", "NESTEGG_FETCH_TIMEOUT": "20",
                    "NESTEGG_FETCH_RETRIES": "0", "NESTEGG_WORKERS": "1"})
        cls.stack = harness.Stack(**env)
        cls.stack.start()
        cls.admin = User(cls.stack, "admin")
        cls.u = User(cls.stack, "owner")

    @classmethod
    def tearDownClass(cls):
        cls.stack.cleanup()
        cls.srv.shutdown()

    def fetch(self):
        return subprocess.run([os.path.join(harness.BUILD, "nestegg"), "fetch", "--quiet"],
                              env=self.stack.env, capture_output=True, text=True,
                              timeout=120)

    def start_fetch(self):
        return subprocess.Popen([os.path.join(harness.BUILD, "nestegg"), "fetch", "--quiet"],
                                env=self.stack.env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)

    def holding(self, symbol, price):
        r = self.u.api("POST", "/api/v1/instruments", {
            "symbol": symbol, "name": symbol, "kind": "stock", "currency": "USD",
            "source": "yahoo"})
        self.assertIn(r.status, (200, 201), r.body)
        iid = r.json["id"]
        pid = self.u.portfolio(symbol, "USD")
        r = self.u.import_csv(pid, "date,type,symbol,quantity,price\n"
                              "2024-01-02,buy,%s,1,10\n" % symbol)
        self.assertEqual(r.status, 200, r.body)
        self.market.yahoo[symbol] = {"price": price, "time": int(time.time())}
        return iid

    def price(self, iid):
        rows = self.stack.sql("SELECT price FROM prices WHERE instrument_id = %d" % iid)
        return Decimal(rows[0][0]) if rows else None

    def lease(self, name):
        return self.stack.sql("SELECT holder, expires_at > NOW(3), "
                              "UNIX_TIMESTAMP(expires_at) FROM leases "
                              "WHERE name = '%s'" % name)[0]

    def test_a_lease_held_elsewhere_stops_a_fetch_until_it_expires(self):
        iid = self.holding("LEASA", 11)
        self.stack.sql(ELSEWHERE % (30, "fetch"))
        r = self.fetch()
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("another fetch is running", r.stdout)
        self.assertIsNone(self.price(iid))
        # Expired: the next fetch takes it, runs, and gives it up.
        self.stack.sql("UPDATE leases SET expires_at = NOW(3) - INTERVAL 1 SECOND "
                       "WHERE name = 'fetch'")
        r = self.fetch()
        self.assertIn("fetch run", r.stdout, r.stderr)
        self.assertEqual(self.price(iid), Decimal(11))
        holder, live, _ = self.lease("fetch")
        self.assertNotEqual(holder, "otherhost:1:0")
        self.assertEqual(live, "0")

    def test_a_valuation_run_waits_for_the_lease(self):
        self.stack.sql(ELSEWHERE % (3, "revalue"))
        t0 = time.time()
        r = self.stack.cli("revalue")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertGreater(time.time() - t0, 2.0)
        self.assertEqual(self.lease("revalue")[1], "0")

    def test_a_long_fetch_renews_its_lease(self):
        self.holding("LEASR", 12)
        self.market.trouble("yahoo:LEASR", "slow:9")
        p = self.start_fetch()
        time.sleep(1.5)
        first = float(self.lease("fetch")[2])
        time.sleep(6)
        self.assertIsNone(p.poll())
        holder, live, later = self.lease("fetch")
        self.assertEqual(live, "1")
        self.assertGreater(float(later), first + 3)
        out, err = p.communicate(timeout=60)
        self.assertEqual(p.returncode, 0, err)
        self.assertIn("fetch run", out)

    def test_a_fetch_that_loses_its_lease_stores_nothing(self):
        iid = self.holding("LEASL", 13)
        self.market.trouble("yahoo:LEASL", "slow:8")
        p = self.start_fetch()
        time.sleep(1.5)
        # Another host takes it over (as after a pause longer than the
        # lease): the run's next renewal finds it gone.
        self.stack.sql(ELSEWHERE % (60, "fetch"))
        out, err = p.communicate(timeout=60)
        self.assertEqual(p.returncode, 1, out + err)
        self.assertIn("lease was lost", err)
        self.assertIsNone(self.price(iid))
        self.assertEqual(self.lease("fetch")[0], "otherhost:1:0")
        self.stack.sql("UPDATE leases SET expires_at = NOW(3) - INTERVAL 1 SECOND "
                       "WHERE name = 'fetch'")

    def test_a_deadlocked_transaction_is_run_again(self):
        iid = self.holding("DEADL", 14)
        self.stack.sql("INSERT INTO prices (instrument_id, price, as_of, source, updated_at) "
                       "VALUES (%d, 14, NOW(), 'manual', NOW()) ON DUPLICATE KEY UPDATE "
                       "price = 14" % iid)
        self.stack.sql("CREATE TABLE IF NOT EXISTS ballast (id INT PRIMARY KEY)")
        deadlocks = count(self.stack, "SELECT VARIABLE_VALUE FROM information_schema."
                          "GLOBAL_STATUS WHERE VARIABLE_NAME = 'INNODB_DEADLOCKS'")
        s = Session(self.stack)
        try:
            # This side is the heavier: InnoDB rolls the price back.
            s.run("START TRANSACTION")
            s.run("INSERT INTO ballast SELECT seq FROM seq_1_to_2000")
            s.run("SELECT price FROM prices WHERE instrument_id = %d FOR UPDATE" % iid)
            # nestegg price set writes the day's close, then the price.
            p = subprocess.Popen([os.path.join(harness.BUILD, "nestegg"), "price", "set",
                                  "DEADL", "15.5"], env=self.stack.env,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            time.sleep(1.5)
            self.assertIsNone(p.poll(), "it did not wait for the price's lock")
            out = s.run("SELECT COUNT(*) FROM price_history WHERE instrument_id = %d "
                        "FOR UPDATE" % iid)
            self.assertNotIn("ERROR", " ".join(out))
            s.run("ROLLBACK")
        finally:
            s.close()
        out, err = p.communicate(timeout=60)
        self.assertEqual(p.returncode, 0, out + err)
        self.assertEqual(self.price(iid), Decimal("15.5"))
        self.assertGreater(count(self.stack, "SELECT VARIABLE_VALUE FROM information_schema."
                                 "GLOBAL_STATUS WHERE VARIABLE_NAME = 'INNODB_DEADLOCKS'"),
                           deadlocks)


if __name__ == "__main__":
    unittest.main()
