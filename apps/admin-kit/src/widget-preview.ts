import type { WidgetConfig } from "@varai/widget-kit/config";
import { useEffect, useRef, useState } from "react";

/**
 * The gateway's preview page: the real storefront widgets, waiting for a draft by postMessage
 * (services/widgets preview-page.ts). Studio's; an app framed by its platform's admin passes its
 * own mount, whose `frame-ancestors` allow that admin (Shopify: `/shopify/app/preview`).
 */
export const WIDGET_PREVIEW_PATH = "/studio/preview";

/**
 * Feeds a draft of the widget settings to the preview page framed by the screen. The frame must be
 * sandboxed without allow-same-origin (`sandbox="allow-scripts"`): its opaque origin cannot reach
 * the app's page or session, which is why the draft goes by postMessage to "*" (an opaque origin
 * cannot be named) and only to that frame's window, once it said it is ready.
 */
export function useWidgetPreview(config: WidgetConfig | null, path: string = WIDGET_PREVIEW_PATH) {
  const frameRef = useRef<HTMLIFrameElement>(null);
  const [ready, setReady] = useState(false);
  useEffect(() => {
    const onMessage = (event: MessageEvent) => {
      if (event.source === frameRef.current?.contentWindow && event.data?.type === "varai:preview-ready")
        setReady(true);
    };
    addEventListener("message", onMessage);
    return () => removeEventListener("message", onMessage);
  }, []);
  useEffect(() => {
    if (ready && config) frameRef.current?.contentWindow?.postMessage({ type: "varai:preview-config", config }, "*");
  }, [ready, config]);
  return { frameRef, ready, src: path, sandbox: "allow-scripts" as const };
}
