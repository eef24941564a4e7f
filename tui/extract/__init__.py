"""Callback details from a transcript and the caller ID: never confidently wrong.

`extract(transcript, caller_number=..., caller_name=..., sidecar_transcript=..., region=...)`
returns an `Extraction` whose `fields` hold a `CallbackField` per callback field (value,
confidence "high"/"low", evidence [start_s, end_s], note). Pure: no I/O, no model.
"""

from tui.extract.core import P_NAME, P_NUMBER, Extraction, extract, extract_from_text

__all__ = ["Extraction", "extract", "extract_from_text", "P_NAME", "P_NUMBER"]
