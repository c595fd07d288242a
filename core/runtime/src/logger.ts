import pino, { type DestinationStream } from "pino";
import type { Logger } from "./ports/logger.ts";

/**
 * Secrets, tokens, photos and face geometry never reach a log. pino removes these paths
 * before serialisation; the list is broad on purpose (any depth for the common names).
 */
export const REDACT_PATHS = [
  "password",
  "*.password",
  "*.*.password",
  "req.body.password",
  "generatedPassword",
  "*.generatedPassword",
  "newPassword",
  "*.newPassword",
  "passwordHash",
  "*.passwordHash",
  "token",
  "*.token",
  "accessToken",
  "*.accessToken",
  "*.*.accessToken",
  "refreshToken",
  "*.refreshToken",
  "*.*.refreshToken",
  "apiKey",
  "*.apiKey",
  "key",
  "*.key",
  "*.*.key",
  "secret",
  "*.secret",
  "*.*.secret",
  "consumerKey",
  "*.consumerKey",
  "*.*.consumerKey",
  "consumerSecret",
  "*.consumerSecret",
  "*.*.consumerSecret",
  "webhookSecret",
  "*.webhookSecret",
  "credentials",
  "*.credentials",
  "authorization",
  "*.authorization",
  "headers.authorization",
  "headers.cookie",
  'headers["x-varai-key"]',
  "req.headers.authorization",
  "req.headers.cookie",
  'req.headers["x-varai-key"]',
  'req.headers["x-shopify-hmac-sha256"]',
  'req.headers["x-wc-webhook-signature"]',
  "photo",
  "*.photo",
  "image",
  "*.image",
  "landmarks",
  "*.landmarks",
  "*.*.landmarks",
  "measurements",
  "*.measurements",
  "irisCenters",
  "*.irisCenters",
  "email",
  "*.email",
];

export interface LoggerOptions {
  level?: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
  name?: string;
  /** Where to write; stdout by default. Tests pass a stream to capture and grep logs. */
  destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const logger = pino(
    {
      level: options.level ?? "info",
      name: options.name ?? "varai",
      redact: { paths: REDACT_PATHS, censor: "[redacted]" },
      serializers: { err: pino.stdSerializers.err },
    },
    options.destination,
  );
  return logger as unknown as Logger;
}
