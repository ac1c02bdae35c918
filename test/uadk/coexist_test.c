/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 WrapDrive authors
 */

/*
 * coexist_test WD_USER UADK_USER STANDIN ORDER: WrapDrive's libwd and
 * UADK's (a stand-in exporting the clashing names) in one process, each
 * reached by its own user, with either library loaded first into the
 * global scope (ORDER "uadk-first" or "wd-first"). Exits 1 on a failure.
 */

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#define STANDIN_MARK	(-4242)

static void *
load(const char *path)
{
	void *h = dlopen(path, RTLD_NOW | RTLD_GLOBAL);

	if (h == NULL)
		printf("dlopen %s: %s\n", path, dlerror());
	return h;
}

int
main(int argc, char **argv)
{
	void *hw, *hu, *hs;
	int (*wd_user)(void), (*uadk_user)(void), (*calls)(void);
	int rw, ru, n0, fails = 0;

	if (argc != 5)
		return 2;
	if (strcmp(argv[4], "uadk-first") == 0) {
		hs = load(argv[3]);
		hu = load(argv[2]);
		hw = load(argv[1]);
	} else {
		hw = load(argv[1]);
		hs = load(argv[3]);
		hu = load(argv[2]);
	}
	if (hw == NULL || hu == NULL || hs == NULL)
		return 1;
	wd_user = (int (*)(void))dlsym(hw, "wd_user_request");
	uadk_user = (int (*)(void))dlsym(hu, "uadk_user_request");
	calls = (int (*)(void))dlsym(hs, "standin_calls");
	if (wd_user == NULL || uadk_user == NULL || calls == NULL)
		return 1;
	n0 = calls();
	rw = wd_user();
	printf("%s: WrapDrive's user reached WrapDrive's libwd (rc %d, stand-in calls %d)\n",
	       rw == 0 && calls() == n0 ? "PASS" : "FAIL", rw, calls() - n0);
	fails += !(rw == 0 && calls() == n0);
	ru = uadk_user();
	printf("%s: UADK's user reached UADK's libwd (rc %d)\n",
	       ru == STANDIN_MARK ? "PASS" : "FAIL", ru);
	fails += ru != STANDIN_MARK;
	return fails ? 1 : 0;
}
