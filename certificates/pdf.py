"""The certificate as a PDF: a pure function of its data, no database.

Chinese text is set in ReportLab's built-in CID font **STSong-Light** (Adobe-GB1, 华文宋体 metrics;
ReportLab ships the metrics, the PDF names the font and every PDF reader supplies its CJK
face, so no font file is shipped or embedded). The QR code (``qrcode`` package) is drawn as
vector squares and holds the public verification link."""

from __future__ import annotations

import io
from typing import Any

import qrcode
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))
RED = HexColor("#a4161a")


def _qr(c: canvas.Canvas, data: str, *, x: float, y: float, size: float) -> None:
    code = qrcode.QRCode(border=2, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(data)
    matrix = code.get_matrix()
    cell = size / len(matrix)
    c.setFillColorRGB(1, 1, 1)
    c.rect(x, y, size, size, stroke=0, fill=1)
    c.setFillColorRGB(0, 0, 0)
    for r, row in enumerate(matrix):
        for col, dark in enumerate(row):
            if dark:
                c.rect(x + col * cell, y + size - (r + 1) * cell, cell, cell, stroke=0, fill=1)


def _wrapped(c: canvas.Canvas, text: str, *, x: float, y: float, width: float, size: int) -> float:
    """Draw ``text`` centred on ``x`` in lines no wider than ``width``; returns the next y."""
    line = ""
    for ch in text:
        if pdfmetrics.stringWidth(line + ch, FONT, size) > width:
            c.drawCentredString(x, y, line)
            y -= size * 1.4
            line = ch
        else:
            line += ch
    if line:
        c.drawCentredString(x, y, line)
        y -= size * 1.4
    return y


def render_certificate(data: dict[str, Any], *, verify_url: str) -> bytes:
    """``data``: number, contest_name, edition, entry_title, organisation_name, team (names),
    tier_label, awarded_on (date), issuer."""
    buf = io.BytesIO()
    w, h = landscape(A4)
    c = canvas.Canvas(buf, pagesize=(w, h), invariant=1)
    c.setTitle(f"获奖证书 {data['number']}")
    c.setAuthor(data.get("issuer", ""))
    c.setStrokeColor(RED)
    c.setLineWidth(6)
    c.rect(24, 24, w - 48, h - 48)
    c.setLineWidth(1.5)
    c.rect(36, 36, w - 72, h - 72)
    c.setFillColor(RED)
    c.setFont(FONT, 44)
    c.drawCentredString(w / 2, h - 120, "荣 誉 证 书")
    c.setFillColorRGB(0, 0, 0)
    c.setFont(FONT, 16)
    y = _wrapped(c, f"{data['organisation_name']}：", x=w / 2, y=h - 180, width=w - 200, size=16)
    y -= 6
    c.setFont(FONT, 20)
    y = _wrapped(
        c, f"你单位申报的项目“{data['entry_title']}”", x=w / 2, y=y, width=w - 200, size=20
    )
    y = _wrapped(c, f"在{data['contest_name']}中荣获", x=w / 2, y=y, width=w - 200, size=20)
    c.setFillColor(RED)
    c.setFont(FONT, 34)
    c.drawCentredString(w / 2, y - 24, data["tier_label"])
    c.setFillColorRGB(0, 0, 0)
    c.setFont(FONT, 14)
    team = "、".join(data.get("team") or [])
    if team:
        _wrapped(c, f"项目团队：{team}", x=w / 2, y=y - 70, width=w - 220, size=14)
    c.setFont(FONT, 16)
    c.drawRightString(w - 200, 110, data.get("issuer", ""))
    awarded = data["awarded_on"]
    c.drawRightString(w - 200, 84, f"{awarded.year}年{awarded.month}月{awarded.day}日")
    c.setFont(FONT, 11)
    c.drawString(60, 84, f"证书编号：{data['number']}")
    c.drawString(60, 66, f"第{data['edition']}届 · 扫码或访问验证页核验")
    _qr(c, verify_url, x=w - 176, y=60, size=100)
    c.showPage()
    c.save()
    return buf.getvalue()
