// The edge of /api/ws/collab: checks that a frame from a browser is a well-formed Hocuspocus
// message before the Hocuspocus server sees it. Hocuspocus answers a malformed frame by logging
// the exception with its stack to the console and resetting the connection; here the frame is
// refused with one sentence instead, and the caller closes the socket (1007) with one log line.
// Decodes lib0's encoding (varUint: 7 bits a byte, low first; strings and byte arrays: a varUint
// length, then the bytes) and, for document updates and state vectors, Yjs's own decoder.
import * as Y from "yjs";

/** Hocuspocus message types (its MessageType enum) a browser may send. */
const SYNC = 0;
const AWARENESS = 1;
const AUTH = 2;
const QUERY_AWARENESS = 3;
const SYNC_REPLY = 4;
const STATELESS = 5;
const CLOSE = 7;

/** Yjs sync protocol steps. */
const STEP1 = 0;
const STEP2 = 1;
const UPDATE = 2;

class Malformed extends Error {}

class Reader {
  private pos = 0;
  constructor(private readonly buf: Uint8Array) {}

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  varUint(): number {
    let n = 0;
    let mult = 1;
    for (let i = 0; i < 8; i++) {
      if (this.pos >= this.buf.length) throw new Malformed("the frame ends inside a number");
      const b = this.buf[this.pos++]!;
      n += (b & 0x7f) * mult;
      if (b < 0x80) return n;
      mult *= 128;
    }
    throw new Malformed("a number in the frame is too long");
  }

  bytes(): Uint8Array {
    const len = this.varUint();
    if (len > this.buf.length - this.pos) throw new Malformed("a length in the frame runs past its end");
    const out = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }

  string(): string {
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(this.bytes());
    } catch (err) {
      if (err instanceof Malformed) throw err;
      throw new Malformed("a string in the frame is not UTF-8");
    }
  }
}

function checkAwareness(update: Uint8Array): void {
  const r = new Reader(update);
  const count = r.varUint();
  for (let i = 0; i < count; i++) {
    r.varUint(); // client id
    r.varUint(); // clock
    const state = r.string();
    try {
      JSON.parse(state);
    } catch {
      throw new Malformed("an awareness state is not JSON");
    }
  }
}

function checkYjs(kind: number, payload: Uint8Array): void {
  try {
    if (kind === STEP1) Y.decodeStateVector(payload);
    else Y.decodeUpdate(payload);
  } catch {
    throw new Malformed(kind === STEP1 ? "the state vector cannot be decoded" : "the document update cannot be decoded");
  }
}

/** Why `frame` may not be handed to Hocuspocus, or undefined when it is well formed. */
export function collabFrameProblem(frame: Uint8Array): string | undefined {
  try {
    const r = new Reader(frame);
    r.string(); // document name (and session id)
    const type = r.varUint();
    switch (type) {
      case SYNC:
      case SYNC_REPLY: {
        const step = r.varUint();
        if (step !== STEP1 && step !== STEP2 && step !== UPDATE) return `unknown sync step ${step}`;
        checkYjs(step, r.bytes());
        return undefined;
      }
      case AWARENESS:
        checkAwareness(r.bytes());
        return undefined;
      case AUTH:
        r.varUint();
        r.string();
        if (!r.done) r.string(); // provider version
        return undefined;
      case QUERY_AWARENESS:
      case CLOSE:
        return undefined;
      case STATELESS:
        r.string();
        return undefined;
      default:
        return `message type ${type} is not accepted from a browser`;
    }
  } catch (err) {
    if (err instanceof Malformed) return err.message;
    return "the frame cannot be decoded";
  }
}

/** lib0's varUint: 7 bits a byte, low first. */
function pushVarUint(out: number[], n: number): void {
  while (n > 0x7f) {
    out.push((n % 128) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
}

function pushBytes(out: number[], b: Uint8Array): void {
  pushVarUint(out, b.length);
  for (const x of b) out.push(x);
}

/**
 * Presence names are the session's user name: an awareness frame (already checked by
 * collabFrameProblem) has each state's `user.name` replaced by `username`, keeping a colour
 * only when it is a CSS hex colour (seen: a reader appeared as "admin"). Other frames are
 * returned as they are. Hocuspocus 3 has no hook before it applies awareness, so it is done here.
 */
export function withPresenceName(frame: Uint8Array, username: string): Uint8Array {
  const r = new Reader(frame);
  const doc = r.bytes();
  const type = r.varUint();
  if (type !== AWARENESS) return frame;
  const update = new Reader(r.bytes());
  const out: number[] = [];
  pushBytes(out, doc);
  pushVarUint(out, AWARENESS);
  const body: number[] = [];
  const count = update.varUint();
  pushVarUint(body, count);
  const enc = new TextEncoder();
  for (let i = 0; i < count; i++) {
    pushVarUint(body, update.varUint());
    pushVarUint(body, update.varUint());
    let state = JSON.parse(update.string()) as unknown;
    if (state && typeof state === "object" && !Array.isArray(state)) {
      const s = state as Record<string, unknown>;
      const user = s.user && typeof s.user === "object" ? (s.user as Record<string, unknown>) : {};
      const color = typeof user.color === "string" && /^#[0-9a-fA-F]{3,8}$/.test(user.color) ? user.color : undefined;
      state = { ...s, user: color ? { name: username, color } : { name: username } };
    }
    pushBytes(body, enc.encode(JSON.stringify(state)));
  }
  pushBytes(out, Uint8Array.from(body));
  return Uint8Array.from(out);
}
