// The screens. Hash history, so any screen reloads offline from the cached shell; every
// screen is in the one bundle the service worker precaches, so none is missing offline.
import { createRouter, createWebHashHistory } from "vue-router";
import TodayView from "./views/TodayView.vue";
import VacantView from "./views/VacantView.vue";
import RecordsView from "./views/RecordsView.vue";
import StatsView from "./views/StatsView.vue";
import MeView from "./views/MeView.vue";
import RecordView from "./views/RecordView.vue";
import InspectionForm from "./views/InspectionForm.vue";
import TicketForm from "./views/TicketForm.vue";
import NewRecord from "./views/NewRecord.vue";
import CheckpointsView from "./views/CheckpointsView.vue";
import PatrolScan from "./views/PatrolScan.vue";
import FeesView from "./views/FeesView.vue";

declare module "vue-router" {
  interface RouteMeta {
    /** A screen with a form: the app never reloads under it. */
    form?: boolean;
    /** The screen's name, for the window title. */
    title?: string;
    /** Shows the tab bar. */
    tab?: boolean;
  }
}

export const router = createRouter({
  history: createWebHashHistory(),
  routes: [
    { path: "/", component: TodayView, meta: { title: "待办", tab: true } },
    { path: "/vacant", component: VacantView, meta: { title: "空置房", tab: true } },
    { path: "/records", component: RecordsView, meta: { title: "记录", tab: true } },
    { path: "/stats", component: StatsView, meta: { title: "统计", tab: true } },
    { path: "/me", component: MeView, meta: { title: "我的", tab: true } },
    // A record's actions open as sheets over it: no reload while one may be half-filled.
    { path: "/record/:id", component: RecordView, props: true, meta: { title: "记录详情", form: true } },
    {
      path: "/inspect/:unit",
      component: InspectionForm,
      props: (route) => ({ unit: route.params.unit, special: route.query.special === "1" }),
      meta: { title: "空置房巡查", form: true },
    },
    { path: "/new/ticket", component: TicketForm, meta: { title: "登记客户信息", form: true } },
    { path: "/fees", component: FeesView, meta: { title: "收费台账" } },
    { path: "/checkpoints", component: CheckpointsView, meta: { title: "巡查点二维码" } },
    { path: "/patrol/:id/scan", component: PatrolScan, props: true, meta: { title: "扫码打卡", form: true } },
    { path: "/new/:kind", component: NewRecord, props: true, meta: { title: "新建记录", form: true } },
  ],
});

router.afterEach((to) => {
  document.title = to.meta.title ? `${to.meta.title} · 片区管家` : "片区管家";
});
