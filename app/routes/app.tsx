import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Link, Outlet, useLoaderData, useLocation, useNavigation, useRouteError } from "@remix-run/react";
import { NavMenu } from "@shopify/app-bridge-react";
import { Banner, Box, Card, SkeletonBodyText, SkeletonPage } from "@shopify/polaris";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import polarisVizStyles from "@shopify/polaris-viz/build/esm/styles.css?url";
import { AppProvider } from "@shopify/shopify-app-remix/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { useSessionUrl } from "../components/session-url";
import db from "../db.server";
import { t } from "../i18n/strings";
import { authenticate } from "../shopify.server";

export const links = () => [
  { rel: "stylesheet", href: polarisStyles },
  { rel: "stylesheet", href: polarisVizStyles },
];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  // Shown on every page while Shopify refuses the app's background token (decision 0009).
  const shop = await db.shop.findUnique({
    where: { domain: session.shop },
    select: {
      reconnectReason: true,
      reconnectSince: true,
      tokenMigrationProblem: true,
      settings: { select: { sandbox: true } },
    },
  });
  return {
    apiKey: process.env.SHOPIFY_API_KEY || "",
    reconnect: shop?.reconnectReason
      ? { reason: shop.reconnectReason, since: shop.reconnectSince?.toISOString() ?? null }
      : null,
    tokenNotice: shop?.tokenMigrationProblem ?? null,
    // Sandbox mode is an explicit choice: while it is on, every page says that CJ ships nothing.
    sandbox: Boolean(shop?.settings?.sandbox),
  };
};

export default function AppLayout() {
  const { apiKey, reconnect, tokenNotice, sandbox } = useLoaderData<typeof loader>();
  const url = useSessionUrl();
  const navigation = useNavigation();
  const location = useLocation();
  // Another page is loading: show its skeleton rather than the old page.
  const switching = navigation.state === "loading" && navigation.location.pathname !== location.pathname;
  return (
    <AppProvider isEmbeddedApp apiKey={apiKey}>
      <NavMenu>
        <Link to={url("/app")} rel="home">
          {t("nav.home")}
        </Link>
        <Link to={url("/app/orders")}>{t("nav.orders")}</Link>
        <Link to={url("/app/products")}>{t("products.nav")}</Link>
        <Link to={url("/app/money")}>{t("money.nav")}</Link>
        <Link to={url("/app/merge")}>{t("merge.nav")}</Link>
        <Link to={url("/app/stock")}>{t("stock.nav")}</Link>
        <Link to={url("/app/outbound")}>{t("outbound.nav")}</Link>
        <Link to={url("/app/addresses")}>{t("addresses.nav")}</Link>
        <Link to={url("/app/quotes")}>{t("nav.quotes")}</Link>
        <Link to={url("/app/settings")}>{t("nav.settings")}</Link>
      </NavMenu>
      {reconnect ? (
        <Box padding="400">
          <Banner tone="critical" title={t("reconnect.title")}>
            <p>{reconnect.reason}</p>
            <p>{t("reconnect.body")}</p>
          </Banner>
        </Box>
      ) : null}
      {tokenNotice && !reconnect ? (
        <Box padding="400">
          <Banner tone="warning" title={t("tokenNotice.title")}>
            <p>{tokenNotice}</p>
          </Banner>
        </Box>
      ) : null}
      {sandbox ? (
        <Box padding="400">
          <Banner tone="warning" title={t("sandbox.banner.title")}>
            <p>{t("sandbox.banner.body")}</p>
          </Banner>
        </Box>
      ) : null}
      {switching ? (
        <SkeletonPage primaryAction>
          <Card>
            <SkeletonBodyText lines={6} />
          </Card>
        </SkeletonPage>
      ) : (
        <Outlet />
      )}
    </AppProvider>
  );
}

// Shopify needs Remix to catch some thrown responses so that their headers are included in the response.
export function ErrorBoundary() {
  return boundary.error(useRouteError());
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
