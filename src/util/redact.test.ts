import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redactSecrets, redactUrl, splitUrlCredentials } from './redact.js';
import { PacsmineError, describeError } from './errors.js';

test('redactUrl removes user and password and secret query values, and keeps the rest readable', () => {
  assert.equal(redactUrl('http://user:s3cretPW@127.0.0.1:1/dicom-web'), 'http://***@127.0.0.1:1/dicom-web');
  assert.equal(redactUrl('https://only-user@pacs.example/dicom-web'), 'https://***@pacs.example/dicom-web');
  assert.equal(redactUrl('http://u:p@ss:w0rd@host/x'), 'http://***@host/x', 'an unencoded @ in the password');
  assert.equal(redactUrl('http://host/dicom-web?token=abc&x=1&access_token=def&Password=ghi&apikey=jkl'),
    'http://host/dicom-web?token=***&x=1&access_token=***&Password=***&apikey=***');
  assert.equal(redactUrl('http://127.0.0.1:8042/dicom-web'), 'http://127.0.0.1:8042/dicom-web');
});

test('redactSecrets finds URLs inside any message (fetch quotes the URL it was given)', () => {
  const message = 'Request cannot be constructed from a URL that includes credentials: http://user:s3cretPW@127.0.0.1:1/dicom-web/studies';
  assert.ok(!redactSecrets(message).includes('s3cretPW'));
  assert.ok(redactSecrets(message).includes('http://***@127.0.0.1:1/dicom-web/studies'));
  // describeError, which every CLI error and every rejects reason goes through, redacts too.
  assert.ok(!describeError(new PacsmineError('INPUT', message)).includes('s3cretPW'));
  assert.ok(!describeError('GET https://h/x?sig=SECRET1 failed').includes('SECRET1'));
});

test('splitUrlCredentials moves user and (decoded) password out of the URL', () => {
  assert.deepEqual(splitUrlCredentials('http://user:s3cret%40PW@127.0.0.1:1/dicom-web'), { url: 'http://127.0.0.1:1/dicom-web', user: 'user', password: 's3cret@PW' });
  assert.deepEqual(splitUrlCredentials('http://127.0.0.1:1/dicom-web'), { url: 'http://127.0.0.1:1/dicom-web' });
  assert.deepEqual(splitUrlCredentials('http://u:p@host'), { url: 'http://host', user: 'u', password: 'p' });
  assert.deepEqual(splitUrlCredentials('not a url'), { url: 'not a url' });
});
