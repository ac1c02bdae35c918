// SPDX-License-Identifier: GPL-2.0
/*
 * wd_vmtest: the smallest module of the tree, used only by the VM tier to
 * prove that the runner loads our modules into Debian's kernel and that it
 * notices a kernel warning (load with warn=1).
 *
 * Copyright (c) 2026 WrapDrive authors
 */
#include <linux/module.h>
#include <linux/moduleparam.h>

static bool warn;
module_param(warn, bool, 0444);
MODULE_PARM_DESC(warn, "Emit a kernel WARNING at load (tests the VM runner)");

static int __init wd_vmtest_init(void)
{
	WARN(warn, "wd_vmtest: warning requested by module parameter\n");
	pr_info("wd_vmtest: loaded\n");
	return 0;
}

static void __exit wd_vmtest_exit(void)
{
	pr_info("wd_vmtest: unloaded\n");
}

module_init(wd_vmtest_init);
module_exit(wd_vmtest_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("WrapDrive VM-tier test module");
MODULE_AUTHOR("WrapDrive authors");
