/* STUB — being written. */
#include "cli.h"
int cmd_scan(int argc, char **argv) { (void)argc; (void)argv; fprintf(stderr, "shortcut scan: not built yet\n"); return SC_EXIT_USAGE; }
