/**
 * A type's options as a profile gives them (vtypes ParseOptions): typed reads that fail with a
 * sentence naming the option, lambdas checked for syntax when the profile loads, and unknown
 * options refused ("Unexpected parameters provided").
 */
import { parseLambda } from "@/engine/vql/parser/index";

export class ProfileError extends Error {}

export type Opts = Record<string, unknown>;

/** vtypes' test for "this option value is a lambda". */
const LAMBDA_RE = /^[a-zA-Z0-9]+ *=>/;

export function isLambdaText(v: unknown): v is string {
  return typeof v === "string" && LAMBDA_RE.test(v);
}

/** Checks a lambda's syntax; throws a ProfileError naming `where`. */
export function checkLambda(src: string, where: string): string {
  const r = parseLambda(src);
  const err = r.diagnostics.find((d) => d.severity === "error");
  if (err || !r.expr) throw new ProfileError(`${where}: lambda \`${src}\`: ${err?.message ?? "expected `x => expression`"}`);
  return src;
}

export function isMap(v: unknown): v is Opts {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isIntLike(v: unknown): v is number | boolean {
  return (typeof v === "number" && Number.isFinite(v)) || typeof v === "boolean";
}

function asInt(v: number | boolean): number {
  return typeof v === "boolean" ? (v ? 1 : 0) : Math.trunc(v);
}

export class Options {
  private readonly used = new Set<string>();
  constructor(
    readonly o: Opts,
    /** The type name, for messages. */
    readonly what: string,
  ) {}

  private take(k: string): unknown {
    if (!Object.hasOwn(this.o, k)) return undefined;
    this.used.add(k);
    return this.o[k];
  }

  required(k: string): void {
    if (!Object.hasOwn(this.o, k)) throw new ProfileError(`${this.what}: option \`${k}\` is required`);
  }

  /** A string option (other values are ignored, as in vtypes). */
  str(k: string): string | undefined {
    const v = this.take(k);
    return typeof v === "string" ? v : undefined;
  }

  /** A string option that must be a string when given. */
  strictStr(k: string): string | undefined {
    const v = this.take(k);
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "string") throw new ProfileError(`${this.what}: option \`${k}\` should be a string`);
    return v;
  }

  int(k: string): number | undefined {
    const v = this.take(k);
    if (v === undefined || v === null) return undefined;
    if (!isIntLike(v)) throw new ProfileError(`${this.what}: option \`${k}\` should be an integer`);
    return asInt(v);
  }

  /** An integer or a lambda computing it. */
  intOrLambda(k: string): { n?: number; lambda?: string } {
    const v = this.o[k];
    if (isLambdaText(v)) {
      this.take(k);
      return { lambda: checkLambda(v, `${this.what} option \`${k}\``) };
    }
    const n = this.int(k);
    return n === undefined ? {} : { n };
  }

  /** A string or a lambda computing it. */
  strOrLambda(k: string): { s?: string; lambda?: string } {
    const v = this.o[k];
    if (isLambdaText(v)) {
      this.take(k);
      return { lambda: checkLambda(v, `${this.what} option \`${k}\``) };
    }
    const s = this.strictStr(k);
    return s === undefined ? {} : { s };
  }

  lambda(k: string): string | undefined {
    const v = this.take(k);
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "string") throw new ProfileError(`${this.what}: option \`${k}\` should be a lambda (x=>...)`);
    return checkLambda(v, `${this.what} option \`${k}\``);
  }

  map(k: string): Opts | undefined {
    const v = this.take(k);
    if (v === undefined || v === null) return undefined;
    if (!isMap(v)) throw new ProfileError(`${this.what}: option \`${k}\` should be a mapping`);
    return v;
  }

  bool(k: string): boolean {
    const v = this.take(k);
    if (v === undefined || v === null) return false;
    if (!isIntLike(v)) throw new ProfileError(`${this.what}: option \`${k}\` should be a bool`);
    return asInt(v) > 0;
  }

  /** Marks an option read elsewhere. */
  raw(k: string): unknown {
    return this.take(k);
  }

  /** Refuses options the type does not know. */
  done(): void {
    const extra = Object.keys(this.o).filter((k) => !this.used.has(k));
    if (extra.length) throw new ProfileError(`${this.what}: unexpected options: ${extra.join(", ")}`);
  }
}
