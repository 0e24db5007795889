/*
 * Synchronous ping-pong over TCP loopback or an AF_UNIX stream socket.
 *
 *   pingpong server tcp            bind 127.0.0.1:0, print the port, serve one client
 *   pingpong server unix PATH      bind PATH, print "ready", serve one client
 *   pingpong client tcp PORT SIZE COUNT MAX_S
 *   pingpong client unix PATH SIZE COUNT MAX_S
 *
 * The server echoes whatever it receives until EOF. The client sends SIZE bytes,
 * waits for SIZE bytes back, COUNT times or until MAX_S seconds passed, and prints
 *   {"roundtrips":…,"seconds":…,"rtps":…}
 * Blocking sockets, TCP_NODELAY on TCP.
 */
#include "common.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <stddef.h>
#include <sys/un.h>

static void usage(void) {
  fprintf(stderr, "usage: pingpong server tcp | server unix PATH | client tcp PORT SIZE COUNT MAX_S | client unix PATH SIZE COUNT MAX_S\n");
  exit(2);
}

static socklen_t unix_addr(struct sockaddr_un *su, const char *path) {
  memset(su, 0, sizeof *su);
  su->sun_family = AF_UNIX;
  if (strlen(path) >= sizeof su->sun_path) { fprintf(stderr, "path too long\n"); exit(2); }
  strcpy(su->sun_path, path);
  return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path) + 1);
}

static int serve(int tcp, const char *path) {
  int one = 1, lfd;
  if (tcp) {
    lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (lfd < 0) die("socket");
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in sa = {.sin_family = AF_INET};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(lfd, (struct sockaddr *)&sa, sizeof sa)) die("bind");
    if (listen(lfd, 16)) die("listen");
    socklen_t sl = sizeof sa;
    getsockname(lfd, (struct sockaddr *)&sa, &sl);
    printf("%d\n", ntohs(sa.sin_port));
  } else {
    lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (lfd < 0) die("socket");
    struct sockaddr_un su;
    socklen_t sl = unix_addr(&su, path);
    unlink(path);
    if (bind(lfd, (struct sockaddr *)&su, sl)) die("bind");
    if (listen(lfd, 16)) die("listen");
    printf("ready\n");
  }
  fflush(stdout);
  int cfd = accept(lfd, NULL, NULL);
  if (cfd < 0) die("accept");
  if (tcp) setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  static unsigned char buf[65536];
  for (;;) {
    ssize_t r = recv(cfd, buf, sizeof buf, 0);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    ssize_t off = 0;
    while (off < r) {
      ssize_t w = send(cfd, buf + off, (size_t)(r - off), MSG_NOSIGNAL);
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) goto out;
      off += w;
    }
  }
out:
  close(cfd);
  close(lfd);
  if (!tcp) unlink(path);
  return 0;
}

static int client(int tcp, const char *where, size_t size, long count, double max_s) {
  int fd, one = 1;
  if (tcp) {
    fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(where))};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa)) die("connect");
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  } else {
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un su;
    socklen_t sl = unix_addr(&su, where);
    if (connect(fd, (struct sockaddr *)&su, sl)) die("connect");
  }
  unsigned char *msg = malloc(size), *buf = malloc(size);
  memset(msg, 'p', size);
  double t0 = now_s(), deadline = t0 + max_s;
  long done = 0;
  for (; done < count; done++) {
    if ((done & 1023) == 0 && now_s() > deadline) break;
    size_t off = 0;
    while (off < size) {
      ssize_t w = send(fd, msg + off, size - off, MSG_NOSIGNAL);
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) die("send");
      off += (size_t)w;
    }
    off = 0;
    while (off < size) {
      ssize_t r = recv(fd, buf + off, size - off, 0);
      if (r < 0 && errno == EINTR) continue;
      if (r < 0) die("recv");
      if (r == 0) { fprintf(stderr, "pingpong: server closed early\n"); return 1; }
      off += (size_t)r;
    }
  }
  double secs = now_s() - t0;
  close(fd);
  printf("{\"roundtrips\":%ld,\"seconds\":%.6f,\"rtps\":%.1f}\n", done, secs, done / secs);
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 3) usage();
  int tcp = !strcmp(argv[2], "tcp");
  if (!tcp && strcmp(argv[2], "unix")) usage();
  if (!strcmp(argv[1], "server")) {
    if (!tcp && argc < 4) usage();
    return serve(tcp, tcp ? NULL : argv[3]);
  }
  if (!strcmp(argv[1], "client") && argc >= 7)
    return client(tcp, argv[3], (size_t)atol(argv[4]), atol(argv[5]), atof(argv[6]));
  usage();
}
