"""Runs Debian's sqlmap (/usr/share/sqlmap) with TCP_NODELAY on its
sockets, and its error signatures read once.

sqlmap writes a POST's headers and body in two sends; without
TCP_NODELAY the body waits for the server's delayed ACK of the headers
(40 ms on Linux), which makes a POST take 50 ms on loopback instead of
a few.

For every answer sqlmap looks for a database's error messages by
parsing its errors.xml again (it caches by the page, and no two of our
pages are alike: each has its own CSRF token): a quarter of its time.
Here the file's elements are parsed once and handed to the same
handler in the same order, so every answer is checked against the same
signatures by sqlmap's own code.  Nothing else about sqlmap changes:
the arguments are its own.

    python3 tests/integration/sqlmap_nodelay.py SQLMAP-ARGUMENTS...
"""
import os
import runpy
import socket
import sys

SQLMAP = os.environ.get("NESTEGG_SQLMAP_PY", "/usr/share/sqlmap/sqlmap.py")

_create_connection = socket.create_connection


def create_connection(*args, **kwargs):
    s = _create_connection(*args, **kwargs)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


class _Recorder:
    """Keeps a SAX parse's start elements, to hand them out again."""

    def __init__(self):
        self.events = []

    def startElement(self, name, attrs):
        self.events.append((name, dict(attrs.items())))

    def __getattr__(self, name):        # every other SAX callback
        return lambda *args: None


def replay_errors_xml():
    """Makes lib.parse.html parse errors.xml once; a no-op when this
    sqlmap's code is not laid out as expected."""
    try:
        import lib.parse.html as html
        from lib.core.data import paths
    except ImportError:
        return
    parse = getattr(html, "parseXmlFile", None)
    if parse is None:
        return
    kept = {}

    def parse_once(xml_file, handler):
        if xml_file != paths.ERRORS_XML:
            return parse(xml_file, handler)
        if xml_file not in kept:
            rec = _Recorder()
            parse(xml_file, rec)
            kept[xml_file] = rec.events
        for name, attrs in kept[xml_file]:
            handler.startElement(name, attrs)

    html.parseXmlFile = parse_once


def keep_https_alive():
    """With --keep-alive, sqlmap keeps plain HTTP connections open only:
    its keep-alive handler (its own thirdparty module) is made to serve
    HTTPS too, ahead of the handler that opens a connection a request.
    Without this each request costs a TCP connection and a TLS handshake
    (a fifth of sqlmap's time here, and nginx's most); the requests
    themselves are the same.  Certificates are not checked, as sqlmap's
    own HTTPS handler does not check them."""
    try:
        import ssl
        import lib.core.option as option
        from thirdparty.keepalive import keepalive
    except ImportError:
        return
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE

    class KeptHTTPS(keepalive.HTTPSHandler):
        handler_order = 499             # before sqlmap's HTTPS handler

        def _get_connection(self, host):
            return keepalive.HTTPSConnection(host, context=context, timeout=30)

    option.keepAliveHandler = KeptHTTPS()


socket.create_connection = create_connection
sys.argv[0] = SQLMAP
sys.path.insert(0, os.path.dirname(SQLMAP))
replay_errors_xml()
keep_https_alive()
runpy.run_path(SQLMAP, run_name="__main__")
