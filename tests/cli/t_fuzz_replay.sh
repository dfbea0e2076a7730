# Every fuzz harness replays its seed corpus under ASan+UBSan (built with plain clang).
cd "$(dirname "$0")/../.." && bash fuzz/run.sh --replay
