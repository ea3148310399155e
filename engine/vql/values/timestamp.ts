/**
 * Timestamp: Velociraptor's time.Time values (UTC, nanosecond precision). Owns representation,
 * RFC3339 rendering and the member table (Year, Unix, ...); parsing lives in builtins/time.
 */

const NS_PER_SEC = 1_000_000_000;
/** Go's zero time (0001-01-01T00:00:00Z) in Unix seconds. */
export const GO_ZERO_UNIX = -62135596800;

export class Timestamp {
  /** Whole seconds since the Unix epoch (may be negative). */
  readonly sec: number;
  /** Nanoseconds within the second, 0..999,999,999. */
  readonly nsec: number;

  constructor(sec: number, nsec = 0) {
    let s = Math.floor(sec);
    let n = Math.round((sec - s) * NS_PER_SEC) + Math.round(nsec);
    if (n >= NS_PER_SEC || n < 0) {
      const carry = Math.floor(n / NS_PER_SEC);
      s += carry;
      n -= carry * NS_PER_SEC;
    }
    this.sec = s;
    this.nsec = n;
  }

  static fromMillis(ms: number): Timestamp {
    const s = Math.floor(ms / 1000);
    return new Timestamp(s, Math.round((ms - s * 1000) * 1_000_000));
  }

  static fromDate(d: Date): Timestamp {
    return Timestamp.fromMillis(d.getTime());
  }

  /** Seconds since the epoch as a float (used when comparing with numbers). */
  get epochSeconds(): number {
    return this.sec + this.nsec / NS_PER_SEC;
  }

  get epochMillis(): number {
    return this.sec * 1000 + Math.floor(this.nsec / 1_000_000);
  }

  toDate(): Date {
    return new Date(this.epochMillis);
  }

  isZero(): boolean {
    return this.sec === GO_ZERO_UNIX && this.nsec === 0;
  }

  compare(other: Timestamp): number {
    return this.sec !== other.sec ? this.sec - other.sec : this.nsec - other.nsec;
  }

  /** RFC3339 with the shortest nanosecond fraction, in UTC (Go's RFC3339Nano). */
  toString(): string {
    return formatRfc3339Nano(this);
  }
}

function pad(n: number, w: number): string {
  return String(n).padStart(w, "0");
}

export function formatRfc3339Nano(t: Timestamp): string {
  const d = new Date(t.sec * 1000);
  const y = d.getUTCFullYear();
  const year = y >= 0 && y <= 9999 ? pad(y, 4) : String(y);
  let s = `${year}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}T${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}`;
  if (t.nsec !== 0) s += "." + pad(t.nsec, 9).replace(/0+$/, "");
  return s + "Z";
}

const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

/** Member access on a timestamp (`T.Year`, `T.Unix`, ...); undefined when unknown. */
export function timestampMember(t: Timestamp, name: string): unknown {
  const d = new Date(t.sec * 1000);
  switch (name) {
    case "Year":
      return d.getUTCFullYear();
    case "Month":
      return d.getUTCMonth() + 1;
    case "Day":
      return d.getUTCDate();
    case "Hour":
      return d.getUTCHours();
    case "Minute":
      return d.getUTCMinutes();
    case "Second":
      return d.getUTCSeconds();
    case "Nanosecond":
      return t.nsec;
    case "Weekday":
      return d.getUTCDay();
    case "YearDay": {
      const start = Date.UTC(d.getUTCFullYear(), 0, 1);
      return Math.floor((d.getTime() - start) / 86_400_000) + 1;
    }
    case "Unix":
      return t.sec;
    case "UnixMilli":
      return t.sec * 1000 + Math.floor(t.nsec / 1e6);
    case "UnixMicro":
      return t.sec * 1_000_000 + Math.floor(t.nsec / 1e3);
    case "UnixNano":
      return t.sec * 1e9 + t.nsec;
    case "IsZero":
      return t.isZero();
    case "UTC":
      return t;
    case "Zone":
      return "UTC";
    case "String":
      return t.toString();
    default:
      return undefined;
  }
}

export function weekdayName(t: Timestamp): string {
  return WEEKDAYS[new Date(t.sec * 1000).getUTCDay()]!;
}
