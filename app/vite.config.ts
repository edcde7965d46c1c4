import { defineConfig } from "vite";
import { VitePWA } from "vite-plugin-pwa";

// Two pages: the housekeeper's phone app and the office list. The service worker
// precaches both shells and the WASM core so the phone app opens with no network.
export default defineConfig({
  build: {
    target: "es2022",
    rollupOptions: {
      input: {
        main: "index.html",
        office: "office.html",
      },
    },
  },
  plugins: [
    VitePWA({
      registerType: "autoUpdate",
      injectRegister: null,
      manifest: {
        name: "片区管家",
        short_name: "管家",
        lang: "zh-CN",
        start_url: "/",
        display: "standalone",
        theme_color: "#0f766e",
        background_color: "#f8fafc",
        icons: [{ src: "/icon.svg", sizes: "any", type: "image/svg+xml" }],
      },
      workbox: {
        globPatterns: ["**/*.{js,css,html,wasm,svg,webmanifest}"],
        maximumFileSizeToCacheInBytes: 4 * 1024 * 1024,
        navigateFallback: "/index.html",
        navigateFallbackDenylist: [/^\/api\//, /^\/sync/, /^\/office/],
      },
    }),
  ],
});
