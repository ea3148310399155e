"use client";
// Labels as chips in two halves, as Velociraptor draws them: the name filters the client list
// by that label, the × removes the label (only for those who may label clients).
import Link from "next/link";

export function LabelChips({ labels, onRemove }: { labels: string[]; onRemove?: (label: string) => void }) {
  if (!labels.length) return <span className="muted">—</span>;
  return (
    <span className="labels">
      {labels.map((l) => (
        <span className="label-chip" key={l} data-testid={`label-${l}`}>
          <Link href={`/clients?q=${encodeURIComponent(`label:${l}`)}`} title={`clients labelled ${l}`}>
            {l}
          </Link>
          {onRemove ? (
            <button type="button" aria-label={`remove label ${l}`} onClick={() => onRemove(l)}>
              ×
            </button>
          ) : null}
        </span>
      ))}
    </span>
  );
}
