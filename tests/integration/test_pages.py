"""Pages, routing, the error page, headers, HTML validity."""
import http.client
import json
import os
import socket
import ssl
import subprocess
import unittest

import harness


class Pages(unittest.TestCase):
    def setUp(self):
        self.stack = harness.shared
        self.c = self.stack.client()

    def test_login_page_is_valid_html_with_form(self):
        r = self.c.get("/login")
        self.assertEqual(r.status, 200)
        self.assertIn("text/html", r.header("content-type"))
        self.assertEqual(harness.validate_html(r.text), "")
        self.assertIn('name="email"', r.text)
        self.assertIn('name="password"', r.text)
        self.assertRegex(r.text, r'<input type="hidden" name="csrf" value="[0-9a-f]{64}">')

    def test_register_page_is_valid_html_with_form(self):
        r = self.c.get("/register")
        self.assertEqual(r.status, 200)
        self.assertEqual(harness.validate_html(r.text), "")
        self.assertIn('action="/register"', r.text)

    def test_dashboard_redirects_anonymous_to_login(self):
        r = self.c.get("/")
        self.assertEqual(r.status, 303)
        self.assertEqual(r.header("location"), "/login")

    def test_dashboard_shell_for_signed_in_user(self):
        email = harness.unique_email()
        self.assertEqual(self.c.register(email).status, 303)
        r = self.c.get("/")
        self.assertEqual(r.status, 200)
        self.assertEqual(harness.validate_html(r.text), "")
        text = harness.page_text(r.text)
        self.assertIn(email, text)
        self.assertIn("No portfolios yet", text)
        self.assertRegex(r.text, r'<meta name="csrf" content="[0-9a-f]{64}">')

    def test_404_page(self):
        r = self.c.get("/no/such/page")
        self.assertEqual(r.status, 404)
        self.assertEqual(harness.validate_html(r.text), "")
        self.assertIn("404 Not Found", harness.page_text(r.text))

    def test_405_page_with_allow(self):
        r = self.c.get("/logout")
        self.assertEqual(r.status, 405)
        self.assertEqual(r.header("allow"), "POST")
        self.assertEqual(harness.validate_html(r.text), "")
        r = self.c.request("DELETE", "/login")
        self.assertEqual(r.status, 405)
        self.assertEqual(r.header("allow"), "GET, HEAD, POST")

    def test_head_has_no_body(self):
        r = self.c.request("HEAD", "/login")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.body, b"")

    def test_http_redirects_to_https(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.stack.http_port, timeout=10)
        conn.request("GET", "/login?x=1", headers={"Host": "127.0.0.1"})
        r = conn.getresponse()
        self.assertEqual(r.status, 301)
        self.assertEqual(r.getheader("location"),
                         "https://127.0.0.1:%d/login?x=1" % self.stack.https_port)
        # The configured name, whatever Host the request claims.
        conn = http.client.HTTPConnection("127.0.0.1", self.stack.http_port, timeout=10)
        conn.request("GET", "/login", headers={"Host": "evil.example"})
        r = conn.getresponse()
        self.assertEqual(r.getheader("location"),
                         "https://127.0.0.1:%d/login" % self.stack.https_port)

    def test_tls_offers_aead_suites_only(self):
        def handshake(ciphers, version=ssl.TLSVersion.TLSv1_2):
            ctx = ssl.create_default_context(cafile=self.stack.path("etc", "tls", "cert.pem"))
            ctx.maximum_version = version
            ctx.set_ciphers(ciphers)
            with socket.create_connection(("127.0.0.1", self.stack.https_port), 10) as s:
                with ctx.wrap_socket(s, server_hostname="127.0.0.1") as t:
                    return t.cipher()[0]
        # Whatever the key (ECDSA or RSA): CBC, SHA-1 and static RSA
        # suites are refused; GCM and ChaCha20-Poly1305 are offered.
        for cbc in ("ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES128-SHA",
                    "ECDHE-ECDSA-AES256-SHA384:ECDHE-RSA-AES256-SHA384",
                    "ECDHE-ECDSA-AES128-SHA256:ECDHE-RSA-AES128-SHA256",
                    "AES128-SHA:AES256-SHA:DES-CBC3-SHA", "AES128-GCM-SHA256"):
            with self.assertRaises(ssl.SSLError, msg=cbc):
                handshake(cbc)
        self.assertIn(handshake("ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256"),
                      ("ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256"))
        self.assertIn(handshake("ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305"),
                      ("ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-RSA-CHACHA20-POLY1305"))
        self.assertIn(handshake("DEFAULT", ssl.TLSVersion.TLSv1_3), (
            "TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256"))

    def test_nginx_errors_under_the_api_are_json(self):
        # A body far beyond any limit: nginx's own 413, as JSON.
        r = self.c.request("POST", "/api/v1/portfolios/1/import", body=b"x" * (19 << 20),
                           headers={"Content-Type": "text/csv"})
        self.assertEqual(r.status, 413)
        self.assertIn("application/json", r.header("content-type"))
        self.assertEqual(json.loads(r.body)["error"]["status"], 413)
        # Elsewhere, the page.
        r = self.c.request("POST", "/portfolios/1/import", body=b"x" * (19 << 20),
                           headers={"Content-Type": "text/csv"})
        self.assertEqual(r.status, 413)
        self.assertIn("text/html", r.header("content-type"))

    def test_security_headers(self):
        r = self.c.get("/login")
        self.assertEqual(r.header("x-frame-options"), "DENY")
        self.assertEqual(r.header("x-content-type-options"), "nosniff")
        self.assertIn("default-src 'self'", r.header("content-security-policy"))
        self.assertIn("max-age=", r.header("strict-transport-security"))
        self.assertEqual(r.header("cache-control"), "no-store")

    def test_stylesheet_served(self):
        r = self.c.get("/static/style.css")
        self.assertEqual(r.status, 200)
        self.assertIn("text/css", r.header("content-type"))
        self.assertIn(b"--accent", r.body)

    def test_certificate_verifies_for_127_0_0_1(self):
        ctx = ssl.create_default_context(cafile=self.stack.path("etc", "tls", "cert.pem"))
        with socket.create_connection(("127.0.0.1", self.stack.https_port), timeout=10) as s:
            with ctx.wrap_socket(s, server_hostname="127.0.0.1") as t:
                self.assertIn(t.version(), ("TLSv1.2", "TLSv1.3"))

    def test_cgi_mode_serves_one_request(self):
        env = dict(self.stack.env)
        env.update({"GATEWAY_INTERFACE": "CGI/1.1", "REQUEST_METHOD": "GET",
                    "PATH_INFO": "/login", "QUERY_STRING": "",
                    "REMOTE_ADDR": "192.0.2.1", "SERVER_PROTOCOL": "HTTP/1.1"})
        r = subprocess.run([os.path.join(harness.BUILD, "nestegg-web")], env=env,
                           stdin=subprocess.DEVNULL, capture_output=True, timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)
        head, _, body = r.stdout.partition(b"\r\n\r\n")
        self.assertTrue(head.startswith(b"Status: 200 OK\r\n"), head)
        self.assertIn(b"Set-Cookie: __Host-csrf=", head)
        self.assertIn(b"<h1>Sign in</h1>", body)
