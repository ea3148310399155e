// The two kernel sockets watch_ebpf() reads instead of tracee's eBPF programs: the process
// events connector (NETLINK_CONNECTOR joined to CN_IDX_PROC: exec, exit and fork of every
// process) and a cooked AF_PACKET socket (every IP packet on every interface, link header
// stripped). Both are non-blocking; recvBatch() drains what the kernel has queued into a
// caller's buffer without ever waiting, so Node polls them (engine/endpoint/builtins/linux/
// kernel-events.ts) and nothing blocks a thread. The kernel's own socket buffers bound the
// backlog: when they fill, the kernel drops and counts (ENOBUFS, PACKET_STATISTICS).
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/connector.h>
#include <linux/cn_proc.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/netlink.h>
#include <node_api.h>

// Each record in recvBatch()'s buffer: u32 length of data, u16 packet type, u16 protocol
// (host order), u32 interface index, u16 hardware type, u16 zero; then the data, padded to 4.
#define RECORD_HEADER 16
#define MAX_DATAGRAM 65536

static napi_value fail(napi_env env, const char* what, int err) {
  char message[160];
  snprintf(message, sizeof message, "%s: %s", what, strerror(err));
  napi_throw_error(env, err == EPERM || err == EACCES ? "EPERM" : "EKERNEL", message);
  return NULL;
}

static napi_value int_value(napi_env env, int64_t v) {
  napi_value result;
  napi_create_int64(env, v, &result);
  return result;
}

static void set_buffers(int fd, int size) {
  // SO_RCVBUFFORCE (root) may exceed rmem_max; SO_RCVBUF is the fallback.
  if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) < 0) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
}

// openProcConnector() -> file descriptor subscribed to the process events.
static napi_value open_proc_connector(napi_env env, napi_callback_info info) {
  (void)info;
  int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_CONNECTOR);
  if (fd < 0) return fail(env, "socket(NETLINK_CONNECTOR)", errno);
  struct sockaddr_nl addr;
  memset(&addr, 0, sizeof addr);
  addr.nl_family = AF_NETLINK;
  addr.nl_groups = CN_IDX_PROC;
  addr.nl_pid = 0;
  if (bind(fd, (struct sockaddr*)&addr, sizeof addr) < 0) {
    int err = errno;
    close(fd);
    return fail(env, "bind(CN_IDX_PROC)", err);
  }
  set_buffers(fd, 4 << 20);
  struct {
    struct nlmsghdr nl;
    struct cn_msg cn;
    enum proc_cn_mcast_op op;
  } __attribute__((packed)) msg;
  memset(&msg, 0, sizeof msg);
  msg.nl.nlmsg_len = sizeof msg;
  msg.nl.nlmsg_type = NLMSG_DONE;
  msg.nl.nlmsg_pid = 0;
  msg.cn.id.idx = CN_IDX_PROC;
  msg.cn.id.val = CN_VAL_PROC;
  msg.cn.len = sizeof(enum proc_cn_mcast_op);
  msg.op = PROC_CN_MCAST_LISTEN;
  if (send(fd, &msg, sizeof msg, 0) < 0) {
    int err = errno;
    close(fd);
    return fail(env, "send(PROC_CN_MCAST_LISTEN)", err);
  }
  return int_value(env, fd);
}

// openPacketSocket() -> file descriptor receiving every IPv4/IPv6 packet, cooked (SOCK_DGRAM).
static napi_value open_packet_socket(napi_env env, napi_callback_info info) {
  (void)info;
  int fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_ALL));
  if (fd < 0) return fail(env, "socket(AF_PACKET)", errno);
  set_buffers(fd, 8 << 20);
  return int_value(env, fd);
}

// recvBatch(fd, buffer) -> bytes of records written (0: nothing queued); -ENOBUFS when the
// kernel dropped messages since the last call (the socket stays usable); throws on other errors.
static napi_value recv_batch(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t fd = -1;
  uint8_t* buf = NULL;
  size_t cap = 0;
  if (argc < 2 || napi_get_value_int32(env, argv[0], &fd) != napi_ok || napi_get_buffer_info(env, argv[1], (void**)&buf, &cap) != napi_ok) {
    napi_throw_type_error(env, NULL, "recvBatch(fd, buffer)");
    return NULL;
  }
  size_t off = 0;
  while (off + RECORD_HEADER + MAX_DATAGRAM <= cap) {
    struct sockaddr_storage from;
    socklen_t fromlen = sizeof from;
    ssize_t n = recvfrom(fd, buf + off + RECORD_HEADER, MAX_DATAGRAM, MSG_DONTWAIT, (struct sockaddr*)&from, &fromlen);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      if (errno == EINTR) continue;
      if (errno == ENOBUFS) return int_value(env, off > 0 ? (int64_t)off : -ENOBUFS);
      return fail(env, "recvfrom", errno);
    }
    uint32_t len = (uint32_t)n;
    uint16_t pkttype = 0, protocol = 0, hatype = 0, zero = 0;
    uint32_t ifindex = 0;
    if (from.ss_family == AF_PACKET) {
      struct sockaddr_ll* ll = (struct sockaddr_ll*)&from;
      pkttype = ll->sll_pkttype;
      protocol = ntohs(ll->sll_protocol);
      hatype = ll->sll_hatype;
      ifindex = (uint32_t)ll->sll_ifindex;
    }
    memcpy(buf + off, &len, 4);
    memcpy(buf + off + 4, &pkttype, 2);
    memcpy(buf + off + 6, &protocol, 2);
    memcpy(buf + off + 8, &ifindex, 4);
    memcpy(buf + off + 12, &hatype, 2);
    memcpy(buf + off + 14, &zero, 2);
    off += RECORD_HEADER + ((len + 3) & ~3u);
  }
  return int_value(env, (int64_t)off);
}

// packetDrops(fd) -> packets the kernel dropped on this packet socket since the last call.
static napi_value packet_drops(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t fd = -1;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc > 0) napi_get_value_int32(env, argv[0], &fd);
  struct tpacket_stats stats;
  socklen_t len = sizeof stats;
  memset(&stats, 0, sizeof stats);
  if (getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, &stats, &len) < 0) return fail(env, "getsockopt(PACKET_STATISTICS)", errno);
  return int_value(env, stats.tp_drops);
}

static void export_fn(napi_env env, napi_value exports, const char* name, napi_callback cb) {
  napi_value fn;
  napi_create_function(env, name, NAPI_AUTO_LENGTH, cb, NULL, &fn);
  napi_set_named_property(env, exports, name, fn);
}

static napi_value init(napi_env env, napi_value exports) {
  export_fn(env, exports, "openProcConnector", open_proc_connector);
  export_fn(env, exports, "openPacketSocket", open_packet_socket);
  export_fn(env, exports, "recvBatch", recv_batch);
  export_fn(env, exports, "packetDrops", packet_drops);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
