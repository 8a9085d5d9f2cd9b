/**
 * The emulator's clock: real time plus an offset tests can move, so token expiry and the
 * "getAccessToken once per 5 minutes" rule can be exercised without waiting.
 * QPS windows deliberately use real time (see limits.ts): requests really arrive in real time.
 */
export class EmulatorClock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }

  set(epochMs: number): void {
    this.offsetMs = epochMs - Date.now();
  }

  reset(): void {
    this.offsetMs = 0;
  }
}

const CHINA_OFFSET_MS = 8 * 3600 * 1000;

/** CJ's token dates: ISO-8601 in China time, e.g. "2021-08-18T09:16:33+08:00". */
export function cjIsoDate(epochMs: number): string {
  return `${new Date(epochMs + CHINA_OFFSET_MS).toISOString().slice(0, 19)}+08:00`;
}

/** CJ's order dates: "2021-08-23 11:31:45" (UTC per the seed tables). */
export function cjDateTime(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 19).replace("T", " ");
}

/** yyMMdd of a UTC date, used as the prefix of generated ids ("210711100018043276"). */
export function yymmdd(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(2, 10).replaceAll("-", "");
}

export function yymmddhhmmss(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(2, 19).replace(/[-T:]/g, "");
}
