// Endpoints and IP addresses: parsing, formatting, classes and net groups.
export { AddressParseError, formatIpBytes, normalizeIp, parseIpBytes, familyOf, isIpv4Bytes, type IpFamily } from './ip.js';
export { parseEndpoint, formatEndpoint, sameEndpoint, type Endpoint, type EndpointLike } from './endpoint.js';
export { classify, isAcceptable, ipBytesOf, type AddressClass, type AcceptOptions, type IpLike } from './classify.js';
export { netGroup, formatNetGroup, type NetGroupOptions } from './netgroup.js';
