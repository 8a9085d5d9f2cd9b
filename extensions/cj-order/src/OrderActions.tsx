/** @jsxImportSource preact */
/**
 * The order page's "More actions" entry: forward now, approve a held order, re-quote and pick a shipping method,
 * pay with the CJ balance, refresh from CJ. Every action goes through a confirmation screen; nothing is sent before
 * the merchant confirms. Which actions appear is the app's answer (`order.actions`), which follows the same rules
 * the domain functions enforce.
 */
import { useState } from "preact/hooks";
import type { ExtensionAction, ExtensionQuotesResponse } from "../../../app/extension-api/contract";
import type { Backend, ExtensionHost } from "./backend";
import { AttentionBanner, StateBadge, useOrder } from "./OrderBlock";
import { actionText, quoteText } from "./present";

type Screen =
  | { kind: "menu" }
  | { kind: "quotes"; quotes: ExtensionQuotesResponse | null; error?: string }
  | { kind: "confirm"; action: ExtensionAction; logisticName?: string }
  | { kind: "working"; action: ExtensionAction }
  | { kind: "done"; message: string }
  | { kind: "failed"; message: string };

export function OrderActions({ host, backend }: { host: ExtensionHost; backend: Backend }) {
  const [load, setLoad] = useOrder(host, backend);
  const [screen, setScreen] = useState<Screen>({ kind: "menu" });
  const close = () => host.close?.();
  const closeButton = (
    <s-button slot="secondary-actions" onClick={close}>
      Close
    </s-button>
  );

  if (load.kind !== "ready" || !load.order) {
    return (
      <s-admin-action heading="CJ Dropshipping" loading={load.kind === "loading"}>
        {load.kind === "error" ? (
          <s-banner tone="critical" heading="Could not load the CJ order">
            <s-paragraph>{load.message}</s-paragraph>
          </s-banner>
        ) : null}
        {load.kind === "ready" ? (
          <s-paragraph>The app has no record of this order yet, so there is nothing to do here.</s-paragraph>
        ) : null}
        {closeButton}
      </s-admin-action>
    );
  }

  const order = load.order;
  const heading = `CJ Dropshipping — ${order.name}`;

  const openQuotes = () => {
    setScreen({ kind: "quotes", quotes: null });
    backend.quotes(order.id).then(
      (quotes) => setScreen({ kind: "quotes", quotes }),
      (error: Error) => setScreen({ kind: "quotes", quotes: null, error: error.message }),
    );
  };

  const run = (action: ExtensionAction, logisticName?: string) => {
    setScreen({ kind: "working", action });
    const call = action === "requote" ? backend.choose(order.id, logisticName ?? "") : backend.act(order.id, action);
    call.then(
      (answer) => {
        setLoad({ kind: "ready", order: answer.order });
        setScreen({ kind: "done", message: answer.message });
      },
      (error: Error) => setScreen({ kind: "failed", message: error.message }),
    );
  };

  const back = (
    <s-button slot="secondary-actions" onClick={() => setScreen({ kind: "menu" })}>
      Back
    </s-button>
  );

  switch (screen.kind) {
    case "menu":
      return (
        <s-admin-action heading={heading}>
          <s-stack direction="block" gap="base">
            <StateBadge state={order.state} />
            <AttentionBanner order={order} />
            {order.actions.length === 0 ? (
              <s-paragraph>Nothing to do for this order right now.</s-paragraph>
            ) : (
              order.actions.map((action) => (
                <s-button
                  key={action}
                  onClick={() => (action === "requote" ? openQuotes() : setScreen({ kind: "confirm", action }))}
                >
                  {actionText(action, order).label}
                </s-button>
              ))
            )}
          </s-stack>
          {closeButton}
        </s-admin-action>
      );
    case "quotes":
      return (
        <s-admin-action heading={heading} loading={!screen.quotes && !screen.error}>
          <s-stack direction="block" gap="base">
            <s-paragraph>Pick the shipping method CJ should use for {order.name}.</s-paragraph>
            {screen.error ? (
              <s-banner tone="critical" heading="CJ could not quote this order">
                <s-paragraph>{screen.error}</s-paragraph>
              </s-banner>
            ) : null}
            {screen.quotes?.errors.map((e) => (
              <s-banner key={e} tone="warning">
                <s-paragraph>{e}</s-paragraph>
              </s-banner>
            ))}
            {screen.quotes && screen.quotes.options.length === 0 && screen.quotes.errors.length === 0 ? (
              <s-paragraph>CJ offers no shipping method for this order.</s-paragraph>
            ) : null}
            {screen.quotes?.options.map((q) => (
              <s-button
                key={`${q.logisticName}-${q.source}`}
                onClick={() => setScreen({ kind: "confirm", action: "requote", logisticName: q.logisticName })}
              >
                {quoteText(q)}
                {q.logisticName === screen.quotes?.chosen ? " (current)" : ""}
              </s-button>
            ))}
          </s-stack>
          {back}
        </s-admin-action>
      );
    case "confirm": {
      const text = actionText(screen.action, order, screen.logisticName);
      return (
        <s-admin-action heading={heading}>
          <s-paragraph>{text.confirm}</s-paragraph>
          <s-button slot="primary-action" variant="primary" onClick={() => run(screen.action, screen.logisticName)}>
            {text.confirmLabel}
          </s-button>
          {back}
        </s-admin-action>
      );
    }
    case "working":
      return (
        <s-admin-action heading={heading} loading>
          <s-paragraph>{actionText(screen.action, order).label}…</s-paragraph>
        </s-admin-action>
      );
    case "done":
      return (
        <s-admin-action heading={heading}>
          <s-stack direction="block" gap="base">
            <s-banner tone="success">
              <s-paragraph>{screen.message}</s-paragraph>
            </s-banner>
            <StateBadge state={order.state} />
          </s-stack>
          <s-button slot="primary-action" variant="primary" onClick={close}>
            Done
          </s-button>
        </s-admin-action>
      );
    case "failed":
      return (
        <s-admin-action heading={heading}>
          <s-banner tone="critical" heading="That did not work">
            <s-paragraph>{screen.message}</s-paragraph>
          </s-banner>
          {back}
        </s-admin-action>
      );
  }
}
