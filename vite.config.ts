/// <reference types="vitest/config" />
import { vitePlugin as remix } from "@remix-run/dev";
import { defineConfig } from "vite";
import tsconfigPaths from "vite-tsconfig-paths";

declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: true;
  }
}

// Under vitest the Remix plugin is not wanted: tests import modules directly or talk to a running server.
const underVitest = Boolean(process.env.VITEST);

export default defineConfig({
  server: {
    host: "127.0.0.1",
    port: Number(process.env.PORT ?? 3000),
    hmr: false,
    fs: { allow: ["app", "node_modules"] },
  },
  plugins: [
    ...(underVitest
      ? []
      : [
          remix({
            ignoredRouteFiles: ["**/.*"],
            future: {
              v3_fetcherPersist: true,
              v3_relativeSplatPath: true,
              v3_throwAbortReason: true,
              v3_lazyRouteDiscovery: true,
              v3_singleFetch: true,
              v3_routeConfig: false,
            },
          }),
        ]),
    tsconfigPaths(),
  ],
  build: { assetsInlineLimit: 0 },
  optimizeDeps: { include: ["@shopify/app-bridge-react", "@shopify/polaris"] },
  test: {
    // Integration files mostly wait on child processes and loopback HTTP: three at once fit two cores.
    poolOptions: { forks: { maxForks: 3, minForks: 1 } },
    // One folder per kind of test; `npm test` runs them all (see scripts/test.ts).
    projects: [
      {
        extends: true,
        test: { name: "unit", include: ["test/unit/**/*.test.ts", "test/unit/**/*.test.tsx"], environment: "node" },
      },
      {
        extends: true,
        test: {
          name: "integration",
          globalSetup: ["scripts/ensure-build.ts"],
          include: ["test/integration/**/*.test.ts"],
          environment: "node",
          testTimeout: 60_000,
          hookTimeout: 120_000,
          pool: "forks",
        },
      },
      {
        extends: true,
        test: {
          name: "e2e",
          globalSetup: ["scripts/ensure-build.ts", "scripts/ensure-chromium.ts"],
          include: ["test/e2e/**/*.test.ts"],
          environment: "node",
          testTimeout: 120_000,
          hookTimeout: 300_000,
          pool: "forks",
          poolOptions: { forks: { singleFork: true } },
        },
      },
    ],
  },
});
