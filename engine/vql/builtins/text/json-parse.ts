/**
 * A JSON reader that keeps object key order (OrderedDict) — JSON.parse would move integer-like
 * keys first — and turns RFC3339 strings into timestamps the way Velociraptor's parser does.
 */
import { OrderedDict } from "../../values/ordered-dict";
import { Timestamp } from "../../values/timestamp";
import { parseDateString } from "../../values/time-parse";

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;

export class JsonSyntaxError extends Error {}

export function parseJsonOrdered(text: string, timestamps = true): unknown {
  let i = 0;
  const n = text.length;
  const ws = () => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) i++;
      else break;
    }
  };
  const fail = (what: string): never => {
    throw new JsonSyntaxError(`invalid JSON at offset ${i}: ${what}`);
  };
  const str = (): string => {
    const start = ++i;
    let simple = true;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 34) break;
      if (c === 92) {
        simple = false;
        i += 2;
        continue;
      }
      i++;
    }
    if (i >= n) fail("unterminated string");
    const raw = text.slice(start, i++);
    return simple ? raw : (JSON.parse(`"${raw}"`) as string);
  };
  const value = (): unknown => {
    ws();
    const c = text[i];
    if (c === "{") {
      i++;
      const d = new OrderedDict();
      ws();
      if (text[i] === "}") {
        i++;
        return d;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail("expected a key");
        const k = str();
        ws();
        if (text[i++] !== ":") fail("expected `:`");
        d.set(k, value());
        ws();
        const sep = text[i++];
        if (sep === "}") return d;
        if (sep !== ",") fail("expected `,` or `}`");
      }
    }
    if (c === "[") {
      i++;
      const a: unknown[] = [];
      ws();
      if (text[i] === "]") {
        i++;
        return a;
      }
      for (;;) {
        a.push(value());
        ws();
        const sep = text[i++];
        if (sep === "]") return a;
        if (sep !== ",") fail("expected `,` or `]`");
      }
    }
    if (c === '"') {
      const s = str();
      if (timestamps && s.length >= 20 && RFC3339.test(s)) return parseDateString(s) ?? s;
      return s;
    }
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 64));
    if (m) {
      i += m[0].length;
      return Number(m[0]);
    }
    if (text.startsWith("true", i)) return (i += 4), true;
    if (text.startsWith("false", i)) return (i += 5), false;
    if (text.startsWith("null", i)) return (i += 4), null;
    return fail("unexpected character");
  };
  const v = value();
  ws();
  if (i < n) fail("trailing data");
  return v;
}

export { Timestamp };
