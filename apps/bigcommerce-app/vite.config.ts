import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// `pnpm --filter @varai/bigcommerce-app build` writes dist/, which the gateway serves under
// /bigcommerce/app/ (the load callback's view is dist/index.html with the boot data inserted).
export default defineConfig({
  root: "web",
  base: "/bigcommerce/app/",
  plugins: [react()],
  build: {
    outDir: "../dist",
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1200,
    rollupOptions: { input: { index: "web/index.html", preview: "web/preview.html" } },
  },
});
