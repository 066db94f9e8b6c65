"""The database nodes (db_nodes) in /healthz, /metrics and nestegg status:
on a stack whose list holds its own server, a node that refuses and a
node that accepts connections and never answers (a stopped server, an
unreachable host), each node is reported, the page stays prompt, and
the stack is healthy but degraded; with no node serving, /healthz says
so at once."""
import json
import os
import re
import signal
import socket
import subprocess
import time
import unittest

import harness


class DatabaseNodes(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.silent = socket.socket()
        cls.silent.bind(("127.0.0.1", 0))
        cls.silent.listen(1)
        cls.stack = harness.Stack(NESTEGG_WORKERS="1", NESTEGG_THREADS="4")
        cls.sock = cls.stack.path("run", "mariadb.sock")
        cls.refusing = "127.0.0.1:1"
        cls.hung = "127.0.0.1:%d" % cls.silent.getsockname()[1]
        cls.stack.env["NESTEGG_DB_NODES"] = "%s, %s, %s" % (cls.sock, cls.refusing, cls.hung)
        try:
            cls.stack.start()
        except Exception:
            cls.stack.cleanup()
            cls.silent.close()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.stack.cleanup()
        cls.silent.close()

    def healthz(self):
        t0 = time.time()
        r = self.stack.client().get("/healthz")
        return r, time.time() - t0

    def test_healthz_reports_each_node(self):
        time.sleep(1.1)                 # past the reading kept for a second
        r, took = self.healthz()
        self.assertEqual(r.status, 200, r.body)
        self.assertLess(took, 2.5)
        h = json.loads(r.body)
        self.assertEqual(h["status"], "degraded")
        self.assertTrue(h["database"])
        db = h["database_nodes"]
        self.assertEqual(db["status"], "degraded")
        self.assertEqual((db["nodes_listed"], db["nodes_serving"]), (3, 1))
        nodes = {n["node"]: n for n in db["nodes"]}
        self.assertEqual(list(nodes), [self.sock, self.refusing, self.hung])
        me = nodes[self.sock]
        self.assertEqual((me["up"], me["serving"], me["galera"]), (True, True, False))
        self.assertNotIn("local_state", me)     # a plain server
        for name in (self.refusing, self.hung):
            self.assertEqual((nodes[name]["up"], nodes[name]["serving"]), (False, False))
            self.assertTrue(nodes[name]["error"])
        # The one that never answers was given up on within a second or so.
        self.assertLessEqual(nodes[self.hung]["probe_ms"], 1300)

    def test_metrics_report_each_node(self):
        r = self.stack.client().get("/metrics")
        self.assertEqual(r.status, 200)
        text = r.text

        def value(name, node=None):
            label = '{node="%s"}' % node if node else ""
            m = re.search(r"(?m)^%s%s (\S+)$" % (re.escape(name), re.escape(label)), text)
            self.assertIsNotNone(m, "%s%s in\n%s" % (name, label, text[-3000:]))
            return float(m.group(1))

        self.assertEqual(value("nestegg_db_nodes"), 3)
        self.assertEqual(value("nestegg_db_nodes_serving"), 1)
        self.assertEqual(value("nestegg_db_node_up", self.sock), 1)
        self.assertEqual(value("nestegg_db_node_serving", self.sock), 1)
        self.assertEqual(value("nestegg_db_node_up", self.refusing), 0)
        self.assertEqual(value("nestegg_db_node_up", self.hung), 0)
        self.assertLess(value("nestegg_db_node_probe_seconds", self.hung), 1.3)
        # No Galera series for a plain server or a node down; their
        # families are still declared.
        self.assertNotRegex(text, r"(?m)^nestegg_galera_\w+\{")
        self.assertIn("# TYPE nestegg_galera_local_state gauge", text)
        self.assertIn("# TYPE nestegg_galera_flow_control_paused_seconds_total counter", text)
        for line in text.splitlines():
            self.assertRegex(line, r'^(# (HELP|TYPE) .+|[a-z_]+(\{[^}]*\})? -?[0-9.e+]+)$')

    def test_status_reports_each_node(self):
        r = self.stack.cli("status")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("Database nodes (1 of 3 serving)", r.stdout)
        self.assertRegex(r.stdout, r"(?m)^  %s +ok \(a plain server" % re.escape(self.sock))
        self.assertRegex(r.stdout, r"(?m)^  %s +DOWN: " % re.escape(self.refusing))
        self.assertRegex(r.stdout, r"(?m)^  %s +DOWN: " % re.escape(self.hung))
        r = self.stack.cli("status", "--json")
        self.assertEqual(r.returncode, 0, r.stderr)
        db = json.loads(r.stdout)["database_nodes"]
        self.assertEqual([n["up"] for n in db["nodes"]], [True, False, False])

    def test_no_node_serving_is_a_prompt_503(self):
        # The one server stopped: /healthz answers 503 within the probe's
        # bound, without waiting on a connection of its own; then 200
        # again once it is back.
        db = self.stack.pid("mariadb")
        os.kill(db, signal.SIGSTOP)
        try:
            time.sleep(1.1)
            r, took = self.healthz()
        finally:
            os.kill(db, signal.SIGCONT)
        self.assertEqual(r.status, 503, r.body)
        self.assertLess(took, 2.5)
        h = json.loads(r.body)
        self.assertEqual(h["status"], "failing")
        self.assertIs(h["database"], False)
        self.assertEqual(h["database_nodes"]["nodes_serving"], 0)
        self.assertFalse(h["database_nodes"]["nodes"][0]["up"])
        for _ in range(50):
            r, _ = self.healthz()
            if r.status == 200:
                break
            time.sleep(0.2)
        self.assertEqual(r.status, 200, r.body)


if __name__ == "__main__":
    unittest.main()
