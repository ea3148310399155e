export { startUserMessages, type UserMessagesDeps } from "./start";
