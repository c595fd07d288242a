import cors from "cors";
import type { RequestHandler } from "express";

/** The routes a storefront on the merchant's own domain calls from the browser. */
const STOREFRONT_PATHS = new Set(["/v1/face-analysis", "/v1/try-on", "/v1/recommendations", "/v1/events"]);

const storefrontCors = cors({
  // Any origin may ask; whether a key may be used from that origin is the key's allow-list,
  // checked on the real request (a foreign origin gets 403 there).
  origin: true,
  methods: ["POST"],
  allowedHeaders: ["Content-Type", "Accept", "X-VARAi-Key"],
  exposedHeaders: ["X-Request-Id", "Retry-After", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"],
  maxAge: 600,
});

/** CORS for the storefront API, mounted before authentication so preflights (no key) are answered. */
export const storefrontCorsMiddleware: RequestHandler = (req, res, next) =>
  STOREFRONT_PATHS.has(req.path) ? storefrontCors(req, res, next) : next();
