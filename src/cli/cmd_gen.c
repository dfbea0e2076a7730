/* STUB — being written (gen helper). */
#include "cli.h"
int cmd_gen(int argc, char **argv) { (void)argc; (void)argv; return SC_EXIT_USAGE; }
