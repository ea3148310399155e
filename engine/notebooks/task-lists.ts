// GitHub task lists for markdown-it: a list item whose text starts with `[ ]` or `[x]` gets a
// disabled checkbox, the item the class `task-list-item` and its list `contains-task-list`
// (GitHub's class names). A core rule over the token stream; it renders nothing itself that
// the sanitiser (sanitize.ts) does not also allow.
import type { MarkdownIt } from "markdown-it";

type CoreState = Parameters<Parameters<MarkdownIt["core"]["ruler"]["after"]>[2]>[0];
type Token = CoreState["tokens"][number];

const MARKER = /^\[([ xX])\](?=[ \t]|$)[ \t]?/;

function addClass(token: Token, name: string): void {
  const existing = token.attrGet("class");
  const classes = existing ? String(existing).split(/\s+/) : [];
  if (!classes.includes(name)) token.attrSet("class", [...classes, name].join(" "));
}

/** The `bullet_list_open` / `ordered_list_open` token that holds the item at `itemIndex`. */
function listOf(tokens: Token[], itemIndex: number): Token | undefined {
  const level = tokens[itemIndex]!.level - 1;
  for (let i = itemIndex - 1; i >= 0; i--) {
    const t = tokens[i]!;
    if (t.level === level && (t.type === "bullet_list_open" || t.type === "ordered_list_open")) return t;
  }
  return undefined;
}

function taskListRule(state: CoreState): void {
  const tokens = state.tokens;
  for (let i = 2; i < tokens.length; i++) {
    const inline = tokens[i]!;
    if (inline.type !== "inline" || tokens[i - 1]!.type !== "paragraph_open" || tokens[i - 2]!.type !== "list_item_open") continue;
    const first = inline.children?.[0];
    if (!first || first.type !== "text") continue;
    const m = MARKER.exec(first.content);
    if (!m) continue;
    first.content = first.content.slice(m[0].length);
    inline.content = inline.content.replace(MARKER, "");
    const box = new state.Token("task_checkbox", "input", 0);
    box.meta = { checked: m[1] !== " " };
    inline.children!.unshift(box);
    addClass(tokens[i - 2]!, "task-list-item");
    const list = listOf(tokens, i - 2);
    if (list) addClass(list, "contains-task-list");
  }
}

/** markdown-it plugin: `md.use(taskLists)`. */
export function taskLists(md: MarkdownIt): void {
  md.core.ruler.after("inline", "task_lists", taskListRule);
  md.renderer.rules.task_checkbox = (tokens, idx) => {
    const checked = (tokens[idx]!.meta as { checked?: boolean } | null)?.checked;
    return `<input class="task-list-item-checkbox" type="checkbox" disabled${checked ? " checked" : ""}> `;
  };
}
