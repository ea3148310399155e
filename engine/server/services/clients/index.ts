export { startClients } from "./start";
