/* Helpers shared by the CLI verbs (thin layer: parse args -> call library -> print). */
#ifndef SC_CLI_H
#define SC_CLI_H

#include <stdint.h>
#include <stdio.h>

#include "../catalog.h"
#include "../error.h"

/* Each verb: int cmd_VERB(int argc, char **argv) with argv[0] = verb name; returns exit code. */
int cmd_list(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_simulate(int argc, char **argv);
int cmd_gen(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_analyze(int argc, char **argv);
int cmd_scan(int argc, char **argv);
int cmd_construct(int argc, char **argv);
int cmd_compile(int argc, char **argv);
int cmd_forward(int argc, char **argv);
int cmd_certify(int argc, char **argv);
int cmd_decompose(int argc, char **argv);
int cmd_fuzz(int argc, char **argv);

/* "shortcut VERB: message" on stderr; returns SC_EXIT_USAGE. */
int cli_usage(const char *verb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Print e->msg as one line "shortcut: message" on stderr; returns e->code. */
int cli_report(const sc_error *e);
/* Parse a decimal integer in [min, max]; 0 or SC_EXIT_USAGE (message names option). */
int cli_u64(const char *verb, const char *option, const char *s, uint64_t min, uint64_t max,
            uint64_t *out);
/* Parse a real number in [min, max]. */
int cli_double(const char *verb, const char *option, const char *s, double min, double max,
               double *out);

/* Print s as a JSON string literal (escaped). */
void cli_json_string(FILE *f, const char *s);

#endif
