/*
 * eventcheck.c - field-by-field comparison of parsed events for the reader tests.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "eventcheck.h"

void tu_event_dump(const ls_event *ev)
{
	for (size_t i = 0; i < ev->n; i++)
		print_error("  [%zu] %.*s = %.*s (%s)\n", i, (int)ev->fields[i].name.len,
		            ev->fields[i].name.ptr, (int)ev->fields[i].value.len,
		            ev->fields[i].value.ptr, ls_value_type_name(ev->fields[i].type));
}

void tu_expect_fields(const ls_event *ev, const want *w, size_t n)
{
	if (ev->n != n) {
		print_error("expected %zu fields, got %zu:\n", n, ev->n);
		tu_event_dump(ev);
	}
	assert_int_equal(ev->n, n);
	for (size_t i = 0; i < n; i++) {
		const ls_field *f = &ev->fields[i];
		if (!ls_sv_eq_cstr(f->name, w[i].name) || !ls_sv_eq_cstr(f->value, w[i].value) ||
		    f->type != w[i].type) {
			print_error("field %zu: want %s = %s (%s)\n", i, w[i].name, w[i].value,
			            ls_value_type_name(w[i].type));
			tu_event_dump(ev);
			fail();
		}
	}
}
