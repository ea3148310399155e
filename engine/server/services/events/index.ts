export { startEvents } from "./start";
