// What the agent's builtins ask of the endpoint. The Linux implementation reads /proc, /etc and
// the file system (linux/); pool mode supplies synthetic endpoints (../pool/). Builtins only see
// this interface, so the same plugins serve both.

/** A file or directory, as glob() and stat() return it (Velociraptor's column names). */
export interface FileInfo {
  Name: string;
  OSPath: string;
  Size: number;
  /** `drwxr-xr-x` style. */
  Mode: string;
  IsDir: boolean;
  IsLink: boolean;
  Mtime: Date;
  Atime: Date;
  Ctime: Date;
  Btime: Date;
  /** Owner and group ids, where the endpoint knows them (glob()'s Sys.Uid, Sys.Gid). */
  Uid?: number;
  Gid?: number;
  /**
   * Velociraptor's file accessor `Data` (accessors/file/accessor_common.go): the device's
   * DevMajor and DevMinor, and a link's Link target. Absent on endpoints without devices.
   */
  Data?: { Link?: string; DevMajor: number; DevMinor: number };
}

export interface ProcessInfo {
  Pid: number;
  Ppid: number;
  Name: string;
  Username: string;
  Uid: number;
  Exe: string;
  CommandLine: string;
  CreateTime: Date;
  Status: string;
  Threads: number;
  /** Resident memory in bytes. */
  RSS: number;
  /** Virtual memory in bytes. */
  VMS: number;
  /** CPU seconds spent in user mode. */
  UserTime: number;
  /** CPU seconds spent in the kernel. */
  SystemTime: number;
}

export interface ConnectionInfo {
  Pid: number;
  /** IPv4 or IPv6. */
  Family: string;
  /** TCP or UDP. */
  Type: string;
  Status: string;
  Laddr: { IP: string; Port: number };
  Raddr: { IP: string; Port: number };
}

export interface UserInfo {
  Name: string;
  Uid: number;
  Gid: number;
  Description: string;
  Homedir: string;
  Shell: string;
}

export interface InterfaceInfo {
  /** The kernel's interface index. */
  Index: number;
  MTU: number;
  Name: string;
  /** `aa:bb:cc:dd:ee:ff`; empty when the interface has none or it is all zeros (loopback), as Go reports it. */
  HardwareAddr: string;
  /** Go's net.Flags text: `up|broadcast|loopback|pointtopoint|multicast|running`. */
  Flags?: string;
  Addrs: string[];
}

export interface GlobOptions {
  root?: string;
  signal: AbortSignal;
  followLinks?: boolean;
  /**
   * Velociraptor's recursion_callback: asked about each entry the walk would descend into (a
   * directory, or a link to one); false keeps the walk out of it (the entry itself still matches).
   */
  descend?: (entry: FileInfo) => Promise<boolean>;
  /** Velociraptor's one_filesystem: a symlink to a directory on another device is not followed. */
  oneFilesystem?: boolean;
}

export interface EndpointFs {
  /** Files matching any of the patterns (relative patterns start at root). */
  glob(patterns: string[], opts: GlobOptions): AsyncIterable<FileInfo>;
  stat(path: string): Promise<FileInfo | undefined>;
  /** The file's bytes from offset, at most length bytes, in chunks. */
  read(path: string, opts: { offset?: number; length?: number; signal: AbortSignal }): AsyncIterable<Uint8Array>;
  /**
   * Where the endpoint guards paths (protected-paths.ts): the refusal message for `path` (logged
   * once), else undefined. Raw readers (the ext4 accessors) ask it about the system paths they
   * reach past the kernel's file API, which the guard would otherwise never see.
   */
  refusal?(path: string): Promise<string | undefined>;
}

/** An open file being written (write_csv(), copy(), tempfile()...). */
export interface FileSink {
  write(chunk: Uint8Array | string): Promise<void>;
  close(): Promise<void>;
}

export interface WriteOptions {
  /** Add to the end instead of truncating. */
  append?: boolean;
  /** Fail when the file exists (temp files). */
  exclusive?: boolean;
  /** Permission bits of a new file (e.g. 0o644). */
  mode?: number;
  /** Make missing parent directories, with these permission bits (default 0o755). */
  createDirectories?: boolean;
  dirMode?: number;
}

/** Changes to the endpoint's files: FILESYSTEM_WRITE builtins. */
export interface EndpointWriter {
  /** The system's directory for temporary files. */
  tempDir(): string;
  open(path: string, opts: WriteOptions): Promise<FileSink>;
  /** A new, empty directory under tempDir(). */
  mkdtemp(): Promise<string>;
  /** Removes a file (a directory and its contents with recursive). */
  remove(path: string, opts?: { recursive?: boolean }): Promise<void>;
}

/** DNS lookups for host(). */
export interface DnsQuery {
  name: string;
  /** A (the default: every address the system resolver gives), AAAA, CNAME, NS, MX, TXT, SOA, PTR. */
  type: string;
  /** `ip` or `ip:port` of a DNS server to ask instead of the system resolver. */
  server?: string;
  signal: AbortSignal;
}

export interface ExecResult {
  Stdout: string;
  Stderr: string;
  ReturnCode: number | null;
  Complete: boolean;
}

export interface ExecOptions {
  signal: AbortSignal;
  cwd?: string;
  env?: Record<string, string>;
  maxBytes: number;
  /**
   * Velociraptor's execve(sep=): stdout and stderr are split at `sep` and each non-empty piece
   * is a row's Stdout (pieces longer than maxBytes are cut); the last row carries only the
   * return code.
   */
  sep?: string;
}

/**
 * A program started with pipes on all three streams (shell_session()): output arrives through
 * the callbacks until both pipes close, then onExit; stdin stays open until closeStdin().
 */
export interface ShellProcess {
  onOutput(cb: (stream: "Stdout" | "Stderr", data: string) => void): void;
  /** Once, after the output pipes closed (code null: killed by a signal); error: it could not start. */
  onExit(cb: (code: number | null, error?: Error) => void): void;
  write(data: string): void;
  closeStdin(): void;
  /** Stop reading output for now (back-pressure: nobody is reading the session). */
  pause(): void;
  resume(): void;
  kill(): void;
}

export interface EndpointSystem {
  /** Velociraptor's info() row. */
  info(): Promise<Record<string, unknown>>;
  /** Every process, or only `pid` when given (an endpoint may ignore the hint). */
  processes(signal: AbortSignal, pid?: number): AsyncIterable<ProcessInfo>;
  connections(signal: AbortSignal): AsyncIterable<ConnectionInfo>;
  users(): Promise<UserInfo[]>;
  interfaces(): Promise<InterfaceInfo[]>;
  /** Seconds since boot. */
  uptime(): Promise<number>;
  fs: EndpointFs;
  /** Runs a program; absent on endpoints that cannot (synthetic ones). */
  execve?(argv: string[], opts: ExecOptions): AsyncIterable<ExecResult>;
  /** Kills a process (pskill()): SIGKILL, as Velociraptor's psutils.Kill; absent on endpoints that cannot. */
  kill?(pid: number): Promise<void>;
  /** Starts a long-running program with stdin open (shell_session()); absent on endpoints that cannot. */
  spawnShell?(argv: string[], opts: { cwd?: string; env?: Record<string, string> }): ShellProcess;
  /** Event sources for watch_*() plugins; absent on endpoints that have none (synthetic ones). */
  events?: EndpointEvents;
  /** Writing files (tempfile(), copy(), rm(), unzip(), write_csv()...); absent on endpoints that cannot (synthetic ones). */
  writer?: EndpointWriter;
  /** The agent's environment variables (expand(), environ()); absent on synthetic endpoints. */
  environ?(): Promise<Record<string, string>>;
  /** sysinfo(): hardware and OS details (node, os, kernel, product, board, chassis, bios, cpu, memory); absent on synthetic endpoints. */
  sysinfo?(): Promise<Record<string, unknown>>;
  /** DNS resolution for host(); absent on synthetic endpoints. */
  resolve?(q: DnsQuery): Promise<string[]>;
  /** The firmware's UEFI variables (efivariables()); absent on synthetic endpoints. */
  efiVariables?: EfiVariables;
}

/** UEFI variables: namespace is the vendor GUID in braces, as Velociraptor writes it. */
export interface EfiVariables {
  /** Every variable's namespace and name; throws when the machine has no variables to list. */
  list(): Promise<Array<{ namespace: string; name: string }>>;
  /** A variable's contents as the OS gives them (on Linux: the 4 attribute bytes, then the data). */
  read(namespace: string, name: string): Promise<Uint8Array>;
}

/** A text file followed like `tail -F`: see EndpointEvents.followLines. */
export interface LineFollower {
  /** Complete lines appended since the last poll (or since opening). */
  poll(): Promise<string[]>;
  close(): Promise<void>;
}

export interface FileChange {
  Action: "created" | "modified" | "deleted";
  OSPath: string;
  /** The file after the change; for a deletion, as it was last seen. */
  Info: FileInfo;
}

/** The kernel's audit records (audit()): see engine/endpoint/builtins/linux/audit-netlink.ts. */
export interface AuditSource {
  /** Why records cannot be read here (no addon, not Linux); undefined when they can. */
  unavailable(): string | undefined;
  /** Records as they come; `null` after each quiet moment (a reader flushes incomplete events then). */
  follow(signal: AbortSignal): AsyncIterable<{ type: string; text: string } | null>;
}

/** One event of the kernel's process events connector (watch_ebpf()); times are CLOCK_MONOTONIC ns. */
export type KernelProcessEvent =
  | { kind: "exec"; pid: number; tgid: number; cpu: number; monotonicNs: bigint }
  | { kind: "exit"; pid: number; tgid: number; cpu: number; monotonicNs: bigint; exitCode: number; exitSignal: number }
  | { kind: "fork"; parentPid: number; parentTgid: number; childPid: number; childTgid: number; cpu: number; monotonicNs: bigint };

/** One IP packet seen on an interface (link header stripped): egress leaves this host, ingress arrives. */
export interface KernelPacket {
  direction: "ingress" | "egress";
  /** The link layer's protocol: 0x0800 IPv4, 0x86dd IPv6. */
  ethertype: number;
  ifindex: number;
  data: Uint8Array;
  /** When it was read (ms since the epoch). */
  timestampMs: number;
}

/** What the kernel queued since the last batch, and how many it dropped because it was not read fast enough. */
export interface KernelBatch<T> {
  items: T[];
  dropped: number;
}

/** A task as tracee's event context describes it, read from /proc/<pid> now. */
export interface KernelTask {
  /** Host ids (the agent's PID namespace) and the ids inside the task's own namespace. */
  hostPid: number;
  hostTid: number;
  hostPpid: number;
  pid: number;
  tid: number;
  ppid: number;
  uid: number;
  comm: string;
  exe: string;
  argv: string[];
  cwd: string;
  /** The thread's start (ms since the epoch). */
  startTimeMs: number;
  mountNs: number;
  cgroupId: number;
  /** The executable's file: device (kernel encoding), inode, ctime (ns), mode. */
  exeFile?: { dev: number; inode: number; ctimeNs: number; mode: number };
  stdin?: { path: string; type: number };
  /** The environment, secret-looking variables left out; only when asked for. */
  env?: string[];
}

/** The kernel interfaces watch_ebpf() reads instead of eBPF: engine/endpoint/builtins/linux/kernel-events.ts. */
export interface KernelEventSource {
  /** Why these cannot be read here (no addon, not Linux, not root); undefined when they can. */
  unavailable(): string | undefined;
  processEvents(signal: AbortSignal): AsyncIterable<KernelBatch<KernelProcessEvent>>;
  packets(signal: AbortSignal): AsyncIterable<KernelBatch<KernelPacket>>;
  /** The task now; undefined once it is gone. */
  task(tid: number, opts?: { env?: boolean }): Promise<KernelTask | undefined>;
  /** The host pid of the process holding this local TCP or UDP socket, when one can be found. */
  socketOwner(proto: "tcp" | "udp", localIp: string, localPort: number): Promise<number | undefined>;
}

export interface EndpointEvents {
  /** The kernel's audit records; absent on endpoints that have none. */
  audit?: AuditSource;
  /** Process and packet events from the kernel (watch_ebpf()); absent on endpoints that have none. */
  kernel?: KernelEventSource;
  /**
   * Opens `path` for following. `fromStart`: the first poll returns the lines already there;
   * otherwise only lines written after the call. A missing file is waited for, and read from
   * its start when it appears. Lines longer than `bufferSize` bytes come in pieces.
   */
  followLines(path: string, opts: { fromStart: boolean; bufferSize: number }): Promise<LineFollower>;
  /** New systemd journal entries as journalctl's JSON objects (field name to value), from `files` or the system journal. */
  journal(opts: { files?: string[]; signal: AbortSignal }): AsyncIterable<Record<string, unknown>>;
  /**
   * Files matching the patterns that are created, modified or deleted from now on. `onReady`
   * is called once the watch is in place, with the number of directories watched.
   */
  watchFiles(patterns: string[], opts: { root?: string; signal: AbortSignal; onReady?: (directories: number) => void }): AsyncIterable<FileChange>;
}
