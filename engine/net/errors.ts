// The one error type of outbound requests: a code callers branch on and one sentence that names
// the host and address at most, never the URL's path or query (which may carry a secret token).

export type OutboundErrorCode =
  | "bad_url"
  | "refused"
  | "dns"
  | "connect_timeout"
  | "timeout"
  | "aborted"
  | "too_many_redirects"
  | "network";

export class OutboundError extends Error {
  constructor(
    readonly code: OutboundErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "OutboundError";
  }
}

export function isOutboundError(err: unknown): err is OutboundError {
  return err instanceof OutboundError;
}
