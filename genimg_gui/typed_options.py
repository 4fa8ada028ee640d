"""Telling an option typed on the command line from one left at its default, for `genimg` and `genimg train`
alike: a run with no use for an option says so even when the value typed is the default (--draw refine), and
the training log names --holdout only when it was typed."""
from __future__ import annotations

import argparse


class Typed(argparse.Action):
    """Stores the value and notes that the option was typed (typed() reads it): a run with no use for an option
    says so (cli_commands.note_ignored), also when the value typed is the default, such as --draw refine."""

    def __call__(self, parser, namespace, value, option_string=None) -> None:
        setattr(namespace, self.dest, value)
        namespace.typed = {*getattr(namespace, "typed", ()), self.dest}


def typed(args: argparse.Namespace, dest: str) -> bool:
    """Whether the option storing into dest was on the command line (Typed), not left at its default."""
    return dest in getattr(args, "typed", ())
