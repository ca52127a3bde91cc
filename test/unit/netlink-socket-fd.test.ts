// Finding a netlink socket's inode in the kernel's table: by protocol and port, never by another column, and
// nothing for a socket the table does not list.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { netlinkSocketInode } from '../../src/netlink/socket-fd.js';

const TABLE = [
  'sk               Eth Pid        Groups   Rmem     Wmem     Dump  Locks    Drops    Inode',
  '0000000090e98f67 0   0          00000000 0        0        0     2        0        4       ',
  '00000000ca68d0d1 12  0          00000000 0        0        0     2        0        158     ',
  '00000000aa00bb11 12  2147483651 00000000 0        0        0     2        0        98765   ',
  '00000000aa00bb12 9   2147483651 00000000 0        0        0     2        0        11111   ',
  '',
].join('\n');

test('the inode of the socket with that protocol and port', () => {
  assert.equal(netlinkSocketInode(TABLE, 12, 2147483651), '98765');
  assert.equal(netlinkSocketInode(TABLE, 9, 2147483651), '11111');
  assert.equal(netlinkSocketInode(TABLE, 12, 0), '158');
});

test('nothing for a socket the table does not list, or a table of another shape', () => {
  assert.equal(netlinkSocketInode(TABLE, 12, 42), undefined);
  assert.equal(netlinkSocketInode(TABLE, 16, 2147483651), undefined);
  assert.equal(netlinkSocketInode('', 12, 0), undefined);
  assert.equal(netlinkSocketInode('header\n12 0 1', 12, 0), undefined);
});
