// template(): expected output from Go's text/template documentation (actions, trim markers,
// if/else, range, with, variables, pipelines) and the templates of the corpus artifacts
// (Generic.Utils.SendEmail, Windows.Collectors.Remapping) as Velociraptor expands them.
import { describe, expect, it } from "vitest";
import { collect, valueOf } from "../../eval/testing";

const v = (expr: string) => valueOf(expr);

describe("template()", () => {
  it("expands fields of the expansion dict; a missing key prints <no value> (Go's rule for maps)", async () => {
    expect(await v("template(template='Hello {{ .Name }} from {{.Host.Name}}: {{ .Missing }}', expansion=dict(Name='alice', Host=dict(Name='h1')))")).toBe('"Hello alice from h1: <no value>"');
  });
  it("Go docs: {{- and -}} trim the white space next to them", async () => {
    expect(await v("template(template='{{23 -}} < {{- 45}}', expansion=dict())")).toBe('"23<45"');
  });
  it("if/else if/else, comments and not", async () => {
    const t = "{{/* c */}}{{ if .A }}a{{ else if .B }}b{{ else }}none{{ end }}{{ if not .A }}!{{ end }}";
    expect(await v(`(template(template='${t}', expansion=dict(A=1)), template(template='${t}', expansion=dict(B='x')), template(template='${t}', expansion=dict(A=0)))`)).toBe('["a","b!","none!"]');
  });
  it("range rebinds dot; $ is the top data; range $i, $v := binds both; else runs on empty", async () => {
    expect(await v("template(template='{{ range .L }}[{{ . }}{{ $.S }}]{{ end }}', expansion=dict(L=(1, 2), S='!'))")).toBe('"[1!][2!]"');
    expect(await v("template(template='{{ range $i, $v := .L }}{{ $i }}={{ $v }} {{ end }}', expansion=dict(L=['a', 'b']))")).toBe('"0=a 1=b "');
    expect(await v("template(template='{{ range .L }}x{{ else }}empty{{ end }}', expansion=dict(L=[]))")).toBe('"empty"');
  });
  it("pipelines pass the value as the last argument; functions quote, printf, upper, default, len, index, eq", async () => {
    expect(await v(`template(template='{{ .A | quote }} {{ printf "%03d" .N }} {{ .A | upper }} {{ .Z | default "d" }} {{ len .L }} {{ index .L 1 }} {{ eq .N 7 }}', expansion=dict(A='x"y', N=7, L=(5, 6)))`)).toBe(
      JSON.stringify(`"x\\"y" 007 X"Y d 2 6 true`),
    );
  });
  it("with and variables", async () => {
    expect(await v("template(template='{{ with .H }}{{ .N }}{{ end }}{{ $x := .A }}{{ $x }}{{ with .Z }}no{{ else }}-{{ end }}', expansion=dict(H=dict(N=1), A=2))")).toBe('"12-"');
  });
  it("the corpus: SendEmail's boundary template and Remapping's literal {{ .Paths }}", async () => {
    const t = "{{ if .header }}{{ .header }}; boundary={{ .boundary }}\\r\\n\\r\\n{{ end }}{{ range .sections }}--{{ $.boundary }}\\r\\n{{ . }}{{ end }}--{{ $.boundary }}--\\r\\n";
    expect(await v(`template(template="${t}", expansion=dict(boundary='B', sections=['one', 'two'], header=''))`)).toBe('"--B\\r\\none--B\\r\\ntwo--B--\\r\\n"');
    expect(await v(`template(template='paths={{"{{ .Paths }}"}}, accessor={{ .Accessor | quote }}', expansion=dict(Accessor='ntfs'))`)).toBe('"paths={{ .Paths }}, accessor=\\"ntfs\\""');
  });
  it("html=TRUE escapes what actions print, not the template text", async () => {
    expect(await v("template(template='<b>{{ .X }}</b>', expansion=dict(X='<i>&'), html=TRUE)")).toBe('"<b>&lt;i&gt;&amp;</b>"');
  });
  it("logs a template that does not parse or uses an unknown function, and gives NULL", async () => {
    const r = await collect("SELECT template(template='{{ if .A }}x', expansion=dict()) AS A, template(template='{{ nope .A }}', expansion=dict()) AS B FROM scope()");
    expect(r.rows).toEqual(['{"A":null,"B":null}']);
    expect(r.logs.join("\n")).toMatch(/template: unexpected EOF[\s\S]*template: function "nope" not defined/);
  });
});
