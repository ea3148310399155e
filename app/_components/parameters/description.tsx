"use client";
// A parameter's description: the first sentence shown, the rest one click away (never cut in
// the middle of a sentence); the whole text also on hover of the field.

/** The lead: the first paragraph's first sentence (the whole paragraph if it has one sentence). */
export function leadOf(text: string): string {
  const para = text.trim().split(/\n\s*\n/)[0]!.replace(/\s+/g, " ");
  const m = /^(.+?[.!?])\s+\S/.exec(para);
  return m ? m[1]! : para;
}

export function ParamDescription({ text }: { text?: string }) {
  const t = (text ?? "").trim();
  if (!t) return null;
  const lead = leadOf(t);
  if (lead === t.replace(/\s+/g, " ")) return <span className="muted small param-desc">{t}</span>;
  return (
    <details className="param-desc small">
      <summary className="muted">{lead}</summary>
      <div className="param-desc-full">{t}</div>
    </details>
  );
}
