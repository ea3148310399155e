// The user messages service: user_message() stores a message for an existing user and pushes it
// on that user's live topic (every process's subscribers, through the UI hub); the header reads
// and clears them. Subscribing to `messages:<name>` is allowed to <name> only (authorize()).
import { queries } from "@/drizzle";
import type { UserMessageRecord } from "@/drizzle/schema";
import { ServiceError, USER_MESSAGES_TOPIC, userMessagesTopic, type ServiceDeps, type UiHub, type UserMessageView, type UserMessagesService } from "@/engine/server/contracts";

export interface UserMessagesDeps extends Pick<ServiceDeps, "database" | "clock"> {
  ui: Pick<UiHub, "publish" | "authorize">;
}

const MAX_MESSAGE = 64 * 1024;

function view(r: UserMessageRecord): UserMessageView {
  return { id: r.id, from: r.sender, message: r.message, createdAt: r.createdAt.toISOString(), read: r.readAt !== null };
}

export function startUserMessages(deps: UserMessagesDeps): UserMessagesService {
  const { db } = deps.database;
  deps.ui.authorize(USER_MESSAGES_TOPIC, (p, topic) => topic === userMessagesTopic(p.username));
  return {
    async send(actor, username, messageJson) {
      if (typeof username !== "string" || !username) throw new ServiceError("bad_request", "a user is required");
      if (typeof messageJson !== "string" || !messageJson.startsWith("{")) throw new ServiceError("bad_request", "a message is a dict");
      if (messageJson.length > MAX_MESSAGE) throw new ServiceError("bad_request", `a message is at most ${MAX_MESSAGE} bytes of JSON`);
      const user = await queries.getUserByName(db, username);
      if (!user) throw new ServiceError("not_found", `no user ${username}`);
      const rec = await queries.createUserMessage(db, { username, sender: actor.username, messageJson, at: deps.clock.now() });
      const v = view(rec);
      deps.ui.publish(userMessagesTopic(username), { type: "message", message: v });
      return v;
    },

    async list(actor, p) {
      const limit = Math.min(Math.max(1, Math.floor(p?.limit ?? 50)), 500);
      const [rows, unread] = await Promise.all([queries.listUserMessages(db, { username: actor.username, limit }), queries.countUnreadUserMessages(db, actor.username)]);
      return { messages: rows.map(view), unread };
    },

    async markRead(actor) {
      await queries.markUserMessagesRead(db, { username: actor.username, at: deps.clock.now() });
    },
  };
}
