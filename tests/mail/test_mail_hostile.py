"""Hostile text in a mail (subject, body, attachment name) and in a contact (FN, ORG): shown
literally in the list and the pane, never as markup, never with raw control characters; the
export keeps no raw control characters."""

from __future__ import annotations

import json

from tests.hardening.hostile import CONTROLS, PAYLOADS
from tests.mail.mailkit import build, wav_bytes, write_maildir
from tui import export
from tui.app import format as fmt
from tui.app.widgets.callback_pane import details_text, locked_text
from tui.library.contacts import load
from tui.library.scan import scan
from tui.library.store import ExtractionMeta


def test_hostile_mail_and_contact_text_is_shown_literally(tmp_path, store):
    box = tmp_path / "Maildir"
    mails = []
    for i, payload in enumerate(PAYLOADS):
        name = payload.replace("\n", " ")[:300]
        mails.append(build(f"Voicemail from {name} (20655501{i:02d})", f'\tFrom:\t"{name}" <20655501{i:02d}>\n',
                           audio=wav_bytes(0.2, 300 + 20 * i), filename=f"{payload[:40]}.wav",
                           message_id=f"<h{i}@x>"))
    write_maildir(box, mails)
    book = tmp_path / "book.vcf"
    fn = "[@click=app.quit]x[/] \x1b]52;c;aGk=\x07"
    book.write_text("BEGIN:VCARD\nVERSION:3.0\nFN:" + fn.replace("\x1b", "\\x1b")
                    + "\nORG:[b]Org[/b]\u202e\nTEL:206-555-0100\nEND:VCARD\n", encoding="utf-8")
    report = scan(store, [box])
    assert len(report.new) == len(PAYLOADS)
    store.contacts = load([book], "US", log=lambda line: None)
    messages = store.messages()
    assert any(m.contact is not None for m in messages)
    for message in messages:
        row = fmt.caller(message)
        pane = locked_text(message).plain + details_text(message, {}, ExtractionMeta((), None, None), "",
                                                         region="US").plain
        for text in (row, pane):
            assert not CONTROLS.search(text.replace("\n", "")), (message.caller_name, text[:200])
    shown = " ".join(fmt.caller(m) for m in messages)
    assert "[@click=app.quit]x[/]" in shown  # markup as literal text
    for message in messages:
        store.record_progress(message.id, heard=[(0, message.duration_s)], position_s=0, reached_end=True,
                              threshold=0.97)
    text = export.to_text(store)
    assert not CONTROLS.search(text.replace("\n", ""))
    raw = export.to_json(store)
    assert not CONTROLS.search(raw.replace("\n", ""))
    assert any(r["contact"] for r in json.loads(raw))
