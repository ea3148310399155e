export { startJournal, type JournalDeps, type StartedJournal } from "./start";
export { parseRetention, MEMORY_ONLY_QUEUES, DEFAULT_RETENTION_DAYS } from "./queues";
