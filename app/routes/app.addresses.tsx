import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Button,
  Card,
  Checkbox,
  DataTable,
  FormLayout,
  Page,
  Text,
  TextField,
} from "@shopify/polaris";
import { useEffect, useState } from "react";
import { useSessionUrl } from "../components/session-url";
import { useToast } from "../components/toast";
import { errorStatus, pageDeps } from "../dashboard/deps.server";
import { t } from "../i18n/strings";
import { authenticate } from "../shopify.server";
import { listAddresses, saveAddress } from "../stock/address-book.server";
import { ADDRESS_FIELDS, type AddressField, REQUIRED_ADDRESS_FIELDS } from "../stock/address-fields";

export const meta: MetaFunction = () => [{ title: `${t("addresses.title")} · ${t("app.title")}` }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  try {
    return { addresses: await listAddresses(pageDeps(), session.shop), error: null };
  } catch (error) {
    return { addresses: [], error: (error as Error).message };
  }
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const form = Object.fromEntries([...(await request.formData())].map(([k, v]) => [k, String(v)]));
  try {
    return await saveAddress(pageDeps(), session.shop, form);
  } catch (error) {
    return { ok: false as const, message: (error as Error).message, errors: {}, status: errorStatus(error) };
  }
};

type Address = ReturnType<typeof useLoaderData<typeof loader>>["addresses"][number];
type Values = Record<AddressField | "id", string> & { isDefault: boolean };

const EMPTY: Values = {
  id: "",
  ...(Object.fromEntries(ADDRESS_FIELDS.map((f) => [f, ""])) as Record<AddressField, string>),
  isDefault: false,
};
const REQUIRED = REQUIRED_ADDRESS_FIELDS;

export default function Addresses() {
  const { addresses, error } = useLoaderData<typeof loader>();
  const url = useSessionUrl();
  const toast = useToast();
  const save = useFetcher<typeof action>();
  const [editing, setEditing] = useState<Values | null>(null);
  const errors: Partial<Record<string, string>> = save.data && !save.data.ok ? save.data.errors : {};

  useEffect(() => {
    if (save.state !== "idle" || !save.data) return;
    toast(save.data.message, { isError: !save.data.ok });
    if (save.data.ok) setEditing(null);
  }, [save.state, save.data, toast]);

  const edit = (a: Address) => setEditing({ ...a, isDefault: a.isDefault });
  const submit = () => {
    if (!editing) return;
    const form = new FormData();
    for (const [k, v] of Object.entries(editing)) form.set(k, k === "isDefault" ? (v ? "1" : "0") : String(v));
    save.submit(form, { method: "post", action: url("/app/addresses") });
  };
  const field = (key: AddressField, options: { type?: "email" | "tel" } = {}) => (
    <TextField
      label={`${t(`addresses.field.${key}`)}${REQUIRED.includes(key) ? "" : ` ${t("addresses.optional")}`}`}
      value={editing?.[key] ?? ""}
      onChange={(value) => setEditing((v) => (v ? { ...v, [key]: value } : v))}
      error={errors[key]}
      autoComplete="off"
      requiredIndicator={REQUIRED.includes(key)}
      {...options}
    />
  );

  return (
    <Page
      title={t("addresses.title")}
      subtitle={t("addresses.subtitle")}
      primaryAction={{
        content: t("addresses.add"),
        onAction: () => setEditing({ ...EMPTY }),
        disabled: Boolean(editing),
      }}
    >
      <BlockStack gap="400">
        {error ? (
          <Banner tone="critical" title={t("addresses.loadError")}>
            {error}
          </Banner>
        ) : null}
        {editing ? (
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                {editing.id
                  ? t("addresses.editTitle", { name: `${editing.firstName} ${editing.lastName}` })
                  : t("addresses.add")}
              </Text>
              {save.data && !save.data.ok ? <Banner tone="critical" title={save.data.message} /> : null}
              <FormLayout>
                <FormLayout.Group>
                  {field("firstName")}
                  {field("lastName")}
                </FormLayout.Group>
                <FormLayout.Group>
                  {field("address")}
                  {field("addressNew")}
                </FormLayout.Group>
                <FormLayout.Group>
                  {field("city")}
                  {field("province")}
                  {field("zip")}
                </FormLayout.Group>
                <FormLayout.Group>
                  {field("country")}
                  {field("countryCode")}
                  {field("countyTown")}
                </FormLayout.Group>
                <FormLayout.Group>
                  {field("phone", { type: "tel" })}
                  {field("mail", { type: "email" })}
                  {field("consigneeId")}
                </FormLayout.Group>
                <Checkbox
                  label={t("addresses.default")}
                  checked={editing.isDefault}
                  onChange={(on) => setEditing((v) => (v ? { ...v, isDefault: on } : v))}
                />
              </FormLayout>
              <BlockStack gap="200" inlineAlign="start">
                <Button variant="primary" loading={save.state !== "idle"} onClick={submit}>
                  {t("addresses.save")}
                </Button>
                <Button variant="plain" onClick={() => setEditing(null)}>
                  {t("common.cancel")}
                </Button>
              </BlockStack>
            </BlockStack>
          </Card>
        ) : null}
        <Card>
          {addresses.length ? (
            <DataTable
              columnContentTypes={["text", "text", "text", "text", "text"]}
              headings={[
                t("addresses.col.name"),
                t("addresses.col.address"),
                t("addresses.col.country"),
                t("addresses.col.phone"),
                "",
              ]}
              rows={addresses.map((a) => [
                <BlockStack key={a.id} gap="100">
                  <Text as="span">{a.name}</Text>
                  {a.isDefault ? <Badge tone="info">{t("addresses.isDefault")}</Badge> : null}
                </BlockStack>,
                [a.address, a.addressNew, `${a.zip} ${a.city}`.trim(), a.province].filter(Boolean).join(", "),
                `${a.country} (${a.countryCode})`,
                a.phone,
                <Button
                  key={`edit-${a.id}`}
                  onClick={() => edit(a)}
                  accessibilityLabel={t("addresses.editOf", { name: a.name })}
                >
                  {t("addresses.edit")}
                </Button>,
              ])}
            />
          ) : (
            <Text as="p" tone="subdued">
              {t("addresses.none")}
            </Text>
          )}
        </Card>
      </BlockStack>
    </Page>
  );
}
