// At most N messages per minute to one destination: a sliding window of send times. What does
// not fit waits; when the window has room again, everything that waited goes out as one
// summary message, so a burst costs at most N + 1 messages a minute and nothing is dropped.
export class SendWindow {
  private sent: number[] = [];
  constructor(private readonly perMinute: number) {}

  /** Milliseconds until a message may be sent (0: now). */
  waitMs(now: number): number {
    this.sent = this.sent.filter((t) => now - t < 60_000);
    if (this.perMinute <= 0 || this.sent.length < this.perMinute) return 0;
    return 60_000 - (now - this.sent[0]!);
  }

  record(now: number): void {
    this.sent.push(now);
  }
}
