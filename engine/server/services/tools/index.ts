export { startTools, type ToolsDeps } from "./start";
