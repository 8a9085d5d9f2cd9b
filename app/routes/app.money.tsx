import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import {
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  Checkbox,
  DataTable,
  InlineGrid,
  InlineStack,
  Layout,
  Link,
  Modal,
  Page,
  Text,
  TextField,
} from "@shopify/polaris";
import Decimal from "decimal.js";
import { useEffect, useState } from "react";
import { Chart } from "../components/Chart";
import { useSessionUrl } from "../components/session-url";
import { useToast } from "../components/toast";
import { useUrlFilters } from "../components/url-filters";
import { withTimeout } from "../dashboard/dashboard.server";
import { errorStatus, pageDeps } from "../dashboard/deps.server";
import { t } from "../i18n/strings";
import { payMakeupBills, previewMakeupPayment, syncMakeupBills } from "../money/makeup.server";
import { loadMoneyPage, moneyRange } from "../money/money-page.server";
import { authenticate } from "../shopify.server";

export const meta: MetaFunction = () => [{ title: `${t("money.title")} · ${t("app.title")}` }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const deps = pageDeps();
  const range = moneyRange(new URL(request.url).searchParams);
  const page = await loadMoneyPage(deps.db, session.shop, range);
  // The balance is CJ's live figure; the page works without it (CJ slow or unreachable), and says so.
  let balance: string | null = null;
  let balanceError: string | null = null;
  const shop = await deps.db.shop.findUniqueOrThrow({ where: { domain: session.shop }, select: { id: true } });
  try {
    const cj = await deps.ports.cj(shop.id);
    balance = new Decimal((await withTimeout(cj.payment.getBalance(), 8000)).amount ?? 0).toFixed(2);
  } catch (error) {
    balanceError = (error as Error).message;
  }
  return { ...page, rangeError: range.error, balance, balanceError };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const deps = pageDeps();
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const codes = form.getAll("orderCode").map(String);
  try {
    if (intent === "preview") {
      return { ok: true as const, intent, preview: await previewMakeupPayment(deps, session.shop, codes) };
    }
    if (intent === "payLink" || intent === "payBalance") {
      const result = await payMakeupBills(deps, session.shop, {
        orderCodes: codes,
        method: intent === "payLink" ? "link" : "balance",
        confirmedTotal: String(form.get("confirmedTotal") ?? ""),
      });
      return { ok: true as const, intent, result, message: result.message };
    }
    if (intent === "sync") {
      const shop = await deps.db.shop.findUniqueOrThrow({ where: { domain: session.shop }, select: { id: true } });
      const seen = await syncMakeupBills(deps, shop.id);
      return { ok: true as const, intent, message: t("money.makeup.synced", { count: String(seen) }) };
    }
    return { ok: false as const, intent, message: `Unknown action ${intent}`, status: 400 };
  } catch (error) {
    return { ok: false as const, intent, message: (error as Error).message, status: errorStatus(error) };
  }
};

type Data = ReturnType<typeof useLoaderData<typeof loader>>;

function Kpi({ label, value, tone }: { label: string; value: string; tone?: "critical" | "success" }) {
  return (
    <Card>
      <BlockStack gap="100">
        <Text as="h3" variant="bodySm" tone="subdued">
          {label}
        </Text>
        <Text as="p" variant="headingLg" tone={tone}>
          {value}
        </Text>
      </BlockStack>
    </Card>
  );
}

export default function Money() {
  const d = useLoaderData<typeof loader>();
  const url = useSessionUrl();
  const go = useUrlFilters("/app/money");
  const toast = useToast();
  const [from, setFrom] = useState(d.range.from);
  const [to, setTo] = useState(d.range.to);
  const exportUrl = url(`/app/money/export.csv?from=${d.range.from}&to=${d.range.to}`);
  const profitTone = new Decimal(d.total.profit).isNegative() ? "critical" : "success";

  return (
    <Page title={t("money.title")} subtitle={t("money.subtitle")}>
      <BlockStack gap="400">
        {d.rangeError ? <Banner tone="warning" title={d.rangeError} /> : null}
        <Card>
          <InlineStack gap="300" blockAlign="end" wrap>
            <Box minWidth="160px">
              <TextField label={t("money.from")} type="date" value={from} onChange={setFrom} autoComplete="off" />
            </Box>
            <Box minWidth="160px">
              <TextField label={t("money.to")} type="date" value={to} onChange={setTo} autoComplete="off" />
            </Box>
            <Button onClick={() => go({ from, to })}>{t("money.apply")}</Button>
            <Button url={exportUrl} download>
              {t("money.export")}
            </Button>
          </InlineStack>
        </Card>
        <InlineGrid columns={{ xs: 1, sm: 2, md: 5 }} gap="300">
          <Kpi label={t("money.kpi.profit")} value={`${d.total.profit} USD`} tone={profitTone} />
          <Kpi label={t("money.kpi.revenue")} value={`${d.total.revenue} USD`} />
          <Kpi label={t("money.kpi.costs")} value={`${d.total.costs} USD`} />
          <Kpi
            label={t("money.kpi.makeup", { count: String(d.makeup.bills.length) })}
            value={`${d.makeup.total} USD`}
            tone={d.makeup.bills.length ? "critical" : undefined}
          />
          <Kpi label={t("money.kpi.balance")} value={d.balance ? `${d.balance} USD` : t("money.balanceUnknown")} />
        </InlineGrid>
        <Text as="p" tone="subdued">
          {t("money.counted", { orders: String(d.total.orders), unknown: String(d.unknown) })}
        </Text>
        <Layout>
          <Layout.Section>
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  {t("money.byDay")}
                </Text>
                <Chart
                  kind="line"
                  label={t("money.byDay")}
                  emptyText={t("money.empty")}
                  series={
                    d.total.orders
                      ? [
                          {
                            name: t("money.series.revenue"),
                            data: d.byDay.map((x) => ({ key: x.day, value: Number(x.revenue) })),
                          },
                          {
                            name: t("money.series.costs"),
                            data: d.byDay.map((x) => ({ key: x.day, value: Number(x.costs) })),
                          },
                          {
                            name: t("money.series.profit"),
                            data: d.byDay.map((x) => ({ key: x.day, value: Number(x.profit) })),
                          },
                        ]
                      : []
                  }
                />
              </BlockStack>
            </Card>
          </Layout.Section>
          <Layout.Section variant="oneThird">
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  {t("money.byCountry")}
                </Text>
                <Chart
                  kind="stacked-bars"
                  label={t("money.byCountry")}
                  emptyText={t("money.empty")}
                  series={
                    d.total.orders
                      ? [
                          {
                            name: t("money.series.costs"),
                            data: d.byCountry.map((x) => ({ key: x.country, value: Number(x.costs) })),
                          },
                          {
                            name: t("money.series.profit"),
                            data: d.byCountry.map((x) => ({ key: x.country, value: Number(x.profit) })),
                          },
                        ]
                      : []
                  }
                />
              </BlockStack>
            </Card>
          </Layout.Section>
        </Layout>
        <MakeupBills bills={d.makeup.bills} toast={toast} />
        <Card>
          <BlockStack gap="200">
            <Text as="h2" variant="headingMd">
              {t("money.negative")}
            </Text>
            {d.negative.length ? (
              <DataTable
                columnContentTypes={["text", "text", "numeric", "numeric", "numeric"]}
                headings={[
                  t("money.col.order"),
                  t("money.col.country"),
                  t("money.col.revenue"),
                  t("money.col.costs"),
                  t("money.col.profit"),
                ]}
                rows={d.negative.map((r) => [
                  <Link key={r.id} url={url(`/app/orders/${r.id}`)}>
                    {r.name}
                  </Link>,
                  r.countryCode ?? "",
                  r.revenueUsd ?? "",
                  r.cjCostUsd ?? "",
                  r.profitUsd ?? "",
                ])}
              />
            ) : (
              <Text as="p" tone="subdued">
                {t("money.negativeNone")}
              </Text>
            )}
          </BlockStack>
        </Card>
        {d.balanceError ? (
          <Text as="p" tone="subdued">
            {t("money.balanceError", { reason: d.balanceError })}
          </Text>
        ) : null}
      </BlockStack>
    </Page>
  );
}

function MakeupBills({ bills, toast }: { bills: Data["makeup"]["bills"]; toast: ReturnType<typeof useToast> }) {
  const url = useSessionUrl();
  const preview = useFetcher<typeof action>();
  const pay = useFetcher<typeof action>();
  const sync = useFetcher<typeof action>();
  const [selected, setSelected] = useState<string[]>([]);
  const [confirming, setConfirming] = useState(false);
  const post = (fetcher: typeof pay, intent: string, extra: Record<string, string> = {}) => {
    const form = new FormData();
    form.set("intent", intent);
    for (const code of selected) form.append("orderCode", code);
    for (const [k, v] of Object.entries(extra)) form.set(k, v);
    fetcher.submit(form, { method: "post", action: url("/app/money") });
  };
  const shown = preview.data?.ok && preview.data.intent === "preview" ? preview.data.preview : null;
  useEffect(() => {
    const answer = pay.data;
    if (pay.state !== "idle" || !answer) return;
    toast(answer.message ?? "", { isError: !answer.ok });
    if (answer.ok) {
      setSelected([]);
      setConfirming(false);
    }
  }, [pay.state, pay.data, toast]);
  useEffect(() => {
    if (sync.state === "idle" && sync.data?.message) toast(sync.data.message, { isError: !sync.data.ok });
  }, [sync.state, sync.data, toast]);
  const error = [preview.data, pay.data].find((a) => a && !a.ok)?.message;

  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            {t("money.makeup.heading")}
          </Text>
          <Button loading={sync.state !== "idle"} onClick={() => post(sync, "sync")}>
            {t("money.makeup.sync")}
          </Button>
        </InlineStack>
        {error ? <Banner tone="critical" title={error} /> : null}
        {pay.data?.ok && pay.data.intent === "payBalance" ? <Banner tone="success" title={pay.data.message} /> : null}
        {pay.data?.ok && pay.data.intent === "payLink" && "result" in pay.data && pay.data.result ? (
          <Banner tone="info" title={pay.data.message}>
            <Link url={pay.data.result.payUrl} target="_blank">
              {t("order.payment.link")}
            </Link>
          </Banner>
        ) : null}
        {bills.length === 0 ? (
          <Text as="p" tone="subdued">
            {t("money.makeup.none")}
          </Text>
        ) : (
          <>
            <DataTable
              columnContentTypes={["text", "text", "text", "text", "numeric", "text"]}
              headings={[
                "",
                t("money.makeup.bill"),
                t("money.makeup.reason"),
                t("money.col.order"),
                t("money.makeup.amount"),
                t("money.makeup.status"),
              ]}
              rows={bills.map((b) => [
                <Checkbox
                  key={b.orderCode}
                  label={t("money.makeup.select", { code: b.orderCode })}
                  labelHidden
                  checked={selected.includes(b.orderCode)}
                  onChange={(on) => setSelected((s) => (on ? [...s, b.orderCode] : s.filter((c) => c !== b.orderCode)))}
                />,
                `${b.orderCode} (${b.type})`,
                b.reason ?? "",
                b.order ? (
                  <Link key={b.order.id} url={url(`/app/orders/${b.order.id}`)}>
                    {b.order.name}
                  </Link>
                ) : (
                  (b.cjOrderCode ?? "")
                ),
                `${b.amount} USD`,
                b.status,
              ])}
            />
            <InlineStack gap="200">
              <Button
                disabled={!selected.length}
                loading={pay.state !== "idle" && pay.formData?.get("intent") === "payLink"}
                onClick={() => post(pay, "payLink")}
              >
                {t("money.makeup.payLink")}
              </Button>
              <Button
                variant="primary"
                disabled={!selected.length}
                onClick={() => {
                  post(preview, "preview");
                  setConfirming(true);
                }}
              >
                {t("money.makeup.payBalance")}
              </Button>
            </InlineStack>
          </>
        )}
      </BlockStack>
      {confirming && shown ? (
        <Modal
          open
          onClose={() => setConfirming(false)}
          title={t("money.makeup.confirmTitle", { total: shown.total })}
          primaryAction={{
            content: t("money.makeup.confirm", { total: shown.total }),
            disabled: Boolean(shown.balanceRefusal),
            loading: pay.state !== "idle",
            onAction: () => post(pay, "payBalance", { confirmedTotal: shown.total }),
          }}
          secondaryActions={[{ content: t("common.cancel"), onAction: () => setConfirming(false) }]}
        >
          <Modal.Section>
            <BlockStack gap="200">
              {shown.balanceRefusal ? <Banner tone="warning" title={shown.balanceRefusal} /> : null}
              {shown.bills.map((b) => (
                <Text as="p" key={b.orderCode}>
                  {`${b.orderCode}${b.orderName ? ` (${b.orderName})` : ""}: ${b.amount} USD${b.reason ? ` — ${b.reason}` : ""}`}
                </Text>
              ))}
              <Text as="p" variant="headingSm">
                {t("money.makeup.confirmBody", { total: shown.total })}
              </Text>
            </BlockStack>
          </Modal.Section>
        </Modal>
      ) : null}
    </Card>
  );
}
