"use client";
// The fields of one artifact's parameters, generated from their declarations (one field per
// declared type: see parameters/field.tsx). Values are text keyed by parameter name, as
// Velociraptor sends them; a parameter the user has not touched shows its default and is not
// sent (the artifact's default applies); `hidden` parameters are not shown. Dialogs block
// launching while hasParameterProblems() says a typed value does not convert.
import "./parameters/parameters.css";
import { ParameterField } from "./parameters/field";
import { fieldKind, type ParameterSpec } from "./parameters/types";

export type { ParameterSpec } from "./parameters/types";
export { isOn } from "./parameters/types";
export { hasParameterProblems, parameterProblems } from "./parameters/validate";

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
  const shown = parameters.filter((p) => fieldKind(p) !== "hidden");
  if (!shown.length) return null;
  return (
    <fieldset className="params" data-testid={`params-${artifact}`}>
      <legend>{artifact}</legend>
      {shown.map((p) => (
        <ParameterField key={p.name} p={p} value={values[p.name] ?? p.default ?? ""} touched={values[p.name] !== undefined} onChange={(v) => onChange({ ...values, [p.name]: v })} testId={`param-${artifact}-${p.name}`} />
      ))}
    </fieldset>
  );
}
