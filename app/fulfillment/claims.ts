/**
 * The one way a job or a merchant's action takes an order for itself: `Order.lockedUntil`, set only when no one
 * else holds it (or their claim has lapsed: a process that died). Forwarding, paying, cancelling and replacing a CJ
 * order never run beside each other on one order. `release` clears only this claim, never one taken since.
 */
import type { Db } from "../db.server";

export interface OrderClaim {
  claimed: boolean;
  release(): Promise<void>;
}

export async function claimOrder(
  db: Db,
  orderId: string,
  options: { now: Date; seconds: number; where?: Record<string, unknown> },
): Promise<OrderClaim> {
  const until = new Date(options.now.getTime() + options.seconds * 1000);
  const { count } = await db.order.updateMany({
    where: {
      ...options.where,
      id: orderId,
      OR: [{ lockedUntil: null }, { lockedUntil: { lt: options.now } }],
    },
    data: { lockedUntil: until },
  });
  return {
    claimed: count > 0,
    release: async () => {
      if (count === 0) return;
      await db.order.updateMany({ where: { id: orderId, lockedUntil: until }, data: { lockedUntil: null } });
    },
  };
}
