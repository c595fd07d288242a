import type { AnalyticsEvent } from "@varai/schema";

type DeviceClass = AnalyticsEvent["deviceClass"];

// Order matters: bots first (some crawlers claim to be mobile Safari), tablets before phones
// (iPad and Android tablets without "Mobile" would otherwise read as phones or desktops).
const BOT = /bot|crawl|spider|slurp|headless|lighthouse|preview|monitor|curl|wget|python-requests|node-fetch/i;
const TABLET = /ipad|tablet|kindle|silk|playbook|(android(?!.*mobile))/i;
const MOBILE = /mobi|iphone|ipod|android|blackberry|opera mini|iemobile|windows phone/i;
const DESKTOP = /windows nt|macintosh|x11|linux|cros/i;

/** Device class from a User-Agent; coarse on purpose (the dashboard splits by it, nothing more). */
export function deviceClassOf(userAgent: string | undefined): DeviceClass {
  if (!userAgent) return "unknown";
  const ua = userAgent.slice(0, 512);
  if (BOT.test(ua)) return "bot";
  if (TABLET.test(ua)) return "tablet";
  if (MOBILE.test(ua)) return "mobile";
  if (DESKTOP.test(ua)) return "desktop";
  return "unknown";
}

/** Country headers set by the CDN in front of the gateway; the first usable one wins. */
export const REGION_HEADERS = ["cf-ipcountry", "cloudfront-viewer-country", "x-vercel-ip-country"] as const;

/**
 * Two-letter country from a CDN header. Cloudflare sends `XX` (unknown) and `T1` (Tor):
 * neither is a country, so the caller falls back to the tenant's region.
 */
export function countryFromHeader(value: string | undefined): string | null {
  if (!value) return null;
  const code = value.trim().toUpperCase();
  if (!/^[A-Z]{2}$/.test(code) || code === "XX" || code === "T1") return null;
  return code;
}
