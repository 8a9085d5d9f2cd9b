import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation, useRevalidator, useSubmit } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  InlineGrid,
  InlineStack,
  Layout,
  List,
  Page,
  ProgressBar,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { useEffect, useState } from "react";
import { Chart } from "../components/Chart";
import { useSessionUrl } from "../components/session-url";
import { loadDashboard } from "../dashboard/dashboard.server";
import { pageDeps } from "../dashboard/deps.server";
import { type StringKey, t } from "../i18n/strings";
import type { OnboardingStepKey } from "../settings/onboarding.server";
import { loadOnboardingPanel, onboardingAction } from "../settings/onboarding-page.server";
import { authenticate } from "../shopify.server";

export const meta: MetaFunction = () => [{ title: t("home.title") }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const deps = pageDeps();
  const dashboard = await loadDashboard(deps.db, deps.ports, session.shop);
  return { ...dashboard, onboarding: await loadOnboardingPanel(deps, session.shop) };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return onboardingAction(pageDeps(), session.shop, Object.fromEntries(await request.formData()));
};

function Kpi({
  label,
  value,
  detail,
  tone,
}: {
  label: string;
  value: string | number;
  detail?: string;
  tone?: "critical";
}) {
  return (
    <Card>
      <BlockStack gap="100">
        <Text as="h3" variant="headingSm" tone="subdued">
          {label}
        </Text>
        <Text as="p" variant="heading2xl" tone={tone}>
          {String(value)}
        </Text>
        {detail ? (
          <Text as="p" variant="bodySm">
            {detail}
          </Text>
        ) : null}
      </BlockStack>
    </Card>
  );
}

const STEP_LABELS: Record<OnboardingStepKey, StringKey> = {
  cjKey: "home.onboarding.cjKey",
  storeName: "home.onboarding.storeName",
  webhooks: "home.onboarding.webhooks",
  products: "home.onboarding.products",
  testOrder: "home.onboarding.testOrder",
  live: "home.onboarding.live",
};

type Panel = Awaited<ReturnType<typeof loadOnboardingPanel>>;

/** The guided path from install to the first live order: each step with what it found and what to do next. */
function Onboarding({ panel }: { panel: Panel }) {
  const url = useSessionUrl();
  const submit = useSubmit();
  const navigation = useNavigation();
  const result = useActionData<typeof action>();
  const revalidator = useRevalidator();
  const busy = navigation.state !== "idle";
  const [apiKey, setApiKey] = useState("");
  const [store, setStore] = useState(panel.stores[0] ?? "");
  const [variant, setVariant] = useState(panel.variants[0]?.gid ?? "");
  const running = panel.testOrder !== null && !["SHIPPED", "FAILED"].includes(panel.testOrder.status);
  // A test order runs in a job: the page follows it until CJ's sandbox has shipped it.
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => revalidator.revalidate(), 1000);
    return () => clearInterval(timer);
  }, [running, revalidator]);
  const post = (intent: string, values: Record<string, string> = {}) =>
    submit({ intent, ...values }, { method: "post" });
  const done = panel.status.steps.filter((s) => s.done).length;
  const control = (key: OnboardingStepKey) => {
    switch (key) {
      case "cjKey":
        return (
          <InlineStack gap="200" blockAlign="end">
            <Box minWidth="220px">
              <TextField
                label={t("home.onboarding.apiKey")}
                value={apiKey}
                onChange={setApiKey}
                autoComplete="off"
                type="password"
              />
            </Box>
            <Button onClick={() => post("connect", { cjApiKey: apiKey })} disabled={busy || !apiKey.trim()}>
              {t("home.onboarding.verifyKey")}
            </Button>
          </InlineStack>
        );
      case "storeName":
        return panel.stores.length > 0 ? (
          <InlineStack gap="200" blockAlign="end">
            <Select
              label={t("home.onboarding.chooseStore")}
              options={[
                ...panel.stores.map((name) => ({ label: name, value: name })),
                { label: t("home.onboarding.noStore"), value: "" },
              ]}
              value={store}
              onChange={setStore}
            />
            <Button onClick={() => post("storeName", { storeName: store })} disabled={busy}>
              {t("home.onboarding.useStore")}
            </Button>
          </InlineStack>
        ) : panel.storesError ? (
          <Text as="p" tone="critical">
            {panel.storesError}
          </Text>
        ) : null;
      case "webhooks":
        return (
          <Button onClick={() => post("webhooks")} disabled={busy || !panel.connected}>
            {t("home.onboarding.registerWebhooks")}
          </Button>
        );
      case "products":
        return <Button url={url("/app/products")}>{t("home.onboarding.openProducts")}</Button>;
      case "testOrder":
        return (
          <BlockStack gap="200">
            {panel.variants.length > 0 ? (
              <InlineStack gap="200" blockAlign="end">
                <Select
                  label={t("home.onboarding.testVariant")}
                  options={panel.variants.map((v) => ({ label: v.label, value: v.gid }))}
                  value={variant}
                  onChange={setVariant}
                />
                <Button onClick={() => post("testOrder", { variantGid: variant })} disabled={busy || running}>
                  {t("home.onboarding.sendTestOrder")}
                </Button>
              </InlineStack>
            ) : null}
            {panel.testOrder ? (
              <List type="number">
                {panel.testOrder.steps.map((step) => (
                  <List.Item key={`${step.at}-${step.step}`}>{step.message}</List.Item>
                ))}
              </List>
            ) : null}
          </BlockStack>
        );
      case "live":
        return panel.status.live ? null : (
          <InlineStack gap="200">
            <Button variant="primary" onClick={() => post("goLive")} disabled={busy || !panel.status.readyToGoLive}>
              {t("home.onboarding.goLive")}
            </Button>
            {panel.status.waiting > 0 ? (
              <Button url={url("/app/orders?tab=setup")} variant="plain">
                {t("home.onboarding.seeWaiting", { count: panel.status.waiting })}
              </Button>
            ) : null}
          </InlineStack>
        );
    }
  };
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          {t("home.checklist.heading")}
        </Text>
        <ProgressBar progress={(done / panel.status.steps.length) * 100} size="small" tone="primary" />
        <Text as="p" tone="subdued">
          {t("home.checklist.progress", { done, total: panel.status.steps.length })}
        </Text>
        {result ? <Banner tone={result.ok ? "success" : "critical"} title={result.message} /> : null}
        <BlockStack gap="400" as="ol">
          {panel.status.steps.map((step) => (
            <Box as="li" key={step.key} id={`onboarding-${step.key}`}>
              <BlockStack gap="200">
                <InlineStack gap="200" blockAlign="center" wrap={false}>
                  <Badge tone={step.done ? "success" : undefined} progress={step.done ? "complete" : "incomplete"}>
                    {step.done ? t("home.checklist.done") : t("home.checklist.open")}
                  </Badge>
                  <Text as="h3" variant="headingSm">
                    {t(STEP_LABELS[step.key])}
                  </Text>
                </InlineStack>
                <Text as="p" tone="subdued">
                  {step.detail}
                </Text>
                {step.done && step.key !== "testOrder" ? null : control(step.key)}
              </BlockStack>
            </Box>
          ))}
        </BlockStack>
      </BlockStack>
    </Card>
  );
}

export default function Home() {
  const d = useLoaderData<typeof loader>();
  const url = useSessionUrl();
  const anyOrders = d.charts.byState.some((s) => s.data.some((p) => p.value > 0));
  const anySpend = d.charts.spend.some((p) => p.value > 0);
  return (
    <Page
      title={t("home.title")}
      primaryAction={{ content: t("home.viewOrders"), url: url("/app/orders") }}
      secondaryActions={[
        { content: t("nav.quotes"), url: url("/app/quotes") },
        { content: t("nav.settings"), url: url("/app/settings") },
      ]}
    >
      <Layout>
        {d.cj.error ? (
          <Layout.Section>
            <Banner tone="warning" title={t("home.connection.cjError", { error: d.cj.error })} />
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <BlockStack gap="400">
            <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
              <Card>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">
                    {t("home.connection.heading")}
                  </Text>
                  <InlineStack gap="200" blockAlign="center">
                    <Text as="span">{t("home.connection.shop")}</Text>
                    <Badge tone="success">{d.shop}</Badge>
                  </InlineStack>
                  <InlineStack gap="200" blockAlign="center">
                    <Text as="span">{t("home.connection.cj")}</Text>
                    {d.cj.connected ? (
                      <Badge tone="success">{t("home.connection.cjConnected", { qps: d.cj.qpsLimit ?? 1 })}</Badge>
                    ) : (
                      <Badge tone="attention">{t("home.connection.cjMissing")}</Badge>
                    )}
                  </InlineStack>
                  {d.cj.connected ? (
                    <InlineStack gap="200" blockAlign="center">
                      <Text as="span">{t("home.connection.level")}</Text>
                      <Badge>{d.cj.level ?? t("common.none")}</Badge>
                    </InlineStack>
                  ) : null}
                  {d.cj.points ? (
                    <InlineStack gap="200" blockAlign="center">
                      <Text as="span">{t("home.connection.points")}</Text>
                      <Badge tone={d.cj.points.quotesPaused ? "warning" : undefined}>
                        {t("home.connection.pointsUsed", {
                          used: d.cj.points.used.toLocaleString("en-US"),
                          budget: d.cj.points.budget.toLocaleString("en-US"),
                        })}
                      </Badge>
                      {d.cj.points.quotesPaused ? (
                        <Text as="span" tone="subdued">
                          {t("home.connection.pointsQuotesPaused")}
                        </Text>
                      ) : null}
                    </InlineStack>
                  ) : null}
                  <InlineStack gap="200" blockAlign="center">
                    <Text as="span">{t("home.connection.webhooks")}</Text>
                    {d.cj.webhooksRegisteredAt ? (
                      <Badge tone="success">
                        {t("home.connection.webhooksOn", { date: d.cj.webhooksRegisteredAt.slice(0, 10) })}
                      </Badge>
                    ) : (
                      <Badge tone="attention">{t("home.connection.webhooksOff")}</Badge>
                    )}
                  </InlineStack>
                </BlockStack>
              </Card>
              <Card>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">
                    {t("home.balance.heading")}
                  </Text>
                  {d.cj.balance ? (
                    <>
                      <Text as="p" variant="heading2xl" id="cj-balance">
                        {`${d.cj.balance.amount} USD`}
                      </Text>
                      <Text as="p" tone="subdued">
                        {`${t("home.balance.frozen")}: ${d.cj.balance.frozen} USD`}
                      </Text>
                    </>
                  ) : (
                    <Text as="p" tone="subdued">
                      {t("home.balance.unavailable")}
                    </Text>
                  )}
                </BlockStack>
              </Card>
            </InlineGrid>
            <Text as="h2" variant="headingMd">
              {t("home.kpi.heading")}
            </Text>
            {d.kpis.total === 0 ? <Text as="p">{t("home.orders.empty")}</Text> : null}
            <InlineGrid columns={{ xs: 2, md: 3 }} gap="400">
              <Kpi label={t("home.kpi.forwardedToday")} value={d.kpis.forwardedToday} />
              <Kpi
                label={t("home.kpi.awaitingPayment")}
                value={d.kpis.awaitingPayment}
                detail={t("home.kpi.awaitingPaymentAmount", { amount: d.kpis.awaitingPaymentAmount })}
              />
              <Kpi
                label={t("home.kpi.needsAttention")}
                value={d.kpis.needsAttention}
                tone={d.kpis.needsAttention > 0 ? "critical" : undefined}
              />
              <Kpi label={t("home.kpi.inTransit")} value={d.kpis.inTransit} />
              <Kpi label={t("home.kpi.delivered")} value={d.kpis.delivered} />
              <Kpi
                label={t("home.kpi.avgDaysToShip")}
                value={
                  d.kpis.avgDaysToShip === null
                    ? t("common.none")
                    : t("home.kpi.avgDaysValue", { days: d.kpis.avgDaysToShip })
                }
              />
            </InlineGrid>
            <Text as="p" tone="subdued">
              {t("home.orders.count", { count: d.kpis.total })}
            </Text>
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  {t("home.charts.byState")}
                </Text>
                <Chart
                  kind="stacked-bars"
                  label={t("home.charts.byState")}
                  series={anyOrders ? d.charts.byState : []}
                  emptyText={t("home.charts.empty")}
                />
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  {t("home.charts.spend")}
                </Text>
                <Chart
                  kind="line"
                  label={t("home.charts.spend")}
                  series={anySpend ? [{ name: t("home.charts.spendSeries"), data: d.charts.spend }] : []}
                  emptyText={t("home.charts.empty")}
                />
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <Onboarding panel={d.onboarding} />
        </Layout.Section>
      </Layout>
    </Page>
  );
}
