import { describe, expect, it } from "vitest";
import { firstHeading, renderMarkdown } from "./markdown";

describe("renderMarkdown()", () => {
  it("renders GitHub-flavoured tables (with alignment), strikethrough and autolinks", () => {
    const html = renderMarkdown("| a | b |\n|---|--:|\n| 1 | 2 |\n\n~~gone~~ see https://example.org and www.example.com, not setup.py");
    expect(html).toContain("<table>");
    expect(html).toContain('<td style="text-align:right">2</td>');
    expect(html).toContain("<s>gone</s>");
    expect(html).toContain('<a href="https://example.org" target="_blank" rel="noopener noreferrer">https://example.org</a>');
    expect(html).toContain('<a href="http://www.example.com" target="_blank" rel="noopener noreferrer">www.example.com</a>');
    expect(html).toContain("not setup.py");
  });

  it("renders task lists as disabled checkboxes with GitHub's classes", () => {
    const html = renderMarkdown("- [ ] open\n- [x] done\n- [X] also done\n- not a task\n- [y] not a task either");
    expect(html).toContain('<ul class="contains-task-list">');
    expect(html).toContain('<li class="task-list-item"><input type="checkbox" disabled class="task-list-item-checkbox" /> open</li>');
    expect(html).toContain('<li class="task-list-item"><input type="checkbox" disabled checked class="task-list-item-checkbox" /> done</li>');
    expect(html).toContain('<li class="task-list-item"><input type="checkbox" disabled checked class="task-list-item-checkbox" /> also done</li>');
    expect(html).toContain("<li>not a task</li>");
    expect(html).toContain("<li>[y] not a task either</li>");
  });

  it("marks only the list that holds tasks, in nested and ordered lists", () => {
    const html = renderMarkdown("1. plain\n   - [ ] nested task\n2. other");
    expect(html).toMatch(/^<ol>/);
    expect(html).toContain('<ul class="contains-task-list">');
  });

  it("renders fenced code with its language class, and HTML inside it as text", () => {
    const html = renderMarkdown("```vql\nSELECT * FROM info() -- <b>\n```");
    expect(html).toBe('<pre><code class="language-vql">SELECT * FROM info() -- &lt;b&gt;\n</code></pre>\n');
  });

  it("lets the allowed HTML through: details/summary, kbd, sub, sup, br, https images, links", () => {
    const html = renderMarkdown(
      '<details><summary>More</summary>\n\nHidden **text**\n\n</details>\n\nPress <kbd>Ctrl</kbd>, H<sub>2</sub>O, x<sup>2</sup><br>next <img src="https://example.org/a.png" alt="a"> <a href="/clients">clients</a>',
    );
    expect(html).toContain("<details><summary>More</summary>\n<p>Hidden <strong>text</strong></p>\n</details>");
    expect(html).toContain("<kbd>Ctrl</kbd>");
    expect(html).toContain("H<sub>2</sub>O");
    expect(html).toContain("x<sup>2</sup><br />next");
    expect(html).toContain('<img src="https://example.org/a.png" alt="a" />');
    expect(html).toContain('<a href="/clients">clients</a>');
  });

  it("shows a script as text, and drops event handlers and images that are not https", () => {
    const html = renderMarkdown('<script>window.pwned=1</script>\n\n<img src=x onerror="alert(1)">');
    expect(html).not.toMatch(/<script|<img|onerror/i);
    expect(html).toContain("&lt;script&gt;window.pwned=1&lt;/script&gt;");
  });

  it("drops javascript: and data: links", () => {
    const html = renderMarkdown("[x](javascript:alert(1)) [y](data:text/html,hi) [z](/notebooks) <a href=\"javascript:alert(1)\">w</a>");
    expect(html).not.toMatch(/href="(javascript|data)/);
    expect(html).toContain('<a href="/notebooks">z</a>');
    expect(html).toContain("<a>w</a>");
  });

  it("firstHeading() finds the first heading", () => {
    expect(firstHeading("text\n## Second level ##\n# later")).toBe("Second level");
    expect(firstHeading("none")).toBeUndefined();
  });
});
