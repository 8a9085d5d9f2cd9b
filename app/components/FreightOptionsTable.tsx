import { DataTable } from "@shopify/polaris";
import type { ReactNode } from "react";
import { t } from "../i18n/strings";
import { KeyboardScrollable } from "./KeyboardScrollable";

export interface FreightOptionRow {
  logisticName: string;
  price: string;
  aging: string | null;
  source: string;
}

/** CJ's shipping options as a table (order page and quotes tool); the last column is the caller's (badge, button). */
export function FreightOptionsTable({
  label,
  options,
  extra,
}: {
  label: string;
  options: FreightOptionRow[];
  extra: (option: FreightOptionRow) => ReactNode;
}) {
  return (
    <KeyboardScrollable label={label}>
      <DataTable
        columnContentTypes={["text", "numeric", "text", "text", "text"]}
        headings={[
          t("order.quotes.method"),
          t("order.quotes.price"),
          t("order.quotes.aging"),
          t("order.quotes.source"),
          "",
        ]}
        rows={options.map((o) => [
          o.logisticName,
          o.price,
          o.aging ? t("common.days", { days: o.aging }) : t("common.none"),
          o.source,
          extra(o),
        ])}
      />
    </KeyboardScrollable>
  );
}
