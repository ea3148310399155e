// plist(): values from the property-list formats themselves (Apple's XML plist DTD, the
// OpenStep text form, the bplist00 binary form written here by the plist package's builder)
// and Velociraptor's shape (sorted keys, data as base64, dates as times).
import { buildBinary } from "plist";
import { describe, expect, it } from "vitest";
import { collect, rowsOf, valueOf } from "../../eval/testing";

const v = (expr: string) => valueOf(expr);
const xml = `<?xml version="1.0" encoding="UTF-8"?><plist version="1.0"><dict><key>Label</key><string>com.example.agent</string><key>ProgramArguments</key><array><string>/usr/bin/true</string><string>-x</string></array><key>RunAtLoad</key><true/><key>Data</key><data>aGk=</data><key>When</key><date>2024-01-02T03:04:05Z</date><key>N</key><integer>7</integer></dict></plist>`;

describe("plist()", () => {
  it("parses an XML plist (a launchd job) with keys sorted, data as base64 and dates as times", async () => {
    expect(await v(`plist(accessor='data', file='${xml}')`)).toBe(
      '{"Data":"aGk=","Label":"com.example.agent","N":7,"ProgramArguments":["/usr/bin/true","-x"],"RunAtLoad":true,"When":"2024-01-02T03:04:05Z"}',
    );
    expect(await v(`typeof(x=plist(accessor='data', file='${xml}').When)`)).toBe('"time.Time"');
  });
  it("parses binary (bplist00) and OpenStep plists", async () => {
    const hex = Buffer.from(buildBinary({ b: [1, "two"], a: { c: false } })).toString("hex");
    expect(await v(`plist(accessor='data', file=unhex(string='${hex}'))`)).toBe('{"a":{"c":false},"b":[1,"two"]}');
    expect(await v(`plist(accessor='data', file='{ b = (x, y); a = "q r"; }')`)).toBe('{"a":"q r","b":["x","y"]}');
  });
  it("the plugin yields a row per plist; bad data and file paths are logged", async () => {
    expect(await rowsOf(`SELECT * FROM plist(accessor='data', file=['${xml}'])`)).toHaveLength(1);
    const r = await collect("SELECT plist(accessor='data', file='<plist><dict><key>a</key></plist>') AS A, plist(file='/Library/LaunchAgents/x.plist') AS B FROM scope()");
    expect(r.rows).toEqual(['{"A":null,"B":null}']);
    expect(r.logs.join("\n")).toMatch(/plist: [\s\S]*plist: accessor `auto` reads files/);
  });
});
