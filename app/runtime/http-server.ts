/**
 * The web process: Remix's server build behind express, plus health and readiness endpoints.
 * Used by `npm start`, the demo and the tests (which start it as a child process).
 */
import type { Server } from "node:http";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import express from "express";

export interface HttpServerOptions {
  port: number;
  host?: string;
  buildDir?: string;
  /** Resolves when the process can take traffic (database reachable, migrations applied). */
  ready?: () => Promise<boolean>;
}

export interface BuildEntryJobs {
  startBackgroundJobs?: (role: "web" | "worker") => Promise<unknown>;
  stopBackgroundJobs?: () => Promise<void>;
  jobsReady?: () => Promise<boolean>;
}

export async function loadServerBuild(buildDir = "build"): Promise<ServerBuild> {
  return (await import(pathToFileURL(path.join(path.resolve(buildDir), "server/index.js")).href)) as ServerBuild;
}

export function buildJobs(build: ServerBuild): BuildEntryJobs {
  return build.entry.module as unknown as BuildEntryJobs;
}

export async function startHttpServer(
  options: HttpServerOptions,
): Promise<{ server: Server; url: string; build: ServerBuild }> {
  const buildDir = path.resolve(options.buildDir ?? "build");
  const build = await loadServerBuild(buildDir);
  const app = express();
  app.disable("x-powered-by");
  app.get("/healthz", (_req, res) => {
    // The pid tells a supervisor (and the tests) which process answered on this port.
    res.json({ ok: true, pid: process.pid });
  });
  app.get("/readyz", async (_req, res) => {
    const ready = options.ready ? await options.ready().catch(() => false) : true;
    res.status(ready ? 200 : 503).json({ ready });
  });
  app.use("/assets", express.static(path.join(buildDir, "client/assets"), { immutable: true, maxAge: "1y" }));
  app.use(express.static(path.join(buildDir, "client"), { maxAge: "1h" }));
  app.all("*", createRequestHandler({ build }));
  const host = options.host ?? "127.0.0.1";
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(options.port, host, () => resolve(s));
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  return { server, url: `http://${host}:${port}`, build };
}
