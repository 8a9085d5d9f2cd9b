import { Badge } from "@shopify/polaris";
import { stateTone } from "../dashboard/tabs";
import { tMaybe } from "../i18n/strings";

/** The one way an order state is shown: same words and tone on every page. */
export function StateBadge({ state }: { state: string }) {
  return <Badge tone={stateTone(state)}>{tMaybe(`state.${state}`, state)}</Badge>;
}
