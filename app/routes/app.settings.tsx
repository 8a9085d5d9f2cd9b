import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import {
  Banner,
  BlockStack,
  Button,
  Card,
  Checkbox,
  FormLayout,
  InlineStack,
  Layout,
  Page,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { useEffect, useState } from "react";
import { useSessionUrl } from "../components/session-url";
import { useToast } from "../components/toast";
import { pageDeps } from "../dashboard/deps.server";
import { getCjWebhookRegistration, registerCjWebhooks } from "../fulfillment/tracking/registration.server";
import { checkAccountWebhooks } from "../fulfillment/tracking/webhook-health.server";
import { t } from "../i18n/strings";
import { decryptSecret } from "../secrets/crypto.server";
import { storesSharingAccount } from "../settings/cj-account.server";
import {
  connectCjAccount,
  type FieldErrors,
  loadSettings,
  maskSecret,
  saveSettings,
} from "../settings/settings.server";
import { authenticate } from "../shopify.server";

export const meta: MetaFunction = () => [{ title: `${t("settings.title")} · ${t("app.title")}` }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const { db } = pageDeps();
  const { shop, settings, cjAccount } = await loadSettings(db, session.shop);
  let masked = "";
  if (cjAccount) {
    try {
      masked = maskSecret(decryptSecret(cjAccount.apiKeyEnc));
    } catch {
      masked = "••••••••";
    }
  }
  const webhooks = cjAccount ? await getCjWebhookRegistration(db, shop.id) : null;
  const sharedWith = cjAccount ? await storesSharingAccount(db, shop.id) : [];
  const preferred = JSON.parse(settings.preferredLogistics || "{}") as Record<string, string[]>;
  return {
    cj: cjAccount ? { masked, qpsLimit: cjAccount.qpsLimit, sharedWith } : null,
    webhooks: webhooks
      ? { ...webhooks, registeredAt: webhooks.registeredAt ? webhooks.registeredAt.toISOString() : null }
      : null,
    values: {
      forwardingTrigger: settings.forwardingTrigger,
      paused: settings.paused,
      holdHighRisk: settings.holdHighRisk,
      orderTotalCap: settings.orderTotalCap ?? "",
      logisticsRule: settings.logisticsRule,
      logisticsMaxDays: String(settings.logisticsMaxDays),
      preferredLogistics: Object.entries(preferred)
        .map(([country, methods]) => `${country}: ${methods.join(", ")}`)
        .join("\n"),
      fromCountryCode: settings.fromCountryCode,
      paymentMode: settings.paymentMode,
      autoPayPerOrderCap: settings.autoPayPerOrderCap ?? "",
      autoPayPerDayCap: settings.autoPayPerDayCap ?? "",
      iossType: settings.iossType === null ? "" : String(settings.iossType),
      iossNumber: settings.iossNumber ?? "",
      storeName: settings.storeName ?? "",
      sendOrderNote: settings.sendOrderNote,
      sandbox: settings.sandbox,
      notifyCustomer: settings.notifyCustomer,
      trackingSync: settings.trackingSync,
      mergeOrders: settings.mergeOrders,
      mergeWindowMinutes: String(settings.mergeWindowMinutes),
    },
  };
};

type ActionResult =
  | { intent: "save"; ok: true }
  | { intent: "save"; ok: false; errors: FieldErrors }
  | { intent: "connect"; ok: true; qpsLimit: number }
  | { intent: "connect"; ok: false; error: string }
  | { intent: "webhooks"; ok: true }
  | { intent: "webhooks"; ok: false; error: string };

export const action = async ({ request }: ActionFunctionArgs): Promise<ActionResult> => {
  const { session } = await authenticate.admin(request);
  const deps = pageDeps();
  const form = Object.fromEntries(await request.formData());
  if (form.intent === "connect") {
    const result = await connectCjAccount(deps.db, session.shop, String(form.cjApiKey ?? ""));
    if (!result.ok) return { intent: "connect", ...result };
    // Webhooks are registered as soon as a key is connected and the app runs on HTTPS.
    const { shop } = await loadSettings(deps.db, session.shop);
    if (shop.cjAccountId) await checkAccountWebhooks(deps, shop.cjAccountId, process.env.SHOPIFY_APP_URL ?? "");
    return { intent: "connect", ok: true, qpsLimit: result.qpsLimit };
  }
  if (form.intent === "webhooks") {
    try {
      const { shop } = await loadSettings(deps.db, session.shop);
      await registerCjWebhooks(deps, shop.id, process.env.SHOPIFY_APP_URL ?? "");
      return { intent: "webhooks", ok: true };
    } catch (error) {
      return { intent: "webhooks", ok: false, error: (error as Error).message };
    }
  }
  const { intent: _intent, ...values } = form;
  const result = await saveSettings(deps.db, session.shop, values, deps.queue);
  return { intent: "save", ...result };
};

type Values = ReturnType<typeof useLoaderData<typeof loader>>["values"];

export default function Settings() {
  const { cj, webhooks, values: saved } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const submit = useSubmit();
  const navigation = useNavigation();
  const url = useSessionUrl();
  const toast = useToast();
  const [values, setValues] = useState<Values>(saved);
  const [apiKey, setApiKey] = useState("");
  const busy = navigation.state !== "idle";

  useEffect(() => {
    if (!result) return;
    if (result.intent === "save")
      toast(result.ok ? t("settings.saved") : t("settings.invalid"), { isError: !result.ok });
    if (result.intent === "connect") {
      toast(result.ok ? t("settings.cj.connected", { qps: result.qpsLimit }) : result.error, { isError: !result.ok });
      if (result.ok) setApiKey("");
    }
    if (result.intent === "webhooks")
      toast(result.ok ? t("settings.webhooks.done") : result.error, { isError: !result.ok });
  }, [result, toast]);

  const errors: FieldErrors = result?.intent === "save" && !result.ok ? result.errors : {};
  const set =
    <K extends keyof Values>(key: K) =>
    (value: Values[K]) =>
      setValues((v) => ({ ...v, [key]: value }));
  const text = (
    key: keyof Values,
    label: string,
    extra: { helpText?: string; multiline?: number; type?: "number" } = {},
  ) => (
    <TextField
      label={label}
      name={key}
      value={String(values[key])}
      onChange={set(key) as (v: string) => void}
      error={errors[key as keyof FieldErrors]}
      autoComplete="off"
      helpText={extra.helpText}
      multiline={extra.multiline}
      type={extra.type}
    />
  );
  const check = (key: keyof Values, label: string) => (
    <Checkbox
      label={label}
      checked={Boolean(values[key])}
      onChange={set(key) as (v: boolean) => void}
      error={errors[key as keyof FieldErrors]}
    />
  );
  const save = () => {
    const form: Record<string, string> = { intent: "save" };
    for (const [k, v] of Object.entries(values)) form[k] = typeof v === "boolean" ? String(v) : v;
    submit(form, { method: "post" });
  };

  return (
    <Page
      title={t("settings.title")}
      backAction={{ content: t("nav.home"), url: url("/app") }}
      primaryAction={{ content: t("common.save"), onAction: save, loading: busy }}
    >
      <Layout>
        {result?.intent === "save" ? (
          <Layout.Section>
            {result.ok ? (
              <Banner tone="success" title={t("settings.saved")} />
            ) : (
              <Banner tone="critical" title={t("settings.invalid")} />
            )}
          </Layout.Section>
        ) : null}
        <Layout.AnnotatedSection title={t("settings.cj.heading")}>
          <Card>
            <BlockStack gap="300">
              <Text as="p">{cj ? t("settings.cj.current", { masked: cj.masked }) : t("settings.cj.none")}</Text>
              {cj && cj.sharedWith.length > 0 ? (
                <Banner tone="info" title={t("settings.cj.shared", { stores: cj.sharedWith.join(", ") })} />
              ) : null}
              <TextField
                label={t("settings.cj.key")}
                type="password"
                value={apiKey}
                onChange={setApiKey}
                autoComplete="off"
                helpText={t("settings.cj.keyHelp")}
                error={result?.intent === "connect" && !result.ok ? result.error : undefined}
              />
              {result?.intent === "connect" && result.ok ? (
                <Banner tone="success" title={t("settings.cj.connected", { qps: result.qpsLimit })} />
              ) : null}
              <InlineStack>
                <Button
                  onClick={() => submit({ intent: "connect", cjApiKey: apiKey }, { method: "post" })}
                  disabled={!apiKey || busy}
                >
                  {t("settings.cj.connect")}
                </Button>
              </InlineStack>
            </BlockStack>
          </Card>
        </Layout.AnnotatedSection>
        <Layout.AnnotatedSection title={t("settings.webhooks.heading")}>
          <Card>
            <BlockStack gap="300">
              <Text as="p">
                {webhooks?.registeredAt
                  ? t("settings.webhooks.registered", { date: webhooks.registeredAt.slice(0, 16).replace("T", " ") })
                  : t("settings.webhooks.notRegistered")}
              </Text>
              {webhooks?.orderCallbackUrl ? (
                <Text as="p" tone="subdued">
                  {webhooks.orderCallbackUrl}
                </Text>
              ) : null}
              {result?.intent === "webhooks" && !result.ok ? <Banner tone="critical" title={result.error} /> : null}
              <InlineStack>
                <Button onClick={() => submit({ intent: "webhooks" }, { method: "post" })} disabled={!cj || busy}>
                  {t("settings.webhooks.register")}
                </Button>
              </InlineStack>
            </BlockStack>
          </Card>
        </Layout.AnnotatedSection>
        <Layout.AnnotatedSection title={t("settings.forwarding.heading")}>
          <Card>
            <FormLayout>
              <Select
                label={t("settings.forwardingTrigger")}
                name="forwardingTrigger"
                options={(["ON_PAYMENT", "ON_CREATION", "MANUAL"] as const).map((v) => ({
                  value: v,
                  label: t(`settings.trigger.${v}`),
                }))}
                value={values.forwardingTrigger}
                onChange={set("forwardingTrigger")}
                error={errors.forwardingTrigger}
              />
              {check("paused", t("settings.paused"))}
              {check("holdHighRisk", t("settings.holdHighRisk"))}
              {text("orderTotalCap", t("settings.orderTotalCap"), { helpText: t("settings.capHelp") })}
            </FormLayout>
          </Card>
        </Layout.AnnotatedSection>
        <Layout.AnnotatedSection title={t("settings.logistics.heading")}>
          <Card>
            <FormLayout>
              <Select
                label={t("settings.logisticsRule")}
                name="logisticsRule"
                options={(["CHEAPEST_WITHIN_DAYS", "FASTEST", "PREFERRED"] as const).map((v) => ({
                  value: v,
                  label: t(`settings.rule.${v}`),
                }))}
                value={values.logisticsRule}
                onChange={set("logisticsRule")}
                error={errors.logisticsRule}
              />
              {text("logisticsMaxDays", t("settings.logisticsMaxDays"), { type: "number" })}
              {text("preferredLogistics", t("settings.preferredLogistics"), {
                helpText: t("settings.preferredHelp"),
                multiline: 3,
              })}
              {text("fromCountryCode", t("settings.fromCountryCode"))}
            </FormLayout>
          </Card>
        </Layout.AnnotatedSection>
        <Layout.AnnotatedSection title={t("settings.payment.heading")}>
          <Card>
            <FormLayout>
              <Select
                label={t("settings.paymentMode")}
                name="paymentMode"
                options={(["LINK", "BALANCE"] as const).map((v) => ({ value: v, label: t(`settings.payment.${v}`) }))}
                value={values.paymentMode}
                onChange={set("paymentMode")}
                error={errors.paymentMode}
              />
              {text("autoPayPerOrderCap", t("settings.autoPayPerOrderCap"), { helpText: t("settings.capHelp") })}
              {text("autoPayPerDayCap", t("settings.autoPayPerDayCap"), { helpText: t("settings.capHelp") })}
            </FormLayout>
          </Card>
        </Layout.AnnotatedSection>
        <Layout.AnnotatedSection title={t("settings.customs.heading")}>
          <Card>
            <FormLayout>
              <Select
                label={t("settings.iossType")}
                name="iossType"
                options={[
                  { value: "", label: t("settings.ioss.none") },
                  { value: "1", label: t("settings.ioss.1") },
                  { value: "2", label: t("settings.ioss.2") },
                  { value: "3", label: t("settings.ioss.3") },
                ]}
                value={values.iossType}
                onChange={set("iossType")}
                error={errors.iossType}
              />
              {text("iossNumber", t("settings.iossNumber"))}
              {text("storeName", t("settings.storeName"))}
              {check("sendOrderNote", t("settings.sendOrderNote"))}
              {check("sandbox", t("settings.sandbox"))}
              {check("notifyCustomer", t("settings.notifyCustomer"))}
              <Select
                label={t("settings.trackingSync")}
                name="trackingSync"
                options={(["AFTER_DISPATCH", "BEFORE_DISPATCH"] as const).map((v) => ({
                  value: v,
                  label: t(`settings.tracking.${v}`),
                }))}
                value={values.trackingSync}
                onChange={set("trackingSync")}
                error={errors.trackingSync}
              />
            </FormLayout>
          </Card>
        </Layout.AnnotatedSection>
        <Layout.AnnotatedSection title={t("settings.merge.heading")} description={t("settings.merge.description")}>
          <Card>
            <FormLayout>
              {check("mergeOrders", t("settings.mergeOrders"))}
              {text("mergeWindowMinutes", t("settings.mergeWindowMinutes"), {
                type: "number",
                helpText: t("settings.mergeWindowHelp"),
              })}
            </FormLayout>
          </Card>
        </Layout.AnnotatedSection>
        <Layout.Section>
          <InlineStack align="end">
            <Button variant="primary" onClick={save} loading={busy}>
              {t("common.save")}
            </Button>
          </InlineStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
