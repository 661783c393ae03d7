/*
 * LD_PRELOAD shim for tests: librdkafka's mock cluster (kcat -X test.mock.num.brokers=N) listens on ephemeral
 * ports, so a cluster killed and started again would be elsewhere, and a node cannot be pointed at a cluster that
 * is not up yet. With FIXED_PORTS=p1,p2,... each bind() to port 0 takes the next of these ports instead (with
 * SO_REUSEADDR, so a port left in TIME_WAIT by the killed cluster is taken again at once). Other binds pass through.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
static int next_index = 0;
int bind(int fd, const struct sockaddr *addr, socklen_t len) {
  static int (*real_bind)(int, const struct sockaddr *, socklen_t);
  if (!real_bind) real_bind = dlsym(RTLD_NEXT, "bind");
  const char *ports = getenv("FIXED_PORTS");
  if (ports && addr && addr->sa_family == AF_INET && len >= sizeof(struct sockaddr_in) && ((const struct sockaddr_in *)addr)->sin_port == 0) {
    const char *p = ports;
    for (int i = 0; i < next_index && p; i++) { p = strchr(p, ','); if (p) p++; }
    if (p && *p) {
      struct sockaddr_in copy;
      memcpy(&copy, addr, sizeof copy);
      copy.sin_port = htons((unsigned short)atoi(p));
      next_index++;
      int one = 1;
      setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
      return real_bind(fd, (const struct sockaddr *)&copy, sizeof copy);
    }
  }
  return real_bind(fd, addr, len);
}
