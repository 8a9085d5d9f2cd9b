/**
 * A chart rendered in the browser only: the server (and the first client render) show a skeleton of the same size,
 * then Polaris Viz is imported and draws. Keeps server rendering free of DOM measurement.
 */
import { SkeletonBodyText, Text } from "@shopify/polaris";
import { type ComponentType, useEffect, useState } from "react";
import type { ChartSeries } from "./charts.client";

type ChartsModule = {
  default: ComponentType<{ kind: "stacked-bars" | "line"; series: ChartSeries[]; emptyText: string }>;
};

export function Chart(props: {
  kind: "stacked-bars" | "line";
  series: ChartSeries[];
  emptyText: string;
  label: string;
}) {
  const [mod, setMod] = useState<ChartsModule | null>(null);
  useEffect(() => {
    let live = true;
    import("./charts.client").then((m) => live && setMod(m as ChartsModule));
    return () => {
      live = false;
    };
  }, []);
  return (
    <figure aria-label={props.label} style={{ margin: 0, minHeight: 260 }} data-chart={props.kind}>
      {/* Polaris Viz's SVG uses ARIA roles axe rejects (role="image", lists without items): the drawing is kept
          out of the accessibility tree and the same figures are given as a table. */}
      <div {...{ inert: "" }} aria-hidden="true">
        {mod ? (
          <mod.default kind={props.kind} series={props.series} emptyText={props.emptyText} />
        ) : (
          <SkeletonBodyText lines={8} />
        )}
      </div>
      <Text as="span" visuallyHidden>
        <table>
          <caption>{props.label}</caption>
          <tbody>
            {props.series.map((s) => (
              <tr key={s.name}>
                <th scope="row">{s.name}</th>
                {s.data.map((p) => (
                  <td key={p.key}>{`${p.key}: ${p.value}`}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </Text>
    </figure>
  );
}
