/**
 * The dependencies the admin pages hand to domain functions: the app's database, per-shop ports and the job queue.
 * Ports are built once per process (they cache CJ clients and their rate limiters).
 */
import db from "../db.server";
import type { ForwardDeps } from "../fulfillment/forward.server";
import { jobQueue } from "../jobs/runtime.server";
import { createShopPorts, type ShopPorts } from "../runtime/deps.server";

let ports: ShopPorts | undefined;

export function pageDeps(): ForwardDeps {
  ports ??= createShopPorts(db);
  return { db, ports, queue: jobQueue() };
}

/** Turns a domain error into the HTTP answer a page shows: 404 for another shop's order, never its data. */
/** The shop row's id of the session's shop domain (the stock pages' domain functions take shop ids). */
export async function shopIdOf(domain: string): Promise<string> {
  const shop = await pageDeps().db.shop.findUniqueOrThrow({ where: { domain }, select: { id: true } });
  return shop.id;
}

export function errorStatus(error: unknown): number {
  const status = (error as { status?: unknown }).status;
  return typeof status === "number" ? status : 500;
}
