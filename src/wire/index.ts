// The wire protocol: frames, the streaming decoder, message codecs and DISCONNECT reason codes.
export * from './constants.js';
export { WireError, FrameTooLargeError, MalformedMessageError, EncodeError } from './errors.js';
export { encodeFrame, frameBytes, framed, INLINE_PAYLOAD_MAX, type EncodedFrame } from './frame.js';
export { FrameDecoder, type FrameHandler } from './decoder.js';
export { encodeHello, decodeHello, encodeAuth, decodeAuth, authPayload, encodeDisconnect, decodeDisconnect, readDisconnect, networkIdOf, type Hello, type Disconnect } from './handshake-codec.js';
export { encodePing, decodePing, encodePong, decodePong, encodeGetAddr, decodeGetAddr, encodeAddr, decodeAddr, type AddrEntry } from './control-codec.js';
export { encodeMessage, decodeMessage, encodeRequest, decodeRequest, encodeResponse, decodeResponse, type MessageBody, type RequestBody, type ResponseBody } from './app-codec.js';
export { decodeBody, type WireMessage } from './messages.js';
export { DisconnectCode, reasonCode, reasonName, isHandshakeRefusal, type DisconnectReason } from './reasons.js';
