"""Users and roles on the admin page, hazard photos on the hazard page, and service messages
in the user's language."""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Callable

from fastapi.testclient import TestClient
from PIL import Image as PILImage
from sqlalchemy import select
from sqlalchemy.orm import Session

from irpatrol.registry.model import AuditLog, User
from irpatrol.web.i18n import error_text

Web = tuple[TestClient, dict[str, int]]
Login = Callable[..., None]


def _db(client: TestClient) -> Session:
    return client.app.state.session_factory()


def test_an_admin_changes_a_role_and_deactivates_a_user(web: Web, login: Login) -> None:
    client, _ = web
    login(client)
    r = client.post("/ui/users", data={"username": "temp1", "password": "long-enough-1", "role": "viewer"})
    assert r.status_code == 200
    r = client.post("/ui/users/temp1/role", data={"role": "analyst"})
    assert r.status_code == 200 and "not available" not in r.text and "temp1: analyst" in r.text
    with _db(client) as session:
        assert session.scalar(select(User.role).where(User.username == "temp1")) == "analyst"
        actions = session.scalars(select(AuditLog.action).where(AuditLog.entity == "user")).all()
        assert "set_role" in actions

    other = TestClient(client.app)
    login(other, "viewer1")
    assert other.get("/ui/ledger", follow_redirects=False).status_code == 200
    r = client.post("/ui/users/viewer1/active", data={"active": "false"})
    assert r.status_code == 200 and "viewer1: Deactivate" in r.text
    assert other.get("/ui/ledger", follow_redirects=False).status_code == 303, "the cookie stops working"
    client.post("/ui/users/viewer1/active", data={"active": "true"})
    assert other.get("/ui/ledger", follow_redirects=False).status_code == 303, "its session ended for good"
    login(other, "viewer1")
    assert other.get("/ui/ledger", follow_redirects=False).status_code == 200


def test_the_last_admin_is_refused_in_the_admin_s_language(web: Web, login: Login) -> None:
    client, _ = web
    login(client)
    r = client.post("/ui/users/demo-admin/role", data={"role": "viewer"})
    assert r.status_code == 200 and "last active admin" in r.text
    client.post("/ui/lang/zh", headers={"referer": "http://testserver/ui/users"})
    try:
        r = client.post("/ui/users/demo-admin/active", data={"active": "false"})
        assert "最后一个启用的管理员" in r.text
    finally:
        client.post("/ui/lang/en", headers={"referer": "http://testserver/ui/"})
    with _db(client) as session:
        admin = session.scalars(select(User).where(User.username == "demo-admin")).one()
        assert admin.role == "admin" and admin.active


def test_only_admins_change_roles(web: Web, login: Login) -> None:
    client = TestClient(web[0].app)
    login(client, "viewer1")
    assert client.post("/ui/users/viewer1/role", data={"role": "admin"}).status_code == 403
    assert client.post("/ui/users/viewer1/active", data={"active": "false"}).status_code == 403


def test_refused_transitions_are_shown_in_chinese(web: Web, login: Login) -> None:
    client, ids = web
    login(client)
    client.post("/ui/lang/zh", headers={"referer": "http://testserver/ui/"})
    try:
        r = client.post(f"/ui/ledger/{ids['defect']}/transition", data={"to_status": "verified"})
        assert "不能变为“已验收”" in r.text and "cannot become" not in r.text
        r = client.post("/ui/hazards/1/transition", data={"to_status": "rejected"})
        assert "隐患变为“已驳回”须填写原因" in r.text
    finally:
        client.post("/ui/lang/en", headers={"referer": "http://testserver/ui/"})


def test_unknown_messages_are_shown_as_they_are() -> None:
    assert error_text("the file of image #5 is gone", "zh") == "the file of image #5 is gone"
    assert error_text("no pole #5", "zh") == "杆号 #5 不存在。"
    english = error_text("a reason is required to make a defect rejected", "en")
    assert english == "A reason is required to make a defect rejected."


def _jpeg() -> bytes:
    buf = io.BytesIO()
    PILImage.new("RGB", (40, 30), (30, 120, 40)).save(buf, "JPEG")
    return buf.getvalue()


def test_hazard_photos_are_uploaded_and_shown(web: Web, login: Login) -> None:
    client, _ = web
    login(client)
    jpeg = _jpeg()
    r = client.post("/ui/hazards/1/photos", files={"files": ("tree.jpg", jpeg, "image/jpeg")},
                    data={"caption": "poplar from the south"})
    assert r.status_code == 200 and "poplar from the south" in r.text, r.text[:300]
    src = re.search(r'<img [^>]*src="(/ui/photos/\d+)"', r.text.split('id="hazard-photos"')[1])
    assert src is not None
    got = client.get(src.group(1))
    assert got.status_code == 200 and got.content == jpeg and got.headers["content-type"] == "image/jpeg"
    sha = hashlib.sha256(jpeg).hexdigest()
    assert (client.app.state.settings.data_dir / "photos" / sha[:2] / f"{sha}.jpg").is_file()

    bad = client.post("/ui/hazards/1/photos", files={"files": ("notes.txt", b"plain text", "text/plain")})
    assert bad.status_code == 200 and "Not a photo" in bad.text
    viewer = TestClient(client.app)
    login(viewer, "viewer1")
    assert 'id="photo-form"' not in viewer.get("/ui/hazards/1").text
    refused = viewer.post("/ui/hazards/1/photos", files={"files": ("a.jpg", jpeg, "image/jpeg")})
    assert refused.status_code == 403
    assert viewer.get(src.group(1)).status_code == 200
    assert client.get("/ui/photos/999999").status_code == 404
