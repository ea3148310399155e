// GENERATED from engine/client/plugins (UPDATE_GOLDEN=1 npx vitest run engine/client/plugins/endpoint-catalogue.test.ts):
// the descriptors of the builtins the agent runs, for the server's editor completion, lint,
// artifact checks and "runs on endpoints" hints (the server never imports the agent).
import type { BuiltinDescriptor } from "../vql";

export const ENDPOINT_BUILTINS: readonly BuiltinDescriptor[] = [
 {
  "name": "connections",
  "kind": "plugin",
  "doc": "The same rows as netstat(): network connections with their owning process.",
  "category": "client",
  "args": [
   {
    "name": "kind",
    "type": "string",
    "doc": "Only TCP or UDP connections.",
    "required": false,
    "repeated": false
   },
   {
    "name": "status",
    "type": "string",
    "doc": "Only connections in this state (LISTEN, ESTABLISHED, ...).",
    "required": false,
    "repeated": false
   }
  ],
  "permissions": [
   "MACHINE_STATE"
  ],
  "platforms": [
   "client"
  ]
 },
 {
  "name": "execve",
  "kind": "plugin",
  "doc": "Runs a program with arguments (no shell) and returns its output: Stdout, Stderr, ReturnCode, Complete (rows of at most `length` bytes).",
  "category": "client",
  "args": [
   {
    "name": "argv",
    "type": "list<string>",
    "doc": "The program and its arguments.",
    "required": true,
    "repeated": true
   },
   {
    "name": "cwd",
    "type": "string",
    "doc": "Working directory.",
    "required": false,
    "repeated": false
   },
   {
    "name": "env",
    "type": "dict",
    "doc": "Extra environment variables.",
    "required": false,
    "repeated": false
   },
   {
    "name": "length",
    "type": "int",
    "doc": "Bytes of output per row at most.",
    "required": false,
    "repeated": false
   }
  ],
  "permissions": [
   "EXECVE"
  ],
  "platforms": [
   "client"
  ]
 },
 {
  "name": "getpid",
  "kind": "function",
  "doc": "The process id of the agent (in pool mode, of the process that runs the simulated agents).",
  "category": "client",
  "args": [],
  "permissions": [
   "MACHINE_STATE"
  ],
  "platforms": [
   "client"
  ]
 },
 {
  "name": "glob",
  "kind": "plugin",
  "doc": "Files matching glob patterns (`*`, `?`, `[...]`, `{a,b}`, `**` for any depth): Name, OSPath, Size, Mode, IsDir, IsLink, Mtime, Atime, Ctime, Btime.",
  "category": "client",
  "args": [
   {
    "name": "globs",
    "type": "list<string>",
    "doc": "Patterns to match; relative ones start at root.",
    "required": true,
    "repeated": true
   },
   {
    "name": "root",
    "type": "string",
    "doc": "Directory relative patterns start from (default /).",
    "required": false,
    "repeated": false
   },
   {
    "name": "accessor",
    "type": "string",
    "doc": "How files are read: auto or file (the local file system).",
    "required": false,
    "repeated": false
   },
   {
    "name": "nosymlink",
    "type": "bool",
    "doc": "Do not descend into symlinked directories.",
    "required": false,
    "repeated": false
   }
  ],
  "permissions": [
   "FILESYSTEM_READ"
  ],
  "platforms": [
   "client"
  ]
 },
 {
  "name": "hash",
  "kind": "function",
  "doc": "Hashes of a file's contents (or of `path` itself with accessor data): a dict with MD5, SHA1 and SHA256 (hex).",
  "category": "client",
  "args": [
   {
    "name": "path",
    "type": "string",
    "doc": "The file to hash.",
    "required": true,
    "repeated": false
   },
   {
    "name": "accessor",
    "type": "string",
    "doc": "auto or file; data hashes the text of `path`.",
    "required": false,
    "repeated": false
   },
   {
    "name": "hashselect",
    "type": "list<string>",
    "doc": "Subset of MD5, SHA1, SHA256 to compute.",
    "required": false,
    "repeated": true
   }
  ],
  "permissions": [
   "FILESYSTEM_READ"
  ],
  "platforms": [
   "client"
  ]
 },
 {
  "name": "info",
  "kind": "plugin",
  "doc": "One row about this endpoint: Hostname, Uptime, OS, Platform, PlatformVersion, KernelVersion, Architecture, Fqdn and more.",
  "category": "client",
  "args": [],
  "permissions": [
   "MACHINE_STATE"
  ],
  "platforms": [
   "client"
  ]
 },
 {
  "name": "interfaces",
  "kind": "plugin",
  "doc": "Network interfaces of the endpoint: Index, Name, MTU, HardwareAddr, Addrs.",
  "category": "client",
  "args": [],
  "permissions": [
   "MACHINE_STATE"
  ],
  "platforms": [
   "client"
  ]
 },
 {
  "name": "netstat",
  "kind": "plugin",
  "doc": "Network connections of the endpoint (from /proc/net on Linux): Pid, Family, Type, Status, Laddr {IP, Port}, Raddr {IP, Port}.",
  "category": "client",
  "args": [
   {
    "name": "kind",
    "type": "string",
    "doc": "Only TCP or UDP connections.",
    "required": false,
    "repeated": false
   },
   {
    "name": "status",
    "type": "string",
    "doc": "Only connections in this state (LISTEN, ESTABLISHED, ...).",
    "required": false,
    "repeated": false
   }
  ],
  "permissions": [
   "MACHINE_STATE"
  ],
  "platforms": [
   "client"
  ]
 },
 {
  "name": "process_tracker_callchain",
  "kind": "function",
  "doc": "The process and its ancestors from the process tracker, the oldest first (process entries as process_tracker_get() gives them).",
  "category": "client",
  "args": [
   {
    "name": "id",
    "type": "string",
    "doc": "The process id.",
    "required": true,
    "repeated": false
   },
   {
    "name": "max_items",
    "type": "int",
    "doc": "At most this many entries.",
    "required": false,
    "repeated": false
   }
  ],
  "permissions": [
   "MACHINE_STATE"
  ],
  "platforms": [
   "client"
  ]
 },
 {
  "name": "process_tracker_get",
  "kind": "function",
  "doc": "One process from the process tracker: {Id, ParentId, StartTime, EndTime, Data} where Data is its pslist() row; NULL when it is not running. Without an installed tracker the answer comes from pslist().",
  "category": "client",
  "args": [
   {
    "name": "id",
    "type": "string",
    "doc": "The process id.",
    "required": true,
    "repeated": false
   },
   {
    "name": "max_items",
    "type": "int",
    "doc": "Accepted for compatibility (not used).",
    "required": false,
    "repeated": false
   }
  ],
  "permissions": [
   "MACHINE_STATE"
  ],
  "platforms": [
   "client"
  ]
 },
 {
  "name": "pslist",
  "kind": "plugin",
  "doc": "Processes running on the endpoint (from /proc on Linux): Pid, Ppid, Name, Username, Uid, Exe, CommandLine, CreateTime, Status, Threads, Times {user, system} (CPU seconds), MemoryInfo {RSS, VMS}.",
  "category": "client",
  "args": [
   {
    "name": "pid",
    "type": "int",
    "doc": "Only this process.",
    "required": false,
    "repeated": false
   }
  ],
  "permissions": [
   "MACHINE_STATE"
  ],
  "platforms": [
   "client"
  ]
 },
 {
  "name": "read_file",
  "kind": "function",
  "doc": "The contents of a file as a string (at most `length` bytes from `offset`).",
  "category": "client",
  "args": [
   {
    "name": "filename",
    "type": "string",
    "doc": "The file to read.",
    "required": true,
    "repeated": false
   },
   {
    "name": "accessor",
    "type": "string",
    "doc": "auto or file; data returns filename itself.",
    "required": false,
    "repeated": false
   },
   {
    "name": "offset",
    "type": "int",
    "doc": "Where to start.",
    "required": false,
    "repeated": false
   },
   {
    "name": "length",
    "type": "int",
    "doc": "Bytes to read at most.",
    "required": false,
    "repeated": false
   }
  ],
  "permissions": [
   "FILESYSTEM_READ"
  ],
  "platforms": [
   "client"
  ]
 },
 {
  "name": "stat",
  "kind": "plugin",
  "doc": "Information about files (without following symlinks): the same columns as glob().",
  "category": "client",
  "args": [
   {
    "name": "filename",
    "type": "list<string>",
    "doc": "Paths to look at.",
    "required": true,
    "repeated": true
   },
   {
    "name": "accessor",
    "type": "string",
    "doc": "auto or file.",
    "required": false,
    "repeated": false
   }
  ],
  "permissions": [
   "FILESYSTEM_READ"
  ],
  "platforms": [
   "client"
  ]
 },
 {
  "name": "upload",
  "kind": "function",
  "doc": "Uploads a file to the server within the current collection: returns {Path, Size, StoredSize, sha256, Components}.",
  "category": "client",
  "args": [
   {
    "name": "file",
    "type": "string",
    "doc": "The file to upload.",
    "required": true,
    "repeated": false
   },
   {
    "name": "name",
    "type": "string",
    "doc": "Name to store it under (default: the file's path).",
    "required": false,
    "repeated": false
   },
   {
    "name": "accessor",
    "type": "string",
    "doc": "auto or file.",
    "required": false,
    "repeated": false
   }
  ],
  "permissions": [
   "FILESYSTEM_READ"
  ],
  "platforms": [
   "client"
  ]
 },
 {
  "name": "uptime",
  "kind": "function",
  "doc": "Seconds since the endpoint booted.",
  "category": "client",
  "args": [],
  "permissions": [
   "MACHINE_STATE"
  ],
  "platforms": [
   "client"
  ]
 },
 {
  "name": "users",
  "kind": "plugin",
  "doc": "Local user accounts of the endpoint (/etc/passwd on Linux): Name, Uid, Gid, Description, Homedir, Shell.",
  "category": "client",
  "args": [],
  "permissions": [
   "MACHINE_STATE"
  ],
  "platforms": [
   "client"
  ]
 },
 {
  "name": "watch_files",
  "kind": "plugin",
  "doc": "Watches files matching glob patterns and yields a row each time one is created, modified or deleted: Time, Action (created, modified, deleted), OSPath, Name, Size, Mode, IsDir, Mtime (a deleted file as last seen). Directories on the way to the matches are watched too, so files in directories created later are seen.",
  "category": "client",
  "args": [
   {
    "name": "globs",
    "type": "list<string>",
    "doc": "Patterns to watch (glob() syntax); relative ones start at root.",
    "required": true,
    "repeated": true
   },
   {
    "name": "root",
    "type": "string",
    "doc": "Directory relative patterns start from (default /).",
    "required": false,
    "repeated": false
   },
   {
    "name": "accessor",
    "type": "string",
    "doc": "auto or file (the local file system).",
    "required": false,
    "repeated": false
   }
  ],
  "permissions": [
   "FILESYSTEM_READ"
  ],
  "platforms": [
   "client"
  ]
 },
 {
  "name": "watch_journald",
  "kind": "plugin",
  "doc": "Follows the systemd journal and yields each new entry: System {Seq, Timestamp, _PID, _UID, _COMM, ...} and EventData {MESSAGE, PRIORITY, SYSLOG_IDENTIFIER, ...}; with raw, Timestamp and every field as text. Needs journalctl on the endpoint; without `filename`, the system journal.",
  "category": "client",
  "args": [
   {
    "name": "filename",
    "type": "list<string>",
    "doc": "Journal files to follow (default: the system journal).",
    "required": false,
    "repeated": true
   },
   {
    "name": "accessor",
    "type": "string",
    "doc": "auto or file (the local file system).",
    "required": false,
    "repeated": false
   },
   {
    "name": "raw",
    "type": "bool",
    "doc": "Every field as text, not split into System and EventData.",
    "required": false,
    "repeated": false
   }
  ],
  "permissions": [
   "FILESYSTEM_READ"
  ],
  "platforms": [
   "client"
  ]
 },
 {
  "name": "watch_syslog",
  "kind": "plugin",
  "doc": "Follows line-delimited text files like `tail -F` and yields each new line: OSPath, Line. Starts at the end of each file; a file that does not exist yet is read from its start when it appears; rotation and truncation are followed. `query` runs every 3 s to find the files to follow; files it adds later are read from their start.",
  "category": "client",
  "args": [
   {
    "name": "filename",
    "type": "list<string>",
    "doc": "Files to follow.",
    "required": false,
    "repeated": true
   },
   {
    "name": "accessor",
    "type": "string",
    "doc": "auto or file (the local file system).",
    "required": false,
    "repeated": false
   },
   {
    "name": "buffer_size",
    "type": "int",
    "doc": "Longest line in bytes; a longer line comes in pieces.",
    "required": false,
    "repeated": false
   },
   {
    "name": "query",
    "type": "query",
    "doc": "Run periodically to find files to follow: rows with an OSPath column.",
    "required": false,
    "repeated": false
   }
  ],
  "permissions": [
   "FILESYSTEM_READ"
  ],
  "platforms": [
   "client"
  ]
 }
];
