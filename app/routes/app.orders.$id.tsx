import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import {
  isRouteErrorResponse,
  useActionData,
  useFetcher,
  useLoaderData,
  useNavigation,
  useRouteError,
} from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Button,
  ButtonGroup,
  Card,
  DataTable,
  Divider,
  InlineStack,
  Layout,
  Link,
  Modal,
  Page,
  Text,
  TextField,
} from "@shopify/polaris";
import { useEffect, useState } from "react";
import { FreightOptionsTable } from "../components/FreightOptionsTable";
import { JsonBlock } from "../components/JsonBlock";
import { KeyboardScrollable } from "../components/KeyboardScrollable";
import { StateBadge } from "../components/StateBadge";
import { useSessionUrl } from "../components/session-url";
import { useToast } from "../components/toast";
import { errorStatus, pageDeps } from "../dashboard/deps.server";
import { loadOrderDetail } from "../dashboard/order-detail.server";
import {
  chooseShippingMethod,
  ORDER_ACTIONS,
  type OrderAction,
  type OrderQuotes,
  quoteOrder,
  runOrderAction,
  saveCustomsValues,
} from "../fulfillment/actions.server";
import { type StringKey, t, tMaybe } from "../i18n/strings";
import { authenticate } from "../shopify.server";

/** Domain errors become HTTP answers: another shop's order id is a plain 404, with nothing of the order in it. */
async function orThrowResponse<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (errorStatus(error) === 404) throw new Response(t("order.notFound"), { status: 404 });
    throw error;
  }
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data ? t("order.title", { name: data.order.name }) : t("nav.orders")} · ${t("app.title")}` },
];

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const deps = pageDeps();
  const order = await orThrowResponse(() => loadOrderDetail(deps.db, session.shop, params.id ?? ""));
  // Live quotes only while the method can still change (they cost CJ API points); afterwards the stored quote.
  let quotes: OrderQuotes | null = null;
  if (order.preSubmission) {
    quotes = await quoteOrder(deps, session.shop, order.id).catch((error: Error) => ({
      options: [],
      chosen: order.storedQuote.chosen,
      unmapped: [],
      errors: [error.message],
    }));
  }
  return { order, quotes };
};

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const orderId = params.id ?? "";
  const deps = pageDeps();
  try {
    if (intent === "saveCustoms") {
      const result = await saveCustomsValues(deps, session.shop, orderId, {
        taxId: String(form.get("taxId") ?? ""),
        houseNumber: String(form.get("houseNumber") ?? ""),
      });
      return { ok: true as const, intent, message: result.message };
    }
    if (intent === "chooseShipping") {
      const result = await chooseShippingMethod(deps, session.shop, orderId, String(form.get("logisticName") ?? ""));
      return { ok: true as const, intent, message: result.message };
    }
    if ((ORDER_ACTIONS as readonly string[]).includes(intent)) {
      const result = await runOrderAction(deps, session.shop, intent as OrderAction, orderId);
      return { ok: true as const, intent, message: result.message };
    }
    return { ok: false as const, intent, message: "Unknown action." };
  } catch (error) {
    if (errorStatus(error) === 404) throw new Response(t("order.notFound"), { status: 404 });
    return { ok: false as const, intent, message: (error as Error).message };
  }
};

const ACTIONS_BY_STATE: Record<string, { intent: OrderAction; label: StringKey }[]> = {
  RECEIVED: [{ intent: "forward", label: "order.action.forward" }],
  HELD: [{ intent: "approve", label: "order.action.approve" }],
  NEEDS_ATTENTION: [{ intent: "retry", label: "order.action.retry" }],
  FAILED: [{ intent: "retry", label: "order.action.retry" }],
  SUBMITTED: [
    { intent: "retry", label: "order.action.retry" },
    { intent: "refresh", label: "order.action.refresh" },
  ],
  AWAITING_PAYMENT: [{ intent: "refresh", label: "order.action.refresh" }],
  PAID: [{ intent: "refresh", label: "order.action.refresh" }],
  SHIPPED: [{ intent: "refresh", label: "order.action.refresh" }],
  PARTIALLY_FULFILLED: [{ intent: "refresh", label: "order.action.refresh" }],
  FULFILLED: [{ intent: "refresh", label: "order.action.refresh" }],
};

const ERROR_STATES = ["HELD", "NEEDS_ATTENTION", "FAILED"];
const when = (iso: string) => iso.slice(0, 19).replace("T", " ");

/** What the order earned: the customer's payment after refunds, CJ's costs by kind, and the difference (USD). */
function ProfitCard({ profit }: { profit: Awaited<ReturnType<typeof loadOrderDetail>>["profit"] }) {
  const usd = (value: string | null | undefined) => (value ? `${value} USD` : null);
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          {t("order.profit.heading")}
        </Text>
        <Field
          label={profit.refunded ? t("order.profit.revenueAfterRefunds") : t("order.profit.revenue")}
          value={profit.revenue && `${profit.revenue} ${profit.currency ?? ""}`.trim()}
        />
        {profit.currency && profit.currency.toUpperCase() !== "USD" ? (
          <Field label={t("order.profit.revenueUsd")} value={usd(profit.revenueUsd)} />
        ) : null}
        {profit.costs ? (
          <>
            <Field label={t("order.profit.product")} value={usd(profit.costs.product)} />
            <Field label={t("order.profit.postage")} value={usd(profit.costs.postage)} />
            {profit.costs.taxes !== "0.00" ? (
              <Field label={t("order.profit.taxes")} value={usd(profit.costs.taxes)} />
            ) : null}
            {profit.costs.fees !== "0.00" ? (
              <Field label={t("order.profit.fees")} value={usd(profit.costs.fees)} />
            ) : null}
            {profit.costs.makeup !== "0.00" ? (
              <Field label={t("order.profit.makeup")} value={usd(profit.costs.makeup)} />
            ) : null}
            {profit.costs.refunds !== "0.00" ? (
              <Field label={t("order.profit.refunds")} value={`−${profit.costs.refunds} USD`} />
            ) : null}
            <Field label={t("order.profit.cjCost")} value={usd(profit.cjCostUsd)} />
            <Field label={t("order.profit.profit")} value={usd(profit.profitUsd)} />
            {profit.cjOrders.length > 1 ? (
              <Text as="p" tone="subdued">
                {t("order.profit.split", { count: String(profit.cjOrders.length), orders: profit.cjOrders.join(", ") })}
              </Text>
            ) : null}
          </>
        ) : (
          <Text as="p" tone="subdued">
            {profit.due ? t("order.profit.pending") : t("order.profit.none")}
          </Text>
        )}
        {profit.makeup.map((b) => (
          <InlineStack key={b.orderCode} gap="200">
            <Text as="span" tone={b.unpaid ? "critical" : "subdued"}>
              {t("order.profit.makeupBill", { code: b.orderCode, amount: b.amount, status: b.status })}
              {b.reason ? ` — ${b.reason}` : ""}
            </Text>
            {b.unpaid && b.payUrl ? (
              <Link url={b.payUrl} target="_blank">
                {t("order.payment.link")}
              </Link>
            ) : null}
          </InlineStack>
        ))}
        {profit.error ? (
          <Banner tone="warning" title={t("order.profit.errorTitle")}>
            <p>{profit.error}</p>
          </Banner>
        ) : null}
        {profit.note ? (
          <Text as="p" variant="bodySm" tone="subdued">
            {profit.note}
          </Text>
        ) : null}
      </BlockStack>
    </Card>
  );
}

function Field({ label, value }: { label: string; value: string | null | undefined }) {
  return (
    <InlineStack gap="200" wrap={false}>
      <Box minWidth="140px">
        <Text as="span" tone="subdued">
          {label}
        </Text>
      </Box>
      <Text as="span">{value || t("common.none")}</Text>
    </InlineStack>
  );
}

export default function OrderPage() {
  const { order, quotes } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const fetcher = useFetcher<typeof action>();
  const navigation = useNavigation();
  const url = useSessionUrl();
  const toast = useToast();
  const [confirmPay, setConfirmPay] = useState(false);
  const [taxId, setTaxId] = useState("");
  const [houseNumber, setHouseNumber] = useState("");

  const answer = fetcher.data ?? result;
  useEffect(() => {
    if (answer?.message) toast(answer.message, { isError: !answer.ok });
    if (answer?.intent === "pay") setConfirmPay(false);
  }, [answer, toast]);

  const busy = fetcher.state !== "idle" || navigation.state === "submitting";
  const submit = (data: Record<string, string>) =>
    fetcher.submit(data, { method: "post", action: url(`/app/orders/${order.id}`) });
  const amount = order.payment.orderAmount;
  const canPay = (order.state === "AWAITING_PAYMENT" || order.state === "SUBMITTED") && Boolean(amount);
  const reason = order.errorReason ? order.errorReason : t("order.next.noReason");
  const nextStep = tMaybe(`order.next.${order.state}`, order.state, { reason });
  const actions = ACTIONS_BY_STATE[order.state] ?? [];

  const quoteRows = quotes?.options ?? order.storedQuote.options;
  const chosen = quotes?.chosen ?? order.storedQuote.chosen;

  return (
    <Page
      title={t("order.title", { name: order.name })}
      titleMetadata={<StateBadge state={order.state} />}
      subtitle={when(order.createdAt)}
      backAction={{ content: t("nav.orders"), url: url("/app/orders") }}
      secondaryActions={actions.map((a) => ({
        content: t(a.label),
        onAction: () => submit({ intent: a.intent }),
        disabled: busy,
      }))}
    >
      <Layout>
        <Layout.Section>
          <Banner
            title={t("order.nextSteps")}
            tone={
              ERROR_STATES.includes(order.state) ? "critical" : order.state === "AWAITING_PAYMENT" ? "warning" : "info"
            }
          >
            <BlockStack gap="200">
              <Text as="p" id="next-step">
                {nextStep}
              </Text>
              {actions.length || canPay ? (
                <ButtonGroup>
                  {actions.map((a) => (
                    <Button key={a.intent} onClick={() => submit({ intent: a.intent })} disabled={busy}>
                      {t(a.label)}
                    </Button>
                  ))}
                  {canPay && order.payment.payUrl ? (
                    <Button url={order.payment.payUrl} target="_blank" external>
                      {t("order.payment.link")}
                    </Button>
                  ) : null}
                  {canPay ? (
                    <Button variant="primary" onClick={() => setConfirmPay(true)} disabled={busy}>
                      {t("order.payment.balance")}
                    </Button>
                  ) : null}
                </ButtonGroup>
              ) : null}
            </BlockStack>
          </Banner>
        </Layout.Section>

        <Layout.Section>
          <BlockStack gap="400">
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  {t("order.shopify.heading")}
                </Text>
                <Field
                  label={t("order.shopify.customer")}
                  value={[order.shopify.customerName, order.shopify.customerEmail].filter(Boolean).join(" · ")}
                />
                <Field label={t("order.shopify.address")} value={order.shopify.address} />
                <Field
                  label={t("order.shopify.total")}
                  value={order.shopify.total ? `${order.shopify.total} ${order.shopify.currency ?? ""}` : null}
                />
                <Field label={t("order.shopify.financial")} value={order.shopify.financialStatus} />
                {order.amountsNote ? <Field label={t("order.amounts.label")} value={order.amountsNote} /> : null}
                <Divider />
                <Text as="h3" variant="headingSm">
                  {t("order.lines.heading")}
                </Text>
                {order.lines.length ? (
                  <KeyboardScrollable label={t("order.lines.heading")}>
                    <DataTable
                      columnContentTypes={["text", "text", "numeric", "numeric", "text"]}
                      headings={[
                        t("order.lines.sku"),
                        t("order.lines.title"),
                        t("order.lines.quantity"),
                        t("order.lines.price"),
                        t("order.lines.cj"),
                      ]}
                      rows={order.lines.map((l) => [
                        l.sku ?? t("common.none"),
                        l.skipReason
                          ? `${l.title ?? ""} (${t("order.lines.skipped", { reason: l.skipReason })})`
                          : (l.title ?? ""),
                        l.quantity,
                        l.unitPrice ?? t("common.none"),
                        l.unconnectedVariantGid ? (
                          <Link
                            key={l.id}
                            url={url(`/app/products?variant=${encodeURIComponent(l.unconnectedVariantGid)}`)}
                          >
                            {t("order.lines.connect")}
                          </Link>
                        ) : (
                          (l.cjVariantId ?? t("common.none"))
                        ),
                      ])}
                    />
                  </KeyboardScrollable>
                ) : (
                  <Text as="p" tone="subdued">
                    {t("order.lines.empty")}
                  </Text>
                )}
              </BlockStack>
            </Card>

            {order.customsEditable ? (
              <Card>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">
                    {t("order.customs.heading")}
                  </Text>
                  <Text as="p" tone="subdued">
                    {t("order.customs.help")}
                  </Text>
                  {order.customs.taxId || order.customs.houseNumber ? (
                    <Text as="p" id="customs-entered">
                      {t("order.customs.entered", {
                        taxId: order.customs.taxId ?? t("common.none"),
                        houseNumber: order.customs.houseNumber ?? t("common.none"),
                      })}
                    </Text>
                  ) : null}
                  <InlineStack gap="300" blockAlign="end">
                    <TextField
                      label={t("order.customs.taxId")}
                      value={taxId}
                      onChange={setTaxId}
                      maxLength={20}
                      autoComplete="off"
                    />
                    <TextField
                      label={t("order.customs.houseNumber")}
                      value={houseNumber}
                      onChange={setHouseNumber}
                      maxLength={20}
                      autoComplete="off"
                    />
                    <Button
                      onClick={() => submit({ intent: "saveCustoms", taxId, houseNumber })}
                      disabled={busy || (!taxId.trim() && !houseNumber.trim())}
                    >
                      {t("order.customs.save")}
                    </Button>
                  </InlineStack>
                </BlockStack>
              </Card>
            ) : null}

            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  {t("order.quotes.heading")}
                </Text>
                {quotes?.errors.map((e) => (
                  <Banner key={e} tone="warning">
                    <p>{e}</p>
                  </Banner>
                ))}
                {quotes?.unmapped.length ? (
                  <Banner tone="warning">
                    <p>{t("order.quotes.unmapped", { skus: quotes.unmapped.join(", ") })}</p>
                  </Banner>
                ) : null}
                {!order.preSubmission ? (
                  <Text as="p" tone="subdued">
                    {t("order.quotes.locked")}
                  </Text>
                ) : null}
                {quoteRows.length ? (
                  <FreightOptionsTable
                    label={t("order.quotes.heading")}
                    options={quoteRows}
                    extra={(q) =>
                      q.logisticName === chosen ? (
                        <Badge tone="success">{t("order.quotes.chosen")}</Badge>
                      ) : order.preSubmission ? (
                        <Button
                          size="slim"
                          disabled={busy}
                          accessibilityLabel={`${t("order.quotes.use")}: ${q.logisticName}`}
                          onClick={() => submit({ intent: "chooseShipping", logisticName: q.logisticName })}
                        >
                          {t("order.quotes.use")}
                        </Button>
                      ) : (
                        ""
                      )
                    }
                  />
                ) : (
                  <Text as="p" tone="subdued">
                    {t("order.quotes.empty")}
                  </Text>
                )}
              </BlockStack>
            </Card>

            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  {t("order.cj.heading")}
                </Text>
                <Field label={t("order.cj.orderNumber")} value={order.cj.orderNumber} />
                <Field label={t("order.cj.orderId")} value={order.cj.orderId} />
                <Field label={t("order.cj.status")} value={order.cj.status} />
                {order.cj.request ? <JsonBlock label={t("order.cj.request")} value={order.cj.request} /> : null}
                {order.cj.answer ? <JsonBlock label={t("order.cj.answer")} value={order.cj.answer} /> : null}
                {!order.cj.request && !order.cj.answer ? (
                  <Text as="p" tone="subdued">
                    {t("order.cj.notSent")}
                  </Text>
                ) : null}
              </BlockStack>
            </Card>

            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  {t("order.timeline.heading")}
                </Text>
                <BlockStack gap="300" as="ol">
                  {[...order.timeline].reverse().map((e) => (
                    <Box as="li" key={e.id}>
                      <BlockStack gap="050">
                        <InlineStack gap="200" blockAlign="center">
                          <Text as="span" variant="bodySm" tone="subdued">
                            {`${when(e.at)} · ${e.actor} · ${e.type}`}
                          </Text>
                          {e.toState ? <StateBadge state={e.toState} /> : null}
                        </InlineStack>
                        <Text as="p">{e.message}</Text>
                        {e.cjRequestId ? (
                          <Text as="p" variant="bodySm" tone="subdued">
                            {t("order.timeline.request", { id: e.cjRequestId })}
                          </Text>
                        ) : null}
                      </BlockStack>
                    </Box>
                  ))}
                </BlockStack>
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>

        <Layout.Section variant="oneThird">
          <BlockStack gap="400">
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  {t("order.payment.heading")}
                </Text>
                {amount ? (
                  <>
                    <Field
                      label={t("order.payment.product")}
                      value={order.payment.productAmount && `${order.payment.productAmount} USD`}
                    />
                    <Field
                      label={t("order.payment.postage")}
                      value={order.payment.postageAmount && `${order.payment.postageAmount} USD`}
                    />
                    <Field label={t("order.payment.total")} value={`${amount} USD`} />
                    <Field
                      label={t("order.payment.paid")}
                      value={
                        order.payment.paidAmount &&
                        `${order.payment.paidAmount} USD (${when(order.payment.paidAt ?? "")})`
                      }
                    />
                  </>
                ) : (
                  <Text as="p" tone="subdued">
                    {t("order.payment.nothing")}
                  </Text>
                )}
                {canPay ? (
                  <InlineStack gap="200">
                    {order.payment.payUrl ? (
                      <Link url={order.payment.payUrl} target="_blank">
                        {t("order.payment.link")}
                      </Link>
                    ) : null}
                  </InlineStack>
                ) : null}
              </BlockStack>
            </Card>
            <ProfitCard profit={order.profit} />
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  {t("order.tracking.heading")}
                </Text>
                {order.tracking.number ? (
                  <>
                    <Field label={t("order.tracking.carrier")} value={order.tracking.logisticName} />
                    <Field label={t("order.tracking.number")} value={order.tracking.number} />
                    {order.tracking.url ? (
                      <Link url={order.tracking.url} target="_blank">
                        {t("order.tracking.link")}
                      </Link>
                    ) : null}
                  </>
                ) : (
                  <Text as="p" tone="subdued">
                    {t("order.tracking.none")}
                  </Text>
                )}
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  {t("order.fulfillments.heading")}
                </Text>
                {order.fulfillments.length ? (
                  order.fulfillments.map((f) => (
                    <BlockStack gap="100" key={f.id}>
                      <InlineStack gap="200">
                        <Text as="span" fontWeight="semibold">
                          {f.trackingNumber}
                        </Text>
                        <Badge
                          tone={f.status === "CREATED" ? "success" : f.status === "FAILED" ? "critical" : undefined}
                        >
                          {f.status}
                        </Badge>
                      </InlineStack>
                      {f.company ? <Text as="p">{f.company}</Text> : null}
                      {f.lastEventStatus ? (
                        <Text as="p" tone="subdued">
                          {t("order.fulfillments.last", { status: f.lastEventStatus })}
                        </Text>
                      ) : null}
                      {f.error ? (
                        <Text as="p" tone="critical">
                          {f.error}
                        </Text>
                      ) : null}
                    </BlockStack>
                  ))
                ) : (
                  <Text as="p" tone="subdued">
                    {t("order.fulfillments.none")}
                  </Text>
                )}
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>

      <Modal
        open={confirmPay}
        onClose={() => setConfirmPay(false)}
        title={t("order.payment.confirmTitle", { amount: amount ?? "" })}
        primaryAction={{
          content: t("order.payment.confirm", { amount: amount ?? "" }),
          onAction: () => submit({ intent: "pay" }),
          loading: busy,
          destructive: true,
        }}
        secondaryActions={[{ content: t("common.cancel"), onAction: () => setConfirmPay(false) }]}
      >
        <Modal.Section>
          <Text as="p">{t("order.payment.confirmBody", { amount: amount ?? "", name: order.name })}</Text>
        </Modal.Section>
      </Modal>
    </Page>
  );
}

export function ErrorBoundary() {
  const error = useRouteError();
  const url = useSessionUrl();
  if (isRouteErrorResponse(error) && error.status === 404) {
    return (
      <Page title={t("nav.orders")} backAction={{ content: t("nav.orders"), url: url("/app/orders") }}>
        <Banner tone="critical" title={t("order.notFound")} />
      </Page>
    );
  }
  throw error;
}
