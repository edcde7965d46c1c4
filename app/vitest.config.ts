import vue from "@vitejs/plugin-vue";
import { defineConfig } from "vitest/config";

// Component and module tests run in jsdom with an in-memory IndexedDB; the browser tests
// (tests/e2e) drive the built app in Chromium.
export default defineConfig({
  plugins: [vue()],
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.ts"],
    setupFiles: ["src/test-setup.ts"],
  },
});
