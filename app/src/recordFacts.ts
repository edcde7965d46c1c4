// A record's facts and where it stands, by kind, as [label, value] rows: the header as
// registered and the state its journal adds up to (both from the core). The phone's
// summary card and the office console's detail show the same rows.
import { shanghaiTime, shortTime, yuan } from "./format";
import type { AnyRecord } from "./records";
import { labelOf, type Vocabulary } from "./vocabulary";

export type Fact = [label: string, value: string | null | undefined];


/** Rows of [label, value] for the record's kind; `who` names a user. */
export function recordFacts(r: AnyRecord, v: Vocabulary, who: (user: string) => string): Fact[] {
  switch (r.kind) {
    case "ticket": {
      const h = r.header;
      const s = r.state;
      return [
        ["类别", labelOf(v.ticket.category, h.category)],
        ["来源", labelOf(v.ticket.channel, h.channel)],
        ["位置", h.location.type === "unit" ? h.location.code : h.location.place],
        ["问题", h.description],
        ...(h.reporter ? [["反映人", `${h.reporter.name}${h.reporter.phone ? ` ${h.reporter.phone}` : ""}`] as [string, string]] : []),
        ...(s.repair ? [["维修", `${labelOf(v.ticket.repairScope, s.repair.scope)} · ${labelOf(v.ticket.repairScale, s.repair.scale)}${s.repair.leak ? " · 渗漏水" : ""}`] as [string, string]] : []),
        ["登记", `${shanghaiTime(h.registeredAt)} · ${who(h.registeredBy)}`],
        ...(s.assignee ? [["处理人", who(s.assignee)] as [string, string]] : []),
        ...(s.service
          ? [["服务需求单", `${s.service.item} ${yuan(s.service.priceFen)}（已收 ${yuan(s.collectedFen)}）：${s.service.plan}`] as [string, string]]
          : []),
        ...(s.complaint?.business ? [["业务类别", labelOf(v.ticket.businessType, s.complaint.business)] as [string, string]] : []),
        ...(s.complaint?.againstHead ? [["投诉对象", "管理处主任"] as [string, string]] : []),
        ...(s.referrals.length
          ? [["上报", s.referrals.map((r) => `${shanghaiTime(r.at)} ${labelOf(v.ticket.referee, r.to)}`).join("；")] as [string, string]]
          : []),
        ...(s.team ? [["处理小组", `专人 ${who(s.team.spokesperson)}${s.team.members ? `；${s.team.members}` : ""}`] as [string, string]] : []),
        ...(s.contacts.length
          ? [["沟通记录", s.contacts.map((c) => `${shanghaiTime(c.at)} ${c.said}${c.agreedAt !== null ? `（约定 ${shanghaiTime(c.agreedAt)} 前完成）` : ""}`).join("；")] as [string, string]]
          : []),
        ...(s.callbacks.length ? [["回访", s.callbacks.map((c) => `${labelOf(v.ticket.satisfaction, c.satisfaction)}${c.resolved ? "" : "（问题仍在）"}`).join("、")] as [string, string]] : []),
      ];
    }
    case "vacant-inspection": {
      const h = r.header;
      const s = r.state;
      const bad = v.inspection.checklist.filter((p) => h.checklist[p.value as keyof typeof h.checklist] === "abnormal");
      return [
        ["房号", h.unitCode],
        ["巡查", `${shanghaiTime(h.inspectedAt)} · ${who(h.inspector)}`],
        ["类型", labelOf(v.inspection.occasion, h.occasion)],
        ["检查结果", bad.length ? `异常：${bad.map((p) => p.label).join("、")}` : "全部正常"],
        ...(h.findings ? [["发现问题", h.findings] as [string, string]] : []),
        ["通风", s.ventilated ? "已通风" : "未通风"],
        ["保洁", s.cleaned ? "已保洁" : s.cleaningArranged ? "已安排保洁" : "未安排"],
        ...(h.notes ? [["备注", h.notes] as [string, string]] : []),
      ];
    }
    case "public-patrol":
      return [
        ["日期", r.header.date],
        ["巡视人", who(r.header.by)],
        ["已打卡", r.state.visited.length ? r.state.visited.map((v) => v.place).join("、") : "尚未打卡"],
        ["发现问题", r.state.findings.length ? r.state.findings.map((f) => `${f.place}：${f.description}${f.ticket ? "（已转工单）" : ""}`).join("；") : "无"],
        ["状态", r.state.finishedAt ? `${shanghaiTime(r.state.finishedAt)} 完成` : "巡视中"],
      ];
    case "renovation":
      return [
        ["房号", r.header.unitCode],
        ["申请人", r.header.applicant],
        ["施工单位", r.header.contractor],
        ["装修内容", r.header.plan],
        ["押金", `${r.header.depositYuan} 元`],
        ["状态", labelOf(v.renovation.status, r.state.status)],
        ["开工前检查", r.state.preWorksDoneAt ? `${shortTime(r.state.preWorksDoneAt)} 手续齐全，已交底` : r.state.preWorks ? "手续未齐" : "未检查"],
        ["巡查", `${r.state.patrols.length} 次`],
      ];
    case "visit":
      return [
        ["房号", r.header.unitCode],
        ["方式", labelOf(v.visit.method, r.header.method)],
        ["对象", r.header.person],
        ["时间", shanghaiTime(r.header.visitedAt)],
        ["记录", r.header.notes],
        ...(r.header.satisfaction ? [["满意度", labelOf(v.ticket.satisfaction, r.header.satisfaction)] as [string, string]] : []),
      ];
    case "visit-plan":
      return [
        ["月份", r.header.month],
        ...(r.header.content ? [["走访内容", r.header.content] as [string, string]] : []),
        ["计划住户", `${r.state.units.length} 户`],
        ["审批", r.state.approvedBy ? `已审批（${r.state.approvedBy}）` : "待审批"],
      ];
    case "key-ledger":
      return Object.entries(r.state.keys).map(([label, k]): [string, string] => [
        `${label}${k.unitCode ? `（${k.unitCode}）` : ""}`,
        k.status === "lent" ? `借给 ${k.borrower}` : labelOf(v.keys.status, k.status),
      ]);
    case "fee-account":
      return [
        ["房号", r.header.unitCode],
        ["欠费", yuan(r.state.outstandingFen)],
        ["已出账", yuan(r.state.billedFen ?? 0)],
        ["已缴", yuan(r.state.paidFen)],
        ["联系", `${r.state.contacts.length} 次`],
        ...(r.state.promise ? [["承诺", `${r.state.promise.by} 前缴 ${yuan(r.state.promise.amountFen)}`] as [string, string]] : []),
      ];
    case "special-weather":
      return [
        ["天气", labelOf(v.weather.weather, r.header.weather)],
        ["期间", `${r.header.from} 至 ${r.header.to}`],
        ["状态", r.state.withdrawn ? "已撤销" : "空置房须逐套特殊天气加查"],
      ];
    case "survey": {
      const s = r.state;
      const handed = Object.keys(s.handed).length;
      const returned = Object.values(s.returned);
      const comments = returned.filter((x) => x.comment).length;
      const called = Object.keys(s.calledBack).length;
      return [
        ["调查月份", r.header.campaign],
        ["目的", r.header.purpose],
        ["时间", `${r.header.opens} 至 ${r.header.closes}（回收期限）`],
        ["评价项目", (r.header.items?.length ? r.header.items : v.survey.items.map((c) => c.label)).join("、")],
        ["计划", `发放 ${r.header.planned} 份${r.header.staff?.length ? `，${r.header.staff.join("、")}` : ""}`],
        ["批准", s.approvedAt ? `${shanghaiTime(s.approvedAt)}（${who(s.approvedBy ?? "")}）` : "待公司批准"],
        ["发放 / 回收", `${handed} / ${returned.length} 份${handed ? `，回收率 ${Math.round((returned.length * 100) / handed)}%（不低于60%）` : ""}`],
        ["意见回访", `${called} / ${comments} 户`],
        ["状态", s.analysedAt ? "已统计分析" : s.closedAt ? `${shanghaiTime(s.closedAt)} 结束回收` : s.approvedAt ? "发放回收中" : "待批准"],
      ];
    }
    case "fee-plan": {
      const s = r.state;
      return [
        ["月份", r.header.month],
        ["指标", s.target ? `${yuan(s.target.amountFen)}，${s.target.households} 户` : "未下达"],
        ...(s.setAt ? [["下达", `${shanghaiTime(s.setAt)}（${who(s.setBy ?? "")}）`] as [string, string]] : []),
        ["考核", s.reviewedAt ? `${shanghaiTime(s.reviewedAt)}（${who(s.reviewedBy ?? "")}）` : "未考核"],
      ];
    }
    case "rectification":
      return [
        ["问题", r.header.problem],
        ["会议", `${r.header.meeting}（${r.header.meetingDate}）`],
        ["措施", r.header.measure],
        ["责任人", r.header.responsible],
        ["预计完成", r.state.expected],
        ["状态", r.state.doneAt ? `${shanghaiTime(r.state.doneAt)} 完成` : "整改中"],
      ];
    case "engagement":
      return [
        ["活动", labelOf(v.engagement.occasion, r.header.occasion)],
        ["主持人", `${r.header.host}（${labelOf(v.engagement.host, r.header.hostLevel)}）`],
        ["时间", shanghaiTime(r.header.heldAt)],
        ...(r.header.notes ? [["客户反映", r.header.notes] as [string, string]] : []),
        ["状态", r.state.withdrawn ? "已撤销" : "已开展"],
      ];
    case "owner-meeting": {
      const s = r.state;
      const invited = Object.values(s.invitations);
      return [
        ["会议", r.header.title],
        ["时间地点", `${shanghaiTime(r.header.startsAt)} · ${r.header.place}`],
        ["邀请", `${invited.length} 户：${v.meeting.answer.map((a) => `${a.label} ${invited.filter((i) => i.answer === a.value).length}`).join("，")}`],
        ["签到", s.signedIn.length ? s.signedIn.map((a) => `${a.name}（${a.unitCode}）`).join("、") : "尚无"],
        ...(s.staff.length ? [["与会人员", s.staff.join("、")] as [string, string]] : []),
        ["业主意见", `${s.issues.length} 项，当场答复 ${s.issues.filter((i) => i.answer !== null).length} 项`],
        ["会议纪要", s.minutes ?? "未写"],
        ["整改方案", s.publishedAt ? `${shanghaiTime(s.publishedAt)} 已公布` : "未公布"],
      ];
    }
    case "duty-log": {
      const s = r.state;
      return [
        ["班次", `${r.header.date} ${labelOf(v.duty.shift, r.header.shift)}`],
        ["值班人", who(r.header.onDuty)],
        ["记录", `${s.entries} 条`],
        ...(s.handover
          ? [["交班", `${shanghaiTime(s.handover.at)} 交给 ${who(s.handover.to)}：工单 ${s.handover.tickets.length} 单${s.handover.items.length ? `，物品 ${s.handover.items.join("、")}` : ""}`] as [string, string]]
          : []),
        ...(s.takenOver
          ? [["接班", `${shanghaiTime(s.takenOver.at)} ${who(s.takenOver.by)}${s.takenOver.missing.length ? `，缺失：${s.takenOver.missing.join("、")}` : "，物品齐全"}`] as [string, string]]
          : []),
        ...(s.checks.length
          ? [["主管检查", s.checks.map((c) => `${shanghaiTime(c.at)} ${c.complete ? "完整" : "不完整"}`).join("；")] as [string, string]]
          : []),
      ];
    }
    case "unit":
      return [
        ["房号", r.header.code],
        ["状态", labelOf(v.unit.status, r.state.status)],
        ["住户", r.state.people.map((p) => `${p.name}${p.phone ? ` ${p.phone}` : ""}`).join("、") || "未登记"],
        ["重点客户", r.state.keyCustomer ? "是" : "否"],
      ];
    default:
      return [];
  }
}
