// A small Markdown renderer for artifact descriptions that builds React elements (so every
// character of the text is escaped by React; raw HTML is shown as text, never interpreted).
// Covers what descriptions use: headings, paragraphs, lists, fenced and indented code, block
// quotes, rules, and inline code, emphasis, links (http, https and mailto only).
import type { ReactNode } from "react";

type Block =
  | { kind: "heading"; level: number; text: string }
  | { kind: "para"; text: string }
  | { kind: "code"; text: string }
  | { kind: "list"; ordered: boolean; items: string[] }
  | { kind: "quote"; text: string }
  | { kind: "rule" };

export function parseBlocks(src: string): Block[] {
  const lines = src.replace(/\r\n?/g, "\n").split("\n");
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (line.trim() === "") {
      i++;
      continue;
    }
    const fence = /^\s*(```|~~~)/.exec(line);
    if (fence) {
      const body: string[] = [];
      i++;
      while (i < lines.length && !lines[i]!.trim().startsWith(fence[1]!)) body.push(lines[i++]!);
      i++;
      blocks.push({ kind: "code", text: body.join("\n") });
      continue;
    }
    const h = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (h) {
      blocks.push({ kind: "heading", level: h[1]!.length, text: h[2]! });
      i++;
      continue;
    }
    if (/^\s*([-*_])(\s*\1){2,}\s*$/.test(line)) {
      blocks.push({ kind: "rule" });
      i++;
      continue;
    }
    if (/^( {4}|\t)/.test(line)) {
      const body: string[] = [];
      while (i < lines.length && (/^( {4}|\t)/.test(lines[i]!) || lines[i]!.trim() === "")) body.push(lines[i++]!.replace(/^( {4}|\t)/, ""));
      blocks.push({ kind: "code", text: body.join("\n").replace(/\n+$/, "") });
      continue;
    }
    if (/^\s*>/.test(line)) {
      const body: string[] = [];
      while (i < lines.length && /^\s*>/.test(lines[i]!)) body.push(lines[i++]!.replace(/^\s*>\s?/, ""));
      blocks.push({ kind: "quote", text: body.join(" ") });
      continue;
    }
    const item = /^\s*([-*+]|\d+[.)])\s+(.*)$/.exec(line);
    if (item) {
      const ordered = /\d/.test(item[1]!);
      const items: string[] = [];
      while (i < lines.length) {
        const m = /^\s*([-*+]|\d+[.)])\s+(.*)$/.exec(lines[i]!);
        if (m) items.push(m[2]!);
        else if (lines[i]!.trim() !== "" && /^\s+/.test(lines[i]!) && items.length) items[items.length - 1] += " " + lines[i]!.trim();
        else break;
        i++;
      }
      blocks.push({ kind: "list", ordered, items });
      continue;
    }
    const para: string[] = [];
    while (i < lines.length && lines[i]!.trim() !== "" && !/^(#{1,6}\s|\s*```|\s*~~~|\s*>|\s*([-*+]|\d+[.)])\s+)/.test(lines[i]!)) para.push(lines[i++]!.trim());
    blocks.push({ kind: "para", text: para.join(" ") });
  }
  return blocks;
}

const SAFE_URL = /^(https?:\/\/|mailto:)/i;

/** Inline Markdown to React nodes: `code`, **strong**, *em* / _em_, [text](url), <url>. */
export function renderInline(text: string, keyPrefix = "i"): ReactNode[] {
  const out: ReactNode[] = [];
  const re = /`([^`]+)`|\*\*([^*]+)\*\*|__([^_]+)__|\*([^*\s][^*]*)\*|\b_([^_\s][^_]*)_\b|\[([^\]]+)\]\(([^)\s]+)\)|<(https?:\/\/[^>\s]+)>/g;
  let last = 0;
  let n = 0;
  for (const m of text.matchAll(re)) {
    if (m.index! > last) out.push(text.slice(last, m.index));
    const key = `${keyPrefix}-${n++}`;
    if (m[1] !== undefined) out.push(<code key={key}>{m[1]}</code>);
    else if (m[2] !== undefined || m[3] !== undefined) out.push(<strong key={key}>{renderInline(m[2] ?? m[3]!, key)}</strong>);
    else if (m[4] !== undefined || m[5] !== undefined) out.push(<em key={key}>{renderInline(m[4] ?? m[5]!, key)}</em>);
    else if (m[6] !== undefined) {
      const url = m[7]!;
      out.push(SAFE_URL.test(url) ? <a key={key} href={url} rel="noopener noreferrer nofollow" target="_blank">{renderInline(m[6], key)}</a> : <span key={key}>{m[0]}</span>);
    } else if (m[8] !== undefined) out.push(<a key={key} href={m[8]} rel="noopener noreferrer nofollow" target="_blank">{m[8]}</a>);
    last = m.index! + m[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

export function Markdown({ text, testId }: { text: string; testId?: string }) {
  return (
    <div className="art-markdown" data-testid={testId}>
      {parseBlocks(text).map((b, i) => {
        const k = `b${i}`;
        switch (b.kind) {
          case "heading": {
            const Tag = `h${Math.min(6, b.level + 2)}` as "h3";
            return <Tag key={k}>{renderInline(b.text, k)}</Tag>;
          }
          case "para":
            return <p key={k}>{renderInline(b.text, k)}</p>;
          case "code":
            return (
              <pre key={k}>
                <code>{b.text}</code>
              </pre>
            );
          case "quote":
            return <blockquote key={k}>{renderInline(b.text, k)}</blockquote>;
          case "rule":
            return <hr key={k} />;
          case "list": {
            const items = b.items.map((t, j) => <li key={j}>{renderInline(t, `${k}-${j}`)}</li>);
            return b.ordered ? <ol key={k}>{items}</ol> : <ul key={k}>{items}</ul>;
          }
        }
      })}
    </div>
  );
}
