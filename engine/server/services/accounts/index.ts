export { startAccounts } from "./start";
export { SYSTEM_PRINCIPAL, toPrincipal } from "./principal";
