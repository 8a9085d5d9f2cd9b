import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Card,
  InlineGrid,
  InlineStack,
  Layout,
  Page,
  ProgressBar,
  Text,
} from "@shopify/polaris";
import { Chart } from "../components/Chart";
import { useSessionUrl } from "../components/session-url";
import { loadDashboard } from "../dashboard/dashboard.server";
import { pageDeps } from "../dashboard/deps.server";
import { type StringKey, t } from "../i18n/strings";
import { authenticate } from "../shopify.server";

export const meta: MetaFunction = () => [{ title: t("home.title") }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const deps = pageDeps();
  return loadDashboard(deps.db, deps.ports, session.shop);
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

const CHECKLIST: { key: "connectCj" | "rules" | "webhooks" | "sandbox"; label: StringKey; to: string }[] = [
  { key: "connectCj", label: "home.checklist.connectCj", to: "/app/settings" },
  { key: "rules", label: "home.checklist.rules", to: "/app/settings" },
  { key: "webhooks", label: "home.checklist.webhooks", to: "/app/settings" },
  { key: "sandbox", label: "home.checklist.sandbox", to: "/app/orders" },
];

export default function Home() {
  const d = useLoaderData<typeof loader>();
  const url = useSessionUrl();
  const done = CHECKLIST.filter((c) => d.checklist[c.key]).length;
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
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                {t("home.checklist.heading")}
              </Text>
              <ProgressBar progress={(done / CHECKLIST.length) * 100} size="small" tone="primary" />
              <Text as="p" tone="subdued">
                {t("home.checklist.progress", { done, total: CHECKLIST.length })}
              </Text>
              <BlockStack gap="200" as="ul">
                {CHECKLIST.map((c) => (
                  <Box as="li" key={c.key}>
                    <InlineStack gap="200" blockAlign="center" wrap={false}>
                      <Badge
                        tone={d.checklist[c.key] ? "success" : undefined}
                        progress={d.checklist[c.key] ? "complete" : "incomplete"}
                      >
                        {d.checklist[c.key] ? t("home.checklist.done") : t("home.checklist.open")}
                      </Badge>
                      <a href={url(c.to)}>{t(c.label)}</a>
                    </InlineStack>
                  </Box>
                ))}
              </BlockStack>
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
