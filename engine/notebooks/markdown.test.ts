import { describe, expect, it } from "vitest";
import { firstHeading, renderMarkdown } from "./markdown";

describe("renderMarkdown()", () => {
  it("renders GitHub-flavoured tables, strikethrough and autolinks", () => {
    const html = renderMarkdown("| a | b |\n|---|---|\n| 1 | 2 |\n\n~~gone~~ see https://example.org");
    expect(html).toContain("<table>");
    expect(html).toContain("<s>gone</s>");
    expect(html).toContain('<a href="https://example.org" target="_blank" rel="noopener noreferrer">');
  });

  it("shows raw HTML as text: scripts and event handlers never become elements", () => {
    const html = renderMarkdown('<script>window.pwned=1</script>\n\n<img src=x onerror="alert(1)">');
    expect(html).not.toMatch(/<script|<img/i);
    expect(html).toContain("&lt;script&gt;");
  });

  it("drops javascript: and data: links", () => {
    const html = renderMarkdown("[x](javascript:alert(1)) [y](data:text/html,hi) [z](/notebooks)");
    expect(html).not.toContain('href="javascript');
    expect(html).not.toContain('href="data');
    expect(html).toContain('href="/notebooks"');
  });

  it("firstHeading() finds the first heading", () => {
    expect(firstHeading("text\n## Second level ##\n# later")).toBe("Second level");
    expect(firstHeading("none")).toBeUndefined();
  });
});
