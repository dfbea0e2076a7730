/* Input sequences shared by the CLI verbs (simulate, scan, ...): --input LIST and
 * --input-npy FILE (DESIGN.md §5). */
#ifndef SC_CLI_INPUT_H
#define SC_CLI_INPUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../error.h"

/* Parse "1,0,1" (may be empty) into a malloc'd int32 array. 0, or SC_EXIT_USAGE after a
 * message "shortcut VERB: --input: ..." on stderr. */
int cli_parse_list(const char *verb, const char *s, int32_t **out, size_t *len);

/* Load a 2-D integer npy as malloc'd int32 rows (rows x cols). 0 or an error in err
 * (SC_EXIT_REJECTED for a bad file or value, SC_EXIT_LIMIT when out of memory). */
int cli_load_rows(const char *path, int32_t **out, size_t *rows, size_t *cols, sc_error *err);

/* Length of a -1-padded row: the sequence ends at the first -1, the rest must be -1 too
 * (else SC_EXIT_REJECTED naming src, row and position). */
int cli_row_length(const int32_t *w, size_t T, const char *src, size_t row, size_t *len,
                   sc_error *err);

/* One sequence's labels, comma-separated, no newline (simulate's output format). */
void cli_print_labels(FILE *f, const int32_t *labels, size_t T);

#endif
