// The housekeeper's phone app: Vue 3 + Vant 4, one store for the session and sync, every
// rule in the WASM core.
import { createPinia } from "pinia";
import { createApp } from "vue";
import "vant/lib/index.css";
import "./style.css";
import App from "./App.vue";
import { installHooks } from "./hooks";
import { router } from "./router";
import { restoreSettings } from "./settings";
import { useField } from "./stores/field";
import { watchForUpdates } from "./update";

// What localStorage lost in a crash comes back before anything reads it.
void restoreSettings().then(() => {
  const app = createApp(App);
  app.use(createPinia());
  app.use(router);
  app.mount("#app");

  const field = useField();
  installHooks(field);
  watchForUpdates(router);
  field.boot().catch((e: unknown) => {
    console.error(e);
    field.failure = e instanceof Error ? e.message : String(e);
  });
});
