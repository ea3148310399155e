export { startVfs, VFS_CONSUMER } from "./start";
export { normalizePath, parentOf } from "./paths";
