"""Audio: decoding (pydub/ffmpeg), the player, heard-coverage and output sinks. Knows nothing of messages."""
