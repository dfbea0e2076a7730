# Every fuzz harness replays its seed corpus and committed reproducers under ASan+UBSan (built
# with plain clang, no fuzzing engine): parsers, CLI, internal differentials, the correct model
# (which must also pass every planted bug's reproducer), and each planted-bug variant, whose
# reproducers in fuzz/bug_*/regress MUST crash with the signature in fuzz/bug_*/expect.
cd "$(dirname "$0")/../.." && bash fuzz/run.sh --replay
