// The one vocabulary for where bans go. A ban set is the kernel object (or its file stand-in) that holds bans; a
// choice is what --backend or BAN_BACKEND asks for; a block method is how `watch` carries out a detection's block
// step. Kept here, below every layer that names them: the config parses BAN_BACKEND, the shell parses --backend,
// firewall opens ban sets, respond plans blocks.

/** A ban set that can be opened: nftables sets, blackhole routes, or a JSON file standing in for the kernel. */
export type BanSetKind = 'nftables' | 'route' | 'file';

/** What a ban command's --backend may ask for: a ban set, or auto (nftables when it answers, else routes). */
export type BanSetChoice = 'auto' | BanSetKind;
export const BAN_SET_CHOICES: readonly BanSetChoice[] = ['auto', 'nftables', 'route', 'file'];

/** A choice among the kernel's ban sets only (what firewall/select.ts opens). */
export type KernelBanSetChoice = Exclude<BanSetChoice, 'file'>;

/** BAN_BACKEND in the config, and watch's --backend: a kernel choice, or "command" (KILL_ROUTE runs instead). */
export type BackendSetting = KernelBanSetChoice | 'command';
export const BACKEND_SETTINGS: readonly BackendSetting[] = ['auto', 'nftables', 'route', 'command'];

/** How a detection is blocked once auto is resolved: a kernel ban set, or the KILL_ROUTE command. */
export type BlockMethod = Exclude<BackendSetting, 'auto'>;
export const BLOCK_METHODS: readonly BlockMethod[] = ['nftables', 'route', 'command'];
