// The audit log's contract.
import type { Principal } from "./common";

/** Records sensitive actions. Any service may call record(); it never throws to the caller. */
export interface AuditService {
  record(principal: Pick<Principal, "username">, operation: string, details?: Record<string, unknown>): Promise<void>;
  list(p: { before?: number; limit: number; principal?: string; operation?: string }): Promise<AuditEntry[]>;
}

export interface AuditEntry {
  id: number;
  at: Date;
  principal: string;
  operation: string;
  details: Record<string, unknown>;
}
