// Who may subscribe to the alert inbox's live topic on /api/ws/ui: `alerts` (exactly; no
// sub-topics), messages {type: "changed", id} and {type: "raised", id, count}. Subscribing
// needs READ_RESULTS, as reading the inbox over HTTP does. Publishing is the alerts service's.
import { ALERTS_TOPIC, type UiHub } from "@/engine/server/contracts";

export function authorizeAlertTopics(ui: Pick<UiHub, "authorize">): void {
  ui.authorize(ALERTS_TOPIC, (p, topic) => topic === ALERTS_TOPIC && p.permissions.has("READ_RESULTS"));
}
