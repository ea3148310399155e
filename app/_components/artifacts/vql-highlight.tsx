// Read-only VQL with syntax colours, from engine/vql's own lexer (so the colours agree with
// what the parser sees). Text between tokens (spaces, line breaks) is kept as written.
import { tokenize } from "@/engine/vql/parser";

function classOf(kind: string, text: string, next: string | undefined): string | undefined {
  switch (kind) {
    case "string":
      return "vql-str";
    case "number":
      return "vql-num";
    case "comment":
      return "vql-com";
    case "op":
      return "vql-op";
    case "ident":
    case "negated-ident":
      return next === "(" ? "vql-fn" : undefined;
    case "invalid":
      return "vql-bad";
    default:
      return /^[A-Z]/.test(kind) && kind === kind.toUpperCase() ? "vql-kw" : /^(true|false|null)$/i.test(text) ? "vql-num" : undefined;
  }
}

export function VqlHighlight({ text, testId }: { text: string; testId?: string }) {
  const tokens = tokenize(text).tokens.filter((t) => t.kind !== "eof");
  const parts: React.ReactNode[] = [];
  let pos = 0;
  tokens.forEach((t, i) => {
    if (t.start > pos) parts.push(text.slice(pos, t.start));
    const cls = classOf(t.kind, t.text, tokens[i + 1]?.text);
    parts.push(cls ? <span key={i} className={cls}>{t.text}</span> : t.text);
    pos = t.end;
  });
  if (pos < text.length) parts.push(text.slice(pos));
  return (
    <pre className="art-vql" data-testid={testId}>
      <code>{parts}</code>
    </pre>
  );
}
