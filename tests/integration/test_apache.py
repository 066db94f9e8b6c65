"""Shared hosting: the pages and a live stream served as plain CGI by
Debian's apache2 with mod_cgi, through scripts/apache/htaccess."""
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import unittest
import urllib.parse

import harness


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


CONF = """ServerRoot {root}
Listen 127.0.0.1:{port}
ServerName 127.0.0.1
LoadModule mpm_prefork_module /usr/lib/apache2/modules/mod_mpm_prefork.so
LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so
LoadModule cgi_module /usr/lib/apache2/modules/mod_cgi.so
LoadModule rewrite_module /usr/lib/apache2/modules/mod_rewrite.so
LoadModule env_module /usr/lib/apache2/modules/mod_env.so
LoadModule mime_module /usr/lib/apache2/modules/mod_mime.so
LoadModule dir_module /usr/lib/apache2/modules/mod_dir.so
TypesConfig /etc/mime.types
User www-data
Group www-data
PidFile {root}/httpd.pid
ErrorLog {root}/error.log
LogFormat "%h %r %>s" short
CustomLog {root}/access.log short
DocumentRoot {site}
<Directory {site}>
    AllowOverride All
    Require all granted
</Directory>
"""


@unittest.skipUnless(shutil.which("apache2"), "apache2 is not installed")
class Apache(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.stack = harness.Stack(NESTEGG_WORKERS="1", NESTEGG_THREADS="2")
        cls.root = tempfile.mkdtemp(prefix="nestegg-apache-")
        try:
            cls.start()
        except BaseException:
            cls.tearDownClass()          # not called when setUpClass fails
            raise

    @classmethod
    def start(cls):
        cls.stack.start()
        site = cls.site = os.path.join(cls.root, "site")
        os.makedirs(site)
        shutil.copy(os.path.join(harness.BUILD, "nestegg-web"), os.path.join(site, "nestegg.cgi"))
        shutil.copy(os.path.join(harness.BUILD, "nestegg-live"), os.path.join(site, "live.cgi"))
        shutil.copytree(os.path.join(harness.ROOT, "htdocs"), os.path.join(site, "static"))
        # The settings, readable by the web server's user: the stack's,
        # with the templates and a stream of a few seconds.
        conf = os.path.join(cls.root, "nestegg.conf")
        with open(cls.stack.path("etc", "nestegg.conf")) as f:
            text = f.read()
        with open(conf, "w") as f:
            f.write(text + "\nhome = %s\ndb_socket = %s\nlive_cgi_seconds = 4\nlive_poll = 1\n"
                    % (harness.ROOT, cls.stack.path("run", "mariadb.sock")))
        with open(os.path.join(harness.ROOT, "scripts", "apache", "htaccess")) as f:
            ht = f.read()
        ht = ht.replace("/home/YOU/nestegg/nestegg.conf", conf)
        ht = ht.replace("/home/YOU/nestegg/var", cls.stack.dir)
        with open(os.path.join(site, ".htaccess"), "w") as f:
            f.write(ht)
        for d, _, files in os.walk(cls.root):
            os.chmod(d, 0o755)
            for x in files:
                os.chmod(os.path.join(d, x), 0o755)
        # www-data reaches the stack's socket and templates.
        for d in (cls.stack.dir, cls.stack.path("run")):
            os.chmod(d, 0o755)
        cls.port = free_port()
        with open(os.path.join(cls.root, "httpd.conf"), "w") as f:
            f.write(CONF.format(root=cls.root, port=cls.port, site=site))
        r = subprocess.run(["apache2", "-f", os.path.join(cls.root, "httpd.conf"), "-k", "start"],
                           capture_output=True, text=True, timeout=30,
                           env=dict(os.environ, APACHE_RUN_DIR=cls.root))
        assert r.returncode == 0, r.stdout + r.stderr
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", cls.port), 1).close()
                break
            except OSError:
                time.sleep(0.1)

    @classmethod
    def tearDownClass(cls):
        subprocess.run(["apache2", "-f", os.path.join(cls.root, "httpd.conf"), "-k", "stop"],
                       capture_output=True, timeout=30, env=dict(os.environ, APACHE_RUN_DIR=cls.root))
        time.sleep(0.5)
        cls.stack.cleanup()
        shutil.rmtree(cls.root, ignore_errors=True)

    def request(self, method, path, body=None, headers=None, timeout=30):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        h = dict(headers or {})
        if self.cookies:
            h["Cookie"] = "; ".join("%s=%s" % kv for kv in self.cookies.items())
        conn.request(method, path, body=body, headers=h)
        r = conn.getresponse()
        data = r.read()
        for k, v in r.getheaders():
            if k.lower() == "set-cookie":
                name, _, rest = v.partition("=")
                self.cookies[name] = rest.split(";")[0]
        return r, data

    def setUp(self):
        self.cookies = {}

    def test_pages_and_a_live_stream_as_cgi(self):
        r, body = self.request("GET", "/login")
        self.assertEqual(r.status, 200, body[:500])
        self.assertIn(b"<form", body)
        csrf = re.search(rb'name="csrf" value="([0-9a-f]+)"', body).group(1).decode()
        r, body = self.request("GET", "/static/style.css")
        self.assertEqual(r.status, 200)
        email = harness.unique_email("apache")
        form = urllib.parse.urlencode({"email": email, "password": "correct horse battery",
                                       "csrf": csrf})
        r, body = self.request("POST", "/register", form,
                               {"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(r.status, 303, body[:500])
        self.assertEqual(r.getheader("Location"), "/login?registered=1")
        # Registering never signs in: sign in, as the page then asks.
        r, body = self.request("POST", "/login", form,
                               {"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(r.status, 303, body[:500])
        r, body = self.request("GET", "/")
        self.assertEqual(r.status, 200)
        csrf = re.search(rb'<meta name="csrf" content="([0-9a-f]+)">', body).group(1).decode()
        r, body = self.request("POST", "/api/v1/portfolios",
                               json.dumps({"name": "Shared host", "currency": "USD"}),
                               {"Content-Type": "application/json", "X-CSRF-Token": csrf})
        self.assertEqual(r.status, 201, body)
        pid = json.loads(body)["id"]
        r, body = self.request("GET", "/api/v1/portfolios/%d" % pid)
        self.assertEqual(r.status, 200)
        self.assertEqual(json.loads(body)["name"], "Shared host")
        # The live panel's stream: events as they come, then the end.
        t0 = time.monotonic()
        r, body = self.request("GET", "/live", headers={"Accept": "text/event-stream"})
        self.assertEqual(r.status, 200, body[:300])
        self.assertTrue(r.getheader("Content-Type").startswith("text/event-stream"))
        self.assertRegex(body.decode(), r"(?m)^data: \{.*\"Shared host\"")
        self.assertLess(time.monotonic() - t0, 20)


if __name__ == "__main__":
    unittest.main()
