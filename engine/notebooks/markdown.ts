// Markdown cells to HTML, for the browser and the HTML export alike: GitHub-flavoured Markdown
// (tables, strikethrough, task lists, autolinks, fenced code) with raw HTML, and the whole
// result passed through the allowlist sanitiser (sanitize.ts), so a `<script>` or an `onerror=`
// written in a cell never runs. Links are limited to http(s), mailto and in-app paths by
// markdown-it's link validation plus ours, and again by the sanitiser (which also opens
// external links in a new tab without an opener).
import MarkdownItCtor, { type MarkdownIt } from "markdown-it";
import { sanitizeMarkdownHtml } from "./sanitize";
import { taskLists } from "./task-lists";

let md: MarkdownIt | undefined;

const SAFE_LINK = /^(https?:|mailto:|\/|#|\.\/)/i;

/** GFM's extended autolinks: `www.example.org` becomes a link, `setup.py` and `example.org` stay text. */
function wwwAutolinks(m: MarkdownIt): void {
  m.linkify.set({ fuzzyLink: true });
  const match = m.linkify.match.bind(m.linkify);
  m.linkify.match = (text: string) => (match(text) ?? []).filter((l) => l.schema !== "" || /^www\./i.test(l.raw));
}

function renderer(): MarkdownIt {
  if (md) return md;
  md = new MarkdownItCtor({ html: true, linkify: true, typographer: false, breaks: false }).use(taskLists);
  wwwAutolinks(md);
  const validate = md.validateLink.bind(md);
  md.validateLink = (url: string) => validate(url) && (SAFE_LINK.test(url.trim()) || !/^[a-z][a-z0-9+.-]*:/i.test(url.trim()));
  return md;
}

/** HTML for a Markdown text, sanitised; safe to insert into a page. */
export function renderMarkdown(text: string): string {
  return sanitizeMarkdownHtml(renderer().render(text));
}

/** The text of the first heading (for outlines and summaries), if any. */
export function firstHeading(text: string): string | undefined {
  const m = /^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$/m.exec(text);
  return m?.[1];
}
