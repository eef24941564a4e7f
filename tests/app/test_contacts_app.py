"""The app reads [contacts] paths in the background; a known caller's row and pane then show the
contact (provenance "contact") with the caller ID still visible."""

from __future__ import annotations

from dataclasses import replace

from tests.app.conftest import wait_for
from tests.mail.mailkit import build, wav_bytes, write_maildir
from tui.app.widgets.callback_pane import CallbackPane
from tui.config import ContactsConfig

VCARD = "BEGIN:VCARD\nVERSION:4.0\nFN:Dana Whitfield\nORG:Acme Plumbing\nTEL:+1 206 555 0143\nEND:VCARD\n"


async def test_a_known_caller_shows_the_contact(make_app, store, null_config, tmp_path):
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "dana.vcf").write_text(VCARD)
    box = tmp_path / "Maildir"
    write_maildir(box, [build("Voicemail", '\tFrom:\t"WHITFIELD D" <(206) 555-0143>\n', audio=wav_bytes())])
    config = replace(null_config, contacts=ContactsConfig(paths=(str(tmp_path / "book"),)))
    app = make_app([box], config=config)
    async with app.run_test(size=(100, 24)) as pilot:
        await wait_for(pilot, lambda: app.message_list.current is not None
                       and app.message_list.current.contact is not None, what="contacts loaded")
        await pilot.pause(0.1)
        row = app.message_list.row(0)
        assert row.caller == "Dana Whitfield · Acme Plumbing (caller ID: WHITFIELD D)"
        shown = str(app.query_one(CallbackPane).query_one("Static").render())
        assert "Contact   Dana Whitfield · Acme Plumbing  contact" in shown
