/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 WrapDrive authors
 */

/*
 * Device model of "hisi_hns_v1" (see hisi_hns_v1.h): HNS ring pairs and
 * the wire between them.
 *
 * Each queue is one ring pair. The engine polling a queue takes packets
 * from its TX ring in order, checks every BD before touching memory, and
 * puts the frame on the queue's wire (WD_EMU "wire=" of the device):
 *   loop  the ring pair's own RX ring (the default);
 *   pair  ring pair i <-> i + queues/2 of the same device, as if the NIC
 *         had two ports cabled back to back (one engine serves both);
 *   peer  device hisi_hns<2k> ring pair i <-> hisi_hns<2k+1> ring pair i
 *         (both devices say wire=peer; each engine feeds the other's RX);
 *   tap   a Linux TAP interface named after the device (hisi_hns0...),
 *         one multi-queue file per ring pair, so frames reach the kernel.
 * The LOOPBACK register overrides the wire for a self test.
 *
 * A frame for an RX ring without enough posted BDs is dropped there
 * (RX_MISSED), unless flow control (802.3x pause, the FC registers) is on
 * at both ends: then it waits in the TX ring until the receiver posts
 * BDs, and nothing is lost. A frame for a receiver that is closed,
 * disabled or in loopback is dropped and counted (TX_DROPS): the link is
 * down.
 *
 * An RX ring is fed by one engine at a time (the sender's), under the
 * ring's feed lock. Links between queues change under the registry lock.
 * A partner on the same device (pair) never goes away mid-copy because
 * the framework tears a queue down under the device lock its engine
 * polls under; a partner on another device (peer) has another engine,
 * so pollers of peer wires hold the registry lock for reading.
 */

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>
#include <linux/if_tun.h>

#include "hisi_hns_v1.h"
#include "wd_arch.h"
#include "wd_emu.h"
#include "wd_hns.h"
#include "wd_private.h"
#include "wd_uapi.h"

struct seg {
	char *p;
	uint32_t len;
};

#define MIN_U32(a, b) ((uint32_t)(a) < (uint32_t)(b) ? (uint32_t)(a) : (uint32_t)(b))

struct hns_eq {
	struct wd_emu_queue *eq;
	const char *dev;		/* device name */
	unsigned int index;		/* ring pair in the device */
	int wire;			/* HNS_WIRE_* */
	int tap_fd;
	struct hns_eq *peer;		/* pair/peer partner (atomic; set under the
					 * registry lock) */
	struct hns_eq *next;		/* registry */

	/* TX side: this queue's engine only */
	uint32_t tx_head;		/* next BD to read */
	uint32_t tx_posted;		/* BDs posted, not read yet */
	uint64_t tx_pkts, tx_bytes, tx_errors, tx_drops;

	/* RX side: whoever feeds the ring, under rx_lock */
	int rx_lock;
	uint32_t rx_fill;		/* next BD to fill */
	uint32_t rx_avail;		/* posted BDs not filled yet */
	int rx_paused;
	uint64_t rx_pkts, rx_bytes, rx_errors, rx_pauses, rx_missed;
};

/*
 * Translations remembered for one poll call (the engine holds the IOVA
 * table's read lock through it, so nothing can be unmapped meanwhile):
 * aligned windows of 64 MiB, else 2 MiB, that are mapped whole, tried
 * before asking the table for the exact range.
 */
#define XC_WAYS 4

struct xcache {
	uint64_t base[XC_WAYS];
	uint64_t size[XC_WAYS];
	char *va[XC_WAYS];
	unsigned int next;
};

static inline void *
xlate(const struct wd_emu_queue *eq, struct xcache *c, uint64_t iova, uint32_t len)
{
	static const uint64_t win[] = { 64ull << 20, 2ull << 20 };
	unsigned int i;
	uint64_t b;
	char *w;

	for (i = 0; i < XC_WAYS; i++)
		if (c->va[i] != NULL && iova - c->base[i] < c->size[i] &&
		    iova + len - c->base[i] <= c->size[i])
			return c->va[i] + (iova - c->base[i]);
	for (i = 0; i < sizeof(win) / sizeof(win[0]); i++) {
		b = iova & ~(win[i] - 1);
		if (iova + len > b + win[i])
			continue;
		w = wd_emu_dma_ptr(eq, b, win[i]);
		if (w != NULL) {
			c->base[c->next] = b;
			c->size[c->next] = win[i];
			c->va[c->next] = w;
			c->next = (c->next + 1) % XC_WAYS;
			return w + (iova - b);
		}
	}
	return wd_emu_dma_ptr(eq, iova, len);
}

static pthread_rwlock_t registry_lock = PTHREAD_RWLOCK_INITIALIZER;
static struct hns_eq *registry;

/* --- registers and rings --------------------------------------------- */

static inline struct hns_rx_desc *
rx_ring(const struct hns_eq *h)
{
	return h->eq->ring;
}

static inline struct hns_tx_desc *
tx_ring(const struct hns_eq *h)
{
	return (struct hns_tx_desc *)((char *)h->eq->ring +
				      (size_t)h->eq->depth * sizeof(struct hns_rx_desc));
}

static inline uint32_t *
reg(const struct hns_eq *h, unsigned int off)
{
	return (uint32_t *)((char *)h->eq->regs + off);
}

/* Take a count register; a plain read first, so that an idle poll does
 * not pull the line away from the driver. */
static inline uint32_t
reg_take(const struct hns_eq *h, unsigned int off)
{
	if (__atomic_load_n(reg(h, off), __ATOMIC_RELAXED) == 0)
		return 0;
	return __atomic_exchange_n(reg(h, off), 0, __ATOMIC_ACQUIRE);
}

static inline void
stat_set(const struct hns_eq *h, unsigned int off, uint64_t v)
{
	__atomic_store_n((uint64_t *)((char *)h->eq->regs + off), v, __ATOMIC_RELAXED);
}

static inline int
enabled(const struct hns_eq *h)
{
	return wd_emu_reg_read(h->eq, HNS_PREFETCH_EN) == 1;
}

static inline int
in_loopback(const struct hns_eq *h)
{
	return wd_emu_reg_read(h->eq, HNS_REG_LOOPBACK) == 1;
}

static inline void
rx_lock(struct hns_eq *h)
{
	while (__atomic_exchange_n(&h->rx_lock, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&h->rx_lock, __ATOMIC_RELAXED))
			wd_cpu_relax();
}

static inline void
rx_unlock(struct hns_eq *h)
{
	__atomic_store_n(&h->rx_lock, 0, __ATOMIC_RELEASE);
}

/* --- the registry: queue indexes and links ------------------------------ */

static int
dev_number(const char *dev, const char **prefix_end)
{
	const char *p = dev + strlen(dev);

	while (p > dev && p[-1] >= '0' && p[-1] <= '9')
		p--;
	*prefix_end = p;
	return *p ? atoi(p) : -1;
}

/* Is @b the partner of @a? (registry lock held) */
static int
partners(const struct hns_eq *a, const struct hns_eq *b)
{
	unsigned int half;
	const char *ea, *eb;
	int na, nb;

	if (a->wire != b->wire)
		return 0;
	switch (a->wire) {
	case HNS_WIRE_PAIR:
		half = wd_emu_dev_queues(a->eq->dev) / 2;
		return a->eq->dev == b->eq->dev && half > 0 &&
			a->index < 2 * half && b->index < 2 * half &&
			(a->index + half == b->index || b->index + half == a->index);
	case HNS_WIRE_PEER:
		na = dev_number(a->dev, &ea);
		nb = dev_number(b->dev, &eb);
		return na >= 0 && nb >= 0 && (na ^ 1) == nb && ea - a->dev == eb - b->dev &&
			strncmp(a->dev, b->dev, (size_t)(ea - a->dev)) == 0 &&
			a->index == b->index;
	default:
		return 0;
	}
}

static int
tap_open(struct hns_eq *h)
{
	struct ifreq ifr;
	int fd, s;

	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		WD_ERR("%s: cannot open /dev/net/tun: %s", h->dev, strerror(errno));
		return -errno;
	}
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", h->dev);
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_MULTI_QUEUE;
	if (ioctl(fd, TUNSETIFF, &ifr) != 0) {
		int rc = -errno;

		WD_ERR("%s: cannot attach to TAP %s: %s (needs CAP_NET_ADMIN)", h->dev, h->dev,
		       strerror(errno));
		close(fd);
		return rc;
	}
	/* Bring it up; someone with the right may do it later instead. */
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s >= 0) {
		if (ioctl(s, SIOCGIFFLAGS, &ifr) == 0 && !(ifr.ifr_flags & IFF_UP)) {
			ifr.ifr_flags |= IFF_UP;
			if (ioctl(s, SIOCSIFFLAGS, &ifr) != 0)
				WD_WARN("%s: cannot bring TAP %s up: %s", h->dev, h->dev,
					strerror(errno));
		}
		close(s);
	}
	h->tap_fd = fd;
	return 0;
}

/* --- model operations ------------------------------------------------------ */

static size_t
hns_regs_size(unsigned int depth)
{
	return HNS_REGS_SIZE;
}

static size_t
hns_ring_size(unsigned int depth)
{
	return (size_t)depth * (sizeof(struct hns_rx_desc) + sizeof(struct hns_tx_desc));
}

static int
hns_init(struct wd_emu_queue *eq)
{
	unsigned int queues = wd_emu_dev_queues(eq->dev), i;
	struct hns_eq *h, *o;
	uint64_t used = 0;
	int rc;

	h = calloc(1, sizeof(*h));
	if (h == NULL)
		return -ENOMEM;
	h->eq = eq;
	h->dev = wd_emu_dev_name(eq->dev);
	h->wire = wd_emu_dev_wire(eq->dev);
	if (h->wire < 0)
		h->wire = HNS_WIRE_LOOP;
	h->tap_fd = -1;
	eq->model_priv = h;

	pthread_rwlock_wrlock(&registry_lock);
	for (o = registry; o != NULL; o = o->next)
		if (o->eq->dev == eq->dev && o->index < 64)
			used |= 1ull << o->index;
	for (i = 0; i < queues && i < 64 && (used & (1ull << i)); i++)
		;
	if (i >= queues || i >= 64) {
		pthread_rwlock_unlock(&registry_lock);
		free(h);
		return -EBUSY;
	}
	h->index = i;
	if (h->wire == HNS_WIRE_TAP) {
		rc = tap_open(h);
		if (rc != 0) {
			pthread_rwlock_unlock(&registry_lock);
			free(h);
			return rc;
		}
	}
	for (o = registry; o != NULL; o = o->next) {
		if (partners(h, o)) {
			h->peer = o;
			/* o's engine may be polling: h is whole before it sees h */
			__atomic_store_n(&o->peer, h, __ATOMIC_RELEASE);
			break;
		}
	}
	h->next = registry;
	registry = h;
	pthread_rwlock_unlock(&registry_lock);

	wd_emu_reg_write(eq, HNS_RX_BASEADDR_L, 0);
	wd_emu_reg_write(eq, HNS_RX_BD_NUM, eq->depth);
	wd_emu_reg_write(eq, HNS_RX_BD_LEN, HNS_BD_LEN_2048);
	wd_emu_reg_write(eq, HNS_TX_BASEADDR_L,
			 (uint32_t)(eq->depth * sizeof(struct hns_rx_desc)));
	wd_emu_reg_write(eq, HNS_TX_BD_NUM, eq->depth);
	wd_emu_reg_write(eq, HNS_REG_VERSION, HNS_VERSION);
	wd_emu_reg_write(eq, HNS_REG_QUEUE, h->index);
	wd_emu_reg_write(eq, HNS_REG_WIRE, (uint32_t)h->wire);
	wd_emu_reg_write(eq, HNS_REG_MAX_FRAME, HNS_MAX_FRAME);
	return 0;
}

static void
hns_fini(struct wd_emu_queue *eq)
{
	struct hns_eq *h = eq->model_priv, **pp;

	if (h == NULL)
		return;
	pthread_rwlock_wrlock(&registry_lock);
	for (pp = &registry; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == h) {
			*pp = h->next;
			break;
		}
	}
	if (h->peer != NULL)
		__atomic_store_n(&h->peer->peer, NULL, __ATOMIC_RELEASE);
	pthread_rwlock_unlock(&registry_lock);
	if (h->tap_fd >= 0)
		close(h->tap_fd);
	free(h);
	eq->model_priv = NULL;
}

/* --- receiving ------------------------------------------------------------- */

/* --- checksums, as the NIC computes and checks them ------------------------ */

/* @a + @b in 64-bit one's complement (the carry wraps around): 2^64 - 1
 * is a multiple of 2^16 - 1, so folding the result gives the 16-bit sum. */
static inline uint64_t
add64(uint64_t a, uint64_t b)
{
	a += b;
	return a + (a < b);
}

/* One's complement sum of @len bytes (native 16-bit words, so the result
 * is stored back natively), added to @sum. Eight bytes per add, two
 * chains: the engine checks every received frame's checksum. */
static uint64_t
csum_add(uint64_t sum, const uint8_t *p, uint32_t len)
{
	uint64_t q, a = 0, b = 0;
	uint32_t w;
	uint16_t h;

	for (; len >= 16; p += 16, len -= 16) {
		memcpy(&q, p, 8);
		a = add64(a, q);
		memcpy(&q, p + 8, 8);
		b = add64(b, q);
	}
	sum = add64(add64(sum, a), b);
	sum = (sum & 0xffffffffu) + (sum >> 32);	/* room for the tail */
	for (; len >= 4; p += 4, len -= 4) {
		memcpy(&w, p, 4);
		sum += w;
	}
	if (len >= 2) {
		memcpy(&h, p, 2);
		sum += h;
		p += 2;
		len -= 2;
	}
	if (len == 1) {
		h = 0;
		memcpy(&h, p, 1);
		sum += h;
	}
	return sum;
}

static uint16_t
csum_fold(uint64_t sum)
{
	sum = (sum & 0xffffffffu) + (sum >> 32);
	sum = (sum & 0xffffffffu) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

static inline uint32_t
be16(const uint8_t *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

/* Where the IP header of @f is, and its L4 part: 4 or 6, or 0 when the frame
 * is no IP or too short. @l4len is 0 for a fragment. */
struct l3info {
	int ver;
	uint32_t l3, l4, l4len;
	uint8_t proto;
	int frag, l3bad;
};

static void
l3_parse(const uint8_t *f, uint32_t len, uint32_t l3, struct l3info *x)
{
	uint32_t ihl, tot;

	memset(x, 0, sizeof(*x));
	x->l3 = l3;
	if (len < l3 + 20)
		return;
	if ((f[l3] >> 4) == 4) {
		ihl = (f[l3] & 0xfu) * 4;
		tot = be16(f + l3 + 2);
		x->ver = 4;
		x->proto = f[l3 + 9];
		if (ihl < 20 || len < l3 + ihl || tot < ihl || len < l3 + tot) {
			x->l3bad = 1;
			return;
		}
		x->frag = (be16(f + l3 + 6) & 0x3fff) != 0;	/* MF or an offset */
		x->l4 = l3 + ihl;
		x->l4len = x->frag ? 0 : tot - ihl;
	} else if ((f[l3] >> 4) == 6 && len >= l3 + 40) {
		tot = be16(f + l3 + 4);
		x->ver = 6;
		x->proto = f[l3 + 6];	/* extension headers: not parsed */
		if (len < l3 + 40 + tot) {
			x->l3bad = 1;
			return;
		}
		x->l4 = l3 + 40;
		x->l4len = tot;
	}
}

/* Sum of the TCP/UDP pseudo header of @x. */
static uint64_t
pseudo_sum(const uint8_t *f, const struct l3info *x)
{
	uint8_t tail[4] = { 0, 0, 0, x->proto };
	uint8_t len[4] = { (uint8_t)(x->l4len >> 24), (uint8_t)(x->l4len >> 16),
			   (uint8_t)(x->l4len >> 8), (uint8_t)x->l4len };
	uint64_t sum;

	if (x->ver == 4)
		sum = csum_add(0, f + x->l3 + 12, 8);
	else
		sum = csum_add(0, f + x->l3 + 8, 32);
	sum = csum_add(sum, len, 4);
	return csum_add(sum, tail, 4);
}

/* Offset of the checksum in a TCP/UDP header, or 0 for other protocols. */
static inline uint32_t
l4_csum_off(const struct l3info *x)
{
	if (x->proto == 6 && x->l4len >= 20)
		return 16;
	if (x->proto == 17 && x->l4len >= 8)
		return 6;
	return 0;
}

/* TX: fill in the checksums the first BD asks for (HNS_TXD_L3CS/L4CS), the
 * IP header at @ip_off (0: right after the Ethernet header). */
static void
tx_checksum(uint8_t *f, uint32_t len, uint8_t flags, uint32_t ip_off)
{
	struct l3info x;
	uint32_t co;
	uint16_t c;

	l3_parse(f, len, ip_off != 0 ? ip_off : 14, &x);
	if (x.ver == 0 || x.l3bad)
		return;		/* sent as it is, as silicon would */
	if ((flags & HNS_TXD_L3CS) && x.ver == 4) {
		memset(f + x.l3 + 10, 0, 2);
		c = (uint16_t)~csum_fold(csum_add(0, f + x.l3, x.l4 - x.l3));
		memcpy(f + x.l3 + 10, &c, 2);
	}
	co = l4_csum_off(&x);
	if ((flags & HNS_TXD_L4CS) && co != 0) {
		memset(f + x.l4 + co, 0, 2);
		c = (uint16_t)~csum_fold(csum_add(pseudo_sum(f, &x), f + x.l4, x.l4len));
		if (c == 0 && x.proto == 17)
			c = 0xffff;	/* 0 means "no checksum" in UDP */
		memcpy(f + x.l4 + co, &c, 2);
	}
}

/* RX: L3ID/L4ID, and L3E (bad IPv4 header), L4E (bad TCP/UDP checksum),
 * FRAG for a frame of @len contiguous bytes. */
static uint32_t
classify(const char *frame, uint32_t len)
{
	const uint8_t *f = (const uint8_t *)frame;
	uint32_t l3 = HNS_L3ID_OTHER, l4 = HNS_L4ID_OTHER, err = 0, co;
	struct l3info x;
	uint16_t c;

	if (len >= 14) {
		uint32_t type = be16(f + 12);

		if (type == 0x0800 || type == 0x86DD) {
			l3_parse(f, len, 14, &x);
			if (x.ver == 4 || (type == 0x0800 && len >= 34)) {
				l3 = HNS_L3ID_IPV4;
				if (x.ver != 4 || x.l3bad ||
				    csum_fold(csum_add(0, f + 14, x.l4 - 14)) != 0xffff)
					err |= HNS_RXD_L3E;
			} else if (type == 0x86DD) {
				l3 = HNS_L3ID_IPV6;
			}
			/* the protocol field even of a bad header, as before */
			switch (l3 == HNS_L3ID_IPV4 ? f[23] : x.ver == 6 ? x.proto : 0) {
			case 6: l4 = HNS_L4ID_TCP; break;
			case 17: l4 = HNS_L4ID_UDP; break;
			case 1: l4 = l3 == HNS_L3ID_IPV4 ? HNS_L4ID_ICMP : l4; break;
			default: break;
			}
			if (err & HNS_RXD_L3E) {
				/* no L4 check behind a bad IP header */
			} else if (x.frag) {
				err |= HNS_RXD_FRAG;
			} else if (l4 == HNS_L4ID_TCP || l4 == HNS_L4ID_UDP) {
				co = l4_csum_off(&x);
				memcpy(&c, f + x.l4 + co, 2);
				if (co == 0)
					err |= HNS_RXD_L4E;	/* truncated header */
				else if (!(x.ver == 4 && l4 == HNS_L4ID_UDP && c == 0) &&
					 csum_fold(csum_add(pseudo_sum(f, &x), f + x.l4,
							    x.l4len)) != 0xffff)
					err |= HNS_RXD_L4E;
			}
		} else if (type == 0x0806) {
			l3 = HNS_L3ID_ARP;
		}
	}
	return l3 << HNS_RXD_L3ID_SHIFT | l4 << HNS_RXD_L4ID_SHIFT | err;
}

/* A frame in @nseg segments as contiguous bytes: the first segment when it
 * holds the whole frame, else a copy (engine thread's buffer). */
static const char *
frame_bytes(const struct seg *seg, unsigned int nseg, uint32_t len)
{
	static __thread char buf[HNS_MAX_FRAME];
	uint32_t off = 0, k;
	unsigned int i;

	if (seg[0].len >= len)
		return seg[0].p;
	for (i = 0; i < nseg && off < len; i++) {
		k = seg[i].len < len - off ? seg[i].len : len - off;
		memcpy(buf + off, seg[i].p, k);
		off += k;
	}
	return buf;
}

/* Take the refill doorbell (rx_lock held). */
static inline void
rx_collect(struct hns_eq *r)
{
	uint32_t n = reg_take(r, HNS_RX_HEAD);

	r->rx_avail += n;
	if (r->rx_avail > r->eq->depth)		/* a driver bug: trust one ring */
		r->rx_avail = r->eq->depth;
}

/* BDs a frame of @len takes in @r, or 0 if it cannot fit in any case. */
static inline uint32_t
rx_bds(uint32_t len, uint32_t bufsize)
{
	uint32_t n = (len + bufsize - 1) >> __builtin_ctz(bufsize);	/* a power of 2 */

	return n <= HNS_RX_MAX_BDS ? n : 0;
}

/* Write @n BDs from rx_fill: the frame in @seg (or error BDs if @err). */
static void
rx_fill(struct hns_eq *r, struct xcache *xc, const struct seg *seg, unsigned int nseg,
	uint32_t len, uint32_t n, uint32_t bufsize)
{
	struct hns_rx_desc *ring = rx_ring(r), *d;
	uint32_t mask = r->eq->depth - 1, i, chunk, off = 0, flags;
	unsigned int si = 0;
	uint32_t so = 0, c;
	char *dst[HNS_RX_MAX_BDS];
	int fault = 0;

	/* The common case: one TX segment into one RX buffer. */
	if (n == 1 && nseg == 1) {
		d = &ring[r->rx_fill];
		dst[0] = xlate(r->eq, xc, d->addr, len);
		if (dst[0] != NULL) {
			memcpy(dst[0], seg[0].p, len);
			d->pkt_len = (uint16_t)len;
			d->size = (uint16_t)len;
			d->vlan_cfi_pri = 0;
			d->rss_hash = 0;
			__atomic_store_n(&d->ipoff_bnum_pid_flag, HNS_RXD_VLD | HNS_RXD_FE |
					 classify(seg[0].p, len), __ATOMIC_RELEASE);
			r->rx_pkts++;
			r->rx_bytes += len;
			r->rx_fill = (r->rx_fill + 1) & mask;
			r->rx_avail--;
			return;
		}
	}
	/* Every buffer must be writable before a byte is written. */
	for (i = 0; i < n; i++) {
		d = &ring[(r->rx_fill + i) & mask];
		chunk = len - i * bufsize < bufsize ? len - i * bufsize : bufsize;
		dst[i] = xlate(r->eq, xc, d->addr, chunk);
		if (dst[i] == NULL)
			fault = 1;
	}
	flags = (n - 1) << HNS_RXD_BUFNUM_SHIFT | HNS_RXD_VLD;
	if (fault) {
		flags |= HNS_RXD_DROP | HNS_RXD_L2E;
		r->rx_errors++;
	} else {
		flags |= classify(frame_bytes(seg, nseg, len), len);
		r->rx_pkts++;
		r->rx_bytes += len;
	}
	for (i = 0; i < n; i++) {
		d = &ring[(r->rx_fill + i) & mask];
		chunk = len - off < bufsize ? len - off : bufsize;
		if (!fault) {
			/* gather from the TX segments */
			for (c = 0; c < chunk; ) {
				uint32_t k = seg[si].len - so;

				if (k > chunk - c)
					k = chunk - c;
				memcpy(dst[i] + c, seg[si].p + so, k);
				c += k;
				so += k;
				if (so == seg[si].len && si + 1 < nseg) {
					si++;
					so = 0;
				}
			}
		}
		off += chunk;
		d->pkt_len = fault ? 0 : (uint16_t)len;
		d->size = fault ? 0 : (uint16_t)chunk;
		d->vlan_cfi_pri = 0;
		d->rss_hash = 0;
		/* the flag word last: software may poll VLD */
		__atomic_store_n(&d->ipoff_bnum_pid_flag, flags | (i == n - 1 ? HNS_RXD_FE : 0),
				 __ATOMIC_RELEASE);
	}
	r->rx_fill = (r->rx_fill + n) & mask;
	r->rx_avail -= n;
}

/* Make @n filled BDs visible and publish the RX counters (rx_lock held). */
static void
rx_publish(struct hns_eq *r, uint32_t n)
{
	if (n != 0)
		__atomic_fetch_add(reg(r, HNS_RX_FBDNUM), n, __ATOMIC_RELEASE);
	wd_emu_reg_write(r->eq, HNS_RX_TAIL, r->rx_fill);
	stat_set(r, HNS_STAT_RX_PKTS, r->rx_pkts);
	stat_set(r, HNS_STAT_RX_BYTES, r->rx_bytes);
	stat_set(r, HNS_STAT_RX_ERRORS, r->rx_errors);
	stat_set(r, HNS_STAT_RX_PAUSES, r->rx_pauses);
	stat_set(r, HNS_STAT_RX_MISSED, r->rx_missed);
}

/* --- transmitting ------------------------------------------------------------ */

/*
 * Check the packet at tx_head: its BDs in @nb and, if good, its segments
 * and length. @return HNS_TX_ST_*, or -1 if not all its BDs are posted.
 */
static int
tx_parse(struct hns_eq *h, struct xcache *xc, struct seg *seg, uint32_t *nb, uint32_t *len)
{
	const struct hns_tx_desc *ring = tx_ring(h), *d;
	uint32_t mask = h->eq->depth - 1, i, n, total = 0;
	uint8_t bufnum;
	int st = HNS_TX_ST_OK;

	d = &ring[h->tx_head];
	bufnum = d->bufnum & HNS_TXD_BUFNUM_MASK;
	n = bufnum + 1u;		/* at most HNS_TX_MAX_BDS */
	if (n > h->tx_posted)
		return -1;		/* wait for the rest, as silicon does */
	*nb = n;
	for (i = 0; i < n && st == HNS_TX_ST_OK; i++) {
		d = &ring[(h->tx_head + i) & mask];
		if (!(d->flags & HNS_TXD_VLD) || (d->bufnum & HNS_TXD_BUFNUM_MASK) != bufnum ||
		    !!(d->flags & HNS_TXD_FE) != (i == n - 1) ||
		    d->send_size == 0 || d->send_size > HNS_TX_MAX_SIZE) {
			st = HNS_TX_ST_INVALID;
			break;
		}
		total += d->send_size;
		seg[i].len = d->send_size;
	}
	if (st == HNS_TX_ST_OK && total > HNS_MAX_FRAME)
		st = HNS_TX_ST_OVERSIZE;
	if (st == HNS_TX_ST_OK && total < HNS_MIN_FRAME)
		st = HNS_TX_ST_INVALID;
	for (i = 0; i < n && st == HNS_TX_ST_OK; i++) {
		d = &ring[(h->tx_head + i) & mask];
		seg[i].p = xlate(h->eq, xc, d->addr, seg[i].len);
		if (seg[i].p == NULL)
			st = HNS_TX_ST_FAULT;
	}
	*len = total;
	return st;
}

/* Send one good frame to the TAP. @return 0 sent or dropped, -EAGAIN wait. */
static int
tx_tap(struct hns_eq *h, const struct seg *seg, uint32_t nb, uint32_t len)
{
	struct iovec iov[HNS_TX_MAX_BDS];
	uint32_t i;
	ssize_t w;

	for (i = 0; i < nb; i++)
		iov[i] = (struct iovec){ .iov_base = seg[i].p, .iov_len = seg[i].len };
	w = writev(h->tap_fd, iov, (int)nb);
	if (w < 0 && errno == EAGAIN)
		return -EAGAIN;
	if (w != (ssize_t)len) {
		h->tx_drops++;
		return 0;
	}
	h->tx_pkts++;
	h->tx_bytes += len;
	return 0;
}

/* Where @h's frames go: a ring (possibly @h), or NULL with *tap set. */
static struct hns_eq *
tx_dest(struct hns_eq *h, int *tap)
{
	*tap = 0;
	if (in_loopback(h) || h->wire == HNS_WIRE_LOOP)
		return h;
	if (h->wire == HNS_WIRE_TAP) {
		*tap = 1;
		return NULL;
	}
	return __atomic_load_n(&h->peer, __ATOMIC_ACQUIRE);
}

static void
tx_consume(struct hns_eq *h, uint32_t nb)
{
	h->tx_head = (h->tx_head + nb) & (h->eq->depth - 1);
	h->tx_posted -= nb;
}

/* Bring the BDs of the coming batch into the cache: they were last
 * written by the driver's core. */
static inline void
prefetch_bds(const void *ring, uint32_t first, uint32_t n, uint32_t mask, size_t size,
	int write)
{
	uint32_t i;

	for (i = 0; i < n; i += 2) {
		if (write)
			wd_hns_prefetchw((const char *)ring + ((first + i) & mask) * size);
		else
			__builtin_prefetch((const char *)ring + ((first + i) & mask) * size, 0, 3);
	}
}

static unsigned int
tx_poll(struct hns_eq *h, unsigned int budget)
{
	struct xcache xc = { .next = 0 };
	static __thread char txbuf[HNS_MAX_FRAME];
	struct seg seg[HNS_TX_MAX_BDS];
	const struct hns_tx_desc *d0;
	struct hns_eq *r;
	uint32_t nb, nseg, len, need, filled = 0, bufsize = 0;
	unsigned int n = 0;
	int st, tap, up, pause = 0;

	h->tx_posted += reg_take(h, HNS_TX_TAIL);
	if (h->tx_posted > h->eq->depth)
		h->tx_posted = h->eq->depth;
	r = tx_dest(h, &tap);
	up = tap || (r != NULL && enabled(r) && (r == h || !in_loopback(r)));
	if (wd_emu_reg_read(h->eq, HNS_REG_LINK) != (uint32_t)up)
		wd_emu_reg_write(h->eq, HNS_REG_LINK, (uint32_t)up);
	if (h->tx_posted == 0)
		return 0;
	prefetch_bds(tx_ring(h), h->tx_head, MIN_U32(h->tx_posted, budget), h->eq->depth - 1,
		     sizeof(struct hns_tx_desc), 0);
	if (up && r != NULL) {
		rx_lock(r);
		rx_collect(r);
		prefetch_bds(rx_ring(r), r->rx_fill, MIN_U32(r->rx_avail, budget),
			     r->eq->depth - 1, sizeof(struct hns_rx_desc), 1);
		bufsize = HNS_BD_LEN_BYTES(wd_emu_reg_read(r->eq, HNS_RX_BD_LEN) & 3);
		pause = (wd_emu_reg_read(h->eq, HNS_REG_FC) & HNS_FC_RX_PAUSE) &&
			(wd_emu_reg_read(r->eq, HNS_REG_FC) & HNS_FC_TX_PAUSE);
	}
	while (n < budget && h->tx_posted > 0) {
		st = tx_parse(h, &xc, seg, &nb, &len);
		if (st < 0)
			break;
		nseg = nb;
		d0 = &tx_ring(h)[h->tx_head];
		if (st == HNS_TX_ST_OK && (d0->flags & (HNS_TXD_L3CS | HNS_TXD_L4CS))) {
			/* the frame as it leaves: checksums filled in, buffers untouched */
			memcpy(txbuf, frame_bytes(seg, nb, len), len);
			tx_checksum((uint8_t *)txbuf, len, d0->flags, d0->ip_offset);
			seg[0] = (struct seg){ txbuf, len };
			nseg = 1;
		}
		if (st != HNS_TX_ST_OK) {
			tx_ring(h)[h->tx_head].status = (uint8_t)st;
			h->tx_errors++;
		} else if (!up) {
			h->tx_drops++;
		} else if (tap) {
			if (tx_tap(h, seg, nseg, len) != 0)
				break;
		} else {
			need = rx_bds(len, bufsize);
			if (need == 0) {
				/* longer than the receiver's buffers can hold */
				r->rx_errors++;
			} else if (r->rx_avail < need && pause) {
				if (!r->rx_paused) {
					r->rx_paused = 1;
					r->rx_pauses++;
				}
				break;
			} else if (r->rx_avail < need) {
				/* on the wire, lost at the receiver */
				r->rx_missed++;
				h->tx_pkts++;
				h->tx_bytes += len;
			} else {
				r->rx_paused = 0;
				rx_fill(r, &xc, seg, nseg, len, need, bufsize);
				filled += need;
				h->tx_pkts++;
				h->tx_bytes += len;
			}
		}
		tx_consume(h, nb);
		n++;
	}
	if (up && r != NULL) {
		rx_publish(r, filled);
		rx_unlock(r);
	}
	/* Buffers are no longer read: software may reclaim them. */
	wd_emu_reg_write(h->eq, HNS_TX_HEAD, h->tx_head);
	wd_emu_reg_write(h->eq, HNS_TX_FBDNUM, h->tx_posted);
	stat_set(h, HNS_STAT_TX_PKTS, h->tx_pkts);
	stat_set(h, HNS_STAT_TX_BYTES, h->tx_bytes);
	stat_set(h, HNS_STAT_TX_ERRORS, h->tx_errors);
	stat_set(h, HNS_STAT_TX_DROPS, h->tx_drops);
	return n;
}

/* Frames from the TAP into our RX ring. */
static unsigned int
tap_rx_poll(struct hns_eq *h, unsigned int budget)
{
	static __thread char scratch[HNS_RX_MAX_BDS * 4096];
	struct hns_rx_desc *ring = rx_ring(h), *d;
	struct iovec iov[HNS_RX_MAX_BDS];
	uint32_t mask = h->eq->depth - 1, bufsize, i, k, n, filled = 0, flags;
	unsigned int got = 0;
	ssize_t len;
	int fault;

	rx_lock(h);
	rx_collect(h);
	bufsize = HNS_BD_LEN_BYTES(wd_emu_reg_read(h->eq, HNS_RX_BD_LEN) & 3);
	while (got < budget && h->rx_avail >= HNS_RX_MAX_BDS) {
		fault = 0;
		for (i = 0; i < HNS_RX_MAX_BDS; i++) {
			d = &ring[(h->rx_fill + i) & mask];
			iov[i].iov_base = wd_emu_dma_ptr(h->eq, d->addr, bufsize);
			iov[i].iov_len = bufsize;
			if (iov[i].iov_base == NULL)
				fault = 1;
		}
		if (fault) {
			iov[0] = (struct iovec){ .iov_base = scratch, .iov_len = sizeof(scratch) };
			len = readv(h->tap_fd, iov, 1);
		} else {
			len = readv(h->tap_fd, iov, HNS_RX_MAX_BDS);
		}
		if (len <= 0)
			break;
		n = rx_bds((uint32_t)len, bufsize);
		if (n == 0)
			n = 1;
		flags = (n - 1) << HNS_RXD_BUFNUM_SHIFT | HNS_RXD_VLD;
		if (fault || len > (ssize_t)(bufsize * HNS_RX_MAX_BDS)) {
			flags |= HNS_RXD_DROP | HNS_RXD_L2E;
			h->rx_errors++;
		} else {
			struct seg tseg[HNS_RX_MAX_BDS];

			for (i = 0; i < HNS_RX_MAX_BDS; i++)
				tseg[i] = (struct seg){ iov[i].iov_base, bufsize };
			flags |= classify(frame_bytes(tseg, HNS_RX_MAX_BDS, (uint32_t)len),
					  (uint32_t)len);
			h->rx_pkts++;
			h->rx_bytes += (uint64_t)len;
		}
		for (i = 0, k = (uint32_t)len; i < n; i++) {
			uint32_t chunk = k < bufsize ? k : bufsize;

			d = &ring[(h->rx_fill + i) & mask];
			d->pkt_len = (flags & HNS_RXD_DROP) ? 0 : (uint16_t)len;
			d->size = (flags & HNS_RXD_DROP) ? 0 : (uint16_t)chunk;
			k -= chunk;
			d->vlan_cfi_pri = 0;
			d->rss_hash = 0;
			__atomic_store_n(&d->ipoff_bnum_pid_flag,
					 flags | (i == n - 1 ? HNS_RXD_FE : 0), __ATOMIC_RELEASE);
		}
		h->rx_fill = (h->rx_fill + n) & mask;
		h->rx_avail -= n;
		filled += n;
		got++;
	}
	rx_publish(h, filled);
	rx_unlock(h);
	return got;
}

/* Forget every posted BD; both rings restart at 0 (disabled queue). */
static void
hns_reset(struct hns_eq *h)
{
	rx_lock(h);
	reg_take(h, HNS_RX_HEAD);
	reg_take(h, HNS_TX_TAIL);
	h->rx_fill = 0;
	h->rx_avail = 0;
	h->rx_paused = 0;
	h->tx_head = 0;
	h->tx_posted = 0;
	__atomic_store_n(reg(h, HNS_RX_FBDNUM), 0, __ATOMIC_RELEASE);
	wd_emu_reg_write(h->eq, HNS_RX_TAIL, 0);
	wd_emu_reg_write(h->eq, HNS_TX_HEAD, 0);
	wd_emu_reg_write(h->eq, HNS_TX_FBDNUM, 0);
	rx_unlock(h);
	wd_emu_reg_write(h->eq, HNS_REG_RESET, 0);
}

static unsigned int
hns_poll(struct wd_emu_queue *eq, unsigned int budget)
{
	struct hns_eq *h = eq->model_priv;
	unsigned int n = 0;

	if (!enabled(h)) {
		if (wd_emu_reg_read(eq, HNS_REG_LINK) != 0)
			wd_emu_reg_write(eq, HNS_REG_LINK, 0);
		if (wd_emu_reg_read(eq, HNS_REG_RESET) == 1) {
			pthread_rwlock_rdlock(&registry_lock);
			hns_reset(h);
			pthread_rwlock_unlock(&registry_lock);
			return 1;
		}
		return 0;
	}
	if (h->wire == HNS_WIRE_PEER)
		pthread_rwlock_rdlock(&registry_lock);
	n = tx_poll(h, budget);
	if (h->wire == HNS_WIRE_TAP && !in_loopback(h))
		n += tap_rx_poll(h, budget);
	if (h->wire == HNS_WIRE_PEER)
		pthread_rwlock_unlock(&registry_lock);
	return n;
}

/*
 * Drivers notify their own device's engine. Frames from a TAP come
 * without, and so do RX buffers a peer device's receiver posts (a sender
 * waiting for them under flow control is another device's engine): look
 * every 500 us then.
 */
static unsigned int
hns_max_sleep_us(const struct wd_emu_dev *d)
{
	int wire = wd_emu_dev_wire(d);

	return wire == HNS_WIRE_TAP || wire == HNS_WIRE_PEER ? 500 : 0;
}

const struct wd_emu_model wd_emu_hns_model = {
	.device_api = HNS_API,
	.dev_prefix = "hisi_hns",
	.drv_name = "hns",
	.alg = HNS_ALG,
	.flags = 0,
	.queues = 16,
	.depth = HNS_DEPTH_DEFAULT,
	.depth_min = HNS_DEPTH_MIN,
	.depth_max = HNS_DEPTH_MAX,
	.regs_size = hns_regs_size,
	.ring_size = hns_ring_size,
	.init = hns_init,
	.fini = hns_fini,
	.poll = hns_poll,
	.max_sleep_us = hns_max_sleep_us,
};
