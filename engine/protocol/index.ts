// The agent⇄server protocol: message types, their schemas, the codec, ids and limits.
export * from "./version";
export * from "./ids";
export * from "./agent-to-server";
export * from "./server-to-agent";
export * from "./codec";
export { storableText } from "./normalise";
