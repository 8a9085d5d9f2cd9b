import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import {
  type ShouldRevalidateFunction,
  useFetcher,
  useLoaderData,
  useLocation,
  useRevalidator,
} from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  Checkbox,
  ChoiceList,
  EmptyState,
  IndexTable,
  InlineStack,
  Link,
  List,
  Modal,
  Page,
  ProgressBar,
  Tabs,
  Text,
  TextField,
} from "@shopify/polaris";
import { useCallback, useEffect, useRef, useState } from "react";
import { useSessionUrl } from "../components/session-url";
import { useToast } from "../components/toast";
import { useDebouncedSearch, useUrlFilters } from "../components/url-filters";
import { errorStatus, pageDeps } from "../dashboard/deps.server";
import { type StringKey, t } from "../i18n/strings";
import { type BatchView, batchOfShop, startConnectSuggestions } from "../products/batch.server";
import {
  type CjVariantView,
  connectStoreVariant,
  disconnectStoreVariant,
  loadProductsPage,
  type ProductRow,
  type ProductsPage,
  previewCjVariant,
  refreshConnections,
  setNotFulfilledByCj,
  suggestForSkus,
} from "../products/products.server";
import { ageOf, PRODUCT_TABS, type ProductTab, parseProductsQuery } from "../products/view";
import { authenticate } from "../shopify.server";

export const meta: MetaFunction = () => [{ title: `${t("products.title")} · ${t("app.title")}` }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const query = parseProductsQuery(new URL(request.url));
  try {
    const page: ProductsPage = await loadProductsPage(pageDeps(), session.shop, query);
    return { ...page, error: null as string | null, now: new Date().toISOString() };
  } catch (error) {
    if (errorStatus(error) === 404) throw new Response("Not found", { status: 404 });
    // Shopify or CJ could not answer: the page says so instead of failing.
    const empty: ProductsPage = {
      query,
      rows: [],
      next: null,
      previous: null,
      scannedWithoutMatch: null,
      variantMissing: false,
      batch: null,
    };
    return {
      ...empty,
      error: `Shopify or CJ did not answer (${(error as Error).message}): reload the page in a minute; the home page shows the CJ connection.`,
      now: new Date().toISOString(),
    };
  }
};

type Intent =
  | "preview"
  | "connect"
  | "disconnect"
  | "notFulfilledByCj"
  | "suggest"
  | "connectAll"
  | "batchStatus"
  | "refresh";

interface ActionAnswer {
  ok: boolean;
  intent: Intent | string;
  message?: string;
  preview?: CjVariantView;
  suggestions?: Record<string, CjVariantView | null>;
  batch?: BatchView | null;
}

export const action = async ({ request }: ActionFunctionArgs): Promise<ActionAnswer> => {
  const { session } = await authenticate.admin(request);
  const form = await request.formData();
  const field = (name: string) => String(form.get(name) ?? "");
  const intent = field("intent");
  const deps = pageDeps();
  const shop = session.shop;
  const lookup = () => ({ by: field("by") === "vid" ? ("vid" as const) : ("sku" as const), value: field("value") });
  try {
    switch (intent) {
      case "preview":
        return { ok: true, intent, preview: await previewCjVariant(deps, shop, lookup()) };
      case "connect":
        return {
          ok: true,
          intent,
          ...(await connectStoreVariant(deps, shop, { variantGid: field("variantGid"), ...lookup() })),
        };
      case "disconnect":
        return { ok: true, intent, ...(await disconnectStoreVariant(deps, shop, field("variantGid"))) };
      case "notFulfilledByCj":
        return {
          ok: true,
          intent,
          ...(await setNotFulfilledByCj(deps, shop, field("variantGid"), field("value") === "true")),
        };
      case "suggest":
        return {
          ok: true,
          intent,
          suggestions: await suggestForSkus(
            deps,
            shop,
            form.getAll("sku").map((sku) => String(sku)),
          ),
        };
      case "connectAll":
        return {
          ok: true,
          intent,
          message: t("products.batch.started"),
          batch: await startConnectSuggestions(deps, shop),
        };
      case "batchStatus":
        return { ok: true, intent, batch: await batchOfShop(deps, shop, field("batchId")) };
      case "refresh":
        return { ok: true, intent, ...(await refreshConnections(deps, shop)) };
      default:
        return { ok: false, intent, message: "Unknown action." };
    }
  } catch (error) {
    if (errorStatus(error) === 404) throw new Response((error as Error).message, { status: 404 });
    return { ok: false, intent, message: (error as Error).message };
  }
};

// Reads (a lookup shown before saving, suggestions, the batch's progress) change nothing the page shows from its
// loader: they do not reload the variants from Shopify.
const READ_ONLY: readonly string[] = ["preview", "suggest", "batchStatus"];
export const shouldRevalidate: ShouldRevalidateFunction = ({ formData, defaultShouldRevalidate }) =>
  READ_ONLY.includes(String(formData?.get("intent") ?? "")) ? false : defaultShouldRevalidate;

const TAB_LABELS: Record<ProductTab, StringKey> = {
  all: "products.tab.all",
  unconnected: "products.tab.unconnected",
  connected: "products.tab.connected",
  notCj: "products.tab.notCj",
};

/** Suggestions are looked up a few SKUs at a time, so they appear while the rest are looked up. */
const SUGGEST_CHUNK = 5;

function CjConnection({ row, now }: { row: ProductRow; now: Date }) {
  const c = row.connection;
  const url = useSessionUrl();
  if (!c) {
    return row.notFulfilledByCj ? (
      <Badge tone="info">{t("products.tab.notCj")}</Badge>
    ) : (
      <Badge tone="attention">{t("products.cj.none")}</Badge>
    );
  }
  return (
    <BlockStack gap="050">
      {c.cjName ? <Text as="span">{c.cjName}</Text> : null}
      <Text as="span">
        {c.cjSku ? t("products.cj.sku", { sku: c.cjSku }) : t("products.cj.vid", { vid: c.cjVariantId })}
      </Text>
      {c.cjSku ? (
        <Text as="span" tone="subdued" breakWord>
          {t("products.cj.vid", { vid: c.cjVariantId })}
        </Text>
      ) : null}
      {c.cjPrice ? <Text as="span">{t("products.cj.price", { price: c.cjPrice })}</Text> : null}
      <Text as="span" tone="subdued">
        {[
          c.checkedAt ? t("products.checked", { age: ageOf(c.checkedAt, now) }) : null,
          c.source === "CJ" ? t("products.cj.fromCj") : c.source === "APP" ? t("products.cj.fromApp") : null,
        ]
          .filter(Boolean)
          .join(" · ")}
      </Text>
      {c.cjVariantId && c.cjSku ? (
        <Link url={url(`/app/stock?variant=${encodeURIComponent(c.cjVariantId)}`)} removeUnderline>
          {t("products.stockUp")}
        </Link>
      ) : null}
    </BlockStack>
  );
}

function BatchBanner({ batch, onDismiss }: { batch: BatchView; onDismiss: () => void }) {
  const running = batch.status === "RUNNING";
  const ok = batch.done - batch.failed;
  const stopped = batch.results.find((r) => r.variantGid === null);
  const failures = batch.results.filter((r) => !r.ok && r.variantGid !== null);
  const progress = batch.total ? Math.round((batch.done / batch.total) * 100) : 0;
  const status = running
    ? batch.scanning
      ? t("products.batch.scanning")
      : t("products.batch.running", { done: batch.done, total: batch.total })
    : batch.status === "FAILED"
      ? t("products.batch.failed", { reason: stopped?.message ?? "" })
      : t("products.batch.done", { ok, failed: batch.failed });
  return (
    <Banner
      tone={running ? "info" : batch.status === "FAILED" ? "critical" : batch.failed ? "warning" : "success"}
      onDismiss={running ? undefined : onDismiss}
    >
      <BlockStack gap="200">
        <Text as="p" id="batch-status">
          {status}
        </Text>
        <ProgressBar
          progress={running ? progress : 100}
          size="small"
          animated={running}
          ariaLabelledBy="batch-status"
        />
        {failures.length ? (
          <BlockStack gap="100">
            <Text as="p" fontWeight="semibold">
              {t("products.batch.failures")}
            </Text>
            <List>
              {failures.map((f) => (
                <List.Item key={f.variantGid}>{`${f.name ?? f.variantGid}: ${f.message}`}</List.Item>
              ))}
            </List>
          </BlockStack>
        ) : null}
      </BlockStack>
    </Banner>
  );
}

export default function Products() {
  const data = useLoaderData<typeof loader>();
  const { query, rows, next, previous } = data;
  const url = useSessionUrl();
  const location = useLocation();
  const revalidator = useRevalidator();
  const toast = useToast();
  // The loader's clock, so that the server's and the browser's "checked 3 h ago" agree.
  const now = new Date(data.now);

  // Every filter change is a URL change (shareable, back-button friendly); cursors reset with it.
  const go = useUrlFilters("/app/products");
  const applySearch = useCallback((q: string) => go({ q, variant: null }), [go]);
  const { search, type: typeSearch, set: setSearch } = useDebouncedSearch(query.q, applySearch);

  // The merchant's actions on rows and on the page; the last answer is shown on the page too (toasts need the admin).
  const actions = useFetcher<typeof action>();
  const [notice, setNotice] = useState<{ ok: boolean; message: string } | null>(null);
  const submit = (values: Record<string, string>) =>
    actions.submit(values, { method: "post", action: url(`/app/products${location.search}`) });
  const busy = actions.state !== "idle";
  // The box shows the merchant's choice at once, while it is saved; the rows read after saving say what was saved.
  // Cleared when a save has finished (the state went back to idle), not on any render that sees "idle": the click's
  // render may come before the fetcher reports its submission, and the box would snap back while it is saved.
  const [ticked, setTicked] = useState<Record<string, boolean>>({});
  const lastState = useRef(actions.state);
  useEffect(() => {
    const finished = lastState.current !== "idle" && actions.state === "idle";
    lastState.current = actions.state;
    if (finished) setTicked({});
  }, [actions.state]);
  useEffect(() => {
    const answer = actions.data;
    if (!answer?.message) return;
    // A started batch has its own banner.
    if (!(answer.ok && answer.intent === "connectAll")) setNotice({ ok: answer.ok, message: answer.message });
    toast(answer.message, { isError: !answer.ok });
  }, [actions.data, toast]);

  // The connect dialog: look the CJ variant up, show it, then save.
  const [target, setTarget] = useState<ProductRow | null>(null);
  const [by, setBy] = useState<"sku" | "vid">("sku");
  const [value, setValue] = useState("");
  const lookup = useFetcher<typeof action>();
  const saving = useFetcher<typeof action>();
  // What was looked up (by:value): the answer shown belongs to that input only, not to an earlier dialog's.
  const [lookedFor, setLookedFor] = useState("");
  const [saveError, setSaveError] = useState<string | null>(null);
  const saveSent = useRef(false);
  const inputKey = `${target?.variantGid ?? ""}|${by}:${value.trim()}`;
  const looked =
    lookup.state === "idle" && lookedFor === inputKey && lookup.data?.intent === "preview" ? lookup.data : undefined;
  const preview = looked?.ok ? looked.preview : undefined;
  const openConnect = (row: ProductRow) => {
    setTarget(row);
    setBy("sku");
    setValue("");
    setLookedFor("");
    setSaveError(null);
  };
  const lookUp = () => {
    setLookedFor(inputKey);
    lookup.submit({ intent: "preview", by, value }, { method: "post", action: url(`/app/products${location.search}`) });
  };
  const save = () => {
    if (!target) return;
    saveSent.current = true;
    setSaveError(null);
    saving.submit(
      { intent: "connect", variantGid: target.variantGid, by, value },
      { method: "post", action: url(`/app/products${location.search}`) },
    );
  };
  useEffect(() => {
    const answer = saving.data;
    if (saving.state !== "idle" || !saveSent.current || !answer?.message) return;
    saveSent.current = false;
    toast(answer.message, { isError: !answer.ok });
    if (answer.ok) {
      setNotice({ ok: true, message: answer.message });
      setTarget(null);
    } else setSaveError(answer.message);
  }, [saving.state, saving.data, toast]);

  // Suggestions for the rows shown: a store SKU that is a CJ SKU (cached lookups, a few at a time).
  const [suggestions, setSuggestions] = useState<Record<string, CjVariantView | null>>({});
  const [pending, setPending] = useState<string[]>([]);
  const suggest = useFetcher<typeof action>();
  const rowKey = rows.map((r) => r.variantGid).join(",");
  // biome-ignore lint/correctness/useExhaustiveDependencies: recomputed when the rows shown change (rowKey).
  useEffect(() => {
    const skus = rows
      .filter((r) => !r.connection && !r.notFulfilledByCj && r.sku)
      .map((r) => r.sku as string)
      .filter((sku) => !(sku in suggestions));
    setPending([...new Set(skus)]);
  }, [rowKey]);
  useEffect(() => {
    if (suggest.state !== "idle" || pending.length === 0) return;
    const chunk = pending.slice(0, SUGGEST_CHUNK);
    setPending((rest) => rest.slice(chunk.length));
    const body = new FormData();
    body.set("intent", "suggest");
    for (const sku of chunk) body.append("sku", sku);
    suggest.submit(body, { method: "post", action: url(`/app/products${location.search}`) });
  }, [suggest.state, pending, suggest.submit, url, location.search]);
  useEffect(() => {
    const found = suggest.data?.suggestions;
    if (found) setSuggestions((known) => ({ ...known, ...found }));
  }, [suggest.data]);
  const looking = pending.length > 0 || suggest.state !== "idle";

  // The bulk batch: polled every second while it runs, then the rows are read again.
  const [batch, setBatch] = useState<BatchView | null>(data.batch);
  const [batchHidden, setBatchHidden] = useState(false);
  useEffect(() => setBatch(data.batch), [data.batch]);
  useEffect(() => {
    const started = actions.data?.intent === "connectAll" ? actions.data.batch : undefined;
    if (started) {
      setBatch(started);
      setBatchHidden(false);
    }
  }, [actions.data]);
  const poll = useFetcher<typeof action>();
  const batchId = batch?.id;
  const batchRunning = batch?.status === "RUNNING";
  useEffect(() => {
    if (!batchRunning || !batchId) return;
    const timer = setInterval(() => {
      poll.submit(
        { intent: "batchStatus", batchId },
        { method: "post", action: url(`/app/products${location.search}`) },
      );
    }, 1000);
    return () => clearInterval(timer);
  }, [batchRunning, batchId, poll.submit, url, location.search]);
  const lastPoll = useRef<unknown>(null);
  useEffect(() => {
    const polled = poll.data?.batch;
    // Each answer once: the rows are read again when the batch has finished, not on every render after.
    if (!polled || poll.data === lastPoll.current) return;
    lastPoll.current = poll.data;
    setBatch(polled);
    if (polled.status !== "RUNNING") revalidator.revalidate();
  }, [poll.data, revalidator]);

  const tabs = PRODUCT_TABS.map((tab) => ({
    id: `products-tab-${tab}`,
    content: t(TAB_LABELS[tab]),
    panelID: "products-panel",
  }));

  const rowMarkup = rows.map((row, index) => {
    const suggestion = !row.connection && !row.notFulfilledByCj && row.sku ? suggestions[row.sku] : undefined;
    const highlighted = query.variant === row.variantGid;
    return (
      <IndexTable.Row
        id={row.variantGid}
        key={row.variantGid}
        position={index}
        tone={highlighted ? "subdued" : undefined}
      >
        <IndexTable.Cell>
          <BlockStack gap="050">
            <Text as="span" fontWeight="semibold">
              {row.productTitle}
            </Text>
            {row.variantTitle ? (
              <Text as="span" tone="subdued">
                {row.variantTitle}
              </Text>
            ) : null}
          </BlockStack>
        </IndexTable.Cell>
        <IndexTable.Cell>
          {row.sku ?? (
            <Text as="span" tone="subdued">
              {t("products.noSku")}
            </Text>
          )}
        </IndexTable.Cell>
        <IndexTable.Cell>
          <BlockStack gap="100" inlineAlign="start">
            <CjConnection row={row} now={now} />
            {suggestion ? (
              <InlineStack gap="200" blockAlign="center">
                <Text as="span">
                  {t("products.suggested", {
                    name: [
                      suggestion.name ?? suggestion.sku,
                      suggestion.sellPrice ? `${suggestion.sellPrice} USD` : null,
                    ]
                      .filter(Boolean)
                      .join(", "),
                  })}
                </Text>
                <Button
                  size="slim"
                  disabled={busy}
                  accessibilityLabel={t("products.suggested.connectLabel", { name: row.displayName })}
                  onClick={() =>
                    submit({ intent: "connect", variantGid: row.variantGid, by: "sku", value: row.sku ?? "" })
                  }
                >
                  {t("products.suggested.connect")}
                </Button>
              </InlineStack>
            ) : null}
          </BlockStack>
        </IndexTable.Cell>
        <IndexTable.Cell>
          {row.blockedOrders ? (
            <Badge tone="critical">{t("products.blocked.count", { count: row.blockedOrders })}</Badge>
          ) : (
            <Text as="span" tone="subdued">
              {t("products.blocked.none")}
            </Text>
          )}
        </IndexTable.Cell>
        <IndexTable.Cell>
          <BlockStack gap="200">
            <InlineStack gap="200">
              <Button
                size="slim"
                disabled={busy}
                onClick={() => openConnect(row)}
                accessibilityLabel={t(row.connection ? "products.action.changeLabel" : "products.action.connectLabel", {
                  name: row.displayName,
                })}
              >
                {t(row.connection ? "products.action.change" : "products.action.connect")}
              </Button>
              {row.connection ? (
                <Button
                  size="slim"
                  tone="critical"
                  disabled={busy}
                  accessibilityLabel={t("products.action.disconnectLabel", { name: row.displayName })}
                  onClick={() => submit({ intent: "disconnect", variantGid: row.variantGid })}
                >
                  {t("products.action.disconnect")}
                </Button>
              ) : null}
            </InlineStack>
            <Checkbox
              label={
                <>
                  {t("products.notCj.label")}
                  <Text as="span" visuallyHidden>
                    {t("products.notCj.of", { name: row.displayName })}
                  </Text>
                </>
              }
              checked={ticked[row.variantGid] ?? row.notFulfilledByCj}
              disabled={busy}
              onChange={(checked) => {
                setTicked((known) => ({ ...known, [row.variantGid]: checked }));
                submit({ intent: "notFulfilledByCj", variantGid: row.variantGid, value: String(checked) });
              }}
            />
          </BlockStack>
        </IndexTable.Cell>
      </IndexTable.Row>
    );
  });

  const connectModal = target ? (
    <Modal
      open
      onClose={() => setTarget(null)}
      title={t("products.modal.title", { name: target.displayName })}
      primaryAction={{
        content: t("products.modal.save"),
        disabled: !preview,
        loading: saving.state !== "idle",
        onAction: save,
      }}
      secondaryActions={[{ content: t("common.cancel"), onAction: () => setTarget(null) }]}
    >
      <Modal.Section>
        <BlockStack gap="300">
          <ChoiceList
            title={t("products.modal.by")}
            choices={[
              { label: t("products.modal.bySku"), value: "sku" },
              { label: t("products.modal.byVid"), value: "vid" },
            ]}
            selected={[by]}
            onChange={(v) => setBy(v[0] === "vid" ? "vid" : "sku")}
          />
          <TextField
            label={t("products.modal.value")}
            helpText={t("products.modal.valueHelp")}
            value={value}
            onChange={setValue}
            autoComplete="off"
            maxLength={100}
            error={looked && !looked.ok ? looked.message : undefined}
            connectedRight={
              <Button onClick={lookUp} disabled={!value.trim()} loading={lookup.state !== "idle"}>
                {t("products.modal.lookUp")}
              </Button>
            }
          />
          {preview ? (
            <Card>
              <BlockStack gap="100">
                <Text as="h3" variant="headingSm">
                  {t("products.modal.preview")}
                </Text>
                <Text
                  as="p"
                  id="cj-preview-name"
                >{`${t("products.modal.name")}: ${preview.name ?? t("common.none")}`}</Text>
                <Text as="p">{`${t("products.modal.cjSku")}: ${preview.sku ?? t("common.none")}`}</Text>
                <Text as="p">{`${t("products.modal.price")}: ${preview.sellPrice ? `${preview.sellPrice} USD` : t("common.none")}`}</Text>
                <Text as="p" breakWord>{`${t("products.modal.vid")}: ${preview.vid}`}</Text>
              </BlockStack>
            </Card>
          ) : null}
          {saveError ? (
            <Banner tone="critical">
              <p>{saveError}</p>
            </Banner>
          ) : null}
        </BlockStack>
      </Modal.Section>
    </Modal>
  ) : null;

  const onlyOne = query.variant ? rows[0] : undefined;
  return (
    <Page
      title={t("products.title")}
      subtitle={t("products.subtitle")}
      fullWidth
      backAction={{ content: t("nav.home"), url: url("/app") }}
      primaryAction={{
        content: t("products.action.refresh"),
        onAction: () => submit({ intent: "refresh" }),
        disabled: busy,
        loading: busy && actions.formData?.get("intent") === "refresh",
      }}
      secondaryActions={[
        {
          content: t("products.action.connectAll"),
          onAction: () => submit({ intent: "connectAll" }),
          disabled: busy || batchRunning,
        },
      ]}
    >
      {connectModal}
      <BlockStack gap="400">
        {data.error ? (
          <Banner tone="critical">
            <p>{data.error}</p>
          </Banner>
        ) : null}
        {notice ? (
          <Banner tone={notice.ok ? "success" : "critical"} onDismiss={() => setNotice(null)}>
            <p id="products-message">{notice.message}</p>
          </Banner>
        ) : null}
        {batch && !batchHidden ? <BatchBanner batch={batch} onDismiss={() => setBatchHidden(true)} /> : null}
        {query.variant ? (
          <Banner tone={data.variantMissing ? "warning" : "info"}>
            <BlockStack gap="100">
              <p>
                {data.variantMissing || !onlyOne
                  ? t("products.variant.missing", { gid: query.variant })
                  : t("products.variant.banner", { name: onlyOne.displayName })}
              </p>
              <Box>
                <Link url={url("/app/products")}>{t("products.variant.showAll")}</Link>
              </Box>
            </BlockStack>
          </Banner>
        ) : null}
        <Card padding="0">
          <Tabs
            tabs={tabs}
            selected={Math.max(0, PRODUCT_TABS.indexOf(query.tab))}
            onSelect={(i) => go({ tab: PRODUCT_TABS[i] === "all" ? null : (PRODUCT_TABS[i] ?? null), variant: null })}
          />
          <Box padding="300">
            <BlockStack gap="200">
              <TextField
                label={t("products.search.label")}
                labelHidden
                placeholder={t("products.search.placeholder")}
                value={search}
                onChange={typeSearch}
                clearButton
                onClearButtonClick={() => {
                  setSearch("");
                  go({ q: null });
                }}
                autoComplete="off"
              />
              {looking ? (
                <Text as="p" tone="subdued">
                  {t("products.suggested.looking")}
                </Text>
              ) : null}
            </BlockStack>
          </Box>
          <div id="products-panel">
            <IndexTable
              resourceName={{ singular: t("products.resource.singular"), plural: t("products.resource.plural") }}
              itemCount={rows.length}
              selectable={false}
              headings={[
                { title: t("products.col.variant") },
                { title: t("products.col.sku") },
                { title: t("products.col.cj") },
                { title: t("products.col.blocked") },
                { title: t("products.col.actions") },
              ]}
              emptyState={
                <EmptyState heading={t("products.empty.heading")} image="">
                  <p>
                    {data.scannedWithoutMatch
                      ? t("products.empty.scanned", { count: data.scannedWithoutMatch })
                      : t("products.empty.body")}
                  </p>
                </EmptyState>
              }
              pagination={{
                hasNext: Boolean(next),
                hasPrevious: Boolean(previous),
                onNext: () => next && go({ after: next, before: null }, true),
                onPrevious: () => previous && go({ before: previous, after: null }, true),
                accessibilityLabel: t("products.pagination"),
              }}
            >
              {rowMarkup}
            </IndexTable>
          </div>
        </Card>
      </BlockStack>
    </Page>
  );
}
