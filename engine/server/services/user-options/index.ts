export { startUserOptions, type UserOptionsDeps } from "./start";
