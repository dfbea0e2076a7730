/* STUB */
#include "cli.h"
int cmd_list(int argc, char **argv) { (void)argc; (void)argv; return SC_EXIT_USAGE; }
