// The console's pages. Hash history, like the phone app, so the server serves one page.
import { createRouter, createWebHashHistory } from "vue-router";
import { useSession } from "./stores/session";

declare module "vue-router" {
  interface RouteMeta {
    /** The page's name, for the menu and the window title. */
    title?: string;
    /** Open to anyone (the sign-in page). */
    public?: boolean;
    /** Only for administrators. */
    admin?: boolean;
  }
}

export const router = createRouter({
  history: createWebHashHistory(),
  routes: [
    { path: "/login", component: () => import("./pages/LoginPage.vue"), meta: { title: "登录", public: true } },
    { path: "/", redirect: "/board" },
    { path: "/intake", component: () => import("./pages/IntakePage.vue"), meta: { title: "受理" } },
    { path: "/board", component: () => import("./pages/BoardPage.vue"), meta: { title: "工单看板" } },
    { path: "/callbacks", component: () => import("./pages/CallbacksPage.vue"), meta: { title: "回访" } },
    { path: "/prices", component: () => import("./pages/PricesPage.vue"), meta: { title: "项目标准" } },
    { path: "/fees", component: () => import("./pages/FeesPage.vue"), meta: { title: "收费管理" } },
    { path: "/surveys", component: () => import("./pages/SurveysPage.vue"), meta: { title: "满意度调查" } },
    { path: "/samples", component: () => import("./pages/SamplesPage.vue"), meta: { title: "抽样回访" } },
    { path: "/records", component: () => import("./pages/RecordsPage.vue"), meta: { title: "全部记录" } },
    { path: "/record/:id", component: () => import("./pages/RecordPage.vue"), props: true, meta: { title: "记录详情" } },
    { path: "/stats", component: () => import("./pages/StatsPage.vue"), meta: { title: "月度统计" } },
    { path: "/exports", component: () => import("./pages/ExportsPage.vue"), meta: { title: "导出" } },
    { path: "/admin", component: () => import("./pages/AdminPage.vue"), meta: { title: "账号管理", admin: true } },
    { path: "/:rest(.*)*", redirect: "/board" },
  ],
});

router.beforeEach((to) => {
  const session = useSession();
  if (!to.meta.public && !session.session) return { path: "/login", query: to.fullPath !== "/" ? { back: to.fullPath } : {} };
  if (to.meta.public && session.session) return "/board";
  if (to.meta.admin && !session.isAdmin) return "/board";
  return true;
});

router.afterEach((to) => {
  document.title = to.meta.title ? `${to.meta.title} · 办公室` : "办公室";
});
