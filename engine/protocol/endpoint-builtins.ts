// GENERATED from engine/client/plugins (UPDATE_GOLDEN=1 npx vitest run engine/client/plugins/endpoint-catalogue.test.ts):
// the descriptors of the builtins the agent runs, for the server's editor completion, lint,
// artifact checks and "runs on endpoints" hints (the server never imports the agent).
import type { BuiltinDescriptor } from "../vql";

export const ENDPOINT_BUILTINS: readonly BuiltinDescriptor[] = [
 {
  "name": "audit",
  "kind": "plugin",
  "doc": "Register as an audit daemon in the kernel: the kernel's audit events as they happen, from its read-only audit multicast group (auditd keeps running), one row per event as parse_auditd() gives them (Timestamp, Sequence, RecordType, Result, Session, User, Process, Paths, Data, Records) plus Tags (the rules' keys) and Summary.Actor (Primary: auid, Secondary: uid); member names match in any case (`Process.PID`). Configure the audit rules with auditctl first. Needs root and the native audit addon (built by `npm install` where a C compiler is); without it, an error and no rows.",
  "category": "linux",
  "args": [],
  "permissions": [
   "MACHINE_STATE"
  ],
  "platforms": [
   "client"
  ]
 },
 {
  "name": "collect",
  "kind": "plugin",
  "doc": "Collects artifacts into an offline-collection ZIP at `output` (results, logs and uploads in Velociraptor's container layout); without output, passes their rows on with `_Source`.",
  "category": "client",
  "args": [
   {
    "name": "artifacts",
    "type": "list<string>",
    "doc": "The artifacts to collect.",
    "required": true,
    "repeated": true
   },
   {
    "name": "output",
    "type": "string",
    "doc": "The container ZIP to write (without it, the rows are passed on).",
    "required": false,
    "repeated": false
   },
   {
    "name": "report",
    "type": "string",
    "doc": "Deprecated and ignored, as in Velociraptor.",
    "required": false,
    "repeated": false
   },
   {
    "name": "args",
    "type": "any",
    "doc": "Parameters, keyed by artifact: {\"Custom.Artifact.Name\": {\"arg\": \"value\"}}.",
    "required": false,
    "repeated": false
   },
   {
    "name": "password",
    "type": "string",
    "doc": "Protects the container: data.zip inside it, encrypted with AES-256 (WinZip AES, as Velociraptor writes it).",
    "required": false,
    "repeated": false
   },
   {
    "name": "format",
    "type": "string",
    "doc": "json or jsonl (the default), csv (CSV and JSON), csv_only.",
    "required": false,
    "repeated": false
   },
   {
    "name": "artifact_definitions",
    "type": "any",
    "doc": "Further artifacts (YAML text or dicts) that `artifacts` may name.",
    "required": false,
    "repeated": false
   },
   {
    "name": "template",
    "type": "string",
    "doc": "Accepted for compatibility (no HTML report is written).",
    "required": false,
    "repeated": false
   },
   {
    "name": "level",
    "type": "int",
    "doc": "Compression level, 0 (stored) to 9 (default 5).",
    "required": false,
    "repeated": false
   },
   {
    "name": "ops_per_sec",
    "type": "int",
    "doc": "Accepted for compatibility (deprecated in Velociraptor).",
    "required": false,
    "repeated": false
   },
   {
    "name": "cpu_limit",
    "type": "float",
    "doc": "Accepted for compatibility (not applied).",
    "required": false,
    "repeated": false
   },
   {
    "name": "iops_limit",
    "type": "float",
    "doc": "Accepted for compatibility (not applied).",
    "required": false,
    "repeated": false
   },
   {
    "name": "progress_timeout",
    "type": "float",
    "doc": "Accepted for compatibility (not applied).",
    "required": false,
    "repeated": false
   },
   {
    "name": "timeout",
    "type": "float",
    "doc": "Seconds the whole collection may take; it is stopped then and the container closed.",
    "required": false,
    "repeated": false
   },
   {
    "name": "metadata",
    "type": "any",
    "doc": "Rows stored as metadata.json in the container.",
    "required": false,
    "repeated": false
   },
   {
    "name": "concurrency",
    "type": "int",
    "doc": "Accepted for compatibility (artifacts are collected one after the other).",
    "required": false,
    "repeated": false
   },
   {
    "name": "remapping",
    "type": "string",
    "doc": "Refused: Talon has no accessor remapping.",
    "required": false,
    "repeated": false
   }
  ],
  "permissions": [
   "FILESYSTEM_WRITE"
  ],
  "platforms": [
   "client"
  ]
 },
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
  "name": "copy",
  "kind": "function",
  "doc": "Copies a file (with accessor `data`, writes `filename` itself) to `dest` and returns `dest`; NULL with an error logged on failure.",
  "category": "client",
  "args": [
   {
    "name": "filename",
    "type": "string",
    "doc": "The file to copy from (the content itself with accessor data).",
    "required": true,
    "repeated": false
   },
   {
    "name": "accessor",
    "type": "string",
    "doc": "auto, file or data.",
    "required": false,
    "repeated": false
   },
   {
    "name": "dest",
    "type": "string",
    "doc": "The destination file to write.",
    "required": true,
    "repeated": false
   },
   {
    "name": "permissions",
    "type": "string",
    "doc": "Permissions of the destination (`rw-rw-r--` or `0755`).",
    "required": false,
    "repeated": false
   },
   {
    "name": "dir_permissions",
    "type": "string",
    "doc": "Permissions of directories created with create_directories (default 0755).",
    "required": false,
    "repeated": false
   },
   {
    "name": "append",
    "type": "bool",
    "doc": "Append to dest instead of truncating it.",
    "required": false,
    "repeated": false
   },
   {
    "name": "create_directories",
    "type": "bool",
    "doc": "Make dest's missing parent directories.",
    "required": false,
    "repeated": false
   }
  ],
  "permissions": [
   "FILESYSTEM_WRITE",
   "FILESYSTEM_READ"
  ],
  "platforms": [
   "client"
  ]
 },
 {
  "name": "efivariables",
  "kind": "plugin",
  "doc": "Enumerate efi variables.",
  "category": "client",
  "args": [
   {
    "name": "namespace",
    "type": "string",
    "doc": "Variable namespace.",
    "required": false,
    "repeated": false
   },
   {
    "name": "name",
    "type": "string",
    "doc": "Variable name",
    "required": false,
    "repeated": false
   },
   {
    "name": "value",
    "type": "bool",
    "doc": "Read variable value",
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
  "name": "environ",
  "kind": "function",
  "doc": "The value of one of the agent's environment variables (NULL when unset).",
  "category": "client",
  "args": [
   {
    "name": "var",
    "type": "string",
    "doc": "The variable's name.",
    "required": true,
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
  "name": "environ",
  "kind": "plugin",
  "doc": "One row with the agent's environment variables as columns (only `vars` when given).",
  "category": "client",
  "args": [
   {
    "name": "vars",
    "type": "list<string>",
    "doc": "Only these variables.",
    "required": false,
    "repeated": true
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
   },
   {
    "name": "sep",
    "type": "string",
    "doc": "Split the output into one row per piece between separators (e.g. \"\\n\"): each piece is a row's Stdout, stderr's too, as in Velociraptor.",
    "required": false,
    "repeated": false
   },
   {
    "name": "secret",
    "type": "string",
    "doc": "An execve secret's name; secrets only exist on the server, so on an agent this is an error (as in Velociraptor).",
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
  "name": "expand",
  "kind": "function",
  "doc": "Expands environment variables in a path: `$NAME` and `${NAME}` (Go's os.ExpandEnv: unset ones become empty) and the Windows notation `%NAME%` (left as written when unset). Uses the agent's own environment.",
  "category": "client",
  "args": [
   {
    "name": "path",
    "type": "string",
    "doc": "A path with environment escapes.",
    "required": true,
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
  "doc": "Files matching glob patterns (`*`, `?`, `[...]`, `{a,b}`, `**` for any depth; a trailing `**` matches files too): Name, OSPath, Size, Mode (Go notation: `urwxr-xr-x` is setuid), IsDir, IsLink, Mtime, Atime, Ctime, Btime, Sys {Uid, Gid}.",
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
    "doc": "How files are read: auto or file (the local file system), ext4 (the ext4 file system parsed from the raw device of the mount holding each path) or raw_ext4 (root is a pathspec whose DelegatePath is a device or image).",
    "required": false,
    "repeated": false
   },
   {
    "name": "nosymlink",
    "type": "bool",
    "doc": "Do not descend into symlinked directories.",
    "required": false,
    "repeated": false
   },
   {
    "name": "recursion_callback",
    "type": "string",
    "doc": "A lambda deciding whether to descend into a directory, called with its row (e.g. `x => NOT x.Name =~ 'proc'`); the directory itself still matches.",
    "required": false,
    "repeated": false
   },
   {
    "name": "one_filesystem",
    "type": "bool",
    "doc": "Do not follow symlinks to directories on another file system.",
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
  "doc": "Hashes of a file's contents (or of `path` itself with accessor data): a dict with MD5, SHA1 and SHA256 (hex; the ones `hashselect` leaves out are empty).",
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
    "doc": "auto or file; data hashes the text of `path`; ext4 or raw_ext4 parse the ext4 file system (see glob()).",
    "required": false,
    "repeated": false
   },
   {
    "name": "hashselect",
    "type": "list<string>",
    "doc": "Which of md5, sha1, sha256 to compute (default all).",
    "required": false,
    "repeated": true
   },
   {
    "name": "max_size",
    "type": "int",
    "doc": "Hash at most this many bytes (default HASH_MAX_SIZE or 100 MiB; past it, up to the last whole 64 KiB).",
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
  "name": "host",
  "kind": "function",
  "doc": "Resolves a name through DNS: a list of strings (addresses for A, the default; names or records for the other types). NULL with an error logged when the lookup fails.",
  "category": "client",
  "args": [
   {
    "name": "name",
    "type": "string",
    "doc": "The name to look up (an address for PTR).",
    "required": true,
    "repeated": false
   },
   {
    "name": "server",
    "type": "string",
    "doc": "A DNS server to ask (`8.8.8.8` or `8.8.8.8:53`) instead of the system resolver.",
    "required": false,
    "repeated": false
   },
   {
    "name": "type",
    "type": "string",
    "doc": "A (default), AAAA, CNAME, NS, MX, TXT, SOA or PTR.",
    "required": false,
    "repeated": false
   },
   {
    "name": "prefer_go",
    "type": "bool",
    "doc": "Accepted for compatibility (Talon asks the system resolver, or c-ares with `server`).",
    "required": false,
    "repeated": false
   },
   {
    "name": "tracker_only",
    "type": "bool",
    "doc": "Accepted for compatibility (Talon has no DNS tracker; the name is always resolved).",
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
  "name": "http_client",
  "kind": "plugin",
  "doc": "Makes an HTTP(S) request from the endpoint and returns `Url`, `Content` (the body, in rows of at most `chunk_size` bytes, or a temp file's path), `Response` (the status code) and `Headers`. `url='/path/to.sock:unix/rest'` sends the request over a local Unix socket (Docker's, snapd's). Other destinations in loopback, private, link-local, unique-local, multicast and cloud metadata ranges are refused unless the agent's TALON_HTTP_CLIENT_ALLOW lists them, except a GET of a tool (`/api/tools/download/<token>`) from the server the agent connects to. A failure gives one row with Response 500 and the reason as Content. Managed secrets (`secret`) are the server's only.",
  "category": "client",
  "args": [
   {
    "name": "url",
    "type": "list<string>",
    "doc": "The URL to fetch, or `secret://name`; with several, each is tried in turn until one answers.",
    "required": true,
    "repeated": true
   },
   {
    "name": "params",
    "type": "dict",
    "doc": "Parameters: the query string for GET and HEAD, a form body otherwise.",
    "required": false,
    "repeated": false
   },
   {
    "name": "headers",
    "type": "dict",
    "doc": "Request headers.",
    "required": false,
    "repeated": false
   },
   {
    "name": "method",
    "type": "string",
    "doc": "GET, POST, PUT, PATCH, DELETE or HEAD.",
    "required": false,
    "repeated": false
   },
   {
    "name": "data",
    "type": "string",
    "doc": "A raw request body (sent instead of `params`).",
    "required": false,
    "repeated": false
   },
   {
    "name": "chunk_size",
    "type": "int",
    "doc": "Emit the body as rows of at most this many bytes (default 4 MiB).",
    "required": false,
    "repeated": false
   },
   {
    "name": "disable_ssl_security",
    "type": "bool",
    "doc": "Do not verify the server's certificate (deprecated; use skip_verify).",
    "required": false,
    "repeated": false
   },
   {
    "name": "skip_verify",
    "type": "bool",
    "doc": "Do not verify the server's certificate.",
    "required": false,
    "repeated": false
   },
   {
    "name": "tempfile_extension",
    "type": "string",
    "doc": "Write the body to a temp file with this extension; Content is its path. The file is removed when the query ends.",
    "required": false,
    "repeated": false
   },
   {
    "name": "remove_last",
    "type": "bool",
    "doc": "Accepted for compatibility: temp files are always kept until the query ends.",
    "required": false,
    "repeated": false
   },
   {
    "name": "root_ca",
    "type": "string",
    "doc": "Extra trusted CA certificates (PEM).",
    "required": false,
    "repeated": false
   },
   {
    "name": "cookie_jar",
    "type": "dict",
    "doc": "Cookies to send (`dict(name='value')`); cookies servers set are kept for the rest of the query.",
    "required": false,
    "repeated": false
   },
   {
    "name": "user_agent",
    "type": "string",
    "doc": "The User-Agent header (default `Talon/<version>`).",
    "required": false,
    "repeated": false
   },
   {
    "name": "secret",
    "type": "string",
    "doc": "A managed secret of type `HTTP Secrets` supplying the URL, method, headers and TLS settings.",
    "required": false,
    "repeated": false
   },
   {
    "name": "files",
    "type": "list<dict>",
    "doc": "Multipart upload: `dict(file='name.txt', key='file', path=..., accessor='data')`; accessor `data` sends `path` itself, any other reads the server's file (needs FILESYSTEM_READ).",
    "required": false,
    "repeated": true
   }
  ],
  "permissions": [
   "NETWORK"
  ],
  "platforms": [
   "client"
  ]
 },
 {
  "name": "index",
  "kind": "plugin",
  "doc": "Create a local index from a query: the rows of `query` are indexed (every value as text, or as `mapping` says) into the index file `output` in batches, and passed on; a row's `_id` column names its document (a later row with the same `_id` replaces it). Search it with index_search().",
  "category": "client",
  "args": [
   {
    "name": "query",
    "type": "query",
    "doc": "A VQL Query to parse and execute.",
    "required": true,
    "repeated": false
   },
   {
    "name": "mapping",
    "type": "any",
    "doc": "A dict to describe field mapping: field name to text (en-text), number, date (datetime), bool, ip or none (not indexed or stored).",
    "required": false,
    "repeated": false
   },
   {
    "name": "default_analyzer",
    "type": "string",
    "doc": "The default analyzer to use for fields not in `mapping`: standard (default), simple, keyword or whitespace.",
    "required": false,
    "repeated": false
   },
   {
    "name": "output",
    "type": "string",
    "doc": "The file path to create the index on.",
    "required": true,
    "repeated": false
   },
   {
    "name": "workers",
    "type": "int",
    "doc": "Index with this many workers (default 2; accepted, indexing is one writer here).",
    "required": false,
    "repeated": false
   },
   {
    "name": "purge",
    "type": "bool",
    "doc": "If set we delete the index to start fresh (otherwise rows are added to an existing index).",
    "required": false,
    "repeated": false
   },
   {
    "name": "batch",
    "type": "int",
    "doc": "Default batch size for index (default 1000).",
    "required": false,
    "repeated": false
   },
   {
    "name": "silent",
    "type": "bool",
    "doc": "Do not forward events (this is faster).",
    "required": false,
    "repeated": false
   }
  ],
  "permissions": [
   "FILESYSTEM_WRITE"
  ],
  "platforms": [
   "client"
  ],
  "version": 2
 },
 {
  "name": "index_search",
  "kind": "plugin",
  "doc": "Search a previously created index with a bleve query string (`word`, `field:word`, `\"a phrase\"`, `+must`, `-must_not`, `wild*`, `/regexp/`, `word~1`, `field:>5`, `field:<=\"2024-01-31\"`, `^boost`): one row per matching document with its stored fields, best match first.",
  "category": "client",
  "args": [
   {
    "name": "path",
    "type": "string",
    "doc": "The file path to the index to open.",
    "required": true,
    "repeated": false
   },
   {
    "name": "search",
    "type": "string",
    "doc": "A Bleve search query. See https://blevesearch.com/docs/Query-String-Query/",
    "required": true,
    "repeated": false
   },
   {
    "name": "fields",
    "type": "list<string>",
    "doc": "A list of fields to include from the index (default all; `*` is all).",
    "required": false,
    "repeated": true
   },
   {
    "name": "sort",
    "type": "list<string>",
    "doc": "The field to sort by (precede with - to sort in descending order); _score and _id too.",
    "required": false,
    "repeated": true
   },
   {
    "name": "start",
    "type": "int",
    "doc": "Row number to start.",
    "required": false,
    "repeated": false
   }
  ],
  "permissions": [
   "FILESYSTEM_READ"
  ],
  "platforms": [
   "client"
  ],
  "version": 1
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
  "doc": "Network interfaces of the endpoint, as Velociraptor's (Go's net.Interface plus its addresses): Index, MTU, Name, HardwareAddr (empty for none or all zeros, as on loopback), HardwareAddrString (the same text: Velociraptor's method of that name), Flags (`up|broadcast|multicast|running`...), Addrs.",
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
  "name": "leveldb",
  "kind": "plugin",
  "doc": "Enumerate all items in a level db database: one row per key (Key, Value; the newest value, deleted keys left out, in key order). `file` is the database's directory; a single .ldb/.sst table or .log file is read on its own.",
  "category": "parsers",
  "args": [
   {
    "name": "file",
    "type": "string",
    "doc": "The path to the leveldb file.",
    "required": true,
    "repeated": false
   },
   {
    "name": "accessor",
    "type": "string",
    "doc": "The accessor to use (auto or file).",
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
  "name": "logging",
  "kind": "plugin",
  "doc": "Watch the logs emitted by the server (on an agent, by the agent): {Time, Level, Msg} for each new line; never ends by itself.",
  "category": "server",
  "args": [
   {
    "name": "component",
    "type": "list<string>",
    "doc": "Requested component (default all components): generic, client, frontend, gui, api, tool.",
    "required": false,
    "repeated": true
   },
   {
    "name": "prelog",
    "type": "bool",
    "doc": "Include all logs up to this point.",
    "required": false,
    "repeated": false
   }
  ],
  "permissions": [
   "SERVER_ADMIN"
  ],
  "platforms": [
   "client"
  ],
  "version": 2
 },
 {
  "name": "magic",
  "kind": "function",
  "doc": "Identifies a file by its first bytes (a built-in table of common types, not libmagic): a description like file(1) gives (`PNG image data, 1 x 1`), or the MIME type or extension.",
  "category": "client",
  "args": [
   {
    "name": "path",
    "type": "string",
    "doc": "The file to identify (its content itself with accessor data).",
    "required": true,
    "repeated": false
   },
   {
    "name": "accessor",
    "type": "string",
    "doc": "auto, file or data.",
    "required": false,
    "repeated": false
   },
   {
    "name": "type",
    "type": "string",
    "doc": "Empty for the description, `mime` for the MIME type, `extension` for the usual extension.",
    "required": false,
    "repeated": false
   },
   {
    "name": "magic",
    "type": "string",
    "doc": "Extra libmagic rules: not supported (a warning is logged and they are ignored).",
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
  "name": "parse_auditd",
  "kind": "plugin",
  "doc": "Parses a Linux audit log: one row per event (its records put together) with Timestamp, Sequence, RecordType, Result, Session, User {ids, names}, Process {pid, ppid, title, name, exe, cwd, args}, Paths, Data (the first record's other fields) and Records (the record types).",
  "category": "client",
  "args": [
   {
    "name": "filename",
    "type": "string",
    "doc": "The audit log.",
    "required": true,
    "repeated": false
   },
   {
    "name": "accessor",
    "type": "string",
    "doc": "auto or file.",
    "required": false,
    "repeated": false
   },
   {
    "name": "buffer_size",
    "type": "int",
    "doc": "Longest line read whole (longer ones are cut).",
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
  "name": "parse_journald",
  "kind": "plugin",
  "doc": "Parses systemd journal files (regular or compact; fields compressed with zstd, lz4 or xz): one row per entry with System {Seq, Timestamp, _PID, _UID, _COMM, ...} and EventData {MESSAGE, PRIORITY, SYSLOG_IDENTIFIER, ...}; with raw, Timestamp and every field as text. A damaged or cut-short file gives the entries before the damage and logs an error.",
  "category": "client",
  "args": [
   {
    "name": "filename",
    "type": "list<string>",
    "doc": "The journal files to parse.",
    "required": true,
    "repeated": true
   },
   {
    "name": "accessor",
    "type": "string",
    "doc": "auto or file.",
    "required": false,
    "repeated": false
   },
   {
    "name": "raw",
    "type": "bool",
    "doc": "Every field as text, not split into System and EventData.",
    "required": false,
    "repeated": false
   },
   {
    "name": "start_time",
    "type": "time",
    "doc": "Only entries at or after this time.",
    "required": false,
    "repeated": false
   },
   {
    "name": "end_time",
    "type": "time",
    "doc": "Only entries at or before this time.",
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
  "name": "proc_yara",
  "kind": "plugin",
  "doc": "Scans a process's memory with YARA rules (libyara in WebAssembly; Linux: the readable, touched regions of /proc/<pid>/smaps, each scanned on its own in 8 MiB pieces, at most 256 MiB a process). One row per matching rule: Rule, Tags (always empty: the WebAssembly build does not report them), Meta, String {Name, Offset (the virtual address), HexData, Data} (the rule's first hit), Pid, Region (the mapping's path).",
  "category": "client",
  "args": [
   {
    "name": "rules",
    "type": "string",
    "doc": "The YARA rules (source text).",
    "required": true,
    "repeated": false
   },
   {
    "name": "pid",
    "type": "int",
    "doc": "The pid to scan.",
    "required": true,
    "repeated": false
   },
   {
    "name": "context",
    "type": "int",
    "doc": "Bytes of context on each side of a hit in String.Data and HexData.",
    "required": false,
    "repeated": false
   },
   {
    "name": "key",
    "type": "string",
    "doc": "Accepted for compatibility (rules are compiled for each scan).",
    "required": false,
    "repeated": false
   },
   {
    "name": "namespace",
    "type": "string",
    "doc": "Accepted for compatibility (rules go in the default namespace).",
    "required": false,
    "repeated": false
   },
   {
    "name": "vars",
    "type": "dict",
    "doc": "External variables: not supported by the WebAssembly build (an error is logged when given).",
    "required": false,
    "repeated": false
   },
   {
    "name": "number",
    "type": "int",
    "doc": "Stop after this many matching rules (default: all).",
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
  "name": "process_tracker",
  "kind": "function",
  "doc": "Installs a process tracker on the endpoint until this query ends: a full sync from `sync_query` (rows of id, parent_id, start_time, data: usually over pslist()) at once and every `sync_period` ms, and live start/exit rows (id, parent_id, update_type, start_time, end_time, data) from the event query `update_query`. Exited processes are kept for `max_expiry` seconds, at most `max_size` processes. The process_tracker_* builtins then answer from it.",
  "category": "client",
  "args": [
   {
    "name": "sync_query",
    "type": "query",
    "doc": "Rows for a full sync: id, parent_id, start_time, data (a dict).",
    "required": false,
    "repeated": false
   },
   {
    "name": "sync_period",
    "type": "int",
    "doc": "How often to do a full sync, in milliseconds (default 5000).",
    "required": false,
    "repeated": false
   },
   {
    "name": "update_query",
    "type": "query",
    "doc": "An event query of updates: update_type 'start' or 'exit', with id, parent_id, start_time, end_time, data.",
    "required": false,
    "repeated": false
   },
   {
    "name": "max_size",
    "type": "int",
    "doc": "At most this many processes are kept (default 10000): the oldest exited ones are evicted first.",
    "required": false,
    "repeated": false
   },
   {
    "name": "max_expiry",
    "type": "int",
    "doc": "Exited processes are kept this many seconds (default 86400).",
    "required": false,
    "repeated": false
   },
   {
    "name": "enrichments",
    "type": "list<string>",
    "doc": "Lambdas over a process entry returning a dict merged into its Data when process_tracker_get() returns it.",
    "required": false,
    "repeated": true
   },
   {
    "name": "cache",
    "type": "string",
    "doc": "Accepted for compatibility: the tracker is kept in memory.",
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
  "name": "process_tracker_all",
  "kind": "function",
  "doc": "Every process entry the process tracker knows (as process_tracker_get() gives them).",
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
  "name": "process_tracker_children",
  "kind": "function",
  "doc": "The direct children of a process from the process tracker (process entries).",
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
  "doc": "One process from the process tracker: {Id, ParentId, StartTime, EndTime, Data} where Data is its pslist() row (with a tracker installed by process_tracker(): its sync/update row's data, with Pid, Ppid, StartTime and EndTime, and the tracker's enrichments); NULL when it is not known. Without an installed tracker the answer comes from pslist().",
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
  "name": "process_tracker_pslist",
  "kind": "plugin",
  "doc": "The processes the process tracker knows, as pslist() rows (each entry's Data).",
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
  "name": "process_tracker_tree",
  "kind": "function",
  "doc": "A process and its descendants as a tree: {id, name, data, children: [...]}; `data_callback` (a lambda over the entry's Data) chooses what `data` holds.",
  "category": "client",
  "args": [
   {
    "name": "id",
    "type": "string",
    "doc": "The process id at the root.",
    "required": true,
    "repeated": false
   },
   {
    "name": "data_callback",
    "type": "string",
    "doc": "A lambda (`x => x.Name`) applied to each entry's Data for `data` (default: the Data itself).",
    "required": false,
    "repeated": false
   },
   {
    "name": "max_items",
    "type": "int",
    "doc": "At most this many processes in the tree.",
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
  "name": "process_tracker_updates",
  "kind": "plugin",
  "doc": "The installed process tracker's updates as they happen (id, parent_id, update_type, start_time, end_time, data): first a 'sync' row holding every known process by id, then 'sync' rows of each full sync and 'start'/'exit' rows. Without an installed tracker, one 'sync' row from pslist().",
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
  "name": "profile",
  "kind": "plugin",
  "doc": "Returns a profile dump from the running process: V8 CPU profile (`profile`), heap snapshot (`heap`), heap statistics (`allocs`), diagnostic report (`goroutine`), trace events (`trace`) as temp files (OSPath), and recent logs, queries and metrics as rows.",
  "category": "developer",
  "args": [
   {
    "name": "allocs",
    "type": "bool",
    "doc": "A sampling of all past memory allocations (Node: V8 heap and heap-space statistics, JSON).",
    "required": false,
    "repeated": false
   },
   {
    "name": "block",
    "type": "bool",
    "doc": "Stack traces that led to blocking on synchronization primitives (no Node equivalent: logged).",
    "required": false,
    "repeated": false
   },
   {
    "name": "goroutine",
    "type": "bool",
    "doc": "Stack traces of all current goroutines (Node: a process.report diagnostic report, JSON).",
    "required": false,
    "repeated": false
   },
   {
    "name": "heap",
    "type": "bool",
    "doc": "A sampling of memory allocations of live objects (Node: a V8 heap snapshot).",
    "required": false,
    "repeated": false
   },
   {
    "name": "mutex",
    "type": "bool",
    "doc": "Stack traces of holders of contended mutexes (no Node equivalent: logged).",
    "required": false,
    "repeated": false
   },
   {
    "name": "profile",
    "type": "bool",
    "doc": "CPU profile (Node: a V8 .cpuprofile over `duration` seconds).",
    "required": false,
    "repeated": false
   },
   {
    "name": "trace",
    "type": "bool",
    "doc": "CPU trace (Node: trace events over `duration` seconds, chrome://tracing JSON).",
    "required": false,
    "repeated": false
   },
   {
    "name": "debug",
    "type": "int",
    "doc": "Debug level (accepted; Node's profiles have one format).",
    "required": false,
    "repeated": false
   },
   {
    "name": "logs",
    "type": "bool",
    "doc": "Recent logs.",
    "required": false,
    "repeated": false
   },
   {
    "name": "queries",
    "type": "bool",
    "doc": "Recent Queries run.",
    "required": false,
    "repeated": false
   },
   {
    "name": "metrics",
    "type": "bool",
    "doc": "Collect metrics.",
    "required": false,
    "repeated": false
   },
   {
    "name": "duration",
    "type": "int",
    "doc": "Duration of samples (default 30 sec).",
    "required": false,
    "repeated": false
   },
   {
    "name": "type",
    "type": "string",
    "doc": "The type of profile (this is a regex of debug output types that will be shown: logs, queries, metrics).",
    "required": false,
    "repeated": false
   }
  ],
  "permissions": [
   "MACHINE_STATE"
  ],
  "platforms": [
   "client"
  ],
  "version": 2
 },
 {
  "name": "profile_goroutines",
  "kind": "plugin",
  "doc": "Enumerates all running goroutines (Node: each kind of active resource of the event loop, and the running JavaScript stack): Count, CallStack.",
  "category": "developer",
  "args": [
   {
    "name": "verbose",
    "type": "bool",
    "doc": "Emit information in verbose form (CallStack as {Name, File, Line} dicts).",
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
  "name": "profile_memory",
  "kind": "plugin",
  "doc": "Enumerates all in-use memory within the runtime and tie it to allocation sites (Node: V8's heap spaces): InUseBytes, InUseObjects, CallStack.",
  "category": "developer",
  "args": [],
  "permissions": [
   "MACHINE_STATE"
  ],
  "platforms": [
   "client"
  ]
 },
 {
  "name": "pskill",
  "kind": "function",
  "doc": "Kill the specified process (SIGKILL). Returns the pid, or NULL with a logged reason (no such process, not permitted). Needs EXECVE. The agent's own process and pid 1 are refused.",
  "category": "client",
  "args": [
   {
    "name": "pid",
    "type": "int",
    "doc": "A pid to kill.",
    "required": true,
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
    "doc": "auto or file; data returns filename itself; ext4 or raw_ext4 parse the ext4 file system (see glob()).",
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
  "name": "read_file",
  "kind": "plugin",
  "doc": "Reads files in chunks: one row per chunk with Data (the bytes as a string), Offset and Filename.",
  "category": "client",
  "args": [
   {
    "name": "filenames",
    "type": "list<string>",
    "doc": "The files to read.",
    "required": true,
    "repeated": true
   },
   {
    "name": "accessor",
    "type": "string",
    "doc": "auto or file; data reads each of `filenames` itself.",
    "required": false,
    "repeated": false
   },
   {
    "name": "chunk",
    "type": "int",
    "doc": "Bytes per row (default 4 MiB).",
    "required": false,
    "repeated": false
   },
   {
    "name": "max_length",
    "type": "int",
    "doc": "Bytes read from each file at most (default 4 MiB).",
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
  "name": "rekey",
  "kind": "function",
  "doc": "Causes the client to rekey and regenerate a new client ID. DANGEROUS! This will change the client's identity and it will appear as a new client in the GUI. Returns the new client id.",
  "category": "client",
  "args": [
   {
    "name": "wait",
    "type": "int",
    "doc": "Wait this long before rekeying the client.",
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
  "name": "rm",
  "kind": "function",
  "doc": "Removes a file (or an empty directory): TRUE when removed, FALSE with an error logged otherwise.",
  "category": "client",
  "args": [
   {
    "name": "filename",
    "type": "string",
    "doc": "The file to remove.",
    "required": true,
    "repeated": false
   }
  ],
  "permissions": [
   "FILESYSTEM_WRITE"
  ],
  "platforms": [
   "client"
  ]
 },
 {
  "name": "shell_session",
  "kind": "function",
  "doc": "Recreate or retrieve a shell session handle: starts `argv` with pipes on stdin, stdout and stderr under `name` (or returns the running session of that name). SELECT from the handle's `Query` to read its output as rows (Stdin, Stdout, Stderr, ReturnCode, Complete; the stdin written comes in order with the output); `IsRunning` is true once a query reads it. The program ends with its reader, or with the query that started it.",
  "category": "client",
  "args": [
   {
    "name": "argv",
    "type": "list<string>",
    "doc": "Argv to run the command with.",
    "required": true,
    "repeated": true
   },
   {
    "name": "env",
    "type": "dict",
    "doc": "Environment variables to launch with.",
    "required": false,
    "repeated": false
   },
   {
    "name": "cwd",
    "type": "string",
    "doc": "If specified we change to this working directory first.",
    "required": false,
    "repeated": false
   },
   {
    "name": "secret",
    "type": "string",
    "doc": "The name of a secret to use; secrets only exist on the server, so on an agent this is an error (as in Velociraptor).",
    "required": false,
    "repeated": false
   },
   {
    "name": "name",
    "type": "string",
    "doc": "The name of the shell session. If the session already exists, we just return a handle to it.",
    "required": false,
    "repeated": false
   }
  ],
  "permissions": [
   "EXECVE"
  ],
  "platforms": [
   "client"
  ],
  "version": 1
 },
 {
  "name": "shell_session_control",
  "kind": "function",
  "doc": "Control a previously created shell session: write `stdin` to it, close its stdin (the program usually exits; it is killed a second later if not) or kill it. Returns the session's handle.",
  "category": "client",
  "args": [
   {
    "name": "name",
    "type": "string",
    "doc": "The name of the shell session.",
    "required": false,
    "repeated": false
   },
   {
    "name": "stdin",
    "type": "string",
    "doc": "Write this string to the session stdin.",
    "required": false,
    "repeated": false
   },
   {
    "name": "close_stdin",
    "type": "bool",
    "doc": "If specified we close the stdin of the session. This will usually terminate the session gracefully.",
    "required": false,
    "repeated": false
   },
   {
    "name": "kill",
    "type": "bool",
    "doc": "If specified we kill the session.",
    "required": false,
    "repeated": false
   }
  ],
  "permissions": [
   "EXECVE"
  ],
  "platforms": [
   "client"
  ],
  "version": 1
 },
 {
  "name": "sqlite",
  "kind": "plugin",
  "doc": "Runs an SQL query over an SQLite database file: one row per result row, columns as the query names them (BLOBs as strings).",
  "category": "client",
  "args": [
   {
    "name": "file",
    "type": "string",
    "doc": "The database file.",
    "required": true,
    "repeated": false
   },
   {
    "name": "accessor",
    "type": "string",
    "doc": "auto or file.",
    "required": false,
    "repeated": false
   },
   {
    "name": "query",
    "type": "string",
    "doc": "The SQL to run.",
    "required": true,
    "repeated": false
   },
   {
    "name": "args",
    "type": "any",
    "doc": "Values for the query's `?` placeholders (a list) or `:name` ones (a dict).",
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
  "kind": "function",
  "doc": "Information about one file (without following symlinks) as a dict with the columns of glob(); NULL when it does not exist.",
  "category": "client",
  "args": [
   {
    "name": "filename",
    "type": "string",
    "doc": "The file to look at.",
    "required": true,
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
    "doc": "auto or file; ext4 or raw_ext4 parse the ext4 file system (see glob()).",
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
  "name": "sysinfo",
  "kind": "function",
  "doc": "Hardware and OS details of the endpoint as Velociraptor's Linux sysinfo() reports them: a dict of node, os, kernel, product, board, chassis, bios, cpu and memory (size in MiB).",
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
  "name": "tempdir",
  "kind": "function",
  "doc": "Creates a temporary directory and returns its path; it is removed with its contents when the query ends.",
  "category": "client",
  "args": [
   {
    "name": "remove_last",
    "type": "bool",
    "doc": "Accepted for compatibility: temp directories are always removed when the query ends.",
    "required": false,
    "repeated": false
   }
  ],
  "permissions": [
   "FILESYSTEM_WRITE"
  ],
  "platforms": [
   "client"
  ]
 },
 {
  "name": "tempfile",
  "kind": "function",
  "doc": "Creates a temporary file holding `data` and returns its path; it is removed when the query ends.",
  "category": "client",
  "args": [
   {
    "name": "data",
    "type": "list<bytes>",
    "doc": "Strings (text or bytes, written exactly) written to the file, one after the other.",
    "required": false,
    "repeated": true
   },
   {
    "name": "extension",
    "type": "string",
    "doc": "An extension for the file's name (`.ps1`).",
    "required": false,
    "repeated": false
   },
   {
    "name": "permissions",
    "type": "string",
    "doc": "`x` makes the file executable by its owner (0700); octal or rwx notation also work.",
    "required": false,
    "repeated": false
   },
   {
    "name": "remove_last",
    "type": "bool",
    "doc": "Accepted for compatibility: temp files are always removed when the query ends.",
    "required": false,
    "repeated": false
   }
  ],
  "permissions": [
   "FILESYSTEM_WRITE"
  ],
  "platforms": [
   "client"
  ]
 },
 {
  "name": "tlsh_hash",
  "kind": "function",
  "doc": "The TLSH similarity digest of a file (70 lowercase hex digits); NULL when it cannot be read, is under 512 bytes or too uniform for TLSH, or is over 100 MiB.",
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
  "name": "trace",
  "kind": "function",
  "doc": "Upload a trace file: a zip of the process's diagnostic report, heap statistics, recent logs, queries and metrics, uploaded as `Trace<unix>.zip`.",
  "category": "developer",
  "args": [],
  "permissions": [
   "MACHINE_STATE"
  ],
  "platforms": [
   "client"
  ],
  "version": 1
 },
 {
  "name": "unzip",
  "kind": "plugin",
  "doc": "Extracts a zip or tar.gz archive into a directory: one row per file written (OriginalPath, NewPath, Size).",
  "category": "client",
  "args": [
   {
    "name": "filename",
    "type": "string",
    "doc": "The archive.",
    "required": true,
    "repeated": false
   },
   {
    "name": "accessor",
    "type": "string",
    "doc": "auto or file.",
    "required": false,
    "repeated": false
   },
   {
    "name": "filename_filter",
    "type": "string",
    "doc": "Only extract members whose names match this regex.",
    "required": false,
    "repeated": false
   },
   {
    "name": "output_directory",
    "type": "string",
    "doc": "Where to extract to (made when missing).",
    "required": true,
    "repeated": false
   },
   {
    "name": "type",
    "type": "string",
    "doc": "zip or tgz (default: from the file's extension, zip unless .tgz/.tar.gz).",
    "required": false,
    "repeated": false
   }
  ],
  "permissions": [
   "FILESYSTEM_WRITE",
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
   },
   {
    "name": "mtime",
    "type": "any",
    "doc": "Modified time to record (accepted; Talon does not record upload times).",
    "required": false,
    "repeated": false
   },
   {
    "name": "atime",
    "type": "any",
    "doc": "Access time to record (accepted; not recorded).",
    "required": false,
    "repeated": false
   },
   {
    "name": "ctime",
    "type": "any",
    "doc": "Change time to record (accepted; not recorded).",
    "required": false,
    "repeated": false
   },
   {
    "name": "btime",
    "type": "any",
    "doc": "Birth time to record (accepted; not recorded).",
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
  "name": "vfs_ls",
  "kind": "plugin",
  "doc": "List directory and build a VFS object: one row per entry (FullPath, OSPath, Components, Accessor, Data, Stats NULL, Name, Size, Mode, Mtime, Atime, Ctime, Btime, Idx), then for each directory a summary row with Components, Accessor and Stats {start_idx, end_idx} (the Idx range of its entries); subdirectories follow down to `depth` levels.",
  "category": "client",
  "args": [
   {
    "name": "path",
    "type": "string",
    "doc": "The directory to refresh.",
    "required": false,
    "repeated": false
   },
   {
    "name": "components",
    "type": "list<string>",
    "doc": "Alternatively a list of path components can be given.",
    "required": false,
    "repeated": true
   },
   {
    "name": "accessor",
    "type": "string",
    "doc": "An accessor to use.",
    "required": false,
    "repeated": false
   },
   {
    "name": "depth",
    "type": "int",
    "doc": "Depth of directory to list (default 0).",
    "required": false,
    "repeated": false
   }
  ],
  "permissions": [
   "FILESYSTEM_READ"
  ],
  "platforms": [
   "client"
  ],
  "version": 1
 },
 {
  "name": "watch_ebpf",
  "kind": "plugin",
  "doc": "Watch for events from the kernel, as Velociraptor's tracee (eBPF) events: one row per event, System {Timestamp, EventID, EventName, ThreadStartTime, ProcessorID, ProcessID, ThreadID, ParentProcessID, HostProcessID, HostThreadID, HostParentProcessID, UserID, MountNS, ProcessName, HostName, CgroupID} and EventData (tracee's arguments). Talon reads other kernel interfaces instead of eBPF and serves sched_process_exec, sched_process_exit and sched_process_fork (the process events connector, enriched from /proc) and net_packet_dns, net_packet_dns_request, net_packet_dns_response and net_packet_http_request (a packet socket); other events are named in a warning. Needs root and the native kernel-events addon (built by `npm install` where a C compiler is); without them, an error and no rows.",
  "category": "linux",
  "args": [
   {
    "name": "events",
    "type": "list<string>",
    "doc": "A list of event names to acquire.",
    "required": false,
    "repeated": true
   },
   {
    "name": "include_env",
    "type": "bool",
    "doc": "Include process environment variables (secret-looking variables left out).",
    "required": false,
    "repeated": false
   },
   {
    "name": "policy",
    "type": "string",
    "doc": "Use a tracee policy in YAML format to specify events instead (its rules' events; filters are not applied).",
    "required": false,
    "repeated": false
   },
   {
    "name": "regex_prefilter",
    "type": "string",
    "doc": "A regex that must match the raw buffer before we process it (a packet's payload; an exec's path and argv).",
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
 },
 {
  "name": "write_crypto_file",
  "kind": "plugin",
  "doc": "Write a query into an encrypted local storage file. Each batch of rows is sealed to the server's public key (only the server can read it back, with read_crypto_file()); the rows are passed on.",
  "category": "client",
  "args": [
   {
    "name": "filename",
    "type": "string",
    "doc": "Path to the file to write",
    "required": true,
    "repeated": false
   },
   {
    "name": "query",
    "type": "query",
    "doc": "query to write into the file.",
    "required": true,
    "repeated": false
   },
   {
    "name": "max_wait",
    "type": "int",
    "doc": "How often to flush the file (default 60 sec).",
    "required": false,
    "repeated": false
   },
   {
    "name": "max_rows",
    "type": "int",
    "doc": "How many rows to buffer before writing (default 1000).",
    "required": false,
    "repeated": false
   },
   {
    "name": "max_size",
    "type": "int",
    "doc": "When the file grows to this size, truncate it (default 1Gb).",
    "required": false,
    "repeated": false
   }
  ],
  "permissions": [
   "FILESYSTEM_WRITE"
  ],
  "platforms": [
   "client"
  ]
 },
 {
  "name": "write_csv",
  "kind": "plugin",
  "doc": "Writes the rows of `query` to a CSV file (a header from the first row's columns; non-string values as JSON) and passes them on.",
  "category": "client",
  "args": [
   {
    "name": "filename",
    "type": "string",
    "doc": "The CSV file to write (truncated).",
    "required": true,
    "repeated": false
   },
   {
    "name": "accessor",
    "type": "string",
    "doc": "auto or file.",
    "required": false,
    "repeated": false
   },
   {
    "name": "query",
    "type": "query",
    "doc": "The rows to write.",
    "required": true,
    "repeated": false
   }
  ],
  "permissions": [
   "FILESYSTEM_WRITE"
  ],
  "platforms": [
   "client"
  ]
 },
 {
  "name": "write_jsonl",
  "kind": "plugin",
  "doc": "Writes the rows of `query` to a file as JSON lines and passes them on.",
  "category": "client",
  "args": [
   {
    "name": "filename",
    "type": "string",
    "doc": "The file to write.",
    "required": true,
    "repeated": false
   },
   {
    "name": "accessor",
    "type": "string",
    "doc": "auto or file.",
    "required": false,
    "repeated": false
   },
   {
    "name": "query",
    "type": "query",
    "doc": "The rows to write.",
    "required": true,
    "repeated": false
   },
   {
    "name": "buffer_size",
    "type": "int",
    "doc": "Accepted for compatibility (each row is written as it comes).",
    "required": false,
    "repeated": false
   },
   {
    "name": "max_time",
    "type": "int",
    "doc": "Accepted for compatibility (each row is written as it comes).",
    "required": false,
    "repeated": false
   },
   {
    "name": "append",
    "type": "bool",
    "doc": "Append to the file instead of truncating it.",
    "required": false,
    "repeated": false
   }
  ],
  "permissions": [
   "FILESYSTEM_WRITE"
  ],
  "platforms": [
   "client"
  ]
 },
 {
  "name": "yara",
  "kind": "plugin",
  "doc": "Scans files with YARA rules (libyara in WebAssembly): one row per matching rule and file with Rule, Tags (always empty: the WebAssembly build does not report them), Meta, String {Name, Offset, HexData, Data} (the rule's first hit), File (stat) and FileName.",
  "category": "client",
  "args": [
   {
    "name": "rules",
    "type": "string",
    "doc": "The YARA rules (source text).",
    "required": true,
    "repeated": false
   },
   {
    "name": "files",
    "type": "list<string>",
    "doc": "The files to scan (the data itself with accessor data).",
    "required": true,
    "repeated": true
   },
   {
    "name": "accessor",
    "type": "string",
    "doc": "auto, file or data.",
    "required": false,
    "repeated": false
   },
   {
    "name": "context",
    "type": "int",
    "doc": "Bytes of context on each side of a hit in String.Data and HexData.",
    "required": false,
    "repeated": false
   },
   {
    "name": "start",
    "type": "int",
    "doc": "Offset to start scanning at.",
    "required": false,
    "repeated": false
   },
   {
    "name": "end",
    "type": "int",
    "doc": "Offset to stop scanning at (default: the file's end, at most 256 MiB after start).",
    "required": false,
    "repeated": false
   },
   {
    "name": "number",
    "type": "int",
    "doc": "At most this many matching rules per file.",
    "required": false,
    "repeated": false
   },
   {
    "name": "blocksize",
    "type": "int",
    "doc": "Accepted for compatibility (files are scanned whole).",
    "required": false,
    "repeated": false
   },
   {
    "name": "key",
    "type": "string",
    "doc": "Accepted for compatibility (rules are compiled for each scan).",
    "required": false,
    "repeated": false
   },
   {
    "name": "namespace",
    "type": "string",
    "doc": "Accepted for compatibility (rules go in the default namespace).",
    "required": false,
    "repeated": false
   },
   {
    "name": "vars",
    "type": "dict",
    "doc": "External variables: not supported by the WebAssembly build (an error is logged when given).",
    "required": false,
    "repeated": false
   },
   {
    "name": "force_buffers",
    "type": "bool",
    "doc": "Accepted for compatibility (files are always read into a buffer).",
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
