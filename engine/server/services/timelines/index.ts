export { startTimelines, type TimelinesDeps } from "./start";
