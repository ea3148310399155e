"use client";
// The file picker of an upload / upload_file parameter: the picked file travels in the
// parameter's value as a base64 data: URL (with its name), which the collection's prelude turns
// into the file's bytes (upload) or a temporary file on the endpoint (upload_file). A path or
// URL can still be typed instead. Files are capped so the collection request stays under the
// API's 1 MiB body limit.
import { useState } from "react";
import { dataUrlInfo, MAX_UPLOAD_PARAMETER_BYTES } from "./upload";

export function UploadField({ value, onChange, testId, label }: { value: string; onChange(v: string): void; testId: string; label: string }) {
  const [problem, setProblem] = useState("");
  const picked = dataUrlInfo(value);
  const pick = (file: File | undefined) => {
    setProblem("");
    if (!file) return;
    if (file.size > MAX_UPLOAD_PARAMETER_BYTES) {
      setProblem(`${file.name} is ${formatBytes(file.size)}; a parameter can carry a file of up to ${formatBytes(MAX_UPLOAD_PARAMETER_BYTES)}`);
      return;
    }
    const reader = new FileReader();
    reader.onerror = () => setProblem(`${file.name} could not be read: ${reader.error?.message ?? "unknown error"}`);
    reader.onload = () => {
      // readAsDataURL gives data:<type>;base64,<...>; the name rides along as a media-type parameter.
      const url = String(reader.result);
      const comma = url.indexOf(",");
      const head = url.slice(0, comma).replace(/;base64$/, "");
      onChange(`${head || "data:application/octet-stream"};name=${encodeURIComponent(file.name)};base64,${url.slice(comma + 1)}`);
    };
    reader.readAsDataURL(file);
  };
  return (
    <span className="upload-field">
      <input type="file" aria-label={`${label} file`} data-testid={`${testId}-file`} onChange={(e) => pick(e.target.files?.[0])} />
      {picked ? (
        <span className="upload-picked" data-testid={`${testId}-picked`}>
          {picked.name || "a file"} ({formatBytes(picked.bytes)}) will be sent with the collection
          <button type="button" className="link" onClick={() => onChange("")} data-testid={`${testId}-clear`}>
            Remove
          </button>
        </span>
      ) : (
        <input value={value} placeholder="or a path or URL, passed as text" onChange={(e) => onChange(e.target.value)} aria-label={label} data-testid={testId} />
      )}
      {problem ? (
        <span className="field-error small" role="alert" data-testid={`${testId}-file-error`}>
          {problem}
        </span>
      ) : null}
    </span>
  );
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10 * 1024 ? 1 : 0)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}
