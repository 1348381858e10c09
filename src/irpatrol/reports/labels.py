"""English and Chinese labels shared by the reports and the web pages.

Grade names come from the grade's rule set (``label_en``/``label_zh`` of its ``[[grades]]``, see
:func:`irpatrol.registry.grades.label`). The web layer adds its page labels on top of these
(:mod:`irpatrol.web.i18n`).
"""

from __future__ import annotations

from irpatrol.registry import grades

LANGUAGES: tuple[str, ...] = ("en", "zh")

LABELS: dict[str, tuple[str, str]] = {
    "defect_no": ("Defect no.", "缺陷编号"),
    "t_max_c": ("Max temperature (°C)", "最高温度 (°C)"),
    "delta_t_k": ("ΔT (K)", "温差 ΔT (K)"),
    "sheet_ledger": ("Defect ledger", "缺陷台账"),
    "load_current_a": ("Load current (A)", "负荷电流 (A)"),
    "patrol": ("Patrol", "巡检"),
    "ledger": ("Defect ledger", "缺陷台账"),
    "defect": ("Defect", "缺陷"),
    "defects": ("Defects", "缺陷"),
    "hazards": ("Hazards", "隐患"),
    "hazard": ("Hazard", "隐患"),
    "demo_banner": ("Demo data — not a real network", "演示数据 — 非真实电网"),
    "total": ("Total", "合计"),
    "km_flown": ("km flown", "巡检里程 (km)"),
    "poles_flown": ("Poles inspected", "已巡杆塔"),
    "images": ("Images", "图像"),
    "rejected_images": ("Rejected images", "无效图像"),
    "findings": ("Findings", "发现"),
    "overdue": ("Overdue", "已超期"),
    "area": ("Area", "区域"),
    "feeder": ("Feeder", "线路"),
    "pole": ("Pole", "杆号"),
    "component": ("Component", "部件"),
    "phase": ("Phase", "相别"),
    "date": ("Date", "日期"),
    "crew": ("Crew", "班组"),
    "drone": ("Drone", "无人机"),
    "conditions": ("Conditions", "检测条件"),
    "ambient": ("Ambient", "环境温度"),
    "humidity": ("Humidity", "相对湿度"),
    "wind": ("Wind", "风速"),
    "rain": ("Rain", "降雨"),
    "yes": ("yes", "是"),
    "no": ("no", "否"),
    "load_current": ("Load current", "负荷电流"),
    "thermal_image": ("Thermal image", "红外图像"),
    "visible_image": ("Visible image", "可见光图像"),
    "emissivity": ("Emissivity", "发射率"),
    "distance": ("Distance", "距离"),
    "reflected": ("Reflected temperature", "反射温度"),
    "camera": ("Camera", "相机"),
    "captured_at": ("Captured", "拍摄时间"),
    "status": ("Status", "状态"),
    "reason": ("Reason", "原因"),
    "t_max": ("Max temperature", "最高温度"),
    "t_ref": ("Reference temperature", "正常相温度"),
    "t_ambient": ("Ambient reference", "环境参照体温度"),
    "delta_t": ("Temperature difference ΔT", "温差 ΔT"),
    "rise": ("Temperature rise τ", "温升 τ"),
    "delta_pct": ("Relative difference δt", "相对温差 δt"),
    "grade": ("Grade", "缺陷等级"),
    "rule": ("Rule", "判据"),
    "clause": ("Clause", "条款"),
    "standard": ("Standard", "标准"),
    "advice": ("Advice", "处理建议"),
    "deadline": ("Deadline", "消缺期限"),
    "found_at": ("Found", "发现时间"),
    "kind": ("Kind", "类型"),
    "description": ("Description", "描述"),
    "evidence": ("Evidence", "证据图像"),
    "clearance": ("Clearance", "净空距离"),
    "required": ("Required", "要求距离"),
    "defect_general": ("general defect", "一般缺陷"),
    "defect_serious": ("serious defect", "严重缺陷"),
    "defect_critical": ("critical defect", "危急缺陷"),
    "status_new": ("new", "新发现"),
    "status_confirmed": ("confirmed", "已确认"),
    "status_rejected": ("rejected", "已驳回"),
    "status_repair_scheduled": ("repair scheduled", "已安排检修"),
    "status_repaired": ("repaired", "已消缺"),
    "status_verified": ("verified", "已验收"),
    "status_reopened": ("reopened", "重新打开"),
    "status_open": ("open", "待处理"),
    "status_mitigation_scheduled": ("mitigation scheduled", "已安排处理"),
    "status_cleared": ("cleared", "已消除"),
    "hazard_vegetation": ("tree clearance", "树障"),
    "hazard_building": ("building", "违章建筑"),
    "hazard_foreign_object": ("foreign object", "异物"),
    "hazard_crossing": ("crossing", "交叉跨越"),
    "hazard_other": ("other", "其他"),
    "kind_thermal": ("thermal", "发热"),
    "kind_structural": ("structural", "本体"),
    "kind_other": ("other", "其他"),
    "report_title": ("Infrared inspection report", "红外检测报告"),
    "report_subtitle": ("Drone infrared patrol of a 10 kV distribution line",
                        "10 kV 配电线路无人机红外巡检"),
    "summary": ("Summary", "检测概况"),
    "defect_list": ("Defects found", "缺陷汇总"),
    "measurements": ("Measurements", "测温数据"),
    "parameters": ("Parameters", "检测参数"),
    "diagnosis": ("Diagnosis", "诊断结论"),
    "generated": ("Generated", "生成时间"),
    "report_basis": ("Graded by DL/T 664-2016 (application rules of infrared diagnosis for live "
                     "electrical equipment)", "依据 DL/T 664-2016《带电设备红外诊断应用规范》判定"),
    "no_defects": ("No defects were found in this patrol.", "本次巡检未发现缺陷。"),
    "poles_with_defects": ("Poles with defects", "缺陷杆塔数"),
    "inspector": ("Crew", "检测班组"),
    # report details (issue 14), DL/T 664-2016 Annex F
    "report_no": ("Report no.", "报告编号"),
    "company": ("Company", "单位名称"),
    "department": ("Department", "检测部门"),
    "inspector_name": ("Inspector", "检测人员"),
    "inspected_on": ("Inspected on", "检测日期"),
    "reviewer": ("Reviewer", "审核"),
    "reviewed_on": ("Reviewed on", "审核日期"),
    "approver": ("Approver", "批准"),
    "approved_on": ("Approved on", "批准日期"),
    "instrument_model": ("Instrument model", "仪器型号"),
    "instrument_serial": ("Instrument serial no.", "仪器编号"),
    "calibration_date": ("Calibration date", "校准日期"),
    "weather": ("Weather", "天气"),
    "load_note": ("Load", "负荷情况"),
    "location": ("Location", "位置"),
    "coordinates": ("Coordinates", "坐标"),
    "time_zone": ("Time zone", "时区"),
    "signatures": ("Signatures", "签字"),
    # work orders (issue 14)
    "assignee": ("Assignee", "负责人"),
    "repair_crew": ("Repair crew", "检修班组"),
    "due_at": ("Due", "计划完成时间"),
    "workflow_steps": ("Workflow steps (who, when)", "处理过程（人员、时间）"),
    "step_override": ("judgement overridden", "人工改判"),
    # feeder and period reports (issue 14)
    "feeder_report": ("Feeder report", "线路缺陷报告"),
    "period_report": ("Period report", "周期检测报告"),
    "feeder_report_subtitle": ("Open defects, those closed recently, and the last inspection of every pole",
                               "在办缺陷、近期闭环缺陷及各杆塔最近一次检测"),
    "period_report_subtitle": ("Patrols flown and defects found in the period",
                               "统计周期内的巡检与新发现缺陷"),
    "period": ("Period", "统计周期"),
    "closed_within": ("Closed defects listed", "列入的已闭环缺陷"),
    "closed_within_days": ("closed in the last {n} days", "近 {n} 天内闭环"),
    "pole_open_defects": ("Open defects", "在办缺陷"),
    "closed_defects": ("Closed defects", "已闭环缺陷"),
    "pole_inspections": ("Last inspection of each pole", "各杆塔最近一次检测"),
    "last_inspected": ("Last inspected", "最近检测时间"),
    "pole_never_inspected": ("never inspected", "从未检测"),
    "patrols_in_period": ("Patrols in the period", "周期内巡检"),
    "no_patrols": ("No patrol was flown in this period.", "本周期内无巡检。"),
    "no_defects_scope": ("No defects to list.", "无缺陷。"),
    "map_caption": ("Location: the feeder's poles around the defect's pole (red), from stored "
                    "coordinates", "位置示意：缺陷杆塔（红色）及附近杆塔，据台账坐标绘制"),
    "all_areas": ("all areas", "全部区域"),
    "sheet_poles": ("Poles", "杆塔检测"),
    "sheet_patrols": ("Patrols", "巡检记录"),
}


def label(key: str, lang: str = "en", table: dict[str, tuple[str, str]] | None = None) -> str:
    """The label ``key`` in ``lang`` (``en`` or ``zh``) from ``table`` (default: :data:`LABELS`);
    the key itself when unknown, so a forgotten label shows instead of crashing a page."""
    pair = (LABELS if table is None else table).get(key)
    if pair is None:
        return key
    return pair[1] if lang == "zh" else pair[0]


def grade_label(grade: str | None, lang: str = "en", standard: str | None = None) -> str:
    """The grade's display name from its rule set ``standard`` (None: the default rule set, else
    the first that has the grade); grades no rule set knows as given."""
    return grades.label(grade, lang, standard)


def status_label(status: str | None, lang: str = "en") -> str:
    """A defect or hazard status's display name; unknown statuses as given."""
    if not status:
        return ""
    key = f"status_{status}"
    return label(key, lang) if key in LABELS else status
