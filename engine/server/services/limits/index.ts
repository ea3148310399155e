export { startLimits, type LimitsDeps, type StartedLimits } from "./start";
export { DEFAULT_ROLE_LIMITS, LIMIT_BOUNDS } from "./defaults";
