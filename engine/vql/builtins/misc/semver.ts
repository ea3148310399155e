/**
 * semver(): a semantic version parsed the way Velociraptor's semver() does (Masterminds
 * semver: an optional `v`, missing minor and patch are 0, prerelease and build metadata). The
 * value has Major, Minor, Patch, Prerelease and Version, and compares with `=`, `<` and `>`
 * against another semver() value or a version string by SemVer 2.0 precedence.
 */
import { VQL_COMPARE } from "../../values/host-compare";
import { arg } from "../arg";
import { defineFunction } from "../define";

const SEMVER = /^v?(0|[1-9]\d*)(?:\.(0|[1-9]\d*))?(?:\.(0|[1-9]\d*))?(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/;

export class SemVersion {
  constructor(
    readonly Major: number,
    readonly Minor: number,
    readonly Patch: number,
    readonly Prerelease: string,
    readonly Metadata: string,
  ) {}

  static parse(text: string): SemVersion | null {
    const m = SEMVER.exec(text);
    if (!m) return null;
    return new SemVersion(Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0), m[4] ?? "", m[5] ?? "");
  }

  /** The normalised text (Masterminds' String()): MAJOR.MINOR.PATCH[-pre][+meta]. */
  get Version(): string {
    return `${this.Major}.${this.Minor}.${this.Patch}${this.Prerelease ? "-" + this.Prerelease : ""}${this.Metadata ? "+" + this.Metadata : ""}`;
  }

  /** SemVer 2.0 precedence; build metadata is ignored. */
  compare(o: SemVersion): number {
    const d = this.Major - o.Major || this.Minor - o.Minor || this.Patch - o.Patch;
    if (d) return Math.sign(d);
    if (this.Prerelease === o.Prerelease) return 0;
    if (!this.Prerelease) return 1;
    if (!o.Prerelease) return -1;
    const a = this.Prerelease.split(".");
    const b = o.Prerelease.split(".");
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      if (i >= a.length) return -1;
      if (i >= b.length) return 1;
      const x = a[i]!;
      const y = b[i]!;
      if (x === y) continue;
      const xn = /^\d+$/.test(x);
      const yn = /^\d+$/.test(y);
      if (xn && yn) return Math.sign(Number(x) - Number(y));
      if (xn) return -1;
      if (yn) return 1;
      return x < y ? -1 : 1;
    }
    return 0;
  }

  [VQL_COMPARE](other: unknown): number | undefined {
    const o = other instanceof SemVersion ? other : typeof other === "string" ? SemVersion.parse(other) : null;
    return o ? this.compare(o) : undefined;
  }

  toJSON(): Record<string, unknown> {
    return { Major: this.Major, Minor: this.Minor, Patch: this.Patch, Prerelease: this.Prerelease, Version: this.Version };
  }
}

export const semverFunction = defineFunction({
  name: "semver",
  category: "misc",
  doc: "Parse a semantic version string into Major, Minor, Patch, Prerelease and Version; the result compares with version strings (`semver(version=V) > '1.2.0'`).",
  args: {
    version: arg.string().required().doc("A string to convert to a semantic version."),
  },
  version: 1,
  run({ version }, ctx) {
    if (version === "") return null;
    const v = SemVersion.parse(version);
    if (!v) ctx.log("ERROR", `semver: invalid semantic version '${version}'`);
    return v;
  },
});
