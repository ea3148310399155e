// Publishing to "notebook:<id>" topics, and the authorizer that lets only readers subscribe.
import { queries } from "@/drizzle";
import type { Principal } from "@/engine/server/contracts";
import { canRead } from "./access";
import type { NotebooksDeps } from "./deps";
import { isNotebookId } from "./ids";
import type { NotebookEvent } from "@/engine/server/contracts/notebooks";

export function topicOf(notebookId: string): string {
  return `notebook:${notebookId}`;
}

export function publish(deps: Pick<NotebooksDeps, "ui">, notebookId: string, event: NotebookEvent): void {
  deps.ui.publish(topicOf(notebookId), event as unknown as Record<string, unknown>);
}

export function registerTopicAuthorizer(deps: NotebooksDeps): void {
  deps.ui.authorize("notebook", async (principal: Principal, topic: string) => {
    const id = topic.slice("notebook:".length);
    if (!isNotebookId(id)) return false;
    try {
      return canRead(principal, await queries.getNotebookById(deps.database.db, id));
    } catch {
      return false;
    }
  });
}
