/**
 * A loopback stand-in for the European Central Bank's daily reference rates
 * (https://www.ecb.europa.eu/stats/eurofxref/eurofxref-daily.xml): the same XML shape (rates per 1 EUR, one dated
 * `Cube`), so the app's CURRENCY_RATES_URL can point here in tests and the demo. `set()` changes the rates or the
 * date; `fail(status)` makes it answer an HTTP error; `requests` counts the fetches.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface RatesEmulator {
  url: string;
  requests: number;
  set(input: { date?: string; perEur?: Record<string, string> }): void;
  fail(status: number | null): void;
  close(): Promise<void>;
}

/** Plausible rates per 1 EUR (USD 1.08 → 1 USD ≈ 150 JPY, 1,380 KRW, 5.40 BRL). */
export const DEFAULT_PER_EUR: Record<string, string> = {
  USD: "1.0800",
  JPY: "162.27",
  KRW: "1490.40",
  BRL: "5.8320",
  GBP: "0.8532",
  MXN: "19.440",
  CAD: "1.4796",
};

export async function startRatesEmulator(
  options: { date?: string; perEur?: Record<string, string> } = {},
): Promise<RatesEmulator> {
  let date = options.date ?? new Date().toISOString().slice(0, 10);
  let perEur = { ...DEFAULT_PER_EUR, ...options.perEur };
  let failing: number | null = null;
  const state = { requests: 0 };
  const server: Server = createServer((_req, res) => {
    state.requests++;
    if (failing) {
      res.writeHead(failing, { "content-type": "text/plain" }).end("unavailable");
      return;
    }
    const cubes = Object.entries(perEur)
      .map(([currency, rate]) => `\t\t\t<Cube currency='${currency}' rate='${rate}'/>`)
      .join("\n");
    const body = `<?xml version="1.0" encoding="UTF-8"?>
<gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01" xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref">
\t<gesmes:subject>Reference rates</gesmes:subject>
\t<gesmes:Sender>
\t\t<gesmes:name>European Central Bank</gesmes:name>
\t</gesmes:Sender>
\t<Cube>
\t\t<Cube time='${date}'>
${cubes}
\t\t</Cube>
\t</Cube>
</gesmes:Envelope>
`;
    res.writeHead(200, { "content-type": "text/xml" }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/stats/eurofxref/eurofxref-daily.xml`,
    get requests() {
      return state.requests;
    },
    set(input) {
      if (input.date) date = input.date;
      if (input.perEur) perEur = { ...perEur, ...input.perEur };
    },
    fail(status) {
      failing = status;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
