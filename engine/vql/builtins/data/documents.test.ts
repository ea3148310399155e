// parse_yaml(), parse_xml(), split_records(), parse_records_with_regex() and relpath():
// expected values from Velociraptor's reference docs (vql.yaml), the shapes its parsers give
// (Go yaml.v2 / mxj with the Attr prefix), and Go's filepath.Rel.
import { describe, expect, it } from "vitest";
import { collect, rowsOf, valueOf } from "../../eval/testing";

const v = (expr: string) => valueOf(expr);

describe("parse_yaml()", () => {
  it("parses YAML text (accessor data) into dicts and lists, key order kept", async () => {
    expect(await v(`parse_yaml(accessor='data', filename='b: 1\na: [x, "y"]\nc:\n  d: 1.5\n  e: null\n')`)).toBe('{"b":1,"a":["x","y"],"c":{"d":1.5,"e":null}}');
  });
  it("reads YAML 1.1 as Go's yaml.v2 does: yes/no are booleans, dates stay text, non-string keys are dropped", async () => {
    expect(await v(`parse_yaml(accessor='data', filename='on: yes\nwhen: 2024-01-02\n1: one\nmode: 0755\n')`)).toBe('{"when":"2024-01-02","mode":493}');
  });
  it("logs a syntax error and gives NULL; a file path without accessor data is not parsed as YAML", async () => {
    const bad = await collect(`SELECT parse_yaml(accessor='data', filename='a: [1, 2') AS X FROM scope()`);
    expect(bad.rows).toEqual(['{"X":null}']);
    expect(bad.logs.join()).toContain("parse_yaml:");
    const path = await collect(`SELECT parse_yaml(filename='/etc/velociraptor.config.yaml') AS X FROM scope()`);
    expect(path.rows).toEqual(['{"X":null}']);
    expect(path.logs.join()).toContain("accessor `auto` reads files");
  });
});

describe("parse_xml()", () => {
  it("gives mxj's map: attributes as Attr<name>, text beside attributes as #text, repeats as lists, keys sorted", async () => {
    expect(await v(`parse_xml(accessor='data', file='<?xml version="1.0"?><root a="1"><y b="2">t</y><x>1</x><x>2</x><e/></root>')`)).toBe(
      '{"root":{"Attra":"1","e":"","x":["1","2"],"y":{"#text":"t","Attrb":"2"}}}',
    );
  });
  it("decodes entities", async () => {
    expect(await v(`parse_xml(accessor='data', file='<a>x &amp; y</a>').a`)).toBe('"x & y"');
  });
  it("logs text that is not XML and gives NULL", async () => {
    const r = await collect(`SELECT parse_xml(accessor='data', file='not xml') AS X FROM scope()`);
    expect(r.rows).toEqual(['{"X":null}']);
    expect(r.logs.join()).toContain("NewMapXmlReader:");
  });
});

describe("split_records()", () => {
  it("splits lines on whitespace into Column0, Column1... (missing values NULL)", async () => {
    expect(await rowsOf(`SELECT * FROM split_records(accessor='data', filenames='a b  c\nd e')`)).toEqual(['{"Column0":"a","Column1":"b","Column2":"c"}', '{"Column0":"d","Column1":"e","Column2":null}']);
  });
  it("takes headers from the first row (sanitised) or from columns, splits by regex and at most count pieces", async () => {
    expect(await rowsOf(`SELECT * FROM split_records(accessor='data', filenames='user-name,uid\nroot,0', regex=',', first_row_is_headers=TRUE)`)).toEqual(['{"user_name":"root","uid":"0"}']);
    expect(await rowsOf(`SELECT * FROM split_records(accessor='data', filenames='ssh-rsa AAAA key name', columns=['Type', 'PublicKey', 'KeyName'], count=3)`)).toEqual([
      '{"Type":"ssh-rsa","PublicKey":"AAAA","KeyName":"key name"}',
    ]);
  });
  it("splits records by record_regex", async () => {
    expect(await rowsOf(`SELECT * FROM split_records(accessor='data', filenames='a:1;b:2', record_regex=';', regex=':', columns=['K', 'V'])`)).toEqual(['{"K":"a","V":"1"}', '{"K":"b","V":"2"}']);
  });
});

describe("parse_records_with_regex()", () => {
  const dpkg = "Package: a\\nVersion: 1\\n\\nPackage: b\\nVersion: 2\\n\\n";
  it("docs example: splits dpkg status records with (?sm)^(?P<Record>Package:.+?)\\n\\n", async () => {
    const rows = await rowsOf(`SELECT Record FROM parse_records_with_regex(accessor='data', file="${dpkg}", regex='(?sm)^(?P<Record>Package:.+?)\\n\\n')`);
    expect(rows).toEqual(['{"Record":"Package: a\\nVersion: 1"}', '{"Record":"Package: b\\nVersion: 2"}']);
  });
  it("tries the regexes in order at each step (case-insensitive), names unnamed groups g1..., and sets every capture name", async () => {
    const rows = await rowsOf(`SELECT * FROM parse_records_with_regex(accessor='data', file='X=1 y=2', regex=['x=(?P<X>\\\\d)', 'Y=(\\\\d)'])`);
    expect(rows).toEqual(['{"FullPath":"X=1 y=2","X":"1"}', '{"FullPath":"X=1 y=2","X":"","g1":"2"}']);
  });
});

describe("relpath()", () => {
  it("is Go's filepath.Rel(base, path)", async () => {
    expect(await v("(relpath(path='/a/b/c', base='/a'), relpath(path='/a/c', base='/a/b'), relpath(path='/a', base='/a'), relpath(path='a/b', base='/a'))")).toBe('["b/c","../c",".",""]');
  });
  it("handles Windows paths case-insensitively, with `sep` choosing the separator", async () => {
    expect(await v("relpath(path='C:\\\\Windows\\\\System32\\\\cmd.exe', base='c:\\\\windows')")).toBe('"System32\\\\cmd.exe"');
    expect(await v("relpath(path='C:\\\\Windows\\\\System32\\\\cmd.exe', base='C:\\\\Windows', sep='/')")).toBe('"System32/cmd.exe"');
  });
});
