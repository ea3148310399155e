// The surface of the database layer for engine/server: open a database, its queries, its errors.
export { openDatabase, redactUrl, type Database, type Db, type DbSession, type OpenOptions } from "./client";
export * from "./errors";
export * as queries from "./queries";
export type { UserRecord, SessionRecord, ApiKeyRecord, AuditRecord, CustomArtifactRecord, ArtifactHistoryRecord } from "./schema";
export type { NotebookRecord, NotebookCellRecord, NotebookCellVersionRecord, NotebookTableRecord } from "./schema";
export type { ClientRecord, FlowRecord, FlowSourceRecord, FlowLogRecord, FlowUploadRecord, EventRecord, ClusterNodeRecord } from "./schema";
export type { AlertRecord, AlertOccurrenceRecord, AlertActivityRecord } from "./schema";
export type { EventTableRecord, ServerEventStatusRecord, EventLogRecord } from "./schema";
export type { SecretRecord } from "./schema";
export type { RoleLimitsRecord } from "./schema";
export type { HuntRecord, HuntClientRecord } from "./schema";
export type { HuntCandidate, HuntCounts } from "./queries/hunts";
export type { VfsDirectoryRecord, VfsEntryRecord, VfsDownloadRecord } from "./schema";
export type { VfsEntryInput } from "./queries/vfs";
export type { FlowDeletionPlan, ClientDeletionPlan } from "./queries/deletions";
