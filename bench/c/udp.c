/*
 * UDP on loopback, 64-byte datagrams: the load side and the C competitors of
 * bench section f.
 *
 *   udp blast PORT SECONDS SIZE          sendmmsg() batches of 64 datagrams to
 *                                        127.0.0.1:PORT for SECONDS; prints {"sent":…}
 *   udp sink recvfrom|recvmmsg SECONDS   bind 127.0.0.1:0, print the port, wait for
 *                                        the first datagram, then count for SECONDS;
 *                                        prints {"datagrams":…,"seconds":…,"cpu_s":…}
 *   udp echo recvfrom|recvmmsg           bind 127.0.0.1:0, print the port, send every
 *                                        datagram back (until killed)
 *   udp client PORT WINDOW SECONDS SIZE  keep WINDOW datagrams in flight to the echo
 *                                        server for SECONDS (a lost one is replaced after
 *                                        20 ms of silence); prints
 *                                        {"roundtrips":…,"seconds":…,"rtps":…}
 */
#include "common.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#define BATCH 64
#define MAXSZ 2048

static void usage(void) {
  fprintf(stderr,
          "usage: udp blast PORT SECONDS SIZE | sink recvfrom|recvmmsg SECONDS |"
          " echo recvfrom|recvmmsg | client PORT WINDOW SECONDS SIZE\n");
  exit(2);
}

static int bound_socket(void) {
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) die("socket");
  int big = 8 << 20;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
  struct sockaddr_in sa = {.sin_family = AF_INET};
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, (struct sockaddr *)&sa, sizeof sa)) die("bind");
  socklen_t sl = sizeof sa;
  getsockname(fd, (struct sockaddr *)&sa, &sl);
  printf("%d\n", ntohs(sa.sin_port));
  fflush(stdout);
  return fd;
}

static int connected_socket(int port) {
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) die("socket");
  struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, (struct sockaddr *)&sa, sizeof sa)) die("connect");
  return fd;
}

static struct mmsghdr msgs[BATCH];
static struct iovec iovs[BATCH];
static char bufs[BATCH][MAXSZ];
static struct sockaddr_in names[BATCH];

static void setup_batch(size_t size, int with_names) {
  for (int i = 0; i < BATCH; i++) {
    iovs[i].iov_base = bufs[i];
    iovs[i].iov_len = size;
    memset(&msgs[i], 0, sizeof msgs[i]);
    msgs[i].msg_hdr.msg_iov = &iovs[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
    if (with_names) {
      msgs[i].msg_hdr.msg_name = &names[i];
      msgs[i].msg_hdr.msg_namelen = sizeof names[i];
    }
  }
}

static int blast(int port, double seconds, size_t size) {
  int fd = connected_socket(port);
  setup_batch(size, 0);
  long long sent = 0;
  double end = now_s() + seconds;
  while (now_s() < end) {
    int n = sendmmsg(fd, msgs, BATCH, 0);
    if (n > 0) sent += n;
    else if (errno != ENOBUFS && errno != EAGAIN && errno != ECONNREFUSED && errno != EINTR)
      die("sendmmsg");
  }
  printf("{\"sent\":%lld}\n", sent);
  return 0;
}

static int sink(int mmsg, double seconds) {
  int fd = bound_socket();
  setup_batch(MAXSZ, 1);
  struct timeval tv = {.tv_sec = 0, .tv_usec = 200000};
  /* the first datagram starts the clock (blocking, no timeout yet) */
  if (recv(fd, bufs[0], MAXSZ, 0) < 0) die("recv");
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  double cpu0 = cpu_self_s(), t0 = now_s(), end = t0 + seconds;
  long long count = 0;
  while (now_s() < end) {
    if (mmsg) {
      for (int i = 0; i < BATCH; i++) msgs[i].msg_hdr.msg_namelen = sizeof names[i];
      int n = recvmmsg(fd, msgs, BATCH, 0, NULL);
      if (n > 0) count += n;
      else if (errno != EAGAIN && errno != EINTR) die("recvmmsg");
    } else {
      socklen_t sl = sizeof names[0];
      ssize_t n = recvfrom(fd, bufs[0], MAXSZ, 0, (struct sockaddr *)&names[0], &sl);
      if (n >= 0) count++;
      else if (errno != EAGAIN && errno != EINTR) die("recvfrom");
    }
  }
  double t = now_s() - t0;
  printf("{\"datagrams\":%lld,\"seconds\":%.6f,\"cpu_s\":%.6f}\n", count, t, cpu_self_s() - cpu0);
  return 0;
}

static void __attribute__((noreturn)) echo(int mmsg) {
  int fd = bound_socket();
  setup_batch(MAXSZ, 1);
  for (;;) {
    if (mmsg) {
      for (int i = 0; i < BATCH; i++) {
        msgs[i].msg_hdr.msg_namelen = sizeof names[i];
        iovs[i].iov_len = MAXSZ;
      }
      int n = recvmmsg(fd, msgs, BATCH, MSG_WAITFORONE, NULL);
      if (n < 0) {
        if (errno == EINTR) continue;
        die("recvmmsg");
      }
      for (int i = 0; i < n; i++) iovs[i].iov_len = msgs[i].msg_len;
      int off = 0;
      while (off < n) {
        int m = sendmmsg(fd, msgs + off, (unsigned)(n - off), 0);
        if (m < 0) {
          if (errno == EINTR) continue;
          break; /* drop the rest, as UDP may */
        }
        off += m;
      }
    } else {
      socklen_t sl = sizeof names[0];
      ssize_t n = recvfrom(fd, bufs[0], MAXSZ, 0, (struct sockaddr *)&names[0], &sl);
      if (n < 0) {
        if (errno == EINTR) continue;
        die("recvfrom");
      }
      sendto(fd, bufs[0], (size_t)n, 0, (struct sockaddr *)&names[0], sl);
    }
  }
}

static int client(int port, int window, double seconds, size_t size) {
  int fd = connected_socket(port);
  char buf[MAXSZ];
  memset(buf, 'x', sizeof buf);
  for (int i = 0; i < window; i++) send(fd, buf, size, 0);
  struct pollfd p = {.fd = fd, .events = POLLIN};
  long long trips = 0;
  double t0 = now_s(), end = t0 + seconds;
  while (now_s() < end) {
    int r = poll(&p, 1, 20);
    if (r == 0) { /* silence: replace what was lost */
      for (int i = 0; i < window; i++) send(fd, buf, size, MSG_DONTWAIT);
      continue;
    }
    ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
    if (n < 0) continue;
    trips++;
    send(fd, buf, size, 0);
  }
  double t = now_s() - t0;
  printf("{\"roundtrips\":%lld,\"seconds\":%.6f,\"rtps\":%.1f}\n", trips, t, trips / t);
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 2) usage();
  if (!strcmp(argv[1], "blast") && argc == 5)
    return blast(atoi(argv[2]), atof(argv[3]), (size_t)atoi(argv[4]));
  if (!strcmp(argv[1], "sink") && argc == 4)
    return sink(!strcmp(argv[2], "recvmmsg"), atof(argv[3]));
  if (!strcmp(argv[1], "echo") && argc == 3) echo(!strcmp(argv[2], "recvmmsg"));
  if (!strcmp(argv[1], "client") && argc == 6)
    return client(atoi(argv[2]), atoi(argv[3]), atof(argv[4]), (size_t)atoi(argv[5]));
  usage();
  return 2;
}
