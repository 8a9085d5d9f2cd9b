/** What the stock modules (merge runs, outbound orders) share: CJ task polling and their JSON columns. */

/** How often a running CJ task (merge match or submission, outbound creation) is asked for its progress (seconds). */
export const TASK_POLL_SECONDS = Math.max(0.2, Number(process.env.CJ_TASK_POLL_SECONDS ?? 2));

/** A JSON column written by these modules; the fallback when it is empty or unreadable. */
export function parseJson<T>(text: string | null | undefined, fallback: T): T {
  try {
    return text ? (JSON.parse(text) as T) : fallback;
  } catch {
    return fallback;
  }
}
