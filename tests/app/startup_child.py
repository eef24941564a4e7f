"""One start of the real app in a fresh interpreter, as `voicemail-tui` starts it (issue #16).

    python tests/app/startup_child.py FOLDER WORKDIR MODEL EXTRA_SCANS

A fresh process is the point: nothing of mutagen, numpy or the app's workers is imported yet,
exactly as at a real start-up. The app (run_test, null output, folder watcher, start-up scan,
transcription with MODEL: "none" turns it off) starts while EXTRA_SCANS threads scan FOLDER into
libraries of their own and the cursor moves at once; then it rests (decode-ahead) and plays.
An audit hook records every module imported on a thread other than the main one and the one
inside `tui.worker_imports.load()`. Prints one JSON object.
"""

from __future__ import annotations

import asyncio
import json
import sys
import threading
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

stray: list[list[str]] = []  # [module, thread name] imported by a worker thread outside load()


def _audit(event: str, args: tuple) -> None:
    if event != "import" or threading.current_thread() is threading.main_thread():
        return
    loader = sys.modules.get("tui.worker_imports")
    if loader is not None and loader.loading_thread == threading.get_ident():
        return
    stray.append([str(args[0]), threading.current_thread().name])


sys.addaudithook(_audit)


def main() -> None:
    folder, work, model, extra = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    from tui.app.app import VoicemailApp
    from tui.config import AudioConfig, Config, SourcesConfig, TranscriptionConfig
    from tui.library.store import Store

    transcription = TranscriptionConfig(enabled=model != "none", model=model if model != "none" else "auto", threads=1)
    config = replace(Config(), audio=AudioConfig(output="null"), sources=SourcesConfig(watch=True),
                     transcription=transcription)
    store = Store(work / "library.sqlite3")
    app = VoicemailApp(store=store, config=config, sources=[folder], scan_on_start=True)
    app.preload_after_s = 0.05  # decode ahead as soon as the cursor rests
    extra_unreadable: list = []
    seen = {"player": False}
    go = threading.Event()

    def extra_scan(number: int) -> None:
        go.wait()
        from tui.library.scan import scan  # on this thread, as a second program's scan would

        report = scan(Store(work / f"extra-{number}.sqlite3"), [folder])
        extra_unreadable.extend(report.unreadable)

    threads = [threading.Thread(target=extra_scan, args=(n,), name=f"extra-scan-{n}") for n in range(extra)]
    for thread in threads:
        thread.start()

    async def drive() -> None:
        async with app.run_test(size=(120, 36)) as pilot:
            go.set()
            for key in "jjkjjjkkjj":  # the cursor moves at once, while the jobs start
                await pilot.press(key)
            for _ in range(600):
                if app.last_scan is not None and not app.scanning and app.player is not None:
                    seen["player"] = True
                    break
                await pilot.pause(0.05)
            for key in "jjjjjjjjjjjjjjjj":
                await pilot.press(key)
                await pilot.pause(0.06)  # rests: decode-ahead starts
            await pilot.press("g", "enter")
            await pilot.pause(0.5)
            await pilot.press("space")
            await pilot.pause(0.1)
            if model != "none":  # the transcriber's threads also hand back a result (and extraction runs;
                # the test tones are no speech: the voice-activity check's verdict is a result too)
                for _ in range(1200):
                    if any(m.transcript_status in ("done", "no_speech", "failed") for m in store.messages()):
                        seen["transcribed"] = True
                        break
                    await pilot.pause(0.05)

    asyncio.run(drive())
    for thread in threads:
        thread.join()
    errors = [[m.path, m.error] for m in store.messages() if m.error]
    print(json.dumps({
        "messages": store.count(),
        "errors": errors,
        "extra_unreadable": extra_unreadable,
        "scanned": app.last_scan is not None,
        "player": seen["player"],
        "transcribed": seen.get("transcribed", False),
        "stray_imports": [s for s in stray if not s[1].startswith("extra-scan")],
    }))


if __name__ == "__main__":
    main()
