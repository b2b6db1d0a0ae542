"""Memo pages over HTTP: the first draft, saving versions, comparing, publishing, the public
archive and its stable download addresses."""

from __future__ import annotations

import io
import re
import time
from pathlib import Path

import docx
import pikepdf
from docx.oxml.ns import qn
from PIL import Image
from sqlalchemy import func, select

from facilitate.extensions import db
from facilitate.models import MemoFile, MemoVersion, Registration, Series, SeriesLogo, Workshop
from facilitate.timeutil import now_utc

FILLED = "Keskusteltiin **työnkuvista**. Sovittiin, että jatketaan."


def _newest(workshop_id: int) -> MemoVersion:
    db.session.expire_all()
    return db.session.scalars(select(MemoVersion).where(MemoVersion.workshop_id == workshop_id)
                              .order_by(MemoVersion.number.desc())).first()


def _count(workshop_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(MemoVersion)
                             .where(MemoVersion.workshop_id == workshop_id))


def _download(client, url: str) -> tuple[int, bytes]:
    """Status and body of a file download (send_file's handle closed again)."""
    with client.client.get(url) as response:
        return response.status_code, response.data


def _filled(markdown: str) -> str:
    """The draft with every placeholder filled in, as a coordinator would."""
    return re.sub(r"\[\[TÄYDENNÄ:[^\]]*\]\]", FILLED, markdown)


def _prepare(coordinator_client, make_room):
    room = make_room(open=False)
    s = db.session
    for registration_id in room.registration_ids.values():
        s.get_one(Registration, registration_id).attended_at = now_utc()
    s.commit()
    url = f"/manage/workshops/{room.workshop_id}/memo"
    return room, url


def test_the_first_visit_compiles_a_draft_and_saving_adds_versions(coordinator_client,
                                                                     make_room):
    room, url = _prepare(coordinator_client, make_room)
    page = coordinator_client.get(url)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Muistio: " in text and "Esikatselu" in text
    first = _newest(room.workshop_id)
    assert (first.number, first.saved_by_id, first.published_at) == (1, None, None)
    assert "Varsinais-Suomen" in first.markdown or "Varhan" in first.markdown
    # a second visit does not compile again
    coordinator_client.get(url)
    assert _count(room.workshop_id) == 1

    edited = _filled(first.markdown)
    response = coordinator_client.post(url, {"markdown": edited, "comment": "täydennetty",
                                             "based_on": "1"})
    assert response.status_code == 302
    second = _newest(room.workshop_id)
    assert (second.number, second.comment) == (2, "täydennetty")
    assert second.saved_by_id is not None
    assert second.markdown == edited.strip() + "\n"
    # version 1 is kept as it was
    assert db.session.scalar(select(MemoVersion.markdown).where(
        MemoVersion.workshop_id == room.workshop_id, MemoVersion.number == 1)) == first.markdown

    # saving the same text again adds nothing
    coordinator_client.get(url)
    coordinator_client.post(url, {"markdown": edited, "comment": "", "based_on": "2"})
    assert _count(room.workshop_id) == 2

    compare = coordinator_client.get(f"{url}/compare?old=1&new=2")
    assert compare.status_code == 200
    assert "<ins>" in compare.get_data(as_text=True)
    assert "<del>" in compare.get_data(as_text=True)


def test_a_stale_save_is_refused_and_the_text_comes_back(coordinator_client, make_room):
    room, url = _prepare(coordinator_client, make_room)
    coordinator_client.get(url)
    draft = _newest(room.workshop_id).markdown
    coordinator_client.post(url, {"markdown": draft + "\nToinen koordinaattori.",
                                  "based_on": "1"})
    response = coordinator_client.post(url, {"markdown": draft + "\nMinun lisäykseni.",
                                             "based_on": "1"})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Minun lisäykseni." in page  # nothing typed is lost
    assert "uudempi versio 2" in page
    assert _count(room.workshop_id) == 2


def test_bad_input_is_refused_with_a_message(coordinator_client, make_room):
    room, url = _prepare(coordinator_client, make_room)
    coordinator_client.get(url)
    response = coordinator_client.post(url, {"markdown": "   ", "based_on": "1"})
    assert response.status_code == 422
    assert "Kenttä on pakollinen." in response.get_data(as_text=True)
    response = coordinator_client.post(url, {"markdown": "x" * 500_001, "based_on": "1"})
    assert response.status_code == 422
    assert "liian pitkä" in response.get_data(as_text=True)
    assert coordinator_client.post(url, {"markdown": "x", "based_on": "yksi"}).status_code == 400
    assert _count(room.workshop_id) == 1


def test_publishing_is_refused_while_placeholders_remain(coordinator_client, make_room, app):
    room, url = _prepare(coordinator_client, make_room)
    coordinator_client.get(url)
    draft = _newest(room.workshop_id)
    assert "[[TÄYDENNÄ:" in draft.markdown  # the notes are empty
    response = coordinator_client.post(f"{url}/versions/1/publish")
    assert response.status_code == 422
    assert "täydennettävää" in response.get_data(as_text=True)
    assert _newest(room.workshop_id).published_at is None
    assert db.session.scalar(select(func.count()).select_from(MemoFile)) == 0
    assert not any(Path(app.config["EXPORTS_DIR"]).glob("**/*.pdf"))


def test_publish_archive_download_and_correction(coordinator_client, client, make_room, app):
    room, url = _prepare(coordinator_client, make_room)
    coordinator_client.get(url)
    draft = _newest(room.workshop_id)
    coordinator_client.post(url, {"markdown": _filled(draft.markdown)
                                  + "\n<script>alert(1)</script>\n", "based_on": "1"})
    response = coordinator_client.post(f"{url}/versions/2/publish")
    assert response.status_code == 302
    published = _newest(room.workshop_id)
    assert published.published_at is not None and published.published_by_id is not None
    assert sorted(f.format for f in published.files) == ["docx", "html", "md", "pdf"]
    exports = Path(app.config["EXPORTS_DIR"])
    workshop = db.session.get(Workshop, room.workshop_id)
    series = db.session.get(Series, workshop.series_id)
    day = workshop.day.isoformat()
    for file in published.files:
        stored = exports / file.path
        assert stored.is_file() and stored.stat().st_size == file.size
        assert file.path == f"{series.slug}/{series.slug}-{day}-v2.{file.format}"

    # the public archive lists the memo with its formats and sizes
    archive = client.get(f"/series/{series.slug}").get_data(as_text=True)
    pdf = next(f for f in published.files if f.format == "pdf")
    assert f"/series/{series.slug}/memos/{day}.pdf" in archive
    assert f"(pdf {max(1, round(pdf.size / 1024))} kt)" in archive
    assert "korjattu" not in archive
    for fmt, kind in (("pdf", "application/pdf"), ("md", "text/markdown"),
                      ("html", "text/html"),
                      ("docx", "application/vnd.openxmlformats-officedocument")):
        with client.client.get(f"/series/{series.slug}/memos/{day}.{fmt}") as download:
            assert download.status_code == 200, fmt
            assert download.mimetype.startswith(kind)
            assert download.data == (exports / next(
                f.path for f in published.files if f.format == fmt)).read_bytes()
    with client.client.get(f"/series/{series.slug}/memos/{day}.html") as page:
        assert "script-src" not in page.headers["Content-Security-Policy"]
        assert "default-src 'none'" in page.headers["Content-Security-Policy"]
    html = _download(client, f"/series/{series.slug}/memos/{day}.html")[1].decode()
    assert "<script>alert(1)" not in html and "Sovittiin, että jatketaan." in html

    # a published version cannot be published again; a correction becomes version 3
    coordinator_client.get(url)
    assert coordinator_client.post(f"{url}/versions/2/publish").status_code == 409
    coordinator_client.get(url)
    coordinator_client.post(url, {"markdown": published.markdown.replace(
        "jatketaan", "jatketaan syksyllä"), "comment": "korjaus", "based_on": "2"})
    assert coordinator_client.post(f"{url}/versions/3/publish").status_code == 302
    latest = _download(client, f"/series/{series.slug}/memos/{day}.md")[1].decode()
    assert "jatketaan syksyllä" in latest
    archive = client.get(f"/series/{series.slug}").get_data(as_text=True)
    assert "korjattu" in archive and "-v3." not in archive  # stable addresses only
    # the version it corrected is listed with its date, at its own address
    assert "Korjatut versiot (1)" in archive and "Versio 2, julkaistu " in archive
    assert f"/series/{series.slug}/memos/{day}/v2.pdf" in archive
    assert f"/series/{series.slug}/memos/{day}/v3." not in archive
    status, old = _download(client, f"/series/{series.slug}/memos/{day}/v2.md")
    assert status == 200 and "jatketaan syksyllä" not in old.decode()


def test_drafts_and_unknown_addresses_are_not_public(coordinator_client, client, make_room):
    room, url = _prepare(coordinator_client, make_room)
    coordinator_client.get(url)
    workshop = db.session.get(Workshop, room.workshop_id)
    series = db.session.get(Series, workshop.series_id)
    day = workshop.day.isoformat()
    for path in (f"{day}.pdf", f"{day}/v1.pdf", f"{day}.exe", "huomenna.pdf"):
        assert _download(client, f"/series/{series.slug}/memos/{path}")[0] == 404, path
    for path in ("", "/compare?old=1&new=1", "/versions/1.md"):
        response = client.get(f"{url}{path}")
        assert response.status_code in (302, 401), path
    assert client.post(f"{url}/preview", data={"markdown": "x"}).status_code in (302, 400, 401)


def test_preview_is_sanitised(coordinator_client, make_room):
    room, url = _prepare(coordinator_client, make_room)
    coordinator_client.get(url)
    response = coordinator_client.post(f"{url}/preview", {
        "markdown": "**lihava** <img src=x onerror=alert(1)> [[TÄYDENNÄ: osallistujat]]"})
    body = response.get_json()
    assert "<strong>lihava</strong>" in body["html"]
    assert "onerror" not in body["html"]
    assert body["placeholders"] == 1
    too_long = coordinator_client.post(f"{url}/preview", {"markdown": "x" * 500_001})
    assert too_long.status_code == 422


def test_publishing_mails_the_memo_to_those_who_attended_once(coordinator_client, make_room,
                                                              inbox):
    room, url = _prepare(coordinator_client, make_room)
    absent = db.session.get_one(Registration, room.registration_ids["bertta"])
    absent.attended_at = None
    db.session.commit()
    coordinator_client.get(url)
    draft = _newest(room.workshop_id)
    coordinator_client.post(url, {"markdown": _filled(draft.markdown), "based_on": "1"})
    assert coordinator_client.post(f"{url}/versions/2/publish").status_code == 302
    arrived = inbox.wait(2)
    assert sorted(m["X-Envelope-To"] for m in arrived) == sorted(
        db.session.get_one(Registration, room.registration_ids[name]).email
        for name in ("anna", "cecilia"))
    workshop = db.session.get_one(Workshop, room.workshop_id)
    series = db.session.get_one(Series, workshop.series_id)
    memo_url = f"http://localhost/series/{series.slug}/memos/{workshop.day.isoformat()}.html"
    for message in arrived:
        assert memo_url in message.get_body(preferencelist=("plain",)).get_content()
    # A correction is published without mailing anyone again.
    coordinator_client.post(url, {"markdown": _filled(draft.markdown) + "\nKorjaus.\n",
                                  "based_on": "2"})
    assert coordinator_client.post(f"{url}/versions/3/publish").status_code == 302
    time.sleep(0.2)
    assert len(inbox.messages) == 2


def test_the_editor_says_what_the_draft_left_out_and_talks_are_marked_on_the_workshop_page(
        coordinator_client, make_room):
    from facilitate.models import Presentation

    room, url = _prepare(coordinator_client, make_room)
    s = db.session
    s.add(Presentation(workshop_id=room.workshop_id, title="Kuntaliiton katsaus",
                       presenter="Kuntaliitto", position=0))
    s.commit()
    text = coordinator_client.get(url).get_data(as_text=True)
    notice = re.search(r'<div class="flash flash-info" id="memo-left-out">(.*?)</div>', text,
                       re.S)
    assert notice, text
    assert "Työnkuvat, Palveluiden organisointi" in notice[1]
    assert "Kuntaliiton katsaus" in notice[1]
    assert "Kuntaliitto" not in _newest(room.workshop_id).markdown
    # nothing discussed: the draft asks for it, and publishing is refused
    assert "[[TÄYDENNÄ: mistä tilaisuudessa keskusteltiin]]" in _newest(room.workshop_id).markdown
    refused = coordinator_client.post(f"{url}/versions/1/publish")
    assert refused.status_code == 422 and _newest(room.workshop_id).published_at is None

    talk = s.scalar(select(Presentation).where(Presentation.workshop_id == room.workshop_id))
    page = f"/manage/workshops/{room.workshop_id}"
    marked = coordinator_client.post(f"{page}/presentations/{talk.id}/given", {"given": "1"})
    assert marked.status_code == 302
    assert "Peru pidetty" in coordinator_client.get(page).get_data(as_text=True)
    coordinator_client.post(f"{url}/recompile")
    assert ("Kuntaliitto alusti tilaisuutta aiheesta ”Kuntaliiton katsaus”."
            in _newest(room.workshop_id).markdown)
    text = coordinator_client.get(url).get_data(as_text=True)
    assert "Kuntaliiton katsaus" not in re.search(
        r'id="memo-left-out">(.*?)</div>', text, re.S)[1]


def test_a_published_memo_ends_with_the_series_logos(coordinator_client, make_room, app):
    room, url = _prepare(coordinator_client, make_room)
    workshop = db.session.get(Workshop, room.workshop_id)
    alt = "Euroopan unionin osarahoittama: Vipuvoimaa EU:lta 2014–2020"
    png = io.BytesIO()
    Image.new("RGB", (200, 60), (0, 51, 153)).save(png, "PNG")
    coordinator_client.get(f"/manage/series/{workshop.series_id}")
    assert coordinator_client.post(f"/manage/series/{workshop.series_id}/logos", {
        "alt_fi": alt, "logo": (io.BytesIO(png.getvalue()), "eu.png")},
        content_type="multipart/form-data").status_code == 302
    logo = db.session.scalar(select(SeriesLogo))
    coordinator_client.get(url)
    draft = _newest(room.workshop_id)
    coordinator_client.post(url, {"markdown": _filled(draft.markdown), "based_on": "1"})
    assert coordinator_client.post(f"{url}/versions/2/publish").status_code == 302
    exports = Path(app.config["EXPORTS_DIR"])
    files = {file.format: exports / file.path for file in _newest(room.workshop_id).files}
    html = files["html"].read_text("utf-8")
    assert re.search(rf'<footer class="funders">\n<img src="data:image/png;base64,[^"]+" '
                     rf'alt="{alt}" width="200" height="60">\n</footer>', html)
    markdown = files["md"].read_text("utf-8")
    assert markdown.endswith(f"\n\n![{alt}](http://localhost/logos/{logo.id})\n")
    word = docx.Document(files["docx"])
    (description,) = [pr.get("descr") for pr in word.element.body.iter(qn("wp:docPr"))]
    assert description == alt
    with pikepdf.open(files["pdf"]) as pdf:
        alts = [str(element.Alt) for element in _struct_elements(pdf.Root.StructTreeRoot)
                if element.S == "/Figure"]
    assert alts == [alt]


def _struct_elements(node: pikepdf.Dictionary) -> list[pikepdf.Dictionary]:
    kids = node.get("/K")
    found = []
    for kid in list(kids) if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/StructElem":
            found += [kid, *_struct_elements(kid)]
    return found


def test_the_swedish_version_over_http(coordinator_client, client, make_room, app):
    room, url = _prepare(coordinator_client, make_room)
    sv = f"{url}/sv"
    page = coordinator_client.get(sv).get_data(as_text=True)
    assert 'lang="sv"' in page and "(Ruotsiksi)" in page
    draft = _newest(room.workshop_id)  # the Finnish one is not started by this
    assert (draft.language, draft.number) == ("sv", 1)
    assert _count(room.workshop_id) == 1
    assert coordinator_client.get(f"{sv}/versions/1.md").get_data(as_text=True) == draft.markdown

    # the live preview gets the browser's CRLF and still fills the series blocks in
    crlf = "# Promemoria: x\r\n\r\n```next-workshop\r\n```\r\n\r\n```översätt\r\nTeksti\r\n```\r\n"
    preview = coordinator_client.post(f"{sv}/preview", {"markdown": crlf}).get_json()
    assert "next-workshop" not in preview["html"] and preview["placeholders"] == 1

    translated = re.sub(r"\[\[KOMPLETTERA:[^\]]*\]\]", "arbetsbeskrivningar", draft.markdown)
    translated = re.sub(r"```översätt\n.*?\n```", "Översatt.", translated, flags=re.S)
    saved = coordinator_client.post(sv, {"markdown": translated, "based_on": "1"})
    assert saved.status_code == 302 and saved.headers["Location"].endswith("/memo/sv")
    compared = coordinator_client.get(f"{sv}/compare?old=1&new=2").get_data(as_text=True)
    assert "arbetsbeskrivningar" in compared
    assert coordinator_client.post(f"{sv}/versions/2/publish").status_code == 302
    published = _newest(room.workshop_id)
    assert (published.language, published.number) == ("sv", 2) and published.published_at
    workshop = db.session.get(Workshop, room.workshop_id)
    day, slug = workshop.day.isoformat(), workshop.series.slug
    for address in (f"{day}/sv.pdf", f"{day}/sv/v2.md"):
        status, body = _download(client, f"/series/{slug}/memos/{address}")
        assert status == 200 and body, address
    assert _download(client, f"/series/{slug}/memos/{day}.pdf")[0] == 404
    assert _download(client, f"/series/{slug}/memos/{day}/en.pdf")[0] == 404
    assert coordinator_client.get(f"{url}/en").status_code == 404


def test_a_series_block_edited_beyond_filling_is_refused_at_publishing(coordinator_client,
                                                                      make_room):
    room, url = _prepare(coordinator_client, make_room)
    coordinator_client.get(url)
    draft = _newest(room.workshop_id)
    edited = _filled(draft.markdown).replace("```earlier-memos\n```",
                                             "```earlier-memos\nMuistiot tähän\n```")
    coordinator_client.post(url, {"markdown": edited, "based_on": "1"})
    refused = coordinator_client.post(f"{url}/versions/2/publish")
    assert refused.status_code == 422
    assert "Lohkoa ```earlier-memos``` on muutettu" in refused.get_data(as_text=True)
    assert _newest(room.workshop_id).published_at is None


def test_the_editor_shows_each_paragraphs_sources_and_publishing_can_add_the_wishes(
        coordinator_client, client, make_room, register, app):
    from facilitate.agenda.operations import group_wishes
    from facilitate.memo.phrasing import find_placeholders
    from facilitate.models import Note

    room, url = _prepare(coordinator_client, make_room)
    s = db.session
    workshop = s.get_one(Workshop, room.workshop_id)
    registration, _token = register(workshop, name="Wilma Toivonen", organisation="pirkanmaa",
                                    email="wilma@example.fi", wishes=["Nivelvaiheet"])
    theme_id = room.theme_ids[0]
    group_wishes(s, workshop, [w.id for w in registration.wishes], theme_id=theme_id)
    s.add(Note(theme_id=theme_id, text="Työnkuvista puhuttiin.", version=1))
    s.commit()

    page = coordinator_client.get(url).get_data(as_text=True)
    assert "Mistä kappaleet on koottu" in page
    assert "1 toive, muistiinpanot</summary>" in page and "<li>Nivelvaiheet (" in page
    assert 'name="with_wishes"' in page  # somebody sent a wish: the choice is offered
    draft = _newest(room.workshop_id)
    # the live preview lists the sources of what is typed: a marker deleted, its list gone
    typed = coordinator_client.post(f"{url}/preview", {"markdown": draft.markdown}).get_json()
    assert "1 toive, muistiinpanot" in typed["sources"] and "lähde" not in typed["html"]
    bare = coordinator_client.post(f"{url}/preview", {
        "markdown": re.sub(r" ?<!-- lähde: t\d+ -->", "", draft.markdown)}).get_json()
    assert "1 toive" not in bare["sources"]

    assert find_placeholders(draft.markdown) == []
    assert coordinator_client.post(f"{url}/versions/1/publish",
                                   {"with_wishes": "1"}).status_code == 302
    series = s.get_one(Series, workshop.series_id)
    md = _download(client, f"/series/{series.slug}/memos/{workshop.day.isoformat()}.md")[1]
    text = md.decode()
    assert "## Liite 1 Ennakkotoiveet" in text and "### Pirkanmaan hyvinvointialue" in text
    assert "- Nivelvaiheet" in text and "<!--" not in text
    assert "Wilma" not in text and "wilma@example.fi" not in text
    assert _newest(room.workshop_id).wishes_appendix
