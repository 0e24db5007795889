/*
 * Closed-loop load generator (single-threaded epoll).
 *
 *   loadgen HOST PORT CONNS WARMUP_S MEASURE_S [options]
 *     --size N          request size in bytes (default 64); waits for N bytes back
 *     --server-pid PID  read /proc/PID/stat (utime+stime) at the window edges
 *     --idle            after one round trip per connection, stay silent:
 *                       the window measures an idle server holding CONNS sockets
 *     --setup-timeout S give up if the connections are not all up after S s (default 30)
 *
 * Connections are opened at most 64 at a time (each one is "up" once its first
 * echo came back) so that no listen backlog overflows. Then WARMUP_S of load,
 * then MEASURE_S measured. Prints one JSON line:
 *   {"requests":…,"seconds":…,"rps":…,"server_cpu_s":…,"loadgen_cpu_s":…,"errors":…}
 * server_cpu_s is -1 without --server-pid. Exit status 1 on setup failure.
 */
#include "common.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>

enum { ST_CONNECTING, ST_SENDING, ST_RECEIVING, ST_IDLE, ST_DEAD };

struct conn {
  int fd;
  int state;
  int up; /* first echo received */
  uint32_t events; /* currently registered epoll events */
  size_t sent, got;
};

static size_t msg_size = 64;
static unsigned char *req;
static int epfd;

static double proc_cpu_s(int pid) {
  if (pid <= 0) return -1;
  char path[64], buf[2048];
  snprintf(path, sizeof path, "/proc/%d/stat", pid);
  FILE *f = fopen(path, "r");
  if (!f) return -1;
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = 0;
  char *p = strrchr(buf, ')');
  if (!p) return -1;
  p++;
  /* after ')': state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime */
  unsigned long long ut = 0, stt = 0;
  char *save = NULL;
  int idx = 0;
  for (char *tok = strtok_r(p, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
    idx++;
    if (idx == 12) ut = strtoull(tok, NULL, 10);
    if (idx == 13) { stt = strtoull(tok, NULL, 10); break; }
  }
  return (double)(ut + stt) / (double)sysconf(_SC_CLK_TCK);
}

static void set_events(struct conn *c, uint32_t events) {
  if (c->events == events) return;
  c->events = events;
  struct epoll_event ev = {.events = events, .data.ptr = c};
  epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev);
}

static void kill_conn(struct conn *c) {
  if (c->state == ST_DEAD) return;
  epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
  close(c->fd);
  c->state = ST_DEAD;
}

/* Try to push the rest of the request. Returns -1 on error. */
static int do_send(struct conn *c) {
  while (c->sent < msg_size) {
    ssize_t w = send(c->fd, req + c->sent, msg_size - c->sent, MSG_NOSIGNAL);
    if (w < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) { set_events(c, EPOLLOUT); c->state = ST_SENDING; return 0; }
      return -1;
    }
    c->sent += (size_t)w;
  }
  set_events(c, EPOLLIN);
  c->state = ST_RECEIVING;
  c->got = 0;
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 6) {
    fprintf(stderr, "usage: loadgen HOST PORT CONNS WARMUP_S MEASURE_S [--size N] [--server-pid PID] [--idle] [--setup-timeout S]\n");
    return 2;
  }
  const char *host = argv[1];
  int port = atoi(argv[2]);
  int nconns = atoi(argv[3]);
  double warmup = atof(argv[4]), measure = atof(argv[5]);
  int server_pid = 0, idle = 0;
  double setup_timeout = 30;
  for (int i = 6; i < argc; i++) {
    if (!strcmp(argv[i], "--size") && i + 1 < argc) msg_size = (size_t)atol(argv[++i]);
    else if (!strcmp(argv[i], "--server-pid") && i + 1 < argc) server_pid = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--idle")) idle = 1;
    else if (!strcmp(argv[i], "--setup-timeout") && i + 1 < argc) setup_timeout = atof(argv[++i]);
    else { fprintf(stderr, "loadgen: unknown option %s\n", argv[i]); return 2; }
  }
  if (nconns <= 0 || msg_size == 0 || msg_size > 1 << 20) { fprintf(stderr, "loadgen: bad arguments\n"); return 2; }
  raise_nofile((rlim_t)nconns + 64);

  req = malloc(msg_size);
  unsigned char *rbuf = malloc(msg_size > 65536 ? msg_size : 65536);
  memset(req, 'x', msg_size);

  struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) { fprintf(stderr, "loadgen: bad IPv4 host %s\n", host); return 2; }

  epfd = epoll_create1(EPOLL_CLOEXEC);
  struct conn *conns = calloc((size_t)nconns, sizeof *conns);
  struct epoll_event evs[512];
  int one = 1;

  int opened = 0, up = 0, pending = 0, errors = 0;
  double t0 = now_s();
  double setup_deadline = t0 + setup_timeout;

  /* ---- setup: open connections, at most 64 not yet up ---- */
  while (up < nconns) {
    while (opened < nconns && pending < 64) {
      struct conn *c = &conns[opened++];
      c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
      if (c->fd < 0) die("socket");
      setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      int r = connect(c->fd, (struct sockaddr *)&sa, sizeof sa);
      if (r != 0 && errno != EINPROGRESS) die("connect");
      c->state = ST_CONNECTING;
      c->events = EPOLLOUT;
      struct epoll_event ev = {.events = EPOLLOUT, .data.ptr = c};
      epoll_ctl(epfd, EPOLL_CTL_ADD, c->fd, &ev);
      pending++;
    }
    double left = setup_deadline - now_s();
    if (left <= 0) {
      fprintf(stderr, "loadgen: only %d of %d connections up after %.1f s\n", up, nconns, setup_timeout);
      return 1;
    }
    int n = epoll_wait(epfd, evs, 512, (int)(left * 1000) + 1);
    if (n < 0 && errno != EINTR) die("epoll_wait");
    for (int i = 0; i < n; i++) {
      struct conn *c = evs[i].data.ptr;
      if (c->state == ST_CONNECTING) {
        int err = 0;
        socklen_t el = sizeof err;
        getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &el);
        if (err) { errno = err; die("connect"); }
        c->state = ST_SENDING;
        c->sent = 0;
        if (do_send(c) < 0) die("send");
        continue;
      }
      if (c->state == ST_SENDING) { if (do_send(c) < 0) die("send"); continue; }
      ssize_t r = recv(c->fd, rbuf, msg_size - c->got, 0);
      if (r == 0) { fprintf(stderr, "loadgen: server closed a connection during setup\n"); return 1; }
      if (r < 0) { if (errno == EAGAIN || errno == EINTR) continue; die("recv"); }
      c->got += (size_t)r;
      if (c->got == msg_size) {
        c->up = 1;
        up++;
        pending--;
        c->state = ST_IDLE;
      }
    }
  }
  double setup_s = now_s() - t0;

  /* ---- load (or idle) phases ---- */
  long long requests = 0;
  if (!idle) {
    for (int i = 0; i < nconns; i++) {
      conns[i].sent = 0;
      conns[i].state = ST_SENDING;
      if (do_send(&conns[i]) < 0) { kill_conn(&conns[i]); errors++; }
    }
  }
  double tw = now_s();
  double tm = tw + warmup, te = tm + measure;
  int measuring = 0;
  double cpu0 = -1, lcpu0 = 0, tstart = tm;
  for (;;) {
    double t = now_s();
    if (!measuring && t >= tm) {
      measuring = 1;
      tstart = t;
      cpu0 = proc_cpu_s(server_pid);
      lcpu0 = cpu_self_s();
    }
    if (t >= te) break;
    double until = measuring ? te - t : tm - t;
    int n = epoll_wait(epfd, evs, 512, (int)(until * 1000) + 1);
    if (n < 0) { if (errno == EINTR) continue; die("epoll_wait"); }
    for (int i = 0; i < n; i++) {
      struct conn *c = evs[i].data.ptr;
      if (c->state == ST_DEAD) continue;
      if (c->state == ST_SENDING) { if (do_send(c) < 0) { kill_conn(c); errors++; } continue; }
      ssize_t r = recv(c->fd, rbuf, idle ? 65536 : msg_size - c->got, 0);
      if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) { kill_conn(c); errors++; continue; }
      if (r < 0 || idle) continue;
      c->got += (size_t)r;
      if (c->got == msg_size) {
        if (measuring) requests++;
        c->sent = 0;
        c->state = ST_SENDING;
        if (do_send(c) < 0) { kill_conn(c); errors++; }
      }
    }
    if (errors >= nconns) break;
  }
  double tend = now_s();
  double cpu1 = proc_cpu_s(server_pid);
  double lcpu1 = cpu_self_s();
  double secs = tend - tstart;
  printf("{\"requests\":%lld,\"seconds\":%.6f,\"rps\":%.1f,\"server_cpu_s\":%.4f,"
         "\"loadgen_cpu_s\":%.4f,\"errors\":%d,\"conns\":%d,\"setup_s\":%.3f}\n",
         requests, secs, secs > 0 ? (double)requests / secs : 0.0,
         (cpu0 >= 0 && cpu1 >= 0) ? cpu1 - cpu0 : -1.0, lcpu1 - lcpu0, errors, nconns, setup_s);
  fflush(stdout);
  for (int i = 0; i < nconns; i++) kill_conn(&conns[i]);
  return 0;
}
