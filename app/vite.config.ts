import { defineConfig } from "vite";

// Relative asset paths: the build is served from any path (`hashshare app`, a static host).
export default defineConfig({
  base: "./",
  build: { outDir: "dist", emptyOutDir: true, chunkSizeWarningLimit: 4096 },
});
