import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// `pnpm --filter @varai/commerce-studio dev` proxies the API (and the live socket) to a running
// gateway, VARAI_API (default http://localhost:8080); `build` writes dist/, which the gateway
// serves at /studio.
const api = process.env.VARAI_API ?? "http://localhost:8080";

export default defineConfig({
  base: "/studio/",
  plugins: [react()],
  build: { outDir: "dist", emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 600 },
  server: {
    proxy: {
      "/v1/live": { target: api, ws: true },
      "/v1": api,
      "/widget": api,
      // The widget preview page (and its script) are the gateway's, framed by the widget settings screen.
      "/studio/preview": api,
    },
  },
});
