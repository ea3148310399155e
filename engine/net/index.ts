// The outbound network guard's surface, shared by the server and the agent: guarded requests,
// the policy (TALON_HTTP_CLIENT_ALLOW) and its errors.
export { guardedFetch, guardedOpen, DEFAULT_MAX_BYTES, type GuardedRequest, type GuardedResponse, type GuardedStream, type Resolver } from "./request";
export { ALLOW_ENV, parseAllowList, policyFromEnv, refusal, nameRefusal, type NetworkPolicy, type ParsedPolicy } from "./policy";
export { OutboundError, isOutboundError, type OutboundErrorCode } from "./errors";
export { classifyIp, parseIp, formatIp, inPrefix, type AddressClass } from "./addresses";
export { redactUrl } from "./redact";
export { resolveAllowed, type AllowedAddress } from "./resolve";
export { SERVER_ORIGINS_ENV, TOOL_DOWNLOAD_PREFIX, allowingHost, httpOriginOf, isServerToolDownload, recordServerOrigins } from "./server-tools";
