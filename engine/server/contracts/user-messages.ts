// The user messages contract (Velociraptor's user_message(user, message) and the GUI's
// notification view): a message is stored for its recipient and pushed live to that user's
// browsers on the topic `messages:<username>` ({type: "message", message: UserMessageView}).
// Only the recipient may subscribe to, read or clear their messages. Sending needs no
// permission of its own here (Velociraptor checks none; user_message() declares READ_RESULTS).
import type { Principal } from "./common";

export const USER_MESSAGES_TOPIC = "messages";

/** The live topic of one user's messages. */
export function userMessagesTopic(username: string): string {
  return `${USER_MESSAGES_TOPIC}:${username}`;
}

export interface UserMessageView {
  id: number;
  /** Who sent it (the principal of the query that called user_message()). */
  from: string;
  /** The message dict as JSON object text, keys in the order the sender gave them. */
  message: string;
  /** ISO time. */
  createdAt: string;
  read: boolean;
}

export interface UserMessagesService {
  /** Stores a message for `username` (not_found when there is no such user) and pushes it to their browsers. */
  send(actor: Principal, username: string, messageJson: string): Promise<UserMessageView>;
  /** The actor's newest messages and how many are unread. */
  list(actor: Principal, p?: { limit?: number }): Promise<{ messages: UserMessageView[]; unread: number }>;
  /** Marks every message of the actor read. */
  markRead(actor: Principal): Promise<void>;
}
