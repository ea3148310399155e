// The alerts service: the inbox of `Server.Internal.Alerts` (see start.ts).
export { startAlerts, type AlertsDeps } from "./start";
