// The office console: a desktop web app for the customer-service desk, supervisors and
// the administrator — Vue 3, Element Plus (zh-CN), ECharts. It reads and acts through
// the server's API (api.ts); every rule stays in the core, on the server.
import "element-plus/dist/index.css";
import "./office.css";
import { createPinia } from "pinia";
import { createApp } from "vue";
import App from "./App.vue";
import { configureApi } from "./api";
import { router } from "./router";
import { useSession } from "./stores/session";

const app = createApp(App);
app.use(createPinia());
const session = useSession();
configureApi({
  token: () => session.session?.token ?? null,
  unauthorized: (revoked) => session.expired(revoked),
});
app.use(router);
app.mount("#app");
