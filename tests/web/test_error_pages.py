"""The full-page errors speak the user's language: the signed-in user's, else the one the
browser's ``Accept-Language`` prefers, else English."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from irpatrol.errors import Conflict, InputError, NotFound
from irpatrol.http_errors import STATUS_BY_ERROR
from irpatrol.web import errors
from irpatrol.web.i18n import LABELS, header_language
from irpatrol.web.views import install

Web = tuple[TestClient, dict[str, int]]
Login = Callable[..., None]


def test_a_chinese_user_gets_the_chinese_404_page(web: Web, login: Login) -> None:
    client = TestClient(web[0].app)
    login(client, "viewer1")  # language zh
    r = client.get("/ui/ledger/9999", headers={"accept-language": "en-US,en"})  # the user's choice wins
    assert r.status_code == 404
    assert '<html lang="zh-CN">' in r.text and "未找到" in r.text and "缺陷 #9999 不存在。" in r.text
    assert "返回" in r.text and "Not found" not in r.text and "no defect" not in r.text


def test_a_chinese_user_is_refused_in_chinese(web: Web, login: Login) -> None:
    client = TestClient(web[0].app)
    login(client, "viewer1")
    r = client.post("/ui/hazards/1/transition", data={"to_status": "cleared"})
    assert r.status_code == 403 and "无权操作" in r.text
    # the API's rule (issue 12, item 7): analyst or above
    assert "您的角色（查看）无权执行此操作，需要分析员或以上角色。" in r.text and "may not" not in r.text


def test_an_english_user_gets_english_whatever_the_browser_says(web: Web, login: Login) -> None:
    client = TestClient(web[0].app)
    login(client)  # demo-admin, language en
    r = client.get("/ui/hazards/9999", headers={"accept-language": "zh-CN,zh;q=0.9"})
    assert r.status_code == 404 and '<html lang="en">' in r.text
    assert "Not found" in r.text and "未找到" not in r.text


@pytest.fixture(scope="module")
def anonymous() -> TestClient:
    """An app with the pages and page routes that fail before anyone signs in."""
    app = FastAPI()
    install(app)
    failures = {"missing": NotFound("no patrol #7"), "conflict": Conflict("user 'x' already exists"),
                "input": InputError("a message no label knows")}

    @app.get("/ui/fail/{kind}")
    def fail(kind: str) -> None:
        raise failures[kind]

    return TestClient(app)


def test_an_anonymous_chinese_browser_gets_chinese(anonymous: TestClient) -> None:
    r = anonymous.get("/ui/fail/missing", headers={"accept-language": "zh-CN,zh;q=0.9,en;q=0.8"})
    assert r.status_code == 404 and '<html lang="zh-CN">' in r.text
    assert "未找到" in r.text and "巡检 #7 不存在。" in r.text
    r = anonymous.get("/ui/fail/conflict", headers={"accept-language": "zh"})
    assert r.status_code == 409 and "当前无法执行" in r.text and "用户 x 已存在。" in r.text
    r = anonymous.get("/ui/fail/input", headers={"accept-language": "zh-TW"})
    assert r.status_code == 422 and "输入无效" in r.text and "a message no label knows" in r.text


def test_an_anonymous_request_defaults_to_english(anonymous: TestClient) -> None:
    for headers in ({}, {"accept-language": "fr-FR,de;q=0.8"}):
        r = anonymous.get("/ui/fail/missing", headers=headers)
        assert r.status_code == 404 and '<html lang="en">' in r.text
        assert "Not found" in r.text and "There is no patrol #7." in r.text and "未找到" not in r.text


@pytest.mark.parametrize(("header", "lang"), [
    ("zh-CN,zh;q=0.9,en;q=0.8", "zh"), ("en-US,zh;q=0.5", "en"), ("fr, zh;q=0.3, en;q=0.2", "zh"),
    ("en;q=0.4, zh-Hans;q=0.6", "zh"), ("zh;q=0, en-GB", "en"), ("zh;q=oops", "en"), ("*", "en"),
    (None, "en"),
])
def test_header_language(header: str | None, lang: str) -> None:
    assert header_language(header) == lang


def test_every_label_of_the_error_pages_has_both_languages() -> None:
    template = (Path(errors.__file__).parent / "templates" / "error.html").read_text()
    keys = set(re.findall(r"t\('(\w+)'\)", template))
    keys |= {f"error_{code}" for _, code in STATUS_BY_ERROR} | {"error_other", "err_no_record", "err_role"}
    assert {"back", "app_name"} <= keys
    for key in sorted(keys):
        en, zh = LABELS[key]
        assert en.strip() and zh.strip() and en != zh, key
