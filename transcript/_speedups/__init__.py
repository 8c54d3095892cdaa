"""Speed-ups that replace library internals: opt-in, for the applications that want them.

Importing `transcript` leaves every other library as it was. An application that wants the
speed (the `transcript` command, the issuing run's workers, the verification page it
serves) calls `enable()` once; a program that embeds the library decides for itself. Each
speed-up gives the library's own results (tests hold it to them) and is written against one
exact version of its library: `enable` leaves a library whose installed version differs
from the pinned one untouched, so an upgrade can only make things slower, never different.

=============  =====================================================================
asn1crypto     distinguished-name comparison and hashing remembered per encoding
pyhanko        hexadecimal strings read in bulk; a path validated once per context
reportlab      PDF writing: ASCII encoded directly, key names and streams remembered
=============  =====================================================================
"""

from __future__ import annotations

import importlib
from importlib import metadata

#: The exact versions each speed-up was written and tested against (also in constraints.txt).
PINNED = {
    "asn1crypto": {"asn1crypto": "1.5.1"},
    "pyhanko": {"pyHanko": "0.38.0", "pyhanko-certvalidator": "0.33.0"},
    "reportlab": {"reportlab": "5.1.0"},
}

_enabled: set[str] = set()


def mismatched() -> dict[str, str]:
    """{distribution: "installed X, pinned Y"} for every pinned library that differs."""
    found = {}
    for pins in PINNED.values():
        for distribution, pinned in pins.items():
            try:
                installed = metadata.version(distribution)
            except metadata.PackageNotFoundError:
                installed = "none"
            if installed != pinned:
                found[distribution] = f"installed {installed}, pinned {pinned}"
    return found


def enable(*names: str) -> list[str]:
    """Enable the speed-ups named (all when none are), for the whole process; returns those
    now enabled. A speed-up whose library is not at its pinned version stays off."""
    wanted = names or tuple(PINNED)
    differing = mismatched()
    for name in wanted:
        if name in _enabled or any(d in differing for d in PINNED[name]):
            continue
        importlib.import_module(f"{__name__}.{name}").enable()
        _enabled.add(name)
    return sorted(_enabled)


def disable() -> None:
    """Give every library its own code back."""
    for name in sorted(_enabled):
        importlib.import_module(f"{__name__}.{name}").disable()
    _enabled.clear()


def enabled() -> list[str]:
    return sorted(_enabled)
