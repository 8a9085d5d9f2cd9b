/**
 * Toasts through App Bridge (`shopify.toast.show`). Outside the Shopify admin, when the App Bridge script could not
 * load, a toast is dropped rather than breaking the page.
 */
import { useAppBridge } from "@shopify/app-bridge-react";
import { useCallback } from "react";

function useOptionalAppBridge() {
  try {
    // biome-ignore lint/correctness/useHookAtTopLevel: useAppBridge only reads the `shopify` global (no React state); it throws when the script is missing.
    return useAppBridge();
  } catch {
    // The App Bridge script did not load (no network, opened outside the admin).
    return null;
  }
}

export function useToast() {
  const shopify = useOptionalAppBridge();
  return useCallback(
    (message: string, options: { isError?: boolean } = {}) => {
      if (typeof window === "undefined" || !shopify) return;
      shopify.toast.show(message, { isError: options.isError ?? false, duration: 5000 });
    },
    [shopify],
  );
}
