/** @jsxImportSource preact */
/**
 * The block on the Shopify order page: where the order stands at CJ, what needs the merchant, shipping, payment,
 * tracking and the latest event. `OrderSummary` is pure (order in, elements out); `OrderBlock` loads the order.
 */
import { useEffect, useState } from "preact/hooks";
import type { ExtensionOrderView } from "../../../app/extension-api/contract";
import type { Backend, ExtensionHost } from "./backend";
import { attentionMessages, formatTime, logisticsText, paymentText, stateText } from "./present";

type Load =
  | { kind: "loading" }
  | { kind: "error"; message: string }
  | { kind: "ready"; order: ExtensionOrderView | null };

export function useOrder(host: ExtensionHost, backend: Backend) {
  const gid = host.data.selected[0]?.id;
  const [load, setLoad] = useState<Load>({ kind: "loading" });
  useEffect(() => {
    if (!gid) {
      setLoad({ kind: "error", message: "No order is selected." });
      return;
    }
    let live = true;
    backend.lookup(gid).then(
      (answer) => live && setLoad({ kind: "ready", order: answer.order }),
      (error: Error) => live && setLoad({ kind: "error", message: error.message }),
    );
    return () => {
      live = false;
    };
  }, [gid, backend]);
  return [load, setLoad] as const;
}

function Field({ label, children }: { label: string; children: preact.ComponentChildren }) {
  return (
    <s-stack direction="inline" gap="small-200">
      <s-text type="strong">{`${label}:`}</s-text>
      {children}
    </s-stack>
  );
}

export function AttentionBanner({ order }: { order: ExtensionOrderView }) {
  const messages = attentionMessages(order);
  if (messages.length === 0) return null;
  const { tone } = stateText(order.state);
  return (
    <s-banner tone={tone === "critical" ? "critical" : "warning"} heading="Needs your attention">
      {messages.map((m) => (
        <s-paragraph key={m}>{m}</s-paragraph>
      ))}
    </s-banner>
  );
}

export function StateBadge({ state }: { state: string }) {
  const s = stateText(state);
  return (
    <s-stack direction="inline" gap="small-200">
      <s-badge tone={s.tone}>{s.label}</s-badge>
      <s-text>{s.summary}</s-text>
    </s-stack>
  );
}

export function OrderSummary({ order }: { order: ExtensionOrderView | null }) {
  if (!order) {
    return (
      <s-paragraph>
        The app has no record of this order yet. Orders reach it when Shopify reports them (on payment by default).
      </s-paragraph>
    );
  }
  const payment = paymentText(order);
  return (
    <s-stack direction="block" gap="base">
      <StateBadge state={order.state} />
      <AttentionBanner order={order} />
      <Field label="CJ order">
        <s-text>{order.cj.orderId ?? order.cj.orderNumber ?? "Not created yet"}</s-text>
      </Field>
      <Field label="Shipping">
        <s-text>{logisticsText(order)}</s-text>
      </Field>
      <Field label="Payment">
        <s-badge tone={payment.tone}>{payment.label}</s-badge>
        <s-text>{payment.detail}</s-text>
        {payment.payUrl ? (
          <s-link href={payment.payUrl} target="_blank">
            Pay on CJ
          </s-link>
        ) : null}
      </Field>
      <Field label="Tracking">
        {order.tracking.length === 0 ? <s-text>No tracking number yet.</s-text> : null}
        {order.tracking.map((t) =>
          t.url ? (
            <s-link key={t.number} href={t.url} target="_blank">
              {t.company ? `${t.number} (${t.company})` : t.number}
            </s-link>
          ) : (
            <s-text key={t.number}>{t.company ? `${t.number} (${t.company})` : t.number}</s-text>
          ),
        )}
      </Field>
      {order.latestEvent ? (
        <Field label="Latest">
          <s-text>{order.latestEvent.message}</s-text>
          <s-text color="subdued">{formatTime(order.latestEvent.at)}</s-text>
        </Field>
      ) : null}
    </s-stack>
  );
}

export function OrderBlock({ host, backend }: { host: ExtensionHost; backend: Backend }) {
  const [load] = useOrder(host, backend);
  const summary =
    load.kind === "ready" ? (load.order ? stateText(load.order.state).label : "Not in the app") : undefined;
  return (
    <s-admin-block heading="CJ Dropshipping" {...(summary ? { collapsedSummary: summary } : {})}>
      {load.kind === "loading" ? <s-spinner accessibilityLabel="Loading the CJ order" /> : null}
      {load.kind === "error" ? (
        <s-banner tone="critical" heading="Could not load the CJ order">
          <s-paragraph>{load.message}</s-paragraph>
        </s-banner>
      ) : null}
      {load.kind === "ready" ? <OrderSummary order={load.order} /> : null}
    </s-admin-block>
  );
}
