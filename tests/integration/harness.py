"""Integration test harness: a private nestegg stack and an HTTPS client.

A Stack is the real thing (MariaDB, page workers, nginx) started by
scripts/stack.sh in a temporary directory on free ports.  A Client talks
to it over HTTPS from a loopback address of its own (127.0.0.N), so that
per-address sign-in throttling in one test cannot touch another.
"""
import html.parser
import http.client
import itertools
import os
import re
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
import urllib.parse

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.path.join(ROOT, os.environ.get("NESTEGG_BUILD", "build"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Stack:
    """A private nestegg stack; start() it, stop() it."""

    def __init__(self, **env):
        self.dir = tempfile.mkdtemp(prefix="nestegg-test-")
        self.https_port = free_port()
        self.http_port = free_port()
        self.env = dict(os.environ)
        self.env.update({
            "NESTEGG_VAR": self.dir,
            "NESTEGG_HTTPS_PORT": str(self.https_port),
            "NESTEGG_HTTP_PORT": str(self.http_port),
            "NESTEGG_BUILD": BUILD,
            "NESTEGG_WORKERS": "2",
            "NESTEGG_THREADS": "8",
            "NESTEGG_SERVER_NAME": "127.0.0.1",
        })
        self.env.update(env)

    def script(self, command, check=True):
        return subprocess.run([os.path.join(ROOT, "scripts", "stack.sh"), command],
                              env=self.env, capture_output=True, text=True,
                              check=check, timeout=180)

    def start(self):
        r = self.script("start", check=False)
        if r.returncode != 0:
            raise RuntimeError("stack did not start:\n" + r.stdout + r.stderr)
        return r

    def stop(self):
        return self.script("stop", check=False)

    def cleanup(self):
        """Stops the stack and removes its files; raises if a sanitizer
        (make test SAN=1) reported anything in the workers' log."""
        self.stop()
        reports = self.sanitizer_reports()
        shutil.rmtree(self.dir, ignore_errors=True)
        if reports:
            raise AssertionError("sanitizer reports:\n" + "\n".join(reports))

    def sanitizer_reports(self):
        """A sanitizer's reports in any of the stack's logs (page
        workers, live worker, tool), each with the lines after it."""
        out = []
        logs = self.path("log")
        for name in sorted(os.listdir(logs)) if os.path.isdir(logs) else []:
            try:
                with open(os.path.join(logs, name), errors="replace") as f:
                    lines = f.read().splitlines()
            except OSError:
                continue
            for i, line in enumerate(lines):
                if ("ERROR: AddressSanitizer" in line or "runtime error:" in line
                        or "ERROR: LeakSanitizer" in line):
                    out.append(name + ": " + "\n".join(lines[i:i + 30]))
        return out

    def path(self, *parts):
        return os.path.join(self.dir, *parts)

    def pid(self, name):
        try:
            with open(self.path("run", name + ".pid")) as f:
                return int(f.read().strip())
        except (OSError, ValueError):
            return None

    def pids(self):
        run = self.path("run")
        out = {}
        for name in os.listdir(run) if os.path.isdir(run) else []:
            if name.endswith(".pid"):
                out[name[:-4]] = self.pid(name[:-4])
        return out

    def cli(self, *args, input=None):
        """Runs build/nestegg against this stack."""
        return subprocess.run([os.path.join(BUILD, "nestegg")] + list(args),
                              env=self.env, input=input, capture_output=True,
                              text=True, timeout=60)

    def sql(self, query, user="root", password=None):
        """Runs SQL through the mariadb client; returns rows of strings."""
        cmd = ["mariadb", "--defaults-file=" + self.path("etc", "my.cnf"),
               "-u", user, "-N", "-B", "nestegg", "-e", query]
        if password is not None:
            cmd.insert(2, "-p" + password)
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        if r.returncode != 0:
            raise RuntimeError(r.stderr.strip())
        return [line.split("\t") for line in r.stdout.splitlines()]

    def config(self, key):
        with open(self.path("etc", "nestegg.conf")) as f:
            for line in f:
                k, _, v = line.partition("=")
                if k.strip() == key:
                    return v.strip()
        return None

    def client(self):
        return Client(self)


_addresses = itertools.count(2)


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers          # list of (name lower-case, value)
        self.body = body

    def header(self, name):
        for k, v in self.headers:
            if k == name.lower():
                return v
        return None

    def header_all(self, name):
        return [v for k, v in self.headers if k == name.lower()]

    @property
    def text(self):
        return self.body.decode("utf-8")

    def __repr__(self):
        return "<Response %d>" % self.status


def parse_set_cookie(value):
    """'a=b; Path=/; Secure' -> ('a', 'b', {'path': '/', 'secure': True})"""
    parts = [p.strip() for p in value.split(";")]
    name, _, val = parts[0].partition("=")
    attrs = {}
    for p in parts[1:]:
        k, eq, v = p.partition("=")
        attrs[k.lower()] = v if eq else True
    return name, val, attrs


class Client:
    """A browser-like HTTPS client with a cookie jar and CSRF handling."""

    def __init__(self, stack, address=None):
        self.stack = stack
        n = next(_addresses)
        self.address = address or "127.0.%d.%d" % (n // 250, n % 250 + 2)
        self.ctx = ssl.create_default_context(cafile=stack.path("etc", "tls", "cert.pem"))
        self.cookies = {}
        self.csrf = None
        self.conn = None

    def _conn(self):
        if self.conn is None:
            self.conn = http.client.HTTPSConnection(
                "127.0.0.1", self.stack.https_port, context=self.ctx,
                source_address=(self.address, 0), timeout=30)
        return self.conn

    def request(self, method, path, body=None, headers=None, cookies=True):
        h = {"Host": "127.0.0.1:%d" % self.stack.https_port}
        if cookies and self.cookies:
            h["Cookie"] = "; ".join("%s=%s" % kv for kv in self.cookies.items())
        h.update(headers or {})
        for attempt in (0, 1):
            conn = self._conn()
            try:
                conn.request(method, path, body=body, headers=h)
                r = conn.getresponse()
                data = r.read()
                break
            except (http.client.RemoteDisconnected, BrokenPipeError,
                    ConnectionResetError):
                self.conn = None
                if attempt:
                    raise
        resp = Response(r.status, [(k.lower(), v) for k, v in r.getheaders()], data)
        for v in resp.header_all("set-cookie"):
            name, val, attrs = parse_set_cookie(v)
            if attrs.get("max-age") == "0" or val == "":
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = val
        if resp.header("content-type", ) and "text/html" in resp.header("content-type"):
            m = re.search(r'<meta name="csrf" content="([0-9a-f]*)">', resp.text)
            if m and m.group(1):
                self.csrf = m.group(1)
        if r.getheader("connection", "").lower() == "close":
            self.conn = None
        return resp

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, fields=None, csrf=True, headers=None, raw=None, **kw):
        """POSTs a form; adds the CSRF token of the last page unless told."""
        fields = dict(fields or {})
        if csrf is True:
            if self.csrf is None:
                self.get("/login")
            fields.setdefault("csrf", self.csrf)
        elif csrf:
            fields["csrf"] = csrf
        body = raw if raw is not None else urllib.parse.urlencode(fields)
        h = {"Content-Type": "application/x-www-form-urlencoded"}
        h.update(headers or {})
        return self.request("POST", path, body=body, headers=h, **kw)

    def register(self, email, password="correct horse battery"):
        """Registers email as a browser does, then signs in: a registration
        never signs in (it answers the same whether or not the address has
        an account), it sends the browser to the sign-in page.  Returns
        the sign-in's answer (303 to / with the session cookie), or the
        registration's own when it was not that redirect (a 422 form)."""
        self.get("/register")
        r = self.post("/register", {"email": email, "password": password})
        self.registered = r
        if r.status != 303 or not (r.header("location") or "").startswith("/login"):
            return r
        self.get(r.header("location"))
        return self.post("/login", {"email": email, "password": password})

    def login(self, email, password="correct horse battery"):
        self.get("/login")
        return self.post("/login", {"email": email, "password": password})


# Valid HTML attributes newer than Debian's tidy (5.6).
NEWER_ATTRIBUTES = ("inputmode", "minlength", "aria-errormessage", "autocapitalize",
                    "aria-current")


def validate_html(text):
    """Returns tidy's complaints about an HTML page (empty when valid)."""
    r = subprocess.run(["tidy", "-q", "-e", "-utf8", "--show-warnings", "yes",
                        "--drop-empty-elements", "no"],
                       input=text.encode(), capture_output=True, timeout=30)
    lines = [l for l in r.stderr.decode().splitlines()
             if not any('proprietary attribute "%s"' % a in l for a in NEWER_ATTRIBUTES)]
    return "\n".join(lines).strip()


class _Text(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts = []

    def handle_data(self, data):
        self.parts.append(data)


def page_text(markup):
    p = _Text()
    p.feed(markup)
    return " ".join(" ".join(p.parts).split())


_ids = itertools.count(1)


def unique_email(tag="user"):
    return "%s%d.%d@example.com" % (tag, os.getpid(), next(_ids))
