// Markdown cells to HTML, for the browser and the HTML export alike: GitHub-flavoured Markdown
// (tables, strikethrough, autolinks, fenced code) with raw HTML switched off, so a `<script>`
// or an `onerror=` written in a cell is shown as text and never runs. Links are limited to
// http(s), mailto and in-app paths by markdown-it's link validation plus ours.
import MarkdownItCtor, { type MarkdownIt } from "markdown-it";

let md: MarkdownIt | undefined;

const SAFE_LINK = /^(https?:|mailto:|\/|#|\.\/)/i;

function renderer(): MarkdownIt {
  if (md) return md;
  md = new MarkdownItCtor({ html: false, linkify: true, typographer: false, breaks: false });
  const validate = md.validateLink.bind(md);
  md.validateLink = (url: string) => validate(url) && (SAFE_LINK.test(url.trim()) || !/^[a-z][a-z0-9+.-]*:/i.test(url.trim()));
  const defaultLinkOpen = md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
  md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
    const href = String(tokens[idx]!.attrGet("href") ?? "");
    if (/^https?:/i.test(href)) {
      tokens[idx]!.attrSet("target", "_blank");
      tokens[idx]!.attrSet("rel", "noopener noreferrer");
    }
    return defaultLinkOpen(tokens, idx, options, env, self);
  };
  return md;
}

/** HTML for a Markdown text; safe to insert into a page. */
export function renderMarkdown(text: string): string {
  return renderer().render(text);
}

/** The text of the first heading (for outlines and summaries), if any. */
export function firstHeading(text: string): string | undefined {
  const m = /^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$/m.exec(text);
  return m?.[1];
}
