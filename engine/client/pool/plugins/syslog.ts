// watch_syslog() on a pooled Linux endpoint: new lines of auth.log/secure and syslog/messages as
// `{Line}` rows, Velociraptor's shape (SSH logins and failures, cron, sudo, systemd, firewall
// drops, and the adversary's password guessing and sudo on the hosts it is on).
import { accessorProblem } from "@/engine/client/plugins/values";
import { arg, definePlugin } from "@/engine/vql";
import { streamRows, syntheticEvents } from "./stream";

export const watchSyslogPlugin = definePlugin({
  name: "watch_syslog",
  category: "event",
  doc: "Watch syslog files and stream their new lines as {Line} rows (pooled endpoints: /var/log/auth.log and /var/log/syslog, or /var/log/secure and /var/log/messages on RHEL, get synthetic lines). Never ends on its own.",
  args: {
    filename: arg.list(arg.string()).required().doc("The log files to watch."),
    accessor: arg.string().doc("The accessor to use (auto or file)."),
    buffer_size: arg.int().doc("Maximum line length (accepted, not used)."),
  },
  permissions: ["FILESYSTEM_READ"],
  platforms: ["client"],
  async *run({ filename, accessor }, ctx) {
    const problem = accessorProblem(accessor, "watch_syslog");
    if (problem) {
      ctx.log("ERROR", problem);
      return;
    }
    const events = syntheticEvents(ctx);
    if (!events) return;
    yield* streamRows(events.syslog(filename, ctx.signal), ctx);
  },
});
