/**
 * The widget preview, framed by the widget settings screen with `sandbox="allow-scripts"` (an
 * opaque origin: it cannot reach the app's session). It runs the real storefront widgets, loaded
 * by `/widget/varai.js` as on a storefront, with the unsaved draft as their config; drafts are
 * taken only from the parent window on the app's own origin.
 */
type Draft = { locale?: string; features?: Record<string, boolean> };
type Boot = { base: string; key: string | null; previewConfig?: unknown; runtime?: unknown };

const appOrigin = new URL(location.href).origin;
const stage = document.getElementById("stage");

function show(config: Draft) {
  const w = window as unknown as { VARAi?: Boot };
  w.VARAi ??= { base: appOrigin, key: null };
  w.VARAi.previewConfig = config;
  // The elements read their config once: a new runtime per draft.
  delete w.VARAi.runtime;
  document.documentElement.lang = typeof config.locale === "string" ? config.locale : "en";
  const features = config.features ?? {};
  const elements: HTMLElement[] = [];
  if (features.photoTryOn !== false || features.liveTryOn !== false) {
    const tryOn = document.createElement("varai-try-on");
    tryOn.setAttribute("inline", "");
    elements.push(tryOn);
  }
  if (features.frameFinder !== false) elements.push(document.createElement("varai-frame-finder"));
  stage?.replaceChildren(...elements);
  if (!document.querySelector('script[src$="/widget/varai.js"]')) {
    const loader = document.createElement("script");
    loader.src = `${appOrigin}/widget/varai.js`;
    document.head.append(loader);
  }
}

addEventListener("message", (event) => {
  if (event.source !== parent || event.origin !== appOrigin) return;
  const data = event.data as { type?: string; config?: unknown } | null;
  if (data?.type !== "varai:preview-config" || typeof data.config !== "object" || data.config === null) return;
  show(data.config as Draft);
});
parent.postMessage({ type: "varai:preview-ready" }, appOrigin);
