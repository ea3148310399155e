"use client";
// The VQL language for Monaco, built from engine/vql: highlighting from the lexer's keyword
// table; completion of keywords, plugins, functions and their arguments (docs from the builtin
// descriptors), artifact names, LET names defined above, notebook parameters and the columns of
// the cell's last result; hover docs; signature help; parse errors and lint warnings as markers
// while typing; Format VQL. Registered once per page; per-editor facts go through
// setVqlModelContext(). Completion knows where the query runs: builtins that run there first,
// those of the other side after them with a note, ranked by engine/vql's rankCompletions().
import { completionContext, formatVql, KEYWORDS, lint, parse, rankCompletions, type Diagnostic } from "@/engine/vql/parser";
import type { BuiltinDescriptor } from "@/engine/vql";
import { monaco } from "./setup";
import { buildSides, currentCatalog, loadCatalog, onCatalog, type RunsOn, type VqlCatalog } from "./vql-catalog";

export const VQL_LANGUAGE = "vql";
const OWNER = "talon-vql";

type Model = import("monaco-editor").editor.ITextModel;
type Position = import("monaco-editor").Position;

export interface VqlModelContext {
  /** Column names of the cell's last result. */
  columns: string[];
  /** Names defined outside the cell text (notebook parameters and env). */
  knownNames: string[];
  /** Where the query runs (default the server: notebooks, hunts' server-side VQL). */
  runsOn?: RunsOn;
}

/** The note an endpoint-only builtin carries in a server query, and the reverse. */
export function elsewhereNote(where: "endpoints" | "server"): string {
  return where === "endpoints" ? "Runs on endpoints only: run it with `collect_client()` or in a CLIENT artifact" : "Runs on the server only, not in a CLIENT artifact";
}

const contexts = new WeakMap<Model, VqlModelContext>();

export function setVqlModelContext(model: Model, ctx: VqlModelContext): void {
  contexts.set(model, ctx);
  scheduleMarkers(model, 0);
}

const words = Array.from(new Set(KEYWORDS.flatMap((k) => k.keyword.split(" "))));

function argSignature(d: BuiltinDescriptor): string {
  const args = d.args.map((a) => `${a.name}${a.required ? "" : "?"}: ${a.type}${a.repeated ? "[]" : ""}`);
  if (d.freeArgs) args.push(`...: ${d.freeArgs.type}`);
  return `${d.name}(${args.join(", ")})`;
}

function builtinDoc(d: BuiltinDescriptor): string {
  const lines = [`**${d.kind}** \`${argSignature(d)}\``, "", d.doc];
  if (d.args.length) {
    lines.push("");
    for (const a of d.args) lines.push(`- \`${a.name}\` (${a.type}${a.required ? ", required" : ""}${a.default !== undefined ? `, default ${JSON.stringify(a.default)}` : ""}): ${a.doc}`);
  }
  if (d.permissions.length) lines.push("", `Needs: ${d.permissions.join(", ")}`);
  if (d.platforms.length && !d.platforms.includes("portable")) lines.push("", `Runs on: ${d.platforms.join(", ")}`);
  return lines.join("\n");
}

/** LET names defined before `offset` in the text. */
function letNamesBefore(text: string, offset: number): { name: string; detail: string }[] {
  const out: { name: string; detail: string }[] = [];
  for (const st of parse(text).statements) {
    if (st.kind === "let" && st.span.start < offset) out.push({ name: st.name.name, detail: text.slice(st.span.start, Math.min(st.span.end, st.span.start + 80)) });
  }
  return out;
}

function findDescriptor(c: VqlCatalog | undefined, name: string, kind?: "plugin" | "function"): BuiltinDescriptor | undefined {
  if (!c) return undefined;
  if (kind === "plugin") return c.plugins.get(name) ?? c.functions.get(name);
  if (kind === "function") return c.functions.get(name) ?? c.plugins.get(name);
  return c.functions.get(name) ?? c.plugins.get(name);
}

// ---- markers ---------------------------------------------------------------------------------

const timers = new WeakMap<Model, ReturnType<typeof setTimeout>>();

export function vqlDiagnostics(text: string, knownNames: readonly string[] = [], runsOn: RunsOn = "server"): Diagnostic[] {
  const parsed = parse(text);
  const out = parsed.diagnostics.slice();
  const c = currentCatalog();
  if (c && c.builtins.length && !out.some((d) => d.severity === "error")) {
    const sides = buildSides(c, runsOn);
    const artifacts = c.artifacts.length ? c.artifacts.map((a) => a.name) : undefined;
    out.push(...lint(parsed, sides.here, { knownNames, elsewhere: { where: sides.where, descriptors: sides.elsewhere }, ...(artifacts ? { artifacts } : {}) }));
  }
  return out;
}

function updateMarkers(model: Model): void {
  if (model.isDisposed() || model.getLanguageId() !== VQL_LANGUAGE) return;
  const text = model.getValue();
  const ctx = contexts.get(model);
  const markers = vqlDiagnostics(text, ctx?.knownNames ?? [], ctx?.runsOn).map((d) => {
    const s = model.getPositionAt(d.span.start);
    const e = model.getPositionAt(Math.max(d.span.end, d.span.start + 1));
    return {
      severity: d.severity === "error" ? monaco.MarkerSeverity.Error : d.severity === "warning" ? monaco.MarkerSeverity.Warning : monaco.MarkerSeverity.Info,
      message: d.hint ? `${d.message}\n${d.hint}` : d.message,
      code: d.code,
      startLineNumber: s.lineNumber,
      startColumn: s.column,
      endLineNumber: e.lineNumber,
      endColumn: e.column,
    };
  });
  monaco.editor.setModelMarkers(model, OWNER, markers);
}

function scheduleMarkers(model: Model, delay = 250): void {
  const t = timers.get(model);
  if (t) clearTimeout(t);
  timers.set(model, setTimeout(() => updateMarkers(model), delay));
}

// ---- registration ----------------------------------------------------------------------------

let registered = false;

export function registerVql(): void {
  if (registered) return;
  registered = true;
  void loadCatalog();
  monaco.languages.register({ id: VQL_LANGUAGE, extensions: [".vql"], aliases: ["VQL", "vql"] });
  monaco.languages.setLanguageConfiguration(VQL_LANGUAGE, {
    comments: { lineComment: "--", blockComment: ["/*", "*/"] },
    brackets: [
      ["(", ")"],
      ["[", "]"],
      ["{", "}"],
    ],
    autoClosingPairs: [
      { open: "(", close: ")" },
      { open: "[", close: "]" },
      { open: "{", close: "}" },
      { open: "'", close: "'", notIn: ["string", "comment"] },
      { open: '"', close: '"', notIn: ["string", "comment"] },
    ],
    wordPattern: /(-?\d*\.\d\w*)|([^`~!@#%^&*()\-=+[{\]}\\|;:'",.<>/?\s]+)/g,
  });
  monaco.languages.setMonarchTokensProvider(VQL_LANGUAGE, {
    ignoreCase: true,
    keywords: words,
    literals: ["TRUE", "FALSE", "NULL"],
    tokenizer: {
      root: [
        [/\/\*/, "comment", "@comment"],
        [/(--|\/\/).*$/, "comment"],
        [/'''/, "string", "@triple"],
        [/'([^'\\]|\\.)*'/, "string"],
        [/"([^"\\]|\\.)*"/, "string"],
        [/`[^`]*`/, "identifier"],
        [/0x[0-9a-fA-F]+|\d+(\.\d+)?([eE][-+]?\d+)?/, "number"],
        [/[A-Za-z_][\w]*(?=\s*\()/, { cases: { "@keywords": "keyword", "@default": "predefined" } }],
        [/[A-Za-z_][\w]*/, { cases: { "@literals": "constant", "@keywords": "keyword", "@default": "identifier" } }],
        [/<=|>=|!=|=~|=|<|>|\+|-|\*|\/|\|\||&&/, "operator"],
        [/[{}()[\]]/, "@brackets"],
      ],
      comment: [
        [/[^/*]+/, "comment"],
        [/\*\//, "comment", "@pop"],
        [/[/*]/, "comment"],
      ],
      triple: [
        [/'''/, "string", "@pop"],
        [/./, "string"],
      ],
    },
  });

  monaco.languages.registerCompletionItemProvider(VQL_LANGUAGE, {
    triggerCharacters: [".", "(", ",", "=", " "],
    provideCompletionItems(model: Model, position: Position) {
      const text = model.getValue();
      const offset = model.getOffsetAt(position);
      const ctx = completionContext(text, offset);
      if (ctx.kind === "none") return { suggestions: [] };
      const s = model.getPositionAt(ctx.replace.start);
      const e = model.getPositionAt(ctx.replace.end);
      const range = new monaco.Range(s.lineNumber, s.column, e.lineNumber, e.column);
      const K = monaco.languages.CompletionItemKind;
      const Rule = monaco.languages.CompletionItemInsertTextRule;
      const c = currentCatalog();
      const extra = contexts.get(model) ?? { columns: [], knownNames: [] };
      const sides = c ? buildSides(c, extra.runsOn ?? "server") : undefined;
      const note = sides ? elsewhereNote(sides.where) : "";
      type Item = import("monaco-editor").languages.CompletionItem;
      // Candidates with how they rank: group (LET 0, parameters 0, columns 1, builtins 2,
      // keywords 3) and whether they run elsewhere; rankCompletions() filters and orders them.
      const entries: { item: Item; name: string; group: number; elsewhere?: boolean }[] = [];
      const add = (item: Item, group: number, elsewhere = false) => entries.push({ item, name: String(item.label), group, elsewhere });
      const keyword = (k: string, insert = k) => add({ label: k, kind: K.Keyword, insertText: insert, range, documentation: KEYWORDS.find((x) => x.keyword === k)?.doc }, 3);
      const builtin = (d: BuiltinDescriptor, group = 2, elsewhere = false) =>
        add(
          {
            label: d.name,
            kind: d.kind === "plugin" ? K.Module : K.Function,
            detail: elsewhere ? `${argSignature(d)} · ${sides?.where === "endpoints" ? "endpoints only" : "server only"}` : argSignature(d),
            documentation: { value: elsewhere ? `**${note}.**\n\n${builtinDoc(d)}` : builtinDoc(d) },
            insertText: `${d.name}($0)`,
            insertTextRules: Rule.InsertAsSnippet,
            range,
            command: { id: "editor.action.triggerParameterHints", title: "" },
          },
          group,
          elsewhere,
        );
      const builtins = (kind: "plugin" | "function", group = 2) => {
        sides?.here.filter((d) => d.kind === kind).forEach((d) => builtin(d, group));
        sides?.elsewhere.filter((d) => d.kind === kind).forEach((d) => builtin(d, group, true));
      };
      const lets = () => letNamesBefore(text, offset).forEach((l) => add({ label: l.name, kind: K.Variable, detail: "LET", documentation: l.detail, insertText: l.name, range }, 0));
      const known = () => extra.knownNames.forEach((n) => add({ label: n, kind: K.Constant, detail: "notebook parameter", insertText: n, range }, 0));
      const columns = () => extra.columns.forEach((n) => add({ label: n, kind: K.Field, detail: "column of the last result", insertText: /^[A-Za-z_]\w*$/.test(n) ? n : `\`${n}\``, range }, 1));
      const artifacts = () => c?.artifacts.forEach((a) => add({ label: a.name, kind: K.Class, detail: a.type, documentation: a.description, insertText: a.name, range }, 1));
      switch (ctx.kind) {
        case "statement":
          keyword("SELECT", "SELECT ");
          keyword("LET", "LET ");
          keyword("EXPLAIN", "EXPLAIN ");
          break;
        case "plugin":
          builtins("plugin");
          lets();
          add({ label: "Artifact.", kind: K.Folder, insertText: "Artifact.", range, command: { id: "editor.action.triggerSuggest", title: "" } }, 3);
          break;
        case "artifact": {
          const prefixStart = model.getPositionAt(ctx.replace.start);
          const r = new monaco.Range(prefixStart.lineNumber, prefixStart.column, e.lineNumber, e.column);
          c?.artifacts.forEach((a) => add({ label: a.name, kind: K.Class, detail: a.type, documentation: a.description, insertText: `${a.name}($0)`, insertTextRules: Rule.InsertAsSnippet, range: r }, 0));
          break;
        }
        case "clause":
          ["FROM", "WHERE", "GROUP BY", "ORDER BY", "LIMIT", "AND", "OR", "NOT", "IN", "AS", "DESC", "LET", "SELECT"].forEach((k) => keyword(k, k + " "));
          break;
        case "expression":
          lets();
          known();
          columns();
          builtins("function");
          ["NOT", "TRUE", "FALSE", "NULL", "SELECT"].forEach((k) => keyword(k));
          break;
        case "member":
          columns();
          break;
        case "argument-name": {
          const d = findDescriptor(c, ctx.call.name, ctx.call.calleeKind);
          const art = ctx.call.name.startsWith("Artifact.") ? c?.artifacts.find((a) => `Artifact.${a.name}` === ctx.call.name) : undefined;
          d?.args
            .filter((a) => !ctx.call.given.includes(a.name))
            .forEach((a) =>
              add({ label: a.name, kind: K.Property, detail: `${a.type}${a.required ? " (required)" : ""}`, documentation: a.doc, insertText: `${a.name}=`, range, command: { id: "editor.action.triggerSuggest", title: "" } }, a.required ? 0 : 1),
            );
          art?.parameters.filter((p) => !ctx.call.given.includes(p.name)).forEach((p) => add({ label: p.name, kind: K.Property, documentation: p.description, insertText: `${p.name}=`, range }, 1));
          break;
        }
        case "argument-value":
          if (ctx.arg === "artifact" || ctx.arg === "artifacts") artifacts();
          if (!ctx.inString) {
            lets();
            known();
            columns();
            builtins("function", 3);
          }
          break;
        case "column":
          columns();
          break;
      }
      // Our ranking is the order: every kept item gets the typed text as its filter text (so
      // Monaco's own fuzzy score ties) and its rank as sort text; `incomplete` asks again on
      // the next keystroke, so the ranking follows the typing.
      const typed = text.slice(ctx.replace.start, offset);
      // Monaco asks again on every keystroke (`incomplete`): while a word that is not a name is
      // being typed (a number), nothing is offered, or the list would stay open over it.
      if (!typed && model.getWordUntilPosition(position).word) return { suggestions: [] };
      const ranked = rankCompletions(ctx.kind === "artifact" ? ctx.prefix : typed, entries);
      const items = ranked.map((en, i) => ({ ...en.item, filterText: typed, sortText: String(i).padStart(5, "0") }));
      return { suggestions: items, incomplete: true };
    },
  });

  monaco.languages.registerHoverProvider(VQL_LANGUAGE, {
    provideHover(model: Model, position: Position) {
      const word = model.getWordAtPosition(position);
      if (!word) return null;
      const range = new monaco.Range(position.lineNumber, word.startColumn, position.lineNumber, word.endColumn);
      const line = model.getLineContent(position.lineNumber);
      const isCall = /^\s*\(/.test(line.slice(word.endColumn - 1));
      const before = line.slice(0, word.startColumn - 1);
      const kind = /\bFROM\s+$/i.test(before) ? "plugin" : isCall ? "function" : undefined;
      const d = findDescriptor(currentCatalog(), word.word, kind);
      if (d && (isCall || kind)) return { range, contents: [{ value: builtinDoc(d) }] };
      const kw = KEYWORDS.find((k) => k.keyword === word.word.toUpperCase() || k.keyword.startsWith(word.word.toUpperCase() + " "));
      if (kw) return { range, contents: [{ value: `**${kw.keyword}** — ${kw.doc}` }] };
      const lets = letNamesBefore(model.getValue(), model.getValueLength()).find((l) => l.name === word.word);
      if (lets) return { range, contents: [{ value: "```vql\n" + lets.detail + "\n```" }] };
      return null;
    },
  });

  monaco.languages.registerSignatureHelpProvider(VQL_LANGUAGE, {
    signatureHelpTriggerCharacters: ["(", ","],
    signatureHelpRetriggerCharacters: [","],
    provideSignatureHelp(model: Model, position: Position) {
      const ctx = completionContext(model.getValue(), model.getOffsetAt(position));
      const call = ctx.kind === "argument-name" || ctx.kind === "argument-value" ? ctx.call : ctx.kind === "expression" ? ctx.call : undefined;
      if (!call) return null;
      const d = findDescriptor(currentCatalog(), call.name, call.calleeKind);
      if (!d) return null;
      const current = ctx.kind === "argument-value" ? d.args.findIndex((a) => a.name === ctx.arg) : -1;
      return {
        value: {
          signatures: [{ label: argSignature(d), documentation: { value: d.doc }, parameters: d.args.map((a) => ({ label: `${a.name}${a.required ? "" : "?"}: ${a.type}${a.repeated ? "[]" : ""}`, documentation: a.doc })) }],
          activeSignature: 0,
          activeParameter: Math.max(0, current),
        },
        dispose() {},
      };
    },
  });

  monaco.languages.registerDocumentFormattingEditProvider(VQL_LANGUAGE, {
    provideDocumentFormattingEdits(model: Model) {
      const text = model.getValue();
      if (parse(text).diagnostics.some((d) => d.severity === "error")) return [];
      const formatted = formatVql(text);
      return formatted === text ? [] : [{ range: model.getFullModelRange(), text: formatted }];
    },
  });

  const watch = (model: Model) => {
    if (model.getLanguageId() !== VQL_LANGUAGE) return;
    scheduleMarkers(model, 0);
    model.onDidChangeContent(() => scheduleMarkers(model));
  };
  monaco.editor.getModels().forEach(watch);
  monaco.editor.onDidCreateModel(watch);
  onCatalog(() => monaco.editor.getModels().forEach((m) => scheduleMarkers(m, 0)));
}

export { monaco };
