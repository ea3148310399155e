// The plain-text notebook format (templates in notebooks/*.md, export and import): YAML front
// matter for name, description, parameters and env; Markdown for Markdown cells; fenced ```vql
// blocks for VQL cells; a `<!-- cell -->` line between two Markdown cells. Pure: no I/O.
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";

export interface PlainParameter {
  name: string;
  type: string;
  description: string;
  default: string;
  choices?: string[];
}

export interface PlainNotebook {
  name: string;
  description: string;
  parameters: PlainParameter[];
  env: { key: string; value: string }[];
  cells: { type: "vql" | "markdown"; input: string }[];
}

export interface PlainTextProblem {
  line: number;
  message: string;
}

const CELL_BREAK = "<!-- cell -->";
const FRONT = /^---\s*$/;

function trimBlankLines(lines: string[]): string {
  let a = 0;
  let b = lines.length;
  while (a < b && !lines[a]!.trim()) a++;
  while (b > a && !lines[b - 1]!.trim()) b--;
  return lines.slice(a, b).join("\n");
}

function asString(v: unknown): string {
  return v === undefined || v === null ? "" : typeof v === "string" ? v : String(v);
}

function readParameters(raw: unknown, problems: PlainTextProblem[]): PlainParameter[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    problems.push({ line: 1, message: "`parameters` must be a list" });
    return [];
  }
  const out: PlainParameter[] = [];
  for (const p of raw) {
    if (!p || typeof p !== "object" || typeof (p as { name?: unknown }).name !== "string") {
      problems.push({ line: 1, message: "every parameter needs a `name`" });
      continue;
    }
    const o = p as Record<string, unknown>;
    const param: PlainParameter = { name: o.name as string, type: asString(o.type) || "string", description: asString(o.description), default: asString(o.default) };
    if (Array.isArray(o.choices)) param.choices = o.choices.map(asString);
    out.push(param);
  }
  return out;
}

function readEnv(raw: unknown): { key: string; value: string }[] {
  if (Array.isArray(raw)) return raw.filter((e) => e && typeof e === "object").map((e) => ({ key: asString((e as { key?: unknown }).key), value: asString((e as { value?: unknown }).value) })).filter((e) => e.key);
  if (raw && typeof raw === "object") return Object.entries(raw).map(([key, value]) => ({ key, value: asString(value) }));
  return [];
}

/** Reads the format; never throws: problems are returned with 1-based line numbers. */
export function parsePlainNotebook(text: string): { notebook: PlainNotebook; problems: PlainTextProblem[] } {
  const problems: PlainTextProblem[] = [];
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  let i = 0;
  let meta: Record<string, unknown> = {};
  if (lines.length && FRONT.test(lines[0]!)) {
    const end = lines.findIndex((l, k) => k > 0 && FRONT.test(l));
    if (end < 0) problems.push({ line: 1, message: "the front matter starting on line 1 is not closed by a `---` line" });
    else {
      try {
        const parsed = parseYaml(lines.slice(1, end).join("\n"));
        if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) meta = parsed as Record<string, unknown>;
        else if (parsed !== null && parsed !== undefined) problems.push({ line: 2, message: "the front matter must be a YAML mapping" });
      } catch (err) {
        problems.push({ line: 2, message: `the front matter is not valid YAML: ${(err as Error).message.split("\n")[0]}` });
      }
      i = end + 1;
    }
  }
  const cells: PlainNotebook["cells"] = [];
  let md: string[] = [];
  const flushMarkdown = () => {
    const t = trimBlankLines(md);
    if (t) cells.push({ type: "markdown", input: t });
    md = [];
  };
  let mdFence: string | undefined;
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    if (mdFence) {
      md.push(line);
      if (line.trim().startsWith(mdFence) && line.trim().replace(/[`~]/g, "") === "") mdFence = undefined;
      continue;
    }
    const open = /^(`{3,}|~{3,})\s*([A-Za-z0-9_-]*)\s*$/.exec(line);
    if (open && open[2]!.toLowerCase() === "vql") {
      flushMarkdown();
      const fence = open[1]!;
      const body: string[] = [];
      const start = i + 1;
      for (i++; i < lines.length; i++) {
        const l = lines[i]!;
        if (l.trim().startsWith(fence[0]!.repeat(fence.length)) && l.trim().replace(/[`~]/g, "") === "") break;
        body.push(l);
      }
      if (i >= lines.length) problems.push({ line: start, message: `the \`${fence}vql\` block opened on line ${start} is not closed` });
      cells.push({ type: "vql", input: body.join("\n") });
      continue;
    }
    if (open) mdFence = open[1]!;
    if (line.trim() === CELL_BREAK) {
      flushMarkdown();
      continue;
    }
    md.push(line);
  }
  flushMarkdown();
  return {
    notebook: {
      name: asString(meta.name).trim() || "Untitled notebook",
      description: asString(meta.description),
      parameters: readParameters(meta.parameters, problems),
      env: readEnv(meta.env),
      cells,
    },
    problems,
  };
}

function fenceFor(body: string): string {
  let longest = 2;
  for (const m of body.matchAll(/^\s*(`+)/gm)) longest = Math.max(longest, m[1]!.length);
  return "`".repeat(longest + 1);
}

/** Writes the format; parsePlainNotebook(serializePlainNotebook(n)) gives n back (less empty Markdown cells). */
export function serializePlainNotebook(n: PlainNotebook): string {
  const meta: Record<string, unknown> = { name: n.name };
  if (n.description) meta.description = n.description;
  if (n.parameters.length)
    meta.parameters = n.parameters.map((p) => {
      const o: Record<string, unknown> = { name: p.name, type: p.type, description: p.description, default: p.default };
      if (p.choices?.length) o.choices = p.choices;
      return o;
    });
  if (n.env.length) meta.env = n.env.map((e) => ({ key: e.key, value: e.value }));
  const parts = ["---\n" + stringifyYaml(meta).trimEnd() + "\n---"];
  let previous: "vql" | "markdown" | undefined;
  for (const cell of n.cells) {
    if (cell.type === "vql") {
      const fence = fenceFor(cell.input);
      parts.push(`${fence}vql\n${cell.input}\n${fence}`);
    } else {
      // Empty Markdown cells have no text to keep; leading/trailing blank lines are not kept either.
      if (!cell.input.trim()) continue;
      if (previous === "markdown") parts.push(CELL_BREAK);
      parts.push(cell.input.replace(/^\s*\n|\s+$/g, ""));
    }
    previous = cell.type;
  }
  return parts.join("\n\n") + "\n";
}
