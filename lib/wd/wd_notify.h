/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 WrapDrive authors
 */

#ifndef _WD_NOTIFY_H_
#define _WD_NOTIFY_H_

/**
 * @file
 * Waking an engine that went to sleep, only when it did (notification
 * suppression, as virtio's used-ring flag): an emulated device's engine
 * polls while it has work and for a short while after; before it sleeps
 * it sets its queues' notify words to 1, then looks at the rings once
 * more. A driver, after its doorbell store, reads the word and pays for
 * a wake-up (a futex) only when it is set. Hardware and kernel engines
 * need none: their queues have no notify word (NULL) and the doorbell
 * store is the notification.
 */

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Wake the engine sleeping on @p word (clears it; futex wake). */
void wd_notify_wake(volatile uint32_t *word);

/**
 * After a doorbell (or any register write the engine must act on): wake
 * the engine if it is asleep. @p word is the queue's notify word
 * (wd_queue_notify_word()), NULL for queues that need none.
 */
static inline void
wd_notify(volatile uint32_t *word)
{
	if (word == NULL)
		return;
	/* The doorbell store before, the flag load after: the engine stores
	 * the flag and then reads the doorbell (Dekker), so one of the two
	 * sides sees the other. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (__atomic_load_n(word, __ATOMIC_RELAXED) != 0)
		wd_notify_wake(word);
}

#ifdef __cplusplus
}
#endif

#endif /* _WD_NOTIFY_H_ */
