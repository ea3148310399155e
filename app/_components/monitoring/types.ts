// JSON shapes the Monitoring pages receive from /api/monitoring/* (dates as ISO text).
import type { ParameterSpec } from "@/app/_components/parameter-form";

export interface TableEntry {
  artifact: string;
  parameters: Record<string, string>;
  addedBy: string;
  addedAt: string;
}

export interface ServerState {
  name: string;
  artifact: string;
  state: string;
  error: string;
  nodeId: string;
  startedAt?: string | null;
  lastRowAt?: string | null;
  rows: number;
  restarts: number;
  updatedAt: string;
}

export interface ServerTableView {
  table: { artifacts: TableEntry[] };
  version: number;
  updatedBy: string;
  updatedAt?: string;
  status: ServerState[];
}

export interface ClientTableView {
  table: { artifacts: TableEntry[]; labelEvents: Array<{ label: string; artifacts: TableEntry[] }> };
  version: number;
  updatedBy: string;
  updatedAt?: string;
}

export interface EventArtifact {
  name: string;
  description: string;
  parameters: ParameterSpec[];
}

/** One stored or live event row. */
export interface EventRow {
  at: string;
  clientId: string;
  row: Record<string, unknown>;
}

export interface EventLog {
  at: string;
  clientId: string;
  artifact: string;
  level: string;
  message: string;
}
