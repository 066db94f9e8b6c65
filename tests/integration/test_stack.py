"""The stack as a whole: its own stacks, started and stopped here."""
import grp
import os
import signal
import subprocess
import time
import unittest

import harness


def process_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is gone for our purposes.
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().split()[2] != "Z"
    except OSError:
        return False


def eventually(probe, seconds, ok=bool, pause=0.05):
    """Calls probe() until ok() holds for its answer or seconds pass;
    returns the last answer."""
    deadline = time.monotonic() + seconds
    while True:
        answer = probe()
        if ok(answer) or time.monotonic() >= deadline:
            return answer
        time.sleep(pause)


class OwnStack(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.stack = harness.Stack(NESTEGG_WORKERS="1", NESTEGG_THREADS="4")
        cls.stack.start()

    @classmethod
    def tearDownClass(cls):
        cls.stack.cleanup()

    def test_1_web_account_cannot_change_schema(self):
        pw = self.stack.config("db_password")
        self.assertTrue(pw)
        rows = self.stack.sql("SELECT COUNT(*) FROM users", user="nestegg_web", password=pw)
        self.assertEqual(len(rows), 1)
        for ddl in ("CREATE TABLE x (a INT)", "DROP TABLE sessions",
                    "ALTER TABLE users ADD COLUMN x INT", "GRANT ALL ON *.* TO nestegg_web"):
            with self.assertRaises(RuntimeError, msg=ddl):
                self.stack.sql(ddl, user="nestegg_web", password=pw)
        mode = os.stat(self.stack.path("etc", "nestegg.conf")).st_mode & 0o777
        self.assertEqual(mode, 0o600)

    def test_1_mariadb_has_no_tcp_listener(self):
        rows = self.stack.sql("SELECT @@skip_networking, @@socket")
        self.assertEqual(rows[0][0], "1")
        self.assertEqual(rows[0][1], self.stack.path("run", "mariadb.sock"))

    def test_2_recovers_after_mariadb_restart(self):
        c = self.stack.client()
        email = harness.unique_email("restart")
        self.assertEqual(c.register(email).status, 303)
        self.assertEqual(c.get("/").status, 200)
        workers = self.stack.pid("web-1")
        db = self.stack.pid("mariadb")
        os.kill(db, signal.SIGTERM)
        eventually(lambda: not process_alive(db), 60, pause=0.1)
        self.assertFalse(process_alive(db))
        try:
            # The dashboard may come from the worker's cache for a few
            # seconds; the instruments list always needs the database.
            r = c.get("/instruments")
            self.assertEqual(r.status, 503)
            self.assertEqual(harness.validate_html(r.text), "")
            self.assertIn("briefly unavailable", harness.page_text(r.text))
        finally:
            self.stack.start()
        self.assertNotEqual(self.stack.pid("mariadb"), db)
        self.assertEqual(self.stack.pid("web-1"), workers)   # workers not restarted
        # Every thread of the worker reconnects by itself.
        for _ in range(12):
            r = c.get("/instruments")
            self.assertEqual(r.status, 200)
            self.assertIn(email, r.text)

    def test_3_second_start_keeps_data_and_stop_leaves_nothing(self):
        c = self.stack.client()
        email = harness.unique_email("keep")
        self.assertEqual(c.register(email).status, 303)
        pids = {k: v for k, v in self.stack.pids().items() if v}
        self.assertIn("mariadb", pids)
        self.assertIn("nginx", pids)
        self.assertIn("web-1", pids)
        r = self.stack.stop()
        self.assertEqual(r.returncode, 0, r.stderr)
        for name, pid in pids.items():
            self.assertFalse(process_alive(pid), name)
        self.assertEqual(self.stack.pids(), {})
        with open(self.stack.path("log", "web.log")) as f:
            self.assertIn("stopped", f.read())     # clean exit on SIGTERM
        self.stack.start()
        self.assertEqual(self.stack.client().login(email).status, 303)


    def test_4_serves_under_spawn_fcgi_and_multiwatch(self):
        # The page worker as the README's spawn-fcgi and multiwatch
        # lines run it: FastCGI on the socket spawn-fcgi hands it as fd 0,
        # started again by multiwatch when it is killed.
        stack, c = self.stack, self.stack.client()
        email = harness.unique_email("multiwatch")
        self.assertEqual(c.register(email).status, 303)
        sup, worker = stack.pid("web-1"), stack.pid("web-1.worker")
        os.kill(sup, signal.SIGTERM)      # the worker removes its socket
        eventually(lambda: not process_alive(sup) and not process_alive(worker), 10)
        self.assertFalse(process_alive(worker))
        sock = stack.path("run", "web-1.sock")
        # nginx's workers reach the socket through the run directory's
        # group, as the README's -U gives it to www-data.
        group = grp.getgrgid(os.stat(stack.path("run")).st_gid).gr_name
        watch = subprocess.Popen(
            ["spawn-fcgi", "-s", sock, "-G", group, "-M", "0660", "-n", "--",
             "/usr/bin/multiwatch", "-f", "1", "-s", "TERM", "--",
             os.path.join(harness.BUILD, "nestegg-web")],
            env=stack.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

        def child():
            try:
                with open("/proc/%d/task/%d/children" % (watch.pid, watch.pid)) as f:
                    kids = f.read().split()
            except OSError:
                return None
            return int(kids[0]) if kids else None

        def answers():
            return eventually(lambda: c.get("/instruments"), 10,
                              ok=lambda r: r.status == 200, pause=0.1)
        try:
            r = answers()
            self.assertEqual(r.status, 200)
            self.assertIn(email, r.text)
            first = child()
            self.assertTrue(first)
            os.kill(first, signal.SIGKILL)
            second = eventually(child, 5, ok=lambda pid: pid not in (None, first))
            self.assertNotIn(second, (None, first))
            r = answers()
            self.assertEqual(r.status, 200)
            self.assertIn(email, r.text)
        finally:
            watch.terminate()
            watch.wait(timeout=30)
            stack.start()
        self.assertEqual(c.get("/instruments").status, 200)


class SideBySide(unittest.TestCase):
    def test_two_stacks_run_side_by_side(self):
        a = harness.Stack(NESTEGG_WORKERS="1", NESTEGG_THREADS="2")
        b = harness.Stack(NESTEGG_WORKERS="1", NESTEGG_THREADS="2")
        try:
            a.start()
            b.start()
            email = harness.unique_email("side")
            self.assertEqual(a.client().register(email).status, 303)
            self.assertEqual(b.client().login(email).status, 422)
            self.assertEqual(b.client().register(email).status, 303)
            a.stop()
            self.assertEqual(b.client().login(email).status, 303)
        finally:
            a.cleanup()
            b.cleanup()


class RunInTerminal(unittest.TestCase):
    def test_ctrl_c_stops_its_stack_and_no_other(self):
        import pty
        import select
        other = harness.Stack(NESTEGG_WORKERS="1", NESTEGG_THREADS="2")
        mine = harness.Stack(NESTEGG_WORKERS="1", NESTEGG_THREADS="2")
        try:
            other.start()
            pid, fd = pty.fork()
            if pid == 0:
                signal.signal(signal.SIGINT, signal.SIG_DFL)
                os.execve(os.path.join(harness.ROOT, "scripts", "stack.sh"),
                          ["stack.sh", "run"], mine.env)
            out = b""
            deadline = time.time() + 120
            while b"press Ctrl-C" not in out and time.time() < deadline:
                if select.select([fd], [], [], 0.5)[0]:
                    out += os.read(fd, 4096)
            self.assertIn(b"running at https://127.0.0.1:%d/" % mine.https_port, out)
            # A new stack shows its demo account next to the address.
            self.assertRegex(out, rb"demo account: demo@nestegg\.example  password: [0-9a-f]{20}")
            pids = {k: v for k, v in mine.pids().items() if v}
            # mariadb, web-1 and live (each a supervisor and its
            # worker), nginx, schedule
            self.assertEqual(sorted(pids), ["live", "live.worker", "mariadb", "nginx",
                                            "schedule", "web-1", "web-1.worker"])
            os.write(fd, b"\x03")                   # Ctrl-C at the terminal
            deadline = time.time() + 90
            while time.time() < deadline:
                done, status = os.waitpid(pid, os.WNOHANG)
                if done:
                    break
                if select.select([fd], [], [], 0.5)[0]:
                    try:
                        out += os.read(fd, 4096)
                    except OSError:
                        pass
            for name, p in pids.items():
                self.assertFalse(process_alive(p), name)
            self.assertIn(b"stopped MariaDB", out)
            self.assertEqual(other.client().get("/login").status, 200)
            self.assertTrue(all(process_alive(p) for p in other.pids().values() if p))
        finally:
            mine.cleanup()
            other.cleanup()
