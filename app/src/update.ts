// A new version of the app takes over at once, but the page reloads only between tasks:
// never under a half-filled form.
import { registerSW } from "virtual:pwa-register";
import type { Router } from "vue-router";

export function watchForUpdates(router: Router): void {
  let wanted = false;
  /** Routes with a form a person may be filling in. */
  const busy = () => router.currentRoute.value.meta.form === true;
  registerSW({
    immediate: true,
    onNeedReload() {
      wanted = true;
      if (!busy()) location.reload();
    },
  });
  router.afterEach(() => {
    if (wanted && !busy()) location.reload();
  });
}
