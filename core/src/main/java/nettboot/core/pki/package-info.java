/**
 * Platform PKI: the embedded (lab) certificate authority, PEM I/O, strict validation of the
 * addresses put into certificates, and the mapping from a verified client certificate to a tenant
 * or admin identity. ECDSA P-256 throughout, as iPXE 2.0 and the Talos command line require.
 * Nothing here logs or puts key material into exception messages.
 */
package nettboot.core.pki;
