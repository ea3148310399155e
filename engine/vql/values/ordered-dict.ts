/**
 * OrderedDict: the VQL dict and the row type. Keys keep insertion order even when they look like
 * integers (plain JS objects would move "1", "2" first). Owns storage and iteration only; the
 * VQL protocols (equality, JSON, ...) live in sibling modules.
 */

const INDEX_THRESHOLD = 8;

export class OrderedDict {
  /** Column names; shared copy-on-write between rows of one SELECT (see fromShared). */
  private ks: string[];
  private vs: unknown[];
  private index: Map<string, number> | null;
  private shared: boolean;

  /**
   * `entries` in order. (`keys`/`values` are fromShared()'s: a keys array the dict must copy
   * before changing it, and the values array it takes over.)
   */
  constructor(entries?: Iterable<readonly [string, unknown]> | null, keys?: string[], values?: unknown[]) {
    this.index = null;
    if (keys !== undefined) {
      this.ks = keys;
      this.vs = values!;
      this.shared = true;
      return;
    }
    this.ks = [];
    this.vs = [];
    this.shared = false;
    if (entries) for (const [k, v] of entries) this.set(k, v);
  }

  /**
   * Builds a dict over a keys array that the caller promises not to mutate; the dict copies it
   * before its first structural change. Used by SELECT so rows of one shape share one keys array.
   * The dict takes over `values`.
   */
  static fromShared(keys: string[], values: unknown[]): OrderedDict {
    return new OrderedDict(null, keys, values);
  }

  /**
   * The keys array for sharing with a copy (fromShared): from now on this dict too copies it
   * before a structural change.
   */
  shareKeys(): string[] {
    this.shared = true;
    return this.ks;
  }

  /** A dict from a plain object's own enumerable keys (object key order). */
  static fromObject(obj: object): OrderedDict {
    const d = new OrderedDict();
    for (const k of Object.keys(obj)) {
      d.ks.push(k);
      d.vs.push((obj as Record<string, unknown>)[k]);
    }
    return d;
  }

  get size(): number {
    return this.ks.length;
  }

  /** The keys in order. The array is live and must not be mutated by the caller. */
  keys(): readonly string[] {
    return this.ks;
  }

  /** The values in key order (live; do not mutate). */
  values(): readonly unknown[] {
    return this.vs;
  }

  *entries(): IterableIterator<[string, unknown]> {
    for (let i = 0; i < this.ks.length; i++) yield [this.ks[i]!, this.vs[i]];
  }

  [Symbol.iterator](): IterableIterator<[string, unknown]> {
    return this.entries();
  }

  indexOf(key: string): number {
    const ks = this.ks;
    if (ks.length <= INDEX_THRESHOLD) {
      for (let i = 0; i < ks.length; i++) if (ks[i] === key) return i;
      return -1;
    }
    let index = this.index;
    if (index === null || index.size !== ks.length) {
      index = new Map();
      for (let i = 0; i < ks.length; i++) index.set(ks[i]!, i);
      this.index = index;
    }
    const i = index.get(key);
    return i === undefined ? -1 : i;
  }

  has(key: string): boolean {
    return this.indexOf(key) >= 0;
  }

  /** The value, or undefined when the key is absent (VQL NULL is stored as null). */
  get(key: string): unknown {
    const i = this.indexOf(key);
    return i < 0 ? undefined : this.vs[i];
  }

  /**
   * Sets a key with Velociraptor's ordereddict semantics: a new key is appended; an existing key
   * gets the new value and moves to the end (what `set()` and duplicate column names do).
   */
  set(key: string, value: unknown): this {
    const i = this.indexOf(key);
    if (i < 0) {
      this.own();
      this.ks.push(key);
      this.vs.push(value);
      return this;
    }
    if (i === this.ks.length - 1) {
      this.vs[i] = value;
      return this;
    }
    this.own();
    this.ks.splice(i, 1);
    this.vs.splice(i, 1);
    this.ks.push(key);
    this.vs.push(value);
    this.index = null;
    return this;
  }

  /** Sets a key keeping its position when it exists (Map semantics); appends otherwise. */
  replace(key: string, value: unknown): this {
    const i = this.indexOf(key);
    if (i < 0) return this.set(key, value);
    this.vs[i] = value;
    return this;
  }

  delete(key: string): boolean {
    const i = this.indexOf(key);
    if (i < 0) return false;
    this.own();
    this.ks.splice(i, 1);
    this.vs.splice(i, 1);
    this.index = null;
    return true;
  }

  /** A shallow copy. */
  copy(): OrderedDict {
    const d = new OrderedDict();
    d.ks = this.ks.slice();
    d.vs = this.vs.slice();
    return d;
  }

  private own(): void {
    if (this.shared) {
      this.ks = this.ks.slice();
      this.shared = false;
      this.index = null;
    }
  }
}

/** The row type of the contract: an ordered record. */
export type Row = OrderedDict;

/** A plain `{...}` object literal (prototype Object or null), which VQL treats like a dict. */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== "object") return false;
  const p = Object.getPrototypeOf(v);
  return p === Object.prototype || p === null;
}

/** True for the two dict representations: OrderedDict and plain objects. */
export function isDictLike(v: unknown): v is OrderedDict | Record<string, unknown> {
  return v instanceof OrderedDict || isPlainObject(v);
}

/** Keys of a dict-like value in order. */
export function dictKeys(v: OrderedDict | Record<string, unknown>): readonly string[] {
  return v instanceof OrderedDict ? v.keys() : Object.keys(v);
}

/** Member of a dict-like value; undefined when absent. */
export function dictGet(v: OrderedDict | Record<string, unknown>, key: string): unknown {
  if (v instanceof OrderedDict) return v.get(key);
  return Object.hasOwn(v, key) ? v[key] : undefined;
}

/** Converts any dict-like value to an OrderedDict (same object when it already is one). */
export function toOrderedDict(v: OrderedDict | Record<string, unknown>): OrderedDict {
  return v instanceof OrderedDict ? v : OrderedDict.fromObject(v);
}
