"use client";
// One parameter's input, chosen by its declared type: checkbox (bool), validated text (int,
// float, regex, validating_regex), select (choices) and multi-select (multichoice), the CSV
// grid (csv, artifactset), a JSON editor with live checking (json, json_array, regex_array),
// a date-time picker with a time zone (timestamp), and a file picker (upload, upload_file: see
// UploadField), text otherwise. The problem, if any, shows under the field.
import { CsvGrid } from "./csv-grid";
import { ParamDescription } from "./description";
import { TimestampField } from "./timestamp-field";
import { UploadField } from "./upload-field";
import { choicesOf, fieldKind, isOn, type ParameterSpec } from "./types";
import { parameterProblem } from "./validate";

export interface FieldProps {
  p: ParameterSpec;
  value: string;
  touched: boolean;
  onChange(v: string): void;
  testId: string;
}

export function ParameterField({ p, value, touched, onChange, testId }: FieldProps) {
  const kind = fieldKind(p);
  const label = p.friendlyName || p.name;
  const problem = parameterProblem(p, value);
  if (kind === "bool") {
    return (
      <div className="param" title={p.description}>
        <label className="inline">
          <input type="checkbox" checked={isOn(value)} onChange={(e) => onChange(e.target.checked ? "Y" : "N")} data-testid={testId} />
          {label}
        </label>
        <ParamDescription text={p.description} />
      </div>
    );
  }
  return (
    <div className="param" title={p.description}>
      <span className="param-name">
        {label}
        {p.type ? <span className="muted"> ({p.type})</span> : null}
      </span>
      <Input kind={kind} p={p} value={value} onChange={onChange} testId={testId} label={label} invalid={Boolean(problem)} />
      {problem ? (
        <span className={touched ? "field-error small" : "field-warning small"} role={touched ? "alert" : undefined} data-testid={`${testId}-error`}>
          {touched ? problem : `the default is ${problem}`}
        </span>
      ) : kind === "regex" && value ? (
        <span className="field-ok small" data-testid={`${testId}-ok`}>
          valid regular expression
        </span>
      ) : null}
      <ParamDescription text={p.description} />
    </div>
  );
}

function Input({ kind, p, value, onChange, testId, label, invalid }: { kind: ReturnType<typeof fieldKind>; p: ParameterSpec; value: string; onChange(v: string): void; testId: string; label: string; invalid: boolean }) {
  const common = { "aria-label": label, "aria-invalid": invalid || undefined, "data-testid": testId };
  switch (kind) {
    case "choices": {
      const choices = choicesOf(p);
      return (
        <select value={value} onChange={(e) => onChange(e.target.value)} {...common}>
          {choices.includes(value) ? null : <option value={value}>{value || "(none)"}</option>}
          {choices.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      );
    }
    case "multichoice": {
      const choices = choicesOf(p);
      const picked = pickedOf(value);
      const all = [...choices, ...picked.filter((x) => !choices.includes(x))];
      return (
        <select multiple size={Math.min(6, Math.max(2, all.length))} value={picked} onChange={(e) => onChange(JSON.stringify([...e.target.selectedOptions].map((o) => o.value)))} {...common}>
          {all.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      );
    }
    case "csv":
      return <CsvGrid value={value} defaultText={p.default ?? ""} onChange={onChange} testId={testId} label={label} />;
    case "json":
    case "json_array":
    case "regex_array":
      return <textarea className="code" spellCheck={false} rows={Math.min(12, Math.max(3, value.split("\n").length + 1))} value={value} onChange={(e) => onChange(e.target.value)} placeholder={kind === "json" ? "{ }" : "[ ]"} {...common} />;
    case "timestamp":
      return <TimestampField value={value} onChange={onChange} testId={testId} label={label} />;
    case "int":
    case "float":
      return <input inputMode={kind === "int" ? "numeric" : "decimal"} value={value} onChange={(e) => onChange(e.target.value)} {...common} />;
    case "regex":
      return <input className="code" spellCheck={false} value={value} onChange={(e) => onChange(e.target.value)} {...common} />;
    case "upload":
      return <UploadField value={value} onChange={onChange} testId={testId} label={label} />;
    default:
      return value.includes("\n") ? (
        <textarea rows={Math.min(8, value.split("\n").length + 1)} value={value} onChange={(e) => onChange(e.target.value)} {...common} />
      ) : (
        <input value={value} onChange={(e) => onChange(e.target.value)} {...common} />
      );
  }
}

function pickedOf(value: string): string[] {
  try {
    const v = JSON.parse(value || "[]") as unknown;
    return Array.isArray(v) ? v.map(String) : [];
  } catch {
    return [];
  }
}
