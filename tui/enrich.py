"""Transcript in, callback details out: the one path by which automatic results reach the library.

Used by the app's background queue, `voicemail-tui transcribe` and (without a library) `analyze`.
Fields you edited are never touched (the store guarantees it); fields the extractor could not
find keep what they had (e.g. the caller ID as the number to call).
"""

from __future__ import annotations

from collections.abc import Callable

from tui.extract import Extraction, extract
from tui.library.models import Transcript
from tui.library.store import Store


def extract_for(store: Store, message_id: str, transcript: Transcript | None, *, region: str,
                redecode: Callable[[float, float], str | None] | None = None) -> Extraction | None:
    message = store.get(message_id)
    if message is None:
        return None
    return extract(
        transcript,
        caller_number=message.caller_number,
        caller_name=message.caller_name,
        sidecar_transcript=message.sidecar_transcript,
        region=region,
        redecode=redecode,
    )


def enrich(store: Store, message_id: str, transcript: Transcript, *, region: str,
           redecode: Callable[[float, float], str | None] | None = None) -> Extraction | None:
    """Store the transcript, extract the callback details from it and store them."""
    store.save_transcript(message_id, transcript)
    extraction = extract_for(store, message_id, transcript, region=region, redecode=redecode)
    if extraction is None:
        return None
    found = {name: field for name, field in extraction.fields.items() if field.value is not None}
    store.apply_extraction(
        message_id,
        found,
        alt_numbers=extraction.alt_numbers,
        number_note=extraction.number_note,
        number_differs=extraction.number_differs_from_caller_id,
    )
    return extraction
