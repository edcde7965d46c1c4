// What the person fills in to file a new record of each kind (tickets and inspections have
// their own screens): the inputs only. Who, where and when are filled in by the app; the
// core judges the header when it is saved.
import type { Choice, Vocabulary } from "./vocabulary";

export type RecordInput =
  | { key: string; label: string; kind: "unit" | "text" | "textarea" | "date" | "month" | "yuan" | "fen" | "count" | "list" | "phone" | "datetime" }
  | { key: string; label: string; kind: "bool" }
  | { key: string; label: string; kind: "choice"; options: (v: Vocabulary) => Choice[]; optional?: boolean };

/** Fields the app fills in for a kind: the area, who and when. */
export type Stamp = { area: true; by?: string; at?: string };

export interface RecordForm {
  title: string;
  inputs: RecordInput[];
  stamp: Stamp;
}

export const RECORD_FORMS: Record<string, RecordForm> = {
  renovation: {
    title: "装修备案",
    stamp: { area: true, at: "appliedAt" },
    inputs: [
      { key: "unit", label: "房号", kind: "unit" },
      { key: "applicant", label: "申请人", kind: "text" },
      { key: "phone", label: "联系电话", kind: "phone" },
      { key: "contractor", label: "施工单位", kind: "text" },
      { key: "plan", label: "装修内容", kind: "textarea" },
      { key: "shop", label: "商铺装修", kind: "bool" },
      { key: "depositYuan", label: "装修押金（元）", kind: "yuan" },
    ],
  },
  visit: {
    title: "客户拜访",
    stamp: { area: true, by: "by", at: "visitedAt" },
    inputs: [
      { key: "unit", label: "房号", kind: "unit" },
      { key: "method", label: "拜访方式", kind: "choice", options: (v) => v.visit.method },
      { key: "person", label: "拜访对象", kind: "text" },
      { key: "notes", label: "沟通内容", kind: "textarea" },
      { key: "satisfaction", label: "满意度", kind: "choice", options: (v) => v.ticket.satisfaction, optional: true },
    ],
  },
  "visit-plan": {
    title: "拜访计划",
    stamp: { area: true, by: "madeBy", at: "madeAt" },
    inputs: [
      { key: "month", label: "计划月份", kind: "month" },
      { key: "content", label: "走访内容（告知事项、征询问题）", kind: "textarea" },
    ],
  },
  "key-ledger": { title: "钥匙台账", stamp: { area: true }, inputs: [] },
  "fee-account": {
    title: "收费跟进",
    stamp: { area: true, at: "openedAt" },
    inputs: [
      { key: "unit", label: "房号", kind: "unit" },
      { key: "arrearsFen", label: "欠费金额（元）", kind: "fen" },
    ],
  },
  "fee-plan": {
    title: "收费计划",
    stamp: { area: true },
    inputs: [{ key: "month", label: "计划月份", kind: "month" }],
  },
  "duty-log": {
    title: "值班记录",
    stamp: { area: true, by: "onDuty" },
    inputs: [
      { key: "date", label: "值班日期", kind: "date" },
      { key: "shift", label: "班次", kind: "choice", options: (v) => v.duty.shift },
    ],
  },
  engagement: {
    title: "接待日与客户送迎",
    stamp: { area: true },
    inputs: [
      { key: "occasion", label: "活动", kind: "choice", options: (v) => v.engagement.occasion },
      { key: "hostLevel", label: "主持人", kind: "choice", options: (v) => v.engagement.host },
      { key: "host", label: "主持人姓名", kind: "text" },
      { key: "heldAt", label: "时间", kind: "datetime" },
      { key: "notes", label: "客户反映", kind: "textarea" },
    ],
  },
  "special-weather": {
    title: "特殊天气",
    stamp: { area: true },
    inputs: [
      { key: "weather", label: "天气", kind: "choice", options: (v) => v.weather.weather },
      { key: "from", label: "开始日期", kind: "date" },
      { key: "to", label: "结束日期（预报）", kind: "date" },
    ],
  },
  survey: {
    title: "满意度调查",
    stamp: { area: true },
    inputs: [
      { key: "campaign", label: "调查月份", kind: "month" },
      { key: "purpose", label: "调查目的", kind: "textarea" },
      { key: "planned", label: "发放数量（份）", kind: "count" },
      { key: "opens", label: "开始日期", kind: "date" },
      { key: "closes", label: "回收期限", kind: "date" },
      { key: "staff", label: "实施人员（逗号分隔）", kind: "list" },
    ],
  },
  "owner-meeting": {
    title: "业主沟通会",
    stamp: { area: true },
    inputs: [
      { key: "title", label: "会议名称", kind: "text" },
      { key: "startsAt", label: "开始时间", kind: "datetime" },
      { key: "place", label: "地点", kind: "text" },
    ],
  },
  rectification: {
    title: "整改事项",
    stamp: { area: true },
    inputs: [
      { key: "meeting", label: "会议", kind: "text" },
      { key: "meetingDate", label: "会议日期", kind: "date" },
      { key: "problem", label: "问题", kind: "textarea" },
      { key: "location", label: "位置", kind: "text" },
      { key: "measure", label: "整改措施", kind: "textarea" },
      { key: "expected", label: "预计完成", kind: "date" },
      { key: "responsible", label: "责任人", kind: "text" },
    ],
  },
};
