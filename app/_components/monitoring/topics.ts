// Names of the /api/ws/ui topics the Monitoring views follow.

/** Every change to an event table is appended to this journal queue (EVENT_TABLE_QUEUE). */
export const TABLE_CHANGES = "events:Server.Internal.EventTableChange";

/** The live tail of an event queue: every row, or one client's. */
export function eventTopic(queue: string, clientId?: string): string {
  return `events:${queue}${clientId ? `@${clientId}` : ""}`;
}
