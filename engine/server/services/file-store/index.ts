export { startFileStore, type FileStoreDeps } from "./start";
