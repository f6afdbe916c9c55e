// peerwarden/addrbook: the address book (Bitcoin Core's addrman), addresses and net groups, AS maps.
export * from '../core/addrbook/index.js';
export * from '../core/address/index.js';
