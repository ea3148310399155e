// A Linux NETLINK_AUDIT socket joined to the kernel's read-only audit multicast group
// (AUDIT_NLGRP_READLOG, Linux 3.16+, CAP_AUDIT_READ): the kernel copies every audit record to
// it without taking auditd's place. Only the socket is native; Node reads the descriptor
// (engine/endpoint/builtins/linux/audit-netlink.ts). Reads time out every receiveTimeoutMs so
// a reader can notice it was cancelled.
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <node_api.h>

#ifndef NETLINK_AUDIT
#define NETLINK_AUDIT 9
#endif
#define AUDIT_NLGRP_READLOG 1

static napi_value fail(napi_env env, const char* what, int err) {
  char message[160];
  snprintf(message, sizeof message, "%s: %s", what, strerror(err));
  napi_throw_error(env, err == EPERM || err == EACCES ? "EPERM" : "EAUDIT", message);
  return NULL;
}

// openMulticast(receiveTimeoutMs) -> file descriptor
static napi_value open_multicast(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t timeout_ms = 250;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc > 0) napi_get_value_int32(env, argv[0], &timeout_ms);
  int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);
  if (fd < 0) return fail(env, "socket(NETLINK_AUDIT)", errno);
  struct sockaddr_nl addr;
  memset(&addr, 0, sizeof addr);
  addr.nl_family = AF_NETLINK;
  addr.nl_groups = 1u << (AUDIT_NLGRP_READLOG - 1);
  if (bind(fd, (struct sockaddr*)&addr, sizeof addr) < 0) {
    int err = errno;
    close(fd);
    return fail(env, "bind(audit multicast group)", err);
  }
  struct timeval tv = { timeout_ms / 1000, (timeout_ms % 1000) * 1000 };
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  int size = 1 << 20;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  napi_value result;
  napi_create_int32(env, fd, &result);
  return result;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_value fn;
  napi_create_function(env, "openMulticast", NAPI_AUTO_LENGTH, open_multicast, NULL, &fn);
  napi_set_named_property(env, exports, "openMulticast", fn);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
