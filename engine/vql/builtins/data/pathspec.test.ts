// pathspec() and its OSPath value: expected values from Velociraptor's path rules as its source
// documents them (accessors/manipulators.go, utils/path.go comments: "C:\Windows\System32 ->
// [C:, Windows, System32]", "/usr/bin/ls -> [usr, bin, ls]", quoted components keep separators)
// and the pathspec JSON form its docs show ({"DelegateAccessor": ..., "DelegatePath": ..., "Path": ...}).
import { describe, expect, it } from "vitest";
import { collect, valueOf } from "../../eval/testing";

const v = (expr: string) => valueOf(expr);

describe("pathspec(parse=...)", () => {
  it("splits Windows, Linux and device paths into components and prints them back", async () => {
    expect(await v("pathspec(parse='C:\\\\Windows\\\\System32', path_type='windows').Components")).toBe('["C:","Windows","System32"]');
    expect(await v("pathspec(parse='/usr/bin/ls', path_type='linux').Components")).toBe('["usr","bin","ls"]');
    expect(await v("pathspec(parse='\\\\\\\\.\\\\C:\\\\Windows\\\\System32', path_type='windows').Components")).toBe('["\\\\\\\\.\\\\C:","Windows","System32"]');
    expect(await v("(pathspec(parse='C:/Windows/System32', path_type='windows'), pathspec(parse='/usr//bin/./ls', path_type='linux'))")).toBe('["C:\\\\Windows\\\\System32","/usr/bin/ls"]');
  });
  it("ntfs paths name the drive as a device; registry paths expand hive abbreviations", async () => {
    expect(await v("pathspec(parse='c:\\\\Windows', path_type='ntfs')")).toBe('"\\\\\\\\.\\\\C:\\\\Windows"');
    expect(await v("pathspec(parse='C:', path_type='ntfs')")).toBe('"\\\\\\\\.\\\\C:"');
    expect(await v("pathspec(parse='HKLM\\\\Software\\\\Microsoft', path_type='registry')")).toBe('"HKEY_LOCAL_MACHINE\\\\Software\\\\Microsoft"');
  });
  it("keeps a component with separators as one, quoted in the text (the registry Run key example)", async () => {
    const p = "pathspec(parse='HKEY_USERS\\\\S-1\\\\Run\\\\\"c:\\\\windows\\\\mshta.exe\"', path_type='registry')";
    expect(await v(`${p}.Components`)).toBe('["HKEY_USERS","S-1","Run","c:\\\\windows\\\\mshta.exe"]');
    expect(await v(`${p}.Basename`)).toBe('"c:\\\\windows\\\\mshta.exe"');
    expect(await v(`${p}.String`)).toBe('"HKEY_USERS\\\\S-1\\\\Run\\\\\\"c:\\\\windows\\\\mshta.exe\\""');
  });
  it("reads a JSON pathspec", async () => {
    const p = `pathspec(parse='{"DelegateAccessor":"file","DelegatePath":"/tmp/a.zip","Path":"/b/c.txt"}')`;
    expect(await v(`(${p}.DelegateAccessor, ${p}.DelegatePath, ${p}.Path, ${p}.Components)`)).toBe('["file","/tmp/a.zip","/b/c.txt",["b","c.txt"]]');
  });
  it("logs an unknown path type and returns FALSE", async () => {
    const r = await collect("SELECT pathspec(parse='x', path_type='nope') AS X FROM scope()");
    expect(r.rows).toEqual(['{"X":false}']);
    expect(r.logs.join()).toContain("Unknown path type: nope");
  });
});

describe("pathspec(Path=..., DelegatePath=...)", () => {
  it("makes the zip accessor's pathspec: delegate accessor and path with the member path", async () => {
    expect(await v("pathspec(DelegatePath='/tmp/a.zip', DelegateAccessor='file', Path='/word/document.xml')")).toBe(
      JSON.stringify(JSON.stringify({ DelegateAccessor: "file", DelegatePath: "/tmp/a.zip", Path: "/word/document.xml" })),
    );
    expect(await v("pathspec(DelegatePath='/tmp/a.zip').String")).toBe(JSON.stringify(JSON.stringify({ DelegatePath: "/tmp/a.zip" })));
  });
  it("nests a Delegate pathspec", async () => {
    expect(await v("pathspec(DelegateAccessor='zip', Delegate=pathspec(DelegateAccessor='file', DelegatePath='/a.zip', Path='/inner.zip'), Path='/x')")).toBe(
      JSON.stringify(JSON.stringify({ DelegateAccessor: "zip", Delegate: { DelegateAccessor: "file", DelegatePath: "/a.zip", Path: "/inner.zip" }, Path: "/x" })),
    );
  });
  it("JSON-encodes a Path that is not a string into a pathspec path", async () => {
    expect(await v("pathspec(Path=dict(a=1), DelegateAccessor='me')")).toBe(JSON.stringify(JSON.stringify({ DelegateAccessor: "me", Path: '{"a":1}' })));
  });
});

describe("OSPath values", () => {
  it("`+` appends components (a string is split, a list is taken as components) and [i], [a:b] index them", async () => {
    expect(await v("pathspec(parse='/usr', path_type='linux') + 'bin/ls'")).toBe('"/usr/bin/ls"');
    expect(await v("pathspec(parse='C:\\\\Windows', path_type='windows') + ['a/b', 'c']")).toBe('"C:\\\\Windows\\\\\\"a/b\\"\\\\c"');
    expect(await v("(pathspec(parse='/a/b/c', path_type='linux')[0], pathspec(parse='/a/b/c', path_type='linux')[-1], pathspec(parse='/a/b/c', path_type='linux')[1:])")).toBe('["a","c","/b/c"]');
  });
  it("has Dirname, Basename, and matches =~ and format() on its text", async () => {
    expect(await v("(pathspec(parse='/a/b/c', path_type='linux').Dirname, pathspec(parse='/a/b/c', path_type='linux').Basename)")).toBe('["/a/b","c"]');
    expect(await v("(pathspec(parse='/etc/passwd', path_type='linux') =~ 'etc/pass', format(format='%v', args=pathspec(parse='/etc', path_type='linux')))")).toBe('[true,"/etc"]');
  });
  it("is truthy when it has components; equal to an OSPath with the same components and text", async () => {
    expect(await v("(if(condition=pathspec(parse='/a', path_type='linux'), then=1, else=0), if(condition=pathspec(parse='/', path_type='linux'), then=1, else=0))")).toBe("[1,0]");
    expect(await v("(pathspec(parse='/a/b', path_type='linux') = pathspec(parse='/a//b', path_type='linux'), pathspec(parse='/a', path_type='linux') = pathspec(parse='/b', path_type='linux'))")).toBe("[true,false]");
  });
});
