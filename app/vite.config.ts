import vue from "@vitejs/plugin-vue";
import { defineConfig, loadEnv } from "vite";
import { compression } from "vite-plugin-compression2";
import { VitePWA } from "vite-plugin-pwa";

// Two pages: the housekeeper's phone app and the office console. The service worker
// precaches the phone's shell and the WASM core so the phone app opens with no network;
// the office console is a desk app, online only.
/** Modules only the office console uses: a chunk holding one holds only such modules
 * (rollup groups modules by the entries that need them). */
const OFFICE_ONLY = /\/src\/office\/|\/node_modules\/(element-plus|@element-plus|echarts|zrender|vue-echarts)\//;
const OFFICE_FILES = "assets/office/[name]-[hash].js";

export default defineConfig(({ mode }) => {
  // `npm run dev` talks to a running sync server: SYNC_SERVER, default http://127.0.0.1:8080 (scripts/run.sh).
  const server = loadEnv(mode, ".", "SYNC_").SYNC_SERVER || "http://127.0.0.1:8080";
  return {
    build: {
      target: "es2022",
      rollupOptions: {
        input: {
          main: "index.html",
          office: "office.html",
        },
        // The office console's own files go under assets/office/, which the phone's
        // service worker does not precache: a phone never downloads Element Plus or ECharts.
        output: {
          entryFileNames: (chunk) => (chunk.name === "office" ? OFFICE_FILES : "assets/[name]-[hash].js"),
          chunkFileNames: (chunk) => (chunk.moduleIds.some((id) => OFFICE_ONLY.test(id)) ? OFFICE_FILES : "assets/[name]-[hash].js"),
          assetFileNames: (asset) =>
            asset.names.some((n) => n.startsWith("office")) ? "assets/office/[name]-[hash][extname]" : "assets/[name]-[hash][extname]",
        },
      },
    },
    server: {
      proxy: {
        "/api": server,
        "/sync": { target: server.replace(/^http/, "ws"), ws: true },
      },
    },
    plugins: [
      vue(),
      // A gzip and a brotli copy beside each text file and the WASM, built once here; the
      // server hands whichever the browser accepts (ServeDir's precompressed files).
      compression({
        include: /\.(html|css|js|mjs|json|svg|wasm|webmanifest)$/,
        algorithms: ["gzip", "brotliCompress"],
        threshold: 1024,
        logLevel: "silent",
      }),
      VitePWA({
        // A new version takes over at once; the page reloads only when no form is open (update.ts).
        registerType: "autoUpdate",
        injectRegister: null,
        // PNG icons made from icon.svg at build time (iOS takes no SVG touch icon; Android
        // wants a maskable one): 64, 192 and 512 px, a maskable 512 px and the 180 px
        // apple-touch-icon, written into the manifest and both pages' heads.
        pwaAssets: {
          image: "public/icon.svg",
          preset: "minimal-2023",
          overrideManifestIcons: true,
          includeHtmlHeadLinks: true,
        },
        manifest: {
          id: "/",
          name: "片区管家",
          short_name: "管家",
          description: "无信号也能登记、巡查、回访，联网后自动同步",
          lang: "zh-CN",
          start_url: "/",
          scope: "/",
          display: "standalone",
          orientation: "portrait",
          theme_color: "#0f766e",
          background_color: "#f1f5f9",
        },
        workbox: {
          globPatterns: ["**/*.{js,css,html,wasm,png,ico,svg}"], // the manifest is added by the plugin
          globIgnores: ["assets/office/**", "office.html"],
          // The WASM core is about 2 MB; the QR reader about 1 MB.
          maximumFileSizeToCacheInBytes: 4 * 1024 * 1024,
          navigateFallback: "/index.html",
          navigateFallbackDenylist: [/^\/api\//, /^\/sync/, /^\/office/],
        },
      }),
    ],
  };
});
