"""A Server-Sent Events client over HTTPS, as a browser's EventSource
reads GET /live: events parsed from the stream as it comes, with their
ids, so that tests can reconnect with Last-Event-ID."""
import http.client
import json
import socket
import ssl
import time


class _Connection(http.client.HTTPSConnection):
    """An HTTPS connection whose socket may get a small receive buffer
    before it connects (a client that reads slowly, from the start)."""

    def __init__(self, *args, rcvbuf=None, **kw):
        super().__init__(*args, **kw)
        self.rcvbuf = rcvbuf

    def connect(self):
        raw = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if self.rcvbuf:
            raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, self.rcvbuf)
        raw.settimeout(self.timeout)
        raw.bind(self.source_address)
        raw.connect((self.host, self.port))
        self.sock = self._context.wrap_socket(raw, server_hostname=self.host)


class Stream:
    def __init__(self, client, last_id=None, rcvbuf=None):
        h = {"Host": "127.0.0.1:%d" % client.stack.https_port, "Accept": "text/event-stream"}
        if client.cookies:
            h["Cookie"] = "; ".join("%s=%s" % kv for kv in client.cookies.items())
        if last_id is not None:
            h["Last-Event-ID"] = last_id
        self.conn = _Connection(
            "127.0.0.1", client.stack.https_port, context=client.ctx,
            source_address=(client.address, 0), timeout=30, rcvbuf=rcvbuf)
        self.conn.connect()
        self.conn.request("GET", "/live", headers=h)
        self.resp = self.conn.getresponse()
        self.status = self.resp.status
        self.headers = dict((k.lower(), v) for k, v in self.resp.getheaders())
        self.buf = b""
        self.ended = False
        self.comments = 0
        self.retry = None

    def _fill(self, timeout):
        self.conn.sock.settimeout(timeout)
        try:
            data = self.resp.read1(65536)
        except (socket.timeout, ssl.SSLError, TimeoutError):
            return False
        if not data:
            self.ended = True
            return False
        self.buf += data
        return True

    def next_event(self, timeout=10):
        """The next event as a dict (id, event, data, json), or None when
        the stream ended or nothing came in time."""
        deadline = time.time() + timeout
        while True:
            while b"\n\n" in self.buf:
                block, self.buf = self.buf.split(b"\n\n", 1)
                ev = {"id": None, "event": "message", "data": []}
                only_comments = True
                for line in block.decode("utf-8").split("\n"):
                    if line.startswith(":"):
                        self.comments += 1
                        continue
                    only_comments = False
                    field, _, value = line.partition(":")
                    value = value[1:] if value.startswith(" ") else value
                    if field == "data":
                        ev["data"].append(value)
                    elif field in ("id", "event"):
                        ev[field] = value
                    elif field == "retry":
                        self.retry = int(value)
                if only_comments or not ev["data"]:
                    continue
                ev["data"] = "\n".join(ev["data"])
                ev["json"] = json.loads(ev["data"])
                return ev
            left = deadline - time.time()
            if left <= 0 or self.ended or not self._fill(left):
                return None

    def events_until(self, pred, timeout=10):
        """Events until one satisfies pred (returned last), or None."""
        deadline = time.time() + timeout
        seen = []
        while time.time() < deadline:
            ev = self.next_event(deadline - time.time())
            if ev is None:
                return None
            seen.append(ev)
            if pred(ev):
                return ev
        return None

    def wait_end(self, timeout=10):
        deadline = time.time() + timeout
        while not self.ended and time.time() < deadline:
            if not self._fill(deadline - time.time()) and not self.ended:
                continue
        return self.ended

    def close(self):
        try:
            self.conn.close()
        except OSError:
            pass
