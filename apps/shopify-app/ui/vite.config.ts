import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// `build` writes dist/, which the app's server serves at GET /shopify/app (with App Bridge's
// tags inserted first in <head>). `dev` proxies the API to a running gateway, VARAI_API.
const api = process.env.VARAI_API ?? "http://localhost:8080";

export default defineConfig({
  root: import.meta.dirname,
  base: "/shopify/app/",
  plugins: [react()],
  resolve: {
    // One React (18, what Polaris React peers on) and one query client for the app and the admin
    // kit, which is consumed from source and would otherwise resolve its own React 19 dev copy.
    dedupe: ["react", "react-dom", "@tanstack/react-query"],
  },
  build: { outDir: "dist", emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 900 },
  server: {
    proxy: {
      "/v1/live": { target: api, ws: true },
      "/v1": api,
      "/widget": api,
      "/shopify/api": api,
      "/studio/preview": api,
    },
  },
});
