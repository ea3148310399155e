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
  Index: number;
  Name: string;
  MTU: number;
  HardwareAddr: string;
  Addrs: string[];
}

export interface EndpointFs {
  /** Files matching any of the patterns (relative patterns start at root). */
  glob(patterns: string[], opts: { root?: string; signal: AbortSignal; followLinks?: boolean }): AsyncIterable<FileInfo>;
  stat(path: string): Promise<FileInfo | undefined>;
  /** The file's bytes from offset, at most length bytes, in chunks. */
  read(path: string, opts: { offset?: number; length?: number; signal: AbortSignal }): AsyncIterable<Uint8Array>;
}

export interface ExecResult {
  Stdout: string;
  Stderr: string;
  ReturnCode: number | null;
  Complete: boolean;
}

export interface EndpointSystem {
  /** Velociraptor's info() row. */
  info(): Promise<Record<string, unknown>>;
  processes(signal: AbortSignal): AsyncIterable<ProcessInfo>;
  connections(signal: AbortSignal): AsyncIterable<ConnectionInfo>;
  users(): Promise<UserInfo[]>;
  interfaces(): Promise<InterfaceInfo[]>;
  /** Seconds since boot. */
  uptime(): Promise<number>;
  fs: EndpointFs;
  /** Runs a program; absent on endpoints that cannot (synthetic ones). */
  execve?(argv: string[], opts: { signal: AbortSignal; cwd?: string; env?: Record<string, string>; maxBytes: number }): AsyncIterable<ExecResult>;
}
