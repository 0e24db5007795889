"""UDP sink and echo in python3 (recvfrom/sendto), the protocol of c/udp.c.

    python3 bench/py_udp.py sink SECONDS
    python3 bench/py_udp.py echo
"""
import json
import os
import socket
import sys
import time


def main():
    role = sys.argv[1] if len(sys.argv) > 1 else ""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    s.bind(("127.0.0.1", 0))
    print(s.getsockname()[1], flush=True)
    if role == "sink":
        seconds = float(sys.argv[2])
        s.recv(2048)
        s.settimeout(0.2)
        cpu0 = sum(os.times()[:2])
        t0 = time.monotonic()
        end = t0 + seconds
        count = 0
        while time.monotonic() < end:
            try:
                s.recvfrom(2048)
                count += 1
            except socket.timeout:
                pass
        t = time.monotonic() - t0
        print(json.dumps({"datagrams": count, "seconds": t,
                          "cpu_s": sum(os.times()[:2]) - cpu0}), flush=True)
    elif role == "echo":
        while True:
            data, addr = s.recvfrom(2048)
            s.sendto(data, addr)
    else:
        sys.exit("usage: sink SECONDS | echo")


main()
