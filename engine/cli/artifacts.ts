// `talon artifacts verify PATH...`: loads every YAML file under the paths (and the built-ins,
// so references to them resolve), prints each problem as `file:line:col: message`, and exits
// 1 when any file has an error. Warnings are printed but do not fail the run.
import { formatDiagnostic, hasArtifactErrors, loadArtifact } from "../artifacts";
import { BUILTIN_DEFINITIONS_DIR, readArtifactFiles, type ArtifactFile } from "../server/services/artifacts/files";
import { artifactVqlChecker } from "../server/vql/artifact-checker";
import { PERMISSIONS } from "../server/auth/roles";
import type { CommandIo } from "./main";

const USAGE = `Usage: talon artifacts verify [--errors-only] [--quiet] PATH...

Checks artifact YAML files (or folders of them): the YAML, the artifact's shape and names, and
every query, precondition and export. Prints each problem as file:line:col: message.
  --errors-only  do not print warnings
  --quiet        print only the summary line
`;

export async function artifactsCommand(argv: string[], io: CommandIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === "--help" || sub === "-h") {
    io.stdout(USAGE);
    return sub === undefined ? 2 : 0;
  }
  if (sub !== "verify") {
    io.stderr(`talon artifacts: unknown subcommand "${sub}"; expected verify\n`);
    return 2;
  }
  const flags = new Set(rest.filter((a) => a.startsWith("--")));
  const paths = rest.filter((a) => !a.startsWith("--"));
  const unknown = [...flags].filter((f) => f !== "--errors-only" && f !== "--quiet");
  if (unknown.length || paths.length === 0) {
    io.stderr(unknown.length ? `talon artifacts verify: unknown option ${unknown[0]}\n` : USAGE);
    return 2;
  }
  let files: ArtifactFile[];
  try {
    files = await readArtifactFiles(paths);
  } catch (err) {
    io.stderr(`talon artifacts verify: ${(err as Error).message}\n`);
    return 2;
  }
  const builtins = await readArtifactFiles([BUILTIN_DEFINITIONS_DIR]).catch(() => []);
  const result = verifyFiles(files, builtins);
  for (const line of result.lines) {
    if (flags.has("--quiet")) break;
    if (line.severity === "warning" && flags.has("--errors-only")) continue;
    io.stdout(line.text + "\n");
  }
  io.stdout(`${files.length} files: ${result.passed} passed, ${files.length - result.passed} failed (${result.errors} errors, ${result.warnings} warnings)\n`);
  return result.passed === files.length ? 0 : 1;
}

export interface VerifyResult {
  passed: number;
  errors: number;
  warnings: number;
  lines: Array<{ severity: string; text: string }>;
  failed: string[];
}

/** Checks `files`; names and exports of these files and of `context` files resolve references. */
export function verifyFiles(files: ArtifactFile[], context: ArtifactFile[] = []): VerifyResult {
  const exports = new Map<string, string | undefined>();
  for (const f of [...context, ...files]) {
    const a = loadArtifact(f.text, { skipVql: true }).artifact;
    if (a?.name) exports.set(a.name, a.export?.text);
  }
  const checkVql = artifactVqlChecker();
  const res: VerifyResult = { passed: 0, errors: 0, warnings: 0, lines: [], failed: [] };
  for (const f of files) {
    const { diagnostics } = loadArtifact(f.text, { checkVql, knownPermissions: PERMISSIONS, isKnownArtifact: (n) => exports.has(n), exportOf: (n) => exports.get(n) });
    for (const d of diagnostics) {
      if (d.severity === "error") res.errors++;
      else if (d.severity === "warning") res.warnings++;
      res.lines.push({ severity: d.severity, text: formatDiagnostic(f.path, f.text, d) });
    }
    if (hasArtifactErrors(diagnostics)) res.failed.push(f.path);
    else res.passed++;
  }
  return res;
}
