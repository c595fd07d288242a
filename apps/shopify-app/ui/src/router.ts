import { useEffect, useSyncExternalStore } from "react";

/** The app's screens, by their path under the embedded document (`/shopify/app/<path>`). */
export const ROUTES = {
  onboarding: { path: "", title: "Get started" },
  catalog: { path: "catalog", title: "Catalog readiness" },
  widget: { path: "widget", title: "Widget settings" },
  impact: { path: "impact", title: "Try-on impact" },
  billing: { path: "billing", title: "Plan and billing" },
} as const;
export type RouteName = keyof typeof ROUTES;

const BASE = "/shopify/app";

export function routeOf(pathname: string): RouteName {
  const rest = pathname.startsWith(BASE) ? pathname.slice(BASE.length).replace(/^\/+|\/+$/g, "") : "";
  const found = (Object.keys(ROUTES) as RouteName[]).find((name) => ROUTES[name].path === rest);
  return found ?? "onboarding";
}

/**
 * A route's href, keeping the query (`shop`, `host`, `embedded`, ...): Shopify's own parameters
 * must survive in-app navigation, or a reload would lose the shop.
 */
export function hrefOf(route: RouteName, search = location.search): string {
  const path = ROUTES[route].path;
  return `${BASE}/${path}${search}`;
}

const listeners = new Set<() => void>();
const notify = () => {
  for (const l of listeners) l();
};

export function navigate(href: string): void {
  const url = new URL(href, location.href);
  // Only our own document navigates in place; the rest (admin pages, other sites) goes to the top.
  if (url.origin !== location.origin || !url.pathname.startsWith(BASE)) {
    open(url.href, "_top");
    return;
  }
  if (url.pathname !== location.pathname) history.pushState(null, "", `${url.pathname}${location.search}`);
  notify();
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  addEventListener("popstate", listener);
  return () => {
    listeners.delete(listener);
    removeEventListener("popstate", listener);
  };
}

/**
 * The current route. App Bridge shows the `<ui-nav-menu>` links in the admin's sidebar and, on a
 * click, dispatches `shopify:navigate` on the link instead of reloading the frame.
 */
export function useRoute(): RouteName {
  useEffect(() => {
    const onNavigate = (event: Event) => {
      const href = (event.target as Element | null)?.getAttribute?.("href");
      if (href) navigate(href);
    };
    document.addEventListener("shopify:navigate", onNavigate);
    return () => document.removeEventListener("shopify:navigate", onNavigate);
  }, []);
  const pathname = useSyncExternalStore(
    subscribe,
    () => location.pathname,
    () => BASE,
  );
  return routeOf(pathname);
}
