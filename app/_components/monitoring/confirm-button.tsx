"use client";
// A destructive button that asks once in place: the first click shows "Remove X?" with
// Yes / No, the second does it. No window.confirm (tests and screen readers see the question).
import { useState } from "react";

export function ConfirmButton({ label, question, onConfirm, testId }: { label: string; question: string; onConfirm(): void; testId?: string }) {
  const [asking, setAsking] = useState(false);
  if (!asking)
    return (
      <button type="button" className="danger" onClick={() => setAsking(true)} data-testid={testId}>
        {label}
      </button>
    );
  return (
    <span className="confirm" role="group" aria-label={question}>
      <span>{question}</span>
      <button
        type="button"
        className="danger"
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
        data-testid={testId ? `${testId}-yes` : undefined}
      >
        Yes
      </button>
      <button type="button" onClick={() => setAsking(false)}>
        No
      </button>
    </span>
  );
}
