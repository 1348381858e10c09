"""English and Chinese labels for the pages: the report labels plus the pages' own (those of the
analyst's and the manager's work in :mod:`irpatrol.web.work_labels`).

A missing key falls back to the key itself; ``tests/web`` checks every key has both languages.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from irpatrol.reports.fieldwork_labels import FIELD_LABELS
from irpatrol.reports.labels import LABELS as REPORT_LABELS
from irpatrol.reports.labels import LANGUAGES, grade_label, label, status_label
from irpatrol.reports.why import WHY_LABELS
from irpatrol.web.work_labels import WORK_LABELS

__all__ = ["LABELS", "LANGUAGES", "add_labels", "error_text", "grade_label", "header_language",
           "status_label", "t", "translator"]

PAGE_LABELS: dict[str, tuple[str, str]] = {
    # navigation and chrome
    "app_name": ("irpatrol", "红外巡检"),
    "app_title": ("IR patrol of 10 kV lines", "10 kV 配电线路无人机红外巡检"),
    "dashboard": ("Dashboard", "总览"),
    "map": ("Map", "地图"),
    "patrols": ("Patrols", "巡检记录"),
    "schedule": ("Schedule", "巡检计划"),
    "assets": ("Assets", "设备台账"),
    "users": ("Users", "用户"),
    "login": ("Log in", "登录"),
    "logout": ("Log out", "退出"),
    "username": ("User name", "用户名"),
    "password": ("Password", "密码"),
    "language": ("Language", "语言"),
    "switch_language": ("中文", "English"),
    "wrong_login": ("Wrong user name or password.", "用户名或密码错误。"),
    # issue 12: passwords, sessions, throttling
    "change_password": ("Password", "修改密码"),
    "current_password": ("Current password", "当前密码"),
    "new_password": ("New password", "新密码"),
    "repeat_password": ("New password again", "再次输入新密码"),
    "password_rules": ("At least 8 characters, not your user name, not easy to guess (a few unrelated "
                       "words work well). Every session ends: sign in again afterwards.",
                       "至少 8 个字符，不得包含用户名，不易被猜中（几个不相关的词组合即可）。"
                       "修改后所有会话结束，需重新登录。"),
    "sign_out_everywhere": ("Sign out everywhere", "退出所有设备"),
    "sign_out_everywhere_note": ("Ends every session of your account, on every device, this one included.",
                                 "结束本账号在所有设备上的会话（包括当前会话）。"),
    "throttled": ("Too many failed attempts: try again in {n} s.", "失败次数过多，请 {n} 秒后再试。"),
    "role": ("Role", "角色"),
    "role_viewer": ("viewer", "查看"),
    "role_pilot": ("pilot", "飞手"),
    "role_analyst": ("analyst", "分析员"),
    "role_admin": ("admin", "管理员"),
    "save": ("Save", "保存"),
    "saved": ("Saved.", "已保存。"),
    "filter": ("Filter", "筛选"),
    "all": ("All", "全部"),
    "none_found": ("Nothing found.", "无记录。"),
    "previous": ("Previous", "上一页"),
    "next": ("Next", "下一页"),
    "page": ("Page", "第"),
    "of": ("of", "/"),
    "download": ("Download", "下载"),
    "error": ("Error", "错误"),
    # dashboard
    "coverage": ("Coverage", "覆盖率"),
    "coverage_by_area": ("Coverage by area", "各区域覆盖率"),
    "coverage_by_feeder": ("Coverage by feeder", "各线路覆盖率"),
    "defects_by_grade": ("Open defects by grade", "未消缺陷（按等级）"),
    "defects_by_status": ("Defects by status", "缺陷（按状态）"),
    "overdue_defects": ("Overdue defects", "超期缺陷"),
    "defects_found": ("Defects found", "发现缺陷"),
    "yoy": ("Change against a year earlier", "同比变化"),
    "this_year": ("This year", "今年"),
    "last_year": ("Same period last year", "去年同期"),
    "over_time": ("Over time (by month)", "按月趋势"),
    "mttr": ("Mean time to repair", "平均消缺时间"),
    "days": ("days", "天"),
    # assets
    "areas": ("Areas", "区域"),
    "feeders": ("Feeders", "线路"),
    "poles": ("Poles", "杆塔"),
    "voltage": ("Voltage", "电压等级"),
    "length": ("Length", "长度"),
    "import_assets": ("Import assets (CSV, GeoJSON, KML)", "导入设备（CSV、GeoJSON、KML）"),
    "import": ("Import", "导入"),
    "row_errors": ("Rows with errors", "出错的行"),
    "imported": ("Imported", "已导入"),
    "pole_history": ("Pole history", "杆塔履历"),
    # patrols and images
    "crews": ("Crews", "班组"),
    "pilot": ("Pilot", "飞手"),
    "rated_current": ("Rated current", "额定电流"),
    "image_grid": ("Images", "图像"),
    "palette": ("Palette", "色板"),
    "viewer": ("Image viewer", "图像分析"),
    "no_visible": ("No visible image in this file.", "该文件无可见光图像。"),
    "temp_under_cursor": ("Temperature under the cursor", "光标处温度"),
    "box_tool": ("Box measurement: drag on the image", "框选测温：在图像上拖动"),
    "box_result": ("Box", "框选"),
    "hotspots": ("Hotspots", "发热点"),
    "recompute": ("Recompute", "重新计算"),
    "min": ("min", "最低"),
    "max": ("max", "最高"),
    "mean": ("mean", "平均"),
    "open": ("Open", "打开"),
    # temperatures and diagnosis
    "trend": ("Temperature trend", "温度趋势"),
    "timeline": ("History", "处理记录"),
    "transition": ("Change status", "变更状态"),
    "comment": ("Comment", "备注"),
    # schedule
    "plan": ("Plan", "计划"),
    "sorties": ("Sorties", "架次"),
    "sortie": ("Sortie", "架次"),
    "flight_time": ("Flight time", "飞行时间"),
    "missions": ("Missions", "航线文件"),
    "no_plan": ("No plan yet.", "暂无计划。"),
    "day": ("Day", "日期"),
    "takeoff": ("Takeoff", "起飞点"),
    "weather_unknown": ("weather unknown", "天气未知"),
    "forecast_until": ("Forecast until", "天气预报至"),
    "beyond_forecast": ("after it a climatological flyable share per month",
                        "之后按各月气候可飞比例估算"),
    "days_planned_unknown": ("planned day(s) without a forecast", "个计划日无天气预报"),
    "measuring_score": ("IR score", "测温适宜度"),
    "measuring_score_help": ("Share of the working hours without sun on the target (cloud cover, night, "
                             "early morning; DL/T 664 §4.3), 0–1",
                             "作业时段内目标无日照的比例(云量、夜间、清晨;DL/T 664 第4.3条),0–1"),
    # reports
    "reports": ("Reports", "报告"),
    "report_pdf": ("Patrol report (PDF)", "巡检报告 (PDF)"),
    "ledger_xlsx": ("Ledger (Excel)", "缺陷台账 (Excel)"),
    "reports_intro": ("Reports to file: per patrol (on each patrol's page), per feeder and per period, "
                      "as PDF and Excel.",
                      "可归档的报告：按巡检（见各巡检页面）、按线路、按周期，提供 PDF 与 Excel。"),
    "report_language": ("Report language", "报告语言"),
    "lang_en": ("English", "英文"),
    "lang_zh": ("Chinese", "中文"),
    "date_from": ("From", "起始日期"),
    "date_to": ("To", "截止日期"),
    "closed_days": ("Closed defects of the last (days)", "近期闭环缺陷（天）"),
    "dl_pdf": ("PDF", "PDF"),
    "dl_xlsx": ("Excel", "Excel"),
    "patrol_reports": ("Patrol reports", "巡检报告"),
    "recent_patrols": ("Recent patrols", "最近巡检"),
    "ledger_csv": ("Ledger (CSV)", "缺陷台账 (CSV)"),
    # users and photos
    "active": ("Active", "启用"),
    "activate": ("Activate", "启用"),
    "deactivate": ("Deactivate", "停用"),
    "inactive": ("inactive", "已停用"),
    "photos": ("Photos", "照片"),
    "add_photos": ("Add photos", "添加照片"),
    "upload": ("Upload", "上传"),
    # service messages (see error_text); {placeholders} are filled in
    "err_transition": ("A {what} in status {cur} cannot become {to}; allowed: {allowed}.",
                       "{what}当前状态为“{cur}”，不能变为“{to}”；可变为：{allowed}。"),
    "err_closed": ("none (closed)", "无（已关闭）"),
    "err_reason_required": ("A reason is required to make a {what} {to}.", "{what}变为“{to}”须填写原因。"),
    "err_last_admin": ("{user} is the last active admin: the role cannot be taken away and the account "
                       "cannot be deactivated.", "{user} 是最后一个启用的管理员，不能取消管理员角色或停用。"),
    "err_user_exists": ("User {user} already exists.", "用户 {user} 已存在。"),
    "err_password_short": ("Password too short: at least {n} characters.", "密码太短：至少 {n} 个字符。"),
    "err_password_weak": ("Password too weak: it is too easy to guess.", "密码强度不足：太容易被猜中。"),
    "err_password_username": ("The password must not contain the user name.", "密码不得包含用户名。"),
    "err_current_password": ("The current password is wrong.", "当前密码错误。"),
    "err_password_repeat": ("The two new passwords differ.", "两次输入的新密码不一致。"),
    "err_not_photo": ("Not a photo: send a JPEG, PNG, TIFF or WebP image.",
                      "不是照片：请上传 JPEG、PNG、TIFF 或 WebP 图像。"),
    "err_no_record": ("There is no {what} #{id}.", "{what} #{id} 不存在。"),
    "err_role": ("Your role ({role}) may not do this; {need} or above is required.",
                 "您的角色（{role}）无权执行此操作，需要{need}或以上角色。"),
    # full-page errors (web/errors.py), titled by HTTP status
    "error_401": ("Not signed in", "未登录"),
    "error_403": ("Not allowed", "无权操作"),
    "error_429": ("Too many attempts", "尝试次数过多"),
    "error_413": ("Upload too large", "上传文件过大"),
    "upload_too_large": ("The upload is larger than the limit of {limit}: nothing was saved.",
                         "上传内容超过 {limit} 的限制，未保存任何内容。"),
    "error_404": ("Not found", "未找到"),
    "error_409": ("Not possible now", "当前无法执行"),
    "error_other": ("Cannot be done", "无法完成"),  # 400: the rest of the error tree
    "error_405": ("Not possible here", "不支持的操作"),
    "error_422": ("Invalid value", "输入无效"),
    "error_500": ("Something went wrong", "系统出错"),
    "error_503": ("Busy", "系统繁忙"),
    "err_no_page": ("There is no page at this address.", "此地址没有页面。"),
    "err_no_such_record": ("There is no such record.", "记录不存在。"),
    "err_method": ("This page cannot be used this way.", "此页面不支持该操作。"),
    "err_too_large": ("The upload is larger than the server accepts.", "上传内容超过服务器允许的大小。"),
    "err_bad_value": ("The address or the form has a value that is not valid", "地址或表单中有无效的值"),
    "err_server": ("The server could not complete this request; it has been logged. Please try again or "
                   "tell your administrator.", "服务器无法完成此请求，已记录。请重试或联系管理员。"),
    "err_busy": ("The database is busy: try again shortly.", "数据库繁忙，请稍后重试。"),
    "back": ("Back", "返回"),
}

LABELS: dict[str, tuple[str, str]] = {
    **REPORT_LABELS, **FIELD_LABELS, **WHY_LABELS, **PAGE_LABELS, **WORK_LABELS
}


def add_labels(labels: dict[str, tuple[str, str]], owner: str) -> None:
    """Add a page's own ``labels`` (key → (en, zh); a page module's ``LABELS``, added when
    :mod:`irpatrol.web.views` mounts it); ValueError naming ``owner`` when a key already means
    something else."""
    clash = sorted(k for k, v in labels.items() if LABELS.get(k, v) != v)
    if clash:
        raise ValueError(f"{owner}: labels already defined otherwise: {', '.join(clash)}")
    LABELS.update(labels)


def t(key: str, lang: str = "en") -> str:
    """The label ``key`` in ``lang``; the key itself when unknown."""
    return label(key, lang, LABELS)


def translator(lang: str) -> Callable[[str], str]:
    """A one-argument ``t`` bound to ``lang`` (``en`` when unknown), for templates."""
    lang = lang if lang in LANGUAGES else "en"
    return lambda key: t(key, lang)


ERROR_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"a (?P<cur>\w+) (?P<what>defect|hazard) cannot become (?P<to>\w+); "
                r"allowed: (?P<allowed>.*)"), "err_transition"),
    (re.compile(r"a reason is required to make a (?P<what>defect|hazard) (?P<to>\w+)"),
     "err_reason_required"),
    (re.compile(r"cannot (?:take the admin role from|deactivate) '(?P<user>.+)': the last active admin"),
     "err_last_admin"),
    (re.compile(r"user '(?P<user>.+)' already exists"), "err_user_exists"),
    (re.compile(r"password too short: at least (?P<n>\d+) characters"), "err_password_short"),
    (re.compile(r"not a photo: .*"), "err_not_photo"),
    (re.compile(r"password too weak: .*"), "err_password_weak"),
    (re.compile(r"password must not contain the user name"), "err_password_username"),
    (re.compile(r"wrong current password"), "err_current_password"),
    (re.compile(r"the two new passwords differ"), "err_password_repeat"),
    (re.compile(r"no (?P<what>defect|hazard|patrol|pole|feeder|area) #?(?P<id>\d+)"), "err_no_record"),
    (re.compile(r"role '(?P<role>\w+)' may not do this; '(?P<need>\w+)' or above is required"), "err_role"),
    (re.compile(r"a reason is required to override the automatic judgement"), "err_override_reason"),
    (re.compile(r"verification needs evidence: .*"), "err_verify_evidence"),
    (re.compile(r"(?P<name>emissivity|distance_m|reflected_c|ambient_c|humidity_pct|wind_m_s|load_current_a)"
                r" must be between (?P<lo>\S+) and (?P<hi>\S+), got (?P<value>\S+)"), "err_param_range"),
    (re.compile(r"a scheduled repair needs an assignee"), "err_assignee"),
    (re.compile(r"a scheduled repair needs a due date"), "err_due"),
    (re.compile(r"a repair needs its note: what was done"), "err_repair_note"),
    (re.compile(r"choose the next status"), "err_choose_status"),
    (re.compile(r"clearing a hazard needs evidence: .*"), "err_clear_evidence"),
    (re.compile(r"a reason is required to (?:edit|remove) a patrol"), "err_patrol_reason"),
    (re.compile(r"rejecting an automatic finding needs a verdict: .*"), "err_verdict_required"),
    (re.compile(r"no (?P<what>area|feeder|crew) (?P<name>'.*'|\".*\")"), "err_no_named"),
    (re.compile(r"(?:start|end) date (?P<text>.+): use YYYY-MM-DD"), "err_bad_date"),
    (re.compile(r"period .+ ends before it starts"), "err_period_order"),
    (re.compile(r"period .+: years must lie within .*"), "err_period_years"),
)
"""Service messages the pages know (registry.workflow, registry.auth, registry.hazards), each
with the label it is shown as; anything else is shown as the service wrote it."""


def error_text(message: str, lang: str = "en") -> str:
    """A service error ``message`` in ``lang`` when it is one of :data:`ERROR_PATTERNS` (statuses
    and record kinds translated too), else ``message`` unchanged."""
    for pattern, key in ERROR_PATTERNS:
        m = pattern.fullmatch(message.strip())
        if m is None:
            continue
        parts = m.groupdict()
        if "what" in parts:
            parts["what"] = t(parts["what"], lang) if lang == "zh" else parts["what"]
        for name in ("role", "need"):
            if name in parts:
                parts[name] = t(f"role_{parts[name]}", lang)
        for name in ("cur", "to"):
            if name in parts:
                parts[name] = status_label(parts[name], lang)
        if parts.get("allowed") == "none (closed)":
            parts["allowed"] = t("err_closed", lang)
        elif "allowed" in parts:
            sep = "、" if lang == "zh" else ", "
            parts["allowed"] = sep.join(status_label(s.strip(), lang) for s in parts["allowed"].split(","))
        return t(key, lang).format(**parts)
    return message


def header_language(accept_language: str | None) -> str:
    """The language of the pages (``en`` or ``zh``) an ``Accept-Language`` header prefers most;
    ``en`` when it names neither."""
    ranked: list[tuple[float, int, str]] = []
    for n, item in enumerate((accept_language or "").split(",")):
        tag, _, params = item.strip().partition(";")
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES and q > 0:
            ranked.append((-q, n, primary))
    return min(ranked)[2] if ranked else "en"
