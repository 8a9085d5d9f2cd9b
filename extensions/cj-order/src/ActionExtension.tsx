/** @jsxImportSource preact */
/** Entry of the `admin.order-details.action.render` target (shopify.extension.toml). */
import "@shopify/ui-extensions/preact";
import type { Api } from "@shopify/ui-extensions/admin.order-details.action.render";
import { render } from "preact";
import { createBackend } from "./backend";
import { OrderActions } from "./OrderActions";

export default async () => {
  const shopify = (globalThis as unknown as { shopify: Api }).shopify;
  render(<OrderActions host={shopify} backend={createBackend(shopify)} />, document.body);
};
