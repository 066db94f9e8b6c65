"""A fetch in a network of its own, whose names lie: run by test_fences
as root under `unshare --net --mount`.

In the new network namespace only loopback is up, so a public address
cannot be reached and 127.0.0.1 is this script's own.  It answers DNS
on 127.0.0.1:53 (bind-mounting a resolv.conf that names it) so that

    rebind.test    resolves to a public address the first time it is
                   asked, and to 127.0.0.1 every time after (DNS
                   rebinding: a check of the name, then a connection to
                   the inner address);
    twofaced.test  resolves to a public address and 127.0.0.1 at once;

runs an "inner" HTTP service on 127.0.0.1:PORT that counts every
request, runs the fetch command given (twice: the first fetch meets the
public answer, the second the inner one), and prints one JSON line:
{"hits": requests the inner service saw, "queries": DNS questions,
"fetches": [[exit status, stdout, stderr], ...]}.

Usage: rebind.py PORT COMMAND [ARG...]
"""
import http.server
import json
import os
import socket
import struct
import subprocess
import sys
import tempfile
import threading

PUBLIC = "93.184.215.14"    # unreachable here: no route but loopback


class Inner(http.server.BaseHTTPRequestHandler):
    hits = 0

    def log_message(self, *args):
        pass

    def do_GET(self):
        Inner.hits += 1
        body = b'{"data":{"quote":[{"last":"4242.42"}]}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def answer(query, seen):
    """A DNS answer to query (bytes), by the rules above."""
    qid, _flags, qd = struct.unpack(">HHH", query[:6])
    pos, labels = 12, []
    while query[pos]:
        n = query[pos]
        labels.append(query[pos + 1:pos + 1 + n].decode("ascii", "replace").lower())
        pos += 1 + n
    qtype, _qclass = struct.unpack(">HH", query[pos + 1:pos + 5])
    question = query[12:pos + 5]
    name = ".".join(labels)
    addrs = []
    if qtype == 1:                       # A
        seen[name] = seen.get(name, 0) + 1
        if name == "rebind.test":
            addrs = [PUBLIC] if seen[name] == 1 else ["127.0.0.1"]
        elif name == "twofaced.test":
            addrs = [PUBLIC, "127.0.0.1"]
    rcode = 0 if name in ("rebind.test", "twofaced.test") else 3
    head = struct.pack(">HHHHHH", qid, 0x8180 | rcode, 1, len(addrs), 0, 0)
    out = head + question
    for a in addrs:
        out += struct.pack(">HHHIH", 0xc00c, 1, 1, 0, 4) + socket.inet_aton(a)
    return out


def dns(sock, seen):
    while True:
        data, peer = sock.recvfrom(4096)
        try:
            sock.sendto(answer(data, seen), peer)
        except (IndexError, struct.error):
            pass


def main():
    port, command = int(sys.argv[1]), sys.argv[2:]
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    conf = tempfile.NamedTemporaryFile("w", suffix=".conf", delete=False)
    conf.write("nameserver 127.0.0.1\noptions timeout:1 attempts:1\n")
    conf.close()
    subprocess.run(["mount", "--bind", conf.name, "/etc/resolv.conf"], check=True)
    seen = {}
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", 53))
    threading.Thread(target=dns, args=(udp, seen), daemon=True).start()
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", port), Inner)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    fetches = []
    for _ in range(2):
        r = subprocess.run(command, capture_output=True, text=True, timeout=120)
        fetches.append([r.returncode, r.stdout, r.stderr])
    os.unlink(conf.name)
    print(json.dumps({"hits": Inner.hits, "queries": seen, "fetches": fetches}))


if __name__ == "__main__":
    main()
