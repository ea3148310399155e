// A server event query's state as a badge (running, failed, skipped, ended, stopped, starting),
// with the error of a failed or skipped one beside it, as text.
export function StateBadge({ state, error }: { state: string; error?: string }) {
  return (
    <span className="state-cell">
      <span className={`state ev-${state}`} data-testid="event-state" data-state={state}>
        {state}
      </span>
      {error ? (
        <span className="error small" data-testid="event-error">
          {error}
        </span>
      ) : null}
    </span>
  );
}
