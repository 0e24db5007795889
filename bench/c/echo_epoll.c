/*
 * Single-threaded, level-triggered epoll echo server.
 *
 *   echo_epoll            bind 127.0.0.1:0, print the port on stdout
 *
 * Every read (up to 64 KiB) is written straight back; a short write is kept
 * in a per-connection buffer and finished on EPOLLOUT. Runs until killed or,
 * when stdin is a pipe or a terminal, until stdin reaches EOF.
 */
#include "common.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>

#define BUFSZ 65536
#define MAXEV 256

struct conn {
  int fd;
  size_t pend_off, pend_len; /* unsent bytes in pend */
  unsigned char *pend;
};

static int epfd;

static void conn_close(struct conn *c) {
  epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
  close(c->fd);
  free(c->pend);
  free(c);
}

/* Returns 0 when everything was written, 1 when some is pending, -1 on error. */
static int flush_pending(struct conn *c) {
  while (c->pend_off < c->pend_len) {
    ssize_t w = send(c->fd, c->pend + c->pend_off, c->pend_len - c->pend_off, MSG_NOSIGNAL);
    if (w < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) return 1;
      return -1;
    }
    c->pend_off += (size_t)w;
  }
  c->pend_off = c->pend_len = 0;
  return 0;
}

int main(void) {
  static unsigned char buf[BUFSZ];
  raise_nofile(1 << 16);
  setvbuf(stdout, NULL, _IONBF, 0);

  int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (lfd < 0) die("socket");
  int one = 1;
  setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = 0};
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(lfd, (struct sockaddr *)&sa, sizeof sa) != 0) die("bind");
  if (listen(lfd, 4096) != 0) die("listen");
  socklen_t sl = sizeof sa;
  getsockname(lfd, (struct sockaddr *)&sa, &sl);

  epfd = epoll_create1(EPOLL_CLOEXEC);
  if (epfd < 0) die("epoll_create1");
  struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};
  epoll_ctl(epfd, EPOLL_CTL_ADD, lfd, &ev);

  /* Watch stdin only when it can deliver a meaningful EOF. */
  struct stat st;
  static int stdin_marker;
  if (fstat(0, &st) == 0 && (S_ISFIFO(st.st_mode) || isatty(0))) {
    ev.events = EPOLLIN;
    ev.data.ptr = &stdin_marker;
    epoll_ctl(epfd, EPOLL_CTL_ADD, 0, &ev);
  }
  printf("%d\n", ntohs(sa.sin_port));

  struct epoll_event evs[MAXEV];
  for (;;) {
    int n = epoll_wait(epfd, evs, MAXEV, -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      die("epoll_wait");
    }
    for (int i = 0; i < n; i++) {
      void *p = evs[i].data.ptr;
      if (p == &stdin_marker) {
        ssize_t r = read(0, buf, sizeof buf);
        if (r <= 0) return 0;
        continue;
      }
      if (p == NULL) { /* listener: accept everything pending (bounded) */
        for (int k = 0; k < 1024; k++) {
          int cfd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
          if (cfd < 0) break;
          setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          struct conn *c = calloc(1, sizeof *c);
          if (!c) die("calloc");
          c->fd = cfd;
          struct epoll_event cev = {.events = EPOLLIN | EPOLLRDHUP, .data.ptr = c};
          epoll_ctl(epfd, EPOLL_CTL_ADD, cfd, &cev);
        }
        continue;
      }
      struct conn *c = p;
      if (evs[i].events & EPOLLOUT) {
        int f = flush_pending(c);
        if (f < 0) { conn_close(c); continue; }
        if (f == 0) {
          struct epoll_event cev = {.events = EPOLLIN | EPOLLRDHUP, .data.ptr = c};
          epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &cev);
        }
        continue;
      }
      if (c->pend_len) continue; /* back-pressure: wait for EPOLLOUT */
      ssize_t r = recv(c->fd, buf, sizeof buf, 0);
      if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) {
        conn_close(c);
        continue;
      }
      if (r < 0) continue;
      ssize_t w = send(c->fd, buf, (size_t)r, MSG_NOSIGNAL);
      if (w < 0 && errno != EAGAIN) { conn_close(c); continue; }
      if (w < 0) w = 0;
      if (w < r) {
        size_t left = (size_t)(r - w);
        c->pend = realloc(c->pend, left);
        if (!c->pend) die("realloc");
        memcpy(c->pend, buf + w, left);
        c->pend_off = 0;
        c->pend_len = left;
        struct epoll_event cev = {.events = EPOLLOUT, .data.ptr = c};
        epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &cev);
      }
    }
  }
}
