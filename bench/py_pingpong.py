"""Ping-pong with Python's blocking socket module (same protocol as c/pingpong.c).

    python3 bench/py_pingpong.py server tcp | server unix PATH
    python3 bench/py_pingpong.py client tcp PORT SIZE COUNT MAX_S
    python3 bench/py_pingpong.py client unix PATH SIZE COUNT MAX_S
"""
import json
import os
import socket
import sys
import time


def server(kind, path=None):
    if kind == "tcp":
        lst = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        lst.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        lst.bind(("127.0.0.1", 0))
        lst.listen(16)
        print(lst.getsockname()[1], flush=True)
    else:
        lst = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass
        lst.bind(path)
        lst.listen(16)
        print("ready", flush=True)
    conn, _ = lst.accept()
    if kind == "tcp":
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    buf = bytearray(65536)
    view = memoryview(buf)
    try:
        while True:
            n = conn.recv_into(buf)
            if n == 0:
                break
            conn.sendall(view[:n])
    except OSError:
        pass
    conn.close()
    lst.close()
    if kind == "unix":
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass


def client(kind, where, size, count, max_s):
    if kind == "tcp":
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.connect(("127.0.0.1", int(where)))
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    else:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(where)
    msg = b"p" * size
    buf = bytearray(size)
    view = memoryview(buf)
    t0 = time.perf_counter()
    deadline = t0 + max_s
    done = 0
    while done < count:
        if (done & 1023) == 0 and time.perf_counter() > deadline:
            break
        s.sendall(msg)
        got = 0
        while got < size:
            n = s.recv_into(view[got:])
            if n == 0:
                raise SystemExit("server closed early")
            got += n
        done += 1
    secs = time.perf_counter() - t0
    s.close()
    print(json.dumps({"roundtrips": done, "seconds": secs, "rtps": done / secs}), flush=True)


def main(argv):
    if len(argv) >= 2 and argv[0] == "server" and argv[1] in ("tcp", "unix"):
        server(argv[1], argv[2] if argv[1] == "unix" else None)
    elif len(argv) >= 6 and argv[0] == "client" and argv[1] in ("tcp", "unix"):
        client(argv[1], argv[2], int(argv[3]), int(argv[4]), float(argv[5]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
