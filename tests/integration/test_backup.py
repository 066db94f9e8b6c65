"""Backups: nestegg backup while the site serves, a wipe, nestegg restore,
and the same data, table by table; rotation by count; the durable
MariaDB settings; a list of database nodes (db_nodes), of which the
backup and the restore take one that serves."""
import concurrent.futures
import glob
import os
import socket
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

    def test_backup_and_restore_with_database_nodes(self):
        # db_nodes with a node that refuses and one that never answers
        # (it accepts connections and says nothing): the backup is taken
        # from the node that serves, says which, and restores.
        stack = self.stack
        sock = stack.path("run", "mariadb.sock")
        silent = socket.socket()
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        self.addCleanup(silent.close)

        def cli(nodes, *args):
            env = dict(stack.env, NESTEGG_DB_NODES=nodes,
                       NESTEGG_BACKUP_DIR=stack.path("backups-nodes"))
            return subprocess.run([os.path.join(harness.BUILD, "nestegg")] + list(args),
                                  env=env, capture_output=True, text=True, timeout=60)

        u = User(stack, "nodes")
        pid = u.portfolio("Noded", "USD")
        before = checksums(stack)
        nodes = "%s, 127.0.0.1:1, 127.0.0.1:%d" % (sock, silent.getsockname()[1])
        r = cli(nodes, "backup")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("from %s " % sock, r.stdout)
        new = glob.glob(stack.path("backups-nodes", "nestegg-*.sql.gz"))
        self.assertEqual(len(new), 1)
        new = new[0]
        out = subprocess.run(["zcat", new], capture_output=True, timeout=60).stdout
        # The dump's own first line stays first; the note of where it
        # came from is at its end, after the dump completed.
        self.assertNotIn(b"nestegg backup", out.split(b"\n", 1)[0])
        tail = out[out.index(b"-- Dump completed"):]
        self.assertIn(("-- nestegg backup from database node %s (a plain server)" % sock)
                      .encode(), tail)
        self.assertNotIn(b"Galera position", out)
        self.assertIn(b"CHANGE MASTER TO MASTER_LOG_FILE=", out)

        # The refusing node first: the restore goes to the one that serves.
        stack.sql("DELETE FROM portfolios WHERE id = %d" % pid)
        r = cli("127.0.0.1:1, %s" % sock, "restore", new, "--yes")
        self.assertEqual(r.returncode, 0, r.stderr)
        after = checksums(stack)
        self.assertEqual({k for k in before if before[k] != after.get(k)}, set())

        # No node serves: no backup, nothing left behind.
        r = cli("127.0.0.1:1, [::1]:1", "backup")
        self.assertNotEqual(r.returncode, 0)
        self.assertEqual(glob.glob(stack.path("backups-nodes", "*")), [new])
        r = cli("127.0.0.1:1", "restore", new, "--yes")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("no database node serves", r.stderr)

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
