"""Idempotent writes: a request sent again with the same key (the API's
Idempotency-Key header, a form's idem field) answers as the first did and
writes nothing again; a key is the user's own, kept a day, and refused
with another request."""
import json
import concurrent.futures
import subprocess
import time
import re
import unittest

import harness
from pf_helpers import User, count, instrument


class Idempotency(unittest.TestCase):
    def setUp(self):
        self.stack = harness.shared
        self.u = User(self.stack, "idem")
        self.sym = instrument(self.u, source="manual")
        self.pid = self.u.portfolio("Idem", "USD")

    def txs(self, pid=None):
        return count(self.stack, "SELECT COUNT(*) FROM transactions WHERE portfolio_id = %d"
                     % (pid or self.pid))

    def post(self, body, key, user=None, pid=None):
        u = user or self.u
        headers = {"X-CSRF-Token": u.c.csrf, "Content-Type": "text/csv"}
        if key is not None:
            headers["Idempotency-Key"] = key
        return u.c.request("POST", "/api/v1/portfolios/%d/import" % (pid or self.pid),
                           body=body, headers=headers)

    def test_an_api_write_sent_again_is_recorded_once(self):
        buy = "date,type,symbol,quantity,price\n2024-01-02,buy,%s,10,100\n" % self.sym
        first = self.post(buy, "buy-1")
        self.assertEqual(first.status, 200, first.body)
        self.assertIsNone(first.header("idempotent-replayed"))
        again = self.post(buy, "buy-1")
        self.assertEqual(again.status, 200)
        self.assertEqual(again.body, first.body)
        self.assertEqual(again.header("idempotent-replayed"), "true")
        self.assertEqual(self.txs(), 1)
        # With a new key, or without one, it is a new request.
        self.assertEqual(self.post(buy.replace("01-02", "01-05"), "buy-2").status, 200)
        self.assertEqual(self.post(buy, None).status, 409)      # duplicates: ask
        self.assertEqual(self.txs(), 2)
        # The key sent with another request is refused, nothing written.
        other = self.post(buy.replace(",10,", ",11,"), "buy-1")
        self.assertEqual(other.status, 422)
        self.assertIn("another request", other.body.decode())
        self.assertEqual(self.txs(), 2)
        # Another user's key of the same name is theirs.
        v = User(self.stack, "idem-other")
        vsym = instrument(v, source="manual")
        vpid = v.portfolio("Theirs", "USD")
        r = self.post(buy.replace(self.sym, vsym), "buy-1", user=v, pid=vpid)
        self.assertEqual(r.status, 200, r.body)
        self.assertIsNone(r.header("idempotent-replayed"))
        # A day later the key is free again.
        self.stack.sql("UPDATE idempotency_keys SET created_at = NOW() - INTERVAL 25 HOUR")
        r = self.post(buy, "buy-1")
        self.assertIsNone(r.header("idempotent-replayed"))
        self.assertEqual(self.txs(), 2)          # answered: duplicates, choose

    def test_a_refused_write_is_refused_again_the_same_way(self):
        bad = "date,type,symbol,quantity,price\n2024-01-02,sell,%s,10,100\n" % self.sym
        first = self.post(bad, "sell-1")
        self.assertEqual(first.status, 422, first.body)
        again = self.post(bad, "sell-1")
        self.assertEqual((again.status, again.body), (first.status, first.body))
        self.assertEqual(again.header("idempotent-replayed"), "true")
        self.assertEqual(self.txs(), 0)

    def test_sent_at_once_it_is_carried_out_once(self):
        buy = "date,type,symbol,quantity,price\n2024-01-03,buy,%s,1,100\n" % self.sym

        def send(_):
            c = self.stack.client()
            c.cookies.update(self.u.c.cookies)
            headers = {"X-CSRF-Token": self.u.c.csrf, "Content-Type": "text/csv",
                       "Idempotency-Key": "together"}
            r = c.request("POST", "/api/v1/portfolios/%d/import" % self.pid, body=buy,
                          headers=headers)
            return r.status, r.header("idempotent-replayed")

        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(send, range(8)))
        self.assertEqual(self.txs(), 1, answers)
        fresh = [a for a in answers if a == (200, None)]
        self.assertEqual(len(fresh), 1, answers)
        # The others: the same answer again, or "being answered" (409).
        self.assertTrue(all(a in ((200, None), (200, "true"), (409, None)) for a in answers),
                        answers)

    def test_a_write_committed_whose_answer_was_lost_is_not_written_again(self):
        buy = "date,type,symbol,quantity,price\n2024-01-04,buy,%s,1,100\n" % self.sym
        self.assertEqual(self.post(buy, "lost").status, 200)
        # As when the connection broke after the commit: the key says
        # committed (in the writes' own transaction), no answer kept.
        self.stack.sql("UPDATE idempotency_keys SET state = 1, status = 0, body = NULL "
                       "WHERE digest = UNHEX(SHA2('lost', 256))")
        r = self.post(buy, "lost")
        # Carried out: a success, with no details of the first answer.
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.header("idempotent-replayed"), "true")
        self.assertEqual(json.loads(r.body), {"replayed": True, "carried_out": True,
                                              "answer_lost": True})
        self.assertEqual(self.txs(), 1)

    def claim(self, key, conn_id):
        """A claim on key, as a request being answered on connection
        conn_id holds it (idempotency_claims)."""
        self.stack.sql(
            "INSERT INTO idempotency_claims (user_id, digest, request, conn_id, created_at) "
            "SELECT id, UNHEX(SHA2('%s', 256)), UNHEX(SHA2('?', 256)), %s, NOW() "
            "FROM users WHERE email = '%s'" % (key, conn_id, self.u.email))

    def test_a_key_whose_answerer_died_is_taken_over_at_once(self):
        buy = "date,type,symbol,quantity,price\n2024-01-05,buy,%s,1,101\n" % self.sym
        # As when the process answering it died before its commit: the
        # key is claimed by a connection that is gone.
        self.claim("died", 4000000000)
        r = self.post(buy, "died")
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(self.txs(), 1)
        self.assertEqual(self.post(buy, "died").header("idempotent-replayed"), "true")
        # One whose connection is still there is being answered: 409.
        self.claim("busy", "(SELECT MIN(ID) FROM information_schema.PROCESSLIST "
                   "WHERE USER = 'nestegg_web')")
        r = self.post(buy, "busy")
        self.assertEqual(r.status, 409)
        self.assertEqual(r.header("retry-after"), "1")
        self.assertEqual(self.txs(), 1)

    def test_a_form_sent_twice_records_one_transaction(self):
        page = self.u.c.get("/portfolios/%d/transactions/new" % self.pid)
        key = re.search(r'name="idem" value="([^"]+)"', page.text).group(1)
        fields = {"date": "2024-02-01", "type": "buy", "symbol": self.sym,
                  "quantity": "3", "price": "50", "idem": key}
        first = self.u.c.post("/portfolios/%d/transactions/new" % self.pid, fields)
        self.assertEqual(first.status, 303)
        again = self.u.c.post("/portfolios/%d/transactions/new" % self.pid, fields)
        self.assertEqual(again.status, 303)
        self.assertEqual(again.header("location"), first.header("location"))
        self.assertEqual(self.txs(), 1)
        # The next page's form has a key of its own.
        page = self.u.c.get("/portfolios/%d/transactions/new" % self.pid)
        self.assertNotIn(key, page.text)


class NodeLost(unittest.TestCase):
    """A request whose database connection is lost mid-way (its node
    died) is carried out again at once on the next connection when that
    is safe: a read, or a write under an idempotency key (recorded
    once); a write without a key answers 503 with Retry-After.  Only
    where there is another node: db_nodes names the stack's server
    twice, as it would two nodes."""

    @classmethod
    def setUpClass(cls):
        cls.stack = harness.Stack(NESTEGG_WORKERS="1", NESTEGG_THREADS="4")
        sock = cls.stack.path("run", "mariadb.sock")
        cls.stack.env["NESTEGG_DB_NODES"] = "%s, %s" % (sock, sock)
        try:
            cls.stack.start()
        except Exception:
            cls.stack.cleanup()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.stack.cleanup()

    def setUp(self):
        self.u = User(self.stack, "nodelost")
        self.sym = instrument(self.u, source="manual")
        self.pid = self.u.portfolio("Lost", "USD")

    def lost_during(self, table, send):
        """Runs send() while `table` is locked, kills the web account's
        connection that waits for it, then lets the lock go."""
        lock = subprocess.Popen(
            ["mariadb", "--defaults-file=" + self.stack.path("etc", "my.cnf"), "-u", "root",
             "nestegg", "-e", "LOCK TABLES %s WRITE; SELECT SLEEP(3); UNLOCK TABLES;" % table],
            stdout=subprocess.DEVNULL)
        time.sleep(0.5)
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            answer = pool.submit(send)
            killed = 0
            for _ in range(40):
                rows = self.stack.sql(
                    "SELECT ID FROM information_schema.PROCESSLIST WHERE USER = "
                    "'nestegg_web' AND STATE LIKE 'Waiting for table%'")
                for (cid,) in rows:
                    self.stack.sql("KILL CONNECTION %s" % cid)
                    killed += 1
                if killed:
                    break
                time.sleep(0.05)
            lock.wait(10)
            self.assertGreater(killed, 0, "no request waited for the lock")
            return answer.result(20)

    def txs(self):
        return count(self.stack, "SELECT COUNT(*) FROM transactions WHERE portfolio_id = %d"
                     % self.pid)

    def test_a_read_is_answered_on_the_next_connection(self):
        r = self.lost_during("portfolios", lambda: self.u.api(
            "GET", "/api/v1/portfolios/%d" % self.pid))
        self.assertEqual(r.status, 200, r.body)

    def test_a_keyed_write_is_carried_out_once_on_the_next_connection(self):
        buy = "date,type,symbol,quantity,price\n2024-01-06,buy,%s,1,102\n" % self.sym
        r = self.lost_during("transactions", lambda: self.u.c.request(
            "POST", "/api/v1/portfolios/%d/import" % self.pid, body=buy, headers={
                "X-CSRF-Token": self.u.c.csrf, "Content-Type": "text/csv",
                "Idempotency-Key": "lost-node"}))
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(self.txs(), 1)

    def test_a_write_without_a_key_is_not_carried_out_again(self):
        buy = "date,type,symbol,quantity,price\n2024-01-07,buy,%s,1,103\n" % self.sym
        r = self.lost_during("transactions", lambda: self.u.c.request(
            "POST", "/api/v1/portfolios/%d/import" % self.pid, body=buy, headers={
                "X-CSRF-Token": self.u.c.csrf, "Content-Type": "text/csv"}))
        self.assertEqual(r.status, 503, r.body)
        self.assertEqual(r.header("retry-after"), "1")
        self.assertEqual(self.txs(), 0)
