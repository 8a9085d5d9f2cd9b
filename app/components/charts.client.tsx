/**
 * Polaris Viz charts. Loaded only in the browser (see DashboardCharts): the charts measure the DOM and animate.
 */
import { BarChart, LineChart, PolarisVizProvider } from "@shopify/polaris-viz";

export interface ChartSeries {
  name: string;
  data: { key: string; value: number }[];
}

export default function Charts({
  kind,
  series,
  emptyText,
}: {
  kind: "stacked-bars" | "line";
  series: ChartSeries[];
  emptyText: string;
}) {
  return (
    <PolarisVizProvider>
      <div style={{ height: 260 }}>
        {kind === "stacked-bars" ? (
          <BarChart data={series} type="stacked" theme="Light" emptyStateText={emptyText} />
        ) : (
          <LineChart data={series} theme="Light" emptyStateText={emptyText} />
        )}
      </div>
    </PolarisVizProvider>
  );
}
