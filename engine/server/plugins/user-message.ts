// user_message(user, message) on the server, as Velociraptor's vql/server/users/message.go:
// stores a message for a user's GUI notification view and pushes it to their open browsers.
// `message` is a dict; without it the other keyword arguments are the message (Velociraptor's
// free-form arguments). Returns the user's name; an unknown user is a logged ERROR and NULL.
// Velociraptor declares no permission (its users module checks none either); Talon declares
// READ_RESULTS, which every role has, as for the other per-user preferences (favorites_save()).
import { arg, defineFunction, isDictLike, OrderedDict, rowToJson, type Builtin, type Row } from "../../vql";
import { guarded } from "./clients";
import { serverHost, userMessagesOf } from "./host";

export const userMessageFunction = defineFunction({
  name: "user_message",
  category: "server",
  doc: "Send the user a message which will appear in the user notification view (the bell in the header). `message` is a dict; without it, the other keyword arguments make the message. Returns the user's name.",
  args: {
    user: arg.string().required().doc("The user to create or update."),
    message: arg.any().doc("The message to deliver to the user."),
  },
  rest: arg.any().doc("Without `message`: a field of the message and its value."),
  permissions: ["READ_RESULTS"],
  platforms: ["server"],
  version: 1,
  sideEffects: true,
  async run({ user, message }, ctx, rest) {
    const { principal, services } = serverHost(ctx.host);
    let dict: OrderedDict;
    if (message === undefined || message === null) dict = new OrderedDict(rest);
    else if (isDictLike(message)) dict = message instanceof OrderedDict ? message : OrderedDict.fromObject(message as Record<string, unknown>);
    else {
      ctx.log("ERROR", "user_message: message should be a dict");
      return null;
    }
    const sent = await guarded(ctx, () => userMessagesOf(services).send(principal, user, rowToJson(dict as Row)), null);
    return sent ? user : null;
  },
});

export const userMessageBuiltins: readonly Builtin[] = [userMessageFunction];
