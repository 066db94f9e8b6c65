"""Sign-in throttling per account and address pair, per address and per
account (a ceiling that slows, never locks), and nginx's limit."""
import concurrent.futures
import unittest

import harness

GOOD_PW = "correct horse battery"


class Throttle(unittest.TestCase):
    def setUp(self):
        self.stack = harness.shared
        self.email = harness.unique_email("throttle")
        self.assertEqual(self.stack.client().register(self.email).status, 303)

    def fail_times(self, client, n, email=None):
        client.get("/login")
        for _ in range(n):
            r = client.post("/login", {"email": email or self.email,
                                       "password": "wrong password"})
            self.assertEqual(r.status, 422)

    def test_five_failures_then_that_address_waits(self):
        c = self.stack.client()
        self.fail_times(c, 5)
        r = c.post("/login", {"email": self.email, "password": GOOD_PW})
        self.assertEqual(r.status, 429)
        self.assertIn("Try again in", harness.page_text(r.text))
        self.assertGreater(int(r.header("retry-after")), 0)
        self.assertNotIn("__Host-sid", c.cookies)
        # The owner, from another address, is not locked out.
        other = self.stack.client()
        self.assertEqual(other.login(self.email).status, 303)

    def test_guesses_from_many_addresses_do_not_lock_the_owner_out(self):
        # Five wrong passwords from each of five addresses: each of
        # those addresses waits, the owner from a sixth does not.
        clients = [self.stack.client() for _ in range(5)]
        for c in clients:
            self.fail_times(c, 5)
            self.assertEqual(c.post("/login", {"email": self.email,
                                               "password": GOOD_PW}).status, 429)
        self.assertEqual(self.stack.client().login(self.email).status, 303)

    def test_the_accounts_ceiling_slows_without_locking(self):
        # Past the ceiling of failures from every address together, an
        # attempt waits a minute at most, then goes ahead.
        ceiling = int(self.stack.config("login_account_failures") or 100)
        self.stack.sql("INSERT INTO login_failures (kind, subject, failures, "
                       "last_failure_at) VALUES ('account', '%s', %d, NOW())"
                       % (self.email, ceiling + 20))
        c = self.stack.client()
        r = c.login(self.email)
        self.assertEqual(r.status, 429)
        self.assertLessEqual(int(r.header("retry-after")), 60)
        self.stack.sql("UPDATE login_failures SET last_failure_at = NOW() - INTERVAL 61 "
                       "SECOND WHERE subject = '%s'" % self.email)
        self.assertEqual(c.login(self.email).status, 303)

    def test_four_failures_still_allowed(self):
        c = self.stack.client()
        self.fail_times(c, 4)
        self.assertEqual(c.post("/login", {"email": self.email,
                                           "password": GOOD_PW}).status, 303)

    def test_success_resets_account_count(self):
        c = self.stack.client()
        self.fail_times(c, 4)
        self.assertEqual(c.post("/login", {"email": self.email,
                                           "password": GOOD_PW}).status, 303)
        c2 = self.stack.client()
        self.fail_times(c2, 4)
        self.assertEqual(c2.post("/login", {"email": self.email,
                                            "password": GOOD_PW}).status, 303)

    def test_delay_grows(self):
        c = self.stack.client()
        self.fail_times(c, 5)
        first = int(c.post("/login", {"email": self.email, "password": GOOD_PW})
                    .header("retry-after"))
        # Let the wait pass by ageing the failure, then fail once more.
        self.stack.sql("UPDATE login_failures SET last_failure_at = NOW() - "
                       "INTERVAL 1 HOUR WHERE subject IN ('%s', '%s', '%s %s')"
                       % (self.email, c.address, c.address, self.email))
        r = c.post("/login", {"email": self.email, "password": "wrong password"})
        self.assertEqual(r.status, 422)
        second = int(c.post("/login", {"email": self.email, "password": GOOD_PW})
                     .header("retry-after"))
        self.assertGreater(second, first)

    def test_per_address(self):
        c = self.stack.client()
        for i in range(5):
            self.fail_times(c, 1, email="nobody%d-%s" % (i, self.email))
        r = c.post("/login", {"email": self.email, "password": GOOD_PW})
        self.assertEqual(r.status, 429)
        # The account itself is fine from elsewhere.
        self.assertEqual(self.stack.client().login(self.email).status, 303)

    def test_parallel_guesses_are_counted_one_by_one(self):
        address = self.stack.client().address

        def guess(_):
            c = harness.Client(self.stack, address=address)
            c.get("/login")
            return c.post("/login", {"email": self.email,
                                     "password": "wrong password"}).status

        with concurrent.futures.ThreadPoolExecutor(12) as ex:
            statuses = list(ex.map(guess, range(12)))
        # Exactly the free allowance is checked; the rest must wait.
        self.assertEqual(statuses.count(422), 5, statuses)
        self.assertEqual(statuses.count(429), 7, statuses)

    def test_nginx_limits_bursts_on_login(self):
        c = self.stack.client()
        statuses = []

        def hit(_):
            cl = harness.Client(self.stack, address=c.address)
            return cl.get("/login").status

        with concurrent.futures.ThreadPoolExecutor(8) as ex:
            statuses = list(ex.map(hit, range(60)))
        self.assertIn(429, statuses)
        self.assertIn(200, statuses)
        self.assertEqual(set(statuses), {200, 429})
