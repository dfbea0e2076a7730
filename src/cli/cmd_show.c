/* STUB */
#include "cli.h"
int cmd_show(int argc, char **argv) { (void)argc; (void)argv; return SC_EXIT_USAGE; }
