/*
 * cmd_version.c - `leaksim version`: what this binary is and what it runs on.
 *
 * Library versions are asked of the libraries at run time (not taken from
 * headers), so the output reflects the shared objects actually loaded.
 */
#include <stdio.h>

#include <sodium.h>
#include <yaml.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "cli/cli.h"

#ifndef LS_VERSION
#define LS_VERSION "0.0.0"
#endif
#ifndef LS_BUILD_CONFIG
#define LS_BUILD_CONFIG "unknown"
#endif
#ifndef LS_BUILD_CC
#define LS_BUILD_CC "cc"
#endif
#ifndef LS_BUILD_SANITIZE
#define LS_BUILD_SANITIZE "none"
#endif

int ls_cmd_version(int argc, char **argv)
{
	int status = ls_cli_help_only(argc, argv);
	if (status >= 0)
		return status;
	if (optind < argc) {
		ls_cli_error("version", "unexpected argument '%s'", argv[optind]);
		return LS_EXIT_USAGE;
	}
	char pcre[64] = "unknown";
	if (pcre2_config(PCRE2_CONFIG_VERSION, pcre) < 0)
		pcre[0] = '\0';
	printf("leaksim %s\n", LS_VERSION);
	printf("libsodium %s\n", sodium_version_string());
	printf("libyaml %s\n", yaml_get_version_string());
	printf("pcre2 %s\n", pcre);
	printf("build: %s (%s %s; sanitize: %s)\n", LS_BUILD_CONFIG, LS_BUILD_CC, __VERSION__,
	       LS_BUILD_SANITIZE);
	return LS_EXIT_OK;
}
