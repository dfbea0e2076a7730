"""Helpers shared by the end-to-end tests (tests/run_cli.sh runs each tests/py/test_*.py with
$SHORTCUT set and a fresh temp dir as cwd): run the CLI expecting an exit code, count checks."""
import os
import subprocess

SC = os.environ["SHORTCUT"]
_checks = 0


def run(*args, code=0):
    """Run `shortcut ARGS...`, assert its exit code, return the CompletedProcess (text)."""
    p = subprocess.run([SC, *map(str, args)], capture_output=True, text=True)
    assert p.returncode == code, (args, p.returncode, p.stdout[-3000:], p.stderr)
    return p


def ok(cond, what):
    """One check: assert cond (what explains a failure) and count it."""
    global _checks
    assert cond, what
    _checks += 1


def checks():
    return _checks
