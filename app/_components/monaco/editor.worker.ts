// Monaco's editor worker (diffing, word ranges); language services of our own run on the page.
import "monaco-editor/editor/editor.worker";
