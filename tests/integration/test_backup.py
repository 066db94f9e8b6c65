"""Backups: nestegg backup while the site serves, a wipe, nestegg restore,
and the same data, table by table; rotation by count; the durable
MariaDB settings."""
import concurrent.futures
import glob
import os
import subprocess
import time
import unittest

import harness
from pf_helpers import User, instrument


def checksums(stack):
    tables = [r[0] for r in stack.sql("SHOW TABLES")]
    rows = stack.sql("CHECKSUM TABLE %s EXTENDED" % ", ".join(tables))
    return {name: value for name, value in rows}


class Backup(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.stack = harness.Stack(NESTEGG_WORKERS="1", NESTEGG_THREADS="4")
        cls.stack.start()

    @classmethod
    def tearDownClass(cls):
        cls.stack.cleanup()

    def test_backup_wipe_restore_gives_the_same_data(self):
        stack = self.stack
        u = User(stack, "backup")
        sym = instrument(u, source="manual")
        pid = u.portfolio("Kept", "USD")
        lines = ["date,type,symbol,quantity,price,amount"]
        for k in range(3000):
            lines.append("20%02d-%02d-%02d,buy,%s,%d,%d.25," % (
                10 + k // 300, 1 + k % 12, 1 + k % 28, sym, 1 + k % 7, 10 + k % 90))
        r = u.import_csv(pid, "\n".join(lines) + "\n")
        self.assertEqual(r.status, 200, r.body[:500])
        self.assertEqual(u.api("GET", "/api/v1/portfolios/%d/performance" % pid).status, 200)
        # Two readers, signed in beforehand: what they read changes
        # nothing (a session is marked used at most once a minute).
        readers = [User(stack, "during") for _ in range(2)]
        for c in readers:
            c.c.get("/portfolios")
        before = checksums(stack)
        self.assertGreater(int(before["nestegg.transactions"]), 0)

        # The site answers every request while the backup runs.
        statuses = []
        stop = time.time() + 60

        def browse(c):
            while time.time() < stop and not done:
                statuses.append(c.c.get("/").status)
        done = False
        with concurrent.futures.ThreadPoolExecutor(2) as ex:
            jobs = [ex.submit(browse, c) for c in readers]
            time.sleep(0.5)
            r = stack.cli("backup")
            done = True
            for j in jobs:
                j.result()
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(statuses)
        self.assertEqual(set(statuses), {200})
        files = glob.glob(stack.path("backups", "nestegg-*.sql.gz"))
        self.assertEqual(len(files), 1)
        self.assertIn(files[0], r.stdout)
        self.assertEqual(glob.glob(stack.path("backups", "*.part")), [])
        # The dump notes where the binary log stood.
        out = subprocess.run(["zcat", files[0]], capture_output=True, timeout=60).stdout
        self.assertIn(b"CHANGE MASTER TO MASTER_LOG_FILE=", out)
        self.assertIn(b"-- Dump completed", out)

        # Wipe, then restore: the same data, table by table.
        stack.sql("DROP DATABASE nestegg")
        r = stack.cli("restore", files[0])
        self.assertNotEqual(r.returncode, 0)            # without --yes
        r = stack.cli("restore", files[0], "--yes")
        self.assertEqual(r.returncode, 0, r.stderr)
        after = checksums(stack)
        self.assertEqual({k for k in before if before[k] != after.get(k)}, set())
        # And the site works on it, sessions included.
        self.assertEqual(u.c.get("/portfolios/%d" % pid).status, 200)

    def test_rotation_keeps_the_newest(self):
        stack = self.stack
        d = stack.path("backups")
        os.makedirs(d, exist_ok=True)
        for name in ("nestegg-20200101T000000Z.sql.gz", "nestegg-20200102T000000Z.sql.gz"):
            with open(os.path.join(d, name), "wb") as f:
                f.write(b"old")
            os.utime(os.path.join(d, name), (time.time() - 90 * 86400,) * 2)
        r = stack.cli("backup", "--quiet")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, "")
        names = sorted(os.listdir(d))
        # Older than backup_days (30): gone; today's stays.
        self.assertNotIn("nestegg-20200101T000000Z.sql.gz", names)
        self.assertNotIn("nestegg-20200102T000000Z.sql.gz", names)
        self.assertTrue(names)

    def test_durable_settings(self):
        rows = dict(self.stack.sql("SELECT 'flush', @@innodb_flush_log_at_trx_commit UNION ALL "
                                   "SELECT 'sync', @@sync_binlog UNION ALL "
                                   "SELECT 'binlog', @@log_bin UNION ALL "
                                   "SELECT 'format', @@binlog_format"))
        self.assertEqual(rows, {"flush": "1", "sync": "1", "binlog": "1", "format": "ROW"})


if __name__ == "__main__":
    unittest.main()
