// A small MaxMind DB writer for tests, after MaxMind's published format spec (MaxMind DB File
// Format Specification 2.0): a binary search tree of 24-bit records over IPv4 or IPv6 bits,
// 16 zero bytes, the data section (maps, arrays, UTF-8 strings, unsigned ints, doubles,
// booleans; no pointers), then "\xAB\xCD\xEFMaxMind.com" and the metadata map. Enough to
// write fixtures whose records the tests know from first principles.

/** Non-negative integers are uint32, other numbers doubles; wrap a number for uint16 or uint64. */
export type MmdbValue = string | number | boolean | MmdbValue[] | { [k: string]: MmdbValue } | { double: number } | { uint16: number } | { uint64: bigint };

// Data section types (the spec's numbers).
const T = { string: 2, double: 3, uint16: 5, uint32: 6, map: 7, uint64: 9, array: 11, boolean: 14 } as const;

function control(type: number, size: number): number[] {
  const out: number[] = [];
  let sizeBits: number;
  const extra: number[] = [];
  if (size < 29) sizeBits = size;
  else if (size < 29 + 256) {
    sizeBits = 29;
    extra.push(size - 29);
  } else if (size < 285 + 65536) {
    sizeBits = 30;
    const n = size - 285;
    extra.push(n >> 8, n & 0xff);
  } else {
    sizeBits = 31;
    const n = size - 65821;
    extra.push((n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff);
  }
  if (type <= 7) out.push((type << 5) | sizeBits);
  else out.push(sizeBits, type - 7);
  return [...out, ...extra];
}

function uintBytes(n: bigint): number[] {
  const out: number[] = [];
  while (n > 0n) {
    out.unshift(Number(n & 0xffn));
    n >>= 8n;
  }
  return out;
}

/** One value in the data section's encoding. */
export function encodeValue(v: MmdbValue): number[] {
  if (typeof v === "string") {
    const b = [...Buffer.from(v, "utf8")];
    return [...control(T.string, b.length), ...b];
  }
  if (typeof v === "boolean") return control(T.boolean, v ? 1 : 0);
  if (typeof v === "number") {
    if (!Number.isInteger(v) || v < 0) return encodeValue({ double: v });
    const b = uintBytes(BigInt(v));
    return [...control(T.uint32, b.length), ...b];
  }
  if (Array.isArray(v)) return [...control(T.array, v.length), ...v.flatMap(encodeValue)];
  if ("double" in v && typeof v.double === "number" && Object.keys(v).length === 1) {
    const b = Buffer.alloc(8);
    b.writeDoubleBE(v.double);
    return [...control(T.double, 8), ...b];
  }
  if ("uint16" in v && typeof v.uint16 === "number" && Object.keys(v).length === 1) {
    const b = uintBytes(BigInt(v.uint16));
    return [...control(T.uint16, b.length), ...b];
  }
  if ("uint64" in v && typeof v.uint64 === "bigint" && Object.keys(v).length === 1) {
    const b = uintBytes(v.uint64);
    return [...control(T.uint64, b.length), ...b];
  }
  const entries = Object.entries(v as Record<string, MmdbValue>);
  return [...control(T.map, entries.length), ...entries.flatMap(([k, x]) => [...encodeValue(k), ...encodeValue(x)])];
}

interface TreeNode {
  child: [TreeNode | number | undefined, TreeNode | number | undefined];
}

function ipBits(ip: string, version: 4 | 6): number[] {
  let bytes: number[];
  if (ip.includes(":")) {
    const [head, tail = ""] = ip.split("::");
    const h = head ? head.split(":") : [];
    const t = ip.includes("::") && tail ? tail.split(":") : [];
    const groups = [...h, ...Array(8 - h.length - t.length).fill("0"), ...t].map((g) => parseInt(g, 16));
    bytes = groups.flatMap((g) => [g >> 8, g & 0xff]);
  } else {
    bytes = ip.split(".").map(Number);
    // An IPv4 network in an IPv6 tree sits under ::/96, as MaxMind's own databases put it.
    if (version === 6) bytes = [...Array(12).fill(0), ...bytes];
  }
  return bytes.flatMap((b) => [7, 6, 5, 4, 3, 2, 1, 0].map((i) => (b >> i) & 1));
}

/** A database mapping each `network/prefix` to its record. */
export function writeMmdb(o: { ipVersion: 4 | 6; databaseType: string; networks: Array<[string, MmdbValue]>; buildEpoch?: number }): Buffer {
  const data: number[] = [];
  const root: TreeNode = { child: [undefined, undefined] };
  for (const [cidr, value] of o.networks) {
    const [ip, len] = cidr.split("/");
    const bits = ipBits(ip, o.ipVersion).slice(0, Number(len) + (o.ipVersion === 6 && !ip.includes(":") ? 96 : 0));
    const offset = data.length;
    data.push(...encodeValue(value));
    let node = root;
    for (let i = 0; i < bits.length - 1; i++) {
      const next = node.child[bits[i]];
      if (typeof next === "object") node = next;
      else {
        const made: TreeNode = { child: [undefined, undefined] };
        node.child[bits[i]] = made;
        node = made;
      }
    }
    node.child[bits[bits.length - 1]] = offset;
  }
  // Number the nodes breadth first (the root is node 0).
  const order: TreeNode[] = [];
  const index = new Map<TreeNode, number>();
  for (let q = [root]; q.length; ) {
    const n = q.shift()!;
    index.set(n, order.length);
    order.push(n);
    for (const c of n.child) if (typeof c === "object") q.push(c);
  }
  const nodeCount = order.length;
  const record = (c: TreeNode | number | undefined) => (c === undefined ? nodeCount : typeof c === "number" ? nodeCount + 16 + c : index.get(c)!);
  const tree = Buffer.alloc(nodeCount * 6);
  order.forEach((n, i) => {
    tree.writeUIntBE(record(n.child[0]), i * 6, 3);
    tree.writeUIntBE(record(n.child[1]), i * 6 + 3, 3);
  });
  const metadata = encodeValue({
    node_count: nodeCount,
    record_size: { uint16: 24 },
    ip_version: { uint16: o.ipVersion },
    database_type: o.databaseType,
    languages: ["en"],
    binary_format_major_version: { uint16: 2 },
    binary_format_minor_version: { uint16: 0 },
    build_epoch: { uint64: BigInt(o.buildEpoch ?? 1_700_000_000) },
    description: { en: "Talon test database" },
  });
  return Buffer.concat([tree, Buffer.alloc(16), Buffer.from(data), Buffer.from([0xab, 0xcd, 0xef]), Buffer.from("MaxMind.com"), Buffer.from(metadata)]);
}
