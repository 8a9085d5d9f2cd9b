import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Button,
  Card,
  FormLayout,
  InlineStack,
  Layout,
  Page,
  Text,
  TextField,
} from "@shopify/polaris";
import { useState } from "react";
import { FreightOptionsTable } from "../components/FreightOptionsTable";
import { useSessionUrl } from "../components/session-url";
import { pageDeps } from "../dashboard/deps.server";
import { quoteProducts } from "../fulfillment/actions.server";
import { maxDays } from "../fulfillment/rules";
import { t } from "../i18n/strings";
import { authenticate } from "../shopify.server";

export const meta: MetaFunction = () => [{ title: `${t("quotes.title")} · ${t("app.title")}` }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const { db } = pageDeps();
  // The store SKUs the app has already seen connected to CJ variants: a starting point for the picker.
  const known = await db.orderLine.findMany({
    where: { order: { shop: { domain: session.shop } }, sku: { not: null }, cjVariantId: { not: null } },
    select: { sku: true },
    distinct: ["sku"],
    take: 20,
  });
  return { knownSkus: known.map((k) => k.sku).filter((s): s is string => Boolean(s)) };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const form = await request.formData();
  const skus = form.getAll("sku").map(String);
  const quantities = form.getAll("quantity").map((q) => Number(q));
  const lines = skus
    .map((sku, i) => ({ sku: sku.trim(), quantity: quantities[i] ?? 0 }))
    .filter((l) => l.sku && Number.isInteger(l.quantity) && l.quantity > 0);
  const countryCode = String(form.get("countryCode") ?? "")
    .trim()
    .toUpperCase();
  const zip = String(form.get("zip") ?? "").trim() || null;
  if (!lines.length || !/^[A-Z]{2}$/.test(countryCode)) return { ok: false as const, error: t("quotes.invalid") };
  try {
    const result = await quoteProducts(pageDeps(), session.shop, { lines, countryCode, zip });
    return { ok: true as const, options: result.options, unmapped: result.unmapped };
  } catch (error) {
    return { ok: false as const, error: (error as Error).message };
  }
};

export default function Quotes() {
  const { knownSkus } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const submit = useSubmit();
  const navigation = useNavigation();
  const url = useSessionUrl();
  const [lines, setLines] = useState([{ key: 0, sku: knownSkus[0] ?? "", quantity: "1" }]);
  const [countryCode, setCountryCode] = useState("US");
  const [zip, setZip] = useState("");

  const update = (key: number, change: Partial<{ sku: string; quantity: string }>) =>
    setLines((ls) => ls.map((l) => (l.key === key ? { ...l, ...change } : l)));
  const send = () => {
    const form = new FormData();
    for (const l of lines) {
      form.append("sku", l.sku);
      form.append("quantity", l.quantity);
    }
    form.append("countryCode", countryCode);
    form.append("zip", zip);
    submit(form, { method: "post" });
  };

  const options = result?.ok ? result.options : [];
  const cheapest = options[0]?.logisticName;
  const fastest = [...options].sort((a, b) => (maxDays(a.aging) ?? 999) - (maxDays(b.aging) ?? 999))[0]?.logisticName;

  return (
    <Page title={t("quotes.title")} backAction={{ content: t("nav.home"), url: url("/app") }}>
      <Layout>
        <Layout.Section>
          <Card>
            <BlockStack gap="400">
              <Text as="h2" variant="headingMd">
                {t("quotes.lines")}
              </Text>
              {knownSkus.length ? (
                <Text as="p" tone="subdued">
                  {t("quotes.knownSkus", { skus: knownSkus.join(", ") })}
                </Text>
              ) : null}
              {lines.map((l, i) => (
                <FormLayout.Group key={l.key} condensed>
                  <TextField
                    label={`${t("quotes.sku")} ${i + 1}`}
                    value={l.sku}
                    onChange={(sku) => update(l.key, { sku })}
                    autoComplete="off"
                  />
                  <TextField
                    label={`${t("quotes.quantity")} ${i + 1}`}
                    type="number"
                    min={1}
                    value={l.quantity}
                    onChange={(quantity) => update(l.key, { quantity })}
                    autoComplete="off"
                    connectedRight={
                      lines.length > 1 ? (
                        <Button onClick={() => setLines((ls) => ls.filter((x) => x.key !== l.key))}>
                          {t("quotes.removeLine")}
                        </Button>
                      ) : undefined
                    }
                  />
                </FormLayout.Group>
              ))}
              <InlineStack>
                <Button
                  onClick={() =>
                    setLines((ls) => [...ls, { key: Math.max(...ls.map((x) => x.key)) + 1, sku: "", quantity: "1" }])
                  }
                >
                  {t("quotes.addLine")}
                </Button>
              </InlineStack>
              <FormLayout.Group condensed>
                <TextField
                  label={t("quotes.country")}
                  value={countryCode}
                  onChange={setCountryCode}
                  maxLength={2}
                  autoComplete="country"
                />
                <TextField label={t("quotes.zip")} value={zip} onChange={setZip} autoComplete="postal-code" />
              </FormLayout.Group>
              <InlineStack>
                <Button variant="primary" onClick={send} loading={navigation.state === "submitting"}>
                  {t("quotes.submit")}
                </Button>
              </InlineStack>
            </BlockStack>
          </Card>
        </Layout.Section>
        {result ? (
          <Layout.Section>
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  {t("quotes.results")}
                </Text>
                {!result.ok ? <Banner tone="critical" title={result.error} /> : null}
                {result.ok && result.unmapped.length ? (
                  <Banner tone="warning" title={t("quotes.unmapped", { skus: result.unmapped.join(", ") })} />
                ) : null}
                {result.ok && options.length === 0 ? <Text as="p">{t("quotes.none")}</Text> : null}
                {options.length ? (
                  <FreightOptionsTable
                    label={t("quotes.results")}
                    options={options}
                    extra={(o) => (
                      <InlineStack gap="100">
                        {o.logisticName === cheapest ? <Badge tone="success">{t("quotes.cheapest")}</Badge> : null}
                        {o.logisticName === fastest ? <Badge tone="info">{t("quotes.fastest")}</Badge> : null}
                      </InlineStack>
                    )}
                  />
                ) : null}
              </BlockStack>
            </Card>
          </Layout.Section>
        ) : null}
      </Layout>
    </Page>
  );
}
