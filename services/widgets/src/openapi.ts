import { type OpenApiFragment, problemResponse } from "@varai/runtime";
import { WidgetConfigSchema, WidgetProductListSchema } from "@varai/widget-kit/config";
import { z } from "zod";

const js = { description: "JavaScript", content: { "text/javascript": {} } };
const key = { name: "X-VARAi-Key", in: "header", required: true, schema: { type: "string" } };

/** The widget routes for /openapi.json. */
export const WIDGET_OPENAPI: OpenApiFragment = {
  paths: {
    "/widget/varai.js": {
      get: {
        summary: "The widget loader: one script tag, registers the elements and loads each chunk on first use",
        tags: ["widgets"],
        responses: { "200": js },
      },
    },
    "/widget/chunks/{file}": {
      get: {
        summary: "A content-hashed widget chunk (immutable)",
        tags: ["widgets"],
        parameters: [{ name: "file", in: "path", required: true, schema: { type: "string" } }],
        responses: { "200": js, "404": problemResponse("no such chunk") },
      },
    },
    "/widget/config": {
      get: {
        summary: "The calling publishable key's tenant widget settings, defaults filled in",
        tags: ["widgets"],
        parameters: [key],
        responses: {
          "200": {
            description: "Widget settings",
            content: { "application/json": { schema: z.toJSONSchema(WidgetConfigSchema, { io: "output" }) } },
          },
          "401": problemResponse("no key"),
          "403": problemResponse("key not allowed from this origin"),
        },
      },
    },
    "/widget/products": {
      get: {
        summary: "Public product data for the widgets: by ids, by SKU, or the first frames",
        tags: ["widgets"],
        parameters: [
          key,
          {
            name: "ids",
            in: "query",
            required: false,
            schema: { type: "string" },
            description: "comma-separated, at most 50",
          },
          { name: "sku", in: "query", required: false, schema: { type: "string" } },
          { name: "limit", in: "query", required: false, schema: { type: "integer", minimum: 1, maximum: 50 } },
        ],
        responses: {
          "200": {
            description: "Products",
            content: { "application/json": { schema: z.toJSONSchema(WidgetProductListSchema, { io: "output" }) } },
          },
          "400": problemResponse("invalid query"),
          "401": problemResponse("no key"),
        },
      },
    },
  },
};
