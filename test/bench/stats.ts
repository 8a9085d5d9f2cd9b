/** Latency statistics for the benchmarks (figures to print, never pass/fail thresholds). */

export interface LatencySummary {
  count: number;
  /** Milliseconds. */
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  /** Calls per second over the measured wall time. */
  callsPerSecond: number;
}

/** Nearest-rank percentile of ascending `sorted` values (`p` in 0–100). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? Number.NaN;
}

export function summarize(samplesMs: readonly number[], wallMs: number): LatencySummary {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const total = sorted.reduce((sum, value) => sum + value, 0);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    mean: sorted.length === 0 ? Number.NaN : total / sorted.length,
    callsPerSecond: wallMs > 0 ? (sorted.length * 1000) / wallMs : Number.NaN,
  };
}

/** Runs `call` `count` times with at most `concurrency` in flight; returns each call's latency and the wall time. */
export async function measure(
  count: number,
  concurrency: number,
  call: (index: number) => Promise<unknown>,
): Promise<{ samplesMs: number[]; wallMs: number }> {
  const samplesMs: number[] = [];
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < count) {
      const index = next++;
      const t0 = performance.now();
      await call(index);
      samplesMs.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return { samplesMs, wallMs: performance.now() - started };
}

/** A plain-text table: the first row is the header; numbers are right-aligned. */
export function formatTable(rows: readonly (readonly (string | number)[])[]): string {
  const cells = rows.map((row) => row.map((cell) => (typeof cell === "number" ? formatNumber(cell) : cell)));
  const widths = cells[0]?.map((_, column) => Math.max(...cells.map((row) => (row[column] ?? "").length))) ?? [];
  return cells
    .map((row, index) => {
      const line = row
        .map((cell, column) =>
          typeof rows[index]?.[column] === "number"
            ? cell.padStart(widths[column] ?? 0)
            : cell.padEnd(widths[column] ?? 0),
        )
        .join("  ");
      return index === 0 ? `${line}\n${widths.map((width) => "-".repeat(width)).join("  ")}` : line;
    })
    .join("\n");
}

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return "n/a";
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(3);
}
