"""The page workers' pool of threads: it grows while requests queue and
shrinks back once they are done, without a request failing (pool.c)."""
import re
import subprocess
import threading
import time
import unittest

import harness


def metric(text, name):
    m = re.search(r"^%s ([0-9.e+-]+)$" % re.escape(name), text, re.M)
    return float(m.group(1)) if m else None


class ThreadPool(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.stack = harness.Stack(NESTEGG_THREADS_MIN="2", NESTEGG_THREADS_MAX="12",
                                  NESTEGG_THREADS_IDLE="2")
        del cls.stack.env["NESTEGG_THREADS"]      # the harness's fixed size
        cls.stack.start()

    @classmethod
    def tearDownClass(cls):
        cls.stack.cleanup()

    def metrics(self):
        r = self.stack.client().get("/metrics")
        self.assertEqual(r.status, 200)
        return r.text

    def test_grows_under_queueing_and_shrinks_when_idle(self):
        user = self.stack.client()
        self.assertEqual(user.register(harness.unique_email("pool")).status, 303)
        self.assertEqual(user.get("/").status, 200)
        m = self.metrics()
        self.assertEqual(metric(m, "nestegg_web_threads"), 4)      # 2 workers x 2
        self.assertEqual(metric(m, "nestegg_web_threads_max"), 24)
        grown0 = metric(m, "nestegg_web_threads_grown_total")

        # Slow requests: every signed-in page reads its session, and the
        # sessions table stays locked for two seconds.
        lock = subprocess.Popen(
            ["mariadb", "--defaults-file=" + self.stack.path("etc", "my.cnf"),
             "-u", "root", "nestegg", "-e",
             "LOCK TABLES sessions WRITE; SELECT SLEEP(2); UNLOCK TABLES;"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 10
        while not self.stack.sql("SELECT COUNT(*) FROM information_schema.processlist "
                                 "WHERE info LIKE 'SELECT SLEEP(2)%'")[0][0] == "1":
            self.assertLess(time.monotonic(), deadline, "the lock was not taken")
            time.sleep(0.05)

        statuses = []

        def dashboard():
            c = self.stack.client()
            c.cookies = dict(user.cookies)
            statuses.append(c.get("/").status)
        burst = [threading.Thread(target=dashboard) for _ in range(16)]
        for t in burst:
            t.start()
        time.sleep(0.8)
        during = self.metrics()
        for t in burst:
            t.join(30)
        self.assertEqual(lock.wait(30), 0, lock.stderr.read())
        self.assertEqual(statuses, [200] * 16)

        # Sixteen requests waited on four threads: the pools grew.
        self.assertGreater(metric(during, "nestegg_web_threads"), 4, during)
        self.assertLessEqual(metric(during, "nestegg_web_threads"), 24)
        self.assertGreaterEqual(metric(during, "nestegg_web_threads_busy"), 8, during)
        self.assertGreater(metric(during, "nestegg_web_threads_grown_total"), grown0)
        self.assertGreater(metric(during, "nestegg_web_queue_seconds_total"), 0)

        # Two seconds after, the threads no longer needed end, though
        # requests one at a time keep coming (the kernel hands them to
        # every waiting thread in turn: none of them stays idle).
        done = threading.Event()
        light = []

        def trickle():
            c = self.stack.client()
            while not done.is_set():
                light.append(c.get("/").status)     # to sign in
                time.sleep(0.02)
        trickler = threading.Thread(target=trickle)
        trickler.start()
        try:
            deadline = time.monotonic() + 15
            while True:
                after = self.metrics()
                if metric(after, "nestegg_web_threads") == 4:
                    break
                self.assertLess(time.monotonic(), deadline, after)
                time.sleep(0.25)
        finally:
            done.set()
            trickler.join(30)
        self.assertGreater(len(light), 40)
        self.assertEqual(set(light), {303})
        grown = metric(after, "nestegg_web_threads_grown_total")
        self.assertEqual(metric(after, "nestegg_web_threads_retired_total"), grown)
        self.assertLessEqual(metric(after, "nestegg_web_threads_busy"), 2)
        # The threads that stay still serve.
        self.assertEqual(user.get("/").status, 200)
        with open(self.stack.path("log", "web.log")) as f:
            log = f.read()
        self.assertIn("2 to 12 threads on", log)
        self.assertNotIn("error", log.lower().replace("db_errors", ""))


if __name__ == "__main__":
    unittest.main()
