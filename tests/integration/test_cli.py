"""The nestegg command-line tool."""
import os
import subprocess
import unittest

import harness


class Cli(unittest.TestCase):
    def setUp(self):
        self.stack = harness.shared

    def test_help_everywhere(self):
        r = self.stack.cli("--help")
        self.assertEqual(r.returncode, 0)
        for sub in (["migrate"], ["user", "add"], ["user", "list"],
                    ["user", "disable"], ["gc"], ["fetch"], ["revalue"], ["status"],
                    ["schedule"], ["demo"], ["instrument", "add"], ["instrument", "list"],
                    ["instrument", "set"], ["price", "set"], ["fx", "set"]):
            r = self.stack.cli(*(sub + ["--help"]))
            self.assertEqual(r.returncode, 0, sub)
            self.assertIn("usage: nestegg " + " ".join(sub), r.stdout)

    def test_price_and_rate_take_numbers_as_files_write_them(self):
        from pf_helpers import User, instrument
        sym = instrument(User(self.stack, "clinum"), source="manual")
        # Ghostfolio's 17 significant digits: rounded half-even to 12.
        r = self.stack.cli("price", "set", sym, "237.8000030517578")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("237.800003051758", r.stdout)
        self.assertEqual(self.stack.sql(
            "SELECT p.price FROM prices p JOIN instruments i ON i.id = p.instrument_id "
            "WHERE i.symbol = '%s'" % sym), [["237.800003051758"]])
        # What is wrong is said, not "not a price above 0".
        for args, words in [(("price", "set", sym, "12,5"), "point for decimals"),
                            (("price", "set", sym, "1e19"), "too large"),
                            (("price", "set", sym, "0"), "above 0"),
                            (("price", "set", sym, "abc"), "not a number"),
                            (("fx", "set", "CHF", "JPY", "1,08"), "point for decimals"),
                            (("fx", "set", "CHF", "JPY", "-1"), "above 0")]:
            r = self.stack.cli(*args)
            self.assertEqual(r.returncode, 1, args)
            self.assertIn(words, r.stderr, args)
            self.assertNotIn("not a price above 0", r.stderr)
        r = self.stack.cli("fx", "set", "CHF", "JPY", "171.0937000000000001")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("1 CHF = 171.0937 JPY", r.stdout)

    def test_database_nodes_are_taken_in_turn(self):
        # A list of nodes (db_nodes): one that refuses is passed over
        # for the next; with none answering, it says why.
        def status(nodes):
            env = dict(self.stack.env, NESTEGG_DB_NODES=nodes)
            return subprocess.run([os.path.join(harness.BUILD, "nestegg"), "status"],
                                  env=env, capture_output=True, text=True, timeout=60)

        sock = self.stack.path("run", "mariadb.sock")
        r = status("127.0.0.1:1, %s" % sock)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(r.stdout.strip())
        r = status("127.0.0.1:1,[::1]:1")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("Can't connect", r.stderr)

    def test_unknown_command(self):
        r = self.stack.cli("frobnicate")
        self.assertEqual(r.returncode, 2)
        self.assertIn("unknown command", r.stderr)

    def test_missing_argument(self):
        r = self.stack.cli("user", "disable")
        self.assertEqual(r.returncode, 2)
        self.assertIn("usage:", r.stderr)

    def test_migrate_is_idempotent(self):
        r = self.stack.cli("migrate")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("up to date", r.stdout)
        rows = self.stack.sql("SELECT COUNT(*) FROM schema_migrations")
        self.assertGreaterEqual(int(rows[0][0]), 1)

    def test_user_add_then_sign_in(self):
        email = harness.unique_email("cli")
        r = self.stack.cli("user", "add", email, "--admin", input="a long password\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("created " + email, r.stdout)
        c = self.stack.client()
        self.assertEqual(c.login(email, "a long password").status, 303)
        self.assertEqual(self.stack.sql("SELECT is_admin FROM users WHERE email = '%s'"
                                        % email), [["1"]])
        r = self.stack.cli("user", "list")
        self.assertEqual(r.returncode, 0)
        line = [l for l in r.stdout.splitlines() if email in l][0]
        self.assertIn("yes", line)

    def test_user_add_errors(self):
        email = harness.unique_email("cli")
        r = self.stack.cli("user", "add", "not-an-email", input="a long password\n")
        self.assertEqual(r.returncode, 1)
        r = self.stack.cli("user", "add", email, input="short\n")
        self.assertEqual(r.returncode, 1)
        self.assertIn("at least 10", r.stderr)
        r = self.stack.cli("user", "add", email, input="")
        self.assertEqual(r.returncode, 1)
        self.assertEqual(self.stack.cli("user", "add", email,
                                        input="a long password\n").returncode, 0)
        r = self.stack.cli("user", "add", email, input="a long password\n")
        self.assertEqual(r.returncode, 1)
        self.assertIn("already exists", r.stderr)

    def test_user_disable_ends_sessions_and_blocks_sign_in(self):
        email = harness.unique_email("cli")
        c = self.stack.client()
        c.register(email)
        self.assertEqual(c.get("/").status, 200)
        r = self.stack.cli("user", "disable", email)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(c.get("/").status, 303)
        self.assertEqual(self.stack.client().login(email).status, 422)
        r = self.stack.cli("user", "disable", email)
        self.assertEqual(r.returncode, 1)
        self.assertIn("no enabled account", r.stderr)

    def test_gc_removes_expired_sessions(self):
        email = harness.unique_email("cli")
        self.stack.client().register(email)
        self.stack.sql("UPDATE sessions s JOIN users u ON u.id = s.user_id SET "
                       "s.last_seen_at = NOW() - INTERVAL 2 DAY WHERE u.email = '%s'" % email)
        r = self.stack.cli("gc")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.stack.sql("SELECT COUNT(*) FROM sessions s JOIN users u "
                                        "ON u.id = s.user_id WHERE u.email = '%s'"
                                        % email), [["0"]])

    def test_cli_without_stack(self):
        import os
        env = dict(self.stack.env)
        env["NESTEGG_VAR"] = "/nonexistent"
        import subprocess
        r = subprocess.run([os.path.join(harness.BUILD, "nestegg"), "user", "list"],
                           env=env, capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 1)
        self.assertIn("cannot reach the database", r.stderr)
