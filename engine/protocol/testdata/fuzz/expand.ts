// Expands the tokens of a fuzz frame (see hand-written.ts) into the text that goes on the wire.
// Pure: the caller supplies the run's values (its flows, ids, keys and the challenge signature).
export interface FuzzValues {
  seq(): number;
  flowOther: string;
  clientOther: string;
  clientSelf: string;
  publicKey: string;
  signature: string;
  token: string;
}

const deep = (n: number) => "[".repeat(n) + "]".repeat(n);

export function expandFrame(frame: string, v: FuzzValues): string {
  return frame
    .replace(/\{\{BIG:(\d+)\}\}/g, (_m, n: string) => "A".repeat(Number(n)))
    .replace(/\{\{DEEP:(\d+)\}\}/g, (_m, n: string) => deep(Number(n)))
    .replace(/\{\{NUL\}\}/g, "\\u0000")
    .replace(/\{\{SEQ\}\}/g, () => String(v.seq()))
    .replace(/\{\{FLOW_OTHER\}\}/g, v.flowOther)
    .replace(/\{\{CLIENT_OTHER\}\}/g, v.clientOther)
    .replace(/\{\{CLIENT_SELF\}\}/g, v.clientSelf)
    .replace(/\{\{PUBKEY\}\}/g, v.publicKey)
    .replace(/\{\{SIG\}\}/g, v.signature)
    .replace(/\{\{TOKEN\}\}/g, v.token);
}

/** Well-formed stand-ins, for checking a frame against the schema alone (generate.ts). */
export function expandForSchema(frame: string): string {
  return expandFrame(frame, {
    seq: () => 7,
    flowOther: "F.0123456789ABC",
    clientOther: "C.fedcba9876543210",
    clientSelf: "C.0123456789abcdef",
    publicKey: "MCowBQYDK2VwAyEA" + "A".repeat(44),
    signature: "A".repeat(86) + "==",
    token: "dt_x",
  });
}
