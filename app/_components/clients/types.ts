// JSON shapes the Clients pages receive from the route handlers (dates as ISO text).
import type { ClientSummary, FlowSummary } from "@/engine";

type Jsonified<T> = { [K in keyof T]: T[K] extends Date ? string : T[K] extends Date | null ? string | null : T[K] };

export type ClientRow = Jsonified<ClientSummary>;
export type FlowRow = Jsonified<FlowSummary>;
export interface CollectableArtifact {
  name: string;
  description: string;
  parameters: Array<{ name: string; default?: string; type?: string; description?: string; choices?: string[]; friendlyName?: string; validatingRegex?: string }>;
  /** The artifact's own limits, used when the collection sets none. */
  resources?: { timeout?: number; maxRows?: number; maxUploadBytes?: number };
}
