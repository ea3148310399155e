/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native and WASM packages stay outside the bundles; they load from node_modules at run time.
  serverExternalPackages: ["@electric-sql/pglite", "postgres", "@node-rs/argon2", "ws", "@hocuspocus/server"],
  poweredByHeader: false,
  reactStrictMode: true,
  // Types are checked by `npm run typecheck` (a step of `npm test`), once for the whole
  // project, rather than again inside every build.
  typescript: { ignoreBuildErrors: true },
  turbopack: {
    resolveAlias: {
      // y-monaco imports Monaco by a path that monaco-editor >= 0.56 no longer exports.
      "monaco-editor/esm/vs/editor/editor.api.js": "monaco-editor/editor/editor.api.js",
    },
  },
};

export default nextConfig;
