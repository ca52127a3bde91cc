// Link-layer header types found in capture files, numbered as in the tcpdump.org LINKTYPE_ registry
// (https://www.tcpdump.org/linktypes.html), and their names as tcpdump prints them.

export const LINKTYPE_NULL = 0;
export const LINKTYPE_ETHERNET = 1;
/** Raw IP as written by some older libpcap builds (DLT_RAW was 12 on most systems, 14 on OpenBSD). */
export const LINKTYPE_RAW_LEGACY12 = 12;
export const LINKTYPE_RAW_LEGACY14 = 14;
export const LINKTYPE_RAW = 101;
export const LINKTYPE_LOOP = 108;
export const LINKTYPE_LINUX_SLL = 113;
export const LINKTYPE_IPV4 = 228;
export const LINKTYPE_IPV6 = 229;
export const LINKTYPE_LINUX_SLL2 = 276;

const NAMES: Record<number, string> = {
  [LINKTYPE_NULL]: 'NULL',
  [LINKTYPE_ETHERNET]: 'EN10MB',
  [LINKTYPE_RAW_LEGACY12]: 'RAW',
  [LINKTYPE_RAW_LEGACY14]: 'RAW',
  [LINKTYPE_RAW]: 'RAW',
  [LINKTYPE_LOOP]: 'LOOP',
  [LINKTYPE_LINUX_SLL]: 'LINUX_SLL',
  [LINKTYPE_IPV4]: 'IPV4',
  [LINKTYPE_IPV6]: 'IPV6',
  [LINKTYPE_LINUX_SLL2]: 'LINUX_SLL2',
};

/** The tcpdump name of a link type (`EN10MB`, `LINUX_SLL2`, ...), or `LINKTYPE_<n>` for one we do not decode. */
export function linkTypeName(n: number): string {
  return NAMES[n] ?? `LINKTYPE_${n}`;
}

/** True when frames of this link type can be decoded. */
export function isSupportedLinkType(n: number): boolean {
  return NAMES[n] !== undefined;
}
