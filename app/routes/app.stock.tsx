import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useFetcher, useLoaderData, useRevalidator } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Button,
  Card,
  DataTable,
  InlineStack,
  Layout,
  Link,
  Page,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { useEffect, useMemo, useState } from "react";
import { useSessionUrl } from "../components/session-url";
import { pageDeps, shopIdOf } from "../dashboard/deps.server";
import { t } from "../i18n/strings";
import { authenticate } from "../shopify.server";
import {
  loadStockOrders,
  placeStockUp,
  quoteStockUp,
  type StockQuote,
  StockUpError,
  stockableVariants,
} from "../stock/stock-up.server";

export const meta: MetaFunction = () => [{ title: `${t("stock.title")} · ${t("app.title")}` }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const deps = pageDeps();
  const shopId = await shopIdOf(session.shop);
  const [variants, orders] = await Promise.all([stockableVariants(deps.db, shopId), loadStockOrders(deps, shopId)]);
  // The Products page sends the variants it had selected (?variant=<CJ vid>).
  const preselected = new URL(request.url).searchParams.getAll("variant");
  return { variants, preselected, ...orders };
};

type ActionResult =
  | { ok: true; intent: "quote"; quote: StockQuote }
  | { ok: true; intent: "place"; message: string; payUrl: string | null }
  | { ok: false; message: string };

export const action = async ({ request }: ActionFunctionArgs): Promise<ActionResult> => {
  const { session } = await authenticate.admin(request);
  const deps = pageDeps();
  const shopId = await shopIdOf(session.shop);
  const form = await request.formData();
  // qty:<vid> = quantity
  const lines = [...form.entries()]
    .filter(([key]) => key.startsWith("qty:"))
    .map(([key, value]) => ({ variantId: key.slice(4), quantity: Number(String(value).trim() || "0") }))
    .filter((l) => l.quantity !== 0);
  const storageId = String(form.get("storageId") ?? "");
  const logisticName = String(form.get("logisticName") ?? "");
  try {
    if (form.get("intent") === "quote") {
      return { ok: true, intent: "quote", quote: await quoteStockUp(deps, shopId, { lines, storageId, logisticName }) };
    }
    if (form.get("intent") === "place") {
      const placed = await placeStockUp(deps, shopId, {
        lines,
        storageId,
        logisticName,
        payment: form.get("payment") === "BALANCE" ? "BALANCE" : "LINK",
        confirmedTotal: String(form.get("confirmedTotal") ?? ""),
      });
      return { ok: true, intent: "place", message: placed.message, payUrl: placed.payUrl };
    }
    return { ok: false, message: "Unknown action." };
  } catch (error) {
    if (error instanceof StockUpError) return { ok: false, message: error.message };
    throw error;
  }
};

const TONE: Record<string, "success" | "critical" | "attention" | "info" | undefined> = {
  PAID: "success",
  FAILED: "critical",
  UNPAID: "attention",
  CREATING: "info",
};

export default function StockAtCj() {
  const { variants, preselected, orders, error } = useLoaderData<typeof loader>();
  const url = useSessionUrl();
  const quoteFetcher = useFetcher<typeof action>();
  const placeFetcher = useFetcher<typeof action>();
  const revalidator = useRevalidator();
  const [quantities, setQuantities] = useState<Record<string, string>>(() =>
    Object.fromEntries(preselected.map((vid) => [vid, "1"])),
  );
  const [storageId, setStorageId] = useState("");
  const [logisticName, setLogisticName] = useState("");
  const [payment, setPayment] = useState("LINK");
  const quote = quoteFetcher.data?.ok && quoteFetcher.data.intent === "quote" ? quoteFetcher.data.quote : null;
  const placed = placeFetcher.data;

  const formOf = (extra: Record<string, string>) => {
    const form = new FormData();
    for (const [vid, qty] of Object.entries(quantities)) if (qty.trim()) form.set(`qty:${vid}`, qty.trim());
    for (const [k, v] of Object.entries(extra)) form.set(k, v);
    return form;
  };
  const ask = (next: { storageId?: string; logisticName?: string }) => {
    const s = next.storageId ?? storageId;
    const l = next.logisticName ?? logisticName;
    quoteFetcher.submit(formOf({ intent: "quote", storageId: s, logisticName: s ? l : "" }), {
      method: "post",
      action: url("/app/stock"),
    });
  };
  useEffect(() => {
    if (placed?.ok) {
      revalidator.revalidate();
      setStorageId("");
      setLogisticName("");
    }
  }, [placed, revalidator]);
  const rows = useMemo(() => variants.filter((v) => v.cjVariantId), [variants]);

  return (
    <Page title={t("stock.title")}>
      <Layout>
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                {t("stock.upHeading")}
              </Text>
              <Text as="p" tone="subdued">
                {t("stock.upHelp")}
              </Text>
              {rows.length === 0 ? <Banner tone="info">{t("stock.noVariants")}</Banner> : null}
              {rows.map((v) => (
                <InlineStack key={v.cjVariantId} gap="300" blockAlign="center">
                  <div style={{ width: 110 }}>
                    <TextField
                      label={t("stock.quantityFor", { sku: v.sku ?? v.cjSku ?? "" })}
                      labelHidden
                      type="number"
                      min={0}
                      autoComplete="off"
                      value={quantities[v.cjVariantId as string] ?? ""}
                      onChange={(value) => setQuantities((q) => ({ ...q, [v.cjVariantId as string]: value }))}
                    />
                  </div>
                  <Text as="span">
                    {v.sku ?? v.cjSku} · {v.cjName ?? v.cjSku}
                    {v.cjPrice ? ` · ${v.cjPrice} USD` : ""}
                  </Text>
                </InlineStack>
              ))}
              <InlineStack gap="200">
                <Button
                  onClick={() => {
                    setStorageId("");
                    setLogisticName("");
                    ask({ storageId: "", logisticName: "" });
                  }}
                  loading={quoteFetcher.state !== "idle"}
                >
                  {t("stock.findWarehouses")}
                </Button>
              </InlineStack>
              {quoteFetcher.data && !quoteFetcher.data.ok ? (
                <Banner tone="critical" title={quoteFetcher.data.message} />
              ) : null}
              {quote?.message ? <Banner tone="warning">{quote.message}</Banner> : null}
              {quote && quote.warehouses.length > 0 ? (
                <Select
                  label={t("stock.warehouse")}
                  options={[
                    { label: t("stock.chooseWarehouse"), value: "" },
                    ...quote.warehouses.map((w) => ({
                      label: `${w.name}${w.countryCode ? ` (${w.countryCode})` : ""}`,
                      value: w.storageId,
                    })),
                  ]}
                  value={storageId}
                  onChange={(value) => {
                    setStorageId(value);
                    setLogisticName("");
                    ask({ storageId: value, logisticName: "" });
                  }}
                />
              ) : null}
              {quote?.storageId && quote.methods.length > 0 ? (
                <Select
                  label={t("stock.method")}
                  options={[
                    { label: t("stock.chooseMethod"), value: "" },
                    ...quote.methods.map((m) => ({
                      label: `${m.logisticName}${m.shippingCost ? ` · ${m.shippingCost} USD` : ""}`,
                      value: m.logisticName,
                    })),
                  ]}
                  value={logisticName}
                  onChange={(value) => {
                    setLogisticName(value);
                    ask({ logisticName: value });
                  }}
                />
              ) : null}
              {quote?.totalAmount ? (
                <Card background="bg-surface-secondary">
                  <BlockStack gap="200">
                    <Text as="h3" variant="headingSm">
                      {t("stock.confirmation")}
                    </Text>
                    {quote.lines.map((l) => (
                      <Text as="p" key={l.variantId}>
                        {l.quantity} × {l.sku} at {l.unitPrice ?? "?"} USD = {l.productAmount ?? "?"} USD
                      </Text>
                    ))}
                    <Text as="p">
                      {t("stock.breakdown", {
                        products: quote.productAmount ?? "?",
                        shipping: quote.shippingCost ?? "?",
                        service: quote.serviceFee ?? "0.00",
                      })}
                    </Text>
                    <Text as="p" variant="headingMd">
                      {t("stock.total", { amount: quote.totalAmount })}
                    </Text>
                    <Select
                      label={t("stock.payment")}
                      options={[
                        { label: t("stock.pay.LINK"), value: "LINK" },
                        { label: t("stock.pay.BALANCE"), value: "BALANCE" },
                      ]}
                      value={payment}
                      onChange={setPayment}
                    />
                    <InlineStack>
                      <Button
                        variant="primary"
                        loading={placeFetcher.state !== "idle"}
                        onClick={() =>
                          placeFetcher.submit(
                            formOf({
                              intent: "place",
                              storageId,
                              logisticName,
                              payment,
                              confirmedTotal: quote.totalAmount ?? "",
                            }),
                            { method: "post", action: url("/app/stock") },
                          )
                        }
                      >
                        {t("stock.place", { amount: quote.totalAmount })}
                      </Button>
                    </InlineStack>
                  </BlockStack>
                </Card>
              ) : null}
              {placed && !placed.ok ? <Banner tone="critical" title={placed.message} /> : null}
              {placed?.ok && placed.intent === "place" ? (
                <Banner tone="success" title={placed.message}>
                  {placed.payUrl ? (
                    <Link url={placed.payUrl} target="_blank">
                      {t("stock.payLink")}
                    </Link>
                  ) : null}
                </Banner>
              ) : null}
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                {t("stock.listHeading")}
              </Text>
              {error ? <Banner tone="warning">{error}</Banner> : null}
              {orders.length === 0 ? (
                <Text as="p" tone="subdued">
                  {t("stock.noOrders")}
                </Text>
              ) : (
                <DataTable
                  columnContentTypes={["text", "text", "text", "numeric", "numeric", "text"]}
                  headings={[
                    t("stock.col.order"),
                    t("stock.col.warehouse"),
                    t("stock.col.status"),
                    t("stock.col.quantity"),
                    t("stock.col.total"),
                    t("stock.col.note"),
                  ]}
                  rows={orders.map((o) => [
                    o.cjOrderCode ?? "—",
                    `${o.storageName} · ${o.logisticName}`,
                    <InlineStack key="s" gap="100">
                      <Badge tone={TONE[o.status]}>{t(`stock.status.${o.status}` as never)}</Badge>
                      {o.cjStatusText ? <Text as="span">{o.cjStatusText}</Text> : null}
                    </InlineStack>,
                    o.quantity,
                    `${o.totalAmount} USD`,
                    o.payUrl ? (
                      <Link key="p" url={o.payUrl} target="_blank">
                        {t("stock.payLink")}
                      </Link>
                    ) : (
                      (o.error ?? "")
                    ),
                  ])}
                />
              )}
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
