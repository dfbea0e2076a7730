/* Automaton module: construction limits, validation, simulation with error positions. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "automaton.h"

START_TEST(new_is_identity_and_limits)
{
    sc_error err;
    sc_automaton *a = sc_automaton_new("t", 3, 2, 1, &err);
    ck_assert_ptr_nonnull(a);
    for (uint32_t s = 0; s < 2; s++)
        for (uint32_t q = 0; q < 3; q++)
            ck_assert_uint_eq(sc_delta(a, q, s), q);
    ck_assert_int_eq(sc_automaton_validate(a, &err), 0);
    sc_automaton_free(a);

    ck_assert_ptr_null(sc_automaton_new("t", 0, 2, 0, &err));
    ck_assert_int_eq(err.code, SC_EXIT_REJECTED);
    ck_assert_ptr_null(sc_automaton_new("t", 65536, 2, 0, &err));
    ck_assert_ptr_null(sc_automaton_new("t", 3, 0, 0, &err));
    ck_assert_ptr_null(sc_automaton_new("t", 3, 2, 3, &err));
    ck_assert_ptr_nonnull(strstr(err.msg, "start"));
    a = sc_automaton_new("big", 65535, 1, 65534, &err);
    ck_assert_ptr_nonnull(a);
    sc_automaton_free(a);
}
END_TEST

START_TEST(validate_names_bad_entry)
{
    sc_error err;
    sc_automaton *a = sc_automaton_new("t", 3, 2, 0, &err);
    sc_set_delta(a, 2, 1, 7);
    ck_assert_int_eq(sc_automaton_validate(a, &err), SC_EXIT_REJECTED);
    ck_assert_ptr_nonnull(strstr(err.msg, "delta[2][1] = 7"));
    sc_automaton_free(a);
}
END_TEST

/* The cyclic group C3 with one generator +1: q_t = t mod 3 after t ones from 0. */
START_TEST(run_labels_are_q1_to_qT)
{
    sc_error err;
    sc_automaton *a = sc_automaton_new("c3", 3, 2, 0, &err);
    for (uint32_t q = 0; q < 3; q++)
        sc_set_delta(a, q, 1, (q + 1) % 3);
    int32_t w[] = {1, 1, 0, 1, 1}, l[5];
    ck_assert_int_eq(sc_automaton_run(a, w, 5, l, "w", &err), 0);
    int32_t want[] = {1, 2, 2, 0, 1};
    for (int t = 0; t < 5; t++)
        ck_assert_int_eq(l[t], want[t]);
    int32_t bad[] = {1, 0, 2};
    ck_assert_int_eq(sc_automaton_run(a, bad, 3, l, "w", &err), SC_EXIT_REJECTED);
    ck_assert_ptr_nonnull(strstr(err.msg, "w: position 2: symbol 2"));
    ck_assert_int_eq(sc_automaton_run(a, w, 0, l, "w", &err), 0);
    sc_automaton_free(a);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("automaton");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, new_is_identity_and_limits);
    tcase_add_test(tc, validate_names_bad_entry);
    tcase_add_test(tc, run_labels_are_q1_to_qT);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
