"""Handlers of the ``gridwall`` sub-commands (imported lazily by :mod:`desktop.cli`)."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from desktop.importing import (
    cmd_import_cap,
    cmd_import_csv,
    cmd_import_open311,
    cmd_import_units,
    cmd_poll_cap,
    cmd_poll_db,
    cmd_poll_open311,
    cmd_replay,
)
from desktop.startup import (
    UserError,
    missing_sqlite_file,
    require_store,
    run_wall_session,
    server_config,
    start_application,
    wall_options,
)
from desktop.supervision_cli import cmd_import_cameras, cmd_import_parts, cmd_look_at, operator_client

__all__ = [
    "UserError",
    "cmd_import_cameras",
    "cmd_import_cap",
    "cmd_import_csv",
    "cmd_import_open311",
    "cmd_import_parts",
    "cmd_import_units",
    "cmd_look_at",
    "cmd_poll_cap",
    "cmd_poll_db",
    "cmd_poll_open311",
    "cmd_replay",
]

log = logging.getLogger(__name__)


def cmd_wall(args: argparse.Namespace) -> int:
    """``gridwall wall``: a wall or workstation on an existing server (``--server`` checked by the parser)."""
    options = wall_options(args)
    if args.db is None:
        return run_wall_session(start_application(options), args.server, args.token, options)
    from desktop.replay import own_replay_source
    from feeds.store import StoreError, open_store

    missing = missing_sqlite_file(args.db)
    if missing is not None:
        raise UserError(f"--db: no store at {missing} (give the server's store)")
    try:
        store = open_store(args.db, load_reference_data=False)
    except StoreError as exc:
        raise UserError(str(exc)) from None
    try:
        source = own_replay_source(store.engine, args.token, workstation=options.workstation)
        return run_wall_session(start_application(options), args.server, args.token, options, replay_source=source)
    finally:
        store.close()


def cmd_demo(args: argparse.Namespace) -> int:
    """``gridwall demo``: embedded server, seeded history, live simulator and the wall."""
    from desktop.demo import run_demo

    return run_demo(args, wall_options(args))


def cmd_server(args: argparse.Namespace) -> int:
    """``gridwall server``: run the case server until SIGINT/SIGTERM."""
    from feeds.server import run_server
    from feeds.server.tokens import TokenBook, ensure_default_tokens, plain_keys
    from feeds.store import StoreError

    if (args.tls_cert is None) != (args.tls_key is None):
        raise UserError("--tls-cert and --tls-key go together")
    _check_alarm_files(args.alarms, args.plans)
    try:
        if args.tokens is not None:
            book = TokenBook.load(args.tokens)
            tokens_path = args.tokens
            plain = plain_keys(tokens_path)
            if plain:  # they work (hashed as the file is read); the file should not hold them
                log.warning(
                    "%s holds %d plain token(s): hash them with 'gridwall tokens --tokens %s --hash'",
                    tokens_path, len(plain), tokens_path,
                )  # fmt: skip
        else:
            defaults = ensure_default_tokens()
            tokens_path, book = defaults.path, defaults.book
    except (OSError, ValueError) as exc:
        raise UserError(f"cannot read tokens: {exc}") from None
    ssl_context = None
    if args.tls_cert is not None:
        import ssl

        ssl_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        try:
            ssl_context.load_cert_chain(args.tls_cert, args.tls_key)
        except (OSError, ssl.SSLError) as exc:
            raise UserError(f"cannot load the TLS certificate: {exc}") from None
    log.info("tokens: %s", tokens_path)
    config = server_config(
        book, host=args.host, port=args.port, store_url=args.db, ssl_context=ssl_context,
        alarms_path=args.alarms, plans_path=args.plans,
    )  # fmt: skip
    config.tokens_path = tokens_path  # re-read on change or SIGHUP: a token is revoked without a restart
    try:
        run_server(config)
    except StoreError as exc:
        raise UserError(str(exc)) from None
    except OSError as exc:
        raise UserError(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}") from None
    return 0


def _check_alarm_files(alarms: Path | None, plans: Path | None) -> None:
    """Refuse ``--alarms`` or ``--plans`` that cannot be used, naming which and the file, before the server starts."""
    from feeds.alarms import load_alarm_config, load_plans

    for path, what, load in ((alarms, "alarm settings", load_alarm_config), (plans, "linkage plans", load_plans)):
        if path is not None:
            try:
                load(path)
            except ValueError as exc:
                raise UserError(f"cannot read the {what}: {exc}") from None


def cmd_seed(args: argparse.Namespace) -> int:
    """``gridwall seed``: simulated history into the store, then the supervisors, their tracks and the cameras."""
    from feeds.simulator.history.seed import LastStep, run_seed
    from feeds.supervision.prepare import prepare_supervision

    supervision = LastStep(
        "the supervisors, their patrol tracks and the cameras",
        lambda store: prepare_supervision(store, seed=args.seed or 0),
    )
    return run_seed(
        args.db, days=args.days, years=args.years, seed=args.seed, replace=args.replace, out=sys.stderr,
        last_step=supervision,
    )  # fmt: skip


def cmd_simulate(args: argparse.Namespace) -> int:
    """``gridwall simulate``: the live producer."""
    from feeds.simulator.live.live_thread import run_simulate

    return int(
        run_simulate(args.server, args.token, speed=args.speed, seed=args.seed, duration=args.duration, out=sys.stderr)
    )


def cmd_report(args: argparse.Namespace) -> int:
    """``gridwall report``: the briefing of a day, week or month as a PDF."""
    from datetime import datetime, timedelta

    from desktop.briefing import run_report
    from feeds.briefing import BEIJING, period_problem

    today = datetime.now(BEIJING).date()
    day = args.date or today - timedelta(days=1)
    problem = period_problem(day, args.period, today)
    if problem is not None:
        raise UserError(problem)
    require_store(args.db)
    run_report(args.db, day, args.period, args.lang, args.out)
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    """``gridwall stats``: the source document's facts next to the store's figures."""
    from feeds.analytics.facts import document_facts, render_markdown, render_text
    from feeds.store import StoreError
    from feeds.store.read_only import open_read_only

    require_store(args.db)
    try:
        store = open_read_only(args.db)  # a command that reads creates, migrates, changes nothing
    except StoreError as exc:
        raise UserError(str(exc)) from None
    try:
        rows = document_facts(store.engine)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    finally:
        store.close()
    print(render_markdown(rows) if args.markdown else render_text(rows, args.lang))
    return 1 if any(r.status == "off" for r in rows) else 0


def cmd_tail(args: argparse.Namespace) -> int:
    """``gridwall tail``: print live events."""
    from feeds.tail import run_tail

    return run_tail(args.server, args.token)


def cmd_tour(args: argparse.Namespace) -> int:
    """``gridwall tour start|stop``: ask every wall of a server to start or stop the visitors' tour."""
    with operator_client(args.server, args.token, "gridwall-tour") as client:
        client.tour(args.action)
    print(f"asked the walls of {args.server} to {args.action} the tour")
    return 0


def cmd_import_geo(args: argparse.Namespace) -> int:
    """``gridwall import-geo``: replace a level of generated geodata with a real GeoJSON file."""
    from feeds.geo.errors import GeoDataError
    from feeds.geo.importer import import_geojson
    from feeds.paths import geo_override_dir

    target = geo_override_dir()
    try:
        report = import_geojson(
            args.file, args.level, target, code_property=args.code_property, crs=args.crs, match_names=args.match_names
        )
    except GeoDataError as exc:
        raise UserError(str(exc)) from None
    print(
        f"imported {report.feature_count} {args.level} features from {args.file} "
        f"({report.total_area_m2 / 1e6:.2f} km²) into {target}"
    )
    if report.matched_by_name:
        print(f"matched {len(report.matched_by_name)} names to official codes (own code -> official):")
        for own, official in report.matched_by_name.items():
            print(f"  {own} -> {official}")
    return 0


def cmd_self_test(args: argparse.Namespace) -> int:
    """``gridwall self-test`` (or ``--self-test``): offscreen wall on a temporary store, checked."""
    from desktop.selftest import run_self_test

    return run_self_test(args.screenshot, timeout_s=args.timeout)


def cmd_tokens(args: argparse.Namespace) -> int:
    """``gridwall tokens``: show the tokens (the demo's plain ones), issue one, or hash a file's plain tokens."""
    from feeds.server.tokens import (
        TokenBook,
        create_tokens_file,
        ensure_default_tokens,
        hash_tokens_file,
        issue_token,
        plain_keys,
    )

    if args.name is not None and args.issue is None:
        raise UserError("--name goes with --issue (the name of the client the new token is for)")
    try:
        if args.issue is not None:
            path = args.tokens or ensure_default_tokens().path
            token = issue_token(path, args.issue, args.name or "")
            print(f"# {path}: added as its sha256 hash; the token is shown only now")
            print(f"{args.issue:9} {args.name or args.issue:12} {token}")
            return 0
        if args.tokens is not None and not args.hash and not args.tokens.exists():
            created = create_tokens_file(args.tokens)
            print(f"# {args.tokens}: created with one token per role, kept as sha256 hashes; shown only now")
            for token, grant in created:
                print(f"{grant.role:9} {grant.name:12} {token}")
            return 0
        if args.hash:
            path = args.tokens or ensure_default_tokens().path  # the default file is kept hashed anyway
            converted = hash_tokens_file(path)
            print(f"# {path}: {len(converted)} plain token(s) rewritten as sha256 hashes; shown only now")
            for token, grant in converted.items():
                print(f"{grant.role:9} {grant.name:12} {token}")
            return 0
        if args.tokens is not None:
            path, book = args.tokens, TokenBook.load(args.tokens)
            plain = plain_keys(path)
            print(f"# {path}")
            for key, grant in book:
                print(f"{grant.role:9} {grant.name:12} {key}")
            if plain:
                print(f"# {len(plain)} plain token(s) here work; 'gridwall tokens --tokens {path} --hash' hashes them")
            return 0
        tokens = ensure_default_tokens()
    except (OSError, ValueError) as exc:
        raise UserError(f"cannot read tokens: {exc}") from None
    print(f"# {tokens.path} (hashes, what the server reads)")
    print(f"# {tokens.client_path} (the demo's own clients' tokens)")
    for role in ("wall", "operator", "producer"):
        mine = tokens.token_for(role)
        held = tokens.book.check(mine) if mine is not None else None
        if mine is not None and held is not None:
            print(f"{held.role:9} {held.name:12} {mine}")
    return 0
