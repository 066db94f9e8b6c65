"""make install: the programs, shared files and systemd units in the usual
directories under DESTDIR, the units' paths filled in and sandboxed."""
import os
import shutil
import subprocess
import tempfile
import unittest

import harness


class Install(unittest.TestCase):
    def test_make_install_lays_out_a_server(self):
        with tempfile.TemporaryDirectory() as dest:
            r = subprocess.run(["make", "-s", "install", "DESTDIR=" + dest, "PREFIX=/usr",
                                "BUILD=" + os.path.relpath(harness.BUILD, harness.ROOT)],
                               cwd=harness.ROOT, capture_output=True, text=True, timeout=600)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            for f in ("usr/bin/nestegg", "usr/bin/nestegg-web", "usr/bin/nestegg-live",
                      "usr/bin/nestegg-supervise", "usr/share/nestegg/templates/layout.cs",
                      "usr/share/nestegg/htdocs/style.css", "usr/share/nestegg/sql/001_accounts.sql",
                      "usr/share/nestegg/nginx.conf", "usr/share/nestegg/nestegg.cron",
                      "etc/systemd/system/nestegg-web@.service",
                      "etc/systemd/system/nestegg-live.service",
                      "etc/systemd/system/nestegg-job@.service",
                      "etc/systemd/system/nestegg-backup.timer"):
                self.assertTrue(os.path.exists(os.path.join(dest, f)), f)
            self.assertTrue(os.access(os.path.join(dest, "usr/bin/nestegg-web"), os.X_OK))
            self.assertTrue(os.path.isdir(os.path.join(dest, "etc/nestegg")))
            self.assertTrue(os.path.isdir(os.path.join(dest, "var/lib/nestegg")))
            with open(os.path.join(dest, "etc/systemd/system/nestegg-web@.service")) as f:
                unit = f.read()
            self.assertNotIn("@BIN@", unit)
            self.assertNotIn("@VAR@", unit)
            self.assertIn("ExecStart=/usr/bin/nestegg-web --socket /run/nestegg/web-%i.sock", unit)
            self.assertIn("NESTEGG_HOME=/usr/share/nestegg", unit)
            for line in ("ProtectSystem=strict", "NoNewPrivileges=yes", "User=nestegg",
                         "Restart=always"):
                self.assertIn(line, unit)
            # systemd finds nothing wrong in them (but the units of a
            # whole system, which DESTDIR lacks).
            if shutil.which("systemd-analyze"):
                units = ["etc/systemd/system/" + u for u in (
                    "nestegg-web@1.service", "nestegg-live.service",
                    "nestegg-job@fetch.service", "nestegg-fetch.timer",
                    "nestegg-backup.timer")]
                r = subprocess.run(["systemd-analyze", "verify", "--root=" + dest] + units,
                                   cwd=dest, capture_output=True, text=True, timeout=60)
                complaints = [l for l in (r.stdout + r.stderr).splitlines()
                              if l.strip() and "not found" not in l]
                self.assertEqual(complaints, [])
            # The installed tool runs and knows its commands.
            r = subprocess.run([os.path.join(dest, "usr/bin/nestegg"), "--help"],
                               capture_output=True, text=True, timeout=30)
            self.assertEqual(r.returncode, 0)
            self.assertIn("nestegg backup", r.stdout)


if __name__ == "__main__":
    unittest.main()
