import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData, useRevalidator } from "@remix-run/react";
import {
  Banner,
  BlockStack,
  Card,
  ChoiceList,
  EmptyState,
  Filters,
  IndexTable,
  Link,
  List,
  Modal,
  Page,
  ProgressBar,
  Tabs,
  Text,
  TextField,
  useIndexResourceState,
} from "@shopify/polaris";
import { useCallback, useState } from "react";
import { StateBadge } from "../components/StateBadge";
import { useSessionUrl } from "../components/session-url";
import { useToast } from "../components/toast";
import { useDebouncedSearch, useUrlFilters } from "../components/url-filters";
import { listOrders, parseOrdersQuery } from "../dashboard/orders.server";
import { type OrderTab, visibleTabs } from "../dashboard/tabs";
import db from "../db.server";
import type { BalancePaymentPreview, OrderAction } from "../fulfillment/actions.server";
import { type StringKey, t } from "../i18n/strings";
import { authenticate } from "../shopify.server";

const SORT_LABEL = {
  newest: "orders.sort.newest",
  oldest: "orders.sort.oldest",
  "profit-asc": "orders.sort.profitAsc",
  "profit-desc": "orders.sort.profitDesc",
} as const;

export const meta: MetaFunction = () => [{ title: `${t("orders.title")} · ${t("app.title")}` }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const query = parseOrdersQuery(new URL(request.url));
  const page = await listOrders(db, session.shop, query);
  const settings = await db.shopSettings.findFirst({
    where: { shop: { domain: session.shop } },
    select: { liveAt: true, forwardingTrigger: true },
  });
  const shown = visibleTabs(page.counts, {
    live: Boolean(settings?.liveAt),
    manual: settings?.forwardingTrigger === "MANUAL",
  });
  return { query, ...page, shown };
};

const TAB_LABELS: Record<OrderTab, StringKey> = {
  all: "orders.tab.all",
  setup: "orders.tab.setup",
  toforward: "orders.tab.toforward",
  attention: "orders.tab.attention",
  held: "orders.tab.held",
  awaiting: "orders.tab.awaiting",
  transit: "orders.tab.transit",
  delivered: "orders.tab.delivered",
  cancelled: "orders.tab.cancelled",
};

const BULK: { action: OrderAction; label: StringKey }[] = [
  { action: "forward", label: "orders.bulk.forward" },
  { action: "approve", label: "orders.bulk.approve" },
  { action: "pay", label: "orders.bulk.pay" },
  { action: "retry", label: "orders.bulk.retry" },
  { action: "refresh", label: "orders.bulk.refresh" },
];

interface BulkRun {
  label: string;
  total: number;
  done: number;
  ok: number;
  failures: string[];
  running: boolean;
}

const formatDate = (iso: string) => iso.slice(0, 16).replace("T", " ");

export default function Orders() {
  const { query, rows, next, previous, counts, shown } = useLoaderData<typeof loader>();
  const url = useSessionUrl();
  const revalidator = useRevalidator();
  const toast = useToast();

  // Every filter change is a URL change (shareable, back-button friendly); cursors reset with it.
  const go = useUrlFilters("/app/orders");
  const applySearch = useCallback((q: string) => go({ q }), [go]);
  const { search, type: typeSearch, set: setSearch } = useDebouncedSearch(query.q, applySearch);

  const [from, setFrom] = useState(query.from ?? "");
  const [to, setTo] = useState(query.to ?? "");

  const { selectedResources, allResourcesSelected, handleSelectionChange, clearSelection } = useIndexResourceState(
    rows as unknown as { [key: string]: unknown }[],
  );
  const [bulk, setBulk] = useState<BulkRun | null>(null);

  // "Pay with balance" spends money: the total is shown and confirmed before any order is paid.
  const [payPreview, setPayPreview] = useState<BalancePaymentPreview | null>(null);
  const askToPay = async () => {
    const body = new URLSearchParams({ action: "pay-preview" });
    for (const id of selectedResources) body.append("orderId", id);
    const answer = await fetch(url("/app/orders/bulk"), { method: "POST", body })
      .then(async (r) => (await r.json()) as { ok: boolean; message?: string; preview?: BalancePaymentPreview })
      .catch((e: Error) => ({ ok: false, message: e.message, preview: undefined }));
    if (!answer.ok || !answer.preview) toast(answer.message ?? t("orders.pay.previewFailed"), { isError: true });
    else setPayPreview(answer.preview);
  };

  // One request per order, so the progress bar moves as each finishes and one failure does not stop the rest.
  const runBulk = async (action: OrderAction, label: string, only?: readonly string[]) => {
    if (action === "pay" && !only) {
      await askToPay();
      return;
    }
    const ids = only ? [...only] : [...selectedResources];
    const run: BulkRun = { label, total: ids.length, done: 0, ok: 0, failures: [], running: true };
    setBulk({ ...run });
    for (const id of ids) {
      const body = new URLSearchParams({ action, orderId: id, ...(action === "pay" ? { confirmed: "1" } : {}) });
      const answer = await fetch(url("/app/orders/bulk"), { method: "POST", body })
        .then(async (r) => ({ ok: r.ok, ...((await r.json().catch(() => ({}))) as { message?: string }) }))
        .catch((e: Error) => ({ ok: false, message: e.message }));
      const name = rows.find((r) => r.id === id)?.name ?? id;
      run.done += 1;
      if (answer.ok) run.ok += 1;
      else run.failures.push(`${name}: ${answer.message ?? "failed"}`);
      setBulk({ ...run });
    }
    run.running = false;
    setBulk({ ...run });
    const summary = t("orders.bulk.done", { action: label, ok: run.ok, failed: run.failures.length });
    toast(summary, { isError: run.failures.length > 0 });
    clearSelection();
    revalidator.revalidate();
  };

  const tabs = shown.map((tab) => ({
    id: `tab-${tab}`,
    content: `${t(TAB_LABELS[tab])} (${counts[tab]})`,
    accessibilityLabel: t(TAB_LABELS[tab]),
    panelID: "orders-panel",
  }));

  const dateApplied = query.from || query.to;
  const filters = [
    {
      key: "created",
      label: t("orders.filter.date"),
      filter: (
        <BlockStack gap="200">
          <TextField
            label={t("orders.filter.from")}
            type="date"
            value={from}
            onChange={setFrom}
            onBlur={() => go({ from })}
            autoComplete="off"
          />
          <TextField
            label={t("orders.filter.to")}
            type="date"
            value={to}
            onChange={setTo}
            onBlur={() => go({ to })}
            autoComplete="off"
          />
        </BlockStack>
      ),
      shortcut: true,
    },
    {
      key: "sort",
      label: t("orders.sort.label"),
      filter: (
        <ChoiceList
          title={t("orders.sort.label")}
          titleHidden
          choices={[
            { label: t("orders.sort.newest"), value: "newest" },
            { label: t("orders.sort.oldest"), value: "oldest" },
            { label: t("orders.sort.profitAsc"), value: "profit-asc" },
            { label: t("orders.sort.profitDesc"), value: "profit-desc" },
          ]}
          selected={[query.sort]}
          onChange={(v) => go({ sort: v[0] && v[0] !== "newest" ? v[0] : null })}
        />
      ),
      shortcut: true,
    },
  ];
  const appliedFilters = [
    ...(dateApplied
      ? [
          {
            key: "created",
            label: t("orders.filter.dateTag", { from: query.from ?? "…", to: query.to ?? "…" }),
            onRemove: () => {
              setFrom("");
              setTo("");
              go({ from: null, to: null });
            },
          },
        ]
      : []),
    ...(query.sort !== "newest"
      ? [{ key: "sort", label: t(SORT_LABEL[query.sort]), onRemove: () => go({ sort: null }) }]
      : []),
  ];

  const rowMarkup = rows.map((o, index) => (
    <IndexTable.Row id={o.id} key={o.id} position={index} selected={selectedResources.includes(o.id)}>
      <IndexTable.Cell>
        <Link url={url(`/app/orders/${o.id}`)} dataPrimaryLink removeUnderline>
          <Text as="span" fontWeight="semibold">
            {o.name}
          </Text>
        </Link>
      </IndexTable.Cell>
      <IndexTable.Cell>{formatDate(o.createdAt)}</IndexTable.Cell>
      <IndexTable.Cell>{o.customer ?? t("common.none")}</IndexTable.Cell>
      <IndexTable.Cell>
        <StateBadge state={o.state} />
      </IndexTable.Cell>
      <IndexTable.Cell>
        <Text as="span" alignment="end" numeric>
          {o.total ? `${o.total} ${o.currency ?? ""}`.trim() : t("common.none")}
        </Text>
      </IndexTable.Cell>
      <IndexTable.Cell>
        <Text as="span" alignment="end" numeric tone={o.profit?.startsWith("-") ? "critical" : undefined}>
          {o.profit ? `${o.profit} USD` : t("common.none")}
        </Text>
      </IndexTable.Cell>
      <IndexTable.Cell>{o.cjOrderId ?? t("common.none")}</IndexTable.Cell>
      <IndexTable.Cell>{o.trackingNumber ?? t("common.none")}</IndexTable.Cell>
    </IndexTable.Row>
  ));

  const progress = bulk ? Math.round((bulk.done / Math.max(bulk.total, 1)) * 100) : 0;
  const payModal = payPreview ? (
    <Modal
      open
      onClose={() => setPayPreview(null)}
      title={t("orders.pay.title", { count: payPreview.payable.length, total: payPreview.total })}
      primaryAction={{
        content: t("orders.pay.confirm", { total: payPreview.total }),
        disabled: payPreview.payable.length === 0,
        onAction: () => {
          const ids = payPreview.payable.map((p) => p.id);
          setPayPreview(null);
          void runBulk("pay", t("orders.bulk.pay"), ids);
        },
      }}
      secondaryActions={[{ content: t("orders.pay.cancel"), onAction: () => setPayPreview(null) }]}
    >
      <Modal.Section>
        <BlockStack gap="300">
          <Text as="p" id="pay-preview-total">
            {t("orders.pay.body", {
              count: payPreview.payable.length,
              total: payPreview.total,
              today: payPreview.paidToday,
              dayCap: payPreview.perDayCap ?? t("orders.pay.noCap"),
              orderCap: payPreview.perOrderCap ?? t("orders.pay.noCap"),
            })}
          </Text>
          {payPreview.payable.length > 0 ? (
            <List>
              {payPreview.payable.map((p) => (
                <List.Item key={p.id}>{`${p.name}: ${p.amount} USD`}</List.Item>
              ))}
            </List>
          ) : null}
          {payPreview.skipped.length > 0 ? (
            <Banner tone="warning" title={t("orders.pay.skipped", { count: payPreview.skipped.length })}>
              <List>
                {payPreview.skipped.map((p) => (
                  <List.Item key={p.id}>{`${p.name}: ${p.reason}`}</List.Item>
                ))}
              </List>
            </Banner>
          ) : null}
        </BlockStack>
      </Modal.Section>
    </Modal>
  ) : null;
  return (
    <Page title={t("orders.title")} fullWidth backAction={{ content: t("nav.home"), url: url("/app") }}>
      {payModal}
      <BlockStack gap="400">
        {bulk ? (
          <Banner
            tone={bulk.running ? "info" : bulk.failures.length ? "warning" : "success"}
            onDismiss={bulk.running ? undefined : () => setBulk(null)}
          >
            <BlockStack gap="200">
              <Text as="p" id="bulk-status">
                {bulk.running
                  ? t("orders.bulk.running", { action: bulk.label, done: bulk.done, total: bulk.total })
                  : t("orders.bulk.done", { action: bulk.label, ok: bulk.ok, failed: bulk.failures.length })}
              </Text>
              <ProgressBar progress={progress} size="small" ariaLabelledBy="bulk-status" animated={bulk.running} />
              {bulk.failures.length ? (
                <BlockStack gap="100">
                  <Text as="p" fontWeight="semibold">
                    {t("orders.bulk.failures")}
                  </Text>
                  {bulk.failures.map((f) => (
                    <Text as="p" key={f}>
                      {f}
                    </Text>
                  ))}
                </BlockStack>
              ) : null}
            </BlockStack>
          </Banner>
        ) : null}
        <Card padding="0">
          <Tabs
            tabs={tabs}
            selected={Math.max(0, shown.indexOf(query.tab))}
            onSelect={(i) => go({ tab: shown[i] === "all" ? null : (shown[i] ?? null) })}
          />
          <Filters
            queryValue={search}
            queryPlaceholder={t("orders.search.placeholder")}
            filters={filters}
            appliedFilters={appliedFilters}
            onQueryChange={typeSearch}
            onQueryClear={() => {
              setSearch("");
              go({ q: null });
            }}
            onClearAll={() => {
              setSearch("");
              setFrom("");
              setTo("");
              go({ q: null, from: null, to: null, sort: null });
            }}
          />
          <IndexTable
            resourceName={{ singular: t("orders.resource.singular"), plural: t("orders.resource.plural") }}
            itemCount={rows.length}
            selectedItemsCount={allResourcesSelected ? "All" : selectedResources.length}
            onSelectionChange={handleSelectionChange}
            headings={[
              { title: t("orders.col.order") },
              { title: t("orders.col.date") },
              { title: t("orders.col.customer") },
              { title: t("orders.col.state") },
              { title: t("orders.col.total"), alignment: "end" },
              { title: t("orders.col.profit"), alignment: "end" },
              { title: t("orders.col.cj") },
              { title: t("orders.col.tracking") },
            ]}
            sortable={[false, true, false, false, false, true, false, false]}
            sortColumnIndex={query.sort.startsWith("profit") ? 5 : 1}
            sortDirection={query.sort === "oldest" || query.sort === "profit-asc" ? "ascending" : "descending"}
            onSort={(column, direction) =>
              go({
                sort:
                  column === 5
                    ? direction === "ascending"
                      ? "profit-asc"
                      : "profit-desc"
                    : direction === "ascending"
                      ? "oldest"
                      : null,
              })
            }
            promotedBulkActions={BULK.slice(0, 3).map((b) => ({
              content: t(b.label),
              onAction: () => void runBulk(b.action, t(b.label)),
              disabled: Boolean(bulk?.running),
            }))}
            bulkActions={BULK.slice(3).map((b) => ({
              content: t(b.label),
              onAction: () => void runBulk(b.action, t(b.label)),
              disabled: Boolean(bulk?.running),
            }))}
            emptyState={
              <EmptyState heading={t("orders.empty.heading")} image="">
                <p>{t("orders.empty.body")}</p>
              </EmptyState>
            }
            pagination={{
              hasNext: Boolean(next),
              hasPrevious: Boolean(previous),
              onNext: () => next && go({ after: next, before: null }, true),
              onPrevious: () => previous && go({ before: previous, after: null }, true),
              accessibilityLabel: t("orders.pagination"),
            }}
          >
            {rowMarkup}
          </IndexTable>
        </Card>
      </BlockStack>
    </Page>
  );
}
