"""Documents: storing an uploaded file, the document page, and the download (never on a phone).

Opening a document on a mobile phone is not possible (employee manual, section 5): a phone is
easily lost or shared and keeps downloads around. The check is on the server, on the page and on
the download route, so a direct link to the file cannot get around it.
"""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path

from flask import Blueprint, abort, current_app, render_template, request, send_file

from app import access, access_log
from app.auth import login_required
from app.extensions import db
from app.models import Audience, Document, DocumentKind, Employee

bp = Blueprint("documents", __name__, url_prefix="/documents")

# extension -> (content type, magic bytes at the start of the file)
ALLOWED_TYPES = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
}
MOBILE_USER_AGENT = re.compile(r"Mobi|iPhone|iPod|Android.+Mobile|Windows Phone|BlackBerry|Opera Mini", re.I)


class UploadRejected(ValueError):
    """The file may not be stored; the message is shown to the person uploading (Dutch)."""


def is_mobile(user_agent: str | None) -> bool:
    return bool(user_agent and MOBILE_USER_AGENT.search(user_agent))


def _storage_dir() -> Path:
    path = Path(current_app.config["DOCUMENTS_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def check_upload(filename: str, data: bytes) -> tuple[str, str]:
    """The safe display name and the content type, or UploadRejected with a clear reason."""
    name = os.path.basename((filename or "").replace("\\", "/")).strip()
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    if extension not in ALLOWED_TYPES:
        raise UploadRejected("Dit bestandstype is niet toegestaan. Toegestaan zijn: PDF, PNG, JPG en DOCX.")
    content_type, magics = ALLOWED_TYPES[extension]
    if not data:
        raise UploadRejected("Het bestand is leeg.")
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    if len(data) > limit:
        raise UploadRejected(f"Het bestand is te groot (maximaal {limit // (1024 * 1024)} MB).")
    if not data.startswith(magics):
        raise UploadRejected("De inhoud van het bestand past niet bij de extensie .%s." % extension)
    return name[:255], content_type


def store_document(employee: Employee, *, kind: str, title: str, audience: str, filename: str, data: bytes,
                   created_by: str) -> Document:
    """Check and save the file under a random name, and record the document."""
    if kind not in DocumentKind.ALL:
        raise UploadRejected("Onbekend soort document.")
    if audience not in Audience.ALL:
        raise UploadRejected("Onbekende doelgroep.")
    display_name, content_type = check_upload(filename, data)
    stored_name = secrets.token_hex(16)
    (_storage_dir() / stored_name).write_bytes(data)
    document = Document(employee_id=employee.id, kind=kind, title=title.strip()[:200] or display_name,
                        audience=audience, filename=display_name, stored_name=stored_name,
                        content_type=content_type, size=len(data), created_by=created_by)
    db.session.add(document)
    db.session.commit()
    return document


@bp.route("/<document_id>")
@login_required
def show(document_id: str):
    """The document page (where the e-mail link lands): details, and open it unless on a phone."""
    viewer = access.current_viewer()
    document, relation = access.document_or_404(viewer, document_id)
    access_log.record(viewer, relation, document.employee, access_log.DOCUMENT_PAGE, document.id)
    return render_template("documents/show.html", document=document, relation=relation,
                           mobile=is_mobile(request.user_agent.string))


@bp.route("/<document_id>/file")
@login_required
def download(document_id: str):
    viewer = access.current_viewer()
    document, relation = access.document_or_404(viewer, document_id)
    if is_mobile(request.user_agent.string):
        return render_template("documents/mobile.html", document=document), 403
    path = _storage_dir() / document.stored_name
    if not path.is_file():
        current_app.logger.error("document %s has no file on disk", document.id)
        abort(404)
    access_log.record(viewer, relation, document.employee, access_log.DOCUMENT_FILE, document.id)
    return send_file(path, mimetype=document.content_type, as_attachment=True, download_name=document.filename,
                     max_age=0)
