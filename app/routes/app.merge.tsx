import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useFetcher, useLoaderData, useRevalidator } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Button,
  Card,
  Checkbox,
  IndexTable,
  InlineStack,
  Page,
  ProgressBar,
  Select,
  Text,
} from "@shopify/polaris";
import Decimal from "decimal.js";
import { useEffect, useState } from "react";
import { useSessionUrl } from "../components/session-url";
import { pageDeps, shopIdOf } from "../dashboard/deps.server";
import { t } from "../i18n/strings";
import { authenticate } from "../shopify.server";
import { loadMergePage, MergeError, startMergeRun, submitMergeGroups } from "../stock/merge.server";

export const meta: MetaFunction = () => [{ title: `${t("merge.title")} · ${t("app.title")}` }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return loadMergePage(pageDeps().db, await shopIdOf(session.shop));
};

type ActionResult = { ok: true; message: string } | { ok: false; message: string };

export const action = async ({ request }: ActionFunctionArgs): Promise<ActionResult> => {
  const { session } = await authenticate.admin(request);
  const deps = pageDeps();
  const shopId = await shopIdOf(session.shop);
  const form = await request.formData();
  try {
    if (form.get("intent") === "find") {
      await startMergeRun(deps, shopId);
      return { ok: true, message: t("merge.started") };
    }
    if (form.get("intent") === "submit") {
      // groups: the chosen group ids; method:<groupId>: the shipping method chosen for it.
      const choices = form.getAll("group").map((id) => ({
        groupId: String(id),
        logisticName: String(form.get(`method:${String(id)}`) ?? "") || null,
      }));
      const { submitted } = await submitMergeGroups(deps, shopId, String(form.get("runId") ?? ""), choices);
      return { ok: true, message: `${submitted} group(s) sent to CJ.` };
    }
    return { ok: false, message: "Unknown action." };
  } catch (error) {
    if (error instanceof MergeError) return { ok: false, message: error.message };
    throw error;
  }
};

const TONE: Record<string, "success" | "critical" | "attention" | "info" | undefined> = {
  MERGED: "success",
  FAILED: "critical",
  UNKNOWN: "attention",
  SELECTED: "info",
};

export default function MergeCandidates() {
  const page = useLoaderData<typeof loader>();
  const url = useSessionUrl();
  const act = useFetcher<typeof action>();
  const revalidator = useRevalidator();
  const run = page.run;
  const running = run?.status === "MATCHING" || run?.status === "SUBMITTING";
  const [chosen, setChosen] = useState<Record<string, boolean>>({});
  const [methods, setMethods] = useState<Record<string, string>>({});

  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => {
      if (revalidator.state === "idle") revalidator.revalidate();
    }, 1000);
    return () => clearInterval(timer);
  }, [running, revalidator]);
  // A new run: nothing chosen yet.
  const runId = run?.id;
  useEffect(() => {
    if (runId) {
      setChosen({});
      setMethods({});
    }
  }, [runId]);

  const busy = act.state !== "idle";
  const groups = run?.groups ?? [];
  const open = run?.status === "MATCHED" ? groups.filter((g) => g.status === "FOUND") : [];
  const selected = open.filter((g) => chosen[g.id]);
  const methodOf = (g: (typeof groups)[number]) => methods[g.id] ?? g.logisticName ?? "";
  const savingOf = (g: (typeof groups)[number]) => {
    const option = g.options.find((o) => o.logisticsName === methodOf(g));
    if (!g.currentPostage || !option?.postage) return g.savingUsd;
    const saving = new Decimal(g.currentPostage).minus(option.postage);
    return (saving.isNegative() ? new Decimal(0) : saving).toFixed(2);
  };
  const total = selected.reduce((sum, g) => sum.plus(savingOf(g) ?? 0), new Decimal(0)).toFixed(2);
  const submit = (list: typeof open) => {
    const form = new FormData();
    form.set("intent", "submit");
    form.set("runId", run?.id ?? "");
    for (const g of list) {
      form.append("group", g.id);
      form.set(`method:${g.id}`, methodOf(g));
    }
    act.submit(form, { method: "post", action: url("/app/merge") });
  };

  return (
    <Page title={t("merge.title")}>
      <BlockStack gap="400">
        {!page.enabled ? <Banner tone="info">{t("merge.off")}</Banner> : null}
        {act.data && !act.data.ok ? (
          <Banner tone="critical" title={act.data.message} />
        ) : act.data?.ok ? (
          <Banner tone="success" title={act.data.message} />
        ) : null}
        <Card>
          <BlockStack gap="300">
            <Text as="p">{t("merge.waiting", { count: page.waiting, minutes: page.windowMinutes })}</Text>
            <InlineStack gap="200">
              <Button
                variant="primary"
                disabled={!page.enabled || running}
                loading={busy && act.formData?.get("intent") === "find"}
                onClick={() => act.submit({ intent: "find" }, { method: "post", action: url("/app/merge") })}
              >
                {t("merge.find")}
              </Button>
            </InlineStack>
            {running && run ? (
              <BlockStack gap="200">
                <Text as="p" fontWeight="semibold">
                  {run.status === "MATCHING" ? t("merge.matching") : t("merge.submitting")} — {run.progress}%
                  {run.step ? ` (${run.step})` : ""}
                </Text>
                <ProgressBar progress={run.progress} tone="primary" />
              </BlockStack>
            ) : null}
            {run?.error ? <Banner tone="warning">{run.error}</Banner> : null}
            {run && run.skippedGroups > 0 ? (
              <Text as="p" tone="subdued">
                {t("merge.skipped", { count: run.skippedGroups })}
              </Text>
            ) : null}
          </BlockStack>
        </Card>
        {run && !running && groups.length === 0 && run.status !== "MATCHING" ? (
          <Card>
            <Text as="p">{t("merge.none")}</Text>
          </Card>
        ) : null}
        {groups.length > 0 ? (
          <Card padding="0">
            <IndexTable
              resourceName={{ singular: "group", plural: "groups" }}
              itemCount={groups.length}
              selectable={false}
              headings={[
                { title: "" },
                { title: t("merge.customer") },
                { title: t("merge.orders") },
                { title: t("merge.method") },
                { title: t("merge.postageNow"), alignment: "end" },
                { title: t("merge.postageMerged"), alignment: "end" },
                { title: t("merge.saving"), alignment: "end" },
                { title: t("merge.status") },
              ]}
            >
              {groups.map((g, index) => {
                const editable = run?.status === "MATCHED" && g.status === "FOUND";
                const option = g.options.find((o) => o.logisticsName === methodOf(g));
                return (
                  <IndexTable.Row id={g.id} key={g.id} position={index}>
                    <IndexTable.Cell>
                      {editable ? (
                        <Checkbox
                          label={t("merge.select", { name: g.customerName ?? "" })}
                          labelHidden
                          checked={Boolean(chosen[g.id])}
                          onChange={(value) => setChosen((c) => ({ ...c, [g.id]: value }))}
                        />
                      ) : null}
                    </IndexTable.Cell>
                    <IndexTable.Cell>
                      {g.customerName ?? "—"}
                      <Text as="span" tone="subdued">
                        {" "}
                        {[g.city, g.countryCode].filter(Boolean).join(", ")}
                      </Text>
                    </IndexTable.Cell>
                    <IndexTable.Cell>{g.orders.map((o) => o.name).join(", ")}</IndexTable.Cell>
                    <IndexTable.Cell>
                      {editable ? (
                        <Select
                          label={t("merge.method")}
                          labelHidden
                          options={g.options.map((o) => ({
                            value: o.logisticsName,
                            label: `${o.logisticsName}${o.postage ? ` · ${o.postage} USD` : ""}`,
                          }))}
                          value={methodOf(g)}
                          onChange={(value) => setMethods((m) => ({ ...m, [g.id]: value }))}
                        />
                      ) : (
                        (g.logisticName ?? "—")
                      )}
                    </IndexTable.Cell>
                    <IndexTable.Cell>
                      <Text as="span" alignment="end" numeric>
                        {g.currentPostage ? `${g.currentPostage} USD` : "—"}
                      </Text>
                    </IndexTable.Cell>
                    <IndexTable.Cell>
                      <Text as="span" alignment="end" numeric>
                        {editable
                          ? option?.postage
                            ? `${option.postage} USD`
                            : "—"
                          : g.mergedPostage
                            ? `${g.mergedPostage} USD`
                            : "—"}
                      </Text>
                    </IndexTable.Cell>
                    <IndexTable.Cell>
                      <Text as="span" alignment="end" numeric fontWeight="semibold">
                        {savingOf(g) ? `${savingOf(g)} USD` : "—"}
                      </Text>
                    </IndexTable.Cell>
                    <IndexTable.Cell>
                      <BlockStack gap="100">
                        <Badge tone={TONE[g.status]}>{t(`merge.status.${g.status}` as never)}</Badge>
                        {g.newCjOrderId ? (
                          <Text as="span" tone="subdued">
                            {t("merge.mergedInto", { id: g.newCjOrderId })}
                          </Text>
                        ) : null}
                        {g.error ? (
                          <Text as="span" tone="critical">
                            {g.error}
                          </Text>
                        ) : null}
                      </BlockStack>
                    </IndexTable.Cell>
                  </IndexTable.Row>
                );
              })}
            </IndexTable>
          </Card>
        ) : null}
        {open.length > 0 ? (
          <InlineStack gap="200" align="end" blockAlign="center">
            <Text as="span">{t("merge.total", { amount: total })}</Text>
            <Button disabled={selected.length === 0 || busy} onClick={() => submit(selected)}>
              {t("merge.submitSelected")}
            </Button>
            <Button variant="primary" disabled={busy} onClick={() => submit(open)}>
              {t("merge.submitAll")}
            </Button>
          </InlineStack>
        ) : null}
      </BlockStack>
    </Page>
  );
}
