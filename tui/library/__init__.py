"""The library: voicemail state (SQLite), scanning and importers. Never imports Textual."""
