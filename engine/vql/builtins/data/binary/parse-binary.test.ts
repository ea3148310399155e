// parse_binary(): values computed here from the formats' definitions (utmp(5)'s struct utmp,
// FILETIME as 100 ns ticks since 1601-01-01, UTF-16LE) and from the vtypes profile language's
// rules (lazy fields, lambdas over the struct, ParentOf, `@Field` references, array sizes).
import { describe, expect, it } from "vitest";
import { collect, rowsOf, valueOf } from "@/engine/vql/eval/testing";
import type { FileAccess } from "../../types";

const hex = (b: Buffer) => b.toString("hex");
const run = (expr: string, env: Record<string, unknown>, allowErrors = false) => valueOf(expr, { env, allowErrors });

/** One utmp record (Linux utmp(5), 384 bytes). */
function utmp(type: number, pid: number, line: string, id: string, user: string, host: string, sec: number, addr: number[]): Buffer {
  const b = Buffer.alloc(384);
  b.writeInt32LE(type, 0);
  b.writeInt32LE(pid, 4);
  b.write(line, 8, "latin1");
  b.write(id, 40, "latin1");
  b.write(user, 44, "latin1");
  b.write(host, 76, "latin1");
  b.writeInt16LE(0, 332);
  b.writeInt16LE(0, 334);
  b.writeInt32LE(0, 336);
  b.writeInt32LE(sec, 340);
  b.writeInt32LE(0, 344);
  addr.forEach((a, i) => b.writeUInt8(a, 348 + i));
  return b;
}

const UTMP_PROFILE = `[
  ["File", 0, [
    ["records", 0, "Array", {type: "utmp", count: "x=>Count", max_count: 100}],
  ]],
  # struct utmp from utmp(5)
  ["utmp", 384, [
    ["ut_type", 0, "Enumeration", {type: "short int", choices: {"2": "BOOT_TIME", "7": "USER_PROCESS", "8": "DEAD_PROCESS"}}],
    ["ut_pid", 4, "int"],
    ["ut_line", 8, "String", {length: 32}],
    ["ut_id", 40, "String", {length: 4}],
    ["ut_user", 44, "String", {length: 32}],
    ["ut_host", 76, "String", {length: 256}],
    ["ut_session", 336, "int"],
    ["ut_tv", 340, "Timestamp", {type: "uint32"}],
    ["ut_addr", 348, "uint32b"],
  ]],
]`;

describe("parse_binary()", () => {
  it("parses utmp records (an array of fixed-size structs counted by a lambda over the scope)", async () => {
    const login = Date.UTC(2024, 0, 2, 3, 4, 5) / 1000;
    const data = Buffer.concat([
      utmp(7, 4242, "pts/0", "ts/0", "alice", "192.0.2.7", login, [192, 0, 2, 7]),
      utmp(8, 4242, "pts/0", "", "", "", login + 60, [0, 0, 0, 0]),
    ]);
    const rows = await rowsOf(
      `LET P <= parse_binary(accessor='data', filename=unhex(string=Hex), profile=Profile, struct='File')
       SELECT * FROM foreach(row=P.records, query={
         SELECT ut_type, ut_pid, ut_line, ut_id, ut_user, ut_host, ut_tv, ut_addr FROM scope()
       })`,
      { env: { Hex: hex(data), Profile: UTMP_PROFILE, Count: 3 } },
    );
    expect(rows).toEqual([
      `{"ut_type":"USER_PROCESS","ut_pid":4242,"ut_line":"pts/0","ut_id":"ts/0","ut_user":"alice","ut_host":"192.0.2.7","ut_tv":"2024-01-02T03:04:05Z","ut_addr":${(192 << 24 >>> 0) + 2 * 256 + 7}}`,
      `{"ut_type":"DEAD_PROCESS","ut_pid":4242,"ut_line":"pts/0","ut_id":"","ut_user":"","ut_host":"","ut_tv":"2024-01-02T03:05:05Z","ut_addr":0}`,
      // Count=3 but the data holds two records: vtypes reads zeros past the end (type 0 has no name).
      `{"ut_type":"0x0","ut_pid":0,"ut_line":"","ut_id":"","ut_user":"","ut_host":"","ut_tv":"1970-01-01T00:00:00Z","ut_addr":0}`,
    ]);
  });

  it("turns FILETIME ticks into a time, and reads builtin types directly with an offset", async () => {
    const ticks = 132000000000000000n;
    const b = Buffer.alloc(12);
    b.writeBigUInt64LE(ticks, 4);
    // 100 ns ticks since 1601-01-01T00:00:00Z, whole seconds.
    const expected = new Date(Date.UTC(1601, 0, 1) + Number(ticks / 10_000_000n) * 1000).toISOString().replace(".000Z", "Z");
    const profile = `[["T", 12, [["When", 4, "WinFileTime"], ["Raw", 4, "uint64"]]]]`;
    expect(await run(`parse_binary(accessor='data', filename=unhex(string=H), profile=P, struct='T').When`, { H: hex(b), P: profile })).toBe(`"${expected}"`);
    expect(await run(`parse_binary(accessor='data', filename=unhex(string=H), profile='[]', struct='int64', offset=4)`, { H: hex(b) })).toBe(String(Number(ticks)));
    expect(await run(`parse_binary(accessor='data', filename=unhex(string='00000102'), struct='uint16b', offset=2)`, {})).toBe("258");
  });

  it("reads UTF-16 and terminated strings, with lengths from other fields", async () => {
    const name = "Ünïcode.exe";
    const u16 = Buffer.from(name + "\0junk", "utf16le");
    const b = Buffer.concat([Buffer.from([name.length]), Buffer.from([0]), u16, Buffer.from("abc|def\0", "latin1")]);
    const profile = `[["S", 0, [
      ["Len", 0, "uint8"],
      ["Sized", 2, "String", {encoding: "utf16", length: "x=>x.Len * 2"}],
      ["Terminated", 2, "String", {encoding: utf16}],
      ["Piped", "x=>x.\`@Terminated\`.RelEndOf + 8", "String", {term: "|"}],
      ["Raw", "x=>x.\`@Terminated\`.RelEndOf + 8", "String", {term: "", length: 3}],
      ["HexTerm", "x=>x.\`@Terminated\`.RelEndOf + 8", "String", {term_hex: "7c64"}],
    ]]]`;
    expect(await run(`parse_binary(accessor='data', filename=unhex(string=H), profile=P, struct='S')`, { H: hex(b), P: profile })).toBe(
      `{"Len":${name.length},"Sized":"${name}","Terminated":"${name}","Piped":"abc","Raw":"abc","HexTerm":"abc"}`,
    );
  });

  it("sizes arrays of variable-size structs, stops them at a sentinel, and reads ParentOf and later fields", async () => {
    // Header: count at 0, table offset at 4; entries: [len u8][name bytes]; then a 0xff entry.
    const entries = Buffer.from([3, 0x61, 0x62, 0x63, 1, 0x7a, 2, 0x71, 0x72, 0xff]);
    const b = Buffer.concat([Buffer.from([5, 0, 0, 0, 8, 0, 0, 0]), entries]);
    const profile = `[
      ["Header", 0, [
        ["Entries", "x=>x.__TableOffset", "Array", {type: "Entry", count: "x=>x.__Count", sentinel: "x=>x.Len = 255"}],
        ["__Count", 0, "uint32"],
        ["__TableOffset", 4, "uint32"],
        ["Names", 0, "Value", {value: "x=>x.Entries.Name"}],
      ]],
      ["Entry", "x=>x.Len + 1", [
        ["Len", 0, "uint8"],
        ["Name", 1, "String", {length: "x=>x.Len", term: ""}],
        ["Table", 0, "Value", {value: "x=>x.ParentOf.__TableOffset"}],
        ["End", 0, "Value", {value: "x=>x.EndOf"}],
      ]],
    ]`;
    expect(await run(`parse_binary(accessor='data', filename=unhex(string=H), profile=P, struct='Header')`, { H: hex(b), P: profile })).toBe(
      '{"Entries":[{"Len":3,"Name":"abc","Table":8,"End":12},{"Len":1,"Name":"z","Table":8,"End":14},{"Len":2,"Name":"qr","Table":8,"End":17}],"Names":["abc","z","qr"]}',
    );
    // Hidden (`__`) fields are not shown but can be read.
    expect(await run(`parse_binary(accessor='data', filename=unhex(string=H), profile=P, struct='Header').__Count`, { H: hex(b), P: profile })).toBe("5");
  });

  it("decodes enumerations, bit fields, flags, unions, pointers and Profile offsets", async () => {
    const b = Buffer.alloc(32);
    b.writeUInt16LE(0b1011_0110, 0); // bits
    b.writeUInt32LE(2, 2); // kind
    b.writeBigUInt64LE(24n, 8); // pointer to 24
    b.writeUInt32LE(0xdeadbeef, 24);
    b.writeUInt16LE(99, 16);
    const profile = `[
      ["R", 32, [
        ["Low", 0, "BitField", {type: "uint16", start_bit: 1, end_bit: 3}],
        ["High", 0, "BitField", {type: "uint16", start_bit: 4}],
        ["Flags", 0, "Flags", {type: "uint16", bitmap: {B1: 1, B0: 0, B2: 2, B7: 7}}],
        ["Kind", 2, "Enumeration", {type: "uint32", choices: {"0x1": "ONE", "2": "TWO"}}],
        ["Mapped", 2, "Enumeration", {type: "uint32", map: {TWO_BY_MAP: 2}}],
        ["Unknown", 16, "Enumeration", {type: "uint16", choices: {"1": "ONE"}}],
        ["Body", 0, "Union", {selector: "x=>x.Kind", choices: {ONE: "One", TWO: "Two"}}],
        ["Target", 8, "Pointer", {type: "uint32"}],
        ["At", 0, "Profile", {type: "uint16", offset: "x=>x.StartOf + 16"}],
      ]],
      ["One", 2, [["One", 16, "uint8"]]],
      ["Two", 2, [["Two", 16, "uint16"]]],
    ]`;
    expect(await run(`parse_binary(accessor='data', filename=unhex(string=H), profile=P, struct='R')`, { H: hex(b), P: profile })).toBe(
      `{"Low":${(0b10110110 >> 1) & 3},"High":${0b10110110 >> 4},"Flags":["B1","B2","B7"],"Kind":"TWO","Mapped":"TWO_BY_MAP","Unknown":"0x63","Body":{"Two":99},"Target":${0xdeadbeef},"At":99}`,
    );
  });

  it("passes env to the lambdas and reads leb128 and FAT times", async () => {
    const b = Buffer.from([0xe5, 0x8e, 0x26, 0, 0, 0, 0]);
    // DOS date 2021-03-04 (year-1980=41, month 3, day 4), time 05:06:08.
    const date = (41 << 9) | (3 << 5) | 4;
    const time = (5 << 11) | (6 << 5) | 4;
    b.writeUInt16LE(date, 3);
    b.writeUInt16LE(time, 5);
    const profile = `[["V", 0, [["N", 0, "leb128"], ["Dos", 3, "FatTimestamp"], ["E", 0, "Value", {value: "x=>Extra + 1"}]]]]`;
    expect(await run(`parse_binary(accessor='data', filename=unhex(string=H), profile=P, struct='V', env=dict(Extra=41))`, { H: hex(b), P: profile })).toBe(
      '{"N":624485,"Dos":"2021-03-04T05:06:08Z","E":42}',
    );
  });

  it("logs a malformed profile with where it is wrong, and gives NULL", async () => {
    const cases: [string, RegExp][] = [
      [`[["A", 0, [["f", 0, "NoSuchType"]]]]`, /struct A field f: reference to undefined type NoSuchType/],
      [`[["A", 0, [["f", 0, "Array", {count: 2}]]]]`, /struct A field f: Array: option `type` is required/],
      [`[["A", 0, [["f", 0, "String", {lenght: 2}]]]]`, /struct A field f: String: unexpected options: lenght/],
      [`[["A", 0, [["f", "x=>x.(", "uint8"]]]]`, /struct A field f offset: lambda/],
      [`[["A", 0, [["f", 0]]]]`, /struct A field #1: a field definition is \[name, offset, type, options\?\]/],
      [`[["A", 0, [["f", 0, "BitField", {type: "uint8", start_bit: 4, end_bit: 2}]]]]`, /BitField end_bit \(2\) should be larger than start_bit \(4\)/],
      [`[["uint32", 4, []]]`, /struct uint32: the definition masks an existing definition/],
      [`[["A", 0, [`, /not valid YAML\/JSON/],
      [`{"A": 1}`, /a profile is a list of struct definitions/],
    ];
    for (const [profile, msg] of cases) {
      const r = await collect(`SELECT parse_binary(accessor='data', filename='abcd', profile=P, struct='A') AS X FROM scope()`, { env: { P: profile } });
      expect(r.rows).toEqual(['{"X":null}']);
      expect(r.logs.join("\n")).toMatch(msg);
    }
    const r = await collect(`SELECT parse_binary(accessor='data', filename='abcd', profile='[]', struct='Missing') AS X FROM scope()`);
    expect(r.logs.join("\n")).toMatch(/Type name Missing is not known/);
  });

  it("survives hostile profiles: self-dependent fields, pointer loops and huge counts end", async () => {
    const b = Buffer.alloc(16); // pointer at 0 points to 0
    const self = `[["A", 0, [["f", "x=>x.f", "uint8"]]]]`;
    let r = await collect(`SELECT parse_binary(accessor='data', filename=unhex(string=H), profile=P, struct='A') AS X FROM scope()`, { env: { H: hex(b), P: self } });
    expect(r.logs.join("\n")).toMatch(/A\.f depends on itself/);
    const loop = `[["N", 8, [["Next", 0, "Pointer", {type: "N"}]]]]`;
    r = await collect(`SELECT parse_binary(accessor='data', filename=unhex(string=H), profile=P, struct='N') AS X FROM scope()`, { env: { H: hex(b), P: loop } });
    expect(r.rows).toEqual(['{"X":null}']);
    expect(r.logs.join("\n")).toMatch(/nesting deeper than 64 levels/);
    const huge = `[["A", 0, [["L", 0, "Array", {type: "B", count: 100000000, max_count: 100000000}]]], ["B", 1, [["C", 0, "Array", {type: "uint8", count: 1000}]]]]`;
    r = await collect(`SELECT parse_binary(accessor='data', filename=unhex(string=H), profile=P, struct='A') AS X FROM scope()`, { env: { H: hex(b), P: huge } });
    expect(r.rows).toEqual(['{"X":null}']);
    expect(r.logs.join("\n")).toMatch(/values parsed; stopped/);
  });

  it("reads files through the host's file access, and logs where none is given", async () => {
    const data = Buffer.from([1, 0, 0, 0, 2, 0, 0, 0]);
    const files: FileAccess = {
      async *read(path) {
        if (path !== "/var/log/wtmp") throw new Error("no such file");
        yield data.subarray(0, 3);
        yield data.subarray(3);
      },
    };
    const q = `SELECT parse_binary(filename=F, profile='[["P", 8, [["a", 0, "uint32"], ["b", 4, "uint32"]]]]', struct='P') AS X FROM scope()`;
    expect((await collect(q, { env: { F: "/var/log/wtmp" }, files })).rows).toEqual(['{"X":{"a":1,"b":2}}']);
    const missing = await collect(q, { env: { F: "/nope" }, files });
    expect(missing.rows).toEqual(['{"X":null}']);
    expect(missing.logs.join("\n")).toMatch(/parse_binary: \/nope: no such file/);
    const none = await collect(q, { env: { F: "/var/log/wtmp" } });
    expect(none.logs.join("\n")).toMatch(/accessor `auto` reads files/);
  });

  it("stops when the query is cancelled (LIMIT over rows that parse)", async () => {
    const rows = await rowsOf(
      `SELECT parse_binary(accessor='data', filename=format(format='%c', args=_value), profile='[]', struct='uint8') AS X FROM range(start=65, end=1000000) LIMIT 2`,
    );
    expect(rows).toEqual(['{"X":65}', '{"X":66}']);
  });
});
