"""Every user-visible string in both languages: each label a template asks for exists in English
and Chinese, and the pages rendered in Chinese show no English words beyond the records' own
data (names typed by users), units and standard names; in English, no label key leaks out."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from irpatrol.web.i18n import LABELS

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "irpatrol" / "web" / "templates"
PAGES = ["/ui/", "/ui/patrols", "/ui/patrols/{patrol}", "/ui/viewer/{image}", "/ui/ledger",
         "/ui/ledger/{defect}", "/ui/hazards", "/ui/hazards/1", "/ui/map", "/ui/reports"]
DATA = {"East", "district", "Qingshan", "Line", "poplar", "demo", "admin", "viewer", "IMG", "tiff",
        "repair", "within", "days"}  # the seeded records' own text (names, a stored advice string)
ALLOWED = {"irpatrol", "PDF", "Excel", "CSV", "DL", "UTC", "Asia", "Shanghai", "kV", "km", "px", "NETA",
           "Annex", "Table", "dlt", "JPEG", "PNG", "TIFF", "WebP", "GPS", "RGB", "ok", "English"}
"""Words that are the same in both languages (names of formats, standards, units, the zone; the
language switch names English in English)."""


class _Text(HTMLParser):
    """Visible text and the user-visible attributes (placeholder, title, alt, button values)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in ("placeholder", "title", "alt", "aria-label") and value:
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts)


def test_every_label_a_template_asks_for_exists_in_both_languages() -> None:
    missing = []
    for template in TEMPLATES.glob("*.html"):
        for key in re.findall(r"\bt\('([a-z0-9_\-]+)'\)", template.read_text(encoding="utf-8")):
            en, zh = LABELS.get(key, ("", ""))
            if not (en.strip() and zh.strip()):
                missing.append(f"{template.name}: {key}")
    assert not missing, missing


def _english_words(text: str) -> set[str]:
    words = set(re.findall(r"[A-Za-z][A-Za-z\-]{2,}", text))
    return {w for w in words if w not in ALLOWED and w not in DATA and not re.fullmatch(r"[A-Z]\d*", w)}


@pytest.mark.parametrize("path", PAGES)
def test_chinese_pages_show_no_english(web: tuple[TestClient, dict[str, int]], path: str,
                                       login: object) -> None:
    client, ids = web
    login(client, "viewer1")  # type: ignore[operator]  # a user whose language is Chinese
    r = client.get(path.format(**ids))
    assert r.status_code == 200
    leaked = _english_words(visible_text(r.text))
    assert not leaked, f"{path}: {sorted(leaked)}"


@pytest.mark.parametrize("path", PAGES)
def test_english_pages_show_no_label_keys(web: tuple[TestClient, dict[str, int]], path: str,
                                          login: object) -> None:
    client, ids = web
    login(client)  # type: ignore[operator]
    r = client.get(path.format(**ids))
    assert r.status_code == 200
    words = set(re.findall(r"[a-z0-9]+(?:_[a-z0-9]+)+", visible_text(r.text)))
    prefixes = {"status", "grade", "kind", "event", "palette", "heating", "hazard", "why", "role", "err"}
    leaked = {w for w in words if w in LABELS or w.split("_")[0] in prefixes}
    assert not leaked, f"{path}: {sorted(leaked)}"
