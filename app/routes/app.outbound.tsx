import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useFetcher, useLoaderData, useRevalidator } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Button,
  Card,
  InlineStack,
  Layout,
  Link,
  Page,
  ProgressBar,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { useEffect, useState } from "react";
import { useSessionUrl } from "../components/session-url";
import { pageDeps, shopIdOf } from "../dashboard/deps.server";
import { t } from "../i18n/strings";
import { authenticate } from "../shopify.server";
import {
  cancelOutbound,
  createOutbound,
  loadOutboundOrders,
  OutboundError,
  type OutboundLine,
  outboundAddresses,
  outboundableProducts,
  outboundDetail,
  submitOutbound,
  updateOutbound,
} from "../stock/outbound.server";

export const meta: MetaFunction = () => [{ title: `${t("outbound.title")} · ${t("app.title")}` }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const deps = pageDeps();
  const shopId = await shopIdOf(session.shop);
  const [orders, stock] = await Promise.all([
    loadOutboundOrders(deps.db, shopId),
    deps.db.stockOrder.findMany({
      where: { shopId, status: "PAID", cjOrderCode: { not: null } },
      orderBy: { createdAt: "desc" },
      select: { cjOrderCode: true, storageId: true, storageName: true },
    }),
  ]);
  let addresses: { id: string; label: string }[] = [];
  let addressError: string | null = null;
  try {
    addresses = (await outboundAddresses(deps, shopId)).map((a) => ({
      id: a.id as string,
      label: [a.name || [a.firstName, a.lastName].filter(Boolean).join(" "), a.address, a.city, a.countryCode]
        .filter(Boolean)
        .join(", "),
    }));
  } catch (error) {
    addressError = (error as Error).message;
  }
  return { orders, stock, addresses, addressError };
};

type Product = Awaited<ReturnType<typeof outboundableProducts>>[number];
type ActionResult =
  | { ok: true; intent: "products"; products: Product[] }
  | { ok: true; intent: "detail"; id: string; orderStatus: string | null; submitStatus: string | null }
  | { ok: true; intent: "done"; message: string }
  | { ok: false; message: string };

const linesOf = (form: FormData): OutboundLine[] =>
  [...form.entries()]
    .filter(([key]) => key.startsWith("line:"))
    .map(([, value]) => JSON.parse(String(value)) as OutboundLine);

export const action = async ({ request }: ActionFunctionArgs): Promise<ActionResult> => {
  const { session } = await authenticate.admin(request);
  const deps = pageDeps();
  const shopId = await shopIdOf(session.shop);
  const form = await request.formData();
  const id = String(form.get("id") ?? "");
  try {
    switch (form.get("intent")) {
      case "products":
        return {
          ok: true,
          intent: "products",
          products: await outboundableProducts(deps, shopId, {
            storageId: String(form.get("storageId") ?? ""),
            privateOrderId: String(form.get("privateOrderId") ?? "") || null,
            skuOrSpu: String(form.get("skuOrSpu") ?? "").trim() || null,
          }),
        };
      case "create": {
        const created = await createOutbound(deps, shopId, {
          storageId: String(form.get("storageId") ?? ""),
          addressId: String(form.get("addressId") ?? ""),
          lines: linesOf(form),
        });
        return { ok: true, intent: "done", message: t("outbound.created", { id: created.cjOrderId }) };
      }
      case "update":
        await updateOutbound(deps, shopId, id, linesOf(form));
        return { ok: true, intent: "done", message: t("outbound.updated") };
      case "submit":
        await submitOutbound(deps, shopId, id);
        return { ok: true, intent: "done", message: t("outbound.submitted") };
      case "cancel":
        await cancelOutbound(deps, shopId, id, String(form.get("reason") ?? "") || null);
        return { ok: true, intent: "done", message: t("outbound.cancelled") };
      case "detail": {
        const detail = await outboundDetail(deps, shopId, id);
        return {
          ok: true,
          intent: "detail",
          id,
          orderStatus: detail?.orderStatus ?? null,
          submitStatus: detail?.submitStatus ?? null,
        };
      }
      default:
        return { ok: false, message: "Unknown action." };
    }
  } catch (error) {
    if (error instanceof OutboundError) return { ok: false, message: error.message };
    throw error;
  }
};

const TONE: Record<string, "success" | "critical" | "attention" | "info" | undefined> = {
  SUBMITTED: "success",
  FAILED: "critical",
  LOCK_FAIL: "critical",
  READY: "attention",
  PROCESSING: "info",
};

type Order = ReturnType<typeof useLoaderData<typeof loader>>["orders"][number];

function OutboundRow({ order }: { order: Order }) {
  const url = useSessionUrl();
  const act = useFetcher<typeof action>();
  const [quantities, setQuantities] = useState<Record<string, string>>({});
  const lockOf = (line: OutboundLine) =>
    order.lockFails.find((f) => f.sku === line.sku && (!f.privateOrderId || f.privateOrderId === line.privateOrderId));
  const send = (intent: string, extra: Record<string, string> = {}) => {
    const form = new FormData();
    form.set("intent", intent);
    form.set("id", order.id);
    for (const [k, v] of Object.entries(extra)) form.set(k, v);
    if (intent === "update") {
      for (const line of order.lines) {
        const fallback = lockOf(line)?.lockQuantity ?? line.quantity;
        const quantity = Number(quantities[line.stanProductId] ?? fallback);
        form.append(`line:${line.stanProductId}`, JSON.stringify({ ...line, quantity }));
      }
    }
    act.submit(form, { method: "post", action: url("/app/outbound") });
  };
  const busy = act.state !== "idle";
  const finished = order.status === "CANCELLED" || order.status === "SUBMITTED" || order.status === "FAILED";
  return (
    <Card>
      <BlockStack gap="200">
        <InlineStack gap="200" blockAlign="center">
          <Text as="h3" variant="headingSm">
            {order.cjOrderId ?? order.orderNumber}
          </Text>
          <Badge tone={TONE[order.status]}>{t(`outbound.status.${order.status}` as never)}</Badge>
          <Text as="span" tone="subdued">
            {[order.address.customerName, order.address.city, order.address.countryCode].filter(Boolean).join(", ")}
          </Text>
        </InlineStack>
        {order.status === "PROCESSING" ? (
          <BlockStack gap="100">
            <Text as="p">
              {t("outbound.progress", { percent: order.progress, status: order.createStatus ?? "PROCESSING" })}
            </Text>
            <ProgressBar progress={order.progress} tone="primary" size="small" />
          </BlockStack>
        ) : null}
        {order.lines.map((line) => {
          const lock = lockOf(line);
          return (
            <InlineStack key={line.stanProductId} gap="200" blockAlign="center">
              <Text as="span">
                {line.quantity} × {line.sku}
                {line.productName ? ` · ${line.productName}` : ""}
              </Text>
              {lock ? (
                <Text as="span" tone="critical">
                  {t("outbound.lockFail", { locked: lock.lockQuantity ?? 0, asked: lock.quantity ?? line.quantity })}
                </Text>
              ) : null}
              {order.status === "LOCK_FAIL" ? (
                <div style={{ width: 100 }}>
                  <TextField
                    label={t("outbound.newQuantity", { sku: line.sku })}
                    labelHidden
                    type="number"
                    min={0}
                    autoComplete="off"
                    value={quantities[line.stanProductId] ?? String(lock?.lockQuantity ?? line.quantity)}
                    onChange={(v) => setQuantities((q) => ({ ...q, [line.stanProductId]: v }))}
                  />
                </div>
              ) : null}
            </InlineStack>
          );
        })}
        {order.error ? (
          <Text as="p" tone="critical">
            {order.error}
          </Text>
        ) : null}
        {act.data && !act.data.ok ? <Banner tone="critical" title={act.data.message} /> : null}
        {act.data?.ok && act.data.intent === "detail" ? (
          <Text as="p">
            {t("outbound.detail", {
              status: act.data.orderStatus ?? "—",
              submit: act.data.submitStatus ?? "—",
            })}
          </Text>
        ) : null}
        <InlineStack gap="200">
          {order.status === "LOCK_FAIL" ? (
            <Button onClick={() => send("update")} loading={busy}>
              {t("outbound.update")}
            </Button>
          ) : null}
          {order.status === "READY" ? (
            <Button variant="primary" onClick={() => send("submit")} loading={busy}>
              {t("outbound.submit")}
            </Button>
          ) : null}
          {order.cjOrderId ? (
            <Button onClick={() => send("detail")} disabled={busy}>
              {t("outbound.showDetail")}
            </Button>
          ) : null}
          {order.cjOrderId && !finished ? (
            <Button tone="critical" onClick={() => send("cancel")} disabled={busy}>
              {t("outbound.cancel")}
            </Button>
          ) : null}
        </InlineStack>
      </BlockStack>
    </Card>
  );
}

export default function Outbound() {
  const { orders, stock, addresses, addressError } = useLoaderData<typeof loader>();
  const url = useSessionUrl();
  const revalidator = useRevalidator();
  const find = useFetcher<typeof action>();
  const create = useFetcher<typeof action>();
  const [source, setSource] = useState(stock[0]?.cjOrderCode ?? "");
  const [addressId, setAddressId] = useState(addresses[0]?.id ?? "");
  const [quantities, setQuantities] = useState<Record<string, string>>({});
  const chosen = stock.find((s) => s.cjOrderCode === source);
  const products = find.data?.ok && find.data.intent === "products" ? find.data.products : [];
  const processing = orders.some((o) => o.status === "PROCESSING" || o.status === "SUBMITTING");

  useEffect(() => {
    if (!processing) return;
    const timer = setInterval(() => {
      if (revalidator.state === "idle") revalidator.revalidate();
    }, 1000);
    return () => clearInterval(timer);
  }, [processing, revalidator]);

  const createOrder = () => {
    const form = new FormData();
    form.set("intent", "create");
    form.set("storageId", chosen?.storageId ?? "");
    form.set("addressId", addressId);
    for (const p of products) {
      const quantity = Number(quantities[p.stanProductId] ?? "0");
      if (quantity > 0) form.append(`line:${p.stanProductId}`, JSON.stringify({ ...p, quantity }));
    }
    create.submit(form, { method: "post", action: url("/app/outbound") });
  };

  return (
    <Page title={t("outbound.title")}>
      <Layout>
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                {t("outbound.newHeading")}
              </Text>
              {stock.length === 0 ? (
                <Banner tone="info">
                  {t("outbound.noStock")} <Link url={url("/app/stock")}>{t("stock.title")}</Link>
                </Banner>
              ) : (
                <Select
                  label={t("outbound.source")}
                  options={stock.map((s) => ({
                    label: `${s.cjOrderCode} · ${s.storageName ?? s.storageId}`,
                    value: s.cjOrderCode as string,
                  }))}
                  value={source}
                  onChange={setSource}
                />
              )}
              <InlineStack>
                <Button
                  disabled={!chosen}
                  loading={find.state !== "idle"}
                  onClick={() =>
                    find.submit(
                      { intent: "products", storageId: chosen?.storageId ?? "", privateOrderId: source },
                      { method: "post", action: url("/app/outbound") },
                    )
                  }
                >
                  {t("outbound.showStock")}
                </Button>
              </InlineStack>
              {find.data && !find.data.ok ? <Banner tone="critical" title={find.data.message} /> : null}
              {products.map((p) => (
                <InlineStack key={p.stanProductId} gap="300" blockAlign="center">
                  <div style={{ width: 100 }}>
                    <TextField
                      label={t("outbound.quantityFor", { sku: p.sku })}
                      labelHidden
                      type="number"
                      min={0}
                      autoComplete="off"
                      value={quantities[p.stanProductId] ?? ""}
                      onChange={(v) => setQuantities((q) => ({ ...q, [p.stanProductId]: v }))}
                    />
                  </div>
                  <Text as="span">
                    {p.sku}
                    {p.productName ? ` · ${p.productName}` : ""} ·{" "}
                    {t("outbound.available", { count: p.availableQuantity })}
                  </Text>
                </InlineStack>
              ))}
              {addressError ? <Banner tone="warning">{addressError}</Banner> : null}
              {addresses.length === 0 && !addressError ? (
                <Banner tone="info">
                  {t("outbound.noAddress")} <Link url={url("/app/addresses")}>{t("addresses.nav")}</Link>
                </Banner>
              ) : null}
              {addresses.length > 0 ? (
                <Select
                  label={t("outbound.address")}
                  options={addresses.map((a) => ({ label: a.label, value: a.id }))}
                  value={addressId}
                  onChange={setAddressId}
                />
              ) : null}
              {products.length > 0 ? (
                <InlineStack>
                  <Button
                    variant="primary"
                    onClick={createOrder}
                    loading={create.state !== "idle"}
                    disabled={!addressId}
                  >
                    {t("outbound.create")}
                  </Button>
                </InlineStack>
              ) : null}
              {create.data && !create.data.ok ? <Banner tone="critical" title={create.data.message} /> : null}
              {create.data?.ok && create.data.intent === "done" ? (
                <Banner tone="success" title={create.data.message} />
              ) : null}
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <BlockStack gap="300">
            <Text as="h2" variant="headingMd">
              {t("outbound.listHeading")}
            </Text>
            {orders.length === 0 ? (
              <Text as="p" tone="subdued">
                {t("outbound.none")}
              </Text>
            ) : (
              orders.map((o) => <OutboundRow key={o.id} order={o} />)
            )}
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
