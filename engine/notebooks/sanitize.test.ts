import { describe, expect, it } from "vitest";
import { renderMarkdown } from "./markdown";
import { sanitizeMarkdownHtml } from "./sanitize";
import { XSS_PAYLOADS } from "./testdata/xss-payloads";

// What may appear in the output, checked independently of sanitize-html's own configuration.
const ALLOWED_TAGS = new Set(
  "a abbr b bdi bdo br cite code del dfn em i img ins kbd mark q rp rt ruby s samp small span strike strong sub sup time u var wbr blockquote caption col colgroup dd details div dl dt figcaption figure h1 h2 h3 h4 h5 h6 hr li ol p pre summary table tbody td tfoot th thead tr ul input".split(" "),
);
const GLOBAL_ATTRS = new Set(["title", "lang", "dir"]);
const TAG_ATTRS: Record<string, string[]> = {
  a: ["href", "target", "rel"],
  img: ["src", "alt", "width", "height"],
  ol: ["start", "reversed", "class"],
  ul: ["class"],
  li: ["class"],
  code: ["class"],
  td: ["align", "colspan", "rowspan", "style"],
  th: ["align", "colspan", "rowspan", "scope", "style"],
  col: ["span"],
  colgroup: ["span"],
  details: ["open"],
  time: ["datetime"],
  input: ["type", "checked", "disabled", "class"],
};

function decode(value: string): string {
  return value
    .replace(/&#x([0-9a-f]+);?/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);?/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

/** Every way `html` breaks the policy (empty when it keeps it). Tags must be well formed, with quoted attributes. */
function violations(html: string): string[] {
  const problems: string[] = [];
  const TAG = /<(\/?)([a-z][a-z0-9]*)((?:\s+[a-z][a-z-]*(?:="[^"<>]*")?)*)\s*(\/?)>/g;
  let last = 0;
  for (const m of html.matchAll(TAG)) {
    const text = html.slice(last, m.index);
    if (/[<>]/.test(text)) problems.push(`raw < or > in text: ${JSON.stringify(text)}`);
    last = m.index + m[0].length;
    const tag = m[2]!;
    if (!ALLOWED_TAGS.has(tag)) problems.push(`tag <${tag}>`);
    for (const a of m[3]!.matchAll(/([a-z][a-z-]*)(?:="([^"]*)")?/g)) {
      const name = a[1]!;
      const value = decode(a[2] ?? "");
      if (!GLOBAL_ATTRS.has(name) && !TAG_ATTRS[tag]?.includes(name)) problems.push(`attribute ${name} on <${tag}>`);
      const plain = value.replace(/[\u0000-\u0020\u007f-\u009f]/g, "").toLowerCase();
      if (name === "href" && /^[a-z][a-z0-9+.-]*:/.test(plain) && !/^(https?|mailto):/.test(plain)) problems.push(`href ${value}`);
      if (name === "href" && plain.startsWith("//")) problems.push(`protocol-relative href ${value}`);
      if (name === "src" && !/^https:\/\/[^/]/.test(value)) problems.push(`src ${value}`);
      if (name === "style" && !/^text-align:(left|right|center);?$/.test(value)) problems.push(`style ${value}`);
      if (name === "type" && value !== "checkbox") problems.push(`input type ${value}`);
    }
    if (tag === "input" && m[1] === "" && !/\sdisabled/.test(m[3]!)) problems.push("enabled input");
  }
  const rest = html.slice(last);
  if (/[<>]/.test(rest)) problems.push(`raw < or > in text: ${JSON.stringify(rest)}`);
  return problems;
}

describe("sanitizeMarkdownHtml() and renderMarkdown() against XSS payloads", () => {
  it.each(XSS_PAYLOADS.map((p) => [p]))("keep the policy for %j", (payload) => {
    expect(violations(renderMarkdown(payload))).toEqual([]);
    expect(violations(sanitizeMarkdownHtml(payload))).toEqual([]);
  });

  it("the policy check itself flags what it must", () => {
    expect(violations('<p onclick="x">a</p>')).toEqual(["attribute onclick on <p>"]);
    expect(violations("<script>x</script>")).toEqual(["tag <script>", "tag <script>"]);
    expect(violations('<a href="java&#115;cript:x">a</a>')).toEqual(["href javascript:x"]);
    expect(violations('<img src="/x" />')).toEqual(["src /x"]);
    expect(violations("<img src=x>")).toEqual(["raw < or > in text: \"<img src=x>\""]);
  });

  it("shows a refused tag as text, so the reader sees what was not rendered", () => {
    const html = renderMarkdown("<script>window.__xss=1</script>");
    expect(html).toContain("&lt;script&gt;window.__xss=1&lt;/script&gt;");
  });

  it("drops an image without an https source whole, and strips event handlers from one with it", () => {
    expect(renderMarkdown('<img src=x onerror="window.__xss=2">')).not.toContain("<img");
    expect(renderMarkdown("![a](/x.png) ![b](http://example.org/b.png)")).not.toContain("<img");
    expect(renderMarkdown('<img src="https://example.org/a.png" alt="A" onerror="x">')).toContain('<img src="https://example.org/a.png" alt="A" />');
  });

  it("opens external links in a new tab without an opener, whatever the author wrote", () => {
    const html = renderMarkdown('<a href="https://example.org" target="_self" rel="opener">x</a> <a href="/notebooks" target="_top">y</a>');
    expect(html).toContain('<a href="https://example.org" target="_blank" rel="noopener noreferrer">x</a>');
    expect(html).toContain('<a href="/notebooks">y</a>');
  });

  it("keeps only text-align in table cell styles", () => {
    expect(sanitizeMarkdownHtml('<table><tr><td style="text-align:right;color:red">1</td></tr></table>')).toContain('<td style="text-align:right">1</td>');
  });

  it("keeps an input only as a disabled checkbox", () => {
    expect(sanitizeMarkdownHtml('<input type="checkbox" checked onclick="x">')).toBe('<input type="checkbox" disabled checked />');
    expect(sanitizeMarkdownHtml('<input type="text" value="x">')).toBe("");
  });
});
