// SPDX-License-Identifier: GPL-2.0
/*
 * The SEC v1 BD decoder, shared with libwd's user driver and model so the
 * kernel engine and the model read every BD the same way.
 *
 * Copyright (c) 2026 WrapDrive authors
 */
#include "wd_sec_bd.c"
