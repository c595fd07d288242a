import { useMutation, useQuery } from "@tanstack/react-query";
import { createContext, createElement, type ReactNode, useContext } from "react";
import { type AppBridge, openInAdmin } from "./app-bridge.ts";
import type { ShopifyApi } from "./shopify-api.ts";

/**
 * Hooks over the app server's own API (`/shopify/api/*`); everything else comes from
 * `@varai/admin-kit`. No Polaris here: the screens present, these fetch.
 */
interface ShopifyContextValue {
  api: ShopifyApi;
  bridge: AppBridge;
}
const ShopifyContext = createContext<ShopifyContextValue | null>(null);

export function ShopifyProvider(props: ShopifyContextValue & { children: ReactNode }) {
  const { api, bridge, children } = props;
  return createElement(ShopifyContext.Provider, { value: { api, bridge } }, children);
}

function useShopify(): ShopifyContextValue {
  const value = useContext(ShopifyContext);
  if (!value) throw new Error("the app's hooks need a <ShopifyProvider>");
  return value;
}

export const useAppBridge = (): AppBridge => useShopify().bridge;

export const shopifyKeys = { status: ["shopify", "status"] as const, billing: ["shopify", "billing"] as const };

/** The shop, its tenant, store connection, plan and the theme embed deep link. */
export function useShopStatus() {
  const { api } = useShopify();
  return useQuery({ queryKey: shopifyKeys.status, queryFn: api.status });
}

export function useBilling() {
  const { api } = useShopify();
  return useQuery({ queryKey: shopifyKeys.billing, queryFn: api.billing });
}

/**
 * Starts a paid plan: the server creates the subscription on Shopify, whose approval page then
 * opens in the admin's top window (the plan changes once the merchant approves there).
 */
export function useSubscribe() {
  const { api } = useShopify();
  return useMutation({
    mutationFn: (plan: string) => api.subscribe(plan),
    onSuccess: ({ confirmationUrl }) => openInAdmin(confirmationUrl),
  });
}
