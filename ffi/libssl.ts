/**
 * OpenSSL 3 (`libssl` and, through it, `libcrypto`): the one table of the
 * functions the ssl module calls, and the lazy `dlopen` that binds it.
 *
 * Nothing is loaded when this module is imported: {@linkcode ossl} opens the
 * library on its first call (the first use of the ssl module), so importing
 * `@libc/socket` never touches OpenSSL. The candidate paths come from the
 * platform layer (`sys/libssl.ts`).
 *
 * Conventions, beyond those of `ffi/symbols.ts`:
 * - `long` is `i64` and `unsigned long`/`uint64_t` is `u64` (LP64: every
 *   platform this runs on but Windows, where `long` is 32 bits: there the
 *   table would need its own declarations);
 * - `size_t` is `usize`, always given a `bigint`;
 * - C strings we pass are NUL-terminated `buffer`s (`cstr()` in `ssl/`);
 * - several OpenSSL "functions" are macros over `SSL_CTX_ctrl`, `SSL_ctrl`
 *   and `BIO_ctrl` with command numbers from the generated
 *   `constants/openssl.ts`; `ERR_GET_LIB`/`ERR_GET_REASON` are bit
 *   operations done in TypeScript.
 * - No call here is variadic, and none is `nonblocking`.
 *
 * @module
 */
import { libsslCandidates, libsslMissing } from "../sys/libssl.ts";

export const SSL_SYMBOLS = {
  // ---- libssl: contexts
  // const SSL_METHOD *TLS_method(void);
  TLS_method: { parameters: [], result: "pointer" },
  // SSL_CTX *SSL_CTX_new(const SSL_METHOD *method);
  SSL_CTX_new: { parameters: ["pointer"], result: "pointer" },
  // void SSL_CTX_free(SSL_CTX *ctx);
  SSL_CTX_free: { parameters: ["pointer"], result: "void" },
  // long SSL_CTX_ctrl(SSL_CTX *ctx, int cmd, long larg, void *parg);
  SSL_CTX_ctrl: { parameters: ["pointer", "i32", "i64", "pointer"], result: "i64" },
  // long SSL_CTX_callback_ctrl(SSL_CTX *ctx, int cmd, void (*fp)(void));
  SSL_CTX_callback_ctrl: { parameters: ["pointer", "i32", "pointer"], result: "i64" },
  // uint64_t SSL_CTX_set_options(SSL_CTX *ctx, uint64_t op);
  SSL_CTX_set_options: { parameters: ["pointer", "u64"], result: "u64" },
  // uint64_t SSL_CTX_clear_options(SSL_CTX *ctx, uint64_t op);
  SSL_CTX_clear_options: { parameters: ["pointer", "u64"], result: "u64" },
  // uint64_t SSL_CTX_get_options(const SSL_CTX *ctx);
  SSL_CTX_get_options: { parameters: ["pointer"], result: "u64" },
  // void SSL_CTX_set_verify(SSL_CTX *ctx, int mode, SSL_verify_cb verify_callback);
  SSL_CTX_set_verify: { parameters: ["pointer", "i32", "pointer"], result: "void" },
  // int SSL_CTX_get_verify_mode(const SSL_CTX *ctx);
  SSL_CTX_get_verify_mode: { parameters: ["pointer"], result: "i32" },
  // int SSL_CTX_set_cipher_list(SSL_CTX *ctx, const char *str);
  SSL_CTX_set_cipher_list: { parameters: ["pointer", "buffer"], result: "i32" },
  // int SSL_CTX_set_ciphersuites(SSL_CTX *ctx, const char *str);
  SSL_CTX_set_ciphersuites: { parameters: ["pointer", "buffer"], result: "i32" },
  // STACK_OF(SSL_CIPHER) *SSL_CTX_get_ciphers(const SSL_CTX *ctx);
  SSL_CTX_get_ciphers: { parameters: ["pointer"], result: "pointer" },
  // int SSL_CTX_set_alpn_protos(SSL_CTX *ctx, const unsigned char *protos, unsigned int len);
  SSL_CTX_set_alpn_protos: { parameters: ["pointer", "buffer", "u32"], result: "i32" },
  // void SSL_CTX_set_alpn_select_cb(SSL_CTX *ctx, SSL_CTX_alpn_select_cb_func cb, void *arg);
  SSL_CTX_set_alpn_select_cb: { parameters: ["pointer", "pointer", "pointer"], result: "void" },
  // int SSL_CTX_use_certificate_chain_file(SSL_CTX *ctx, const char *file);
  SSL_CTX_use_certificate_chain_file: { parameters: ["pointer", "buffer"], result: "i32" },
  // int SSL_CTX_use_PrivateKey_file(SSL_CTX *ctx, const char *file, int type);
  SSL_CTX_use_PrivateKey_file: { parameters: ["pointer", "buffer", "i32"], result: "i32" },
  // int SSL_CTX_check_private_key(const SSL_CTX *ctx);
  SSL_CTX_check_private_key: { parameters: ["pointer"], result: "i32" },
  // void SSL_CTX_set_default_passwd_cb(SSL_CTX *ctx, pem_password_cb *cb);
  SSL_CTX_set_default_passwd_cb: { parameters: ["pointer", "pointer"], result: "void" },
  // int SSL_CTX_load_verify_locations(SSL_CTX *ctx, const char *CAfile, const char *CApath);
  SSL_CTX_load_verify_locations: { parameters: ["pointer", "buffer", "buffer"], result: "i32" },
  // int SSL_CTX_set_default_verify_paths(SSL_CTX *ctx);
  SSL_CTX_set_default_verify_paths: { parameters: ["pointer"], result: "i32" },
  // X509_STORE *SSL_CTX_get_cert_store(const SSL_CTX *ctx);
  SSL_CTX_get_cert_store: { parameters: ["pointer"], result: "pointer" },
  // X509_VERIFY_PARAM *SSL_CTX_get0_param(SSL_CTX *ctx);
  SSL_CTX_get0_param: { parameters: ["pointer"], result: "pointer" },
  // void SSL_CTX_set_keylog_callback(SSL_CTX *ctx, SSL_CTX_keylog_cb_func cb);
  SSL_CTX_set_keylog_callback: { parameters: ["pointer", "pointer"], result: "void" },
  // void SSL_CTX_set_post_handshake_auth(SSL_CTX *ctx, int val);
  SSL_CTX_set_post_handshake_auth: { parameters: ["pointer", "i32"], result: "void" },
  // int SSL_CTX_set_num_tickets(SSL_CTX *ctx, size_t num_tickets);
  SSL_CTX_set_num_tickets: { parameters: ["pointer", "usize"], result: "i32" },
  // size_t SSL_CTX_get_num_tickets(const SSL_CTX *ctx);
  SSL_CTX_get_num_tickets: { parameters: ["pointer"], result: "usize" },
  // int SSL_CTX_get_security_level(const SSL_CTX *ctx);
  SSL_CTX_get_security_level: { parameters: ["pointer"], result: "i32" },
  // int SSL_CTX_set_session_id_context(SSL_CTX *ctx, const unsigned char *sid_ctx,
  //                                    unsigned int sid_ctx_len);
  SSL_CTX_set_session_id_context: { parameters: ["pointer", "buffer", "u32"], result: "i32" },

  // ---- libssl: connections
  // SSL *SSL_new(SSL_CTX *ctx);
  SSL_new: { parameters: ["pointer"], result: "pointer" },
  // void SSL_free(SSL *ssl);
  SSL_free: { parameters: ["pointer"], result: "void" },
  // int SSL_set_fd(SSL *ssl, int fd);
  SSL_set_fd: { parameters: ["pointer", "i32"], result: "i32" },
  // void SSL_set_bio(SSL *ssl, BIO *rbio, BIO *wbio);
  SSL_set_bio: { parameters: ["pointer", "pointer", "pointer"], result: "void" },
  // void SSL_set_connect_state(SSL *ssl);
  SSL_set_connect_state: { parameters: ["pointer"], result: "void" },
  // void SSL_set_accept_state(SSL *ssl);
  SSL_set_accept_state: { parameters: ["pointer"], result: "void" },
  // int SSL_do_handshake(SSL *ssl);
  SSL_do_handshake: { parameters: ["pointer"], result: "i32" },
  // int SSL_is_init_finished(const SSL *s);
  SSL_is_init_finished: { parameters: ["pointer"], result: "i32" },
  // int SSL_read_ex(SSL *ssl, void *buf, size_t num, size_t *readbytes);
  SSL_read_ex: { parameters: ["pointer", "buffer", "usize", "buffer"], result: "i32" },
  // int SSL_write_ex(SSL *s, const void *buf, size_t num, size_t *written);
  SSL_write_ex: { parameters: ["pointer", "buffer", "usize", "buffer"], result: "i32" },
  // int SSL_shutdown(SSL *ssl);
  SSL_shutdown: { parameters: ["pointer"], result: "i32" },
  // int SSL_get_shutdown(const SSL *ssl);
  SSL_get_shutdown: { parameters: ["pointer"], result: "i32" },
  // int SSL_get_error(const SSL *ssl, int ret);
  SSL_get_error: { parameters: ["pointer", "i32"], result: "i32" },
  // int SSL_pending(const SSL *ssl);
  SSL_pending: { parameters: ["pointer"], result: "i32" },
  // int SSL_has_pending(const SSL *s);
  SSL_has_pending: { parameters: ["pointer"], result: "i32" },
  // long SSL_ctrl(SSL *ssl, int cmd, long larg, void *parg);
  SSL_ctrl: { parameters: ["pointer", "i32", "i64", "buffer"], result: "i64" },
  // X509_VERIFY_PARAM *SSL_get0_param(SSL *ssl);
  SSL_get0_param: { parameters: ["pointer"], result: "pointer" },
  // long SSL_get_verify_result(const SSL *ssl);
  SSL_get_verify_result: { parameters: ["pointer"], result: "i64" },
  // void SSL_set_verify(SSL *s, int mode, SSL_verify_cb verify_callback);
  SSL_set_verify: { parameters: ["pointer", "i32", "pointer"], result: "void" },
  // int SSL_verify_client_post_handshake(SSL *ssl);
  SSL_verify_client_post_handshake: { parameters: ["pointer"], result: "i32" },
  // const char *SSL_get_version(const SSL *ssl);
  SSL_get_version: { parameters: ["pointer"], result: "pointer" },
  // const SSL_CIPHER *SSL_get_current_cipher(const SSL *ssl);
  SSL_get_current_cipher: { parameters: ["pointer"], result: "pointer" },
  // const char *SSL_CIPHER_get_name(const SSL_CIPHER *cipher);
  SSL_CIPHER_get_name: { parameters: ["pointer"], result: "pointer" },
  // const char *SSL_CIPHER_get_version(const SSL_CIPHER *cipher);
  SSL_CIPHER_get_version: { parameters: ["pointer"], result: "pointer" },
  // int SSL_CIPHER_get_bits(const SSL_CIPHER *c, int *alg_bits);
  SSL_CIPHER_get_bits: { parameters: ["pointer", "buffer"], result: "i32" },
  // STACK_OF(SSL_CIPHER) *SSL_get_ciphers(const SSL *ssl);
  SSL_get_ciphers: { parameters: ["pointer"], result: "pointer" },
  // STACK_OF(SSL_CIPHER) *SSL_get_client_ciphers(const SSL *ssl);
  SSL_get_client_ciphers: { parameters: ["pointer"], result: "pointer" },
  // void SSL_get0_alpn_selected(const SSL *ssl, const unsigned char **data, unsigned int *len);
  SSL_get0_alpn_selected: { parameters: ["pointer", "buffer", "buffer"], result: "void" },
  // int SSL_select_next_proto(unsigned char **out, unsigned char *outlen,
  //                           const unsigned char *server, unsigned int server_len,
  //                           const unsigned char *client, unsigned int client_len);
  SSL_select_next_proto: {
    parameters: ["pointer", "pointer", "pointer", "u32", "pointer", "u32"],
    result: "i32",
  },
  // const char *SSL_get_servername(const SSL *s, const int type);
  SSL_get_servername: { parameters: ["pointer", "i32"], result: "pointer" },
  // X509 *SSL_get1_peer_certificate(const SSL *ssl);
  SSL_get1_peer_certificate: { parameters: ["pointer"], result: "pointer" },
  // SSL_SESSION *SSL_get1_session(SSL *ssl);
  SSL_get1_session: { parameters: ["pointer"], result: "pointer" },
  // int SSL_set_session(SSL *ssl, SSL_SESSION *session);
  SSL_set_session: { parameters: ["pointer", "pointer"], result: "i32" },
  // int SSL_session_reused(const SSL *s);
  SSL_session_reused: { parameters: ["pointer"], result: "i32" },
  // void SSL_SESSION_free(SSL_SESSION *session);
  SSL_SESSION_free: { parameters: ["pointer"], result: "void" },
  // long SSL_SESSION_get_time(const SSL_SESSION *s);
  SSL_SESSION_get_time: { parameters: ["pointer"], result: "i64" },
  // long SSL_SESSION_get_timeout(const SSL_SESSION *s);
  SSL_SESSION_get_timeout: { parameters: ["pointer"], result: "i64" },
  // const unsigned char *SSL_SESSION_get_id(const SSL_SESSION *s, unsigned int *len);
  SSL_SESSION_get_id: { parameters: ["pointer", "buffer"], result: "pointer" },
  // int SSL_SESSION_has_ticket(const SSL_SESSION *s);
  SSL_SESSION_has_ticket: { parameters: ["pointer"], result: "i32" },
  // unsigned long SSL_SESSION_get_ticket_lifetime_hint(const SSL_SESSION *s);
  SSL_SESSION_get_ticket_lifetime_hint: { parameters: ["pointer"], result: "u64" },
  // int i2d_SSL_SESSION(const SSL_SESSION *in, unsigned char **pp);
  i2d_SSL_SESSION: { parameters: ["pointer", "buffer"], result: "i32" },
  // SSL_SESSION *d2i_SSL_SESSION(SSL_SESSION **a, const unsigned char **pp, long length);
  d2i_SSL_SESSION: { parameters: ["pointer", "buffer", "i64"], result: "pointer" },
  // size_t SSL_get_finished(const SSL *ssl, void *buf, size_t count);
  SSL_get_finished: { parameters: ["pointer", "buffer", "usize"], result: "usize" },
  // size_t SSL_get_peer_finished(const SSL *ssl, void *buf, size_t count);
  SSL_get_peer_finished: { parameters: ["pointer", "buffer", "usize"], result: "usize" },
  // SSL_CTX *SSL_get_SSL_CTX(const SSL *ssl);
  SSL_get_SSL_CTX: { parameters: ["pointer"], result: "pointer" },
  // SSL_CTX *SSL_set_SSL_CTX(SSL *ssl, SSL_CTX *ctx);
  SSL_set_SSL_CTX: { parameters: ["pointer", "pointer"], result: "pointer" },

  // ---- libcrypto: errors
  // void ERR_clear_error(void);
  ERR_clear_error: { parameters: [], result: "void" },
  // unsigned long ERR_get_error(void);
  ERR_get_error: { parameters: [], result: "u64" },
  // unsigned long ERR_peek_last_error(void);
  ERR_peek_last_error: { parameters: [], result: "u64" },
  // const char *ERR_reason_error_string(unsigned long e);
  ERR_reason_error_string: { parameters: ["u64"], result: "pointer" },

  // ---- libcrypto: BIOs
  // const BIO_METHOD *BIO_s_mem(void);
  BIO_s_mem: { parameters: [], result: "pointer" },
  // BIO *BIO_new(const BIO_METHOD *type);
  BIO_new: { parameters: ["pointer"], result: "pointer" },
  // BIO *BIO_new_mem_buf(const void *buf, int len);
  BIO_new_mem_buf: { parameters: ["buffer", "i32"], result: "pointer" },
  // int BIO_free(BIO *a);
  BIO_free: { parameters: ["pointer"], result: "i32" },
  // int BIO_up_ref(BIO *a);
  BIO_up_ref: { parameters: ["pointer"], result: "i32" },
  // int BIO_read(BIO *b, void *data, int dlen);
  BIO_read: { parameters: ["pointer", "buffer", "i32"], result: "i32" },
  // int BIO_write(BIO *b, const void *data, int dlen);
  BIO_write: { parameters: ["pointer", "buffer", "i32"], result: "i32" },
  // long BIO_ctrl(BIO *bp, int cmd, long larg, void *parg);
  BIO_ctrl: { parameters: ["pointer", "i32", "i64", "pointer"], result: "i64" },

  // ---- libcrypto: certificates
  // X509 *PEM_read_bio_X509(BIO *bp, X509 **x, pem_password_cb *cb, void *u);
  PEM_read_bio_X509: {
    parameters: ["pointer", "pointer", "pointer", "pointer"],
    result: "pointer",
  },
  // X509 *d2i_X509(X509 **px, const unsigned char **in, long len);
  d2i_X509: { parameters: ["pointer", "buffer", "i64"], result: "pointer" },
  // int i2d_X509(const X509 *a, unsigned char **out);
  i2d_X509: { parameters: ["pointer", "buffer"], result: "i32" },
  // void X509_free(X509 *a);
  X509_free: { parameters: ["pointer"], result: "void" },
  // int X509_STORE_add_cert(X509_STORE *xs, X509 *x);
  X509_STORE_add_cert: { parameters: ["pointer", "pointer"], result: "i32" },
  // const char *X509_verify_cert_error_string(long n);
  X509_verify_cert_error_string: { parameters: ["i64"], result: "pointer" },
  // int X509_VERIFY_PARAM_set1_host(X509_VERIFY_PARAM *param, const char *name, size_t namelen);
  X509_VERIFY_PARAM_set1_host: { parameters: ["pointer", "buffer", "usize"], result: "i32" },
  // int X509_VERIFY_PARAM_set1_ip_asc(X509_VERIFY_PARAM *param, const char *ipasc);
  X509_VERIFY_PARAM_set1_ip_asc: { parameters: ["pointer", "buffer"], result: "i32" },
  // void X509_VERIFY_PARAM_set_hostflags(X509_VERIFY_PARAM *param, unsigned int flags);
  X509_VERIFY_PARAM_set_hostflags: { parameters: ["pointer", "u32"], result: "void" },
  // int X509_VERIFY_PARAM_set_flags(X509_VERIFY_PARAM *param, unsigned long flags);
  X509_VERIFY_PARAM_set_flags: { parameters: ["pointer", "u64"], result: "i32" },
  // int X509_VERIFY_PARAM_clear_flags(X509_VERIFY_PARAM *param, unsigned long flags);
  X509_VERIFY_PARAM_clear_flags: { parameters: ["pointer", "u64"], result: "i32" },
  // unsigned long X509_VERIFY_PARAM_get_flags(const X509_VERIFY_PARAM *param);
  X509_VERIFY_PARAM_get_flags: { parameters: ["pointer"], result: "u64" },
  // const char *X509_get_default_cert_file_env(void);
  X509_get_default_cert_file_env: { parameters: [], result: "pointer" },
  // const char *X509_get_default_cert_file(void);
  X509_get_default_cert_file: { parameters: [], result: "pointer" },
  // const char *X509_get_default_cert_dir_env(void);
  X509_get_default_cert_dir_env: { parameters: [], result: "pointer" },
  // const char *X509_get_default_cert_dir(void);
  X509_get_default_cert_dir: { parameters: [], result: "pointer" },

  // ---- libcrypto: misc
  // const char *OpenSSL_version(int t);
  OpenSSL_version: { parameters: ["i32"], result: "pointer" },
  // unsigned long OpenSSL_version_num(void);
  OpenSSL_version_num: { parameters: [], result: "u64" },
  // int OPENSSL_sk_num(const OPENSSL_STACK *st);
  OPENSSL_sk_num: { parameters: ["pointer"], result: "i32" },
  // void *OPENSSL_sk_value(const OPENSSL_STACK *st, int i);
  OPENSSL_sk_value: { parameters: ["pointer", "i32"], result: "pointer" },
  // int RAND_bytes(unsigned char *buf, int num);
  RAND_bytes: { parameters: ["buffer", "i32"], result: "i32" },
  // int RAND_status(void);
  RAND_status: { parameters: [], result: "i32" },
  // void RAND_add(const void *buf, int num, double randomness);
  RAND_add: { parameters: ["buffer", "i32", "f64"], result: "void" },
} as const satisfies Deno.ForeignLibraryInterface;

/** The bound OpenSSL functions. */
export type Ossl = Deno.DynamicLibrary<typeof SSL_SYMBOLS>["symbols"];

/**
 * The signatures of the C callbacks OpenSSL calls back into (each made into
 * a `Deno.UnsafeCallback` by `ssl/_callbacks.ts`, which never lets an
 * exception unwind through OpenSSL).
 */
export const SSL_CALLBACKS = {
  // int pem_password_cb(char *buf, int size, int rwflag, void *userdata);
  password: { parameters: ["pointer", "i32", "i32", "pointer"], result: "i32" },
  // int servername_cb(SSL *s, int *al, void *arg);   (SSL_CTX_set_tlsext_servername_callback)
  servername: { parameters: ["pointer", "pointer", "pointer"], result: "i32" },
  // int alpn_select_cb(SSL *ssl, const unsigned char **out, unsigned char *outlen,
  //                    const unsigned char *in, unsigned int inlen, void *arg);
  alpnSelect: {
    parameters: ["pointer", "pointer", "pointer", "pointer", "u32", "pointer"],
    result: "i32",
  },
  // void keylog_cb(const SSL *ssl, const char *line);
  keylog: { parameters: ["pointer", "pointer"], result: "void" },
} as const satisfies Record<string, Deno.UnsafeCallbackDefinition>;

let lib: Deno.DynamicLibrary<typeof SSL_SYMBOLS> | undefined;

/**
 * The OpenSSL functions, opening libssl on the first call (candidates from
 * `sys/libssl.ts`). Throws an error saying what to install when none opens.
 */
export function ossl(): Ossl {
  if (lib !== undefined) return lib.symbols;
  const tried: string[] = [];
  for (const path of libsslCandidates()) {
    try {
      lib = Deno.dlopen(path, SSL_SYMBOLS);
      return lib.symbols;
    } catch (e) {
      if (e instanceof Deno.errors.NotCapable) throw e;
      tried.push(`${path}: ${(e as Error).message}`);
    }
  }
  throw new Error(libsslMissing(tried));
}

/** Whether libssl has been opened in this thread (for tests: importing must not open it). */
export function osslLoaded(): boolean {
  return lib !== undefined;
}
