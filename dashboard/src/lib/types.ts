// The JSON shapes the dashboard reads from the node, hub, observer, devnet and fleet APIs: the API's
// own types (src/api/dto.ts), which the server's code is checked against, re-exported for the pages.

export type * from '../../../src/api/dto.js';
