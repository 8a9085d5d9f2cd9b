import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Badge, BlockStack, Card, InlineStack, Layout, List, Page, Text } from "@shopify/polaris";
import db from "../db.server";
import { t } from "../i18n/strings";
import { authenticate } from "../shopify.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const shop = await db.shop.findUnique({
    where: { domain: session.shop },
    include: { cjAccount: { select: { qpsLimit: true, accountLevel: true, webhooksRegisteredAt: true } } },
  });
  const byState = shop
    ? await db.order.groupBy({ by: ["state"], where: { shopId: shop.id }, _count: { _all: true } })
    : [];
  return {
    shop: session.shop,
    cj: shop?.cjAccount ?? null,
    states: byState.map((s) => ({ state: s.state, count: s._count._all })),
  };
};

export default function Home() {
  const { shop, cj, states } = useLoaderData<typeof loader>();
  const total = states.reduce((n, s) => n + s.count, 0);
  return (
    <Page title={t("home.title")}>
      <Layout>
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                {t("home.connection.heading")}
              </Text>
              <InlineStack gap="200" blockAlign="center">
                <Text as="span">{t("home.connection.shop")}</Text>
                <Badge tone="success">{shop}</Badge>
              </InlineStack>
              <InlineStack gap="200" blockAlign="center">
                <Text as="span">{t("home.connection.cj")}</Text>
                {cj ? (
                  <Badge tone="success">{t("home.connection.cjConnected", { qps: cj.qpsLimit })}</Badge>
                ) : (
                  <Badge tone="attention">{t("home.connection.cjMissing")}</Badge>
                )}
              </InlineStack>
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                {t("home.orders.heading")}
              </Text>
              {total === 0 ? (
                <Text as="p">{t("home.orders.empty")}</Text>
              ) : (
                <>
                  <Text as="p">{t("home.orders.count", { count: total })}</Text>
                  <InlineStack gap="200">
                    {states.map((s) => (
                      <Badge key={s.state}>{`${s.state}: ${s.count}`}</Badge>
                    ))}
                  </InlineStack>
                </>
              )}
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">
                {t("home.checklist.heading")}
              </Text>
              <List type="number">
                <List.Item>{t("home.checklist.connectCj")}</List.Item>
                <List.Item>{t("home.checklist.rules")}</List.Item>
                <List.Item>{t("home.checklist.webhooks")}</List.Item>
                <List.Item>{t("home.checklist.sandbox")}</List.Item>
              </List>
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
