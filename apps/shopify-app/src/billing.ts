import { AppError } from "@varai/schema";
import { type AdminApiDeps, adminGraphql } from "./admin-api.ts";
import type { ShopContext } from "./shop-auth.ts";
import type { ShopRecords } from "./shops.ts";

/** What a plan unlocks; checked on the server (the app proxy, the API), not only in the UI. */
export type Feature = "try-on" | "recommendations" | "fit-analytics";

export interface Plan {
  id: "free" | "pro";
  /** The subscription name on Shopify (how `currentAppInstallation` tells plans apart). */
  name: string;
  amount: number;
  currencyCode: "USD";
  interval: "EVERY_30_DAYS";
  trialDays: number;
  features: Feature[];
}

export const PLANS: readonly Plan[] = [
  {
    id: "free",
    name: "VARAi Free",
    amount: 0,
    currencyCode: "USD",
    interval: "EVERY_30_DAYS",
    trialDays: 0,
    features: ["try-on"],
  },
  {
    id: "pro",
    name: "VARAi Pro",
    amount: 29,
    currencyCode: "USD",
    interval: "EVERY_30_DAYS",
    trialDays: 14,
    features: ["try-on", "recommendations", "fit-analytics"],
  },
];

export interface BillingDeps extends AdminApiDeps {
  shops: ShopRecords;
  clock: () => Date;
  /** Test charges (development stores): every environment but production. */
  testCharges: boolean;
}

export interface BillingStatus {
  plan: Plan["id"];
  /** The Shopify subscription status of the paid plan, or "none" on the free plan. */
  status: string;
}

const planById = (id: string) => PLANS.find((p) => p.id === id);
export const planFeatures = (id: string | undefined): Feature[] => planById(id ?? "free")?.features ?? ["try-on"];

/** Reads the plan from Shopify (`currentAppInstallation.activeSubscriptions`) and caches it on the shop record. */
export async function readBillingStatus(deps: BillingDeps, ctx: ShopContext): Promise<BillingStatus> {
  const data = await adminGraphql<{
    currentAppInstallation: { activeSubscriptions: Array<{ name: string; status: string }> };
  }>(
    deps,
    ctx.shop,
    ctx.session.accessToken ?? "",
    "query Billing { currentAppInstallation { activeSubscriptions { id name status test } } }",
  );
  const active = data.currentAppInstallation.activeSubscriptions.find((s) => s.status === "ACTIVE");
  const paid = PLANS.find((p) => p.amount > 0 && p.name === active?.name);
  const status: BillingStatus = paid ? { plan: paid.id, status: "ACTIVE" } : { plan: "free", status: "none" };
  await deps.shops.updateOne(
    { id: ctx.shop },
    { $set: { plan: status.plan, planCheckedAt: deps.clock().toISOString() } },
  );
  return status;
}

/** `appSubscriptionCreate` for a paid plan: the merchant approves on Shopify's page at `confirmationUrl`. */
export async function subscribe(deps: BillingDeps, ctx: ShopContext, planId: unknown, returnUrl: string) {
  const plan = typeof planId === "string" ? planById(planId) : undefined;
  if (!plan) throw new AppError("INVALID_INPUT", `plan must be one of ${PLANS.map((p) => p.id).join(", ")}`);
  if (plan.amount === 0) throw new AppError("INVALID_INPUT", "The free plan needs no subscription");
  const data = await adminGraphql<{
    appSubscriptionCreate: { confirmationUrl: string | null; userErrors: Array<{ message: string }> };
  }>(deps, ctx.shop, ctx.session.accessToken ?? "", SUBSCRIPTION_CREATE, {
    name: plan.name,
    returnUrl,
    test: deps.testCharges,
    trialDays: plan.trialDays,
    lineItems: [
      {
        plan: {
          appRecurringPricingDetails: {
            price: { amount: plan.amount, currencyCode: plan.currencyCode },
            interval: plan.interval,
          },
        },
      },
    ],
  });
  const result = data.appSubscriptionCreate;
  if (!result.confirmationUrl || result.userErrors.length > 0) {
    throw new AppError(
      "INVALID_RESPONSE",
      `Shopify refused the subscription: ${result.userErrors[0]?.message ?? "no confirmation URL"}`,
    );
  }
  return { confirmationUrl: result.confirmationUrl };
}

const SUBSCRIPTION_CREATE = `mutation AppSubscriptionCreate($name: String!, $lineItems: [AppSubscriptionLineItemInput!]!, $returnUrl: URL!, $test: Boolean, $trialDays: Int) {
  appSubscriptionCreate(name: $name, returnUrl: $returnUrl, lineItems: $lineItems, test: $test, trialDays: $trialDays) {
    appSubscription { id status }
    confirmationUrl
    userErrors { field message }
  }
}`;
