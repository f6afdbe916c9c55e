// peerwarden/wire: the wire protocol, whole — a compatible peer can be written from these codecs (docs/protocol.md).
export * from '../wire/index.js';
export { CHANNEL_BINDING_LABEL } from '../net/tls.js';
