// The tls transport: TLS 1.3 over TCP with a throwaway self-signed certificate; AUTH is bound to the session.

import { TLSSocket, connect as tlsConnect, createSecureContext, type SecureContext } from 'node:tls';
import type { Scheduler } from '../core/clock.js';
import { createSelfSignedCertificate, type SelfSignedCertificate } from './certificate.js';
import { SocketLink } from './socket-link.js';
import { DEFAULT_DIAL_TIMEOUT_MS, linkOfSocket, listenSockets } from './tcp.js';
import { DialError, dialFailureOf, type InboundAttempt, type Link, type Transport } from './transport.js';

/** The exporter label both sides feed to exportKeyingMaterial for AUTH's channel binding. */
export const CHANNEL_BINDING_LABEL = 'EXPORTER-peerwarden';

/**
 * AES-128-GCM first: as secure as AES-256 for this use and faster with AES-NI; ChaCha20 for
 * machines without AES instructions. Only TLS 1.3 suites: there is no older peer to talk to.
 */
const CIPHERSUITES = 'TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_256_GCM_SHA384';

export interface TlsTransportOptions {
  scheduler: Scheduler;
  /** The certificate to present; a fresh self-signed one when omitted. */
  certificate?: SelfSignedCertificate;
}

function exportBinding(socket: TLSSocket): Uint8Array {
  // No context argument (the typings demand one; TLS 1.3 treats "none" and "empty" alike anyway).
  const exporter = socket.exportKeyingMaterial as (length: number, label: string) => Buffer;
  return new Uint8Array(exporter.call(socket, 32, CHANNEL_BINDING_LABEL));
}

/** TLS 1.3 over TCP. Certificates are not verified: identity is proven by AUTH, which signs the channel binding. */
export function createTlsTransport(options: TlsTransportOptions): Transport {
  const { scheduler } = options;
  const certificate = options.certificate ?? createSelfSignedCertificate();
  const serverContext: SecureContext = createSecureContext({
    key: certificate.key,
    cert: certificate.cert,
    minVersion: 'TLSv1.3',
    ciphers: CIPHERSUITES,
  });
  const clientContext: SecureContext = createSecureContext({ minVersion: 'TLSv1.3', ciphers: CIPHERSUITES });

  return {
    kind: 'tls',
    encrypted: true,
    listen(endpoint, onInbound) {
      return listenSockets(endpoint, (raw, remote, local) => {
        let tlsSocket: TLSSocket | undefined;
        const attempt: InboundAttempt = {
          remote,
          local,
          accept: () =>
            new Promise<Link>((resolve, reject) => {
              // The TLS handshake starts only now, after the manager's cheap checks passed.
              const s = new TLSSocket(raw, { isServer: true, secureContext: serverContext, requestCert: false });
              tlsSocket = s;
              const onError = (err: Error) => reject(err);
              const onClose = () => reject(new Error('closed during the TLS handshake'));
              s.once('error', onError);
              s.once('close', onClose);
              s.once('secure', () => {
                s.off('error', onError);
                s.off('close', onClose);
                resolve(new SocketLink(s, remote, local, exportBinding(s)));
              });
            }),
          // No goodbye without a TLS session, and a TLS session is the CPU we refuse to spend.
          refuse: () => {
            (tlsSocket ?? raw).destroy();
          },
        };
        onInbound(attempt);
      });
    },
    dial(endpoint, dialOptions = {}) {
      return new Promise<Link>((resolve, reject) => {
        const socket = tlsConnect({
          host: endpoint.ip,
          port: endpoint.port,
          secureContext: clientContext,
          rejectUnauthorized: false,
          ...(dialOptions.localIp ? { localAddress: dialOptions.localIp } : {}),
        });
        socket.setNoDelay(true);
        const timeoutMs = dialOptions.timeoutMs ?? DEFAULT_DIAL_TIMEOUT_MS;
        const timer = scheduler.after(timeoutMs, () => {
          socket.destroy();
          reject(new DialError(endpoint, 'timeout', `no TLS session within ${timeoutMs} ms`));
        });
        const onError = (err: NodeJS.ErrnoException) => {
          timer.cancel();
          reject(new DialError(endpoint, dialFailureOf(err), err.message, err));
        };
        socket.once('error', onError);
        socket.once('secureConnect', () => {
          timer.cancel();
          socket.off('error', onError);
          resolve(linkOfSocket(socket, exportBinding(socket), endpoint));
        });
      });
    },
  };
}
