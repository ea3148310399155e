export { startSecrets, type SecretsDeps } from "./start";
