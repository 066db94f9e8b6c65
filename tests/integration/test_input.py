"""Malformed and oversized requests get a 400 or 413 page, never a crash."""
import socket
import ssl
import unittest

import harness


class BadInput(unittest.TestCase):
    def setUp(self):
        self.stack = harness.shared
        self.c = self.stack.client()
        self.c.get("/login")

    def test_bad_percent_encoding_in_query(self):
        r = self.c.get("/login?x=%zz")
        self.assertEqual(r.status, 400)
        self.assertEqual(harness.validate_html(r.text), "")

    def test_invalid_utf8_in_form(self):
        r = self.c.post("/login", raw="csrf=%s&email=%%ff%%fe&password=x" % self.c.csrf)
        self.assertEqual(r.status, 400)

    def test_nul_in_form(self):
        r = self.c.post("/login", raw="csrf=%s&email=a%%00b&password=x" % self.c.csrf)
        self.assertEqual(r.status, 400)

    def test_truncated_escape_in_form(self):
        r = self.c.post("/login", raw="csrf=%s&email=%%4" % self.c.csrf)
        self.assertEqual(r.status, 400)

    def test_too_many_fields(self):
        raw = "&".join("f%d=1" % i for i in range(300))
        r = self.c.post("/login", raw=raw)
        self.assertEqual(r.status, 400)

    def test_body_over_limit_is_413_from_nestegg(self):
        r = self.c.post("/login", raw="a=" + "x" * (2 * 1024 * 1024))
        self.assertEqual(r.status, 413)
        self.assertIn("413 Content Too Large", harness.page_text(r.text))

    def test_huge_body_is_413_from_nginx(self):
        r = self.c.post("/login", raw="a=" + "x" * (19 * 1024 * 1024))
        self.assertEqual(r.status, 413)
        self.assertIn("Error 413", harness.page_text(r.text))

    def test_foreign_broken_cookies_are_ignored(self):
        r = self.c.get("/login", headers={"Cookie": "garbage-without-equals; x=\t"},
                       cookies=False)
        self.assertEqual(r.status, 200)

    def test_invalid_utf8_in_path(self):
        r = self.c.get("/%ff")
        self.assertEqual(r.status, 400)

    def test_slow_partial_body_does_not_hang_others(self):
        # A client that promises a body and sends half of it ties up no
        # page worker: nginx buffers request bodies.
        ctx = ssl.create_default_context(cafile=self.stack.path("etc", "tls", "cert.pem"))
        raw = socket.create_connection(("127.0.0.1", self.stack.https_port), timeout=10)
        s = ctx.wrap_socket(raw, server_hostname="127.0.0.1")
        s.sendall(b"POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n"
                  b"Content-Type: application/x-www-form-urlencoded\r\n\r\nemail=")
        try:
            for _ in range(20):
                self.assertEqual(self.stack.client().get("/login").status, 200)
        finally:
            s.close()

    def test_worker_survives_all_of_the_above(self):
        self.assertEqual(self.c.get("/login").status, 200)
