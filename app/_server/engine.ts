// The app's only way to the engine: the instance server.ts created for this process.
import "server-only";
import type { Engine } from "../../engine";

export function getEngine(): Engine {
  const engine = (globalThis as { __talonEngine?: Engine }).__talonEngine;
  if (!engine) throw new Error("the Talon engine is not running in this process; start the app with `talon serve`");
  return engine;
}
