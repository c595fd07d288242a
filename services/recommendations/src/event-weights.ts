import type { EventType } from "@varai/schema";

/** Implicit feedback weights: a purchase says more than a click. */
export const EVENT_WEIGHTS: Partial<Record<EventType, number>> = {
  purchase: 5,
  add_to_cart: 3,
  try_on_rendered: 1.5,
  recommendation_clicked: 1,
  product_viewed: 0.5,
};

/** The events that count as a shopper liking a frame (history, training, "anything new?"). */
export const POSITIVE_TYPES = Object.keys(EVENT_WEIGHTS) as EventType[];

/** A shopper's history is their last this-many positive events. */
export const HISTORY_LENGTH = 20;
