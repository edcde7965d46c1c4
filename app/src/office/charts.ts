// ECharts, only the parts the statistics draw (tree-shaken from echarts/core).
import { BarChart, LineChart } from "echarts/charts";
import { GridComponent, LegendComponent, MarkLineComponent, TitleComponent, TooltipComponent } from "echarts/components";
import { use } from "echarts/core";
import { CanvasRenderer } from "echarts/renderers";

use([LineChart, BarChart, GridComponent, LegendComponent, MarkLineComponent, TitleComponent, TooltipComponent, CanvasRenderer]);

/** The estate's teal first, then colours that stay apart from it and from red (overdue). */
export const PALETTE = ["#0f766e", "#2563eb", "#d97706", "#7c3aed", "#0891b2", "#64748b"];
export const LATE = "#b91c1c";
