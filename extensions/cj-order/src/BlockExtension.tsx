/** @jsxImportSource preact */
/** Entry of the `admin.order-details.block.render` target (shopify.extension.toml). */
import "@shopify/ui-extensions/preact";
import type { Api } from "@shopify/ui-extensions/admin.order-details.block.render";
import { render } from "preact";
import { createBackend } from "./backend";
import { OrderBlock } from "./OrderBlock";

export default async () => {
  const shopify = (globalThis as unknown as { shopify: Api }).shopify;
  render(<OrderBlock host={shopify} backend={createBackend(shopify)} />, document.body);
};
