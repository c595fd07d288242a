/** The Shopify app's server: embedded document, session-token API, app proxy, billing (see README). */
export {};
