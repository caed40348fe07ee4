/*
 * eventcheck.h - comparing a parsed ls_event with the fields a test expects,
 * printing the whole event when they differ.
 */
#ifndef LS_TESTS_EVENTCHECK_H
#define LS_TESTS_EVENTCHECK_H

#include <stddef.h>

#include "io/event.h"

typedef struct want {
	const char *name;
	const char *value;
	ls_value_type type;
} want;

/* Print every field of ev through cmocka's print_error. */
void tu_event_dump(const ls_event *ev);
/* Fail the test unless ev holds exactly the n fields of w, in order. */
void tu_expect_fields(const ls_event *ev, const want *w, size_t n);

#endif
