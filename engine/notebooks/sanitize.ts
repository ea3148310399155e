// The allowlist every Markdown cell's HTML passes through, in the browser and in the HTML export
// alike (sanitize-html: an HTML parser plus re-serialisation, no DOM needed). Only the tags and
// attributes below survive; any other tag is shown as text (a `<script>` reads as `<script>`),
// event handlers and unknown attributes are dropped, links keep http(s), mailto and relative
// URLs, images only https. It must never allow scripts, styles, frames, SVG/MathML or forms.
import sanitizeHtml from "sanitize-html";

const INLINE = ["a", "abbr", "b", "bdi", "bdo", "br", "cite", "code", "del", "dfn", "em", "i", "img", "ins", "kbd", "mark", "q", "rp", "rt", "ruby", "s", "samp", "small", "span", "strike", "strong", "sub", "sup", "time", "u", "var", "wbr"];
const BLOCK = ["blockquote", "caption", "col", "colgroup", "dd", "details", "div", "dl", "dt", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "li", "ol", "p", "pre", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul"];
/** `input` only as the task list's disabled checkbox (forced below). */
const TAGS = [...INLINE, ...BLOCK, "input"];

const ALIGN = { "text-align": [/^(left|right|center)$/] };

const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: TAGS,
  disallowedTagsMode: "escape",
  allowedAttributes: {
    "*": ["title", "lang", "dir"],
    a: ["href", "target", "rel"],
    img: ["src", "alt", "width", "height"],
    ol: ["start", "reversed"],
    td: ["align", "colspan", "rowspan", "style"],
    th: ["align", "colspan", "rowspan", "scope", "style"],
    col: ["span"],
    colgroup: ["span"],
    details: ["open"],
    time: ["datetime"],
    input: ["type", "checked", "disabled"],
  },
  allowedClasses: {
    code: [/^language-[\w-]+$/],
    ul: ["contains-task-list"],
    ol: ["contains-task-list"],
    li: ["task-list-item"],
    input: ["task-list-item-checkbox"],
  },
  allowedStyles: { td: ALIGN, th: ALIGN },
  allowedSchemes: ["http", "https", "mailto"],
  allowedSchemesByTag: { img: ["https"] },
  allowedSchemesAppliedToAttributes: ["href", "src", "cite"],
  allowProtocolRelative: false,
  transformTags: {
    a: (tagName, attribs) => {
      const { target: _target, rel: _rel, ...rest } = attribs;
      const external = /^https?:/i.test((rest.href ?? "").trim());
      return { tagName, attribs: external ? { ...rest, target: "_blank", rel: "noopener noreferrer" } : rest };
    },
    img: (tagName, attribs) => {
      // Only absolute https images: no relative (same-origin GETs), data: or protocol-relative ones.
      const { src, ...rest } = attribs;
      return { tagName, attribs: src && /^https:\/\//i.test(src.trim()) ? { ...attribs } : rest };
    },
    input: (tagName, attribs) => ({
      tagName,
      attribs: { type: attribs.type ?? "", disabled: "", ...("checked" in attribs ? { checked: "" } : {}), ...(attribs.class ? { class: attribs.class } : {}) },
    }),
  },
  // An image left without a source, or an input that is not a checkbox, is dropped whole.
  exclusiveFilter: (frame) => (frame.tag === "img" && !frame.attribs.src) || (frame.tag === "input" && frame.attribs.type !== "checkbox"),
  nestingLimit: 64,
};

/** HTML reduced to the allowlist above; safe to insert into a page. */
export function sanitizeMarkdownHtml(html: string): string {
  return sanitizeHtml(html, OPTIONS);
}
