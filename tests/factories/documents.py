"""Real documents with planted metadata, for the blind-round tests (API and pages)."""

from __future__ import annotations

import io
import zipfile

import pikepdf

_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
<Override PartName="/word/comments.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"/>
<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>
<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>
<Override PartName="/docProps/custom.xml" ContentType="application/vnd.openxmlformats-officedocument.custom-properties+xml"/>
</Types>"""
_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>
<Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties" Target="docProps/custom.xml"/>
</Relationships>"""
_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def docx_with_metadata(marker: str, body: str = "项目计划书正文") -> bytes:
    """A small valid .docx whose core, app and custom properties, comment author and tracked
    change author all hold ``marker``; the body text does not."""
    core = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<dc:title>{marker} title</dc:title><dc:creator>{marker} creator</dc:creator>
<cp:lastModifiedBy>{marker} editor</cp:lastModifiedBy><cp:keywords>{marker}</cp:keywords>
<dcterms:created xsi:type="dcterms:W3CDTF">2026-01-05T08:00:00Z</dcterms:created>
<dcterms:modified xsi:type="dcterms:W3CDTF">2026-01-06T08:00:00Z</dcterms:modified>
</cp:coreProperties>"""
    app = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">
<Application>Microsoft Office Word</Application><Company>{marker} company</Company>
<Manager>{marker} manager</Manager><Pages>1</Pages></Properties>"""
    custom = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">
<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="2" name="Owner"><vt:lpwstr>{marker}</vt:lpwstr></property>
</Properties>"""
    document = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document {_W}><w:body><w:p><w:r><w:t>{body}</w:t></w:r></w:p>
<w:p><w:ins w:id="1" w:author="{marker}" w:date="2026-01-05T08:00:00Z"><w:r><w:t>修订</w:t></w:r></w:ins></w:p>
</w:body></w:document>"""
    comments = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:comments {_W}><w:comment w:id="0" w:author="{marker}" w:initials="MK"><w:p><w:r><w:t>批注</w:t></w:r></w:p></w:comment></w:comments>"""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("word/document.xml", document)
        archive.writestr("word/comments.xml", comments)
        archive.writestr("docProps/core.xml", core)
        archive.writestr("docProps/app.xml", app)
        archive.writestr("docProps/custom.xml", custom)
    return out.getvalue()


def pdf_with_metadata(marker: str, text: str = "plan") -> bytes:
    """A one-page PDF whose Info dictionary, XMP packet and a comment annotation's author hold
    ``marker``; the page content holds ``text`` only."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(200, 200))
    page = pdf.pages[0]
    page.Contents = pdf.make_stream(f"BT /F1 12 Tf 20 100 Td ({text}) Tj ET".encode())
    pdf.docinfo["/Author"] = f"{marker} author"
    pdf.docinfo["/Title"] = f"{marker} title"
    pdf.docinfo["/Creator"] = f"{marker} creator"
    pdf.docinfo["/Producer"] = f"{marker} producer"
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["dc:creator"] = [f"{marker} xmp"]
        meta["dc:title"] = f"{marker} xmp title"
    page.obj["/Annots"] = pdf.make_indirect(
        pikepdf.Array(
            [
                pikepdf.Dictionary(
                    Type=pikepdf.Name.Annot,
                    Subtype=pikepdf.Name.Text,
                    Rect=[10, 10, 30, 30],
                    T=pikepdf.String(f"{marker} reviewer"),
                    Contents=pikepdf.String("comment"),
                )
            ]
        )
    )
    out = io.BytesIO()
    pdf.save(out, compress_streams=False)
    return out.getvalue()
