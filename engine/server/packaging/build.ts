// From an expanded package spec (spec.ts) to the package's bytes: the Files' path and content
// templates are expanded, the script keys (Postin, Prerm, Preun, Postun, Prein) become the
// package's scripts, and deb.ts or rpm.ts writes the package. Returns the file's name too.
import { z } from "zod";
import { buildDeb } from "./deb";
import { buildRpm, RPMSENSE } from "./rpm";
import { expandTemplate, type PackageKind, type PackageSpec } from "./spec";

const SCRIPT_KEYS = new Set(["Postin", "Prerm", "Preun", "Postun", "Prein", "Preinst"]);
const DEB_SCRIPTS: Record<string, string> = { Postin: "postinst", Prerm: "prerm", Preun: "preinst", Preinst: "preinst", Prein: "preinst", Postun: "postrm" };

/** rpmpack's Metadata fields, from the spec's Metadata template (JSON, keys in any case). */
const metadataSchema = z.record(z.string(), z.unknown());

function metadataOf(spec: PackageSpec): Record<string, unknown> {
  const t = spec.Templates.Metadata;
  if (!t) return {};
  const text = expandTemplate(t, spec);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new Error(`the spec's Metadata template is not JSON once expanded: ${(err as Error).message}`);
  }
  const r = metadataSchema.safeParse(parsed);
  if (!r.success) throw new Error("the spec's Metadata template must expand to a JSON object");
  return Object.fromEntries(Object.entries(r.data).map(([k, v]) => [k.toLowerCase(), v]));
}

function buildTimeOf(v: unknown, fallback: Date): number {
  if (typeof v === "number" && Number.isFinite(v)) return Math.floor(v > 1e11 ? v / 1000 : v);
  if (typeof v === "string" && v.trim()) {
    const t = Date.parse(v.trim());
    if (Number.isFinite(t)) return Math.floor(t / 1000);
  }
  return Math.floor(fallback.getTime() / 1000);
}

/** A `name (op version)` list (Debian's Depends) as rpm requirements. */
export function rpmRequires(depends: string): { name: string; flags: number; version: string }[] {
  const ops: Record<string, number> = { ">=": RPMSENSE.GREATER | RPMSENSE.EQUAL, "<=": RPMSENSE.LESS | RPMSENSE.EQUAL, "=": RPMSENSE.EQUAL, ">>": RPMSENSE.GREATER, "<<": RPMSENSE.LESS, ">": RPMSENSE.GREATER, "<": RPMSENSE.LESS };
  return depends
    .split(",")
    .map((d) => d.trim())
    .filter(Boolean)
    .map((d) => {
      const m = /^([^\s(]+)\s*(?:\(\s*(>=|<=|>>|<<|=|>|<)\s*([^)\s]+)\s*\))?$/.exec(d);
      if (!m) throw new Error(`cannot read the dependency ${JSON.stringify(d)}`);
      // Debian's package is `nodejs`, as is Fedora's and RHEL's.
      return { name: m[1]!, flags: m[2] ? ops[m[2]]! : 0, version: m[3] ?? "" };
    });
}

export async function buildPackage(kind: PackageKind, spec: PackageSpec, now: Date): Promise<{ filename: string; data: Buffer }> {
  const filename = expandTemplate(spec.OutputFilenameTemplate, spec).trim();
  if (!/^[A-Za-z0-9._+~-]+$/.test(filename)) throw new Error(`the package file name ${JSON.stringify(filename)} is not a plain file name`);
  const files: { path: string; data: Buffer; mode: number }[] = [];
  const scripts: Record<string, string> = {};
  for (const [pathTemplate, fs] of Object.entries(spec.Files)) {
    const content = Buffer.from(expandTemplate(fs.Template ?? "", spec), "utf8");
    if (SCRIPT_KEYS.has(pathTemplate)) {
      scripts[pathTemplate] = content.toString("utf8");
      continue;
    }
    const path = expandTemplate(pathTemplate, spec);
    if (!path.startsWith("/") || path.split("/").some((c) => c === "..")) throw new Error(`the package path ${JSON.stringify(path)} is not an absolute path`);
    files.push({ path, data: content, mode: fs.Mode ?? 0o644 });
  }
  const e = spec.Expansion;
  const s = (k: string) => String(e[k] ?? "");
  if (kind === "deb") {
    const email = s("MaintainerEmail");
    const data = await buildDeb(
      {
        name: s("Name"),
        version: s("Version") + (s("Release") ? `-${s("Release")}` : ""),
        arch: s("Arch"),
        maintainer: email ? `${s("Maintainer")} <${email}>` : s("Maintainer"),
        description: s("ServiceDescription"),
        homepage: s("Homepage"),
        depends: s("Depends"),
        mtime: now,
        scripts: Object.fromEntries(Object.entries(scripts).map(([k, v]) => [DEB_SCRIPTS[k]!, v])),
      },
      files,
    );
    return { filename, data };
  }
  const meta = metadataOf(spec);
  const m = (k: string, fallback: string) => (typeof meta[k] === "string" && meta[k] !== "" ? (meta[k] as string) : fallback);
  const dirs = [...new Set(files.map((f) => f.path.slice(0, f.path.lastIndexOf("/"))).filter((d) => d.startsWith("/usr/lib/") && d.split("/").length === 4))];
  const data = buildRpm(
    {
      name: m("name", s("SysvService")),
      version: m("version", s("Version")),
      release: m("release", s("Release") || "A"),
      arch: m("arch", s("Arch")),
      summary: m("summary", s("ServiceDescription")),
      description: m("description", s("ServiceDescription")),
      vendor: m("vendor", ""),
      packager: m("packager", s("MaintainerEmail") ? `${s("Maintainer")} <${s("MaintainerEmail")}>` : s("Maintainer")),
      url: m("url", s("Homepage")),
      license: m("licence", m("license", "")) || undefined,
      group: m("group", "") || undefined,
      buildTime: buildTimeOf(meta.buildtime, now),
      requires: rpmRequires(s("Depends")),
      scripts: { prein: scripts.Prein ?? scripts.Preinst, postin: scripts.Postin, preun: scripts.Preun, postun: scripts.Postun },
    },
    [...dirs.map((d) => ({ path: d, data: new Uint8Array(), mode: 0o755, directory: true })), ...files],
  );
  return { filename, data };
}
