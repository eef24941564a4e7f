"""The Textual app. It reads and writes state only through the library (tui.library.store)."""
