"use client";
// YAML for Monaco: the bundled Monarch grammar (colours, comments, indentation rules). Checking
// artifacts is done by engine/artifacts, whose diagnostics the editor shows as markers.
import "monaco-editor/languages/definitions/yaml/register";
import { monaco } from "./setup";

export const YAML_LANGUAGE = "yaml";
export { monaco };
