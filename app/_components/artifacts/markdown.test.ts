import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { Markdown, parseBlocks } from "./markdown";

const html = (text: string) => renderToStaticMarkup(createElement(Markdown, { text }));

describe("Markdown", () => {
  it("renders headings, paragraphs, lists, code and links", () => {
    const out = html("# Title\n\nSome *text* with `code` and **bold**.\n\n- one\n- two\n\n```\nSELECT 1\n```\n\n[docs](https://example.org/x)");
    expect(out).toContain("<h3>Title</h3>");
    expect(out).toContain("<p>Some <em>text</em> with <code>code</code> and <strong>bold</strong>.</p>");
    expect(out).toContain("<ul><li>one</li><li>two</li></ul>");
    expect(out).toContain("<pre><code>SELECT 1</code></pre>");
    expect(out).toContain('<a href="https://example.org/x" rel="noopener noreferrer nofollow" target="_blank">docs</a>');
  });

  it("escapes raw HTML and refuses javascript: links", () => {
    const out = html('<script>alert(1)</script> <img src=x onerror="y">\n\n[click](javascript:alert(1))');
    expect(out).not.toContain("<script>");
    expect(out).not.toContain("<img");
    expect(out).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(out).not.toContain('href="javascript');
  });

  it("joins wrapped paragraph lines and keeps indented code blocks", () => {
    expect(parseBlocks("a\nb\n\n    code line\n    more\n")).toEqual([
      { kind: "para", text: "a b" },
      { kind: "code", text: "code line\nmore" },
    ]);
  });
});
