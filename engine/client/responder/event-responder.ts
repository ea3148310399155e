// The way back for client event queries: the same batching as a flow's responder (by count,
// size and time, with back-pressure from the outbox) but sent as `events` and `event-log`
// messages, which carry no flow id; the server stores them in the journal under the artifact.
// Event queries cannot upload files (the server has no flow to attach them to).
import type { AlertMessage, LogEntry } from "../../protocol";
import type { Outbox, OutgoingMessage } from "../connection/outbox";
import { FlowResponder, type PendingRows, type ResponderOptions } from "./responder";

export class EventResponder extends FlowResponder {
  constructor(outbox: Outbox, o: ResponderOptions = {}) {
    super(outbox, "", o);
  }

  override upload(name: string): Promise<{ uploadId: string; size: number; sha256: string }> {
    return Promise.reject(new Error(`upload of ${name} refused: client event queries cannot upload files; collect them with a collection`));
  }

  protected override rowsMessage(p: PendingRows): OutgoingMessage {
    return { type: "events", artifact: p.artifact, columns: p.columns, rows: p.rows };
  }

  protected override readonly logsAlerts = false;

  protected override alertMessage(artifact: string, alerts: AlertMessage["alerts"]): OutgoingMessage {
    return { type: "alert", artifact, alerts };
  }

  protected override logMessage(entries: LogEntry[]): OutgoingMessage | undefined {
    const withArtifact = entries.filter((e): e is LogEntry & { artifact: string } => Boolean(e.artifact));
    return withArtifact.length ? { type: "event-log", entries: withArtifact } : undefined;
  }
}
