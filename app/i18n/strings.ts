/**
 * Every merchant-facing English string in one place, ready for translation: pages call t("key", values).
 */
export const en = {
  "app.title": "CJ Fulfillment",
  "nav.home": "Home",
  "home.title": "CJ Fulfillment",
  "home.connection.heading": "Connection",
  "home.connection.shop": "Shopify store",
  "home.connection.cj": "CJ account",
  "home.connection.cjMissing": "Not connected: add your CJ API key in Settings.",
  "home.connection.cjConnected": "Connected (QPS {qps})",
  "home.orders.heading": "Orders",
  "home.orders.empty": "No orders yet. Orders appear here when Shopify sends them.",
  "home.orders.count": "{count} orders tracked",
  "home.checklist.heading": "Get started",
  "home.checklist.connectCj": "Connect your CJ account",
  "home.checklist.rules": "Choose forwarding and logistics rules",
  "home.checklist.webhooks": "Register CJ webhooks",
  "home.checklist.sandbox": "Send a test order in sandbox mode",
} as const;

export type StringKey = keyof typeof en;

export function t(key: StringKey, values: Record<string, string | number> = {}): string {
  return en[key].replace(/\{(\w+)\}/g, (_, name: string) => String(values[name] ?? `{${name}}`));
}
