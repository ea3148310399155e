// Messages to a user's GUI (Velociraptor's user_message(user, message), shown in the header's
// notification view): who it is for, who sent it, the message dict as JSON text (text, so key order is
// kept) and when it was read.
import { bigint, index, pgTable, text, timestamp } from "drizzle-orm/pg-core";

export const userMessages = pgTable(
  "user_messages",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    username: text("username").notNull(),
    sender: text("sender").notNull(),
    message: text("message").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    readAt: timestamp("read_at", { withTimezone: true }),
  },
  (t) => [index("user_messages_username_id_idx").on(t.username, t.id)],
);

export type UserMessageRecord = typeof userMessages.$inferSelect;
