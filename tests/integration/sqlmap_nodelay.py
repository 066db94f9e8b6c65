"""Runs Debian's sqlmap (/usr/share/sqlmap) with TCP_NODELAY on its sockets.

sqlmap writes a POST's headers and body in two sends; without
TCP_NODELAY the body waits for the server's delayed ACK of the headers
(40 ms on Linux), which makes a POST take 50 ms on loopback instead of
a few.  Nothing else about sqlmap changes: the arguments are its own.

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


socket.create_connection = create_connection
sys.argv[0] = SQLMAP
sys.path.insert(0, os.path.dirname(SQLMAP))
runpy.run_path(SQLMAP, run_name="__main__")
