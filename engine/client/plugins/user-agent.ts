// The User-Agent the agent's outbound requests send by default: `Talon/<version>`.
import { TALON_VERSION } from "@/engine/version";

export const AGENT_USER_AGENT = `Talon/${TALON_VERSION}`;
