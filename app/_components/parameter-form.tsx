"use client";
// The fields of one artifact's parameters, generated from their declarations: a choice list
// for `choices`, a checkbox for `bool` (Y / N, as Velociraptor's forms send), a text area for
// multi-line defaults, text otherwise. Values are text keyed by parameter name; a parameter the
// user has not touched shows its default and is not sent (the artifact's default applies);
// `hidden` parameters are not shown.
export interface ParameterSpec {
  name: string;
  type?: string;
  description?: string;
  default?: string;
  choices?: unknown;
}

const isBool = (p: ParameterSpec) => p.type === "bool";
const choicesOf = (p: ParameterSpec): string[] => (Array.isArray(p.choices) ? p.choices.map(String) : []);

/** A checked box: the values the artifact engine reads as true (y, yes, true, ok; any case). */
export function isOn(v: string | undefined): boolean {
  return /^\s*(y|yes|true|ok)\s*$/i.test(v ?? "");
}

export function ParameterFields({
  artifact,
  parameters,
  values,
  onChange,
}: {
  artifact: string;
  parameters: ParameterSpec[];
  values: Record<string, string>;
  onChange(values: Record<string, string>): void;
}) {
  const shown = parameters.filter((p) => p.type !== "hidden");
  if (!shown.length) return null;
  const set = (name: string, v: string) => onChange({ ...values, [name]: v });
  return (
    <fieldset className="params" data-testid={`params-${artifact}`}>
      <legend>{artifact}</legend>
      {shown.map((p) => {
        const value = values[p.name] ?? p.default ?? "";
        const testId = `param-${artifact}-${p.name}`;
        if (isBool(p)) {
          return (
            <label key={p.name} className="inline" title={p.description}>
              <input type="checkbox" checked={isOn(value)} onChange={(e) => set(p.name, e.target.checked ? "Y" : "N")} data-testid={testId} />
              {p.name}
              {p.description ? <span className="muted small">{p.description}</span> : null}
            </label>
          );
        }
        const choices = choicesOf(p);
        let input;
        if (choices.length) {
          input = (
            <select value={value} onChange={(e) => set(p.name, e.target.value)} data-testid={testId}>
              {choices.includes(value) ? null : <option value={value}>{value}</option>}
              {choices.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </select>
          );
        } else if (value.includes("\n")) {
          input = <textarea rows={Math.min(8, value.split("\n").length + 1)} value={value} onChange={(e) => set(p.name, e.target.value)} data-testid={testId} />;
        } else {
          input = <input value={value} onChange={(e) => set(p.name, e.target.value)} data-testid={testId} />;
        }
        return (
          <label key={p.name} title={p.description}>
            <span>
              {p.name}
              {p.type ? <span className="muted"> ({p.type})</span> : null}
            </span>
            {input}
            {p.description ? <span className="muted small">{p.description}</span> : null}
          </label>
        );
      })}
    </fieldset>
  );
}
