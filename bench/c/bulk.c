/*
 * Bulk transfer over loopback TCP.
 *
 *   bulk recv                          bind 127.0.0.1:0, print the port, receive one stream
 *   bulk send PORT BYTES [CHUNK] [MAX_S]
 *
 * The sender writes BYTES in CHUNK-sized send() calls (default 256 KiB), shuts
 * down its write side and waits for the receiver to close, so its wall time
 * covers delivery. The receiver reads into a 256 KiB buffer until EOF, then
 * closes. Each prints {"bytes":…,"seconds":…,"cpu_s":…} where cpu_s is
 * getrusage(RUSAGE_SELF) user+system over its own transfer window.
 * The sender stops early after MAX_S seconds (default 60).
 */
#include "common.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#define RBUF (256 * 1024)

int main(int argc, char **argv) {
  if (argc >= 2 && !strcmp(argv[1], "recv")) {
    int one = 1;
    int lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (lfd < 0) die("socket");
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in sa = {.sin_family = AF_INET};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(lfd, (struct sockaddr *)&sa, sizeof sa)) die("bind");
    if (listen(lfd, 16)) die("listen");
    socklen_t sl = sizeof sa;
    getsockname(lfd, (struct sockaddr *)&sa, &sl);
    printf("%d\n", ntohs(sa.sin_port));
    fflush(stdout);
    int fd = accept(lfd, NULL, NULL);
    if (fd < 0) die("accept");
    double t0 = now_s(), c0 = cpu_self_s();
    unsigned char *buf = malloc(RBUF);
    long long total = 0;
    for (;;) {
      ssize_t r = recv(fd, buf, RBUF, 0);
      if (r < 0 && errno == EINTR) continue;
      if (r < 0) die("recv");
      if (r == 0) break;
      total += r;
    }
    close(fd);
    double secs = now_s() - t0, cpu = cpu_self_s() - c0;
    printf("{\"bytes\":%lld,\"seconds\":%.6f,\"cpu_s\":%.4f}\n", total, secs, cpu);
    return 0;
  }
  if (argc >= 4 && !strcmp(argv[1], "send")) {
    long long bytes = atoll(argv[3]);
    size_t chunk = argc >= 5 ? (size_t)atol(argv[4]) : 256 * 1024;
    double max_s = argc >= 6 ? atof(argv[5]) : 60;
    unsigned char *buf = malloc(chunk);
    memset(buf, 'b', chunk);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[2]))};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    double t0 = now_s(), c0 = cpu_self_s(), deadline = t0 + max_s;
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa)) die("connect");
    long long sent = 0;
    unsigned iter = 0;
    while (sent < bytes) {
      if ((++iter & 255) == 0 && now_s() > deadline) break;
      size_t want = bytes - sent < (long long)chunk ? (size_t)(bytes - sent) : chunk;
      ssize_t w = send(fd, buf, want, MSG_NOSIGNAL);
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) die("send");
      sent += w;
    }
    shutdown(fd, SHUT_WR);
    char c;
    while (recv(fd, &c, 1, 0) > 0) {}
    close(fd);
    double secs = now_s() - t0, cpu = cpu_self_s() - c0;
    printf("{\"bytes\":%lld,\"seconds\":%.6f,\"cpu_s\":%.4f}\n", sent, secs, cpu);
    return 0;
  }
  fprintf(stderr, "usage: bulk recv | bulk send PORT BYTES [CHUNK] [MAX_S]\n");
  return 2;
}
