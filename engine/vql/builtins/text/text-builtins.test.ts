// entropy(), gunzip(), commandline_split() and parse_jsonl(): expected values from Velociraptor's
// reference docs (vql.yaml) and first principles (Shannon's formula, Go's command-line rules).
import { describe, expect, it } from "vitest";
import { collect, rowsOf, valueOf } from "../../eval/testing";

const v = (expr: string) => valueOf(expr);

describe("entropy()", () => {
  it("is Shannon entropy in bits per byte, rounded down to two decimals", async () => {
    // One symbol: 0 bits; two equally likely: 1; four: 2; 'aab': 0.918... -> 0.91.
    expect(await v("(entropy(string='aaaa'), entropy(string='abab'), entropy(string='abcd'), entropy(string='aab'), entropy(string=''))")).toBe("[0,1,2,0.91,0]");
  });
  it("counts bytes, not characters (all 256 byte values: 8 bits)", async () => {
    const hex = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0")).join("");
    expect(await v(`entropy(string=unhex(string='${hex}'))`)).toBe("8");
  });
});

describe("gunzip()", () => {
  it("docs example: uncompresses to 80 A's", async () => {
    expect(await v("gunzip(string=base64decode(string='H4sIAAAAAAACA3N0pC4AAKAb0QxQAAAA'))")).toBe(JSON.stringify("A".repeat(80)));
  });
  it("stops at max_bytes", async () => {
    expect(await v("gunzip(string=base64decode(string='H4sIAAAAAAACA3N0pC4AAKAb0QxQAAAA'), max_bytes=5)")).toBe('"AAAAA"');
  });
  it("returns FALSE with a log line for data that is not gzip", async () => {
    const r = await collect("SELECT gunzip(string='plain text') AS X FROM scope()");
    expect(r.rows).toEqual(['{"X":false}']);
    expect(r.logs.join()).toContain("Gunzip: gzip: invalid header");
  });
});

describe("commandline_split()", () => {
  it("docs example: Windows rules keep a quoted path with spaces as one argument", async () => {
    expect(await v(`commandline_split(command='''"C:\\Program Files\\Velociraptor\\Velociraptor.exe" service run''')`)).toBe(
      '["C:\\\\Program Files\\\\Velociraptor\\\\Velociraptor.exe","service","run"]',
    );
  });
  it("docs example: bash_style follows shell quoting", async () => {
    expect(await v(`commandline_split(command="/usr/bin/ls -l 'file with space.txt'", bash_style=TRUE)`)).toBe('["/usr/bin/ls","-l","file with space.txt"]');
    expect(await v(`commandline_split(command='a "b \\\\"c\\\\"" d\\\\ e # comment', bash_style=TRUE)`)).toBe('["a","b \\"c\\"","d e"]');
  });
  it("Windows rules: backslashes are literal except before a quote (2n -> n and a quote, 2n+1 -> n and a literal quote)", async () => {
    // CommandLineToArgvW's documented cases, as Go's (and so Velociraptor's) reader applies them.
    expect(await v(`commandline_split(command='''a\\\\b d"e f"g h''')`)).toBe('["a\\\\\\\\b","de fg","h"]');
    expect(await v(`commandline_split(command='''a\\\\\\"b c d''')`)).toBe('["a\\\\\\"b","c","d"]');
    expect(await v(`commandline_split(command='''a\\\\\\\\"b c" d e''')`)).toBe('["a\\\\\\\\b c","d","e"]');
  });
  it("bash_style with an unclosed quote logs and returns an empty list", async () => {
    const r = await collect(`SELECT commandline_split(command="echo 'oops", bash_style=TRUE) AS X FROM scope()`);
    expect(r.rows).toEqual(['{"X":[]}']);
    expect(r.logs.join()).toContain("EOF found when expecting closing quote");
  });
});

describe("parse_jsonl()", () => {
  it("yields object lines as rows and other values as _value rows, skipping empty and invalid lines", async () => {
    const r = await collect(`SELECT * FROM parse_jsonl(accessor='data', filename='{"b":1,"a":2}\n\n[1,2]\nnot json\n"s"\n')`);
    expect(r.rows).toEqual(['{"b":1,"a":2}', '{"_value":[1,2]}', '{"_value":"s"}']);
    expect(r.logs.join()).toContain("parse_jsonl: error at line 3");
  });
  it("does not read a file name as data: other accessors log that they need the agent", async () => {
    const r = await collect("SELECT * FROM parse_jsonl(filename='/var/log/x.jsonl')");
    expect(r.rows).toEqual([]);
    expect(r.logs.join()).toContain("accessor `auto` reads files");
  });
  it("rows of a big input stop at LIMIT", async () => {
    const text = Array.from({ length: 1000 }, (_, n) => `{"n":${n}}`).join("\n");
    expect(await rowsOf(`SELECT * FROM parse_jsonl(accessor='data', filename='${text}') LIMIT 2`)).toEqual(['{"n":0}', '{"n":1}']);
  });
});
