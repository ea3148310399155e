/**
 * Runs a parsed template (template/parse.ts) over VQL values, with Go's text/template rules:
 * `.` is the data (rebound by range and with), `$` the top data, missing keys print
 * `<no value>`, `if` is false for false, 0, nil and empty values. Functions are those
 * Velociraptor's template() offers that need no scope (template/functions.ts).
 */
import { getMember, MISSING } from "../../values/access";
import { dictGet, dictKeys, isDictLike } from "../../values/ordered-dict";
import { TemplateError, type Operand, type Pipeline, type TNode } from "./parse";
import { TEMPLATE_FUNCTIONS } from "./functions";
import { goPrint, goTruth } from "./values";

/** Output size at which execution stops (a range over a huge list). */
const MAX_OUTPUT = 16 * 1024 * 1024;

class Frame {
  constructor(
    readonly dot: unknown,
    readonly vars: Map<string, unknown>,
  ) {}
}

export function executeTemplate(nodes: TNode[], data: unknown, escape: (s: string) => string = (s) => s): string {
  const out: string[] = [];
  let size = 0;
  const emit = (s: string) => {
    size += s.length;
    if (size > MAX_OUTPUT) throw new TemplateError("output over 16 MiB");
    out.push(s);
  };
  const top = new Frame(data, new Map([["$", data]]));
  run(nodes, top);
  return out.join("");

  function run(list: TNode[], f: Frame): void {
    for (const n of list) {
      switch (n.kind) {
        case "text":
          emit(n.text);
          break;
        case "action": {
          const v = pipeline(n.pipe, f);
          if (n.pipe.decl.length === 0) emit(escape(goPrint(v)));
          break;
        }
        case "if":
          run(goTruth(pipeline(n.pipe, f)) ? n.body : n.alt, f);
          break;
        case "with": {
          const v = pipeline(n.pipe, f);
          if (goTruth(v)) run(n.body, new Frame(v, new Map(f.vars)));
          else run(n.alt, f);
          break;
        }
        case "range": {
          const v = pipeline({ decl: [], commands: n.pipe.commands }, f);
          const items: [unknown, unknown][] = Array.isArray(v)
            ? v.map((x, i) => [i, x])
            : isDictLike(v)
              ? [...dictKeys(v)].sort().map((k) => [k, dictGet(v, k)])
              : typeof v === "number" && Number.isInteger(v)
                ? Array.from({ length: Math.max(0, v) }, (_, i) => [i, i])
                : [];
          if (v !== null && v !== undefined && !Array.isArray(v) && !isDictLike(v) && typeof v !== "number") throw new TemplateError(`range can't iterate over ${goPrint(v)}`);
          if (items.length === 0) run(n.alt, f);
          for (const [k, x] of items) {
            const vars = new Map(f.vars);
            const d = n.pipe.decl;
            if (d.length === 1) vars.set(d[0]!, x);
            if (d.length === 2) vars.set(d[0]!, k).set(d[1]!, x);
            run(n.body, new Frame(x, vars));
          }
          break;
        }
      }
    }
  }

  function pipeline(p: Pipeline, f: Frame): unknown {
    let value: unknown = undefined;
    let piped = false;
    for (const cmd of p.commands) {
      value = command(cmd, f, piped ? [value] : []);
      piped = true;
    }
    for (const name of p.decl) f.vars.set(name, value);
    return value;
  }

  function command(cmd: Operand[], f: Frame, extra: unknown[]): unknown {
    const [head, ...rest] = cmd;
    if (head!.kind === "ident") {
      const fn = TEMPLATE_FUNCTIONS[head!.name];
      if (!fn) throw new TemplateError(`function "${head!.name}" not defined`);
      return fn(...rest.map((o) => operand(o, f)), ...extra);
    }
    if (rest.length || extra.length) throw new TemplateError(`can't give argument to non-function ${describe(head!)}`);
    return operand(head!, f);
  }

  function operand(o: Operand, f: Frame): unknown {
    switch (o.kind) {
      case "literal":
        return o.value;
      case "pipe":
        return pipeline(o.pipe, f);
      case "ident": {
        const fn = TEMPLATE_FUNCTIONS[o.name];
        if (!fn) throw new TemplateError(`function "${o.name}" not defined`);
        return fn();
      }
      case "field": {
        let v: unknown;
        if (o.root === "dot") v = f.dot;
        else {
          if (!f.vars.has(o.root)) throw new TemplateError(`undefined variable "${o.root}"`);
          v = f.vars.get(o.root);
        }
        for (const part of o.path) {
          if (v === null || v === undefined) return undefined;
          const m = getMember(v, part);
          v = m === MISSING ? undefined : m;
        }
        return v;
      }
    }
  }
}

function describe(o: Operand): string {
  return o.kind === "field" ? (o.root === "dot" ? "." : o.root) + o.path.map((p) => "." + p).join("") : o.kind;
}
