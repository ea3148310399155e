/**
 * template(): expand a Go style template over `expansion`, as Velociraptor's template()
 * (vql/tools/template.go), with the Go text/template subset of template/parse.ts and the
 * functions of template/functions.ts. With html=TRUE every action's output is HTML-escaped.
 * A template that does not parse or run logs and gives NULL.
 */
import { arg } from "../arg";
import { defineFunction } from "../define";
import { executeTemplate } from "../template/execute";
import { parseTemplate } from "../template/parse";

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&#34;", "'": "&#39;" })[c]!);

export const templateFunction = defineFunction({
  name: "template",
  category: "misc",
  doc: "Expand a Go style template (`{{ .Name }}`, if, range, with, pipelines with quote, printf...) over the `expansion` dict.",
  args: {
    template: arg.string().required().doc("A Go Template compatible string."),
    expansion: arg.dict().required().doc("An object to be expanded into the template."),
    html: arg.bool().default(false).doc("Use when the output should be html escaped."),
  },
  version: 2,
  argErrorValue: false,
  run({ template, expansion, html }, ctx) {
    try {
      return executeTemplate(parseTemplate(template), expansion, html ? escapeHtml : undefined);
    } catch (err) {
      ctx.log("ERROR", `template: ${(err as Error).message}`);
      return null;
    }
  },
});
