/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 WrapDrive authors
 */

/*
 * evp_cipher NAME KEYHEX [IVHEX]: encrypt stdin to stdout with OpenSSL's
 * cipher NAME, no padding. For test vectors `openssl enc` cannot make
 * (it has no XTS).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/provider.h>

static int
unhex(const char *s, unsigned char *out, int max)
{
	int n = 0;

	while (s[0] && s[1] && n < max) {
		if (sscanf(s, "%2hhx", &out[n]) != 1)
			return -1;
		s += 2;
		n++;
	}
	return *s ? -1 : n;
}

int
main(int argc, char **argv)
{
	static unsigned char in[1 << 20], out[(1 << 20) + 64];
	unsigned char key[64], iv[16];
	EVP_CIPHER_CTX *ctx;
	EVP_CIPHER *c;
	int len, outl = 0, fin = 0;

	if (argc < 3 || unhex(argv[2], key, sizeof(key)) < 0 ||
	    (argc > 3 && unhex(argv[3], iv, sizeof(iv)) < 0)) {
		fprintf(stderr, "usage: evp_cipher NAME KEYHEX [IVHEX] <in >out\n");
		return 2;
	}
	OSSL_PROVIDER_load(NULL, "default");
	OSSL_PROVIDER_load(NULL, "legacy");
	c = EVP_CIPHER_fetch(NULL, argv[1], NULL);
	len = (int)fread(in, 1, sizeof(in), stdin);
	ctx = EVP_CIPHER_CTX_new();
	if (c == NULL || ctx == NULL ||
	    !EVP_EncryptInit_ex2(ctx, c, key, argc > 3 ? iv : NULL, NULL) ||
	    !EVP_CIPHER_CTX_set_padding(ctx, 0) ||
	    !EVP_EncryptUpdate(ctx, out, &outl, in, len) ||
	    !EVP_EncryptFinal_ex(ctx, out + outl, &fin)) {
		fprintf(stderr, "evp_cipher: %s failed\n", argv[1]);
		return 1;
	}
	fwrite(out, 1, (size_t)(outl + fin), stdout);
	EVP_CIPHER_CTX_free(ctx);
	EVP_CIPHER_free(c);
	return 0;
}
