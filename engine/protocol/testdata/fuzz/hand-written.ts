// Hand-written malformed and malicious agent messages for the fuzz corpus (corpus.json), each a
// frame sent on its own connection either before any hello or after a valid one. Frames hold
// tokens the test expands per run (expand.ts): {{SEQ}} the rogue's next seq, {{FLOW_OTHER}} a
// flow of the well-behaved agent, {{CLIENT_OTHER}} its client id, {{PUBKEY}} / {{SIG}} the
// rogue's key and a valid signature of this connection's challenge, {{BIG:n}} n bytes of text,
// {{DEEP:n}} an n-deep array, {{NUL}} a NUL character (JSON-escaped). Every string a case
// could get stored carries the marker `zzfuzz`, which the test looks for in the database.
export interface HandCase {
  name: string;
  phase: "before-hello" | "after-hello";
  frame: string;
  /** Sent as a binary frame. */
  binary?: boolean;
  /**
   * A finding not fixed yet: the test expects this case to fail (it.fails) until the fix lands,
   * then fails itself to say "remove the marker". Name the issue item.
   */
  knownIssue?: string;
}

/** Issue 13 item 6: one agent's NUL or 5000-deep row fails the shared write batch (1011 for every agent in it). */

const hello = (over: Record<string, string>) =>
  `{"type":"hello","version":${over.version ?? "1"},"clientId":${over.clientId ?? '"{{CLIENT_SELF}}"'},"publicKey":${over.publicKey ?? '"{{PUBKEY}}"'},"signature":${over.signature ?? '"{{SIG}}"'},"token":${over.token ?? '"{{TOKEN}}"'},"agent":${over.agent ?? '{"name":"zzfuzz","version":"1"}'},"inFlight":${over.inFlight ?? "[]"}}`;

const rows = (over: Record<string, string>) =>
  `{"type":"rows","seq":${over.seq ?? "{{SEQ}}"},"flowId":${over.flowId ?? '"{{FLOW_OTHER}}"'},"artifact":${over.artifact ?? '"Test.Rows"'},"columns":${over.columns ?? '["N","Text"]'},"rows":${over.rows ?? '[{"N":1,"Text":"zzfuzz"}]'}}`;

const events = (over: Record<string, string>) =>
  `{"type":"events","seq":${over.seq ?? "{{SEQ}}"},"artifact":${over.artifact ?? '"Test.Events"'},"columns":["Text"],"rows":${over.rows ?? '[{"Text":"zzfuzz"}]'}}`;

export const HAND_WRITTEN: readonly HandCase[] = [
  // Not JSON, not the protocol.
  { name: "empty frame", phase: "before-hello", frame: "" },
  { name: "not JSON", phase: "before-hello", frame: "hello zzfuzz" },
  { name: "truncated JSON", phase: "before-hello", frame: '{"type":"hello","version":1,' },
  { name: "JSON null", phase: "before-hello", frame: "null" },
  { name: "JSON array", phase: "before-hello", frame: '[{"type":"hello"}]' },
  { name: "JSON number", phase: "before-hello", frame: "1e999" },
  { name: "binary frame", phase: "before-hello", frame: "zzfuzz", binary: true },
  { name: "binary frame after hello", phase: "after-hello", frame: rows({}), binary: true },
  { name: "unknown type", phase: "before-hello", frame: '{"type":"zzfuzz"}' },
  { name: "unknown type after hello", phase: "after-hello", frame: '{"type":"exec","command":"zzfuzz"}' },
  { name: "type of the wrong type", phase: "after-hello", frame: '{"type":42,"seq":1}' },
  { name: "__proto__ type", phase: "after-hello", frame: '{"type":"__proto__","seq":{{SEQ}}}' },
  { name: "NUL inside the JSON text", phase: "before-hello", frame: '{"type":"hello"\u0000}' },
  { name: "lone surrogate", phase: "after-hello", frame: rows({ rows: '[{"Text":"zzfuzz\\ud800"}]' }) },
  { name: "deep nesting before hello", phase: "before-hello", frame: '{"type":"hello","agent":{{DEEP:100000}}}' },
  { name: "oversized frame before hello", phase: "before-hello", frame: '{"type":"hello","token":"{{BIG:4300000}}"}' },
  { name: "oversized frame after hello", phase: "after-hello", frame: rows({ rows: '[{"Text":"zzfuzz{{BIG:4300000}}"}]' }) },
  // Messages before hello.
  { name: "rows before hello", phase: "before-hello", frame: rows({}) },
  { name: "heartbeat before hello", phase: "before-hello", frame: '{"type":"heartbeat","time":1}' },
  { name: "alert before hello", phase: "before-hello", frame: '{"type":"alert","seq":1,"artifact":"Test.Events","alerts":[{"time":1,"name":"zzfuzz","severity":"high","event_data":{}}]}' },
  // Hostile hellos.
  { name: "hello of another client with my key", phase: "before-hello", frame: hello({ clientId: '"{{CLIENT_OTHER}}"' }) },
  { name: "hello with a signature of the wrong challenge", phase: "before-hello", frame: hello({ signature: '"' + "A".repeat(86) + '=="' }) },
  { name: "hello with a non-Ed25519 key", phase: "before-hello", frame: hello({ publicKey: '"' + "MCowBQYDK2VuAyEA".padEnd(60, "A") + '"' }) },
  { name: "hello with a wrong token", phase: "before-hello", frame: hello({ token: '"dt_zzfuzz"' }) },
  { name: "hello with another protocol version", phase: "before-hello", frame: hello({ version: "999" }) },
  { name: "hello with a huge version", phase: "before-hello", frame: hello({ version: "1e308" }) },
  { name: "hello with a negative version", phase: "before-hello", frame: hello({ version: "-1" }) },
  { name: "hello with an oversized agent name", phase: "before-hello", frame: hello({ agent: '{"name":"zzfuzz{{BIG:70000}}","version":"1"}' }) },
  { name: "hello with inFlight of another client", phase: "before-hello", frame: hello({ inFlight: '["{{FLOW_OTHER}}"]' }) },
  { name: "hello with 100001 inFlight", phase: "before-hello", frame: hello({ inFlight: "[" + Array.from({ length: 1001 }, () => '"F.0123456789ABC"').join(",") + "]" }) },
  { name: "hello twice", phase: "after-hello", frame: hello({}) },
  // Valid hello, then garbage and seq games.
  { name: "rows for another client's flow", phase: "after-hello", frame: rows({}) },
  { name: "rows for a flow that does not exist", phase: "after-hello", frame: rows({ flowId: '"F.ZZZZZZZZZZZZZ"' }) },
  { name: "flow-status finishing another client's flow", phase: "after-hello", frame: '{"type":"flow-status","seq":{{SEQ}},"flowId":"{{FLOW_OTHER}}","state":"finished","time":1}' },
  { name: "source-status of another client's flow", phase: "after-hello", frame: '{"type":"source-status","seq":{{SEQ}},"flowId":"{{FLOW_OTHER}}","artifact":"Test.Slow","state":"error","rows":0,"error":"zzfuzz","durationMs":1}' },
  { name: "log into another client's flow", phase: "after-hello", frame: '{"type":"log","seq":{{SEQ}},"flowId":"{{FLOW_OTHER}}","entries":[{"time":1,"level":"ERROR","message":"zzfuzz"}]}' },
  { name: "upload into another client's flow", phase: "after-hello", frame: '{"type":"upload","seq":{{SEQ}},"flowId":"{{FLOW_OTHER}}","uploadId":"U1","name":"zzfuzz","offset":0,"data":"enpmdXp6","eof":{"size":6,"sha256":"' + "0".repeat(64) + '"}}' },
  { name: "upload with a path-traversal id", phase: "after-hello", frame: '{"type":"upload","seq":{{SEQ}},"flowId":"{{FLOW_OTHER}}","uploadId":"../../zzfuzz","name":"zzfuzz","offset":0,"data":""}' },
  { name: "alert for another client's flow", phase: "after-hello", frame: '{"type":"alert","seq":{{SEQ}},"flowId":"{{FLOW_OTHER}}","artifact":"Test.Slow","alerts":[{"time":1,"name":"zzfuzz","severity":"critical","event_data":{"x":"zzfuzz"}}]}' },
  { name: "alert for a CLIENT artifact without a flow", phase: "after-hello", frame: '{"type":"alert","seq":{{SEQ}},"artifact":"Test.Rows","alerts":[{"time":1,"name":"zzfuzz","severity":"critical","event_data":{}}]}' },
  { name: "events for a CLIENT artifact", phase: "after-hello", frame: events({ artifact: '"Test.Rows"' }) },
  { name: "events for an unknown artifact", phase: "after-hello", frame: events({ artifact: '"Zz.Fuzz"' }) },
  { name: "events for a server queue", phase: "after-hello", frame: events({ artifact: '"Server.Internal.Alerts"' }) },
  { name: "events for System.Flow.Completion", phase: "after-hello", frame: events({ artifact: '"System.Flow.Completion"' }) },
  { name: "seq zero", phase: "after-hello", frame: rows({ seq: "0" }) },
  { name: "seq negative", phase: "after-hello", frame: rows({ seq: "-5" }) },
  { name: "seq fractional", phase: "after-hello", frame: rows({ seq: "1.5" }) },
  { name: "seq as a string", phase: "after-hello", frame: rows({ seq: '"{{SEQ}}"' }) },
  { name: "seq above 2^53", phase: "after-hello", frame: rows({ seq: "9007199254740993" }) },
  { name: "seq 1e308", phase: "after-hello", frame: rows({ seq: "1e308" }) },
  { name: "seq above 2^63 on an event", phase: "after-hello", frame: events({ seq: "18446744073709551616", artifact: '"Zz.Fuzz"' }) },
  { name: "heartbeat with a huge time", phase: "after-hello", frame: '{"type":"heartbeat","time":1e308}' },
  { name: "log with a time of -1e308", phase: "after-hello", frame: '{"type":"log","seq":{{SEQ}},"flowId":"{{FLOW_OTHER}}","entries":[{"time":-1e308,"level":"INFO","message":"zzfuzz"}]}' },
  { name: "10001 rows", phase: "after-hello", frame: rows({ rows: "[" + Array.from({ length: 10_001 }, () => "{}").join(",") + "]" }) },
  { name: "empty rows", phase: "after-hello", frame: rows({ rows: "[]" }) },
  { name: "rows that are not objects", phase: "after-hello", frame: rows({ rows: "[1,2,3]" }) },
  { name: "2001 columns", phase: "after-hello", frame: rows({ columns: "[" + Array.from({ length: 2001 }, (_, i) => `"c${i}"`).join(",") + "]" }) },
  { name: "artifact name of 301 characters", phase: "after-hello", frame: rows({ artifact: '"' + "z".repeat(301) + '"' }) },
  { name: "flow id with SQL", phase: "after-hello", frame: rows({ flowId: `"F.0'; drop table flows; --"` }) },
  { name: "flow id of a hunt suffix for another client", phase: "after-hello", frame: rows({ flowId: '"{{FLOW_OTHER}}.H"' }) },
  // Hostile row content (on an event stream the rogue may legitimately write: contained, not shared).
  { name: "NUL in an event row", phase: "after-hello", frame: events({ rows: '[{"Text":"zzfuzz{{NUL}}"}]' }) },
  { name: "NUL in an event row's key", phase: "after-hello", frame: events({ rows: '[{"zzfuzz{{NUL}}":1}]' }) },
  { name: "5000-deep array in an event row", phase: "after-hello", frame: events({ rows: '[{"Text":"zzfuzz","Deep":{{DEEP:5000}}}]' }) },
  { name: "NUL in a row of another client's flow", phase: "after-hello", frame: rows({ rows: '[{"Text":"zzfuzz{{NUL}}"}]' }) },
  { name: "5000-deep array in a row of another client's flow", phase: "after-hello", frame: rows({ rows: '[{"Text":"zzfuzz","Deep":{{DEEP:5000}}}]' }) },
  { name: "__proto__ key in a row", phase: "after-hello", frame: rows({ rows: '[{"__proto__":{"polluted":"zzfuzz"},"constructor":{"prototype":{"zzfuzz":1}}}]' }) },
];
