"""TLS with Python's ssl module (same protocol as ours_tls.ts and deno_native_tls.ts).

    python3 bench/py_tls.py bulk-recv CERT KEY
    python3 bench/py_tls.py bulk-send CA PORT BYTES CHUNK MAX_S
    python3 bench/py_tls.py hs-server CERT KEY
    python3 bench/py_tls.py hs-client CA PORT COUNT MAX_S
"""
import json
import os
import socket
import ssl
import sys
import time


def cpu():
    t = os.times()
    return t.user + t.system


def listener():
    lst = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lst.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lst.bind(("127.0.0.1", 0))
    lst.listen(128)
    print(lst.getsockname()[1], flush=True)
    return lst


def server_context(cert, key):
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    ctx.num_tickets = 0  # the handshake loop measures full handshakes
    return ctx


def bulk_recv(cert, key):
    ctx = server_context(cert, key)
    lst = listener()
    raw, _ = lst.accept()
    conn = ctx.wrap_socket(raw, server_side=True)
    t0, c0 = time.perf_counter(), cpu()
    buf = bytearray(256 * 1024)
    total = 0
    while True:
        n = conn.recv_into(buf)
        if n == 0:
            break
        total += n
    conn.close()
    lst.close()
    print(json.dumps({"bytes": total, "seconds": time.perf_counter() - t0, "cpu_s": cpu() - c0}), flush=True)


def bulk_send(ca, port, nbytes, chunk, max_s):
    ctx = ssl.create_default_context(cafile=ca)
    buf = b"b" * chunk
    view = memoryview(buf)
    t0, c0 = time.perf_counter(), cpu()
    deadline = t0 + max_s
    raw = socket.create_connection(("127.0.0.1", port))
    raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    t = ctx.wrap_socket(raw, server_hostname="localhost")
    sent = 0
    it = 0
    while sent < nbytes:
        it += 1
        if it % 16 == 0 and time.perf_counter() > deadline:
            break
        part = view if nbytes - sent >= chunk else view[: nbytes - sent]
        t.sendall(part)
        sent += len(part)
    # CPython's shutdown() sends no close_notify (it drops TLS, then the FIN):
    # the receiver reads a ragged EOF as the end (suppress_ragged_eofs) and closes.
    t.shutdown(socket.SHUT_WR)
    try:
        while t.recv(1):
            pass
    except (ssl.SSLError, OSError):
        pass
    t.close()
    print(json.dumps({"bytes": sent, "seconds": time.perf_counter() - t0, "cpu_s": cpu() - c0}), flush=True)


def hs_server(cert, key):
    ctx = server_context(cert, key)
    lst = listener()
    while True:
        raw, _ = lst.accept()
        raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            with ctx.wrap_socket(raw, server_side=True) as conn:
                conn.sendall(b"k")
        except OSError:
            pass  # a client gone early: next one


def hs_client(ca, port, count, max_s):
    ctx = ssl.create_default_context(cafile=ca)
    t0, c0 = time.perf_counter(), cpu()
    deadline = t0 + max_s
    done = 0
    while done < count and time.perf_counter() < deadline:
        raw = socket.create_connection(("127.0.0.1", port))
        raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with ctx.wrap_socket(raw, server_hostname="localhost") as t:
            if len(t.recv(1)) != 1:
                raise RuntimeError("the server sent no byte")
        done += 1
    print(json.dumps({"handshakes": done, "seconds": time.perf_counter() - t0, "cpu_s": cpu() - c0}), flush=True)


role, args = sys.argv[1], sys.argv[2:]
if role == "bulk-recv":
    bulk_recv(*args)
elif role == "bulk-send":
    bulk_send(args[0], int(args[1]), int(args[2]), int(args[3]), float(args[4]))
elif role == "hs-server":
    hs_server(*args)
elif role == "hs-client":
    hs_client(args[0], int(args[1]), int(args[2]), float(args[3]))
else:
    sys.exit("usage: bulk-recv|bulk-send|hs-server|hs-client ...")
