"""voicemail-tui: a keyboard-driven terminal voicemail inbox."""

__version__ = "0.1.0"
