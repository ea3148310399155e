// The downloads service's contract: a flow's or a hunt's results, logs and uploaded files as
// one ZIP archive, written as it is read (never built in memory). See docs/downloads.md.
import type { Principal } from "./common";
import type { FlowResultsView } from "./flows";

/** A download ready to send: the archive's bytes arrive as the reader pulls them. */
export interface ZipDownload {
  /** A file name for Content-Disposition (letters, digits, `.`, `_` and `-` only). */
  filename: string;
  body: ReadableStream<Uint8Array>;
}

/** A text file streamed as it is read (CSV or JSON of one table). */
export interface TextDownload {
  /** A file name for Content-Disposition (letters, digits, `.`, `_` and `-` only). */
  filename: string;
  contentType: string;
  body: AsyncIterable<string>;
}

export interface DownloadsService {
  /**
   * READ_RESULTS. One source of a flow as CSV (header first, formulas neutralised) or as one
   * JSON array, in the view given (sorted/filtered in the database: the same rows, in the same
   * order, as the table shows). Audited (DownloadFlowResults) when the stream ends or is
   * cancelled, with the rows actually sent.
   */
  flowSource(actor: Principal, p: { clientId: string; flowId: string; artifact: string; format: "csv" | "json"; signal?: AbortSignal } & FlowResultsView): Promise<TextDownload>;
  /**
   * READ_RESULTS. The flow's results per source (`results/<Artifact>[/<Source>].json` as JSON
   * lines and `.csv`), its log (`logs.json`, `logs.csv`), its uploads (`uploads/<path>`) and a
   * `manifest.json`. The flow is looked up before this resolves (a missing one is not_found); the
   * rest is read page by page as the archive is pulled. Audited (DownloadFlow) when the archive
   * ends or is cancelled, with the rows actually written. `signal`: stop (the request closed).
   */
  flowZip(actor: Principal, p: { clientId: string; flowId: string; signal?: AbortSignal }): Promise<ZipDownload>;
  /**
   * READ_RESULTS. Every client's rows per source in one `results/<Artifact>[/<Source>].json` and
   * `.csv` (each row with ClientId, FlowId and Fqdn, as hunt_results() gives them), each client's
   * uploads under `clients/<ClientId>/<FlowId>/uploads/<path>`, and a `manifest.json`. Audited
   * (DownloadHunt) as for flowZip.
   */
  huntZip(actor: Principal, p: { huntId: string; signal?: AbortSignal }): Promise<ZipDownload>;
}
