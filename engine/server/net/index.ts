// The server's network surface: the outbound guard (engine/net, shared with the agent) and the
// client address of a request behind trusted proxies (client-address.ts).
export * from "@/engine/net";
