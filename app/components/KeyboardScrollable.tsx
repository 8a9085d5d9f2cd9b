/**
 * Polaris DataTable scrolls sideways in narrow columns but its scroll container cannot take keyboard focus
 * (axe "scrollable-region-focusable"): make it a labelled, focusable region so keyboard users can scroll it.
 */
import { type ReactNode, useEffect, useRef } from "react";

export function KeyboardScrollable({ label, children }: { label: string; children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    for (const el of ref.current?.querySelectorAll<HTMLElement>(".Polaris-DataTable__ScrollContainer") ?? []) {
      el.tabIndex = 0;
      el.setAttribute("role", "region");
      el.setAttribute("aria-label", label);
    }
  });
  return <div ref={ref}>{children}</div>;
}
