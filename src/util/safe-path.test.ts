import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { MAX_NAME_LENGTH, UnsafePathError, isDicomUid, pathInside, safeName, uidFileName } from './safe-path.js';

/** Values a header, a PACS or a report file could hold where pacsmine expects a UID or a name. */
const HOSTILE = [
  '../../../tmp/x', '/abs/path', '..', '.', '', '..\\..\\windows\\x', 'a/../../b', 'x\0y', '1.2.3\0/../../etc',
  `1.${'9'.repeat(300)}`, '1.2.840..5', '1.2.03', 'C:\\temp\\x', '~/x', ' 1.2.3', '1.2.3 ', '１.２', '%2e%2e%2f',
];

test('a well-formed DICOM UID names its own file; everything else becomes uid-<hash>', () => {
  assert.equal(uidFileName('1.2.840.10008.5.1.4.1.1.2', '.png'), '1.2.840.10008.5.1.4.1.1.2.png');
  assert.equal(uidFileName('2.25.0', '.dcm'), '2.25.0.dcm');
  for (const uid of HOSTILE) {
    const name = uidFileName(uid, '.png');
    assert.match(name, /^uid-[0-9a-f]{32}\.png$/, JSON.stringify(uid));
    assert.ok(!isDicomUid(uid), JSON.stringify(uid));
  }
  // Stable, and distinct values get distinct names.
  assert.equal(uidFileName('../x', '.png'), uidFileName('../x', '.png'));
  assert.equal(new Set(HOSTILE.map((u) => uidFileName(u, '.png'))).size, HOSTILE.length);
  assert.ok(!isDicomUid(`1.${'2'.repeat(63)}`), 'a UID longer than 64 characters is not well formed');
});

test('any string becomes a file name with no separator, no leading dot, no NUL, at most 64+4 characters, that stays in its folder', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pacsmine-safe-'));
  try {
    fc.assert(fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.constantFrom(...HOSTILE)), (value) => {
      for (const name of [uidFileName(value, '.png'), `${safeName(value)}.png`]) {
        assert.ok(!/[/\\\0]/.test(name) && !name.startsWith('.') && name.length <= MAX_NAME_LENGTH + 4, JSON.stringify(name));
        assert.equal(path.dirname(pathInside(dir, name)), dir);
      }
    }), { numRuns: 500, seed: 7 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('safeName keeps plain names and marks every changed one with a hash, so sanitised look-alikes do not collide', () => {
  assert.equal(safeName('document'), 'document');
  assert.equal(safeName('second-level_2.x'), 'second-level_2.x');
  assert.notEqual(safeName('a/b'), safeName('a?b'));
  assert.match(safeName('..'), /^x-[0-9a-f]{8}$/);
  assert.match(safeName('CHEST / PA view'), /^CHEST_PA_view-[0-9a-f]{8}$/);
  assert.equal(safeName('y'.repeat(500)).length, MAX_NAME_LENGTH);
});

test('pathInside refuses .., absolute parts, NUL bytes and the folder itself, without repeating the value', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pacsmine-safe-'));
  try {
    for (const bad of ['../../../tmp/x.png', '/abs/path.png', '..', '.', '', 'a/../../b', 'x\0y.png', '../' + path.basename(dir) + '-sibling/x']) {
      assert.throws(() => pathInside(dir, bad), (e: unknown) => e instanceof UnsafePathError && !e.message.includes(bad || '\u0001'), JSON.stringify(bad));
    }
    assert.equal(pathInside(dir, 'sub', 'x.png'), path.join(dir, 'sub', 'x.png'));
    // Backslashes are ordinary characters on POSIX: inside, but uidFileName never makes such a name.
    assert.equal(path.dirname(pathInside(dir, '..\\..\\x')), dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('pathInside refuses to write through a symbolic link that leads out of the folder', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pacsmine-safe-'));
  const outside = mkdtempSync(path.join(os.tmpdir(), 'pacsmine-outside-'));
  try {
    mkdirSync(path.join(dir, 'real'));
    symlinkSync(outside, path.join(dir, 'escape'));
    symlinkSync(path.join(outside, 'target.png'), path.join(dir, 'file.png'));
    symlinkSync(path.join(dir, 'real'), path.join(dir, 'inner'));
    assert.throws(() => pathInside(dir, 'escape', 'x.png'), UnsafePathError);
    assert.throws(() => pathInside(dir, 'escape', 'new', 'deeper', 'x.png'), UnsafePathError);
    assert.throws(() => pathInside(dir, 'file.png'), UnsafePathError, 'an existing link is not written through');
    assert.equal(pathInside(dir, 'inner', 'x.png'), path.join(dir, 'inner', 'x.png'), 'a link that stays inside is fine');
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  }
});
