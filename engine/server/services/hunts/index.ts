// The hunts service: see start.ts.
export { startHunts, type HuntsDeps } from "./start";
