// A pass-through netlink transport for kernel tests: it holds the first datagram that carries DELSETELEM until an
// async `pause` settles (e.g. until the kernel has expired some elements), and records what each DELSETELEM batch
// held and which of its messages the kernel refused, so a test can show that the race it set up really happened.
import { NFT_MSG_DELSETELEM, NFT_MSG_NEWSETELEM, NLMSG_ERROR } from '../../src/netlink/constants.js';
import { parseError, parseMessages } from '../../src/netlink/message.js';
import { nftType } from '../../src/netlink/nfnetlink.js';
import { decodeSetElements } from '../../src/netlink/nftables/setelem.js';
import type { NetlinkTransport } from '../../src/netlink/transport.js';
import { formatAddress } from '../../src/net/address.js';

export interface DeleteRecord {
  /** Keys of every DELSETELEM message in each batch sent, in order (a prefix shows as its start and end keys). */
  batches: string[][];
  /** errno of every refused DELSETELEM message, in the order the refusals arrived. */
  refusals: number[];
}

const DEL = nftType(NFT_MSG_DELSETELEM);

export class PausingTransport implements NetlinkTransport {
  readonly record: DeleteRecord = { batches: [], refusals: [] };
  private paused = false;

  constructor(
    private readonly inner: NetlinkTransport,
    private readonly pause: () => Promise<void>,
  ) {}

  get maxSendBytes(): number {
    return this.inner.maxSendBytes;
  }

  async send(buffers: Uint8Array[]): Promise<void> {
    const deletes = parseMessages(Buffer.concat(buffers)).filter((m) => m.type === DEL);
    if (deletes.length > 0) {
      // The elements' own bytes, read as a NEWSETELEM body: the attribute layout is the same.
      const keys = decodeSetElements(deletes.map((m) => ({ ...m, type: nftType(NFT_MSG_NEWSETELEM) }))).map((e) =>
        formatAddress(e.key.length === 4 ? 4 : 6, e.key),
      );
      this.record.batches.push(keys);
      if (!this.paused) {
        this.paused = true;
        await this.pause();
      }
    }
    await this.inner.send(buffers);
  }

  async receive(): Promise<Buffer> {
    const datagram = await this.inner.receive();
    for (const m of parseMessages(datagram)) {
      if (m.type !== NLMSG_ERROR) continue;
      const reply = parseError(m);
      if (reply.errno !== 0 && reply.requestType === DEL) this.record.refusals.push(reply.errno);
    }
    return datagram;
  }

  close(): void {
    this.inner.close();
  }
}
