import path from "node:path";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const web = path.resolve(import.meta.dirname, "web");

// `pnpm --filter @varai/bigcommerce-app build` writes dist/, which the gateway serves under
// /bigcommerce/app/ (the load callback's view is dist/index.html with the boot data inserted).
export default defineConfig({
  root: web,
  base: "/bigcommerce/app/",
  plugins: [react()],
  build: {
    outDir: path.resolve(import.meta.dirname, "dist"),
    emptyOutDir: true,
    sourcemap: false,
    // Big Design (with styled-components) is most of the bundle.
    chunkSizeWarningLimit: 1200,
    rollupOptions: { input: { index: path.join(web, "index.html"), preview: path.join(web, "preview.html") } },
  },
});
