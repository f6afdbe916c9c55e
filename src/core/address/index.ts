// Endpoints and IP addresses: parsing, formatting, classes, net groups and Bitcoin Core's AS map.
export { AddressParseError, formatIpBytes, normalizeIp, parseIpBytes, familyOf, isIpv4Bytes, type IpFamily } from './ip.js';
export { parseEndpoint, formatEndpoint, sameEndpoint, type Endpoint, type EndpointLike } from './endpoint.js';
export { classify, isAcceptable, ipBytesOf, type AddressClass, type AcceptOptions, type IpLike } from './classify.js';
export { netGroup, netGroupName, formatNetGroup, asGroup, type NetGroupOptions, type FormatNetGroupOptions } from './netgroup.js';
export { Asmap, AsmapError, ASMAP_MAX_ASN, type AsmapEntry } from './asmap.js';
export { encodeAsmap } from './asmap-encoder.js';
